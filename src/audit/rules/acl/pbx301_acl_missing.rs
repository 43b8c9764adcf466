//! PBX301 acl-missing: a trunk, or an account that authenticates, has no ACL.

use crate::audit::analysis::{network, trunks};
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX301",
        name: "acl-missing",
        severity: Severity::High,
        escalation: None,
        summary: "a trunk, or an account that authenticates, has no ACL",
        doc: RuleDoc {
            what: "Reports trunks (peers/endpoints of a provider or the ATA's PSTN line) without `permit`/`deny`/`acl`, and accounts that authenticate with a secret but have no ACL while the PBX listens on a public address.",
            why: "Without an ACL, the only barrier is the password: brute-force from anywhere is possible, and a leaked secret (old phone, shared config) is usable from anywhere. An ACL limits each account to the networks it really comes from, so a stolen secret is worthless elsewhere.",
            example: "[101]\ntype=friend\nhost=dynamic\nsecret=…",
            instead: "[101]\ntype=friend\nhost=dynamic\nsecret=…\ndeny=0.0.0.0/0.0.0.0\npermit=192.168.1.0/255.255.255.0",
            references: &[
                "Asterisk sip.conf.sample: permit/deny",
                "Asterisk pjsip.conf.sample: endpoint acl, deny, permit",
            ],
        },
        fix: "add `deny=0.0.0.0/0.0.0.0` then `permit=` the networks the account uses (or `acl=` a named ACL)",
    },
    check: Check::Config(check_acl_missing),
};

fn check_acl_missing(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let public = !network::binds_only_private(ctx.pbx);
    if let Some(sip) = &ctx.pbx.sip {
        for p in &sip.peers {
            if !p.acl.is_empty() {
                continue;
            }
            let trunk = ctx.reach.is_trunk("sip", &p.name);
            let why = if p.has_secret() && public {
                "authenticates with a secret but has no ACL: the secret can be guessed or used from anywhere"
            } else if trunk && !trunks::sip_ip_identified(p) {
                "is a trunk with no ACL"
            } else {
                continue;
            };
            sink.report(ctx.anchor(p.pos), format!("peer `{}` {why}", p.name))
                .section(p.name.clone());
        }
    }
    if let Some(pj) = &ctx.pbx.pjsip {
        if network::pjsip_global_acl(ctx.pbx) {
            return;
        }
        for e in pj
            .endpoints
            .iter()
            // A web endpoint's credentials are public and browsers call from anywhere: an ACL
            // cannot protect it, its context must (PBX401, PBX207 judge what it reaches).
            .filter(|e| e.meta.loads() && !e.is_anonymous && !pj.is_web_endpoint(e))
        {
            if !e.acl.is_empty() {
                continue;
            }
            let identified = pj.identifies_of(e).any(|i| !i.matches.is_empty());
            let by_username = e
                .identify_by
                .value
                .to_ascii_lowercase()
                .contains("username");
            let (severity, why) = if !e.auth.is_empty() {
                if !public {
                    continue;
                }
                (Severity::High, "authenticates with a secret but has no ACL: the secret can be guessed or used from anywhere".to_string())
            } else if !identified && by_username {
                (
                    Severity::Critical,
                    format!(
                        "has no inbound `auth`, no `identify` and no ACL: anyone who sends `From: <sip:{}@…>` is this endpoint, unauthenticated",
                        e.meta.id
                    ),
                )
            } else {
                continue;
            };
            sink.report(
                ctx.anchor(e.meta.pos),
                format!("endpoint `{}` {why}", e.meta.id),
            )
            .section(e.meta.id.clone())
            .severity(severity);
        }
    }
}
