//! PBX002 unused-suppression: a `; pbxgen: ignore[…]` comment suppresses nothing.

use crate::audit::engine::{Check, MetaContext, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX002",
        name: "unused-suppression",
        severity: Severity::Low,
        escalation: None,
        summary: "a `; pbxgen: ignore[…]` comment suppresses nothing",
        doc: RuleDoc {
            what: "Reports suppressions whose rule reports nothing on the line they cover (the comment's line and the next code line) or, for `ignore-file`, in the file.",
            why: "A stale suppression is a trap: the risky line it was written for has moved or been fixed, and the next risky line that lands under it will be silenced without anyone deciding so.",
            example: "; pbxgen: ignore[PBX103] Twilio origination, IP-limited\n[twilio]\ntype=peer\nhost=54.172.60.1",
            instead: "[twilio]\ntype=peer\nhost=54.172.60.1",
            references: &["pbxgen README, \"Suppressions\""],
        },
        fix: "delete the suppression, or move it to the line it is meant for",
    },
    check: Check::Meta(check_unused_suppression),
};

fn check_unused_suppression(ctx: &MetaContext<'_>, sink: &mut Sink<'_>) {
    for s in ctx.suppressions {
        for (rule, used) in s.rules.iter().zip(&s.used) {
            let Some(r) = rule else { continue };
            if *used {
                continue;
            }
            let scope = if s.lines.is_none() {
                "this file"
            } else {
                "this line or the next"
            };
            sink.report(
                ctx.anchor(s),
                format!("{} {} reports nothing on {scope}", r.code, r.name),
            );
        }
    }
}
