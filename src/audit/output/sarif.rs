//! SARIF 2.1.0 for code-scanning upload (GitHub `upload-sarif`, Azure DevOps, …): every rule's
//! metadata in `tool.driver.rules` (with `security-severity` so GitHub ranks alerts), one result
//! per finding with its location, source snippet (masked), a `partialFingerprints` entry that
//! survives line shifts, and reachability paths as `codeFlows`.

use super::Report;
use crate::audit::engine::Rule;
use crate::audit::engine::{Finding, PathStep};
use crate::audit::registry;
use serde_json::{Value, json};

/// The `$id` of the official OASIS schema (vendored in tests/fixtures/audit/).
pub const SCHEMA_URI: &str = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json";

pub fn render(report: &Report) -> String {
    let rules = registry::all();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| result(report, rules, f))
        .collect();
    let doc = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "pbxgen",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rules.iter().map(|r| descriptor(r)).collect::<Vec<_>>(),
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

fn descriptor(r: &Rule) -> Value {
    json!({
        "id": r.code,
        "name": r.name,
        "shortDescription": { "text": r.summary },
        "fullDescription": { "text": format!("{} {}", r.doc.what, r.doc.why) },
        "help": { "text": r.text(), "markdown": r.markdown() },
        "defaultConfiguration": { "level": r.severity.sarif_level() },
        "properties": {
            "tags": ["security", "asterisk"],
            "precision": "high",
            "problem.severity": r.severity.sarif_level(),
            "security-severity": r.severity.security_score(),
        }
    })
}

fn location(report: &Report, file: &str, line: u32, column: u32, snippet: Option<&str>) -> Value {
    let mut region = json!({ "startLine": line, "startColumn": column.max(1) });
    if let Some(text) = snippet {
        region["snippet"] = json!({ "text": text });
    }
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri_path(&report.repo_path(file)) },
            "region": region,
        }
    })
}

fn result(report: &Report, rules: &[&Rule], f: &Finding) -> Value {
    let index = rules.iter().position(|r| std::ptr::eq(&r.info, f.rule));
    let mut text = f.message.clone();
    if !f.path.is_empty() {
        text.push_str(&format!(
            " Path: {}.",
            crate::audit::engine::finding::path_to_string(&f.path)
        ));
    }
    text.push_str(&format!(" Fix: {}", f.fix));
    let mut v = json!({
        "ruleId": f.rule.code,
        "level": f.severity.sarif_level(),
        "message": { "text": text },
        "locations": [location(report, &f.file, f.line, f.column, f.snippet.as_deref())],
        "partialFingerprints": { "pbxgenFingerprint/v1": f.fingerprint() },
        "properties": { "severity": f.severity.as_str() },
    });
    if let Some(i) = index {
        v["ruleIndex"] = json!(i);
    }
    if !f.path.is_empty() {
        v["codeFlows"] = json!([{ "threadFlows": [{ "locations": f.path.iter().map(|s| flow_step(report, s)).collect::<Vec<_>>() }] }]);
    }
    v
}

fn flow_step(report: &Report, step: &PathStep) -> Value {
    let mut loc = location(report, &step.file, step.line, step.column, None);
    loc["message"] = json!({ "text": step.text });
    json!({ "location": loc })
}

/// A relative path as a URI reference: forward slashes, characters outside RFC 3986's
/// unreserved/sub-delims percent-encoded.
fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for ch in path.replace('\\', "/").chars() {
        if ch.is_ascii_alphanumeric() || "-._~/!$&'()*+,;=:@".contains(ch) {
            out.push(ch);
        } else {
            let mut buf = [0u8; 4];
            for b in ch.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::uri_path;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri_path("conf/sip.conf"), "conf/sip.conf");
        assert_eq!(uri_path("my dir/é.conf"), "my%20dir/%C3%A9.conf");
    }
}
