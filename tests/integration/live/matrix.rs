//! A generated matrix of profiles (each optional feature on and off; 1, 10 and 1,000
//! extensions; udp/tcp/tls; Twilio origination by edges; trunks with and without registration)
//! renders and loads into Asterisk 22 with no configuration error, and Asterisk lists exactly
//! the objects and contexts pbxgen's model of the rendered files predicts.

use super::support::{add_test_certs, live, render, save_report};
use pbxgen::verify::{VerifyOptions, predict_dir, verify_dir};
use std::fmt::Write as _;
use std::path::Path;

/// Where Twilio may call from.
#[derive(Clone, Debug)]
enum Edges {
    All,
    Some(&'static [&'static str]),
}

/// How the PBX reaches Twilio.
#[derive(Clone, Debug)]
enum Termination {
    /// An Elastic SIP trunk over this transport (`tls` or `udp`).
    Trunk(&'static str),
    /// A Programmable Voice SIP domain.
    SipDomain,
}

/// One profile of the matrix.
#[derive(Clone, Debug)]
struct Profile {
    name: &'static str,
    extensions: usize,
    /// Transports the PBX listens on (`udp`, `tcp`, `tls`).
    transports: &'static [&'static str],
    origination: Option<Edges>,
    termination: Option<Termination>,
    /// (name, transport, register).
    trunks: &'static [(&'static str, &'static str, bool)],
    voicemail: bool,
    /// `legacy` or `current` WebSMS layout.
    sms: Option<&'static str>,
    /// `network.public_address` (Twilio needs one).
    public_address: Option<&'static str>,
}

impl Profile {
    fn number(i: usize) -> String {
        format!("{}", 2000 + i)
    }

