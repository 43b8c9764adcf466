//! Every pjsip option the migration writes exists for its object type in every release of
//! Asterisk 20 and 22 (`data/asterisk/pjsip-options.tsv`: Asterisk's own documentation; for
//! identify, registration and acl the SECTION OPTIONS of pjsip.conf.sample). An unknown option
//! makes Asterisk drop the whole object; an option newer than 22.0.0 would on 22.0–22.x.
//!
//! Checked twice: statically for every one-to-one row of the option table, and on what the
//! migration really writes for the kitchen-sink fixture (every concern) and the corpus.

use super::read_back;
use crate::util::{in_every_release, repo_path};
use pbxgen::asterisk::FileKind;
use pbxgen::asterisk::model::pjsip_options;
use pbxgen::migrate::table::{Handler, ROWS};
use std::collections::BTreeSet;

/// Types documented outside res_pjsip's XML.
const SAMPLE_TYPES: [&str; 3] = ["registration", "identify", "acl"];

/// Options that are in the documentation but not in every 20/22 release, or values that are
/// not (docs/notes/sip-to-pjsip-mapping.md, "Version caveat"): never written.
const TRAPS: &[&str] = &[
    "auth_type=digest",
    "password_digest=",
    "qualify_2xx_only=",
    "supported_algorithms_uac=",
    "supported_algorithms_uas=",
    "default_auth_algorithms_uac=",
    "default_auth_algorithms_uas=",
    "suppress_moh_on_sendonly=",
    "follow_redirect_methods=",
    "rtp_port_start=",
    "rtp_port_end=",
    "external_signaling_hostname=",
    "dtmf_mode=none",
];

/// Options whose documented `since` is later than the code: the source registers them in
/// 20.0.0 and 22.0.0 (`git show 20.0.0:res/res_pjsip/pjsip_configuration.c`: `"media_address"`
/// at line 2104); the `<since>` came with their documentation.
const DOCUMENTED_LATE: &[(&str, &str)] = &[("endpoint", "media_address")];

/// Whether `option` of `kind` exists in every release of Asterisk `major`.
fn exists(kind: &str, option: &str, major: u32) -> Result<(), String> {
    let source = if SAMPLE_TYPES.contains(&kind) {
        "sample-20"
    } else if major <= 20 {
        "20"
    } else {
        "master"
    };
    let row = pjsip_options::rows(pjsip_options::TABLE)
        .find(|r| r.ty == kind && r.option == option && r.source.as_str() == source)
        .ok_or_else(|| format!("{kind} `{option}` is not an option Asterisk {major} documents"))?;
    let since = if row.since.is_empty() {
        "-".to_string()
    } else {
        row.since
    };
    if in_every_release(&since, major) || DOCUMENTED_LATE.contains(&(kind, option)) {
        Ok(())
    } else {
        Err(format!(
            "{kind} `{option}` exists only since {since} (target {major})"
        ))
    }
}

#[test]
fn every_option_of_the_table_exists_in_asterisk_20_and_22() {
    let mut checked = 0;
    for row in ROWS {
        if let Handler::Simple { object, option, .. } = row.handler {
            for major in [20, 22] {
                exists(object.kind(), option, major)
                    .unwrap_or_else(|e| panic!("row {:?}: {e}", row.names));
            }
            checked += 1;
        }
    }
    assert!(checked >= 60, "{checked} one-to-one rows");
}

/// The (type, option) pairs of a migrated pjsip.conf, templates applied.
fn written(pjsip_conf: &str, extensions: Option<&str>) -> BTreeSet<(String, String)> {
    let m = pbxgen_migration_text(pjsip_conf, extensions);
    let file = m.config.file_of_kind(FileKind::Pjsip).unwrap().1;
    let mut out = BTreeSet::new();
    for s in file.live_sections() {
        let kind = s.value("type").unwrap_or_default().to_string();
        for v in s.variables.iter() {
            out.insert((kind.clone(), v.name.to_string()));
        }
    }
    out
}

fn pbxgen_migration_text(pjsip_conf: &str, extensions: Option<&str>) -> pbxgen::asterisk::Pbx {
    let mut files = vec![("pjsip.conf".to_string(), pjsip_conf.as_bytes().to_vec())];
    if let Some(e) = extensions {
        files.push(("extensions.conf".to_string(), e.as_bytes().to_vec()));
    }
    let config = pbxgen::asterisk::load_texts("migrated", files);
    pbxgen::asterisk::build_model(config, &Default::default())
}

fn check_all(name: &str, pjsip_conf: &str) {
    for trap in TRAPS {
        assert!(
            !pjsip_conf.lines().any(|l| l.starts_with(trap)),
            "{name}: `{trap}` is not in every Asterisk 20/22 release"
        );
    }
    for (kind, option) in written(pjsip_conf, None) {
        for major in [20, 22] {
            exists(&kind, &option, major).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}

#[test]
fn every_option_the_kitchen_sink_migration_writes_exists_in_asterisk_20_and_22() {
    let dir = repo_path("tests/fixtures/migrate/kitchen-sink");
    let sip = std::fs::read_to_string(dir.join("sip.conf")).unwrap();
    let ext = std::fs::read_to_string(dir.join("extensions.conf")).unwrap();
    let m = super::run(&[("sip.conf", &sip), ("extensions.conf", &ext)]);
    read_back(&m);
    check_all("kitchen-sink", &m.pjsip_conf);
    let kinds: BTreeSet<String> = written(&m.pjsip_conf, None)
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    for kind in [
        "global",
        "system",
        "transport",
        "endpoint",
        "auth",
        "aor",
        "identify",
        "registration",
    ] {
        assert!(kinds.contains(kind), "the kitchen sink writes a {kind}");
    }
    // And with guests kept: the anonymous endpoint.
    let kept = super::run_with(
        &[("sip.conf", "[general]\ncontext=public\n")],
        &pbxgen::migrate::MigrateOptions { keep_guest: true },
    )
    .unwrap();
    check_all("keep-guest", &kept.pjsip_conf);
}

#[test]
fn every_option_written_for_the_corpus_exists_in_asterisk_20_and_22() {
    let Some(corpus) = std::env::var_os("PBXGEN_CORPUS")
        .map(std::path::PathBuf::from)
        .or_else(|| Some(repo_path("../shared/corpus")).filter(|p| p.is_dir()))
    else {
        eprintln!("corpus not found: skipped");
        return;
    };
    let mut files = 0;
    for entry in std::fs::read_dir(corpus.join("real")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name
            .split_once('-')
            .is_some_and(|(_, r)| r.starts_with("sip-"))
        {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let Ok(m) = super::run_with(&[("sip.conf", &text)], &Default::default()) else {
            continue; // chan_sip refuses it (corpus::refused_files says which).
        };
        check_all(&name, &m.pjsip_conf);
        files += 1;
    }
    assert!(files >= 13, "{files} corpus files migrated");
}
