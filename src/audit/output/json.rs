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

use super::Report;
use crate::audit::engine::Finding;
use crate::json_text::{CHUNK, push_number, push_opt_str, push_str, write_in_blocks};
use std::convert::Infallible;

/// Version of the JSON shape.
pub const VERSION: u32 = 1;

/// The report as a string (what [`write`] writes).
pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail, and only UTF-8 is written.
    let _ = write(report, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Write the report, pretty-printed as serde_json prints it (a test holds the two together),
/// followed by a newline. Written by hand and streamed in chunks: a large audit has hundreds of
/// thousands of findings, and serde_json's pretty printer was most of the time of writing them.
pub fn write(report: &Report, out: &mut impl std::io::Write) -> std::io::Result<()> {
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK + 4096);
    buf.extend_from_slice(b"{\n  \"version\": ");
    push_number(&mut buf, VERSION);
    buf.extend_from_slice(b",\n  \"findings\": ");
    // `push_array`'s layout, made and written in blocks (see [`write_in_blocks`]).
    buf.push(b'[');
    write_in_blocks(&report.findings, &mut buf, out, |buf, i, f| {
        buf.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
        push_finding(buf, f);
    })?;
    if !report.findings.is_empty() {
        buf.extend_from_slice(b"\n  ");
    }
    buf.push(b']');
    buf.extend_from_slice(b",\n  \"summary\": {");
    for (i, (severity, n)) in report.counts().into_iter().enumerate() {
        buf.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
        push_str(&mut buf, severity.as_str());
        buf.extend_from_slice(b": ");
        push_number(&mut buf, n as u64);
    }
    buf.extend_from_slice(b"\n  },\n  \"inputs\": ");
    let Ok(()) = push_array(&mut buf, &report.inputs, b"    ", |buf, input| {
        buf.extend_from_slice(b"{\n      \"file\": ");
        push_str(buf, &input.file);
        buf.extend_from_slice(b",\n      \"kind\": ");
        push_str(buf, input.kind.name());
        buf.extend_from_slice(b"\n    }");
        Ok::<_, Infallible>(())
    });
    buf.extend_from_slice(b"\n}\n");
    out.write_all(&buf)
}

/// An array as serde_json's pretty printer lays it out: `[]` when empty, else each element on a
/// line of its own after `indent` (which `item` writes from its first byte on), and the `]` one
/// level (two spaces) less indented.
fn push_array<T, E>(
    buf: &mut Vec<u8>,
    items: &[T],
    indent: &[u8],
    mut item: impl FnMut(&mut Vec<u8>, &T) -> Result<(), E>,
) -> Result<(), E> {
    buf.push(b'[');
    for (i, x) in items.iter().enumerate() {
        buf.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        buf.extend_from_slice(indent);
        item(buf, x)?;
    }
    if !items.is_empty() {
        buf.push(b'\n');
        buf.extend_from_slice(&indent[2..]);
    }
    buf.push(b']');
    Ok(())
}

fn push_finding(buf: &mut Vec<u8>, f: &Finding) {
    buf.extend_from_slice(b"{\n      \"rule\": ");
    push_str(buf, f.rule.code);
    buf.extend_from_slice(b",\n      \"name\": ");
    push_str(buf, f.rule.name);
    buf.extend_from_slice(b",\n      \"severity\": ");
    push_str(buf, f.severity.as_str());
    buf.extend_from_slice(b",\n      \"file\": ");
    push_str(buf, &f.file);
    buf.extend_from_slice(b",\n      \"line\": ");
    push_number(buf, f.line);
    buf.extend_from_slice(b",\n      \"column\": ");
    push_number(buf, f.column);
    buf.extend_from_slice(b",\n      \"section\": ");
    push_opt_str(buf, f.section.as_deref());
    buf.extend_from_slice(b",\n      \"option\": ");
    push_opt_str(buf, f.option.as_deref());
    buf.extend_from_slice(b",\n      \"message\": ");
    push_str(buf, &f.message);
    buf.extend_from_slice(b",\n      \"path\": ");
    let Ok(()) = push_array(buf, &f.path, b"        ", |buf, step| {
        buf.extend_from_slice(b"{\n          \"file\": ");
        push_str(buf, &step.file);
        buf.extend_from_slice(b",\n          \"line\": ");
        push_number(buf, step.line);
        buf.extend_from_slice(b",\n          \"column\": ");
        push_number(buf, step.column);
        buf.extend_from_slice(b",\n          \"text\": ");
        push_str(buf, &step.text);
        buf.extend_from_slice(b"\n        }");
        Ok::<_, Infallible>(())
    });
    buf.extend_from_slice(b",\n      \"fix\": ");
    push_str(buf, &f.fix);
    buf.extend_from_slice(b",\n      \"fingerprint\": ");
    push_str(buf, &f.fingerprint());
    buf.extend_from_slice(b"\n    }");
}

