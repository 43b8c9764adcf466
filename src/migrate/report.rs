//! The migration report: for every option of every section chan_sip loaded, where it went in
//! pjsip.conf or why it was dropped, each with a severity; the dialplan rewrites likewise.
//!
//! Secrets never appear: values of secret-bearing keys are masked when an entry is made
//! ([`SourceLine::new`], [`Target::value`]), so no later formatting can leak them.
//!
//! The JSON shape (`version` changes only on a breaking change):
//!
//! ```json
//! {"version":1,
//!  "entries":[{"severity":"mapped","outcome":"mapped",
//!              "source":{"file":"sip.conf","line":12,"column":1,"key":"secret","value":"********"},
//!              "section":"1001",
//!              "targets":[{"file":"pjsip.conf","object":"1001","type":"auth","option":"password","value":"********"}],
//!              "message":"…"}],
//!  "summary":{"peers_loaded":3,"endpoints":3,"mapped":20,"note":4,"warning":1,"action":1,"error":0}}
//! ```

use crate::asterisk::Text;
use crate::redact::value::{mask_inline_credentials, mask_option_value};
use serde::Serialize;
use std::borrow::Cow;
use std::fmt::Write as _;

/// Version of the JSON shape.
pub const VERSION: u32 = 1;

/// How much an entry needs a human, least first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Moved with the same meaning.
    Mapped,
    /// Dropped or changed without consequence (chan_sip ignored it too, a default, cosmetics).
    Note,
    /// Behaviour differs in a way someone should know about; nothing security-relevant.
    Warning,
    /// A human must act: a security-relevant option dropped, guest access removed, an account
    /// locked because it had no password.
    Action,
    /// The output would be wrong or dangerous: nothing is written.
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Mapped => "mapped",
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Action => "action",
            Severity::Error => "error",
        }
    }
}

/// What happened to the thing an entry is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Written to the output (perhaps in another form).
    Mapped,
    /// Not written.
    Dropped,
    /// A whole section chan_sip does not load (no `type`, an unknown type, a bad ACL line…).
    Skipped,
    /// Written although no line asked for it: a chan_sip default made explicit in pjsip.
    Added,
    /// A dialplan line rewritten.
    Rewritten,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Mapped => "mapped",
            Outcome::Dropped => "dropped",
            Outcome::Skipped => "skipped",
            Outcome::Added => "added",
            Outcome::Rewritten => "rewritten",
        }
    }
}

/// The line an entry is about: `sip.conf:12:1 secret=********`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceLine {
    /// The file as displayed (relative to the configuration directory).
    pub file: Text,
    pub line: u32,
    pub column: u32,
    /// The option name as written (empty for a section header or a dialplan line).
    pub key: Text,
    /// The value as chan_sip read it, secrets masked.
    pub value: Text,
}

impl SourceLine {
    /// A source line whose value is masked if `key` holds a secret (and inline credentials in
    /// any value, e.g. a `register =>` line's password).
    pub fn new(location: crate::Location, key: &str, value: &str) -> SourceLine {
        SourceLine::of(
            Text::from(location.file),
            location.line,
            location.column,
            &Text::from(key),
            &Text::from(value),
        )
    }

    /// The same from shared texts (no copy when nothing is masked).
    pub fn of(file: Text, line: u32, column: u32, key: &Text, value: &Text) -> SourceLine {
        let masked = mask_option_value(key, value);
        let value = if masked.as_ref() != value.as_str() {
            // A secret (`Cow::Borrowed(MASK)`), or a register line with its secret masked.
            Text::from(masked.as_ref())
        } else if value.contains('@') {
            // `user:secret@host` forms only: a value without `@` has nothing to mask.
            match mask_inline_credentials(value) {
                Cow::Owned(m) => Text::from(m),
                Cow::Borrowed(_) => value.clone(),
            }
        } else {
            value.clone()
        };
        SourceLine {
            file,
            line,
            column,
            key: key.clone(),
            value,
        }
    }
}

/// Where something went: `pjsip.conf [1001] endpoint direct_media=no`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Target {
    /// `pjsip.conf` or `extensions.conf`.
    pub file: &'static str,
    /// The object (section) name; for the dialplan, the context; `*` for "each of the sections
    /// the entry applies to".
    pub object: Text,
    /// The pjsip object type (`endpoint`, `aor`, …); empty for the dialplan.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The option written; empty when the entry is about the whole object.
    pub option: Cow<'static, str>,
    /// The value written, secrets masked; `None` when not shown.
    pub value: Option<Text>,
}

impl Target {
    /// A pjsip option; the value is masked when the option holds a secret.
    pub fn pjsip(
        object: impl Into<Text>,
        kind: &'static str,
        option: &'static str,
        value: Option<&str>,
    ) -> Target {
        Target {
            file: "pjsip.conf",
            object: object.into(),
            kind,
            option: Cow::Borrowed(option),
            value: value.map(|v| Text::from(mask_option_value(option, v))),
        }
    }
}

/// One line of the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReportEntry {
    pub severity: Severity,
    pub outcome: Outcome,
    /// The line the entry is about; `None` for a chan_sip default nobody wrote.
    pub source: Option<SourceLine>,
    /// The chan_sip section (peer name, `general`), or the dialplan context; for a template
    /// line several sections share, the template.
    pub section: Option<Text>,
    /// A template line that went the same way for several sections: all of them (the targets'
    /// `*` object is each one's own).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub applies_to: Vec<Text>,
    /// Where it went (empty when dropped).
    pub targets: Vec<Target>,
    /// What happened and why. Never contains a secret.
    pub message: Cow<'static, str>,
    /// Where the entry sorts: (file read order, line, column) of its source; entries without a
    /// source sort last.
    #[serde(skip)]
    pub order: (u32, u32, u32),
}

