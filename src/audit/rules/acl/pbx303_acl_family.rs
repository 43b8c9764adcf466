//! PBX303 acl-family: an IPv4-only ACL while a transport listens on IPv6.

use super::all_acls;
use crate::asterisk::model::acl::{AclRule, AclTarget};
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX303",
        name: "acl-family",
        severity: Severity::Medium,
        escalation: None,
        summary: "an IPv4-only ACL while a transport listens on IPv6",
        doc: RuleDoc {
            what: "Reports ACLs that only contain IPv4 rules when a SIP transport binds an IPv6 address (`[::]`, `::`).",
            why: "IPv4 rules never match IPv6 addresses: an ACL of `deny=0.0.0.0/0` + `permit=192.168.1.0/24` does not deny anything arriving over IPv6, so the account is open to the whole IPv6 internet.",
            example: "[transport-udp]\ntype=transport\nbind=[::]:5060\n\n[101]\ntype=endpoint\ndeny=0.0.0.0/0\npermit=192.168.1.0/24",
            instead: "[101]\ntype=endpoint\ndeny=0.0.0.0/0\ndeny=::/0\npermit=192.168.1.0/24\npermit=fd00::/64",
            references: &["Asterisk acl.conf.sample: IPv4 and IPv6 rules are separate"],
        },
        fix: "add `deny=::/0` (and IPv6 `permit=` lines if needed), or bind IPv4 only",
    },
    check: Check::Config(check_acl_family),
};

fn check_acl_family(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let v6_sip = ctx.pbx.sip.as_ref().is_some_and(|s| s.general.binds_ipv6);
    let v6_pjsip = ctx
        .pbx
        .pjsip
        .as_ref()
        .is_some_and(|p| p.transports.iter().any(|t| t.binds_ipv6));
    if !(v6_sip || v6_pjsip) {
        return;
    }
    let mut nets: Vec<&AclRule> = Vec::new();
    for (owner, family, acl) in all_acls(ctx) {
        nets.clear();
        nets.extend(
            acl.rules
                .iter()
                .filter(|r| matches!(r.target, AclTarget::Net(_))),
        );
        let all_v4 = !nets.is_empty()
            && nets
                .iter()
                .all(|r| matches!(&r.target, AclTarget::Net(n) if n.addr().is_ipv4()));
        let has_deny = nets.iter().any(|r| !r.effective_permit());
        if all_v4 && has_deny {
            sink.report(
                ctx.anchor(nets[0].pos),
                format!("[{owner}] {family} has only IPv4 rules while SIP listens on IPv6: IPv6 clients pass unchecked"),
            )
            .section(owner)
            .option(nets[0].option.clone());
        }
    }
}
