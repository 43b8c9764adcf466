//! PBX703 websms-cleartext-credentials: `basic`/`plain` auth to an `http://` ITSP URL.

use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX703",
        name: "websms-cleartext-credentials",
        severity: Severity::High,
        escalation: None,
        summary: "`basic`/`plain` auth to an `http://` ITSP URL",
        doc: RuleDoc {
            what: "Reports `auth_method = basic` or `plain` while `url_host` (legacy `host`) is an `http://` URL.",
            why: "Basic and plain authentication send the ITSP credentials with every request; over plain HTTP anyone on the path reads them and sends SMS (often paid) as you.",
            example: "[websms]\nurl_host = http://api.itsp.example\nauth_method = basic",
            instead: "[websms]\nurl_host = https://api.itsp.example\nauth_method = basic",
            references: &["RFC 7617 §4 (Basic is only safe over TLS)"],
        },
        fix: "use an `https://` URL",
    },
    check: Check::Config(check_cleartext_credentials),
};

fn check_cleartext_credentials(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(ws) = &ctx.pbx.websms else { return };
    for itsp in &ws.itsps {
        let (Some(host), Some(method)) = (&itsp.url_host, &itsp.auth_method) else {
            continue;
        };
        let m = method.value.trim().to_ascii_lowercase();
        if (m == "basic" || m == "plain")
            && host
                .value
                .trim()
                .to_ascii_lowercase()
                .starts_with("http://")
        {
            sink.report(
                ctx.anchor(
                    method
                        .pos
                        .or(host.pos)
                        .unwrap_or_else(|| ctx.file_pos(ws.file)),
                ),
                format!(
                    "`auth_method = {m}` sends the ITSP credentials in clear text to `{}`",
                    host.value.trim()
                ),
            )
            .section("websms")
            .option("auth_method");
        }
    }
}
