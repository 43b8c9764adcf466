//! PBX603 srtp-over-plain-sip: `media_encryption=sdes` on an endpoint whose transport is not TLS.

use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX603",
        name: "srtp-over-plain-sip",
        severity: Severity::Medium,
        escalation: None,
        summary: "`media_encryption=sdes` on an endpoint whose transport is not TLS",
        doc: RuleDoc {
            what: "Reports endpoints with `media_encryption=sdes` (chan_sip: `encryption=yes`) whose transport is UDP or TCP.",
            why: "SDES carries the SRTP master keys in the SDP, in clear text over UDP/TCP: anyone who can see the signalling can decrypt the media. It looks encrypted and is not.",
            example: "[101]\ntype=endpoint\ntransport=transport-udp\nmedia_encryption=sdes",
            instead: "[101]\ntype=endpoint\ntransport=transport-tls\nmedia_encryption=sdes",
            references: &["RFC 4568 (SDES): keys must be protected by the signalling"],
        },
        fix: "use a TLS transport for endpoints with SDES-SRTP (or DTLS-SRTP)",
    },
    check: Check::Config(check_srtp_over_plain_sip),
};

fn check_srtp_over_plain_sip(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(pj) = &ctx.pbx.pjsip else { return };
    for e in &pj.endpoints {
        let Some(me) = &e.media_encryption else {
            continue;
        };
        if !me.value.trim().eq_ignore_ascii_case("sdes") {
            continue;
        }
        let transport = match &e.transport {
            Some(t) => pj.transport(&t.value),
            // Without `transport=`, pjsip picks by the contact's scheme; only a TLS-only setup
            // is safe, so require every transport to be TLS.
            None => pj
                .transports
                .iter()
                .find(|t| !t.protocol.value.eq_ignore_ascii_case("tls")),
        };
        let plain = transport.is_some_and(|t| {
            !t.protocol.value.eq_ignore_ascii_case("tls")
                && !t.protocol.value.eq_ignore_ascii_case("wss")
        });
        if plain {
            let t = transport.map_or("?", |t| t.meta.id.as_str());
            sink.report(
                ctx.anchor(me.pos.unwrap_or(e.meta.pos)),
                format!(
                    "endpoint `{}` sends SRTP keys (SDES) over the non-TLS transport `{t}`",
                    e.meta.id
                ),
            )
            .section(e.meta.id.clone())
            .option("media_encryption");
        }
    }
}
