//! `pbxgen audit DIR --dump-model json`: reads every recognised file, follows #include, masks
//! secrets.

use crate::util::{pbxgen, repo_path};

#[test]
fn dump_model_reads_the_directory_and_masks_secrets() {
    let dir = repo_path("tests/fixtures/asterisk/etc-asterisk");
    let out = pbxgen()
        .args(["audit", "--dump-model", "json"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    for secret in [
        "fixture-peer-secret",
        "fixture-register-secret",
        "fixture-auth-password",
        "fixture-ami-secret",
        "fixture-websms-secret",
        "987654",
    ] {
        assert!(!text.contains(secret), "{secret} leaked into the dump");
    }
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let kinds: Vec<&str> = json["config"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "asterisk",
            "acl",
            "sip",
            "pjsip",
            "extensions",
            "voicemail",
            "manager",
            "websms"
        ]
    );
    let shown: Vec<&str> = json["config"]["sources"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["display"].as_str().unwrap())
        .collect();
    assert!(shown.contains(&"sip.d/peers.conf"), "{shown:?}");
    // The peer comes from the included file and its template.
    let peer = &json["sip"]["peers"][0];
    assert_eq!(peer["name"], "alice");
    assert_eq!(peer["context"]["value"], "phones");
    assert_eq!(json["pjsip"]["endpoints"][0]["meta"]["id"], "itsp");
    assert_eq!(json["dialplan"]["contexts"][0]["name"], "phones");
}

#[test]
fn audit_files_by_name_and_missing_path() {
    let file = repo_path("tests/fixtures/asterisk/etc-asterisk/extensions.conf");
    let out = pbxgen()
        .args(["audit", "--dump-model", "json"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["config"]["files"][0]["kind"], "extensions");

    let out = pbxgen()
        .args(["audit", "--dump-model", "json", "/nonexistent/pbxgen/dir"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/pbxgen/dir"));
}
