//! Property tests: the reader never panics on any bytes (and neither do the interpreters), and
//! a configuration rendered from a random model reads back as that model.
//!
//! The syntax-shaped fuzzing is slow in a debug build (tens of milliseconds a case): by default
//! it runs a few cases; `PBXGEN_LONG_TESTS=1` runs many (`PROPTEST_CASES=N` sets any number).

use pbxgen::asterisk::{self, ModelOptions};
use proptest::prelude::*;

/// Bytes biased towards Asterisk syntax so that the interesting paths are reached.
fn config_bytes() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        Just(b"[".to_vec()),
        Just(b"]".to_vec()),
        Just(b"(!)".to_vec()),
        Just(b"(+)".to_vec()),
        Just(b"(+type=aor)".to_vec()),
        Just(b"(a, b)".to_vec()),
        Just(b"=".to_vec()),
        Just(b"=>".to_vec()),
        Just(b"+=".to_vec()),
        Just(b";".to_vec()),
        Just(b"\\;".to_vec()),
        Just(b";--".to_vec()),
        Just(b"--;".to_vec()),
        Just(b";---".to_vec()),
        Just(b"#include x.conf".to_vec()),
        Just(b"#tryinclude *.conf".to_vec()),
        Just(b"#exec ls".to_vec()),
        Just(b"exten => _X.,1,Dial(PJSIP/${EXTEN}@t)".to_vec()),
        Just(b"same => n(l),GotoIf($[1]?a,b,1:c)".to_vec()),
        Just(b"type=endpoint".to_vec()),
        Just(b"permit=10.0.0.0/8".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\t".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just(vec![0u8]),
        Just(vec![0xff, 0xfe]),
        "[a-z0-9 ]{1,8}".prop_map(|s| s.into_bytes()),
        prop::collection::vec(any::<u8>(), 1..8),
    ];
    prop::collection::vec(token, 0..80).prop_map(|parts| parts.concat())
}

const KINDS: [&str; 8] = [
    "sip.conf",
    "pjsip.conf",
    "extensions.conf",
    "websms.conf",
    "manager.conf",
    "acl.conf",
    "asterisk.conf",
    "pjsip_wizard.conf",
];

/// Cases for a slow property: `quick` by default, `long` with `PBXGEN_LONG_TESTS` set, or
/// `PROPTEST_CASES`.
fn cases(quick: u32, long: u32) -> u32 {
    if let Some(n) = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        return n;
    }
    if std::env::var_os("PBXGEN_LONG_TESTS").is_some() {
        long
    } else {
        quick
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The reader and every interpreter accept any bytes without panicking.
    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600), kind in 0usize..KINDS.len()) {
        let config = asterisk::load_texts("mem", vec![(KINDS[kind].to_string(), bytes)]);
        let pbx = asterisk::build_model(config, &ModelOptions::default());
        serde_json::to_string(&pbx).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(24, 2048)))]

    /// The same with syntax-shaped input, includes between the files, and every kind at once.
    #[test]
    fn never_panics_on_config_shaped_bytes(files in prop::collection::vec(config_bytes(), KINDS.len() + 1)) {
        let mut named: Vec<(String, Vec<u8>)> =
            KINDS.iter().map(|k| k.to_string()).zip(files.iter().cloned()).collect();
        named.push(("x.conf".to_string(), files[KINDS.len()].clone()));
        let config = asterisk::load_texts("mem", named);
        for d in config.diagnostics() {
            // Every position points into a file that was read, at a real line.
            prop_assert!(d.pos.line >= 1);
            let _ = config.location(d.pos);
        }
        asterisk::build_model(config, &ModelOptions::default());
    }
}
