//! The harness itself: what `pbxgen::verify` reports for a broken configuration (with
//! `file:line`), that instances are isolated (only `lo`), run side by side, and leave nothing
//! behind even when the test panics, and that scripts/asterisk-sandbox runs an instance too.

use super::support::{boot, live};
use crate::util::repo_path;
use pbxgen::verify::instance::run_with_timeout;
use pbxgen::verify::{InstanceOptions, VerifyOptions, predict_dir, verify_dir};
use std::path::Path;
use std::time::Duration;

#[test]
fn verify_reports_what_asterisk_refuses_at_file_and_line() {
    let asterisk = live!();
    let dir = repo_path("tests/fixtures/live/broken");
    let prediction = predict_dir(&dir, Some(22)).unwrap();
    let report = verify_dir(
        &dir,
        &asterisk,
        &VerifyOptions {
            prediction: Some(prediction),
            ..Default::default()
        },
    )
    .unwrap();
    let at = |file: &str, line: u32, needle: &str| {
        report.findings.iter().any(|f| {
            f.message.contains(needle)
                && f.location
                    .as_ref()
                    .is_some_and(|l| l.file == file && l.line == Some(line))
        })
    };
    let text = report.findings_text();
    assert!(
        at("pjsip.conf", 10, "Error parsing bind=not-an-address:5070"),
        "the bad bind at pjsip.conf:10:\n{text}"
    );
    assert!(
        at("pjsip.conf", 7, "type 'transport' with id 'transport-bad'"),
        "the transport it failed, at its section (pjsip.conf:7):\n{text}"
    );
    assert!(
        at("pjsip.conf", 17, "named 'no_such_option'"),
        "the unknown option at pjsip.conf:17:\n{text}"
    );
    assert!(
        at(
            "extensions.conf",
            6,
            "nonexistent context 'no-such-context'"
        ),
        "the include of a missing context at extensions.conf:6:\n{text}"
    );
    assert!(report.errors >= 3 && report.warnings >= 1, "{text}");
    assert!(!report.is_clean());
    // Asterisk did not create what it refused, and pbxgen's model predicts both: the unknown
    // option drops the endpoint, the bad bind the transport (the option table).
    assert!(report.objects.transports.contains("transport-udp"));
    assert!(!report.objects.transports.contains("transport-bad"));
    assert!(!report.objects.endpoints.contains("alice"));
    let comparison = report.comparison.as_ref().unwrap();
    let transports = comparison
        .kind(pbxgen::verify::ObjectKind::Transport)
        .unwrap();
    assert!(transports.predicted_only.is_empty() && transports.asterisk_only.is_empty());
    // No secret value in the report.
    let json = serde_json::to_string(&report).unwrap();
    assert!(
        !json.contains("not-a-secret"),
        "a password leaked into the report"
    );
}

#[test]
fn an_instance_has_only_loopback_and_no_route_off_the_machine() {
    let asterisk = live!();
    let instance = boot(
        &asterisk,
        &repo_path("tests/fixtures/live/broken"),
        &InstanceOptions::default(),
    );
    let run = |args: &[&str]| {
        let mut cmd = instance.command(args[0]);
        cmd.args(&args[1..]);
        run_with_timeout(cmd, Duration::from_secs(5)).unwrap()
    };
    let links = run(&["/usr/bin/ip", "-o", "link", "show"]);
    let links = String::from_utf8_lossy(&links.stdout);
    let names: Vec<&str> = links.lines().filter_map(|l| l.split(": ").nth(1)).collect();
    assert_eq!(names, vec!["lo"], "interfaces in the instance: {links}");
    let route = run(&["/usr/bin/ip", "route", "get", "192.0.2.1"]);
    assert!(
        !route.status.success(),
        "a route off the machine exists in the instance: {}",
        String::from_utf8_lossy(&route.stdout)
    );
}

/// The host PIDs of the instance's Asterisk processes.
fn asterisk_pids(conf_dir: &Path) -> Vec<i32> {
    let needle = conf_dir.join("etc/asterisk.conf");
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| {
                let c = String::from_utf8_lossy(&c).replace('\0', " ");
                c.contains("asterisk") && c.contains(needle.to_string_lossy().as_ref())
            })
        })
        .collect()
}

