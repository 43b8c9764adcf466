//! Click-to-call's published credentials: the page file carries the account's real password
//! and is not secret; only outputs the registry marks as publishing may print one; and a
//! published value may not be any other secret of the site.

use super::{example_site, render_example};
use pbxgen::audit::engine::Severity;
use pbxgen::audit::output::Report;
use pbxgen::audit::{SecretCheck, VetOptions};
use pbxgen::render::{self, RenderOptions, RenderedFile, SecretMode};
use std::path::Path;

/// `render`'s own check of the site (`audit::vet_site`): no problem, and the findings at or
/// above `high` (what `render` refuses by default).
fn vetted_high(path: &Path) -> Report {
    let profile = pbxgen::profile::load(path).unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let vetted = pbxgen::audit::vet_site(
        profile,
        &text,
        &VetOptions {
            secrets: SecretCheck::Resolve,
            templates_dir: None,
            audit_rendered: true,
            asterisk_version: None,
            keep_plan: false,
        },
    );
    assert!(vetted.problems.is_empty(), "{:?}", vetted.problems);
    let mut report = vetted.report;
    report.findings.retain(|f| f.severity >= Severity::High);
    report
}

/// Rendered files (changed by hand) read back from a directory like /etc/asterisk, at or above
/// `high`.
fn audit_files_high(files: &[RenderedFile], asterisk_version: u32) -> Report {
    let dir = tempfile::tempdir().unwrap();
    for file in files {
        std::fs::write(dir.path().join(&file.name), file.contents.as_bytes()).unwrap();
    }
    let mut report = crate::audit::audit_dir(dir.path(), Some(asterisk_version));
    report.findings.retain(|f| f.severity >= Severity::High);
    report
}

#[test]
fn the_page_file_publishes_the_accounts_password_and_is_not_secret() {
    let files = render_example("small-office", SecretMode::Resolve);
    let page = files
        .iter()
        .find(|f| f.name == "click-to-call-sales.json")
        .expect("small-office's sales button has a page file");
    assert!(!page.holds_secrets, "public by design: mode 0644");
    let json: serde_json::Value = serde_json::from_str(&page.contents).unwrap();
    let password = json["password"].as_str().unwrap();
    assert!(password.len() >= 24, "a derived password is long");
    let pjsip = files.iter().find(|f| f.name == "pjsip.conf").unwrap();
    let auth = pjsip
        .contents
        .split("\n\n")
        .find(|block| block.starts_with("[click-to-call-sales]\ntype=auth"))
        .expect("the button's auth section");
    assert!(auth.contains(&format!("\npassword={password}")), "{auth:?}");
    assert_eq!(json["username"], "click-to-call-sales");
    assert_eq!(
        json["websocket_url"],
        "wss://pbx.office.example.co.uk:8089/ws"
    );
    // Masked renders (previews, --diff) mask it like a secret all the same.
    let masked = render_example("small-office", SecretMode::Mask);
    let masked_page = masked.iter().find(|f| f.name == page.name).unwrap();
    assert!(!masked_page.contents.contains(password));
}

#[test]
fn only_publishing_outputs_may_print_a_public_credential() {
    let site = example_site("small-office");
    let dir = tempfile::tempdir().unwrap();
    let template = render::templates::load(&render::embedded_templates(), None)
        .unwrap()
        .into_iter()
        .find(|t| t.name == "pjsip.conf.j2")
        .unwrap();
    let hijacked = template.source.replace(
        "password={{ b.password | secret }}",
        "password={{ b.password | public_credential }}",
    );
    assert_ne!(hijacked, template.source);
    std::fs::write(dir.path().join("pjsip.conf.j2"), hijacked).unwrap();
    let err = render::render(
        &site,
        &RenderOptions {
            templates_dir: Some(dir.path().to_path_buf()),
            ..RenderOptions::default()
        },
    )
    .unwrap_err();
    assert!(
        err.message.contains("publishing credentials"),
        "{}",
        err.message
    );
}

#[test]
fn a_published_password_may_not_equal_another_secret() {
    let dir = tempfile::tempdir().unwrap();
    // Two files, one value: the references differ (validation passes), the values do not.
    std::fs::write(dir.path().join("ext.secret"), "Same-Value-1234567").unwrap();
    std::fs::write(dir.path().join("c2c.secret"), "Same-Value-1234567").unwrap();
    let profile = r#"
version: 1
site: { name: t, asterisk: 22 }
network:
  public_address: pbx.example.net
  local_nets: [192.168.1.0/24]
  udp: { port: 5060 }
  tls: { cert_file: /etc/asterisk/keys/pbx.crt, key_file: /etc/asterisk/keys/pbx.key }
extensions:
  - { number: "101", name: One, secret: "${file:ext.secret}" }
click_to_call:
  - { name: sales, callee: "101", via: browser, caller_id: Web, password: "${file:c2c.secret}" }
"#;
    let path = dir.path().join("site.yaml");
    std::fs::write(&path, profile).unwrap();
    let profile = pbxgen::profile::load(&path).unwrap();
    let err = render::render_profile(&profile, &RenderOptions::default()).unwrap_err();
    assert!(
        err.message
            .contains("is published, and it equals the value of ${file:ext.secret}"),
        "{err}"
    );
    assert!(!err.to_string().contains("Same-Value"), "{err}");
}

