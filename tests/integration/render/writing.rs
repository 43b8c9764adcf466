//! `pbxgen render` on disk: files and modes, all-or-nothing writing, symlink refusal, and the
//! commands that write nothing (--check, --diff, --dry-run) — none of which may print a secret.

use super::{example_site, render_example};
use crate::util::{pbxgen, repo_path};
use pbxgen::render::SecretMode;
use std::fs;
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

fn render(example: &str, out: &Path, extra: &[&str]) -> (i32, String, String) {
    let profile = repo_path(&format!("examples/{example}.yaml"));
    run(pbxgen()
        .arg("render")
        .arg(profile)
        .arg("--out")
        .arg(out)
        .args(extra))
}

/// Every secret value of an example: none may ever appear in terminal output.
fn secret_values(example: &str) -> Vec<String> {
    let site = example_site(example);
    site.secrets.iter().map(|s| s.resolve().unwrap()).collect()
}

fn assert_no_secret(example: &str, text: &str) {
    for secret in secret_values(example) {
        assert!(
            !text.contains(&secret),
            "a secret of {example} was printed:\n{text}"
        );
    }
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn writes_every_file_with_its_mode_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("etc-asterisk");
    let (code, stdout, stderr) = render("home-lab", &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_no_secret("home-lab", &stdout);
    // Which files, and how many, is pinned by examples/home-lab/ (render::examples).
    let files = render_example("home-lab", SecretMode::Resolve);
    for file in &files {
        let path = out.join(&file.name);
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            *file.contents,
            "{}",
            file.name
        );
        #[cfg(unix)]
        assert_eq!(
            mode(&path),
            if file.holds_secrets { 0o640 } else { 0o644 },
            "{}",
            file.name
        );
    }
    #[cfg(unix)]
    assert_eq!(mode(&out), 0o750, "a directory pbxgen creates is 0750");
    // Nothing left behind, nothing rewritten the second time.
    let names = fs::read_dir(&out).unwrap().count();
    assert_eq!(names, files.len());
    let (code, stdout, _) = render("home-lab", &out, &[]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains(&format!("0 of {} files written", files.len())),
        "{stdout}"
    );
}

#[cfg(unix)]
#[test]
fn private_makes_secret_files_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = render("small-office", dir.path(), &["--private"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(mode(&dir.path().join("pjsip.conf")), 0o600);
    assert_eq!(mode(&dir.path().join("twiml-main.xml")), 0o644);
    assert_eq!(mode(&dir.path().join("extensions.conf")), 0o644);
}

#[cfg(unix)]
#[test]
fn a_wrong_mode_is_drift_and_is_repaired() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(render("small-office", dir.path(), &[]).0, 0);
    let pjsip = dir.path().join("pjsip.conf");
    fs::set_permissions(&pjsip, fs::Permissions::from_mode(0o644)).unwrap();
    let (code, stdout, _) = render("small-office", dir.path(), &["--check"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("pjsip.conf"), "{stdout}");
    assert_eq!(render("small-office", dir.path(), &[]).0, 0);
    assert_eq!(mode(&pjsip), 0o640);
}

#[test]
fn check_exits_1_on_drift_and_0_when_current_writing_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, _) = render("small-office", dir.path(), &["--check"]);
    assert_eq!(code, 1, "missing files are drift");
    assert!(
        stdout.contains("new") && stdout.contains("pjsip.conf"),
        "{stdout}"
    );
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        0,
        "--check writes nothing"
    );

    assert_eq!(render("small-office", dir.path(), &[]).0, 0);
    let (code, stdout, _) = render("small-office", dir.path(), &["--check"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("up to date"), "{stdout}");

    let ext = dir.path().join("extensions.conf");
    fs::write(&ext, "; edited by hand\n").unwrap();
    let (code, stdout, _) = render("small-office", dir.path(), &["--check"]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("changed") && stdout.contains("extensions.conf"),
        "{stdout}"
    );
    assert_eq!(
        fs::read_to_string(&ext).unwrap(),
        "; edited by hand\n",
        "--check writes nothing"
    );
}

