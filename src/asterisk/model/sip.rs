//! chan_sip's sip.conf (Asterisk ≤ 20): `[general]` with chan_sip's defaults, peers, users,
//! friends and `register =>` lines.
//!
//! chan_sip browses the live sections (templates are invisible to it), skips `general` and
//! `authentication`, and builds a peer/user from every section with a `type` (inherited or own);
//! a section without `type` is skipped with a warning. Scalars: the last line wins; `permit`/
//! `deny` accumulate in order. Peers take `context`, `insecure`, `trustrpid`, `nat` … from
//! `[general]` when they do not set them.

use super::acl::{Acl, SharedAcls};
use super::name_memo::NameMemo;
use super::option_values::{self, Driver, Effect, RefusedValue, Scope};
use super::values::{ast_false, ast_true, bool_option, opt_string, string_option};
use super::{Located, SectionRef};
use crate::asterisk::fast_hash::FastMap;
use crate::asterisk::secret::Secret;
use crate::asterisk::shared_text::Text;
use crate::asterisk::source::Pos;
use crate::asterisk::syntax::{ConfigFile, Section, Table, Variable};
use serde::Serialize;
use std::mem::MaybeUninit;
use std::sync::Arc;

/// The interpreted sip.conf.
#[derive(Clone, Debug, Serialize)]
pub struct SipConf {
    /// The file in `config.files`.
    pub file: u32,
    pub general: SipGeneral,
    /// Peers, users and friends, in file order (templates excluded: chan_sip never sees them).
    pub peers: Vec<SipPeer>,
    /// Live sections chan_sip skips: no `type`, an unknown one ("Unknown type"), or a peer
    /// `build_peer` refuses (a bad ACL entry: "Deleting peer").
    pub ignored_sections: Vec<IgnoredSection>,
    /// Values chan_sip refuses or reads otherwise than written (see
    /// [`option_values`](super::option_values)), `[general]` and peers, in file order.
    pub refused_values: Vec<RefusedValue>,
    #[serde(skip)]
    index: super::NameIndex,
}

impl SipConf {
    /// A peer by name (case-sensitive, as chan_sip finds peers by name).
    pub fn peer(&self, name: &str) -> Option<&SipPeer> {
        self.index.get(name).map(|i| &self.peers[i])
    }

    /// A `[general]` value chan_sip cannot parse that makes it refuse to load
    /// (`contactpermit`/`contactdeny`: "Failing to load chan_sip.so").
    pub fn load_failure(&self) -> Option<&RefusedValue> {
        self.refused_values
            .iter()
            .find(|r| r.effect == Effect::ModuleNotLoaded)
    }
}

/// `[general]`, with chan_sip's defaults where a value is not set.
#[derive(Clone, Debug, Serialize)]
pub struct SipGeneral {
    /// The `[general]` header, when present.
    pub pos: Option<Pos>,
    pub section: Option<SectionRef>,
    /// Unauthenticated calls accepted into `context` (default **yes**).
    pub allowguest: Located<bool>,
    /// Reject with the same response whether or not the user exists (default yes since 1.8).
    pub alwaysauthreject: Located<bool>,
    /// Create peers for any registering device (`yes`/`persist` are true; default no).
    pub autocreatepeer: Located<bool>,
    /// Where guests and peers without `context` land (default `default`).
    pub context: Located<Text>,
    /// Default `insecure` for peers (unset by default).
    pub insecure: Option<Located<Text>>,
    /// Default `trustrpid` for peers (default no): guests' Remote-Party-ID/P-Asserted-Identity
    /// becomes their caller ID.
    pub trustrpid: Located<bool>,
    /// Default `sendrpid` for peers (`pai`, `rpid` or yes; default no): the caller ID is sent on
    /// as an asserted identity.
    pub sendrpid: Located<bool>,
    /// The bind options as chan_sip uses them: a value it refuses ("Invalid address") is left
    /// out (it keeps its default, every interface).
    pub bindaddr: Option<Located<Text>>,
    pub udpbindaddr: Option<Located<Text>>,
    pub bindport: Option<Located<Text>>,
    pub tcpenable: Located<bool>,
    pub tcpbindaddr: Option<Located<Text>>,
    pub tlsenable: Located<bool>,
    pub tlsbindaddr: Option<Located<Text>>,
    pub tlsclientmethod: Option<Located<Text>>,
    /// Default no.
    pub tlsdontverifyserver: Located<bool>,
    /// CA file and directory verifying TLS servers (`tlscafile`, `tlscapath`/`tlscadir`); with
    /// neither, chan_sip trusts no certificate (main/tcptls.c loads no default store).
    pub tlscafile: Option<Located<Text>>,
    pub tlscapath: Option<Located<Text>>,
    /// `externaddr`/`externip` (the last one chan_sip accepts: numeric only).
    pub externip: Option<Located<Text>>,
    /// `externhost`: a name, resolved at load and every `externrefresh` seconds.
    pub externhost: Option<Located<Text>>,
    pub localnet: Vec<Located<Text>>,
    pub transport: Option<Located<Text>>,
    /// `register =>` lines.
    pub registrations: Vec<SipRegistration>,
    /// Whether some bind address is IPv6 (`[::]`, `::`, an IPv6 literal).
    pub binds_ipv6: bool,
}

