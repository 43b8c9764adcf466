//! Endpoints for web pages are untrusted entry points whatever marks them (`webrtc=yes`, or a
//! `ws`/`wss` transport): a fixed-number trunk `Dial` is high, a caller-chosen one critical.

use super::audit_dir;
use pbxgen::audit::engine::Severity;

const TRUNK: &str = "
[trunk-auth]
type=auth
username=acct1234
password=Qm7vT2xR9pLs4WnZ

[trunk]
type=endpoint
context=from-trunk
outbound_auth=trunk-auth
aors=trunk

[trunk]
type=aor
contact=sip:sip.itsp.example

[trunk]
type=registration
outbound_auth=trunk-auth
server_uri=sip:sip.itsp.example
client_uri=sip:acct1234@sip.itsp.example
";

/// The PBX207 severity for a web endpoint marked by `marker` whose context runs `dial`.
fn pbx207(marker: &str, dial: &str) -> Option<Severity> {
    let dir = tempfile::tempdir().unwrap();
    let pjsip = format!(
        "[transport-ws]\ntype=transport\nprotocol=ws\nbind=0.0.0.0\n\n\
         [web]\ntype=endpoint\n{marker}\ncontext=web\nauth=web\n\n\
         [web]\ntype=auth\nusername=web\npassword=Vn8-qT3xR7pLs4Wz\n{TRUNK}"
    );
    std::fs::write(dir.path().join("pjsip.conf"), pjsip).unwrap();
    let extensions =
        format!("[from-trunk]\nexten => _X.,1,Hangup()\n\n[web]\nexten => _X.,1,{dial}\n");
    std::fs::write(dir.path().join("extensions.conf"), extensions).unwrap();
    let report = audit_dir(dir.path(), Some(22));
    let found: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule.code == "PBX207")
        .collect();
    assert!(found.len() <= 1, "one finding per endpoint");
    found.first().map(|f| f.severity)
}

#[test]
fn web_endpoints_reaching_a_trunk_are_high_or_critical() {
    for marker in ["webrtc=yes", "transport=transport-ws"] {
        assert_eq!(
            pbx207(marker, "Dial(PJSIP/${EXTEN}@trunk)"),
            Some(Severity::Critical),
            "{marker}: caller-chosen digits"
        );
        assert_eq!(
            pbx207(marker, "Dial(PJSIP/442079460000@trunk)"),
            Some(Severity::High),
            "{marker}: a fixed number"
        );
        assert_eq!(
            pbx207(marker, "Dial(PJSIP/101,30)"),
            None,
            "{marker}: local only"
        );
    }
    // Neither marker: an ordinary authenticated account is not a public entry point.
    assert_eq!(
        pbx207("transport=transport-udp", "Dial(PJSIP/${EXTEN}@trunk)"),
        None
    );
}
