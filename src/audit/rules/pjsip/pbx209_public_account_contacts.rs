//! PBX209 public-account-contacts.

use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX209",
        name: "public-account-contacts",
        severity: Severity::Medium,
        escalation: None,
        summary: "a public (WebRTC/WebSocket) account lets more than one contact register",
        doc: RuleDoc {
            what: "Reports AORs of endpoints meant for web pages (`webrtc=yes`, or a `ws`/`wss` transport) whose `max_contacts` is above 1. Every visitor of the page holds such an account's credentials, so this is how many strangers may register at once — in practice no limit.",
            why: "Anyone with a public account's credentials can REGISTER: with many contacts allowed they bind as many devices as they like, each one rung by calls to the account and kept in Asterisk's contact store. A click-to-call account only places calls; at most one contact (replacing the previous one) is all a page could need.",
            example: "[click-to-call]\ntype=aor\nmax_contacts=100",
            instead: "[click-to-call]\ntype=aor\nmax_contacts=1\nremove_existing=yes",
            references: &[
                "Asterisk pjsip.conf.sample: aor max_contacts, remove_existing",
                "\"Click to Call\" security write-up: page credentials are public",
            ],
        },
        fix: "set `max_contacts=1` and `remove_existing=yes` on the account's AOR (or 0: it never needs to register)",
    },
    check: Check::Config(check_public_account_contacts),
};

fn check_public_account_contacts(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(pj) = &ctx.pbx.pjsip else { return };
    for e in pj
        .endpoints
        .iter()
        .filter(|e| e.meta.loads() && pj.is_web_endpoint(e))
    {
        for name in &e.aors {
            let Some(aor) = pj.aor(&name.value) else {
                continue;
            };
            let Some(max) = &aor.max_contacts else {
                continue;
            };
            let Ok(n) = max.value.trim().parse::<u32>() else {
                continue;
            };
            if n <= 1 {
                continue;
            }
            sink.report(
                ctx.anchor(max.pos.unwrap_or(aor.meta.pos)),
                format!(
                    "AOR `{}` of public endpoint `{}` accepts {n} registered contacts: anyone with the page's credentials can register that many devices",
                    aor.meta.id, e.meta.id
                ),
            )
            .section(aor.meta.id.clone())
            .option("max_contacts");
        }
    }
}
