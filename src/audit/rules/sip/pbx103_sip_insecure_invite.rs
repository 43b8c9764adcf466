//! PBX103 sip-insecure-invite: `insecure=invite` accepts INVITEs without authentication.

use crate::audit::analysis::{network, trunks};
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX103",
        name: "sip-insecure-invite",
        severity: Severity::High,
        escalation: Some("critical when the peer has no fixed `host` and no ACL"),
        summary: "`insecure=invite` accepts INVITEs without authentication",
        doc: RuleDoc {
            what: "Reports chan_sip peers, users and friends whose `insecure` holds `invite` as chan_sip parses it (`port,invite`, `invite`; not `very` or ` invite` after a blank, which chan_sip ignores), unless they are a `type=peer` with a fixed `host` (matched by source address only) or pinned to a fixed `host` with an ACL that denies everything else. Critical when the peer has neither a fixed `host` nor an ACL, because then nothing at all limits who may call through it. A `type=friend`/`user` is also matched by the From user, from anywhere.",
            why: "`insecure=invite` switches off the digest challenge for INVITEs matched to the peer. That is meant for a provider identified by its fixed IP; anyone who can send from (or spoof UDP from) that address calls into the peer's context unauthenticated. Without a fixed host or ACL the peer is an open door.",
            example: "[provider]\ntype=peer\nhost=dynamic\ninsecure=port,invite\ncontext=from-provider",
            instead: "[provider]\ntype=peer\nhost=sip.provider.example\ninsecure=invite\ndeny=0.0.0.0/0.0.0.0\npermit=203.0.113.10/255.255.255.255\ncontext=from-provider   ; reaches local extensions only",
            references: &["Asterisk sip.conf.sample: insecure"],
        },
        fix: "pin the peer to the provider's `host` and add `deny=0.0.0.0/0` + `permit=<provider ranges>`",
    },
    check: Check::Config(check_insecure_invite),
};

fn check_insecure_invite(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(sip) = &ctx.pbx.sip else { return };
    for p in sip.peers.iter().filter(|p| p.insecure_invite()) {
        let Some(insecure) = p.insecure() else {
            continue;
        };
        let pos = insecure.pos.unwrap_or(p.pos);
        if network::acl_denies_the_world(&p.acl) && trunks::sip_ip_identified(p) {
            // The recommended provider form: fixed host, `deny=0.0.0.0/0`, narrow `permit`s.
            continue;
        }
        if p.is_matched_by_address_only() {
            // `type=peer` with a fixed host: chan_sip matches it by source address only, so
            // `insecure=invite` is the provider form and an ACL would repeat the host.
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
