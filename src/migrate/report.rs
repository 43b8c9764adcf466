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
use crate::json_text::{CHUNK, push_number, push_opt_str, push_str, write_in_blocks};
use crate::redact::is_secret_key;
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
        let masked = mask_value(key, value);
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
            value: value.map(|v| match mask_value(option, v) {
                Cow::Borrowed(v) => shared_text(v),
                Cow::Owned(v) => Text::from(v),
            }),
        }
    }
}

/// `value` as the redact module masks it for the option `name` ([`mask_option_value`]), asking
/// it only for the names it may mask: a report asks for every line and every target, with a
/// few dozen distinct names, and the answer for a name is worked out once per thread.
fn mask_value<'v>(name: &str, value: &'v str) -> Cow<'v, str> {
    if may_mask(name) {
        mask_option_value(name, value)
    } else {
        Cow::Borrowed(value)
    }
}

/// Whether [`mask_option_value`] may change a value of `name`: a secret key, or `register`
/// (inline credentials). Remembered per thread by the name's text (compared whole: a slot never
/// answers for another name).
fn may_mask(name: &str) -> bool {
    const SLOTS: usize = 256;
    thread_local! {
        static SEEN: std::cell::RefCell<Vec<Option<(String, bool)>>> =
            std::cell::RefCell::new(vec![None; SLOTS]);
    }
    let slot = slot_of(name, SLOTS);
    SEEN.with_borrow_mut(|seen| match &seen[slot] {
        Some((seen_name, answer)) if seen_name == name => *answer,
        _ => {
            let answer = is_secret_key(name) || name.eq_ignore_ascii_case("register");
            seen[slot] = Some((name.to_string(), answer));
            answer
        }
    })
}

/// A slot of a table of `slots` for `text` (FNV-1a of its bytes).
fn slot_of(text: &str, slots: usize) -> usize {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    for &b in text.as_bytes() {
        hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    (hash ^ hash >> 32) as usize % slots
}

/// `value` as a [`Text`], shared with the last target of the same value made on this thread
/// (a template line's targets repeat the same few words for every peer: `yes`, `all`, a
/// context; a Text costs two allocations).
fn shared_text(value: &str) -> Text {
    const SLOTS: usize = 256;
    thread_local! {
        static RECENT: std::cell::RefCell<Vec<Text>> =
            std::cell::RefCell::new(vec![Text::default(); SLOTS]);
    }
    let slot = slot_of(value, SLOTS);
    RECENT.with_borrow_mut(|recent| {
        if recent[slot].as_str() != value {
            recent[slot] = Text::from(value);
        }
        recent[slot].clone()
    })
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

/// The whole report as JSON, streamed into `out`: the same bytes as serde_json writes for the
/// serialized types (a test holds the two together), written by hand because the report of a
/// large site is tens of thousands of entries and serde's per-field calls and per-string escape
/// loop were a fifth of a 10,000-peer migration. The text is made and written in blocks
/// ([`write_in_blocks`]), never held whole.
pub fn write_json(
    entries: &[ReportEntry],
    summary: &Summary,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK + 4096);
    buf.extend_from_slice(b"{\"version\":");
    push_number(&mut buf, VERSION);
    buf.extend_from_slice(b",\"entries\":[");
    write_in_blocks(entries, &mut buf, out, |buf, i, e| {
        if i > 0 {
            buf.push(b',');
        }
        push_entry(buf, e);
    })?;
    buf.extend_from_slice(b"],\"summary\":");
    push_summary(&mut buf, summary);
    buf.extend_from_slice(b"}\n");
    out.write_all(&buf)
}

fn push_entry(buf: &mut Vec<u8>, e: &ReportEntry) {
    buf.extend_from_slice(b"{\"severity\":");
    push_str(buf, e.severity.as_str());
    buf.extend_from_slice(b",\"outcome\":");
    push_str(buf, e.outcome.as_str());
    buf.extend_from_slice(b",\"source\":");
    match &e.source {
        Some(s) => {
            buf.extend_from_slice(b"{\"file\":");
            push_str(buf, &s.file);
            buf.extend_from_slice(b",\"line\":");
            push_number(buf, s.line);
            buf.extend_from_slice(b",\"column\":");
            push_number(buf, s.column);
            buf.extend_from_slice(b",\"key\":");
            push_str(buf, &s.key);
            buf.extend_from_slice(b",\"value\":");
            push_str(buf, &s.value);
            buf.push(b'}');
        }
        None => buf.extend_from_slice(b"null"),
    }
    buf.extend_from_slice(b",\"section\":");
    push_opt_str(buf, e.section.as_deref());
    if !e.applies_to.is_empty() {
        buf.extend_from_slice(b",\"applies_to\":[");
        for (i, name) in e.applies_to.iter().enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            push_str(buf, name);
        }
        buf.push(b']');
    }
    buf.extend_from_slice(b",\"targets\":[");
    for (i, t) in e.targets.iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        buf.extend_from_slice(b"{\"file\":");
        push_str(buf, t.file);
        buf.extend_from_slice(b",\"object\":");
        push_str(buf, &t.object);
        buf.extend_from_slice(b",\"type\":");
        push_str(buf, t.kind);
        buf.extend_from_slice(b",\"option\":");
        push_str(buf, &t.option);
        buf.extend_from_slice(b",\"value\":");
        push_opt_str(buf, t.value.as_deref());
        buf.push(b'}');
    }
    buf.extend_from_slice(b"],\"message\":");
    push_str(buf, &e.message);
    buf.push(b'}');
}

