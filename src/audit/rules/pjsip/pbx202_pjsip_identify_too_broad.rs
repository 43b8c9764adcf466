//! PBX202 pjsip-identify-too-broad: an `identify` `match` covers a huge network (/0–/8).

use crate::asterisk::model::acl::AclTarget;
use crate::audit::analysis::network;
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};
use ipnet::IpNet;

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX202",
        name: "pjsip-identify-too-broad",
        severity: Severity::Critical,
        escalation: None,
        summary: "an `identify` `match` covers a huge network (/0–/8)",
        doc: RuleDoc {
            what: "Reports `type=identify` `match=` entries with a prefix of 8 bits or shorter (IPv4) or 16 bits or shorter (IPv6), e.g. `0.0.0.0/0`, unless the network is entirely private (10.0.0.0/8, fc00::/7).",
            why: "Every request from inside the match is treated as coming from the endpoint — unauthenticated. A /8 is sixteen million addresses on the internet; `0.0.0.0/0` makes the endpoint an anonymous endpoint with the trunk's context.",
            example: "[provider]\ntype=identify\nendpoint=provider\nmatch=0.0.0.0/0",
            instead: "[provider]\ntype=identify\nendpoint=provider\nmatch=203.0.113.0/28   ; the provider's published signalling range",
            references: &[
                "Asterisk pjsip.conf.sample: identify match",
                "Provider documentation of signalling ranges",
            ],
        },
        fix: "list only the provider's published signalling addresses in `match=`",
    },
    check: Check::Config(check_identify_too_broad),
};

fn check_identify_too_broad(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(pj) = &ctx.pbx.pjsip else { return };
    for i in pj.identifies.iter().filter(|i| !i.meta.is_refused()) {
        for m in &i.matches {
            let AclTarget::Net(net) = &m.target else {
                continue;
            };
            let too_broad = match net {
                IpNet::V4(n) => n.prefix_len() <= 8,
                IpNet::V6(n) => n.prefix_len() <= 16,
            };
            // A whole private network is a LAN decision, not an internet exposure.
            if too_broad && !network::net_is_private(net) {
                let endpoint = i.endpoint.as_ref().map_or("?", |e| e.value.as_str());
                sink.report(
                    ctx.anchor(m.pos),
                    format!(
                        "`match={net}` makes {} addresses endpoint `{endpoint}`, unauthenticated",
                        count(net)
                    ),
                )
                .section(i.meta.id.clone())
                .option("match");
            }
        }
    }
}

fn count(net: &IpNet) -> String {
    let host_bits = u32::from(net.max_prefix_len() - net.prefix_len());
    if host_bits >= 64 {
        format!("2^{host_bits}")
    } else {
        (1u128 << host_bits).to_string()
    }
}