/// chan_sip's `type=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SipPeerKind {
    /// Matched by source address (host) for inbound calls; callable.
    Peer,
    /// Matched by the From user for inbound calls.
    User,
    /// Both.
    Friend,
}

/// A peer, user or friend.
///
/// A provider's sip.conf has tens of thousands of peers on one template, so a peer is kept
/// small: the options most rules read are lifted; the options few rules read are slots of the
/// file's table of variables (see [`PeerOptions`]), read through methods; ACLs written the
/// same way (usually a template's lines) are one shared [`Acl`].
#[derive(Clone, Debug)]
pub struct SipPeer {
    pub name: Text,
    /// The section header.
    pub pos: Pos,
    pub section: SectionRef,
    pub kind: Located<SipPeerKind>,
    /// The bases the section inherits from (templates), as written (one list shared by the
    /// peers that name the same bases).
    pub bases: Arc<[Text]>,
    /// `host=dynamic|<ip>|<name>`.
    pub host: Option<Located<Text>>,
    pub secret: Option<Located<Secret>>,
    /// The peer's `context`, else `[general]`'s, else `default`.
    pub context: Located<Text>,
    /// permit/deny/acl in order.
    pub acl: Arc<Acl>,
    /// contactpermit/contactdeny/contactacl in order.
    pub contact_acl: Arc<Acl>,
    pub trustrpid: Located<bool>,
    pub transport: Option<Located<Text>>,
    options: PeerOptions,
}

/// The options of a peer that few rules read: the slot in the file's table of the line that
/// sets each (the peer's own or inherited, or `[general]`'s default for `insecure` and
/// `sendrpid`), [`NO_SLOT`] when none does.
#[derive(Clone)]
struct PeerOptions {
    table: Arc<Table>,
    md5secret: u32,
    remotesecret: u32,
    insecure: u32,
    sendrpid: u32,
    defaultuser: u32,
    username: u32,
    fromuser: u32,
    fromdomain: u32,
    nat: u32,
    port: u32,
    qualify: u32,
    callerid: u32,
}

/// No line sets the option.
const NO_SLOT: u32 = u32::MAX;

impl std::fmt::Debug for PeerOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The table is the whole file's: not printed per peer.
        f.debug_struct("PeerOptions").finish_non_exhaustive()
    }
}

impl PeerOptions {
    fn line(&self, slot: u32) -> Option<&Variable> {
        (slot != NO_SLOT).then(|| &self.table[slot as usize])
    }

    fn text(&self, slot: u32) -> Option<Located<&Text>> {
        self.line(slot).map(|v| Located::at(&v.value, v.pos))
    }

