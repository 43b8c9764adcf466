//! PBX202 pjsip-identify-too-broad: an `identify`'s `match` lines admit too much of the internet
//! ([`crate::breadth`]).

use crate::asterisk::model::acl::AclTarget;
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};
use crate::breadth;
use ipnet::IpNet;

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX202",
        name: "pjsip-identify-too-broad",
        severity: Severity::Critical,
        escalation: None,
        summary: "an `identify`'s `match` lines admit as much of the internet as a /8 or more",
        doc: RuleDoc {
            what: "Reports a `type=identify` whose `match=` networks together admit as many public addresses as a /8 (IPv4) or a /16 (IPv6) or more, after aggregation, private networks not counted: `0.0.0.0/0`, `0.0.0.0/1` with `128.0.0.0/1`, `1.0.0.0/8` — the one breadth policy pbxgen applies to every source list. A whole private network (10.0.0.0/8, fc00::/7) is a LAN decision and is not reported.",
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
        // The identify's `match` lines admit together (crate::breadth, the one policy for every
        // source list): two /1s are as open as a /0.
        let nets: Vec<(IpNet, _)> = i
            .matches
            .iter()
            .filter_map(|m| match &m.target {
                AclTarget::Net(net) => Some((*net, m.pos)),
                _ => None,
            })
            .collect();
        let all: Vec<IpNet> = nets.iter().map(|(net, _)| *net).collect();
        let Some(admitted) = breadth::too_broad(&all) else {
            continue;
        };
        // Anchored at the widest public entry: the line to narrow first.
        let Some((widest, pos)) = nets
            .iter()
            .filter(|(net, _)| breadth::breadth(std::slice::from_ref(net)) != Default::default())
            .min_by_key(|(net, _)| net.prefix_len())
        else {
            continue;
        };
        let endpoint = i.endpoint.as_ref().map_or("?", |e| e.value.as_str());
        let what = if nets.len() > 1 {
            format!(
                "the `match` lines of this identify admit {admitted} together (`match={widest}` the widest)"
            )
        } else {
            format!("`match={widest}` admits {admitted}")
        };
        sink.report(
            ctx.anchor(*pos),
            format!("{what}: every request from them is endpoint `{endpoint}`, unauthenticated"),
        )
        .section(i.meta.id.clone())
        .option("match");
    }
}
