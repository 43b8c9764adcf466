//! The site profile, version 1: the types a user's YAML deserializes into.
//!
//! Every struct refuses unknown fields; every string that reaches a generated file is a
//! validated [`Text`](super::safe_text::Text) kind; every value a later check may point at carries its
//! position ([`Spanned`], or the position inside [`Text`](super::safe_text::Text), [`Cidr`],
//! [`Secret`]). The doc comments here become the descriptions of the JSON Schema.

use super::safe_text::{
    ContextName, DialPattern, DialPrefix, DisplayName, Email, ExtensionNumber, FieldName, FilePath,
    HeaderName, Hostname, Name, PhoneNumber, Problem, ResponseCheck, Url, UrlPath, Username,
};
use super::secret::Secret;
use super::span::{Pos, Spanned};
use crate::twilio::webhook::{DEFAULT_LISTEN, DialStatus, PublicUrl};
use ipnet::IpNet;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize};
use std::borrow::Cow;
use std::fmt;
use std::net::{IpAddr, SocketAddr};

/// A pbxgen site profile (version 1): one Asterisk site.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "pbxgen site profile")]
pub struct Profile {
    /// Profile format version. Always `1`.
    #[schemars(range(min = 1, max = 1))]
    pub version: Spanned<u32>,
    /// The site: its name, the Asterisk version and which channel-driver files to produce.
    pub site: Site,
    /// Where Asterisk listens and which networks are local.
    pub network: Spanned<Network>,
    /// Twilio: calls from Twilio (origination), calls to Twilio (termination), numbers.
    #[serde(default)]
    pub twilio: Option<Twilio>,
    /// Other SIP trunks (ITSPs).
    #[serde(default)]
    pub trunks: Vec<Trunk>,
    /// Extensions: phones and softphones that register to this PBX.
    #[serde(default)]
    pub extensions: Vec<Extension>,
    /// Provisioned devices (Cisco/Linksys SPA3102 analogue telephone adapters).
    #[serde(default)]
    pub devices: Vec<Device>,
    /// Inbound routes: what happens to calls arriving from Twilio, a trunk or a PSTN line.
    #[serde(default)]
    pub inbound: Vec<InboundRoute>,
    /// Outbound routes: which dialled numbers go out over which trunk, and who may dial them.
    #[serde(default)]
    pub outbound: Vec<OutboundRoute>,
    /// Text messaging.
    #[serde(default)]
    pub sms: Sms,
    /// Click-to-call buttons: a web page (WebRTC in the browser, or a WebRTC-to-SIP gateway)
    /// calls one fixed callee. Their accounts are public by design: each reaches its callee and
    /// nothing else, whatever number is dialled.
    #[serde(default)]
    pub click_to_call: Vec<ClickToCall>,
    /// Facts computed while loading (origin, presets); see the accessors in `profile::model`.
    #[serde(skip)]
    pub(crate) resolved: super::resolved::Resolved,
}

// ---------------------------------------------------------------------------------------------
// site, network

/// The site.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// The site's name, used in file headers and file names (`home-lab`).
    pub name: Name,
    /// Target Asterisk major version: 20, 21, 22 or 23.
    #[schemars(range(min = 20, max = 23))]
    pub asterisk: Spanned<u32>,
    /// Which channel drivers serve the site: `pjsip` (pjsip.conf) and/or `sip` (chan_sip's
    /// sip.conf; chan_sip was removed in Asterisk 21). Default: `[pjsip]`. The first one listed
    /// serves every party (extension, trunk, PSTN line, Twilio) that names no `driver`; with both,
    /// both are loaded, each on its own ports (`chan_sip_port` of each transport).
    #[serde(default = "default_channel_drivers")]
    pub channel_drivers: Vec<Spanned<ChannelDriver>>,
    /// A long random secret (at least 32 characters) pbxgen derives public credentials from:
    /// the passwords of click-to-call buttons that give none. Never written into any file, and
    /// used for nothing else (a published derived password must not expose a real secret).
    #[serde(default)]
    pub secret_key: Option<Secret>,
}

fn default_channel_drivers() -> Vec<Spanned<ChannelDriver>> {
    vec![Spanned::unplaced(ChannelDriver::Pjsip)]
}

/// A SIP channel driver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ChannelDriver {
    /// chan_pjsip: pjsip.conf.
    Pjsip,
    /// chan_sip: sip.conf (Asterisk 20 only).
    Sip,
}

/// Where Asterisk listens, its public address and the local networks.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// Address to bind SIP transports to: `0.0.0.0` (default, all IPv4) or `::`.
    #[serde(default = "default_bind")]
    pub bind: Spanned<IpAddr>,
    /// The address other parties reach this PBX at (signalling and media), when it is behind
    /// NAT: an IPv4 address or a host name.
    #[serde(default)]
    pub public_address: Option<Hostname>,
    /// Local networks (not NATed; the default ACL of extensions).
    #[serde(default)]
    pub local_nets: Vec<Cidr>,
    /// SIP over UDP; present when given (`udp:` alone, `udp: {}` or `udp: { port: 5070 }`).
    #[serde(default, deserialize_with = "present_plain_transport")]
    pub udp: Option<PlainTransport>,
    /// SIP over TCP; present when given (`tcp:` alone, `tcp: {}` or `tcp: { port: 5070 }`).
    #[serde(default, deserialize_with = "present_plain_transport")]
    pub tcp: Option<PlainTransport>,
    /// SIP over TLS; present when given (with `cert_file` and `key_file`).
    #[serde(default, deserialize_with = "present_tls_transport")]
    #[schemars(with = "TlsTransport")]
    pub tls: Option<TlsTransport>,
}

