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

/// Seconds an internal call rings before voicemail.
pub const INTERNAL_RING_SECONDS: u32 = 30;
/// What extensions dial to reach voicemail (mailbox and PIN asked).
pub const VOICEMAIL_MAIN: &str = crate::profile::VOICEMAIL_MAIN;
/// OPTIONS ping interval towards trunks.
pub const QUALIFY_SECONDS: u32 = 60;
