//! The real-world corpus (`$PBXGEN_CORPUS/real/`): every file is audited without a crash, its
//! findings at high and above match a reviewed expectation file, and the README's per-rule
//! counts and precision figure match the corpus.
//!
//! The corpus files are named `NN-kind-origin.conf`; files from the same origin (a sip.conf
//! and an extensions.conf of one repository) are audited together as one PBX, copied into a
//! temporary directory under their Asterisk names.
//!
//! `tests/fixtures/corpus/audit-high.tsv` lists, per corpus file, every finding at high and
//! above with a reviewer's verdict (`TP`/`FP`) and why. A change to the findings fails here
//! like a snapshot; `PBXGEN_BLESS=1` rewrites the file (keeping the verdicts of findings that
//! did not change, `?` for new ones), the README's counts and precision and
//! `docs/corpus-review.md` — and the test keeps failing until every `?` is reviewed.

use super::audit_dir;
use crate::util::{repo_path, shared_dir};
use pbxgen::audit::engine::Severity;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::PathBuf;

const EXPECTED: &str = "tests/fixtures/corpus/audit-high.tsv";
const REVIEW: &str = "docs/corpus-review.md";
const HEADER: &str = "file\tline\trule\tseverity\tverdict\twhy\tmessage";

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

/// One finding at high or above, keyed without the review.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Row {
    file: String,
    line: u32,
    rule: String,
    severity: String,
    message: String,
}

/// What the audit finds: the high+ rows and the count of every finding per rule.
fn audit_corpus(dir: &PathBuf) -> (Vec<Row>, BTreeMap<&'static str, usize>) {
    let mut groups: BTreeMap<String, Vec<(String, PathBuf, String)>> = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("corpus readable") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some((asterisk_name, origin)) = split_name(&name) {
            groups
                .entry(origin)
                .or_default()
                .push((asterisk_name, path, name));
        }
    }
    assert!(groups.len() >= 20, "corpus has its files");
    let mut rows = Vec::new();
    let mut per_rule: BTreeMap<&'static str, usize> = BTreeMap::new();
    for files in groups.values() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let mut corpus_name: HashMap<&str, &str> = HashMap::new();
        for (asterisk_name, path, name) in files {
            std::fs::copy(path, tmp.path().join(asterisk_name)).expect("copy");
            corpus_name.insert(asterisk_name, name);
        }
        let report = audit_dir(tmp.path(), None);
        for f in &report.findings {
            *per_rule.entry(f.rule.code).or_default() += 1;
            if f.severity >= Severity::High {
                let file = corpus_name
                    .get(f.file.as_str())
                    .map_or(f.file.clone(), |n| n.to_string());
                rows.push(Row {
                    file,
                    line: f.line,
                    rule: f.rule.code.to_string(),
                    severity: f.severity.to_string(),
                    message: f.message.replace(['\t', '\n'], " "),
                });
            }
        }
    }
    rows.sort();
    (rows, per_rule)
}

/// The expectation file: rows with their (verdict, why).
fn read_expected() -> Vec<(Row, String, String)> {
    let text = std::fs::read_to_string(repo_path(EXPECTED)).unwrap_or_default();
    text.lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let c: Vec<&str> = l.splitn(7, '\t').collect();
            assert_eq!(c.len(), 7, "{EXPECTED}: malformed line {l:?}");
            let row = Row {
                file: c[0].to_string(),
                line: c[1].parse().expect("line number"),
                rule: c[2].to_string(),
                severity: c[3].to_string(),
                message: c[6].to_string(),
            };
            (row, c[4].to_string(), c[5].to_string())
        })
        .collect()
}

/// The actual rows with the verdicts carried over from `old` (same finding, else same file,
/// line and rule), `?` when there is none.
fn reviewed(rows: &[Row], old: &[(Row, String, String)]) -> Vec<(Row, String, String)> {
    let exact: HashMap<&Row, (&str, &str)> = old
        .iter()
        .map(|(r, v, w)| (r, (v.as_str(), w.as_str())))
        .collect();
    let near: HashMap<(&str, u32, &str), (&str, &str)> = old
        .iter()
        .map(|(r, v, w)| {
            (
                (r.file.as_str(), r.line, r.rule.as_str()),
                (v.as_str(), w.as_str()),
            )
        })
        .collect();
    rows.iter()
        .map(|r| {
            let (v, w) = exact
                .get(r)
                .or_else(|| near.get(&(r.file.as_str(), r.line, r.rule.as_str())))
                .copied()
                .unwrap_or(("?", ""));
            (r.clone(), v.to_string(), w.to_string())
        })
        .collect()
}

fn write_expected(rows: &[(Row, String, String)]) -> String {
    let mut out = format!("{HEADER}\n");
    for (r, v, w) in rows {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{v}\t{w}\t{}",
            r.file, r.line, r.rule, r.severity, r.message
        );
    }
    out
}

/// "N of M findings at high and above are true positives (P %)".
fn precision(rows: &[(Row, String, String)]) -> String {
    let tp = rows.iter().filter(|(_, v, _)| v == "TP").count();
    let total = rows.len();
    let pct = if total == 0 {
        100.0
    } else {
        tp as f64 * 100.0 / total as f64
    };
    format!(
        "**Precision:** {tp} of {total} findings at high and above are true positives ({pct:.1} %)."
    )
}

