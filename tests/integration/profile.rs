//! The site profile: both examples load, every error class points at its exact position,
//! secret references resolve (or fail clearly), the committed schema matches the code.

use crate::util::{pbxgen, repo_path};
use pbxgen::profile::{
    self, Allowed, ChannelDriver, Edges, Fallback, Origin, Profile, SecretRole, SecretSource,
    TrunkRef,
};
use pbxgen::{ErrorKind, Location};
use std::path::Path;

/// Run a command; its exit code, stdout and stderr.
fn run(cmd: &mut assert_cmd::Command) -> (i32, String, String) {
    let out = cmd.output().expect("pbxgen runs");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

fn load_example(name: &str) -> Profile {
    let path = repo_path(&format!("examples/{name}"));
    profile::load(&path).unwrap_or_else(|e| panic!("{} is valid: {e}", path.display()))
}

// ---------------------------------------------------------------------------------------------
// examples

#[test]
fn home_lab_is_the_seed_scenario() {
    let p = load_example("home-lab.yaml");
    assert_eq!(p.site.name, "home-lab");
    assert_eq!(p.site.asterisk.value, 20);
    assert!(p.wants(ChannelDriver::Pjsip) && p.wants(ChannelDriver::Sip));

    // Twilio calls are recognised by all of Twilio's signalling ranges.
    let twilio = p.twilio.as_ref().expect("twilio section");
    assert_eq!(twilio.origination.as_ref().unwrap().edges, Edges::All);
    let ranges = p.twilio_ranges().expect("preset resolved");
    let accepted = p.twilio_origination_networks();
    assert_eq!(
        accepted,
        ranges.all_signalling().copied().collect::<Vec<_>>()
    );
    assert_eq!(accepted.len(), 8);

    // ...and forwarded to a mobile number over the SPA3102's landline.
    let route = p
        .inbound_from("twilio")
        .next()
        .expect("a route for Twilio calls");
    let forward = route.forward.as_ref().expect("forwarded");
    assert_eq!(forward.via, "atapstn");
    match p.trunk_ref(&forward.via) {
        Some(TrunkRef::Pstn(device, pstn)) => {
            assert_eq!(device.name, "home");
            assert_eq!(pstn.context, "from-pstn");
        }
        other => panic!("atapstn should be the SPA3102's PSTN line, found {other:?}"),
    }

    // The SPA3102's FXS phone is extension 101; 102 is a softphone with SMS.
    assert_eq!(
        p.fxs_device_of("101").map(|d| d.name.as_str()),
        Some("home")
    );
    assert!(p.extension("102").unwrap().sms);
    let config = p.spa3102_config(p.device("home").unwrap());
    assert_ne!(config.fxs_sip_port, config.pstn_sip_port);

    // SMS through Zadarma, legacy layout, preset applied.
    let websms = p.websms().expect("websms");
    assert_eq!(websms.layout, profile::WebSmsLayout::Legacy);
    assert_eq!(websms.provider.as_deref(), Some("zadarma"));
    assert_eq!(websms.url, "https://api.zadarma.com");
    assert_eq!(websms.auth_method, profile::AuthMethod::Zadarma);
    assert_eq!(
        websms.field_echo.as_ref().map(|f| f.as_str()),
        Some("zd_echo")
    );
    assert_eq!(websms.channel_context, "dp_entry_channel_open");
    assert_eq!(websms.text_context, "dp_entry_trunk_texting");

    // When the PBX cannot take a Twilio call, the signed webhook sends it to the mobile.
    let webhook = twilio.webhook.as_ref().expect("twilio.webhook");
    assert!(webhook.public_url.url().is_https());
    assert_eq!(webhook.listen.to_string(), "127.0.0.1:8088");
    let failover = twilio.numbers[0].failover.as_ref().expect("failover");
    assert_eq!(failover.number, "+59899999999");
    let on: Vec<&str> = failover.on.iter().map(|s| s.value.as_str()).collect();
    assert_eq!(on, ["failed", "busy", "no-answer"]);
}

#[test]
fn small_office_is_asterisk_22_with_a_secure_twilio_trunk() {
    let p = load_example("small-office.yaml");
    assert_eq!(p.site.asterisk.value, 22);
    assert!(p.wants(ChannelDriver::Pjsip) && !p.wants(ChannelDriver::Sip));
    assert_eq!(p.extensions.len(), 20);

    let termination = p
        .twilio
        .as_ref()
        .and_then(|t| t.termination.as_ref())
        .expect("termination");
    assert_eq!(termination.transport.value, profile::TwilioTransport::Tls);
    assert!(termination.srtp_enabled());
    assert!(p.network.tls.is_some());
    assert_eq!(p.trunks.len(), 1, "a second ITSP");

    let national = p
        .outbound
        .iter()
        .find(|r| r.name == "national")
        .expect("national route");
    let international = p
        .outbound
        .iter()
        .find(|r| r.name == "international")
        .expect("international route");
    assert_eq!(national.trunk, "twilio");
    assert_eq!(
        international.prepend.as_ref().map(|p| p.as_str()),
        Some("+")
    );
    assert!(matches!(&international.allowed, Allowed::Extensions(list) if list.len() == 3));

    let websms = p.websms().expect("websms");
    assert_eq!(websms.layout, profile::WebSmsLayout::Current);
    assert_eq!(websms.channel_context, "dp_entry_answer");
    assert_eq!(websms.text_context, "dp_entry_text_in");

    let fallback = &p.inbound_from("twilio").next().unwrap().fallback;
    assert!(matches!(fallback, Fallback::Voicemail(n) if n == "201"));
}

/// Secure by default: no inline secret, every secret resolves to a strong value, every
/// extension and trunk is limited to known networks, the SMS webhook has a source list.
#[test]
fn examples_are_secure_by_default() {
    for name in ["home-lab.yaml", "small-office.yaml"] {
        let p = load_example(name);
        assert!(p.inline_secrets().is_empty(), "{name}: inline secrets");
        for used in p.secrets() {
            assert!(
                matches!(used.secret.source(), SecretSource::File(_)),
                "{name}: {}",
                used.field
            );
            let value = used
                .resolve()
                .unwrap_or_else(|e| panic!("{name}: {}: {e}", used.field));
            if used.role == SecretRole::Pin {
                assert!(
                    value.len() >= 6 && value.chars().all(|c| c.is_ascii_digit()),
                    "{name}: {}",
                    used.field
                );
            } else {
                let strong = value.chars().count() >= 16
                    && value.chars().any(|c| c.is_ascii_lowercase())
                    && value.chars().any(|c| c.is_ascii_uppercase())
                    && value.chars().any(|c| c.is_ascii_digit());
                assert!(strong, "{name}: {} is not a strong secret", used.field);
            }
        }
        for ext in &p.extensions {
            assert!(
                !p.extension_permit(ext).is_empty(),
                "{name}: extension {} has no ACL",
                ext.number
            );
            assert!(
                p.extension_permit(ext)
                    .iter()
                    .all(|c| c.net().prefix_len() > 0),
                "{name}: extension {} is open to the internet",
                ext.number
            );
        }
        for trunk in &p.trunks {
            assert!(
                !trunk.allow_from.is_empty(),
                "{name}: trunk {} has no allow_from",
                trunk.name
            );
        }
        if let Some(websms) = p.websms() {
            assert!(!websms.allow_from.is_empty());
        }
    }
}

#[test]
fn profile_check_accepts_the_examples() {
    for name in ["home-lab.yaml", "small-office.yaml"] {
        let (code, stdout, stderr) = run(pbxgen().current_dir(repo_path("")).args([
            "profile",
            "check",
            &format!("examples/{name}"),
            "--resolve-secrets",
        ]));
        // Findings below `--fail-on high` are printed, nothing at or above it.
        assert_eq!(code, 0, "{name}: {stderr}");
        assert!(
            !stderr.contains("error:")
                && !stderr.contains(" high ")
                && !stderr.contains(" critical "),
            "{name}: {stderr}"
        );
        assert!(
            stdout.starts_with(&format!("examples/{name}: valid profile")),
            "{stdout}"
        );
        assert!(stdout.contains("0 inline, all resolved"), "{stdout}");
    }
}

// ---------------------------------------------------------------------------------------------
// errors: one fixture per class, exact position, message and hint

struct Expect {
    fixture: &'static str,
    line: u32,
    column: u32,
    message: &'static str,
    hint: Option<&'static str>,
}

const fn expect(
    fixture: &'static str,
    line: u32,
    column: u32,
    message: &'static str,
    hint: Option<&'static str>,
) -> Expect {
    Expect {
        fixture,
        line,
        column,
        message,
        hint,
    }
}

const INJECTION_DISPLAY: &str = "a display name may contain letters, digits, spaces and punctuation other than `\" ' < > & ; [ ] , \\ = $` (no invisible characters)";

#[rustfmt::skip]
const INVALID: &[Expect] = &[
    // YAML and schema
    expect("unknown-field", 10, 5, "unknown field `voicemial`, expected one of `number`, `name`, `secret`, `device`, `permit`, `voicemail`, `sms`, `codecs`, `driver`", Some("did you mean `voicemail`?")),
    expect("duplicate-key", 5, 3, "duplicate key `name`", Some("a key may appear only once in a mapping; remove one of them")),
    expect("yes-is-not-a-bool", 10, 15, "expected `true` or `false`", Some("`yes`, `no`, `on` and `off` are not booleans in a pbxgen profile")),
    expect("version-2", 1, 10, "unsupported profile version 2: this pbxgen reads version 1", None),
    expect("number-expected", 2, 28, "`asterisk`: expected a whole number from 0 to 4294967295, found `twenty`", Some("write digits only, without quotes, a sign or a decimal point")),
    expect("list-expected", 4, 15, "`local_nets`: expected a list, found `192.168.1.0/24`", Some("write a list as `[a, b]`, or one `- item` per line (a single item too: `[a]`)")),
    expect("two-documents", 7, 1, "expected one YAML document, found a second one after `---`", Some("a profile is one document: remove the `---` line and what follows it (one profile per file)")),
    expect("latin1", 2, 19, "expected UTF-8 text, found the byte 0xE9, which is not UTF-8", Some("save the profile as UTF-8 (it may be in Latin-1 or UTF-16)")),
    expect("binary", 2, 4, "expected a YAML profile, found binary data", Some("is this the right file? A profile is UTF-8 text")),
    // values
    expect("cidr-host-bits", 6, 7, "`10.0.0.1/8` is not a network address: the bits after /8 must be zero", Some("did you mean `10.0.0.0/8`? (or `10.0.0.1/32` for the single host)")),
    expect("asterisk-19", 4, 13, "expected an Asterisk major version 20, 21, 22 or 23, found 19", Some("older versions are end of life; pbxgen targets Asterisk 20 to 23")),
    expect("chan-sip-22", 5, 28, "chan_sip (`sip`) was removed in Asterisk 21; a profile for Asterisk 22 can only produce `pjsip`", Some("remove `sip` from `channel_drivers`, or target `asterisk: 20`")),
    expect("bad-secret-reference", 9, 13, "unknown secret reference `${vault:…}`: expected `${env:NAME}` or `${file:PATH}`", None),
    // injection into generated files
    expect("context-injection", 9, 14, "a context name must not contain `]`", Some("`[` and `]` would read as a section header in Asterisk configuration files; a context name may contain letters, digits, `-` and `_` (starting with a letter or digit)")),
    expect("display-name-semicolon", 8, 11, "a display name must not contain `;`", None),
    expect("display-name-markup", 8, 11, "a display name must not contain `<`", Some("`<`, `>` and `&` are markup in the SPA3102 XML and TwiML files")),
    expect("display-name-bidi", 8, 11, "a display name must not contain the invisible character U+202E", Some("bidirectional controls and zero-width characters make text read as something it is not; a display name may contain letters, digits, spaces and punctuation other than `\" ' < > & ; [ ] , \\ = $` (no invisible characters)")),
    expect("display-name-hash", 8, 11, "a display name must not start with `#`", Some("`#` at the start of a line is an Asterisk `#include`/`#exec` directive")),
    expect("secret-newline", 9, 13, "a secret must not contain a line break", Some("a line break would start a new line (a new option or section) in the generated file; a secret may contain letters, digits and `! $ % ( ) * + - . / : = ? @ ^ _ { } | ~`")),
    // duplicates and references
    expect("duplicate-extension", 13, 13, "extension `101` is defined twice", Some("first defined at {file}:7:13")),
    expect("missing-trunk", 14, 12, "outbound route `national` names trunk `zadrama`, which is not defined", Some("did you mean `zadarma`?")),
    expect("missing-extension", 17, 19, "inbound route `ring` names extension `107`, which is not defined in `extensions`", Some("defined extensions: 101")),
    expect("reserved-trunk-name", 7, 11, "the trunk name `twilio` is reserved for the `twilio:` section", None),
    expect("device-mismatch", 10, 13, "extension 101 names device `hoem`, which is not defined in `devices`", Some("did you mean `home`?")),
    expect("fallback-without-voicemail", 18, 15, "`fallback` sends to voicemail of extension 101, which has no voicemail box", Some("add `voicemail:` to extension 101")),
    // channel drivers and device names
    expect("driver-not-listed", 10, 13, "extension 101 is to be served by `sip`, which `site.channel_drivers` does not list", Some("add `sip` to `site.channel_drivers`, or remove this `driver`")),
    expect("sms-on-chan-sip", 11, 13, "extension 101 may text (`sms: true`), which needs the pjsip channel driver, but chan_sip serves it", Some("chan_sip cannot say per peer who may send MESSAGEs")),
    expect("chan-sip-port-one-driver", 5, 37, "`chan_sip_port` is only used when `site.channel_drivers` lists both `pjsip` and `sip`", Some("with one driver, it listens on `port`")),
    expect("chan-sip-port-clash", 8, 20, "chan_sip tls and chan_sip tcp would both listen on TCP port 5160", Some("with both drivers, chan_sip needs ports of its own")),
    expect("pstn-line-numeric", 11, 14, "PSTN line `5551234` registers with a number as its name: a caller whose caller ID is 5551234 would be taken for it", Some("give the line a name with a letter in it")),
    expect("trunk-named-like-a-phone", 7, 11, "`ext200` is the name of an extension's device (extensions register as `ext<number>`)", None),
    // Twilio
    expect("unknown-edge", 8, 22, "unknown Twilio edge `dubiln`", Some("did you mean `dublin`?")),
    expect("srtp-over-udp", 10, 11, "SRTP needs `transport: tls` (Twilio's Secure Media is TLS + SRTP)", None),
    expect("tls-without-value", 6, 6, "`tls` needs `cert_file` and `key_file`, found no value", None),
    expect("tls-without-transport", 8, 5, "the Twilio termination uses tls, but `network` has no `tls` transport", Some("add `network.tls`")),
    // Twilio webhook and failover
    expect("failover-without-webhook", 12, 17, "`failover` of Twilio number +15551234567 needs `twilio.webhook`: Twilio asks the webhook where to send the call when the PBX does not take it", Some("add `twilio.webhook: { public_url: https://…, auth_token: ${file:…} }`")),
    expect("failover-not-e164", 12, 27, "expected the failover number in E.164 form (`+` and the country code), found `099999999`", Some("Twilio dials it as given, e.g. `+59899999999`")),
    expect("failover-loop", 12, 27, "the failover of +15551234567 is the number itself: the call would loop back through Twilio", Some("fail over to another number")),
    expect("failover-status-twice", 12, 62, "`failed` is listed twice", Some("first listed at {file}:12:48")),
    expect("failover-unknown-status", 12, 56, "unknown value `no_answer`, expected one of `completed`, `answered`, `busy`, `no-answer`, `failed`, `canceled`", Some("did you mean `no-answer`?")),
    expect("webhook-url-query", 13, 17, "expected a URL with no query (`?…`) or fragment (`#…`), found `https://pbx.example.net/twilio?x=1`", None),
    expect("webhook-listen-hostname", 14, 13, "expected an address and port like `127.0.0.1:8088`, found `localhost:8088`", Some("IPv6 addresses go in brackets")),
    expect("webhook-without-numbers", 10, 5, "`twilio.webhook` serves the TwiML of `twilio.numbers`, but there are none", Some("add the Twilio numbers that call this PBX to `twilio.numbers`")),
    // SMS
    expect("websms-no-allow-from", 13, 13, "WebSMS webhook has no `allow_from`: anyone on the internet could inject messages", None),
    expect("websms-open-proxy", 14, 25, "`webhook.trusted_proxies` admits 4260233216 public IPv4 addresses (as many as a /1): any of them could forge the client address and bypass `allow_from`; expected fewer public addresses than a /8 (IPv4) or a /16 (IPv6) in total; private networks do not count", Some("list only your reverse proxies")),
    expect("websms-allow-from-too-broad", 14, 20, "the WebSMS webhook's `allow_from` admits 4260233216 public IPv4 addresses (as many as a /1): anyone there could inject messages (websmsd checks nothing else); expected fewer public addresses than a /8 (IPv4) or a /16 (IPv6) in total; private networks do not count", Some("list only the ITSP's webhook source addresses")),
    // networks too broad (one policy: `pbxgen::breadth`)
    expect("local-nets-too-broad", 4, 32, "`network.local_nets` admits 4260233216 public IPv4 addresses (as many as a /1): they are treated as the LAN (no NAT rewriting) and are where extensions without `permit` may register from; expected fewer public addresses than a /8 (IPv4) or a /16 (IPv6) in total; private networks do not count", Some("list the networks of your LAN; phones elsewhere get a `permit` of their own networks (or come in over a VPN)")),
    expect("permit-too-broad", 10, 14, "extension 101's `permit` admits 4260233216 public IPv4 addresses (as many as a /1): anyone there may try its password; expected fewer public addresses than a /8 (IPv4) or a /16 (IPv6) in total; private networks do not count", Some("list the networks the phone registers from (or bring it in over a VPN)")),
    expect("trunk-allow-from-too-broad", 10, 18, "trunk `itsp`'s `allow_from` admits 16777216 public IPv4 addresses (as many as a /8): every request from there is taken as the trunk's, without authentication; expected fewer public addresses than a /8 (IPv4) or a /16 (IPv6) in total; private networks do not count", Some("list only the provider's published signalling addresses")),
    expect("trunk-without-allow-from", 9, 5, "missing field `allow_from`", Some("list the provider's signalling addresses, e.g. `allow_from: [203.0.113.0/28]`: inbound calls are matched to the trunk by them; write `allow_from: []` for a trunk used for outbound calls only")),
    expect("websms-legacy-auth", 11, 20, "the legacy WebSMS layout knows only `basic` and `zadarma` authentication", None),
    expect("unknown-provider", 9, 15, "unknown SMS provider preset `zadrama`", Some("did you mean `zadarma`?")),
    expect("deliver-without-sms", 17, 18, "extension 101 receives SMS but does not have `sms: true`", Some("set `sms: true` on extension 101")),
    // click-to-call
    expect("c2c-gateway-without-password", 13, 11, "click-to-call button `sales` is `via: gateway` and has no `password`", Some("give `password: ${file:secrets/NAME.secret}`")),
    expect("c2c-browser-without-tls", 14, 10, "click-to-call button `sales` is `via: browser`, which needs `network.tls`", Some("browsers connect over wss:// only")),
    expect("c2c-no-secret-key", 13, 11, "click-to-call button `sales` has no `password`, and there is no `site.secret_key` to derive one from", Some("set `site.secret_key: ${file:secrets/site.key}`")),
    expect("c2c-missing-callee", 14, 13, "click-to-call button `sales` names extension `200`, which is not defined in `extensions`", Some("defined extensions: 101")),
    expect("c2c-chan-sip-port-clash", 7, 37, "chan_sip would listen on port 8089, Asterisk's HTTPS (WSS) port for `via: browser` click-to-call buttons", Some("set this transport's `chan_sip_port` to another port")),
    expect("c2c-port-clash", 7, 16, "port 8089 is Asterisk's HTTPS (WSS) port for `via: browser` click-to-call buttons", Some("give the SIP transport another port")),
    expect("c2c-wss-port-clash", 6, 16, "port 5060 is Asterisk's HTTPS (WSS) port for `via: browser` click-to-call buttons", Some("give the SIP transport another port, or set `network.tls.wss_port`")),
    expect("c2c-shared-secret", 17, 15, "`click_to_call[sales].password` uses the same secret as `extensions[101].secret` (${env:PBX_EXT_101})", Some("click-to-call passwords are published")),
    expect("c2c-gateway-too-broad", 15, 46, "click-to-call button `sales`'s `gateway.allow_from` admits 4260233216 public IPv4 addresses (as many as a /1): anyone there may log in as its account, whose password is handed to the gateway; expected fewer public addresses than a /8 (IPv4) or a /16 (IPv6) in total; private networks do not count", Some("list only the gateway's own addresses (a /32 or a few)")),
];

#[test]
fn every_error_class_names_its_position() {
    let dir = repo_path("tests/fixtures/profile/invalid");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            e.unwrap()
                .path()
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.sort();
    let mut covered: Vec<String> = INVALID.iter().map(|e| e.fixture.to_string()).collect();
    covered.sort();
    assert_eq!(
        files, covered,
        "every invalid fixture has an expectation and vice versa"
    );

    for e in INVALID {
        let path = dir.join(format!("{}.yaml", e.fixture));
        let file = path.display().to_string();
        let err = profile::load(&path).expect_err(e.fixture);
        assert_eq!(err.kind, ErrorKind::Invalid, "{}", e.fixture);
        assert_eq!(
            err.location,
            Some(Location::new(file.clone(), e.line, e.column)),
            "{}: {err}",
            e.fixture
        );
        assert_eq!(err.message, e.message, "{}", e.fixture);
        // One mistake, one error: no check reports a consequence of another's problem.
        assert!(err.also.is_empty(), "{}: {err}", e.fixture);
        if let Some(hint) = e.hint {
            let hint = hint.replace("{file}", &file);
            let got = err.hint.as_deref().unwrap_or_default();
            assert!(
                got.starts_with(&hint),
                "{}: hint {got:?} should start with {hint:?}",
                e.fixture
            );
        }
    }
}

#[test]
fn injection_hints_list_what_is_allowed() {
    let err = profile::load(&repo_path(
        "tests/fixtures/profile/invalid/display-name-semicolon.yaml",
    ))
    .unwrap_err();
    assert_eq!(
        err.hint.as_deref(),
        Some(format!("`;` starts a comment in Asterisk configuration files and cuts the value; {INJECTION_DISPLAY}").as_str())
    );
}

#[test]
fn profile_check_prints_position_and_hint_and_exits_2() {
    pbxgen()
        .current_dir(repo_path(""))
        .args(["profile", "check", "tests/fixtures/profile/invalid/cidr-host-bits.yaml"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "error: tests/fixtures/profile/invalid/cidr-host-bits.yaml:6:7: `10.0.0.1/8` is not a network \
address: the bits after /8 must be zero\n  hint: did you mean `10.0.0.0/8`? (or `10.0.0.1/32` for the single host)\n",
        );
}

/// Each problem an error holds, as (line, message).
fn lines_and_messages(err: &pbxgen::Error) -> Vec<(u32, &str)> {
    err.each()
        .map(|e| (e.location.as_ref().unwrap().line, e.message.as_str()))
        .collect()
}

#[test]
fn every_check_and_every_item_reports_its_first_problem_in_one_run_in_file_order() {
    let file = "tests/fixtures/profile/several/four-mistakes.yaml";
    let err = profile::load(&repo_path(file)).unwrap_err();
    let found = lines_and_messages(&err);
    assert_eq!(
        found,
        [
            (
                12,
                "extension 101 names device `hoem`, which is not defined in `devices`"
            ),
            (
                16,
                "extension 102 names device `hall`, which is not defined in `devices`"
            ),
            (
                30,
                "outbound route `national` names trunk `zadrama`, which is not defined"
            ),
            (
                33,
                "inbound route `ring` names extension `107`, which is not defined in `extensions`"
            ),
        ]
    );
    // The command line prints each the one way errors are printed, hints included.
    let (code, stdout, stderr) = run(pbxgen()
        .current_dir(repo_path(""))
        .args(["profile", "check", file]));
    assert_eq!((code, stdout.as_str()), (2, ""));
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2 * found.len(), "{stderr}");
    for (i, (line, _)) in found.iter().enumerate() {
        assert!(
            lines[2 * i].starts_with(&format!("error: {file}:{line}:")),
            "{stderr}"
        );
        assert!(lines[2 * i + 1].starts_with("  hint: "), "{stderr}");
    }
}

#[test]
fn every_click_to_call_button_is_checked_and_what_the_site_lacks_is_said_once() {
    let err = profile::load(&repo_path("tests/fixtures/profile/several/buttons.yaml")).unwrap_err();
    let found = lines_and_messages(&err);
    assert_eq!(
        found,
        [
            (
                15,
                "click-to-call button `sales` names extension `107`, which is not defined in `extensions`"
            ),
            (
                16,
                "click-to-call button `sales` is `via: browser`, which needs `network.tls`"
            ),
            (23, "expected `max_concurrent` from 1 to 100, found 0"),
        ]
    );
}

/// A problem of the whole site is one error, however many items it concerns.
#[test]
fn a_site_wide_problem_is_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from(
        "version: 1\nsite: { name: t, asterisk: 22 }\nnetwork:\n  local_nets: []\n  udp: { port: 5060 }\nextensions:\n",
    );
    for n in 101..=103 {
        text.push_str(&format!(
            "  - number: \"{n}\"\n    name: Phone {n}\n    secret: ${{env:PBX_EXT_{n}}}\n"
        ));
    }
    let path = dir.path().join("site.yaml");
    std::fs::write(&path, text).unwrap();
    let err = profile::load(&path).unwrap_err();
    assert!(err.also.is_empty(), "{err}");
    assert_eq!(
        err.message,
        "extension 101 has no `permit` and `network.local_nets` is empty: it would accept registrations from anywhere"
    );
}

