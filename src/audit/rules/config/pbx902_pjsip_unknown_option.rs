//! PBX902 pjsip-unknown-option.

use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
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
    },
    check: Check::Config(check_pjsip_unknown_option),
};

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
