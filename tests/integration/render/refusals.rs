//! What render refuses: the same every time, whatever order its parallel work happens in; the
//! whole site even when it writes part of it; every finding printed, high ones refused by
//! default; and `profile check` refuses the same, with the same exit code.

use crate::util::pbxgen;
use pbxgen::profile::{self, Origin};
use pbxgen::render::{self, RenderOptions};
use std::path::{Path, PathBuf};

/// A chan_sip trunk that registers with a password holding `@`: its peer's `secret=` can hold
/// it, a `register =>` line cannot (`user:secret@host`).
const REGISTER_WITH_AT: &str = r#"version: 1
site: { name: t, asterisk: 20, channel_drivers: [pjsip, sip] }
network: { bind: 0.0.0.0, local_nets: [192.168.1.0/24], udp: { port: 5060 } }
trunks:
  - name: prov
    host: sip.example.com
    transport: udp
    username: user1
    password: "Abcdefgh@12345678"
    register: true
    context: from-prov
    allow_from: [203.0.113.0/24]
    driver: sip
extensions:
  - number: "101"
    name: A
    secret: "Zx8-vR2mT9pL4wZkqq"
"#;

#[test]
fn a_secret_a_register_line_cannot_hold_is_refused_every_time() {
    let profile = profile::parse(REGISTER_WITH_AT, Origin::named("register.yaml")).unwrap();
    let plan = pbxgen::plan::plan(&profile).unwrap();
    for run in 0..40 {
        let err = render::render(&plan, &RenderOptions::default())
            .map(|files| files.iter().map(|f| f.name.clone()).collect::<Vec<_>>())
            .expect_err(&format!(
                "run {run}: the `register =>` line cannot hold `@`"
            ));
        assert!(err.message.contains("`:@/`"), "run {run}: {err}");
        assert_eq!(
            err.location.as_ref().map(|l| l.line),
            Some(9),
            "run {run}: {err}"
        );
        assert!(!err.to_string().contains("Abcdefgh"), "{err}");
    }
}

