//! Access control lists as Asterisk's acl.c evaluates them, and acl.conf's named ACLs.
//!
//! Evaluation starts at *allow* and the **last** matching rule wins, so `permit=1.2.3.4` alone
//! permits everyone; an IPv4 rule never matches an IPv6 address and vice versa; a `!` before an
//! address flips that entry's sense (`deny=!10.0.0.0/8` allows 10/8).

use super::name_memo::{NameMemo, RunMemo};
use super::values::{HostShape, PortRule, host_shape, numeric_address};
use super::{Located, SectionRef};
use crate::asterisk::fast_hash::FastMap;
use crate::asterisk::shared_text::Text;
use crate::asterisk::source::Pos;
use crate::asterisk::syntax::{ConfigFile, Section, Table, Variable};
use ipnet::IpNet;
use serde::Serialize;
use std::net::IpAddr;
use std::sync::Arc;

/// What an ACL entry names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum AclTarget {
    /// An address or network (`1.2.3.4`, `10.0.0.0/8`, `10.0.0.0/255.0.0.0`, `::1/128`).
    Net(IpNet),
    /// A host name: resolved once when Asterisk loads (pjsip `match`); refused by the ACL
    /// parser (`permit`/`deny` take numbers only).
    Host(String),
    /// Neither: a placeholder (`x.x.x.x`, `PROVIDERIP`) or an entry the ACL parser refuses
    /// (`1.2.3.4 //office`, ` 5.6.7.8` after `, `, `/33`). Asterisk refuses the object.
    Invalid(String),
}

impl AclTarget {
    /// The network, when the entry is one.
    pub fn net(&self) -> Option<&IpNet> {
        match self {
            AclTarget::Net(n) => Some(n),
            AclTarget::Host(_) | AclTarget::Invalid(_) => None,
        }
    }
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
    pub option: Text,
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
            AclTarget::Host(_) | AclTarget::Invalid(_) => false,
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
        cache: &mut AclCache,
    ) -> Acl {
        let mut acl = Acl::default();
        for v in section.variables.iter() {
            let is = |names: &[&str]| names.iter().any(|n| v.name.eq_ignore_ascii_case(n));
            if is(permit_names) {
                acl.push_entries(v, true, cache);
            } else if is(deny_names) {
                acl.push_entries(v, false, cache);
            } else if is(acl_names) {
                acl.named.extend(super::values::list_items(v));
            }
        }
        acl
    }

    /// The chan_sip / acl.conf / manager.conf / pjsip `type=acl` signalling ACL.
    pub fn signalling(section: &Section, cache: &mut AclCache) -> Acl {
        SIGNALLING.read(section, cache)
    }

    /// The contact ACL (`contactpermit`/`contact_permit`, …).
    pub fn contact(section: &Section, cache: &mut AclCache) -> Acl {
        CONTACT.read(section, cache)
    }

    /// Append the comma-separated entries of one `permit`/`deny` line, exactly as
    /// `ast_append_ha` splits them: on `,`, **not trimmed** (`1.2.3.4, 5.6.7.8` has an
    /// invalid second entry), an empty value adds nothing.
    pub fn push_entries(&mut self, v: &Variable, permit: bool, cache: &mut AclCache) {
        if v.value.is_empty() {
            return;
        }
        self.push_parsed(v, permit, cache.entries(&v.value));
    }

    /// Append the entries of one `permit`/`deny` line, already parsed (see
    /// [`Acl::push_entries`]).
    fn push_parsed(&mut self, v: &Variable, permit: bool, entries: &[(bool, AclTarget)]) {
        for (negated, target) in entries {
            self.rules.push(AclRule {
                permit,
                target: target.clone(),
                negated: *negated,
                option: v.name.clone(),
                pos: v.value_pos(),
            });
        }
    }

    /// The first entry the ACL parser refuses (a name or an invalid entry): chan_sip and
    /// res_pjsip then refuse the whole peer/endpoint.
    pub fn first_refused(&self) -> Option<&AclRule> {
        self.rules
            .iter()
            .find(|r| !matches!(r.target, AclTarget::Net(_)))
    }
}

