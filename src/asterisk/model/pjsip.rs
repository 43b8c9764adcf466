//! res_pjsip's pjsip.conf: objects selected by `type=`, linked by name.
//!
//! Sorcery reads every live section with a `type` it knows (sections with no or an unknown type
//! are ignored silently). Two faithful surprises are recorded rather than hidden:
//! - an option the object type does not have (for the target version, from Asterisk's own
//!   option documentation, `data/asterisk/pjsip-options.tsv`) makes **that object not load**;
//! - the same id twice for one type makes **every object of that type** fail to load;
//! - a value its handler refuses (a placeholder `bind`/`match`, an unknown `identify_by`, a host
//!   name in `permit`; the [option table](super::option_values)) makes **that object not load**;
//! - with no transport at all, outbound registrations cannot build their Contact and do not
//!   load either.

use super::acl::{Acl, AclCache, AclTarget, SharedAcls, parse_match};
use super::name_memo::{NameMemo, RunMemo};
use super::option_values::{self, Driver, Effect, RefusedValue, Scope};
use super::values::{bool_option, list_option, opt_string, string_option};
use super::{Located, ModelOptions, SectionRef};
use crate::asterisk::fast_hash::FastMap;
use crate::asterisk::secret::Secret;
use crate::asterisk::shared_text::Text;
use crate::asterisk::source::Pos;
use crate::asterisk::syntax::{ConfigFile, RunLines, Section, Variable};
use serde::Serialize;
use std::sync::Arc;

/// Why Asterisk would not load an object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "reason", content = "detail")]
pub enum Dropped {
    /// An option this type does not have: "Could not find option suitable for category …".
    UnknownOption(String),
    /// Another object of the same type has the same id: the whole type fails to load.
    DuplicateId,
    /// pjsip.conf as a whole is invalid (a fatal syntax diagnostic).
    FileInvalid,
    /// A handler refused a value (`option=value`): "Error parsing …", "Could not create an
    /// object of type …".
    ValueRefused(String),
    /// A registration while no transport loads: its Contact cannot be built.
    NoTransport,
}

/// What every pjsip object has: id, position, section, and whether it loads.
#[derive(Clone, Debug, Serialize)]
pub struct ObjectMeta {
    /// The section name (shared by the object's copies in `objects` and its typed list).
    pub id: Text,
    /// The section header.
    pub pos: Pos,
    pub section: SectionRef,
    /// The `type=` line.
    pub type_pos: Pos,
    /// `Some` when Asterisk would not load this object.
    pub dropped: Option<Dropped>,
}

impl ObjectMeta {
    /// Whether Asterisk loads this object.
    pub fn loads(&self) -> bool {
        self.dropped.is_none()
    }

    /// Whether the object itself is refused (an unknown option, a refused value, a duplicate
    /// id, no transport) — not merely because the whole file is (`#include` of a file the
    /// audit does not have): rules about what an object would do skip these.
    pub fn is_refused(&self) -> bool {
        self.dropped
            .as_ref()
            .is_some_and(|d| *d != Dropped::FileInvalid)
    }
}

/// The interpreted pjsip.conf.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PjsipConf {
    /// The file in `config.files`.
    pub file: u32,
    pub transports: Vec<PjsipTransport>,
    pub endpoints: Vec<PjsipEndpoint>,
    pub auths: Vec<PjsipAuth>,
    pub aors: Vec<PjsipAor>,
    pub identifies: Vec<PjsipIdentify>,
    pub registrations: Vec<PjsipRegistration>,
    /// `type=acl` objects (res_pjsip_acl): they apply to every request.
    pub acls: Vec<PjsipAcl>,
    /// `type=global`, when present.
    pub global: Option<PjsipGlobal>,
    /// Every object of any type (including the ones above), for rules on other types.
    pub objects: Vec<PjsipObject>,
    /// Options a type does not have (each makes its object not load).
    pub unknown_options: Vec<UnknownOption>,
    /// Ids used twice for one type (each makes the whole type not load).
    pub duplicate_objects: Vec<DuplicateObject>,
    /// Types that fail to load entirely because of a duplicate id.
    pub failed_types: Vec<String>,
    /// Live sections with no `type`: no sorcery object type claims them, so res_pjsip ignores
    /// them without a word (their options still reach sections that inherit from them).
    pub untyped_sections: Vec<super::sip::IgnoredSection>,
    /// Values res_pjsip refuses or reads otherwise than written, in file order (see
    /// [`option_values`](super::option_values)).
    pub refused_values: Vec<RefusedValue>,
    #[serde(skip)]
    index: PjsipIndex,
}

/// Id → index per type.
#[derive(Clone, Debug, Default)]
struct PjsipIndex {
    endpoints: super::NameIndex,
    auths: super::NameIndex,
    aors: super::NameIndex,
    transports: super::NameIndex,
}

impl PjsipConf {
    /// An endpoint by id (ids are case-sensitive).
    pub fn endpoint(&self, id: &str) -> Option<&PjsipEndpoint> {
        self.index.endpoints.get(id).map(|i| &self.endpoints[i])
    }

    pub fn auth(&self, id: &str) -> Option<&PjsipAuth> {
        self.index.auths.get(id).map(|i| &self.auths[i])
    }

    pub fn aor(&self, id: &str) -> Option<&PjsipAor> {
        self.index.aors.get(id).map(|i| &self.aors[i])
    }

    pub fn transport(&self, id: &str) -> Option<&PjsipTransport> {
        self.index.transports.get(id).map(|i| &self.transports[i])
    }

    /// The endpoint that receives what nothing else identifies: `anonymous` (or
    /// `anonymous@domain`), when it exists and loads.
    pub fn anonymous_endpoints(&self) -> impl Iterator<Item = &PjsipEndpoint> {
        self.endpoints
            .iter()
            .filter(|e| e.is_anonymous && e.meta.loads())
    }

    /// Whether an endpoint is meant for web pages: `webrtc=yes`, or bound to a `ws`/`wss`
    /// transport. Its credentials live in JavaScript or a gateway in front of the page, so they
    /// are public however strong they are.
    pub fn is_web_endpoint(&self, endpoint: &PjsipEndpoint) -> bool {
        endpoint.webrtc.value
            || endpoint
                .transport
                .as_ref()
                .and_then(|t| self.transport(&t.value))
                .is_some_and(|t| {
                    let p = t.protocol.value.as_str();
                    p.eq_ignore_ascii_case("ws") || p.eq_ignore_ascii_case("wss")
                })
    }

    /// The identify objects pointing at an endpoint, except those refused on their own (a
    /// placeholder `match`, a duplicate id): those match nothing.
    pub fn identifies_of<'a>(
        &'a self,
        endpoint: &'a PjsipEndpoint,
    ) -> impl Iterator<Item = &'a PjsipIdentify> {
        endpoint
            .identify
            .iter()
            .filter_map(|&i| self.identifies.get(i))
            .filter(|i| !i.meta.is_refused())
    }

    /// Whether some transport loads (without one, res_pjsip receives nothing).
    pub fn has_loading_transport(&self) -> bool {
        self.transports.iter().any(|t| t.meta.loads())
    }
}

/// A section sorcery reads, whatever its type.
#[derive(Clone, Debug, Serialize)]
pub struct PjsipObject {
    /// The `type=` value, lower-cased (one text per type, shared by its objects).
    pub kind: Text,
    pub meta: ObjectMeta,
}