fn run(cmd: &mut assert_cmd::Command) -> (i32, String, String) {
    let out = cmd.output().expect("pbxgen runs");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

/// A small site in `dir`: two extensions and a trunk, their secrets in files (`a.secret`,
/// `b.secret`, `t.secret`, written here), `extra` appended, `replace` applied.
fn site(dir: &Path, replace: &[(&str, &str)], extra: &str) -> PathBuf {
    for (name, value) in [
        ("a.secret", "Zx8-vR2mT9pL4wZkqq"),
        ("b.secret", "Kq3-xW8mR2tZ7pL9vN4b"),
        ("t.secret", "Tr7-uN4kQ8zL2mW6pX1c"),
    ] {
        std::fs::write(dir.join(name), value).unwrap();
    }
    let mut text = r#"version: 1
site: { name: t, asterisk: 22, channel_drivers: [pjsip] }
network: { bind: 0.0.0.0, local_nets: [192.168.1.0/24], udp: { port: 5060 } }
trunks:
  - name: prov
    host: sip.example.com
    transport: udp
    username: user1
    password: ${file:t.secret}
    context: from-prov
    allow_from: [203.0.113.0/24]
extensions:
  - number: "101"
    name: A
    secret: ${file:a.secret}
  - number: "102"
    name: B
    secret: ${file:b.secret}
"#
    .to_string();
    for (from, to) in replace {
        assert!(text.contains(from), "{from}");
        text = text.replace(from, to);
    }
    text.push_str(extra);
    let path = dir.join("site.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

fn render_into(profile: &Path, out: &Path, extra: &[&str]) -> (i32, String, String) {
    run(pbxgen()
        .arg("render")
        .arg(profile)
        .arg("--out")
        .arg(out)
        .args(extra))
}

const SHARED_SECRET: (&str, &str) = ("${file:b.secret}", "${file:a.secret}");

#[test]
fn render_refuses_high_findings_by_default_and_prints_every_finding() {
    let dir = tempfile::tempdir().unwrap();
    let profile = site(dir.path(), &[SHARED_SECRET], "");
    let out = dir.path().join("out");
    let (code, stdout, stderr) = render_into(&profile, &out, &[]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stderr.contains("high PBX501 weak-secret"), "{stderr}");
    // The error (and its hint) come last: they say why the exit code is 1.
    let error = stderr
        .find("error: refusing to write: the rendered site has 2 finding(s) at or above `high`");
    assert!(
        error.is_some_and(|at| !stderr[at..].contains("PBX501")),
        "the error ends the output: {stderr}"
    );
    assert!(!out.exists(), "nothing was written");
    assert!(!stderr.contains("Zx8-vR2mT9pL4wZkqq"), "{stderr}");
    // Nor the parents of an output directory that did not exist.
    let (code, _, stderr) = render_into(&profile, &dir.path().join("new/nested/out"), &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(!dir.path().join("new").exists(), "{stderr}");

    // A lower threshold writes, and still says what it found.
    let (code, _, stderr) = render_into(&profile, &out, &["--fail-on", "critical"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("high PBX501 weak-secret"), "{stderr}");
    assert!(out.join("pjsip.conf").exists());

    // Refused over files already there (the files are written beside them while the audit
    // runs): every file as it was, and nothing left beside them.
    let listing = |dir: &Path| {
        let mut names: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let path = e.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read(&path).unwrap())
            })
            .collect();
        names.sort();
        names
    };
    std::fs::write(out.join("extensions.conf"), "; edited by hand\n").unwrap();
    let before = listing(&out);
    let (code, _, stderr) = render_into(&profile, &out, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(
        listing(&out) == before,
        "a refused render changed {}",
        out.display()
    );
}

#[test]
fn render_only_writes_a_part_of_what_it_audited_whole() {
    let dir = tempfile::tempdir().unwrap();
    let profile = site(dir.path(), &[SHARED_SECRET], "");
    let out = dir.path().join("out");
    // The weak secret sits in pjsip.conf; writing extensions.conf alone is refused all the same.
    let (code, _, stderr) = render_into(&profile, &out, &["--only", "extensions.conf"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("PBX501"), "{stderr}");
    assert!(!out.exists());

    let clean = site(dir.path(), &[], "");
    let (code, _, stderr) = render_into(&clean, &out, &["--only", "extensions.conf"]);
    assert_eq!(code, 0, "{stderr}");
    let names: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["extensions.conf"]);
}

/// `profile check` refuses exactly what `render` refuses, with the same exit code, without
/// writing; secrets by reference are read with `--resolve-secrets` only.
#[test]
fn profile_check_refuses_what_render_refuses() {
    /// What, replacements in the site, text appended, the exit code of both commands.
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str, i32);
    let cases: &[Case] = &[
        ("clean", &[], "", 0),
        ("shared secret reference", &[SHARED_SECRET], "", 1),
        (
            "voicemail PIN too short",
            &[],
            "    voicemail: { pin: \"12\" }\n",
            2,
        ),
        (
            "voicemail PIN not digits",
            &[],
            "    voicemail: { pin: \"x234\" }\n",
            2,
        ),
        (
            "inline password too short",
            &[("${file:b.secret}", "short")],
            "",
            1,
        ),
    ];
    for (what, replace, extra, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let profile = site(dir.path(), replace, extra);
        let out = dir.path().join("out");
        let (render_code, _, render_err) = render_into(&profile, &out, &[]);
        assert_eq!(render_code, *expected, "render, {what}: {render_err}");
        for resolve in [false, true] {
            let (code, _, stderr) = run(pbxgen()
                .args(["profile", "check"])
                .arg(&profile)
                .args(resolve.then_some("--resolve-secrets")));
            assert_eq!(code, *expected, "profile check, {what}: {stderr}");
            assert!(
                !stderr.contains("x234") && !stderr.contains("\"12\""),
                "{what}: {stderr}"
            );
        }
        assert_eq!(out.exists(), *expected == 0, "{what}");
    }
}

#[test]
fn every_missing_secret_is_reported_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let profile = site(
        dir.path(),
        &[
            ("${file:a.secret}", "${env:PBXGEN_TEST_MISSING_A}"),
            ("${file:b.secret}", "${file:missing-b.secret}"),
        ],
        "",
    );
    for args in [
        vec!["profile", "check", "--resolve-secrets"],
        vec!["render", "--out", "out"],
    ] {
        let (code, _, stderr) = run(pbxgen()
            .current_dir(dir.path())
            .args(&args[..1])
            .args(&args[1..])
            .arg(&profile)
            .env_remove("PBXGEN_TEST_MISSING_A"));
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(
            stderr.contains("PBXGEN_TEST_MISSING_A"),
            "{args:?}: {stderr}"
        );
        assert!(stderr.contains("missing-b.secret"), "{args:?}: {stderr}");
        assert!(stderr.contains("2 problem(s)"), "{args:?}: {stderr}");
    }
    assert!(!dir.path().join("out").exists());
}

/// `-v` says what each step did, in order, with its duration.
#[test]
fn verbose_render_reports_each_step() {
    let dir = tempfile::tempdir().unwrap();
    let profile = site(dir.path(), &[], "");
    let (code, _, stderr) = render_into(&profile, &dir.path().join("out"), &["-v"]);
    assert_eq!(code, 0, "{stderr}");
    let steps = [
        "pbxgen: read profile",
        "pbxgen: checked 3 of 3 secret uses (0 problem(s))",
        "pbxgen: ran the profile rules",
        "pbxgen: planned 2 file(s)",
        "pbxgen: rendered 2 file(s)",
        "pbxgen: audited the rendered files as Asterisk 22 reads them",
        "pbxgen: compared 2 file(s) with",
        "pbxgen: wrote 2 file(s)",
    ];
    let mut rest = stderr.as_str();
    for step in steps {
        let at = rest
            .find(step)
            .unwrap_or_else(|| panic!("`{step}` missing or out of order:\n{stderr}"));
        rest = &rest[at..];
        assert!(rest.lines().next().unwrap().ends_with(" ms)"), "{stderr}");
    }
}
