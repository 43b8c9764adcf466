//! Provisioning files: SPA3102 `<flat-profile>`s and TwiML documents for Twilio numbers.

use super::SecretId;
use serde::Serialize;

/// One Cisco/Linksys SPA3102 (spec/spa3102.md): Line 1 (FXS) registers as an extension, the PSTN
/// line (FXO) registers as a trunk and is a VoIP→PSTN gateway behind HTTP Digest.
#[derive(Debug, Clone, Serialize)]
pub struct Spa3102 {
    pub name: String,
    /// Output file name (`spa3102-<name>.xml`).
    pub file: String,
    /// Where both lines register: the PBX address (and port) as the device sees it.
    pub proxy: String,
    pub line1: Option<SpaLine>,
    pub pstn: Option<SpaPstn>,
    pub settings: SpaSettings,
}

/// Device settings, in the device's own spelling (`G711u`, `AVT`, `Yes`).
#[derive(Debug, Clone, Serialize)]
pub struct SpaSettings {
    pub preferred_codec: &'static str,
    pub dtmf_tx_method: &'static str,
    pub register_expires: u32,
    pub fxs_sip_port: u16,
    pub pstn_sip_port: u16,
    pub pstn_answer_delay: u32,
    pub pstn_ring_thru_delay: u32,
    pub restrict_source_ip: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct SpaLine {
    pub user_id: String,
    pub display_name: String,
    pub password: SecretId,
}

#[derive(Debug, Clone, Serialize)]
pub struct SpaPstn {
    /// The trunk name the PSTN line registers as (`atapstn`).
    pub user_id: String,
    pub password: SecretId,
    /// HTTP Digest credentials the gateway demands before it dials the landline.
    pub gateway_user: String,
    pub gateway_password: SecretId,
    /// The extension the ATA calls at the PBX when the landline rings (`(S0<:EXT>)`).
    pub ring_extension: String,
}

/// A TwiML document routing one Twilio number to the PBX.
#[derive(Debug, Clone, Serialize)]
pub struct Twiml {
    pub name: String,
    /// Output file name (`twiml-<name>.xml`).
    pub file: String,
    pub number: String,
    /// `sip:<number>@<pbx>[:port];transport=tls|udp|tcp` — no credentials, ever.
    pub sip_uri: String,
    /// Where Twilio posts the outcome (`DialCallStatus`), for a fallback when the PBX is down.
    pub action: Option<String>,
    pub timeout: u32,
}

/// `voicemail.conf`: one mailbox per extension with voicemail.
#[derive(Debug, Clone, Serialize)]
pub struct Voicemail {
    pub context: String,
    pub mailboxes: Vec<Mailbox>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Mailbox {
    pub number: String,
    pub pin: SecretId,
    pub name: String,
    pub email: Option<String>,
}
