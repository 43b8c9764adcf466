//! What loading computes beyond the YAML (origin, presets), and the lookups the planner and
//! renderer use. Everything here is computed once by [`super::load`] after validation, so the
//! accessors cannot fail.

use super::safe_text::{ContextName, FieldName, HeaderName, ResponseCheck, Url, UrlPath, Username};
use super::secret::Secret;
use super::span::{Origin, Spanned};
use super::types::*;
use crate::asterisk::fast_hash::FastMap;
use crate::twilio::ranges::TwilioRanges;
use ipnet::IpNet;
use std::path::Path;
use std::sync::Arc;

/// Facts computed while loading a profile.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    /// The profile file.
    pub(crate) origin: Option<Arc<Origin>>,
    /// The Twilio ranges the profile's `twilio.preset` selects (when there is a `twilio:`), or
    /// those given when loading (`--twilio-preset`, [`super::load::LoadOptions`]).
    pub(crate) twilio_ranges: Option<TwilioRanges>,
    /// `sms.websms` merged with its provider preset.
    pub(crate) websms: Option<ResolvedWebSms>,
    /// Lookups into the profile's lists.
    pub(crate) index: Index,
}

/// The lookups of a profile's lists, built once: provider profiles have 100,000 extensions,
/// and scanning a list per extension would be quadratic.
#[derive(Debug, Clone, Default)]
pub(crate) struct Index {
    /// Extension number → index in `extensions` (first occurrence).
    extensions: FastMap<String, usize>,
    /// Device name → index in `devices` (first occurrence).
    devices: FastMap<String, usize>,
    /// Extension number → index in `devices` of the (first) device whose FXS line it is.
    fxs: FastMap<String, usize>,
    /// Source (`from`) → indexes in `inbound` of its routes, in profile order.
    inbound: FastMap<String, Vec<usize>>,
    /// Extension number → indexes in `outbound` of the routes allowed to a list of extensions
    /// naming it, in profile order.
    restricted_routes: FastMap<String, Vec<usize>>,
}

impl Index {
    pub(crate) fn of(profile: &Profile) -> Index {
        fn first_index<'a>(keys: impl Iterator<Item = (&'a str, usize)>) -> FastMap<String, usize> {
            // Room for every key up front: a large profile's 100,000 extensions grow no table.
            let mut index =
                FastMap::with_capacity_and_hasher(keys.size_hint().0, Default::default());
            for (key, i) in keys {
                index.entry(key.to_string()).or_insert(i);
            }
            index
        }
        fn all_indexes<'a>(
            keys: impl Iterator<Item = (&'a str, usize)>,
        ) -> FastMap<String, Vec<usize>> {
            let mut index: FastMap<String, Vec<usize>> = FastMap::default();
            for (key, i) in keys {
                let indexes = index.entry(key.to_string()).or_default();
                // A key listed twice by one item still names the item once.
                if indexes.last() != Some(&i) {
                    indexes.push(i);
                }
            }
            index
        }
        let restricted = profile.outbound.iter().enumerate().flat_map(|(i, route)| {
            let numbers = match &route.allowed {
                Allowed::AllExtensions => &[][..],
                Allowed::Extensions(numbers) => &numbers[..],
            };
            numbers.iter().map(move |n| (n.as_str(), i))
        });
        let devices = || profile.devices.iter().enumerate();
        Index {
            extensions: first_index(
                profile
                    .extensions
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (e.number.as_str(), i)),
            ),
            devices: first_index(devices().map(|(i, d)| (d.name.as_str(), i))),
            fxs: first_index(
                devices().filter_map(|(i, d)| Some((d.fxs.as_ref()?.extension.as_str(), i))),
            ),
            inbound: all_indexes(
                profile
                    .inbound
                    .iter()
                    .enumerate()
                    .map(|(i, r)| (r.from.as_str(), i)),
            ),
            restricted_routes: all_indexes(restricted),
        }
    }
}

