//! Findings: what a rule reports, where, and how to fix it.

pub use crate::audit::analysis::path::{PathStep, path_to_string};

use super::info::RuleInfo;
use super::severity::Severity;
use std::borrow::Cow;

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

    /// A fingerprint that survives unrelated edits (no line numbers): rule, file, section,
    /// option, the masked source line and the message. Used for SARIF `partialFingerprints`
    /// and JSON consumers that track findings across runs.
    pub fn fingerprint(&self) -> String {
        let mut h = Fnv64::new();
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

/// FNV-1a, 64 bit: tiny, deterministic across platforms and Rust versions (unlike `DefaultHasher`).
struct Fnv64(u64);

impl Fnv64 {
    fn new() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Where one rule writes its findings.
pub struct Sink<'a> {
    rule: &'static RuleInfo,
    findings: &'a mut Vec<Finding>,
}

impl<'a> Sink<'a> {
    pub fn new(rule: &'static RuleInfo, findings: &'a mut Vec<Finding>) -> Self {
        Sink { rule, findings }
    }

    /// Room for `additional` findings, reserved exactly: a rule about to report on every one of
    /// 20,000 peers says so, rather than doubling a list of large findings up to 32,768.
    pub fn reserve(&mut self, additional: usize) {
        self.findings.reserve_exact(additional);
    }

    /// Report a finding of this sink's rule at `anchor`; refine it with the returned builder.
    pub fn report(&mut self, anchor: Anchor, message: impl Into<String>) -> &mut Finding {
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
        });
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }
}
