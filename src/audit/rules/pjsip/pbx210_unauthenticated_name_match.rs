//! PBX210 unauthenticated-name-match: an account that never authenticates is matched by the
//! name in the From header, from any address.

use crate::asterisk::model::sip::SipPeerKind;
use crate::audit::analysis::entries::{pjsip_unauthenticated_by_name, sip_unauthenticated_by_name};
use crate::audit::analysis::network;
use crate::audit::analysis::reach::{EntryKind, Money};
use crate::audit::engine::{AuditContext, Check, Finding, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX210",
        name: "unauthenticated-name-match",
        severity: Severity::High,
        escalation: Some(
            "critical when its context reaches a trunk with caller-chosen digits; one level lower when the channel driver listens on private addresses only",
        ),
        summary: "an account without authentication is matched by the From user: anyone can be it",
        doc: RuleDoc {
            what: "Reports pjsip endpoints without inbound `auth` whose `identify_by` includes `username` or `auth_username` (the default is `username,ip`), and chan_sip users/friends without a secret (or with `insecure=invite`), unless an ACL on them (or a pjsip `type=acl`) denies every address it does not permit. An `identify` that also matches the endpoint by IP does not help. Critical when the account's context reaches a trunk with digits the caller chooses (the path is printed).",
            why: "res_pjsip's `username` identifier picks the endpoint named by the From header's user part, from any address, and an endpoint without inbound `auth` is never challenged (`digest_requires_authentication`). A request from an address no `identify` covers falls through to it: anyone on the internet who sends `From: <sip:trunk@…>` is your trunk, in its context. chan_sip does the same for users and friends: `check_user_full` matches the From user first, and an empty secret is never challenged.",
            example: "[provider]\ntype=endpoint\ncontext=from-provider\n; no auth=, identify_by defaults to username,ip\n\n[provider]\ntype=identify\nendpoint=provider\nmatch=203.0.113.0/28",
            instead: "[provider]\ntype=endpoint\ncontext=from-provider\nidentify_by=ip   ; only the identify below can select it\n\n[provider]\ntype=identify\nendpoint=provider\nmatch=203.0.113.0/28",
            references: &[
                "Asterisk res_pjsip_endpoint_identifier_user.c (username_identify, find_endpoint)",
                "Asterisk res_pjsip_authenticator_digest.c (digest_requires_authentication)",
                "Asterisk chan_sip.c check_user_full (users matched by From user)",
            ],
        },
        fix: "set `identify_by=ip` on IP-identified endpoints, or give the account an inbound `auth=` (chan_sip: a `secret`, or `type=peer` with a fixed `host`)",
    },
    check: Check::Config(check_unauthenticated_name_match),
};

fn check_unauthenticated_name_match(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    if let Some(pj) = &ctx.pbx.pjsip {
        for e in pj
            .endpoints
            .iter()
            .filter(|e| pjsip_unauthenticated_by_name(ctx.pbx, e))
        {
            let identified: Vec<&str> = pj.identifies_of(e).map(|i| i.meta.id.as_str()).collect();
            let also = match identified.as_slice() {
                [] => String::new(),
                ids => format!(
                    " (identify `{}` matching it by IP does not stop this)",
                    ids.join("`, `")
                ),
            };
            let pos = e.identify_by.pos.unwrap_or(e.meta.pos);
            let message = format!(
                "endpoint `{}` has no inbound `auth` and `identify_by={}` lets the From user select it: anyone who sends `From: <sip:{}@…>` is this endpoint, unauthenticated, in context `{}`{also}",
                e.meta.id, e.identify_by.value, e.meta.id, e.context.value
            );
            let f = sink.report(ctx.anchor(pos), message);
            f.section(e.meta.id.clone()).option("identify_by");
            escalate(
                ctx,
                f,
                &e.meta.id,
                network::pjsip_listens_only_private(ctx.pbx),
            );
        }
    }
    if let Some(sip) = &ctx.pbx.sip {
        for p in sip.peers.iter().filter(|p| sip_unauthenticated_by_name(p)) {
            let section = ctx.pbx.section(p.section);
            let why = if p.has_secret() {
                "has `insecure=invite`"
            } else if section.get("password").is_some() {
                "has no secret (`password=` is not a chan_sip option: it is `secret=`)"
            } else {
                "has no secret"
            };
            let kind = match p.kind.value {
                SipPeerKind::User => "user",
                _ => "friend",
            };
            let message = format!(
                "chan_sip {kind} `{}` {why} and is matched by the From user: anyone who sends `From: <sip:{}@…>` is it, unauthenticated, in context `{}`",
                p.name, p.name, p.context.value
            );
            let f = sink.report(ctx.anchor(p.pos), message);
            f.section(p.name.clone());
            escalate(ctx, f, &p.name, network::sip_listens_only_private(ctx.pbx));
        }
    }
}

/// Critical when the context reaches money with caller-chosen digits; one level lower when the
/// channel driver listens on private addresses only (the LAN, not the internet, can do it).
fn escalate(ctx: &AuditContext<'_>, f: &mut Finding, source: &str, private: bool) {
    // A web endpoint without auth is a Web entry (its kind wins in the entry list).
    let money = ctx
        .entry_money(EntryKind::Unauthenticated, source, Money::Unbounded)
        .or_else(|| ctx.entry_money(EntryKind::Web, source, Money::Unbounded));
    let severity = match (money.is_some(), private) {
        (true, false) => Severity::Critical,
        (true, true) | (false, false) => Severity::High,
        (false, true) => Severity::Medium,
    };
    if let Some(m) = money {
        f.message
            .push_str(&format!("; that context {}", m.describe()));
        f.path(m.path);
    }
    if private {
        f.message
            .push_str(" (the channel driver listens on private addresses only: from the LAN)");
    }
    f.severity(severity);
}
