//! PBX311 twilio-webhook-plain-http: TwiML sends Twilio to a webhook over `http://`.

use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX311",
        name: "twilio-webhook-plain-http",
        severity: Severity::High,
        escalation: None,
        summary: "a TwiML webhook URL (`<Dial action>`, `<Redirect>`, `url`, `…Callback`) is `http://`",
        doc: RuleDoc {
            what: "Reports the URLs of TwiML documents that Twilio requests during a call — `action`, `url` and `…Callback` attributes, `<Redirect>` — when they are `http://`. pbxgen renders `<Dial action>` from `twilio.webhook.public_url`, so an `http://` public URL in a profile shows here (`audit --profile`, and `render`'s own audit).",
            why: "Twilio's request carries the caller's number and the call's identifiers, and the answer is TwiML that decides where the call goes. Over plain HTTP anyone on the path reads the first and can rewrite the second — for example into a `<Dial>` to a premium number, paid by your Twilio account. The request signature does not protect the answer.",
            example: "<Dial action=\"http://pbx.example.net/twilio/main/dial-status\" method=\"POST\">",
            instead: "<Dial action=\"https://pbx.example.net/twilio/main/dial-status\" method=\"POST\">\n; profile: twilio.webhook.public_url: https://pbx.example.net/twilio",
            references: &[
                "Twilio docs, Webhooks security: use HTTPS and validate X-Twilio-Signature",
                "pbxgen README, \"Twilio webhooks\"",
            ],
        },
        fix: "serve the webhook over HTTPS (a TLS reverse proxy, or `twilio.webhook.tls`) and use an `https://` URL",
    },
    check: Check::Config(check_webhook_plain_http),
};

fn check_webhook_plain_http(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    for doc in &ctx.pbx.twiml {
        for url in doc.urls.iter().filter(|u| u.is_plain_http()) {
            let place = match &url.attribute {
                Some(attribute) => format!("`<{} {attribute}>`", url.element),
                None => format!("`<{}>`", url.element),
            };
            let finding = sink.report(
                ctx.anchor(url.pos),
                format!(
                    "{place} sends Twilio to `{}` over plain HTTP: the call's data and the TwiML answer can be read and changed on the way",
                    url.url
                ),
            );
            finding.section(url.element.clone());
            if let Some(attribute) = &url.attribute {
                finding.option(attribute.clone());
            }
        }
    }
}
