//! Profile → [`Site`]: every name, ACL, route and provisioning value decided once.
//!
//! The parties of the PBX (extensions, device PSTN lines, trunks, Twilio origination and
//! termination) are first described driver-neutrally as [`Party`]s; pjsip accounts and chan_sip
//! peers are two renderings of the same list, so the two files cannot disagree. The dialplan is
//! built from the routes; [`super::invariants`] then checks the plan's security promises.

use super::chan_sip::{
    ChanSip, PeerType, SipAddressPeer, SipGeneral, SipPeer, SipRegister, SipTls, SipTwilio,
};
use super::dialplan::{Dialplan, Tech};
use super::pjsip::{
    Account, AccountKind, Aor, Auth, CallerId, Endpoint, Identify, Pjsip, Protocol, Registration,
    Transport,
};
use super::provision;
use super::{SecretId, Site};
use crate::diag::Error;
use crate::profile::{self, ChannelDriver, Codec, Profile, TwilioTransport};
use ipnet::IpNet;
use std::net::IpAddr;

/// Contexts pbxgen names itself (a profile context may not reuse them).
pub const INTERNAL_CONTEXT: &str = "internal";
pub const MESSAGES_CONTEXT: &str = "messages";
pub const REJECT_CONTEXT: &str = "reject";
pub const VOICEMAIL_CONTEXT: &str = "default";

/// Endpoint names pbxgen gives Twilio.
pub const TWILIO_ORIGINATION: &str = "twilio-origination";
pub const TWILIO_TERMINATION: &str = "twilio-termination";

/// Seconds an internal call rings before voicemail.
pub(super) const INTERNAL_RING_SECONDS: u32 = 30;
/// What extensions dial to reach voicemail (mailbox and PIN asked).
pub(super) const VOICEMAIL_MAIN: &str = "*98";
/// OPTIONS ping interval towards trunks.
const QUALIFY_SECONDS: u32 = 60;

/// Build the plan for `profile`.
pub fn plan(profile: &Profile) -> Result<Site, Error> {
    let mut site = Site {
        name: profile.site.name.to_string(),
        profile_file: profile.path().file_name().map_or_else(
            || "profile".to_string(),
            |n| n.to_string_lossy().into_owned(),
        ),
        asterisk: profile.site.asterisk.value,
        pjsip: None,
        sip: None,
        dialplan: Dialplan {
            contexts: Vec::new(),
        },
        voicemail: None,
        websms: None,
        spa3102: Vec::new(),
        twiml: Vec::new(),
        secrets: Vec::new(),
        secret_index: Default::default(),
    };
    let tech = if profile.wants(ChannelDriver::Pjsip) {
        Tech::Pjsip
    } else {
        Tech::Sip
    };
    let parties = parties(profile, &mut site)?;
    if profile.wants(ChannelDriver::Sip) {
        if site.asterisk > 20 {
            return Err(Error::at(
                profile.site.asterisk.pos.location(),
                format!(
                    "chan_sip (sip.conf) does not exist in Asterisk {}",
                    site.asterisk
                ),
            ));
        }
        site.sip = Some(chan_sip(profile, &parties)?);
    }
    // Last: pjsip takes the parties over.
    if profile.wants(ChannelDriver::Pjsip) {
        site.pjsip = Some(pjsip(profile, parties));
    }
    site.dialplan = super::routes::dialplan(profile, tech)?;
    site.voicemail = provision::voicemail(profile, &mut site);
    site.websms = provision::websms(profile, &mut site);
    site.spa3102 = provision::spa3102(profile, &mut site)?;
    site.twiml = provision::twiml(profile)?;
    super::invariants::check(&site, profile)?;
    Ok(site)
}

// ---------------------------------------------------------------------------------------------
// parties

