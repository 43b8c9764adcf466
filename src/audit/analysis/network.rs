//! Addresses and ACLs: private networks, what the PBX binds to, ACLs that deny the world.

use crate::asterisk::model::Pbx;

/// Whether pjsip `type=acl` objects restrict every request.
pub fn pjsip_global_acl(pbx: &Pbx) -> bool {
    pbx.pjsip
        .as_ref()
        .is_some_and(|p| p.acls.iter().any(|a| a.meta.loads() && !a.acl.is_empty()))
}

/// Is every bind address of the PBX private (RFC 1918, loopback, link-local, ULA)? Then the
/// SIP ports are not on the internet.
pub fn binds_only_private(pbx: &Pbx) -> bool {
    let mut binds: Vec<&str> = Vec::new();
    if let Some(sip) = &pbx.sip {
        let g = &sip.general;
        for b in [&g.bindaddr, &g.udpbindaddr, &g.tcpbindaddr, &g.tlsbindaddr]
            .into_iter()
            .flatten()
        {
            binds.push(&b.value);
        }
        if binds.is_empty() {
            return false;
        }
    }
    if let Some(pj) = &pbx.pjsip {
        for t in &pj.transports {
            match &t.bind {
                Some(b) => binds.push(&b.value),
                None => return false,
            }
        }
    }
    !binds.is_empty() && binds.iter().all(|b| bind_ip(b).is_some_and(is_private))
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
