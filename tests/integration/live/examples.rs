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
            "http.conf",
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

/// The home-lab's chan_sip side, as Asterisk 20 reads it. Asterisk 22 has no chan_sip, so these
/// check the rendered files against what chan_sip's source does (Asterisk 20.19.0,
/// channels/chan_sip.c), with evidence from a real Asterisk 20 in the comments.
fn home_lab_model() -> pbxgen::asterisk::Pbx {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("rendered");
    render(&crate::util::repo_path("examples/home-lab.yaml"), &out);
    let config = pbxgen::asterisk::load_dir(&out).unwrap();
    pbxgen::asterisk::build_model(
        config,
        &pbxgen::asterisk::ModelOptions {
            asterisk_version: Some(20),
        },
    )
}

/// (address, port) of a `host:port` bind value; IPv4 only (what the examples use).
fn bind_of(value: &str, default_port: u16) -> (std::net::IpAddr, u16) {
    let (host, port) = match value.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => (h, p.parse().unwrap()),
        _ => (value, default_port),
    };
    (host.parse().unwrap(), port)
}

#[test]
fn home_lab_chan_sip_and_pjsip_do_not_bind_the_same_udp_port() {
    // Before issue 11 (a real Asterisk 20 with both drivers loaded), chan_sip logged
    // `Failed to bind to 0.0.0.0:5060: Address already in use` (chan_sip.c, reload_config):
    // both files bound 0.0.0.0:5060. Both drivers now serve parties of their own, chan_sip on
    // `chan_sip_port` (home-lab: 5160).
    let pbx = home_lab_model();
    let sip = pbx.sip.as_ref().expect("home-lab renders sip.conf");
    let g = &sip.general;
    let sip_bind = g
        .udpbindaddr
        .as_ref()
        .or(g.bindaddr.as_ref())
        .map(|b| bind_of(&b.value, 5060))
        .unwrap_or(("0.0.0.0".parse().unwrap(), 5060));
    assert_eq!(sip_bind.1, 5160, "home-lab's chan_sip_port");
    let pjsip = pbx.pjsip.as_ref().expect("home-lab renders pjsip.conf");
    let udp: Vec<_> = pjsip
        .transports
        .iter()
        .filter(|t| t.protocol.value == "udp")
        .collect();
    assert!(!udp.is_empty(), "home-lab has a pjsip UDP transport");
    for t in udp {
        let (addr, port) = bind_of(&t.bind.as_ref().unwrap().value, 5060);
        let overlap = port == sip_bind.1
            && (addr == sip_bind.0 || addr.is_unspecified() || sip_bind.0.is_unspecified());
        assert!(
            !overlap,
            "chan_sip binds {sip_bind:?} and pjsip transport {} binds {addr}:{port}",
            t.meta.id
        );
    }
}

#[test]
fn home_lab_chan_sip_gets_its_public_address_in_a_form_it_reads() {
    // chan_sip.c (20.19.0) parses externaddr/externip with ast_parse_arg(PARSE_ADDR) and logs
    // `Invalid address for externaddr keyword: pbx.home.example.net` for a name (pbxgen wrote
    // that before issue 11); a host name belongs in `externhost=`, which it resolves (and
    // resolves again every externrefresh).
    let pbx = home_lab_model();
    let sip = pbx.sip.as_ref().unwrap();
    if let Some(addr) = &sip.general.externip {
        let v = addr.value.as_str();
        let host = v.rsplit_once(':').map_or(v, |(h, _)| h);
        assert!(
            host.parse::<std::net::IpAddr>().is_ok(),
            "externaddr={v} is not an address: chan_sip ignores it"
        );
    }
    // home-lab's public address is a name: it must be there, as externhost.
    let externhost = sip.general.externhost.as_ref().map(|h| h.value.as_str());
    assert_eq!(externhost, Some("pbx.home.example.net"));
}

#[test]
fn home_lab_chan_sip_devices_are_not_named_like_caller_ids() {
    // chan_sip.c (20.19.0) check_peer_ok (from check_user_full) looks the From user up among
    // users and friends by name first (`sip_find_peer(of, …, FINDUSERS, …)`) and only then by
    // address; on a real Asterisk 20, a Twilio call with caller ID 102 was matched to the friend
    // [102] pbxgen rendered before issue 11 and refused with 403 Forbidden. pjsip's `username`
    // identifier looks the From user up by endpoint name the same way. Devices are now
    // `ext<number>` in both files.
    let pbx = home_lab_model();
    let like_a_caller_id = |n: &&str| {
        let digits = n.trim_start_matches('+');
        !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
    };
    let sip = pbx.sip.as_ref().unwrap();
    let friends: Vec<&str> = sip
        .peers
        .iter()
        .filter(|p| {
            !matches!(
                p.kind.value,
                pbxgen::asterisk::model::sip::SipPeerKind::Peer
            )
        })
        .map(|p| p.name.as_str())
        .collect();
    assert!(!friends.is_empty(), "home-lab has chan_sip devices");
    let numeric: Vec<&str> = friends.iter().copied().filter(like_a_caller_id).collect();
    assert!(
        numeric.is_empty(),
        "chan_sip users/friends named like a caller ID: {numeric:?}"
    );
    // pjsip: endpoints matched by user name (those that authenticate) likewise.
    let pjsip = pbx.pjsip.as_ref().unwrap();
    let by_name: Vec<&str> = pjsip
        .endpoints
        .iter()
        .filter(|e| !e.auth.is_empty())
        .map(|e| e.meta.id.as_str())
        .collect();
    assert!(!by_name.is_empty(), "home-lab has pjsip devices");
    let numeric: Vec<&str> = by_name.iter().copied().filter(like_a_caller_id).collect();
    assert!(
        numeric.is_empty(),
        "pjsip endpoints named like a caller ID: {numeric:?}"
    );
}
