//! chan_sip's ACL lines read exactly as `main/acl.c` reads them (`ast_append_acl`,
//! `append_ha_core`), and the question the migration must answer before writing one: would
//! this ACL let anybody in at all?
//!
//! chan_sip deletes a peer whose `permit`/`deny`/`contactpermit`… line does not parse ("Bad ACL
//! entry in configuration line %d : %s. Deleting peer", `build_peer`); pjsip would refuse the
//! endpoint. Evaluation is the same in both drivers: the inline rules form one list, each named
//! ACL another; a list starts at *allow* and its last matching rule decides; every list must
//! allow (`ast_apply_acl`).

use super::values::numeric_ip;
use std::net::IpAddr;

/// One parsed `permit`/`deny` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub allow: bool,
    pub v4: bool,
    /// Address and mask as 128-bit numbers (IPv4 in the low 32 bits).
    pub net: u128,
    pub mask: u128,
}

impl Rule {
    fn matches(&self, v4: bool, addr: u128) -> bool {
        self.v4 == v4 && addr & self.mask == self.net
    }

    /// Whether the mask is a prefix mask (the usual kind; the only kind the check below can
    /// prove things about).
    fn is_prefix(&self) -> bool {
        let w = if self.v4 { 32 } else { 128 };
        let m = self.mask << (128 - w);
        m.leading_ones() + m.trailing_zeros() == 128 || m == 0
    }
}

/// An ordered rule list (one `ast_ha` chain).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct List {
    pub rules: Vec<Rule>,
}

impl List {
    /// `ast_apply_ha`: start at allow, the last matching rule decides.
    pub fn allows(&self, v4: bool, addr: u128) -> bool {
        self.rules
            .iter()
            .rev()
            .find(|r| r.matches(v4, addr))
            .is_none_or(|r| r.allow)
    }

    /// Append one `permit`/`deny` value the way `append_ha_core` does (with ports forbidden):
    /// comma-separated entries, not trimmed, `!` flips an entry, `addr[/mask]` with a CIDR
    /// length or a dotted mask of the same family. On the first bad entry: its text.
    pub fn append(&mut self, value: &str, permit: bool) -> Result<(), String> {
        for item in value.split(',') {
            let (address, mask) = match item.split_once('/') {
                Some((a, m)) => (a, Some(m)),
                None => (item, None),
            };
            let (allow, address) = match address.strip_prefix('!') {
                Some(rest) => (!permit, rest),
                None => (permit, address),
            };
            let ip = parse_address(address).ok_or_else(|| item.to_string())?;
            let (v4, net) = to_bits(ip);
            let width = if v4 { 32 } else { 128 };
            let full: u128 = if v4 { u32::MAX as u128 } else { u128::MAX };
            let mask_bits = match mask {
                None => full,
                Some(m) if m.contains(':') || m.contains('.') => {
                    let mip = parse_address(m).ok_or_else(|| item.to_string())?;
                    let (mv4, bits) = to_bits(mip);
                    if mv4 != v4 {
                        return Err(item.to_string());
                    }
                    bits
                }
                Some(m) => {
                    let len = super::values::leading_int(m).ok_or_else(|| item.to_string())?;
                    if !(0..=width as i64).contains(&len) {
                        return Err(item.to_string());
                    }
                    if len == 0 {
                        0
                    } else {
                        (full >> (width - len as u32)) << (width - len as u32) & full
                    }
                }
            };
            self.rules.push(Rule {
                allow,
                v4,
                net: net & mask_bits,
                mask: mask_bits,
            });
        }
        Ok(())
    }
}

/// ACL values already parsed, by text: the lines of a chan_sip template reach every peer
/// inheriting it, and parsing the same `deny=0.0.0.0/0.0.0.0` for each of 10,000 peers was a
/// tenth of a migration. Keyed by the value and whether it is a permit; the rules kept are what
/// [`List::append`] pushes (up to a bad entry) and its result.
#[derive(Debug, Default)]
pub struct Parsed<'a> {
    lines: crate::asterisk::fast_hash::FastMap<(&'a str, bool), ParsedValue>,
}

