//! No profile value can add a line, a section, a directive or an argument to any file: every
//! string field kind of both examples gets newline, `;`, `[`, `#include`, `,` and friends; the
//! profile must refuse it, or the rendered files must hold no injected syntax. The renderer's
//! own checks are tested without the profile's: a plan carrying a hostile value is refused.

use super::example_site;
use crate::util::repo_path;
use pbxgen::plan::Plan;
use pbxgen::render::{self, RenderOptions, SecretMode};
use std::path::Path;

/// Values that would inject syntax somewhere, all marked with `injected`.
const PAYLOADS: &[&str] = &[
    "x\n[injected]",
    "x\ninjected=yes",
    "x\r\n#include /etc/injected",
    "x;injected",
    "[injected]",
    "#include /etc/injected",
    "x,injected",
    "x)injected",
    "x&injected",
    "x\"injected",
    "x<injected/>",
    "x${injected}",
    "x injected",
];

/// `(example, text in the example, the same line with {} for the value)`: one field of each
/// string kind the profile has, in the places the renderer prints them.
const FIELDS: &[(&str, &str, &str)] = &[
    ("home-lab", "name: home-lab", "name: {}"),
    (
        "home-lab",
        "public_address: pbx.home.example.net",
        "public_address: {}",
    ),
    (
        "home-lab",
        "local_nets: [192.168.1.0/24]",
        "local_nets: [{}]",
    ),
    ("home-lab", "context: from-twilio ", "context: {} "),
    ("home-lab", "number: \"+15551234567\"", "number: {}"),
    ("home-lab", "name: main", "name: {}"),
    ("home-lab", "number: \"101\"", "number: {}"),
    ("home-lab", "name: Kitchen phone", "name: {}"),
    (
        "home-lab",
        "secret: ${file:secrets/ext-101.secret}",
        "secret: {}",
    ),
    ("home-lab", "pin: ${file:secrets/vm-101.secret}", "pin: {}"),
    ("home-lab", "device: spa3102:home", "device: {}"),
    ("home-lab", "- name: home", "- name: {}"),
    ("home-lab", "lan_address: 192.168.1.50", "lan_address: {}"),
    (
        "home-lab",
        "pstn:\n      trunk: atapstn",
        "pstn:\n      trunk: {}",
    ),
    (
        "home-lab",
        "trunk: atapstn\n    allowed",
        "trunk: {}\n    allowed",
    ),
    ("home-lab", "context: from-pstn", "context: {}"),
    ("home-lab", "did: \"+15551234567\"", "did: {}"),
    ("home-lab", "number: \"0799999999\"", "number: {}"),
    ("home-lab", "via: atapstn", "via: {}"),
    ("home-lab", "ring: [\"101\", \"102\"]", "ring: [{}]"),
    ("home-lab", "fallback: voicemail:101", "fallback: {}"),
    ("home-lab", "- name: landline", "- name: {}"),
    (
        "home-lab",
        "patterns: [\"_0[1-9]XXXXXXXX\"]",
        "patterns: [{}]",
    ),
    ("home-lab", "user: \"a1b2c3d4e5f60718\"", "user: {}"),
    (
        "home-lab",
        "secret: ${file:secrets/zadarma-api.secret}",
        "secret: {}",
    ),
    ("home-lab", "deliver_to: [\"102\"]", "deliver_to: [{}]"),
    (
        "small-office",
        "cert_file: /etc/asterisk/keys/pbx.office.example.co.uk.crt",
        "cert_file: {}",
    ),
    (
        "small-office",
        "trunk: small-office.pstn.twilio.com",
        "trunk: {}",
    ),
    ("small-office", "edge: dublin", "edge: {}"),
    ("small-office", "username: small-office-pbx", "username: {}"),
    (
        "small-office",
        "caller_id: \"+441632960000\"",
        "caller_id: {}",
    ),
    ("small-office", "host: sip.itsp.example.net", "host: {}"),
    ("small-office", "username: \"100200300\"", "username: {}"),
    ("small-office", "context: from-itsp", "context: {}"),
    (
        "small-office",
        "allow_from: [198.51.100.0/28]",
        "allow_from: [{}]",
    ),
    (
        "small-office",
        "email: office@example.co.uk\n    sms: true",
        "email: {}\n    sms: true",
    ),
    ("small-office", "permit: [10.20.30.0/24]", "permit: [{}]"),
    ("small-office", "prepend: \"+44\"", "prepend: {}"),
    (
        "small-office",
        "patterns: [\"999\", \"112\"]",
        "patterns: [{}]",
    ),
    (
        "small-office",
        "url: https://sms.itsp.example.net",
        "url: {}",
    ),
    ("small-office", "path: /api/v2/messages", "path: {}"),
    (
        "small-office",
        "response_check: status=queued",
        "response_check: {}",
    ),
    (
        "small-office",
        "fields: { to: to, from: from, body: text }",
        "fields: {{ to: {}, from: from, body: text }}",
    ),
    (
        "small-office",
        "trusted_proxies: [10.20.0.5]",
        "trusted_proxies: [{}]",
    ),
];

