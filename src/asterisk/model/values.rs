//! How Asterisk reads option values: booleans (`ast_true`/`ast_false`), lists, numbers.

use super::Located;
use crate::asterisk::shared_text::Text;
use crate::asterisk::syntax::{Section, Variable};

/// Asterisk's `ast_true`: yes, true, y, t, 1, on (case-insensitive, surrounding blanks ignored).
pub fn ast_true(s: &str) -> bool {
    let s = s.trim();
    ["yes", "true", "y", "t", "1", "on"]
        .iter()
        .any(|t| s.eq_ignore_ascii_case(t))
}

/// Asterisk's `ast_false`: no, false, n, f, 0, off.
pub fn ast_false(s: &str) -> bool {
    let s = s.trim();
    ["no", "false", "n", "f", "0", "off"]
        .iter()
        .any(|t| s.eq_ignore_ascii_case(t))
}

/// A boolean option as chan_sip/res_pjsip read it with `ast_true`: anything not true is false.
pub fn bool_option(section: &Section, name: &str, default: bool) -> Located<bool> {
    match section.get(name) {
        Some(v) => Located::at(ast_true(&v.value), v.pos),
        None => Located::default_value(default),
    }
}

/// A string option (last one wins), or `default` when absent.
pub fn string_option(section: &Section, name: &str, default: &str) -> Located<Text> {
    match section.get(name) {
        Some(v) => Located::at(v.value.clone(), v.pos),
        None => Located::default_value(Text::from(default)),
    }
}

/// A string option (last one wins) when set.
pub fn opt_string(section: &Section, name: &str) -> Option<Located<Text>> {
    section
        .get(name)
        .map(|v| Located::at(v.value.clone(), v.pos))
}

/// The last line that sets any of several alias names (`tlscapath`/`tlscadir`).
pub fn opt_string_any(section: &Section, names: &[&str]) -> Option<Located<Text>> {
    section
        .variables
        .iter()
        .rev()
        .find(|v| names.iter().any(|n| v.name.eq_ignore_ascii_case(n)))
        .map(|v| Located::at(v.value.clone(), v.pos))
}

/// A comma-separated list option: every occurrence contributes, items trimmed, empties dropped.
/// Each item keeps the position of the line it came from.
pub fn list_option(section: &Section, name: &str) -> Vec<Located<Text>> {
    section.all(name).flat_map(list_items).collect()
}

/// The comma-separated items of one variable, trimmed, empties dropped. A value that is one
/// item as it stands (the usual case) is shared, not copied.
pub fn list_items(v: &Variable) -> impl Iterator<Item = Located<Text>> + '_ {
    v.value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(move |s| {
            let item = if s.len() == v.value.len() {
                v.value.clone()
            } else {
                Text::from(s)
            };
            Located::at(item, v.value_pos())
        })
}

/// [`list_items`] of one variable, collected. A value that is one item as it stands (no comma,
/// nothing to trim: the usual `auth=`, `aors=`) is that item, without splitting it.
pub fn list_items_of(v: &Variable) -> Vec<Located<Text>> {
    let value = v.value.as_str();
    if value.contains(',') || value.trim().len() != value.len() {
        return list_items(v).collect();
    }
    if value.is_empty() {
        return Vec::new();
    }
    vec![Located::at(v.value.clone(), v.value_pos())]
}

/// How `ast_sockaddr_split_hostport` treats a port after the host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortRule {
    /// `PARSE_PORT_FORBID`: a port makes the value invalid ("Port disallowed in …").
    Forbid,
    /// Flags 0: a port may follow the host.
    Optional,
}

/// An address as main/netsock2.c `ast_sockaddr_parse` reads it: `ast_sockaddr_split_hostport`
/// (brackets for IPv6, one `:` means a port, several mean an IPv6 address without one), then
/// `getaddrinfo` with `AI_NUMERICHOST | AI_NUMERICSERV`, which never resolves a name. glibc's
/// numeric IPv4 parser is `inet_aton`'s (`1.1.1` is 1.1.0.1, `010.1.1.1` is octal), and nothing
/// is trimmed: `1.2.3.4 ` (a trailing blank) is not an address. Returns the address and port.
pub fn numeric_address(text: &str, port: PortRule) -> Option<(std::net::IpAddr, Option<u16>)> {
    let (host, port_text) = split_hostport(text);
    if port == PortRule::Forbid && port_text.is_some() {
        return None;
    }
    let port = match port_text {
        None => None,
        // AI_NUMERICSERV: digits only (glibc reads them with strtoul and rejects what is left).
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
            Some(p.parse::<u16>().ok()?)
        }
        Some(_) => return None,
    };
    numeric_host(host).map(|ip| (ip, port))
}

