//! The audit engine: the shape of a rule ([`Rule`] and its one [`Check`] hook), what rules get
//! ([`AuditContext`] for config rules, [`ProfileContext`] for profile rules, [`MetaContext`]
//! for the suppression rules), what they report ([`Finding`]s through a [`Sink`]), severities
//! and thresholds, and the `; pbxgen: ignore[…]` comments.
//!
//! Rules depend on the engine; the engine knows no rule: `audit::registry` lists them, and the
//! driver (`audit::audit`) runs them.

pub mod context;
pub mod finding;
pub mod info;
pub mod rule;
pub mod severity;
pub mod suppress;

pub use context::{AuditContext, ProfileContext};
pub use finding::{Anchor, Finding, PathStep, SameLine, Sink};
pub use info::{RuleDoc, RuleInfo};
pub use rule::{Check, Rule};
pub use severity::{FailOn, Severity};
pub use suppress::{MetaContext, SourceText, Suppression};