fn review_markdown(rows: &[(Row, String, String)]) -> String {
    let mut out = String::from(
        "# Corpus review: findings at high and above\n\n\
         Generated from `tests/fixtures/corpus/audit-high.tsv` by `PBXGEN_BLESS=1 cargo test --test \
         integration corpus` (do not edit by hand: edit the verdicts in the TSV). Every finding pbxgen \
         reports at high or above on the visible corpus (`$PBXGEN_CORPUS/real/`, real configs \
         nobody here wrote), judged by reading the configuration around it as a VoIP security \
         reviewer would.\n\n",
    );
    let _ = writeln!(out, "{}\n", precision(rows));
    let mut per_rule: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (r, v, _) in rows {
        let e = per_rule.entry(r.rule.as_str()).or_default();
        e.0 += 1;
        if v == "TP" {
            e.1 += 1;
        }
    }
    out.push_str("| rule | findings | true positives |\n|---|---|---|\n");
    for (rule, (n, tp)) in &per_rule {
        let _ = writeln!(out, "| {rule} | {n} | {tp} |");
    }
    out.push_str(
        "\n| rule | file:line | severity | verdict | why | message |\n|---|---|---|---|---|---|\n",
    );
    for (r, v, w) in rows {
        let cell = |s: &str| s.replace('|', "\\|");
        let _ = writeln!(
            out,
            "| {} | {}:{} | {} | {v} | {} | {} |",
            r.rule,
            r.file,
            r.line,
            r.severity,
            cell(w),
            cell(&r.message)
        );
    }
    out
}

/// The README's per-rule table of every finding (all severities).
fn counts_table(per_rule: &BTreeMap<&'static str, usize>) -> String {
    let mut t = String::from("| rule | findings |\n|---|---|\n");
    for (code, n) in per_rule {
        let _ = writeln!(t, "| {code} | {n} |");
    }
    t
}

/// Replace the README text from `start_marker` to the next blank line with `new`.
fn replace_block(text: &mut String, start_marker: &str, new: &str) {
    let start = text
        .find(start_marker)
        .unwrap_or_else(|| panic!("README.md has `{start_marker}`"));
    let end = text[start..]
        .find("\n\n")
        .map_or(text.len(), |e| start + e + 1);
    text.replace_range(start..end, new);
}

#[test]
fn corpus_high_findings_match_the_reviewed_expectations() {
    let Some(dir) = corpus() else { return };
    let (rows, per_rule) = audit_corpus(&dir);
    let old = read_expected();
    let now = reviewed(&rows, &old);
    let expected_text = write_expected(&now);
    let table = counts_table(&per_rule);
    let precision_line = format!("{}\n", precision(&now));
    let review = review_markdown(&now);
    if std::env::var_os("PBXGEN_BLESS").is_some() {
        let path = repo_path(EXPECTED);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &expected_text).unwrap();
        std::fs::write(repo_path(REVIEW), &review).unwrap();
        let mut readme = std::fs::read_to_string(repo_path("README.md")).unwrap();
        replace_block(&mut readme, "| rule | findings |\n", &table);
        replace_block(&mut readme, "**Precision:**", &precision_line);
        std::fs::write(repo_path("README.md"), &readme).unwrap();
    }
    let old_rows: Vec<&Row> = old.iter().map(|(r, _, _)| r).collect();
    let new_rows: Vec<&Row> = rows.iter().collect();
    let gone: Vec<String> = old_rows
        .iter()
        .filter(|r| !new_rows.contains(r))
        .map(|r| format!("- {}:{} {} {}", r.file, r.line, r.rule, r.message))
        .collect();
    let added: Vec<String> = new_rows
        .iter()
        .filter(|r| !old_rows.contains(r))
        .map(|r| format!("+ {}:{} {} {}", r.file, r.line, r.rule, r.message))
        .collect();
    assert!(
        gone.is_empty() && added.is_empty(),
        "the corpus findings at high and above changed; review them and rerun with \
         PBXGEN_BLESS=1 to update {EXPECTED}:\n{}\n{}",
        gone.join("\n"),
        added.join("\n")
    );
    let unreviewed: Vec<String> = now
        .iter()
        .filter(|(_, v, w)| !(v == "TP" || v == "FP") || w.is_empty())
        .map(|(r, _, _)| format!("{}:{} {}", r.file, r.line, r.rule))
        .collect();
    assert!(
        unreviewed.is_empty(),
        "{EXPECTED}: give these findings a verdict (TP/FP) and a reason:\n{}",
        unreviewed.join("\n")
    );
    let readme = std::fs::read_to_string(repo_path("README.md")).unwrap();
    assert!(
        readme.contains(&table) && readme.contains(&precision_line),
        "README.md: the corpus counts or precision are stale (PBXGEN_BLESS=1 rewrites them)"
    );
    let on_disk = std::fs::read_to_string(repo_path(REVIEW)).unwrap_or_default();
    assert_eq!(
        on_disk, review,
        "{REVIEW} is stale (PBXGEN_BLESS=1 rewrites it)"
    );
}
