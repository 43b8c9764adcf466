//! PBX405 dialplan-missing-context.

use crate::asterisk::fast_hash::FastSet;
use crate::asterisk::model::dialplan::EdgeKind;
use crate::asterisk::source::Pos;
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};
use std::collections::HashSet;

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX405",
        name: "dialplan-missing-context",
        severity: Severity::High,
        escalation: None,
        summary: "a context named by an endpoint, include, jump or WebSMS does not exist",
        doc: RuleDoc {
            what: "Reports `context=` of peers/endpoints/`[general]`, `include =>`, `Goto`/`Gosub`/`Dial(Local/…)` targets and WebSMS `[astqueue]` contexts that name a context not defined in `extensions.conf`.",
            why: "Calls sent to a missing context fail — inbound calls are rejected, fallbacks never run — and a typo here often hides a context that was meant to restrict access. When the context is created later by someone else, it may suddenly grant more than intended.",
            example: "[twilio]\ntype=endpoint\ncontext=from-twillio   ; typo",
            instead: "[twilio]\ntype=endpoint\ncontext=from-twilio",
            references: &["Asterisk pbx_config: contexts are created by their [section]"],
        },
        fix: "create the context or fix the name",
    },
    check: Check::Config(check_missing_context),
};

/// Contexts Asterisk modules create themselves (res_parking's default parking lot).
const BUILTIN_CONTEXTS: &[&str] = &["parkedcalls"];

fn check_missing_context(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let dp = &ctx.pbx.dialplan;
    // Without extensions.conf there is nothing to check contexts against.
    let Some(file) = dp.file else { return };
    // An `#include`d part of the dialplan that could not be read may define the context.
    if ctx.is_incomplete(file) {
        return;
    }
    let names: FastSet<&str> = dp.contexts.iter().map(|c| c.name.as_str()).collect();
    let mut seen: HashSet<(Pos, String)> = HashSet::new();
    // `who` is worded only for what is reported: most names are defined, and a large site
    // names a context from every peer, endpoint and dialplan edge.
    let mut report = |sink: &mut Sink<'_>,
                      pos: Pos,
                      name: &str,
                      who: &dyn Fn() -> String,
                      section: Option<&str>,
                      option: &str| {
        if names.contains(name)
            || BUILTIN_CONTEXTS.contains(&name)
            || !seen.insert((pos, name.to_string()))
        {
            return;
        }
        let hint = dp
            .contexts
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
            .map(|c| {
                format!(
                    " (did you mean `{}`? context names are case-sensitive)",
                    c.name
                )
            })
            .unwrap_or_default();
        let f = sink.report(
            ctx.anchor(pos),
            format!(
                "{} names context `{name}`, which extensions.conf does not define{hint}",
                who()
            ),
        );
        if let Some(s) = section {
            f.section(s);
        }
        f.option(option);
    };
    if let Some(sip) = &ctx.pbx.sip {
        let g = &sip.general;
        if let Some(pos) = g.context.pos {
            report(
                sink,
                pos,
                &g.context.value,
                &|| "[general]".into(),
                Some("general"),
                "context",
            );
        }
        for p in &sip.peers {
            if let Some(pos) = p.context.pos {
                report(
                    sink,
                    pos,
                    &p.context.value,
                    &|| format!("peer `{}`", p.name),
                    Some(&p.name),
                    "context",
                );
            }
        }
    }
    if let Some(pj) = &ctx.pbx.pjsip {
        for e in pj.endpoints.iter().filter(|e| e.meta.loads()) {
            let pos = e.context.pos.unwrap_or(e.meta.pos);
            report(
                sink,
                pos,
                &e.context.value,
                &|| format!("endpoint `{}`", e.meta.id),
                Some(&e.meta.id),
                "context",
            );
        }
    }
    for c in &dp.contexts {
        for e in &c.edges {
            if e.dynamic || e.target_context.contains("${") {
                continue;
            }
            let option = if e.kind == EdgeKind::Include {
                "include"
            } else {
                "exten"
            };
            report(
                sink,
                e.pos,
                &e.target_context,
                &|| format!("[{}]", c.name),
                Some(&c.name),
                option,
            );
        }
    }
    if let Some(ws) = &ctx.pbx.websms {
        for (key, v) in [
            ("channel_context", &ws.channel_context),
            ("context", &ws.context),
        ] {
            let pos = v.pos.unwrap_or_else(|| ctx.file_pos(ws.file));
            report(
                sink,
                pos,
                &v.value,
                &|| "websms.conf [astqueue]".into(),
                Some("astqueue"),
                key,
            );
        }
    }
}