/// `ast_sockaddr_split_hostport` without the port rule: (host, port text).
fn split_hostport(text: &str) -> (&str, Option<&str>) {
    if let Some(rest) = text.strip_prefix('[') {
        return match rest.find(']') {
            Some(end) => {
                let after = &rest[end + 1..];
                (&rest[..end], after.strip_prefix(':'))
            }
            None => (rest, None),
        };
    }
    match text.find(':') {
        Some(i) if !text[i + 1..].contains(':') => (&text[..i], Some(&text[i + 1..])),
        _ => (text, None),
    }
}

/// A numeric host as `getaddrinfo(AI_NUMERICHOST)` accepts it: IPv4 in `inet_aton` form, or
/// IPv6 (with an optional `%scope`).
pub fn numeric_host(host: &str) -> Option<std::net::IpAddr> {
    if host.contains(':') {
        let addr = host.split_once('%').map_or(host, |(a, _)| a);
        return addr
            .parse::<std::net::Ipv6Addr>()
            .ok()
            .map(std::net::IpAddr::V6);
    }
    inet_aton(host).map(std::net::IpAddr::V4)
}

/// glibc's `inet_aton` with nothing after the address: one to four parts separated by `.`,
/// each decimal, octal (leading `0`) or hexadecimal (`0x`); the last part fills the remaining
/// bytes (`1.1.1` is 1.1.0.1, `1` is 0.0.0.1).
pub fn inet_aton(s: &str) -> Option<std::net::Ipv4Addr> {
    if s.is_empty() {
        return None;
    }
    let mut parts = [0u64; 4];
    let mut n = 0;
    for part in s.split('.') {
        if n == 4 || part.is_empty() {
            return None;
        }
        let (digits, radix) =
            if let Some(h) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
                (h, 16)
            } else if part.len() > 1 && part.starts_with('0') {
                (&part[1..], 8)
            } else {
                (part, 10)
            };
        let value = if digits.is_empty() {
            0
        } else {
            if !digits.chars().all(|c| c.is_digit(radix)) {
                return None;
            }
            u64::from_str_radix(digits, radix).ok()?
        };
        parts[n] = value;
        n += 1;
    }
    let (head, last) = (&parts[..n - 1], parts[n - 1]);
    if head.iter().any(|&p| p > 0xff) || last >= 1u64 << (8 * (5 - n)) {
        return None;
    }
    let mut addr: u64 = last;
    for (i, &p) in head.iter().enumerate() {
        addr |= p << (8 * (3 - i));
    }
    Some(std::net::Ipv4Addr::from(addr as u32))
}

/// What a host value is, for the options that resolve names (pjsip `match`, a transport's
/// `bind`, chan_sip `host`/`externhost`/`defaultip`): a numeric address, a name a resolver may
/// answer for, or text no resolver anywhere answers for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostShape {
    Address(std::net::IpAddr),
    /// A DNS name (`sip.example.net`, `localhost`): resolved when Asterisk loads.
    Name,
    /// A placeholder left from a template or a how-to (`(IPv4 Address)`, `x.x.x.x`,
    /// `XXX.XXX.XXX.XXX`, `192.168.aaa.bbb`, `PROVIDERIP`, `<sip-server-ip>`,
    /// `**YOUR PUBLIC IP ADDRESS**`): no resolver answers, so the lookup fails on every host.
    Placeholder,
}

/// Classify a host value (see [`HostShape`]). A name is a placeholder when it cannot be a DNS
/// name (characters outside letters, digits, `-`, `_`, `.`; an empty or over-long label; a
/// numeric last label), is shaped like an IPv4 address with letters in it (`192.168.aaa.bbb`,
/// `10.0.x.x`), is made of `x` labels only (`x.x.x.x`), ends in a TLD reserved never to
/// resolve (`.invalid`, `.example`, `.test`), or is a single label written in capitals or
/// naming what belongs there (`PROVIDERIP`, `your-ip`): a bare label only resolves through
/// `/etc/hosts` or a search domain, and those are never written that way.
pub fn host_shape(host: &str) -> HostShape {
    if let Some(ip) = numeric_host(host) {
        return HostShape::Address(ip);
    }
    let name = host.strip_suffix('.').unwrap_or(host);
    let valid_chars = name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if name.is_empty() || !valid_chars {
        return HostShape::Placeholder;
    }
    let labels: Vec<&str> = name.split('.').collect();
    let numeric = |l: &str| l.bytes().all(|b| b.is_ascii_digit());
    let x_only = |l: &str| l.bytes().all(|b| b == b'x' || b == b'X');
    let bad_label =
        |l: &str| l.is_empty() || l.len() > 63 || l.starts_with('-') || l.ends_with('-');
    let last = labels[labels.len() - 1];
    let numeric_count = labels.iter().filter(|l| numeric(l)).count();
    let placeholder = labels.iter().any(|l| bad_label(l))
        || numeric(last)
        || labels.iter().all(|l| x_only(l) || numeric(l))
        || (labels.len() == 4 && numeric_count >= 2 && numeric(labels[0]))
        || under_reserved_tld(name)
        || (labels.len() == 1 && single_label_placeholder(name));
    if placeholder {
        HostShape::Placeholder
    } else {
        HostShape::Name
    }
}