/// `tls:` with no value cannot be TLS (it needs a certificate and key): refused, rather than
/// read as "no TLS".
fn present_tls_transport<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<TlsTransport>, D::Error> {
    match Option::<TlsTransport>::deserialize(deserializer)? {
        Some(tls) => Ok(Some(tls)),
        None => Err(serde::de::Error::custom(
            "`tls` needs `cert_file` and `key_file`, found no value",
        )),
    }
}

/// A name, but not `twilio` (routes say `twilio` to mean the `twilio:` section) nor an
/// extension's device name (`ext<number>`: a caller naming it would be taken for the phone).
fn trunk_name_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let mut schema = Name::json_schema(generator);
    schema.insert(
        "not".to_string(),
        serde_json::json!({ "anyOf": [
            { "const": super::resolved::TWILIO },
            { "pattern": format!("^{}[0-9]+$", super::resolved::EXTENSION_DEVICE_PREFIX) },
        ] }),
    );
    schema
}

/// A trunk name ([`trunk_name_schema`]) that is not all digits either: a PSTN line registers
/// with it, and a caller whose caller ID it equals would be taken for the line.
fn pstn_line_name_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let mut schema = Name::json_schema(generator);
    schema.insert(
        "not".to_string(),
        serde_json::json!({ "anyOf": [
            { "const": super::resolved::TWILIO },
            { "pattern": format!("^{}[0-9]+$", super::resolved::EXTENSION_DEVICE_PREFIX) },
            { "pattern": "^[0-9]+$" },
        ] }),
    );
    schema
}

/// A phone number in E.164 form: it starts with `+` (Twilio dials a failover number as given).
fn e164_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let mut schema = PhoneNumber::json_schema(generator);
    schema.insert(
        "allOf".to_string(),
        serde_json::json!([{ "pattern": "^\\+" }]),
    );
    schema
}

/// The provider presets pbxgen embeds, by name (the loader refuses any other).
fn provider_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "description": "A provider preset (`zadarma`).",
        "enum": super::preset::provider_names(),
    })
}

/// A transport key is the transport: `udp:` with no value (YAML null) is UDP on the default
/// port, as `udp: {}` is; only a missing key means no UDP.
fn present_plain_transport<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<PlainTransport>, D::Error> {
    let given = Option::<PlainTransport>::deserialize(deserializer)?;
    Ok(Some(given.unwrap_or(PlainTransport {
        port: default_sip_port(),
        chan_sip_port: None,
    })))
}

fn default_bind() -> Spanned<IpAddr> {
    Spanned::unplaced(IpAddr::from([0, 0, 0, 0]))
}

/// A UDP or TCP transport.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlainTransport {
    /// Port (default 5060).
    #[serde(default = "default_sip_port")]
    pub port: Spanned<u16>,
    /// The port chan_sip listens on when `site.channel_drivers` lists both `pjsip` and `sip`
    /// (pjsip takes `port`; two drivers cannot share one). Default: `port` + 100.
    #[serde(default)]
    pub chan_sip_port: Option<Spanned<u16>>,
}

fn default_sip_port() -> Spanned<u16> {
    Spanned::unplaced(5060)
}

/// The TLS transport.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TlsTransport {
    /// Port (default 5061).
    #[serde(default = "default_tls_port")]
    pub port: Spanned<u16>,
    /// The port chan_sip listens on when `site.channel_drivers` lists both `pjsip` and `sip`
    /// (pjsip takes `port`). Default: `port` + 100.
    #[serde(default)]
    pub chan_sip_port: Option<Spanned<u16>>,
    /// Certificate file (PEM) on the PBX.
    pub cert_file: FilePath,
    /// Private key file (PEM) on the PBX.
    pub key_file: FilePath,
    /// CA bundle verifying the TLS servers this PBX connects to (Twilio, TLS trunks). Default:
    /// `/etc/ssl/certs/ca-certificates.crt` (Debian, Ubuntu). Neither pjproject nor chan_sip
    /// loads a system trust store, so a CA list is always written; on other systems name the
    /// bundle here (RHEL: `/etc/pki/tls/certs/ca-bundle.crt`).
    #[serde(default)]
    pub ca_file: Option<FilePath>,
}

fn default_tls_port() -> Spanned<u16> {
    Spanned::unplaced(5061)
}

/// A network address in CIDR form (`192.168.1.0/24`); a bare address means one host (`/32`,
/// `/128`). Host bits must be zero: `10.0.0.1/8` is refused (did you mean `10.0.0.0/8`?).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Cidr {
    net: IpNet,
    pos: Pos,
}

impl Cidr {
    /// Parse `text` (position unknown).
    pub fn parse(text: &str) -> Result<Cidr, Problem> {
        parse_cidr(text, Pos::default())
    }
    /// The network.
    pub fn net(&self) -> IpNet {
        self.net
    }
    /// Where it was written.
    pub fn pos(&self) -> &Pos {
        &self.pos
    }
}

fn parse_cidr(text: &str, pos: Pos) -> Result<Cidr, Problem> {
    let net = if text.contains('/') {
        text.parse::<IpNet>().map_err(|_| {
            Problem::new(format!(
                "expected a network address like `192.168.1.0/24`, found `{text}`"
            ))
        })?
    } else {
        let addr = text.parse::<IpAddr>().map_err(|_| {
            Problem::new(format!(
                "expected an IP address or a network like `192.168.1.0/24`, found `{text}`"
            ))
        })?;
        IpNet::from(addr)
    };
    if net.trunc() != net {
        return Err(Problem::new(format!(
            "`{text}` is not a network address: the bits after /{} must be zero",
            net.prefix_len()
        ))
        .with_hint(format!(
            "did you mean `{}`? (or `{}` for the single host)",
            net.trunc(),
            IpNet::from(net.addr())
        )));
    }
    Ok(Cidr { net, pos })
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.net.fmt(f)
    }
}

