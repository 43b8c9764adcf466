//! `twiml-<name>.xml`: a TwiML document routing a Twilio number to the PBX (never credentials).

use crate::diag::Error;
use crate::profile::{Profile, Transport};
use crate::twilio::webhook::Endpoint;
use serde::Serialize;

/// Seconds Twilio waits for the PBX to answer a `<Dial><Sip>`.
const TWIML_DIAL_TIMEOUT: u32 = 60;

/// A TwiML document routing one Twilio number to the PBX.
#[derive(Debug, Clone, Serialize)]
pub struct Twiml {
    /// The number's short name (the file is `twiml-<name>.xml`, see the output registry).
    pub name: String,
    pub number: String,
    /// `sip:<number>@<pbx>[:port];transport=tls|udp|tcp` — no credentials, ever.
    pub sip_uri: String,
    /// Where Twilio posts the outcome (`DialCallStatus`): the webhook's
    /// `<public_url>/<name>/dial-status`, when `twilio.webhook` is configured.
    pub action: Option<String>,
    /// Where the webhook sends the call when the PBX does not take it (for the comment).
    pub failover: Option<TwimlFailover>,
    pub timeout: u32,
}

/// A number's failover as the TwiML file's comment describes it.
#[derive(Debug, Clone, Serialize)]
pub struct TwimlFailover {
    pub number: String,
    /// The `DialCallStatus` values that fail over (`failed`, `busy`, `no-answer` …).
    pub on: Vec<String>,
}

/// One TwiML document per Twilio number.
pub fn build(profile: &Profile) -> Result<Vec<Twiml>, Error> {
    let Some(twilio) = &profile.twilio else {
        return Ok(Vec::new());
    };
    let network = &profile.network;
    let mut out = Vec::new();
    for number in &twilio.numbers {
        let host = network.public_address.as_ref().ok_or_else(|| {
            Error::at(
                number.number.pos().location(),
                format!(
                    "Twilio number {} is routed to the PBX, but the PBX has no public address",
                    number.number
                ),
            )
            .with_hint(
                "set `network.public_address` (the name or address Twilio reaches the PBX at)",
            )
        })?;
        let (transport, default_port) = match (&network.tls, &network.udp, &network.tcp) {
            (Some(_), _, _) => (Transport::Tls, 5061),
            (None, Some(_), _) => (Transport::Udp, 5060),
            (None, None, Some(_)) => (Transport::Tcp, 5060),
            (None, None, None) => return Err(Error::invalid("`network` has no SIP transport")),
        };
        // The port of the driver that serves Twilio (chan_sip has its own next to pjsip).
        let port = profile
            .listen_port(transport, profile.driver(twilio.driver.as_ref()))
            .unwrap_or(default_port);
        let transport = match transport {
            Transport::Tls => "tls",
            Transport::Udp => "udp",
            Transport::Tcp => "tcp",
        };
        let port = if port == default_port {
            String::new()
        } else {
            format!(":{port}")
        };
        let action = twilio.webhook.as_ref().map(|webhook| {
            webhook
                .public_url
                .url()
                .endpoint(&number.name, Endpoint::DialStatus)
        });
        let failover = number.failover.as_ref().map(|f| TwimlFailover {
            number: f.number.to_string(),
            on: f.on.iter().map(|s| s.value.as_str().to_string()).collect(),
        });
        out.push(Twiml {
            name: number.name.to_string(),
            number: number.number.to_string(),
            sip_uri: format!("sip:{}@{host}{port};transport={transport}", number.number),
            action,
            failover,
            timeout: TWIML_DIAL_TIMEOUT,
        });
    }
    Ok(out)
}
