//! PBX905 hostname-in-acl: a hostname in `match`/`permit` is resolved once, at load.

use crate::asterisk::model::acl::{AclRule, AclTarget};
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX905",
        name: "hostname-in-acl",
        severity: Severity::Low,
        escalation: None,
        summary: "a hostname in an identify `match` is resolved once, at load (or a name in a manager/acl.conf ACL)",
        doc: RuleDoc {
            what: "Reports host names in pjsip `identify` `match=` lists (resolved when the identify loads), and names or invalid entries in manager.conf and acl.conf `permit`/`deny` (which take numeric addresses only). Placeholders that never resolve, and names in chan_sip/pjsip `permit`/`deny` (which make the peer or endpoint not load) are PBX906's.",
            why: "Asterisk resolves an identify's names when the configuration loads and never again (until a reload). When the provider moves addresses, the allowlist silently goes stale: calls from the new addresses are refused, and the old addresses — someone else's now — stay trusted. In manager.conf a name in `permit` deletes the user; in acl.conf it fails the named ACL.",
            example: "[provider]\ntype=identify\nmatch=sip.provider.example",
            instead: "[provider]\ntype=identify\nmatch=203.0.113.0/28   ; the provider's published range",
            references: &[
                "Asterisk res_pjsip_endpoint_identifier_ip.c (ip_identify_apply: names resolved at load)",
                "Asterisk main/acl.c append_ha_core (numeric addresses only)",
            ],
        },
        fix: "list the provider's published addresses instead of its hostname",
    },
    check: Check::Config(check_hostname_in_acl),
};

fn check_hostname_in_acl(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    if let Some(pj) = &ctx.pbx.pjsip {
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
    let mut rules: Vec<(&AclRule, &str, &str)> = Vec::new();
    if let Some(m) = &ctx.pbx.manager {
        for u in &m.users {
            rules.extend(
                u.acl
                    .rules
                    .iter()
                    .map(|r| (r, u.name.as_str(), "the manager user is deleted")),
            );
        }
    }
    for n in &ctx.pbx.named_acls {
        rules.extend(n.acl.rules.iter().map(|r| {
            (
                r,
                n.name.as_str(),
                "acl.conf fails to load, and every `acl=` naming it rejects everyone",
            )
        }));
    }
    for (r, owner, consequence) in rules {
        if let AclTarget::Host(h) | AclTarget::Invalid(h) = &r.target {
            sink.report(
                ctx.anchor(r.pos),
                format!(
                    "`{}={h}` is not a numeric address: the ACL parser refuses it and {consequence}",
                    r.option
                ),
            )
            .section(owner.to_string())
            .option(r.option.clone());
        }
    }
}
