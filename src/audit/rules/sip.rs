//! PBX101–PBX106: chan_sip (`sip.conf`) settings that let strangers in.

use crate::audit::context::AuditContext;
use crate::audit::finding::Sink;
use crate::audit::helpers;
use crate::audit::reach::{EntryKind, Money};
use crate::audit::rule::{Check, Rule, RuleDoc};
use crate::audit::severity::Severity;

pub static GUEST_CALLS: Rule = Rule {
    code: "PBX101",
    name: "sip-guest-calls",
    severity: Severity::High,
    escalation: Some("critical when the guest context reaches a trunk with caller-chosen digits"),
    summary: "chan_sip accepts unauthenticated (guest) calls",
    doc: RuleDoc {
        what: "Reports a `sip.conf` whose `[general]` leaves `allowguest` unset (chan_sip's default is `yes`) or sets it to `yes`. When the guest context can reach a trunk with digits the caller chooses, the finding is critical and prints the path.",
        why: "With guests allowed, chan_sip hands every INVITE that matches no peer to the `[general]` `context` — from anyone on the internet, no password asked. SIP scanners probe every public address within minutes; if that context (or anything it includes or jumps to) dials out, they place premium-rate calls on your bill. This is the classic Asterisk toll-fraud hole, and the 2013 \"Twilio to Asterisk\" recipes turned it on to get Twilio calls in.",
        example: "[general]\ncontext=fromtwilio\nallowguest=yes",
        instead: "[general]\ncontext=guest-reject   ; an empty context\nallowguest=no\n\n; identify the provider instead (pjsip: type=identify + match=)",
        references: &[
            "Asterisk sip.conf.sample: allowguest (default yes)",
            "Asterisk security best practices: README-SERIOUSLY.bestpractices.md, \"Reducing Pattern Match Typos\" and \"Guest calls\"",
        ],
    },
    fix: "set `allowguest=no` in [general] (and identify providers by IP on pjsip)",
    check: Check::Config(check_guest_calls),
};

pub static AUTH_REJECT_OFF: Rule = Rule {
    code: "PBX102",
    name: "sip-auth-reject-off",
    severity: Severity::High,
    escalation: None,
    summary: "`alwaysauthreject=no` tells scanners which accounts exist",
    doc: RuleDoc {
        what: "Reports `alwaysauthreject=no` in `sip.conf` `[general]`.",
        why: "With `alwaysauthreject=no`, chan_sip answers a REGISTER or INVITE for an unknown user with `404 Not Found` but for a known one with `401`/`403`: scanners (sipvicious `svwar`) enumerate your extensions in seconds and then brute-force only the real ones.",
        example: "[general]\nalwaysauthreject=no",
        instead: "[general]\nalwaysauthreject=yes   ; the default since Asterisk 1.8",
        references: &[
            "Asterisk sip.conf.sample: alwaysauthreject",
            "AST-2009-003 (user enumeration)",
        ],
    },
    fix: "remove `alwaysauthreject=no` (the default is yes)",
    check: Check::Config(check_auth_reject_off),
};

pub static INSECURE_INVITE: Rule = Rule {
    code: "PBX103",
    name: "sip-insecure-invite",
    severity: Severity::High,
    escalation: Some("critical when the peer has no fixed `host` and no ACL"),
    summary: "`insecure=invite` accepts INVITEs without authentication",
    doc: RuleDoc {
        what: "Reports chan_sip peers with `insecure=invite` or `insecure=port,invite` unless they are pinned to a fixed `host` and an ACL that denies everything else. Critical when the peer has neither a fixed `host` nor an ACL, because then nothing at all limits who may call through it.",
        why: "`insecure=invite` switches off the digest challenge for INVITEs matched to the peer. That is meant for a provider identified by its fixed IP; anyone who can send from (or spoof UDP from) that address calls into the peer's context unauthenticated. Without a fixed host or ACL the peer is an open door.",
        example: "[provider]\ntype=peer\nhost=dynamic\ninsecure=port,invite\ncontext=from-provider",
        instead: "[provider]\ntype=peer\nhost=sip.provider.example\ninsecure=invite\ndeny=0.0.0.0/0.0.0.0\npermit=203.0.113.10/255.255.255.255\ncontext=from-provider   ; reaches local extensions only",
        references: &["Asterisk sip.conf.sample: insecure"],
    },
    fix: "pin the peer to the provider's `host` and add `deny=0.0.0.0/0` + `permit=<provider ranges>`",
    check: Check::Config(check_insecure_invite),
};

pub static AUTOCREATEPEER: Rule = Rule {
    code: "PBX104",
    name: "sip-autocreatepeer",
    severity: Severity::High,
    escalation: None,
    summary: "`autocreatepeer=yes` creates a peer for any device that registers",
    doc: RuleDoc {
        what: "Reports `autocreatepeer=yes` in `sip.conf` `[general]`.",
        why: "chan_sip then builds a peer from any REGISTER it receives, with no password, using `[general]` defaults — including its context. Any internet host can register and place calls. The option exists for SIP proxies in front of Asterisk, never for a PBX on the internet.",
        example: "[general]\nautocreatepeer=yes",
        instead: "[general]\nautocreatepeer=no   ; the default: define each peer with a secret",
        references: &["Asterisk sip.conf.sample: autocreatepeer"],
    },
    fix: "remove `autocreatepeer=yes`",
    check: Check::Config(check_autocreatepeer),
};

