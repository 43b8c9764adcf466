//! PBX302 acl-order.

use super::all_acls;
use crate::asterisk::model::acl::{AclRule, AclTarget};
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};
use std::net::{IpAddr, Ipv4Addr};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX302",
        name: "acl-order",
        severity: Severity::High,
        escalation: None,
        summary: "an ACL permits everyone (`permit` without a preceding `deny`) or locks everyone out",
        doc: RuleDoc {
            what: "Reports ACLs whose `permit` lines have no broad `deny` before them (so every address is allowed), and ACLs where a broad `deny` comes after the `permit`s (so nobody is allowed).",
            why: "Asterisk starts from *allow* and the **last** matching rule wins. `permit=192.168.1.0/24` alone therefore permits the whole internet — the author believes the account is locked to the LAN and it is not. A `deny=0.0.0.0/0` at the end overrides every permit before it.",
            example: "[101]\ntype=friend\npermit=192.168.1.0/255.255.255.0\ndeny=0.0.0.0/0.0.0.0",
            instead: "[101]\ntype=friend\ndeny=0.0.0.0/0.0.0.0\npermit=192.168.1.0/255.255.255.0",
            references: &[
                "Asterisk acl.conf.sample: rules are evaluated in order, last match wins",
            ],
        },
        fix: "put `deny=0.0.0.0/0.0.0.0` first, then the `permit=` lines",
    },
    check: Check::Config(check_acl_order),
};

fn check_acl_order(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    // An address no sane ACL permits on purpose (TEST-NET-2).
    let probe = IpAddr::V4(Ipv4Addr::new(198, 51, 100, 77));
    // One buffer for every ACL: 40,000 peer ACLs need no list each.
    let mut v4: Vec<&AclRule> = Vec::new();
    for (owner, family, acl) in all_acls(ctx) {
        v4.clear();
        v4.extend(
            acl.rules
                .iter()
                .filter(|r| matches!(&r.target, AclTarget::Net(n) if n.addr().is_ipv4())),
        );
        if v4.is_empty() {
            continue;
        }
        let has_permit = v4.iter().any(|r| r.effective_permit());
        let probe_rule = v4.iter().rev().find(|r| r.matches(probe));
        if has_permit && probe_rule.is_none() {
            let first = v4
                .iter()
                .find(|r| r.effective_permit())
                .map_or(v4[0].pos, |r| r.pos);
            sink.report(
                ctx.anchor(first),
                format!("[{owner}] {family}: nothing is denied first, so this ACL permits every address (last match wins, the default is allow)"),
            )
            .section(owner)
            .option(v4[0].option.clone());
            continue;
        }
        // A permit whose own network is denied by a later rule: the permit never applies.
        for (i, r) in v4.iter().enumerate() {
            let AclTarget::Net(net) = &r.target else {
                continue;
            };
            if !r.effective_permit() {
                continue;
            }
            if let Some(later) = v4[i + 1..]
                .iter()
                .rev()
                .find(|l| l.matches(net.addr()) && !l.effective_permit())
            {
                sink.report(
                    ctx.anchor(later.pos),
                    format!("[{owner}] {family}: this deny comes after `{}={net}` and overrides it: those addresses are locked out", r.option),
                )
                .section(owner)
                .option(later.option.clone());
                break;
            }
        }
    }
}
