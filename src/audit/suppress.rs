//! In-file suppressions:
//!
//! - `; pbxgen: ignore[PBX103] reason` — on the finding's line, or alone on the line above it;
//! - `; pbxgen: ignore-file[PBX103,PBX501] reason` — anywhere in a file, for the whole file.
//!
//! Rules are named by code or name. The reason is required: a suppression without one still
//! applies but is reported (PBX001); a suppression that matched nothing is reported (PBX002); a
//! suppression naming no known rule is reported (PBX003). Those meta findings cannot be
//! suppressed themselves — fix the comment instead. YAML profiles use `#` instead of `;`.

use super::finding::{Anchor, Finding, Sink};
use super::rule;
use super::rules::meta;
use crate::redact::line::mask_line;
use std::collections::HashMap;

/// A source file as the auditor shows it: display path and text.
pub struct SourceText<'a> {
    pub display: &'a str,
    pub text: &'a str,
}

struct Suppression {
    file: usize,
    line: u32,
    column: u32,
    /// Lines this suppression covers (its own line and the next code line); `None`: file-wide.
    lines: Option<(u32, u32)>,
    rules: Vec<Option<&'static rule::Rule>>,
    names: Vec<String>,
    used: Vec<bool>,
    has_reason: bool,
    snippet: String,
}

/// Drop suppressed findings, then add the meta findings about the suppressions themselves.
/// Returns how many findings were suppressed.
pub fn apply(files: &[SourceText<'_>], findings: &mut Vec<Finding>) -> usize {
    let mut sups: Vec<Suppression> = Vec::new();
    for (idx, file) in files.iter().enumerate() {
        parse_file(idx, file.text, &mut sups);
    }
    if sups.is_empty() {
        return 0;
    }
    // Index the suppressions by the (file, line) they cover, and per file for `ignore-file`.
    let file_ids: HashMap<&str, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.display, i))
        .collect();
    let mut by_line: HashMap<(usize, u32), Vec<usize>> = HashMap::new();
    let mut by_file: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, s) in sups.iter().enumerate() {
        match s.lines {
            None => by_file.entry(s.file).or_default().push(i),
            Some((a, b)) => {
                by_line.entry((s.file, a)).or_default().push(i);
                if b != a {
                    by_line.entry((s.file, b)).or_default().push(i);
                }
            }
        }
    }
    let before = findings.len();
    findings.retain(|f| {
        let Some(&fi) = file_ids.get(f.file.as_str()) else {
            return true;
        };
        let candidates = by_line
            .get(&(fi, f.line))
            .into_iter()
            .chain(by_file.get(&fi))
            .flatten();
        let mut suppressed = false;
        for &si in candidates {
            let s = &mut sups[si];
            for (i, r) in s.rules.iter().enumerate() {
                if r.is_some_and(|r| std::ptr::eq(r, f.rule)) {
                    s.used[i] = true;
                    suppressed = true;
                }
            }
        }
        !suppressed
    });
    let suppressed = before - findings.len();

    let mut meta_findings = Vec::new();
    for s in &sups {
        let anchor = || Anchor {
            file: files[s.file].display.to_string(),
            line: s.line,
            column: s.column,
            snippet: Some(s.snippet.clone()),
        };
        if !s.has_reason {
            Sink::new(&meta::SUPPRESSION_WITHOUT_REASON, &mut meta_findings).report(
                anchor(),
                format!("suppression of {} gives no reason", s.names.join(", ")),
            );
        }
        for (i, name) in s.names.iter().enumerate() {
            match s.rules[i] {
                None => {
                    Sink::new(&meta::SUPPRESSION_UNKNOWN_RULE, &mut meta_findings).report(
                        anchor(),
                        format!("`{name}` is not a pbxgen rule code or name"),
                    );
                }
                Some(r) if !s.used[i] => {
                    let scope = if s.lines.is_none() {
                        "this file"
                    } else {
                        "this line or the next"
                    };
                    Sink::new(&meta::UNUSED_SUPPRESSION, &mut meta_findings).report(
                        anchor(),
                        format!("{} {} reports nothing on {scope}", r.code, r.name),
                    );
                }
                Some(_) => {}
            }
        }
    }
    findings.extend(meta_findings);
    suppressed
}