/// The rules one value appends and whether it parsed (the text of its first bad entry if not).
type ParsedValue = (Vec<Rule>, Result<(), String>);

impl<'a> Parsed<'a> {
    /// [`List::append`] of `value` to `list`, parsed once per distinct value.
    pub fn append(&mut self, list: &mut List, value: &'a str, permit: bool) -> Result<(), String> {
        let (rules, result) = self.lines.entry((value, permit)).or_insert_with(|| {
            let mut parsed = List::default();
            let result = parsed.append(value, permit);
            (parsed.rules, result)
        });
        list.rules.extend_from_slice(rules);
        result.clone()
    }

    /// Whether `value` parses (what `build_peer` checks before keeping a peer); the text of the
    /// first bad entry when it does not.
    pub fn check(&mut self, value: &'a str, permit: bool) -> Result<(), String> {
        self.append(&mut List::default(), value, permit)
    }
}

/// `ast_sockaddr_parse` with ports forbidden: a numeric address (IPv6 in brackets or not); an
/// IPv4-mapped IPv6 address counts as IPv4.
fn parse_address(text: &str) -> Option<IpAddr> {
    if text.is_empty() || text.bytes().any(|b| b.is_ascii_whitespace()) {
        return None;
    }
    // `1.2.3.4:5060` has a port: forbidden. A bare IPv6 address has colons but no port.
    if !text.starts_with('[') && text.matches(':').count() == 1 {
        return None;
    }
    if text.starts_with('[') && !text.ends_with(']') {
        return None;
    }
    match numeric_ip(text)? {
        IpAddr::V6(v6) => Some(v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4)),
        v4 => Some(v4),
    }
}

fn to_bits(ip: IpAddr) -> (bool, u128) {
    match ip {
        IpAddr::V4(v4) => (true, u32::from(v4) as u128),
        IpAddr::V6(v6) => (false, u128::from(v6)),
    }
}

/// What a whole ACL (the inline list plus named lists) does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Some address is let in.
    SomeoneAllowed,
    /// No address at all passes: every request is refused.
    RefusesEverybody,
    /// Cannot tell (a mask that is not a prefix, a named ACL with host names).
    Unknown,
}