/// The sort position of an entry about `pos` (`None`: last).
pub fn order_of(pos: Option<crate::asterisk::Pos>) -> (u32, u32, u32) {
    pos.map_or((u32::MAX, 0, 0), |p| (p.file.0, p.line, p.column))
}

/// Counts for the end of the report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Peers, users and friends chan_sip loads from the original (its `sip show peers`).
    pub peers_loaded: usize,
    /// Endpoints written to pjsip.conf.
    pub endpoints: usize,
    /// Sections chan_sip skips (no type, unknown type, bad ACL entry, …).
    pub sections_skipped: usize,
    /// `register =>` lines turned into registrations.
    pub registrations: usize,
    /// Dialplan lines rewritten.
    pub dialplan_rewrites: usize,
    pub mapped: usize,
    pub note: usize,
    pub warning: usize,
    pub action: usize,
    pub error: usize,
}

impl Summary {
    /// Count the entries' severities into this summary.
    pub fn count(&mut self, entries: &[ReportEntry]) {
        for e in entries {
            match e.severity {
                Severity::Mapped => self.mapped += 1,
                Severity::Note => self.note += 1,
                Severity::Warning => self.warning += 1,
                Severity::Action => self.action += 1,
                Severity::Error => self.error += 1,
            }
        }
    }
}

/// One entry as a line of text:
/// `sip.conf:12:1 [1001] secret=******** → pjsip.conf [1001] auth password=********`.
pub fn entry_line(e: &ReportEntry) -> String {
    let mut out = String::with_capacity(128);
    let _ = write!(out, "{:<7} ", e.severity.as_str());
    match &e.source {
        Some(s) => {
            let _ = write!(out, "{}:{}:{}", s.file, s.line, s.column);
        }
        None => out.push_str("(default)"),
    }
    if let Some(section) = &e.section {
        let _ = write!(out, " [{section}]");
    }
    if !e.applies_to.is_empty() {
        const SHOWN: usize = 3;
        let names: Vec<String> = e
            .applies_to
            .iter()
            .take(SHOWN)
            .map(|n| format!("[{n}]"))
            .collect();
        let more = e.applies_to.len().saturating_sub(SHOWN);
        let _ = write!(out, " (for {}", names.join(" "));
        if more > 0 {
            let _ = write!(out, " and {more} more");
        }
        out.push(')');
    }
    if let Some(s) = &e.source {
        if !s.key.is_empty() {
            let _ = write!(out, " {}={}", s.key, s.value);
        }
    }
    if !e.targets.is_empty() {
        out.push_str(" →");
        for (i, t) in e.targets.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, " {} [{}]", t.file, t.object);
            if !t.kind.is_empty() {
                let _ = write!(out, " {}", t.kind);
            }
            if !t.option.is_empty() {
                let _ = write!(out, " {}", t.option);
                if let Some(v) = &t.value {
                    let _ = write!(out, "={v}");
                }
            }
        }
    } else if e.outcome != Outcome::Mapped {
        let _ = write!(out, " ✗ {}", e.outcome.as_str());
    }
    if !e.message.is_empty() {
        let _ = write!(out, ": {}", e.message);
    }
    out
}

/// The whole report as text: one line per entry at or above `min`, then the summary.
pub fn render_text(entries: &[ReportEntry], summary: &Summary, min: Severity) -> String {
    let mut out = String::new();
    for e in entries.iter().filter(|e| e.severity >= min) {
        out.push_str(&entry_line(e));
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{} peers/users loaded by chan_sip, {} endpoints written, {} registrations, {} sections skipped, {} dialplan lines rewritten",
        summary.peers_loaded,
        summary.endpoints,
        summary.registrations,
        summary.sections_skipped,
        summary.dialplan_rewrites
    );
    let _ = writeln!(
        out,
        "{} mapped, {} notes, {} warnings, {} need a human, {} errors",
        summary.mapped, summary.note, summary.warning, summary.action, summary.error
    );
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    entries: &'a [ReportEntry],
    summary: &'a Summary,
}

/// The whole report as JSON, streamed into `out`.
pub fn write_json(
    entries: &[ReportEntry],
    summary: &Summary,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    serde_json::to_writer(
        &mut *out,
        &JsonReport {
            version: VERSION,
            entries,
            summary,
        },
    )
    .map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Location;

    #[test]
    fn secrets_are_masked_when_the_entry_is_made() {
        let s = SourceLine::new(Location::new("sip.conf", 3, 1), "secret", "hunter2");
        assert_eq!(s.value, crate::redact::MASK);
        let r = SourceLine::new(
            Location::new("sip.conf", 4, 1),
            "register",
            "user:hunter2@host/100",
        );
        assert!(!r.value.contains("hunter2"), "{}", r.value);
        let t = Target::pjsip("a", "auth", "password", Some("hunter2"));
        assert_eq!(t.value.as_deref(), Some(crate::redact::MASK));
        let e = ReportEntry {
            severity: Severity::Mapped,
            outcome: Outcome::Mapped,
            source: Some(s),
            section: Some("a".into()),
            applies_to: Vec::new(),
            targets: vec![t],
            message: Cow::Borrowed(""),
            order: (0, 3, 1),
        };
        let line = entry_line(&e);
        assert!(!line.contains("hunter2"), "{line}");
        assert_eq!(
            line,
            "mapped  sip.conf:3:1 [a] secret=******** → pjsip.conf [a] auth password=********"
        );
    }
}
