//! Live suites: pbxgen's output and real-world configurations loaded into a real Asterisk 22, and
//! SIP calls placed with SIPp, in throwaway instances of the sandbox that
//! `scripts/asterisk-sandbox ensure` provisions (`PBXGEN_ASTERISK_ROOT`). Without the sandbox the
//! tests say "skipped" on stderr, except under CI (`CI=true`), where they fail.
//!
//! Every instance runs in its own network namespace with only `lo`: nothing leaves the machine.
//! See docs/testing-with-asterisk.md.

mod support;

mod cli;
mod click_to_call;
mod corpus;
mod examples;
mod matrix;
mod migrate;
mod sandbox;
mod sip;
mod values;