#[test]
fn dry_run_lists_files_without_writing_or_printing_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (code, stdout, stderr) = render("home-lab", &out, &["--dry-run"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!out.exists(), "--dry-run creates nothing");
    assert_no_secret("home-lab", &stdout);
    // Which files, and how many, is pinned by examples/home-lab/ (render::examples).
    let files = render_example("home-lab", SecretMode::Resolve);
    for file in &files {
        let path = format!("{}  ", out.join(&file.name).display());
        let line = stdout
            .lines()
            .find(|l| l.starts_with(&path))
            .unwrap_or_else(|| panic!("{stdout}"));
        assert!(
            line.contains(&format!("{} bytes", file.contents.len())),
            "{line}"
        );
        let mode = if file.holds_secrets {
            "mode 0640"
        } else {
            "mode 0644"
        };
        assert!(line.contains(mode) && line.contains("new"), "{line}");
    }
}

#[test]
fn diff_shows_changes_with_every_secret_masked() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(render("home-lab", dir.path(), &[]).0, 0);
    // An older config with a different secret and a different context.
    let pjsip = dir.path().join("pjsip.conf");
    let current = fs::read_to_string(&pjsip).unwrap();
    let old_secret = "0ld-Secret-Nobody-Knows";
    let edited = current
        .replacen("context=from-pstn", "context=internal", 1)
        .replacen(&secret_values("home-lab")[0], old_secret, 1);
    assert_ne!(edited, current);
    fs::write(&pjsip, &edited).unwrap();
    fs::remove_file(dir.path().join("websms.conf")).unwrap();

    let (code, stdout, stderr) = render("home-lab", dir.path(), &["--diff"]);
    assert_eq!(code, 0, "{stderr}");
    assert_no_secret("home-lab", &stdout);
    assert!(
        !stdout.contains(old_secret),
        "an old secret on disk was printed:\n{stdout}"
    );
    assert!(
        stdout.contains("-context=internal") && stdout.contains("+context=from-pstn"),
        "{stdout}"
    );
    assert!(
        stdout.contains("--- /dev/null") && stdout.contains("+++ b/websms.conf"),
        "{stdout}"
    );
    assert!(stdout.contains("********"), "{stdout}");
    assert_eq!(
        fs::read_to_string(&pjsip).unwrap(),
        edited,
        "--diff writes nothing"
    );

    // With --check the same diff exits 1.
    assert_eq!(render("home-lab", dir.path(), &["--diff", "--check"]).0, 1);
}

#[test]
fn diff_says_when_only_secrets_changed() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(render("small-office", dir.path(), &[]).0, 0);
    let pjsip = dir.path().join("pjsip.conf");
    let secret = &secret_values("small-office")[0];
    let text =
        fs::read_to_string(&pjsip)
            .unwrap()
            .replacen(secret.as_str(), "Another-S3cret-Value", 1);
    fs::write(&pjsip, text).unwrap();
    let (code, stdout, _) = render("small-office", dir.path(), &["--diff", "--check"]);
    assert_eq!(code, 1);
    assert_eq!(
        stdout.trim(),
        "pjsip.conf: secret values changed (not shown)"
    );
}

#[cfg(unix)]
#[test]
fn refuses_symlinks_and_replaces_nothing() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(render("small-office", dir.path(), &[]).0, 0);
    let target = dir.path().join("elsewhere.conf");
    fs::write(&target, "keep").unwrap();
    let ext = dir.path().join("extensions.conf");
    fs::remove_file(&ext).unwrap();
    std::os::unix::fs::symlink(&target, &ext).unwrap();
    fs::write(dir.path().join("pjsip.conf"), "old pjsip\n").unwrap();

    let (code, _, stderr) = render("small-office", dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("symbolic link") && stderr.contains("extensions.conf"),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(&target).unwrap(), "keep");
    assert_eq!(
        fs::read_to_string(dir.path().join("pjsip.conf")).unwrap(),
        "old pjsip\n"
    );
}

