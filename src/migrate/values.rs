//! How chan_sip and res_pjsip read values, where the two differ: numbers, addresses, host
//! names, URI user parts, codec lists.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// C's `sscanf("%d")` / `atoi`: optional blanks and sign, then digits; the rest is ignored.
/// `None` when there are no digits (chan_sip then keeps its default).
pub fn leading_int(text: &str) -> Option<i64> {
    let t = text.trim_start();
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let end = digits
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(digits.len());
    if end == 0 {
        return None;
    }
    let n: i64 = digits[..end].parse().ok()?;
    Some(if neg { -n } else { n })
}

/// glibc's `inet_aton`, which `getaddrinfo` uses for numeric IPv4: one to four parts, each
/// decimal, octal (leading `0`) or hex (`0x`); `000.000.000.000` is 0.0.0.0 and `1.1.1` is
/// 1.1.0.1. chan_sip resolves `host=` with it, pjsip's `match=` too.
pub fn inet_aton(text: &str) -> Option<Ipv4Addr> {
    if text.is_empty() || text.ends_with('.') {
        return None;
    }
    let mut parts = Vec::with_capacity(4);
    for part in text.split('.') {
        let (digits, radix) =
            if let Some(hex) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
                (hex, 16)
            } else if part.len() > 1 && part.starts_with('0') {
                (&part[1..], 8)
            } else {
                (part, 10)
            };
        if digits.is_empty() && radix != 8 {
            return None;
        }
        let value = if digits.is_empty() {
            0
        } else {
            u64::from_str_radix(digits, radix).ok()?
        };
        parts.push(value);
        if parts.len() > 4 {
            return None;
        }
    }
    let (last, head) = parts.split_last()?;
    if head.iter().any(|p| *p > 255) {
        return None;
    }
    let max_last = 0xFFFF_FFFFu64 >> (8 * head.len());
    if *last > max_last {
        return None;
    }
    let mut addr: u64 = 0;
    for (i, p) in head.iter().enumerate() {
        addr |= p << (24 - 8 * i);
    }
    addr |= last;
    Some(Ipv4Addr::from(addr as u32))
}

/// A numeric address as `getaddrinfo(AI_NUMERICHOST)` accepts it: IPv4 the `inet_aton` way,
/// IPv6 with or without brackets.
pub fn numeric_ip(text: &str) -> Option<IpAddr> {
    let bare = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(text);
    if let Ok(v6) = bare.parse::<Ipv6Addr>() {
        return Some(IpAddr::V6(v6));
    }
    if bare.contains(':') {
        return None;
    }
    inet_aton(bare).map(IpAddr::V4)
}

/// A host as it goes into a SIP URI: IPv6 in brackets, IPv4 in dotted form.
pub fn uri_host(host: &Host) -> String {
    match host {
        Host::Ip(IpAddr::V6(v6)) => format!("[{v6}]"),
        Host::Ip(ip) => ip.to_string(),
        Host::Name(name) => name.clone(),
    }
}

/// A host from sip.conf, classified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Host {
    Ip(IpAddr),
    Name(String),
}

impl Host {
    /// Parse a `host=` / `register =>` host: a numeric address or a host name; `None` for
    /// anything a resolver cannot use (`**YOUR PUBLIC IP ADDRESS**`, `192.168.aaa.bbb`).
    pub fn parse(text: &str) -> Option<Host> {
        let t = text.trim();
        if let Some(ip) = numeric_ip(t) {
            return Some(Host::Ip(ip));
        }
        // The audit's one notion of a name that resolves (a placeholder such as
        // `192.168.aaa.bbb` never does); documentation names (`sip.itsp.example`) are kept.
        use crate::asterisk::model::values::{HostShape, host_shape, under_reserved_tld};
        match host_shape(t) {
            HostShape::Name => Some(Host::Name(t.to_ascii_lowercase())),
            HostShape::Placeholder
                if under_reserved_tld(t)
                    && t.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)) =>
            {
                Some(Host::Name(t.to_ascii_lowercase()))
            }
            _ => None,
        }
    }

    /// As written into pjsip.conf (`match=`, a URI host): canonical numeric form.
    pub fn display(&self) -> String {
        match self {
            Host::Ip(ip) => ip.to_string(),
            Host::Name(n) => n.clone(),
        }
    }

    /// `0.0.0.0` or `::`: a placeholder, never a real source or destination.
    pub fn is_unspecified(&self) -> bool {
        matches!(self, Host::Ip(ip) if ip.is_unspecified())
    }
}