/// The option names of one kind of ACL.
struct AclOptions {
    permit: &'static [&'static str],
    deny: &'static [&'static str],
    acl: &'static [&'static str],
}

const SIGNALLING: AclOptions = AclOptions {
    permit: &["permit"],
    deny: &["deny"],
    acl: &["acl"],
};

const CONTACT: AclOptions = AclOptions {
    permit: &["contactpermit", "contact_permit"],
    deny: &["contactdeny", "contact_deny"],
    acl: &["contactacl", "contact_acl"],
};

impl AclOptions {
    fn read(&self, section: &Section, cache: &mut AclCache) -> Acl {
        Acl::from_section(section, self.permit, self.deny, self.acl, cache)
    }
}

/// The ACLs of one file's objects, shared by the objects that read them from the same lines:
/// a template's `deny`/`permit` on 20,000 peers is one [`Acl`], not 20,000 copies. An ACL is
/// made of its lines only (name, value, position), so the table slots of those lines identify
/// it. An ACL with a line of the section's own is that section's alone (see
/// [`AclLines::shared`]).
#[derive(Default)]
pub struct SharedAcls {
    entries: AclCache,
    signalling: FastMap<Box<[u32]>, Arc<Acl>>,
    contact: FastMap<Box<[u32]>, Arc<Acl>>,
    /// The slots and roles of the section at hand's signalling and contact ACL lines (kept to
    /// reuse).
    signalling_lines: AclLines,
    contact_lines: AclLines,
    /// Which ACL (if any) each option name is part of, worked out once per name: comparing
    /// every option name of every object with six ACL names was an eighth of a large audit.
    kinds: NameMemo<AclKind>,
    /// The ACL lines (slot, kind) of each run inherited from a template: the sections on a
    /// template sort its lines once, not once each.
    run_lines: RunMemo<RunAclLines>,
}

/// The ACL lines of a run: (slot, kind), in order.
type RunAclLines = Box<[(u32, AclKind)]>;

/// The ACL lines of one section: their table slots (what identifies the ACL) and roles.
#[derive(Default)]
struct AclLines {
    slots: Vec<u32>,
    roles: Vec<AclRole>,
    /// Whether each line is the section's own (not inherited).
    own_lines: Vec<bool>,
    /// The lines of the last shared ACL and the ACL: consecutive sections on one template
    /// read the same lines, found without hashing them.
    last: Option<(Vec<u32>, Arc<Acl>)>,
}

impl AclLines {
    fn clear(&mut self) {
        self.slots.clear();
        self.roles.clear();
        self.own_lines.clear();
    }

    fn push(&mut self, slot: u32, role: AclRole, own: bool) {
        self.slots.push(slot);
        self.roles.push(role);
        self.own_lines.push(own);
    }

    /// The ACL of these lines: shared with the sections that read the same lines when they
    /// are all inherited; a section's own line is another section's only through inheriting
    /// the whole section, which is rare, so an ACL with one is built for the section alone
    /// (a map of 10,000 endpoints' own `permit=` lines would be looked up once each).
    fn shared(
        &mut self,
        by_slots: &mut FastMap<Box<[u32]>, Arc<Acl>>,
        table: &Table,
        cache: &mut AclCache,
    ) -> Arc<Acl> {
        if self.own_lines.contains(&true) {
            return Arc::new(self.read(table, cache));
        }
        if let Some((slots, acl)) = &self.last {
            if *slots == self.slots {
                return Arc::clone(acl);
            }
        }
        let acl = match by_slots.get(self.slots.as_slice()) {
            Some(acl) => Arc::clone(acl),
            None => {
                let acl = Arc::new(self.read(table, cache));
                by_slots.insert(self.slots.as_slice().into(), Arc::clone(&acl));
                acl
            }
        };
        let (slots, last) = self
            .last
            .get_or_insert_with(|| (Vec::new(), Arc::clone(&acl)));
        slots.clone_from(&self.slots);
        *last = Arc::clone(&acl);
        acl
    }