/// `type=transport`.
#[derive(Clone, Debug, Serialize)]
pub struct PjsipTransport {
    pub meta: ObjectMeta,
    /// udp (default), tcp, tls, ws, wss, flow.
    pub protocol: Located<Text>,
    pub bind: Option<Located<Text>>,
    /// TLS method (sslv23, tlsv1, tlsv1_1, tlsv1_2, tlsv1_3, …).
    pub method: Option<Located<Text>>,
    pub verify_server: Located<bool>,
    pub verify_client: Located<bool>,
    pub require_client_cert: Located<bool>,
    pub cert_file: Option<Located<Text>>,
    pub priv_key_file: Option<Located<Text>>,
    pub ca_list_file: Option<Located<Text>>,
    /// A directory of CA certificates (hashed names); with neither it nor `ca_list_file`,
    /// pjproject trusts no server certificate (it never loads the system store).
    pub ca_list_path: Option<Located<Text>>,
    pub external_signaling_address: Option<Located<Text>>,
    pub external_media_address: Option<Located<Text>>,
    pub local_net: Vec<Located<Text>>,
    /// Whether `bind` is an IPv6 address.
    pub binds_ipv6: bool,
}

/// `type=endpoint`.
#[derive(Clone, Debug, Serialize)]
pub struct PjsipEndpoint {
    pub meta: ObjectMeta,
    /// Where its calls land (default `default`).
    pub context: Located<Text>,
    /// Inbound authentication (`auth=`, comma-separated).
    pub auth: Vec<Located<Text>>,
    pub outbound_auth: Vec<Located<Text>>,
    pub aors: Vec<Located<Text>>,
    pub transport: Option<Located<Text>>,
    pub media_encryption: Option<Located<Text>>,
    /// `permit`/`deny`/`acl` (since 13.10): where requests for this endpoint may come from
    /// (shared by the endpoints that read it from the same lines).
    #[serde(serialize_with = "super::acl::serialize_shared")]
    pub acl: Arc<Acl>,
    /// `contact_permit`/`contact_deny`/`contact_acl`: which contacts may register.
    #[serde(serialize_with = "super::acl::serialize_shared")]
    pub contact_acl: Arc<Acl>,
    pub trust_id_inbound: Located<bool>,
    pub trust_id_outbound: Located<bool>,
    /// `send_pai`/`send_rpid`: the caller ID goes out as an asserted identity.
    pub send_pai: Located<bool>,
    pub send_rpid: Located<bool>,
    pub allow_unauthenticated_options: Located<bool>,
    /// `identify_by` (default `username,ip`).
    pub identify_by: Located<Text>,
    pub from_user: Option<Located<Text>>,
    pub from_domain: Option<Located<Text>>,
    pub callerid: Option<Located<Text>>,
    /// `webrtc=yes` (DTLS-SRTP, ICE, AVPF, rtcp-mux: an endpoint for browsers).
    pub webrtc: Located<bool>,
    /// Indices into `PjsipConf::identifies` of the identify objects naming this endpoint.
    pub identify: Vec<usize>,
    /// `anonymous` or `anonymous@domain`.
    pub is_anonymous: bool,
}

impl PjsipEndpoint {
    /// `identify_by` holds `username` or `auth_username` (`ident_handler`: comma words,
    /// trimmed, case-insensitive): a request naming the endpoint in its From user (or in an
    /// Authorization header) is matched to it, from any address.
    pub fn identified_by_name(&self) -> bool {
        self.identify_by
            .value
            .split(',')
            .map(str::trim)
            .any(|w| w.eq_ignore_ascii_case("username") || w.eq_ignore_ascii_case("auth_username"))
    }
}

/// `type=auth`.
#[derive(Clone, Debug, Serialize)]
pub struct PjsipAuth {
    pub meta: ObjectMeta,
    /// userpass (default), md5, digest, google_oauth.
    pub auth_type: Located<Text>,
    pub username: Option<Located<Text>>,
    pub password: Option<Located<Secret>>,
    pub md5_cred: Option<Located<Secret>>,
    pub realm: Option<Located<Text>>,
}

/// `type=aor`.
#[derive(Clone, Debug, Serialize)]
pub struct PjsipAor {
    pub meta: ObjectMeta,
    /// Static contacts (`contact=`).
    pub contacts: Vec<Located<Text>>,
    pub max_contacts: Option<Located<Text>>,
    pub remove_existing: Option<Located<Text>>,
    pub qualify_frequency: Option<Located<Text>>,
}

/// One `match=` entry of an identify.
#[derive(Clone, Debug, Serialize)]
pub struct IdentifyMatch {
    /// A network, or a host name (resolved by Asterisk only when it loads).
    pub target: AclTarget,
    pub pos: Pos,
}

/// `type=identify`.
#[derive(Clone, Debug, Serialize)]
pub struct PjsipIdentify {
    pub meta: ObjectMeta,
    pub endpoint: Option<Located<Text>>,
    pub matches: Vec<IdentifyMatch>,
    pub match_header: Option<Located<Text>>,
    pub match_request_uri: Option<Located<Text>>,
    pub srv_lookups: Located<bool>,
}

/// `type=registration` (outbound registration to an ITSP).
#[derive(Clone, Debug, Serialize)]
pub struct PjsipRegistration {
    pub meta: ObjectMeta,
    pub server_uri: Option<Located<Text>>,
    pub client_uri: Option<Located<Text>>,
    pub contact_user: Option<Located<Text>>,
    pub outbound_auth: Vec<Located<Text>>,
    pub transport: Option<Located<Text>>,
    pub endpoint: Option<Located<Text>>,
    pub line: Located<bool>,
}

/// `type=acl`.
#[derive(Clone, Debug, Serialize)]
pub struct PjsipAcl {
    pub meta: ObjectMeta,
    /// permit/deny/acl.
    pub acl: Acl,
    /// contact_permit/contact_deny/contact_acl.
    pub contact_acl: Acl,
}

/// `type=global`.
#[derive(Clone, Debug, Serialize)]
pub struct PjsipGlobal {
    pub meta: ObjectMeta,
    /// Default `ip,username,anonymous,header,auth_username` (order of endpoint identifiers).
    pub endpoint_identifier_order: Located<Text>,
    pub default_outbound_endpoint: Option<Located<Text>>,
}

/// An option sorcery does not know for the object's type.
#[derive(Clone, Debug, Serialize)]
pub struct UnknownOption {
    pub object_type: String,
    pub id: String,
    pub option: String,
    pub pos: Pos,
    /// When the option exists in a later version: the versions it appeared in.
    pub known_since: Option<String>,
}

/// The same id used twice for one type.
#[derive(Clone, Debug, Serialize)]
pub struct DuplicateObject {
    pub object_type: String,
    pub id: String,
    pub first: Pos,
    pub second: Pos,
}

/// From this many sections on, pjsip.conf is interpreted in two parts on two threads. A section
/// costs a few thousand instructions (its options checked, its object built), a thread's start
/// and the joining of the parts a few hundred thousand: below this the split saves little, and
/// small files (the common case) keep one thread.
const SPLIT_AT_SECTIONS: usize = 2048;

