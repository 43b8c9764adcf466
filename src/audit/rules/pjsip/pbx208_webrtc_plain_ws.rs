//! PBX208 webrtc-plain-ws.

use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX208",
        name: "webrtc-plain-ws",
        severity: Severity::Medium,
        escalation: None,
        summary: "a `webrtc=yes` endpoint is bound to a plain `ws` transport",
        doc: RuleDoc {
            what: "Reports endpoints with `webrtc=yes` whose `transport=` names a transport with `protocol=ws` (SIP over unencrypted WebSockets).",
            why: "Over `ws://` the SIP signalling — digest exchanges, the DTLS fingerprints that protect the media, the numbers called — travels in clear text: anyone on the path can read it or swap the fingerprints and listen to the call. Browsers allow `ws://` only from pages served over plain `http://`, so the setup also invites an insecure page. (http.conf decides what really listens; the transport says what the endpoint is meant for.)",
            example: "[transport-ws]\ntype=transport\nprotocol=ws\nbind=0.0.0.0\n\n[browser]\ntype=endpoint\nwebrtc=yes\ntransport=transport-ws",
            instead: "[transport-wss]\ntype=transport\nprotocol=wss\nbind=0.0.0.0\n\n[browser]\ntype=endpoint\nwebrtc=yes\ntransport=transport-wss\n; http.conf: tlsenable=yes, plain listener off or on 127.0.0.1",
            references: &[
                "RFC 7118: SIP over WebSocket (WSS recommended)",
                "Asterisk res_pjsip_transport_websocket.c: ws vs wss",
            ],
        },
        fix: "use a `wss` transport, and serve WebSockets from http.conf's TLS listener only",
    },
    check: Check::Config(check_webrtc_plain_ws),
};

fn check_webrtc_plain_ws(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(pj) = &ctx.pbx.pjsip else { return };
    for e in pj
        .endpoints
        .iter()
        .filter(|e| e.meta.loads() && e.webrtc.value)
    {
        let Some(name) = &e.transport else { continue };
        let Some(t) = pj.transport(&name.value) else {
            continue;
        };
        if !t.protocol.value.eq_ignore_ascii_case("ws") {
            continue;
        }
        sink.report(
            ctx.anchor(name.pos.or(e.webrtc.pos).unwrap_or(e.meta.pos)),
            format!(
                "endpoint `{}` has `webrtc=yes` on transport `{}` (`protocol=ws`): its signalling and media keys travel unencrypted",
                e.meta.id, t.meta.id
            ),
        )
        .section(e.meta.id.clone())
        .option("transport");
    }
}