/// Render `yaml` (written next to the example so `${file:…}` secrets resolve): `None` when the
/// profile, plan or render refuses it.
fn render_text(dir: &Path, yaml: &str) -> Option<Vec<render::RenderedFile>> {
    let path = dir.join("site.yaml");
    std::fs::write(&path, yaml).unwrap();
    let profile = pbxgen::profile::load(&path).ok()?;
    let site = pbxgen::plan::plan(&profile).ok()?;
    render::render(&site, &RenderOptions::default()).ok()
}

/// Syntax an injected value would have produced.
fn injected_syntax(file: &str, contents: &str) -> Option<String> {
    for line in contents.lines() {
        let trimmed = line.trim_start();
        // Comments hold descriptions; the escaping keeps them comments (checked below).
        if !file.ends_with(".xml") && trimmed.starts_with(';') {
            if line.contains("\ninjected") || line.contains("\n[injected") {
                return Some(line.to_string());
            }
            continue;
        }
        let bad = trimmed.starts_with("[injected")
            || trimmed.starts_with("#include")
            || trimmed.starts_with("injected")
            || trimmed.starts_with("<injected")
            || line.contains("<injected")
            || line.contains(",injected")
            || (file == "extensions.conf" && line.contains(")injected"))
            || (file == "extensions.conf" && line.contains("${injected}"))
            || (!file.ends_with(".xml")
                && line.contains(";injected")
                && !line.contains("\\;injected"));
        if bad {
            return Some(line.to_string());
        }
    }
    None
}

#[test]
fn every_string_field_refuses_or_neutralises_injection() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    // The examples' secret files, next to the edited profile.
    std::fs::create_dir(dir.join("secrets")).unwrap();
    for entry in std::fs::read_dir(repo_path("examples/secrets")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join("secrets").join(entry.file_name())).unwrap();
    }
    let (mut refused, mut accepted) = (0, 0);
    for (example, original, template) in FIELDS {
        let text = std::fs::read_to_string(repo_path(&format!("examples/{example}.yaml"))).unwrap();
        assert_eq!(
            text.matches(original).count(),
            1,
            "{example}: `{original}` must occur once"
        );
        assert!(
            render_text(dir, &text).is_some(),
            "{example} renders unchanged"
        );
        for payload in PAYLOADS {
            // A JSON string is a YAML double-quoted scalar: the payload arrives byte for byte.
            let quoted = serde_json::to_string(payload).unwrap();
            let yaml = text.replace(original, &template.replace("{}", &quoted));
            match render_text(dir, &yaml) {
                None => refused += 1,
                Some(files) => {
                    accepted += 1;
                    for file in files {
                        if let Some(line) = injected_syntax(&file.name, &file.contents) {
                            panic!(
                                "{example} `{original}` = {payload:?}: {} got `{line}`",
                                file.name
                            );
                        }
                    }
                }
            }
        }
    }
    assert!(refused > 0);
    eprintln!("injection attempts: {refused} refused, {accepted} accepted and neutralised");
}

/// A hostile value that bypassed profile validation (e.g. from a future field) is still
/// stopped by the renderer.
#[test]
fn the_renderer_refuses_hostile_values_on_its_own() {
    type Mutation = fn(&mut Plan, &str);
    let mutations: [(&str, Mutation); 6] = [
        ("endpoint context", |s, v| {
            std::sync::Arc::make_mut(&mut s.pjsip.as_mut().unwrap().accounts)[0]
                .endpoint
                .context = v.into()
        }),
        ("callerid name", |s, v| {
            std::sync::Arc::make_mut(&mut s.pjsip.as_mut().unwrap().accounts)[0]
                .endpoint
                .callerid
                .as_mut()
                .unwrap()
                .name = v.into()
        }),
        ("dialplan pattern", |s, v| {
            std::sync::Arc::make_mut(&mut s.dialplan).contexts[0].extensions[0].pattern = v.into()
        }),
        ("transport external address", |s, v| {
            s.pjsip.as_mut().unwrap().transports[0].external_address = Some(v.into())
        }),
        ("websms value", |s, v| {
            s.websms.as_mut().unwrap().sections[0].entries[0].value =
                pbxgen::plan::websms::IniValue::Text(v.into())
        }),
        ("twiml uri", |s, v| s.twiml[0].sip_uri = v.into()),
    ];
    for (what, mutate) in mutations {
        for payload in [
            "x\n[injected]",
            "x\r#include y",
            "x\"injected",
            "x${injected}",
        ] {
            let mut site = example_site("small-office");
            mutate(&mut site, payload);
            match render::render(
                &site,
                &RenderOptions {
                    secrets: SecretMode::Mask,
                    ..RenderOptions::default()
                },
            ) {
                Err(err) => assert!(
                    !err.message.contains(payload),
                    "{what}: the error quotes the value"
                ),
                Ok(files) => {
                    for file in files {
                        assert!(
                            injected_syntax(&file.name, &file.contents).is_none()
                                && !file.contents.contains(payload),
                            "{what} = {payload:?} reached {}",
                            file.name
                        );
                    }
                }
            }
        }
    }
}
