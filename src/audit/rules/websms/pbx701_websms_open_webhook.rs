//! PBX701 websms-open-webhook: websmsd accepts incoming-SMS webhooks from any address.

use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX701",
        name: "websms-open-webhook",
        severity: Severity::High,
        escalation: None,
        summary: "websmsd accepts incoming-SMS webhooks from any address",
        doc: RuleDoc {
            what: "Reports a `websms.conf` whose `[websmsd]` has no source list (`remt_addr`, legacy `permit_addr`) or an empty one.",
            why: "websmsd verifies no signature: its only access control is the source address. Without a list, anyone on the internet can POST fake SMS, which Asterisk turns into call files and runs through your dialplan (`[astqueue]` contexts).",
            example: "[websmsd]\nkey_echo = zd_echo",
            instead: "[websmsd]\nkey_echo = zd_echo\nremt_addr = 185.45.152.42   ; the ITSP's webhook source",
            references: &["mlan/docker-asterisk src/websms README: remt_addr / permit_addr"],
        },
        fix: "set `remt_addr` (legacy `permit_addr`) to the ITSP's webhook source addresses",
    },
    check: Check::Config(check_open_webhook),
};

fn check_open_webhook(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(ws) = &ctx.pbx.websms else { return };
    let empty = ws
        .source_addresses
        .as_ref()
        .is_none_or(|l| l.value.iter().all(|s| s.trim().is_empty()));
    if !empty {
        return;
    }
    let (pos, what) = match ws.source_addresses.as_ref().and_then(|l| l.pos) {
        Some(pos) => (pos, "the source list is empty"),
        None => {
            let websmsd = ws
                .sections
                .iter()
                .find(|s| s.name.eq_ignore_ascii_case("websmsd"));
            (
                websmsd.map_or_else(|| ctx.file_pos(ws.file), |s| s.pos),
                "no `remt_addr`/`permit_addr` is set",
            )
        }
    };
    sink.report(
        ctx.anchor(pos),
        format!("websmsd accepts incoming-SMS webhooks from any address ({what}); they become calls into `{}`", ws.context.value),
    )
    .section("websmsd")
    .option("remt_addr");
}
