//! The real-world corpus (`$PBXGEN_CORPUS/real/`): every file is audited without a crash, and
//! the per-rule counts are printed (they feed the README table; run with `--nocapture`).
//!
//! The corpus files are named `NN-kind-origin.conf`; files from the same origin (a sip.conf
//! and an extensions.conf of one repository) are audited together as one PBX, copied into a
//! temporary directory under their Asterisk names.

use super::audit_dir;
use crate::util::shared_dir;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn corpus() -> Option<PathBuf> {
    let dir = shared_dir("PBXGEN_CORPUS")?.join("real");
    assert!(
        dir.is_dir(),
        "PBXGEN_CORPUS is set but {} is not a directory",
        dir.display()
    );
    Some(dir)
}

/// `02-sip-cosmiccable.conf` → (`sip.conf`, `cosmiccable`).
fn split_name(file: &str) -> Option<(String, String)> {
    let stem = file.strip_suffix(".conf")?;
    let mut parts = stem.splitn(3, '-');
    let _num = parts.next()?;
    let kind = parts.next()?;
    let origin = parts.next()?;
    Some((format!("{kind}.conf"), origin.to_string()))
}

#[test]
fn corpus_is_audited_without_a_crash() {
    let Some(dir) = corpus() else { return };
    let mut groups: BTreeMap<String, Vec<(String, PathBuf)>> = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("corpus readable") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some((asterisk_name, origin)) = split_name(&name) {
            groups
                .entry(origin)
                .or_default()
                .push((asterisk_name, path));
        }
    }
    assert!(groups.len() >= 20, "corpus has its files");
    let mut per_rule: BTreeMap<&'static str, usize> = BTreeMap::new();
    for (origin, files) in &groups {
        let tmp = tempfile::tempdir().expect("tempdir");
        for (asterisk_name, path) in files {
            std::fs::copy(path, tmp.path().join(asterisk_name)).expect("copy");
        }
        let report = audit_dir(tmp.path(), None);
        for f in &report.findings {
            *per_rule.entry(f.rule.code).or_default() += 1;
        }
        eprintln!("{origin}: {} findings", report.findings.len());
    }
    eprintln!("| rule | findings |\n|---|---|");
    for (code, n) in &per_rule {
        eprintln!("| {code} | {n} |");
    }
}
