//! The stable JSON report (documented in the README; `version` changes only on a breaking
//! change):
//!
//! ```json
//! {"version":1,
//!  "findings":[{"rule":"PBX101","name":"sip-guest-calls","severity":"high","file":"sip.conf",
//!               "line":3,"column":1,"section":"general","option":"allowguest","message":"…",
//!               "path":[{"file":"sip.conf","line":4,"column":1,"text":"[general] context=public"}],
//!               "fix":"…","fingerprint":"0123456789abcdef"}],
//!  "summary":{"critical":0,"high":1,"medium":0,"low":0,"info":0},
//!  "inputs":[{"file":"sip.conf","kind":"sip"}]}
//! ```
//! `section` and `option` are `null` when a finding is not about one; `path` is empty except for
//! reachability findings. File paths are relative to the audited directory. `inputs` lists the
//! top-level files read and the kind of Asterisk file each was read as.

use super::{Input, Report};
use crate::audit::engine::{Finding, PathStep};
use serde::Serialize;

/// Version of the JSON shape.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    findings: JsonFindings<'a>,
    summary: Summary,
    inputs: &'a [Input],
}

/// The findings, converted one at a time while they are written (a large audit has hundreds
/// of thousands: no second copy of them is built).
struct JsonFindings<'a>(&'a [Finding]);

impl Serialize for JsonFindings<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|f| JsonFinding {
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
        }))
    }
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

/// The report as a string (what [`write`] writes).
pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail, and serde_json writes UTF-8 only.
    let _ = write(report, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Write the report, pretty-printed and followed by a newline.
pub fn write(report: &Report, out: &mut impl std::io::Write) -> std::io::Result<()> {
    let [critical, high, medium, low, info] = report.counts().map(|(_, n)| n);
    let doc = JsonReport {
        version: VERSION,
        findings: JsonFindings(&report.findings),
        summary: Summary {
            critical,
            high,
            medium,
            low,
            info,
        },
        inputs: &report.inputs,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}
