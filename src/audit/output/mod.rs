//! Report formats: `text` (people), `json` (scripts; stable, documented), `sarif` (code
//! scanning), `github` (workflow annotations). Findings arrive sorted and secret-free.

use super::finding::Finding;
use super::severity::Severity;

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
}

impl Report {
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
}