/// Interpret pjsip.conf; with `may_split` (the caller has a core to spare), a large file in
/// two parts on two threads.
pub fn build(
    file_index: usize,
    file: &ConfigFile,
    opts: &ModelOptions,
    may_split: bool,
) -> PjsipConf {
    let split_at = if may_split {
        SPLIT_AT_SECTIONS
    } else {
        usize::MAX
    };
    build_split_at(file_index, file, opts, split_at)
}

/// [`build`], in two parts from `split_at` sections on (the tests split small files).
fn build_split_at(
    file_index: usize,
    file: &ConfigFile,
    opts: &ModelOptions,
    split_at: usize,
) -> PjsipConf {
    let sections = file.sections.len();
    let mut conf = PjsipConf {
        file: file_index as u32,
        ..PjsipConf::default()
    };

    // First pass, per part: every typed live section, its unknown options and refused values,
    // the duplicates within the part. The sections are independent; only duplicates span parts.
    let read = |range| read_part(file_index, file, range, opts);
    let mut parts = if sections >= split_at.max(2) {
        let half = sections / 2;
        let (first, second) = on_two_threads(|| read(0..half), || read(half..sections));
        vec![first, second]
    } else {
        vec![read(0..sections)]
    };

    // Between the passes (serial, cheap): the duplicates in file order, the types that fail
    // because of them, one text per type for both parts.
    conf.duplicate_objects = duplicates_in_file_order(&parts);
    for d in &conf.duplicate_objects {
        if !conf.failed_types.contains(&d.object_type) {
            conf.failed_types.push(d.object_type.clone());
        }
    }
    let mut kinds: Vec<Text> = Vec::new();
    let part_types: Vec<Vec<PartType>> = parts
        .iter()
        .map(|part| {
            part.types
                .iter()
                .map(|t| {
                    let kind = match kinds.iter().find(|k| **k == *t.name) {
                        Some(k) => k.clone(),
                        None => {
                            kinds.push(t.name.clone());
                            t.name.clone()
                        }
                    };
                    PartType {
                        builder: ObjectBuilder::of(&kind),
                        failed: conf.failed_types.iter().any(|f| *f == *kind),
                        kind,
                    }
                })
                .collect()
        })
        .collect();
    for part in &mut parts {
        conf.untyped_sections.append(&mut part.untyped_sections);
        conf.unknown_options.append(&mut part.unknown_options);
        conf.refused_values.append(&mut part.refused_values);
    }

    // Second pass, per part: the objects, written in place into lists sized once for both
    // parts (doubling Vecs of large objects leave up to half of them unused, and copy them).
    let sizes = |of: ObjectBuilder| -> Vec<usize> {
        parts
            .iter()
            .zip(&part_types)
            .map(|(part, types)| {
                part.types
                    .iter()
                    .zip(types)
                    .filter(|(_, t)| t.builder == of)
                    .map(|(t, _)| t.objects)
                    .sum()
            })
            .collect()
    };
    let object_sizes: Vec<usize> = parts.iter().map(|p| p.metas.len()).collect();
    let (transport_sizes, endpoint_sizes, auth_sizes, aor_sizes) = (
        sizes(ObjectBuilder::Transport),
        sizes(ObjectBuilder::Endpoint),
        sizes(ObjectBuilder::Auth),
        sizes(ObjectBuilder::Aor),
    );
    let (identify_sizes, registration_sizes, acl_sizes) = (
        sizes(ObjectBuilder::Identify),
        sizes(ObjectBuilder::Registration),
        sizes(ObjectBuilder::Acl),
    );
    let defaults = Defaults::default();
    let mut objects = Vec::new();
    let mut transports = Vec::new();
    let mut endpoints = Vec::new();
    let mut auths = Vec::new();
    let mut aors = Vec::new();
    let mut identifies = Vec::new();
    let mut registrations = Vec::new();
    let mut acls = Vec::new();
    let mut rooms = {
        let mut objects = Room::split(&mut objects, &object_sizes);
        let mut transports = Room::split(&mut transports, &transport_sizes);
        let mut endpoints = Room::split(&mut endpoints, &endpoint_sizes);
        let mut auths = Room::split(&mut auths, &auth_sizes);
        let mut aors = Room::split(&mut aors, &aor_sizes);
        let mut identifies = Room::split(&mut identifies, &identify_sizes);
        let mut registrations = Room::split(&mut registrations, &registration_sizes);
        let mut acls = Room::split(&mut acls, &acl_sizes);
        let mut rooms = Vec::new();
        for _ in 0..parts.len() {
            rooms.push(Rooms {
                objects: objects.remove(0),
                transports: transports.remove(0),
                endpoints: endpoints.remove(0),
                auths: auths.remove(0),
                aors: aors.remove(0),
                identifies: identifies.remove(0),
                registrations: registrations.remove(0),
                acls: acls.remove(0),
            });
        }
        rooms
    };
    let build = |part: Part<'_>, types: &[PartType], rooms: Rooms<'_>| {
        build_part(file, part.metas, types, Builders::new(&defaults), rooms)
    };
    let global = if parts.len() == 2 {
        let (second, second_rooms) = (parts.pop(), rooms.pop());
        let (first, first_rooms) = (parts.pop(), rooms.pop());
        let (Some(first), Some(second), Some(first_rooms), Some(second_rooms)) =
            (first, second, first_rooms, second_rooms)
        else {
            unreachable!("two parts, two rooms");
        };
        let (first, second) = on_two_threads(
            || build(first, &part_types[0], first_rooms),
            || build(second, &part_types[1], second_rooms),
        );
        // `global` is read once per section: the last one wins.
        second.or(first)
    } else {
        let (Some(part), Some(part_rooms)) = (parts.pop(), rooms.pop()) else {
            unreachable!("one part, one room");
        };
        build(part, &part_types[0], part_rooms)
    };
    // SAFETY: every part's `build_part` returned, so each of its rooms was filled (it checks);
    // the rooms of a list are its spare room from its length on, one after the other.
    unsafe {
        Room::take_filled(&mut objects, &object_sizes);
        Room::take_filled(&mut transports, &transport_sizes);
        Room::take_filled(&mut endpoints, &endpoint_sizes);
        Room::take_filled(&mut auths, &auth_sizes);
        Room::take_filled(&mut aors, &aor_sizes);
        Room::take_filled(&mut identifies, &identify_sizes);
        Room::take_filled(&mut registrations, &registration_sizes);
        Room::take_filled(&mut acls, &acl_sizes);
    }
    conf.objects = objects;
    conf.transports = transports;
    conf.endpoints = endpoints;
    conf.auths = auths;
    conf.aors = aors;
    conf.identifies = identifies;
    conf.registrations = registrations;
    conf.acls = acls;
    conf.global = global;

    // `sip_dialog_create_contact` needs a transport: with none loaded, no registration loads.
    if !conf.has_loading_transport() {
        for r in &mut conf.registrations {
            r.meta.dropped.get_or_insert(Dropped::NoTransport);
        }
        for o in conf.objects.iter_mut().filter(|o| o.kind == "registration") {
            o.meta.dropped.get_or_insert(Dropped::NoTransport);
        }
    }
    use super::NameIndex;
    conf.index = PjsipIndex {
        endpoints: NameIndex::build(conf.endpoints.iter().map(|o| o.meta.id.clone())),
        auths: NameIndex::build(conf.auths.iter().map(|o| o.meta.id.clone())),
        aors: NameIndex::build(conf.aors.iter().map(|o| o.meta.id.clone())),
        transports: NameIndex::build(conf.transports.iter().map(|o| o.meta.id.clone())),
    };
    link_identifies(&mut conf);
    conf
}

