//! PBX601–PBX603: TLS and SRTP.

use crate::audit::context::AuditContext;
use crate::audit::finding::Sink;
use crate::audit::rule::{Check, Rule, RuleDoc};
use crate::audit::severity::Severity;

pub static WEAK_METHOD: Rule = Rule {
    code: "PBX601",
    name: "tls-weak-method",
    severity: Severity::High,
    escalation: None,
    summary: "a TLS transport allows SSLv2/SSLv3/TLS 1.0/TLS 1.1",
    doc: RuleDoc {
        what: "Reports pjsip transports with `method=sslv2|sslv3|sslv23|tlsv1|tlsv1_1` and chan_sip `tlsclientmethod=` with the same values.",
        why: "These protocol versions have practical attacks (POODLE, BEAST, downgrade) and are refused by providers: Twilio accepts TLS 1.2 and later only, so calls fail, and whatever still negotiates them is readable by a network attacker.",
        example: "[transport-tls]\ntype=transport\nprotocol=tls\nmethod=tlsv1",
        instead: "[transport-tls]\ntype=transport\nprotocol=tls\nmethod=tlsv1_2",
        references: &[
            "RFC 8996 (deprecating TLS 1.0 and 1.1)",
            "Twilio: TLS 1.2+ on 5061",
        ],
    },
    fix: "set `method=tlsv1_2` (or newer)",
    check: Check::Config(check_weak_method),
};

pub static NO_VERIFY: Rule = Rule {
    code: "PBX602",
    name: "tls-no-verify",
    severity: Severity::Medium,
    escalation: None,
    summary: "TLS to providers without certificate verification",
    doc: RuleDoc {
        what: "Reports pjsip TLS transports that outbound registrations or trunks use (explicitly, or by default when they name no transport) without `verify_server=yes`, and chan_sip `tlsdontverifyserver=yes`.",
        why: "Without verification, anyone on the path can present a certificate and read or change the signalling — including SRTP keys sent in SDES and the digest exchange. TLS then protects against nothing but passive sniffing.",
        example: "[transport-tls]\ntype=transport\nprotocol=tls\nverify_server=no",
        instead: "[transport-tls]\ntype=transport\nprotocol=tls\nverify_server=yes\nca_list_file=/etc/ssl/certs/ca-certificates.crt",
        references: &["Asterisk pjsip.conf.sample: verify_server (default no)"],
    },
    fix: "set `verify_server=yes` and a `ca_list_file`",
    check: Check::Config(check_no_verify),
};

pub static SRTP_OVER_PLAIN_SIP: Rule = Rule {
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
    check: Check::Config(check_srtp_over_plain_sip),
};

const WEAK: &[&str] = &[
    "sslv2", "sslv3", "sslv23", "tlsv1", "tlsv1_1", "tlsv1.0", "tlsv1.1",
];

fn check_weak_method(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    if let Some(pj) = &ctx.pbx.pjsip {
        for t in &pj.transports {
            let Some(m) = &t.method else { continue };
            if WEAK.contains(&m.value.trim().to_ascii_lowercase().as_str()) {
                sink.report(
                    ctx.anchor(m.pos.unwrap_or(t.meta.pos)),
                    format!("transport `{}` allows `{}`", t.meta.id, m.value),
                )
                .section(t.meta.id.clone())
                .option("method");
            }
        }
    }
    if let Some(sip) = &ctx.pbx.sip {
        if let Some(m) = &sip.general.tlsclientmethod {
            if WEAK.contains(&m.value.trim().to_ascii_lowercase().as_str()) {
                if let Some(pos) = m.pos {
                    sink.report(
                        ctx.anchor(pos),
                        format!("chan_sip TLS client connections allow `{}`", m.value),
                    )
                    .section("general")
                    .option("tlsclientmethod");
                }
            }
        }
    }
}

fn check_no_verify(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    if let Some(pj) = &ctx.pbx.pjsip {
        // verify_server only matters for connections Asterisk opens: registrations and trunks.
        let outbound: Vec<Option<&str>> = pj
            .registrations
            .iter()
            .map(|r| r.transport.as_ref().map(|t| t.value.as_str()))
            .chain(
                pj.endpoints
                    .iter()
                    .filter(|e| ctx.reach.is_trunk("pjsip", &e.meta.id))
                    .map(|e| e.transport.as_ref().map(|t| t.value.as_str())),
            )
            .collect();
        for t in &pj.transports {
            let tls = t.protocol.value.eq_ignore_ascii_case("tls")
                || t.protocol.value.eq_ignore_ascii_case("wss");
            let used = outbound.iter().any(|u| u.is_none_or(|id| id == t.meta.id));
            if tls && used && !t.verify_server.value {
                let pos = t.verify_server.pos.unwrap_or(t.meta.pos);
                let how = if t.verify_server.is_set() {
                    "sets `verify_server=no`"
                } else {
                    "does not set `verify_server=yes` (the default is no)"
                };
                sink.report(
                    ctx.anchor(pos),
                    format!(
                        "TLS transport `{}` {how}: connections to providers accept any certificate",
                        t.meta.id
                    ),
                )
                .section(t.meta.id.clone())
                .option("verify_server");
            }
        }
    }
    if let Some(sip) = &ctx.pbx.sip {
        let v = &sip.general.tlsdontverifyserver;
        if let (true, Some(pos)) = (v.value, v.pos) {
            sink.report(
                ctx.anchor(pos),
                "chan_sip accepts any certificate from TLS servers",
            )
            .section("general")
            .option("tlsdontverifyserver");
        }
    }
}

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
