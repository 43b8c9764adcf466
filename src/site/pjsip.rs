//! The pjsip side of the plan: transports and one group of objects per party (an extension's
//! endpoint+auth+aor, a trunk's endpoint+aor+auth+identify+registration, …).

use super::SecretId;
use ipnet::IpNet;
use serde::Serialize;

/// Everything `pjsip.conf` holds.
#[derive(Debug, Clone, Serialize)]
pub struct Pjsip {
    pub transports: Vec<Transport>,
    /// Parties in a stable order: extensions, device lines, trunks, Twilio.
    pub accounts: Vec<Account>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Udp,
    Tcp,
    Tls,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Udp => "udp",
            Protocol::Tcp => "tcp",
            Protocol::Tls => "tls",
        }
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
    pub local_nets: Vec<IpNet>,
    /// The public address (IP or hostname) put in SIP and SDP for everyone else.
    pub external_address: Option<String>,
    /// Certificate and key files (TLS only).
    pub cert_file: Option<String>,
    pub priv_key_file: Option<String>,
    /// CA bundle verifying servers we connect to (TLS only; default: the system's).
    pub ca_list_file: Option<String>,
}

/// What a party is. Decides which `(!)` template its endpoint inherits and how it is trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccountKind {
    /// A phone that registers with a secret.
    Extension,
    /// A device's PSTN line registering as a trunk (SPA3102 FXO port): registers like a phone,
    /// costs money like a trunk.
    PstnLine,
    /// An ITSP trunk (we register to it and/or it calls us from known addresses).
    Trunk,
    /// Twilio → PBX, identified by Twilio's published signalling ranges only.
    TwilioOrigination,
    /// PBX → Twilio Elastic SIP Trunking, authenticated with `outbound_auth`.
    TwilioTermination,
}

impl AccountKind {
    /// Whether the party registers with us (and so needs an AOR with `max_contacts` and a
    /// `contact_permit`), rather than being reached at a fixed host.
    pub fn registers(self) -> bool {
        matches!(self, AccountKind::Extension | AccountKind::PstnLine)
    }

    /// Whether dialling through this party costs money (the auditor's "money" endpoints).
    pub fn is_trunk(self) -> bool {
        !matches!(self, AccountKind::Extension)
    }
}

/// One party: its endpoint and the objects that belong to it, rendered together.
#[derive(Debug, Clone, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
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
    /// SRTP with SDES keys; only ever set on TLS transports.
    pub srtp: bool,
    pub mailboxes: Option<String>,
    /// Source networks allowed to send requests (after `deny` of everything).
    pub permit: Vec<IpNet>,
    /// Networks a registration's Contact may point into (after `contact_deny` of everything).
    pub contact_permit: Vec<IpNet>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CallerId {
    pub name: String,
    pub number: String,
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
