//! SARIF 2.1.0 for code-scanning upload (GitHub `upload-sarif`, Azure DevOps, …): every rule's
//! metadata in `tool.driver.rules` (with `security-severity` so GitHub ranks alerts), one result
//! per finding with its location, source snippet (masked), a `partialFingerprints` entry that
//! survives line shifts, and reachability paths as `codeFlows`.
//!
//! Laid out as serde_json pretty-prints the document (keys in alphabetical order, two spaces a
//! level; a test holds the two together), and streamed like the JSON report: the results are
//! written by hand in blocks as they are made, never the whole document in memory (a provider's
//! tree has hundreds of thousands of findings; building it as one `serde_json::Value` took three
//! times the JSON report's time and memory).

use super::Report;
use crate::audit::engine::Rule;
use crate::audit::engine::{Finding, PathStep};
use crate::audit::registry;
use crate::json_text::{CHUNK, Pretty, push_number, push_str, write_in_blocks};
use serde_json::{Value, json};

/// The `$id` of the official OASIS schema (vendored in tests/fixtures/audit/).
pub const SCHEMA_URI: &str = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json";

/// The report as a string (what [`write`] writes).
pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail, and only UTF-8 is written.
    let _ = write(report, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Write the report, followed by a newline.
pub fn write(report: &Report, out: &mut impl std::io::Write) -> std::io::Result<()> {
    let rules = registry::all();
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK + 4096);
    let mut doc = Pretty::at(&mut buf, 0, false);
    doc.open(b'{');
    doc.key("$schema");
    push_str(doc.buf, SCHEMA_URI);
    doc.key("runs");
    doc.open(b'[');
    doc.item();
    doc.open(b'{');
    doc.key("columnKind");
    push_str(doc.buf, "unicodeCodePoints");
    doc.key("results");
    doc.open(b'[');
    let results_depth = doc.depth();
    write_in_blocks(&report.findings, &mut buf, out, |buf, i, f| {
        let mut result = Pretty::at(buf, results_depth, i > 0);
        result.item();
        push_result(&mut result, report, rules, f);
    })?;
    let mut doc = Pretty::at(&mut buf, results_depth, !report.findings.is_empty());
    doc.close(b']');
    doc.key("tool");
    // The rules' metadata: the same for every report, small, and laid out by serde_json.
    let tool = json!({
        "driver": {
            "name": "pbxgen",
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "rules": rules.iter().map(|r| descriptor(r)).collect::<Vec<_>>(),
        }
    });
    doc.nested(&tool);
    doc.close(b'}');
    doc.close(b']');
    doc.key("version");
    push_str(doc.buf, "2.1.0");
    doc.close(b'}');
    buf.push(b'\n');
    out.write_all(&buf)
}

