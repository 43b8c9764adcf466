//! PBX403 dialplan-shell-from-caller.

use super::sinks;
use crate::asterisk::model::dialplan::SinkKind;
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX403",
        name: "dialplan-shell-from-caller",
        severity: Severity::Critical,
        escalation: None,
        summary: "`System`/`TrySystem`/`SHELL()` runs a command built from caller data",
        doc: RuleDoc {
            what: "Reports `System`, `TrySystem` and `${SHELL(…)}` whose command line contains caller-controlled data according to the model's taint analysis: `${EXTEN}`, `${CALLERID(…)}`, `${SIP_HEADER(…)}`, `${PJSIP_HEADER(…)}`, a subroutine argument (`${ARGn}`) or a variable set from them, even through `FILTER` with a permissive character set.",
            why: "The caller writes part of a shell command run as the Asterisk user: `$(…)`, `;`, backquotes in a caller-ID name or a Request-URI give them a shell on your PBX.",
            example: "exten => _X.,1,System(/usr/local/bin/notify ${CALLERID(num)})",
            instead: "exten => _X.,1,Set(NUM=${FILTER(0-9+,${CALLERID(num)})})\n same => n,System(/usr/local/bin/notify '${NUM}')",
            references: &["Asterisk System application docs", "CWE-78"],
        },
        fix: "pass only `${FILTER(0-9,…)}`-cleaned values, quoted, or use an AGI with arguments",
    },
    check: Check::Config(check_shell_from_caller),
};

fn check_shell_from_caller(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    for s in sinks(ctx) {
        if s.kind == SinkKind::Shell && s.caller_controlled && !s.filtered {
            sink.report(
                ctx.anchor(s.pos),
                format!(
                    "`{}` runs a shell command containing data the caller controls ({})",
                    s.name,
                    s.sources.describe()
                ),
            );
        }
    }
}
