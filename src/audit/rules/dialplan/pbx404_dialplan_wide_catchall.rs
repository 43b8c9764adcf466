//! PBX404 dialplan-wide-catchall.

use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX404",
        name: "dialplan-wide-catchall",
        severity: Severity::Low,
        escalation: None,
        summary: "`_.` or `_!` also matches `h`, `i`, `t` and other special extensions",
        doc: RuleDoc {
            what: "Reports extensions whose pattern is `_.` or `_!` (or starts with one of them).",
            why: "`_.` matches every extension including `h` (hangup), `i` (invalid), `t` (timeout), `s`: the catch-all runs where a special handler was expected — e.g. a `Dial` on hangup — and Asterisk warns about it at load. It also passes arbitrary characters to whatever uses `${EXTEN}`.",
            example: "exten => _.,1,Dial(PJSIP/${EXTEN}@trunk)",
            instead: "exten => _X.,1,Dial(PJSIP/${FILTER(0-9,${EXTEN})}@trunk)",
            references: &[
                "Asterisk warning: \"The use of '_.' for an extension is strongly discouraged\"",
            ],
        },
        fix: "use `_X.` (digits) or a stricter pattern",
    },
    check: Check::Config(check_wide_catchall),
};

fn check_wide_catchall(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    for c in &ctx.pbx.dialplan.contexts {
        for e in &c.extensions {
            if e.name.starts_with("_.") || e.name.starts_with("_!") {
                sink.report(
                    ctx.anchor(e.pos),
                    format!(
                        "`{}` in [{}] also matches `h`, `i`, `t` and any characters",
                        e.name, c.name
                    ),
                )
                .section(c.name.clone());
            }
        }
    }
}
