//! PBX205 pjsip-unauth-options: `allow_unauthenticated_options=yes` answers OPTIONS without auth.

use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX205",
        name: "pjsip-unauth-options",
        severity: Severity::Low,
        escalation: None,
        summary: "`allow_unauthenticated_options=yes` answers OPTIONS without auth",
        doc: RuleDoc {
            what: "Reports endpoints with `allow_unauthenticated_options=yes`.",
            why: "Unauthenticated OPTIONS requests are answered for that endpoint, which confirms to scanners that the account exists and lets anyone measure your PBX. It is rarely needed (some phones' keep-alives).",
            example: "[101]\ntype=endpoint\nallow_unauthenticated_options=yes",
            instead: "[101]\ntype=endpoint\n; allow_unauthenticated_options defaults to no",
            references: &["Asterisk pjsip.conf.sample: allow_unauthenticated_options"],
        },
        fix: "remove `allow_unauthenticated_options=yes`",
    },
    check: Check::Config(check_unauth_options),
};

fn check_unauth_options(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(pj) = &ctx.pbx.pjsip else { return };
    for e in &pj.endpoints {
        if let (true, Some(pos)) = (
            e.allow_unauthenticated_options.value,
            e.allow_unauthenticated_options.pos,
        ) {
            sink.report(
                ctx.anchor(pos),
                format!(
                    "endpoint `{}` answers OPTIONS without authentication",
                    e.meta.id
                ),
            )
            .section(e.meta.id.clone())
            .option("allow_unauthenticated_options");
        }
    }
}
