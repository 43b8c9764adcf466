//! Addresses and ACLs: private networks, what the PBX binds to, ACLs that deny the world.

use crate::asterisk::model::Pbx;

/// Whether pjsip `type=acl` objects restrict every request.
pub fn pjsip_global_acl(pbx: &Pbx) -> bool {
    pbx.pjsip
        .as_ref()
        .is_some_and(|p| p.acls.iter().any(|a| a.meta.loads() && !a.acl.is_empty()))
}

/// Whether a global pjsip `type=acl` that loads denies addresses it does not permit: then no
/// request from the internet reaches any endpoint.
pub fn pjsip_global_acl_denies_the_world(pbx: &Pbx) -> bool {
    pbx.pjsip.as_ref().is_some_and(|p| {
        p.acls
            .iter()
            .any(|a| a.meta.loads() && acl_denies_the_world(&a.acl))
    })
}

/// Does chan_sip listen on private addresses only (RFC 1918, loopback, link-local, ULA)? The
/// addresses are those chan_sip accepts: `bindaddr` unset or refused is every interface; TCP
/// and TLS listen only when enabled, on their own address or `bindaddr`'s.
pub fn sip_listens_only_private(pbx: &Pbx) -> bool {
    let Some(sip) = &pbx.sip else { return false };
    let g = &sip.general;
    let Some(udp) = g.udpbindaddr.as_ref().or(g.bindaddr.as_ref()) else {
        return false;
    };
    let private = |b: &str| bind_ip(b).is_some_and(is_private);
    let tcp = !g.tcpenable.value || g.tcpbindaddr.as_ref().is_none_or(|b| private(&b.value));
    let tls = !g.tlsenable.value || g.tlsbindaddr.as_ref().is_none_or(|b| private(&b.value));
    private(&udp.value) && tcp && tls
}

/// Does res_pjsip listen on private addresses only? Only transports that load count; with none
/// loading (placeholder binds), the intended listeners are unknown: not private.
pub fn pjsip_listens_only_private(pbx: &Pbx) -> bool {
    let Some(pj) = &pbx.pjsip else { return false };
    let mut any = false;
    for t in pj.transports.iter().filter(|t| t.meta.loads()) {
        any = true;
        match &t.bind {
            Some(b) if bind_ip(&b.value).is_some_and(is_private) => {}
            _ => return false,
        }
    }
    any
}

/// Is every SIP listener of the PBX private? Then the SIP ports are not on the internet.
pub fn binds_only_private(pbx: &Pbx) -> bool {
    (pbx.sip.is_none() || sip_listens_only_private(pbx))
        && (pbx.pjsip.is_none() || pjsip_listens_only_private(pbx))
        && (pbx.sip.is_some() || pbx.pjsip.is_some())
}

fn bind_ip(bind: &str) -> Option<std::net::IpAddr> {
    let b = bind.trim();
    if let Some(rest) = b.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    if b.matches(':').count() == 1 {
        return b.split(':').next()?.parse().ok();
    }
    b.parse().ok()
}

/// Private, loopback, link-local or unique-local (the one definition: [`crate::breadth`]).
pub use crate::breadth::is_private;

/// Whether a network lies entirely inside private space.
pub fn net_is_private(net: &ipnet::IpNet) -> bool {
    is_private(net.network())
        && is_private(net.broadcast())
        && match net {
            ipnet::IpNet::V4(n) => n.prefix_len() >= 8,
            ipnet::IpNet::V6(n) => n.prefix_len() >= 7,
        }
}

/// Whether an ACL denies addresses it does not explicitly permit (probed with an address from
/// TEST-NET-2, which no ACL permits on purpose).
pub fn acl_denies_the_world(acl: &crate::asterisk::model::acl::Acl) -> bool {
    let probe = std::net::IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, 77));
    !acl.rules.is_empty() && !acl.allows(probe)
}