#[test]
fn a_missing_profile_is_exit_2() {
    let (code, _, stderr) = run(pbxgen().args(["profile", "check", "/nonexistent/site.yaml"]));
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: /nonexistent/site.yaml: "),
        "{stderr}"
    );
}

// ---------------------------------------------------------------------------------------------
// secrets

fn with_secret(secret: &str) -> String {
    format!(
        "version: 1\nsite: {{ name: t, asterisk: 20 }}\nnetwork:\n  local_nets: [192.168.1.0/24]\n  udp: {{}}\n\
extensions:\n  - number: \"101\"\n    name: Bob\n    secret: {secret}\n"
    )
}

fn parse_in(dir: &Path, text: &str) -> Profile {
    let path = dir.join("site.yaml");
    std::fs::write(&path, text).unwrap();
    profile::load(&path).unwrap()
}

#[test]
fn file_secrets_are_relative_to_the_profile_and_lose_one_newline() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("secrets")).unwrap();
    std::fs::write(
        dir.path().join("secrets/ext.secret"),
        "Kq3-xW8mR2tZ7pL9vN4b\n",
    )
    .unwrap();
    let p = parse_in(dir.path(), &with_secret("${file:secrets/ext.secret}"));
    let secret = &p.extension("101").unwrap().secret;
    assert_eq!(secret.resolve().unwrap(), "Kq3-xW8mR2tZ7pL9vN4b");
    assert_eq!(secret.to_string(), "${file:secrets/ext.secret}");
    assert!(!format!("{secret:?}").contains("Kq3"));
}

