//! PBX601 tls-weak-method: a TLS transport allows SSLv2/SSLv3/TLS 1.0/TLS 1.1.

use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
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
    },
    check: Check::Config(check_weak_method),
};

const WEAK: &[&str] = &[
    "sslv2", "sslv3", "sslv23", "tlsv1", "tlsv1_1", "tlsv1.0", "tlsv1.1",
];

fn check_weak_method(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    if let Some(pj) = &ctx.pbx.pjsip {
        for t in pj.transports.iter().filter(|t| !t.meta.is_refused()) {
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