#[cfg(test)]
mod tests {
    use super::super::test_findings;
    use super::super::{Input, Report};
    use crate::asterisk::FileKind;
    use crate::audit::analysis::path::PathStep;
    use crate::audit::engine::Finding;
    use serde::Serialize;

    /// The documented shape, as serde_json writes it: what [`super::write`] must match byte for
    /// byte.
    fn serde_json_of(report: &Report) -> String {
        #[derive(Serialize)]
        struct JsonReport<'a> {
            version: u32,
            findings: Vec<JsonFinding<'a>>,
            summary: Summary,
            inputs: &'a [Input],
        }
        #[derive(Serialize)]
        struct Summary {
            critical: usize,
            high: usize,
            medium: usize,
            low: usize,
            info: usize,
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
        let findings = report
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
            .collect();
        let [critical, high, medium, low, info] = report.counts().map(|(_, n)| n);
        let doc = JsonReport {
            version: super::VERSION,
            findings,
            summary: Summary {
                critical,
                high,
                medium,
                low,
                info,
            },
            inputs: &report.inputs,
        };
        let mut text = serde_json::to_string_pretty(&doc).unwrap();
        text.push('\n');
        text
    }

    fn finding(message: &str, section: Option<&str>, path: Vec<PathStep>) -> Finding {
        let snippet = Some("allowguest=yes");
        test_findings::finding("dir/sip \"x\".conf", snippet, message, section, path)
    }

    #[test]
    fn the_streamed_json_is_what_serde_json_writes() {
        let awkward = crate::json_text::awkward_text();
        let step = |text: &str| PathStep {
            file: "extensions.conf".into(),
            line: 3,
            column: 1,
            text: text.into(),
        };
        let full = finding(
            &format!("why: {awkward}"),
            Some(&awkward),
            vec![step("[public] include => x"), step(&awkward)],
        );
        let bare = finding("", None, Vec::new());
        let inputs = vec![
            Input {
                file: "sip.conf".into(),
                kind: FileKind::Sip,
            },
            Input {
                file: awkward.clone(),
                kind: FileKind::Extensions,
            },
        ];
        // Enough findings to cross the chunk size and the block size of `write_in_blocks`
        // several times, each with its own message so that blocks out of order would show.
        let many = test_findings::many(&full, &bare, 2000, |f, i| {
            f.message = format!("{}{i}", f.message);
        });
        let block = crate::json_text::BLOCK_ITEMS;
        // None, one, one block, two blocks (made on one thread), the fewest made on two
        // threads, and many.
        for (findings, inputs) in [
            (Vec::new(), Vec::new()),
            (vec![bare.clone()], inputs.clone()),
            (many[..block].to_vec(), inputs.clone()),
            (many[..block + 1].to_vec(), inputs.clone()),
            (many[..4 * block].to_vec(), inputs.clone()),
            (many, inputs),
        ] {
            let report = Report {
                findings,
                suppressed: 0,
                hidden: 0,
                root_prefix: String::new(),
                inputs,
            };
            assert_eq!(super::render(&report), serde_json_of(&report));
        }
    }
}
