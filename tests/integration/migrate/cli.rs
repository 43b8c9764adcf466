//! `pbxgen migrate` on the command line: what is written where (atomically, 0640, never through a
//! symlink, never half), `--diff` without secrets, `--dry-run`, JSON, exit codes 0/1/2 and
//! file:line:column errors.

use crate::util::pbxgen;
use std::fs;
use std::path::Path;

const CLEAN: &str = "\
[general]
allowguest=no
context=nowhere
[201]
type=friend
host=dynamic
secret=Secret-201-long-one
context=office
";

const EXT: &str = "[office]\nexten => 201,1,Dial(SIP/201,20)\n";

fn site(sip: &str, ext: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("sip.conf"), sip).unwrap();
    if let Some(e) = ext {
        fs::write(dir.path().join("extensions.conf"), e).unwrap();
    }
    dir
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn without_out_only_the_report_is_printed() {
    let src = site(CLEAN, Some(EXT));
    let out = pbxgen().arg("migrate").arg(src.path()).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "sip.conf:7:1 [201] secret=******** → pjsip.conf [201] auth password=********"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "extensions.conf:2:1 [office] exten=201,1,Dial(SIP/201,20) → extensions.conf"
        ),
        "{text}"
    );
    assert!(!text.contains("Secret-201-long-one"));
    assert!(
        !src.path().join("pjsip.conf").exists(),
        "nothing written without --out"
    );
}

#[test]
fn out_writes_both_files_0640_and_a_second_run_changes_nothing() {
    let src = site(CLEAN, Some(EXT));
    let dest = tempfile::tempdir().unwrap();
    let out_dir = dest.path().join("etc");
    let run = || {
        pbxgen()
            .arg("migrate")
            .arg(src.path())
            .arg("--out")
            .arg(&out_dir)
            .output()
            .unwrap()
    };
    let first = run();
    assert_eq!(first.status.code(), Some(0));
    let pjsip = out_dir.join("pjsip.conf");
    assert_eq!(mode(&pjsip), 0o640);
    assert_eq!(mode(&out_dir.join("extensions.conf")), 0o640);
    assert!(
        fs::read_to_string(&pjsip)
            .unwrap()
            .contains("password=Secret-201-long-one")
    );
    assert!(
        fs::read_to_string(out_dir.join("extensions.conf"))
            .unwrap()
            .contains("Dial(PJSIP/201,20)")
    );
    let second = run();
    assert!(String::from_utf8_lossy(&second.stderr).contains("0 of 2 files written"));
}

#[test]
fn diff_masks_secrets_and_writes_nothing() {
    let src = site(CLEAN, None);
    let dest = tempfile::tempdir().unwrap();
    fs::write(
        dest.path().join("pjsip.conf"),
        "[old]\ntype=auth\npassword=Old-secret-on-disk\n",
    )
    .unwrap();
    let out = pbxgen()
        .arg("migrate")
        .arg(src.path())
        .arg("--out")
        .arg(dest.path())
        .arg("--diff")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("+++ b/pjsip.conf") && text.contains("password=********"),
        "{text}"
    );
    assert!(
        !text.contains("Secret-201-long-one") && !text.contains("Old-secret-on-disk"),
        "{text}"
    );
    assert!(
        fs::read_to_string(dest.path().join("pjsip.conf"))
            .unwrap()
            .contains("Old-secret-on-disk")
    );
}

#[test]
fn dry_run_says_what_would_be_written() {
    let src = site(CLEAN, Some(EXT));
    let dest = tempfile::tempdir().unwrap();
    let out = pbxgen()
        .arg("migrate")
        .arg(src.path())
        .arg("--out")
        .arg(dest.path())
        .arg("--dry-run")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("pjsip.conf") && text.contains("mode 0640  new"),
        "{text}"
    );
    assert!(fs::read_dir(dest.path()).unwrap().next().is_none());
}

