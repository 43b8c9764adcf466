//! PBX601–PBX605: TLS and SRTP, and the HTTP server's WebSockets.

pub mod pbx601_tls_weak_method;
pub mod pbx602_tls_no_verify;
pub mod pbx603_srtp_over_plain_sip;
pub mod pbx604_http_websocket_cleartext;
pub mod pbx605_tls_verify_without_ca;

use crate::asterisk::model::pjsip::PjsipTransport;
use crate::asterisk::model::sip::SipConf;
use crate::audit::engine::AuditContext;

/// Whether a pjsip transport opens TLS connections of its own: only `tls`. A `wss` transport
/// opens none (pjsip ignores its TLS options; http.conf serves the WebSockets, inbound only),
/// so server verification and the CA list never apply to it.
fn connects_out_over_tls(t: &PjsipTransport) -> bool {
    t.protocol.value.eq_ignore_ascii_case("tls")
}

/// The pjsip TLS transports Asterisk opens connections on: those that outbound registrations
/// and trunks name, or every TLS transport when one of them names none (pjsip then picks one
/// by the URI). Server verification (`verify_server`, the CA list) matters for these only.
/// A transport Asterisk refuses (a bad value, a duplicate id) opens nothing.
pub(super) fn outbound_tls_transports<'a>(ctx: &AuditContext<'a>) -> Vec<&'a PjsipTransport> {
    let Some(pj) = &ctx.pbx.pjsip else {
        return Vec::new();
    };
    let mut tls: Vec<&PjsipTransport> = pj
        .transports
        .iter()
        .filter(|t| !t.meta.is_refused() && connects_out_over_tls(t))
        .collect();
    // Most sites have no TLS transport: then no trunk needs looking at.
    if tls.is_empty() {
        return tls;
    }
    let outbound: Vec<Option<&str>> = pj
        .registrations
        .iter()
        .map(|r| r.transport.as_ref().map(|t| t.value.as_str()))
        .chain(
            pj.endpoints
                .iter()
                .filter(|e| ctx.reach().is_trunk("pjsip", &e.meta.id))
                .map(|e| e.transport.as_ref().map(|t| t.value.as_str())),
        )
        .collect();
    tls.retain(|t| {
        outbound
            .iter()
            .any(|u| u.is_none_or(|id| id == t.meta.id.as_str()))
    });
    tls
}

/// Whether chan_sip opens TLS connections: a `register => tls://…` line, or a peer with a fixed
/// host whose first transport is TLS.
pub(super) fn chan_sip_connects_over_tls(sip: &SipConf) -> bool {
    let first_is_tls = |t: &str| {
        t.split(',')
            .next()
            .is_some_and(|w| w.trim().eq_ignore_ascii_case("tls"))
    };
    sip.general
        .registrations
        .iter()
        .any(|r| r.transport.as_deref().is_some_and(first_is_tls))
        || sip.peers.iter().any(|p| {
            p.host.is_some()
                && !p.is_dynamic()
                && p.transport.as_ref().is_some_and(|t| first_is_tls(&t.value))
        })
}
