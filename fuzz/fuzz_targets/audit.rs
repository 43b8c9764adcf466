//! Fuzz the auditor end to end: any bytes, read as a configuration directory (sip.conf,
//! pjsip.conf, extensions.conf, …, http.conf, a TwiML document and a file they may `#include`),
//! go through the reader, the model, every rule, the suppressions and every output format.
//! Nothing may panic, the JSON and SARIF must parse, and the formats meant for people must carry
//! no raw control, bidi or invisible character (`untrusted::for_terminal` made them visible).
#![no_main]

use libfuzzer_sys::fuzz_target;
use pbxgen::asterisk::{self, ModelOptions};
use pbxgen::audit::output::{github, json, sarif, text};
use pbxgen::audit::{self, AuditOptions};
use pbxgen::twilio::TwilioRanges;
use std::sync::LazyLock;

static TWILIO: LazyLock<TwilioRanges> = LazyLock::new(TwilioRanges::embedded);

/// The files the input is split into, in order, at each 0xFF byte (new kinds go at the end, so
/// that the committed seeds keep their meaning).
const NAMES: [&str; 10] = [
    "sip.conf",
    "pjsip.conf",
    "extensions.conf",
    "inc.conf",
    "voicemail.conf",
    "manager.conf",
    "websms.conf",
    "asterisk.conf",
    "http.conf",
    // TwiML: XML the model parses (model::twiml), for the Twilio rules.
    "twiml-main.xml",
];

/// Whether a person reading `s` on a terminal could be misled by a character in it.
fn hides_something(s: &str) -> Option<char> {
    s.chars().find(|&c| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}'..='\u{200f}' | '\u{feff}')
    })
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks the Asterisk version the rules assume.
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let files: Vec<(String, Vec<u8>)> = rest
        .split(|&b| b == 0xff)
        .zip(NAMES)
        .filter(|(bytes, _)| !bytes.is_empty())
        .map(|(bytes, name)| (name.to_string(), bytes.to_vec()))
        .collect();
    let config = asterisk::load_texts("fuzz", files);
    let version = [None, Some(18), Some(20), Some(21), Some(22), Some(23)][pick as usize % 6];
    let pbx = asterisk::build_model(config, &ModelOptions { asterisk_version: version });
    let report = audit::audit(
        &pbx,
        &AuditOptions {
            twilio: &TWILIO,
            asterisk_version: version,
            min_severity: None,
        },
    );
    for (format, out) in [
        ("text", text::render(&report, false)),
        ("github", github::render(&report)),
    ] {
        if let Some(c) = hides_something(&out) {
            panic!("{format} output carries a raw {c:?}:\n{out}");
        }
    }
    if report.findings.iter().any(|f| f.line == 0) {
        // Positions are 1-based; a 0 would be a finding pointing nowhere.
        panic!("a finding without a line");
    }
    // The JSON report is written by hand-made `Serialize` impls: it must read back.
    let json = json::render(&report);
    serde_json::from_str::<serde_json::Value>(&json).expect("the JSON report parses");
    // SARIF is a `serde_json::Value` printed (valid by construction); rendering it, with every
    // rule's help, is most of the cost of an execution, so only every other input does it.
    if pick & 0x10 != 0 {
        let sarif = sarif::render(&report);
        assert!(sarif.starts_with('{'));
    }
});
