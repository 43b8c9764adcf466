//! Networks (`permit`, `match`, `local_net`) as the templates see them: the text of `IpNet`'s
//! `Display` (`10.0.0.0/8`), written without the formatting machinery.
//!
//! Every account of a provider's site lists its networks, and each is made a template value
//! (`render::value`): formatting each IPv4 network through `Display` (a `String` each) was a
//! fifth of building the template value of the plan. IPv6 networks keep `Display` (its `::` compression
//! is not worth repeating here).

use ipnet::{IpNet, Ipv4Net};
use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};

/// `#[serde(serialize_with = "net_text::serialize")]` for a `Vec<IpNet>`: a list of strings.
pub fn serialize<S: Serializer>(nets: &[IpNet], serializer: S) -> Result<S::Ok, S::Error> {
    let mut list = serializer.serialize_seq(Some(nets.len()))?;
    for net in nets {
        list.serialize_element(&NetText(net))?;
    }
    list.end()
}

/// A list of networks that serializes as [`serialize`] writes it.
pub struct Nets<'a>(pub &'a [IpNet]);

impl Serialize for Nets<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize(self.0, serializer)
    }
}

struct NetText<'a>(&'a IpNet);

impl Serialize for NetText<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            IpNet::V4(net) => serializer.serialize_str(v4_text(net, &mut [0; V4_TEXT_MAX])),
            net => serializer.collect_str(net),
        }
    }
}

/// `f` applied to the text of `net`, as [`serialize`] writes it (an IPv4 network's without
/// allocating).
pub fn with_text<R>(net: &IpNet, f: impl FnOnce(&str) -> R) -> R {
    match net {
        IpNet::V4(net) => f(v4_text(net, &mut [0; V4_TEXT_MAX])),
        net => f(&net.to_string()),
    }
}

/// The longest IPv4 network: `255.255.255.255/32`.
const V4_TEXT_MAX: usize = 18;

fn v4_text<'b>(net: &Ipv4Net, buf: &'b mut [u8; V4_TEXT_MAX]) -> &'b str {
    let mut len = 0;
    for (i, octet) in net.addr().octets().into_iter().enumerate() {
        if i > 0 {
            buf[len] = b'.';
            len += 1;
        }
        len += decimal(octet, &mut buf[len..]);
    }
    buf[len] = b'/';
    len += 1;
    len += decimal(net.prefix_len(), &mut buf[len..]);
    std::str::from_utf8(&buf[..len]).expect("digits, dots and a slash are ASCII")
}

/// `n` in decimal at the start of `out`; its length.
fn decimal(n: u8, out: &mut [u8]) -> usize {
    let digits = [n / 100, n / 10 % 10, n % 10];
    let skip = match n {
        100.. => 0,
        10..=99 => 1,
        _ => 2,
    };
    for (slot, digit) in out.iter_mut().zip(&digits[skip..]) {
        *slot = b'0' + digit;
    }
    3 - skip
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_read_as_their_display() {
        for text in [
            "0.0.0.0/0",
            "10.0.0.0/8",
            "192.168.1.50/32",
            "255.255.255.255/32",
            "100.64.9.0/24",
            "2001:db8::/32",
            "::/0",
        ] {
            let net: IpNet = text.parse().unwrap();
            let json = serde_json::to_value(NetText(&net)).unwrap();
            assert_eq!(json, serde_json::Value::String(net.to_string()), "{text}");
        }
        for a in 0..=255u8 {
            let net = IpNet::V4(Ipv4Net::new([a, a / 3, 0, 255 - a].into(), a % 33).unwrap());
            let json = serde_json::to_value(NetText(&net)).unwrap();
            assert_eq!(json, serde_json::Value::String(net.to_string()));
        }
    }
}