/// Run `first` here and `second` on another thread; both results, in that order.
fn on_two_threads<A: Send, B: Send>(
    first: impl FnOnce() -> A + Send,
    second: impl FnOnce() -> B + Send,
) -> (A, B) {
    std::thread::scope(|scope| {
        let second = scope.spawn(second);
        let first = first();
        let second = second
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (first, second)
    })
}

/// Link identifies to their endpoints (every endpoint section with that id). The endpoints of
/// an id are a chain from the first (`NameIndex`) through `next_same_id`: no list per id.
fn link_identifies(conf: &mut PjsipConf) {
    if !conf.identifies.iter().any(|i| i.endpoint.is_some()) {
        return;
    }
    // Without a duplicate endpoint id (the usual file), every chain is its first endpoint.
    let mut next_same_id = Vec::new();
    if conf.failed_types.iter().any(|t| t == "endpoint") {
        next_same_id = vec![u32::MAX; conf.endpoints.len()];
        let mut last_of: FastMap<&str, u32> =
            FastMap::with_capacity_and_hasher(conf.endpoints.len(), Default::default());
        for (i, ep) in conf.endpoints.iter().enumerate() {
            if let Some(last) = last_of.insert(ep.meta.id.as_str(), i as u32) {
                next_same_id[last as usize] = i as u32;
            }
        }
    }
    let mut links: Vec<(usize, usize)> = Vec::new();
    for (idx, ident) in conf.identifies.iter().enumerate() {
        let Some(name) = &ident.endpoint else {
            continue;
        };
        let mut ep = conf.index.endpoints.get(&name.value);
        while let Some(i) = ep {
            links.push((i, idx));
            let next = next_same_id.get(i).copied().unwrap_or(u32::MAX);
            ep = (next != u32::MAX).then_some(next as usize);
        }
    }
    for (ep, idx) in links {
        conf.endpoints[ep].identify.push(idx);
    }
}

/// An object type met in a part of the file (types are few: looked up by a scan).
struct ObjectType {
    /// The `type=` value, lower-cased (shared by the objects of the type).
    name: Text,
    /// Whether the option table documents the type (its options are checked).
    checked: bool,
    /// Whether each option name is unknown for the type: worked out once per name.
    unknown: NameMemo<bool>,
    /// How many objects of the type the part holds.
    objects: usize,
}

/// What the first pass learns of a run of the file's sections (one part of a large file, read
/// on a thread of its own).
struct Part<'f> {
    /// The types met, in the order met.
    types: Vec<ObjectType>,
    /// The typed live sections: section number, type (in `types`), meta (not yet dropped for a
    /// duplicate id).
    metas: Vec<(u32, u32, ObjectMeta)>,
    /// (type, id) → the first section of the part with it, and its header.
    first_of: FastMap<(u32, &'f str), (u32, Pos)>,
    /// Sections whose (type, id) an earlier section of the part has, in file order.
    duplicates: Vec<DuplicateObject>,
    untyped_sections: Vec<super::sip::IgnoredSection>,
    unknown_options: Vec<UnknownOption>,
    refused_values: Vec<RefusedValue>,
}

/// The first pass over `file`'s sections in `range`.
fn read_part<'f>(
    file_index: usize,
    file: &'f ConfigFile,
    range: std::ops::Range<usize>,
    opts: &ModelOptions,
) -> Part<'f> {
    let options = super::pjsip_options::PjsipOptions::embedded();
    let file_invalid = file.is_invalid();
    // Keyed by (type number, id): types are few, ids many; no copy of either per section.
    // Sized once for every section (growing it rehashes every id each time).
    let mut part = Part {
        types: Vec::new(),
        metas: Vec::with_capacity(range.len()),
        first_of: FastMap::with_capacity_and_hasher(range.len(), Default::default()),
        duplicates: Vec::new(),
        untyped_sections: Vec::new(),
        unknown_options: Vec::new(),
        refused_values: Vec::new(),
    };
    let mut checker = option_values::SectionChecker::new(Driver::Pjsip);
    let mut template_runs = RunMemo::default();
    for (i, s) in file.sections[range.clone()]
        .iter()
        .enumerate()
        .map(|(k, s)| (range.start + k, s))
    {
        if s.is_template {
            continue;
        }
        let section = SectionRef {
            file: file_index as u32,
            section: i as u32,
        };
        let Some(ty) = type_line(s, &mut template_runs) else {
            part.untyped_sections.push(super::sip::IgnoredSection {
                name: s.name.to_string(),
                pos: s.pos,
                section,
                cause: super::sip::SkipCause::NoType,
                reason: "no type".to_string(),
            });
            continue;
        };
        // The type by number, without lower-casing (a copy) per section.
        let written = ty.value.trim();
        let type_id = match part
            .types
            .iter()
            .position(|t| t.name.eq_ignore_ascii_case(written))
        {
            Some(id) => id,
            None => {
                let name = written.to_ascii_lowercase();
                part.types.push(ObjectType {
                    checked: options.knows_type(&name),
                    name: Text::from(name),
                    unknown: NameMemo::default(),
                    objects: 0,
                });
                part.types.len() - 1
            }
        };
        let ObjectType {
            name: kind,
            checked,
            unknown: unknown_names,
            objects,
        } = &mut part.types[type_id];
        *objects += 1;
        let kind: &str = kind.as_str();
        let mut dropped = file_invalid.then_some(Dropped::FileInvalid);
        if *checked {
            for run in s.variables.runs() {
                // A template's run known to hold no unknown option for this type is skipped.
                let mut template = (run.inherited_from.is_some())
                    .then(|| template_runs.get_or_insert_with(&run, || TemplateRun::read(&run)));
                if template
                    .as_ref()
                    .is_some_and(|t| t.known_for == Some(type_id as u32))
                {
                    continue;
                }
                let mut known = true;
                for v in run.variables {
                    // `type` itself is never unknown: the memo answers that too, once per name.
                    let unknown = unknown_names.get_or_insert_with(&v.name, || {
                        !v.name.eq_ignore_ascii_case("type")
                            && options
                                .unknown(kind, &v.name, opts.asterisk_version)
                                .is_some()
                    });
                    if !unknown {
                        continue;
                    }
                    known = false;
                    if let Some(known_since) = options.unknown(kind, &v.name, opts.asterisk_version)
                    {
                        part.unknown_options.push(UnknownOption {
                            object_type: kind.to_string(),
                            id: s.name.to_string(),
                            option: v.name.to_string(),
                            pos: v.pos,
                            known_since,
                        });
                        dropped.get_or_insert(Dropped::UnknownOption(v.name.to_string()));
                    }
                }
                if let Some(t) = template.as_mut().filter(|_| known) {
                    t.known_for = Some(type_id as u32);
                }
            }
        }
        {
            let refused = &mut part.refused_values;
            let before = refused.len();
            checker.check(Scope::Pjsip(kind), s, Some(kind), refused);
            if let Some(r) = refused[before..]
                .iter()
                .find(|r| r.effect == Effect::ObjectDropped)
            {
                dropped.get_or_insert(Dropped::ValueRefused(format!("{}={}", r.option, r.value)));
            }
        }
        match part.first_of.get(&(type_id as u32, s.name.as_str())) {
            Some(&(_, first)) => part.duplicates.push(DuplicateObject {
                object_type: kind.to_string(),
                id: s.name.to_string(),
                first,
                second: s.pos,
            }),
            None => {
                part.first_of
                    .insert((type_id as u32, s.name.as_str()), (i as u32, s.pos));
            }
        }
        let meta = ObjectMeta {
            id: s.name.clone(),
            pos: s.pos,
            section,
            type_pos: ty.pos,
            dropped,
        };
        part.metas.push((i as u32, type_id as u32, meta));
    }
    part
}

