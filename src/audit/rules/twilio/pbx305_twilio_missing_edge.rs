//! PBX305 twilio-missing-edge: a Twilio allowlist omits some of Twilio's current edges.

use super::{AddressUse, address_uses};
use crate::audit::analysis::twilio::{Classifier, TwilioClass};
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};
use std::collections::HashMap;

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

fn check_missing_edge(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    // Group the address entries per owner, in config order.
    let uses = address_uses(ctx);
    let mut order: Vec<&str> = Vec::new();
    let mut by_owner: HashMap<&str, Vec<&AddressUse>> = HashMap::new();
    for u in &uses {
        let list = by_owner.entry(u.owner.as_ref()).or_default();
        if list.is_empty() {
            order.push(&u.owner);
        }
        list.push(u);
    }
    let mut classifier = Classifier::new(ctx.twilio);
    for owner in order {
        let mine = &by_owner[owner];
        let Some(first) = mine
            .iter()
            .find(|u| classifier.classify(&u.net) == Some(TwilioClass::Signalling))
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
        .section(first.section)
        .option(first.option);
    }
}
