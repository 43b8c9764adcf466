//! Writing into a real /etc/asterisk: a replaced file keeps its owner, group and a stricter mode
//! (`asterisk:asterisk 0600` stays so, or Asterisk could not read it after the next reload); a
//! new file takes the directory's group; a user who cannot keep an owner is refused, unless
//! `--force-owner`. The ownership cases need root (to play the `asterisk` user and an admin who
//! is not root); elsewhere they say so and stop.

#![cfg(unix)]

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::Path;

const ASTERISK_UID: u32 = 4242;
const ASTERISK_GID: u32 = 4243;
const NOBODY: u32 = 65534;

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// A two-extension site in `dir` (world-readable, so another user can read it), `tag` in its
/// display names so that two tags render different files.
fn site(dir: &Path, tag: &str) -> std::path::PathBuf {
    for (name, value) in [
        ("a.secret", "Zx8-vR2mT9pL4wZkqq"),
        ("b.secret", "Kq3-xW8mR2tZ7pL9vN4b"),
    ] {
        fs::write(dir.join(name), value).unwrap();
        fs::set_permissions(dir.join(name), fs::Permissions::from_mode(0o644)).unwrap();
    }
    let path = dir.join(format!("{tag}.yaml"));
    fs::write(
        &path,
        format!(
            "version: 1\nsite: {{ name: t, asterisk: 22, channel_drivers: [pjsip] }}\n\
network: {{ bind: 0.0.0.0, local_nets: [192.168.1.0/24], udp: {{ port: 5060 }} }}\n\
extensions:\n  - {{ number: \"101\", name: {tag} A, secret: \"${{file:a.secret}}\" }}\n  - \
{{ number: \"102\", name: {tag} B, secret: \"${{file:b.secret}}\" }}\n"
        ),
    )
    .unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    path
}

fn render_as(uid: Option<u32>, profile: &Path, out: &Path, extra: &[&str]) -> (i32, String) {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("pbxgen"));
    cmd.args(["--color=never", "render"])
        .arg(profile)
        .arg("--out")
        .arg(out)
        .args(extra);
    if let Some(uid) = uid {
        cmd.uid(uid).gid(uid);
    }
    let output = cmd.output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr),
    )
}

fn owner_and_mode(path: &Path) -> (u32, u32, u32) {
    let meta = fs::metadata(path).unwrap();
    (meta.uid(), meta.gid(), meta.permissions().mode() & 0o777)
}

#[test]
fn a_replaced_file_keeps_owner_group_and_a_stricter_mode() {
    if !is_root() {
        eprintln!("skipped: playing the asterisk user needs root");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("etc-asterisk");
    let (code, text) = render_as(None, &site(dir.path(), "old"), &out, &[]);
    assert_eq!(code, 0, "{text}");
    // As an admin sets /etc/asterisk up: asterisk:asterisk, pjsip.conf 0600, the dir's group.
    let pjsip = out.join("pjsip.conf");
    std::os::unix::fs::chown(&pjsip, Some(ASTERISK_UID), Some(ASTERISK_GID)).unwrap();
    fs::set_permissions(&pjsip, fs::Permissions::from_mode(0o600)).unwrap();
    std::os::unix::fs::chown(&out, None, Some(ASTERISK_GID)).unwrap();
    fs::remove_file(out.join("extensions.conf")).unwrap();

    let (code, text) = render_as(None, &site(dir.path(), "new"), &out, &[]);
    assert_eq!(code, 0, "{text}");
    assert!(fs::read_to_string(&pjsip).unwrap().contains("new A"));
    assert_eq!(owner_and_mode(&pjsip), (ASTERISK_UID, ASTERISK_GID, 0o600));
    // A new file: the directory's group, pbxgen's mode.
    let (_, gid, mode) = owner_and_mode(&out.join("extensions.conf"));
    assert_eq!((gid, mode), (ASTERISK_GID, 0o644));
    // Same contents, stricter mode: nothing to do.
    let (code, text) = render_as(None, &site(dir.path(), "new"), &out, &["--check"]);
    assert_eq!(code, 0, "{text}");
}

#[test]
fn an_owner_that_cannot_be_kept_is_refused_unless_force_owner() {
    if !is_root() {
        eprintln!("skipped: playing a user who is not root needs root");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let out = dir.path().join("etc-asterisk");
    let (code, text) = render_as(None, &site(dir.path(), "old"), &out, &[]);
    assert_eq!(code, 0, "{text}");
    // The admin (not root) may write the directory and read the files, which asterisk owns.
    fs::set_permissions(&out, fs::Permissions::from_mode(0o777)).unwrap();
    for entry in fs::read_dir(&out).unwrap() {
        let path = entry.unwrap().path();
        std::os::unix::fs::chown(&path, Some(ASTERISK_UID), Some(ASTERISK_GID)).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    }
    let before: Vec<_> = fs::read_dir(&out)
        .unwrap()
        .map(|e| fs::read(e.unwrap().path()).unwrap())
        .collect();

    let new = site(dir.path(), "new");
    let (code, text) = render_as(Some(NOBODY), &new, &out, &[]);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("cannot keep its owner and group (4242:4243)"),
        "{text}"
    );
    assert!(text.contains("--force-owner"), "{text}");
    let after: Vec<_> = fs::read_dir(&out)
        .unwrap()
        .map(|e| fs::read(e.unwrap().path()).unwrap())
        .collect();
    assert_eq!(before, after, "nothing replaced, no temporary file left");

    let (code, text) = render_as(Some(NOBODY), &new, &out, &["--force-owner"]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("could not keep its owner and group"),
        "{text}"
    );
    let (uid, _, mode) = owner_and_mode(&out.join("pjsip.conf"));
    assert_eq!((uid, mode), (NOBODY, 0o640));
}
