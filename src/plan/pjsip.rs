//! The pjsip side of the plan: transports and one group of objects per party (an extension's
//! endpoint+auth+aor, a trunk's endpoint+aor+auth+identify+registration, …).

pub use super::party::{AccountKind, CallerId, Protocol};

use super::names::QUALIFY_SECONDS;
use super::party::{CaBundle, Party, Server, bind, ca_bundle, nets};
use super::secrets::SecretId;
use crate::profile::{self, Profile};
use ipnet::IpNet;
use serde::Serialize;
use std::sync::Arc;

/// Everything `pjsip.conf` holds.
#[derive(Debug, Clone, Serialize)]
pub struct Pjsip {
    pub transports: Vec<Transport>,
    /// Parties in a stable order: extensions, device lines, trunks, Twilio. Shared, and not
    /// serialized with the rest: templates see them as `site.pjsip.accounts` through a list
    /// `render` hands them lazily, one account at a time (a provider has tens of thousands).
    #[serde(skip)]
    pub accounts: Arc<Vec<Account>>,
    /// The endpoint and aor templates the accounts use (`pjsip.conf` writes only those): found
    /// once here rather than by a pass of the template over every account, which cost a
    /// provider's render a tenth of its `pjsip.conf` time.
    pub templates_used: TemplatesUsed,
}

/// Which of `pjsip.conf`'s templates the accounts use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TemplatesUsed {
    /// `endpoint.phone`: an account that registers and authenticates.
    pub phone: bool,
    /// `endpoint.trunk`: an account identified by its source address.
    pub trunk: bool,
    /// `aor.phone`: an aor that phones register to (it has `max_contacts`).
    pub phone_aor: bool,
}

impl TemplatesUsed {
    fn of(accounts: &[Account]) -> TemplatesUsed {
        let mut used = TemplatesUsed::default();
        for account in accounts {
            if account.endpoint.template == "phone" {
                used.phone = true;
            } else {
                used.trunk = true;
            }
            if account
                .aor
                .as_ref()
                .is_some_and(|aor| aor.max_contacts.is_some_and(|n| n > 0))
            {
                used.phone_aor = true;
            }
        }
        used
    }
}

/// A `type=transport` section.
#[derive(Debug, Clone, Serialize)]
pub struct Transport {
    /// Section name, e.g. `transport-tls`.
    pub name: String,
    pub protocol: Protocol,
    /// `address:port`, IPv6 in brackets.
    pub bind: String,
    /// Networks reached without NAT (`local_net`).
    #[serde(serialize_with = "super::net_text::serialize")]
    pub local_nets: Vec<IpNet>,
    /// The public address (IP or hostname) put in SIP and SDP for everyone else.
    pub external_address: Option<String>,
    /// Certificate and key files (TLS only).
    pub cert_file: Option<String>,
    pub priv_key_file: Option<String>,
    /// CA bundle verifying servers we connect to (TLS only).
    pub ca_list_file: Option<CaBundle>,
}

/// One party: its endpoint and the objects that belong to it, rendered together. Templates see
/// it, and its endpoint, through `render::value` (field by field, as named here).
#[derive(Debug, Clone)]
pub struct Account {
    pub kind: AccountKind,
    /// A one-line description for the comment above the group.
    pub description: String,
    pub endpoint: Endpoint,
    pub auths: Vec<Auth>,
    pub aor: Option<Aor>,
    pub identify: Option<Identify>,
    pub registration: Option<Registration>,
}

/// A `type=endpoint` section.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub name: String,
    /// The `(!)` template it inherits: `phone` for parties that register and authenticate,
    /// `trunk` for parties identified by address only.
    pub template: &'static str,
    pub transport: Option<String>,
    /// Where its calls land.
    pub context: String,
    /// Where its SIP MESSAGEs land (never left to default to `context`: a MESSAGE runs the
    /// dialplan too).
    pub message_context: String,
    /// Inbound authentication (phones). Never on IP-identified endpoints.
    pub auth: Option<String>,
    /// Credentials we answer challenges with (trunks).
    pub outbound_auth: Option<String>,
    pub aors: Option<String>,
    /// `"Name" <number>`.
    pub callerid: Option<CallerId>,
    /// Codecs in order of preference (`allow=!all,…`).
    pub codecs: Vec<&'static str>,
    pub from_user: Option<String>,
    pub from_domain: Option<String>,
    /// `send_pai=yes`: the caller ID in P-Asserted-Identity (see [`Party::send_pai`]).
    pub send_pai: bool,
    /// SRTP with SDES keys; only ever set on TLS transports.
    pub srtp: bool,
    pub mailboxes: Option<String>,
    /// Source networks allowed to send requests (after `deny` of everything).
    pub permit: Vec<IpNet>,
    /// Networks a registration's Contact may point into (after `contact_deny` of everything).
    pub contact_permit: Vec<IpNet>,
}

/// A `type=auth` section.
#[derive(Debug, Clone, Serialize)]
pub struct Auth {
    pub name: String,
    pub username: String,
    pub password: SecretId,
}

/// A `type=aor` section.
#[derive(Debug, Clone, Serialize)]
pub struct Aor {
    pub name: String,
    /// For registering parties: how many contacts may register.
    pub max_contacts: Option<u32>,
    /// For trunks: where to send calls (`sip:host:port`).
    pub contact: Option<String>,
    /// Seconds between OPTIONS pings (0 = off).
    pub qualify_frequency: u32,
}