    fn secret(&self, slot: u32) -> Option<Located<Secret>> {
        self.line(slot)
            .map(|v| Located::at(Secret::new(v.value.clone()), v.pos))
    }
}

/// What chan_sip makes of `insecure` (`set_insecure_flags`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct InsecureMode {
    /// `port`: matched by address whatever the source port.
    pub port: bool,
    /// `invite`: never challenged.
    pub invite: bool,
}

/// chan_sip's `set_insecure_flags`: empty or a false word sets nothing; otherwise the value is
/// split on `,` (not trimmed) and each word must be exactly `port` or `invite`
/// (case-insensitive). Any other word — `very`, `yes` (removed in 1.6), ` invite` after a
/// blank — is warned about and sets nothing.
pub fn parse_insecure(value: &str) -> InsecureMode {
    let mut mode = InsecureMode::default();
    if value.is_empty() || ast_false(value) {
        return mode;
    }
    for word in value.split(',') {
        if word.eq_ignore_ascii_case("port") {
            mode.port = true;
        } else if word.eq_ignore_ascii_case("invite") {
            mode.invite = true;
        }
    }
    mode
}

impl SipPeer {
    pub fn md5secret(&self) -> Option<Located<Secret>> {
        self.options.secret(self.options.md5secret)
    }

    pub fn remotesecret(&self) -> Option<Located<Secret>> {
        self.options.secret(self.options.remotesecret)
    }

    /// The peer's `insecure`, else `[general]`'s (as written; [`SipPeer::insecure_mode`] is
    /// what chan_sip makes of it).
    pub fn insecure(&self) -> Option<Located<&Text>> {
        self.options.text(self.options.insecure)
    }

    /// The peer's `sendrpid`, else `[general]`'s.
    pub fn sendrpid(&self) -> Located<bool> {
        match self.options.line(self.options.sendrpid) {
            Some(v) => Located::at(sendrpid_on(&v.value), v.pos),
            None => Located::default_value(false),
        }
    }
}

/// Accessors of the options read as written: the line's value and where it is.
macro_rules! text_options {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {
        impl SipPeer {
            $(
                $(#[$doc])*
                pub fn $name(&self) -> Option<Located<&Text>> {
                    self.options.text(self.options.$name)
                }
            )*
        }
    };
}

text_options! {
    defaultuser,
    /// `username` (old name of `defaultuser`).
    username,
    fromuser,
    fromdomain,
    nat,
    port,
    qualify,
    callerid,
}

impl SipPeer {
    /// What chan_sip makes of the effective `insecure` value.
    pub fn insecure_mode(&self) -> InsecureMode {
        self.options
            .line(self.options.insecure)
            .map(|i| parse_insecure(&i.value))
            .unwrap_or_default()
    }

    /// `insecure` sets `invite` as chan_sip parses it: INVITEs are never challenged.
    pub fn insecure_invite(&self) -> bool {
        self.insecure_mode().invite
    }

    /// `type=peer` (not user/friend) with a fixed `host`: chan_sip matches it by source address
    /// only (`sip_find_peer` by name skips peers for INVITEs) and refuses its REGISTERs
    /// ("not configured as host=dynamic"), so its secret cannot be used from elsewhere.
    pub fn is_matched_by_address_only(&self) -> bool {
        self.kind.value == SipPeerKind::Peer
            && self
                .host
                .as_ref()
                .is_some_and(|h| !h.value.is_empty() && !h.value.eq_ignore_ascii_case("dynamic"))
    }

    /// `host=dynamic`: the device registers from anywhere.
    pub fn is_dynamic(&self) -> bool {
        self.host
            .as_ref()
            .is_some_and(|h| h.value.eq_ignore_ascii_case("dynamic"))
    }

    /// Has a secret or md5secret that is not empty.
    pub fn has_secret(&self) -> bool {
        self.secret.as_ref().is_some_and(|s| !s.value.is_empty())
            || self
                .options
                .line(self.options.md5secret)
                .is_some_and(|s| !s.value.is_empty())
    }
}

/// The dump (`--dump-model json`) shows every option, lifted or not, as the peer's fields.
impl Serialize for SipPeer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("SipPeer", 24)?;
        st.serialize_field("name", &self.name)?;
        st.serialize_field("pos", &self.pos)?;
        st.serialize_field("section", &self.section)?;
        st.serialize_field("kind", &self.kind)?;
        st.serialize_field("bases", &*self.bases)?;
        st.serialize_field("host", &self.host)?;
        st.serialize_field("secret", &self.secret)?;
        st.serialize_field("md5secret", &self.md5secret())?;
        st.serialize_field("remotesecret", &self.remotesecret())?;
        st.serialize_field("context", &self.context)?;
        st.serialize_field("insecure", &self.insecure())?;
        st.serialize_field("acl", &*self.acl)?;
        st.serialize_field("contact_acl", &*self.contact_acl)?;
        st.serialize_field("trustrpid", &self.trustrpid)?;
        st.serialize_field("sendrpid", &self.sendrpid())?;
        st.serialize_field("defaultuser", &self.defaultuser())?;
        st.serialize_field("username", &self.username())?;
        st.serialize_field("fromuser", &self.fromuser())?;
        st.serialize_field("fromdomain", &self.fromdomain())?;
        st.serialize_field("transport", &self.transport)?;
        st.serialize_field("nat", &self.nat())?;
        st.serialize_field("port", &self.port())?;
        st.serialize_field("qualify", &self.qualify())?;
        st.serialize_field("callerid", &self.callerid())?;
        st.end()
    }
}

