//! The stable JSON report (documented in the README; `version` changes only on a breaking
//! change):
//!
//! ```json
//! {"version":1,
//!  "findings":[{"rule":"PBX101","name":"sip-guest-calls","severity":"high","file":"sip.conf",
//!               "line":3,"column":1,"section":"general","option":"allowguest","message":"…",
//!               "path":[{"file":"sip.conf","line":4,"column":1,"text":"[general] context=public"}],
//!               "fix":"…","fingerprint":"0123456789abcdef"}],
//!  "summary":{"critical":0,"high":1,"medium":0,"low":0,"info":0}}
//! ```
//! `section` and `option` are `null` when a finding is not about one; `path` is empty except for
//! reachability findings. File paths are relative to the audited directory.

use super::Report;
use crate::audit::finding::PathStep;
use serde::Serialize;

/// Version of the JSON shape.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'static str,
    name: &'static str,
    severity: &'static str,
    file: &'a str,
    line: u32,
    column: u32,
    section: Option<&'a str>,
    option: Option<&'a str>,
    message: &'a str,
    path: &'a [PathStep],
    fix: &'a str,
    fingerprint: String,
}

#[derive(Serialize)]
struct Summary {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
}

pub fn render(report: &Report) -> String {
    let [critical, high, medium, low, info] = report.counts().map(|(_, n)| n);
    let doc = JsonReport {
        version: VERSION,
        findings: report
            .findings
            .iter()
            .map(|f| JsonFinding {
                rule: f.rule.code,
                name: f.rule.name,
                severity: f.severity.as_str(),
                file: &f.file,
                line: f.line,
                column: f.column,
                section: f.section.as_deref(),
                option: f.option.as_deref(),
                message: &f.message,
                path: &f.path,
                fix: &f.fix,
                fingerprint: f.fingerprint(),
            })
            .collect(),
        summary: Summary {
            critical,
            high,
            medium,
            low,
            info,
        },
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
