//! The parsed form of one Asterisk configuration file, as main/config.c reads it.
//!
//! A [`ConfigFile`] is one top-level file (`sip.conf`, `pjsip.conf`, …) with its `#include`s
//! expanded in place: sections in load order (templates included and flagged), every variable
//! with the position of its name and value, and what Asterisk would warn about or fail on.
//! The reader itself lives in [`crate::asterisk::reader`]; this module holds the types and the
//! lookups over them.

use super::shared_text::Text;
use super::source::{FileId, Pos};
use serde::{Serialize, Serializer};
use std::sync::Arc;

/// What kind of configuration a file is, which decides how the model interprets it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// chan_sip's `sip.conf`.
    Sip,
    /// res_pjsip's `pjsip.conf`.
    Pjsip,
    /// res_pjsip_config_wizard's `pjsip_wizard.conf` (read, not interpreted yet).
    PjsipWizard,
    /// The dialplan, `extensions.conf`.
    Extensions,
    /// The WebSMS bridge's `websms.conf` (PHP ini, not read by Asterisk).
    Websms,
    /// The manager interface, `manager.conf`.
    Manager,
    /// Named ACLs, `acl.conf`.
    Acl,
    /// `asterisk.conf` (`execincludes`, `live_dangerously`).
    Asterisk,
    /// `voicemail.conf`: mailboxes and the dial-out/callback/exit contexts of app_voicemail.
    Voicemail,
    /// `http.conf`: Asterisk's HTTP server (WebSockets for SIP over WS/WSS, ARI, AMI over HTTP).
    Http,
    /// A TwiML document (`twiml-main.xml`, `main.twiml`, or an `.xml` file whose root is
    /// `<Response>`): XML Twilio reads, not Asterisk; interpreted for the Twilio rules.
    Twiml,
    /// Any other Asterisk file: parsed, not interpreted.
    Other,
}

impl FileKind {
    /// The file name Asterisk loads for this kind (`None` for [`FileKind::Other`]).
    pub fn asterisk_name(self) -> Option<&'static str> {
        Some(match self {
            FileKind::Sip => "sip.conf",
            FileKind::Pjsip => "pjsip.conf",
            FileKind::PjsipWizard => "pjsip_wizard.conf",
            FileKind::Extensions => "extensions.conf",
            FileKind::Websms => "websms.conf",
            FileKind::Manager => "manager.conf",
            FileKind::Acl => "acl.conf",
            FileKind::Asterisk => "asterisk.conf",
            FileKind::Voicemail => "voicemail.conf",
            FileKind::Http => "http.conf",
            FileKind::Twiml | FileKind::Other => return None,
        })
    }

    /// The names of the kinds (`sip`, `pjsip`, …, `other`), as JSON and `--kind` spell them.
    pub const NAMES: [&'static str; 12] = [
        "sip",
        "pjsip",
        "pjsip_wizard",
        "extensions",
        "websms",
        "manager",
        "acl",
        "asterisk",
        "voicemail",
        "http",
        "twiml",
        "other",
    ];

    /// The name of a kind (`pjsip_wizard`), as JSON and `--kind` spell it.
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Sip => "sip",
            FileKind::Pjsip => "pjsip",
            FileKind::PjsipWizard => "pjsip_wizard",
            FileKind::Extensions => "extensions",
            FileKind::Websms => "websms",
            FileKind::Manager => "manager",
            FileKind::Acl => "acl",
            FileKind::Asterisk => "asterisk",
            FileKind::Voicemail => "voicemail",
            FileKind::Http => "http",
            FileKind::Twiml => "twiml",
            FileKind::Other => "other",
        }
    }

    /// The kind called `name` (`sip`, `pjsip-wizard` or `pjsip_wizard`; `other` reads a file
    /// without interpreting it).
    pub fn from_name(name: &str) -> Option<FileKind> {
        let name = name.trim().to_ascii_lowercase().replace('-', "_");
        FileKind::KNOWN
            .into_iter()
            .chain([FileKind::Other])
            .find(|k| k.name() == name)
    }

    /// Every kind pbxgen interprets, in the order a directory is read.
    pub const KNOWN: [FileKind; 11] = [
        FileKind::Asterisk,
        FileKind::Acl,
        FileKind::Sip,
        FileKind::Pjsip,
        FileKind::PjsipWizard,
        FileKind::Extensions,
        FileKind::Voicemail,
        FileKind::Manager,
        FileKind::Http,
        FileKind::Websms,
        FileKind::Twiml,
    ];

    /// Guess the kind from a file name: the name is split into words at `-`, `.` and spaces, and
    /// a word naming a kind decides (`sip.conf`, `02-sip-cosmiccable.conf`,
    /// `pjsip.conf.sample`, `19-pjsip-openfest2024.conf`). `_` does not split, so
    /// `sip_notify.conf` is not mistaken for `sip.conf`. When several words match, the most
    /// specific kind wins (`pjsip_wizard` over `pjsip` over `sip`; `asterisk` last).
    pub fn detect(file_name: &str) -> FileKind {
        let mut best = FileKind::Other;
        let rank = |k: FileKind| match k {
            FileKind::PjsipWizard => 0,
            FileKind::Pjsip => 1,
            FileKind::Sip => 2,
            FileKind::Extensions => 3,
            FileKind::Websms => 4,
            FileKind::Manager => 5,
            FileKind::Acl => 6,
            FileKind::Voicemail => 7,
            FileKind::Http => 8,
            FileKind::Asterisk => 9,
            FileKind::Twiml => 10,
            FileKind::Other => 11,
        };
        for word in file_name.split(['-', '.', ' ']) {
            let kind = match word.to_ascii_lowercase().as_str() {
                "pjsip_wizard" => FileKind::PjsipWizard,
                "pjsip" => FileKind::Pjsip,
                "sip" => FileKind::Sip,
                "extensions" => FileKind::Extensions,
                "websms" => FileKind::Websms,
                "manager" => FileKind::Manager,
                "acl" => FileKind::Acl,
                "asterisk" => FileKind::Asterisk,
                "voicemail" => FileKind::Voicemail,
                "http" => FileKind::Http,
                "twiml" => FileKind::Twiml,
                _ => continue,
            };
            if rank(kind) < rank(best) {
                best = kind;
            }
        }
        best
    }

    /// websms.conf is read by PHP's `parse_ini_file`, TwiML by Twilio's XML parser, every
    /// other kind by Asterisk's loader.
    pub fn dialect(self) -> Dialect {
        match self {
            FileKind::Websms => Dialect::PhpIni,
            FileKind::Twiml => Dialect::Xml,
            _ => Dialect::Asterisk,
        }
    }

    /// Whether `bytes` is a TwiML document: after an optional BOM, XML declaration, comments
    /// and blanks, the root element is `<Response>`.
    pub fn is_twiml(bytes: &[u8]) -> bool {
        let mut rest = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        loop {
            rest = rest.trim_ascii_start();
            let end = |close: &[u8]| {
                rest.windows(close.len())
                    .position(|w| w == close)
                    .map(|i| i + close.len())
            };
            if rest.starts_with(b"<?") {
                let Some(i) = end(b"?>") else { return false };
                rest = &rest[i..];
            } else if rest.starts_with(b"<!--") {
                let Some(i) = end(b"-->") else { return false };
                rest = &rest[i..];
            } else {
                break;
            }
        }
        rest.strip_prefix(b"<Response").is_some_and(|r| {
            matches!(
                r.first(),
                Some(b'>' | b'/') | Some(b' ' | b'\t' | b'\r' | b'\n')
            )
        })
    }
}

