//! PBX101 sip-guest-calls: chan_sip accepts unauthenticated (guest) calls.

use crate::audit::analysis::network;
use crate::audit::analysis::reach::{EntryKind, Money};
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX101",
        name: "sip-guest-calls",
        severity: Severity::High,
        escalation: Some(
            "critical when the guest context reaches a trunk (with any number); one level lower when chan_sip listens on private addresses only",
        ),
        summary: "chan_sip accepts unauthenticated (guest) calls",
        doc: RuleDoc {
            what: "Reports a `sip.conf` whose `[general]` leaves `allowguest` unset (chan_sip's default is `yes`) or sets it to `yes`. When the guest context can reach a trunk, the finding is critical and prints the path. Medium when chan_sip listens on private addresses only or the guest context does not exist in the audited dialplan; not reported when `allowguest` is unset and part of sip.conf is an `#include` the audit does not have.",
            why: "With guests allowed, chan_sip hands every INVITE that matches no peer to the `[general]` `context` — from anyone on the internet, no password asked. SIP scanners probe every public address within minutes; if that context (or anything it includes or jumps to) dials out, they place premium-rate calls on your bill. This is the classic Asterisk toll-fraud hole, and the 2013 \"Twilio to Asterisk\" recipes turned it on to get Twilio calls in.",
            example: "[general]\ncontext=fromtwilio\nallowguest=yes",
            instead: "[general]\ncontext=guest-reject   ; an empty context\nallowguest=no\n\n; identify the provider instead (pjsip: type=identify + match=)",
            references: &[
                "Asterisk sip.conf.sample: allowguest (default yes)",
                "Asterisk security best practices: README-SERIOUSLY.bestpractices.md, \"Reducing Pattern Match Typos\" and \"Guest calls\"",
            ],
        },
        fix: "set `allowguest=no` in [general] (and identify providers by IP on pjsip)",
    },
    check: Check::Config(check_guest_calls),
};

fn check_guest_calls(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(sip) = &ctx.pbx.sip else { return };
    let g = &sip.general;
    // `allowguest` unset may be set in the part of sip.conf the audit does not have.
    if !g.allowguest.value || (!g.allowguest.is_set() && ctx.is_incomplete(sip.file)) {
        return;
    }
    let pos = g
        .allowguest
        .pos
        .or(g.pos)
        .unwrap_or_else(|| ctx.file_pos(sip.file));
    let default_note = if g.allowguest.is_set() {
        ""
    } else {
        " (`allowguest` is unset and defaults to yes)"
    };
    // With private listeners only, guests come from the LAN (or a port forward): one level
    // lower.
    let private = network::sip_listens_only_private(ctx.pbx);
    let who = if private {
        "anyone who reaches its private listener"
    } else {
        "anyone on the internet"
    };
    let mut message = format!(
        "chan_sip accepts calls from {who} into context `{}`{default_note}",
        g.context.value
    );
    let money = ctx.entry_money(EntryKind::Guest, "general", Money::Bounded);
    // `allowguest=no` written where chan_sip never reads it (a section without `type=`).
    if let Some((name, line)) = sip.ignored_sections.iter().find_map(|ign| {
        let v = ctx.pbx.section(ign.section).get("allowguest")?;
        Some((ign.name.as_str(), ctx.anchor(v.pos).line))
    }) {
        message.push_str(&format!(
            " — the `allowguest` at line {line} is in `[{name}]`, which chan_sip skips"
        ));
    }
    // A guest context the dialplan does not define sends guests nowhere (for now).
    let dp = &ctx.pbx.dialplan;
    let nowhere =
        dp.file.is_some_and(|f| !ctx.is_incomplete(f)) && dp.context(&g.context.value).is_none();
    let f = sink.report(ctx.anchor(pos), String::new());
    f.section("general").option("allowguest");
    if private || nowhere {
        f.severity(Severity::Medium);
    }
    if nowhere {
        message.push_str(&format!(
            " (extensions.conf has no `[{}]` yet: guests' calls fail today, and whatever is added there is open to them)",
            g.context.value
        ));
    }
    if let Some(m) = money {
        message.push_str(&format!("; that context {}", m.describe()));
        let severity = if private {
            Severity::High
        } else {
            Severity::Critical
        };
        f.severity(severity).path(m.path);
    }
    f.message = message;
}
