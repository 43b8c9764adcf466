//! PBX301–PBX303, PBX307: access control lists on peers and endpoints.

use crate::asterisk::model::acl::{Acl, AclRule, AclTarget};
use crate::asterisk::model::pjsip::PjsipAor;
use crate::audit::context::AuditContext;
use crate::audit::finding::Sink;
use crate::audit::helpers;
use crate::audit::rule::{Check, Rule, RuleDoc};
use crate::audit::severity::Severity;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};

pub static ACL_MISSING: Rule = Rule {
    code: "PBX301",
    name: "acl-missing",
    severity: Severity::High,
    escalation: None,
    summary: "a trunk, or an account that authenticates, has no ACL",
    doc: RuleDoc {
        what: "Reports trunks (peers/endpoints of a provider or the ATA's PSTN line) without `permit`/`deny`/`acl`, and accounts that authenticate with a secret but have no ACL while the PBX listens on a public address.",
        why: "Without an ACL, the only barrier is the password: brute-force from anywhere is possible, and a leaked secret (old phone, shared config) is usable from anywhere. An ACL limits each account to the networks it really comes from, so a stolen secret is worthless elsewhere.",
        example: "[101]\ntype=friend\nhost=dynamic\nsecret=…",
        instead: "[101]\ntype=friend\nhost=dynamic\nsecret=…\ndeny=0.0.0.0/0.0.0.0\npermit=192.168.1.0/255.255.255.0",
        references: &[
            "Asterisk sip.conf.sample: permit/deny",
            "Asterisk pjsip.conf.sample: endpoint acl, deny, permit",
        ],
    },
    fix: "add `deny=0.0.0.0/0.0.0.0` then `permit=` the networks the account uses (or `acl=` a named ACL)",
    check: Check::Config(check_acl_missing),
};

pub static ACL_ORDER: Rule = Rule {
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
        references: &["Asterisk acl.conf.sample: rules are evaluated in order, last match wins"],
    },
    fix: "put `deny=0.0.0.0/0.0.0.0` first, then the `permit=` lines",
    check: Check::Config(check_acl_order),
};

pub static ACL_FAMILY: Rule = Rule {
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
    check: Check::Config(check_acl_family),
};

pub static CONTACT_PERMIT_MISSING: Rule = Rule {
    code: "PBX307",
    name: "contact-permit-missing",
    severity: Severity::Medium,
    escalation: None,
    summary: "a dynamic phone registers without a contact ACL",
    doc: RuleDoc {
        what: "Reports registering accounts (chan_sip `host=dynamic`, pjsip endpoints with an AOR that accepts contacts) without `contactpermit`/`contact_permit`/`contact_acl` and without an ACL.",
        why: "Without a contact ACL, whoever has the password can register the account from anywhere and redirect its calls — including calls the PBX places to it — to an address of their choosing.",
        example: "[101]\ntype=aor\nmax_contacts=1\n\n[101]\ntype=endpoint\naors=101",
        instead: "[101]\ntype=endpoint\naors=101\ncontact_deny=0.0.0.0/0\ncontact_permit=192.168.1.0/24",
        references: &[
            "Asterisk pjsip.conf.sample: contact_permit, contact_deny",
            "Asterisk sip.conf.sample: contactpermit",
        ],
    },
    fix: "add `contact_deny=0.0.0.0/0` + `contact_permit=<LAN>` (chan_sip: `contactdeny`/`contactpermit`)",
    check: Check::Config(check_contact_permit_missing),
};

/// Every ACL of the PBX with a label for messages: (owner section, option family, ACL).
fn all_acls(ctx: &AuditContext<'_>) -> Vec<(String, &'static str, Acl)> {
    let mut out = Vec::new();
    if let Some(sip) = &ctx.pbx.sip {
        for p in &sip.peers {
            out.push((p.name.clone(), "permit/deny", p.acl.clone()));
            out.push((
                p.name.clone(),
                "contactpermit/contactdeny",
                p.contact_acl.clone(),
            ));
        }
    }
    if let Some(pj) = &ctx.pbx.pjsip {
        for e in &pj.endpoints {
            out.push((e.meta.id.clone(), "permit/deny", e.acl.clone()));
            out.push((
                e.meta.id.clone(),
                "contact_permit/contact_deny",
                e.contact_acl.clone(),
            ));
        }
        for a in &pj.acls {
            out.push((a.meta.id.clone(), "permit/deny", a.acl.clone()));
            out.push((
                a.meta.id.clone(),
                "contact_permit/contact_deny",
                a.contact_acl.clone(),
            ));
        }
    }
    if let Some(m) = &ctx.pbx.manager {
        for u in &m.users {
            out.push((u.name.clone(), "permit/deny", u.acl.clone()));
        }
    }
    for n in &ctx.pbx.named_acls {
        out.push((n.name.clone(), "permit/deny", n.acl.clone()));
    }
    out.retain(|(_, _, acl)| !acl.rules.is_empty());
    out
}

