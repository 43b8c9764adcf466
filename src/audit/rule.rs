//! Rule metadata: what `pbxgen rules` prints, what SARIF's `tool.driver.rules` carries, and the
//! check each rule runs. Codes are stable forever; a retired code is never reused.

use super::context::AuditContext;
use super::finding::Sink;
use super::severity::Severity;

/// One audit rule.
pub struct Rule {
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
    /// What the rule looks at.
    pub check: Check,
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

/// How a rule is run.
pub enum Check {
    /// Over the PBX model of an Asterisk configuration.
    Config(fn(&AuditContext<'_>, &mut Sink<'_>)),
    /// Over a site profile (`audit --profile`); run by the profile hook.
    Profile,
    /// Reported by the auditor itself (suppression bookkeeping).
    Meta,
}

impl Rule {
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

/// Every rule, ordered by code.
pub fn all() -> &'static [&'static Rule] {
    super::rules::ALL
}

/// Find a rule by code (`PBX101`, case-insensitive) or name (`sip-guest-calls`).
pub fn find(key: &str) -> Option<&'static Rule> {
    all()
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(key) || r.name.eq_ignore_ascii_case(key))
}

/// A rule by code or name, or an error naming the closest one (`did you mean …?`).
pub fn find_or_suggest(key: &str) -> Result<&'static Rule, crate::diag::Error> {
    if let Some(rule) = find(key) {
        return Ok(rule);
    }
    let best = all()
        .iter()
        .flat_map(|r| [r.code, r.name])
        .map(|cand| {
            (
                strsim::jaro_winkler(&key.to_ascii_lowercase(), &cand.to_ascii_lowercase()),
                cand,
            )
        })
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let err = crate::diag::Error::invalid(format!("no rule has the code or name `{key}`"));
    Err(match best {
        Some((score, cand)) if score > 0.8 => err.with_hint(format!(
            "did you mean `{cand}`? (`pbxgen rules` lists them all)"
        )),
        _ => err.with_hint("`pbxgen rules` lists every rule"),
    })
}

/// The plain-text table of every rule (`pbxgen rules`).
pub fn text_table() -> String {
    let rules = all();
    let name_w = rules.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut out = format!(
        "{:<7} {:<name_w$} {:<8} {}\n",
        "CODE", "NAME", "SEVERITY", "SUMMARY"
    );
    for r in rules {
        out.push_str(&format!(
            "{:<7} {:<name_w$} {:<8} {}\n",
            r.code,
            r.name,
            r.severity.as_str(),
            r.summary
        ));
    }
    out
}

/// The Markdown table of every rule, for the README (`pbxgen rules --format markdown`).
pub fn markdown_table() -> String {
    let mut out = String::from("| code | name | default | what |\n|---|---|---|---|\n");
    for r in all() {
        let sev = match r.escalation {
            Some(esc) => format!("{}; {esc}", r.severity),
            None => r.severity.to_string(),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            r.code,
            r.name,
            sev,
            r.summary.replace('|', "\\|")
        ));
    }
    out
}

/// Every rule as JSON (`pbxgen rules --format json`).
pub fn json_all() -> serde_json::Value {
    serde_json::Value::Array(all().iter().map(|r| r.json()).collect())
}

impl Rule {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_sorted_and_well_formed() {
        let rules = all();
        for pair in rules.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{} before {}",
                pair[0].code,
                pair[1].code
            );
        }
        let mut names: Vec<_> = rules.iter().map(|r| r.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), rules.len(), "rule names are unique");
        for r in rules {
            assert!(r.code.len() == 6 && r.code.starts_with("PBX"), "{}", r.code);
            assert!(
                r.code[3..].bytes().all(|b| b.is_ascii_digit()),
                "{}",
                r.code
            );
            assert!(
                r.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{} is kebab-case",
                r.name
            );
            for (what, text) in [
                ("summary", r.summary),
                ("what", r.doc.what),
                ("why", r.doc.why),
                ("example", r.doc.example),
                ("instead", r.doc.instead),
                ("fix", r.fix),
            ] {
                assert!(!text.trim().is_empty(), "{} has no {what}", r.code);
            }
            assert!(!r.doc.references.is_empty(), "{} has references", r.code);
        }
    }

    #[test]
    fn rules_are_found_by_code_or_name() {
        assert_eq!(find("pbx101").map(|r| r.name), Some("sip-guest-calls"));
        assert_eq!(find("sip-guest-calls").map(|r| r.code), Some("PBX101"));
        assert!(find("PBX999").is_none());
    }
}
