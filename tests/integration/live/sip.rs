//! SIP behaviour with SIPp: small-office, rendered from a test copy of examples/small-office.yaml
//! whose parties are stand-ins on loopback, placing and receiving real calls in Asterisk 22.
//!
//! The test copy changes only addresses (and, per test, the Twilio termination transport):
//!
//! | party | example | stand-in |
//! |---|---|---|
//! | Asterisk (bind, public address) | 0.0.0.0, pbx.office.example.co.uk | 127.0.0.1 (the stand-ins need 5060 on their own addresses) |
//! | office LAN (`local_nets`) | 10.20.0.0/16 | 127.0.0.0/25 (phones at 127.0.0.1xx:5070) |
//! | door intercom 219 (`permit`) | 10.20.30.0/24 | 127.0.0.96/27 |
//! | Twilio edges (a test preset) | 54.172.60.0/30 … | 127.0.1.0/30 (ashburn) … 127.0.1.28/30 (sao-paulo) |
//! | Twilio termination (dublin) | small-office.pstn.dublin.twilio.com | the same name, 127.0.1.9 in the instance's /etc/hosts |
//! | ITSP `itsp` | sip.itsp.example.net, 198.51.100.0/28 | 127.0.0.20:5060 |
//!
//! Tests that fail today because of a renderer bug are `#[ignore]`d with the bug and the
//! evidence; they assert the correct behaviour.

use super::support::{Background, Sipp, SippRun, add_test_certs, boot, executed, live, render};
use crate::util::repo_path;
use pbxgen::verify::{Asterisk, Instance, InstanceOptions};
use std::path::{Path, PathBuf};
use std::time::Duration;

const ASTERISK: &str = "127.0.0.1:5060";
/// A Twilio stand-in in the ashburn range (127.0.1.0/30): the source of inbound calls.
const TWILIO_ASHBURN: &str = "127.0.1.1";
/// The dublin termination stand-in (127.0.1.8/30).
const TWILIO_DUBLIN: &str = "127.0.1.9";
const TERMINATION_HOST: &str = "small-office.pstn.dublin.twilio.com";
const ITSP: &str = "127.0.0.20";
/// On the office LAN (127.0.0.0/25) but not a Twilio or ITSP address.
const LAN_STRANGER: &str = "127.0.0.50";
/// Outside the office LAN and every trunk.
const OUTSIDER: &str = "127.0.0.200";
const PHONE_PORT: u16 = 5070;
/// home-lab's SPA3102 (its FXO port registers as the trunk `atapstn`).
const SPA3102: &str = "127.0.0.60";
const TIMEOUT: Duration = Duration::from_secs(15);

/// How the test site reaches Twilio.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Termination {
    /// `transport: udp` (routing logic without TLS).
    Udp,
    /// TLS as the example has it: no `ca_file`.
    Tls,
    /// TLS with `network.tls.ca_file` naming the test CA.
    TlsWithCaFile,
}

/// The rendered test site.
struct Site {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    termination: Termination,
}

/// Replace `from` by `to` in `text`, insisting that `from` is there (so that a change of the
/// example breaks this test loudly instead of silently testing something else).
fn replace(text: &str, from: &str, to: &str) -> String {
    assert!(
        text.contains(from),
        "the example profile no longer has `{from}`"
    );
    text.replacen(from, to, 1)
}

