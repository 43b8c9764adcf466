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