#[test]
fn a_missing_secret_file_names_the_file_and_the_position() {
    let dir = tempfile::tempdir().unwrap();
    let p = parse_in(dir.path(), &with_secret("${file:secrets/nope.secret}"));
    let err = p.extension("101").unwrap().secret.resolve().unwrap_err();
    let file = dir.path().join("site.yaml").display().to_string();
    assert_eq!(err.location, Some(Location::new(file, 9, 13)));
    let expected = dir.path().join("secrets/nope.secret").display().to_string();
    assert!(
        err.message
            .starts_with(&format!("cannot read secret file {expected}: ")),
        "{}",
        err.message
    );
    assert_eq!(err.kind, ErrorKind::Invalid);
}

#[test]
fn a_secret_file_with_unsafe_content_is_refused_without_showing_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.secret"), "Abc123;context=evil\n").unwrap();
    let p = parse_in(dir.path(), &with_secret("${file:bad.secret}"));
    let err = p.extension("101").unwrap().secret.resolve().unwrap_err();
    assert_eq!(
        err.message,
        "the value of ${file:bad.secret}: a secret holds a character it may not hold (not shown)"
    );
    assert!(!err.to_string().contains("evil"));
}

#[test]
fn env_secrets_resolve_through_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("site.yaml");
    std::fs::write(&path, with_secret("${env:PBXGEN_TEST_EXT_101}")).unwrap();
    let (code, stdout, stderr) = run(pbxgen()
        .args(["profile", "check", "--resolve-secrets"])
        .arg(&path)
        .env("PBXGEN_TEST_EXT_101", "Kq3-xW8mR2tZ7pL9vN4b"));
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert!(
        stdout.contains("1 by reference, 0 inline, all resolved"),
        "{stdout}"
    );
    assert!(!stdout.contains("Kq3"));
}

