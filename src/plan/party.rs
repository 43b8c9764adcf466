//! The parties of the PBX — extensions, device PSTN lines, trunks, Twilio origination and
//! termination — described once, driver-neutrally. pjsip accounts and chan_sip peers are two
//! renderings of the same list, so the two files cannot disagree.

use super::names::{
    INTERNAL_CONTEXT, MESSAGES_CONTEXT, REJECT_CONTEXT, SYSTEM_CA_BUNDLE, TWILIO_ORIGINATION,
    TWILIO_TERMINATION, VOICEMAIL_CONTEXT,
};
use super::secrets::{SecretId, Secrets};
use crate::diag::Error;
use crate::profile::resolved::extension_device_name;
use crate::profile::{self, ChannelDriver, Codec, Profile, TwilioTransport};
use ipnet::IpNet;
use serde::Serialize;
use std::net::IpAddr;

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

#[derive(Debug, Clone, Serialize)]
pub struct CallerId {
    pub name: String,
    pub number: String,
}

/// One party of the PBX and the channel driver that serves it.
pub struct Party {
    pub kind: AccountKind,
    /// pjsip.conf or sip.conf: each party is served by exactly one driver (profile `driver`,
    /// default the first of `site.channel_drivers`), and the dialplan dials it with that one.
    pub driver: ChannelDriver,
    /// The endpoint/peer name: `ext<number>` for extensions (never the bare number), the trunk
    /// or line name, `twilio-…`.
    pub name: String,
    pub description: String,
    pub context: String,
    pub message_context: String,
    /// Credentials the party authenticates to us with (phones, device lines).
    pub inbound: Option<(String, SecretId)>,
    /// Credentials we answer the party's challenges with (trunks, the gateway of a PSTN line).
    pub outbound: Option<Credentials>,
    /// Where we reach it (servers); `None` for parties that register.
    pub server: Option<Server>,
    /// We register to it.
    pub register: bool,
    pub codecs: Vec<&'static str>,
    pub callerid: Option<CallerId>,
    pub mailbox: Option<String>,
    /// Source networks allowed (ACL) — also `identify` networks for IP-identified parties.
    pub permit: Vec<IpNet>,
    /// Identified by source address (no inbound authentication).
    pub identified_by_ip: bool,
    pub srtp: bool,
    pub from_user: Option<String>,
    pub from_domain: Option<String>,
    /// Present the caller ID in a P-Asserted-Identity header: set on trunks whose From user is
    /// the account (`from_user`), so the caller ID a route sets still reaches the ITSP.
    pub send_pai: bool,
}

pub struct Credentials {
    pub auth_name: String,
    pub username: String,
    pub password: SecretId,
}

pub struct Server {
    pub host: String,
    pub port: u16,
    pub protocol: Protocol,
}

pub fn protocol(transport: profile::Transport) -> Protocol {
    match transport {
        profile::Transport::Udp => Protocol::Udp,
        profile::Transport::Tcp => Protocol::Tcp,
        profile::Transport::Tls => Protocol::Tls,
    }
}

pub fn codec_names(codecs: Option<&Vec<Codec>>) -> Vec<&'static str> {
    let names = |c: &Codec| match c {
        Codec::Ulaw => "ulaw",
        Codec::Alaw => "alaw",
        Codec::G722 => "g722",
        Codec::Opus => "opus",
        Codec::G729 => "g729",
    };
    codecs.map_or_else(
        || vec!["ulaw", "alaw"],
        |list| list.iter().map(names).collect(),
    )
}

pub fn host_net(addr: IpAddr) -> IpNet {
    IpNet::from(addr)
}

pub fn nets(cidrs: &[profile::Cidr]) -> Vec<IpNet> {
    cidrs.iter().map(profile::Cidr::net).collect()
}

/// The context an extension's MESSAGEs enter: its own `messages-<number>`, which knows the
/// sender, when it may text; else `reject`.
pub fn message_context(ext: &profile::Extension) -> String {
    if ext.sms {
        format!("{MESSAGES_CONTEXT}-{}", ext.number)
    } else {
        REJECT_CONTEXT.to_string()
    }
}

/// The context an extension's calls enter: `internal`, or its own context when a route is
/// allowed to it alone.
fn extension_context(profile: &Profile, number: &str) -> String {
    if profile.routes_restricted_to(number).next().is_some() {
        format!("{INTERNAL_CONTEXT}-{number}")
    } else {
        INTERNAL_CONTEXT.to_string()
    }
}

