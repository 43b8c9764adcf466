//! In-file suppressions:
//!
//! - `; pbxgen: ignore[PBX103] reason` — on the finding's line, or alone on the line above it;
//! - `; pbxgen: ignore-file[PBX103,PBX501] reason` — anywhere in a file, for the whole file.
//!
//! Rules are named by code or name. The reason is required: a suppression without one still
//! applies but is reported (PBX001); a suppression that matched nothing is reported (PBX002); a
//! suppression naming no known rule is reported (PBX003). Those meta rules
//! (`audit/rules/meta/`) look at the suppressions through a [`MetaContext`] once [`apply`] has
//! run; their findings cannot be suppressed themselves — fix the comment instead. YAML profiles
//! use `#` instead of `;`.

use super::finding::{Anchor, Finding};
use super::info::RuleInfo;
use crate::redact::line::mask_line;
use std::collections::HashMap;

/// A source file as the auditor shows it: display path and text.
pub struct SourceText<'a> {
    pub display: &'a str,
    pub text: &'a str,
}

/// One `; pbxgen: ignore[…]` comment.
pub struct Suppression {
    /// Index of its file in the [`SourceText`]s.
    pub file: usize,
    pub line: u32,
    pub column: u32,
    /// Lines this suppression covers (its own line and the next code line); `None`: file-wide.
    pub lines: Option<(u32, u32)>,
    /// The rules named, as found by code or name (`None`: no such rule).
    pub rules: Vec<Option<&'static RuleInfo>>,
    /// The names as written.
    pub names: Vec<String>,
    /// Whether each named rule suppressed something.
    pub used: Vec<bool>,
    pub has_reason: bool,
    /// The comment's line, secrets masked.
    pub snippet: String,
}

/// What a meta rule gets: the audited files and their suppressions, after [`apply`].
pub struct MetaContext<'a> {
    pub files: &'a [SourceText<'a>],
    pub suppressions: &'a [Suppression],
}

impl MetaContext<'_> {
    /// The position of a suppression comment, as a finding location.
    pub fn anchor(&self, s: &Suppression) -> Anchor {
        Anchor {
            file: self.files[s.file].display.to_string(),
            line: s.line,
            column: s.column,
            snippet: Some(s.snippet.clone()),
        }
    }
}

/// Find the suppressions in `files` (rule names resolved with `find`) and drop the findings
/// they suppress. Returns the suppressions, each knowing which of its rules were used, and how
/// many findings were dropped.
pub fn apply(
    files: &[SourceText<'_>],
    findings: &mut Vec<Finding>,
    find: fn(&str) -> Option<&'static RuleInfo>,
) -> (Vec<Suppression>, usize) {
    let mut sups: Vec<Suppression> = Vec::new();
    for (idx, file) in files.iter().enumerate() {
        parse_file(idx, file.text, find, &mut sups);
    }
    if sups.is_empty() {
        return (sups, 0);
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
    // A finding standing for several sections at one line counts as that many.
    let mut suppressed_count = 0;
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
        if suppressed {
            suppressed_count += f.multiplicity();
        }
        !suppressed
    });
    (sups, suppressed_count)
}

/// Whether `text` may hold a suppression: every one contains `pbxgen:`, and most files (all
/// large generated ones) have none.
pub fn may_hold_suppressions(text: &[u8]) -> bool {
    memchr::memmem::find(text, b"pbxgen:").is_some()
}

fn parse_file(
    file: usize,
    text: &str,
    find: fn(&str) -> Option<&'static RuleInfo>,
    out: &mut Vec<Suppression>,
) {
    if !may_hold_suppressions(text.as_bytes()) {
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
            rules: names.iter().map(|n| find(n)).collect(),
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
