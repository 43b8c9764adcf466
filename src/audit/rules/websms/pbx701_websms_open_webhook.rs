//! PBX701 websms-open-webhook: websmsd accepts incoming-SMS webhooks from any address, or from
//! too much of the internet.

use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};
use crate::breadth;
use ipnet::IpNet;
use std::net::IpAddr;

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX701",
        name: "websms-open-webhook",
        severity: Severity::High,
        escalation: None,
        summary: "websmsd accepts incoming-SMS webhooks from any address, or from too much of the internet",
        doc: RuleDoc {
            what: "Reports a `websms.conf` whose `[websmsd]` has no source list (`remt_addr`, legacy `permit_addr`), an empty one, or one that admits too much of the internet together (after aggregation, private networks not counted: as many public addresses as a /8 or more, e.g. `0.0.0.0/0`, or `0.0.0.0/1,128.0.0.0/1`) — the one breadth policy pbxgen applies to every source list.",
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
    let list = ws.source_addresses.as_ref();
    let entries: Vec<&str> = list
        .map(|l| {
            l.value
                .iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let what = if entries.is_empty() {
        match list.and_then(|l| l.pos) {
            Some(_) => "the source list is empty".to_string(),
            None => "no `remt_addr`/`permit_addr` is set".to_string(),
        }
    } else {
        // websmsd reads each entry as an address or a network; anything else admits nothing.
        let nets: Vec<IpNet> = entries
            .iter()
            .filter_map(|e| {
                e.parse::<IpNet>()
                    .ok()
                    .or_else(|| e.parse::<IpAddr>().ok().map(IpNet::from))
            })
            .collect();
        match breadth::too_broad(&nets) {
            Some(breadth) => format!("the source list admits {breadth}"),
            None => return,
        }
    };
    let pos = match list.and_then(|l| l.pos) {
        Some(pos) => pos,
        None => {
            let websmsd = ws
                .sections
                .iter()
                .find(|s| s.name.eq_ignore_ascii_case("websmsd"));
            websmsd.map_or_else(|| ctx.file_pos(ws.file), |s| s.pos)
        }
    };
    let anyone = if entries.is_empty() {
        "any address"
    } else {
        "too much of the internet"
    };
    sink.report(
        ctx.anchor(pos),
        format!("websmsd accepts incoming-SMS webhooks from {anyone} ({what}); they become calls into `{}`", ws.context.value),
    )
    .section("websmsd")
    .option("remt_addr");
}
