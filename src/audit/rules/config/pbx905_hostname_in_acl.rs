//! PBX905 hostname-in-acl: a hostname in `match`/`permit` is resolved once, at load.

use crate::asterisk::model::acl::{Acl, AclRule, AclTarget};
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX905",
        name: "hostname-in-acl",
        severity: Severity::Low,
        escalation: None,
        summary: "a hostname in `match`/`permit` is resolved once, at load",
        doc: RuleDoc {
            what: "Reports hostnames in `permit`, `deny`, `identify` `match` and similar address lists.",
            why: "Asterisk resolves the name when the configuration loads and never again. When the provider moves addresses, the allowlist silently goes stale: calls from the new addresses are refused, and the old addresses — someone else's now — stay trusted.",
            example: "[provider]\ntype=identify\nmatch=sip.provider.example",
            instead: "[provider]\ntype=identify\nmatch=203.0.113.0/28   ; the provider's published range",
            references: &[
                "Asterisk pjsip.conf.sample: identify match (hostnames resolved at load)",
            ],
        },
        fix: "list the provider's published addresses instead of its hostname",
    },
    check: Check::Config(check_hostname_in_acl),
};

fn check_hostname_in_acl(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let mut rules: Vec<(&AclRule, String)> = Vec::new();
    let mut owned: Vec<(Acl, String)> = Vec::new();
    if let Some(sip) = &ctx.pbx.sip {
        for p in &sip.peers {
            rules.extend(
                p.acl
                    .rules
                    .iter()
                    .chain(p.contact_acl.rules.iter())
                    .map(|r| (r, p.name.clone())),
            );
        }
    }
    if let Some(pj) = &ctx.pbx.pjsip {
        for e in &pj.endpoints {
            owned.push((e.acl.clone(), e.meta.id.clone()));
            owned.push((e.contact_acl.clone(), e.meta.id.clone()));
        }
        for a in &pj.acls {
            rules.extend(
                a.acl
                    .rules
                    .iter()
                    .chain(a.contact_acl.rules.iter())
                    .map(|r| (r, a.meta.id.clone())),
            );
        }
        for i in &pj.identifies {
            for m in &i.matches {
                if let AclTarget::Host(h) = &m.target {
                    sink.report(ctx.anchor(m.pos), format!("`match={h}` is resolved once when Asterisk loads; the allowlist goes stale when the provider moves"))
                        .section(i.meta.id.clone())
                        .option("match");
                }
            }
        }
    }
    if let Some(m) = &ctx.pbx.manager {
        rules.extend(
            m.users
                .iter()
                .flat_map(|u| u.acl.rules.iter().map(|r| (r, u.name.clone()))),
        );
    }
    for n in &ctx.pbx.named_acls {
        rules.extend(n.acl.rules.iter().map(|r| (r, n.name.clone())));
    }
    let owned_rules = owned
        .iter()
        .flat_map(|(acl, owner)| acl.rules.iter().map(move |r| (r, owner.clone())));
    for (r, owner) in rules.into_iter().chain(owned_rules) {
        if let AclTarget::Host(h) = &r.target {
            sink.report(
                ctx.anchor(r.pos),
                format!(
                    "`{}={h}` is not an address: a hostname is resolved once at load, if at all",
                    r.option
                ),
            )
            .section(owner)
            .option(r.option.clone());
        }
    }
}
