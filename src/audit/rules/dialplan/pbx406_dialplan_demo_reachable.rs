//! PBX406 dialplan-demo-reachable: the sample `demo` context is reachable from an entry point.

use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};
use std::collections::HashSet;

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX406",
        name: "dialplan-demo-reachable",
        severity: Severity::Medium,
        escalation: None,
        summary: "the sample `demo` context is reachable from an entry point",
        doc: RuleDoc {
            what: "Reports an entry point whose context reaches the `demo` context of Asterisk's sample `extensions.conf`.",
            why: "The demo context was written to show features, not to be safe: it offers echo tests, conferences, `Dial` to external demo servers and includes other sample contexts. Reachable from outside it is free telephony for strangers and an information leak.",
            example: "[default]\ninclude => demo",
            instead: "[default]\n; no include => demo (delete the sample dialplan)",
            references: &["Asterisk extensions.conf.sample: [demo]"],
        },
        fix: "remove `include => demo` and the sample contexts",
    },
    check: Check::Config(check_demo_reachable),
};

fn check_demo_reachable(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let mut done = HashSet::new();
    for r in ctx.reach().demo_reached(ctx.pbx) {
        if !done.insert(r.entry) {
            continue;
        }
        let e = &ctx.reach().entries[r.entry];
        sink.report(
            ctx.anchor(e.pos),
            format!(
                "the sample `demo` context is reachable by {} (`{}` → context `{}`)",
                e.kind.describe(),
                e.source,
                e.context
            ),
        )
        .section(e.source.clone())
        .path(r.path);
    }
}