/// A Twilio range preset whose edges are loopback stand-ins: edge i signals from 127.0.1.(4i)/30.
fn test_twilio_preset() -> String {
    let real = std::fs::read_to_string(repo_path("profiles/twilio.yaml")).unwrap();
    let mut edge = 0;
    let mut out = String::new();
    for line in real.lines() {
        if let Some((indent, _)) = line.split_once("signalling: [") {
            out.push_str(&format!("{indent}signalling: [127.0.1.{}/30]\n", 4 * edge));
            edge += 1;
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    assert_eq!(edge, 8, "profiles/twilio.yaml has 8 edges");
    replace(&out, "ranges: [168.86.128.0/18]", "ranges: [127.0.2.0/24]")
}

impl Site {
    fn small_office(termination: Termination) -> Site {
        let example = std::fs::read_to_string(repo_path("examples/small-office.yaml")).unwrap();
        let mut p = replace(&example, "bind: 0.0.0.0", "bind: 127.0.0.1");
        p = replace(
            &p,
            "public_address: pbx.office.example.co.uk",
            "public_address: 127.0.0.1",
        );
        p = replace(
            &p,
            "local_nets: [10.20.0.0/16]",
            "local_nets: [127.0.0.0/25]",
        );
        p = replace(&p, "permit: [10.20.30.0/24]", "permit: [127.0.0.96/27]");
        p = replace(&p, "twilio:\n", "twilio:\n  preset: twilio-test.yaml\n");
        p = replace(&p, "host: sip.itsp.example.net", &format!("host: {ITSP}"));
        p = replace(
            &p,
            "allow_from: [198.51.100.0/28]",
            &format!("allow_from: [{ITSP}/32]"),
        );
        match termination {
            Termination::Udp => {
                p = replace(
                    &p,
                    "transport: tls\n    srtp: true",
                    "transport: udp\n    srtp: false",
                )
            }
            Termination::Tls => {}
            Termination::TlsWithCaFile => {
                p = replace(
                    &p,
                    "key_file: /etc/asterisk/keys/pbx.office.example.co.uk.key",
                    "key_file: /etc/asterisk/keys/pbx.office.example.co.uk.key\n    \
                     ca_file: /etc/asterisk/keys/test-ca.crt",
                )
            }
        }
        Site::render(&p, termination)
    }

    /// home-lab (Asterisk 20, pjsip and chan_sip files): its pjsip side, with the SPA3102 (whose
    /// PSTN port registers as the trunk `atapstn`) at 127.0.0.60.
    fn home_lab() -> Site {
        let example = std::fs::read_to_string(repo_path("examples/home-lab.yaml")).unwrap();
        let mut p = replace(&example, "bind: 0.0.0.0", "bind: 127.0.0.1");
        p = replace(
            &p,
            "public_address: pbx.home.example.net",
            "public_address: 127.0.0.1",
        );
        p = replace(
            &p,
            "local_nets: [192.168.1.0/24]",
            "local_nets: [127.0.0.0/25]",
        );
        p = replace(&p, "preset: default", "preset: twilio-test.yaml");
        p = replace(
            &p,
            "lan_address: 192.168.1.50",
            &format!("lan_address: {SPA3102}"),
        );
        Site::render(&p, Termination::Udp)
    }

    /// Write the test profile (with the test Twilio preset and the demo secrets) and render it.
    fn render(p: &str, termination: Termination) -> Site {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("site.yaml"), p).unwrap();
        std::fs::write(tmp.path().join("twilio-test.yaml"), test_twilio_preset()).unwrap();
        let secrets = tmp.path().join("secrets");
        std::fs::create_dir(&secrets).unwrap();
        for entry in std::fs::read_dir(repo_path("examples/secrets")).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, secrets.join(path.file_name().unwrap())).unwrap();
        }
        let dir = tmp.path().join("rendered");
        render(&tmp.path().join("site.yaml"), &dir);
        add_test_certs(&dir);
        Site {
            _tmp: tmp,
            dir,
            termination,
        }
    }

    /// Boot the site. For TLS, the Twilio stand-in gets a certificate from a test CA, which is
    /// given to Asterisk the way the profile says: `ca_file` (TlsWithCaFile), or the system's
    /// trust store (Tls: the test CA is shown at /etc/ssl/certs/ca-certificates.crt).
    fn start(&self, asterisk: &Asterisk) -> (Instance, Option<TlsStandIn>) {
        let mut opts = InstanceOptions {
            hosts: vec![(
                TWILIO_DUBLIN.to_string(),
                vec![TERMINATION_HOST.to_string()],
            )],
            ..Default::default()
        };
        let tls = match self.termination {
            Termination::Udp => None,
            Termination::Tls | Termination::TlsWithCaFile => {
                let stand_in = TlsStandIn::new(&self.dir);
                opts.binds.push((
                    stand_in.ca_file.clone(),
                    PathBuf::from("/etc/ssl/certs/ca-certificates.crt"),
                ));
                Some(stand_in)
            }
        };
        (boot(asterisk, &self.dir, &opts), tls)
    }
}