/// What the first pass remembers of a run of lines inherited from a template (the same in
/// every section on it; kept in a [`RunMemo`]): 10,000 endpoints on one template read its
/// lines once, not once each.
struct TemplateRun {
    /// The run's last `type` line, by its index in the run.
    type_line: Option<u32>,
    /// The type (its number in the part) for which none of the run's options is unknown.
    known_for: Option<u32>,
}

impl TemplateRun {
    /// What is remembered of `run`, read from its lines.
    fn read(run: &RunLines<'_>) -> TemplateRun {
        TemplateRun {
            type_line: last_type_line(run.variables).map(|at| at as u32),
            known_for: None,
        }
    }
}

/// The index of the last `type` line of `lines`.
fn last_type_line(lines: &[Variable]) -> Option<usize> {
    lines
        .iter()
        .rposition(|v| v.name.eq_ignore_ascii_case("type"))
}

/// The section's last `type` line ([`Section::get`]), a template's runs answered from `runs`.
fn type_line<'s>(s: &'s Section, runs: &mut RunMemo<TemplateRun>) -> Option<&'s Variable> {
    for run in s.variables.runs().rev() {
        let at = match run.inherited_from {
            None => last_type_line(run.variables),
            Some(_) => runs
                .get_or_insert_with(&run, || TemplateRun::read(&run))
                .type_line
                .map(|at| at as usize),
        };
        if let Some(at) = at {
            return Some(&run.variables[at]);
        }
    }
    None
}

/// Every duplicate (type, id) of the parts, in file order of the second section, each with the
/// first section of its (type, id) in the whole file.
fn duplicates_in_file_order(parts: &[Part<'_>]) -> Vec<DuplicateObject> {
    let (first, rest) = match parts {
        [first, rest @ ..] => (first, rest),
        [] => return Vec::new(),
    };
    let mut duplicates = first.duplicates.clone();
    for second in rest {
        // The second part's type numbers in the first part's.
        let in_first: Vec<Option<u32>> = second
            .types
            .iter()
            .map(|t| {
                first
                    .types
                    .iter()
                    .position(|f| f.name == t.name)
                    .map(|f| f as u32)
            })
            .collect();
        let first_in_first = |(ty, id): (u32, &str)| {
            in_first[ty as usize].and_then(|f| first.first_of.get(&(f, id)).map(|&(_, pos)| pos))
        };
        // Usually no (type, id) is in both parts: the second part's own duplicates follow.
        if !second
            .first_of
            .keys()
            .any(|&key| first_in_first(key).is_some())
        {
            duplicates.extend(second.duplicates.iter().cloned());
            continue;
        }
        // Otherwise every section of the second part with an id of the first is one more.
        for (section, ty, meta) in &second.metas {
            let key = (*ty, meta.id.as_str());
            let first = match first_in_first(key) {
                Some(pos) => pos,
                None => match second.first_of.get(&key) {
                    Some(&(first_section, pos)) if first_section != *section => pos,
                    _ => continue,
                },
            };
            duplicates.push(DuplicateObject {
                object_type: second.types[*ty as usize].name.to_string(),
                id: meta.id.to_string(),
                first,
                second: meta.pos,
            });
        }
    }
    duplicates
}

/// Which builder an object type's objects go to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ObjectBuilder {
    Transport,
    Endpoint,
    Auth,
    Aor,
    Identify,
    Registration,
    Acl,
    Global,
    /// Kept in `objects` only.
    Other,
}

impl ObjectBuilder {
    fn of(kind: &str) -> ObjectBuilder {
        match kind {
            "transport" => ObjectBuilder::Transport,
            "endpoint" => ObjectBuilder::Endpoint,
            "auth" => ObjectBuilder::Auth,
            "aor" => ObjectBuilder::Aor,
            "identify" => ObjectBuilder::Identify,
            "registration" => ObjectBuilder::Registration,
            "acl" => ObjectBuilder::Acl,
            "global" => ObjectBuilder::Global,
            _ => ObjectBuilder::Other,
        }
    }
}

/// A type of a part, as the second pass builds its objects.
struct PartType {
    /// The type's text, one for the whole file.
    kind: Text,
    builder: ObjectBuilder,
    /// Whether the type fails to load (a duplicate id anywhere in the file).
    failed: bool,
}

/// A part's room in each object list.
struct Rooms<'a> {
    objects: Room<'a, PjsipObject>,
    transports: Room<'a, PjsipTransport>,
    endpoints: Room<'a, PjsipEndpoint>,
    auths: Room<'a, PjsipAuth>,
    aors: Room<'a, PjsipAor>,
    identifies: Room<'a, PjsipIdentify>,
    registrations: Room<'a, PjsipRegistration>,
    acls: Room<'a, PjsipAcl>,
}

/// Room for a known number of elements at the end of a Vec, written in place (by one thread
/// while another writes the next room of the same Vec).
struct Room<'a, T> {
    slots: &'a mut [std::mem::MaybeUninit<T>],
    filled: usize,
}

impl<'a, T> Room<'a, T> {
    /// Rooms of `sizes` elements each, one after the other, from `list`'s length on.
    fn split(list: &'a mut Vec<T>, sizes: &[usize]) -> Vec<Room<'a, T>> {
        let total = sizes.iter().sum();
        list.reserve_exact(total);
        let mut spare = &mut list.spare_capacity_mut()[..total];
        let mut rooms = Vec::with_capacity(sizes.len());
        for &size in sizes {
            let (room, rest) = spare.split_at_mut(size);
            rooms.push(Room {
                slots: room,
                filled: 0,
            });
            spare = rest;
        }
        rooms
    }

    fn push(&mut self, value: T) {
        self.slots[self.filled].write(value);
        self.filled += 1;
    }

    /// Panics unless every slot was written (else the list would show unwritten elements).
    fn assert_filled(&self) {
        assert_eq!(self.filled, self.slots.len(), "a pjsip object list's room");
    }

    /// Take the rooms `split` made of `list` (`sizes`) into its length.
    ///
    /// # Safety
    /// Every one of those rooms was filled ([`Room::assert_filled`] returned), and `list` was
    /// not changed since.
    unsafe fn take_filled(list: &mut Vec<T>, sizes: &[usize]) {
        let total: usize = sizes.iter().sum();
        // SAFETY: the rooms were `list`'s spare room from its length on, all written.
        unsafe { list.set_len(list.len() + total) };
    }
}

impl Rooms<'_> {
    fn assert_filled(&self) {
        self.objects.assert_filled();
        self.transports.assert_filled();
        self.endpoints.assert_filled();
        self.auths.assert_filled();
        self.aors.assert_filled();
        self.identifies.assert_filled();
        self.registrations.assert_filled();
        self.acls.assert_filled();
    }
}