#[test]
fn a_missing_env_variable_is_named_with_the_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("site.yaml");
    std::fs::write(&path, with_secret("${env:PBXGEN_TEST_UNSET_VARIABLE}")).unwrap();
    // Without --resolve-secrets the reference is only checked for its syntax.
    pbxgen()
        .args(["profile", "check"])
        .arg(&path)
        .env_remove("PBXGEN_TEST_UNSET_VARIABLE")
        .assert()
        .success();
    pbxgen()
        .args(["profile", "check", "--resolve-secrets"])
        .arg(&path)
        .env_remove("PBXGEN_TEST_UNSET_VARIABLE")
        .assert()
        .code(2)
        .stderr(format!(
            "error: {}:9:13: environment variable `PBXGEN_TEST_UNSET_VARIABLE` is not set (secret \
`${{env:PBXGEN_TEST_UNSET_VARIABLE}}`)\n  hint: export PBXGEN_TEST_UNSET_VARIABLE=… before running \
pbxgen, or use `${{file:PATH}}`\nerror: {}: 1 problem(s) above; `pbxgen render` would refuse this profile\n",
            path.display(),
            path.display()
        ));
}

#[test]
fn inline_secrets_are_accepted_and_reported_with_their_position() {
    let p = profile::parse(
        &with_secret("Kq3-xW8mR2tZ7pL9vN4b"),
        Origin::named("inline.yaml"),
    )
    .unwrap();
    let inline = p.inline_secrets();
    assert_eq!(inline.len(), 1);
    assert_eq!(inline[0].field.to_string(), "extensions[101].secret");
    assert_eq!(
        inline[0].secret.pos().location(),
        Location::new("inline.yaml", 9, 13)
    );
    assert_eq!(inline[0].secret.to_string(), "<inline secret>");
    assert_eq!(inline[0].secret.resolve().unwrap(), "Kq3-xW8mR2tZ7pL9vN4b");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("site.yaml");
    std::fs::write(&path, with_secret("Kq3-xW8mR2tZ7pL9vN4b")).unwrap();
    let (code, stdout, stderr) = run(pbxgen().args(["profile", "check"]).arg(&path));
    assert_eq!(code, 0);
    assert!(stdout.contains("0 by reference, 1 inline"), "{stdout}");
    assert!(!stdout.contains("Kq3") && !stderr.contains("Kq3"));
    // Reported as the self-audit's finding, in audit's text format, the value masked.
    assert_eq!(
        stderr,
        format!(
            "{}:9:13: medium PBX502 plaintext-secret-in-profile extensions[101].secret\n  `extensions[101].secret` is written inline in the profile\n   9 |     secret: ********\n  fix: replace the value with `${{env:NAME}}` or `${{file:/run/secrets/NAME}}`\n\n1 finding: 0 critical, 0 high, 1 medium, 0 low, 0 info\n",
            path.display()
        )
    );
}