/// A test CA and a certificate for the termination host signed by it.
struct TlsStandIn {
    ca_file: PathBuf,
}

impl TlsStandIn {
    /// Writes keys/test-ca.crt (the CA) and keys/twilio-stand-in.{crt,key} into `dir` (the
    /// instance sees them under /etc/asterisk/keys/).
    fn new(dir: &Path) -> TlsStandIn {
        use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "pbxgen live test CA");
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let key = KeyPair::generate().unwrap();
        let params = CertificateParams::new(vec![TERMINATION_HOST.to_string()]).unwrap();
        let cert = params.signed_by(&key, &ca, &ca_key).unwrap();
        let keys = dir.join("keys");
        std::fs::create_dir_all(&keys).unwrap();
        std::fs::write(keys.join("test-ca.crt"), ca.pem()).unwrap();
        std::fs::write(keys.join("twilio-stand-in.crt"), cert.pem()).unwrap();
        std::fs::write(keys.join("twilio-stand-in.key"), key.serialize_pem()).unwrap();
        TlsStandIn {
            ca_file: keys.join("test-ca.crt"),
        }
    }
}

/// An account's demo secret (examples/secrets/ext-NNN.secret, or NAME.secret for a device
/// line). Never printed.
fn secret(account: &str) -> String {
    let file = if account.chars().all(|c| c.is_ascii_digit()) {
        format!("examples/secrets/ext-{account}.secret")
    } else {
        format!("examples/secrets/{account}.secret")
    };
    std::fs::read_to_string(repo_path(&file))
        .unwrap()
        .trim()
        .to_string()
}

/// The SIP user an account registers and authenticates with: an extension's device name
/// (`ext201`: devices are never named by number), or a device line's name (`atapstn`).
fn sip_user(account: &str) -> String {
    if account.chars().all(|c| c.is_ascii_digit()) {
        pbxgen::profile::resolved::extension_device_name(account)
    } else {
        account.to_string()
    }
}

/// Register `account` (an extension number, or a device line) from `ip:5070`.
fn register(instance: &Instance, account: &str, ip: &str) -> SippRun {
    let user = sip_user(account);
    Sipp::new(instance, "register.xml", ip, PHONE_PORT)
        .target(ASTERISK)
        .key("user", &user)
        .auth(&user, &secret(account))
        .run(TIMEOUT)
}

/// A phone: extension `ext` registers from `ip:5070`, then a UAS answers there.
fn phone(instance: &Instance, ext: &str, ip: &str) -> Background {
    let reg = register(instance, ext, ip);
    assert_eq!(
        reg.final_status(),
        Some(200),
        "extension {ext} could not register from {ip}: {:?}",
        reg.statuses()
    );
    Sipp::new(instance, "uas.xml", ip, PHONE_PORT)
        .target(ASTERISK)
        .spawn()
}

/// A trunk stand-in (UAS) at `ip:port` over UDP.
fn trunk(instance: &Instance, ip: &str, port: u16) -> Background {
    Sipp::new(instance, "uas.xml", ip, port)
        .target(ASTERISK)
        .spawn()
}

/// The Twilio termination stand-in over TLS (5061), with the test CA's certificate.
fn twilio_tls(instance: &Instance) -> Background {
    let keys = instance.inner_dir().join("etc/keys");
    Sipp::new(instance, "uas.xml", TWILIO_DUBLIN, 5061)
        .target("127.0.0.1:5061")
        .arg("-t")
        .arg("l1")
        .arg("-tls_cert")
        .arg(&keys.join("twilio-stand-in.crt").display().to_string())
        .arg("-tls_key")
        .arg(&keys.join("twilio-stand-in.key").display().to_string())
        .spawn()
}

/// An unauthenticated INVITE from `ip` for `number`, with `from_user` in From.
fn invite(instance: &Instance, ip: &str, number: &str, from_user: &str) -> SippRun {
    Sipp::new(instance, "invite.xml", ip, PHONE_PORT)
        .target(ASTERISK)
        .service(number)
        .key("from_user", from_user)
        .run(TIMEOUT)
}