/// A live section chan_sip does not turn into a peer.
#[derive(Clone, Debug, Serialize)]
pub struct IgnoredSection {
    pub name: String,
    pub pos: Pos,
    pub section: SectionRef,
    pub cause: SkipCause,
    /// Why, in words ("no type", "unknown type 'x'", "bad ACL entry …").
    pub reason: String,
}

/// Why chan_sip skips a section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipCause {
    /// No `type` line: "Section '%s' lacks type".
    NoType,
    /// A `type` other than peer/user/friend: "Unknown type '%s' for '%s' in sip.conf".
    UnknownType,
    /// `build_peer` refused a value (a bad ACL entry, an unresolvable `defaultip`): the peer
    /// is deleted (its line is in `refused_values`).
    ValueRefused,
}

/// `register => [peer?][transport://]user[@domain][:secret[:authuser]]@host[:port][/extension][~expiry]`.
#[derive(Clone, Debug, Serialize)]
pub struct SipRegistration {
    pub transport: Option<String>,
    pub user: String,
    pub domain: Option<String>,
    pub secret: Option<Secret>,
    pub authuser: Option<String>,
    pub host: String,
    pub port: Option<String>,
    /// The extension incoming calls are delivered to (default `s`).
    pub extension: Option<String>,
    pub pos: Pos,
}