impl fmt::Debug for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.net)
    }
}

impl<'de> Deserialize<'de> for Cidr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<String>::deserialize(deserializer)?;
        let pos = Pos::from_saphyr(&s.referenced);
        parse_cidr(s.value.trim(), pos.clone())
            .map_err(|problem| super::load::located_error(&pos, &problem))
    }
}

impl Serialize for Cidr {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.net)
    }
}

impl JsonSchema for Cidr {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("Cidr")
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "An IP network in CIDR form (`192.168.1.0/24`) or one address; host bits must be zero.",
            "pattern": "^[0-9A-Fa-f:.]+(/[0-9]{1,3})?$",
            "examples": ["192.168.1.0/24"],
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Twilio

/// Twilio Elastic SIP Trunking / Programmable Voice.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Twilio {
    /// Which Twilio range preset to use: `default` (the copy embedded in pbxgen, from
    /// profiles/twilio.yaml) or a path to a preset file (relative to this profile).
    #[serde(default)]
    pub preset: Option<Spanned<String>>,
    /// Calls from Twilio to this PBX, recognised by Twilio's published source addresses.
    #[serde(default)]
    pub origination: Option<Origination>,
    /// Calls from this PBX to Twilio (an Elastic SIP trunk or a SIP domain).
    #[serde(default)]
    pub termination: Option<Spanned<Termination>>,
    /// Twilio numbers routed to this PBX (a TwiML file is rendered per number).
    #[serde(default)]
    pub numbers: Vec<TwilioNumber>,
    /// The signed-webhook server `pbxgen twilio serve`: Twilio fetches each number's TwiML from
    /// it and posts the outcome of the call to it (failover). Rendered as the systemd unit
    /// `pbxgen-twilio.service`; the TwiML files then name it as their `<Dial action>`.
    #[serde(default)]
    pub webhook: Option<Spanned<TwilioWebhook>>,
    /// The channel driver serving Twilio (origination and termination): `pjsip` or `sip`
    /// (default: the first of `site.channel_drivers`).
    #[serde(default)]
    pub driver: Option<Spanned<ChannelDriver>>,
}

/// The Twilio webhook server (`pbxgen twilio serve`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TwilioWebhook {
    /// The base URL Twilio calls (`https://pbx.example.net/twilio`): each number is served at
    /// `<public_url>/NAME/voice` and `<public_url>/NAME/dial-status`. Twilio's signature covers
    /// this URL, so it must be exactly what you configure at Twilio. `http://` works but is an
    /// audit finding (PBX311): the TwiML answers could be read and changed on the way.
    pub public_url: WebhookUrl,
    /// Where the server listens (default `127.0.0.1:8088`: behind a TLS reverse proxy on the
    /// same host). A port below 1024 gives the systemd unit `CAP_NET_BIND_SERVICE`.
    #[serde(default)]
    pub listen: ListenAddr,
    /// Twilio's auth token of the account (the key of every request's signature).
    pub auth_token: Secret,
    /// Serve HTTPS directly with these PEM files instead of plain HTTP behind a proxy.
    #[serde(default)]
    pub tls: Option<WebhookTls>,
}

/// PEM files for the webhook server's own HTTPS.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookTls {
    /// Certificate chain (PEM, leaf first) on the PBX.
    pub cert_file: FilePath,
    /// Private key (PEM: PKCS#8, PKCS#1 or SEC1) on the PBX.
    pub key_file: FilePath,
}

/// The webhook's public base URL: `https://` (or `http://`), a host, an optional port and
/// path; no query, fragment or credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookUrl {
    url: PublicUrl,
    pos: Pos,
}

impl WebhookUrl {
    /// The parsed URL.
    pub fn url(&self) -> &PublicUrl {
        &self.url
    }
    /// Where it was written.
    pub fn pos(&self) -> &Pos {
        &self.pos
    }
}

impl fmt::Display for WebhookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.url.fmt(f)
    }
}

impl fmt::Debug for WebhookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.url)
    }
}

impl<'de> Deserialize<'de> for WebhookUrl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<String>::deserialize(deserializer)?;
        let pos = Pos::from_saphyr(&s.referenced);
        match PublicUrl::parse(s.value.trim()) {
            Ok(url) => Ok(WebhookUrl { url, pos }),
            Err(e) => {
                let mut problem = Problem::new(e.message);
                problem.hint = e.hint;
                Err(super::load::located_error(&pos, &problem))
            }
        }
    }
}

impl JsonSchema for WebhookUrl {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("WebhookUrl")
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "The URL Twilio calls: `https://host[:port][/path]`, no query, fragment or user name.",
            "pattern": "^https?://[^/?#@\\s]+(/[^?#\\s]*)?$",
            "examples": ["https://pbx.example.net/twilio"],
        })
    }
}

/// An address and port to listen on (`127.0.0.1:8088`, `[::1]:8088`, `0.0.0.0:8443`).
#[derive(Clone, PartialEq, Eq)]
pub struct ListenAddr {
    addr: SocketAddr,
    pos: Pos,
}

impl ListenAddr {
    /// The address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
    /// Where it was written (unknown for the default).
    pub fn pos(&self) -> &Pos {
        &self.pos
    }
}

