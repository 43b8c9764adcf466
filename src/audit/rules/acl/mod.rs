//! PBX301–PBX303, PBX307: access control lists on peers and endpoints.

pub mod pbx301_acl_missing;
pub mod pbx302_acl_order;
pub mod pbx303_acl_family;
pub mod pbx307_contact_permit_missing;

use crate::asterisk::model::acl::Acl;
use crate::audit::engine::AuditContext;

/// Every ACL of the PBX that has rules, with a label for messages: (owner section, option
/// family, ACL). Borrowed from the model, one at a time: 20,000 peers need no list of copies.
fn all_acls<'a>(
    ctx: &AuditContext<'a>,
) -> impl Iterator<Item = (&'a str, &'static str, &'a Acl)> + 'a {
    let pbx = ctx.pbx;
    let sip = pbx.sip.iter().flat_map(|sip| {
        sip.peers.iter().flat_map(|p| {
            [
                (p.name.as_str(), "permit/deny", &*p.acl),
                (
                    p.name.as_str(),
                    "contactpermit/contactdeny",
                    &*p.contact_acl,
                ),
            ]
        })
    });
    let pjsip = pbx.pjsip.iter().flat_map(|pj| {
        let endpoints = pj.endpoints.iter().flat_map(|e| {
            [
                (e.meta.id.as_str(), "permit/deny", &*e.acl),
                (
                    e.meta.id.as_str(),
                    "contact_permit/contact_deny",
                    &*e.contact_acl,
                ),
            ]
        });
        let acls = pj.acls.iter().flat_map(|a| {
            [
                (a.meta.id.as_str(), "permit/deny", &a.acl),
                (
                    a.meta.id.as_str(),
                    "contact_permit/contact_deny",
                    &a.contact_acl,
                ),
            ]
        });
        endpoints.chain(acls)
    });
    let manager = pbx.manager.iter().flat_map(|m| {
        m.users
            .iter()
            .map(|u| (u.name.as_str(), "permit/deny", &u.acl))
    });
    let named = pbx
        .named_acls
        .iter()
        .map(|n| (n.name.as_str(), "permit/deny", &n.acl));
    sip.chain(pjsip)
        .chain(manager)
        .chain(named)
        .filter(|(_, _, acl)| !acl.rules.is_empty())
}
