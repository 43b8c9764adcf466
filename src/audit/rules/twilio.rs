//! PBX304–PBX306: Twilio's IP ranges (facts from `profiles/twilio.yaml`).

use crate::asterisk::model::acl::AclTarget;
use crate::asterisk::source::Pos;
use crate::audit::context::AuditContext;
use crate::audit::finding::Sink;
use crate::audit::helpers;
use crate::audit::ranges::{TwilioClass, classify, retired_list};
use crate::audit::reach::Money;
use crate::audit::rule::{Check, Rule, RuleDoc};
use crate::audit::severity::Severity;
use ipnet::IpNet;
use std::collections::HashMap;

pub static STALE_RANGE: Rule = Rule {
    code: "PBX304",
    name: "twilio-stale-range",
    severity: Severity::High,
    escalation: None,
    summary: "an allowlist still names Twilio addresses Twilio no longer uses",
    doc: RuleDoc {
        what: "Reports `permit`, `match`, `host` and WebSMS source-list entries that fall in Twilio's retired lists — the 2013–2014 single signalling addresses and the regional media blocks retired on 21 Feb 2024 — and are not part of a current range (a current signalling /30 inside an old /23 media block is current, not stale).",
        why: "The retired addresses belong to AWS, which rents them to other customers: a `permit` for them lets a stranger in, unauthenticated, with your trunk's context. Meanwhile Twilio's real traffic arrives from addresses the list does not name, so calls fail over and fail.",
        example: "[twilio-us1]\ntype=peer\nhost=107.21.222.153\ninsecure=invite",
        instead: "; pjsip.conf\n[twilio]\ntype=identify\nendpoint=twilio\nmatch=54.172.60.0/30,54.244.51.0/30,54.171.127.192/30,35.156.191.128/30\nmatch=54.65.63.192/30,54.169.127.128/30,54.252.254.64/30,177.71.206.192/30",
        references: &[
            "https://www.twilio.com/docs/sip-trunking/ip-addresses",
            "pbxgen profiles/twilio.yaml (`pbxgen twilio refresh`)",
        ],
    },
    fix: "replace the retired addresses with Twilio's current ranges (`pbxgen twilio refresh`)",
    check: Check::Config(check_stale_range),
};

pub static MISSING_EDGE: Rule = Rule {
    code: "PBX305",
    name: "twilio-missing-edge",
    severity: Severity::Medium,
    escalation: None,
    summary: "a Twilio allowlist omits some of Twilio's current edges",
    doc: RuleDoc {
        what: "Reports endpoints/peers allowlisting Twilio signalling addresses that do not cover every current edge's range (ashburn, umatilla, dublin, frankfurt, tokyo, singapore, sydney, sao-paulo).",
        why: "Twilio fails calls over between edges and tells customers to allow all of them. An allowlist with only the nearest edge works until the day that edge is drained — then inbound calls are rejected (or land in the guest context).",
        example: "[twilio]\ntype=identify\nendpoint=twilio\nmatch=54.172.60.0/30",
        instead: "[twilio]\ntype=identify\nendpoint=twilio\nmatch=54.172.60.0/30,54.244.51.0/30,54.171.127.192/30,35.156.191.128/30\nmatch=54.65.63.192/30,54.169.127.128/30,54.252.254.64/30,177.71.206.192/30",
        references: &[
            "https://www.twilio.com/docs/sip-trunking/ip-addresses (\"allow all edges\")",
        ],
    },
    fix: "allow every current Twilio edge (`pbxgen twilio refresh` keeps the list)",
    check: Check::Config(check_missing_edge),
};

