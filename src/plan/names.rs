//! The names pbxgen gives things itself: its own contexts (a profile context may not reuse
//! them), the Twilio endpoints, and the few fixed numbers several outputs agree on.

/// Contexts pbxgen names itself (a profile context may not reuse them).
pub const INTERNAL_CONTEXT: &str = "internal";
pub const MESSAGES_CONTEXT: &str = "messages";
pub const REJECT_CONTEXT: &str = "reject";
pub const VOICEMAIL_CONTEXT: &str = "default";

/// Endpoint names pbxgen gives Twilio.
pub const TWILIO_ORIGINATION: &str = "twilio-origination";
pub const TWILIO_TERMINATION: &str = "twilio-termination";

/// The CA bundle TLS servers (Twilio, TLS trunks) are verified against when the profile names
/// none (`network.tls.ca_file`): Debian's and Ubuntu's system bundle (package ca-certificates).
/// Neither pjproject nor chan_sip loads a system trust store by itself, so a CA list is always
/// written.
pub const SYSTEM_CA_BUNDLE: &str = "/etc/ssl/certs/ca-certificates.crt";

/// The channel variable holding the extension number a MESSAGE comes from (set by the
/// sender's own `messages-<number>` context).
pub const SMS_SENDER_VARIABLE: &str = "SMS_SENDER";

/// Seconds an internal call rings before voicemail.
pub const INTERNAL_RING_SECONDS: u32 = 30;
/// What extensions dial to reach voicemail (mailbox and PIN asked).
pub const VOICEMAIL_MAIN: &str = crate::profile::VOICEMAIL_MAIN;
/// OPTIONS ping interval towards trunks.
pub const QUALIFY_SECONDS: u32 = 60;

/// Click-to-call buttons: account (endpoint, auth, aor) and context `click-to-call-NAME`, and
/// the GROUP() category their concurrent calls are counted in.
pub const CLICK_TO_CALL_PREFIX: &str = "click-to-call-";
pub const CLICK_TO_CALL_GROUP: &str = "click-to-call";
/// The pjsip transport of WebRTC buttons, and the port of Asterisk's HTTPS (WSS) server.
pub const WSS_TRANSPORT: &str = "transport-wss";
pub const WSS_PORT: u16 = crate::profile::CLICK_TO_CALL_WSS_PORT;

/// The account and context name of click-to-call button `button`.
pub fn click_to_call_name(button: &str) -> String {
    format!("{CLICK_TO_CALL_PREFIX}{button}")
}
