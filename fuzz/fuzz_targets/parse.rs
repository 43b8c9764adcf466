//! Fuzz the Asterisk reader and every interpreter: any bytes, read as each kind of file (and
//! included from the others), must never panic, and every diagnostic must point into a file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pbxgen::asterisk::{self, ModelOptions};

const NAMES: [&str; 11] = [
    "sip.conf",
    "pjsip.conf",
    "extensions.conf",
    "websms.conf",
    "manager.conf",
    "acl.conf",
    "asterisk.conf",
    "voicemail.conf",
    "http.conf",
    // TwiML: XML the model parses (model::twiml), not Asterisk syntax.
    "twiml-main.xml",
    "inc.conf",
];

fuzz_target!(|data: &[u8]| {
    // The first byte picks the file kind; the rest is split on 0xFF into a second file that
    // the first may `#include inc.conf`.
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let mut parts = rest.splitn(2, |&b| b == 0xff);
    let main = parts.next().unwrap_or_default().to_vec();
    let inc = parts.next().unwrap_or_default().to_vec();
    let name = NAMES[pick as usize % (NAMES.len() - 1)];
    let config = asterisk::load_texts(
        "fuzz",
        vec![(name.to_string(), main), ("inc.conf".to_string(), inc)],
    );
    for d in config.diagnostics() {
        assert!(d.pos.line >= 1);
        let _ = config.location(d.pos);
    }
    let pbx = asterisk::build_model(config, &ModelOptions::default());
    // The dump (with its secret masking) must work on anything the reader accepted.
    serde_json::to_vec(&pbx).expect("the model serialises");
});
