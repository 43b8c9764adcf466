//! `pbxgen audit` and `pbxgen rules` on the command line: exit codes and listings.

use crate::util::{pbxgen, repo_path};

fn fixture(rel: &str) -> String {
    repo_path("tests/fixtures/audit")
        .join(rel)
        .display()
        .to_string()
}

#[test]
fn exit_code_follows_fail_on() {
    // PBX101/bad has a high finding.
    pbxgen()
        .args(["audit", &fixture("PBX101/bad")])
        .assert()
        .code(1);
    pbxgen()
        .args(["audit", &fixture("PBX101/bad"), "--fail-on", "critical"])
        .assert()
        .code(0);
    pbxgen()
        .args(["audit", &fixture("PBX101/bad"), "--fail-on", "none"])
        .assert()
        .code(0);
    pbxgen()
        .args(["audit", &fixture("PBX205/bad"), "--fail-on", "low"])
        .assert()
        .code(1);
}

#[test]
fn unreadable_input_exits_2_with_the_path() {
    let out = pbxgen()
        .args(["audit", "/nonexistent/pbxgen-audit-dir"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/pbxgen-audit-dir"));
}

#[test]
fn a_directory_without_asterisk_files_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("notes.txt"), "nothing here\n").expect("write");
    let out = pbxgen()
        .arg("audit")
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no Asterisk configuration found"));
}

#[test]
fn min_severity_hides_lower_findings() {
    let out = pbxgen()
        .args([
            "audit",
            &fixture("PBX101/bad"),
            "--min-severity",
            "high",
            "--fail-on",
            "none",
        ])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("PBX101"));
    assert!(!text.contains("PBX106"), "{text}");
    assert!(text.contains("below --min-severity"), "{text}");
}

#[test]
fn files_can_be_audited_without_a_directory() {
    let sip = repo_path("tests/fixtures/audit/PBX102/bad/sip.conf")
        .display()
        .to_string();
    let out = pbxgen()
        .args(["audit", &sip, "--format", "json"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\"PBX102\""), "{text}");
}

#[test]
fn rules_lists_and_explains() {
    let out = pbxgen().arg("rules").output().expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    for r in pbxgen::audit::registry::all() {
        assert!(
            text.contains(r.code) && text.contains(r.name),
            "{} listed",
            r.code
        );
    }
    let out = pbxgen()
        .args(["rules", "sip-guest-calls"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("PBX101 sip-guest-calls"), "{text}");
    assert!(
        text.contains("Why is this bad?") && text.contains("Use instead"),
        "{text}"
    );
    let out = pbxgen()
        .args(["rules", "PBX401", "--format", "markdown"])
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&out.stdout).contains("### Why is this bad?"));
    let out = pbxgen()
        .args(["rules", "--format", "json"])
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        v.as_array().map(Vec::len),
        Some(pbxgen::audit::registry::all().len())
    );
}

#[test]
fn unknown_rule_exits_2_with_a_suggestion() {
    let out = pbxgen().args(["rules", "PBX10l"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("did you mean"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_readme_rules_table_is_generated_from_the_registry() {
    let mut notes = std::fs::read_to_string(repo_path("README.md")).expect("README.md");
    let table = pbxgen::audit::registry::markdown_table();
    if std::env::var_os("PBXGEN_BLESS").is_some() {
        // Replace the table (from its header row to the first line that is not a row).
        let start = notes
            .find("| code | name | default | what |")
            .expect("README.md has the rules table");
        let end = notes[start..]
            .find("\n\n")
            .map_or(notes.len(), |e| start + e + 1);
        notes.replace_range(start..end, &table);
        std::fs::write(repo_path("README.md"), &notes).unwrap();
    }
    assert!(
        notes.contains(&table),
        "README.md: regenerate the rules table with `pbxgen rules --format markdown` \
         (or `PBXGEN_BLESS=1 cargo test --test integration readme`)"
    );
}

#[test]
fn ci_examples_are_valid_yaml_that_run_the_audit() {
    let hooks: serde_json::Value = serde_saphyr::from_str(
        &std::fs::read_to_string(repo_path(".pre-commit-hooks.yaml")).expect("hooks file"),
    )
    .expect("valid YAML");
    let hook = &hooks[0];
    assert_eq!(hook["id"], "pbxgen-audit");
    assert_eq!(hook["entry"], "pbxgen audit");
    assert_eq!(hook["files"], "\\.conf$");
    let workflow: serde_json::Value = serde_saphyr::from_str(
        &std::fs::read_to_string(repo_path("examples/ci/github-workflow.yml")).expect("workflow"),
    )
    .expect("valid YAML");
    let steps = workflow["jobs"]["audit"]["steps"]
        .as_array()
        .expect("steps");
    let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
    assert!(
        uses.iter()
            .any(|u| u.starts_with("github/codeql-action/upload-sarif@")),
        "{uses:?}"
    );
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(
        runs.iter()
            .any(|r| r.contains("pbxgen audit") && r.contains("--format sarif")),
        "{runs:?}"
    );
}