/// `render` writes the findings listing while it compares and writes the files: the listing
/// still comes whole, before the steps' own lines, and the files are written.
#[test]
fn render_lists_findings_before_its_steps_and_writes_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("site.yaml");
    std::fs::write(&path, with_secret("Kq3-xW8mR2tZ7pL9vN4b")).unwrap();
    let out = dir.path().join("out");
    let (code, stdout, stderr) = run(pbxgen()
        .args(["render", "-v", "--out"])
        .arg(&out)
        .arg(&path));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("files written to"), "{stdout}");
    assert!(out.join("pjsip.conf").is_file());
    let listing = stderr
        .find("1 finding: 0 critical, 0 high, 1 medium, 0 low, 0 info\n")
        .unwrap_or_else(|| panic!("no listing:\n{stderr}"));
    let first_line = stderr.find("medium PBX502").unwrap();
    let compared = stderr.find("pbxgen: compared ").unwrap();
    let wrote = stderr.find("pbxgen: wrote ").unwrap();
    assert!(
        first_line < listing && listing < compared && compared < wrote,
        "{stderr}"
    );
}

// ---------------------------------------------------------------------------------------------
// schema

#[test]
fn committed_schema_matches_the_code() {
    let generated = profile::schema_json();
    if std::env::var_os("PBXGEN_BLESS").is_some() {
        std::fs::write(repo_path("schema/pbxgen.schema.json"), &generated).unwrap();
    }
    let committed = std::fs::read_to_string(repo_path("schema/pbxgen.schema.json")).unwrap();
    assert!(
        committed == generated,
        "schema/pbxgen.schema.json is out of date: run `cargo run -- profile schema > schema/pbxgen.schema.json` \
         (or `PBXGEN_BLESS=1 cargo test --test integration schema`)"
    );
    pbxgen()
        .args(["profile", "schema"])
        .assert()
        .success()
        .stdout(generated);
}

