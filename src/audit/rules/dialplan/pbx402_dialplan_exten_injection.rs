//! PBX402 dialplan-exten-injection.

use super::sinks;
use crate::asterisk::model::dialplan::SinkKind;
use crate::asterisk::model::taint::Sources;
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX402",
        name: "dialplan-exten-injection",
        severity: Severity::Critical,
        escalation: None,
        summary: "caller data (`${EXTEN}` from a wide pattern, subroutine arguments, caller ID) is passed unfiltered to `Dial`/`Originate`/`MixMonitor`",
        doc: RuleDoc {
            what: "Reports `Dial`, `Page`, `Originate` and `MixMonitor` calls whose channel or file name carries caller-controlled data that may hold more than digits, as the model's taint analysis follows it: `${EXTEN}` (or a substring) under a pattern that matches arbitrary characters (`_.`, `_!`, `_X.` …), passed on as a `Macro`/`Gosub`/`GosubIf` argument (`${ARG1}`, `${ARG1:2}`), through `Set()`/`LOCAL()` variables, or caller ID and SIP headers — without `${FILTER(…)}`. (Shell commands are PBX403's.)",
            why: "`.` and `!` match any characters, not only digits: a caller who dials `123&PJSIP/00900…@trunk` makes `Dial(PJSIP/${EXTEN}@trunk)` ring a second, premium destination; in `System()` the text runs as shell. SIP Request-URIs can carry almost any character.",
            example: "exten => _X.,1,Dial(PJSIP/${EXTEN}@trunk)\n; or through a macro:\nexten => _9.,1,Macro(dialout,${EXTEN:1})\n[macro-dialout]\nexten => s,1,Dial(SIP/gw/${ARG1})",
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

fn check_exten_injection(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    for c in &ctx.pbx.dialplan.contexts {
        for d in &c.dials {
            if d.caller_controlled && !d.filtered {
                let what = describe(&d.exten, d.sources);
                sink.report(
                    ctx.anchor(d.pos),
                    format!("{what} goes unfiltered into `{}`: a caller can append `&Tech/…` and ring a second destination", d.app),
                )
                .section(c.name.clone());
            }
        }
    }
    for s in sinks(ctx) {
        if s.kind == SinkKind::Record && s.caller_controlled && !s.filtered {
            let what = describe(&s.exten, s.sources);
            sink.report(
                ctx.anchor(s.pos),
                format!(
                    "{what} goes unfiltered into `{}`: a caller chooses file names and options",
                    s.name
                ),
            );
        }
    }
}

/// "`${EXTEN}` from pattern `_X.`", or the sources the taint analysis found.
fn describe(exten: &str, sources: Sources) -> String {
    if sources.exten_only() {
        format!("`${{EXTEN}}` from pattern `{exten}`")
    } else {
        format!("data the caller controls ({})", sources.describe())
    }
}
