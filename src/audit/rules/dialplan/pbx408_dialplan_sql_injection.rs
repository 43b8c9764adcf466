//! PBX408 dialplan-sql-injection.

use super::sinks;
use crate::asterisk::model::dialplan::SinkKind;
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX408",
        name: "dialplan-sql-injection",
        severity: Severity::High,
        escalation: None,
        summary: "caller data interpolated into SQL, realtime lookups or AGI command lines",
        doc: RuleDoc {
            what: "Reports `ODBC_SQL`, `MYSQL(query …)`, `REALTIME*` and `ODBC_*` custom functions whose text contains caller-controlled data (`${EXTEN}`, `${CALLERID(…)}`, SIP headers, message bodies) without `FILTER`/`SQL_ESC`, and `AGI`/`EAGI` whose script or FastAGI URL (the first argument) does.",
            why: "A caller-ID name or Request-URI such as `1' OR '1'='1` becomes part of the query: callers read or change your database (voicemail PINs, CDRs, routing tables).",
            example: "exten => _X.,1,Set(R=${ODBC_SQL(SELECT dest FROM routes WHERE did='${EXTEN}')})",
            instead: "exten => _X.,1,Set(R=${ODBC_SQL(SELECT dest FROM routes WHERE did='${FILTER(0-9,${EXTEN})}')})",
            references: &[
                "Asterisk func_odbc: prefer parameterised ARG1 with SQL_ESC",
                "CWE-89",
            ],
        },
        fix: "pass caller data through `${FILTER(0-9,…)}` or `${SQL_ESC(…)}`",
    },
    check: Check::Config(check_sql_injection),
};

fn check_sql_injection(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    for s in sinks(ctx) {
        // For AGI the model's taint is that of the script or FastAGI URL (its first argument):
        // the other arguments reach the script as separate values.
        if !matches!(s.kind, SinkKind::Sql | SinkKind::Realtime | SinkKind::Agi) {
            continue;
        }
        // SQL_ESC escapes quotes for the query; the lattice does not model it.
        let escaped = s.kind != SinkKind::Agi && s.argument.contains("SQL_ESC");
        if s.caller_controlled && !s.filtered && !escaped {
            sink.report(
                ctx.anchor(s.pos),
                format!(
                    "caller-controlled data ({}) is interpolated into `{}`",
                    s.sources.describe(),
                    s.name
                ),
            );
        }
    }
}