impl Default for ListenAddr {
    fn default() -> Self {
        ListenAddr {
            addr: DEFAULT_LISTEN.parse().expect("a valid default"),
            pos: Pos::default(),
        }
    }
}

impl fmt::Display for ListenAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.addr.fmt(f)
    }
}

impl fmt::Debug for ListenAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.addr.fmt(f)
    }
}

/// The text of a listen address; an unquoted `[::1]:8088` reads as a YAML list, and says so.
struct ListenText(String);

impl<'de> Deserialize<'de> for ListenText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = ListenText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an address and port like `127.0.0.1:8088`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ListenText, E> {
                Ok(ListenText(v.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, _: A) -> Result<ListenText, A::Error> {
                Err(super::load::located_error(
                    &Pos::default(),
                    &Problem::new("expected an address and port, found a YAML list")
                        .with_hint("quote an IPv6 address: `listen: \"[::1]:8088\"`"),
                ))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for ListenAddr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<ListenText>::deserialize(deserializer)?;
        let pos = Pos::from_saphyr(&s.referenced);
        let text = s.value.0;
        match text.trim().parse::<SocketAddr>() {
            Ok(addr) => Ok(ListenAddr { addr, pos }),
            Err(_) => Err(super::load::located_error(
                &pos,
                &Problem::new(format!(
                    "expected an address and port like `127.0.0.1:8088`, found `{}`",
                    text.escape_debug()
                ))
                .with_hint(
                    "IPv6 addresses go in brackets and quotes: `\"[::1]:8088\"`; host names are not accepted",
                ),
            )),
        }
    }
}

impl JsonSchema for ListenAddr {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("ListenAddr")
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "An IP address and port: `127.0.0.1:8088` or `[::1]:8088`.",
            "pattern": "^(\\[[0-9A-Fa-f:.]+\\]|[0-9.]+):[0-9]{1,5}$",
            "default": DEFAULT_LISTEN,
            "examples": [DEFAULT_LISTEN],
        })
    }
}

/// Calls from Twilio. Twilio's addresses are shared by all Twilio customers, so the context
/// must reach only local destinations (pbxgen never lets it dial out on its own).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Origination {
    /// Which edges' signalling ranges to accept: `all` (default; Twilio fails calls over
    /// between edges) or a list of edge names (`ashburn`, or legacy `us1`).
    #[serde(default)]
    pub edges: Edges,
    /// The inbound context calls from Twilio enter.
    pub context: ContextName,
}

/// `all` or a list of Twilio edge names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Edges {
    /// Every edge of the preset.
    #[default]
    All,
    /// These edges only (names as written; checked against the preset while loading).
    Only(Vec<Name>),
}

impl<'de> Deserialize<'de> for Edges {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        keyword_or_list(deserializer, "all", "`all` or a list of Twilio edge names")
            .map(|v| v.map_or(Edges::All, Edges::Only))
    }
}

impl JsonSchema for Edges {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("Edges")
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let item = generator.subschema_for::<Name>();
        json_schema!({
            "description": "`all` or a list of Twilio edge names (current or legacy).",
            "oneOf": [
                { "const": "all" },
                { "type": "array", "items": item, "minItems": 1 }
            ]
        })
    }
}

/// Calls to Twilio.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Termination {
    /// Elastic SIP trunk termination FQDN: `NAME.pstn.twilio.com`. Give this or `sip_domain`.
    #[serde(default)]
    pub trunk: Option<Hostname>,
    /// Programmable Voice SIP domain: `NAME.sip.twilio.com`. Give this or `trunk`.
    #[serde(default)]
    pub sip_domain: Option<Hostname>,
    /// Send to this edge (`ashburn`, `dublin` …): `NAME.pstn.EDGE.twilio.com`.
    #[serde(default)]
    pub edge: Option<Name>,
    /// `tls` (default) or `udp`.
    #[serde(default)]
    pub transport: Spanned<TwilioTransport>,
    /// Encrypt media (SRTP); only with `transport: tls`. Default: on with TLS.
    #[serde(default)]
    pub srtp: Option<Spanned<bool>>,
    /// Credential-list user name (at most 32 characters).
    pub username: Username,
    /// Credential-list password (Twilio requires at least 12 characters, mixed case, a digit).
    pub password: Secret,
    /// Caller ID presented on outgoing calls (must be a number you own or verified at Twilio).
    #[serde(default)]
    pub caller_id: Option<PhoneNumber>,
}

impl Termination {
    /// Whether media is encrypted: `srtp`, or by default whenever the transport is TLS.
    pub fn srtp_enabled(&self) -> bool {
        self.srtp
            .as_ref()
            .map_or(*self.transport == TwilioTransport::Tls, |s| s.value)
    }
}

/// Transport to Twilio.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TwilioTransport {
    /// SIP over TLS on 5061 (with SRTP: Twilio's Secure Media).
    #[default]
    Tls,
    /// SIP over UDP on 5060, unencrypted.
    Udp,
}

/// A Twilio phone number that reaches this PBX.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TwilioNumber {
    /// The number, E.164 (`+15551234567`).
    pub number: PhoneNumber,
    /// A short name for files (`main` → twiml-main.xml) and the webhook's paths
    /// (`<public_url>/main/voice`).
    pub name: Name,
    /// Where Twilio sends the call when the PBX does not take it (needs `twilio.webhook`: the
    /// webhook answers the `<Dial action>` callback with a `<Dial>` to this number).
    #[serde(default)]
    pub failover: Option<Spanned<Failover>>,
}

