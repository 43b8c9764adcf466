//! Differential reading: what pbxgen's model predicts for real-world configurations against what
//! Asterisk does with them.
//!
//! - Every pjsip.conf and extensions.conf of the corpus (`real/18–40`, and Asterisk's samples) is
//!   loaded alone into Asterisk 22; per type, the objects Asterisk lists and whether it refuses
//!   the file are compared with the model's prediction.
//! - Every sip.conf (`real/01–17`) — Asterisk 22 has no chan_sip — is compared with what a real
//!   Asterisk 20 loaded (`shared/data/asterisk20-load-truth.tsv`): peers, users, file refused.
//!
//! Each difference must be listed in tests/fixtures/live/corpus-expectations.tsv with its
//! category (`environment`: only this sandbox's doing, e.g. no DNS; `model-bug`: pbxgen's model
//! is wrong, to be fixed in src/asterisk) and reason; a listed difference that no longer occurs
//! fails too, so the list stays true.

use super::support::live;
use crate::util::{repo_path, shared_dir};
use pbxgen::asterisk::model::sip::SipPeerKind;
use pbxgen::verify::{Prediction, VerifyOptions, predict_dir, verify_dir};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const EXPECTATIONS: &str = "tests/fixtures/live/corpus-expectations.tsv";

/// A corpus sip.conf (`NN-sip-NAME.conf`; `25-pjsip-my-sip-address.conf` is not one).
fn is_sip(name: &str) -> bool {
    name.split_once('-')
        .is_some_and(|(_, rest)| rest.starts_with("sip-"))
}

/// One expected difference: (file, what, difference) → (category, reason).
type Expectations = BTreeMap<(String, String, String), (String, String)>;

fn expectations() -> Expectations {
    let text = std::fs::read_to_string(repo_path(EXPECTATIONS)).unwrap();
    let mut out = Expectations::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(
            cols.len(),
            5,
            "{EXPECTATIONS}:{}: expected 5 tab-separated columns",
            i + 1
        );
        assert!(
            ["environment", "model-bug"].contains(&cols[3]),
            "{EXPECTATIONS}:{}: category is `environment` or `model-bug`",
            i + 1
        );
        assert!(
            !cols[4].trim().is_empty(),
            "{EXPECTATIONS}:{}: give the reason",
            i + 1
        );
        out.insert(
            (cols[0].into(), cols[1].into(), cols[2].into()),
            (cols[3].into(), cols[4].into()),
        );
    }
    out
}

/// Check the observed differences of files whose name matches `scope` against the expectations.
fn check(observed: &BTreeSet<(String, String, String)>, scope: impl Fn(&str) -> bool) {
    let expected = expectations();
    let unexpected: Vec<String> = observed
        .iter()
        .filter(|k| !expected.contains_key(*k))
        .map(|(f, w, d)| format!("{f}\t{w}\t{d}\t<category>\t<reason>"))
        .collect();
    let stale: Vec<String> = expected
        .keys()
        .filter(|k| scope(&k.0) && !observed.contains(*k))
        .map(|(f, w, d)| format!("{f}\t{w}\t{d}"))
        .collect();
    assert!(
        unexpected.is_empty() && stale.is_empty(),
        "differences between pbxgen's model and Asterisk not in {EXPECTATIONS} \
         (add them with a category and reason, or fix the harness):\n{}\n\
         listed in {EXPECTATIONS} but no longer observed (remove them):\n{}",
        unexpected.join("\n"),
        stale.join("\n")
    );
    let bugs = expected
        .iter()
        .filter(|(k, v)| scope(&k.0) && v.0 == "model-bug")
        .count();
    eprintln!(
        "{} differences, all expected ({bugs} of them model bugs listed in {EXPECTATIONS})",
        observed.len()
    );
}

/// The differences between a prediction and what Asterisk did with one file.
fn differences(
    name: &str,
    predicted: &Prediction,
    report: &pbxgen::verify::VerifyReport,
) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let comparison = pbxgen::verify::compare(&report.objects, &predicted.objects);
    for k in &comparison.kinds {
        for id in &k.predicted_only {
            out.push((
                name.into(),
                k.kind.name().into(),
                format!("predicted-only:{id}"),
            ));
        }
        for id in &k.asterisk_only {
            out.push((
                name.into(),
                k.kind.name().into(),
                format!("asterisk-only:{id}"),
            ));
        }
    }
    let files: BTreeSet<&String> = predicted.rejected.union(&report.rejected).collect();
    for f in files {
        let (p, a) = (predicted.rejected.contains(f), report.rejected.contains(f));
        if p != a {
            out.push((
                name.into(),
                "rejected".into(),
                format!("predicted:{p} asterisk:{a}"),
            ));
        }
    }
    out
}

