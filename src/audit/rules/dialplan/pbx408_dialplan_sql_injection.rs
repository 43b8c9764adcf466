//! PBX408 dialplan-sql-injection.

use super::sinks;
use crate::asterisk::model::dialplan::SinkKind;
use crate::asterisk::model::taint;
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
        // AGI arguments reach the script as separate values; the danger is a caller choosing
        // the script or FastAGI URL itself (the first argument).
        let text = match s.kind {
            SinkKind::Sql | SinkKind::Realtime => s.argument.as_str(),
            SinkKind::Agi => s.argument.split(',').next().unwrap_or(""),
            _ => continue,
        };
        let caller_data = s.kind != SinkKind::Agi || taint::mentions_caller_data(text);
        if caller_data && s.caller_controlled && !s.filtered && !text.contains("SQL_ESC") {
            sink.report(
                ctx.anchor(s.pos),
                format!("caller-controlled data is interpolated into `{}`", s.name),
            );
        }
    }
}
