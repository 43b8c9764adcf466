//! PBX305 twilio-missing-edge: a Twilio allowlist omits some of Twilio's current edges.

use super::{AddressUse, each_address_use};
use crate::asterisk::fast_hash::{FastMap, FastSet};
use crate::audit::analysis::twilio::{Classifier, TwilioClass};
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};
use ipnet::IpNet;
use std::borrow::Cow;

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

/// What PBX305 keeps of one allowlist's entries: its distinct networks and the first entry that
/// is Twilio signalling (20,000 peers permitting the same LAN are one network, not 20,000 uses).
struct Allowlist<'a> {
    nets: FastSet<IpNet>,
    first_signalling: Option<AddressUse<'a>>,
}

fn check_missing_edge(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    // The address entries folded per owner, owners in config order.
    let mut classifier = Classifier::new(ctx.twilio);
    let mut order: Vec<Allowlist<'_>> = Vec::new();
    let mut index: FastMap<Cow<'_, str>, usize> = FastMap::default();
    // The owner and network of the last use, when the owner is a fixed name (sip.conf's one
    // allowlist): the same again (peers on one template) changes nothing, as the network is in
    // the set already and was classified then. Skipping it saves two hash lookups per peer.
    let mut last: Option<(&str, IpNet)> = None;
    each_address_use(ctx, |u| {
        if let Some((owner, net)) = last {
            if net == u.net && owner == u.owner.as_ref() {
                return;
            }
        }
        last = match u.owner {
            Cow::Borrowed(owner) => Some((owner, u.net)),
            Cow::Owned(_) => None,
        };
        let i = match index.get(u.owner.as_ref()) {
            Some(&i) => i,
            None => {
                index.insert(u.owner.clone(), order.len());
                order.push(Allowlist {
                    nets: FastSet::default(),
                    first_signalling: None,
                });
                order.len() - 1
            }
        };
        let list = &mut order[i];
        list.nets.insert(u.net);
        if list.first_signalling.is_none()
            && classifier.classify(&u.net) == Some(TwilioClass::Signalling)
        {
            list.first_signalling = Some(u);
        }
    });
    for list in order {
        let Some(first) = list.first_signalling else {
            continue;
        };
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
