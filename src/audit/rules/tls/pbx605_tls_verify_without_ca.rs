//! PBX605 tls-verify-without-ca: server verification on, but no CA to verify with.

use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX605",
        name: "tls-verify-without-ca",
        severity: Severity::Medium,
        escalation: None,
        summary: "TLS server verification without a CA list: every TLS call out fails",
        doc: RuleDoc {
            what: "Reports pjsip TLS transports that outbound registrations or trunks use with `verify_server=yes` but neither `ca_list_file` nor `ca_list_path`, and chan_sip with `tlsenable=yes`, server verification on (`tlsdontverifyserver=no`, the default), TLS registrations or peers, and neither `tlscafile` nor `tlscapath`.",
            why: "Neither pjproject nor chan_sip loads the system's trust store: without a CA list, no certificate verifies. Every TLS connection to a provider is torn down after the handshake (pjsip logs `The certificate is untrusted`), registrations fail and outbound calls end with 503 — the configuration looks secure and cannot call out.",
            example: "[transport-tls]\ntype=transport\nprotocol=tls\nverify_server=yes",
            instead: "[transport-tls]\ntype=transport\nprotocol=tls\nverify_server=yes\nca_list_file=/etc/ssl/certs/ca-certificates.crt",
            references: &[
                "pjproject 2.17 pjlib/src/pj/ssl_sock_ossl.c init_ossl_ctx: CA locations loaded only when ca_list_file/ca_list_path is set",
                "Asterisk res/res_pjsip/pjsip_transport_events.c transport_tls_verify",
                "Asterisk main/tcptls.c __ssl_setup: tlscafile/tlscapath only",
            ],
        },
        fix: "set `ca_list_file` to the system's CA bundle (Debian/Ubuntu: /etc/ssl/certs/ca-certificates.crt; RHEL: /etc/pki/tls/certs/ca-bundle.crt), or chan_sip `tlscafile`",
    },
    check: Check::Config(check_verify_without_ca),
};

fn check_verify_without_ca(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    for t in super::outbound_tls_transports(ctx) {
        if t.verify_server.value && t.ca_list_file.is_none() && t.ca_list_path.is_none() {
            sink.report(
                ctx.anchor(t.verify_server.pos.unwrap_or(t.meta.pos)),
                format!(
                    "TLS transport `{}` verifies servers but names no CA list: no certificate verifies and every TLS connection out fails",
                    t.meta.id
                ),
            )
            .section(t.meta.id.clone())
            .option("verify_server");
        }
    }
    if let Some(sip) = &ctx.pbx.sip {
        let g = &sip.general;
        let verifies = g.tlsenable.value && !g.tlsdontverifyserver.value;
        if verifies
            && g.tlscafile.is_none()
            && g.tlscapath.is_none()
            && super::chan_sip_connects_over_tls(sip)
        {
            let pos = g.tlsenable.pos.or(g.pos);
            if let Some(pos) = pos {
                sink.report(
                    ctx.anchor(pos),
                    "chan_sip verifies TLS servers but has no `tlscafile`: no certificate verifies and every TLS connection out fails",
                )
                .section("general")
                .option("tlsenable");
            }
        }
    }
}