/// Which reader a file goes through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dialect {
    /// Asterisk's main/config.c.
    Asterisk,
    /// PHP's `parse_ini_file` (websms.conf): `;` comments, `[section]`, `key = value`, quotes.
    PhpIni,
    /// XML (TwiML): no sections; the model reads the document from the source.
    Xml,
}

/// One top-level configuration file with its `#include`s expanded.
#[derive(Clone, Debug)]
pub struct ConfigFile {
    /// The top-level file's name as given (`sip.conf`, `02-sip-cosmiccable.conf`).
    pub name: String,
    /// How the model interprets it.
    pub kind: FileKind,
    /// The top-level file in the [`super::SourceMap`].
    pub file: FileId,
    /// Sections in load order, templates included (flagged). A `(+)` section is not a new
    /// section: its variables are appended to the section it names.
    pub sections: Vec<Section>,
    /// What Asterisk would warn about or fail on, in reading order.
    pub diagnostics: Vec<Diagnostic>,
    /// `#include`, `#tryinclude` and `#exec` lines, with the files they read.
    pub directives: Vec<Directive>,
    /// `;` comments (text after the `;`), for `; pbxgen: ignore[…]` suppressions.
    pub comments: Vec<Comment>,
}

impl Serialize for ConfigFile {
    /// Serialised with secrets masked; in voicemail.conf the mailbox PIN (the first field of
    /// `mailbox => pin,name,…`) is masked too.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("ConfigFile", 7)?;
        st.serialize_field("name", &self.name)?;
        st.serialize_field("kind", &self.kind)?;
        st.serialize_field("file", &self.file)?;
        if self.kind == FileKind::Voicemail {
            let masked: Vec<Section> = self.sections.iter().map(mask_mailbox_pins).collect();
            st.serialize_field("sections", &masked)?;
        } else {
            st.serialize_field("sections", &self.sections)?;
        }
        st.serialize_field("diagnostics", &self.diagnostics)?;
        st.serialize_field("directives", &self.directives)?;
        st.serialize_field("comments", &self.comments)?;
        st.end()
    }
}