pub static SHARED_RANGE_REACHES_MONEY: Rule = Rule {
    code: "PBX306",
    name: "twilio-shared-range-reaches-money",
    severity: Severity::Critical,
    escalation: Some("medium when the only trunk `Dial` it reaches uses a fixed number"),
    summary: "an endpoint identified by Twilio's shared IPs can reach a trunk `Dial`",
    doc: RuleDoc {
        what: "Reports endpoints/peers identified only by Twilio addresses (current or retired) whose context reaches a `Dial` through a trunk: critical when the caller chooses the digits, medium when the number is fixed (any Twilio customer can still make your trunk or landline call that number, at your cost). The path is printed.",
        why: "Twilio's signalling addresses are shared by every Twilio customer. An endpoint identified by them alone accepts calls from any Twilio account: someone with a $20 trial account can point a SIP domain at your PBX and use your trunk (or your landline) to call premium numbers.",
        example: "[twilio]\ntype=identify\nendpoint=twilio\nmatch=54.172.60.0/30\n\n; extensions.conf\n[from-twilio]\nexten => _X.,1,Dial(PJSIP/${EXTEN}@atapstn)",
        instead: "; extensions.conf: the Twilio context rings local phones only\n[from-twilio]\nexten => _X.,1,Dial(PJSIP/101)",
        references: &[
            "https://www.twilio.com/docs/sip-trunking/ip-addresses",
            "Twilio Elastic SIP Trunking: origination is recognised by source IP only (no registration, no authentication)",
        ],
    },
    fix: "make the Twilio context reach local destinations only, or authenticate the calls",
    check: Check::Config(check_shared_range_reaches_money),
};

/// One address entry that can let Twilio (or whoever has its old addresses) in.
struct AddressUse {
    net: IpNet,
    pos: Pos,
    section: String,
    option: &'static str,
    /// The peer/endpoint the entry belongs to (allowlists are per endpoint).
    owner: String,
}

fn address_uses(ctx: &AuditContext<'_>) -> Vec<AddressUse> {
    let mut out = Vec::new();
    let net_of = |t: &AclTarget| match t {
        AclTarget::Net(n) => Some(*n),
        AclTarget::Host(_) => None,
    };
    if let Some(sip) = &ctx.pbx.sip {
        for p in &sip.peers {
            if let Some(h) = &p.host {
                if let Ok(ip) = h.value.trim().parse::<std::net::IpAddr>() {
                    out.push(AddressUse {
                        net: IpNet::from(ip),
                        pos: h.pos.unwrap_or(p.pos),
                        section: p.name.clone(),
                        option: "host",
                        owner: "sip.conf".into(),
                    });
                }
            }
            for r in p.acl.rules.iter().filter(|r| r.effective_permit()) {
                if let Some(net) = net_of(&r.target) {
                    out.push(AddressUse {
                        net,
                        pos: r.pos,
                        section: p.name.clone(),
                        option: "permit",
                        owner: "sip.conf".into(),
                    });
                }
            }
        }
    }
    if let Some(pj) = &ctx.pbx.pjsip {
        for i in &pj.identifies {
            let owner = i
                .endpoint
                .as_ref()
                .map_or_else(|| i.meta.id.clone(), |e| e.value.to_string());
            for m in &i.matches {
                if let Some(net) = net_of(&m.target) {
                    out.push(AddressUse {
                        net,
                        pos: m.pos,
                        section: i.meta.id.clone(),
                        option: "match",
                        owner: format!("endpoint {owner}"),
                    });
                }
            }
        }
        for e in &pj.endpoints {
            for r in e.acl.rules.iter().filter(|r| r.effective_permit()) {
                if let Some(net) = net_of(&r.target) {
                    out.push(AddressUse {
                        net,
                        pos: r.pos,
                        section: e.meta.id.clone(),
                        option: "permit",
                        owner: format!("endpoint {}", e.meta.id),
                    });
                }
            }
        }
    }
    if let Some(ws) = &ctx.pbx.websms {
        if let Some(list) = &ws.source_addresses {
            for item in &list.value {
                if let Ok(net) = item
                    .trim()
                    .parse::<IpNet>()
                    .or_else(|_| item.trim().parse::<std::net::IpAddr>().map(IpNet::from))
                {
                    let pos = list.pos.unwrap_or_else(|| ctx.file_pos(ws.file));
                    out.push(AddressUse {
                        net,
                        pos,
                        section: "websmsd".into(),
                        option: "remt_addr",
                        owner: "websmsd".into(),
                    });
                }
            }
        }
    }
    out
}

