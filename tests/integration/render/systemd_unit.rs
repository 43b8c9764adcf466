//! `pbxgen-twilio.service`: the unit of the home-lab example and of a direct-TLS variant on
//! port 443 hold the hardening the README promises and no secret, every directive is one
//! systemd knows, and — where `systemd-analyze` is installed (always under `CI=true`: `.ci/run`
//! installs it) — systemd itself verifies the unit and rates its exposure.

use super::{SecretMode, render_example};
use crate::util::repo_path;
use pbxgen::profile::{self, Origin};
use pbxgen::render::{self, RenderOptions};
use std::collections::BTreeMap;
use std::process::Command;

const UNIT: &str = "pbxgen-twilio.service";

/// `[section] → key → values` (a key may repeat: `SystemCallFilter=`, `LoadCredential=`).
type Unit = BTreeMap<String, BTreeMap<String, Vec<String>>>;

fn parse_unit(text: &str) -> Unit {
    let mut unit = Unit::new();
    let mut section = None;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = Some(name.to_string());
            unit.entry(name.to_string()).or_default();
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .unwrap_or_else(|| panic!("line {}: not `Key=value`: {line}", n + 1));
        let section = section
            .clone()
            .unwrap_or_else(|| panic!("line {}: a directive before any section", n + 1));
        unit.entry(section)
            .or_default()
            .entry(key.to_string())
            .or_default()
            .push(value.to_string());
    }
    unit
}

/// Directives systemd 252 documents for these sections (systemd.unit, systemd.service,
/// systemd.exec, systemd.kill, systemd.resource-control): the unit must use no other.
const KNOWN: &[(&str, &[&str])] = &[
    (
        "Unit",
        &[
            "Description",
            "Documentation",
            "After",
            "Wants",
            "Requires",
            "Before",
        ],
    ),
    (
        "Service",
        &[
            "Type",
            "ExecStart",
            "LoadCredential",
            "Restart",
            "RestartSec",
            "TimeoutStopSec",
            "DynamicUser",
            "User",
            "NoNewPrivileges",
            "ProtectSystem",
            "ProtectHome",
            "PrivateTmp",
            "PrivateDevices",
            "PrivateMounts",
            "PrivateUsers",
            "ProtectKernelTunables",
            "ProtectKernelModules",
            "ProtectKernelLogs",
            "ProtectControlGroups",
            "ProtectClock",
            "ProtectHostname",
            "ProtectProc",
            "ProcSubset",
            "RestrictAddressFamilies",
            "RestrictNamespaces",
            "RestrictRealtime",
            "RestrictSUIDSGID",
            "LockPersonality",
            "MemoryDenyWriteExecute",
            "RemoveIPC",
            "SystemCallArchitectures",
            "SystemCallFilter",
            "SystemCallErrorNumber",
            "CapabilityBoundingSet",
            "AmbientCapabilities",
            "UMask",
            "ReadOnlyPaths",
        ],
    ),
    ("Install", &["WantedBy"]),
];

fn one<'a>(unit: &'a Unit, section: &str, key: &str) -> &'a str {
    match unit.get(section).and_then(|s| s.get(key)) {
        Some(values) if values.len() == 1 => &values[0],
        other => panic!("[{section}] {key}: expected one value, found {other:?}"),
    }
}

/// The hardening every rendered unit has, whatever the profile.
fn assert_hardened(name: &str, unit: &Unit) {
    for (section, keys) in unit {
        let known = KNOWN
            .iter()
            .find(|(s, _)| s == section)
            .unwrap_or_else(|| panic!("{name}: unexpected section [{section}]"))
            .1;
        for key in keys.keys() {
            assert!(
                known.contains(&key.as_str()),
                "{name}: unknown [{section}] {key}"
            );
        }
    }
    for (key, value) in [
        ("DynamicUser", "yes"),
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("PrivateTmp", "yes"),
        ("PrivateDevices", "yes"),
        ("ProtectKernelTunables", "yes"),
        ("ProtectKernelModules", "yes"),
        ("ProtectKernelLogs", "yes"),
        ("ProtectControlGroups", "yes"),
        ("RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX"),
        ("RestrictNamespaces", "yes"),
        ("RestrictRealtime", "yes"),
        ("LockPersonality", "yes"),
        ("MemoryDenyWriteExecute", "yes"),
        ("Restart", "on-failure"),
        ("Type", "exec"),
    ] {
        assert_eq!(one(unit, "Service", key), value, "{name}: {key}");
    }
    let filters = &unit["Service"]["SystemCallFilter"];
    assert!(filters.contains(&"@system-service".to_string()), "{name}");
    let exec = one(unit, "Service", "ExecStart");
    assert!(
        exec.starts_with("/usr/local/bin/pbxgen twilio serve /etc/pbxgen/")
            && exec.contains(" --token-file ${CREDENTIALS_DIRECTORY}/twilio-auth-token"),
        "{name}: {exec}"
    );
    let credentials = &unit["Service"]["LoadCredential"];
    assert!(
        credentials[0].starts_with("twilio-auth-token:/"),
        "{name}: {credentials:?}"
    );
    assert_eq!(one(unit, "Install", "WantedBy"), "multi-user.target");
}

fn home_lab_unit() -> String {
    let files = render_example("home-lab", SecretMode::Resolve);
    let file = files
        .iter()
        .find(|f| f.name == UNIT)
        .expect("home-lab renders the unit");
    assert!(!file.holds_secrets, "the unit prints no secret");
    file.contents.to_string()
}