#[test]
fn instances_run_side_by_side_and_leave_nothing_behind_even_on_panic() {
    let asterisk = live!();
    let dir = repo_path("tests/fixtures/live/broken");
    // Two at once on the same configuration: both bind 127.0.0.1:5060, each in its namespace.
    let a = boot(&asterisk, &dir, &InstanceOptions::default());
    let b = boot(&asterisk, &dir, &InstanceOptions::default());
    assert!(a.port_bound(5060) && b.port_bound(5060));
    // The address matters, not only the port (a stand-in on 127.0.1.9:5061 is not ready because
    // Asterisk listens on 127.0.0.1:5061).
    let loopback = std::net::Ipv4Addr::LOCALHOST;
    assert!(a.listening_on(loopback, 5060));
    assert!(!a.listening_on(std::net::Ipv4Addr::new(127, 0, 1, 9), 5060));
    assert!(!a.listening_on(loopback, 5059));
    let (a_dir, a_inner) = (a.dir().to_path_buf(), a.inner_dir().to_path_buf());
    assert!(!asterisk_pids(&a_inner).is_empty(), "Asterisk runs");
    drop(a);
    assert!(
        asterisk_pids(&a_inner).is_empty(),
        "a dropped instance's Asterisk is gone"
    );
    assert!(!a_dir.exists(), "a dropped instance's directory is gone");
    assert!(b.cli("core show uptime").unwrap().contains("uptime"));

    // A test that panics while its instance runs.
    let (tx, rx) = std::sync::mpsc::channel();
    let asterisk2 = asterisk.clone();
    let result = std::thread::spawn(move || {
        let i = boot(&asterisk2, &dir, &InstanceOptions::default());
        tx.send((i.dir().to_path_buf(), i.inner_dir().to_path_buf()))
            .unwrap();
        panic!("a failing test");
    })
    .join();
    assert!(result.is_err());
    let (c_dir, c_inner) = rx.recv().unwrap();
    assert!(
        asterisk_pids(&c_inner).is_empty(),
        "Asterisk outlived a panicking test"
    );
    assert!(!c_dir.exists());
}

#[test]
fn the_sandbox_script_runs_an_instance() {
    let asterisk = live!();
    let out = std::process::Command::new(repo_path("scripts/asterisk-sandbox"))
        .env("PBXGEN_ASTERISK_ROOT", asterisk.root().unwrap())
        .args(["run", "--timeout", "60", "--rx", "pjsip list transports"])
        .arg(repo_path("tests/fixtures/live/broken"))
        .arg("--")
        .args([
            "sh",
            "-c",
            "asterisk -C \"$AST_CONF\" -rx 'dialplan show internal'",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("transport-udp"), "{stdout}");
    assert!(
        stdout.contains("Context 'internal' created by 'pbx_config'"),
        "{stdout}"
    );
    // It names its directory on stderr ("fully booted in …s (/tmp/pbxgen-sandbox.XXXXXX)").
    let stderr = String::from_utf8_lossy(&out.stderr);
    let name = stderr
        .split("/tmp/")
        .nth(1)
        .and_then(|r| r.split(')').next())
        .unwrap_or_else(|| panic!("no instance directory on stderr: {stderr}"));
    let leftovers: Vec<_> = [asterisk.root().unwrap().join("tmp").join(name)]
        .into_iter()
        .filter(|p| p.exists())
        .collect();
    assert!(leftovers.is_empty(), "the script left its directory behind");
}

#[test]
fn names_longer_than_the_cli_columns_are_reported_whole() {
    let asterisk = live!();
    let dir = repo_path("tests/fixtures/live/long-names");
    let prediction = predict_dir(&dir, Some(22)).unwrap();
    let report = verify_dir(
        &dir,
        &asterisk,
        &VerifyOptions {
            prediction: Some(prediction),
            ..Default::default()
        },
    )
    .unwrap();
    let long = "a-very-long-endpoint-name-for-a-branch-office-reception-desk-phone";
    assert!(
        report.objects.endpoints.contains(long),
        "{:?}",
        report.objects.endpoints
    );
    assert!(report.objects.endpoints.contains("short"));
    assert!(
        report.objects.aors.contains(long),
        "{:?}",
        report.objects.aors
    );
    assert!(
        report
            .objects
            .aors
            .contains("exactly-forty-one-characters-long-aor-nam")
    );
    let comparison = report.comparison.as_ref().unwrap();
    assert!(comparison.is_exact(), "{comparison}");
    assert_eq!(
        (report.errors, report.warnings),
        (0, 0),
        "{}",
        report.findings_text()
    );
}
