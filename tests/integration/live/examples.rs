//! Every example renders and loads into Asterisk 22 with no configuration error, and Asterisk
//! lists exactly the endpoints, AORs, auths, identifies, transports, registrations and dialplan
//! contexts that pbxgen's model of the rendered files predicts.

use super::support::{add_test_certs, live, render};
use pbxgen::verify::{VerifyOptions, predict_dir, verify_dir};
use std::path::Path;

/// Render `profile`, keep the files Asterisk 22 can load, give TLS transports throwaway
/// certificates, verify.
fn loads_cleanly(profile: &str, keep_only: &[&str]) {
    let asterisk = live!();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("rendered");
    render(&crate::util::repo_path(profile), &out);
    for entry in std::fs::read_dir(&out).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !keep_only.contains(&name.as_str()) {
            std::fs::remove_file(&path).unwrap();
        }
    }
    add_test_certs(&out);
    let prediction = predict_dir(&out, Some(22)).expect("pbxgen reads what it rendered");
    let start = std::time::Instant::now();
    let report = verify_dir(
        &out,
        &asterisk,
        &VerifyOptions {
            prediction: Some(prediction),
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("verify {profile}: {e}"));
    super::support::save_report(profile, &report);
    eprintln!(
        "{profile}: booted in {:.2}s, verified in {:.2}s; {} environment messages not counted",
        report.boot_seconds,
        start.elapsed().as_secs_f64(),
        report.environment.len()
    );
    assert_eq!(
        (report.errors, report.warnings),
        (0, 0),
        "{profile}: Asterisk reports configuration problems:\n{}",
        report.findings_text()
    );
    assert!(
        report.rejected.is_empty(),
        "{profile}: rejected {:?}",
        report.rejected
    );
    let comparison = report.comparison.as_ref().unwrap();
    assert!(
        comparison.is_exact(),
        "{profile}: Asterisk's objects differ from pbxgen's model:\n{comparison}"
    );
    // Not vacuous: the examples have endpoints and contexts.
    assert!(!report.objects.endpoints.is_empty() && !report.objects.contexts.is_empty());
    assert!(Path::new(&report.directory).ends_with("rendered"));
}

#[test]
fn small_office_loads_in_asterisk_22_with_no_configuration_error() {
    loads_cleanly(
        "examples/small-office.yaml",
        &[
            "pjsip.conf",
            "extensions.conf",
            "voicemail.conf",
            "websms.conf",
        ],
    );
}

/// home-lab targets Asterisk 20 with chan_sip and pjsip; Asterisk 22 has no chan_sip, so its
/// pjsip side (pjsip.conf, extensions.conf, voicemail.conf) is what is loaded here.
#[test]
fn home_lab_pjsip_side_loads_in_asterisk_22_with_no_configuration_error() {
    loads_cleanly(
        "examples/home-lab.yaml",
        &[
            "pjsip.conf",
            "extensions.conf",
            "voicemail.conf",
            "websms.conf",
        ],
    );
}
