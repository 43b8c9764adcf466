//! Source lists are judged by what they admit together ([`pbxgen::breadth`], the one policy):
//! PBX701 reports a websmsd source list that admits too much of the internet, not only an
//! empty one.

use super::{audit_dir, codes};
use crate::util::repo_path;
use std::fs;

fn with_sources(remt_addr: &str) -> Vec<&'static str> {
    let dir = tempfile::tempdir().unwrap();
    let good = repo_path("tests/fixtures/audit/PBX701/good");
    for name in ["extensions.conf", "websms.conf"] {
        let text = fs::read_to_string(good.join(name)).unwrap();
        let text = text.replace(
            "remt_addr = 185.45.152.42",
            &format!("remt_addr = {remt_addr}"),
        );
        fs::write(dir.path().join(name), text).unwrap();
    }
    let report = audit_dir(dir.path(), None);
    codes(&report)
        .into_iter()
        .filter(|c| *c == "PBX701")
        .collect()
}

#[test]
fn a_webhook_source_list_is_judged_by_its_coverage() {
    for open in [
        "0.0.0.0/0",
        "0.0.0.0/1,128.0.0.0/1",
        "1.0.0.0/8",
        "185.45.152.42,1.0.0.0/9,2.0.0.0/9",
        "::/0",
    ] {
        assert_eq!(with_sources(open), ["PBX701"], "remt_addr = {open}");
    }
    for narrow in [
        "185.45.152.42",
        "185.45.152.42,3.104.90.0/24,3.1.77.0/24",
        "10.0.0.0/8",
        "1.0.0.0/9",
    ] {
        assert!(with_sources(narrow).is_empty(), "remt_addr = {narrow}");
    }
}