/// Whether any address of the families the server listens on (`families`: IPv4, IPv6) passes
/// every list. Lists of prefix rules split the address space into nested blocks, so it is
/// enough to test, per family, both ends of the space and the addresses on either side of every
/// block's edges.
pub fn verdict(lists: &[&List], families: (bool, bool)) -> Verdict {
    if lists
        .iter()
        .flat_map(|l| l.rules.iter())
        .any(|r| !r.is_prefix())
    {
        return Verdict::Unknown;
    }
    for v4 in [true, false] {
        if (v4 && !families.0) || (!v4 && !families.1) {
            continue;
        }
        let last: u128 = if v4 { u32::MAX as u128 } else { u128::MAX };
        let mut candidates = vec![0u128, last];
        for r in lists
            .iter()
            .flat_map(|l| l.rules.iter())
            .filter(|r| r.v4 == v4)
        {
            candidates.push(r.net);
            let end = r.net | (!r.mask & last);
            if end < last {
                candidates.push(end + 1);
            }
            if r.net > 0 {
                candidates.push(r.net - 1);
            }
        }
        if candidates
            .iter()
            .any(|&a| lists.iter().all(|l| l.allows(v4, a)))
        {
            return Verdict::SomeoneAllowed;
        }
    }
    Verdict::RefusesEverybody
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(lines: &[(&str, bool)]) -> List {
        let mut l = List::default();
        for (v, p) in lines {
            l.append(v, *p).unwrap();
        }
        l
    }

    #[test]
    fn parsed_values_append_what_append_does() {
        let lines = [
            ("10.0.0.0/255.0.0.0", true),
            ("0.0.0.0/0.0.0.0", false),
            ("10.0.0.0/255.0.0.0", true),
            ("::1/128,!10.1.0.0/16", false),
            ("10.2.0.0/16,bad,10.3.0.0/16", true),
            ("10.2.0.0/16,bad,10.3.0.0/16", true),
        ];
        let mut direct = List::default();
        let mut cached = List::default();
        let mut parsed = Parsed::default();
        for (v, p) in lines {
            assert_eq!(parsed.append(&mut cached, v, p), direct.append(v, p), "{v}");
            assert_eq!(cached, direct, "{v}");
        }
    }

    #[test]
    fn entries_parse_like_append_ha_core() {
        let mut l = List::default();
        assert!(l.append("10.0.0.0/255.0.0.0", true).is_ok());
        assert!(l.append("10.0.0.0/8", false).is_ok());
        assert!(l.append("!192.168.1.1", false).is_ok());
        assert!(l.append("::1/128", true).is_ok());
        assert!(
            l.append("10.1.2.0/24 //office", true).is_ok(),
            "%d ignores the rest"
        );
        for bad in [
            "host.example",
            "1.2.3.4:5060",
            "1.2.3.4, 5.6.7.8",
            "10.0.0.0/33",
            "10.0.0.0/ffff::",
            "",
        ] {
            assert!(List::default().append(bad, true).is_err(), "{bad}");
            assert!(Parsed::default().check(bad, true).is_err(), "{bad}");
        }
        assert!(l.rules[2].allow, "`!` on a deny allows");
    }

    #[test]
    fn last_match_wins() {
        let l = list(&[
            ("0.0.0.0/0.0.0.0", false),
            ("192.168.0.0/255.255.255.0", true),
        ]);
        assert!(l.allows(
            true,
            u32::from(std::net::Ipv4Addr::new(192, 168, 0, 9)) as u128
        ));
        assert!(!l.allows(
            true,
            u32::from(std::net::Ipv4Addr::new(10, 0, 0, 1)) as u128
        ));
    }

    #[test]
    fn refusing_everybody_is_detected() {
        const BOTH: (bool, bool) = (true, true);
        let all_v4 = list(&[("0.0.0.0/0", false)]);
        assert_eq!(
            verdict(&[&all_v4], BOTH),
            Verdict::SomeoneAllowed,
            "IPv6 still passes"
        );
        assert_eq!(
            verdict(&[&all_v4], (true, false)),
            Verdict::RefusesEverybody,
            "a server listening on IPv4 only"
        );
        let both = list(&[("0.0.0.0/0", false), ("::/0", false)]);
        assert_eq!(verdict(&[&both], BOTH), Verdict::RefusesEverybody);
        let lan = list(&[("0.0.0.0/0", false), ("::/0", false), ("10.0.0.0/8", true)]);
        assert_eq!(verdict(&[&lan], BOTH), Verdict::SomeoneAllowed);
        // The global list sip_to_pjsip.py builds: permits first, the catch-all deny last.
        let merged = list(&[
            ("192.168.0.0/24", true),
            ("203.0.113.0/24", true),
            ("0.0.0.0/0.0.0.0", false),
            ("::/0", false),
        ]);
        assert_eq!(verdict(&[&merged], BOTH), Verdict::RefusesEverybody);
        // Two lists that each allow someone, but nobody in common.
        let a = list(&[("0.0.0.0/0", false), ("::/0", false), ("10.0.0.0/8", true)]);
        let b = list(&[
            ("0.0.0.0/0", false),
            ("::/0", false),
            ("192.168.0.0/16", true),
        ]);
        assert_eq!(verdict(&[&a, &b], BOTH), Verdict::RefusesEverybody);
        // A hole inside a permitted block still lets the rest in.
        let holed = list(&[
            ("0.0.0.0/0", false),
            ("::/0", false),
            ("10.0.0.0/8", true),
            ("10.0.0.0/9", false),
        ]);
        assert_eq!(verdict(&[&holed], BOTH), Verdict::SomeoneAllowed);
    }
}