/// `sms.websms` with the provider preset and the layout's defaults applied: every value the
/// websms.conf template needs. Field names are layout-neutral; the template maps them to the
/// layout's keys (see spec/websms.md).
#[derive(Debug, Clone)]
pub struct ResolvedWebSms {
    pub layout: WebSmsLayout,
    /// The provider preset used, if any (`zadarma`).
    pub provider: Option<String>,
    /// API base URL (`url_host` / `host`).
    pub url: Url,
    /// API path (`url_path` / `path`).
    pub path: Option<UrlPath>,
    pub auth_method: AuthMethod,
    pub user: Option<Username>,
    pub secret: Option<Secret>,
    pub response_check: Option<ResponseCheck>,
    pub number_format: Option<NumberFormat>,
    /// `key_to`, `key_from`, `key_body` (WebSMS defaults `To`, `From`, `Body` when `None`).
    pub field_to: Option<FieldName>,
    pub field_from: Option<FieldName>,
    pub field_body: Option<FieldName>,
    /// `key_echo`.
    pub field_echo: Option<FieldName>,
    /// `remt_addr` / `permit_addr`: never empty.
    pub allow_from: Vec<Cidr>,
    /// `prox_addr` / `proxy_addr`: may be empty (no proxy trusted).
    pub trusted_proxies: Vec<Cidr>,
    /// `prox_header` / `proxy_header`.
    pub proxy_header: HeaderName,
    /// Extensions receiving incoming messages.
    pub deliver_to: Vec<super::safe_text::ExtensionNumber>,
    /// `[astqueue] channel_context`.
    pub channel_context: ContextName,
    /// `[astqueue] context`.
    pub text_context: ContextName,
}

/// SPA3102 settings with every value decided (device overrides over profiles/spa3102.yaml).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spa3102Config {
    pub preferred_codec: SpaCodec,
    pub dtmf_tx_method: SpaDtmf,
    pub register_expires: u32,
    pub fxs_sip_port: u16,
    pub pstn_sip_port: u16,
    pub pstn_answer_delay: u32,
    pub pstn_ring_thru_delay: u32,
    pub restrict_source_ip: bool,
}

impl Spa3102Config {
    /// These settings with `overrides` applied.
    pub fn with(&self, overrides: &Spa3102Settings) -> Spa3102Config {
        Spa3102Config {
            preferred_codec: overrides.preferred_codec.unwrap_or(self.preferred_codec),
            dtmf_tx_method: overrides.dtmf_tx_method.unwrap_or(self.dtmf_tx_method),
            register_expires: overrides.register_expires.unwrap_or(self.register_expires),
            fxs_sip_port: overrides.fxs_sip_port.unwrap_or(self.fxs_sip_port),
            pstn_sip_port: overrides.pstn_sip_port.unwrap_or(self.pstn_sip_port),
            pstn_answer_delay: overrides
                .pstn_answer_delay
                .unwrap_or(self.pstn_answer_delay),
            pstn_ring_thru_delay: overrides
                .pstn_ring_thru_delay
                .unwrap_or(self.pstn_ring_thru_delay),
            restrict_source_ip: overrides
                .restrict_source_ip
                .unwrap_or(self.restrict_source_ip),
        }
    }
}

/// What an extension's device (pjsip endpoint, auth and AOR; chan_sip peer) is named, and the
/// SIP user its phone registers with: `ext` and the number. Never the bare number: chan_sip looks
/// a caller's From user up among device names before it matches by address, and pjsip's
/// `username` identifier does the same, so a device named `102` would claim every call whose
/// caller ID is 102 (Asterisk's own advice: device names are not extension numbers).
pub const EXTENSION_DEVICE_PREFIX: &str = "ext";

/// The device name of extension `number` (see [`EXTENSION_DEVICE_PREFIX`]).
pub fn extension_device_name(number: &str) -> String {
    format!("{EXTENSION_DEVICE_PREFIX}{number}")
}

/// Whether `name` has the form of an extension's device name (`ext` and digits).
pub fn is_extension_device_name(name: &str) -> bool {
    name.strip_prefix(EXTENSION_DEVICE_PREFIX)
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// How far above pjsip's port chan_sip listens by default when both drivers are loaded (5160
/// next to 5060, as FreePBX does).
pub const CHAN_SIP_PORT_OFFSET: u16 = 100;

/// What a route's trunk name (`trunk:`, `via:`, `from:`) refers to.
#[derive(Debug, Clone, Copy)]
pub enum TrunkRef<'a> {
    /// `twilio`: the Twilio termination (outbound) / origination (inbound).
    Twilio(&'a Twilio),
    /// A trunk of `trunks:`.
    Trunk(&'a Trunk),
    /// The PSTN line of a device (`atapstn`).
    Pstn(&'a Device, &'a Pstn),
}

/// What a secret is used as; decides which characters its value may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretRole {
    /// A SIP or API password (general secret rules).
    Password,
    /// A voicemail PIN (digits).
    Pin,
}

/// A secret field of the profile: which field (`extensions[101].secret`) and the secret.
#[derive(Debug, Clone)]
pub struct SecretUse<'a> {
    /// A readable path to the field, e.g. `trunks[zadarma].password`.
    pub field: SecretField<'a>,
    pub role: SecretRole,
    pub secret: &'a Secret,
}

