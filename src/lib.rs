//! pbxgen: render Asterisk configuration from a declarative site profile, audit any Asterisk
//! configuration for security and correctness risks, and keep Twilio allowlists current.
//!
//! Data flow (see ARCHITECTURE.md):
//! `profile` (YAML, validated, secrets as references) → `plan` (what every output file holds) →
//! `render` (the output registry and minijinja templates → files, written atomically) and
//! `asterisk` (faithful config reader → PBX model) → `audit` (rules → findings → formats).
//! `redact` keeps secrets out of everything printed; `twilio` holds Twilio's ranges and the
//! signed-webhook server, `serve` what a profile's webhook serves; `verify` loads a
//! configuration into a real, throwaway Asterisk; `diag` the one error type; `fsutil` atomic
//! writes and bounded reads; `untrusted` makes text from configs safe to print. The command
//! line is the binary's, not the library's.

pub mod asterisk;
pub mod audit;
pub mod breadth;
pub mod diag;
pub mod dispose;
pub mod fsutil;
pub mod json_text;
pub mod migrate;
pub mod plan;
pub mod profile;
pub mod redact;
pub mod render;
pub mod serve;
pub mod stable_sort;
pub mod twilio;
pub mod untrusted;
pub mod verify;

pub use diag::{Error, ErrorKind, Location, Result};