/// Extension `ext` (registered from `ip`) calls `number`.
fn call(instance: &Instance, ext: &str, ip: &str, number: &str) -> SippRun {
    let user = sip_user(ext);
    Sipp::new(instance, "call.xml", ip, PHONE_PORT)
        .target(ASTERISK)
        .service(number)
        .key("user", &user)
        .auth(&user, &secret(ext))
        .run(TIMEOUT)
}

/// The Request-URI users of the INVITEs a stand-in received.
fn invited(stand_in: &Background) -> Vec<String> {
    stand_in
        .received("INVITE")
        .iter()
        .filter_map(|m| m.request_user().map(str::to_string))
        .collect()
}

/// The Dial()s the dialplan ran.
fn dials(instance: &Instance) -> Vec<String> {
    executed(instance)
        .into_iter()
        .filter(|l| l.contains("] Dial("))
        .collect()
}

/// Wait until the stand-in has received `n` INVITEs (bounded), then return their users.
fn wait_invited(stand_in: &Background, n: usize) -> Vec<String> {
    super::support::eventually(Duration::from_secs(5), || invited(stand_in).len() >= n);
    invited(stand_in)
}

#[test]
fn a_twilio_call_to_the_number_rings_the_extensions_of_its_route() {
    let asterisk = live!();
    let site = Site::small_office(Termination::Udp);
    let (pbx, _) = site.start(&asterisk);
    let ext201 = phone(&pbx, "201", "127.0.0.101");
    let run = invite(&pbx, TWILIO_ASHBURN, "+441632960000", "+15005550006");
    assert_eq!(
        wait_invited(&ext201, 1),
        vec!["ext201"],
        "the route rings 201 (and 202, not registered); Twilio's call got {:?}",
        run.statuses()
    );
    let dials = dials(&pbx);
    assert!(
        dials
            .iter()
            .any(|d| d.contains("@from-twilio:1] Dial(")
                && d.contains("PJSIP/ext201&PJSIP/ext202,20")),
        "{dials:?}"
    );
}

#[test]
fn home_lab_forwards_a_twilio_call_over_the_landline() {
    let asterisk = live!();
    let site = Site::home_lab();
    let (pbx, _) = site.start(&asterisk);
    // The SPA3102's PSTN port registers as `atapstn` and receives the forwarded call.
    let landline = phone(&pbx, "atapstn", SPA3102);
    let run = invite(&pbx, TWILIO_ASHBURN, "+15551234567", "+15005550006");
    assert_eq!(
        wait_invited(&landline, 1),
        vec!["0799999999"],
        "Twilio's call got {:?}",
        run.statuses()
    );
    let dials = dials(&pbx);
    assert!(
        dials
            .iter()
            .any(|d| d.contains("@from-twilio:1] Dial(") && d.contains("PJSIP/0799999999@atapstn")),
        "{dials:?}"
    );
    // From anywhere else, nothing is forwarded.
    let run = invite(&pbx, OUTSIDER, "+15551234567", "+15005550006");
    assert!(
        matches!(run.final_status(), Some(401 | 403)),
        "{:?}",
        run.statuses()
    );
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(invited(&landline).len(), 1);
}

#[test]
fn the_same_call_from_any_other_address_is_refused_before_the_dialplan() {
    let asterisk = live!();
    let site = Site::small_office(Termination::Udp);
    let (pbx, _) = site.start(&asterisk);
    let ext201 = phone(&pbx, "201", "127.0.0.101");
    for ip in [LAN_STRANGER, OUTSIDER, "127.0.1.32"] {
        let run = invite(&pbx, ip, "+441632960000", "+15005550006");
        let status = run.final_status();
        assert!(
            matches!(status, Some(401 | 403)),
            "an INVITE for the Twilio number from {ip} got {:?}",
            run.statuses()
        );
    }
    assert!(
        executed(&pbx).is_empty(),
        "the dialplan ran: {:?}",
        executed(&pbx)
    );
    assert!(invited(&ext201).is_empty(), "201 was rung");
}

