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