/// Where a secret is in the profile, written out only when shown (a provider's profile lists
/// a secret per extension, and most uses never print their field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretField<'a> {
    /// A field of the profile's own, e.g. `site.secret_key`.
    Fixed(&'static str),
    /// A field of an item of a list, named by its key: `list[key].field`.
    Item {
        list: &'static str,
        key: &'a str,
        field: &'static str,
    },
}

impl<'a> SecretField<'a> {
    /// Field `field` of the item of `list` whose key is `key`.
    fn item(list: &'static str, key: &'a str, field: &'static str) -> Self {
        SecretField::Item { list, key, field }
    }

    /// A field whose secret is published, or derives published values: a click-to-call
    /// button's password, `site.secret_key`.
    pub fn is_published(&self) -> bool {
        matches!(
            self,
            SecretField::Fixed("site.secret_key")
                | SecretField::Item {
                    list: "click_to_call",
                    ..
                }
        )
    }
}

impl std::fmt::Display for SecretField<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SecretField::Fixed(field) => f.write_str(field),
            SecretField::Item { list, key, field } => write!(f, "{list}[{key}].{field}"),
        }
    }
}

impl SecretUse<'_> {
    /// Resolve the secret, checking the value for its role.
    pub fn resolve(&self) -> Result<String, crate::diag::Error> {
        match self.role {
            SecretRole::Password => self.secret.resolve(),
            SecretRole::Pin => self.secret.resolve_as::<super::safe_text::PinKind>(),
        }
    }
}

/// The name routes use for Twilio.
pub const TWILIO: &str = "twilio";

/// What extensions dial to reach voicemail (mailbox and PIN asked); the dialplan writes it into
/// the `internal` context.
pub const VOICEMAIL_MAIN: &str = "*98";

/// The feature codes every extension can dial, with what they do: an outbound route's pattern
/// must not catch them.
pub const FEATURE_CODES: &[(&str, &str)] = &[(VOICEMAIL_MAIN, "the voicemail menu")];

impl Profile {
    /// The profile file as given (for headers and messages).
    pub fn path(&self) -> &Path {
        Path::new(self.origin().map_or("<profile>", |o| o.name.as_str()))
    }

    /// The directory relative paths in the profile are resolved against.
    pub fn dir(&self) -> &Path {
        self.origin().map_or(Path::new("."), |o| o.dir.as_path())
    }

    /// The file the profile was read from.
    pub fn origin(&self) -> Option<&Arc<Origin>> {
        self.resolved.origin.as_ref()
    }

    /// Whether the profile asks for this channel driver's file.
    pub fn wants(&self, driver: ChannelDriver) -> bool {
        self.site.channel_drivers.iter().any(|d| d.value == driver)
    }

    /// The channel driver serving parties that name none: the first of `site.channel_drivers`.
    pub fn default_driver(&self) -> ChannelDriver {
        self.site
            .channel_drivers
            .first()
            .map_or(ChannelDriver::Pjsip, |d| d.value)
    }

    /// The channel driver serving a party whose `driver` is `chosen`.
    pub fn driver(&self, chosen: Option<&Spanned<ChannelDriver>>) -> ChannelDriver {
        chosen.map_or_else(|| self.default_driver(), |d| d.value)
    }

    /// The channel driver serving what a route's trunk name refers to.
    pub fn trunk_ref_driver(&self, trunk: &TrunkRef<'_>) -> ChannelDriver {
        match trunk {
            TrunkRef::Twilio(t) => self.driver(t.driver.as_ref()),
            TrunkRef::Trunk(t) => self.driver(t.driver.as_ref()),
            TrunkRef::Pstn(_, p) => self.driver(p.driver.as_ref()),
        }
    }