/// A failover number and the outcomes of the call to the PBX that send the call there.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Failover {
    /// The number Twilio dials, E.164 (`+59899999999`).
    #[schemars(schema_with = "e164_schema")]
    pub number: PhoneNumber,
    /// The `DialCallStatus` values of the PBX leg that fail over (`[failed, busy, no-answer]`:
    /// the PBX is down or unreachable, busy, or nobody answered). Any other outcome ends the call.
    #[schemars(extend("uniqueItems" = true))]
    pub on: Vec<Spanned<DialStatus>>,
}

// ---------------------------------------------------------------------------------------------
// trunks

/// A SIP trunk to an ITSP.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Trunk {
    /// The trunk's name (section names; routes refer to it). `twilio` is reserved.
    #[schemars(schema_with = "trunk_name_schema")]
    pub name: Name,
    /// The ITSP's SIP server.
    pub host: Hostname,
    /// Its port (default: 5060, or 5061 with TLS).
    #[serde(default)]
    pub port: Option<Spanned<u16>>,
    /// `udp` (default), `tcp` or `tls`.
    #[serde(default)]
    pub transport: Spanned<Transport>,
    /// Authentication user name.
    #[serde(default)]
    pub username: Option<Username>,
    /// Authentication password.
    #[serde(default)]
    pub password: Option<Secret>,
    /// Register to the ITSP (needs `username` and `password`).
    #[serde(default)]
    pub register: bool,
    /// The inbound context calls from this trunk enter.
    pub context: ContextName,
    /// Source networks the ITSP sends from: inbound requests are matched to the trunk by these
    /// addresses (identification and ACL). Required: without it the trunk's endpoint is never
    /// matched for inbound calls. `[]` declares an outbound-only trunk.
    pub allow_from: Vec<Cidr>,
    /// Caller ID presented on outgoing calls.
    #[serde(default)]
    pub caller_id: Option<PhoneNumber>,
    /// Codecs in order of preference (default: `[ulaw, alaw]`).
    #[serde(default)]
    pub codecs: Option<Vec<Codec>>,
    /// The channel driver serving this trunk: `pjsip` or `sip` (default: the first of
    /// `site.channel_drivers`).
    #[serde(default)]
    pub driver: Option<Spanned<ChannelDriver>>,
}

/// A SIP transport.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    #[default]
    Udp,
    Tcp,
    Tls,
}

/// An audio codec (Asterisk names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Codec {
    /// G.711 µ-law.
    Ulaw,
    /// G.711 A-law.
    Alaw,
    /// G.722 wideband.
    G722,
    /// Opus.
    Opus,
    /// G.729.
    G729,
}

// ---------------------------------------------------------------------------------------------
// extensions, devices

/// An extension: one SIP account for a phone or softphone.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Extension {
    /// The extension number (digits): what is dialled, the caller ID, the voicemail box. The
    /// phone registers as `ext<number>` (device names are never numbers: a caller ID must not
    /// select a device).
    pub number: ExtensionNumber,
    /// Display name (caller ID name).
    pub name: DisplayName,
    /// The SIP password.
    pub secret: Secret,
    /// What registers as this extension: `softphone` (default) or `spa3102:DEVICE` (the FXS
    /// line of that device).
    #[serde(default)]
    pub device: Option<DeviceRef>,
    /// Networks this extension may register and call from (default: `network.local_nets`).
    #[serde(default)]
    pub permit: Option<Vec<Cidr>>,
    /// Voicemail box.
    #[serde(default)]
    pub voicemail: Option<Voicemail>,
    /// May send and receive text messages (SIP MESSAGE / WebSMS).
    #[serde(default)]
    pub sms: bool,
    /// Codecs in order of preference (default: `[ulaw, alaw]`).
    #[serde(default)]
    pub codecs: Option<Vec<Codec>>,
    /// The channel driver serving this extension: `pjsip` or `sip` (default: the first of
    /// `site.channel_drivers`).
    #[serde(default)]
    pub driver: Option<Spanned<ChannelDriver>>,
}

/// What registers as an extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRef {
    pub kind: DeviceRefKind,
    pub pos: Pos,
}

/// See [`DeviceRef`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceRefKind {
    /// A softphone or IP phone configured by hand.
    Softphone,
    /// Line 1 (FXS) of the SPA3102 named here.
    Spa3102(String),
}

impl<'de> Deserialize<'de> for DeviceRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<String>::deserialize(deserializer)?;
        let pos = Pos::from_saphyr(&s.referenced);
        let kind = match s.value.split_once(':') {
            None if s.value == "softphone" => DeviceRefKind::Softphone,
            Some(("spa3102", name)) if !name.is_empty() => DeviceRefKind::Spa3102(name.to_string()),
            _ => {
                let problem = Problem::new(format!(
                    "expected `softphone` or `spa3102:DEVICE`, found `{}`",
                    s.value
                ))
                .with_hint("`spa3102:home` names the device `home` in `devices:`");
                return Err(super::load::located_error(&pos, &problem));
            }
        };
        Ok(DeviceRef { kind, pos })
    }
}

impl JsonSchema for DeviceRef {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("DeviceRef")
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "`softphone` or `spa3102:DEVICE`.",
            "pattern": "^(softphone|spa3102:[A-Za-z0-9][A-Za-z0-9_-]*)$",
        })
    }
}

/// A voicemail box.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Voicemail {
    /// Whether the box exists (default true).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// The box's PIN (digits).
    pub pin: Secret,
    /// Send new messages to this address.
    #[serde(default)]
    pub email: Option<Email>,
}

fn yes() -> bool {
    true
}