    /// The profile's YAML; secrets are `${file:secrets/NAME}` written by [`Profile::write`].
    fn yaml(&self) -> String {
        let mut y = String::new();
        let drivers = "[pjsip]";
        writeln!(
            y,
            "version: 1\nsite:\n  name: {}\n  asterisk: 22\n  channel_drivers: {drivers}",
            self.name
        )
        .unwrap();
        y.push_str("network:\n  bind: 0.0.0.0\n  local_nets: [10.0.0.0/8]\n");
        if let Some(public) = self.public_address {
            writeln!(y, "  public_address: {public}").unwrap();
        }
        for t in self.transports {
            match *t {
                "udp" => y.push_str("  udp: { port: 5060 }\n"),
                "tcp" => y.push_str("  tcp: { port: 5060 }\n"),
                "tls" => y.push_str(
                    "  tls:\n    port: 5061\n    cert_file: /etc/asterisk/keys/pbx.crt\n    key_file: /etc/asterisk/keys/pbx.key\n",
                ),
                other => panic!("transport {other}"),
            }
        }
        if self.origination.is_some() || self.termination.is_some() {
            y.push_str("twilio:\n");
            if let Some(edges) = &self.origination {
                let edges = match edges {
                    Edges::All => "all".to_string(),
                    Edges::Some(list) => format!("[{}]", list.join(", ")),
                };
                writeln!(
                    y,
                    "  origination:\n    edges: {edges}\n    context: from-twilio"
                )
                .unwrap();
            }
            match &self.termination {
                Some(Termination::Trunk(transport)) => writeln!(
                    y,
                    "  termination:\n    trunk: {}.pstn.twilio.com\n    edge: dublin\n    transport: {transport}\n    username: {}-pbx\n    password: ${{file:secrets/twilio.secret}}\n    caller_id: \"+15005550000\"",
                    self.name, self.name
                )
                .unwrap(),
                Some(Termination::SipDomain) => writeln!(
                    y,
                    "  termination:\n    sip_domain: {}.sip.twilio.com\n    transport: udp\n    username: {}-pbx\n    password: ${{file:secrets/twilio.secret}}",
                    self.name, self.name
                )
                .unwrap(),
                None => {}
            }
            y.push_str("  numbers:\n    - number: \"+15005550000\"\n      name: main\n");
        }
        if !self.trunks.is_empty() {
            y.push_str("trunks:\n");
            for (i, (name, transport, register)) in self.trunks.iter().enumerate() {
                writeln!(
                    y,
                    "  - name: {name}\n    host: 192.0.2.{}\n    transport: {transport}\n    username: \"user{i}\"\n    password: ${{file:secrets/trunk-{i}.secret}}\n    register: {register}\n    context: from-{name}\n    allow_from: [192.0.2.{}/32]\n    caller_id: \"+1500555010{i}\"",
                    10 + i,
                    10 + i
                )
                .unwrap();
            }
        }
        y.push_str("extensions:\n");
        for i in 0..self.extensions {
            let n = Self::number(i);
            writeln!(
                y,
                "  - number: \"{n}\"\n    name: Extension {n}\n    secret: ${{file:secrets/ext-{n}.secret}}"
            )
            .unwrap();
            if self.voicemail && i < 5 {
                writeln!(y, "    voicemail:\n      pin: ${{file:secrets/pin.secret}}").unwrap();
            }
            if self.sms.is_some() && i == 0 {
                y.push_str("    sms: true\n");
            }
        }
        let first = Self::number(0);
        let ring: Vec<String> = (0..self.extensions.min(3)).map(Self::number).collect();
        let ring = format!(
            "[{}]",
            ring.iter()
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let fallback = if self.voicemail {
            format!("voicemail:{first}")
        } else {
            "hangup".to_string()
        };
        let mut inbound = String::new();
        if self.origination.is_some() {
            writeln!(
                inbound,
                "  - from: twilio\n    did: \"+15005550000\"\n    ring: {ring}\n    fallback: {fallback}"
            )
            .unwrap();
        }
        for (name, _, _) in self.trunks {
            writeln!(
                inbound,
                "  - from: {name}\n    ring: {ring}\n    fallback: {fallback}"
            )
            .unwrap();
        }
        if !inbound.is_empty() {
            y.push_str("inbound:\n");
            y.push_str(&inbound);
        }
        let mut outbound = String::new();
        if let Some((name, _, _)) = self.trunks.first() {
            writeln!(
                outbound,
                "  - name: emergency\n    patterns: [\"911\"]\n    trunk: {name}"
            )
            .unwrap();
        }
        if self.termination.is_some() {
            writeln!(
                outbound,
                "  - name: national\n    patterns: [\"_1NXXNXXXXXX\"]\n    trunk: twilio\n    prepend: \"+\"\n  - name: international\n    patterns: [\"_011X.\"]\n    trunk: twilio\n    prefix_strip: 3\n    prepend: \"+\"\n    allowed: [\"{first}\"]"
            )
            .unwrap();
        }
        if !outbound.is_empty() {
            y.push_str("outbound:\n");
            y.push_str(&outbound);
        }
        match self.sms {
            Some("legacy") => writeln!(
                y,
                "sms:\n  websms:\n    layout: legacy\n    provider: zadarma\n    api:\n      user: \"a1b2c3d4e5f60718\"\n      secret: ${{file:secrets/sms.secret}}\n    deliver_to: [\"{first}\"]"
            )
            .unwrap(),
            Some("current") => writeln!(
                y,
                "sms:\n  websms:\n    layout: current\n    api:\n      url: https://sms.example.net\n      path: /api/v2/messages\n      auth_method: basic\n      user: {}\n      secret: ${{file:secrets/sms.secret}}\n      response_check: status=queued\n      number_format: e164\n    fields: {{ to: to, from: from, body: text }}\n    webhook:\n      allow_from: [198.51.100.16/28]\n    deliver_to: [\"{first}\"]",
                self.name
            )
            .unwrap(),
            Some(other) => panic!("sms layout {other}"),
            None => {}
        }
        y
    }

    /// Write the profile and its secrets into `dir`; returns the profile's path.
    fn write(&self, dir: &Path) -> std::path::PathBuf {
        let secrets = dir.join("secrets");
        std::fs::create_dir_all(&secrets).unwrap();
        for (name, value) in [
            ("pin.secret", "4812"),
            ("twilio.secret", "Matrix-Twilio-Secret-0123456789"),
            ("sms.secret", "Matrix-Sms-Secret-0123456789"),
        ] {
            std::fs::write(secrets.join(name), value).unwrap();
        }
        // One secret per account: `render` refuses secrets shared between accounts (PBX501).
        for i in 0..self.extensions {
            let n = Self::number(i);
            std::fs::write(
                secrets.join(format!("ext-{n}.secret")),
                format!("Matrix-ext-{n}-Secret-0123456789"),
            )
            .unwrap();
        }
        for i in 0..self.trunks.len() {
            std::fs::write(
                secrets.join(format!("trunk-{i}.secret")),
                format!("Matrix-Trunk-{i}-Secret-0123456789"),
            )
            .unwrap();
        }
        let path = dir.join(format!("{}.yaml", self.name));
        std::fs::write(&path, self.yaml()).unwrap();
        path
    }
}

fn matrix() -> Vec<Profile> {
    let base = Profile {
        name: "m-minimal",
        extensions: 1,
        transports: &["udp"],
        origination: None,
        termination: None,
        trunks: &[],
        voicemail: false,
        sms: None,
        public_address: None,
    };
    vec![
        base.clone(),
        Profile {
            name: "m-ten-tcp",
            extensions: 10,
            transports: &["tcp"],
            trunks: &[("itsp", "tcp", true)],
            voicemail: true,
            ..base.clone()
        },
        Profile {
            name: "m-thousand",
            extensions: 1000,
            transports: &["udp"],
            trunks: &[("itsp", "udp", false)],
            voicemail: true,
            ..base.clone()
        },
        Profile {
            name: "m-tls-only",
            extensions: 10,
            transports: &["tls"],
            origination: Some(Edges::Some(&["dublin", "ashburn"])),
            termination: Some(Termination::Trunk("tls")),
            trunks: &[("secure", "tls", true)],
            public_address: Some("203.0.113.10"),
            ..base.clone()
        },
        Profile {
            name: "m-everything",
            extensions: 10,
            transports: &["udp", "tcp", "tls"],
            origination: Some(Edges::All),
            termination: Some(Termination::Trunk("udp")),
            trunks: &[("itsp", "udp", true), ("backup", "tcp", false)],
            voicemail: true,
            sms: Some("current"),
            public_address: Some("pbx.matrix.example.net"),
        },
        Profile {
            name: "m-twilio-in-only",
            extensions: 1,
            origination: Some(Edges::Some(&["frankfurt"])),
            sms: Some("legacy"),
            public_address: Some("203.0.113.10"),
            ..base.clone()
        },
        Profile {
            name: "m-sip-domain",
            extensions: 10,
            termination: Some(Termination::SipDomain),
            public_address: Some("203.0.113.10"),
            ..base.clone()
        },
    ]
}

#[test]
fn a_matrix_of_profiles_loads_in_asterisk_22_as_pbxgen_predicts() {
    let asterisk = live!();
    let profiles = matrix();
    let failures = std::sync::Mutex::new(Vec::<String>::new());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let start = std::time::Instant::now();
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(profile) = profiles.get(i) else {
                        break;
                    };
                    let tmp = tempfile::tempdir().unwrap();
                    let path = profile.write(tmp.path());
                    let out = tmp.path().join("rendered");
                    render(&path, &out);
                    for entry in std::fs::read_dir(&out).unwrap() {
                        let p = entry.unwrap().path();
                        let name = p.file_name().unwrap().to_string_lossy().into_owned();
                        if ![
                            "pjsip.conf",
                            "extensions.conf",
                            "voicemail.conf",
                            "websms.conf",
                        ]
                        .contains(&name.as_str())
                        {
                            std::fs::remove_file(&p).unwrap();
                        }
                    }
                    add_test_certs(&out);
                    let prediction = predict_dir(&out, Some(22)).unwrap();
                    let t = std::time::Instant::now();
                    let report = verify_dir(
                        &out,
                        &asterisk,
                        &VerifyOptions {
                            prediction: Some(prediction),
                            ..Default::default()
                        },
                    )
                    .unwrap_or_else(|e| panic!("{}: {e}", profile.name));
                    save_report(profile.name, &report);
                    eprintln!(
                        "{}: {} endpoints, {} contexts; booted in {:.2}s, verified in {:.2}s",
                        profile.name,
                        report.objects.endpoints.len(),
                        report.objects.contexts.len(),
                        report.boot_seconds,
                        t.elapsed().as_secs_f64()
                    );
                    let comparison = report.comparison.as_ref().unwrap();
                    let mut problems = String::new();
                    if report.errors + report.warnings > 0 {
                        problems.push_str(&report.findings_text());
                    }
                    if !comparison.is_exact() {
                        problems.push_str(&comparison.to_string());
                    }
                    if !report.rejected.is_empty() {
                        problems.push_str(&format!("rejected: {:?}\n", report.rejected));
                    }
                    // Not vacuous: every extension is there.
                    if report.objects.endpoints.len() < profile.extensions {
                        problems.push_str("fewer endpoints than extensions\n");
                    }
                    if !problems.is_empty() {
                        failures
                            .lock()
                            .unwrap()
                            .push(format!("{} ({profile:?}):\n{problems}", profile.name));
                    }
                }
            });
        }
    });
    eprintln!(
        "{} profiles verified in {:.1}s",
        profiles.len(),
        start.elapsed().as_secs_f64()
    );
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