    /// Whether both channel drivers are loaded (then chan_sip listens on its own ports).
    pub fn both_drivers(&self) -> bool {
        self.wants(ChannelDriver::Pjsip) && self.wants(ChannelDriver::Sip)
    }

    /// The port `driver` listens on for `transport` (`None` when the site has no such
    /// transport): the transport's `port`, except for chan_sip next to pjsip, which takes
    /// `chan_sip_port` (default `port` + [`CHAN_SIP_PORT_OFFSET`]; validation made sure it fits).
    pub fn listen_port(&self, transport: Transport, driver: ChannelDriver) -> Option<u16> {
        let network = &self.network;
        let (port, chan_sip_port) = match transport {
            Transport::Udp => network.udp.as_ref().map(|t| (&t.port, &t.chan_sip_port))?,
            Transport::Tcp => network.tcp.as_ref().map(|t| (&t.port, &t.chan_sip_port))?,
            Transport::Tls => network.tls.as_ref().map(|t| (&t.port, &t.chan_sip_port))?,
        };
        if driver == ChannelDriver::Sip && self.both_drivers() {
            Some(chan_sip_port.as_ref().map_or_else(
                || port.value.saturating_add(CHAN_SIP_PORT_OFFSET),
                |p| p.value,
            ))
        } else {
            Some(port.value)
        }
    }

    /// The Twilio range preset selected by `twilio.preset`, or given when loading (`None`
    /// without either).
    pub fn twilio_ranges(&self) -> Option<&TwilioRanges> {
        self.resolved.twilio_ranges.as_ref()
    }

    /// The signalling networks Twilio origination is accepted from (the selected edges), in
    /// preset order. Empty without `twilio.origination`.
    pub fn twilio_origination_networks(&self) -> Vec<IpNet> {
        let (Some(twilio), Some(ranges)) = (&self.twilio, self.twilio_ranges()) else {
            return Vec::new();
        };
        let Some(origination) = &twilio.origination else {
            return Vec::new();
        };
        match &origination.edges {
            Edges::All => ranges.all_signalling().copied().collect(),
            Edges::Only(names) => ranges
                .edges
                .iter()
                .filter(|e| {
                    names
                        .iter()
                        .any(|n| ranges.edge(n).is_some_and(|m| m.name == e.name))
                })
                .flat_map(|e| e.signalling.iter().copied())
                .collect(),
        }
    }

    /// The extension with this number.
    pub fn extension(&self, number: &str) -> Option<&Extension> {
        let index = *self.resolved.index.extensions.get(number)?;
        self.extensions.get(index)
    }

    /// The trunk of `trunks:` with this name.
    pub fn trunk(&self, name: &str) -> Option<&Trunk> {
        self.trunks.iter().find(|t| t.name == name)
    }

    /// The device with this name.
    pub fn device(&self, name: &str) -> Option<&Device> {
        let index = *self.resolved.index.devices.get(name)?;
        self.devices.get(index)
    }

    /// Every device PSTN line, with its device.
    pub fn pstn_lines(&self) -> impl Iterator<Item = (&Device, &Pstn)> {
        self.devices
            .iter()
            .filter_map(|d| d.pstn.as_ref().map(|p| (d, p)))
    }

