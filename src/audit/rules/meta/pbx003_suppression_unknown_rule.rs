//! PBX003 suppression-unknown-rule: a `; pbxgen: ignore[…]` comment names no known rule.

use crate::audit::engine::{Check, MetaContext, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX003",
        name: "suppression-unknown-rule",
        severity: Severity::Low,
        escalation: None,
        summary: "a `; pbxgen: ignore[…]` comment names no known rule",
        doc: RuleDoc {
            what: "Reports suppressions naming a code or name that is not a pbxgen rule (a typo, or a rule of another tool).",
            why: "A misspelt suppression silences nothing, so the finding it was meant for still fails CI — or, worse, the author believes a risk is documented as accepted when the comment is inert.",
            example: "allowguest=yes ; pbxgen: ignore[PBX10] lab box",
            instead: "allowguest=yes ; pbxgen: ignore[PBX101] lab box",
            references: &["`pbxgen rules` lists every code and name"],
        },
        fix: "use a code or name listed by `pbxgen rules`",
    },
    check: Check::Meta(check_suppression_unknown_rule),
};

fn check_suppression_unknown_rule(ctx: &MetaContext<'_>, sink: &mut Sink<'_>) {
    for s in ctx.suppressions {
        for (name, rule) in s.names.iter().zip(&s.rules) {
            if rule.is_none() {
                sink.report(
                    ctx.anchor(s),
                    format!("`{name}` is not a pbxgen rule code or name"),
                );
            }
        }
    }
}