fn check_acl_missing(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let public = !helpers::binds_only_private(ctx);
    if let Some(sip) = &ctx.pbx.sip {
        for p in &sip.peers {
            if !p.acl.is_empty() {
                continue;
            }
            let trunk = ctx.reach.is_trunk("sip", &p.name);
            let why = if p.has_secret() && public {
                "authenticates with a secret but has no ACL: the secret can be guessed or used from anywhere"
            } else if trunk && !helpers::sip_ip_identified(p) {
                "is a trunk with no ACL"
            } else {
                continue;
            };
            sink.report(ctx.anchor(p.pos), format!("peer `{}` {why}", p.name))
                .section(p.name.clone());
        }
    }
    if let Some(pj) = &ctx.pbx.pjsip {
        if helpers::pjsip_global_acl(ctx) {
            return;
        }
        for e in pj
            .endpoints
            .iter()
            .filter(|e| e.meta.loads() && !e.is_anonymous)
        {
            if !e.acl.is_empty() {
                continue;
            }
            let identified = pj.identifies_of(e).any(|i| !i.matches.is_empty());
            let by_username = e
                .identify_by
                .value
                .to_ascii_lowercase()
                .contains("username");
            let (severity, why) = if !e.auth.is_empty() {
                if !public {
                    continue;
                }
                (Severity::High, "authenticates with a secret but has no ACL: the secret can be guessed or used from anywhere".to_string())
            } else if !identified && by_username {
                (
                    Severity::Critical,
                    format!(
                        "has no inbound `auth`, no `identify` and no ACL: anyone who sends `From: <sip:{}@…>` is this endpoint, unauthenticated",
                        e.meta.id
                    ),
                )
            } else {
                continue;
            };
            sink.report(
                ctx.anchor(e.meta.pos),
                format!("endpoint `{}` {why}", e.meta.id),
            )
            .section(e.meta.id.clone())
            .severity(severity);
        }
    }
}

fn check_acl_order(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    // An address no sane ACL permits on purpose (TEST-NET-2).
    let probe = IpAddr::V4(Ipv4Addr::new(198, 51, 100, 77));
    for (owner, family, acl) in all_acls(ctx) {
        let v4: Vec<&AclRule> = acl
            .rules
            .iter()
            .filter(|r| matches!(&r.target, AclTarget::Net(n) if n.addr().is_ipv4()))
            .collect();
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
            .section(owner.clone())
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
                .section(owner.clone())
                .option(later.option.clone());
                break;
            }
        }
    }
}

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
    for (owner, family, acl) in all_acls(ctx) {
        let nets: Vec<&AclRule> = acl
            .rules
            .iter()
            .filter(|r| matches!(r.target, AclTarget::Net(_)))
            .collect();
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
            .section(owner.clone())
            .option(nets[0].option.clone());
        }
    }
}

fn check_contact_permit_missing(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    if let Some(sip) = &ctx.pbx.sip {
        for p in sip
            .peers
            .iter()
            .filter(|p| p.is_dynamic() && p.contact_acl.is_empty())
        {
            sink.report(
                ctx.anchor(p.host.as_ref().and_then(|h| h.pos).unwrap_or(p.pos)),
                format!(
                    "peer `{}` registers from anywhere with no `contactpermit`/`contactdeny`",
                    p.name
                ),
            )
            .section(p.name.clone());
        }
    }
    if let Some(pj) = &ctx.pbx.pjsip {
        if pj.acls.iter().any(|a| !a.contact_acl.is_empty()) {
            return;
        }
        let aors: HashMap<&str, &PjsipAor> =
            pj.aors.iter().map(|a| (a.meta.id.as_str(), a)).collect();
        for e in pj.endpoints.iter().filter(|e| e.meta.loads()) {
            let registers = e
                .aors
                .iter()
                .filter_map(|a| aors.get(a.value.as_str()))
                .any(|a| {
                    a.max_contacts
                        .as_ref()
                        .is_some_and(|m| m.value.trim().parse::<u32>().is_ok_and(|n| n > 0))
                });
            if registers && e.contact_acl.is_empty() {
                sink.report(
                    ctx.anchor(e.meta.pos),
                    format!("endpoint `{}` accepts registrations with no `contact_permit`/`contact_deny`", e.meta.id),
                )
                .section(e.meta.id.clone());
            }
        }
    }
}
