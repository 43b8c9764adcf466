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
use crate::audit::engine::finding::Finding;
use crate::audit::engine::finding::path_to_string;
use crate::json_text::{CHUNK, push_number, write_in_blocks_with};
use crate::untrusted::for_terminal as shown;
use colored::Colorize;
use std::borrow::Cow;

/// The report as text; `color` paints severities, codes and labels with ANSI colours. Every
/// piece of text that comes from the audited files (file names, sections, options, messages
/// quoting them, snippets, paths) goes through [`crate::untrusted::for_terminal`].
pub fn render(report: &Report, color: bool) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail.
    let _ = write(report, color, &mut out);
    String::from_utf8(out).expect("pieces of UTF-8 text")
}

/// Write [`render`]'s text to `to` as it is made, a chunk at a time: a provider's tree has
/// hundreds of thousands of findings, whose text need never be in memory at once.
pub fn write(report: &Report, color: bool, to: &mut impl std::io::Write) -> std::io::Result<()> {
    // Written piece by piece, not with `write!`: a large site's report has one finding per
    // account, and `fmt`'s machinery cost more than the text itself. Made in blocks on two
    // threads like the JSON report ([`write_in_blocks_with`]).
    let mut buf = Vec::with_capacity(CHUNK + 4096);
    write_in_blocks_with(
        &report.findings,
        &mut buf,
        to,
        Shown::new,
        |out, shown, _, f| finding(out, shown, f, color),
    )?;
    buf.extend_from_slice(summary(report).as_bytes());
    buf.push(b'\n');
    to.write_all(&buf)
}

/// The text of finding `f`, its blank line included.
fn finding<'a>(out: &mut Vec<u8>, last: &mut Shown<'a>, f: &'a Finding, color: bool) {
    out.extend_from_slice(last.file.of(&f.file).as_bytes());
    out.push(b':');
    push_number(out, f.line);
    out.push(b':');
    push_number(out, f.column);
    out.extend_from_slice(b": ");
    if color {
        out.extend_from_slice(paint_severity(f.severity).as_bytes());
        out.push(b' ');
        out.extend_from_slice(f.rule.code.bold().to_string().as_bytes());
    } else {
        out.extend_from_slice(f.severity.as_str().as_bytes());
        out.push(b' ');
        out.extend_from_slice(f.rule.code.as_bytes());
    }
    out.push(b' ');
    out.extend_from_slice(f.rule.name.as_bytes());
    if let Some(section) = &f.section {
        out.extend_from_slice(b" [");
        out.extend_from_slice(shown(section).as_bytes());
        out.push(b']');
    }
    if let Some(option) = &f.option {
        out.push(b' ');
        out.extend_from_slice(shown(option).as_bytes());
    }
    out.extend_from_slice(b"\n  ");
    out.extend_from_slice(shown(&f.message).as_bytes());
    out.push(b'\n');
    if let Some(text) = &f.snippet {
        if color {
            let gutter = format!("{:>4} |", f.line);
            out.extend_from_slice(gutter.dimmed().to_string().as_bytes());
        } else {
            // `{:>4} |`: the line number right-aligned in four columns.
            let start = out.len();
            push_number(out, f.line);
            let pad = 4usize.saturating_sub(out.len() - start);
            out.splice(start..start, std::iter::repeat_n(b' ', pad));
            out.extend_from_slice(b" |");
        }
        out.push(b' ');
        out.extend_from_slice(last.snippet.of(text.trim_end()).as_bytes());
        out.push(b'\n');
    }
    if !f.path.is_empty() {
        out.extend_from_slice(b"  path: ");
        out.extend_from_slice(shown(&path_to_string(&f.path)).as_bytes());
        out.push(b'\n');
    }
    out.extend_from_slice(b"  ");
    if color {
        out.extend_from_slice("fix:".green().to_string().as_bytes());
    } else {
        out.extend_from_slice(b"fix:");
    }
    out.push(b' ');
    out.extend_from_slice(last.fix.of(&f.fix).as_bytes());
    out.extend_from_slice(b"\n\n");
}

/// What the previous findings of a block showed: a run of findings mostly shares its file,
/// snippet and fix, each checked for the terminal once per run.
struct Shown<'a> {
    file: LastShown<'a>,
    snippet: LastShown<'a>,
    fix: LastShown<'a>,
}

impl Shown<'_> {
    fn new() -> Self {
        Shown {
            file: LastShown::new(),
            snippet: LastShown::new(),
            fix: LastShown::new(),
        }
    }
}

/// The last text shown on the terminal and how ([`shown`]): findings in a row mostly share
/// their file, snippet and fix.
struct LastShown<'a> {
    text: &'a str,
    shown: Cow<'a, str>,
}

impl<'a> LastShown<'a> {
    fn new() -> Self {
        LastShown {
            text: "",
            shown: Cow::Borrowed(""),
        }
    }

    fn of(&mut self, text: &'a str) -> &str {
        if self.text != text {
            self.shown = shown(text);
            self.text = text;
        }
        &self.shown
    }
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

/// The severity in its colour.
fn paint_severity(sev: Severity) -> String {
    let s = sev.as_str();
    match sev {
        Severity::Critical => s.red().bold().to_string(),
        Severity::High => s.red().to_string(),
        Severity::Medium => s.yellow().to_string(),
        Severity::Low => s.blue().to_string(),
        Severity::Info => s.dimmed().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_findings;
    use super::{Finding, Report, render, summary};
    use crate::audit::analysis::path::PathStep;

    /// The text of a report of `f` alone, without its summary.
    fn alone(f: &Finding, color: bool) -> String {
        let report = Report {
            findings: vec![f.clone()],
            suppressed: 0,
            hidden: 0,
            root_prefix: String::new(),
            inputs: Vec::new(),
        };
        let text = render(&report, color);
        let end = format!("{}\n", summary(&report));
        text.strip_suffix(&end)
            .expect("the summary ends the report")
            .to_string()
    }

    /// Made in blocks on two threads, each block remembering only its own findings' files,
    /// snippets and fixes, a report is still every finding's own text, in order.
    #[test]
    fn a_large_report_is_each_finding_s_text_in_order() {
        let step = PathStep {
            file: "extensions.conf".into(),
            line: 3,
            column: 1,
            text: "[public] include => x".into(),
        };
        let snippet = Some("allowguest=yes \u{1b}[2J");
        let full = test_findings::finding(
            "dir/sip\u{7}.conf",
            snippet,
            "why",
            Some("general"),
            vec![step],
        );
        let bare = test_findings::finding("sip.conf", None, "", None, Vec::new());
        let many = test_findings::many(&full, &bare, 2000, |f, i| {
            f.message = format!("{}{i}", f.message);
            if i % 7 == 0 {
                f.fix = format!("{}{i}", f.fix).into();
            }
        });
        let block = crate::json_text::BLOCK_ITEMS;
        for color in [false, true] {
            for count in [0, 1, block, block + 1, 4 * block, many.len()] {
                let report = Report {
                    findings: many[..count].to_vec(),
                    suppressed: 0,
                    hidden: 0,
                    root_prefix: String::new(),
                    inputs: Vec::new(),
                };
                let findings: String = report.findings.iter().map(|f| alone(f, color)).collect();
                let expected = format!("{findings}{}\n", summary(&report));
                assert_eq!(render(&report, color), expected, "{count} findings");
            }
        }
    }
}