/// Twilio's host for termination, with the edge when one is chosen.
fn twilio_termination_host(
    profile: &Profile,
    termination: &profile::Termination,
) -> Result<String, Error> {
    let (host, kind) = match (&termination.trunk, &termination.sip_domain) {
        (Some(trunk), _) => (trunk.as_str(), ".pstn."),
        (None, Some(domain)) => (domain.as_str(), ".sip."),
        (None, None) => {
            return Err(Error::invalid(
                "twilio.termination needs `trunk` or `sip_domain`",
            ));
        }
    };
    let Some(edge) = &termination.edge else {
        return Ok(host.to_string());
    };
    // The preset knows legacy names too; write the current one.
    let edge_name = profile
        .twilio_ranges()
        .and_then(|r| r.edge(edge))
        .map_or_else(|| edge.to_string(), |e| e.name.clone());
    let suffix = format!("{kind}twilio.com");
    match host.strip_suffix(&suffix) {
        Some(name) => Ok(format!("{name}{kind}{edge_name}.twilio.com")),
        None => Ok(host.to_string()),
    }
}

/// Every party of the profile, in a stable order: extensions, device lines, trunks, Twilio.
pub fn parties(profile: &Profile, secrets: &mut Secrets) -> Result<Vec<Party>, Error> {
    // Reserved once: at provider scale (a 400-byte party per extension) growing by doubling
    // copied the list a dozen times. Twilio adds at most its two parties.
    let mut parties = Vec::with_capacity(
        profile.extensions.len() + profile.pstn_lines().count() + profile.trunks.len() + 2,
    );
    for ext in &profile.extensions {
        let number = ext.number.to_string();
        let device = profile.fxs_device_of(&number);
        let permit = match device {
            // The ATA sits on the LAN: its accounts are limited to its address.
            Some(d) => vec![host_net(d.lan_address.value)],
            None => nets(profile.extension_permit(ext)),
        };
        let description = match device {
            Some(d) => format!(
                "Extension {number} ({}): line 1 of SPA3102 `{}`",
                ext.name, d.name
            ),
            None => format!("Extension {number} ({})", ext.name),
        };
        let name = extension_device_name(&number);
        parties.push(Party {
            kind: AccountKind::Extension,
            driver: profile.driver(ext.driver.as_ref()),
            name: name.clone(),
            description,
            context: extension_context(profile, &number),
            message_context: message_context(ext),
            inbound: Some((name, secrets.register(&ext.secret))),
            outbound: None,
            server: None,
            register: false,
            codecs: codec_names(ext.codecs.as_ref()),
            callerid: Some(CallerId {
                name: ext.name.to_string(),
                number: number.clone(),
            }),
            mailbox: ext
                .voicemail
                .as_ref()
                .filter(|v| v.enabled)
                .map(|_| format!("{number}@{VOICEMAIL_CONTEXT}")),
            permit,
            identified_by_ip: false,
            srtp: false,
            from_user: None,
            from_domain: None,
            send_pai: false,
        });
    }
    for (device, pstn) in profile.pstn_lines() {
        let name = pstn.trunk.to_string();
        let lan = vec![host_net(device.lan_address.value)];
        let gateway_user = pstn
            .gateway_user
            .as_ref()
            .map_or_else(|| name.clone(), |u| u.to_string());
        parties.push(Party {
            kind: AccountKind::PstnLine,
            driver: profile.driver(pstn.driver.as_ref()),
            name: name.clone(),
            description: format!(
                "PSTN line of SPA3102 `{}` (landline calls in, landline calls out)",
                device.name
            ),
            context: pstn.context.to_string(),
            message_context: REJECT_CONTEXT.to_string(),
            inbound: Some((name.clone(), secrets.register(&pstn.secret))),
            outbound: Some(Credentials {
                auth_name: format!("{name}-gateway"),
                username: gateway_user,
                password: secrets.register(&pstn.gateway_password),
            }),
            server: None,
            register: false,
            codecs: codec_names(None),
            callerid: None,
            mailbox: None,
            permit: lan,
            identified_by_ip: false,
            srtp: false,
            from_user: None,
            from_domain: None,
            send_pai: false,
        });
    }
    for trunk in &profile.trunks {
        let name = trunk.name.to_string();
        let protocol = protocol(trunk.transport.value);
        let port = trunk.port.as_ref().map_or(
            if protocol == Protocol::Tls {
                5061
            } else {
                5060
            },
            |p| p.value,
        );
        let outbound = match (&trunk.username, &trunk.password) {
            (Some(user), Some(password)) => Some(Credentials {
                auth_name: name.clone(),
                username: user.to_string(),
                password: secrets.register(password),
            }),
            _ => None,
        };
        parties.push(Party {
            kind: AccountKind::Trunk,
            driver: profile.driver(trunk.driver.as_ref()),
            name: name.clone(),
            description: format!("Trunk `{name}` ({})", trunk.host),
            context: trunk.context.to_string(),
            message_context: REJECT_CONTEXT.to_string(),
            inbound: None,
            from_user: trunk.username.as_ref().map(|u| u.to_string()),
            from_domain: Some(trunk.host.to_string()),
            outbound,
            server: Some(Server {
                host: trunk.host.to_string(),
                port,
                protocol,
            }),
            register: trunk.register,
            codecs: codec_names(trunk.codecs.as_ref()),
            callerid: None,
            mailbox: None,
            permit: nets(&trunk.allow_from),
            identified_by_ip: true,
            srtp: false,
            // `from_user` replaces the From user (the caller ID) by the account: the caller ID
            // travels in P-Asserted-Identity instead (res_pjsip_caller_id.c add_pai_header).
            send_pai: trunk.caller_id.is_some() && trunk.username.is_some(),
        });
    }
    if let Some(twilio) = &profile.twilio {
        let all_twilio: Vec<IpNet> = profile
            .twilio_ranges()
            .map(|r| r.all_signalling().copied().collect())
            .unwrap_or_default();
        if let Some(origination) = &twilio.origination {
            parties.push(Party {
                kind: AccountKind::TwilioOrigination,
                driver: profile.driver(twilio.driver.as_ref()),
                name: TWILIO_ORIGINATION.to_string(),
                description: "Twilio -> PBX, identified by Twilio's published signalling ranges (shared \
                              by every Twilio customer: its context reaches local destinations only)"
                    .to_string(),
                context: origination.context.to_string(),
                message_context: REJECT_CONTEXT.to_string(),
                inbound: None,
                outbound: None,
                server: None,
                register: false,
                codecs: codec_names(None),
                callerid: None,
                mailbox: None,
                permit: profile.twilio_origination_networks(),
                identified_by_ip: true,
                srtp: false,
                from_user: None,
                from_domain: None,
                send_pai: false,
            });
        }
        if let Some(termination) = &twilio.termination {
            let protocol = match termination.transport.value {
                TwilioTransport::Tls => Protocol::Tls,
                TwilioTransport::Udp => Protocol::Udp,
            };
            let port = if protocol == Protocol::Tls {
                5061
            } else {
                5060
            };
            parties.push(Party {
                kind: AccountKind::TwilioTermination,
                driver: profile.driver(twilio.driver.as_ref()),
                name: TWILIO_TERMINATION.to_string(),
                description:
                    "PBX -> Twilio Elastic SIP Trunking (never identified for incoming calls, \
                              answers Twilio's challenges with outbound_auth)"
                        .to_string(),
                // Nothing is identified as this endpoint; should anything be, it reaches nothing.
                context: REJECT_CONTEXT.to_string(),
                message_context: REJECT_CONTEXT.to_string(),
                inbound: None,
                outbound: Some(Credentials {
                    auth_name: TWILIO_TERMINATION.to_string(),
                    username: termination.username.to_string(),
                    password: secrets.register(&termination.password),
                }),
                server: Some(Server {
                    host: twilio_termination_host(profile, termination)?,
                    port,
                    protocol,
                }),
                register: false,
                codecs: codec_names(None),
                callerid: None,
                mailbox: None,
                permit: all_twilio,
                identified_by_ip: false,
                srtp: protocol == Protocol::Tls && termination.srtp_enabled(),
                from_user: None,
                from_domain: None,
                send_pai: false,
            });
        }
    }
    Ok(parties)
}

/// The CA bundle verifying the TLS servers Asterisk connects to.
#[derive(Debug, Clone, Serialize)]
pub struct CaBundle {
    pub path: String,
    /// Not named in the profile: [`SYSTEM_CA_BUNDLE`].
    pub default: bool,
}

/// The CA bundle of the TLS transport: `network.tls.ca_file`, else [`SYSTEM_CA_BUNDLE`].
pub fn ca_bundle(tls: &profile::TlsTransport) -> CaBundle {
    match &tls.ca_file {
        Some(file) => CaBundle {
            path: file.to_string(),
            default: false,
        },
        None => CaBundle {
            path: SYSTEM_CA_BUNDLE.to_string(),
            default: true,
        },
    }
}

/// `address:port` as Asterisk binds it (IPv6 in brackets).
pub fn bind(addr: IpAddr, port: u16) -> String {
    match addr {
        IpAddr::V4(a) => format!("{a}:{port}"),
        IpAddr::V6(a) => format!("[{a}]:{port}"),
    }
}
