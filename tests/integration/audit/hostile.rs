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

// ---------------------------------------------------------------------------------------------
// Reading outside the audited tree

/// A file outside the audited tree whose lines, if read, would be quoted in findings (they have
/// no `=`, so PBX901 would quote them).
const OUTSIDE_SECRET: &str = "TOPSECRET-api-token-hunter2\n";

/// `base/outside/secret.env` and `base/tree/` (the audited directory).
struct Layout {
    base: tempfile::TempDir,
}

impl Layout {
    fn new() -> Layout {
        let base = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(base.path().join("outside")).expect("mkdir");
        std::fs::create_dir(base.path().join("tree")).expect("mkdir");
        std::fs::write(base.path().join("outside/secret.env"), OUTSIDE_SECRET).expect("write");
        Layout { base }
    }
    fn tree(&self) -> std::path::PathBuf {
        self.base.path().join("tree")
    }
    fn outside(&self) -> std::path::PathBuf {
        self.base.path().join("outside")
    }
    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.tree().join(name), text).expect("write");
    }
    #[cfg(unix)]
    fn link(&self, name: &str, target: &str) {
        std::os::unix::fs::symlink(target, self.tree().join(name)).expect("symlink");
    }
}

/// Audit `args` in every format: the outside file's text appears in none of them, and each
/// names the PBX908 finding.
fn assert_not_read(args: &[&std::ffi::OsStr], expect_in_text: &[&str]) {
    for format in ["text", "json", "sarif", "github"] {
        let out = pbxgen()
            .arg("audit")
            .args(args)
            .args(["--format", format])
            .output()
            .expect("runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stdout.contains("TOPSECRET") && !stderr.contains("TOPSECRET"),
            "{format}: the outside file was read:\n{stdout}\n{stderr}"
        );
        assert_eq!(out.status.code(), Some(1), "{format}: {stdout}{stderr}");
        assert!(stdout.contains("PBX908"), "{format}: {stdout}");
        if format == "text" {
            for needle in expect_in_text {
                assert!(stdout.contains(needle), "{needle:?} in:\n{stdout}");
            }
        }
    }
}

#[test]
fn includes_leaving_the_tree_are_reported_not_read() {
    let layout = Layout::new();
    let secret = layout.outside().join("secret.env");
    layout.write(
        "sip.conf",
        &format!(
            "[general]\nallowguest=no\n#include {}\n#tryinclude ../outside/secret.env\n\
             #include ../outside/*.env\n#include /etc/pass{{wd,x}}\n",
            secret.display()
        ),
    );
    let tree = layout.tree();
    assert_not_read(
        &[tree.as_os_str()],
        &[
            &format!("{} is outside the audited tree", secret.display()),
            "../outside/secret.env is outside the audited tree",
            "/etc/passwd is outside the audited tree",
        ],
    );
}

#[cfg(unix)]
#[test]
fn symbolic_links_leaving_the_tree_are_reported_not_read() {
    let layout = Layout::new();
    // A top-level file, an included file and a directory a glob walks through.
    layout.link("extensions.conf", "../outside/secret.env");
    layout.link("peers.conf", "../outside/secret.env");
    layout.link("more", "../outside");
    layout.write(
        "sip.conf",
        "[general]\nallowguest=no\n#include peers.conf\n#include more/*.env\n",
    );
    let tree = layout.tree();
    assert_not_read(
        &[tree.as_os_str()],
        &[
            "extensions.conf is a symbolic link to",
            "peers.conf is a symbolic link to",
            "more is a symbolic link to",
        ],
    );
}

#[cfg(unix)]
#[test]
fn files_given_on_the_command_line_are_confined_to_their_directories() {
    let layout = Layout::new();
    layout.write(
        "sip.conf",
        "[general]\nallowguest=no\n#include ../outside/secret.env\n",
    );
    layout.link("extensions.conf", "../outside/secret.env");
    let sip = layout.tree().join("sip.conf");
    let ext = layout.tree().join("extensions.conf");
    assert_not_read(
        &[sip.as_os_str(), ext.as_os_str()],
        &["../outside/secret.env is outside the audited tree"],
    );
}

#[test]
fn allow_outside_opts_in_to_reading_a_directory() {
    let layout = Layout::new();
    layout.write(
        "sip.conf",
        "[general]\nallowguest=no\n#include ../outside/secret.env\n",
    );
    let out = pbxgen()
        .arg("audit")
        .arg(layout.tree())
        .arg("--allow-outside")
        .arg(layout.outside())
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("TOPSECRET"), "read when allowed:\n{stdout}");
    assert!(!stdout.contains("PBX908"), "{stdout}");
}

#[test]
fn etc_asterisk_includes_still_map_into_the_audited_directory() {
    let layout = Layout::new();
    layout.write(
        "sip.conf",
        "[general]\nallowguest=no\n#include /etc/asterisk/sip-peers.conf\n",
    );
    layout.write("sip-peers.conf", "[p1]\ntype=peer\nhost=dynamic\n");
    let out = pbxgen()
        .arg("audit")
        .arg(layout.tree())
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("PBX908"), "{stdout}");
    assert!(stdout.contains("sip-peers.conf:"), "{stdout}");
}

// ---------------------------------------------------------------------------------------------
// What is read: kinds, sizes, file types

