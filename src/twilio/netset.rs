//! Lists of networks as the sets of addresses they cover.
//!
//! A page may publish the same addresses in many shapes — one /30, four single addresses, two
//! /31s, `a.b.c.d - a.b.c.e`, overlapping entries — and `twilio refresh` must see them as equal.
//! Everything that compares or subtracts ranges goes through here; [`canonical`] is the one
//! shape pbxgen writes (the fewest CIDR blocks, sorted, IPv4 first).

use ipnet::{IpNet, Ipv4Subnets, Ipv6Subnets};
use std::net::{Ipv4Addr, Ipv6Addr};

/// The fewest CIDR blocks covering exactly the addresses of `nets`, sorted (IPv4 first).
pub fn canonical(nets: &[IpNet]) -> Vec<IpNet> {
    IpNet::aggregate(&nets.to_vec())
}

/// Whether `a` and `b` cover the same addresses.
pub fn same_addresses(a: &[IpNet], b: &[IpNet]) -> bool {
    canonical(a) == canonical(b)
}

/// The addresses of `a` that `b` does not cover, as [`canonical`] blocks.
pub fn subtract(a: &[IpNet], b: &[IpNet]) -> Vec<IpNet> {
    let b = intervals(b);
    let mut left: Vec<IpNet> = Vec::new();
    for (v6, start, end) in intervals(a) {
        // The pieces of [start, end] outside every interval of `b` of the same family.
        let mut from = start;
        let mut done = false;
        for &(bv6, bstart, bend) in &b {
            if bv6 != v6 || bend < from || bstart > end {
                continue;
            }
            if bstart > from {
                left.extend(blocks(v6, from, bstart - 1));
            }
            if bend >= end {
                done = true;
                break;
            }
            from = bend + 1;
        }
        if !done {
            left.extend(blocks(v6, from, end));
        }
    }
    canonical(&left)
}

/// The addresses `a` and `b` both cover, as [`canonical`] blocks.
pub fn intersection(a: &[IpNet], b: &[IpNet]) -> Vec<IpNet> {
    subtract(a, &subtract(a, b))
}

/// How many addresses `net` covers, as people read it: `4 addresses`, `1 address`,
/// `16384 addresses`, `2^64 addresses`.
pub fn count_text(net: &IpNet) -> String {
    let bits = u32::from(net.max_prefix_len() - net.prefix_len());
    match bits {
        0 => "1 address".to_string(),
        1..=32 => format!("{} addresses", 1u64 << bits),
        _ => format!("2^{bits} addresses"),
    }
}

/// Sorted, merged inclusive intervals (IPv6?, first, last) of the addresses of `nets`.
fn intervals(nets: &[IpNet]) -> Vec<(bool, u128, u128)> {
    canonical(nets)
        .iter()
        .map(|net| match net {
            IpNet::V4(n) => (
                false,
                u128::from(u32::from(n.network())),
                u128::from(u32::from(n.broadcast())),
            ),
            IpNet::V6(n) => (true, u128::from(n.network()), u128::from(n.broadcast())),
        })
        .collect()
}

/// The CIDR blocks of the inclusive interval [first, last].
fn blocks(v6: bool, first: u128, last: u128) -> Vec<IpNet> {
    if v6 {
        Ipv6Subnets::new(Ipv6Addr::from(first), Ipv6Addr::from(last), 0)
            .map(IpNet::V6)
            .collect()
    } else {
        let (Ok(first), Ok(last)) = (u32::try_from(first), u32::try_from(last)) else {
            return Vec::new();
        };
        Ipv4Subnets::new(Ipv4Addr::from(first), Ipv4Addr::from(last), 0)
            .map(IpNet::V4)
            .collect()
    }
}

/// The CIDR blocks from address `first` to `last` inclusive (same family; empty when
/// `first > last` or the families differ).
pub fn range_blocks(first: std::net::IpAddr, last: std::net::IpAddr) -> Vec<IpNet> {
    use std::net::IpAddr;
    match (first, last) {
        (IpAddr::V4(a), IpAddr::V4(b)) if a <= b => {
            Ipv4Subnets::new(a, b, 0).map(IpNet::V4).collect()
        }
        (IpAddr::V6(a), IpAddr::V6(b)) if a <= b => {
            Ipv6Subnets::new(a, b, 0).map(IpNet::V6).collect()
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|s| s.parse().unwrap()).collect()
    }

    #[test]
    fn shapes_of_the_same_addresses_are_equal() {
        let slash30 = nets(&["54.172.60.0/30"]);
        for shape in [
            nets(&[
                "54.172.60.0/32",
                "54.172.60.1/32",
                "54.172.60.2/32",
                "54.172.60.3/32",
            ]),
            nets(&["54.172.60.2/31", "54.172.60.0/31"]),
            nets(&["54.172.60.0/30", "54.172.60.1/32", "54.172.60.0/31"]),
        ] {
            assert!(same_addresses(&slash30, &shape), "{shape:?}");
            assert_eq!(canonical(&shape), slash30);
        }
        assert!(!same_addresses(&slash30, &nets(&["54.172.60.0/31"])));
        let v6 = nets(&["2600:1f18::/126"]);
        assert!(same_addresses(
            &v6,
            &nets(&["2600:1f18::2/127", "2600:1f18::/127"])
        ));
    }

    #[test]
    fn subtraction_and_intersection_in_addresses() {
        assert_eq!(
            subtract(&nets(&["54.172.60.0/29"]), &nets(&["54.172.60.0/31"])),
            nets(&["54.172.60.2/31", "54.172.60.4/30"])
        );
        assert_eq!(
            subtract(
                &nets(&["10.0.0.0/30"]),
                &nets(&["10.0.0.1/32", "10.0.0.2/32"])
            ),
            nets(&["10.0.0.0/32", "10.0.0.3/32"])
        );
        assert!(subtract(&nets(&["10.0.0.0/30"]), &nets(&["10.0.0.0/24"])).is_empty());
        assert_eq!(
            subtract(
                &nets(&["10.0.0.0/30", "2600::/127"]),
                &nets(&["2600::1/128"])
            ),
            nets(&["10.0.0.0/30", "2600::/128"])
        );
        assert_eq!(
            intersection(
                &nets(&["54.172.60.0/23"]),
                &nets(&["54.172.60.0/30", "1.2.3.4/32"])
            ),
            nets(&["54.172.60.0/30"])
        );
    }

    #[test]
    fn counts_as_people_read_them() {
        assert_eq!(count_text(&"1.2.3.4/32".parse().unwrap()), "1 address");
        assert_eq!(count_text(&"1.2.3.4/30".parse().unwrap()), "4 addresses");
        assert_eq!(
            count_text(&"168.86.128.0/18".parse().unwrap()),
            "16384 addresses"
        );
        assert_eq!(count_text(&"2600::/64".parse().unwrap()), "2^64 addresses");
    }
}
