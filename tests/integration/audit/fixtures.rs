//! Every rule has documentation and two fixtures: `tests/fixtures/audit/PBXnnn/bad` must
//! trigger it, `…/good` must not. The text and JSON reports of `bad` are snapshots
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

#[test]
fn every_rule_has_fixtures_that_trigger_it_and_that_do_not() {
    let mut failures = Vec::new();
    for r in registry::all() {
        let base = repo_path("tests/fixtures/audit").join(r.code);
        let (bad, good) = (base.join("bad"), base.join("good"));
        if !bad.is_dir() || !good.is_dir() {
            failures.push(format!(
                "{}: missing fixture directory {}/{{bad,good}}",
                r.code,
                base.display()
            ));
            continue;
        }
        let bad_report = run_fixture(r, &bad);
        if !codes(&bad_report).contains(&r.code) {
            failures.push(format!(
                "{}: bad fixture does not trigger it; found {:?}",
                r.code,
                codes(&bad_report)
            ));
        }
        let good_report = run_fixture(r, &good);
        if codes(&good_report).contains(&r.code) {
            failures.push(format!("{}: good fixture triggers it", r.code));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn bad_fixture_reports_are_snapshotted() {
    for r in registry::all() {
        let bad = repo_path("tests/fixtures/audit").join(r.code).join("bad");
        let report = run_fixture(r, &bad);
        insta::assert_snapshot!(format!("{}-text", r.code), text::render(&report, false));
        insta::assert_snapshot!(format!("{}-json", r.code), json::render(&report));
    }
}
