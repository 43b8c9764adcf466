//! What the rules analyse the PBX model with, computed once per audit or asked per rule:
//!
//! - [`entries`]: the untrusted entry points (guests, IP-identified endpoints, trunks, WebSMS);
//! - [`reach`]: reachability from every entry through the dialplan to the `Dial`s that cost
//!   money, with paths;
//! - [`trunks`]: which peers and endpoints are trunks, which `Dial`s go out through one;
//! - [`twilio`]: whether a network is one of Twilio's current, retired or media ranges;
//! - [`network`]: private addresses, bind addresses, ACLs that deny the world;
//! - [`path`]: path steps as reports show them.
//!
//! Extension patterns are matched by [`crate::asterisk::pattern`] (shared with the profile's
//! checks of outbound routes).
//!
//! Whether data is caller-controlled is decided in one place, the model's taint lattice
//! (`asterisk::model::taint`), which reachability and the rules ask.

pub mod entries;
pub mod network;
pub mod path;
pub mod reach;
pub mod trunks;
pub mod twilio;
