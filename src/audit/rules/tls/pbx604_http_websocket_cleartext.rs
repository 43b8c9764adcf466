//! PBX604 http-websocket-cleartext.

use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};
use std::net::IpAddr;

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX604",
        name: "http-websocket-cleartext",
        severity: Severity::High,
        escalation: None,
        summary: "http.conf serves WebSockets without TLS on a non-loopback address",
        doc: RuleDoc {
            what: "Reports http.conf's plain listener (`enabled=yes` with a `bindaddr`) on an address other than loopback. res_http_websocket serves `/ws` on every listener of Asterisk's HTTP server, so SIP over WebSocket (and ARI or AMI-over-HTTP credentials) is reachable there unencrypted.",
            why: "On an unencrypted WebSocket the SIP digest exchanges, the numbers called and the DTLS fingerprints that protect WebRTC media can be read and changed by anyone on the path; and res_http_websocket checks no `Origin`, so any web page can open it. Only the TLS listener should face the network.",
            example: "; http.conf\n[general]\nenabled=yes\nbindaddr=0.0.0.0\nbindport=8088",
            instead: "; http.conf\n[general]\nenabled=no          ; or bindaddr=127.0.0.1 for local tools\ntlsenable=yes\ntlsbindaddr=0.0.0.0:8089\ntlscertfile=/etc/asterisk/keys/pbx.crt\ntlsprivatekey=/etc/asterisk/keys/pbx.key",
            references: &[
                "Asterisk main/http.c: enabled, bindaddr, tlsenable, tlsbindaddr",
                "Asterisk res_http_websocket.c: the /ws URI, no Origin check",
            ],
        },
        fix: "set `enabled=no` (or `bindaddr=127.0.0.1`) and serve WebSockets with `tlsenable=yes` on `tlsbindaddr`",
    },
    check: Check::Config(check_http_websocket_cleartext),
};

/// Whether main/http.c's `bindaddr` is a loopback address (`127.0.0.1`, `::1`, `localhost`).
fn is_loopback(bindaddr: &str) -> bool {
    let host = bindaddr
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok_and(|a| a.is_loopback())
}

fn check_http_websocket_cleartext(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(http) = &ctx.pbx.http else { return };
    let Some(bindaddr) = http.plain_listener() else {
        return;
    };
    if is_loopback(&bindaddr.value) {
        return;
    }
    let port = http
        .bindport
        .as_ref()
        .map_or("8088".to_string(), |p| p.value.to_string());
    let pos = bindaddr
        .pos
        .or(http.enabled.pos)
        .or(http.general_pos)
        .unwrap_or_else(|| ctx.file_pos(http.file));
    sink.report(
        ctx.anchor(pos),
        format!(
            "Asterisk's HTTP server listens unencrypted on {}:{port}: SIP over WebSocket (`/ws`) is served there in clear text",
            bindaddr.value
        ),
    )
    .section("general")
    .option("bindaddr");
}

#[cfg(test)]
mod tests {
    use super::is_loopback;

    #[test]
    fn loopback_addresses() {
        for a in ["127.0.0.1", "::1", "[::1]", "localhost", "127.0.0.53"] {
            assert!(is_loopback(a), "{a}");
        }
        for a in ["0.0.0.0", "::", "192.168.1.10", "pbx.example.net"] {
            assert!(!is_loopback(a), "{a}");
        }
    }
}