/// A voicemail.conf section with the PIN of every mailbox line masked.
fn mask_mailbox_pins(section: &Section) -> Section {
    let mut masked = section.clone();
    if ["general", "zonemessages"]
        .iter()
        .any(|n| section.name.eq_ignore_ascii_case(n))
    {
        return masked;
    }
    masked.variables = section.variables.mapped(|v| {
        let rest = v.value.split_once(',').map(|(_, r)| r);
        let value = match rest {
            Some(rest) => format!("{},{rest}", crate::redact::MASK).into(),
            None => crate::redact::MASK.into(),
        };
        Variable { value, ..v.clone() }
    });
    masked
}

impl ConfigFile {
    /// Renumber every file this one refers to (its positions, its directives' files) through
    /// `map`: a file read on its own [`super::SourceMap`] joining the one of the whole read.
    pub(crate) fn renumber_files(&mut self, map: &[FileId]) {
        let file = |id: FileId| map[id.0 as usize];
        let pos = |p: &mut Pos| p.file = file(p.file);
        let positions = |ps: &mut Positions| {
            if let Some(list) = ps.0.as_deref_mut() {
                list.iter_mut().for_each(pos);
            }
        };
        self.file = file(self.file);
        // Sections share their file's table: each table is renumbered once, while no section
        // holds it (so it is not copied).
        let empty = Arc::new(Table::default());
        let mut tables: Vec<Arc<Table>> = Vec::new();
        let mut table_of: Vec<usize> = Vec::with_capacity(self.sections.len());
        for section in &mut self.sections {
            pos(&mut section.pos);
            positions(&mut section.appended_at);
            let table = section.variables.take_table(&empty);
            let at = match tables.iter().rposition(|t| Arc::ptr_eq(t, &table)) {
                Some(at) => at,
                None => {
                    tables.push(table);
                    tables.len() - 1
                }
            };
            table_of.push(at);
        }
        for table in &mut tables {
            for v in Arc::make_mut(table).iter_mut() {
                pos(&mut v.pos);
                positions(&mut v.appended_at);
            }
        }
        for (section, at) in self.sections.iter_mut().zip(table_of) {
            section.variables.set_table(&tables[at]);
        }
        self.diagnostics.iter_mut().for_each(|d| pos(&mut d.pos));
        for d in &mut self.directives {
            pos(&mut d.pos);
            d.files.iter_mut().for_each(|f| *f = file(*f));
        }
        self.comments.iter_mut().for_each(|c| pos(&mut c.pos));
    }

    /// Asterisk refuses the whole file (CONFIG_STATUS_FILEINVALID): the module loads nothing
    /// from it. pbxgen still reads on, to report everything at once.
    pub fn is_invalid(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Fatal)
    }

    /// The first live (non-template) section with this name, compared case-insensitively as
    /// config.c does (`ast_category_get`).
    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections
            .iter()
            .find(|s| !s.is_template && s.name.eq_ignore_ascii_case(name))
    }

    /// Every section (templates included) with this name, case-insensitively, in order.
    pub fn sections_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Section> + 'a {
        self.sections
            .iter()
            .filter(move |s| s.name.eq_ignore_ascii_case(name))
    }

    /// Live sections only (what modules browse: config.c hides templates from them).
    pub fn live_sections(&self) -> impl Iterator<Item = &Section> {
        self.sections.iter().filter(|s| !s.is_template)
    }
}

/// A `[name]` section (Asterisk: a category).
#[derive(Clone, Debug, Serialize)]
pub struct Section {
    /// The name exactly as written between `[` and the first `]` (not trimmed), cut at 79 bytes.
    pub name: Text,
    /// Position of the `[`.
    pub pos: Pos,
    /// `(!)`: a template. Modules never see it; other sections may inherit from it.
    pub is_template: bool,
    /// The bases named in `(…)`, exactly as written (not trimmed), in order.
    pub bases: Vec<Text>,
    /// Headers `[name](+)` / `[name](+filter)` that appended to this section.
    pub appended_at: Positions,
    /// Inherited variables first (as they were at the point of the header), then the section's
    /// own, then those added by `(+)` headers, in file order.
    pub variables: Variables,
}

impl Section {
    /// A section with nothing in it (stands in for an absent `[general]`).
    pub fn empty() -> Section {
        Section {
            name: Text::default(),
            pos: Pos::new(FileId(0), 0, 0),
            is_template: false,
            bases: Vec::new(),
            appended_at: Positions::default(),
            variables: Variables::default(),
        }
    }