/// (corpus file, the name Asterisk reads it under) for every pjsip.conf and extensions.conf.
fn pjsip_and_extensions(corpus: &Path) -> Vec<(PathBuf, &'static str)> {
    let mut files = Vec::new();
    let mut real: Vec<PathBuf> = std::fs::read_dir(corpus.join("real"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    real.sort();
    for path in real {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.contains("-pjsip-") {
            files.push((path, "pjsip.conf"));
        } else if name.contains("-extensions-") {
            files.push((path, "extensions.conf"));
        }
    }
    for (sample, as_name) in [
        ("pjsip.conf.sample", "pjsip.conf"),
        ("extensions.conf.sample", "extensions.conf"),
    ] {
        let path = corpus.join("asterisk-samples").join(sample);
        if path.is_file() {
            files.push((path, as_name));
        }
    }
    files
}

#[test]
fn corpus_pjsip_and_extensions_as_asterisk_22_loads_them() {
    let asterisk = live!();
    let Some(corpus) = shared_dir("PBXGEN_CORPUS") else {
        return;
    };
    let files = pjsip_and_extensions(&corpus);
    assert!(
        files.len() >= 23,
        "the corpus has its 23 pjsip/extensions files"
    );
    let start = std::time::Instant::now();
    // Two at a time: each instance takes about a second, mostly one core.
    let observed = std::sync::Mutex::new(BTreeSet::new());
    let loaded = std::sync::Mutex::new((0usize, 0usize));
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some((path, as_name)) = files.get(i) else {
                        break;
                    };
                    let name = path.file_name().unwrap().to_string_lossy().into_owned();
                    let dir = tempfile::tempdir().unwrap();
                    std::fs::copy(path, dir.path().join(as_name)).unwrap();
                    let predicted = predict_dir(dir.path(), Some(22))
                        .unwrap_or_else(|e| panic!("{name}: pbxgen cannot read it: {e}"));
                    let report = verify_dir(
                        dir.path(),
                        &asterisk,
                        &VerifyOptions {
                            prediction: Some(predicted.clone()),
                            ..Default::default()
                        },
                    )
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                    super::support::save_report(&name, &report);
                    let diffs = differences(&name, &predicted, &report);
                    observed.lock().unwrap().extend(diffs);
                    let mut l = loaded.lock().unwrap();
                    l.0 += report.objects.endpoints.len();
                    l.1 += report.objects.contexts.len();
                }
            });
        }
    });
    eprintln!(
        "{} corpus files loaded into Asterisk 22 in {:.1}s",
        files.len(),
        start.elapsed().as_secs_f64()
    );
    let observed = observed.into_inner().unwrap();
    check(&observed, |f| {
        f.contains("-pjsip-") || f.contains("-extensions-") || f.ends_with(".sample")
    });
    // Not vacuous: Asterisk did load objects from these files.
    let (endpoints, contexts) = loaded.into_inner().unwrap();
    assert!(
        endpoints >= 40 && contexts >= 150,
        "Asterisk loaded only {endpoints} endpoints and {contexts} contexts from the corpus"
    );
}

/// One row of asterisk20-load-truth.tsv for a sip.conf: peers and users Asterisk 20 listed, and
/// whether chan_sip refused the file.
struct SipTruth {
    peers: usize,
    users: usize,
    rejected: bool,
}

fn sip_truth(data: &Path) -> BTreeMap<String, SipTruth> {
    let text = std::fs::read_to_string(data.join("asterisk20-load-truth.tsv")).unwrap();
    let mut out = BTreeMap::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 8 || !is_sip(cols[0]) {
            continue;
        }
        let detail = cols[7];
        let count = |label: &str| -> Option<usize> {
            let rest = detail.split(label).nth(1)?;
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        };
        let rejected = detail.contains("sip show peers=n/a") || cols[6].contains("CAUSE:");
        out.insert(
            cols[0].to_string(),
            SipTruth {
                peers: count("sip show peers=").unwrap_or(0),
                users: count("sip show users=").unwrap_or(0),
                rejected,
            },
        );
    }
    out
}

#[test]
fn corpus_sip_conf_as_asterisk_20_loaded_them() {
    let Some(corpus) = shared_dir("PBXGEN_CORPUS") else {
        return;
    };
    let Some(data) = shared_dir("PBXGEN_SHARED_DATA") else {
        return;
    };
    let truth = sip_truth(&data);
    assert_eq!(truth.len(), 17, "the truth file has the 17 sip.conf rows");
    let mut observed = BTreeSet::new();
    let mut total_peers = 0;
    for (name, t) in &truth {
        let path = corpus.join("real").join(name);
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(&path, dir.path().join("sip.conf")).unwrap();
        // The model gets Asterisk's view of the file system: an audit reads nothing outside
        // the audited tree (PBX908), but Asterisk 20 looked `#include /opt/asterisk/users.conf`
        // up and, not finding it, refused the file. Nothing is read outside: the files the
        // corpus includes by absolute path are on neither machine.
        let everywhere = [PathBuf::from("/")];
        let config = pbxgen::asterisk::load_dir_allowing(dir.path(), &everywhere).unwrap();
        let rejected = config
            .file_of_kind(pbxgen::asterisk::FileKind::Sip)
            .is_some_and(|(_, f)| f.is_invalid());
        let pbx = pbxgen::asterisk::build_model(
            config,
            &pbxgen::asterisk::ModelOptions {
                asterisk_version: Some(20),
            },
        );
        let (mut peers, mut users) = (0, 0);
        if !rejected {
            for p in &pbx.sip.as_ref().unwrap().peers {
                match p.kind.value {
                    SipPeerKind::Peer => peers += 1,
                    SipPeerKind::User => users += 1,
                    SipPeerKind::Friend => {
                        peers += 1;
                        users += 1;
                    }
                }
            }
        }
        total_peers += peers;
        for (what, p, a) in [
            ("sip_peers", peers.to_string(), t.peers.to_string()),
            ("sip_users", users.to_string(), t.users.to_string()),
            ("rejected", rejected.to_string(), t.rejected.to_string()),
        ] {
            if p != a {
                observed.insert((
                    name.clone(),
                    what.to_string(),
                    format!("predicted:{p} asterisk20:{a}"),
                ));
            }
        }
    }
    assert!(
        total_peers >= 90,
        "the model found only {total_peers} peers in the corpus"
    );
    check(&observed, is_sip);
}