#[test]
fn toll_fraud_probes_from_twilio_never_reach_a_trunk() {
    let asterisk = live!();
    let site = Site::small_office(Termination::Udp);
    let (pbx, _) = site.start(&asterisk);
    let itsp = trunk(&pbx, ITSP, 5060);
    let twilio = trunk(&pbx, TWILIO_DUBLIN, 5060);
    let probes = [
        "00972599123456",  // international, UK style
        "011972599123456", // international, NANP style
        "+972599123456",   // E.164 abroad
        "09001234567",     // UK premium rate
        "19005550123",     // NANP premium rate
        "02079460000",     // a national number (an outbound route's pattern)
        "999",             // emergency (routed to the ITSP for extensions)
        "12345678",        // any digits
        "201",             // an internal extension
        "*98",             // voicemail main menu
        "+441632960999",   // the ITSP's number
    ];
    for number in probes {
        let run = invite(&pbx, TWILIO_ASHBURN, number, "+15005550006");
        let status = run.final_status();
        assert!(
            status.is_some_and(|s| s >= 400),
            "a call from Twilio to {number} was not refused: {:?}",
            run.statuses()
        );
    }
    assert!(
        dials(&pbx).is_empty(),
        "a probe reached Dial(): {:?}",
        dials(&pbx)
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        invited(&itsp).is_empty(),
        "the ITSP got {:?}",
        invited(&itsp)
    );
    assert!(
        invited(&twilio).is_empty(),
        "Twilio got {:?}",
        invited(&twilio)
    );
}

#[test]
fn requests_naming_a_trunk_or_an_extension_are_challenged_not_trusted() {
    let asterisk = live!();
    let site = Site::small_office(Termination::Udp);
    let (pbx, _) = site.start(&asterisk);
    let itsp = trunk(&pbx, ITSP, 5060);
    let twilio = trunk(&pbx, TWILIO_DUBLIN, 5060);
    for ip in [LAN_STRANGER, OUTSIDER] {
        for from in [
            "201",
            "ext201",
            "itsp",
            "twilio-origination",
            "twilio-termination",
        ] {
            for number in ["999", "02079460000", "202"] {
                let run = invite(&pbx, ip, number, from);
                assert!(
                    matches!(run.final_status(), Some(401 | 403 | 407)),
                    "From {from} at {ip} calling {number} got {:?}",
                    run.statuses()
                );
            }
        }
    }
    assert!(
        executed(&pbx).is_empty(),
        "the dialplan ran: {:?}",
        executed(&pbx)
    );
    assert!(invited(&itsp).is_empty() && invited(&twilio).is_empty());
}

#[test]
fn an_extension_calls_an_extension_and_the_outbound_routes() {
    let asterisk = live!();
    let site = Site::small_office(Termination::Udp);
    let (pbx, _) = site.start(&asterisk);
    let itsp = trunk(&pbx, ITSP, 5060);
    let twilio = trunk(&pbx, TWILIO_DUBLIN, 5060);
    let ext204 = phone(&pbx, "204", "127.0.0.104");
    let r = register(&pbx, "203", "127.0.0.103");
    assert_eq!(
        r.final_status(),
        Some(200),
        "203 registers: {:?}",
        r.statuses()
    );

    // Another extension.
    let run = call(&pbx, "203", "127.0.0.103", "204");
    assert_eq!(
        wait_invited(&ext204, 1),
        vec!["ext204"],
        "{:?}",
        run.statuses()
    );

    // Emergency over the ITSP: exactly the digits dialled.
    let run = call(&pbx, "203", "127.0.0.103", "999");
    assert_eq!(wait_invited(&itsp, 1), vec!["999"], "{:?}", run.statuses());

    // National over Twilio: 0 stripped, +44 prepended, the Twilio number as caller ID.
    let run = call(&pbx, "203", "127.0.0.103", "02079460000");
    assert_eq!(
        wait_invited(&twilio, 1),
        vec!["+442079460000"],
        "{:?}",
        run.statuses()
    );
    let inv = &twilio.received("INVITE")[0];
    assert_eq!(inv.header_user("From").as_deref(), Some("+441632960000"));

    // International is for 201, 211, 212 only.
    let run = call(&pbx, "203", "127.0.0.103", "0012125550123");
    assert_eq!(run.final_status(), Some(404), "{:?}", run.statuses());
    let r = register(&pbx, "201", "127.0.0.101");
    assert_eq!(r.final_status(), Some(200));
    let run = call(&pbx, "201", "127.0.0.101", "0012125550123");
    assert_eq!(
        wait_invited(&twilio, 2),
        vec!["+442079460000", "+12125550123"],
        "{:?}",
        run.statuses()
    );
    // Nothing else reached a trunk.
    assert_eq!(invited(&itsp), vec!["999"]);
}

