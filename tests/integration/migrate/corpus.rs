//! Every sip.conf of the corpus (`$PBXGEN_CORPUS/real/`, 17 files): what chan_sip refused
//! (`asterisk20-load-truth.tsv`) is refused with its position; the rest migrates with as many
//! endpoints as chan_sip loaded peers and users, and — audited together with the extensions.conf
//! of the same repository (MANIFEST.tsv) — reports no finding at or above high that the original
//! did not: the migration opens no new entry point.

use super::{assert_invariants, read_back};
use crate::util::shared_dir;
use pbxgen::audit::engine::Severity as AuditSeverity;
use pbxgen::audit::{self, AuditOptions};
use pbxgen::migrate::{MigrateOptions, Migration, migrate};
use pbxgen::twilio::TwilioRanges;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// (file, repository) of every corpus file (MANIFEST.tsv).
fn manifest(real: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(real.join("MANIFEST.tsv"))
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut cols = l.split('\t');
            Some((cols.next()?.to_string(), cols.next()?.to_string()))
        })
        .collect()
}

fn is_sip(name: &str) -> bool {
    name.split_once('-')
        .is_some_and(|(_, rest)| rest.starts_with("sip-"))
}

/// (objects chan_sip loaded, whether it refused the file) per sip.conf of the truth file.
fn truth(data: &Path) -> BTreeMap<String, (usize, bool)> {
    let text = std::fs::read_to_string(data.join("asterisk20-load-truth.tsv")).unwrap();
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c.len() >= 8 && is_sip(c[0])).then(|| {
                let rejected = c[7].contains("sip show peers=n/a") || c[6].contains("CAUSE:");
                (c[0].to_string(), (c[5].parse().unwrap(), rejected))
            })
        })
        .collect()
}

/// A corpus site in a directory: the sip.conf, and the extensions.conf of the same repository.
fn site(real: &Path, sip: &str, manifest: &[(String, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(real.join(sip), dir.path().join("sip.conf")).unwrap();
    let repo = &manifest.iter().find(|(f, _)| f == sip).unwrap().1;
    if let Some((ext, _)) = manifest
        .iter()
        .find(|(f, r)| r == repo && f.contains("-extensions-"))
    {
        std::fs::copy(real.join(ext), dir.path().join("extensions.conf")).unwrap();
    }
    dir
}

#[test]
fn every_corpus_sip_conf_migrates_as_chan_sip_loaded_it() {
    let (Some(corpus), Some(data)) = (
        shared_dir("PBXGEN_CORPUS"),
        shared_dir("PBXGEN_SHARED_DATA"),
    ) else {
        return;
    };
    let real = corpus.join("real");
    let manifest = manifest(&real);
    let truth = truth(&data);
    assert_eq!(truth.len(), 17);
    for (name, (loaded, rejected)) in &truth {
        let dir = site(&real, name, &manifest);
        let pbx = audit::load_dir(dir.path(), &audit::LoadOptions::default()).unwrap();
        match migrate(&pbx, &MigrateOptions::default()) {
            Err(e) => {
                assert!(
                    *rejected,
                    "{name}: chan_sip loaded it, migrate refused: {e}"
                );
                let loc = e.location.as_ref().expect("a position");
                assert!(loc.line > 0 && loc.file.ends_with(".conf"), "{name}: {e}");
            }
            Ok(m) => {
                assert!(!rejected, "{name}: chan_sip refused it, migrate did not");
                assert_eq!(m.summary.peers_loaded, *loaded, "{name}: peers and users");
                assert_eq!(m.summary.endpoints, *loaded, "{name}: endpoints written");
                assert!(!m.is_refused(), "{name}: the migration refused its output");
                assert_invariants(&m);
            }
        }
    }
}

/// Which chan_sip section each pjsip object came from (from the report: an entry's section and
/// the objects it wrote).
fn origins(m: &Migration) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for e in &m.report {
        let Some(section) = &e.section else { continue };
        for t in e
            .targets
            .iter()
            .filter(|t| t.file == "pjsip.conf" && t.object != "*")
        {
            out.entry(t.object.to_string())
                .or_insert_with(|| section.to_string());
        }
    }
    out
}

/// (rule, section) of every finding at or above high.
fn high_findings(
    dir: &Path,
    origin: Option<&HashMap<String, String>>,
) -> BTreeSet<(String, String)> {
    let pbx = audit::load_dir(dir, &audit::LoadOptions::default()).unwrap();
    let twilio = TwilioRanges::embedded();
    let report = audit::audit(
        &pbx,
        &AuditOptions {
            twilio: &twilio,
            asterisk_version: None,
            min_severity: Some(AuditSeverity::High),
        },
    );
    report
        .findings
        .iter()
        .map(|f| {
            let section = f.section.clone().unwrap_or_default();
            let section = match origin {
                Some(o) if f.file == "pjsip.conf" => o.get(&section).cloned().unwrap_or(section),
                _ => section,
            };
            (f.rule.code.to_string(), section)
        })
        .collect()
}

#[test]
fn the_migrated_sites_have_no_new_high_finding() {
    let Some(corpus) = shared_dir("PBXGEN_CORPUS") else {
        return;
    };
    let real = corpus.join("real");
    let manifest = manifest(&real);
    let mut compared = 0;
    let mut new = Vec::new();
    for (name, _) in manifest.iter().filter(|(f, _)| is_sip(f)) {
        let original = site(&real, name, &manifest);
        let pbx = audit::load_dir(original.path(), &audit::LoadOptions::default()).unwrap();
        let Ok(m) = migrate(&pbx, &MigrateOptions::default()) else {
            continue; // chan_sip refuses it: nothing is migrated.
        };
        read_back(&m);
        // The migrated site: pjsip.conf and the dialplan (rewritten, or as it was).
        let migrated = tempfile::tempdir().unwrap();
        std::fs::write(migrated.path().join("pjsip.conf"), &m.pjsip_conf).unwrap();
        let ext = original.path().join("extensions.conf");
        match &m.extensions_conf {
            Some(text) => std::fs::write(migrated.path().join("extensions.conf"), text).unwrap(),
            None if ext.exists() => {
                std::fs::copy(&ext, migrated.path().join("extensions.conf")).unwrap();
            }
            None => {}
        }
        let before = high_findings(original.path(), None);
        let after = high_findings(migrated.path(), Some(&origins(&m)));
        for f in after.difference(&before) {
            new.push(format!("{name}: {} in [{}]", f.0, f.1));
        }
        compared += 1;
    }
    assert!(compared >= 13, "{compared} sites compared");
    assert!(
        new.is_empty(),
        "new findings at or above high:\n{}",
        new.join("\n")
    );
}