/// Interpret sip.conf.
pub fn build(file_index: usize, file: &ConfigFile) -> SipConf {
    let sref = |i: usize| SectionRef {
        file: file_index as u32,
        section: i as u32,
    };
    let general_idx = file
        .sections
        .iter()
        .position(|s| !s.is_template && s.name.eq_ignore_ascii_case("general"));
    let general = match general_idx {
        Some(i) => build_general(&file.sections[i], Some(sref(i))),
        None => build_general(&Section::empty(), None),
    };
    let mut refused_values = Vec::new();
    if let Some(i) = general_idx {
        option_values::SectionChecker::new(Driver::ChanSip).check(
            Scope::SipGeneral,
            &file.sections[i],
            None,
            &mut refused_values,
        );
    }
    let general_slot = |name: &str| {
        general_idx
            .and_then(|i| file.sections[i].variables.last_slot(name))
            .unwrap_or(NO_SLOT)
    };
    let (general_insecure, general_sendrpid) = (general_slot("insecure"), general_slot("sendrpid"));
    // Given [general], peers are independent: a large file's sections are interpreted in two
    // halves on two threads (a provider's 20,000 peers), the halves joined in file order.
    const PER_THREAD: usize = 4096;
    let halves = if file.sections.len() >= 2 * PER_THREAD {
        2
    } else {
        1
    };
    let size = file.sections.len().div_ceil(halves);
    let build_range =
        |range: std::ops::Range<usize>, out: &mut [MaybeUninit<SipPeer>], part: &mut PeerPart| {
            let shared = (general_insecure, general_sendrpid);
            build_peers(file_index, file, range, &general, shared, out, part)
        };
    // Sized once (a section is at most one peer): a doubling Vec of large peers leaves up to
    // half of it unused, and copies it. Both halves are written in place, into the two parts
    // of its room (no second Vec alive beside it); the second is then moved down to follow
    // the first.
    let mut peers: Vec<SipPeer> = Vec::with_capacity(file.sections.len());
    let mut all = PeerPart {
        ignored_sections: Vec::new(),
        refused_values,
    };
    if halves == 1 {
        let written = build_range(0..file.sections.len(), peers.spare_capacity_mut(), &mut all);
        // SAFETY: `build_peers` initialised the first `written` elements of the spare room.
        unsafe { peers.set_len(written) };
    } else {
        let (first, second) = peers.spare_capacity_mut().split_at_mut(size);
        let (written_first, (written_second, second_part)) = std::thread::scope(|scope| {
            let second = scope.spawn(|| {
                let mut part = PeerPart {
                    ignored_sections: Vec::new(),
                    refused_values: Vec::new(),
                };
                let written = build_range(size..file.sections.len(), second, &mut part);
                (written, part)
            });
            let written = build_range(0..size, first, &mut all);
            let second = second
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (written, second)
        });
        // SAFETY: the first half initialised elements `0..written_first` (at most `size`),
        // the second `size..size + written_second` (within the capacity). Moving the second
        // run down to `written_first` (`ptr::copy` allows overlap) makes
        // `0..written_first + written_second` initialised, in file order; the old places of
        // the moved elements are past the new length, never read or dropped again.
        unsafe {
            let base = peers.as_mut_ptr();
            std::ptr::copy(base.add(size), base.add(written_first), written_second);
            peers.set_len(written_first + written_second);
        }
        all.ignored_sections.extend(second_part.ignored_sections);
        all.refused_values.extend(second_part.refused_values);
    }
    let PeerPart {
        ignored_sections,
        refused_values,
    } = all;
    let index = super::NameIndex::build(peers.iter().map(|p| p.name.clone()));
    SipConf {
        file: file_index as u32,
        general,
        peers,
        ignored_sections,
        refused_values,
        index,
    }
}

/// The sections skipped and the values refused, of some of a file's sections.
struct PeerPart {
    ignored_sections: Vec<IgnoredSection>,
    refused_values: Vec<RefusedValue>,
}