/// A provisioned device.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Device {
    /// The device's name (`spa3102:NAME` in extensions refers to it; its file is named after it).
    pub name: Name,
    /// The model. Only `spa3102` for now.
    pub model: Spanned<DeviceModel>,
    /// The device's address on the LAN (its SIP accounts are limited to it).
    pub lan_address: Spanned<IpAddr>,
    /// Line 1 (the analogue phone port): registers as this extension.
    #[serde(default)]
    pub fxs: Option<Fxs>,
    /// The PSTN line (the landline port): registers as a trunk.
    #[serde(default)]
    pub pstn: Option<Pstn>,
    /// Overrides of the model's defaults (profiles/spa3102.yaml).
    #[serde(default)]
    pub settings: Spa3102Settings,
}

/// A device model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DeviceModel {
    /// Cisco/Linksys SPA3102: one FXS port, one FXO (PSTN) port.
    Spa3102,
}

/// The FXS line (Line 1).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fxs {
    /// The extension Line 1 registers as.
    pub extension: ExtensionNumber,
}

/// The PSTN line (FXO): a trunk to the landline. Calls from the landline enter `context`;
/// inbound routes with `from: TRUNK` say what rings.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pstn {
    /// The trunk name the PSTN line registers as (`atapstn`); routes refer to it.
    #[schemars(schema_with = "pstn_line_name_schema")]
    pub trunk: Name,
    /// The password the PSTN line registers with.
    pub secret: Secret,
    /// The user name the device demands (HTTP Digest) before it dials out on the landline
    /// (default: the trunk name).
    #[serde(default)]
    pub gateway_user: Option<Username>,
    /// The password the device demands before it dials out on the landline. Never leave the
    /// gateway open: it would let anyone reaching the device call on your landline.
    pub gateway_password: Secret,
    /// The inbound context landline calls enter.
    pub context: ContextName,
    /// The channel driver serving the PSTN line: `pjsip` or `sip` (default: the first of
    /// `site.channel_drivers`).
    #[serde(default)]
    pub driver: Option<Spanned<ChannelDriver>>,
}

/// SPA3102 settings; every field defaults to profiles/spa3102.yaml.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Spa3102Settings {
    /// Preferred codec of both lines: `G711u` or `G711a`.
    #[serde(default)]
    pub preferred_codec: Option<SpaCodec>,
    /// DTMF transmit method (`AVT` = RFC 2833).
    #[serde(default)]
    pub dtmf_tx_method: Option<SpaDtmf>,
    /// Registration expiry, seconds.
    #[serde(default)]
    pub register_expires: Option<u32>,
    /// SIP port of Line 1 (FXS).
    #[serde(default)]
    pub fxs_sip_port: Option<u16>,
    /// SIP port of the PSTN line (FXO).
    #[serde(default)]
    pub pstn_sip_port: Option<u16>,
    /// Seconds the device waits before answering a landline call (long enough to read caller ID).
    #[serde(default)]
    pub pstn_answer_delay: Option<u32>,
    /// Seconds before a landline call rings through to Line 1.
    #[serde(default)]
    pub pstn_ring_thru_delay: Option<u32>,
    /// Accept SIP only from the proxy's address.
    #[serde(default)]
    pub restrict_source_ip: Option<bool>,
}

/// SPA codec names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum SpaCodec {
    G711u,
    G711a,
}

/// SPA DTMF transmit methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum SpaDtmf {
    /// RFC 2833 (Asterisk `rfc4733` / `rfc2833`).
    #[serde(rename = "AVT")]
    Avt,
    #[serde(rename = "INFO")]
    Info,
    InBand,
    Auto,
}

// ---------------------------------------------------------------------------------------------
// routes

/// What happens to calls arriving from Twilio, a trunk or a PSTN line.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InboundRoute {
    /// Where the calls come from: `twilio`, a trunk name, or a PSTN line's trunk name.
    pub from: Name,
    /// Only calls to this number (default: every call from `from`).
    #[serde(default)]
    pub did: Option<PhoneNumber>,
    /// Extensions rung together, for `timeout` seconds.
    #[serde(default)]
    pub ring: Vec<ExtensionNumber>,
    /// Seconds to ring (default 20).
    #[serde(default = "default_ring_timeout")]
    #[schemars(range(min = 1, max = 600))]
    pub timeout: Spanned<u32>,
    /// Then (or at once, with no `ring`) forward the call to this number over this trunk.
    #[serde(default)]
    pub forward: Option<Forward>,
    /// When nobody answered: `hangup` (default) or `voicemail:EXT`.
    #[serde(default)]
    pub fallback: Fallback,
}

fn default_ring_timeout() -> Spanned<u32> {
    Spanned::unplaced(20)
}

/// Forward a call to an outside number.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Forward {
    /// The number, as the trunk dials it.
    pub number: PhoneNumber,
    /// The trunk (`twilio`, a trunk name, or a PSTN line such as `atapstn`).
    pub via: Name,
}

/// The last step of an inbound route.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Fallback {
    /// Hang up.
    #[default]
    Hangup,
    /// Leave a message in this extension's voicemail box.
    Voicemail(ExtensionNumber),
}

impl<'de> Deserialize<'de> for Fallback {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<String>::deserialize(deserializer)?;
        let pos = Pos::from_saphyr(&s.referenced);
        let fail = |problem: Problem| super::load::located_error::<D::Error>(&pos, &problem);
        match s.value.split_once(':') {
            None if s.value == "hangup" => Ok(Fallback::Hangup),
            Some(("voicemail", ext)) => {
                let number = super::safe_text::Text::new(ext).map_err(fail)?;
                Ok(Fallback::Voicemail(number.placed(pos.clone())))
            }
            _ => Err(fail(Problem::new(format!(
                "expected `hangup` or `voicemail:EXT`, found `{}`",
                s.value
            )))),
        }
    }
}

