//! The seed blog's final chan_sip setup (2013): one template peer per Twilio address,
//! `allowguest=yes`, `[fromtwilio]` forwarding to a fixed number over the SPA3102 PSTN line.

use super::{audit_dir, codes};
use crate::util::repo_path;
use pbxgen::audit::engine::Severity;

#[test]
fn seed_blog_stale_addresses_guests_and_shared_range_are_found() {
    let report = audit_dir(&repo_path("tests/fixtures/audit/seed-blog"), None);
    let found = codes(&report);
    // Every 2013 address is named (each peer's `host=` line is its own).
    let stale = report
        .findings
        .iter()
        .filter(|f| f.rule.code == "PBX304")
        .count();
    assert_eq!(stale, 23, "{found:?}");
    // Guest calls reach the PSTN line: critical, with the path.
    let guest = report
        .findings
        .iter()
        .find(|f| f.rule.code == "PBX101")
        .expect("PBX101");
    assert_eq!(guest.severity, Severity::Critical, "{}", guest.message);
    assert!(
        guest
            .path
            .last()
            .is_some_and(|s| s.text.contains("SIP/099999999@atapstn")),
        "{:?}",
        guest.path
    );
    // Any Twilio customer reaches the landline through the Twilio peers.
    let shared = report
        .findings
        .iter()
        .find(|f| f.rule.code == "PBX306")
        .expect("PBX306");
    assert!(shared.message.contains("23 peers"), "{}", shared.message);
    // The Twilio peers are `type=peer` with a fixed host: chan_sip matches them by source
    // address only, so `insecure=port,invite` is the provider form (no PBX103); who shares
    // those addresses is PBX306's finding above.
    assert!(!found.contains(&"PBX103"), "{found:?}");
}

/// pbxgen's own rendering of the seed site (and every other example) is clean at `high`: the
/// rendered examples under `examples/<name>/` (kept in sync with their profiles by the render
/// tests) are audited like any hand-written directory.
#[test]
fn rendered_examples_have_no_high_or_critical_findings() {
    let examples = crate::util::repo_path("examples");
    let entries = std::fs::read_dir(&examples).expect("examples/ exists");
    let mut audited = 0;
    for entry in entries.flatten() {
        let dir = entry.path();
        if !(dir.join("pjsip.conf").is_file() || dir.join("sip.conf").is_file()) {
            continue;
        }
        let report = audit_dir(&dir, None);
        let bad: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.severity >= Severity::High)
            .map(|f| format!("{}:{} {} {}", f.file, f.line, f.rule.code, f.message))
            .collect();
        assert!(bad.is_empty(), "{}:\n{}", dir.display(), bad.join("\n"));
        audited += 1;
    }
    // home-lab and small-office at least: an empty examples/ must not pass silently.
    assert!(audited >= 2, "only {audited} rendered examples found");
}
