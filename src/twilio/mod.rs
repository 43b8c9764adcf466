//! Twilio facts: the pinned range preset (`profiles/twilio.yaml`) and its safe HTTPS refresh.

pub mod extract;
pub mod page;
pub mod ranges;
pub mod special;
mod yaml;

pub use ranges::{Edge, MediaRanges, RangeStatus, RetiredBlock, TwilioRanges};
