//! PBX702 websms-proxy-too-trusting.

use crate::audit::analysis::network;
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};
use ipnet::IpNet;

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX702",
        name: "websms-proxy-too-trusting",
        severity: Severity::High,
        escalation: None,
        summary: "websmsd trusts `X-Forwarded-For` from networks wider than a private range",
        doc: RuleDoc {
            what: "Reports `prox_addr` (legacy `proxy_addr`) entries that are not inside a private (RFC 1918/ULA/loopback) range, or that are wider than one.",
            why: "websmsd takes the client address from the proxy header when the request comes from a trusted proxy. If a public range is trusted, anyone there sends `X-Forwarded-For: <ITSP address>` and passes the source list.",
            example: "[websmsd]\nprox_addr = 0.0.0.0/0",
            instead: "[websmsd]\nprox_addr = 172.16.0.0/12   ; the reverse proxy's container network",
            references: &["mlan/docker-asterisk src/websms README: prox_addr, prox_header"],
        },
        fix: "list only your reverse proxy's private address in `prox_addr`",
    },
    check: Check::Config(check_proxy_too_trusting),
};

/// Parse a WebSMS CIDR list item (`1.2.3.4`, `10.0.0.0/8`).
fn parse_net(item: &str) -> Option<IpNet> {
    let t = item.trim();
    t.parse::<IpNet>()
        .ok()
        .or_else(|| t.parse::<std::net::IpAddr>().ok().map(IpNet::from))
}

fn check_proxy_too_trusting(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(ws) = &ctx.pbx.websms else { return };
    let Some(pos) = ws.proxy_addresses.pos else {
        return;
    };
    for item in &ws.proxy_addresses.value {
        let too_wide = match parse_net(item) {
            Some(net) => !network::net_is_private(&net),
            None => !item.trim().is_empty(),
        };
        if too_wide {
            sink.report(
                ctx.anchor(pos),
                format!("websmsd trusts `{}` headers from `{}`, which is not a private network: anyone there can fake their source address", ws.proxy_header.value, item.trim()),
            )
            .section("websmsd")
            .option("prox_addr");
        }
    }
}