    /// The last variable with this name (case-insensitive): what a module reading a scalar
    /// option with "last one wins" sees.
    pub fn get(&self, name: &str) -> Option<&Variable> {
        self.variables
            .iter()
            .rev()
            .find(|v| v.name.eq_ignore_ascii_case(name))
    }

    /// Every variable with this name (case-insensitive), in order.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Variable> + 'a {
        self.variables
            .iter()
            .filter(move |v| v.name.eq_ignore_ascii_case(name))
    }

    /// The value of the last variable with this name.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.get(name).map(|v| v.value.as_str())
    }
}

/// A section's variables: ranges of its file's one table of variables.
///
/// Inheriting from a template does not copy the template's variables: the section refers to
/// the same entries of the table (as they were at its header), so a thousand peers on one
/// template hold the template's lines once. The table only grows while the file is read, and
/// an entry is never changed once written (`+=` writes a new entry for the section that
/// appends), so what a section refers to stays what it inherited.
#[derive(Clone, Default)]
pub struct Variables {
    /// The file's table (while reading: a placeholder; see [`Variables::set_table`]).
    table: Arc<Table>,
    runs: Vec<Run>,
}

/// A file's table of variables, indexed by slot: every variable line read, in reading order.
///
/// In two parts when the file was read in two halves on two threads: the lines read in order,
/// then those read ahead (slots from the first part's length on). Keeping the half read ahead
/// where it was written, instead of copying it onto the end of the first part, spares a second
/// table as large as that half (memory touched only to be copied and freed). A run of a
/// section ([`Variables`]) lies within one part.
#[derive(Clone, Debug, Default)]
pub struct Table {
    first: Vec<Variable>,
    ahead: Vec<Variable>,
}

impl Table {
    /// `first`, then `ahead` (slots from `first.len()` on).
    pub(crate) fn new(first: Vec<Variable>, ahead: Vec<Variable>) -> Table {
        Table { first, ahead }
    }

    pub fn len(&self) -> usize {
        self.first.len() + self.ahead.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, slot: usize) -> Option<&Variable> {
        match slot.checked_sub(self.first.len()) {
            None => self.first.get(slot),
            Some(ahead) => self.ahead.get(ahead),
        }
    }

    /// Every entry, by slot.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Variable> + Clone {
        self.first.iter().chain(&self.ahead)
    }

    fn iter_mut(&mut self) -> impl Iterator<Item = &mut Variable> {
        self.first.iter_mut().chain(&mut self.ahead)
    }

    /// The lengths of the two parts.
    #[cfg(test)]
    pub(crate) fn part_lens(&self) -> (usize, usize) {
        (self.first.len(), self.ahead.len())
    }

    /// The entries of slots `start..end`, which lie in one part (a run's do).
    // Not inlined: inlined, it makes the closure of [`Variables::iter`] and
    // [`Variables::entries`] too large for their `flat_map` to be inlined into the callers
    // (10% more instructions on a 20,000-peer audit); a call per run costs next to nothing.
    #[inline(never)]
    fn run(&self, start: u32, end: u32) -> &[Variable] {
        let (start, end) = (start as usize, end as usize);
        match start.checked_sub(self.first.len()) {
            None => &self.first[start..end],
            Some(ahead) => &self.ahead[ahead..end - self.first.len()],
        }
    }
}

impl From<Vec<Variable>> for Table {
    fn from(first: Vec<Variable>) -> Table {
        Table::new(first, Vec::new())
    }
}

impl std::ops::Index<usize> for Table {
    type Output = Variable;
    fn index(&self, slot: usize) -> &Variable {
        self.get(slot).expect("a slot of the table")
    }
}

/// Entries `start..end` of the table, inherited from section `from` (`None`: the section's
/// own lines).
#[derive(Clone, Debug)]
pub(crate) struct Run {
    start: u32,
    end: u32,
    from: Option<Text>,
}

/// One variable of a section, with where it sits in its file's table and where it came from.
#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    /// Index in the file's table of variables: the same for a template's line and every copy a
    /// section inherited, so per-line work can be done once.
    pub slot: u32,
    pub variable: &'a Variable,
    /// The base section this variable was inherited from by `[x](base)`, if it was.
    pub inherited_from: Option<&'a Text>,
}

/// One run of a section's lines ([`Variables::runs`]): table slots `start..end`.
#[derive(Clone, Copy, Debug)]
pub struct RunLines<'a> {
    pub start: u32,
    pub end: u32,
    /// The base section the run was inherited from (`None`: the section's own lines).
    pub inherited_from: Option<&'a Text>,
    pub variables: &'a [Variable],
}

impl<'a> RunLines<'a> {
    /// The run's lines as [`Entry`]s ([`Variables::entries`] is those of every run).
    pub fn entries(self) -> impl DoubleEndedIterator<Item = Entry<'a>> + Clone + use<'a> {
        self.variables
            .iter()
            .zip(self.start..self.end)
            .map(move |(variable, slot)| Entry {
                slot,
                variable,
                inherited_from: self.inherited_from,
            })
    }
}