/// `{"text": text}`: SARIF's message and snippet objects.
fn push_text(out: &mut Pretty<'_>, text: &str) {
    out.open(b'{');
    out.key("text");
    push_str(out.buf, text);
    out.close(b'}');
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

/// `{"physicalLocation": …}`, with `message` first when given (a step of a code flow).
fn push_location(
    out: &mut Pretty<'_>,
    report: &Report,
    at: (&str, u32, u32),
    snippet: Option<&str>,
    message: Option<&str>,
) {
    let (file, line, column) = at;
    out.open(b'{');
    if let Some(message) = message {
        out.key("message");
        push_text(out, message);
    }
    out.key("physicalLocation");
    out.open(b'{');
    out.key("artifactLocation");
    out.open(b'{');
    out.key("uri");
    push_str(out.buf, &uri_path(&report.repo_path(file)));
    out.close(b'}');
    out.key("region");
    out.open(b'{');
    if let Some(snippet) = snippet {
        out.key("snippet");
        push_text(out, snippet);
    }
    out.key("startColumn");
    push_number(out.buf, column.max(1));
    out.key("startLine");
    push_number(out.buf, line);
    out.close(b'}');
    out.close(b'}');
    out.close(b'}');
}

fn push_result(out: &mut Pretty<'_>, report: &Report, rules: &[&Rule], f: &Finding) {
    out.open(b'{');
    if !f.path.is_empty() {
        out.key("codeFlows");
        out.open(b'[');
        out.item();
        out.open(b'{');
        out.key("threadFlows");
        out.open(b'[');
        out.item();
        out.open(b'{');
        out.key("locations");
        out.open(b'[');
        for step in &f.path {
            push_flow_step(out, report, step);
        }
        out.close(b']');
        out.close(b'}');
        out.close(b']');
        out.close(b'}');
        out.close(b']');
    }
    out.key("level");
    push_str(out.buf, f.severity.sarif_level());
    out.key("locations");
    out.open(b'[');
    out.item();
    let at = (f.file.as_str(), f.line, f.column);
    push_location(out, report, at, f.snippet.as_deref(), None);
    out.close(b']');
    out.key("message");
    let mut text = f.message.clone();
    if !f.path.is_empty() {
        text.push_str(" Path: ");
        text.push_str(&crate::audit::engine::finding::path_to_string(&f.path));
        text.push('.');
    }
    text.push_str(" Fix: ");
    text.push_str(&f.fix);
    push_text(out, &text);
    out.key("partialFingerprints");
    out.open(b'{');
    out.key("pbxgenFingerprint/v1");
    push_str(out.buf, &f.fingerprint());
    out.close(b'}');
    out.key("properties");
    out.open(b'{');
    out.key("severity");
    push_str(out.buf, f.severity.as_str());
    out.close(b'}');
    out.key("ruleId");
    push_str(out.buf, f.rule.code);
    // The registry is in code order (a test holds it there): a search, not a scan per result.
    let index = rules
        .binary_search_by(|r| r.info.code.cmp(f.rule.code))
        .ok()
        .filter(|&i| std::ptr::eq(&rules[i].info, f.rule));
    if let Some(index) = index {
        out.key("ruleIndex");
        push_number(out.buf, index as u64);
    }
    out.close(b'}');
}

fn push_flow_step(out: &mut Pretty<'_>, report: &Report, step: &PathStep) {
    out.item();
    out.open(b'{');
    out.key("location");
    let at = (step.file.as_str(), step.line, step.column);
    push_location(out, report, at, None, Some(&step.text));
    out.close(b'}');
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
    use super::{Finding, PathStep, Report, Rule, SCHEMA_URI, Value, json, registry};

    /// The document as serde_json lays it out from a `Value`: what [`super::write`] must match
    /// byte for byte (this was the writer before it streamed).
    fn serde_json_of(report: &Report) -> String {
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
                        "rules": rules.iter().map(|r| super::descriptor(r)).collect::<Vec<_>>(),
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

    fn location(
        report: &Report,
        file: &str,
        line: u32,
        column: u32,
        snippet: Option<&str>,
    ) -> Value {
        let mut region = json!({ "startLine": line, "startColumn": column.max(1) });
        if let Some(text) = snippet {
            region["snippet"] = json!({ "text": text });
        }
        json!({
            "physicalLocation": {
                "artifactLocation": { "uri": super::uri_path(&report.repo_path(file)) },
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

    #[test]
    fn the_streamed_sarif_is_what_serde_json_writes() {
        use super::super::{Input, test_findings};
        use crate::asterisk::FileKind;
        let awkward = crate::json_text::awkward_text();
        let step = |text: &str| PathStep {
            file: format!("dir/{awkward}.conf"),
            line: 3,
            column: 0,
            text: text.into(),
        };
        let message = format!("why: {awkward}");
        let finding = |snippet: Option<&str>, path: Vec<PathStep>| {
            test_findings::finding("dir/sip \"x\" é.conf", snippet, &message, None, path)
        };
        let full = finding(
            Some(&awkward),
            vec![step("[public] include => x"), step(&awkward)],
        );
        let bare = finding(None, Vec::new());
        // Enough findings to cross the chunk size and the block size of `write_in_blocks`
        // several times, each with its own fix so that blocks out of order would show.
        let many = test_findings::many(&full, &bare, 1000, |f, i| {
            f.fix = format!("{}{i}", f.fix).into();
        });
        let block = crate::json_text::BLOCK_ITEMS;
        for findings in [
            Vec::new(),
            vec![bare.clone()],
            vec![full.clone()],
            many[..block + 1].to_vec(),
            many,
        ] {
            let report = Report {
                findings,
                suppressed: 0,
                hidden: 0,
                root_prefix: "sub dir/".into(),
                inputs: vec![Input {
                    file: "sip.conf".into(),
                    kind: FileKind::Sip,
                }],
            };
            assert_eq!(super::render(&report), serde_json_of(&report));
        }
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri_path("conf/sip.conf"), "conf/sip.conf");
        assert_eq!(uri_path("my dir/é.conf"), "my%20dir/%C3%A9.conf");
    }
}
