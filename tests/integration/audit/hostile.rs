//! Configs written to attack the person or the CI job reading the report: escape sequences and
//! invisible characters in the text, line breaks aimed at GitHub's workflow commands.

use crate::util::pbxgen;
use std::path::Path;

/// A sip.conf whose comments, values, section names and a dropped line carry terminal escape
/// sequences (erase line, cursor up, conceal, OSC 52 clipboard write), a bidi override and a
/// carriage return. Every one of them ends up quoted in some finding.
const HOSTILE_SIP: &[u8] = b"[general]\n\
allowguest=yes ; \x1b[2K\x1b[1A all good \x1b]52;c;ZXZpbA==\x07\n\
context=pub\xe2\x80\xaelic\n\
\x1b[2Kjunk line\n\
[peer\x1b[8m]\n\
type=friend\n\
host=dynamic\n\
secret=1234\r\n";

fn hostile_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("sip.conf"), HOSTILE_SIP).expect("write");
    dir
}

fn audit(dir: &Path, format: &str) -> String {
    let out = pbxgen()
        .arg("audit")
        .arg(dir)
        .args(["--format", format, "--fail-on", "none"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// What a terminal must never receive from a config.
fn assert_nothing_hidden(text: &str) {
    for (i, c) in text.char_indices() {
        let bad = (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}');
        assert!(!bad, "raw {c:?} at byte {i} of:\n{text}");
    }
}

#[test]
fn text_report_shows_escape_sequences_instead_of_sending_them() {
    let dir = hostile_dir();
    let text = audit(dir.path(), "text");
    assert_nothing_hidden(&text);
    // Shown, not dropped: the reviewer sees what the file holds.
    assert!(
        text.contains("allowguest=yes ; \\x1b[2K\\x1b[1A all good \\x1b]52;c;ZXZpbA==\\x07"),
        "{text}"
    );
    assert!(text.contains("context `pub\\u{202e}lic`"), "{text}");
    assert!(text.contains("`\\x1b[2Kjunk line` has no `=`"), "{text}");
    assert!(text.contains("[peer\\x1b[8m]"), "{text}");
}

#[test]
fn github_annotations_cannot_be_broken_or_injected() {
    let dir = hostile_dir();
    let text = audit(dir.path(), "github");
    assert_nothing_hidden(&text);
    // One workflow command per finding, each on one line.
    for line in text.lines() {
        assert!(
            line.starts_with("::error ")
                || line.starts_with("::warning ")
                || line.starts_with("::notice "),
            "{line}"
        );
    }
    assert!(text.contains("\\x1b[2Kjunk line"), "{text}");
}

#[test]
fn json_and_sarif_keep_the_exact_text() {
    let dir = hostile_dir();
    let json: serde_json::Value =
        serde_json::from_str(&audit(dir.path(), "json")).expect("valid JSON");
    let messages: Vec<&str> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("`\x1b[2Kjunk line`")),
        "{messages:?}"
    );
    assert!(messages.iter().any(|m| m.contains("pub\u{202e}lic")));
    let raw = audit(dir.path(), "sarif");
    assert!(!raw.contains('\x1b'), "JSON escapes control characters");
    let sarif: serde_json::Value = serde_json::from_str(&raw).expect("valid SARIF");
    assert!(sarif.to_string().contains("junk line"));
}

#[test]
fn file_names_and_error_messages_are_shown_escaped() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A kind word between the escapes, so the kind is recognised.
    let name = "sip.\x1b[31m\u{202e}.conf";
    let path = dir.path().join(name);
    std::fs::write(&path, "[general]\nallowguest=yes\n").expect("write");
    let out = pbxgen().arg("audit").arg(&path).output().expect("runs");
    let stdout = String::from_utf8(out.stdout).expect("UTF-8");
    assert_nothing_hidden(&stdout);
    assert!(
        stdout.contains("sip.\\x1b[31m\\u{202e}.conf:2:1"),
        "{stdout}"
    );
    // An error quoting a file name.
    let missing = dir.path().join("gone\x1b[2K\nerror: all fine.conf");
    let out = pbxgen().arg("audit").arg(&missing).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).expect("UTF-8");
    assert_nothing_hidden(&stderr);
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("error:")).count(),
        1
    );
    assert!(
        stderr.contains("gone\\x1b[2K\\x0aerror: all fine.conf"),
        "{stderr}"
    );
}

#[test]
fn profile_errors_quoting_the_profile_are_shown_escaped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("site.yaml");
    // An unknown key, with YAML escapes for a bidi override and ESC: the error quotes it.
    std::fs::write(&path, "version: 1\nsite:\n  \"na\\u202eme\\e[2K\": x\n").expect("write");
    let out = pbxgen()
        .args(["profile", "check"])
        .arg(&path)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).expect("UTF-8");
    assert_nothing_hidden(&stderr);
    assert!(stderr.contains("na\\u{202e}me\\x1b[2K"), "{stderr}");
}