#[test]
fn a_failure_between_two_files_replaces_none() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("pjsip.conf"), "old pjsip\n").unwrap();
    // websms.conf cannot be written (a directory is in the way) after pjsip.conf,
    // extensions.conf and voicemail.conf have their temp files.
    fs::create_dir(dir.path().join("websms.conf")).unwrap();
    let (code, _, stderr) = render("small-office", dir.path(), &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("websms.conf"), "{stderr}");
    assert_eq!(
        fs::read_to_string(dir.path().join("pjsip.conf")).unwrap(),
        "old pjsip\n"
    );
    let mut left: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        ["pjsip.conf", "websms.conf"],
        "no new file, no temp file left"
    );
}

#[cfg(unix)]
#[test]
fn an_unwritable_directory_is_an_error_and_old_files_stay() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("pjsip.conf"), "old pjsip\n").unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o555)).unwrap();
    // Root ignores permissions: then there is nothing to observe.
    let probe = fs::write(dir.path().join("probe"), "x").is_err();
    let (code, _, stderr) = render("small-office", dir.path(), &[]);
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    if probe {
        assert_eq!(code, 2, "{stderr}");
        assert_eq!(
            fs::read_to_string(dir.path().join("pjsip.conf")).unwrap(),
            "old pjsip\n"
        );
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}

#[test]
fn an_invalid_profile_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("bad.yaml");
    let text = fs::read_to_string(repo_path("examples/small-office.yaml"))
        .unwrap()
        .replace("context: from-itsp", "context: \"from itsp\"");
    fs::write(&profile, text).unwrap();
    let out = dir.path().join("out");
    let (code, _, stderr) = run(pbxgen().arg("render").arg(&profile).arg("--out").arg(&out));
    assert_eq!(code, 2);
    assert!(stderr.contains("bad.yaml:"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn a_missing_secret_writes_nothing_and_names_the_reference() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("site.yaml");
    let text = fs::read_to_string(repo_path("examples/small-office.yaml"))
        .unwrap()
        .replace(
            "${file:secrets/itsp.secret}",
            "${env:PBXGEN_TEST_UNSET_SECRET}",
        );
    fs::write(&profile, text).unwrap();
    fs::create_dir(dir.path().join("secrets")).unwrap();
    for entry in fs::read_dir(repo_path("examples/secrets")).unwrap() {
        let entry = entry.unwrap();
        fs::copy(
            entry.path(),
            dir.path().join("secrets").join(entry.file_name()),
        )
        .unwrap();
    }
    let out = dir.path().join("out");
    let (code, _, stderr) = run(pbxgen()
        .env_remove("PBXGEN_TEST_UNSET_SECRET")
        .arg("render")
        .arg(&profile)
        .arg("--out")
        .arg(&out));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("PBXGEN_TEST_UNSET_SECRET") && stderr.contains("site.yaml:"),
        "{stderr}"
    );
    assert!(!out.exists());
}

#[test]
fn only_renders_the_named_files() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = render(
        "home-lab",
        dir.path(),
        &["--only", "extensions.conf,twiml-main.xml"],
    );
    assert_eq!(code, 0, "{stderr}");
    let mut names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["extensions.conf", "twiml-main.xml"]);
    let (code, _, stderr) = render("small-office", dir.path(), &["--only", "sip.conf"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--only sip.conf") && stderr.contains("pjsip.conf"),
        "{stderr}"
    );
}

#[test]
fn render_needs_an_output_directory() {
    let (code, _, stderr) = run(pbxgen()
        .arg("render")
        .arg(repo_path("examples/home-lab.yaml")));
    assert_eq!(code, 2);
    assert!(stderr.contains("--out DIR"), "{stderr}");
}

