//! pbxgen: render Asterisk configuration from a declarative site profile, audit any Asterisk
//! configuration for security and correctness risks, and keep Twilio allowlists current.
//!
//! Data flow (see README "Architecture"):
//! `profile` (YAML, validated, secrets as references) → `site` (normalized PBX plan) →
//! `render` (minijinja templates → files, written atomically) and
//! `asterisk` (faithful config reader → PBX model) → `audit` (rules → findings → formats).

pub mod asterisk;
pub mod audit;
pub mod diag;
pub mod fsutil;
pub mod profile;
pub mod redact;
pub mod render;
pub mod site;
pub mod twilio;

pub use diag::{Error, ErrorKind, Location, Result};
