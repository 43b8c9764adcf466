//! PBX304–PBX306: Twilio's IP ranges (facts from `profiles/twilio.yaml`); PBX310–PBX311:
//! TwiML documents (credentials in `<Sip>`, webhooks over plain HTTP).

pub mod pbx304_twilio_stale_range;
pub mod pbx305_twilio_missing_edge;
pub mod pbx306_twilio_shared_range_reaches_money;
pub mod pbx310_twiml_sip_credentials;
pub mod pbx311_twilio_webhook_plain_http;

use crate::asterisk::model::acl::AclTarget;
use crate::asterisk::source::Pos;
use crate::audit::engine::AuditContext;
use ipnet::IpNet;
use std::net::IpAddr;

/// One address entry that can let Twilio (or whoever has its old addresses) in. Borrowed from
/// the model: there is one per peer on a large site, and few are ever reported.
struct AddressUse<'a> {
    net: IpNet,
    pos: Pos,
    section: &'a str,
    option: &'static str,
    /// Whose allowlist the entry is part of.
    owner: Owner<'a>,
}

/// Whose allowlist an address entry is part of. Borrowed, not a name made per entry: every
/// account of a provider's site has entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Owner<'a> {
    /// All of sip.conf at once: chan_sip sites give Twilio one peer per edge (`host=` each
    /// edge's address), and an INVITE is matched to whichever peer has its source address, so
    /// the peers together are the site's Twilio allowlist (PBX305 judges them together).
    ChanSip,
    /// A pjsip endpoint, by name: its identifies and its ACL.
    Endpoint(&'a str),
    /// The WebSMS bridge's webhook source list.
    WebSms,
}

impl std::fmt::Display for Owner<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Owner::ChanSip => f.write_str("sip.conf"),
            Owner::Endpoint(name) => write!(f, "endpoint {name}"),
            Owner::WebSms => f.write_str("websmsd"),
        }
    }
}

/// Every address entry of the PBX, one at a time in config order (rules fold them as they
/// need: a site with 20,000 peers has 20,000 of them).
fn each_address_use<'a>(ctx: &AuditContext<'a>, mut emit: impl FnMut(AddressUse<'a>)) {
    let net_of = |t: &AclTarget| t.net().copied();
    if let Some(sip) = &ctx.pbx.sip {
        for p in &sip.peers {
            if let Some(h) = &p.host {
                // An address has a `.` or a `:`; most hosts are `dynamic` (no parse needed).
                let value = h.value.trim();
                let address = value.contains(['.', ':']).then(|| value.parse::<IpAddr>());
                if let Some(Ok(ip)) = address {
                    emit(AddressUse {
                        net: IpNet::from(ip),
                        pos: h.pos.unwrap_or(p.pos),
                        section: &p.name,
                        option: "host",
                        owner: Owner::ChanSip,
                    });
                }
            }
            for r in p.acl.rules.iter().filter(|r| r.effective_permit()) {
                if let Some(net) = net_of(&r.target) {
                    emit(AddressUse {
                        net,
                        pos: r.pos,
                        section: &p.name,
                        option: "permit",
                        owner: Owner::ChanSip,
                    });
                }
            }
        }
    }
    if let Some(pj) = &ctx.pbx.pjsip {
        for i in &pj.identifies {
            let owner = Owner::Endpoint(i.endpoint.as_ref().map_or(&*i.meta.id, |e| &*e.value));
            for m in &i.matches {
                if let Some(net) = net_of(&m.target) {
                    emit(AddressUse {
                        net,
                        pos: m.pos,
                        section: &i.meta.id,
                        option: "match",
                        owner,
                    });
                }
            }
        }
        for e in &pj.endpoints {
            for r in e.acl.rules.iter().filter(|r| r.effective_permit()) {
                if let Some(net) = net_of(&r.target) {
                    emit(AddressUse {
                        net,
                        pos: r.pos,
                        section: &e.meta.id,
                        option: "permit",
                        owner: Owner::Endpoint(&e.meta.id),
                    });
                }
            }
        }
    }
    if let Some(ws) = &ctx.pbx.websms {
        if let Some(list) = &ws.source_addresses {
            for item in &list.value {
                if let Ok(net) = item
                    .trim()
                    .parse::<IpNet>()
                    .or_else(|_| item.trim().parse::<IpAddr>().map(IpNet::from))
                {
                    let pos = list.pos.unwrap_or_else(|| ctx.file_pos(ws.file));
                    emit(AddressUse {
                        net,
                        pos,
                        section: "websmsd",
                        option: "remt_addr",
                        owner: Owner::WebSms,
                    });
                }
            }
        }
    }
}