#[test]
fn json_report_for_machines() {
    let src = site(CLEAN, Some(EXT));
    let out = pbxgen()
        .arg("migrate")
        .arg(src.path())
        .args(["--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["summary"]["peers_loaded"], 1);
    assert_eq!(v["summary"]["endpoints"], 1);
    assert_eq!(v["summary"]["dialplan_rewrites"], 1);
    let secret = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["source"]["key"] == "secret")
        .unwrap();
    assert_eq!(secret["source"]["value"], "********");
    assert_eq!(secret["targets"][0]["type"], "auth");
    assert_eq!(secret["targets"][0]["option"], "password");
}

#[test]
fn exit_1_when_a_human_is_needed() {
    // Guests (chan_sip's default) are removed: exit 1, files written.
    let src = site(
        "[101]\ntype=friend\nhost=dynamic\nsecret=Secret-101-long\n",
        None,
    );
    let dest = tempfile::tempdir().unwrap();
    let out = pbxgen()
        .arg("migrate")
        .arg(src.path())
        .arg("--out")
        .arg(dest.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("action  (default) [general]"));
    assert!(dest.path().join("pjsip.conf").exists());
}

#[test]
fn an_acl_that_refuses_everybody_is_refused_and_nothing_is_written() {
    let src = site(
        "[general]\nallowguest=no\n[p]\ntype=friend\nhost=dynamic\nsecret=Secret-p-long-1\ndeny=0.0.0.0/0\n",
        None,
    );
    let dest = tempfile::tempdir().unwrap();
    let out = pbxgen()
        .arg("migrate")
        .arg(src.path())
        .arg("--out")
        .arg(dest.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("refusing to write"), "{err}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("error   sip.conf:7:1 [p] deny=0.0.0.0/0")
    );
    assert!(!dest.path().join("pjsip.conf").exists());
}

#[test]
fn bad_input_gets_file_line_column_and_exit_2() {
    let src = site("[general]\ncontext=x\n#include users.conf\n", None);
    let out = pbxgen().arg("migrate").arg(src.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error: sip.conf:3:1: chan_sip would not load this sip.conf"),
        "{err}"
    );
    assert!(err.contains("hint:"), "{err}");
    // No sip.conf at all; a path that does not exist.
    let empty = tempfile::tempdir().unwrap();
    fs::write(empty.path().join("extensions.conf"), "[x]\n").unwrap();
    let out = pbxgen().arg("migrate").arg(empty.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no sip.conf to migrate"));
    let out = pbxgen()
        .arg("migrate")
        .arg(empty.path().join("nope.conf"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_symlink_in_the_way_is_refused() {
    let src = site(CLEAN, None);
    let dest = tempfile::tempdir().unwrap();
    let elsewhere = dest.path().join("elsewhere.conf");
    fs::write(&elsewhere, "keep me\n").unwrap();
    std::os::unix::fs::symlink(&elsewhere, dest.path().join("pjsip.conf")).unwrap();
    let out = pbxgen()
        .arg("migrate")
        .arg(src.path())
        .arg("--out")
        .arg(dest.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("symbolic link"));
    assert_eq!(fs::read_to_string(&elsewhere).unwrap(), "keep me\n");
}

#[test]
fn a_failed_write_leaves_every_old_file() {
    let src = site(CLEAN, Some(EXT));
    let dest = tempfile::tempdir().unwrap();
    fs::write(dest.path().join("pjsip.conf"), "old\n").unwrap();
    // extensions.conf cannot be replaced (a directory is in the way): pjsip.conf is not either.
    fs::create_dir(dest.path().join("extensions.conf")).unwrap();
    let out = pbxgen()
        .arg("migrate")
        .arg(src.path())
        .arg("--out")
        .arg(dest.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        fs::read_to_string(dest.path().join("pjsip.conf")).unwrap(),
        "old\n"
    );
    let leftovers: Vec<_> = fs::read_dir(dest.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("pbxgen-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_sip_conf_file_with_its_dialplan_beside_it() {
    let src = site(CLEAN, Some(EXT));
    let dest = tempfile::tempdir().unwrap();
    let out = pbxgen()
        .arg("migrate")
        .arg(src.path().join("sip.conf"))
        .arg("--out")
        .arg(dest.path())
        .arg("--keep-guest")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        fs::read_to_string(dest.path().join("extensions.conf"))
            .unwrap()
            .contains("PJSIP/201")
    );
}
