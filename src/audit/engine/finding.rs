//! Findings: what a rule reports, where, and how to fix it.

pub use crate::audit::analysis::path::{PathStep, path_to_string};

use super::info::RuleInfo;
use super::severity::Severity;
use crate::asterisk::fast_hash::{FastMap, Fnv};
use std::borrow::Cow;
use std::hash::Hasher;

/// A place in an audited file, resolved from the model's positions: the file as displayed
/// (relative to the audited directory), 1-based line and column, and the source line with
/// secrets already masked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anchor {
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// The whole source line, secrets masked (`None` when there is no line, e.g. a default).
    pub snippet: Option<String>,
}

/// A rule's report about one place.
#[derive(Clone)]
pub struct Finding {
    pub rule: &'static RuleInfo,
    pub severity: Severity,
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// The config section (`general`, `twilio-trunk`), when the finding is about one.
    pub section: Option<String>,
    /// The option (`allowguest`), when the finding is about one.
    pub option: Option<String>,
    /// What is wrong here. Never contains a secret.
    pub message: String,
    /// The source line, secrets masked.
    pub snippet: Option<String>,
    /// Entry point → … → the risky line (reachability rules).
    pub path: Vec<PathStep>,
    /// One-line fix (the rule's own unless a rule words it for this place: not copied per
    /// finding).
    pub fix: Cow<'static, str>,
    /// The other sections this finding's line applies to, when several sections inherit it
    /// from one template line (see [`Sink`]).
    pub same_line: Option<Box<SameLine>>,
}

/// Other sections one finding stands for: `[twilio7](twilio-trunk)` and its siblings inherit
/// one line, each would get the same finding at that line, and the line is reported once.
#[derive(Clone, Debug, Default)]
pub struct SameLine {
    /// The first [`SameLine::SHOWN`] of the other sections, in the order reported.
    pub sections: Vec<String>,
    /// How many other sections in all.
    pub count: u32,
}

impl SameLine {
    /// How many section names a report shows before "and N more".
    pub const SHOWN: usize = 5;

    /// The clause a report appends to the finding's message.
    pub fn describe(&self) -> String {
        let mut names = self
            .sections
            .iter()
            .map(|s| format!("[{s}]"))
            .collect::<Vec<_>>()
            .join(", ");
        let more = self.count as usize - self.sections.len();
        if more > 0 {
            names.push_str(&format!(" and {more} more"));
        }
        format!(" (the same line also applies to {names})")
    }
}

impl Finding {
    pub fn section(&mut self, section: impl Into<String>) -> &mut Self {
        self.section = Some(section.into());
        self
    }

    pub fn option(&mut self, option: impl Into<String>) -> &mut Self {
        self.option = Some(option.into());
        self
    }

    pub fn severity(&mut self, severity: Severity) -> &mut Self {
        self.severity = severity;
        self
    }

    pub fn path(&mut self, path: Vec<PathStep>) -> &mut Self {
        self.path = path;
        self
    }

    pub fn fix(&mut self, fix: impl Into<Cow<'static, str>>) -> &mut Self {
        self.fix = fix.into();
        self
    }

    /// Count one more section at this finding's line (named while fewer than
    /// [`SameLine::SHOWN`] are).
    fn also_applies_to(&mut self, section: impl FnOnce() -> String) {
        let same = self.same_line.get_or_insert_with(Box::default);
        same.count += 1;
        if same.sections.len() < SameLine::SHOWN {
            same.sections.push(section());
        }
    }

    /// How many findings this one stands for: itself and the other sections at its line.
    pub fn multiplicity(&self) -> usize {
        1 + self.same_line.as_ref().map_or(0, |s| s.count as usize)
    }

    /// A fingerprint that survives unrelated edits (no line numbers): rule, file, section,
    /// option, the masked source line and the message. Used for SARIF `partialFingerprints`
    /// and JSON consumers that track findings across runs.
    pub fn fingerprint(&self) -> String {
        // FNV-1a: tiny, deterministic across platforms and Rust versions (unlike `DefaultHasher`).
        let mut h = Fnv::default();
        for part in [
            self.rule.code,
            &self.file,
            self.section.as_deref().unwrap_or(""),
            self.option.as_deref().unwrap_or(""),
            self.snippet.as_deref().map(str::trim).unwrap_or(""),
            &self.message,
        ] {
            h.write(part.as_bytes());
            h.write(&[0]);
        }
        format!("{:016x}", h.finish())
    }

