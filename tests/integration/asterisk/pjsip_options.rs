//! `data/pjsip-options.tsv` is derived from Asterisk's pjsip option documentation
//! (`pjsip_config-20.xml`, `pjsip_config-master.xml`). This test re-derives it from
//! `$PBXGEN_SHARED_DATA` (set by .ci/run) and fails when the table is stale; with
//! `PBXGEN_REGENERATE=1` it rewrites the table instead.

use crate::util::repo_path;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// (type, option) → the `<since>` versions, from one documentation file.
fn scan(xml: &str) -> BTreeMap<(String, String), Vec<String>> {
    let attr = |line: &str, tag: &str| -> Option<String> {
        let start = line.find(tag)? + tag.len();
        let rest = &line[start..];
        Some(rest[..rest.find('"')?].to_string())
    };
    let mut out = BTreeMap::new();
    let (mut object, mut option): (Option<String>, Option<String>) = (None, None);
    let mut in_since = false;
    for line in xml.lines() {
        if let Some(name) = attr(line, "<configObject name=\"") {
            object = Some(name);
            continue;
        }
        if let Some(name) = attr(line, "<configOption name=\"") {
            if let Some(obj) = &object {
                out.insert((obj.clone(), name.clone()), Vec::new());
            }
            option = Some(name);
            continue;
        }
        if line.contains("<since>") {
            in_since = true;
        }
        if in_since {
            if let (Some(obj), Some(opt)) = (&object, &option) {
                let mut rest = line;
                while let Some(start) = rest.find("<version>") {
                    let after = &rest[start + "<version>".len()..];
                    let Some(end) = after.find("</version>") else {
                        break;
                    };
                    if let Some(list) = out.get_mut(&(obj.clone(), opt.clone())) {
                        list.push(after[..end].to_string());
                    }
                    rest = &after[end..];
                }
            }
        }
        if line.contains("</since>") {
            in_since = false;
        }
        if line.contains("</configOption>") {
            option = None;
        }
        if line.contains("</configObject>") {
            object = None;
        }
    }
    out
}

/// The table text for the two documentation files.
fn table(v20: &str, master: &str) -> String {
    let (a, b) = (scan(v20), scan(master));
    let keys: BTreeSet<_> = a.keys().chain(b.keys()).cloned().collect();
    let mut text = String::from("# type\toption\tsince\tin_20\tin_master\n");
    for key in keys {
        let since = b
            .get(&key)
            .filter(|v| !v.is_empty())
            .or_else(|| a.get(&key))
            .cloned()
            .unwrap_or_default();
        let yes = |m: &BTreeMap<_, _>| if m.contains_key(&key) { "yes" } else { "no" };
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\n",
            key.0,
            key.1,
            since.join(","),
            yes(&a),
            yes(&b)
        ));
    }
    text
}

#[test]
fn pjsip_options_table_matches_asterisk_documentation() {
    let Ok(dir) = std::env::var("PBXGEN_SHARED_DATA") else {
        eprintln!("skipped: PBXGEN_SHARED_DATA is not set (.ci/run sets it to ../shared/data)");
        return;
    };
    let read = |name: &str| {
        let path = Path::new(&dir).join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "PBXGEN_SHARED_DATA set but {} unreadable: {e}",
                path.display()
            )
        })
    };
    let expected = table(
        &read("pjsip_config-20.xml"),
        &read("pjsip_config-master.xml"),
    );
    let path = repo_path("data/pjsip-options.tsv");
    if std::env::var_os("PBXGEN_REGENERATE").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let current = std::fs::read_to_string(&path).unwrap();
    assert!(
        current == expected,
        "data/pjsip-options.tsv is stale: rerun with PBXGEN_REGENERATE=1"
    );
    assert_eq!(
        current,
        pbxgen::asterisk::model::pjsip_options::TABLE,
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
