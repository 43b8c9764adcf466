//! Every configuration file of the corpus (real-world configs written by others, and Asterisk's
//! shipped samples) reads without panic and without a fatal diagnostic, unless the file is
//! really broken for Asterisk (listed below with the reason), and its model builds.
//!
//! The corpus is `$PBXGEN_CORPUS` (set by .ci/run). When it is unset the tests say they
//! skipped, and fail under `CI=true`; when it is set but unreadable they fail
//! ([`crate::util::shared_dir`]).

use crate::util::{shared_dir, skip_or_fail};
use pbxgen::asterisk::{self, DiagnosticCode, FileKind, ModelOptions, Severity};
use std::path::{Path, PathBuf};

/// Files Asterisk itself refuses, with the diagnostics that say why.
const BROKEN: &[(&str, &[DiagnosticCode], &str)] = &[
    (
        "12-sip-nuclear.conf",
        &[DiagnosticCode::VariableBeforeSection],
        "lines of junk (`fwefwef`) before any section: \"No category context\"",
    ),
    (
        "19-pjsip-openfest2024.conf",
        &[DiagnosticCode::MissingParenthesis],
        "`[REC1](aor-single-reg2` never closes its `(`",
    ),
    (
        "34-extensions-mlan.conf",
        &[DiagnosticCode::AppendWithoutTarget],
        "its `[globals](+)`, `[dp_entry_…](+)` sections append to sections that only the \
         `#tryinclude`d extensions_local.conf (not in the corpus) defines",
    ),
];

/// The corpus holds single files: the files they `#include` were not collected, so a missing
/// include says nothing about the file itself.
const NOT_IN_CORPUS: DiagnosticCode = DiagnosticCode::MissingInclude;

fn corpus_dir() -> Option<PathBuf> {
    shared_dir("PBXGEN_CORPUS")
}

/// Every configuration file below `dir` (`*.conf`, `*.sample`), sorted.
fn config_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e == "conf" || e == "sample")
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn corpus_reads_without_fatal_diagnostics() {
    let Some(dir) = corpus_dir() else { return };
    let files = config_files(&dir);
    assert!(
        !files.is_empty(),
        "no configuration files under {}",
        dir.display()
    );
    let mut failures = Vec::new();
    let mut seen_broken = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let config = asterisk::load_files(std::slice::from_ref(path))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let file = &config.files[0];
        for word in ["sip", "pjsip", "extensions"] {
            if name.split(['-', '.']).any(|w| w == word) {
                assert_ne!(file.kind, FileKind::Other, "{name}: kind not recognised");
            }
        }
        let fatal: Vec<_> = file
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Fatal && d.code != NOT_IN_CORPUS)
            .collect();
        match BROKEN.iter().find(|(n, _, _)| *n == name) {
            Some((_, codes, why)) => {
                seen_broken.push(name.clone());
                let got: Vec<DiagnosticCode> = fatal.iter().map(|d| d.code).collect();
                if got.is_empty() || got.iter().any(|c| !codes.contains(c)) {
                    failures.push(format!(
                        "{name}: expected only {codes:?} ({why}), got {got:?}"
                    ));
                }
            }
            None => {
                for d in fatal {
                    failures.push(format!(
                        "{}: {:?}: {}",
                        config.location(d.pos),
                        d.code,
                        d.message
                    ));
                }
            }
        }
        // The interpreters never fail on what the reader accepted.
        let pbx = asterisk::build_model(config, &ModelOptions::default());
        serde_json::to_string(&pbx).unwrap();
    }
    for (name, _, _) in BROKEN {
        if !seen_broken.iter().any(|n| n == name) && files.iter().any(|f| f.ends_with(name)) {
            failures.push(format!("{name}: listed as broken but not checked"));
        }
    }
    assert!(
        failures.is_empty(),
        "corpus files with fatal diagnostics:\n{}",
        failures.join("\n")
    );
    eprintln!("corpus: {} files read from {}", files.len(), dir.display());
}

/// The samples Asterisk ships read cleanly: no fatal diagnostic, no dropped line, and every
/// pjsip option they set exists.
#[test]
fn asterisk_samples_read_cleanly() {
    let Some(dir) = corpus_dir() else { return };
    let samples = dir.join("asterisk-samples");
    if !samples.is_dir() {
        skip_or_fail(&format!("{} does not exist", samples.display()));
        return;
    }
    for path in config_files(&samples) {
        let config = asterisk::load_files(std::slice::from_ref(&path)).unwrap();
        let bad: Vec<String> = config
            .diagnostics()
            .filter(|d| matches!(d.severity, Severity::Fatal | Severity::DroppedLine))
            .map(|d| format!("{}: {}", config.location(d.pos), d.message))
            .collect();
        assert!(bad.is_empty(), "{}:\n{}", path.display(), bad.join("\n"));
        let pbx = asterisk::build_model(
            config,
            &ModelOptions {
                asterisk_version: Some(20),
            },
        );
        if let Some(pj) = &pbx.pjsip {
            assert!(pj.unknown_options.is_empty(), "{:?}", pj.unknown_options);
        }
    }
}

/// Runs one test of this very test binary in a child process with `env` set (and
/// `PBXGEN_CORPUS`, `CI` removed first): (passed, stderr).
fn run_child_test(test: &str, env: &[(&str, &str)]) -> (bool, String) {
    let exe = std::env::current_exe().expect("the test binary");
    let mut cmd = std::process::Command::new(exe);
    cmd.args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env_remove("PBXGEN_CORPUS")
        .env_remove("CI");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("the test binary runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A test that cannot find the corpus says it skipped, and fails in CI instead of passing as
/// if it had run.
#[test]
fn a_missing_corpus_is_a_skip_locally_and_a_failure_in_ci() {
    // The child runs the test named here only, so this test does not recurse.
    const TEST: &str = "corpus::corpus_reads_without_fatal_diagnostics";
    let (passed, stderr) = run_child_test(TEST, &[]);
    assert!(passed, "{stderr}");
    assert!(
        stderr.contains(&format!("skipped: {TEST}: PBXGEN_CORPUS is not set")),
        "{stderr}"
    );
    let (passed, stderr) = run_child_test(TEST, &[("CI", "true")]);
    assert!(!passed, "must fail under CI=true: {stderr}");
    assert!(stderr.contains("cannot run in CI"), "{stderr}");
    // Set but unreadable fails everywhere.
    let (passed, stderr) = run_child_test(TEST, &[("PBXGEN_CORPUS", "/nonexistent/corpus")]);
    assert!(!passed, "{stderr}");
    assert!(stderr.contains("cannot be read"), "{stderr}");
}