    /// Sort key for reports: file, line, column, then worst first, then code.
    pub fn sort_key(&self) -> (&str, u32, u32, std::cmp::Reverse<Severity>, &'static str) {
        (
            &self.file,
            self.line,
            self.column,
            std::cmp::Reverse(self.severity),
            self.rule.code,
        )
    }
}

/// Where one rule writes its findings.
///
/// A finding about a section at the same file, line and column as an earlier finding of the
/// same rule (a template line every inheriting section gets) is folded into that earlier one
/// as a [`SameLine`] as soon as it is complete: 20,000 peers inheriting one line leave one
/// finding, not 20,000 held until the end.
pub struct Sink<'a> {
    rule: &'static RuleInfo,
    findings: &'a mut Vec<Finding>,
    /// The first finding at each (file, line, column) this sink reported, by index; the file
    /// by hash, checked by name when a later finding matches.
    first_at: FastMap<(u64, u32, u32), usize>,
    /// The last finding reported, not yet folded: its builder may still give it a section.
    unsettled: bool,
}

impl<'a> Sink<'a> {
    pub fn new(rule: &'static RuleInfo, findings: &'a mut Vec<Finding>) -> Self {
        Sink {
            rule,
            findings,
            first_at: FastMap::default(),
            unsettled: false,
        }
    }

    /// Make room for `additional` more findings at once: a rule that may report every peer or
    /// endpoint of a provider's tree reserves that many, so its vector of findings never grows
    /// by copying (the old and the new vector alive together at the audit's peak). Room never
    /// used costs address space, not memory.
    pub fn reserve(&mut self, additional: usize) {
        self.findings.reserve(additional);
    }

    /// Report a finding of this sink's rule at `anchor`; refine it with the returned builder.
    pub fn report(&mut self, anchor: Anchor, message: impl Into<String>) -> &mut Finding {
        self.settle();
        self.findings.push(Finding {
            rule: self.rule,
            severity: self.rule.severity,
            file: anchor.file,
            line: anchor.line,
            column: anchor.column,
            section: None,
            option: None,
            message: message.into(),
            snippet: anchor.snippet,
            path: Vec::new(),
            fix: Cow::Borrowed(self.rule.fix),
            same_line: None,
        });
        self.unsettled = true;
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }

    /// [`Sink::report`] of a finding about `section`: when an earlier finding of this rule is
    /// at the same place, `section` is only added to it and the message is never worded (the
    /// 20,000 peers inheriting one template line); otherwise the new finding is returned.
    pub fn report_about(
        &mut self,
        anchor: Anchor,
        section: impl Into<String>,
        message: impl FnOnce() -> String,
    ) -> Option<&mut Finding> {
        self.settle();
        let key = (file_hash(&anchor.file), anchor.line, anchor.column);
        if let Some(&first) = self.first_at.get(&key) {
            if self.findings[first].file == anchor.file {
                self.findings[first].also_applies_to(|| section.into());
                return None;
            }
        }
        let finding = self.report(anchor, message());
        finding.section(section);
        Some(finding)
    }

    /// Fold the last finding into an earlier one at its place, if it is about a section and
    /// there is one; otherwise it becomes the first at its place.
    fn settle(&mut self) {
        if !std::mem::take(&mut self.unsettled) {
            return;
        }
        let last = self.findings.len() - 1;
        let f = &self.findings[last];
        let key = (file_hash(&f.file), f.line, f.column);
        match self.first_at.get(&key) {
            Some(&first)
                if f.section.is_some() && self.findings[first].file == self.findings[last].file =>
            {
                let folded = self.findings.pop().expect("the last finding");
                let section = folded.section.expect("a finding about a section");
                self.findings[first].also_applies_to(|| section);
            }
            _ => {
                self.first_at.insert(key, last);
            }
        }
    }
}

impl Drop for Sink<'_> {
    fn drop(&mut self) {
        self.settle();
    }
}

fn file_hash(file: &str) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<Fnv>::default().hash_one(file)
}
