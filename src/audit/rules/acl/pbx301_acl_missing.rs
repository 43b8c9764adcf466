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
            what: "Reports trunks (peers/endpoints of a provider or the ATA's PSTN line) without `permit`/`deny`/`acl`, and accounts that authenticate with a secret but have no ACL while their channel driver listens on a public address. A chan_sip `type=peer` with a fixed `host` is not reported: chan_sip matches it by source address only and refuses its REGISTERs, so its secret is an outbound credential.",
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
    if let Some(sip) = &ctx.pbx.sip {
        let public = !network::sip_listens_only_private(ctx.pbx);
        for p in &sip.peers {
            // A `type=peer` with a fixed host is matched by its address only and may not
            // register: its secret is a credential for calls *to* it, useless elsewhere.
            if !p.acl.is_empty() || p.is_matched_by_address_only() {
                continue;
            }
            let trunk = ctx.reach().is_trunk("sip", &p.name);
            // With `insecure=invite` and a fixed host the secret is never checked: INVITEs are
            // not challenged and REGISTERs refused (PBX103/PBX210 report what matters there).
            let secret_used = p.has_secret() && (p.is_dynamic() || !p.insecure_invite());
            let why = if secret_used && public {
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
        if network::pjsip_global_acl(ctx.pbx) || network::pjsip_listens_only_private(ctx.pbx) {
            return;
        }
        // Endpoints without inbound auth matched by name are PBX210's: the missing ACL is
        // not their problem, anyone being them is.
        for e in pj
            .endpoints
            .iter()
            // A web endpoint's credentials are public and browsers call from anywhere: an ACL
            // cannot protect it, its context must (PBX401, PBX207 judge what it reaches).
            .filter(|e| {
                e.meta.loads() && !e.is_anonymous && !e.auth.is_empty() && !pj.is_web_endpoint(e)
            })
        {
            if e.acl.is_empty() {
                sink.report(
                    ctx.anchor(e.meta.pos),
                    format!("endpoint `{}` authenticates with a secret but has no ACL: the secret can be guessed or used from anywhere", e.meta.id),
                )
                .section(e.meta.id.clone());
            }
        }
    }
}