/// The second pass over a part: its objects, into its rooms; its last `global`, if any.
fn build_part(
    file: &ConfigFile,
    metas: Vec<(u32, u32, ObjectMeta)>,
    types: &[PartType],
    mut builders: Builders,
    mut rooms: Rooms<'_>,
) -> Option<PjsipGlobal> {
    let mut acl_cache = AclCache::default();
    let mut global = None;
    for (i, ty, mut meta) in metas {
        let ty = &types[ty as usize];
        if ty.failed && !matches!(meta.dropped, Some(Dropped::FileInvalid)) {
            meta.dropped = Some(Dropped::DuplicateId);
        }
        let s = &file.sections[i as usize];
        rooms.objects.push(PjsipObject {
            kind: ty.kind.clone(),
            meta: meta.clone(),
        });
        let b = &mut builders;
        match ty.builder {
            ObjectBuilder::Transport => rooms.transports.push(build_transport(s, meta)),
            ObjectBuilder::Endpoint => rooms.endpoints.push(build_endpoint(s, meta, b)),
            ObjectBuilder::Auth => rooms.auths.push(build_auth(s, meta, b)),
            ObjectBuilder::Aor => rooms.aors.push(build_aor(s, meta, b)),
            ObjectBuilder::Identify => rooms.identifies.push(build_identify(s, meta)),
            ObjectBuilder::Registration => rooms.registrations.push(PjsipRegistration {
                meta,
                server_uri: opt_string(s, "server_uri"),
                client_uri: opt_string(s, "client_uri"),
                contact_user: opt_string(s, "contact_user"),
                outbound_auth: list_option(s, "outbound_auth"),
                transport: opt_string(s, "transport"),
                endpoint: opt_string(s, "endpoint"),
                line: bool_option(s, "line", false),
            }),
            ObjectBuilder::Acl => rooms.acls.push(PjsipAcl {
                meta,
                acl: Acl::signalling(s, &mut acl_cache),
                contact_acl: Acl::contact(s, &mut acl_cache),
            }),
            ObjectBuilder::Global => {
                global = Some(PjsipGlobal {
                    meta,
                    endpoint_identifier_order: string_option(
                        s,
                        "endpoint_identifier_order",
                        "ip,username,anonymous,header,auth_username",
                    ),
                    default_outbound_endpoint: opt_string(s, "default_outbound_endpoint"),
                })
            }
            ObjectBuilder::Other => {}
        }
    }
    rooms.assert_filled();
    global
}

fn build_transport(s: &Section, meta: ObjectMeta) -> PjsipTransport {
    let bind = opt_string(s, "bind");
    let binds_ipv6 = bind
        .as_ref()
        .is_some_and(|b| super::sip::is_ipv6_bind(&b.value));
    PjsipTransport {
        meta,
        protocol: string_option(s, "protocol", "udp"),
        bind,
        method: opt_string(s, "method"),
        verify_server: bool_option(s, "verify_server", false),
        verify_client: bool_option(s, "verify_client", false),
        require_client_cert: bool_option(s, "require_client_cert", false),
        cert_file: opt_string(s, "cert_file"),
        priv_key_file: opt_string(s, "priv_key_file"),
        ca_list_file: opt_string(s, "ca_list_file"),
        ca_list_path: opt_string(s, "ca_list_path"),
        external_signaling_address: opt_string(s, "external_signaling_address"),
        external_media_address: opt_string(s, "external_media_address"),
        local_net: list_option(s, "local_net"),
        binds_ipv6,
    }
}

/// The options the builders of the many-object types (endpoint, auth, aor) read, and the
/// option names of each type, in one enum per type: a section's last line of each is found in
/// one pass ([`Lines`]) instead of one scan of the section per option.
#[derive(Clone, Copy)]
enum EndpointOption {
    Context,
    Auth,
    OutboundAuth,
    Aors,
    Transport,
    MediaEncryption,
    TrustIdInbound,
    TrustIdOutbound,
    SendPai,
    SendRpid,
    AllowUnauthenticatedOptions,
    IdentifyBy,
    FromUser,
    FromDomain,
    Callerid,
    Webrtc,
}

/// [`EndpointOption`]'s names, in its order.
const ENDPOINT_OPTIONS: [&str; 16] = [
    "context",
    "auth",
    "outbound_auth",
    "aors",
    "transport",
    "media_encryption",
    "trust_id_inbound",
    "trust_id_outbound",
    "send_pai",
    "send_rpid",
    "allow_unauthenticated_options",
    "identify_by",
    "from_user",
    "from_domain",
    "callerid",
    "webrtc",
];

#[derive(Clone, Copy)]
enum AuthOption {
    AuthType,
    Username,
    Password,
    Md5Cred,
    Realm,
}

const AUTH_OPTIONS: [&str; 5] = ["auth_type", "username", "password", "md5_cred", "realm"];

#[derive(Clone, Copy)]
enum AorOption {
    Contact,
    MaxContacts,
    RemoveExisting,
    QualifyFrequency,
}

const AOR_OPTIONS: [&str; 4] = [
    "contact",
    "max_contacts",
    "remove_existing",
    "qualify_frequency",
];

/// The option names one builder reads, with which of them each name of the file is (worked
/// out once per name).
struct OptionNames<const N: usize> {
    names: [&'static str; N],
    memo: NameMemo<Option<u8>>,
}

impl<const N: usize> OptionNames<N> {
    fn new(names: [&'static str; N]) -> Self {
        OptionNames {
            names,
            memo: NameMemo::default(),
        }
    }

    /// The last line of each option in `s`, in one pass over its lines.
    fn lines<'s>(&mut self, s: &'s Section) -> Lines<'s, N> {
        let mut last: [Option<&'s crate::asterisk::syntax::Variable>; N] = [None; N];
        let mut several = [false; N];
        for v in s.variables.iter() {
            let names = &self.names;
            let at = self.memo.get_or_insert_with(&v.name, || {
                names
                    .iter()
                    .position(|n| v.name.eq_ignore_ascii_case(n))
                    .map(|i| i as u8)
            });
            if let Some(at) = at {
                several[at as usize] |= last[at as usize].is_some();
                last[at as usize] = Some(v);
            }
        }
        Lines {
            section: s,
            names: self.names,
            last,
            several,
        }
    }
}

/// A section's last line of each option a builder reads (what [`Section::get`] answers).
struct Lines<'s, const N: usize> {
    section: &'s Section,
    names: [&'static str; N],
    last: [Option<&'s crate::asterisk::syntax::Variable>; N],
    /// Whether the option has more than one line.
    several: [bool; N],
}

impl<const N: usize> Lines<'_, N> {
    fn opt_string(&self, at: usize) -> Option<Located<Text>> {
        self.last[at].map(|v| Located::at(v.value.clone(), v.pos))
    }

    fn string_option(&self, at: usize, default: &Text) -> Located<Text> {
        self.opt_string(at)
            .unwrap_or_else(|| Located::default_value(default.clone()))
    }

    fn bool_option(&self, at: usize, default: bool) -> Located<bool> {
        match self.last[at] {
            Some(v) => Located::at(super::values::ast_true(&v.value), v.pos),
            None => Located::default_value(default),
        }
    }

    /// Every item of a list option ([`list_option`]): nothing to read when it has no line,
    /// only that line's items when it has one (the usual `auth=`, `aors=`).
    fn list(&self, at: usize) -> Vec<Located<Text>> {
        match self.last[at] {
            None => Vec::new(),
            Some(v) if !self.several[at] => super::values::list_items_of(v),
            Some(_) => list_option(self.section, self.names[at]),
        }
    }
}

/// Defaults shared by every object that does not set the option (no copy per object).
#[derive(Clone)]
struct Defaults {
    context: Text,
    identify_by: Text,
    auth_type: Text,
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            context: Text::from("default"),
            identify_by: Text::from("username,ip"),
            auth_type: Text::from("userpass"),
        }
    }
}

