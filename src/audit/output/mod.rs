//! Report formats: `text` (people), `json` (scripts; stable, documented), `sarif` (code
//! scanning), `github` (workflow annotations). Findings arrive sorted and secret-free.

use super::engine::{FailOn, Finding, Severity};
use crate::asterisk::FileKind;
use serde::Serialize;
use std::path::Path;

pub mod github;
pub mod json;
pub mod sarif;
pub mod text;

/// The result of one audit, ready to print.
pub struct Report {
    pub findings: Vec<Finding>,
    /// Findings dropped by `; pbxgen: ignore[…]` comments.
    pub suppressed: usize,
    /// Findings below `--min-severity`, not shown.
    pub hidden: usize,
    /// Prefix that turns a finding's file (relative to the audited directory) into a path
    /// relative to where pbxgen ran (`config/asterisk/`), for SARIF and GitHub annotations whose
    /// consumers resolve paths against the repository root. Empty when the directory is `.`.
    pub root_prefix: String,
    /// The top-level files read, with the kind each was read as.
    pub inputs: Vec<Input>,
}

/// A top-level file an audit read, and the kind of Asterisk file it was read as.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Input {
    /// Relative to the audited directory, like a finding's file.
    pub file: String,
    pub kind: FileKind,
}

impl Report {
    /// A report of `findings` alone (nothing suppressed or hidden), in report order.
    pub fn of(mut findings: Vec<Finding>) -> Self {
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        Report {
            findings,
            suppressed: 0,
            hidden: 0,
            root_prefix: String::new(),
            inputs: Vec::new(),
        }
    }

    /// Findings per severity, highest first.
    pub fn counts(&self) -> [(Severity, usize); 5] {
        Severity::ALL.map(|s| (s, self.findings.iter().filter(|f| f.severity == s).count()))
    }

    /// The highest severity found.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// A finding's file as seen from where pbxgen ran.
    pub fn repo_path(&self, file: &str) -> String {
        format!("{}{}", self.root_prefix, file)
    }

    /// Whether a shown finding is at or above the threshold (`none` is never reached).
    pub fn fails(&self, fail_on: FailOn) -> bool {
        matches!(
            (fail_on.severity(), self.worst()),
            (Some(t), Some(worst)) if worst >= t
        )
    }

    /// One report for several PBXs: with more than one, file names carry their directory
    /// (each report's [`root_prefix`](Report::root_prefix)).
    pub fn merge(mut reports: Vec<Report>) -> Report {
        if reports.len() == 1 {
            return reports.remove(0);
        }
        let mut all = Report {
            findings: Vec::new(),
            suppressed: 0,
            hidden: 0,
            root_prefix: String::new(),
            inputs: Vec::new(),
        };
        for r in reports {
            all.suppressed += r.suppressed;
            all.hidden += r.hidden;
            for input in r.inputs {
                all.inputs.push(Input {
                    file: format!("{}{}", r.root_prefix, input.file),
                    ..input
                });
            }
            for mut f in r.findings {
                f.file = format!("{}{}", r.root_prefix, f.file);
                for step in &mut f.path {
                    step.file = format!("{}{}", r.root_prefix, step.file);
                }
                all.findings.push(f);
            }
        }
        all
    }
}

/// The [`Report::root_prefix`] of an audited directory: `config/asterisk` →
/// `config/asterisk/`; `.` and absolute paths → no prefix (SARIF and GitHub resolve relative
/// paths against the repository root; absolute ones cannot be).
pub fn root_prefix(dir: &Path) -> String {
    let s = dir.to_string_lossy().replace('\\', "/");
    let s = s.trim_start_matches("./").trim_end_matches('/');
    if s.is_empty() || s == "." || dir.is_absolute() {
        String::new()
    } else {
        format!("{s}/")
    }
}

/// Findings for the writers' tests: each writer is held to its reference on reports large
/// enough to be made in several blocks on two threads.
#[cfg(test)]
pub(crate) mod test_findings {
    use crate::audit::analysis::path::PathStep;
    use crate::audit::engine::{Anchor, Finding, Sink};
    use crate::audit::rules::sip::pbx101_sip_guest_calls::RULE as GUEST_CALLS;

    /// A PBX101 finding in `file` at line `u32::MAX`, column 7.
    pub fn finding(
        file: &str,
        snippet: Option<&str>,
        message: &str,
        section: Option<&str>,
        path: Vec<PathStep>,
    ) -> Finding {
        let mut found = Vec::new();
        let mut sink = Sink::new(&GUEST_CALLS, &mut found);
        let f = sink.report(
            Anchor {
                file: file.into(),
                line: u32::MAX,
                column: 7,
                snippet: snippet.map(str::to_string),
            },
            message,
        );
        f.section = section.map(str::to_string);
        f.option = section.map(|_| "allowguest".to_string());
        f.path = path;
        drop(sink);
        found.pop().expect("the finding just reported")
    }

    /// `count` findings, every third `bare` and the others `full`, each made different by
    /// `vary(finding, index)` (so that blocks written out of order would show).
    pub fn many(
        full: &Finding,
        bare: &Finding,
        count: usize,
        vary: impl Fn(&mut Finding, usize),
    ) -> Vec<Finding> {
        (0..count)
            .map(|i| {
                let mut f = if i % 3 == 0 {
                    bare.clone()
                } else {
                    full.clone()
                };
                vary(&mut f, i);
                f
            })
            .collect()
    }
}
