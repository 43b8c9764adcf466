//! PBX904 missing-include.

use super::report_diagnostic;
use crate::asterisk::syntax::DiagnosticCode;
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX904",
        name: "missing-include",
        severity: Severity::High,
        escalation: None,
        summary: "`#include` of a file that does not exist (the including file fails to load)",
        doc: RuleDoc {
            what: "Reports `#include` directives whose path or glob matches no file, include loops and include nesting deeper than Asterisk allows.",
            why: "A missing `#include` is fatal for the whole including file: Asterisk loads none of `sip.conf`, not just the missing part. (`#tryinclude` is the non-fatal form.)",
            example: "#include sip-peers.conf",
            instead: "#tryinclude sip-peers.conf   ; or create the file",
            references: &["Asterisk main/config.c: #include vs #tryinclude"],
        },
        fix: "create the file, fix the path, or use `#tryinclude`",
    },
    check: Check::Config(check_missing_include),
};

fn check_missing_include(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    for file in &ctx.pbx.config.files {
        for d in &file.diagnostics {
            if matches!(
                d.code,
                DiagnosticCode::MissingInclude
                    | DiagnosticCode::IncludeLoop
                    | DiagnosticCode::IncludeTooDeep
            ) {
                report_diagnostic(ctx, sink, file.name.as_str(), d);
            }
        }
    }
}
