//! `pbxgen migrate`: chan_sip → pjsip. Each semantic the issue names has its own test
//! (`semantics`); the option table against Asterisk's own option lists (`options`); every corpus
//! sip.conf, and the audit of what it becomes (`corpus`); the command line (`cli`). Loading into
//! a real Asterisk 22 and SIPp are in `live::migrate`.

mod cli;
mod corpus;
mod options;
mod semantics;

use pbxgen::asterisk::{self, FileKind, ModelOptions, Pbx};
use pbxgen::migrate::{MigrateOptions, Migration, migrate};

/// Migrate in-memory files (`sip.conf`, `extensions.conf`, `acl.conf`, included files…).
pub fn run(files: &[(&str, &str)]) -> Migration {
    run_with(files, &MigrateOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

pub fn run_with(files: &[(&str, &str)], opts: &MigrateOptions) -> Result<Migration, pbxgen::Error> {
    let config = asterisk::load_texts(
        "site",
        files
            .iter()
            .map(|(n, t)| (n.to_string(), t.as_bytes().to_vec()))
            .collect(),
    );
    let pbx = asterisk::build_model(config, &ModelOptions::default());
    migrate(&pbx, opts)
}

/// The migration's files read back by pbxgen's reader, as /etc/asterisk would be.
pub fn read_back(m: &Migration) -> Pbx {
    let mut files = vec![("pjsip.conf".to_string(), m.pjsip_conf.clone().into_bytes())];
    if let Some(ext) = &m.extensions_conf {
        files.push(("extensions.conf".to_string(), ext.clone().into_bytes()));
    }
    let config = asterisk::load_texts("migrated", files);
    let pbx = asterisk::build_model(config, &ModelOptions::default());
    let file = pbx.config.file_of_kind(FileKind::Pjsip).unwrap().1;
    assert!(
        file.diagnostics.is_empty(),
        "the migrated pjsip.conf reads without a diagnostic: {:?}\n{}",
        file.diagnostics,
        m.pjsip_conf
    );
    pbx
}

/// The options of object `name` of pjsip type `kind` (templates applied), in order.
pub fn object(pbx: &Pbx, kind: &str, name: &str) -> Vec<(String, String)> {
    let file = pbx.config.file_of_kind(FileKind::Pjsip).unwrap().1;
    let section = file
        .live_sections()
        .find(|s| s.name == name && s.value("type") == Some(kind))
        .unwrap_or_else(|| panic!("no {kind} [{name}] in the migrated pjsip.conf"));
    section
        .variables
        .iter()
        .map(|v| (v.name.to_string(), v.value.to_string()))
        .collect()
}

/// The values of one option of an object.
pub fn values(pbx: &Pbx, kind: &str, name: &str, option: &str) -> Vec<String> {
    object(pbx, kind, name)
        .into_iter()
        .filter(|(k, _)| k == option)
        .map(|(_, v)| v)
        .collect()
}

/// The last value of one option of an object.
pub fn value(pbx: &Pbx, kind: &str, name: &str, option: &str) -> Option<String> {
    values(pbx, kind, name, option).pop()
}

/// Whether an object exists.
pub fn has(pbx: &Pbx, kind: &str, name: &str) -> bool {
    let file = pbx.config.file_of_kind(FileKind::Pjsip).unwrap().1;
    file.live_sections()
        .any(|s| s.name == name && s.value("type") == Some(kind))
}

/// What every migration must hold, whatever the input:
/// - no endpoint without inbound `auth` can be identified by name (anyone could claim it with a
///   forged From header);
/// - no global `type=acl` (an ACL is the peer's own);
/// - no secret in the report.
pub fn assert_invariants(m: &Migration) {
    let pbx = read_back(m);
    let pjsip = pbx.pjsip.as_ref().unwrap();
    for e in &pjsip.endpoints {
        let by_name = e.identify_by.value.split(',').any(|w| {
            w.trim().eq_ignore_ascii_case("username")
                || w.trim().eq_ignore_ascii_case("auth_username")
        });
        assert!(
            !(e.auth.is_empty() && by_name && !e.is_anonymous),
            "endpoint {} has no auth but is identified by name ({})",
            e.meta.id,
            e.identify_by.value
        );
    }
    assert!(pjsip.acls.is_empty(), "a type=acl was written");
    // Secrets: masked where they are (secret keys, register lines), and nowhere else (secrets
    // long enough not to be found by chance).
    for e in &m.report {
        let masked = |key: &str, value: &str| {
            !pbxgen::redact::is_secret_key(key) || value.is_empty() || value == pbxgen::redact::MASK
        };
        if let Some(s) = &e.source {
            assert!(masked(&s.key, &s.value), "{s:?}");
        }
        for t in &e.targets {
            assert!(masked(&t.option, t.value.as_deref().unwrap_or("")), "{t:?}");
        }
    }
    // (A secret that is also an account's name, or a word like `password`, is found by chance.)
    let json = serde_json::to_string(&m.report).unwrap();
    for secret in m.secret_values().iter().filter(|s| {
        s.len() >= 10
            && !m
                .report
                .iter()
                .any(|e| e.section.as_deref() == Some(s.as_str()))
    }) {
        assert!(!json.contains(secret.as_str()), "a secret is in the report");
    }
}
