//! `data/asterisk/pjsip-options.tsv`, the one pjsip option table (the auditor's PBX902 and the
//! renderer's option test read it), is derived from Asterisk's own documentation: the option
//! documentation `pjsip_config-20.xml` and `pjsip_config-master.xml` (res_pjsip's types; master
//! stands for 21–23) in `$PBXGEN_SHARED_DATA`, and for the types other modules document
//! (registration, identify, acl) the `SECTION OPTIONS` of Asterisk 20's pjsip.conf.sample in
//! `$PBXGEN_CORPUS`. With both set (`.ci/run` sets them) this test re-derives the table and fails
//! when it is stale; `PBXGEN_BLESS=1` rewrites it. With only `PBXGEN_SHARED_DATA`, the rows from
//! the XML are checked.

use crate::util::{repo_path, shared_dir};
use pbxgen::asterisk::model::pjsip_options::{self, Row, Source};
use std::collections::BTreeSet;
use std::path::PathBuf;

const TABLE: &str = "data/asterisk/pjsip-options.tsv";
const HEADER: &str = "# type\toption\tsource (20 / master = pjsip_config-<v>.xml, sample-20 = Asterisk 20's pjsip.conf.sample)\tsince\n";
/// res_pjsip's types are in the XML; these come from other modules' documentation.
const SAMPLE_TYPES: [&str; 3] = ["registration", "identify", "acl"];

/// `(type, option, since)` of every `<configOption>` inside a `<configObject>` of Asterisk's XML.
fn xml_options(text: &str) -> BTreeSet<(String, String, String)> {
    let attr = |line: &str, tag: &str| {
        let start = line.find(&format!("<{tag} name=\""))? + tag.len() + 8;
        let end = line[start..].find('"')?;
        Some(line[start..start + end].to_string())
    };
    let mut object: Option<String> = None;
    // The option being read and the versions of its `<since>` so far.
    let mut option: Option<(String, Vec<String>)> = None;
    let mut out = BTreeSet::new();
    let mut flush = |object: &Option<String>, option: &mut Option<(String, Vec<String>)>| {
        if let (Some(obj), Some((name, since))) = (object, option.take()) {
            let since = if since.is_empty() {
                "-".to_string()
            } else {
                since.join(",")
            };
            out.insert((obj.clone(), name, since));
        }
    };
    for line in text.lines() {
        if let Some(name) = attr(line, "configObject") {
            flush(&object, &mut option);
            object = Some(name);
        } else if line.contains("</configObject>") {
            flush(&object, &mut option);
            object = None;
        } else if let Some(name) = attr(line, "configOption") {
            flush(&object, &mut option);
            option = Some((name, Vec::new()));
        } else if line.contains("<synopsis>") || line.contains("</configOption>") {
            flush(&object, &mut option);
        } else if let (Some((_, since)), Some(v)) = (
            option.as_mut(),
            line.trim()
                .strip_prefix("<version>")
                .and_then(|v| v.strip_suffix("</version>")),
        ) {
            since.push(v.to_string());
        }
    }
    flush(&object, &mut option);
    out
}

/// `(type, option)` from the `;[type]` … `;option=` blocks of pjsip.conf.sample.
fn sample_options(text: &str) -> BTreeSet<(String, String)> {
    let mut object: Option<String> = None;
    let mut out = BTreeSet::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix(";[").and_then(|l| l.strip_suffix(']')) {
            object = SAMPLE_TYPES.contains(&name).then(|| name.to_string());
        } else if line.starts_with(";===") || line.starts_with("; MODULE") {
            object = None;
        } else if let (Some(obj), Some(rest)) = (&object, line.strip_prefix(';')) {
            if let Some((name, _)) = rest.split_once('=') {
                if !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                    out.insert((obj.clone(), name.to_string()));
                }
            }
        }
    }
    out
}

fn row(ty: String, option: String, source: Source, since: String) -> Row {
    Row {
        ty,
        option,
        source,
        since: if since == "-" { String::new() } else { since },
    }
}

/// The table text of `rows` (sorted).
fn table_text(rows: &BTreeSet<Row>) -> String {
    let mut text = String::from(HEADER);
    for r in rows {
        let since = if r.since.is_empty() { "-" } else { &r.since };
        text.push_str(&format!(
            "{}\t{}\t{}\t{since}\n",
            r.ty,
            r.option,
            r.source.as_str()
        ));
    }
    text
}

#[test]
fn the_option_table_matches_asterisks_documentation() {
    let Some(data) = shared_dir("PBXGEN_SHARED_DATA") else {
        return;
    };
    let read =
        |p: PathBuf| std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let mut derived = BTreeSet::new();
    for (source, file) in [
        (Source::Xml20, "pjsip_config-20.xml"),
        (Source::XmlMaster, "pjsip_config-master.xml"),
    ] {
        for (t, o, since) in xml_options(&read(data.join(file))) {
            derived.insert(row(t, o, source, since));
        }
    }
    let committed: BTreeSet<Row> = pjsip_options::rows(&read(repo_path(TABLE))).collect();
    // Without the corpus only the rows from the XML documentation can be checked: that much
    // runs, and the rest is skipped (a failure in CI).
    let Some(corpus) = shared_dir("PBXGEN_CORPUS") else {
        let from_xml: BTreeSet<Row> = committed
            .into_iter()
            .filter(|r| r.source != Source::Sample20)
            .collect();
        assert_eq!(
            from_xml, derived,
            "{TABLE} is stale: rerun with PBXGEN_BLESS=1"
        );
        return;
    };
    for (t, o) in sample_options(&read(corpus.join("asterisk-samples/pjsip.conf.sample"))) {
        derived.insert(row(t, o, Source::Sample20, String::new()));
    }
    if std::env::var_os("PBXGEN_BLESS").is_some() {
        std::fs::write(repo_path(TABLE), table_text(&derived)).unwrap();
    }
    let text = read(repo_path(TABLE));
    assert_eq!(
        pjsip_options::rows(&text).collect::<BTreeSet<_>>(),
        derived,
        "{TABLE} is stale: rerun with PBXGEN_BLESS=1"
    );
    assert_eq!(
        text,
        table_text(&derived),
        "{TABLE} is written in table order"
    );
    assert_eq!(
        text,
        pjsip_options::TABLE,
        "rebuild: the embedded table differs"
    );
}

#[test]
fn embedded_table_knows_the_core_types() {
    let t = pbxgen::asterisk::model::pjsip_options::PjsipOptions::embedded();
    for ty in [
        "endpoint",
        "auth",
        "aor",
        "transport",
        "global",
        "system",
        "contact",
        "domain_alias",
    ] {
        assert!(t.knows_type(ty), "{ty}");
    }
    assert!(t.unknown("endpoint", "context", Some(13)).is_none());
    assert!(
        t.unknown("endpoint", "Context", None).is_none(),
        "option names compare case-insensitively"
    );
    assert_eq!(t.unknown("endpoint", "no_such_option", None), Some(None));
    assert!(
        t.unknown("endpoint", "@custom", None).is_none(),
        "@ fields are user data"
    );
}