impl Variables {
    /// Variables in a table of their own, in order (none inherited).
    pub fn from_vec(vars: Vec<Variable>) -> Variables {
        let end = u32::try_from(vars.len()).expect("fewer than 2^32 variables");
        Variables {
            table: Arc::new(Table::from(vars)),
            runs: if end == 0 {
                Vec::new()
            } else {
                vec![Run {
                    start: 0,
                    end,
                    from: None,
                }]
            },
        }
    }

    /// No variables yet, in `table` (the placeholder of a file being read).
    pub(crate) fn with_table(table: &Arc<Table>) -> Variables {
        Variables {
            table: Arc::clone(table),
            runs: Vec::new(),
        }
    }

    /// The same variables (and origins) with `f` applied, in a table of their own.
    pub fn mapped(&self, f: impl Fn(&Variable) -> Variable) -> Variables {
        let mut table = Vec::with_capacity(self.len());
        let mut runs = Vec::with_capacity(self.runs.len());
        for r in &self.runs {
            let start = table.len() as u32;
            table.extend(self.table.run(r.start, r.end).iter().map(&f));
            runs.push(Run {
                start,
                end: table.len() as u32,
                from: r.from.clone(),
            });
        }
        Variables {
            table: Arc::new(Table::from(table)),
            runs,
        }
    }

    /// Every variable, in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Variable> + Clone + use<'_> {
        self.runs
            .iter()
            .flat_map(|r| self.table.run(r.start, r.end))
    }

    /// Every variable with its table slot and origin, in order.
    pub fn entries(&self) -> impl DoubleEndedIterator<Item = Entry<'_>> + Clone + use<'_> {
        self.runs().flat_map(RunLines::entries)
    }

    /// The runs of lines, in order: each a stretch of the table inherited whole from one base
    /// (or the section's own lines). Sections on one template share its runs, so work on a run
    /// can be done once for all of them.
    pub fn runs(&self) -> impl DoubleEndedIterator<Item = RunLines<'_>> + Clone + use<'_> {
        self.runs.iter().map(|r| RunLines {
            start: r.start,
            end: r.end,
            inherited_from: r.from.as_ref(),
            variables: self.table.run(r.start, r.end),
        })
    }

    pub fn len(&self) -> usize {
        self.runs.iter().map(|r| (r.end - r.start) as usize).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    /// The `i`th variable.
    pub fn at(&self, i: usize) -> Option<&Variable> {
        self.iter().nth(i)
    }

    /// The file's table of variables: every [`Entry::slot`] indexes it.
    pub fn table(&self) -> &Arc<Table> {
        &self.table
    }

    /// The last variable with this name (case-insensitive) and its slot in the table.
    pub fn last_slot(&self, name: &str) -> Option<u32> {
        self.entries()
            .rev()
            .find(|e| e.variable.name.eq_ignore_ascii_case(name))
            .map(|e| e.slot)
    }

    /// The number of entries in the file's table (an upper bound of every slot).
    pub fn table_len(&self) -> usize {
        self.table.len()
    }

    /// Every variable in order, reading `table` (the table being built, while reading).
    pub(crate) fn iter_in<'a>(
        &'a self,
        table: &'a [Variable],
    ) -> impl DoubleEndedIterator<Item = (usize, &'a Variable)> + Clone + use<'a> {
        self.runs.iter().flat_map(move |r| {
            let range = r.start as usize..r.end as usize;
            range.clone().zip(&table[range])
        })
    }

    /// Append the table entry `slot` (just written) as the section's own line.
    pub(crate) fn push_own(&mut self, slot: usize) {
        let slot = u32::try_from(slot).expect("fewer than 2^32 variables");
        if let Some(last) = self
            .runs
            .last_mut()
            .filter(|r| r.from.is_none() && r.end == slot)
        {
            last.end += 1;
            return;
        }
        self.push_run(Run {
            start: slot,
            end: slot + 1,
            from: None,
        });
    }

    /// Append everything `base` holds now, as inherited from `from`.
    pub(crate) fn inherit(&mut self, base: &Variables, from: &Text) {
        for r in &base.runs {
            self.push_run(Run {
                from: Some(from.clone()),
                ..r.clone()
            });
        }
    }

    /// Append `other`'s variables (keeping their origins).
    pub(crate) fn append(&mut self, other: Variables) {
        for r in other.runs {
            self.push_run(r);
        }
    }

    /// Room for `runs` runs without growing (a section read ahead of the first half of its
    /// file: its bases' runs and its own, see [`Variables::join_ahead`]).
    pub(crate) fn reserve_runs(&mut self, runs: usize) {
        self.runs
            .reserve_exact(runs.saturating_sub(self.runs.len()));
    }

    /// A section read ahead of the first half of its file, once the halves join: its own
    /// variables, whose slots counted from 0 in a table of their own that now follows the first
    /// `shift` entries of the file's table, come after everything its `bases` hold now (as
    /// inherited from them, in order), as when the header is read in order.
    pub(crate) fn join_ahead<'a>(
        &mut self,
        bases: impl Iterator<Item = (&'a Variables, &'a Text)> + Clone,
        shift: u32,
    ) {
        for r in &mut self.runs {
            r.start += shift;
            r.end += shift;
        }
        let inherited: usize = bases.clone().map(|(base, _)| base.runs.len()).sum();
        self.runs.reserve_exact(inherited);
        for (base, from) in bases {
            self.inherit(base, from);
        }
        // The inherited runs go first.
        self.runs.rotate_right(inherited);
    }

    /// The `index`th variable is now table entry `slot` (a new entry: the old one may be
    /// shared with other sections, which keep it).
    pub(crate) fn replace(&mut self, index: usize, slot: usize) {
        let slot = u32::try_from(slot).expect("fewer than 2^32 variables");
        let mut before = 0usize;
        for (i, r) in self.runs.iter().enumerate() {
            let len = (r.end - r.start) as usize;
            if index < before + len {
                let at = r.start + (index - before) as u32;
                let mut pieces = Vec::with_capacity(3);
                if at > r.start {
                    pieces.push(Run {
                        end: at,
                        ..r.clone()
                    });
                }
                pieces.push(Run {
                    start: slot,
                    end: slot + 1,
                    from: r.from.clone(),
                });
                if at + 1 < r.end {
                    pieces.push(Run {
                        start: at + 1,
                        ..r.clone()
                    });
                }
                self.runs.splice(i..=i, pieces);
                return;
            }
            before += len;
        }
    }

    /// Point at the file's finished table.
    pub(crate) fn set_table(&mut self, table: &Arc<Table>) {
        self.table = Arc::clone(table);
    }

    /// The table, leaving an empty one in its place (see [`ConfigFile::renumber_files`]).
    fn take_table(&mut self, empty: &Arc<Table>) -> Arc<Table> {
        std::mem::replace(&mut self.table, Arc::clone(empty))
    }

    fn push_run(&mut self, run: Run) {
        // Most sections hold one or two runs: grow exactly while small.
        if self.runs.len() < 4 {
            self.runs.reserve_exact(1);
        }
        self.runs.push(run);
    }
}