fn push_summary(buf: &mut Vec<u8>, s: &Summary) {
    let fields = [
        ("peers_loaded", s.peers_loaded),
        ("endpoints", s.endpoints),
        ("sections_skipped", s.sections_skipped),
        ("registrations", s.registrations),
        ("dialplan_rewrites", s.dialplan_rewrites),
        ("mapped", s.mapped),
        ("note", s.note),
        ("warning", s.warning),
        ("action", s.action),
        ("error", s.error),
    ];
    for (i, (name, n)) in fields.into_iter().enumerate() {
        buf.push(if i == 0 { b'{' } else { b',' });
        push_str(buf, name);
        buf.push(b':');
        push_number(buf, n as u64);
    }
    buf.push(b'}');
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

    /// The report's JSON as serde_json writes the same types: what `write_json` must match byte
    /// for byte.
    fn serde_json_of(entries: &[ReportEntry], summary: &Summary) -> String {
        #[derive(Serialize)]
        struct JsonReport<'a> {
            version: u32,
            entries: &'a [ReportEntry],
            summary: &'a Summary,
        }
        let mut text = serde_json::to_string(&JsonReport {
            version: VERSION,
            entries,
            summary,
        })
        .expect("serializes");
        text.push('\n');
        text
    }

    #[test]
    fn the_streamed_json_is_what_serde_json_writes() {
        // Every control character, quotes, backslashes, non-ASCII text and DEL in the values;
        // every optional part present and absent.
        let awkward = crate::json_text::awkward_text();
        let full = ReportEntry {
            severity: Severity::Warning,
            outcome: Outcome::Dropped,
            source: Some(SourceLine::of(
                Text::from("sip-users.conf"),
                u32::MAX,
                7,
                &Text::from("callerid"),
                &Text::from(awkward.as_str()),
            )),
            section: Some(Text::from(awkward.as_str())),
            applies_to: vec![Text::from("a"), Text::from(awkward.as_str())],
            targets: vec![
                Target::pjsip("a", "endpoint", "callerid", Some(&awkward)),
                Target::pjsip("b", "auth", "password", Some("hunter2")),
                Target::pjsip("c", "aor", "", None),
            ],
            message: Cow::Owned(format!("why: {awkward}")),
            order: (0, 1, 1),
        };
        let bare = ReportEntry {
            severity: Severity::Mapped,
            outcome: Outcome::Added,
            source: None,
            section: None,
            applies_to: Vec::new(),
            targets: Vec::new(),
            message: Cow::Borrowed(""),
            order: (u32::MAX, 0, 0),
        };
        let summary = Summary {
            peers_loaded: 1,
            endpoints: 2,
            sections_skipped: 3,
            registrations: 4,
            dialplan_rewrites: 5,
            mapped: 6,
            note: 7,
            warning: 8,
            action: 9,
            error: usize::MAX,
        };
        // Enough entries to cross the chunk size and the block size of `write_in_blocks`
        // several times.
        // Each its own message, so that blocks out of order would show.
        let many: Vec<ReportEntry> = (0..2000)
            .map(|i| {
                let mut e = if i % 3 == 0 {
                    bare.clone()
                } else {
                    full.clone()
                };
                e.message = Cow::Owned(format!("{}{i}", e.message));
                e
            })
            .collect();
        let block = crate::json_text::BLOCK_ITEMS;
        // None, one, one block, two blocks (made on one thread), the fewest made on two
        // threads, and many.
        for entries in [
            &[][..],
            &[bare.clone()][..],
            &many[..block],
            &many[..block + 1],
            &many[..4 * block],
            &many[..],
        ] {
            let mut streamed = Vec::new();
            write_json(entries, &summary, &mut streamed).expect("writes");
            let streamed = String::from_utf8(streamed).expect("UTF-8");
            assert_eq!(streamed, serde_json_of(entries, &summary));
            assert!(!streamed.contains("hunter2"));
        }
    }
}