    /// The ACL these lines of `table` make, in order (what [`Acl::from_section`] reads).
    fn read(&self, table: &Table, cache: &mut AclCache) -> Acl {
        // A line is usually one entry: room for them all at once (not grown from 0, 4, 8).
        let mut acl = Acl {
            rules: Vec::with_capacity(self.slots.len()),
            named: Vec::new(),
        };
        for ((&slot, &role), &own) in self.slots.iter().zip(&self.roles).zip(&self.own_lines) {
            let v = &table[slot as usize];
            let permit = match role {
                AclRole::Permit => true,
                AclRole::Deny => false,
                AclRole::Named => {
                    acl.named.extend(super::values::list_items(v));
                    continue;
                }
            };
            if v.value.is_empty() {
                continue;
            }
            // A template's line (the same slot in every section on it) is found by its slot,
            // without hashing its value (what [`Acl::push_entries`] does).
            let entries = if own {
                cache.entries(&v.value)
            } else {
                cache.entries_of_slot(slot, &v.value)
            };
            acl.push_parsed(v, permit, entries);
        }
        acl
    }
}

/// The ACL a line belongs to, and what it says there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AclKind {
    Signalling(AclRole),
    Contact(AclRole),
    Neither,
}

/// A `permit`, a `deny` or an `acl` (named ACLs) line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AclRole {
    Permit,
    Deny,
    Named,
}

impl AclOptions {
    /// The role of option `name` in this kind of ACL, if it has one.
    fn role(&self, name: &str) -> Option<AclRole> {
        let is = |names: &[&str]| names.iter().any(|n| name.eq_ignore_ascii_case(n));
        if is(self.permit) {
            Some(AclRole::Permit)
        } else if is(self.deny) {
            Some(AclRole::Deny)
        } else if is(self.acl) {
            Some(AclRole::Named)
        } else {
            None
        }
    }
}

impl SharedAcls {
    /// The signalling and the contact ACL of `section` (see [`Acl::signalling`] and
    /// [`Acl::contact`]), its lines sorted into the two in one pass.
    pub fn of(&mut self, section: &Section) -> (Arc<Acl>, Arc<Acl>) {
        let Self {
            signalling_lines,
            contact_lines,
            kinds,
            run_lines,
            ..
        } = self;
        signalling_lines.clear();
        contact_lines.clear();
        let mut push = |slot, kind, own| match kind {
            AclKind::Signalling(role) => signalling_lines.push(slot, role, own),
            AclKind::Contact(role) => contact_lines.push(slot, role, own),
            AclKind::Neither => {}
        };
        for run in section.variables.runs() {
            if run.inherited_from.is_none() {
                for e in run.entries() {
                    push(e.slot, kind_of(kinds, &e.variable.name), true);
                }
                continue;
            }
            let lines = run_lines.get_or_insert_with(&run, || {
                run.entries()
                    .map(|e| (e.slot, kind_of(kinds, &e.variable.name)))
                    .filter(|(_, kind)| *kind != AclKind::Neither)
                    .collect()
            });
            for &(slot, kind) in lines.iter() {
                push(slot, kind, false);
            }
        }
        let table = section.variables.table();
        let signalling =
            self.signalling_lines
                .shared(&mut self.signalling, table, &mut self.entries);
        let contact = self
            .contact_lines
            .shared(&mut self.contact, table, &mut self.entries);
        (signalling, contact)
    }
}

/// The ACL option `name` is part of (see [`SharedAcls::kinds`]).
fn kind_of(kinds: &mut NameMemo<AclKind>, name: &Text) -> AclKind {
    kinds.get_or_insert_with(name, || {
        if let Some(role) = SIGNALLING.role(name) {
            AclKind::Signalling(role)
        } else if let Some(role) = CONTACT.role(name) {
            AclKind::Contact(role)
        } else {
            AclKind::Neither
        }
    })
}