/// The characters RFC 3261 allows unescaped in a SIP URI user part (unreserved and
/// user-unreserved); res_pjsip's `from_user` accepts these plus `%`.
fn is_uri_user_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"-_.!~*'()&=+$,;?/".contains(&c)
}

/// A user part for a SIP URI: every byte outside the allowed set `%`-escaped (UTF-8 bytes
/// included), so a name like `ユーザID` or `user name` becomes a valid URI that means the same.
pub fn uri_user(user: &str) -> String {
    let mut out = String::with_capacity(user.len());
    for &b in user.as_bytes() {
        // `;` and `?` would start URI parameters or headers; `&`, `=`, `+`, `$`, `,` are fine.
        if is_uri_user_char(b) && b != b';' && b != b'?' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The characters res_pjsip's `from_user` handler accepts (`pjsip_configuration.c`
/// `from_user_handler`: letters, digits and `-._~%!$&'()*+,;=:`); anything else makes the
/// endpoint fail to load.
#[cfg(test)]
pub fn from_user_ok(user: &str) -> bool {
    user.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~%!$&'()*+,;=:".contains(&b))
}

/// `from_user` for res_pjsip: bytes it refuses `%`-escaped.
pub fn from_user(user: &str) -> String {
    let mut out = String::with_capacity(user.len());
    for &b in user.as_bytes() {
        if (b.is_ascii_alphanumeric() || b"-._~!$&'()*+,=:".contains(&b)) && b != b';' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The media formats Asterisk 20 and 22 know by name (`main/codec_builtin.c`: the cached
/// formats, identical in 20.20.1 and 22.0.0). An unknown name is a warning for chan_sip but
/// makes a pjsip endpoint fail to load (`config_options.c` `codec_handler_fn` returns the error
/// of `ast_format_cap_update_by_allow_disallow`).
pub const KNOWN_FORMATS: &[&str] = &[
    "g723", "codec2", "none", "ulaw", "alaw", "gsm", "g726", "g726aal2", "adpcm", "slin", "slin12",
    "slin16", "slin24", "slin32", "slin44", "slin48", "slin96", "slin192", "lpc10", "g729",
    "speex", "speex16", "speex32", "ilbc", "g722", "siren7", "siren14", "g719", "opus", "jpeg",
    "png", "h261", "h263", "h263p", "h264", "h265", "mpeg4", "vp8", "vp9", "red", "t140", "t38",
    "silk8", "silk12", "silk16", "silk24",
];

/// Video formats: chan_sip offers them only with `videosupport=yes`; pjsip offers whatever is
/// allowed.
pub const VIDEO_FORMATS: &[&str] = &[
    "h261", "h263", "h263p", "h264", "h265", "mpeg4", "vp8", "vp9",
];

/// Real-time text formats: chan_sip offers them only with `textsupport=yes`.
pub const TEXT_FORMATS: &[&str] = &["red", "t140"];

/// chan_sip's built-in codec list when nothing is configured
/// (`sip_set_default_format_capabilities`): ulaw, alaw, gsm, h263.
pub const CHAN_SIP_DEFAULT_CODECS: &[&str] = &["ulaw", "alaw", "gsm", "h263"];

/// The codec preference list chan_sip builds from `allow`/`disallow` lines applied in order to
/// its default (`ast_format_cap_update_by_allow_disallow`): `all`, `!codec`, `codec:ms`; a
/// codec already present keeps its place and framing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CodecList {
    /// (format, framing in ms or 0), in preference order.
    pub codecs: Vec<(String, u32)>,
    /// An `allow=all` was applied: the list cannot be written out codec by codec.
    pub has_all: bool,
    /// Names chan_sip warned about and skipped ("Cannot allow unknown format").
    pub unknown: Vec<String>,
}

impl CodecList {
    /// chan_sip's starting point.
    pub fn chan_sip_default() -> CodecList {
        CodecList {
            codecs: CHAN_SIP_DEFAULT_CODECS
                .iter()
                .map(|c| (c.to_string(), 0))
                .collect(),
            ..CodecList::default()
        }
    }

    /// Apply one `allow` (`allowing`) or `disallow` line.
    pub fn apply(&mut self, list: &str, allowing: bool) {
        if !allowing && list.trim().is_empty() {
            return;
        }
        for item in list.split([',', '|']) {
            let mut item = item.trim();
            if item.is_empty() {
                continue;
            }
            let mut allow = allowing;
            if let Some(rest) = item.strip_prefix('!') {
                item = rest;
                allow = !allowing;
            }
            let (name, framing) = match item.rsplit_once(':') {
                Some((n, ms)) => match super::values::leading_int(ms) {
                    Some(v) if v >= 0 => (n, v as u32),
                    _ => continue,
                },
                None => (item, 0),
            };
            let name = name.to_ascii_lowercase();
            if name == "all" {
                if allow {
                    self.has_all = true;
                } else {
                    self.codecs.clear();
                    self.has_all = false;
                }
                continue;
            }
            if !KNOWN_FORMATS.contains(&name.as_str()) {
                if !self.unknown.contains(&name) {
                    self.unknown.push(name);
                }
                continue;
            }
            let present = self.codecs.iter().position(|(c, _)| *c == name);
            match (allow, present) {
                (true, None) => self.codecs.push((name, framing)),
                (false, Some(i)) => {
                    self.codecs.remove(i);
                }
                _ => {}
            }
        }
    }

    /// The list as one pjsip `allow=` value (`ulaw,alaw:20,…`).
    pub fn allow_value(&self, keep: impl Fn(&str) -> bool) -> String {
        self.codecs
            .iter()
            .filter(|(c, _)| keep(c))
            .map(|(c, ms)| {
                if *ms > 0 {
                    format!("{c}:{ms}")
                } else {
                    c.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inet_aton_accepts_what_glibc_accepts() {
        assert_eq!(inet_aton("000.000.000.000"), Some(Ipv4Addr::UNSPECIFIED));
        assert_eq!(inet_aton("1.1.1"), Some(Ipv4Addr::new(1, 1, 0, 1)));
        assert_eq!(inet_aton("010.0.0.1"), Some(Ipv4Addr::new(8, 0, 0, 1)));
        assert_eq!(inet_aton("0x7f.1"), Some(Ipv4Addr::new(127, 0, 0, 1)));
        assert_eq!(inet_aton("192.168.1.300"), None);
        assert_eq!(inet_aton("192.168.aaa.bbb"), None);
        assert_eq!(inet_aton("08.1.1.1"), None, "8 is not an octal digit");
        assert_eq!(inet_aton("1.2.3.4."), None);
    }

    #[test]
    fn hosts_are_classified() {
        assert_eq!(
            Host::parse("000.000.000.000"),
            Some(Host::Ip(IpAddr::V4(Ipv4Addr::UNSPECIFIED)))
        );
        assert_eq!(
            Host::parse("sip.Example.net"),
            Some(Host::Name("sip.example.net".into()))
        );
        assert_eq!(Host::parse("**YOUR PUBLIC IP ADDRESS**"), None);
        // A how-to's placeholder never resolves: no contact or identify is written from it
        // (the audit's PBX906 would refuse the `match`); a documentation name is kept.
        assert_eq!(Host::parse("192.168.aaa.bbb"), None);
        assert_eq!(
            Host::parse("sip.itsp.example"),
            Some(Host::Name("sip.itsp.example".into()))
        );
        assert_eq!(
            Host::parse("[2001:db8::1]"),
            Some(Host::Ip("2001:db8::1".parse().unwrap()))
        );
    }

    #[test]
    fn uri_users_are_escaped() {
        assert_eq!(uri_user("958"), "958");
        assert_eq!(uri_user("a b;c"), "a%20b%3Bc");
        assert_eq!(uri_user("ユ"), "%E3%83%A6");
        assert!(from_user_ok(&from_user("(同上)")));
        assert_eq!(from_user("(x y)"), "(x%20y)");
    }

    #[test]
    fn codec_lists_follow_chan_sip() {
        let mut c = CodecList::chan_sip_default();
        c.apply("h264", true);
        assert_eq!(c.allow_value(|_| true), "ulaw,alaw,gsm,h263,h264");
        c.apply("all", false);
        c.apply("g729", true);
        c.apply("alaw:20,ulaw", true);
        c.apply("!g729", true);
        c.apply("nonsense", true);
        assert_eq!(c.allow_value(|_| true), "alaw:20,ulaw");
        assert_eq!(c.unknown, vec!["nonsense".to_string()]);
        c.apply("alaw:30", true);
        assert_eq!(
            c.allow_value(|_| true),
            "alaw:20,ulaw",
            "present: kept as it was"
        );
    }

    #[test]
    fn leading_int_is_atoi() {
        assert_eq!(leading_int(" 60abc"), Some(60));
        assert_eq!(leading_int("-5"), Some(-5));
        assert_eq!(leading_int("yes"), None);
    }
}