#[test]
fn schema_is_draft_07_and_closed() {
    let schema: serde_json::Value = serde_json::from_str(&profile::schema_json()).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(
        schema["required"],
        serde_json::json!(["version", "site", "network"])
    );
    assert!(schema["definitions"]["Extension"]["properties"]["secret"].is_object());
}

#[test]
fn voicemail_pins_must_be_digits() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pin.secret"), "12ab34\n").unwrap();
    let flow =
        with_secret("${env:PBXGEN_TEST_UNUSED}") + "    voicemail: { pin: ${file:pin.secret} }\n";
    let err = profile::parse(&flow, Origin::named("flow.yaml")).unwrap_err();
    assert_eq!(err.location, Some(Location::new("flow.yaml", 10, 23)));
    assert_eq!(
        err.message,
        "incomplete secret reference: expected `${env:NAME}` or `${file:PATH}`"
    );
    assert!(
        err.hint
            .unwrap()
            .starts_with("inside `{ … }` quote the reference")
    );

    let text = with_secret("${env:PBXGEN_TEST_UNUSED}")
        + "    voicemail:\n      pin: ${file:pin.secret}\n";
    let p = parse_in(dir.path(), &text);
    let pin = p
        .secrets()
        .into_iter()
        .find(|u| u.role == SecretRole::Pin)
        .expect("the PIN");
    assert_eq!(pin.field.to_string(), "extensions[101].voicemail.pin");
    let err = pin.resolve().unwrap_err();
    assert_eq!(
        err.message,
        "the value of ${file:pin.secret}: a PIN holds a character it may not hold (not shown)"
    );
    assert_eq!(err.hint.as_deref(), Some("a PIN may contain digits only"));
}

// ---------------------------------------------------------------------------------------------
// the Twilio webhook

