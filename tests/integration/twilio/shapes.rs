//! `twilio refresh` compares addresses, not text: a page that lists the preset's addresses in
//! another shape (single addresses, `a - b` ranges, smaller blocks, overlapping entries, IPv6)
//! is current; a real change is shown as the addresses it adds and removes.

use super::server::Server;
use super::{MARKDOWN, MD, Setup, assert_code, page, stdout};

/// The shipped Markdown page with `from` replaced by `to` everywhere (both rows of an edge).
fn page_with(replacements: &[(&str, &str)]) -> String {
    let mut text = MD.to_string();
    for (from, to) in replacements {
        assert!(text.contains(from), "{from} is on the page");
        text = text.replace(from, to);
    }
    text
}

/// `refresh --check` of `body` against the preset file of `s`.
fn check(s: &Setup, body: &str) -> std::process::Output {
    let server = Server::https(&s.pki, vec![("/ip.md", page(MARKDOWN, body))]);
    s.refresh(&server.url("/ip.md"))
        .arg("--preset")
        .arg(&s.preset)
        .arg("--check")
        .output()
        .expect("runs")
}

#[test]
fn the_same_addresses_in_another_shape_are_current() {
    let s = Setup::new();
    let body = page_with(&[
        // Four single addresses instead of the /30.
        (
            "`54.172.60.0/30`",
            "`54.172.60.0`, `54.172.60.1`, `54.172.60.2`, `54.172.60.3`",
        ),
        // Two /31s.
        ("`54.244.51.0/30`", "`54.244.51.0/31`, `54.244.51.2/31`"),
        // A range written as first - last.
        ("`54.171.127.192/30`", "`54.171.127.192 - 54.171.127.195`"),
        // Overlapping entries: the /30 again as a /31 and a single address inside it.
        (
            "`35.156.191.128/30`",
            "`35.156.191.128/30`, `35.156.191.128/31`, `35.156.191.129`",
        ),
    ]);
    let out = check(&s, &body);
    assert_code(&out, 0);
    assert!(stdout(&out).contains("Up to date: "), "{}", stdout(&out));
    s.assert_preset_untouched();
}

