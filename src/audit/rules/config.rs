//! PBX901–PBX905: the config files themselves — what Asterisk drops, refuses or resolves once.

use crate::asterisk::model::acl::{Acl, AclRule, AclTarget};
use crate::asterisk::syntax::{Diagnostic, DiagnosticCode, Severity as DiagSeverity};
use crate::audit::context::AuditContext;
use crate::audit::finding::Sink;
use crate::audit::rule::{Check, Rule, RuleDoc};
use crate::audit::severity::Severity;

pub static DROPPED_LINE: Rule = Rule {
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
    check: Check::Config(check_dropped_line),
};

pub static PJSIP_UNKNOWN_OPTION: Rule = Rule {
    code: "PBX902",
    name: "pjsip-unknown-option",
    severity: Severity::High,
    escalation: None,
    summary: "an option pjsip does not know for that object type (the object will not load)",
    doc: RuleDoc {
        what: "Reports pjsip.conf options that the object's `type` does not have, according to Asterisk's own option documentation for the target version.",
        why: "sorcery rejects the whole object on an unknown option (\"Could not find option suitable for category\"): an endpoint disappears, an `identify` stops matching and calls fall through to the anonymous endpoint or are refused.",
        example: "[twilio]\ntype=endpoint\ninsecure=invite   ; a chan_sip option",
        instead: "[twilio]\ntype=endpoint\n; pjsip identifies by IP with a type=identify section",
        references: &[
            "Asterisk pjsip.conf configuration reference (res_pjsip configOption documentation per version)",
        ],
    },
    fix: "remove or rename the option (see the pjsip documentation for that type)",
    check: Check::Config(check_pjsip_unknown_option),
};

pub static PJSIP_DUPLICATE_OBJECT: Rule = Rule {
    code: "PBX903",
    name: "pjsip-duplicate-object",
    severity: Severity::High,
    escalation: None,
    summary: "two pjsip objects with the same id and type (the whole type fails to load)",
    doc: RuleDoc {
        what: "Reports pjsip sections with the same name and the same `type`.",
        why: "res_pjsip fails to load every object of that type when one id is duplicated: one copy-pasted endpoint takes all endpoints down.",
        example: "[101]\ntype=endpoint\n…\n[101]\ntype=endpoint",
        instead: "[101]\ntype=endpoint\n…\n[101]\ntype=aor   ; same name, another type is fine",
        references: &["Asterisk res_sorcery_config: duplicate objects"],
    },
    fix: "rename or merge the duplicate section",
    check: Check::Config(check_pjsip_duplicate_object),
};

pub static MISSING_INCLUDE: Rule = Rule {
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
    check: Check::Config(check_missing_include),
};

pub static HOSTNAME_IN_ACL: Rule = Rule {
    code: "PBX905",
    name: "hostname-in-acl",
    severity: Severity::Low,
    escalation: None,
    summary: "a hostname in `match`/`permit` is resolved once, at load",
    doc: RuleDoc {
        what: "Reports hostnames in `permit`, `deny`, `identify` `match` and similar address lists.",
        why: "Asterisk resolves the name when the configuration loads and never again. When the provider moves addresses, the allowlist silently goes stale: calls from the new addresses are refused, and the old addresses — someone else's now — stay trusted.",
        example: "[provider]\ntype=identify\nmatch=sip.provider.example",
        instead: "[provider]\ntype=identify\nmatch=203.0.113.0/28   ; the provider's published range",
        references: &["Asterisk pjsip.conf.sample: identify match (hostnames resolved at load)"],
    },
    fix: "list the provider's published addresses instead of its hostname",
    check: Check::Config(check_hostname_in_acl),
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

fn report_diagnostic(ctx: &AuditContext<'_>, sink: &mut Sink<'_>, file: &str, d: &Diagnostic) {
    let said = ["refuse", "drop", "ignore", "stop"]
        .iter()
        .any(|w| d.message.to_ascii_lowercase().contains(w));
    let consequence = if said {
        String::new()
    } else {
        match d.severity {
            DiagSeverity::Fatal => format!(" — Asterisk refuses all of {file}"),
            DiagSeverity::DroppedLine => " — Asterisk drops this line".to_string(),
            DiagSeverity::StopsInclude => " — Asterisk stops reading here".to_string(),
            DiagSeverity::Warning => String::new(),
        }
    };
    sink.report(ctx.anchor(d.pos), format!("{}{consequence}", d.message));
}

fn check_pjsip_unknown_option(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(pj) = &ctx.pbx.pjsip else { return };
    for u in &pj.unknown_options {
        let since = u
            .known_since
            .as_deref()
            .map(|v| format!(" (it exists from Asterisk {v})"))
            .unwrap_or_default();
        sink.report(
            ctx.anchor(u.pos),
            format!(
                "`{}` is not an option of `type={}`{since}: {} `{}` will not load",
                u.option, u.object_type, u.object_type, u.id
            ),
        )
        .section(u.id.clone())
        .option(u.option.clone());
    }
}

fn check_pjsip_duplicate_object(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(pj) = &ctx.pbx.pjsip else { return };
    for d in &pj.duplicate_objects {
        let first = ctx.anchor(d.first);
        sink.report(
            ctx.anchor(d.second),
            format!(
                "`[{}]` with `type={}` is defined twice (first at line {}): no {} loads at all",
                d.id, d.object_type, first.line, d.object_type
            ),
        )
        .section(d.id.clone());
    }
}

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

fn check_hostname_in_acl(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let mut rules: Vec<(&AclRule, String)> = Vec::new();
    let mut owned: Vec<(Acl, String)> = Vec::new();
    if let Some(sip) = &ctx.pbx.sip {
        for p in &sip.peers {
            rules.extend(
                p.acl
                    .rules
                    .iter()
                    .chain(p.contact_acl.rules.iter())
                    .map(|r| (r, p.name.clone())),
            );
        }
    }
    if let Some(pj) = &ctx.pbx.pjsip {
        for e in &pj.endpoints {
            owned.push((e.acl.clone(), e.meta.id.clone()));
            owned.push((e.contact_acl.clone(), e.meta.id.clone()));
        }
        for a in &pj.acls {
            rules.extend(
                a.acl
                    .rules
                    .iter()
                    .chain(a.contact_acl.rules.iter())
                    .map(|r| (r, a.meta.id.clone())),
            );
        }
        for i in &pj.identifies {
            for m in &i.matches {
                if let AclTarget::Host(h) = &m.target {
                    sink.report(ctx.anchor(m.pos), format!("`match={h}` is resolved once when Asterisk loads; the allowlist goes stale when the provider moves"))
                        .section(i.meta.id.clone())
                        .option("match");
                }
            }
        }
    }
    if let Some(m) = &ctx.pbx.manager {
        rules.extend(
            m.users
                .iter()
                .flat_map(|u| u.acl.rules.iter().map(|r| (r, u.name.clone()))),
        );
    }
    for n in &ctx.pbx.named_acls {
        rules.extend(n.acl.rules.iter().map(|r| (r, n.name.clone())));
    }
    let owned_rules = owned
        .iter()
        .flat_map(|(acl, owner)| acl.rules.iter().map(move |r| (r, owner.clone())));
    for (r, owner) in rules.into_iter().chain(owned_rules) {
        if let AclTarget::Host(h) = &r.target {
            sink.report(
                ctx.anchor(r.pos),
                format!(
                    "`{}={h}` is not an address: a hostname is resolved once at load, if at all",
                    r.option
                ),
            )
            .section(owner)
            .option(r.option.clone());
        }
    }
}
