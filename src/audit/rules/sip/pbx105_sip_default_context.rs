//! PBX105 sip-default-context.

use crate::audit::analysis::reach::{EntryKind, Money};
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX105",
        name: "sip-default-context",
        severity: Severity::Medium,
        escalation: Some("high when that context reaches a trunk with caller-chosen digits"),
        summary: "a peer or `[general]` lands calls in `context=default` (or sets no context)",
        doc: RuleDoc {
            what: "Reports chan_sip `[general]` and peers with no `context` (chan_sip then uses `default`) or with `context=default`.",
            why: "`[default]` is where Asterisk's sample dialplan — and many copied configs — put demo menus and outbound patterns. Calls landing there by accident (a new peer, a guest) get whatever that context can reach, often your trunks. Naming a context per source keeps who-can-dial-what explicit.",
            example: "[general]\n; no context= line\n\n[office]\ntype=friend\nsecret=…",
            instead: "[general]\ncontext=guest-reject\n\n[office]\ntype=friend\nsecret=…\ncontext=internal",
            references: &[
                "Asterisk sip.conf.sample: context",
                "Asterisk README-SERIOUSLY.bestpractices.md",
            ],
        },
        fix: "set an explicit `context=` naming a context that reaches only what this source may reach",
    },
    check: Check::Config(check_default_context),
};

fn check_default_context(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(sip) = &ctx.pbx.sip else { return };
    let g = &sip.general;
    let escalate = |f: &mut crate::audit::engine::Finding, kind: EntryKind, source: &str| {
        if let Some(m) = ctx.entry_money(kind, source, Money::Unbounded) {
            f.message.push_str(&format!("; it {}", m.describe()));
            f.severity(Severity::High).path(m.path);
        }
    };
    if g.context.value == "default" {
        let pos = g
            .context
            .pos
            .or(g.pos)
            .unwrap_or_else(|| ctx.file_pos(sip.file));
        let what = if g.context.is_set() {
            "sets `context=default`"
        } else {
            "sets no `context` (chan_sip uses `default`)"
        };
        let f = sink.report(
            ctx.anchor(pos),
            format!("[general] {what}: guests and peers without a context land there"),
        );
        f.section("general").option("context");
        escalate(f, EntryKind::Guest, "general");
    }
    for p in &sip.peers {
        let own = p.context.pos.is_some() && p.context.pos != g.context.pos;
        if p.context.value == "default" && own {
            let pos = p.context.pos.unwrap_or(p.pos);
            let f = sink.report(
                ctx.anchor(pos),
                format!("peer `{}` lands its calls in `context=default`", p.name),
            );
            f.section(p.name.clone()).option("context");
            for kind in [EntryKind::IpIdentified, EntryKind::Trunk] {
                escalate(f, kind, &p.name);
            }
        }
    }
}