#[test]
fn ipv6_ranges_compare_by_address_too() {
    let s = Setup::new();
    // A preset whose ashburn edge also has an IPv6 /126.
    let with_v6 = String::from_utf8(s.original.clone()).unwrap().replace(
        "signalling: [54.172.60.0/30]",
        "signalling: [54.172.60.0/30, 2600:1f18:4f8:a800::/126]",
    );
    std::fs::write(&s.preset, &with_v6).unwrap();
    for shape in [
        "`54.172.60.0/30`, `2600:1f18:4f8:a800::/126`",
        "`54.172.60.0/30`, `2600:1f18:4f8:a800:: - 2600:1f18:4f8:a800::3`",
        "`54.172.60.0/30`, `2600:1f18:4f8:a800::0`, `2600:1f18:4f8:a800::1`, \
         `2600:1f18:4f8:a800::2/127`",
    ] {
        let out = check(&s, &page_with(&[("`54.172.60.0/30`", shape)]));
        assert_code(&out, 0);
        assert!(
            stdout(&out).contains("Up to date: "),
            "{shape}: {}",
            stdout(&out)
        );
    }
    // The page without the IPv6 range drops its four addresses.
    let out = check(&s, MD);
    assert_code(&out, 1);
    assert!(
        stdout(&out).contains("  - 2600:1f18:4f8:a800::/126 (4 addresses)"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_change_is_shown_in_addresses_and_written_canonical() {
    let s = Setup::new();
    // The /30 grows to a /29, written as a range of single addresses.
    let body = page_with(&[("`54.172.60.0/30`", "`54.172.60.0 - 54.172.60.7`")]);
    let server = Server::https(&s.pki, vec![("/ip.md", page(MARKDOWN, &body))]);
    let out = s.refresh_write(&server.url("/ip.md")).output().unwrap();
    assert_code(&out, 0);
    let text = stdout(&out);
    assert!(
        text.contains("edge ashburn (us1)\n  + 54.172.60.4/30 (4 addresses)\n"),
        "{text}"
    );
    // Written as one CIDR block, nothing retired (no address was lost).
    let written = s.preset_text();
    assert!(
        written.contains("signalling: [54.172.60.0/29]"),
        "{written}"
    );
    assert!(!written.contains("dropped from Twilio"), "{written}");

    // Then it shrinks to one /31: the other six addresses are retired, one refusal-free change.
    let body = page_with(&[("`54.172.60.0/30`", "`54.172.60.0/31`")]);
    let server = Server::https(&s.pki, vec![("/ip.md", page(MARKDOWN, &body))]);
    let out = s.refresh_write(&server.url("/ip.md")).output().unwrap();
    assert_code(&out, 0);
    let text = stdout(&out);
    assert!(
        text.contains("  - 54.172.60.2/31 (2 addresses)\n  - 54.172.60.4/30 (4 addresses)\n"),
        "{text}"
    );
    let written = s.preset_text();
    assert!(
        written.contains("signalling: [54.172.60.0/31]"),
        "{written}"
    );
    assert!(
        written.contains("ranges: [54.172.60.2/31, 54.172.60.4/30]"),
        "{written}"
    );
}

// ---------------------------------------------------------------------------------------------
// A refreshed preset drives audit, render and profile check (`--twilio-preset`)

/// The shipped preset with one more edge (what a refresh writes when Twilio adds one).
fn preset_with_mumbai(dir: &std::path::Path) -> std::path::PathBuf {
    let shipped = std::fs::read_to_string(crate::util::repo_path("profiles/twilio.yaml")).unwrap();
    let extra = "  - name: mumbai\n    legacy: in1\n    location: India\n    \
                 signalling: [3.7.35.64/30]\nmedia:";
    let text = shipped.replacen("media:", extra, 1);
    let path = dir.join("refreshed.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn audit_uses_the_preset_it_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let preset = preset_with_mumbai(dir.path());
    // The PBX304 fixture's pjsip.conf without its retired address: every built-in edge.
    let tree = dir.path().join("etc");
    std::fs::create_dir(&tree).unwrap();
    let pjsip = std::fs::read_to_string(crate::util::repo_path(
        "tests/fixtures/audit/PBX304/bad/pjsip.conf",
    ))
    .unwrap()
    .replace("match=107.21.222.153\n", "");
    std::fs::write(tree.join("pjsip.conf"), pjsip).unwrap();
    std::fs::copy(
        crate::util::repo_path("tests/fixtures/audit/PBX304/bad/extensions.conf"),
        tree.join("extensions.conf"),
    )
    .unwrap();
    let audit = |extra: &[&std::ffi::OsStr]| {
        let out = crate::util::pbxgen()
            .arg("audit")
            .arg(&tree)
            .args(["--fail-on", "none"])
            .args(extra)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(!audit(&[]).contains("PBX305"), "{}", audit(&[]));
    let with = audit(&["--twilio-preset".as_ref(), preset.as_os_str()]);
    assert!(with.contains("PBX305"), "{with}");
    assert!(with.contains("not the edges mumbai"), "{with}");
}

#[test]
fn render_and_profile_check_use_the_preset_they_are_given() {
    let dir = tempfile::tempdir().unwrap();
    let preset = preset_with_mumbai(dir.path());
    let out_dir = dir.path().join("out");
    let out = crate::util::pbxgen()
        .arg("render")
        .arg(crate::util::repo_path("examples/home-lab.yaml"))
        .arg("--out")
        .arg(&out_dir)
        .arg("--twilio-preset")
        .arg(&preset)
        .output()
        .unwrap();
    assert_code(&out, 0);
    let pjsip = std::fs::read_to_string(out_dir.join("pjsip.conf")).unwrap();
    assert!(
        pjsip.contains("3.7.35.64/30"),
        "edges: all takes the new edge"
    );

    // A profile naming an edge the given preset lacks is refused by profile check.
    let profile = dir.path().join("site.yaml");
    let text = std::fs::read_to_string(crate::util::repo_path("examples/home-lab.yaml"))
        .unwrap()
        .replace("edges: all ", "edges: [mumbai]")
        .replace(
            "secrets/",
            &format!("{}/", crate::util::repo_path("examples/secrets").display()),
        );
    std::fs::write(&profile, text).unwrap();
    let out = crate::util::pbxgen()
        .args(["profile", "check"])
        .arg(&profile)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "the built-in preset has no mumbai"
    );
    let out = crate::util::pbxgen()
        .args(["profile", "check"])
        .arg(&profile)
        .arg("--twilio-preset")
        .arg(&preset)
        .output()
        .unwrap();
    assert_code(&out, 0);
}