impl JsonSchema for Fallback {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("Fallback")
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "`hangup` or `voicemail:EXT`.",
            "pattern": "^(hangup|voicemail:[0-9]+)$",
        })
    }
}

/// Dialled numbers that go out over a trunk.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutboundRoute {
    /// The route's name.
    pub name: Name,
    /// Dialplan patterns (`_0[1-9]XXXXXXXX`) or literal numbers.
    pub patterns: Vec<DialPattern>,
    /// The trunk: `twilio` (termination), a trunk name, or a PSTN line (`atapstn`).
    pub trunk: Name,
    /// Digits removed from the front of the dialled number (default 0).
    #[serde(default)]
    pub prefix_strip: Spanned<u8>,
    /// Digits put in front after stripping (`+44`).
    #[serde(default)]
    pub prepend: Option<DialPrefix>,
    /// Who may use the route: `all-extensions` (default: every authenticated extension) or a
    /// list of extension numbers. Calls from trunks and Twilio never may.
    #[serde(default)]
    pub allowed: Allowed,
}

/// Which extensions may use an outbound route.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Allowed {
    /// Every extension (they all authenticate).
    #[default]
    AllExtensions,
    /// Only these extensions.
    Extensions(Vec<ExtensionNumber>),
}

impl<'de> Deserialize<'de> for Allowed {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        keyword_or_list(
            deserializer,
            "all-extensions",
            "`all-extensions` or a list of extension numbers",
        )
        .map(|v| v.map_or(Allowed::AllExtensions, Allowed::Extensions))
    }
}

impl JsonSchema for Allowed {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("Allowed")
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let item = generator.subschema_for::<ExtensionNumber>();
        json_schema!({
            "description": "`all-extensions` or a list of extension numbers.",
            "oneOf": [
                { "const": "all-extensions" },
                { "type": "array", "items": item, "minItems": 1 }
            ]
        })
    }
}

// ---------------------------------------------------------------------------------------------
// SMS

/// Text messaging.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sms {
    /// The WebSMS bridge between Asterisk and an ITSP's HTTP SMS API (websms.conf).
    #[serde(default)]
    pub websms: Option<WebSms>,
}

/// The WebSMS bridge. With `provider`, the preset supplies the API settings and webhook
/// sources; anything given here overrides it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebSms {
    /// websms.conf key layout: `legacy` (before WebSMS 0.8.0) or `current`. Never mixed.
    pub layout: Spanned<WebSmsLayout>,
    /// A provider preset (`zadarma`).
    #[serde(default)]
    #[schemars(schema_with = "provider_schema")]
    pub provider: Option<Name>,
    /// The ITSP's send API.
    #[serde(default)]
    pub api: WebSmsApi,
    /// Form field names of the ITSP's API.
    #[serde(default)]
    pub fields: WebSmsFields,
    /// Who may deliver incoming messages to websmsd.
    #[serde(default)]
    pub webhook: Webhook,
    /// Extensions that receive incoming messages.
    #[serde(default)]
    pub deliver_to: Vec<ExtensionNumber>,
    /// The dialplan contexts of the call files (default per layout: legacy
    /// `dp_entry_channel_open`/`dp_entry_trunk_texting`, current `dp_entry_answer`/`dp_entry_text_in`).
    #[serde(default)]
    pub contexts: WebSmsContexts,
}

/// websms.conf key layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum WebSmsLayout {
    /// Keys and contexts before WebSMS 0.8.0 (May/June 2020): `host`, `auth_passwd`, `permit_addr` …
    Legacy,
    /// Today's keys: `url_host`, `auth_secret`, `remt_addr` …
    Current,
}

/// The ITSP's SMS send API.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebSmsApi {
    /// Base URL (`https://api.zadarma.com`).
    #[serde(default)]
    pub url: Option<Url>,
    /// Path (`/v1/sms/send/`).
    #[serde(default)]
    pub path: Option<UrlPath>,
    /// `none`, `plain`, `basic` or `zadarma` (legacy layout: `basic` or `zadarma` only).
    #[serde(default)]
    pub auth_method: Option<Spanned<AuthMethod>>,
    /// API user (key).
    #[serde(default)]
    pub user: Option<Username>,
    /// API secret.
    #[serde(default)]
    pub secret: Option<Secret>,
    /// `key=value` a successful reply contains (`status=success`).
    #[serde(default)]
    pub response_check: Option<ResponseCheck>,
    /// How numbers are sent: `e164` (`+4420…`) or `no-plus` (`4420…`).
    #[serde(default)]
    pub number_format: Option<Spanned<NumberFormat>>,
}

/// WebSMS authentication methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AuthMethod {
    /// No authentication (current layout only).
    None,
    /// User and secret as form fields (current layout only).
    Plain,
    /// HTTP Basic.
    Basic,
    /// Zadarma's signature.
    Zadarma,
}

/// Number format towards the ITSP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum NumberFormat {
    /// E.164 with `+`.
    E164,
    /// E.164 without `+`.
    NoPlus,
}

/// Form field names of the ITSP's API (websms `key_to`, `key_from`, `key_body`, `key_echo`).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebSmsFields {
    /// Recipient (default `To`).
    #[serde(default)]
    pub to: Option<FieldName>,
    /// Sender (default `From`).
    #[serde(default)]
    pub from: Option<FieldName>,
    /// Message text (default `Body`).
    #[serde(default)]
    pub body: Option<FieldName>,
    /// Echo check field (`zd_echo`): websmsd answers its value and stops.
    #[serde(default)]
    pub echo: Option<FieldName>,
}

