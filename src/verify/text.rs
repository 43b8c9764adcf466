//! The verify report for people: what the configuration caused (counted, at `file:line`), what
//! the throwaway instance caused (listed, not counted), Asterisk's objects against pbxgen's
//! model, and a one-line verdict. (`serde_json` of [`VerifyReport`] is the format for programs.)
//!
//! Everything quoted here that pbxgen did not write — Asterisk's log lines (which quote the
//! configuration), file paths, object names, the binary's version string — is shown through
//! [`for_terminal`], like the audit's text report.

use super::objects::ObjectKind;
use super::report::{Finding, VerifyReport};
use crate::untrusted::for_terminal;
use colored::Colorize;
use std::fmt::Write as _;

/// Names joined with `, `, each shown through [`for_terminal`].
fn joined<'a>(names: impl IntoIterator<Item = &'a String>) -> String {
    names
        .into_iter()
        .map(|n| for_terminal(n).into_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn finding_line(out: &mut String, f: &Finding, color: bool) {
    let level = if !color {
        f.level.normal()
    } else if f.level == "ERROR" {
        f.level.red().bold()
    } else {
        f.level.yellow().bold()
    };
    let place = f
        .location
        .as_ref()
        .map(|l| format!("{}: ", for_terminal(&l.to_string())))
        .unwrap_or_default();
    let count = if f.count > 1 {
        format!(" (x{})", f.count)
    } else {
        String::new()
    };
    let _ = writeln!(out, "  {place}{level}: {}{count}", for_terminal(&f.message));
}

/// Whether an environment message concerns the directory verified (a file it names, a host
/// name, a registration) rather than the instance itself (modules without a configuration file
/// of their own): those are always shown, the others only counted unless `verbose`.
fn about_the_directory(f: &Finding) -> bool {
    let rule = f.rule.as_deref().unwrap_or_default();
    f.location.is_some()
        || f.object.is_some()
        || ["dns", "identify", "pjsip-send", "registration", "tls"]
            .iter()
            .any(|p| rule.starts_with(p))
}

/// The report as text; `color` for a terminal; `verbose` lists every environment message with
/// its reason (otherwise those about the instance itself are only counted).
pub fn render(report: &VerifyReport, color: bool, verbose: bool) -> String {
    let mut out = String::new();
    let info = &report.asterisk;
    let which = match &info.root {
        Some(root) => format!("sandbox {root}"),
        None => info.binary.clone(),
    };
    let version = if info.version.is_empty() {
        "Asterisk".to_string()
    } else {
        info.version
            .split(" built ")
            .next()
            .unwrap_or(&info.version)
            .to_string()
    };
    let _ = writeln!(
        out,
        "{} loaded {} ({}) in a throwaway instance ({}); booted in {:.2} s",
        for_terminal(&version),
        for_terminal(&report.directory),
        plural(report.files.len(), "file", "files"),
        for_terminal(&which),
        report.boot_seconds
    );
    if !report.replaced.is_empty() {
        let _ = writeln!(
            out,
            "  not given to it (the instance has its own): {}",
            joined(&report.replaced)
        );
    }

    out.push('\n');
    if report.findings.is_empty() {
        let _ = writeln!(out, "Caused by the configuration: nothing.");
    } else {
        let _ = writeln!(out, "Caused by the configuration:");
        for f in &report.findings {
            finding_line(&mut out, f, color);
        }
    }
    if !report.environment.is_empty() {
        let _ = writeln!(
            out,
            "\nNot counted: {} caused by the throwaway instance, not the configuration:",
            plural(report.environment.len(), "message", "messages")
        );
        let mut hidden = 0;
        for f in &report.environment {
            if !verbose && !about_the_directory(f) {
                hidden += 1;
                continue;
            }
            finding_line(&mut out, f, color);
            if let Some(reason) = &f.reason {
                let _ = writeln!(out, "      because {}", for_terminal(reason));
            }
        }
        if hidden > 0 {
            let _ = writeln!(
                out,
                "  and {} about modules whose configuration file is not in the directory (-v lists them)",
                plural(hidden, "message", "messages")
            );
        }
    }

    if let Some(comparison) = &report.comparison {
        let _ = writeln!(out, "\nObjects, Asterisk against pbxgen's model:");
        for k in &comparison.kinds {
            let loaded = report.objects.get(k.kind).len();
            if loaded == 0 && k.predicted_only.is_empty() && k.environment.is_empty() {
                continue;
            }
            let mut line = format!("  {:<13} {:>5} as predicted", plural_kind(k.kind), k.agreed);
            if !k.predicted_only.is_empty() {
                let _ = write!(
                    line,
                    "; predicted, not loaded: {}",
                    joined(&k.predicted_only)
                );
            }
            if !k.asterisk_only.is_empty() {
                let _ = write!(
                    line,
                    "; loaded, not predicted: {}",
                    joined(&k.asterisk_only)
                );
            }
            if !k.environment.is_empty() {
                let _ = write!(
                    line,
                    "; not loaded here because of the instance (above): {}",
                    joined(&k.environment)
                );
            }
            let _ = writeln!(out, "{line}");
        }
    }
    let predicted_rejected = report.prediction.as_ref().map(|p| &p.rejected);
    if !report.rejected.is_empty() || predicted_rejected.is_some_and(|r| !r.is_empty()) {
        let list = |s: &std::collections::BTreeSet<String>| {
            if s.is_empty() {
                "none".to_string()
            } else {
                joined(s)
            }
        };
        let _ = writeln!(
            out,
            "  files refused whole: {} (predicted: {})",
            list(&report.rejected),
            predicted_rejected.map_or_else(|| "-".to_string(), list)
        );
    }

    out.push('\n');
    let verdict = verdict(report);
    let _ = writeln!(
        out,
        "{}",
        match (color, report.is_clean()) {
            (false, _) => verdict.normal(),
            (true, true) => verdict.green().bold(),
            (true, false) => verdict.red().bold(),
        }
    );
    out
}

fn plural_kind(kind: ObjectKind) -> String {
    match kind {
        ObjectKind::Identify => "identifies".to_string(),
        k => format!("{}s", k.name()),
    }
}

/// One line: clean, or what is wrong.
pub fn verdict(report: &VerifyReport) -> String {
    let mut wrong = Vec::new();
    if report.errors + report.warnings > 0 {
        wrong.push(format!(
            "{} and {} caused by the configuration",
            plural(report.errors as usize, "error", "errors"),
            plural(report.warnings as usize, "warning", "warnings")
        ));
    }
    if report.comparison.as_ref().is_some_and(|c| !c.is_exact()) {
        wrong.push("Asterisk's objects differ from pbxgen's model".to_string());
    }
    if report
        .prediction
        .as_ref()
        .is_some_and(|p| p.rejected != report.rejected)
    {
        wrong.push("Asterisk refused other files than pbxgen predicted".to_string());
    }
    if wrong.is_empty() {
        let model = if report.comparison.is_some() {
            "; Asterisk's objects are the ones pbxgen's model predicts"
        } else {
            ""
        };
        format!("clean: no configuration error or warning{model}")
    } else {
        wrong.join("; ")
    }
}