/// What the builders of one part of a file share: option names worked out once, ACLs, defaults.
struct Builders {
    endpoint: OptionNames<16>,
    auth: OptionNames<5>,
    aor: OptionNames<4>,
    acls: SharedAcls,
    defaults: Defaults,
}

impl Builders {
    /// The builders of one part of a file (`defaults`: the file's, shared by its parts).
    fn new(defaults: &Defaults) -> Self {
        Builders {
            endpoint: OptionNames::new(ENDPOINT_OPTIONS),
            auth: OptionNames::new(AUTH_OPTIONS),
            aor: OptionNames::new(AOR_OPTIONS),
            acls: SharedAcls::default(),
            defaults: defaults.clone(),
        }
    }
}

fn build_endpoint(s: &Section, meta: ObjectMeta, b: &mut Builders) -> PjsipEndpoint {
    use EndpointOption as O;
    let id = meta.id.as_str();
    let is_anonymous = id == "anonymous" || id.starts_with("anonymous@");
    let (acl, contact_acl) = b.acls.of(s);
    let l = b.endpoint.lines(s);
    let d = &b.defaults;
    PjsipEndpoint {
        context: l.string_option(O::Context as usize, &d.context),
        auth: l.list(O::Auth as usize),
        outbound_auth: l.list(O::OutboundAuth as usize),
        aors: l.list(O::Aors as usize),
        transport: l.opt_string(O::Transport as usize),
        media_encryption: l.opt_string(O::MediaEncryption as usize),
        acl,
        contact_acl,
        trust_id_inbound: l.bool_option(O::TrustIdInbound as usize, false),
        trust_id_outbound: l.bool_option(O::TrustIdOutbound as usize, false),
        send_pai: l.bool_option(O::SendPai as usize, false),
        send_rpid: l.bool_option(O::SendRpid as usize, false),
        allow_unauthenticated_options: l
            .bool_option(O::AllowUnauthenticatedOptions as usize, false),
        identify_by: l.string_option(O::IdentifyBy as usize, &d.identify_by),
        from_user: l.opt_string(O::FromUser as usize),
        from_domain: l.opt_string(O::FromDomain as usize),
        callerid: l.opt_string(O::Callerid as usize),
        webrtc: l.bool_option(O::Webrtc as usize, false),
        identify: Vec::new(),
        is_anonymous,
        meta,
    }
}

fn build_auth(s: &Section, meta: ObjectMeta, b: &mut Builders) -> PjsipAuth {
    use AuthOption as O;
    let l = b.auth.lines(s);
    let secret = |at: AuthOption| {
        l.last[at as usize].map(|v| Located::at(Secret::new(v.value.clone()), v.pos))
    };
    PjsipAuth {
        meta,
        auth_type: l.string_option(O::AuthType as usize, &b.defaults.auth_type),
        username: l.opt_string(O::Username as usize),
        password: secret(O::Password),
        md5_cred: secret(O::Md5Cred),
        realm: l.opt_string(O::Realm as usize),
    }
}

fn build_aor(s: &Section, meta: ObjectMeta, b: &mut Builders) -> PjsipAor {
    use AorOption as O;
    let l = b.aor.lines(s);
    PjsipAor {
        meta,
        contacts: l.list(O::Contact as usize),
        max_contacts: l.opt_string(O::MaxContacts as usize),
        remove_existing: l.opt_string(O::RemoveExisting as usize),
        qualify_frequency: l.opt_string(O::QualifyFrequency as usize),
    }
}