impl std::ops::Index<usize> for Variables {
    type Output = Variable;
    fn index(&self, i: usize) -> &Variable {
        self.at(i).expect("variable index in range")
    }
}

impl std::fmt::Debug for Variables {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.entries()).finish()
    }
}

impl Serialize for Variables {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.entries())
    }
}

/// Something worked out once per slot of a file's table of variables: the line a thousand
/// sections inherit from one template is read once, not once per section.
///
/// Slots are only comparable within one table: asked about a section of another table, it
/// forgets what it knew and starts again (correct, just not shared).
#[derive(Clone, Debug)]
pub struct PerSlot<T> {
    /// The table the slots index (held, so that another table cannot take its address).
    table: Option<Arc<Table>>,
    values: Vec<Option<T>>,
}

impl<T> Default for PerSlot<T> {
    fn default() -> Self {
        PerSlot {
            table: None,
            values: Vec::new(),
        }
    }
}

impl<T> PerSlot<T> {
    /// The value for `entry`'s slot of `variables`' table, computed by `f` the first time.
    pub fn get_or_insert_with(
        &mut self,
        variables: &Variables,
        entry: &Entry<'_>,
        f: impl FnOnce() -> T,
    ) -> &T {
        if !self
            .table
            .as_ref()
            .is_some_and(|t| Arc::ptr_eq(t, &variables.table))
        {
            self.table = Some(Arc::clone(&variables.table));
            self.values.clear();
        }
        if self.values.len() < variables.table_len() {
            self.values.resize_with(variables.table_len(), || None);
        }
        self.values[entry.slot as usize].get_or_insert_with(f)
    }
}

/// A `name = value` (or `name => value`) line.
///
/// 56 bytes: a provider's tree holds a million of them. The value is on the name's line, so
/// only its column is kept ([`Variable::value_pos`]), and `=>` is that column's top bit.
#[derive(Clone, Debug)]
pub struct Variable {
    /// The name, trimmed.
    pub name: Text,
    /// The value, trimmed; `+=` lines have already been appended to it.
    pub value: Text,
    /// Position of the name (after indentation).
    pub pos: Pos,
    /// The column of the value's first byte, and [`OBJECT`] when written as `=>`.
    value_column: u32,
    /// Positions of `name += more` lines that appended to this variable.
    pub appended_at: Positions,
}