/// Write the peers of `file`'s sections in `range` to the start of `out` (room for one per
/// section), the sections skipped and values refused to `part`; returns how many peers were
/// written (`general_lines`: `[general]`'s `insecure` and `sendrpid` slots).
fn build_peers(
    file_index: usize,
    file: &ConfigFile,
    range: std::ops::Range<usize>,
    general: &SipGeneral,
    (general_insecure, general_sendrpid): (u32, u32),
    out: &mut [MaybeUninit<SipPeer>],
    part: &mut PeerPart,
) -> usize {
    let mut written = 0;
    let sref = |i: usize| SectionRef {
        file: file_index as u32,
        section: i as u32,
    };
    let mut checker = option_values::SectionChecker::new(Driver::ChanSip);
    let mut shared = SharedPeerParts {
        acls: SharedAcls::default(),
        fields: NameMemo::default(),
        bases: FastMap::default(),
        general_insecure,
        general_sendrpid,
    };
    let refused_values = &mut part.refused_values;
    for (i, s) in file.sections[range.clone()]
        .iter()
        .enumerate()
        .map(|(k, s)| (range.start + k, s))
    {
        if s.is_template
            || s.name.eq_ignore_ascii_case("general")
            || s.name.eq_ignore_ascii_case("authentication")
        {
            continue;
        }
        let skip = |cause, reason: String| IgnoredSection {
            name: s.name.to_string(),
            pos: s.pos,
            section: sref(i),
            cause,
            reason,
        };
        // `ast_variable_retrieve` returns the first `type` line: it decides whether the
        // section is a peer at all.
        let mut types = s.all("type");
        let Some(ty) = types.next() else {
            part.ignored_sections
                .push(skip(SkipCause::NoType, "no type".to_string()));
            continue;
        };
        let Some(first) = kind_of(&ty.value) else {
            part.ignored_sections.push(skip(
                SkipCause::UnknownType,
                format!("unknown type '{}'", ty.value),
            ));
            continue;
        };
        // `build_peer` ORs every `type` line together (`user` then `peer` is a friend).
        let kind = types
            .filter_map(|t| kind_of(&t.value))
            .fold(first, SipPeerKind::union);
        let before = refused_values.len();
        checker.check(Scope::SipPeer, s, None, refused_values);
        if let Some(r) = refused_values[before..]
            .iter()
            .find(|r| r.effect == Effect::ObjectDropped)
        {
            let reason = format!("`{}={}` refused: {}", r.option, r.value, r.reason);
            part.ignored_sections
                .push(skip(SkipCause::ValueRefused, reason));
            continue;
        }
        out[written].write(build_peer(
            s,
            sref(i),
            Located::at(kind, ty.pos),
            general,
            &mut shared,
        ));
        written += 1;
    }
    written
}

fn kind_of(value: &str) -> Option<SipPeerKind> {
    [
        ("peer", SipPeerKind::Peer),
        ("user", SipPeerKind::User),
        ("friend", SipPeerKind::Friend),
    ]
    .into_iter()
    .find(|(w, _)| value.eq_ignore_ascii_case(w))
    .map(|(_, k)| k)
}

impl SipPeerKind {
    /// Two `type` lines together.
    fn union(self, other: SipPeerKind) -> SipPeerKind {
        if self == other {
            self
        } else {
            SipPeerKind::Friend
        }
    }
}

/// The last value of any of `names` that chan_sip accepts (a refused line keeps the earlier
/// value).
fn last_accepted(s: &Section, names: &[&str]) -> Option<Located<Text>> {
    s.variables
        .iter()
        .rev()
        .filter(|v| names.iter().any(|n| v.name.eq_ignore_ascii_case(n)))
        .find(|v| option_values::accepts(Driver::ChanSip, Scope::SipGeneral, &v.name, &v.value))
        .map(|v| Located::at(v.value.clone(), v.pos))
}

/// chan_sip's `sendrpid`: `pai`, `rpid` or an `ast_true` word send the identity on.
fn sendrpid_on(value: &str) -> bool {
    value.eq_ignore_ascii_case("pai") || value.eq_ignore_ascii_case("rpid") || ast_true(value)
}

