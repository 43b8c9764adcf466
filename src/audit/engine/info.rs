//! What a rule is, as people and tools read it: code, name, severity, documentation, fix — what
//! `pbxgen rules` prints, what SARIF's `tool.driver.rules` carries and what every finding points
//! at. Codes are stable forever; a retired code is never reused.

use super::severity::Severity;

/// A rule's metadata and documentation.
pub struct RuleInfo {
    /// Stable code, `PBX` + three digits (`PBX101`).
    pub code: &'static str,
    /// Stable kebab-case name (`sip-guest-calls`).
    pub name: &'static str,
    /// Severity when no escalation applies.
    pub severity: Severity,
    /// When the rule reports at another severity than its default (`None`: never).
    pub escalation: Option<&'static str>,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// The long documentation (`pbxgen rules CODE`).
    pub doc: RuleDoc,
    /// One-line fix printed under each finding unless the finding has a more specific one.
    pub fix: &'static str,
}

/// The documentation sections of a rule (ruff style).
pub struct RuleDoc {
    /// What the rule does.
    pub what: &'static str,
    /// Why is this bad.
    pub why: &'static str,
    /// A configuration that triggers the rule.
    pub example: &'static str,
    /// The configuration to use instead.
    pub instead: &'static str,
    /// Where the facts come from (Asterisk docs, provider docs, advisories).
    pub references: &'static [&'static str],
}

impl RuleInfo {
    /// `PBX101 sip-guest-calls`: how annotations and headings name the rule.
    pub fn title(&self) -> String {
        format!("{} {}", self.code, self.name)
    }

    /// The full documentation as Markdown (`pbxgen rules CODE --format markdown`, SARIF help).
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "## {} ({})\n\nDefault severity: **{}**",
            self.name, self.code, self.severity
        );
        if let Some(esc) = self.escalation {
            out.push_str(&format!(" ({esc})"));
        }
        out.push_str(&format!(
            "\n\n{}\n\n### What it does\n\n{}\n\n### Why is this bad?\n\n{}\n\n### Example\n\n```ini\n{}\n```\n\n### Use instead\n\n```ini\n{}\n```\n\nFix: {}\n",
            self.summary,
            self.doc.what,
            self.doc.why,
            self.doc.example.trim_end(),
            self.doc.instead.trim_end(),
            self.fix
        ));
        if !self.doc.references.is_empty() {
            out.push_str("\n### References\n\n");
            for r in self.doc.references {
                out.push_str(&format!("- {r}\n"));
            }
        }
        out
    }

    /// The full documentation as plain text (`pbxgen rules CODE`).
    pub fn text(&self) -> String {
        let mut out = format!("{} {} — {}\n", self.code, self.name, self.summary);
        out.push_str(&format!("Default severity: {}", self.severity));
        if let Some(esc) = self.escalation {
            out.push_str(&format!(" ({esc})"));
        }
        let indent = |s: &str| {
            s.trim_end()
                .lines()
                .map(|l| format!("    {l}\n"))
                .collect::<String>()
        };
        out.push_str(&format!(
            "\n\nWhat it does\n  {}\n\nWhy is this bad?\n  {}\n\nExample\n{}\nUse instead\n{}\nFix: {}\n",
            self.doc.what,
            self.doc.why,
            indent(self.doc.example),
            indent(self.doc.instead),
            self.fix
        ));
        if !self.doc.references.is_empty() {
            out.push_str("\nReferences\n");
            for r in self.doc.references {
                out.push_str(&format!("  - {r}\n"));
            }
        }
        out
    }
}

impl RuleInfo {
    /// The rule as JSON: metadata and documentation.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "escalation": self.escalation,
            "summary": self.summary,
            "what": self.doc.what,
            "why": self.doc.why,
            "example": self.doc.example,
            "instead": self.doc.instead,
            "fix": self.fix,
            "references": self.doc.references,
        })
    }
}