/// Serialise a shared ACL as the ACL itself (what a model dump shows).
pub fn serialize_shared<S: serde::Serializer>(acl: &Arc<Acl>, s: S) -> Result<S::Ok, S::Error> {
    acl.as_ref().serialize(s)
}

/// Permit/deny values already split and parsed, by value: the same `deny=0.0.0.0/0.0.0.0` on
/// a thousand peers (inherited from a template or written out in each) is parsed once.
#[derive(Debug, Default)]
pub struct AclCache {
    parsed: FastMap<Text, Box<[(bool, AclTarget)]>>,
    /// The entries of lines inherited from templates, by table slot (the cache of a
    /// [`SharedAcls`], whose slots are one file's).
    by_slot: FastMap<u32, Box<[(bool, AclTarget)]>>,
}

impl AclCache {
    /// The (negated, target) entries of a permit/deny value (see [`Acl::push_entries`]).
    fn entries(&mut self, value: &Text) -> &[(bool, AclTarget)] {
        parsed_entries(&mut self.parsed, value)
    }

    /// [`AclCache::entries`] of the line at table slot `slot`, whose value is `value`.
    fn entries_of_slot(&mut self, slot: u32, value: &Text) -> &[(bool, AclTarget)] {
        let Self { parsed, by_slot } = self;
        by_slot
            .entry(slot)
            .or_insert_with(|| parsed_entries(parsed, value).into())
    }
}

/// The entries of a permit/deny value, parsed once per value.
fn parsed_entries<'c>(
    parsed: &'c mut FastMap<Text, Box<[(bool, AclTarget)]>>,
    value: &Text,
) -> &'c [(bool, AclTarget)] {
    parsed
        .entry(value.clone())
        .or_insert_with(|| value.split(',').map(parse_permit_item).collect())
}

/// One item of a permit/deny value: a network, or what the ACL parser refuses.
fn parse_permit_item(item: &str) -> (bool, AclTarget) {
    match parse_acl_entry(item, PortRule::Forbid) {
        Ok((negated, net)) => (negated, AclTarget::Net(net)),
        Err(_) => {
            let (negated, rest) = match item.strip_prefix('!') {
                Some(rest) => (true, rest),
                None => (false, item),
            };
            let text = rest.to_string();
            let target = match host_shape(rest.trim()) {
                HostShape::Name if !rest.contains('/') => AclTarget::Host(text),
                _ => AclTarget::Invalid(text),
            };
            (negated, target)
        }
    }
}

/// One ACL entry as main/acl.c `append_ha_core` reads it: the address is the text before the
/// first `/` (a leading `!` flips the entry), parsed numerically and **untrimmed**
/// (`ast_sockaddr_parse`); the mask after it is a dotted/colon mask (numeric, same family) or a
/// prefix read with `sscanf("%d")` — trailing text after the number is accepted (`24 //lan`).
/// An IPv4-mapped IPv6 address is an IPv4 entry. Returns (negated, network) or Asterisk's
/// message. (Masks with holes are accepted by Asterisk; they are approximated by their leading
/// ones here.)
pub fn parse_acl_entry(item: &str, port: PortRule) -> Result<(bool, IpNet), String> {
    let (address, mask) = match item.split_once('/') {
        Some((a, m)) => (a, Some(m)),
        None => (item, None),
    };
    let (negated, address) = match address.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, address),
    };
    let Some((ip, _)) = numeric_address(address, port) else {
        return Err(format!("Invalid IP address: {address}"));
    };
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    let max: u8 = if ip.is_ipv4() { 32 } else { 128 };
    let prefix = match mask {
        None => max,
        Some(m) if m.contains(':') || m.contains('.') => {
            let Some((mask_ip, _)) = numeric_address(m, PortRule::Forbid) else {
                return Err(format!("Invalid netmask: {m}"));
            };
            let mask_ip = match mask_ip {
                IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(mask_ip, IpAddr::V4),
                v4 => v4,
            };
            if mask_ip.is_ipv4() != ip.is_ipv4() {
                return Err("Address and mask are not using same address scheme.".to_string());
            }
            match mask_ip {
                IpAddr::V4(m) => u32::from(m).leading_ones() as u8,
                IpAddr::V6(m) => u128::from(m).leading_ones() as u8,
            }
        }
        Some(m) => match scan_prefix(m) {
            Some(n) if (0..=i64::from(max)).contains(&n) => n as u8,
            _ => return Err(format!("Invalid CIDR netmask: {m}")),
        },
    };
    IpNet::new(ip, prefix)
        .map(|n| (negated, n.trunc()))
        .map_err(|_| format!("Invalid CIDR netmask: {}", mask.unwrap_or("")))
}