#[test]
fn the_itsp_receives_the_caller_id_of_the_route() {
    // Before the fix (Asterisk 22.10.1), the ITSP stand-in received
    // `From: <sip:100200300@127.0.0.20>` and no P-Asserted-Identity or Remote-Party-ID,
    // although route-emergency set CALLERID(num)=+441632960999: `from_user` replaces the From
    // user. The trunk now sends `send_pai=yes`: the account stays in From, the caller ID is in
    // P-Asserted-Identity.
    let asterisk = live!();
    let site = Site::small_office(Termination::Udp);
    let (pbx, _) = site.start(&asterisk);
    let itsp = trunk(&pbx, ITSP, 5060);
    let r = register(&pbx, "203", "127.0.0.103");
    assert_eq!(r.final_status(), Some(200));
    call(&pbx, "203", "127.0.0.103", "999");
    assert_eq!(wait_invited(&itsp, 1), vec!["999"]);
    let inv = &itsp.received("INVITE")[0];
    let presented: Vec<String> = ["From", "P-Asserted-Identity", "Remote-Party-ID"]
        .iter()
        .filter_map(|h| inv.header_user(h))
        .collect();
    assert!(
        presented.iter().any(|u| u == "+441632960999"),
        "the ITSP sees {presented:?} (From, PAI, RPID users), not the route's caller ID"
    );
    // The account still identifies the call in From (ITSPs that authorise by From user).
    assert_eq!(inv.header_user("From").as_deref(), Some("100200300"));
    assert_eq!(
        inv.header_user("P-Asserted-Identity").as_deref(),
        Some("+441632960999")
    );
}