fn parse_file(file: usize, text: &str, out: &mut Vec<Suppression>) {
    // Every suppression contains `pbxgen:`; most files (and all large generated ones) have none.
    if memchr::memmem::find(text.as_bytes(), b"pbxgen:").is_none() {
        return;
    }
    let lines: Vec<&str> = text.lines().collect();
    for (i, raw) in lines.iter().enumerate() {
        let Some((column, code_before, directive)) = find_directive(raw) else {
            continue;
        };
        let (file_wide, rest) = if let Some(rest) = directive.strip_prefix("ignore-file[") {
            (true, rest)
        } else if let Some(rest) = directive.strip_prefix("ignore[") {
            (false, rest)
        } else {
            continue;
        };
        let Some(close) = rest.find(']') else {
            continue;
        };
        let names: Vec<String> = rest[..close]
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        let reason = rest[close + 1..]
            .trim()
            .trim_start_matches([':', '-', '—'])
            .trim();
        let line = i as u32 + 1;
        let lines_covered = (!file_wide).then(|| {
            // Alone on its line: covers the next line that is not blank or a comment.
            let next = if code_before {
                line
            } else {
                lines[i + 1..]
                    .iter()
                    .position(|l| {
                        let t = l.trim();
                        !t.is_empty() && !t.starts_with(';') && !t.starts_with('#')
                    })
                    .map_or(line, |off| line + 1 + off as u32)
            };
            (line, next)
        });
        out.push(Suppression {
            file,
            line,
            column,
            lines: lines_covered,
            rules: names.iter().map(|n| rule::find(n)).collect(),
            used: vec![false; names.len()],
            names,
            has_reason: !reason.is_empty(),
            snippet: mask_line(raw),
        });
    }
}

/// Find `; pbxgen: …` (or `# pbxgen: …`) in a line: the 1-based column of the comment, whether
/// code precedes it, and the text after `pbxgen:`.
fn find_directive(line: &str) -> Option<(u32, bool, &str)> {
    let bytes = line.as_bytes();
    let mut from = 0;
    while let Some(off) = line[from..].find(['#', ';']) {
        let start = from + off;
        from = start + 1;
        if start > 0 && bytes[start - 1] == b'\\' {
            continue;
        }
        let after = line[start + 1..]
            .trim_start_matches([';', '#'])
            .trim_start();
        if let Some(rest) = after.strip_prefix("pbxgen:") {
            let code_before = !line[..start].trim().is_empty();
            return Some((start as u32 + 1, code_before, rest.trim_start()));
        }
        if bytes[start] == b';' {
            // Anything after the first real comment start is comment text.
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::rules::sip::GUEST_CALLS;

    fn finding(line: u32) -> Finding {
        let mut v = Vec::new();
        Sink::new(&GUEST_CALLS, &mut v).report(
            Anchor {
                file: "sip.conf".into(),
                line,
                column: 1,
                snippet: None,
            },
            "guest calls",
        );
        v.pop().unwrap()
    }

    fn run(text: &str, findings: Vec<Finding>) -> (usize, Vec<(String, u32)>) {
        let mut f = findings;
        let n = apply(
            &[SourceText {
                display: "sip.conf",
                text,
            }],
            &mut f,
        );
        (
            n,
            f.iter()
                .map(|f| (f.rule.code.to_string(), f.line))
                .collect(),
        )
    }

    #[test]
    fn same_line_and_line_above_suppress() {
        let text = "[general]\nallowguest=yes ; pbxgen: ignore[PBX101] lab box\n";
        assert_eq!(run(text, vec![finding(2)]), (1, vec![]));
        let text = "[general]\n; pbxgen: ignore[sip-guest-calls] lab box\n\nallowguest=yes\n";
        assert_eq!(run(text, vec![finding(4)]), (1, vec![]));
    }

    #[test]
    fn suppression_elsewhere_does_not_apply_and_is_reported_unused() {
        let text = "[general]\n; pbxgen: ignore[PBX101] lab box\ncontext=x\nallowguest=yes\n";
        let (n, rest) = run(text, vec![finding(4)]);
        assert_eq!(n, 0);
        assert_eq!(rest, vec![("PBX101".into(), 4), ("PBX002".into(), 2)]);
    }

    #[test]
    fn file_wide_suppression_and_missing_reason() {
        let text = "; pbxgen: ignore-file[PBX101]\n[general]\nallowguest=yes\n";
        let (n, rest) = run(text, vec![finding(3)]);
        assert_eq!(n, 1);
        assert_eq!(rest, vec![("PBX001".into(), 1)]);
    }

    #[test]
    fn unknown_rules_are_reported() {
        let text = "allowguest=yes ; pbxgen: ignore[PBX999, PBX101] because\n";
        let (n, rest) = run(text, vec![finding(1)]);
        assert_eq!(n, 1);
        assert_eq!(rest, vec![("PBX003".into(), 1)]);
    }

    #[test]
    fn ordinary_comments_are_not_suppressions() {
        let text = "allowguest=yes ; see pbxgen: ignore[PBX101] later\n";
        assert_eq!(run(text, vec![finding(1)]).0, 0);
    }
}
