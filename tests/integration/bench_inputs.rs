//! The benchmark's synthetic inputs (`benches/support/synth.rs`, not part of the product) are
//! tested here: the benchmark binary has no test harness.

#[allow(dead_code)]
#[path = "../../benches/support/synth.rs"]
mod synth;

use synth::*;

#[test]
fn tree_is_deterministic_and_scales_linearly() {
    let small = config_tree_files(1_000);
    assert_eq!(small, config_tree_files(1_000));
    let lines =
        |files: &[(String, String)]| files.iter().map(|(_, t)| t.lines().count()).sum::<usize>();
    let big = config_tree_files(10_000);
    let ratio = lines(&big) as f64 / lines(&small) as f64;
    assert!(
        (9.0..11.0).contains(&ratio),
        "lines should grow ~10x, grew {ratio}"
    );
    // Includes name files that exist.
    for (_, text) in &big {
        for line in text.lines().filter_map(|l| l.strip_prefix("#include ")) {
            assert!(big.iter().any(|(n, _)| n == line), "{line} is generated");
        }
    }
}

#[test]
fn registrations_are_in_general_not_inherited_by_peers() {
    let files = config_tree_files(2_000)
        .into_iter()
        .map(|(n, t)| (n, t.into_bytes()))
        .collect();
    let config = pbxgen::asterisk::load_texts("tree", files);
    let pbx = pbxgen::asterisk::build_model(config, &Default::default());
    let sip = pbx.sip.as_ref().expect("sip.conf");
    assert_eq!(sip.general.registrations.len(), trunks(2_000));
    let peer = sip.peer("u0").expect("peer u0");
    assert!(pbx.section(peer.section).get("register").is_none());
}

#[test]
fn generated_profile_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("site.yaml");
    std::fs::write(&path, profile_yaml(1_500)).unwrap();
    let profile = pbxgen::profile::load(&path).expect("the generated profile loads");
    assert_eq!(profile.extensions.len(), 1_500);
}

#[test]
fn secrets_are_distinct_and_not_weak() {
    let a = demo_secret("sip", 1);
    assert_ne!(a, demo_secret("sip", 2));
    assert!(a.len() >= 16 && a.chars().any(|c| c.is_ascii_uppercase()));
}

#[test]
fn the_sip_site_migrates_every_peer() {
    let files = sip_site_files(1_200)
        .into_iter()
        .map(|(n, t)| (n, t.into_bytes()))
        .collect();
    let config = pbxgen::asterisk::load_texts("site", files);
    let pbx = pbxgen::asterisk::build_model(config, &Default::default());
    let m = pbxgen::migrate::migrate(&pbx, &Default::default()).expect("migrates");
    assert_eq!(m.summary.peers_loaded, 1_200 + trunks(1_200));
    assert_eq!(m.summary.endpoints, m.summary.peers_loaded);
    assert!(!m.is_refused());
    assert!(m.extensions_conf.is_some(), "the SIP dials are rewritten");
}
