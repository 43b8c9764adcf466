//! The chan_sip side of the plan (`sip.conf`, Asterisk ≤ 20 only).

use super::SecretId;
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
    pub external_address: Option<String>,
    pub local_nets: Vec<IpNet>,
    /// Where guests would land: a context that reaches nothing (guests are refused anyway).
    pub guest_context: String,
    /// `register =>` lines.
    pub registrations: Vec<SipRegister>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SipTls {
    pub bind: String,
    pub cert_file: String,
    pub key_file: String,
    pub ca_file: Option<String>,
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
    pub callerid: Option<super::pjsip::CallerId>,
    pub mailbox: Option<String>,
    pub codecs: Vec<&'static str>,
    /// `encryption=yes` (SRTP); only on TLS peers.
    pub srtp: bool,
    pub permit: Vec<IpNet>,
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