fn build_general(s: &Section, section: Option<SectionRef>) -> SipGeneral {
    let bindaddr = last_accepted(s, &["bindaddr"]);
    let udpbindaddr = last_accepted(s, &["udpbindaddr"]);
    let tcpbindaddr = last_accepted(s, &["tcpbindaddr"]);
    let tlsbindaddr = last_accepted(s, &["tlsbindaddr", "sslbindaddr"]);
    let binds_ipv6 = [&bindaddr, &udpbindaddr, &tcpbindaddr, &tlsbindaddr]
        .into_iter()
        .flatten()
        .any(|b| is_ipv6_bind(&b.value));
    SipGeneral {
        pos: section.map(|_| s.pos),
        section,
        allowguest: bool_option(s, "allowguest", true),
        alwaysauthreject: bool_option(s, "alwaysauthreject", true),
        autocreatepeer: match s.get("autocreatepeer") {
            Some(v) => Located::at(
                ast_true(&v.value) || v.value.trim().eq_ignore_ascii_case("persist"),
                v.pos,
            ),
            None => Located::default_value(false),
        },
        context: string_option(s, "context", "default"),
        insecure: opt_string(s, "insecure"),
        trustrpid: bool_option(s, "trustrpid", false),
        sendrpid: match s.get("sendrpid") {
            Some(v) => Located::at(sendrpid_on(&v.value), v.pos),
            None => Located::default_value(false),
        },
        bindaddr,
        udpbindaddr,
        bindport: opt_string(s, "bindport"),
        // `!ast_false`: any word but a false one turns TCP on.
        tcpenable: match s.get("tcpenable") {
            Some(v) => Located::at(!ast_false(&v.value), v.pos),
            None => Located::default_value(false),
        },
        tcpbindaddr,
        tlsenable: bool_option(s, "tlsenable", false),
        tlsbindaddr,
        tlsclientmethod: opt_string(s, "tlsclientmethod"),
        tlsdontverifyserver: bool_option(s, "tlsdontverifyserver", false),
        tlscafile: opt_string(s, "tlscafile"),
        tlscapath: super::values::opt_string_any(s, &["tlscapath", "tlscadir"]),
        externip: last_accepted(s, &["externip", "externaddr"]),
        externhost: opt_string(s, "externhost"),
        localnet: super::values::list_option(s, "localnet"),
        transport: opt_string(s, "transport"),
        registrations: s
            .all("register")
            .filter_map(|v| parse_register(&v.value, v.value_pos()))
            .collect(),
        binds_ipv6,
    }
}

/// Whether a bind address is IPv6: `[::]`, `::`, `[2001:db8::1]:5060`, `::1`.
pub fn is_ipv6_bind(addr: &str) -> bool {
    let a = addr.trim();
    a.starts_with('[') || a.matches(':').count() >= 2
}

/// What peers share: ACLs and base lists written once (a template's), `[general]`'s defaults.
struct SharedPeerParts<'a> {
    acls: SharedAcls,
    /// Which [`PeerField`] each option name sets, worked out once per name (a peer's own
    /// lines are new slots every time; their names repeat).
    fields: NameMemo<Option<PeerField>>,
    bases: FastMap<&'a [Text], Arc<[Text]>>,
    /// `[general]`'s `insecure` and `sendrpid` lines (peers without their own use them).
    general_insecure: u32,
    general_sendrpid: u32,
}

/// The options [`build_peer`] reads: each field's option name is `PEER_FIELDS[field as usize].1`.
#[derive(Clone, Copy, Debug)]
enum PeerField {
    Host,
    Secret,
    Context,
    Trustrpid,
    Transport,
    Md5secret,
    Remotesecret,
    Insecure,
    Sendrpid,
    Defaultuser,
    Username,
    Fromuser,
    Fromdomain,
    Nat,
    Port,
    Qualify,
    Callerid,
}

/// Every [`PeerField`] with its option name, in the enum's order.
const PEER_FIELDS: [(PeerField, &str); 17] = [
    (PeerField::Host, "host"),
    (PeerField::Secret, "secret"),
    (PeerField::Context, "context"),
    (PeerField::Trustrpid, "trustrpid"),
    (PeerField::Transport, "transport"),
    (PeerField::Md5secret, "md5secret"),
    (PeerField::Remotesecret, "remotesecret"),
    (PeerField::Insecure, "insecure"),
    (PeerField::Sendrpid, "sendrpid"),
    (PeerField::Defaultuser, "defaultuser"),
    (PeerField::Username, "username"),
    (PeerField::Fromuser, "fromuser"),
    (PeerField::Fromdomain, "fromdomain"),
    (PeerField::Nat, "nat"),
    (PeerField::Port, "port"),
    (PeerField::Qualify, "qualify"),
    (PeerField::Callerid, "callerid"),
];

// Every field once, at its own index (a peer's lines are kept in an array by field).
const _: () = {
    let mut i = 0;
    while i < PEER_FIELDS.len() {
        assert!(PEER_FIELDS[i].0 as usize == i);
        i += 1;
    }
};