/// A `type=identify` section.
#[derive(Debug, Clone, Serialize)]
pub struct Identify {
    pub name: String,
    pub endpoint: String,
    /// Source networks (one `match=` line each).
    #[serde(serialize_with = "super::net_text::serialize")]
    pub matches: Vec<IpNet>,
}

/// A `type=registration` section.
#[derive(Debug, Clone, Serialize)]
pub struct Registration {
    pub name: String,
    pub transport: Option<String>,
    pub outbound_auth: String,
    pub server_uri: String,
    pub client_uri: String,
    pub contact_user: String,
}

pub fn transport_name(protocol: Protocol) -> String {
    format!("transport-{}", protocol.as_str())
}

/// The pjsip side of the plan: transports and the parties' accounts (consumed: their strings
/// move into the objects).
pub fn build(profile: &Profile, parties: Vec<Party>) -> Pjsip {
    let network = &profile.network;
    let bind_addr = network.bind.value;
    let local_nets = nets(&network.local_nets);
    let external = network.public_address.as_ref().map(|a| a.to_string());
    let mut transports = Vec::new();
    let mut add = |protocol, port: u16, tls: Option<&profile::TlsTransport>| {
        transports.push(Transport {
            name: transport_name(protocol),
            protocol,
            bind: bind(bind_addr, port),
            local_nets: local_nets.clone(),
            external_address: external.clone(),
            cert_file: tls.map(|t| t.cert_file.to_string()),
            priv_key_file: tls.map(|t| t.key_file.to_string()),
            ca_list_file: tls.map(ca_bundle),
        });
    };
    if let Some(udp) = &network.udp {
        add(Protocol::Udp, udp.port.value, None);
    }
    if let Some(tcp) = &network.tcp {
        add(Protocol::Tcp, tcp.port.value, None);
    }
    if let Some(tls) = &network.tls {
        add(Protocol::Tls, tls.port.value, Some(tls));
    }
    let accounts: Vec<Account> = parties.into_iter().map(pjsip_account).collect();
    Pjsip {
        transports,
        templates_used: TemplatesUsed::of(&accounts),
        accounts: Arc::new(accounts),
    }
}

fn sip_uri(server: &Server, user: Option<&str>) -> String {
    let user = user.map(|u| format!("{u}@")).unwrap_or_default();
    let transport = if server.protocol == Protocol::Udp {
        String::new()
    } else {
        format!(";transport={}", server.protocol.as_str())
    };
    format!("sip:{user}{}:{}{transport}", server.host, server.port)
}

/// The pjsip objects of `party` (consumed: its strings move into them).
fn pjsip_account(party: Party) -> Account {
    let registers = party.kind.registers();
    let mut auths = Vec::new();
    if let Some((username, password)) = &party.inbound {
        auths.push(Auth {
            name: party.name.clone(),
            username: username.clone(),
            password: *password,
        });
    }
    let outbound_auth = party.outbound.as_ref().map(|o| o.auth_name.clone());
    let registration = match (&party.server, &party.outbound) {
        (Some(server), Some(out)) if party.register => Some(Registration {
            name: party.name.clone(),
            transport: Some(transport_name(server.protocol)),
            outbound_auth: out.auth_name.clone(),
            server_uri: sip_uri(server, None),
            client_uri: format!("sip:{}@{}", out.username, server.host),
            contact_user: out.username.clone(),
        }),
        _ => None,
    };
    if let Some(out) = party.outbound {
        if !auths.iter().any(|a| a.name == out.auth_name) {
            auths.push(Auth {
                name: out.auth_name,
                username: out.username,
                password: out.password,
            });
        }
    }
    let aor = if registers {
        Some(Aor {
            name: party.name.clone(),
            max_contacts: Some(1),
            contact: None,
            qualify_frequency: QUALIFY_SECONDS,
        })
    } else {
        party.server.as_ref().map(|server| Aor {
            name: party.name.clone(),
            max_contacts: None,
            contact: Some(sip_uri(server, None)),
            qualify_frequency: QUALIFY_SECONDS,
        })
    };
    let identify = (party.identified_by_ip && !party.permit.is_empty()).then(|| Identify {
        name: party.name.clone(),
        endpoint: party.name.clone(),
        matches: party.permit.clone(),
    });
    let contact_permit = if registers {
        party.permit.clone()
    } else {
        Vec::new()
    };
    let endpoint = Endpoint {
        template: if registers || party.inbound.is_some() {
            "phone"
        } else {
            "trunk"
        },
        transport: party.server.as_ref().map(|s| transport_name(s.protocol)),
        context: party.context,
        message_context: party.message_context,
        auth: party.inbound.map(|_| party.name.clone()),
        outbound_auth,
        aors: aor.as_ref().map(|a| a.name.clone()),
        callerid: party.callerid,
        codecs: party.codecs,
        from_user: party.from_user,
        from_domain: party.from_domain,
        send_pai: party.send_pai,
        srtp: party.srtp,
        mailboxes: party.mailbox,
        permit: party.permit,
        contact_permit,
        name: party.name,
    };
    Account {
        kind: party.kind,
        description: party.description,
        endpoint,
        auths,
        aor,
        identify,
        registration,
    }
}