/// One party of the PBX, before choosing a channel driver.
struct Party {
    kind: AccountKind,
    name: String,
    description: String,
    context: String,
    message_context: String,
    /// Credentials the party authenticates to us with (phones, device lines).
    inbound: Option<(String, SecretId)>,
    /// Credentials we answer the party's challenges with (trunks, the gateway of a PSTN line).
    outbound: Option<Credentials>,
    /// Where we reach it (servers); `None` for parties that register.
    server: Option<Server>,
    /// We register to it.
    register: bool,
    codecs: Vec<&'static str>,
    callerid: Option<CallerId>,
    mailbox: Option<String>,
    /// Source networks allowed (ACL) — also `identify` networks for IP-identified parties.
    permit: Vec<IpNet>,
    /// Identified by source address (no inbound authentication).
    identified_by_ip: bool,
    srtp: bool,
    from_user: Option<String>,
    from_domain: Option<String>,
}

struct Credentials {
    auth_name: String,
    username: String,
    password: SecretId,
}

struct Server {
    host: String,
    port: u16,
    protocol: Protocol,
}

fn protocol(transport: profile::Transport) -> Protocol {
    match transport {
        profile::Transport::Udp => Protocol::Udp,
        profile::Transport::Tcp => Protocol::Tcp,
        profile::Transport::Tls => Protocol::Tls,
    }
}

fn codec_names(codecs: Option<&Vec<Codec>>) -> Vec<&'static str> {
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

fn host_net(addr: IpAddr) -> IpNet {
    IpNet::from(addr)
}

fn nets(cidrs: &[profile::Cidr]) -> Vec<IpNet> {
    cidrs.iter().map(profile::Cidr::net).collect()
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

fn parties(profile: &Profile, site: &mut Site) -> Result<Vec<Party>, Error> {
    let mut parties = Vec::new();
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
        parties.push(Party {
            kind: AccountKind::Extension,
            name: number.clone(),
            description,
            context: extension_context(profile, &number),
            message_context: if ext.sms {
                MESSAGES_CONTEXT
            } else {
                REJECT_CONTEXT
            }
            .to_string(),
            inbound: Some((number.clone(), site.secret(&ext.secret))),
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
            name: name.clone(),
            description: format!(
                "PSTN line of SPA3102 `{}` (landline calls in, landline calls out)",
                device.name
            ),
            context: pstn.context.to_string(),
            message_context: REJECT_CONTEXT.to_string(),
            inbound: Some((name.clone(), site.secret(&pstn.secret))),
            outbound: Some(Credentials {
                auth_name: format!("{name}-gateway"),
                username: gateway_user,
                password: site.secret(&pstn.gateway_password),
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
                password: site.secret(password),
            }),
            _ => None,
        };
        parties.push(Party {
            kind: AccountKind::Trunk,
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
                    password: site.secret(&termination.password),
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
            });
        }
    }
    Ok(parties)
}

// ---------------------------------------------------------------------------------------------
// pjsip

fn transport_name(protocol: Protocol) -> String {
    format!("transport-{}", protocol.as_str())
}

fn bind(addr: IpAddr, port: u16) -> String {
    match addr {
        IpAddr::V4(a) => format!("{a}:{port}"),
        IpAddr::V6(a) => format!("[{a}]:{port}"),
    }
}