/// pbxgen's own click-to-call output — a browser and a gateway button next to a trunk and
/// outbound routes — audits clean at `high`, read back like any configuration; the same files
/// with the button's context swapped for the extensions' own are critical, with the path.
#[test]
fn rendered_buttons_audit_clean_and_a_widened_context_is_critical() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("key"),
        "k3y-0123456789-abcdefghij-ABCDEFGHIJ",
    )
    .unwrap();
    std::fs::write(dir.path().join("gw"), "Gw-S3cret-1234567").unwrap();
    std::fs::write(dir.path().join("ext"), "Ext-S3cret-1234567").unwrap();
    let profile = r#"
version: 1
site: { name: t, asterisk: 22, secret_key: "${file:key}" }
network:
  public_address: pbx.example.net
  local_nets: [192.168.1.0/24]
  udp: { port: 5060 }
  tls: { cert_file: /etc/asterisk/keys/pbx.crt, key_file: /etc/asterisk/keys/pbx.key }
trunks:
  - { name: itsp, host: sip.itsp.example, context: from-itsp, allow_from: [198.51.100.0/28] }
extensions:
  - { number: "101", name: One, secret: "${file:ext}" }
outbound:
  - { name: intl, patterns: ["_00[1-9]X."], trunk: itsp, prefix_strip: 2, prepend: "+" }
click_to_call:
  - { name: sales, callee: "101", via: browser, caller_id: Web sales }
  - name: support
    callee: "101"
    via: gateway
    gateway: { allow_from: [203.0.113.10/32] }
    caller_id: Web support
    password: "${file:gw}"
"#;
    let path = dir.path().join("site.yaml");
    std::fs::write(&path, profile).unwrap();
    let report = vetted_high(&path);
    let found: Vec<String> = report
        .findings
        .iter()
        .map(|f| format!("{} {}", f.rule.code, f.message))
        .collect();
    assert!(found.is_empty(), "{found:#?}");

    let profile = pbxgen::profile::load(&path).unwrap();
    let mut files = render::render_profile(&profile, &RenderOptions::default()).unwrap();
    let pjsip = files.iter_mut().find(|f| f.name == "pjsip.conf").unwrap();
    pjsip.contents = pjsip
        .contents
        .replace("context=click-to-call-sales", "context=internal")
        .into();
    let report = audit_files_high(&files, 22);
    let webrtc = report
        .findings
        .iter()
        .find(|f| f.rule.code == "PBX207")
        .expect("PBX207 on the widened WebRTC endpoint");
    assert_eq!(webrtc.severity, Severity::Critical);
    let path: Vec<&str> = webrtc.path.iter().map(|s| s.text.as_str()).collect();
    assert!(path.len() >= 3, "{path:?}");
    assert!(
        path[0].contains("[click-to-call-sales] context=internal"),
        "{path:?}"
    );
    assert!(
        path.iter().any(|s| s.contains("include => route-intl")),
        "{path:?}"
    );
    assert!(report.findings.iter().any(|f| f.rule.code == "PBX401"));
}

/// With both drivers and chan_sip serving the phones, a gateway button's account is still
/// pjsip's (it needs the `endpoint.phone` template though no phone is in pjsip.conf), and its
/// context dials the callee's chan_sip device; the files audit clean at `high`.
#[test]
fn a_button_for_a_chan_sip_callee_next_to_pjsip() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("gw"), "Gw-S3cret-1234567").unwrap();
    std::fs::write(dir.path().join("ext"), "Ext-S3cret-1234567").unwrap();
    let profile = r#"
version: 1
site: { name: t, asterisk: 20, channel_drivers: [sip, pjsip] }
network:
  local_nets: [192.168.1.0/24]
  udp: { port: 5060 }
extensions:
  - { number: "101", name: One, secret: "${file:ext}" }
click_to_call:
  - name: support
    callee: "101"
    via: gateway
    gateway: { allow_from: [203.0.113.10/32] }
    caller_id: Web support
    password: "${file:gw}"
"#;
    let path = dir.path().join("site.yaml");
    std::fs::write(&path, profile).unwrap();
    let profile = pbxgen::profile::load(&path).unwrap();
    let files = render::render_profile(&profile, &RenderOptions::default()).unwrap();
    let file = |name: &str| {
        &files
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("{name} rendered"))
            .contents
    };
    let pjsip = file("pjsip.conf");
    assert!(pjsip.contains("\n[endpoint.phone](!)\n"), "{pjsip}");
    assert!(
        pjsip.contains("\n[click-to-call-support](endpoint.phone)\n"),
        "{pjsip}"
    );
    assert!(
        !pjsip.contains("[ext101]"),
        "chan_sip serves the phone: {pjsip}"
    );
    assert!(file("sip.conf").contains("\n[ext101]"));
    let dialplan = file("extensions.conf");
    let context = &dialplan[dialplan.find("[click-to-call-support]").unwrap()..];
    let context = &context[..context.find("\n[").unwrap_or(context.len())];
    assert!(context.contains("Dial(SIP/ext101,"), "{context}");
    assert!(!context.contains("PJSIP/"), "{context}");
    let report = vetted_high(&path);
    let found: Vec<String> = report
        .findings
        .iter()
        .map(|f| format!("{} {}", f.rule.code, f.message))
        .collect();
    assert!(found.is_empty(), "{found:#?}");
}
