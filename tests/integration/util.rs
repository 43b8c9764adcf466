//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The repository root (where Cargo.toml is).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path below the repository root.
pub fn repo_path(rel: &str) -> PathBuf {
    repo_root().join(rel)
}

/// The pbxgen binary built for this test run, ready to run with colours off.
pub fn pbxgen() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("pbxgen").expect("the pbxgen binary is built");
    cmd.env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .arg("--color=never");
    cmd
}

/// Whether the tests run in CI (`CI=true`, as GitHub Actions, GitLab and most CI services set
/// it; `CI=1` too). There, a test may not skip for want of its inputs.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// A test cannot run for want of an input: in CI that is a failure (a skipped test must not
/// pass there as if it had run); elsewhere the test says so on stderr (`skipped: …`) and the
/// caller returns.
#[track_caller]
pub fn skip_or_fail(why: &str) {
    let test = std::thread::current()
        .name()
        .unwrap_or("this test")
        .to_string();
    if in_ci() {
        panic!("{test} cannot run in CI: {why}");
    }
    eprintln!("skipped: {test}: {why}");
}

/// The shared directory named by the environment variable `var` (`PBXGEN_CORPUS`,
/// `PBXGEN_SHARED_DATA`; `.ci/run` sets them from `../shared`). Unset (or empty): `None`
/// after [`skip_or_fail`] (so a failure in CI). Set but unreadable: always a failure.
#[track_caller]
pub fn shared_dir(var: &str) -> Option<PathBuf> {
    let Some(value) = std::env::var_os(var).filter(|v| !v.is_empty()) else {
        skip_or_fail(&format!(
            "{var} is not set (.ci/run sets it from ../shared; see the README's Development \
             section)"
        ));
        return None;
    };
    let dir = PathBuf::from(value);
    if let Err(e) = std::fs::read_dir(&dir) {
        panic!(
            "{var} is set to {} but that directory cannot be read: {e}",
            dir.display()
        );
    }
    Some(dir)
}

/// Whether an option listed `since` these versions exists in every release of `major`: when a
/// release of `major` is listed, only if it is `major.0.0` (a later one is a backport); when none
/// is, if an earlier major introduced it.
pub fn in_every_release(since: &str, major: u32) -> bool {
    if since == "-" {
        return true;
    }
    let versions: Vec<Vec<u32>> = since
        .split(',')
        .map(|v| v.split('.').filter_map(|p| p.parse().ok()).collect())
        .collect();
    match versions.iter().find(|v| v.first() == Some(&major)) {
        Some(v) => v[1..].iter().all(|n| *n == 0),
        None => versions
            .iter()
            .any(|v| v.first().is_some_and(|m| *m < major)),
    }
}