#[test]
fn a_file_whose_kind_cannot_be_told_is_refused_not_passed() {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in ["mysip.conf", "foo.txt"] {
        let path = dir.path().join(name);
        std::fs::write(&path, "[general]\nallowguest=yes\n").expect("write");
        let out = pbxgen().arg("audit").arg(&path).output().expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains("cannot tell which Asterisk file this is"),
            "{stderr}"
        );
        assert!(stderr.contains("--kind"), "{stderr}");
        // Said explicitly, for all files or for this one, it is audited as that kind.
        for kind in ["sip".to_string(), format!("{}=sip", path.display())] {
            let out = pbxgen()
                .arg("audit")
                .arg(&path)
                .args(["--kind", &kind, "--format", "json"])
                .output()
                .expect("runs");
            assert_eq!(out.status.code(), Some(1), "PBX101 is high");
            let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
            assert_eq!(json["inputs"][0]["kind"], "sip", "{json}");
            assert!(json["findings"].to_string().contains("PBX101"));
        }
    }
    let out = pbxgen()
        .arg("audit")
        .arg(dir.path().join("foo.txt"))
        .args(["--kind", "sipp"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown kind `sipp`"));
}

#[test]
fn the_kind_of_every_input_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("sip.conf"), "[general]\nallowguest=no\n").expect("write");
    std::fs::write(dir.path().join("extensions.conf"), "[x]\n").expect("write");
    std::fs::write(dir.path().join("notes.txt"), "unrelated\n").expect("write");
    let out = pbxgen()
        .arg("-v")
        .arg("audit")
        .arg(dir.path())
        .args(["--format", "json"])
        .output()
        .expect("runs");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(
        json["inputs"],
        serde_json::json!([
            {"file": "sip.conf", "kind": "sip"},
            {"file": "extensions.conf", "kind": "extensions"}
        ])
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("sip.conf  read as sip,"), "{stderr}");
    assert!(
        stderr.contains("extensions.conf  read as extensions,"),
        "{stderr}"
    );
    assert!(stderr.contains("notes.txt  not read"), "{stderr}");
}

/// `cmd` must end within a few seconds (it must not block on a FIFO or read forever).
fn finishes(cmd: &mut assert_cmd::Command) -> std::process::Output {
    cmd.timeout(std::time::Duration::from_secs(20))
        .output()
        .expect("runs")
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().expect("UTF-8 path")).expect("no NUL");
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

#[cfg(unix)]
#[test]
fn fifos_and_devices_are_refused_without_blocking() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("site.yaml");
    mkfifo(&fifo);
    // Nobody writes to the FIFO: opening it for reading in blocking mode would hang.
    for args in [
        vec![
            "profile".into(),
            "check".into(),
            fifo.clone().into_os_string(),
        ],
        vec![
            "audit".into(),
            "--kind".into(),
            "sip".into(),
            fifo.clone().into_os_string(),
        ],
        vec![
            "audit".into(),
            "--kind".into(),
            "sip".into(),
            "/dev/zero".into(),
        ],
        vec!["profile".into(), "check".into(), "/dev/zero".into()],
    ] {
        let out = finishes(pbxgen().args(&args));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("is a FIFO, expected a regular file")
                || stderr.contains("is a character device, expected a regular file"),
            "{args:?}: {stderr}"
        );
    }
    // A FIFO named like an Asterisk file in an audited directory, and one included.
    let tree = tempfile::tempdir().expect("tempdir");
    mkfifo(&tree.path().join("sip.conf"));
    let out = finishes(pbxgen().arg("audit").arg(tree.path()));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("sip.conf: is a FIFO"));
    let tree = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        tree.path().join("sip.conf"),
        "[general]\nallowguest=no\n#tryinclude peers.conf\n",
    )
    .expect("write");
    mkfifo(&tree.path().join("peers.conf"));
    // Asterisk skips what is not a regular file; so does pbxgen, without waiting on it.
    let out = finishes(pbxgen().arg("audit").arg(tree.path()));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn secret_files_that_are_devices_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let profile =
        std::fs::read_to_string(crate::util::repo_path("examples/home-lab.yaml")).expect("example");
    // The example's first `${file:…}` secret now names /dev/zero.
    let start = profile
        .find("${file:")
        .expect("the example has a file secret");
    let end = start + profile[start..].find('}').expect("closed");
    let hostile = format!(
        "{}${{file:/dev/zero}}{}",
        &profile[..start],
        &profile[end + 1..]
    );
    let path = dir.path().join("site.yaml");
    std::fs::write(&path, hostile).expect("write");
    let out = finishes(
        pbxgen()
            .args(["profile", "check", "--resolve-secrets"])
            .arg(&path),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("/dev/zero: is a character device, expected a regular file"),
        "{stderr}"
    );
}

#[test]
fn files_over_a_read_limit_are_refused_with_the_way_to_raise_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut sip = String::from("[general]\nallowguest=no\n");
    while sip.len() < 4096 {
        sip.push_str("; padding padding padding padding padding padding padding padding\n");
    }
    std::fs::write(dir.path().join("sip.conf"), &sip).expect("write");
    std::fs::write(dir.path().join("extensions.conf"), "[x]\n").expect("write");
    let run = |limits: &[&str]| {
        let mut cmd = pbxgen();
        for l in limits {
            cmd.args(["--limit", l]);
        }
        finishes(cmd.arg("audit").arg(dir.path()))
    };
    let out = run(&["config-file=2KiB"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("sip.conf: larger than the 2 KiB limit for a config file"),
        "{stderr}"
    );
    assert!(stderr.contains("--limit config-file=SIZE"), "{stderr}");
    let out = run(&["config-tree=4KiB"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("larger than the 4 KiB limit for all the files of one audited tree"),
        "{stderr}"
    );
    assert_eq!(run(&["config-file=8KiB"]).status.code(), Some(0));
    // The environment variable works too.
    let out = finishes(
        pbxgen()
            .env("PBXGEN_LIMITS", "profile=1KiB")
            .args(["profile", "check"])
            .arg(crate::util::repo_path("examples/home-lab.yaml")),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("larger than the 1 KiB limit for a profile"),
        "{stderr}"
    );
}
