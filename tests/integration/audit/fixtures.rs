//! Every rule has documentation and two fixtures: `tests/fixtures/audit/PBXnnn/bad` must
//! trigger it, `…/good` must not. A rule covering several cases has one pair per case beside
//! them, `bad-<case>`/`good-<case>`. The text and JSON reports of every `bad*` are snapshots
//! (`audit/snapshots/`). A new rule without fixtures fails here.

use super::{audit_dir, codes};
use crate::util::repo_path;
use pbxgen::audit::engine::{Check, Rule};
use pbxgen::audit::output::{Report, json, text};
use pbxgen::audit::registry;
use std::path::Path;

/// `--asterisk-version N` from an optional `bad.args`/`good.args` next to the fixture.
fn version_arg(variant_dir: &Path) -> Option<u32> {
    let args = std::fs::read_to_string(variant_dir.with_extension("args")).ok()?;
    let mut words = args.split_whitespace();
    while let Some(w) = words.next() {
        if w == "--asterisk-version" {
            return words.next().and_then(|v| v.parse().ok());
        }
    }
    None
}

/// Audit a fixture: a config directory, or for profile rules the `site.yaml` in it.
fn run_fixture(r: &Rule, dir: &Path) -> Report {
    if !matches!(r.check, Check::Profile(_)) {
        return audit_dir(dir, version_arg(dir));
    }
    let path = dir.join("site.yaml");
    let profile =
        pbxgen::profile::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = std::fs::read_to_string(&path).expect("profile text");
    let mut findings = pbxgen::audit::check_profile(&profile, &text);
    for f in &mut findings {
        // Positions name the file as given; keep snapshots independent of the checkout path.
        f.file = "site.yaml".to_string();
    }
    Report {
        findings,
        suppressed: 0,
        hidden: 0,
        root_prefix: String::new(),
        inputs: Vec::new(),
    }
}

/// The fixture cases of a rule: (case suffix, `bad*` dir, `good*` dir); `""` is the main pair.
fn cases(code: &str) -> Vec<(String, std::path::PathBuf, std::path::PathBuf)> {
    let base = repo_path("tests/fixtures/audit").join(code);
    let mut out = vec![(String::new(), base.join("bad"), base.join("good"))];
    let mut extra: Vec<String> = std::fs::read_dir(&base)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .filter_map(|n| n.strip_prefix("bad-").map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    extra.sort();
    for case in extra {
        out.push((
            format!("-{case}"),
            base.join(format!("bad-{case}")),
            base.join(format!("good-{case}")),
        ));
    }
    out
}

#[test]
fn every_rule_has_fixtures_that_trigger_it_and_that_do_not() {
    let mut failures = Vec::new();
    for r in registry::all() {
        for (case, bad, good) in cases(r.code) {
            if !bad.is_dir() || !good.is_dir() {
                failures.push(format!(
                    "{}: missing fixture directories {} and {}",
                    r.code,
                    bad.display(),
                    good.display()
                ));
                continue;
            }
            let bad_report = run_fixture(r, &bad);
            if !codes(&bad_report).contains(&r.code) {
                failures.push(format!(
                    "{}: bad{case} fixture does not trigger it; found {:?}",
                    r.code,
                    codes(&bad_report)
                ));
            }
            let good_report = run_fixture(r, &good);
            if codes(&good_report).contains(&r.code) {
                failures.push(format!("{}: good{case} fixture triggers it", r.code));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn bad_fixture_reports_are_snapshotted() {
    for r in registry::all() {
        for (case, bad, _) in cases(r.code) {
            let report = run_fixture(r, &bad);
            insta::assert_snapshot!(
                format!("{}{case}-text", r.code),
                text::render(&report, false)
            );
            insta::assert_snapshot!(format!("{}{case}-json", r.code), json::render(&report));
        }
    }
}