    /// What a trunk name of a route refers to: `twilio`, a trunk, or a PSTN line.
    pub fn trunk_ref(&self, name: &str) -> Option<TrunkRef<'_>> {
        if name == TWILIO {
            return self.twilio.as_ref().map(TrunkRef::Twilio);
        }
        if let Some(trunk) = self.trunk(name) {
            return Some(TrunkRef::Trunk(trunk));
        }
        self.pstn_lines()
            .find(|(_, p)| p.trunk == name)
            .map(|(d, p)| TrunkRef::Pstn(d, p))
    }

    /// The device whose FXS line registers as this extension, if any.
    pub fn fxs_device_of(&self, number: &str) -> Option<&Device> {
        let index = *self.resolved.index.fxs.get(number)?;
        self.devices.get(index)
    }

    /// The outbound routes allowed to a list of extensions that names `number`, in profile
    /// order (routes allowed to every extension are not among them).
    pub fn routes_restricted_to<'a>(
        &'a self,
        number: &str,
    ) -> impl Iterator<Item = &'a OutboundRoute> + use<'a> {
        self.resolved
            .index
            .restricted_routes
            .get(number)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.outbound.get(i))
    }

    /// Where an extension may register and call from: its `permit`, or `network.local_nets`.
    pub fn extension_permit<'a>(&'a self, extension: &'a Extension) -> &'a [Cidr] {
        extension
            .permit
            .as_deref()
            .unwrap_or(&self.network.local_nets)
    }

    /// The WebSMS settings with the provider preset applied (`None` without `sms.websms`).
    pub fn websms(&self) -> Option<&ResolvedWebSms> {
        self.resolved.websms.as_ref()
    }

    /// The SPA3102 settings of `device`: its `settings` over profiles/spa3102.yaml.
    pub fn spa3102_config(&self, device: &Device) -> Spa3102Config {
        super::preset::spa3102_defaults().with(&device.settings)
    }

    /// The inbound routes for calls from `from` (`twilio`, a trunk or a PSTN line).
    pub fn inbound_from<'a>(
        &'a self,
        from: &str,
    ) -> impl Iterator<Item = &'a InboundRoute> + use<'a> {
        self.resolved
            .index
            .inbound
            .get(from)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.inbound.get(i))
    }

    /// Every secret of the profile with the field it is in and its role, section by section.
    pub fn secrets(&self) -> Vec<SecretUse<'_>> {
        use SecretRole::{Password, Pin};
        let mut out = Vec::new();
        use SecretField::Fixed;
        let item = SecretField::item;
        let mut push = |field, role, secret| {
            out.push(SecretUse {
                field,
                role,
                secret,
            })
        };
        if let Some(t) = self.twilio.as_ref().and_then(|t| t.termination.as_ref()) {
            push(Fixed("twilio.termination.password"), Password, &t.password);
        }
        if let Some(w) = self.twilio.as_ref().and_then(|t| t.webhook.as_ref()) {
            push(Fixed("twilio.webhook.auth_token"), Password, &w.auth_token);
        }
        for t in &self.trunks {
            if let Some(p) = &t.password {
                push(item("trunks", t.name.as_str(), "password"), Password, p);
            }
        }
        for e in &self.extensions {
            let key = e.number.as_str();
            push(item("extensions", key, "secret"), Password, &e.secret);
            if let Some(v) = &e.voicemail {
                push(item("extensions", key, "voicemail.pin"), Pin, &v.pin);
            }
        }
        for d in &self.devices {
            if let Some(p) = &d.pstn {
                let key = d.name.as_str();
                push(item("devices", key, "pstn.secret"), Password, &p.secret);
                let field = item("devices", key, "pstn.gateway_password");
                push(field, Password, &p.gateway_password);
            }
        }
        if let Some(s) = self.sms.websms.as_ref().and_then(|w| w.api.secret.as_ref()) {
            push(Fixed("sms.websms.api.secret"), Password, s);
        }
        if let Some(key) = &self.site.secret_key {
            push(Fixed("site.secret_key"), Password, key);
        }
        for button in &self.click_to_call {
            if let Some(p) = &button.password {
                push(
                    item("click_to_call", button.name.as_str(), "password"),
                    Password,
                    p,
                );
            }
        }
        out
    }

    /// A click-to-call button's password: its `password`, or derived from `site.secret_key`
    /// (validation makes sure one of them is there).
    pub fn click_to_call_password(&self, button: &ClickToCall) -> Option<Secret> {
        match (&button.password, &self.site.secret_key) {
            (Some(password), _) => Some(password.clone()),
            (None, Some(key)) => Some(Secret::derived(
                key,
                &format!("click-to-call/{}", button.name),
                button.name.pos().clone(),
            )),
            (None, None) => None,
        }
    }

    /// The secrets written inline in the profile (audit rule PBX502), with their fields;
    /// `secret.pos()` is where.
    pub fn inline_secrets(&self) -> Vec<SecretUse<'_>> {
        self.secrets()
            .into_iter()
            .filter(|u| u.secret.is_inline())
            .collect()
    }

    /// The name of a trunk-like thing for messages and lookups.
    pub fn trunk_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        if self.twilio.is_some() {
            names.push(TWILIO);
        }
        names.extend(self.trunks.iter().map(|t| t.name.as_str()));
        names.extend(self.pstn_lines().map(|(_, p)| p.trunk.as_str()));
        names
    }
}
