//! PBX305 twilio-missing-edge: a Twilio allowlist omits some of Twilio's current edges.

use super::{AddressUse, Owner, each_address_use};
use crate::asterisk::fast_hash::{FastMap, FastSet};
use crate::audit::analysis::twilio::{Classifier, TwilioClass};
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};
use ipnet::IpNet;

pub static RULE: Rule = Rule {
    info: RuleInfo {
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
    },
    check: Check::Config(check_missing_edge),
};

/// What PBX305 keeps of one allowlist that lets Twilio signalling in: its distinct networks and
/// its first Twilio signalling entry (20,000 peers permitting the same LAN are one network, not
/// 20,000 uses).
struct Allowlist<'a> {
    nets: FastSet<IpNet>,
    first_signalling: AddressUse<'a>,
    /// Where its first entry of any kind comes among all entries: allowlists are reported in
    /// that order.
    first_entry: usize,
}

fn check_missing_edge(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    // First the allowlists that let Twilio signalling in, in config order, each with its first
    // such entry; then, for those alone, every network they hold (a provider's site has an
    // allowlist per account, and few of them are Twilio's).
    let mut classifier = Classifier::new(ctx.twilio);
    let mut order: Vec<Allowlist<'_>> = Vec::new();
    let mut index: FastMap<Owner<'_>, usize> = FastMap::default();
    each_address_use(ctx, |u| {
        if classifier.classify(&u.net) == Some(TwilioClass::Signalling)
            && !index.contains_key(&u.owner)
        {
            index.insert(u.owner, order.len());
            order.push(Allowlist {
                nets: FastSet::default(),
                first_signalling: u,
                first_entry: usize::MAX,
            });
        }
    });
    if order.is_empty() {
        return;
    }
    // The owner of the last use and its list: the same owner again (sip.conf's peers, an
    // endpoint's permit lines) needs no lookup.
    let mut last: Option<(Owner<'_>, Option<usize>)> = None;
    let mut entry = 0;
    each_address_use(ctx, |u| {
        entry += 1;
        let list = match last {
            Some((owner, list)) if owner == u.owner => list,
            _ => {
                let list = index.get(&u.owner).copied();
                last = Some((u.owner, list));
                list
            }
        };
        if let Some(i) = list {
            let list = &mut order[i];
            list.first_entry = list.first_entry.min(entry);
            list.nets.insert(u.net);
        }
    });
    order.sort_by_key(|list| list.first_entry);
    for list in order {
        let first = list.first_signalling;
        let missing: Vec<&str> = ctx
            .twilio
            .edges
            .iter()
            .filter(|edge| {
                !edge.signalling.iter().all(|s| {
                    list.nets
                        .iter()
                        .any(|net| net.contains(s) || s.contains(net))
                })
            })
            .map(|edge| edge.name.as_str())
            .collect();
        if missing.is_empty() {
            continue;
        }
        sink.report(
            ctx.anchor(first.pos),
            format!(
                "{} allows Twilio signalling but not the edges {}: calls failing over to them are rejected",
                first.owner,
                missing.join(", ")
            ),
        )
        .section(first.section)
        .option(first.option);
    }
}