fn check_stale_range(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    for u in address_uses(ctx) {
        if classify(&u.net, ctx.twilio) != Some(TwilioClass::Retired) {
            continue;
        }
        let list = retired_list(&u.net, ctx.twilio).unwrap_or("retired Twilio addresses");
        sink.report(
            ctx.anchor(u.pos),
            format!("`{}` is on Twilio's retired list ({list}): Twilio no longer sends from it, and whoever uses it now is trusted", show_net(&u.net)),
        )
        .section(u.section)
        .option(u.option);
    }
}

/// `1.2.3.4` for a single address, `1.2.3.0/24` otherwise.
fn show_net(net: &IpNet) -> String {
    if net.prefix_len() == net.max_prefix_len() {
        net.addr().to_string()
    } else {
        net.to_string()
    }
}

fn check_missing_edge(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    // Group the address entries per owner, in config order.
    let uses = address_uses(ctx);
    let mut order: Vec<&str> = Vec::new();
    let mut by_owner: HashMap<&str, Vec<&AddressUse>> = HashMap::new();
    for u in &uses {
        let list = by_owner.entry(u.owner.as_str()).or_default();
        if list.is_empty() {
            order.push(&u.owner);
        }
        list.push(u);
    }
    for owner in order {
        let mine = &by_owner[owner];
        let Some(first) = mine
            .iter()
            .find(|u| classify(&u.net, ctx.twilio) == Some(TwilioClass::Signalling))
        else {
            continue;
        };
        let missing: Vec<&str> = ctx
            .twilio
            .edges
            .iter()
            .filter(|edge| {
                !edge
                    .signalling
                    .iter()
                    .all(|s| mine.iter().any(|u| u.net.contains(s) || s.contains(&u.net)))
            })
            .map(|edge| edge.name.as_str())
            .collect();
        if missing.is_empty() {
            continue;
        }
        sink.report(
            ctx.anchor(first.pos),
            format!(
                "{owner} allows Twilio signalling but not the edges {}: calls failing over to them are rejected",
                missing.join(", ")
            ),
        )
        .section(first.section.clone())
        .option(first.option);
    }
}

fn check_shared_range_reaches_money(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    // Entries sharing a context line (a template's `context=`) are reported once.
    let mut groups: Vec<(usize, Vec<&str>)> = Vec::new();
    let mut by_pos: HashMap<Pos, usize> = HashMap::new();
    for (i, e) in ctx
        .reach
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.twilio)
    {
        match by_pos.get(&e.pos) {
            Some(&g) => groups[g].1.push(&e.source),
            None => {
                by_pos.insert(e.pos, groups.len());
                groups.push((i, vec![&e.source]));
            }
        }
    }
    for (i, group) in groups {
        let e = &ctx.reach.entries[i];
        let Some(m) = ctx.reach.entry_money(ctx.pbx, i, Money::Bounded) else {
            continue;
        };
        let who = if group.len() > 1 {
            format!(
                "{} peers/endpoints identified by Twilio addresses ({}, …)",
                group.len(),
                group[0]
            )
        } else {
            format!("`{}` is identified by Twilio addresses only", e.source)
        };
        let f = sink.report(
            ctx.anchor(e.pos),
            format!(
                "{who}: any Twilio customer can call into `{}`, which {}",
                e.context,
                helpers::describe_money(&m)
            ),
        );
        f.section(e.source.clone()).option("context");
        if m.money == Money::Bounded {
            f.severity(Severity::Medium);
        }
        f.path(m.path);
    }
}
