//! PBX206 trust-caller-id: caller identity headers are trusted from an untrusted source.

use crate::audit::analysis::trunks;
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX206",
        name: "trust-caller-id",
        severity: Severity::Medium,
        escalation: None,
        summary: "caller identity headers are trusted from an untrusted source",
        doc: RuleDoc {
            what: "Reports `trust_id_inbound=yes` (pjsip) and `trustrpid=yes` (chan_sip) on endpoints/peers that are not authenticated by a secret (IP-identified, anonymous, guests).",
            why: "Trusting `P-Asserted-Identity`/`Remote-Party-ID` lets the sender set the caller ID Asterisk believes. From an unauthenticated source that means spoofed caller IDs in voicemail PIN-less access (`VoiceMailMain` keyed on caller ID), call-back logic and CDRs.",
            example: "[provider]\ntype=endpoint\ntrust_id_inbound=yes",
            instead: "[provider]\ntype=endpoint\ntrust_id_inbound=no",
            references: &[
                "Asterisk pjsip.conf.sample: trust_id_inbound",
                "Asterisk sip.conf.sample: trustrpid",
            ],
        },
        fix: "set `trust_id_inbound=no` / `trustrpid=no` unless the source authenticates",
    },
    check: Check::Config(check_trust_caller_id),
};

fn check_trust_caller_id(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    if let Some(pj) = &ctx.pbx.pjsip {
        for e in &pj.endpoints {
            let untrusted = e.is_anonymous || e.auth.is_empty();
            if let (true, Some(pos), true) =
                (e.trust_id_inbound.value, e.trust_id_inbound.pos, untrusted)
            {
                sink.report(
                    ctx.anchor(pos),
                    format!("endpoint `{}` does not authenticate callers but trusts the caller ID they send", e.meta.id),
                )
                .section(e.meta.id.clone())
                .option("trust_id_inbound");
            }
        }
    }
    if let Some(sip) = &ctx.pbx.sip {
        for p in &sip.peers {
            if let (true, Some(pos), true) = (
                p.trustrpid.value,
                p.trustrpid.pos,
                trunks::sip_ip_identified(p),
            ) {
                sink.report(
                    ctx.anchor(pos),
                    format!(
                        "peer `{}` does not authenticate callers but trusts their Remote-Party-ID",
                        p.name
                    ),
                )
                .section(p.name.clone())
                .option("trustrpid");
            }
        }
    }
}
