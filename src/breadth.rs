//! How much of the internet a list of networks admits, and THE ONE POLICY for "too broad".
//!
//! Every profile field that admits networks (`network.local_nets`, an extension's `permit`, a
//! trunk's `allow_from`, a click-to-call gateway's `allow_from`, the SMS webhook's `allow_from`
//! and `trusted_proxies`) and the audit rules that judge a source list's breadth ask
//! [`too_broad`]. A list is judged by what it admits
//! *together*, after aggregation (`0.0.0.0/1` + `128.0.0.0/1` is `0.0.0.0/0`), counting public
//! addresses only: a whole private network is a LAN decision, not an exposure to the internet.

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::net::IpAddr;

/// A list may admit fewer public IPv4 addresses than a /8 holds (16,777,216)…
pub const WIDEST_V4: u8 = 8;
/// …and fewer public IPv6 addresses than a /16 holds.
pub const WIDEST_V6: u8 = 16;

/// Private, loopback, link-local or unique-local.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_private() || v4.is_loopback() || v4.is_link_local(),
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || (v6.segments()[0] & 0xfe00) == 0xfc00
                || (v6.segments()[0] & 0xffc0) == 0xfe80
        }
    }
}

/// The private networks of [`is_private`], as networks.
fn private_nets() -> [IpNet; 8] {
    let v4 = |a, b, len| {
        IpNet::V4(Ipv4Net::new(std::net::Ipv4Addr::new(a, b, 0, 0), len).unwrap_or_default())
    };
    let v6 = |s: u16, len| {
        IpNet::V6(
            Ipv6Net::new(std::net::Ipv6Addr::new(s, 0, 0, 0, 0, 0, 0, 0), len).unwrap_or_default(),
        )
    };
    [
        v4(10, 0, 8),
        v4(172, 16, 12),
        v4(192, 168, 16),
        v4(127, 0, 8),
        v4(169, 254, 16),
        IpNet::V6(Ipv6Net::new(std::net::Ipv6Addr::LOCALHOST, 128).unwrap_or_default()),
        v6(0xfc00, 7),
        v6(0xfe80, 10),
    ]
}

/// How many public addresses a list admits, per family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Breadth {
    pub public_v4: u128,
    pub public_v6: u128,
}

impl Breadth {
    /// Whether this is more than the policy allows.
    pub fn is_too_broad(&self) -> bool {
        self.public_v4 >= 1u128 << (32 - WIDEST_V4) || self.public_v6 >= 1u128 << (128 - WIDEST_V6)
    }
}

impl std::fmt::Display for Breadth {
    /// "2147483648 public IPv4 addresses (as many as a /1)".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = Vec::new();
        if self.public_v4 > 0 {
            parts.push(format!(
                "{} public IPv4 addresses (as many as a /{})",
                self.public_v4,
                32 - log2(self.public_v4)
            ));
        }
        if self.public_v6 > 0 {
            parts.push(format!(
                "2^{} public IPv6 addresses (as many as a /{})",
                log2(self.public_v6),
                128 - log2(self.public_v6)
            ));
        }
        if parts.is_empty() {
            parts.push("no public address".to_string());
        }
        f.write_str(&parts.join(" and "))
    }
}

fn log2(n: u128) -> u32 {
    127 - n.max(1).leading_zeros()
}

fn size(net: &IpNet) -> u128 {
    let host_bits = u32::from(net.max_prefix_len() - net.prefix_len());
    if host_bits >= 128 {
        u128::MAX
    } else {
        1u128 << host_bits
    }
}

/// How many public addresses `nets` admit together.
pub fn breadth(nets: &[IpNet]) -> Breadth {
    let aggregated = IpNet::aggregate(&nets.to_vec());
    let private = private_nets();
    let mut out = Breadth::default();
    for net in &aggregated {
        let mut public = size(net);
        for p in &private {
            if net.contains(p) {
                public -= size(p);
            } else if p.contains(net) {
                public = 0;
            }
        }
        match net {
            IpNet::V4(_) => out.public_v4 += public,
            IpNet::V6(_) => out.public_v6 = out.public_v6.saturating_add(public),
        }
    }
    out
}

/// `Some(breadth)` when `nets` together admit too much of the internet (see the module).
pub fn too_broad(nets: &[IpNet]) -> Option<Breadth> {
    let breadth = breadth(nets);
    breadth.is_too_broad().then_some(breadth)
}

/// The policy in words, for messages and hints.
pub fn policy() -> String {
    format!(
        "fewer public addresses than a /{WIDEST_V4} (IPv4) or a /{WIDEST_V6} (IPv6) in total; private networks do not count"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|s| s.parse().unwrap()).collect()
    }

    #[test]
    fn lists_are_judged_together_after_aggregation() {
        assert!(too_broad(&nets(&["0.0.0.0/0"])).is_some());
        assert!(too_broad(&nets(&["0.0.0.0/1", "128.0.0.0/1"])).is_some());
        assert!(too_broad(&nets(&["1.0.0.0/8"])).is_some());
        assert!(too_broad(&nets(&["1.0.0.0/9"])).is_none());
        // Two /9s are as much as a /8.
        assert!(too_broad(&nets(&["1.0.0.0/9", "2.0.0.0/9"])).is_some());
        assert!(too_broad(&nets(&["::/0"])).is_some());
        assert!(too_broad(&nets(&["2001:db8::/32"])).is_none());
        assert!(too_broad(&nets(&["203.0.113.0/24", "198.51.100.7/32"])).is_none());
    }

    #[test]
    fn private_networks_do_not_count() {
        assert_eq!(breadth(&nets(&["10.0.0.0/8"])).public_v4, 0);
        assert!(too_broad(&nets(&["10.0.0.0/8", "192.168.0.0/16", "fc00::/7"])).is_none());
        // 8.0.0.0/5 holds 10.0.0.0/8: what is left is still far too broad.
        let b = breadth(&nets(&["8.0.0.0/5"]));
        assert_eq!(b.public_v4, (1 << 27) - (1 << 24));
        assert!(b.is_too_broad());
        assert_eq!(
            breadth(&nets(&["0.0.0.0/0"])).to_string(),
            "4260233216 public IPv4 addresses (as many as a /1)"
        );
    }
}