#[test]
fn templates_export_then_override_one() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    let (code, stdout, _) = run(pbxgen().args(["templates", "export"]).arg(&templates));
    assert_eq!(code, 0);
    assert!(stdout.contains("templates written"), "{stdout}");
    let listed = run(pbxgen().args(["templates", "list"])).1;
    for entry in fs::read_dir(&templates).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(listed.contains(&name), "`templates list` shows {name}");
    }
    // Exporting again refuses to overwrite without --force.
    let (code, _, stderr) = run(pbxgen().args(["templates", "export"]).arg(&templates));
    assert_eq!(code, 2);
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(
        run(pbxgen()
            .args(["templates", "export", "--force"])
            .arg(&templates))
        .0,
        0
    );

    // Unchanged exported templates render the same bytes as the embedded ones.
    let out = dir.path().join("out");
    let dir_arg = templates.to_string_lossy().into_owned();
    assert_eq!(
        render("small-office", &out, &["--templates", &dir_arg]).0,
        0
    );
    for file in render_example("small-office", SecretMode::Resolve) {
        assert_eq!(
            fs::read_to_string(out.join(&file.name)).unwrap(),
            *file.contents
        );
    }

    // An override changes its file only; values still go through the escaping.
    fs::write(
        templates.join("twiml.xml.j2"),
        "{{ header }}\n<Say>{{ number.number ~ \" & co\" }}</Say>\n",
    )
    .unwrap();
    assert_eq!(
        render("small-office", &out, &["--templates", &dir_arg]).0,
        0
    );
    let twiml = fs::read_to_string(out.join("twiml-main.xml")).unwrap();
    assert!(
        twiml.ends_with("-->\n<Say>+441632960000 &amp; co</Say>\n"),
        "{twiml}"
    );

    // A template that prints a secret without the filter is refused.
    fs::write(
        templates.join("twiml.xml.j2"),
        "{{ site.pjsip.accounts[0].auths[0].password }}\n",
    )
    .unwrap();
    let (code, _, stderr) = render("small-office", &out, &["--templates", &dir_arg]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("twiml.xml.j2") && stderr.contains("secret"),
        "{stderr}"
    );
}

#[test]
fn tls_files_that_cannot_be_read_here_are_warned_about_and_the_default_ca_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let example = fs::read_to_string(repo_path("examples/small-office.yaml")).unwrap();
    fs::create_dir(dir.path().join("secrets")).unwrap();
    for entry in fs::read_dir(repo_path("examples/secrets")).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(
            &path,
            dir.path().join("secrets").join(path.file_name().unwrap()),
        )
        .unwrap();
    }
    let profile = dir.path().join("site.yaml");
    let render = |text: &str| {
        fs::write(&profile, text).unwrap();
        run(pbxgen()
            .arg("render")
            .arg(&profile)
            .arg("--out")
            .arg(dir.path().join("out")))
    };
    // As written: the certificate and key live on the PBX, not here.
    let (code, _, stderr) = render(&example);
    assert_eq!(code, 0, "{stderr}");
    for field in ["network.tls.cert_file", "network.tls.key_file"] {
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with("warning: ") && l.contains(field)),
            "no warning about {field}:\n{stderr}"
        );
    }
    assert!(
        stderr
            .contains("note: CA bundle verifying TLS servers: /etc/ssl/certs/ca-certificates.crt"),
        "{stderr}"
    );
    // Files that are there draw no warning; a CA file the profile names is not a note.
    let keys = dir.path().join("keys");
    fs::create_dir(&keys).unwrap();
    for name in ["pbx.crt", "pbx.key", "ca.crt"] {
        fs::write(keys.join(name), "test\n").unwrap();
    }
    let k = |name: &str| keys.join(name).display().to_string();
    let local = example
        .replace(
            "/etc/asterisk/keys/pbx.office.example.co.uk.crt",
            &k("pbx.crt"),
        )
        .replace(
            "/etc/asterisk/keys/pbx.office.example.co.uk.key",
            &format!("{}\n    ca_file: {}", k("pbx.key"), k("ca.crt")),
        );
    assert_ne!(local, example);
    let (code, _, stderr) = render(&local);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        !stderr.contains("warning:") && !stderr.contains("note:"),
        "{stderr}"
    );
    // -q: nothing but errors.
    fs::write(&profile, &example).unwrap();
    let (code, _, stderr) = run(pbxgen()
        .arg("-q")
        .arg("render")
        .arg(&profile)
        .arg("--out")
        .arg(dir.path().join("out2")));
    assert_eq!((code, stderr.as_str()), (0, ""));
}