/// Whether `host` is a name under a top-level domain reserved never to resolve (RFC 2606:
/// `.invalid`, `.example`, `.test`): documentation and test names. The audit counts them as
/// placeholders; `migrate` keeps them as written (they are how examples name a provider).
pub fn under_reserved_tld(host: &str) -> bool {
    let name = host.strip_suffix('.').unwrap_or(host);
    let last = name.rsplit('.').next().unwrap_or(name);
    ["invalid", "example", "test"]
        .iter()
        .any(|t| last.eq_ignore_ascii_case(t))
}

fn single_label_placeholder(label: &str) -> bool {
    if label.eq_ignore_ascii_case("localhost") {
        return false;
    }
    let lower = label.to_ascii_lowercase();
    label.bytes().any(|b| b.is_ascii_uppercase())
        || ["ip", "addr", "host", "server", "provider", "your", "domain"]
            .iter()
            .any(|w| lower.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{IpAddr, Ipv4Addr};

    /// The one-item shortcut gives what splitting does.
    #[test]
    fn list_items_of_is_list_items() {
        use crate::asterisk::source::{FileId, Pos};
        for value in [
            "", "a", "ext100", "a,b", " a", "a ", ",", "a,", ",a", " , a ,b ", "\ta", "a b",
        ] {
            let v = Variable::new(
                "auth".into(),
                value.into(),
                Pos::new(FileId(0), 3, 1),
                6,
                false,
            );
            let split: Vec<Located<Text>> = list_items(&v).collect();
            assert_eq!(list_items_of(&v), split, "{value:?}");
        }
    }

    #[test]
    fn inet_aton_follows_glibc() {
        // Each case was checked against glibc 2.36's getaddrinfo(AI_NUMERICHOST).
        let v4 = |s: &str| inet_aton(s).map(|a| a.to_string());
        assert_eq!(v4("1.1.1").as_deref(), Some("1.1.0.1"));
        assert_eq!(v4("010.1.1.1").as_deref(), Some("8.1.1.1"));
        assert_eq!(v4("0x7f.1").as_deref(), Some("127.0.0.1"));
        assert_eq!(v4("1").as_deref(), Some("0.0.0.1"));
        assert_eq!(v4("4294967295").as_deref(), Some("255.255.255.255"));
        for bad in [
            "1.2.3.4.5",
            "192.168.1.256",
            "192.168.aaa.bbb",
            " 5.6.7.8",
            "5.6.7.8 ",
            "",
        ] {
            assert_eq!(v4(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn numeric_address_splits_ports_like_netsock2() {
        let a = |s: &str, p| numeric_address(s, p);
        let lo = IpAddr::V4(Ipv4Addr::LOCALHOST);
        assert_eq!(
            a("127.0.0.1:5060", PortRule::Optional),
            Some((lo, Some(5060)))
        );
        assert_eq!(a("127.0.0.1:5060", PortRule::Forbid), None);
        assert_eq!(
            a("[::1]:5060", PortRule::Optional).map(|x| x.1),
            Some(Some(5060))
        );
        assert!(a("::", PortRule::Forbid).is_some());
        assert!(a("[::]", PortRule::Forbid).is_some());
        assert_eq!(a("pbx.home.example.net", PortRule::Optional), None);
        assert_eq!(a("1.1.1.1 //public", PortRule::Optional), None);
        assert_eq!(a("1.2.3.4:abc", PortRule::Optional), None);
    }

    #[test]
    fn host_shapes() {
        for p in [
            "XXX.XXX.XXX.XXX",
            "x.x.x.x",
            "[xxxx]",
            "(IPv4 Address)",
            "192.168.aaa.bbb",
            "PROVIDERIP",
            "<sip-server-ip>",
            "**YOUR PUBLIC IP ADDRESS**",
            "1.1.1.1 //public address",
            "sip.provider.invalid",
            "10.0.0.x",
        ] {
            assert_eq!(host_shape(p), HostShape::Placeholder, "{p}");
        }
        for n in [
            "sip.example.com",
            "09a.Z2.bbvoice.vodafone.co.uk",
            "sanjose.voip.ms",
            "localhost",
            "gateway",
            "example.com",
        ] {
            assert_eq!(host_shape(n), HostShape::Name, "{n}");
        }
        assert!(matches!(host_shape("1.2.3.4"), HostShape::Address(_)));
    }
}
