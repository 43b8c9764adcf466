//! The chan_sip side of the plan (`sip.conf`, Asterisk ≤ 20 only).

use super::names::{REJECT_CONTEXT, TWILIO_ORIGINATION};
use super::party::{AccountKind, CaBundle, CallerId, Party, bind, ca_bundle, nets};
use super::secrets::SecretId;
use crate::diag::Error;
use crate::profile::{ChannelDriver, Profile, Transport};
use ipnet::IpNet;
use serde::Serialize;
use std::net::IpAddr;

/// Everything `sip.conf` holds.
#[derive(Debug, Clone, Serialize)]
pub struct ChanSip {
    pub general: SipGeneral,
    /// Extensions, device lines and trunks.
    pub peers: Vec<SipPeer>,
    /// Twilio origination: one `type=peer` per Twilio signalling address (chan_sip matches a
    /// peer by one host, never by a network).
    pub twilio: Option<SipTwilio>,
}

/// The `[general]` section.
#[derive(Debug, Clone, Serialize)]
pub struct SipGeneral {
    /// `udpbindaddr` (`address:port`), when UDP is on.
    pub udp_bind: Option<String>,
    /// `tcpbindaddr`, when TCP is on.
    pub tcp_bind: Option<String>,
    /// `tlsbindaddr`, certificate and key, when TLS is on.
    pub tls: Option<SipTls>,
    /// The transport used for outgoing requests by default (`transport=`).
    pub default_transport: String,
    /// The public address chan_sip puts in SIP and SDP for parties outside `local_nets`.
    pub external_address: Option<ExternalAddress>,
    #[serde(serialize_with = "super::net_text::serialize")]
    pub local_nets: Vec<IpNet>,
    /// Where guests would land: a context that reaches nothing (guests are refused anyway).
    pub guest_context: String,
    /// `register =>` lines.
    pub registrations: Vec<SipRegister>,
}

/// chan_sip's public address, in the option that reads it: `externaddr=` parses an address
/// only (a name is refused with `Invalid address for externaddr keyword`, and chan_sip then has
/// no public address at all), `externhost=` resolves a name and resolves it again every
/// `externrefresh` seconds (dynamic DNS). chan_sip.c `reload_config`, Asterisk 20.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "option", rename_all = "lowercase")]
pub enum ExternalAddress {
    /// `externaddr=ADDRESS`.
    Externaddr { address: IpAddr },
    /// `externhost=NAME` and `externrefresh=SECONDS`.
    Externhost { name: String, refresh: u32 },
}

/// Seconds between chan_sip's lookups of `externhost` (chan_sip's default, 10, resolves a
/// dynamic-DNS name in the SIP thread six times a minute).
pub const EXTERNHOST_REFRESH_SECONDS: u32 = 60;

impl ExternalAddress {
    /// The option for `public_address`: an address as `externaddr`, a name as `externhost`.
    pub fn of(public_address: &str) -> ExternalAddress {
        match public_address.parse::<IpAddr>() {
            Ok(address) => ExternalAddress::Externaddr { address },
            Err(_) => ExternalAddress::Externhost {
                name: public_address.to_string(),
                refresh: EXTERNHOST_REFRESH_SECONDS,
            },
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SipTls {
    pub bind: String,
    pub cert_file: String,
    pub key_file: String,
    pub ca_file: CaBundle,
}

/// `register => transport://user:secret@host:port/extension`.
#[derive(Debug, Clone, Serialize)]
pub struct SipRegister {
    pub transport: String,
    pub user: String,
    pub secret: SecretId,
    pub host: String,
    pub port: u16,
    /// The extension incoming calls on this registration arrive at.
    pub extension: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PeerType {
    /// Calls both ways, authenticated by secret (phones, device lines).
    Friend,
    /// A server we call (and that may call us from its host).
    Peer,
}

/// One peer section.
#[derive(Debug, Clone, Serialize)]
pub struct SipPeer {
    pub name: String,
    pub description: String,
    #[serde(rename = "type")]
    pub peer_type: PeerType,
    /// `dynamic` (registers) or a host name/address.
    pub host: String,
    pub port: Option<u16>,
    pub transport: Option<String>,
    pub context: String,
    /// Inbound secret (friends).
    pub secret: Option<SecretId>,
    /// Outbound-only secret (trunks): never lets the far end in.
    pub remotesecret: Option<SecretId>,
    pub defaultuser: Option<String>,
    pub fromuser: Option<String>,
    pub fromdomain: Option<String>,
    /// `sendrpid=pai`: the caller ID in P-Asserted-Identity (see `Party::send_pai`).
    pub send_pai: bool,
    pub callerid: Option<CallerId>,
    pub mailbox: Option<String>,
    pub codecs: Vec<&'static str>,
    /// `encryption=yes` (SRTP); only on TLS peers.
    pub srtp: bool,
    #[serde(serialize_with = "super::net_text::serialize")]
    pub permit: Vec<IpNet>,
    #[serde(serialize_with = "super::net_text::serialize")]
    pub contact_permit: Vec<IpNet>,
}

/// The Twilio origination peers: one `(!)` template and one peer per address.
#[derive(Debug, Clone, Serialize)]
pub struct SipTwilio {
    pub template: String,
    pub context: String,
    pub peers: Vec<SipAddressPeer>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SipAddressPeer {
    pub name: String,
    pub address: IpAddr,
    /// The edge it belongs to (for the comment).
    pub edge: String,
}

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

/// The chan_sip side of the plan: the parties chan_sip serves, as peers (one peer per Twilio
/// address when it serves Twilio), listening on chan_sip's ports.
pub fn build(profile: &Profile, parties: &[Party]) -> Result<ChanSip, Error> {
    let network = &profile.network;
    let addr = network.bind.value;
    let port = |transport| profile.listen_port(transport, ChannelDriver::Sip);
    let tls = network
        .tls
        .as_ref()
        .zip(port(Transport::Tls))
        .map(|(t, p)| SipTls {
            bind: bind(addr, p),
            cert_file: t.cert_file.to_string(),
            key_file: t.key_file.to_string(),
            ca_file: ca_bundle(t),
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
        .filter(|t| profile.driver(t.driver.as_ref()) == ChannelDriver::Sip)
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
            send_pai: party.send_pai,
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
            udp_bind: port(Transport::Udp).map(|p| bind(addr, p)),
            tcp_bind: port(Transport::Tcp).map(|p| bind(addr, p)),
            tls,
            default_transport,
            external_address: network
                .public_address
                .as_ref()
                .map(|a| ExternalAddress::of(a.as_str())),
            local_nets: nets(&network.local_nets),
            guest_context: REJECT_CONTEXT.to_string(),
            registrations,
        },
        peers,
        twilio,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_public_name_goes_in_externhost_and_an_address_in_externaddr() {
        assert_eq!(
            ExternalAddress::of("203.0.113.7"),
            ExternalAddress::Externaddr {
                address: "203.0.113.7".parse().unwrap()
            }
        );
        assert_eq!(
            ExternalAddress::of("pbx.example.net"),
            ExternalAddress::Externhost {
                name: "pbx.example.net".into(),
                refresh: EXTERNHOST_REFRESH_SECONDS
            }
        );
    }
}