fn pjsip(profile: &Profile, parties: Vec<Party>) -> Pjsip {
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
            ca_list_file: tls.and_then(|t| t.ca_file.as_ref()).map(|f| f.to_string()),
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
    let accounts = parties.into_iter().map(pjsip_account).collect();
    Pjsip {
        transports,
        accounts,
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

// ---------------------------------------------------------------------------------------------
// chan_sip

/// Every address of `net`, network and broadcast addresses included: chan_sip matches a peer by
/// one `host`, so a Twilio /30 becomes four peers.
fn every_address(net: &IpNet) -> Result<Vec<IpAddr>, Error> {
    const MAX: u32 = 64;
    match net {
        IpNet::V4(v4) if v4.prefix_len() >= 26 => {
            let first = u32::from(v4.network());
            let count = 1u32 << (32 - v4.prefix_len());
            Ok((0..count).map(|i| IpAddr::from(std::net::Ipv4Addr::from(first + i))).collect())
        }
        _ => Err(Error::invalid(format!(
            "Twilio range {net} is too large to expand into chan_sip peers (at most {MAX} addresses, IPv4)"
        ))
        .with_hint("use pjsip for Twilio origination (`match=` takes networks), or a preset with smaller ranges")),
    }
}

fn chan_sip(profile: &Profile, parties: &[Party]) -> Result<ChanSip, Error> {
    let network = &profile.network;
    let addr = network.bind.value;
    let tls = network.tls.as_ref().map(|t| SipTls {
        bind: bind(addr, t.port.value),
        cert_file: t.cert_file.to_string(),
        key_file: t.key_file.to_string(),
        ca_file: t.ca_file.as_ref().map(|f| f.to_string()),
    });
    let default_transport = [
        network.udp.as_ref().map(|_| "udp"),
        network.tcp.as_ref().map(|_| "tcp"),
        network.tls.as_ref().map(|_| "tls"),
    ]
    .into_iter()
    .flatten()
    .next()
    .unwrap_or("udp")
    .to_string();
    let mut registrations = Vec::new();
    let mut peers = Vec::new();
    let twilio_context = profile
        .twilio
        .as_ref()
        .and_then(|t| t.origination.as_ref())
        .map(|o| o.context.to_string());
    for party in parties {
        if party.kind == AccountKind::TwilioOrigination {
            continue;
        }
        if let (Some(server), Some(out)) = (&party.server, &party.outbound) {
            if party.register {
                registrations.push(SipRegister {
                    transport: server.protocol.as_str().to_string(),
                    user: out.username.clone(),
                    secret: out.password,
                    host: server.host.clone(),
                    port: server.port,
                    extension: out.username.clone(),
                });
            }
        }
        // chan_sip matches an incoming request to a `host=` peer by address and port before it
        // tries the per-address Twilio peers: should Twilio's termination address send us a
        // call, it must land where Twilio's calls land, never in a context that dials out.
        let context = match (party.kind, &twilio_context) {
            (AccountKind::TwilioTermination, Some(ctx)) => ctx.clone(),
            _ => party.context.clone(),
        };
        peers.push(SipPeer {
            name: party.name.clone(),
            description: party.description.clone(),
            peer_type: if party.server.is_some() {
                PeerType::Peer
            } else {
                PeerType::Friend
            },
            host: party
                .server
                .as_ref()
                .map_or_else(|| "dynamic".to_string(), |s| s.host.clone()),
            port: party.server.as_ref().map(|s| s.port),
            transport: party
                .server
                .as_ref()
                .map(|s| s.protocol.as_str().to_string()),
            context,
            secret: party.inbound.as_ref().map(|(_, s)| *s),
            remotesecret: party.outbound.as_ref().map(|o| o.password),
            defaultuser: party.outbound.as_ref().map(|o| o.username.clone()),
            fromuser: party.from_user.clone(),
            fromdomain: party.from_domain.clone(),
            callerid: party.callerid.clone(),
            mailbox: party.mailbox.clone(),
            codecs: party.codecs.clone(),
            srtp: party.srtp,
            permit: party.permit.clone(),
            contact_permit: if party.kind.registers() {
                party.permit.clone()
            } else {
                Vec::new()
            },
        });
    }
    let twilio = match (&twilio_context, profile.twilio_ranges()) {
        (Some(context), Some(ranges)) => {
            let selected = profile.twilio_origination_networks();
            let mut address_peers = Vec::new();
            for edge in &ranges.edges {
                let mut n = 0;
                for net in edge.signalling.iter().filter(|n| selected.contains(n)) {
                    for address in every_address(net)? {
                        n += 1;
                        address_peers.push(SipAddressPeer {
                            name: format!("twilio-{}-{n}", edge.name),
                            address,
                            edge: edge.name.clone(),
                        });
                    }
                }
            }
            Some(SipTwilio {
                template: TWILIO_ORIGINATION.to_string(),
                context: context.clone(),
                peers: address_peers,
            })
        }
        _ => None,
    };
    Ok(ChanSip {
        general: SipGeneral {
            udp_bind: network.udp.as_ref().map(|u| bind(addr, u.port.value)),
            tcp_bind: network.tcp.as_ref().map(|t| bind(addr, t.port.value)),
            tls,
            default_transport,
            external_address: network.public_address.as_ref().map(|a| a.to_string()),
            local_nets: nets(&network.local_nets),
            guest_context: REJECT_CONTEXT.to_string(),
            registrations,
        },
        peers,
        twilio,
    })
}