/// A site serving HTTPS itself on port 443, its token from the environment.
fn direct_tls_unit() -> String {
    let text = r#"
version: 1
site: { name: edge, asterisk: 22 }
network: { public_address: pbx.example.net, local_nets: [10.0.0.0/8], udp: {} }
twilio:
  origination: { context: from-twilio }
  numbers: [{ number: "+15551234567", name: main }]
  webhook:
    public_url: https://pbx.example.net/twilio
    listen: 0.0.0.0:443
    auth_token: ${env:TWILIO_AUTH_TOKEN}
    tls:
      cert_file: /etc/letsencrypt/live/pbx.example.net/fullchain.pem
      key_file: /etc/letsencrypt/live/pbx.example.net/privkey.pem
"#;
    let profile = profile::parse(text, Origin::named("edge.yaml")).unwrap();
    let files = render::render_profile(&profile, &RenderOptions::default()).unwrap();
    files
        .into_iter()
        .find(|f| f.name == UNIT)
        .unwrap()
        .contents
        .to_string()
}

#[test]
fn the_home_lab_unit_is_hardened_and_holds_no_secret() {
    let text = home_lab_unit();
    let unit = parse_unit(&text);
    assert_hardened("home-lab", &unit);
    assert_eq!(one(&unit, "Service", "CapabilityBoundingSet"), "");
    assert_eq!(one(&unit, "Service", "AmbientCapabilities"), "");
    assert_eq!(one(&unit, "Service", "PrivateUsers"), "yes");
    assert_eq!(
        unit["Service"]["LoadCredential"],
        ["twilio-auth-token:/etc/pbxgen/secrets/twilio-auth-token.secret"],
        "the profile's relative ${{file:…}} reference, under /etc/pbxgen"
    );
    assert_eq!(
        one(&unit, "Service", "ExecStart"),
        "/usr/local/bin/pbxgen twilio serve /etc/pbxgen/home-lab.yaml \
         --token-file ${CREDENTIALS_DIRECTORY}/twilio-auth-token"
    );
    let token =
        std::fs::read_to_string(repo_path("examples/secrets/twilio-auth-token.secret")).unwrap();
    assert!(!text.contains(token.trim_end()));
}

#[test]
fn a_direct_tls_unit_on_port_443_gets_its_key_as_a_credential_and_one_capability() {
    let text = direct_tls_unit();
    let unit = parse_unit(&text);
    assert_hardened("edge", &unit);
    assert_eq!(
        one(&unit, "Service", "CapabilityBoundingSet"),
        "CAP_NET_BIND_SERVICE"
    );
    assert_eq!(
        one(&unit, "Service", "AmbientCapabilities"),
        "CAP_NET_BIND_SERVICE"
    );
    assert!(!unit["Service"].contains_key("PrivateUsers"));
    assert_eq!(
        unit["Service"]["LoadCredential"],
        [
            "twilio-auth-token:/etc/pbxgen/twilio-auth-token",
            "twilio-tls-cert:/etc/letsencrypt/live/pbx.example.net/fullchain.pem",
            "twilio-tls-key:/etc/letsencrypt/live/pbx.example.net/privkey.pem",
        ]
    );
    assert!(one(&unit, "Service", "ExecStart").ends_with(
        " --tls-cert ${CREDENTIALS_DIRECTORY}/twilio-tls-cert \
             --tls-key ${CREDENTIALS_DIRECTORY}/twilio-tls-key"
    ));
    assert!(
        text.contains("environment variable TWILIO_AUTH_TOKEN"),
        "{text}"
    );
}

/// `systemd-analyze`, or `None` (with a note) where it is not installed outside CI.
fn systemd_analyze() -> Option<&'static str> {
    let found = Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some("systemd-analyze");
    }
    assert!(
        !crate::util::in_ci(),
        "systemd-analyze is missing under CI=true: .ci/run installs it (Debian package `systemd`)"
    );
    eprintln!("note: systemd-analyze not installed; skipping systemd's own check of the unit");
    None
}

#[test]
fn systemd_verifies_the_units_and_rates_them_ok() {
    let Some(analyze) = systemd_analyze() else {
        return;
    };
    let binary = assert_cmd::cargo::cargo_bin("pbxgen");
    for (name, text) in [("home-lab", home_lab_unit()), ("edge", direct_tls_unit())] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(UNIT);
        // `verify` checks that the command exists: point it at the binary under test.
        let text = text.replace(
            "ExecStart=/usr/local/bin/pbxgen ",
            &format!("ExecStart={} ", binary.display()),
        );
        std::fs::write(&path, text).unwrap();
        let verify = Command::new(analyze)
            .arg("verify")
            .arg(&path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&verify.stderr);
        assert!(
            verify.status.success() && stderr.trim().is_empty(),
            "{name}: systemd-analyze verify: {stderr}"
        );
        // Exposure 0 (fully sandboxed) to 10; systemd calls up to 2.0 "OK". Needs systemd ≥ 250.
        let security = Command::new(analyze)
            .args(["security", "--offline=yes", "--threshold=20"])
            .arg(&path)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&security.stdout);
        assert!(
            security.status.success(),
            "{name}: exposure above 2.0: {stdout}{}",
            String::from_utf8_lossy(&security.stderr)
        );
    }
}
