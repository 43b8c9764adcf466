//! PBX301–PBX303, PBX307: access control lists on peers and endpoints.

pub mod pbx301_acl_missing;
pub mod pbx302_acl_order;
pub mod pbx303_acl_family;
pub mod pbx307_contact_permit_missing;

use crate::asterisk::model::acl::Acl;
use crate::audit::engine::AuditContext;

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
