//! Twilio facts: the pinned range preset (`profiles/twilio.yaml`) and its safe HTTPS refresh.

pub mod ranges;

pub use ranges::{Edge, MediaRanges, RetiredBlock, TwilioRanges};