/// The bit of a variable's value column that marks `=>` (lines are shorter than 8 KiB).
const OBJECT: u32 = 1 << 31;

// The size the doc comment of `Variable` promises (x86-64 and other 64-bit targets).
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Variable>() == 56);

impl Variable {
    /// A variable read at `pos` whose value starts at `value_column` of the same line;
    /// `object`: written as `=>`.
    pub fn new(name: Text, value: Text, pos: Pos, value_column: u32, object: bool) -> Variable {
        debug_assert!(value_column < OBJECT);
        Variable {
            name,
            value,
            pos,
            value_column: value_column | if object { OBJECT } else { 0 },
            appended_at: Positions::default(),
        }
    }

    /// Position of the value's first byte (or just after the `=` when empty).
    pub fn value_pos(&self) -> Pos {
        Pos::new(self.pos.file, self.pos.line, self.value_column & !OBJECT)
    }

    /// Written as `=>` (an "object" line in Asterisk terms; same meaning as `=`).
    pub fn object(&self) -> bool {
        self.value_column & OBJECT != 0
    }
}

/// Positions that are almost always none (`+=` lines, `(+)` headers): one word while empty,
/// instead of the three of a `Vec` in every variable and section.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
// One thin pointer on purpose: a bare `Vec` is three words in every variable.
#[allow(clippy::box_collection)]
pub struct Positions(Option<Box<Vec<Pos>>>);

impl Positions {
    pub fn push(&mut self, pos: Pos) {
        self.0.get_or_insert_default().push(pos);
    }

    pub fn as_slice(&self) -> &[Pos] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }

    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Pos> {
        self.as_slice().iter()
    }
}

impl Serialize for Positions {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.as_slice())
    }
}

impl Serialize for Entry<'_> {
    /// Serialised with secrets masked: values of secret-like options never reach a dump.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let v = self.variable;
        let mut st = s.serialize_struct("Variable", 6)?;
        st.serialize_field("name", &v.name)?;
        let masked = crate::redact::value::mask_option_value(&v.name, &v.value);
        st.serialize_field(
            "value",
            &crate::redact::value::mask_inline_credentials(&masked),
        )?;
        st.serialize_field("pos", &v.pos)?;
        st.serialize_field("value_pos", &v.value_pos())?;
        st.serialize_field("object", &v.object())?;
        st.serialize_field("inherited_from", &self.inherited_from)?;
        st.end()
    }
}

/// How bad a diagnostic is, in Asterisk's terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Asterisk refuses the whole file (the module loads nothing from it).
    Fatal,
    /// An error inside an `#include`d file: Asterisk stops reading that included file (and the
    /// rest of its glob) here, but the file that included it goes on and still loads.
    StopsInclude,
    /// Asterisk skips this line (or block) and goes on.
    DroppedLine,
    /// Asterisk reads the line but warns, or pbxgen notes something about it.
    Warning,
}

/// What a diagnostic is about. Stable names: audit rules match on them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiagnosticCode {
    /// A line of 8191 bytes or more: Asterisk drops it with only a warning.
    LineTooLong,
    /// `[x] (!)`: the `(…)` does not follow `]` directly and is silently ignored.
    HeaderSpacing,
    /// `[x](!, t)`: an item in `(…)` with spaces, which Asterisk does not trim.
    UntrimmedBase,
    /// `[x` with no closing `]` (fatal).
    MissingBracket,
    /// `[x](a` with no closing `)` (fatal).
    MissingParenthesis,
    /// A line that is not a header, directive or `name = value` (dropped).
    MissingEquals,
    /// `= value` with no name (dropped).
    MissingName,
    /// `\` followed by a blank at the start of a line (fatal: "Invalid escape").
    InvalidEscape,
    /// `#something` that is not include/tryinclude/exec (dropped).
    UnknownDirective,
    /// `#include` with no file name (dropped).
    MissingDirectiveArgument,
    /// `#include` that matches no readable file (fatal).
    MissingInclude,
    /// `#tryinclude` that matches nothing (noted only).
    MissingTryInclude,
    /// A file that includes itself, directly or not (fatal for `#include`: Asterisk recurses
    /// until the depth limit and fails).
    IncludeLoop,
    /// More than 10 levels of `#include` (fatal for `#include`).
    IncludeTooDeep,
    /// An `#include`, `#tryinclude` or a top-level file that leads outside the audited tree
    /// (an absolute path, `../`, a symbolic link): not read, so not audited.
    IncludeOutsideTree,
    /// A variable before any section header (fatal).
    VariableBeforeSection,
    /// `[x](base)` naming a section that does not exist (yet) (fatal).
    MissingBase,
    /// `[x](+)` or `[x](+filter)` with no matching earlier section (fatal).
    AppendWithoutTarget,
    /// `;--` never closed by `--;` (warning; the rest of the file is a comment).
    UnterminatedBlockComment,
    /// More than 128 nested `;--` (Asterisk logs an error and ignores the extra opener).
    CommentNestingTooDeep,
    /// `#exec`: recorded, never executed by pbxgen. Asterisk runs it only with
    /// `execincludes=yes`.
    ExecDirective,
    /// Bytes that are not UTF-8 (read as they are; shown with U+FFFD).
    NonUtf8,
    /// A NUL byte: Asterisk's C strings end there, so the rest of the line is ignored.
    NulByte,
    /// A section name longer than 79 bytes, cut as Asterisk cuts it.
    SectionNameTooLong,
    /// `--;` outside a block comment: Asterisk's nesting counter goes negative and every
    /// following line is ignored until a `;--` brings it back.
    StrayBlockCommentEnd,
    /// Lines Asterisk ignores because a stray `--;` left its comment counter negative.
    IgnoredAfterStrayCommentEnd,
    /// A file that could not be read at all.
    Unreadable,
}