/// A Twilio number served by a webhook at `public_url` (its token in `twilio-token.secret`).
fn webhook_site(public_url: &str) -> String {
    format!(
        "version: 1\nsite: {{ name: t, asterisk: 22 }}\nnetwork:\n  public_address: pbx.example.net\n  \
         local_nets: [192.168.1.0/24]\n  udp: {{ port: 5060 }}\ntwilio:\n  origination: {{ context: from-twilio }}\n  \
         numbers:\n    - {{ number: \"+15551234567\", name: main }}\n  webhook:\n    public_url: {public_url}\n    \
         auth_token: ${{file:twilio-token.secret}}\n"
    )
}

#[test]
fn an_http_public_url_is_accepted_but_warned_about_and_audited() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("site.yaml");
    std::fs::write(&path, webhook_site("http://pbx.example.net/twilio")).unwrap();
    // Render checks every secret of the site, the token `twilio serve` uses included.
    std::fs::write(
        dir.path().join("twilio-token.secret"),
        "0123456789abcdef0123456789abcdef",
    )
    .unwrap();

    // `profile check` runs render's check: PBX311 (high) on the TwiML, and the profile line.
    let warning = format!(
        "warning: {}:12:17: `twilio.webhook.public_url` is `http://` (audit rule PBX311)",
        path.display()
    );
    let (code, _, stderr) = run(pbxgen().args(["profile", "check"]).arg(&path));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("high PBX311"), "{stderr}");
    assert!(stderr.contains(&warning), "{stderr}");
    assert!(
        stderr.contains("`pbxgen render` would refuse to write it"),
        "{stderr}"
    );
    // Accepted below the threshold, still warned about.
    let (code, stdout, stderr) = run(pbxgen()
        .args(["profile", "check", "--fail-on", "critical"])
        .arg(&path));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("webhook:    http://pbx.example.net/twilio on 127.0.0.1:8088"),
        "{stdout}"
    );
    assert!(stderr.contains(&warning), "{stderr}");

    let (code, stdout, _) = run(pbxgen()
        .args([
            "audit",
            "--fail-on",
            "high",
            "--format",
            "json",
            "--profile",
        ])
        .arg(&path));
    assert_eq!(code, 1, "{stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let findings: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "PBX311")
        .collect();
    assert_eq!(findings.len(), 1, "{stdout}");
    assert!(
        findings[0]["file"]
            .as_str()
            .unwrap()
            .ends_with("twiml-main.xml"),
        "{stdout}"
    );

    // `render` audits its own output: it refuses to write it at --fail-on high.
    let out = dir.path().join("out");
    let (code, _, stderr) = run(pbxgen()
        .args(["render", "--fail-on", "high", "--out"])
        .arg(&out)
        .arg(&path));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("PBX311"), "{stderr}");
    assert!(!out.join("twiml-main.xml").exists());

    // With https, the same profile audits clean.
    std::fs::write(&path, webhook_site("https://pbx.example.net/twilio")).unwrap();
    let (code, stdout, stderr) = run(pbxgen().args(["profile", "check"]).arg(&path));
    assert_eq!(code, 0);
    assert!(!stderr.contains("PBX311"), "{stdout}{stderr}");
}

// ---------------------------------------------------------------------------------------------
// outbound routes against extensions and feature codes (one matcher: asterisk::pattern)

fn with_route(pattern: &str) -> String {
    format!(
        r#"version: 1
site: {{ name: t, asterisk: 22 }}
network: {{ local_nets: [192.168.1.0/24], udp: {{}} }}
trunks:
  - {{ name: itsp, host: sip.example.net, context: from-itsp, allow_from: [203.0.113.0/28] }}
extensions:
  - {{ number: "101", name: A, secret: "${{env:A}}" }}
  - {{ number: "102", name: B, secret: "${{env:B}}" }}
  - {{ number: "103", name: C, secret: "${{env:C}}" }}
  - {{ number: "104", name: D, secret: "${{env:D}}" }}
outbound:
  - name: out
    patterns: ["{pattern}"]
    trunk: itsp
"#
    )
}

#[test]
fn outbound_patterns_may_not_catch_extensions_or_feature_codes() {
    let caught = [
        ("101", "extension 101"),
        ("*98", "feature code `*98` (the voicemail menu)"),
        ("_1XX", "4 extensions (101, 102, 103, …)"),
        ("_X.", "4 extensions (101, 102, 103, …)"),
        (
            "_.",
            "4 extensions (101, 102, 103, …) and feature code `*98` (the voicemail menu)",
        ),
        ("_10[1-2]", "2 extensions (101, 102)"),
        ("_*9!", "feature code `*98` (the voicemail menu)"),
    ];
    for (pattern, what) in caught {
        let err =
            profile::parse(&with_route(pattern), Origin::named("site.yaml")).expect_err(pattern);
        assert_eq!(
            err.location,
            Some(Location::new("site.yaml", 13, 16)),
            "{pattern}: {err}"
        );
        assert_eq!(
            err.message,
            format!(
                "pattern `{pattern}` of outbound route `out` also matches {what}: that number would be both a local call and a call out through `itsp`"
            )
        );
        assert!(
            err.hint
                .is_some_and(|h| h.contains("external numbers only"))
        );
    }
    // `_0!` matches numbers that start with 0 (and `0` itself): no extension here does.
    for pattern in ["_0!", "_0[1-9]XXXXXXXX", "_00[1-9]X.", "999", "_2XX"] {
        profile::parse(&with_route(pattern), Origin::named("site.yaml"))
            .unwrap_or_else(|e| panic!("{pattern}: {e}"));
    }
}