fn build_identify(s: &Section, meta: ObjectMeta) -> PjsipIdentify {
    let matches = s
        .all("match")
        .flat_map(|v| {
            v.value
                .split(',')
                .map(str::trim)
                .filter(|m| !m.is_empty())
                .map(move |m| IdentifyMatch {
                    target: parse_match(m),
                    pos: v.value_pos(),
                })
        })
        .collect();
    PjsipIdentify {
        meta,
        endpoint: opt_string(s, "endpoint"),
        matches,
        match_header: opt_string(s, "match_header"),
        match_request_uri: opt_string(s, "match_request_uri"),
        srv_lookups: bool_option(s, "srv_lookups", true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asterisk::syntax::FileKind;

    /// A pjsip.conf of `extensions` endpoints (with auths, aors, identifies) and, by `seed`,
    /// what makes parts disagree if merged wrongly: ids repeated across the file, unknown
    /// options, refused values, templates, untyped sections, registrations, ACLs, globals.
    fn generated(extensions: usize, seed: u64, with_transport: bool) -> String {
        let mut state = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let mut next = move |n: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        let mut text = String::new();
        text.push_str("[ep-tpl](!)\ntype=endpoint\ncontext=from-internal\ndeny=0.0.0.0/0\npermit=10.0.0.0/8\n\n");
        text.push_str("[auth-tpl](!)\ntype=auth\nauth_type=userpass\n\n");
        if with_transport {
            text.push_str("[udp]\ntype=transport\nbind=0.0.0.0\n\n");
        }
        for e in 0..extensions {
            // Ids repeat (but for one seed in four): a later section may take an earlier id,
            // often in the other half.
            let id = if seed % 4 != 3 && next(10) == 0 {
                format!("{}", 1000 + next(extensions as u64))
            } else {
                format!("{}", 1000 + e)
            };
            text.push_str(&format!("[{id}](ep-tpl)\nauth={id}\naors={id}\n"));
            match next(12) {
                0 => text.push_str("frobnicate=yes\n"),
                1 => text.push_str("codec_prefs_incoming_offer=prefer:pending\n"),
                2 => text.push_str("identify_by=username,phone\n"),
                3 => text.push_str("permit=pbx.example.com\n"),
                4 => text.push_str("type=aor\n"),
                5 => text.push_str("webrtc=yes\ntransport=udp\n"),
                _ => {}
            }
            text.push('\n');
            if next(7) != 0 {
                text.push_str(&format!(
                    "[{id}](auth-tpl)\nusername={id}\npassword=pw{e}\n\n"
                ));
            } else {
                text.push_str(&format!("[{id}]\ntype=Auth\nusername={id}\n\n"));
            }
            text.push_str(&format!("[{id}]\ntype=aor\nmax_contacts=1\n"));
            if next(9) == 0 {
                text.push_str("contact=sip:x@10.0.0.1\n");
            }
            text.push('\n');
            match next(15) {
                0 | 1 => {
                    // An identify for some endpoint anywhere in the file.
                    let target = 1000 + next(extensions as u64 + 2);
                    let at = if next(4) == 0 {
                        "XXX.XXX.XXX.XXX"
                    } else {
                        "10.1.2.3"
                    };
                    text.push_str(&format!(
                        "[id-{e}]\ntype=identify\nendpoint={target}\nmatch={at}\n\n"
                    ));
                }
                2 => {
                    // Registration ids repeat for odd seeds only (else they may not load for
                    // want of a transport alone).
                    let n = if seed % 2 == 1 {
                        next(extensions as u64)
                    } else {
                        e as u64
                    };
                    text.push_str(&format!(
                        "[reg-{n}]\ntype=registration\nserver_uri=sip:itsp\noutbound_auth={id}\n\n"
                    ))
                }
                3 => text.push_str(&format!("[loose-{e}]\ncontext=x\n\n")),
                4 => text.push_str(&format!(
                    "[acl-{}]\ntype=acl\npermit=10.0.0.0/8\ncontact_deny=0.0.0.0/0\n\n",
                    next(3)
                )),
                5 => text.push_str(&format!(
                    "[global]\ntype=global\nendpoint_identifier_order=ip,username{e}\n\n"
                )),
                6 => text.push_str(&format!("[sys-{}]\ntype=System\nbogus=1\n\n", next(3))),
                7 => text.push_str(&format!("[tpl-{e}](!)\ntype=endpoint\n\n")),
                _ => {}
            }
        }
        text
    }

    fn conf_of(text: &str, split_at: usize, opts: &ModelOptions) -> PjsipConf {
        let config = crate::asterisk::load_texts(
            "etc",
            vec![("pjsip.conf".to_string(), text.as_bytes().to_vec())],
        );
        let (i, file) = config.file_of_kind(FileKind::Pjsip).expect("pjsip.conf");
        build_split_at(i, file, opts, split_at)
    }

    /// Everything the model says, lookups included.
    fn said(conf: &PjsipConf) -> String {
        let mut said = serde_json::to_string_pretty(conf).expect("serialisable");
        let ids = conf
            .objects
            .iter()
            .map(|o| o.meta.id.as_str())
            .chain(["nope", ""]);
        for id in ids {
            said.push_str(&format!(
                "\n{id}: {:?} {:?} {:?} {:?}",
                conf.endpoint(id).map(|o| o.meta.pos),
                conf.auth(id).map(|o| o.meta.pos),
                conf.aor(id).map(|o| o.meta.pos),
                conf.transport(id).map(|o| o.meta.pos),
            ));
        }
        said
    }

    #[test]
    fn two_parts_make_what_one_makes() {
        let versions = [
            ModelOptions::default(),
            ModelOptions {
                asterisk_version: Some(16),
            },
        ];
        let mut cross_duplicates = 0;
        for seed in 0..12 {
            for extensions in [1, 2, 7, 40, 150] {
                let with_transport = seed % 3 != 0;
                let text = generated(extensions, seed, with_transport);
                let opts = &versions[seed as usize % 2];
                let serial = conf_of(&text, usize::MAX, opts);
                let split = conf_of(&text, 0, opts);
                assert_eq!(
                    said(&serial),
                    said(&split),
                    "seed {seed}, {extensions} extensions:\n{text}"
                );
                // The split really happens and meets what it must merge.
                let half =
                    (serial.objects.last().map_or(0, |o| o.meta.section.section) + 1).div_ceil(2);
                cross_duplicates += serial
                    .duplicate_objects
                    .iter()
                    .filter(|d| {
                        let section_of = |pos: Pos| {
                            serial
                                .objects
                                .iter()
                                .find(|o| o.meta.pos == pos)
                                .map(|o| o.meta.section.section)
                        };
                        section_of(d.first) < Some(half) && section_of(d.second) >= Some(half)
                    })
                    .count();
            }
        }
        assert!(cross_duplicates > 0, "no duplicate across the parts");
    }

    /// A template's runs read once (their `type` line and whether they hold an unknown
    /// option, remembered across sections) give what reading every line of every section does:
    /// a template read for two types, a type set by the section over its template's, a base
    /// that grows between two sections on it.
    #[test]
    fn template_runs_read_once_are_every_line_read() {
        let text = "[common](!)\ncontext=internal\nmax_contacts=1\nbogus=1\n\
            [ep](!)\ntype=endpoint\ndirect_media=no\n\
            [e1](ep)\nallow=ulaw\n[e2](ep,common)\n[a1](common)\ntype=aor\n\
            [e3](common,ep)\n[a2](common)\ntype=AOR\n[x](ep)\ntype=auth\nusername=x\n\
            [base]\ntype=aor\n[b1](base)\n[base](+)\nmax_contacts=2\n[b2](base)\n\
            [base](+)\ncontext=oops\n[b3](base)\n[b4](base)\ntype=endpoint\n[e4](ep)\n";
        let config = crate::asterisk::load_texts(
            "etc",
            vec![("pjsip.conf".to_string(), text.as_bytes().to_vec())],
        );
        let (i, file) = config.file_of_kind(FileKind::Pjsip).expect("pjsip.conf");
        let opts = ModelOptions::default();
        let conf = build_split_at(i, file, &opts, usize::MAX);
        // Every line of every section, read plainly.
        let options = super::super::pjsip_options::PjsipOptions::embedded();
        let (mut kinds, mut unknown) = (Vec::new(), Vec::new());
        for s in file.live_sections() {
            let Some(ty) = s.get("type") else { continue };
            let kind = ty.value.trim().to_ascii_lowercase();
            if options.knows_type(&kind) {
                for v in s.variables.iter() {
                    if !v.name.eq_ignore_ascii_case("type")
                        && options.unknown(&kind, &v.name, None).is_some()
                    {
                        unknown.push((s.name.to_string(), v.name.to_string(), v.pos));
                    }
                }
            }
            kinds.push((s.name.to_string(), kind));
        }
        let got_kinds: Vec<(String, String)> = conf
            .objects
            .iter()
            .map(|o| (o.meta.id.to_string(), o.kind.to_string()))
            .collect();
        let got_unknown: Vec<(String, String, Pos)> = conf
            .unknown_options
            .iter()
            .map(|u| (u.id.clone(), u.option.clone(), u.pos))
            .collect();
        assert_eq!(got_kinds, kinds);
        assert_eq!(got_unknown, unknown);
        assert!(
            unknown
                .iter()
                .any(|(id, o, _)| id == "b3" && o == "context")
        );
        assert!(!unknown.iter().any(|(id, _, _)| id == "b2" || id == "e1"));
    }

    #[test]
    fn the_split_keeps_unknown_options_refusals_and_links_in_file_order() {
        let text = generated(300, 6, true);
        let opts = ModelOptions::default();
        let split = conf_of(&text, 0, &opts);
        assert!(!split.unknown_options.is_empty());
        assert!(!split.refused_values.is_empty());
        assert!(split.endpoints.iter().any(|e| !e.identify.is_empty()));
        assert!(!split.registrations.is_empty());
        assert!(split.failed_types.iter().any(|t| t == "endpoint"));
        assert_eq!(said(&conf_of(&text, usize::MAX, &opts)), said(&split));
        let no_transport = generated(300, 6, false);
        let split = conf_of(&no_transport, 0, &opts);
        assert!(
            split
                .registrations
                .iter()
                .any(|r| r.meta.dropped == Some(Dropped::NoTransport))
        );
        assert_eq!(
            said(&conf_of(&no_transport, usize::MAX, &opts)),
            said(&split)
        );
    }
}
