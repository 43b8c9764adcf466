//! PBX310 twiml-sip-credentials: a TwiML `<Sip>` carries `username`/`password` attributes.

use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX310",
        name: "twiml-sip-credentials",
        severity: Severity::High,
        escalation: None,
        summary: "a TwiML `<Dial><Sip>` carries the PBX's SIP `username`/`password`",
        doc: RuleDoc {
            what: "Reports `<Sip>` nouns of TwiML documents (`twiml-*.xml`, `*.twiml`, or `.xml` files whose root is `<Response>`) with a `username` or `password` attribute. Attributes are found in any order and quoting; the password itself is never printed.",
            why: "TwiML is the answer of a webhook: the credentials travel in every response to Twilio, sit in Twilio's request logs and debugger, and anyone who can fetch the document (an unsigned webhook, a leaked TwiML Bin URL) can register or call as that account on the PBX. Twilio calls from published addresses, so the PBX can recognise them without a password.",
            example: "<Response>\n  <Dial>\n    <Sip username=\"twilio\" password=\"hunter2hunter2\">sip:101@pbx.example.net</Sip>\n  </Dial>\n</Response>",
            instead: "<Response>\n  <Dial>\n    <Sip>sip:101@pbx.example.net;transport=tls</Sip>\n  </Dial>\n</Response>\n; and on the PBX: identify Twilio by its addresses (pjsip `identify` with Twilio's ranges)\n; into a context that reaches local destinations only",
            references: &[
                "Twilio docs, TwiML <Sip>: `username` and `password` attributes",
                "Twilio docs, Elastic SIP Trunking / Programmable Voice IP addresses (identify by source address)",
                "pbxgen README, \"Twilio webhooks\"",
            ],
        },
        fix: "remove `username`/`password` from `<Sip>`; let the PBX identify Twilio by its published addresses into a local-only context",
    },
    check: Check::Config(check_twiml_sip_credentials),
};

fn check_twiml_sip_credentials(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    for doc in &ctx.pbx.twiml {
        for sip in &doc.sips {
            let attributes = match (&sip.username, &sip.password) {
                (Some(_), Some(_)) => "`username` and `password`",
                (None, Some(_)) => "`password`",
                (Some(_), None) => "`username`",
                (None, None) => continue,
            };
            let pos = sip
                .password
                .or(sip.username.as_ref().map(|(_, pos)| *pos))
                .unwrap_or(sip.pos);
            let what = if sip.password.is_some() {
                "the PBX's SIP credentials travel in every response to Twilio"
            } else {
                "the PBX account's name travels in every response to Twilio (a password usually goes with it)"
            };
            sink.report(
                ctx.anchor(pos),
                format!("`<Sip>` to `{}` carries {attributes}: {what}", sip.uri),
            )
            .section("Sip")
            .option(if sip.password.is_some() {
                "password"
            } else {
                "username"
            });
        }
    }
}
