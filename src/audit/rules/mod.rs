//! Every rule, one file per rule: `<family>/<code>_<name>.rs` holds the rule's metadata, its
//! documentation and its hook (config, profile or meta); a family's `mod.rs` holds what several
//! of its rules share. Rules depend on the engine and the analyses, never on each other or on
//! the registry (`audit::registry` lists them).

pub mod acl;
pub mod config;
pub mod dialplan;
pub mod exec;
pub mod meta;
pub mod pjsip;
pub mod secrets;
pub mod sip;
pub mod tls;
pub mod twilio;
pub mod websms;