/// What a JSON Schema cannot say, and the loader does: fixtures the schema accepts although the
/// loader refuses them. Every entry says why; anything else must be judged alike by both.
const SCHEMA_CANNOT_EXPRESS: &[(&str, &str)] = &[
    (
        "c2c-browser-without-tls",
        "cross-field: `via: browser` needs `network.tls`",
    ),
    (
        "c2c-chan-sip-port-clash",
        "cross-field arithmetic: chan_sip's port (`port` + 100 by default) against the WSS port",
    ),
    (
        "c2c-gateway-too-broad",
        "arithmetic: the public addresses a list admits (pbxgen::breadth)",
    ),
    (
        "c2c-gateway-without-password",
        "cross-field: `via: gateway` needs a `password`",
    ),
    (
        "c2c-missing-callee",
        "reference: `callee` names an extension in `extensions`",
    ),
    (
        "c2c-no-secret-key",
        "cross-field: a button without `password` needs `site.secret_key`",
    ),
    (
        "c2c-port-clash",
        "cross-field: a SIP port against the WSS port of `via: browser` buttons",
    ),
    (
        "c2c-shared-secret",
        "uniqueness of a secret reference across fields",
    ),
    (
        "c2c-wss-port-clash",
        "cross-field: `network.tls.wss_port` against a SIP port",
    ),
    (
        "chan-sip-22",
        "cross-field: `sip` depends on `site.asterisk`",
    ),
    (
        "chan-sip-port-clash",
        "cross-field arithmetic: chan_sip's ports (`port` + 100 by default) against each other",
    ),
    (
        "chan-sip-port-one-driver",
        "cross-field: `chan_sip_port` depends on `site.channel_drivers`",
    ),
    (
        "cidr-host-bits",
        "arithmetic: the host bits of a CIDR must be zero",
    ),
    (
        "deliver-without-sms",
        "reference: `deliver_to` names an extension that must have `sms: true`",
    ),
    (
        "device-mismatch",
        "reference: `device` names a device in `devices`",
    ),
    (
        "driver-not-listed",
        "reference: `driver` names a driver `site.channel_drivers` lists",
    ),
    (
        "duplicate-extension",
        "uniqueness of a field across list items",
    ),
    (
        "failover-loop",
        "cross-field: the failover number must differ from the Twilio number",
    ),
    (
        "failover-without-webhook",
        "cross-field: `failover` needs `twilio.webhook`",
    ),
    (
        "fallback-without-voicemail",
        "reference: the extension must have a voicemail box",
    ),
    (
        "local-nets-too-broad",
        "arithmetic: the public addresses a list admits (pbxgen::breadth)",
    ),
    (
        "missing-extension",
        "reference: a route names an extension in `extensions`",
    ),
    ("missing-trunk", "reference: a route names a trunk"),
    (
        "permit-too-broad",
        "arithmetic: the public addresses a list admits (pbxgen::breadth)",
    ),
    (
        "sms-on-chan-sip",
        "cross-field: `sms` depends on the party's driver",
    ),
    (
        "srtp-over-udp",
        "cross-field: `srtp` depends on `transport`",
    ),
    (
        "tls-without-transport",
        "cross-field: a TLS trunk needs `network.tls`",
    ),
    (
        "trunk-allow-from-too-broad",
        "arithmetic: the public addresses a list admits (pbxgen::breadth)",
    ),
    (
        "unknown-edge",
        "the edge names come from the Twilio range preset the profile selects",
    ),
    (
        "webhook-without-numbers",
        "cross-field: `twilio.webhook` needs `twilio.numbers`",
    ),
    (
        "websms-allow-from-too-broad",
        "arithmetic: the public addresses a list admits (pbxgen::breadth)",
    ),
    (
        "websms-legacy-auth",
        "cross-field: the methods allowed depend on `layout`",
    ),
    (
        "websms-no-allow-from",
        "cross-field: `allow_from` may come from the provider preset",
    ),
    (
        "websms-open-proxy",
        "arithmetic: the public addresses a list admits (pbxgen::breadth)",
    ),
];

/// The YAML document as JSON, read as the loader reads YAML (`yes` is a string); `None` when it
/// is not a YAML document a schema could judge (a duplicate key).
fn yaml_as_json(path: &Path) -> Option<serde_json::Value> {
    let text = String::from_utf8(std::fs::read(path).unwrap()).ok()?;
    let options = serde_saphyr::options! { strict_booleans: true };
    serde_saphyr::from_str_with_options(&text, options).ok()
}

/// Every profile fixture, accepted or refused, is judged alike by the JSON Schema (what editors
/// check as you type) and the loader, except the documented exceptions.
#[test]
fn schema_and_loader_agree_on_every_fixture() {
    let schema: serde_json::Value = serde_json::from_str(&profile::schema_json()).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.add_resource("pbxgen.schema.json", schema).unwrap();
    let index = compiler
        .compile("pbxgen.schema.json", &mut schemas)
        .unwrap();
    let mut fixtures: Vec<std::path::PathBuf> = Vec::new();
    for dir in [
        "examples",
        "tests/fixtures/profile/valid",
        "tests/fixtures/profile/invalid",
    ] {
        for entry in std::fs::read_dir(repo_path(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                fixtures.push(path);
            }
        }
    }
    for code in ["PBX502/bad", "PBX502/good"] {
        fixtures.push(repo_path(&format!("tests/fixtures/audit/{code}/site.yaml")));
    }
    fixtures.sort();
    let mut disagreements = Vec::new();
    let mut exceptions_seen = Vec::new();
    for path in &fixtures {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let loader = profile::load(path);
        let schema_ok = yaml_as_json(path).is_some_and(|doc| schemas.validate(&doc, index).is_ok());
        let refused_dir = path.parent().is_some_and(|d| d.ends_with("invalid"));
        assert_eq!(loader.is_err(), refused_dir, "{}", path.display());
        if schema_ok == loader.is_ok() {
            continue;
        }
        match SCHEMA_CANNOT_EXPRESS.iter().find(|(n, _)| *n == name) {
            Some(_) if schema_ok => exceptions_seen.push(name),
            _ => disagreements.push(format!(
                "{name}: schema {}, loader {}",
                if schema_ok { "accepts" } else { "refuses" },
                match &loader {
                    Ok(_) => "accepts".to_string(),
                    Err(e) => format!("refuses ({e})"),
                }
            )),
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    let listed: Vec<&str> = SCHEMA_CANNOT_EXPRESS.iter().map(|(n, _)| *n).collect();
    assert_eq!(exceptions_seen, listed, "every exception is still needed");
}
