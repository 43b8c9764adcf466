//! PBX001 suppression-without-reason: a `; pbxgen: ignore[…]` comment gives no reason.

use crate::audit::engine::{Check, MetaContext, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX001",
        name: "suppression-without-reason",
        severity: Severity::Medium,
        escalation: None,
        summary: "a `; pbxgen: ignore[…]` comment gives no reason",
        doc: RuleDoc {
            what: "Reports suppression comments that name rules but say nothing about why the finding is acceptable. The suppression still applies.",
            why: "A suppression hides a security finding from every later reader and every CI run. Without a reason nobody can tell whether the risk was understood and accepted, or silenced to make CI green; reviews of old suppressions become guesswork.",
            example: "[general]\nallowguest=yes ; pbxgen: ignore[PBX101]",
            instead: "[general]\nallowguest=yes ; pbxgen: ignore[PBX101] lab box on a private LAN, no trunks",
            references: &["pbxgen README, \"Suppressions\""],
        },
        fix: "write why the finding is acceptable after the `]`",
    },
    check: Check::Meta(check_suppression_without_reason),
};

fn check_suppression_without_reason(ctx: &MetaContext<'_>, sink: &mut Sink<'_>) {
    for s in ctx.suppressions.iter().filter(|s| !s.has_reason) {
        sink.report(
            ctx.anchor(s),
            format!("suppression of {} gives no reason", s.names.join(", ")),
        );
    }
}
