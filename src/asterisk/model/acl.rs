//! Access control lists as Asterisk's acl.c evaluates them, and acl.conf's named ACLs.
//!
//! Evaluation starts at *allow* and the **last** matching rule wins, so `permit=1.2.3.4` alone
//! permits everyone; an IPv4 rule never matches an IPv6 address and vice versa; a `!` before an
//! address flips that entry's sense (`deny=!10.0.0.0/8` allows 10/8).

use super::{Located, SectionRef};
use crate::asterisk::shared_text::Text;
use crate::asterisk::source::Pos;
use crate::asterisk::syntax::{ConfigFile, Section, Variable};
use ipnet::IpNet;
use serde::Serialize;
use std::net::IpAddr;

/// What an ACL entry names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum AclTarget {
    /// An address or network (`1.2.3.4`, `10.0.0.0/8`, `10.0.0.0/255.0.0.0`, `::1/128`).
    Net(IpNet),
    /// A host name: resolved once when Asterisk loads (pjsip `match`), or rejected (`permit`).
    Host(String),
}

/// One `permit`/`deny` (or `match`) entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AclRule {
    /// `permit` (true) or `deny` (false), as written.
    pub permit: bool,
    pub target: AclTarget,
    /// Written with a leading `!`: the entry's sense is flipped when evaluating.
    pub negated: bool,
    /// The option name as written (`permit`, `deny`, `contactpermit`, `contact_deny`, …).
    pub option: String,
    pub pos: Pos,
}

impl AclRule {
    /// Whether the entry allows (after applying `!`).
    pub fn effective_permit(&self) -> bool {
        self.permit != self.negated
    }

    /// Whether `addr` falls in this entry (host names never match: they are not resolved).
    pub fn matches(&self, addr: IpAddr) -> bool {
        match &self.target {
            AclTarget::Net(net) => net.contains(&addr),
            AclTarget::Host(_) => false,
        }
    }
}

/// An ordered list of permit/deny rules plus references to named ACLs (acl.conf or pjsip
/// `type=acl`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Acl {
    pub rules: Vec<AclRule>,
    /// `acl=name` references, in order (an address must pass each of them too).
    pub named: Vec<Located<Text>>,
}

impl Acl {
    /// Whether the inline rules allow `addr` (named ACLs are not consulted here).
    pub fn allows(&self, addr: IpAddr) -> bool {
        self.rules
            .iter()
            .rev()
            .find(|r| r.matches(addr))
            .is_none_or(AclRule::effective_permit)
    }

    /// No rules and no named ACLs.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty() && self.named.is_empty()
    }

    /// Read the options `permit_names`/`deny_names`/`acl_names` of `section` in file order.
    pub fn from_section(
        section: &Section,
        permit_names: &[&str],
        deny_names: &[&str],
        acl_names: &[&str],
    ) -> Acl {
        let mut acl = Acl::default();
        for v in &section.variables {
            let is = |names: &[&str]| names.iter().any(|n| v.name.eq_ignore_ascii_case(n));
            if is(permit_names) {
                acl.push_entries(v, true);
            } else if is(deny_names) {
                acl.push_entries(v, false);
            } else if is(acl_names) {
                acl.named.extend(super::values::list_items(v));
            }
        }
        acl
    }

    /// The chan_sip / acl.conf / manager.conf / pjsip `type=acl` signalling ACL.
    pub fn signalling(section: &Section) -> Acl {
        Acl::from_section(section, &["permit"], &["deny"], &["acl"])
    }

    /// The contact ACL (`contactpermit`/`contact_permit`, …).
    pub fn contact(section: &Section) -> Acl {
        Acl::from_section(
            section,
            &["contactpermit", "contact_permit"],
            &["contactdeny", "contact_deny"],
            &["contactacl", "contact_acl"],
        )
    }

    /// Append the comma-separated entries of one `permit`/`deny` line.
    pub fn push_entries(&mut self, v: &Variable, permit: bool) {
        for item in v.value.split(',') {
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            let (negated, addr) = match item.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, item),
            };
            self.rules.push(AclRule {
                permit,
                target: parse_target(addr),
                negated,
                option: v.name.to_string(),
                pos: v.value_pos,
            });
        }
    }
}

/// Parse `addr[/mask]` the way acl.c does: the mask is a prefix length or a dotted IPv4 mask;
/// no mask means a single host. Anything that is not an address is kept as a host name.
pub fn parse_target(text: &str) -> AclTarget {
    let (addr, mask) = match text.split_once('/') {
        Some((a, m)) => (a.trim(), Some(m.trim())),
        None => (text, None),
    };
    // `[::1]` is accepted for IPv6.
    let bare = addr
        .strip_prefix('[')
        .and_then(|a| a.strip_suffix(']'))
        .unwrap_or(addr);
    let Ok(ip) = bare.parse::<IpAddr>() else {
        return AclTarget::Host(text.to_string());
    };
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let prefix = match mask {
        None => Some(max),
        Some(m) => match m.parse::<u8>() {
            Ok(len) if len <= max => Some(len),
            Ok(_) => None,
            Err(_) => dotted_mask_len(m).filter(|_| ip.is_ipv4()),
        },
    };
    match prefix.and_then(|p| IpNet::new(ip, p).ok()) {
        Some(net) => AclTarget::Net(net.trunc()),
        None => AclTarget::Host(text.to_string()),
    }
}

/// `255.255.255.0` → 24; masks with holes are not prefix masks (Asterisk accepts them, but they
/// are vanishingly rare; such an entry is kept as text).
fn dotted_mask_len(mask: &str) -> Option<u8> {
    let m: std::net::Ipv4Addr = mask.parse().ok()?;
    let bits = u32::from(m);
    let len = bits.leading_ones();
    (bits.checked_shl(len).unwrap_or(0) == 0).then_some(len as u8)
}

/// A named ACL from acl.conf (`[name]` with permit/deny lines).
#[derive(Clone, Debug, Serialize)]
pub struct NamedAcl {
    pub name: String,
    pub pos: Pos,
    pub section: SectionRef,
    pub acl: Acl,
}

/// Every live section of acl.conf is a named ACL.
pub fn build_named(file_index: usize, file: &ConfigFile) -> Vec<NamedAcl> {
    file.sections
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.is_template)
        .map(|(i, s)| NamedAcl {
            name: s.name.clone(),
            pos: s.pos,
            section: SectionRef {
                file: file_index as u32,
                section: i as u32,
            },
            acl: Acl::signalling(s),
        })
        .collect()
}