fn build_peer<'a>(
    s: &'a Section,
    section: SectionRef,
    kind: Located<SipPeerKind>,
    g: &SipGeneral,
    shared: &mut SharedPeerParts<'a>,
) -> SipPeer {
    use PeerField as F;
    let vars = &s.variables;
    // The last line of each field, found in one pass over the section (what `Section::get`
    // answers per name, without comparing every name with every field).
    let mut last: [Option<(u32, &Variable)>; PEER_FIELDS.len()] = [None; PEER_FIELDS.len()];
    for e in vars.entries() {
        let field = shared.fields.get_or_insert_with(&e.variable.name, || {
            PEER_FIELDS
                .iter()
                .find(|(_, name)| e.variable.name.eq_ignore_ascii_case(name))
                .map(|&(field, _)| field)
        });
        if let Some(f) = field {
            last[f as usize] = Some((e.slot, e.variable));
        }
    }
    let field = |f: PeerField| last[f as usize].map(|(_, v)| v);
    let text = |f: PeerField| field(f).map(|v| Located::at(v.value.clone(), v.pos));
    let slot = |f: PeerField| last[f as usize].map_or(NO_SLOT, |(slot, _)| slot);
    let or_general = |own: u32, general: u32| if own == NO_SLOT { general } else { own };
    let (acl, contact_acl) = shared.acls.of(s);
    let bases = Arc::clone(
        shared
            .bases
            .entry(s.bases.as_slice())
            .or_insert_with(|| s.bases.as_slice().into()),
    );
    SipPeer {
        name: s.name.clone(),
        pos: s.pos,
        section,
        kind,
        bases,
        host: text(F::Host),
        secret: field(F::Secret).map(|v| Located::at(Secret::new(v.value.clone()), v.pos)),
        context: text(F::Context).unwrap_or_else(|| g.context.clone()),
        acl,
        contact_acl,
        trustrpid: match field(F::Trustrpid) {
            Some(v) => Located::at(ast_true(&v.value), v.pos),
            None => g.trustrpid.clone(),
        },
        transport: text(F::Transport).or_else(|| g.transport.clone()),
        options: PeerOptions {
            table: Arc::clone(vars.table()),
            md5secret: slot(F::Md5secret),
            remotesecret: slot(F::Remotesecret),
            insecure: or_general(slot(F::Insecure), shared.general_insecure),
            sendrpid: or_general(slot(F::Sendrpid), shared.general_sendrpid),
            defaultuser: slot(F::Defaultuser),
            username: slot(F::Username),
            fromuser: slot(F::Fromuser),
            fromdomain: slot(F::Fromdomain),
            nat: slot(F::Nat),
            port: slot(F::Port),
            qualify: slot(F::Qualify),
            callerid: slot(F::Callerid),
        },
    }
}

/// Parse a `register =>` value; `None` when it has no `@host`.
pub fn parse_register(value: &str, pos: Pos) -> Option<SipRegistration> {
    let p = crate::redact::register::split(value)?;
    let (user, domain) = match value[p.user.clone()].split_once('@') {
        Some((u, d)) => (u.to_string(), Some(d.to_string())),
        None => (value[p.user.clone()].to_string(), None),
    };
    let host_full = &value[p.host.clone()];
    let host_no_expiry = host_full.split('~').next().unwrap_or(host_full);
    let (host_port, extension) = match host_no_expiry.split_once('/') {
        Some((h, e)) => (h, Some(e.to_string())),
        None => (host_no_expiry, None),
    };
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') || h.ends_with(']') => {
            (h.to_string(), Some(p.to_string()))
        }
        _ => (host_port.to_string(), None),
    };
    Some(SipRegistration {
        transport: p.transport.map(|r| value[r].to_string()),
        user,
        domain,
        secret: p.secret.map(|r| Secret::new(&value[r])),
        authuser: p.authuser.map(|r| value[r].to_string()),
        host,
        port,
        extension,
        pos,
    })
}
