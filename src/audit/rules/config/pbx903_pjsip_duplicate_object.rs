//! PBX903 pjsip-duplicate-object.

use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
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
    },
    check: Check::Config(check_pjsip_duplicate_object),
};

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