/// One problem Asterisk would report while loading.
#[derive(Clone, Debug, Serialize)]
pub struct Diagnostic {
    pub code: DiagnosticCode,
    pub severity: Severity,
    pub pos: Pos,
    /// What Asterisk would say, and what pbxgen understood.
    pub message: String,
}

/// Which directive a `#` line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DirectiveKind {
    Include,
    TryInclude,
    Exec,
}

/// A `#include`, `#tryinclude` or `#exec` line.
#[derive(Clone, Debug, Serialize)]
pub struct Directive {
    pub kind: DirectiveKind,
    /// The argument with surrounding `"…"`/`<…>` removed.
    pub argument: String,
    pub pos: Pos,
    /// The files read for it, in glob order (empty for `#exec`, which is never run).
    pub files: Vec<FileId>,
}

/// A `;` comment: `text` is what follows the `;` on that line.
#[derive(Clone, Debug, Serialize)]
pub struct Comment {
    #[serde(serialize_with = "crate::redact::value::serialize_comment")]
    pub text: String,
    /// Position of the `;`.
    pub pos: Pos,
}

#[cfg(test)]
mod tests {
    use super::{FileKind, Table, Variable};
    use crate::asterisk::source::{FileId, Pos};

    #[test]
    fn kind_names_round_trip_and_match_json() {
        let all: Vec<FileKind> = FileKind::KNOWN
            .into_iter()
            .chain([FileKind::Other])
            .collect();
        let names: Vec<&str> = all.iter().map(|k| k.name()).collect();
        let mut listed = FileKind::NAMES.to_vec();
        listed.sort_unstable();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(listed, sorted);
        for kind in all {
            assert_eq!(FileKind::from_name(kind.name()), Some(kind));
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                serde_json::json!(kind.name())
            );
        }
        assert_eq!(
            FileKind::from_name("PJSIP-Wizard"),
            Some(FileKind::PjsipWizard)
        );
        assert_eq!(FileKind::from_name("sipp"), None);
    }

    fn var(line: u32) -> Variable {
        let name = format!("v{line}");
        Variable::new(
            name.as_str().into(),
            "x".into(),
            Pos::new(FileId(0), line, 1),
            3,
            false,
        )
    }

    fn lines(vars: &[Variable]) -> Vec<u32> {
        vars.iter().map(|v| v.pos.line).collect()
    }

    /// Slots run on from the first part into the part read ahead; a run reads within either.
    #[test]
    fn slots_index_both_parts_in_order() {
        let table = Table::new((0..3).map(var).collect(), (3..5).map(var).collect());
        assert_eq!(table.len(), 5);
        assert_eq!(table.part_lens(), (3, 2));
        for slot in 0..5 {
            assert_eq!(table[slot].pos.line, slot as u32);
        }
        assert!(table.get(5).is_none());
        assert_eq!(
            table.iter().map(|v| v.pos.line).collect::<Vec<_>>(),
            [0, 1, 2, 3, 4]
        );
        assert_eq!(lines(table.run(0, 3)), [0, 1, 2]);
        assert_eq!(lines(table.run(1, 2)), [1]);
        assert_eq!(lines(table.run(3, 5)), [3, 4]);
        assert_eq!(lines(table.run(4, 5)), [4]);
        assert!(table.run(3, 3).is_empty() && table.run(5, 5).is_empty());
        let one = Table::from((0..2).map(var).collect::<Vec<_>>());
        assert_eq!((one.len(), one.part_lens()), (2, (2, 0)));
        assert_eq!(lines(one.run(0, 2)), [0, 1]);
    }
}
