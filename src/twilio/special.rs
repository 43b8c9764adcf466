//! Special-purpose address blocks (IANA IPv4/IPv6 Special-Purpose Address Registries, plus
//! multicast and the reserved 240/4). None of them can be a Twilio range on the public internet:
//! a page that lists one is broken or has been tampered with, and permitting one would open a
//! PBX to a LAN, a loopback service or anyone behind a carrier NAT.

use ipnet::IpNet;

const BLOCKS: &[(&str, &str)] = &[
    ("0.0.0.0/8", "\"this network\""),
    ("10.0.0.0/8", "private (RFC 1918)"),
    ("100.64.0.0/10", "shared carrier-grade NAT space (RFC 6598)"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local"),
    ("172.16.0.0/12", "private (RFC 1918)"),
    ("192.0.0.0/24", "IETF protocol assignments"),
    ("192.0.2.0/24", "documentation (TEST-NET-1)"),
    ("192.88.99.0/24", "6to4 relay anycast (deprecated)"),
    ("192.168.0.0/16", "private (RFC 1918)"),
    ("198.18.0.0/15", "benchmarking (RFC 2544)"),
    ("198.51.100.0/24", "documentation (TEST-NET-2)"),
    ("203.0.113.0/24", "documentation (TEST-NET-3)"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved (and broadcast)"),
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("::ffff:0:0/96", "IPv4-mapped"),
    ("64:ff9b:1::/48", "local-use IPv4/IPv6 translation"),
    ("100::/64", "discard-only"),
    ("2001::/23", "IETF protocol assignments"),
    ("2001:db8::/32", "documentation"),
    ("3fff::/20", "documentation"),
    ("fc00::/7", "unique local (private)"),
    ("fe80::/10", "link-local"),
    ("ff00::/8", "multicast"),
];

/// The special-purpose block `net` overlaps, with what it is for. CIDR blocks either nest or
/// are disjoint, so this finds both a private /32 and a /1 that swallows private space.
pub fn special_purpose(net: &IpNet) -> Option<(IpNet, &'static str)> {
    BLOCKS.iter().find_map(|(block, what)| {
        let block: IpNet = block.parse().expect("the special-purpose table is valid");
        (block.contains(net) || net.contains(&block)).then_some((block, *what))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(s: &str) -> Option<&'static str> {
        special_purpose(&s.parse().unwrap()).map(|(_, what)| what)
    }

    #[test]
    fn finds_private_loopback_multicast_and_documentation_networks() {
        assert_eq!(check("10.1.2.0/30"), Some("private (RFC 1918)"));
        assert_eq!(check("127.0.0.1/32"), Some("loopback"));
        assert_eq!(check("239.1.1.0/24"), Some("multicast"));
        assert_eq!(check("203.0.113.8/30"), Some("documentation (TEST-NET-3)"));
        assert_eq!(check("fd00::/64"), Some("unique local (private)"));
        // A huge network that swallows private space is caught too.
        assert!(check("0.0.0.0/0").is_some());
        assert!(check("160.0.0.0/3").is_some());
    }

    #[test]
    fn public_twilio_ranges_pass() {
        for net in crate::twilio::TwilioRanges::embedded().all_current() {
            assert_eq!(special_purpose(net), None, "{net}");
        }
        assert_eq!(check("172.32.0.0/16"), None);
    }
}