/// `sscanf("%30d")`: optional blanks and sign, then digits; the rest is ignored.
fn scan_prefix(s: &str) -> Option<i64> {
    let t = s.trim_start();
    let (sign, rest) = match t.strip_prefix('-') {
        Some(r) => (-1, r),
        None => (1, t.strip_prefix('+').unwrap_or(t)),
    };
    let n = rest.bytes().take_while(u8::is_ascii_digit).count().min(30);
    rest[..n].parse::<i64>().ok().map(|v| sign * v)
}

/// One pjsip identify `match` item (already trimmed, as `ip_identify_match_handler` trims
/// them): an item with a `/` or that parses as an address goes to the ACL parser (a port is
/// allowed); anything else is a host name resolved when the identify loads — or a placeholder
/// that never resolves.
pub fn parse_match(item: &str) -> AclTarget {
    if item.contains('/') || numeric_address(item, PortRule::Optional).is_some() {
        return match parse_acl_entry(item, PortRule::Optional) {
            Ok((_, net)) => AclTarget::Net(net),
            Err(_) => AclTarget::Invalid(item.to_string()),
        };
    }
    match host_shape(item) {
        HostShape::Name => AclTarget::Host(item.to_string()),
        _ => AclTarget::Invalid(item.to_string()),
    }
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
    let mut cache = AclCache::default();
    file.sections
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.is_template)
        .map(|(i, s)| NamedAcl {
            name: s.name.to_string(),
            pos: s.pos,
            section: SectionRef {
                file: file_index as u32,
                section: i as u32,
            },
            acl: Acl::signalling(s, &mut cache),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shared ACLs (a template's lines sorted once per run, remembered across sections)
    /// are the ACLs read from each section on its own, also when a base's run grows.
    #[test]
    fn shared_acls_are_the_acls_read_alone() {
        let text = b"[t](!)\ndeny=0.0.0.0/0.0.0.0\nnat=no\ncontact_deny=::/0\nacl=office\n\
            [u](!)\npermit=10.0.0.0/8,1.2.3.4\ncontactpermit=192.168.0.0/16\n\
            [a](t)\npermit=10.0.0.0/8\ncontact_permit=10.0.0.0/8\n[b](t)\n[p]\ndeny=10.0.0.0/8\n\
            [q](p)\n[p](+)\npermit=172.16.0.0/12\n[c](t,u)\ndeny=x.x.x.x\n\
            [d](u,t)\n[r](p)\n[f](t)\ncontact_acl=lan\n[g](u)\n[s](p)\n"
            .to_vec();
        let config = crate::asterisk::load_texts("mem", vec![("sip.conf".to_string(), text)]);
        let file = &config.files[0];
        let mut shared = SharedAcls::default();
        for _ in 0..2 {
            for s in file.live_sections() {
                let (signalling, contact) = shared.of(s);
                let mut cache = AclCache::default();
                assert_eq!(*signalling, Acl::signalling(s, &mut cache), "[{}]", s.name);
                assert_eq!(*contact, Acl::contact(s, &mut cache), "[{}]", s.name);
            }
        }
        // `[p](+)` made p's run longer between q and r: one start, two ends.
        let mut rules = |name| shared.of(file.section(name).unwrap()).0.rules.len();
        assert_eq!(
            (rules("q"), rules("r"), rules("q"), rules("s")),
            (1, 2, 1, 2)
        );
    }
}
