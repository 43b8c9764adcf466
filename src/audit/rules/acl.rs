//! PBX301–PBX303, PBX307: access control lists on peers and endpoints.

use crate::audit::context::AuditContext;
use crate::audit::finding::Sink;
use crate::audit::rule::{Check, Rule, RuleDoc};
use crate::audit::severity::Severity;

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
        references: &["Asterisk sip.conf.sample: permit/deny", "Asterisk pjsip.conf.sample: endpoint acl, deny, permit"],
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
        references: &["Asterisk pjsip.conf.sample: contact_permit, contact_deny", "Asterisk sip.conf.sample: contactpermit"],
    },
    fix: "add `contact_deny=0.0.0.0/0` + `contact_permit=<LAN>` (chan_sip: `contactdeny`/`contactpermit`)",
    check: Check::Config(check_contact_permit_missing),
};
