//! Human-readable report:
//!
//! ```text
//! sip.conf:3:1: high PBX101 sip-guest-calls [general] allowguest
//!   chan_sip accepts calls from anyone …
//!    3 | allowguest=yes
//!   path: sip.conf:4 [general] context=public → extensions.conf:9 Dial(SIP/${EXTEN}@trunk)
//!   fix: set `allowguest=no` in [general]
//! ```

use super::Report;
use crate::audit::engine::Severity;
use crate::audit::engine::finding::path_to_string;
use crate::untrusted::for_terminal as shown;
use colored::Colorize;
use std::fmt::Write;

/// The report as text; `color` paints severities, codes and labels with ANSI colours. Every
/// piece of text that comes from the audited files (file names, sections, options, messages
/// quoting them, snippets, paths) goes through [`crate::untrusted::for_terminal`].
pub fn render(report: &Report, color: bool) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let sev = paint_severity(f.severity, color);
        let code = if color {
            f.rule.code.bold().to_string()
        } else {
            f.rule.code.to_string()
        };
        let _ = write!(
            out,
            "{}:{}:{}: {sev} {code} {}",
            shown(&f.file),
            f.line,
            f.column,
            f.rule.name
        );
        if let Some(section) = &f.section {
            let _ = write!(out, " [{}]", shown(section));
        }
        if let Some(option) = &f.option {
            let _ = write!(out, " {}", shown(option));
        }
        let _ = writeln!(out, "\n  {}", shown(&f.message));
        if let Some(snippet) = &f.snippet {
            let gutter = format!("{:>4} |", f.line);
            let gutter = if color {
                gutter.dimmed().to_string()
            } else {
                gutter
            };
            let _ = writeln!(out, "{gutter} {}", shown(snippet.trim_end()));
        }
        if !f.path.is_empty() {
            let _ = writeln!(out, "  path: {}", shown(&path_to_string(&f.path)));
        }
        let fix = if color {
            "fix:".green().to_string()
        } else {
            "fix:".to_string()
        };
        let _ = writeln!(out, "  {fix} {}\n", shown(&f.fix));
    }
    out.push_str(&summary(report));
    out.push('\n');
    out
}

/// `3 findings: 1 critical, 2 high, 0 medium, 0 low, 0 info (1 suppressed)`.
pub fn summary(report: &Report) -> String {
    let n = report.findings.len();
    let mut s = if n == 0 {
        "No findings".to_string()
    } else {
        let counts: Vec<String> = report
            .counts()
            .iter()
            .map(|(sev, c)| format!("{c} {sev}"))
            .collect();
        format!(
            "{n} finding{}: {}",
            if n == 1 { "" } else { "s" },
            counts.join(", ")
        )
    };
    let mut extra = Vec::new();
    if report.suppressed > 0 {
        extra.push(format!("{} suppressed", report.suppressed));
    }
    if report.hidden > 0 {
        extra.push(format!("{} below --min-severity", report.hidden));
    }
    if !extra.is_empty() {
        s.push_str(&format!(" ({})", extra.join(", ")));
    }
    s
}

fn paint_severity(sev: Severity, color: bool) -> String {
    let s = sev.as_str();
    if !color {
        return s.to_string();
    }
    match sev {
        Severity::Critical => s.red().bold().to_string(),
        Severity::High => s.red().to_string(),
        Severity::Medium => s.yellow().to_string(),
        Severity::Low => s.blue().to_string(),
        Severity::Info => s.dimmed().to_string(),
    }
}
