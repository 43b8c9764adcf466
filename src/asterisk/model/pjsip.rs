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
use super::name_memo::NameMemo;
use super::option_values::{self, Driver, Effect, RefusedValue, Scope};
use super::values::{bool_option, list_option, opt_string, string_option};
use super::{Located, ModelOptions, SectionRef};
use crate::asterisk::fast_hash::FastMap;
use crate::asterisk::secret::Secret;
use crate::asterisk::shared_text::Text;
use crate::asterisk::source::Pos;
use crate::asterisk::syntax::{ConfigFile, Section};
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

/// An object type met in the file (types are few: looked up by a scan).
struct ObjectType {
    /// The `type=` value, lower-cased (shared by the objects of the type).
    name: Text,
    /// Whether the option table documents the type (its options are checked).
    checked: bool,
    /// Whether each option name is unknown for the type: worked out once per name.
    unknown: NameMemo<bool>,
}

/// Interpret pjsip.conf.
pub fn build(file_index: usize, file: &ConfigFile, opts: &ModelOptions) -> PjsipConf {
    let options = super::pjsip_options::PjsipOptions::embedded();
    let file_invalid = file.is_invalid();
    let mut conf = PjsipConf {
        file: file_index as u32,
        ..PjsipConf::default()
    };

    // First pass: every typed live section, its unknown options and duplicates.
    // Keyed by (type number, id): types are few, ids many; no copy of either per section.
    let mut types: Vec<ObjectType> = Vec::new();
    // Sized once for every section (growing it rehashes every id each time).
    let mut first_of: FastMap<(u32, &str), Pos> =
        FastMap::with_capacity_and_hasher(file.sections.len(), Default::default());
    let mut metas: Vec<(usize, Text, ObjectMeta)> = Vec::with_capacity(file.sections.len());
    let mut checker = option_values::SectionChecker::new(Driver::Pjsip);
    let mut acl_cache = AclCache::default();
    let mut builders = Builders::default();
    for (i, s) in file.sections.iter().enumerate() {
        if s.is_template {
            continue;
        }
        let Some(ty) = s.get("type") else {
            conf.untyped_sections.push(super::sip::IgnoredSection {
                name: s.name.to_string(),
                pos: s.pos,
                section: SectionRef {
                    file: file_index as u32,
                    section: i as u32,
                },
                cause: super::sip::SkipCause::NoType,
                reason: "no type".to_string(),
            });
            continue;
        };
        // The type by number, without lower-casing (a copy) per section.
        let written = ty.value.trim();
        let type_id = match types
            .iter()
            .position(|t| t.name.eq_ignore_ascii_case(written))
        {
            Some(id) => id,
            None => {
                let name = written.to_ascii_lowercase();
                types.push(ObjectType {
                    checked: options.knows_type(&name),
                    name: Text::from(name),
                    unknown: NameMemo::default(),
                });
                types.len() - 1
            }
        };
        let ObjectType {
            name: kind,
            checked,
            unknown: unknown_names,
        } = &mut types[type_id];
        let kind: &str = kind.as_str();
        let mut dropped = file_invalid.then_some(Dropped::FileInvalid);
        if *checked {
            for v in &s.variables {
                if v.name.eq_ignore_ascii_case("type") {
                    continue;
                }
                let unknown = unknown_names.get_or_insert_with(&v.name, || {
                    options
                        .unknown(kind, &v.name, opts.asterisk_version)
                        .is_some()
                });
                if !unknown {
                    continue;
                }
                if let Some(known_since) = options.unknown(kind, &v.name, opts.asterisk_version) {
                    conf.unknown_options.push(UnknownOption {
                        object_type: kind.to_string(),
                        id: s.name.to_string(),
                        option: v.name.to_string(),
                        pos: v.pos,
                        known_since,
                    });
                    dropped.get_or_insert(Dropped::UnknownOption(v.name.to_string()));
                }
            }
        }
        {
            let before = conf.refused_values.len();
            checker.check(Scope::Pjsip(kind), s, Some(kind), &mut conf.refused_values);
            if let Some(r) = conf.refused_values[before..]
                .iter()
                .find(|r| r.effect == Effect::ObjectDropped)
            {
                dropped.get_or_insert(Dropped::ValueRefused(format!("{}={}", r.option, r.value)));
            }
        }
        match first_of.get(&(type_id as u32, s.name.as_str())) {
            Some(&first) => {
                conf.duplicate_objects.push(DuplicateObject {
                    object_type: kind.to_string(),
                    id: s.name.to_string(),
                    first,
                    second: s.pos,
                });
                if !conf.failed_types.iter().any(|t| t == kind) {
                    conf.failed_types.push(kind.to_string());
                }
            }
            None => {
                first_of.insert((type_id as u32, s.name.as_str()), s.pos);
            }
        }
        let meta = ObjectMeta {
            id: s.name.clone(),
            pos: s.pos,
            section: SectionRef {
                file: file_index as u32,
                section: i as u32,
            },
            type_pos: ty.pos,
            dropped,
        };
        metas.push((i, types[type_id].name.clone(), meta));
    }

    // Sized once: doubling Vecs of large objects leave up to half of them unused, and copy them.
    let count = |k: &str| metas.iter().filter(|(_, kind, _)| kind == k).count();
    conf.objects.reserve_exact(metas.len());
    conf.endpoints.reserve_exact(count("endpoint"));
    conf.auths.reserve_exact(count("auth"));
    conf.aors.reserve_exact(count("aor"));
    conf.identifies.reserve_exact(count("identify"));
    for (i, kind, mut meta) in metas {
        if conf.failed_types.iter().any(|t| *t == kind)
            && !matches!(meta.dropped, Some(Dropped::FileInvalid))
        {
            meta.dropped = Some(Dropped::DuplicateId);
        }
        let s = &file.sections[i];
        conf.objects.push(PjsipObject {
            kind: kind.clone(),
            meta: meta.clone(),
        });
        match kind.as_str() {
            "transport" => conf.transports.push(build_transport(s, meta)),
            "endpoint" => conf.endpoints.push(build_endpoint(s, meta, &mut builders)),
            "auth" => conf.auths.push(build_auth(s, meta, &mut builders)),
            "aor" => conf.aors.push(build_aor(s, meta, &mut builders)),
            "identify" => conf.identifies.push(build_identify(s, meta)),
            "registration" => conf.registrations.push(PjsipRegistration {
                meta,
                server_uri: opt_string(s, "server_uri"),
                client_uri: opt_string(s, "client_uri"),
                contact_user: opt_string(s, "contact_user"),
                outbound_auth: list_option(s, "outbound_auth"),
                transport: opt_string(s, "transport"),
                endpoint: opt_string(s, "endpoint"),
                line: bool_option(s, "line", false),
            }),
            "acl" => conf.acls.push(PjsipAcl {
                meta,
                acl: Acl::signalling(s, &mut acl_cache),
                contact_acl: Acl::contact(s, &mut acl_cache),
            }),
            "global" => {
                conf.global = Some(PjsipGlobal {
                    meta,
                    endpoint_identifier_order: string_option(
                        s,
                        "endpoint_identifier_order",
                        "ip,username,anonymous,header,auth_username",
                    ),
                    default_outbound_endpoint: opt_string(s, "default_outbound_endpoint"),
                })
            }
            _ => {}
        }
    }

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
    // Link identifies to their endpoints (every endpoint section with that id). The endpoints
    // of an id are a chain from the first (`NameIndex`) through `next_same_id`: no list per id.
    let mut next_same_id = vec![u32::MAX; conf.endpoints.len()];
    let mut last_of: FastMap<&str, u32> =
        FastMap::with_capacity_and_hasher(conf.endpoints.len(), Default::default());
    for (i, ep) in conf.endpoints.iter().enumerate() {
        if let Some(last) = last_of.insert(ep.meta.id.as_str(), i as u32) {
            next_same_id[last as usize] = i as u32;
        }
    }
    drop(last_of);
    let mut links: Vec<(usize, usize)> = Vec::new();
    for (idx, ident) in conf.identifies.iter().enumerate() {
        let Some(name) = &ident.endpoint else {
            continue;
        };
        let mut ep = conf.index.endpoints.get(&name.value);
        while let Some(i) = ep {
            links.push((i, idx));
            let next = next_same_id[i];
            ep = (next != u32::MAX).then_some(next as usize);
        }
    }
    for (ep, idx) in links {
        conf.endpoints[ep].identify.push(idx);
    }
    conf
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
        let mut last = [None; N];
        for v in &s.variables {
            let names = &self.names;
            let at = self.memo.get_or_insert_with(&v.name, || {
                names
                    .iter()
                    .position(|n| v.name.eq_ignore_ascii_case(n))
                    .map(|i| i as u8)
            });
            if let Some(at) = at {
                last[at as usize] = Some(v);
            }
        }
        Lines {
            section: s,
            names: self.names,
            last,
        }
    }
}

/// A section's last line of each option a builder reads (what [`Section::get`] answers).
struct Lines<'s, const N: usize> {
    section: &'s Section,
    names: [&'static str; N],
    last: [Option<&'s crate::asterisk::syntax::Variable>; N],
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

    /// Every item of a list option ([`list_option`]); nothing to read when it has no line.
    fn list(&self, at: usize) -> Vec<Located<Text>> {
        if self.last[at].is_none() {
            return Vec::new();
        }
        list_option(self.section, self.names[at])
    }
}

/// Defaults shared by every object that does not set the option (no copy per object).
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

/// What the builders of one file share: option names worked out once, ACLs, defaults.
struct Builders {
    endpoint: OptionNames<16>,
    auth: OptionNames<5>,
    aor: OptionNames<4>,
    acls: SharedAcls,
    defaults: Defaults,
}

impl Default for Builders {
    fn default() -> Self {
        Builders {
            endpoint: OptionNames::new(ENDPOINT_OPTIONS),
            auth: OptionNames::new(AUTH_OPTIONS),
            aor: OptionNames::new(AOR_OPTIONS),
            acls: SharedAcls::default(),
            defaults: Defaults::default(),
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
