//! PBX602 tls-no-verify: TLS to providers without certificate verification.

use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
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
    },
    check: Check::Config(check_no_verify),
};

fn check_no_verify(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    for t in super::outbound_tls_transports(ctx) {
        if !t.verify_server.value {
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
