//! PBX402 dialplan-exten-injection.

use super::sinks;
use crate::asterisk::model::dialplan::{PatternClass, SinkKind, pattern_class};
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX402",
        name: "dialplan-exten-injection",
        severity: Severity::Critical,
        escalation: None,
        summary: "`${EXTEN}` from a wide pattern is passed unfiltered to `Dial`/`System`/`MixMonitor`",
        doc: RuleDoc {
            what: "Reports `Dial`, `System`, `TrySystem`, `SHELL()` and `MixMonitor` calls that use `${EXTEN}` (or a substring) under a pattern that matches arbitrary characters (`_.`, `_!`, `_X.` …) without `${FILTER(…)}`.",
            why: "`.` and `!` match any characters, not only digits: a caller who dials `123&PJSIP/00900…@trunk` makes `Dial(PJSIP/${EXTEN}@trunk)` ring a second, premium destination; in `System()` the text runs as shell. SIP Request-URIs can carry almost any character.",
            example: "exten => _X.,1,Dial(PJSIP/${EXTEN}@trunk)",
            instead: "exten => _X.,1,Dial(PJSIP/${FILTER(0-9,${EXTEN})}@trunk)\n; or a strict pattern: exten => _0XXXXXXXXX,1,…",
            references: &[
                "Asterisk README-SERIOUSLY.bestpractices.md, \"Dialplan injection\"",
                "AST-2010-002",
            ],
        },
        fix: "wrap the value in `${FILTER(0-9,…)}` or use a pattern of digits only",
    },
    check: Check::Config(check_exten_injection),
};

/// Whether an argument uses `${EXTEN}` (or a substring of it).
fn uses_exten(arg: &str) -> bool {
    arg.contains("${EXTEN}") || arg.contains("${EXTEN:")
}

fn check_exten_injection(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let wide = |exten: &str| pattern_class(exten) == PatternClass::Wide;
    for c in &ctx.pbx.dialplan.contexts {
        for d in &c.dials {
            if d.caller_controlled && !d.filtered && wide(&d.exten) && uses_exten(&d.resource) {
                sink.report(
                    ctx.anchor(d.pos),
                    format!("`${{EXTEN}}` from pattern `{}` goes unfiltered into `{}`: a caller can append `&Tech/…` and ring a second destination", d.exten, d.app),
                )
                .section(c.name.clone());
            }
        }
    }
    for s in sinks(ctx) {
        if s.kind == SinkKind::Record
            && s.caller_controlled
            && !s.filtered
            && wide(&s.exten)
            && uses_exten(&s.argument)
        {
            sink.report(
                ctx.anchor(s.pos),
                format!("`${{EXTEN}}` from pattern `{}` goes unfiltered into `{}`: a caller chooses file names and options", s.exten, s.name),
            );
        }
    }
}
