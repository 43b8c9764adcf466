//! PBX307 contact-permit-missing: a dynamic phone registers without a contact ACL.

use crate::asterisk::model::pjsip::PjsipAor;
use crate::asterisk::model::sip::SipPeer;
use crate::audit::analysis::network;
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};
use std::collections::HashMap;

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX307",
        name: "contact-permit-missing",
        severity: Severity::Medium,
        escalation: None,
        summary: "a dynamic phone registers without a contact ACL",
        doc: RuleDoc {
            what: "Reports registering accounts (chan_sip `host=dynamic`, pjsip endpoints with an AOR that accepts contacts) without `contactpermit`/`contact_permit`/`contact_acl`, unless their channel driver listens on private addresses only.",
            why: "Without a contact ACL, whoever has the password can register the account from anywhere and redirect its calls — including calls the PBX places to it — to an address of their choosing.",
            example: "[101]\ntype=aor\nmax_contacts=1\n\n[101]\ntype=endpoint\naors=101",
            instead: "[101]\ntype=endpoint\naors=101\ncontact_deny=0.0.0.0/0\ncontact_permit=192.168.1.0/24",
            references: &[
                "Asterisk pjsip.conf.sample: contact_permit, contact_deny",
                "Asterisk sip.conf.sample: contactpermit",
            ],
        },
        fix: "add `contact_deny=0.0.0.0/0` + `contact_permit=<LAN>` (chan_sip: `contactdeny`/`contactpermit`)",
    },
    check: Check::Config(check_contact_permit_missing),
};

fn check_contact_permit_missing(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    // At most one finding per peer and per endpoint.
    sink.reserve(
        ctx.pbx.sip.as_ref().map_or(0, |s| s.peers.len())
            + ctx.pbx.pjsip.as_ref().map_or(0, |p| p.endpoints.len()),
    );
    // A phone can only register through a listener: private listeners only, no exposure.
    if let Some(sip) = ctx
        .pbx
        .sip
        .as_ref()
        .filter(|_| !network::sip_listens_only_private(ctx.pbx))
    {
        let open = |p: &&SipPeer| p.is_dynamic() && p.contact_acl.is_empty();
        for p in sip.peers.iter().filter(open) {
            sink.report_about(
                ctx.anchor(p.host.as_ref().and_then(|h| h.pos).unwrap_or(p.pos)),
                p.name.clone(),
                || {
                    format!(
                        "peer `{}` registers from anywhere with no `contactpermit`/`contactdeny`",
                        p.name
                    )
                },
            );
        }
    }
    if let Some(pj) = ctx
        .pbx
        .pjsip
        .as_ref()
        .filter(|_| !network::pjsip_listens_only_private(ctx.pbx))
    {
        if pj.acls.iter().any(|a| !a.contact_acl.is_empty()) {
            return;
        }
        let aors: HashMap<&str, &PjsipAor> =
            pj.aors.iter().map(|a| (a.meta.id.as_str(), a)).collect();
        // Web endpoints register from wherever browsers are (over WebSockets, contacts are
        // rewritten to the socket's address): PBX209 judges how many contacts they allow.
        for e in pj
            .endpoints
            .iter()
            .filter(|e| e.meta.loads() && !pj.is_web_endpoint(e))
        {
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
                sink.report_about(ctx.anchor(e.meta.pos), e.meta.id.clone(), || {
                    format!("endpoint `{}` accepts registrations with no `contact_permit`/`contact_deny`", e.meta.id)
                });
            }
        }
    }
}
