//! `pbxgen verify` and `render --verify` through the binary, against the sandbox's Asterisk 22:
//! a clean directory exits 0, a broken option exits 1 and is named at `file:line`, no Asterisk
//! exits 2 with a message that says what to do; `render --verify` writes only what Asterisk loads.

use super::support::live;
use crate::util::{pbxgen, repo_path};
use pbxgen::verify::Asterisk;
use std::path::Path;

fn run(cmd: &mut assert_cmd::Command) -> (i32, String, String) {
    let out = cmd.output().expect("pbxgen runs");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

/// `pbxgen` with the sandbox the live suites use.
fn pbxgen_with_sandbox() -> assert_cmd::Command {
    let mut cmd = pbxgen();
    cmd.env("PBXGEN_ASTERISK_ROOT", Asterisk::sandbox_root_from_env());
    cmd
}

fn render_example(example: &str, out: &Path) {
    let (code, _, stderr) = run(pbxgen()
        .arg("-q")
        .arg("render")
        .arg(repo_path(&format!("examples/{example}.yaml")))
        .arg("--out")
        .arg(out));
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn verify_of_a_rendered_example_is_clean_and_exits_0() {
    let _asterisk = live!();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("pbx");
    render_example("small-office", &out);
    let (code, stdout, stderr) = run(pbxgen_with_sandbox().arg("verify").arg(&out));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("Caused by the configuration: nothing."),
        "{stdout}"
    );
    assert!(
        stdout.contains("clean: no configuration error or warning"),
        "{stdout}"
    );
    // The TLS certificate is on the PBX, not in the directory: listed, not counted, and the
    // transport it stops is no model difference.
    assert!(stdout.contains("cert_file /etc/asterisk/keys/"), "{stdout}");
    assert!(
        stdout.contains("not loaded here because of the instance (above): transport-tls"),
        "{stdout}"
    );
    // JSON: the same report for programs.
    let (code, json, _) = run(pbxgen_with_sandbox()
        .args(["verify", "--format", "json"])
        .arg(&out));
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(report["errors"], 0);
    assert_eq!(report["warnings"], 0);
    assert!(
        report["asterisk"]["version"]
            .as_str()
            .unwrap()
            .starts_with("Asterisk 22.")
    );
    assert!(report["objects"]["endpoints"].as_array().unwrap().len() > 20);
    assert!(!report["environment"].as_array().unwrap().is_empty());
    // No secret of the example reaches the report.
    for entry in std::fs::read_dir(repo_path("examples/secrets")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "secret") {
            let secret = std::fs::read_to_string(&path).unwrap();
            assert!(!json.contains(secret.trim()), "{} leaked", path.display());
        }
    }
}

#[test]
fn verify_of_a_broken_option_exits_1_and_names_file_and_line() {
    let _asterisk = live!();
    let dir = repo_path("tests/fixtures/live/broken");
    let (code, stdout, stderr) = run(pbxgen_with_sandbox().arg("verify").arg(&dir));
    assert_eq!(code, 1, "{stdout}{stderr}");
    for (place, what) in [
        (
            "pjsip.conf:10: ERROR",
            "Error parsing bind=not-an-address:5070",
        ),
        ("pjsip.conf:17: ERROR", "named 'no_such_option'"),
        (
            "extensions.conf:6: WARNING",
            "nonexistent context 'no-such-context'",
        ),
    ] {
        assert!(
            stdout
                .lines()
                .any(|l| l.contains(place) && l.contains(what)),
            "no `{place}: …{what}` in:\n{stdout}"
        );
    }
    assert!(stdout.contains("caused by the configuration"), "{stdout}");
    assert!(
        !stdout.contains("not-a-secret-but-masked-anyway"),
        "a password reached the report"
    );
    let (code, json, _) = run(pbxgen_with_sandbox()
        .args(["verify", "--format", "json"])
        .arg(&dir));
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert!(report["errors"].as_u64().unwrap() >= 3, "{json}");
    let located = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["location"]["file"] == "pjsip.conf" && f["location"]["line"] == 17);
    assert!(located, "{json}");
}

#[test]
fn verify_without_an_asterisk_exits_2_and_says_what_to_do() {
    let dir = repo_path("tests/fixtures/live/broken");
    let (code, stdout, stderr) = run(pbxgen()
        .arg("verify")
        .arg(&dir)
        .args(["--asterisk", "/nonexistent/sbin/asterisk"]));
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stderr.contains("error: cannot verify: no Asterisk binary at /nonexistent/sbin/asterisk"),
        "{stderr}"
    );
    assert!(stderr.contains("hint: "), "{stderr}");
    // Without --asterisk, and with neither a sandbox nor /usr/sbin/asterisk: the hint names both
    // ways to get one.
    if !Path::new("/usr/sbin/asterisk").exists() {
        let (code, _, stderr) = run(pbxgen()
            .env("PBXGEN_ASTERISK_ROOT", "/nonexistent/sandbox")
            .arg("verify")
            .arg(&dir));
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains("--asterisk /usr/sbin/asterisk"), "{stderr}");
        assert!(
            stderr.contains("scripts/asterisk-sandbox ensure"),
            "{stderr}"
        );
        assert!(stderr.contains("/nonexistent/sandbox"), "{stderr}");
    }
    // Not a directory: 2 as well.
    let (code, _, stderr) = run(pbxgen().arg("verify").arg(dir.join("pjsip.conf")));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("expected a configuration directory"),
        "{stderr}"
    );
}

#[test]
fn render_verify_writes_what_asterisk_loads_and_nothing_it_refuses() {
    let _asterisk = live!();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("pbx");
    let (code, stdout, stderr) = run(pbxgen_with_sandbox()
        .arg("render")
        .arg(repo_path("examples/small-office.yaml"))
        .arg("--out")
        .arg(&out)
        .arg("--verify"));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stderr.contains("verify: clean"), "{stderr}");
    assert!(out.join("pjsip.conf").is_file());

    // A template override Asterisk refuses: nothing is written, and the report says where.
    let templates = tmp.path().join("templates");
    let (code, _, stderr) = run(pbxgen().args(["templates", "export"]).arg(&templates));
    assert_eq!(code, 0, "{stderr}");
    let pjsip = templates.join("pjsip.conf.j2");
    let text = std::fs::read_to_string(&pjsip).unwrap();
    let broken = text.replacen(
        "type=endpoint\nidentify_by=username\n",
        "type=endpoint\nidentify_by=username\nno_such_option=yes\n",
        1,
    );
    assert_ne!(broken, text, "the endpoint template changed");
    std::fs::write(&pjsip, broken).unwrap();
    let refused = tmp.path().join("refused");
    let (code, stdout, stderr) = run(pbxgen_with_sandbox()
        .arg("render")
        .arg(repo_path("examples/small-office.yaml"))
        .arg("--out")
        .arg(&refused)
        .arg("--templates")
        .arg(&templates)
        .arg("--verify"));
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stderr
            .lines()
            .any(|l| l.contains("pjsip.conf:") && l.contains("no_such_option")),
        "{stderr}"
    );
    assert!(stderr.contains("error: refusing to write:"), "{stderr}");
    assert!(!refused.exists(), "render --verify wrote files it refused");
}
