//! Twilio facts: the pinned range preset (`profiles/twilio.yaml`) and its safe HTTPS refresh.
//!
//! `ranges` is the preset and what the auditor asks of it; `fetch` → `page` → `extract` →
//! `refresh` read Twilio's page and decide whether it may replace the preset; `report` shows
//! the change; `firewall` turns a preset into nftables or iptables rules.

pub mod date;
pub mod extract;
pub mod fetch;
pub mod firewall;
pub mod netset;
pub mod page;
pub mod ranges;
pub mod refresh;
pub mod report;
pub mod special;
pub mod webhook;
mod yaml;

pub use ranges::{Edge, MediaRanges, RangeStatus, RetiredBlock, TwilioRanges};
