//! PBX206 trust-caller-id: caller identity headers are trusted from an untrusted source.

use crate::asterisk::model::sip::SipPeer;
use crate::audit::analysis::entries::{pjsip_unauthenticated_by_name, sip_unauthenticated_by_name};
use crate::audit::analysis::trunks;
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX206",
        name: "trust-caller-id",
        severity: Severity::Medium,
        escalation: Some(
            "high when the PBX passes identities on as asserted (`sendrpid`, `send_pai`, `send_rpid`)",
        ),
        summary: "caller identity headers are trusted from an untrusted source",
        doc: RuleDoc {
            what: "Reports `trust_id_inbound=yes` (pjsip) on endpoints without inbound `auth` (anonymous, IP-identified, matched by the From user), `trustrpid=yes` (chan_sip) on peers that are not challenged, and `trustrpid=yes` in sip.conf `[general]` when guests are allowed or an unauthenticated peer inherits it. High when the PBX also sends identities on as asserted (`sendrpid`/`send_pai`/`send_rpid`).",
            why: "Trusting `P-Asserted-Identity`/`Remote-Party-ID` lets the sender set the caller ID Asterisk believes. `[general]` `trustrpid` is every peer's default and chan_sip applies it to guests too (`get_rpid` on the guest dialog). From an unauthenticated source that means spoofed caller IDs in voicemail PIN-less access (`VoiceMailMain` keyed on caller ID), call-back logic and CDRs; with `sendrpid`/`send_pai` the spoofed identity is asserted to your provider.",
            example: "[general]\nallowguest=yes\ntrustrpid=yes\nsendrpid=pai",
            instead: "[general]\nallowguest=no\ntrustrpid=no   ; set trustrpid=yes only on peers that authenticate",
            references: &[
                "Asterisk pjsip.conf.sample: trust_id_inbound",
                "Asterisk sip.conf.sample: trustrpid, sendrpid",
                "Asterisk chan_sip.c check_user_full / get_rpid",
            ],
        },
        fix: "set `trust_id_inbound=no` / `trustrpid=no` unless the source authenticates",
    },
    check: Check::Config(check_trust_caller_id),
};

fn check_trust_caller_id(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    if let Some(pj) = &ctx.pbx.pjsip {
        let asserts = pj
            .endpoints
            .iter()
            .any(|e| e.meta.loads() && (e.send_pai.value || e.send_rpid.value));
        for e in pj.endpoints.iter().filter(|e| e.meta.loads()) {
            let untrusted = e.is_anonymous || e.auth.is_empty();
            let (true, Some(pos), true) =
                (e.trust_id_inbound.value, e.trust_id_inbound.pos, untrusted)
            else {
                continue;
            };
            let who = if e.is_anonymous {
                "receives anonymous calls"
            } else if pjsip_unauthenticated_by_name(ctx.pbx, e) {
                "is matched by the From user without authentication"
            } else {
                "does not authenticate callers"
            };
            let f = sink.report(
                ctx.anchor(pos),
                format!(
                    "endpoint `{}` {who} but trusts the caller ID they send",
                    e.meta.id
                ),
            );
            f.section(e.meta.id.clone()).option("trust_id_inbound");
            if asserts {
                f.message
                    .push_str("; `send_pai`/`send_rpid` then assert that identity to the far end");
                f.severity(Severity::High);
            }
        }
    }
    if let Some(sip) = &ctx.pbx.sip {
        let g = &sip.general;
        let asserts = g.sendrpid.value || sip.peers.iter().any(|p| p.sendrpid().value);
        let assert_note = "; `sendrpid` then passes it on as an asserted identity";
        let unauthenticated =
            |p: &SipPeer| trunks::sip_ip_identified(p) || sip_unauthenticated_by_name(p);
        if let (true, Some(pos)) = (g.trustrpid.value, g.trustrpid.pos) {
            let inheriting: Vec<&str> = sip
                .peers
                .iter()
                .filter(|p| p.trustrpid.pos == Some(pos) && unauthenticated(p))
                .map(|p| p.name.as_str())
                .collect();
            let mut who = Vec::new();
            if g.allowguest.value {
                who.push("unauthenticated guests".to_string());
            }
            if !inheriting.is_empty() {
                who.push(format!(
                    "unauthenticated peers `{}`",
                    inheriting.join("`, `")
                ));
            }
            if !who.is_empty() {
                let f = sink.report(
                    ctx.anchor(pos),
                    format!(
                        "[general] `trustrpid=yes` is every peer's default and applies to {}: they set the caller ID Asterisk believes (Remote-Party-ID/P-Asserted-Identity)",
                        who.join(" and ")
                    ),
                );
                f.section("general").option("trustrpid");
                if asserts {
                    f.message.push_str(assert_note);
                    f.severity(Severity::High);
                }
            }
        }
        for p in &sip.peers {
            let own = p.trustrpid.pos.is_some() && p.trustrpid.pos != g.trustrpid.pos;
            if let (true, true, Some(pos)) = (
                p.trustrpid.value && own,
                unauthenticated(p),
                p.trustrpid.pos,
            ) {
                let f = sink.report(
                    ctx.anchor(pos),
                    format!(
                        "peer `{}` does not authenticate callers but trusts their Remote-Party-ID",
                        p.name
                    ),
                );
                f.section(p.name.clone()).option("trustrpid");
                if asserts {
                    f.message.push_str(assert_note);
                    f.severity(Severity::High);
                }
            }
        }
    }
}
