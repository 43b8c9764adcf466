//! Finding severities, ordered from `Info` (lowest) to `Critical` (highest).

use serde::Serialize;
use std::fmt;

/// How bad a finding is. `Ord` follows badness: `Critical > High > … > Info`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// Every severity, highest first (the order of reports and summaries).
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }

    /// SARIF `level` (SARIF has no "critical": severity goes in `security-severity`).
    pub fn sarif_level(self) -> &'static str {
        match self {
            Severity::Critical | Severity::High => "error",
            Severity::Medium => "warning",
            Severity::Low | Severity::Info => "note",
        }
    }

    /// GitHub code scanning's `security-severity` score (≥9 critical, ≥7 high, ≥4 medium).
    pub fn security_score(self) -> &'static str {
        match self {
            Severity::Critical => "9.5",
            Severity::High => "8.0",
            Severity::Medium => "5.5",
            Severity::Low => "3.0",
            Severity::Info => "0.5",
        }
    }

    /// The `::command` of a GitHub workflow annotation.
    pub fn github_command(self) -> &'static str {
        match self {
            Severity::Critical | Severity::High => "error",
            Severity::Medium => "warning",
            Severity::Low | Severity::Info => "notice",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A severity threshold (`--fail-on`, `--min-severity`): a severity, or `none`, which no finding
/// ever reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Info,
    None,
}

impl FailOn {
    /// Every threshold, in the order the command line lists them.
    pub const ALL: [FailOn; 6] = [
        FailOn::Critical,
        FailOn::High,
        FailOn::Medium,
        FailOn::Low,
        FailOn::Info,
        FailOn::None,
    ];

    /// The name users type (`critical`, …, `none`).
    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::None => "none",
            other => other.severity().map_or("none", Severity::as_str),
        }
    }

    /// The severity a finding must reach; `None` for `none` (never reached).
    pub fn severity(self) -> Option<Severity> {
        match self {
            FailOn::Critical => Some(Severity::Critical),
            FailOn::High => Some(Severity::High),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::Low => Some(Severity::Low),
            FailOn::Info => Some(Severity::Info),
            FailOn::None => None,
        }
    }
}

impl fmt::Display for FailOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for FailOn {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FailOn::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| format!("`{s}` is not a severity threshold"))
    }
}

/// The severity a threshold names (`None` for `none`, which is never reached).
pub fn threshold(choice: FailOn) -> Option<Severity> {
    choice.severity()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_order_by_badness() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::High > Severity::Medium);
        assert!(Severity::Low > Severity::Info);
        let mut sorted = Severity::ALL;
        sorted.sort();
        sorted.reverse();
        assert_eq!(sorted, Severity::ALL);
    }

    #[test]
    fn thresholds_round_trip_through_their_names() {
        for t in FailOn::ALL {
            assert_eq!(t.as_str().parse::<FailOn>(), Ok(t));
        }
        assert!("bogus".parse::<FailOn>().is_err());
    }
}
