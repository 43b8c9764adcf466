//! PBX901 config-dropped-line.

use super::report_diagnostic;
use crate::asterisk::syntax::DiagnosticCode;
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX901",
        name: "config-dropped-line",
        severity: Severity::High,
        escalation: None,
        summary: "a line Asterisk drops or misreads (too long, `[x] (!)`, ` t` in `(…)`, no `=`)",
        doc: RuleDoc {
            what: "Reports lines Asterisk's config loader drops or misreads: longer than 8191 bytes, a space between `]` and `(` in a section header (the template markers are ignored), untrimmed names inside `(…)`, a line without `=`, a variable before any section, an unterminated block comment.",
            why: "Asterisk only warns (or fails the file) and carries on: a long `permit=` line vanishes, a template `[base] (!)` becomes a live peer, and the config you review is not the one running.",
            example: "[phones] (!)\ntype=friend",
            instead: "[phones](!)\ntype=friend",
            references: &[
                "Asterisk main/config.c (process_text_line)",
                "Asterisk wiki: Config File Format (templates, #include, comments)",
            ],
        },
        fix: "rewrite the line the way Asterisk reads it",
    },
    check: Check::Config(check_dropped_line),
};

fn check_dropped_line(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    for file in &ctx.pbx.config.files {
        for d in &file.diagnostics {
            let dropped = matches!(
                d.code,
                DiagnosticCode::LineTooLong
                    | DiagnosticCode::HeaderSpacing
                    | DiagnosticCode::UntrimmedBase
                    | DiagnosticCode::MissingBracket
                    | DiagnosticCode::MissingParenthesis
                    | DiagnosticCode::MissingEquals
                    | DiagnosticCode::MissingName
                    | DiagnosticCode::InvalidEscape
                    | DiagnosticCode::UnknownDirective
                    | DiagnosticCode::MissingDirectiveArgument
                    | DiagnosticCode::VariableBeforeSection
                    | DiagnosticCode::MissingBase
                    | DiagnosticCode::AppendWithoutTarget
                    | DiagnosticCode::UnterminatedBlockComment
                    | DiagnosticCode::CommentNestingTooDeep
                    | DiagnosticCode::NulByte
                    | DiagnosticCode::SectionNameTooLong
            );
            if dropped {
                report_diagnostic(ctx, sink, file.name.as_str(), d);
            }
        }
    }
}
