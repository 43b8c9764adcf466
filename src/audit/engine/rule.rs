//! The shape of a rule: its [`RuleInfo`] and the one hook it runs — over the PBX model, over a
//! site profile, or over the suppression comments. Every rule lives in its own file under
//! `audit/rules/<family>/` as a `pub static RULE: Rule`; `audit::registry` lists them.

use super::context::{AuditContext, ProfileContext};
use super::finding::Sink;
use super::info::RuleInfo;
use super::suppress::MetaContext;

/// One audit rule.
pub struct Rule {
    /// What it is: code, name, severity, documentation, fix (what its findings point at).
    pub info: RuleInfo,
    /// What it looks at.
    pub check: Check,
}

/// The hook a rule runs: each reports through the [`Sink`] of its rule.
pub enum Check {
    /// Over the PBX model of an Asterisk configuration.
    Config(fn(&AuditContext<'_>, &mut Sink<'_>)),
    /// Over a site profile (`audit --profile`).
    Profile(fn(&ProfileContext<'_>, &mut Sink<'_>)),
    /// Over the `; pbxgen: ignore[…]` comments, once they have been applied (suppression
    /// bookkeeping; these findings cannot be suppressed).
    Meta(fn(&MetaContext<'_>, &mut Sink<'_>)),
}

impl std::ops::Deref for Rule {
    type Target = RuleInfo;

    fn deref(&self) -> &RuleInfo {
        &self.info
    }
}