#[test]
fn an_extension_outside_its_acl_is_refused() {
    let asterisk = live!();
    let site = Site::small_office(Termination::Udp);
    let (pbx, _) = site.start(&asterisk);
    // 219 (door intercom) may register from 127.0.0.96/27 only; the LAN is 127.0.0.0/25.
    let inside = register(&pbx, "219", "127.0.0.119");
    assert_eq!(inside.final_status(), Some(200), "{:?}", inside.statuses());
    for (ext, ip) in [
        ("219", "127.0.0.30"),
        ("203", OUTSIDER),
        ("201", "127.0.1.1"),
    ] {
        let run = register(&pbx, ext, ip);
        assert!(
            matches!(run.final_status(), Some(401 | 403)),
            "{ext} registering from {ip} got {:?}",
            run.statuses()
        );
    }
    let contacts = pbx.cli("pjsip show contacts").unwrap();
    assert!(
        contacts.contains("ext219/sip:ext219@127.0.0.119"),
        "{contacts}"
    );
    assert!(
        !contacts.contains("127.0.0.30") && !contacts.contains(OUTSIDER),
        "{contacts}"
    );
    // And it cannot call from there either.
    let itsp = trunk(&pbx, ITSP, 5060);
    let run = call(&pbx, "219", "127.0.0.30", "999");
    assert!(
        run.final_status().is_some_and(|s| s >= 400),
        "{:?}",
        run.statuses()
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(invited(&itsp).is_empty());
}

#[test]
fn outbound_via_twilio_over_tls_with_a_ca_file() {
    let asterisk = live!();
    let site = Site::small_office(Termination::TlsWithCaFile);
    let (pbx, _) = site.start(&asterisk);
    let twilio = twilio_tls(&pbx);
    let r = register(&pbx, "203", "127.0.0.103");
    assert_eq!(r.final_status(), Some(200));
    let run = call(&pbx, "203", "127.0.0.103", "02079460000");
    assert_eq!(
        wait_invited(&twilio, 1),
        vec!["+442079460000"],
        "{:?}",
        run.statuses()
    );
    let inv = &twilio.received("INVITE")[0];
    assert!(
        inv.first_line().contains(";transport=tls"),
        "{}",
        inv.first_line()
    );
    assert!(inv.text.contains("RTP/SAVP"), "SRTP offered (srtp: true)");
}

#[test]
fn outbound_via_twilio_over_tls_as_the_example_is_written() {
    // Before the fix (Asterisk 22.10.1), with the stand-in's CA shown as the system trust store:
    // `pjsip_transport_events.c: verify_log_result: Transport 'transport-tls' to remote
    // 'small-office.pstn.dublin.twilio.com' - 127.0.1.9:5061 - The certificate is untrusted`,
    // and the extension's call ended with 503 Service Unavailable: verify_server=yes without
    // ca_list_file, and pjproject never loads the system trust store. The transport now names
    // the system bundle (/etc/ssl/certs/ca-certificates.crt) when the profile names none.
    let asterisk = live!();
    let site = Site::small_office(Termination::Tls);
    let (pbx, _) = site.start(&asterisk);
    let twilio = twilio_tls(&pbx);
    let r = register(&pbx, "203", "127.0.0.103");
    assert_eq!(r.final_status(), Some(200));
    let run = call(&pbx, "203", "127.0.0.103", "02079460000");
    let tls_log: Vec<String> = pbx
        .full_log()
        .lines()
        .filter(|l| l.contains("transport-tls") || l.contains("certificate"))
        .map(str::to_string)
        .collect();
    assert_eq!(
        wait_invited(&twilio, 1),
        vec!["+442079460000"],
        "the call ended with {:?}; Asterisk logged:\n{}",
        run.statuses(),
        tls_log.join("\n")
    );
}

#[test]
fn a_text_leaves_through_websms_with_its_sender() {
    // Before the fix (Asterisk 22.10.1), the WebSMS AGI stand-in was run as
    // `websms 07700900123 '' 'pbxgen live test'`: the messages context passed
    // ${CALLERID(num)}, which a MESSAGE never sets. Now each texting extension's endpoint sends
    // its MESSAGEs to its own `messages-<number>` context, which sets the sender: nothing the
    // message says about itself (From, display name) is used.
    let asterisk = live!();
    let site = Site::small_office(Termination::Udp);
    let (pbx, _) = site.start(&asterisk);
    let args = websms_stand_in(&pbx);
    let r = register(&pbx, "201", "127.0.0.101");
    assert_eq!(r.final_status(), Some(200));
    let run = Sipp::new(&pbx, "message.xml", "127.0.0.101", PHONE_PORT)
        .target(ASTERISK)
        .service("07700900123")
        .key("user", &sip_user("201"))
        .auth(&sip_user("201"), &secret("201"))
        .run(TIMEOUT);
    assert!(
        super::support::eventually(Duration::from_secs(5), || args.exists()),
        "the WebSMS bridge was not run; the MESSAGE got {:?}",
        run.statuses()
    );
    let argv: Vec<String> = std::fs::read_to_string(&args)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(
        argv.first().map(String::as_str),
        Some("07700900123"),
        "{argv:?}"
    );
    assert_eq!(
        argv.get(1).map(String::as_str),
        Some("201"),
        "the sender: {argv:?}"
    );
}

/// An AGI script named `websms` in the instance's AGI directory that writes its arguments, one a
/// line, to a file; returns that file (host view).
fn websms_stand_in(instance: &Instance) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let agi = instance.dir().join("data/agi-bin");
    std::fs::create_dir_all(&agi).unwrap();
    let out_inner = instance.inner_dir().join("files/websms.args");
    let script = format!(
        "#!/bin/sh\n# pbxgen live test: stands in for the WebSMS bridge.\n\
         while read -r line && [ -n \"$line\" ]; do :; done\n\
         printf '%s\\n' \"$@\" > {}.tmp && mv {}.tmp {}\n",
        out_inner.display(),
        out_inner.display(),
        out_inner.display()
    );
    let path = agi.join("websms");
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::create_dir_all(instance.dir().join("files")).unwrap();
    instance.dir().join("files/websms.args")
}