/// Access control of websmsd (it never verifies signatures: the source list is all there is).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    /// Source addresses the ITSP delivers from. Required (from here or the provider preset):
    /// an empty list would let anyone inject messages.
    #[serde(default)]
    pub allow_from: Option<Spanned<Vec<Cidr>>>,
    /// Reverse proxies whose forwarded-for header is trusted (default: none).
    #[serde(default)]
    pub trusted_proxies: Option<Vec<Cidr>>,
    /// The header carrying the client address behind a proxy (default `HTTP_X_FORWARDED_FOR`).
    #[serde(default)]
    pub proxy_header: Option<HeaderName>,
}

/// The `[astqueue]` contexts.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebSmsContexts {
    /// `channel_context`: where the call file's channel starts.
    #[serde(default)]
    pub channel: Option<ContextName>,
    /// `context`: where the message is delivered.
    #[serde(default)]
    pub text: Option<ContextName>,
}

// ---------------------------------------------------------------------------------------------
// click-to-call

/// A click-to-call button: its account is public (the web page, or the gateway behind it, holds
/// the credentials), so its context reaches `callee` and nothing else, whatever is dialled.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClickToCall {
    /// The button's name (`sales`): names its account `click-to-call-NAME`, its context and, for
    /// `via: browser`, the file `click-to-call-NAME.json`.
    pub name: Name,
    /// The extension every call of this button rings, whatever number the caller dials.
    pub callee: ExtensionNumber,
    /// `browser`: the page calls with Asterisk's own WebRTC (SIP over a secure WebSocket, DTLS-SRTP
    /// media). `gateway`: a WebRTC-to-SIP gateway (media server) logs in as this account over SIP.
    pub via: Spanned<ClickToCallVia>,
    /// The gateway (only with `via: gateway`).
    #[serde(default)]
    pub gateway: Option<ClickToCallGateway>,
    /// Calls through this button at once (default 2); one more is refused.
    #[serde(default = "default_max_concurrent")]
    #[schemars(range(min = 1, max = 100))]
    pub max_concurrent: Spanned<u32>,
    /// The caller ID name the callee sees (`Web sales`): whatever the caller sends is replaced.
    pub caller_id: DisplayName,
    /// The account's password. Optional with `via: browser`: by default pbxgen derives it from
    /// `site.secret_key` (it is published in `click-to-call-NAME.json` anyway). Required with
    /// `via: gateway` (you configure the gateway with it).
    #[serde(default)]
    pub password: Option<Secret>,
}

fn default_max_concurrent() -> Spanned<u32> {
    Spanned::unplaced(2)
}

/// The port of Asterisk's HTTPS server that `via: browser` buttons connect to (`wss://…:8089/ws`,
/// main/http.c's default TLS port); no SIP transport may use it.
pub const CLICK_TO_CALL_WSS_PORT: u16 = 8089;

/// How a click-to-call button reaches the PBX.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ClickToCallVia {
    /// Asterisk's own WebRTC: SIP over WSS (http.conf's TLS listener), DTLS-SRTP, ICE.
    Browser,
    /// A WebRTC-to-SIP gateway logs in as this account (SIP over the profile's transports).
    Gateway,
}

/// The WebRTC-to-SIP gateway of a click-to-call button.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClickToCallGateway {
    /// The gateway's addresses: the account is accepted from these only.
    pub allow_from: Vec<Cidr>,
}

// ---------------------------------------------------------------------------------------------
// helpers

/// Deserialize either the keyword (→ `None`) or a list of validated values (→ `Some`).
fn keyword_or_list<'de, D, T>(
    deserializer: D,
    keyword: &'static str,
    expected: &'static str,
) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct V<T> {
        keyword: &'static str,
        expected: &'static str,
        item: std::marker::PhantomData<T>,
    }
    impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for V<T> {
        type Value = Option<Vec<T>>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(self.expected)
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            if v == self.keyword {
                Ok(None)
            } else {
                Err(E::invalid_value(serde::de::Unexpected::Str(v), &self))
            }
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            let mut items = Vec::new();
            while let Some(item) = seq.next_element()? {
                items.push(item);
            }
            Ok(Some(items))
        }
    }
    deserializer.deserialize_any(V {
        keyword,
        expected,
        item: std::marker::PhantomData,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs_must_be_network_addresses() {
        assert_eq!(
            Cidr::parse("192.168.1.0/24").unwrap().to_string(),
            "192.168.1.0/24"
        );
        assert_eq!(
            Cidr::parse("185.45.152.42").unwrap().to_string(),
            "185.45.152.42/32"
        );
        assert_eq!(Cidr::parse("2001:db8::/32").unwrap().net().prefix_len(), 32);
        let problem = Cidr::parse("10.0.0.1/8").unwrap_err();
        assert_eq!(
            problem.hint.as_deref(),
            Some("did you mean `10.0.0.0/8`? (or `10.0.0.1/32` for the single host)")
        );
        assert!(Cidr::parse("10.0.0.0/33").is_err());
        assert!(Cidr::parse("pbx.example.net").is_err());
    }

    #[test]
    fn srtp_defaults_to_on_with_tls() {
        let text = "username: u\npassword: ${env:P}\ntrunk: x.pstn.twilio.com\n";
        let t: Termination = serde_saphyr::from_str(text).unwrap();
        assert!(t.srtp_enabled());
        let t: Termination = serde_saphyr::from_str(&format!("{text}transport: udp\n")).unwrap();
        assert!(!t.srtp_enabled());
    }
}