pub static DEFAULT_CONTEXT: Rule = Rule {
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
    check: Check::Config(check_default_context),
};

pub static CHAN_SIP_REMOVED: Rule = Rule {
    code: "PBX106",
    name: "chan-sip-removed",
    severity: Severity::Medium,
    escalation: Some("info when the target Asterisk version is below 21 or unknown"),
    summary: "`sip.conf` configures chan_sip, removed in Asterisk 21",
    doc: RuleDoc {
        what: "Reports a `sip.conf` with peers or a `[general]` section. Medium when `--asterisk-version` is 21 or later (the module does not exist there); otherwise informational.",
        why: "chan_sip was deprecated in Asterisk 17 and removed in 21; 20 LTS is the last release with it (security fixes until October 2027). An upgrade silently drops every SIP peer, and chan_sip's guest and `insecure` semantics are its most common toll-fraud holes.",
        example: "; sip.conf\n[twilio]\ntype=peer\nhost=54.172.60.1",
        instead: "; pjsip.conf\n[twilio]\ntype=endpoint\n…\n[twilio]\ntype=identify\nendpoint=twilio\nmatch=54.172.60.0/30",
        references: &[
            "Asterisk 21 release notes: chan_sip removed",
            "https://docs.asterisk.org/Configuration/Channel-Drivers/SIP/Configuring-res_pjsip/Migrating-from-chan_sip-to-res_pjsip/",
        ],
    },
    fix: "migrate to pjsip (`pbxgen render` writes pjsip.conf from a profile)",
    check: Check::Config(check_chan_sip_removed),
};

fn check_guest_calls(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(sip) = &ctx.pbx.sip else { return };
    let g = &sip.general;
    if !g.allowguest.value {
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
    let mut message = format!(
        "chan_sip accepts calls from anyone on the internet into context `{}`{default_note}",
        g.context.value
    );
    let money = helpers::entry_money(ctx, EntryKind::Guest, "general", Money::Bounded);
    let f = sink.report(ctx.anchor(pos), String::new());
    f.section("general").option("allowguest");
    if let Some(m) = money {
        message.push_str(&format!("; that context {}", helpers::describe_money(&m)));
        f.severity(Severity::Critical).path(m.path);
    }
    f.message = message;
}

fn check_auth_reject_off(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(sip) = &ctx.pbx.sip else { return };
    let v = &sip.general.alwaysauthreject;
    if let (false, Some(pos)) = (v.value, v.pos) {
        sink.report(
            ctx.anchor(pos),
            "unknown users get a different answer than known ones: scanners can list your accounts",
        )
        .section("general")
        .option("alwaysauthreject");
    }
}

fn check_insecure_invite(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(sip) = &ctx.pbx.sip else { return };
    for p in sip.peers.iter().filter(|p| p.insecure_invite()) {
        let Some(insecure) = &p.insecure else {
            continue;
        };
        let pos = insecure.pos.unwrap_or(p.pos);
        if helpers::acl_denies_the_world(&p.acl) && helpers::sip_ip_identified(p) {
            // The recommended provider form: fixed host, `deny=0.0.0.0/0`, narrow `permit`s.
            continue;
        }
        let fixed = p
            .host
            .as_ref()
            .is_some_and(|h| !h.value.eq_ignore_ascii_case("dynamic") && !h.value.is_empty());
        let f = sink.report(
            ctx.anchor(pos),
            format!(
                "peer `{}` accepts INVITEs without authentication (`insecure={}`)",
                p.name, insecure.value
            ),
        );
        f.section(p.name.clone()).option("insecure");
        if !fixed && p.acl.is_empty() {
            f.severity(Severity::Critical);
            f.message.push_str(
                "; it has no fixed `host` and no ACL, so nothing limits who calls through it",
            );
        }
    }
}

fn check_autocreatepeer(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(sip) = &ctx.pbx.sip else { return };
    let v = &sip.general.autocreatepeer;
    if let (true, Some(pos)) = (v.value, v.pos) {
        sink.report(
            ctx.anchor(pos),
            format!(
                "any device that registers becomes a peer with no password, landing in `{}`",
                sip.general.context.value
            ),
        )
        .section("general")
        .option("autocreatepeer");
    }
}

fn check_default_context(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(sip) = &ctx.pbx.sip else { return };
    let g = &sip.general;
    let escalate = |f: &mut crate::audit::finding::Finding, kind: EntryKind, source: &str| {
        if let Some(m) = helpers::entry_money(ctx, kind, source, Money::Unbounded) {
            f.message
                .push_str(&format!("; it {}", helpers::describe_money(&m)));
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

fn check_chan_sip_removed(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(sip) = &ctx.pbx.sip else { return };
    let pos = sip.general.pos.or_else(|| sip.peers.first().map(|p| p.pos));
    let Some(pos) = pos else { return };
    let f = sink.report(ctx.anchor(pos), String::new());
    match ctx.asterisk_version {
        Some(v) if v >= 21 => {
            f.message = format!(
                "chan_sip does not exist in Asterisk {v}: none of these {} peers will load",
                sip.peers.len()
            );
        }
        _ => {
            f.severity(Severity::Info);
            f.message = format!(
                "chan_sip ({} peers) is removed in Asterisk 21; 20 LTS is the last version with it",
                sip.peers.len()
            );
        }
    }
}
