//! chan_sip → pjsip migration: sip.conf as chan_sip really loads it (read by the faithful reader
//! in [`crate::asterisk`], never re-parsed) becomes a pjsip.conf that keeps what the site does,
//! and extensions.conf's chan_sip dial strings and functions become their PJSIP equivalents.
//!
//! - [`table`]: THE OPTION TABLE, chan_sip option → handler, one row per option;
//! - [`report`]: the report (every option of every loaded section: where it went, or why not);
//! - `general`: `[general]` — transports, global settings, registrations, guests, peer defaults;
//! - `peer`: one peer/user/friend → endpoint, auth, aor, identify;
//! - [`acl`]: ACL lines read as `main/acl.c` reads them, and "does this ACL let anyone in?";
//! - [`dialplan`]: extensions.conf rewriting;
//! - `pjsip`: the output document, its templates and its text;
//! - `values`: numbers, addresses, URIs and codec lists the way the two drivers read them.
//!
//! The library knows nothing of the command line: [`migrate`] returns a [`Migration`] (or an
//! [`Error`] for input chan_sip itself would refuse); writing goes through
//! [`crate::render::write`] like `render`'s output.

pub mod acl;
pub mod dialplan;
mod general;
mod peer;
mod pjsip;
pub mod report;
pub mod table;
mod values;

use crate::asterisk::Config;
use crate::asterisk::fast_hash::FastMap;
use crate::asterisk::model::Pbx;
use crate::asterisk::model::acl::{self as acl_model, NamedAcl};
use crate::asterisk::syntax::{
    ConfigFile, DiagnosticCode, FileKind, Severity as DiagSeverity, Variable,
};
use crate::asterisk::{FileId, Pos, Text};
use crate::diag::Error;
use report::{Outcome, ReportEntry, Severity, SourceLine, Summary, Target};
use std::borrow::Cow;

/// How to migrate.
#[derive(Clone, Debug, Default)]
pub struct MigrateOptions {
    /// Keep chan_sip's guest calls (`allowguest=yes`) as a pjsip `anonymous` endpoint. Off by
    /// default: pjsip then refuses calls from unknown parties, and the report says what they
    /// reached before.
    pub keep_guest: bool,
}

/// The result: the files and the report.
pub struct Migration {
    /// The new pjsip.conf (its secrets sit at `password=`/`md5_cred=`: `redact::file` masks
    /// them for `--diff`).
    pub pjsip_conf: String,
    /// extensions.conf rewritten, when a dial string or function changed (`None`: unchanged or
    /// absent).
    pub extensions_conf: Option<String>,
    /// Every entry, in source order (sip.conf, then extensions.conf).
    pub report: Vec<ReportEntry>,
    pub summary: Summary,
    /// The secret values written into pjsip.conf (to mask them wherever they might appear).
    secrets: Vec<String>,
    /// The document the files were written from (kept: freeing it is the caller's choice, and a
    /// command line ending anyway may skip it).
    _document: pjsip::Document,
}

impl Migration {
    /// Whether something needs a human (exit status 1).
    pub fn needs_human(&self) -> bool {
        self.report.iter().any(|e| e.severity >= Severity::Action)
    }

    /// Whether the output must not be written (an entry of severity `error`).
    pub fn is_refused(&self) -> bool {
        self.report.iter().any(|e| e.severity == Severity::Error)
    }

    /// The secret values pjsip.conf holds.
    pub fn secret_values(&self) -> &[String] {
        &self.secrets
    }
}

impl std::fmt::Debug for Migration {
    // The files hold secrets: never in Debug output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Migration")
            .field("pjsip_conf_bytes", &self.pjsip_conf.len())
            .field(
                "extensions_conf",
                &self.extensions_conf.as_ref().map(String::len),
            )
            .field("entries", &self.report.len())
            .field("summary", &self.summary)
            .finish()
    }
}

/// What the migration works on while it runs.
pub(crate) struct Cx<'a> {
    pub config: &'a Config,
    /// acl.conf's named ACLs.
    named_acls: Vec<NamedAcl>,
    pub sip: &'a ConfigFile,
    pub opts: &'a MigrateOptions,
    pub doc: pjsip::Document,
    pub report: Vec<ReportEntry>,
    pub summary: Summary,
    /// Display names of the source files, made once.
    files: FastMap<FileId, Text>,
    /// Template lines several sections inherit, which went the same way for each of them: line
    /// → the entries that list them (one per distinct way the line went; nearly always one, so
    /// comparing with it is cheaper than hashing what happened).
    shared: FastMap<Pos, Vec<usize>>,
    /// Those entries and the template their line comes from.
    shared_entries: Vec<(usize, Text)>,
    /// The section of the last entry (consecutive entries share it: one allocation).
    last_section: Text,
    /// The sections of sip.conf by name, lower-cased (made on the first inherited-line lookup).
    sections_by_name: Option<FastMap<String, Vec<u32>>>,
    /// The lines the sections named `.0` inherited, each with the base it came from (the
    /// sections of one peer are looked up together, consecutively).
    inherited_lines: Option<(String, Vec<(Pos, Text)>)>,
    /// ACL values parsed so far (a template's reach every peer inheriting it).
    acl_values: acl::Parsed<'a>,
    /// From how many peers they are converted on two threads.
    two_threads_from: usize,
}

impl<'a> Cx<'a> {
    /// A context with nothing converted yet: an empty report reserved for `report` entries.
    fn new(
        config: &'a Config,
        named_acls: Vec<NamedAcl>,
        sip: &'a ConfigFile,
        opts: &'a MigrateOptions,
        doc: pjsip::Document,
        report: usize,
        two_threads_from: usize,
    ) -> Cx<'a> {
        Cx {
            config,
            named_acls,
            sip,
            opts,
            doc,
            report: Vec::with_capacity(report),
            summary: Summary::default(),
            files: FastMap::default(),
            shared: FastMap::default(),
            shared_entries: Vec::new(),
            last_section: Text::default(),
            sections_by_name: None,
            inherited_lines: None,
            acl_values: acl::Parsed::default(),
            two_threads_from,
        }
    }

    /// `section` as a shared text (the previous entry's when it is the same section).
    fn section_text(&mut self, section: &str) -> Text {
        if self.last_section.as_str() != section {
            self.last_section = Text::from(section);
        }
        self.last_section.clone()
    }

    /// The base `v` came from when the section(s) called `section` inherited it rather than
    /// wrote it (the file's table holds a template's line once for every section inheriting it,
    /// so the origin belongs to the section's reference to the line, not to the line).
    fn inherited_base(&mut self, section: &str, v: &Variable) -> Option<Text> {
        if !self
            .inherited_lines
            .as_ref()
            .is_some_and(|(name, _)| name.eq_ignore_ascii_case(section))
        {
            let sip = self.sip;
            let index = self.sections_by_name.get_or_insert_with(|| {
                let mut index: FastMap<String, Vec<u32>> = FastMap::default();
                for (i, s) in sip.sections.iter().enumerate() {
                    index
                        .entry(s.name.to_ascii_lowercase())
                        .or_default()
                        .push(i as u32);
                }
                index
            });
            let mut lines = Vec::new();
            for &i in index
                .get(&section.to_ascii_lowercase())
                .map_or(&[][..], Vec::as_slice)
            {
                lines.extend(
                    sip.sections[i as usize]
                        .variables
                        .entries()
                        .filter_map(|e| {
                            e.inherited_from.map(|base| (e.variable.pos, base.clone()))
                        }),
                );
            }
            self.inherited_lines = Some((section.to_string(), lines));
        }
        let (_, lines) = self.inherited_lines.as_ref()?;
        lines
            .iter()
            .find(|(pos, _)| *pos == v.pos)
            .map(|(_, base)| base.clone())
    }

    /// A context for converting `peers` more peers on another thread: the same input, an empty
    /// report and document, the names and credentials made so far (see [`Cx::join`]).
    fn fork(&self, peers: usize) -> Cx<'a> {
        let mut doc = self.doc.fork();
        doc.reserve(peers * 3, peers);
        let report = self.report.capacity().saturating_sub(self.report.len()) / 2;
        Cx::new(
            self.config,
            self.named_acls.clone(),
            self.sip,
            self.opts,
            doc,
            report,
            self.two_threads_from,
        )
    }

    /// Append what a [`Cx::fork`] made after what this context made since the fork, as if
    /// it had been made here next: objects and entries in order, the entries of template
    /// lines that went the same way in both joined into one. Returns false, joining nothing,
    /// when both made an object of the same type and name or an auth for the same
    /// credentials (made one after the other, the later would have been named or shared
    /// differently).
    fn join(&mut self, other: Cx<'a>) -> bool {
        if !self.doc.can_join(&other.doc) {
            return false;
        }
        self.doc.join(other.doc);
        let s = &mut self.summary;
        s.peers_loaded += other.summary.peers_loaded;
        s.endpoints += other.summary.endpoints;
        s.sections_skipped += other.summary.sections_skipped;
        s.registrations += other.summary.registrations;
        let mut shared = other.shared_entries.into_iter().peekable();
        for (i, e) in other.report.into_iter().enumerate() {
            let base = match shared.peek() {
                Some((j, _)) if *j == i => shared.next().map(|(_, base)| base),
                _ => None,
            };
            let Some(base) = base else {
                self.report.push(e);
                continue;
            };
            let (file, line, column) = e.order;
            let at = Pos::new(FileId(file), line, column);
            let same = self.went_the_same_way(
                at,
                e.severity,
                e.outcome,
                &e.message,
                &e.targets,
                &e.applies_to[0],
            );
            match same {
                Some(k) => self.report[k].applies_to.extend(e.applies_to),
                None => {
                    let k = self.report.len();
                    self.shared.entry(at).or_default().push(k);
                    self.shared_entries.push((k, base));
                    self.report.push(e);
                }
            }
        }
        true
    }

    /// The entry made earlier for the template line at `at` that went the same way (severity,
    /// outcome, message and targets, the inheriting section's own name aside), if any.
    fn went_the_same_way(
        &self,
        at: Pos,
        severity: Severity,
        outcome: Outcome,
        message: &str,
        targets: &[Target],
        section: &str,
    ) -> Option<usize> {
        self.shared.get(&at)?.iter().copied().find(|&i| {
            let e = &self.report[i];
            e.severity == severity
                && e.outcome == outcome
                && e.message == message
                && same_targets(&e.targets, &e.applies_to[0], targets, section)
        })
    }

    /// An acl.conf ACL by name, as chan_sip finds it (case-insensitively).
    pub fn named_acl(&self, name: &str) -> Option<&NamedAcl> {
        self.named_acls
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
    }

    fn file_name(&mut self, id: FileId) -> Text {
        let sources = &self.config.sources;
        self.files
            .entry(id)
            .or_insert_with(|| Text::from(sources.display(id)))
            .clone()
    }

    /// An entry about a source line. A line a section inherited from a template, which goes the
    /// same way for every section (the same targets, each section's own object, the same
    /// message), is one entry listing the sections (`applies_to`).
    pub fn entry(
        &mut self,
        severity: Severity,
        outcome: Outcome,
        var: Option<&Variable>,
        section: Option<&str>,
        targets: Vec<Target>,
        message: impl Into<Cow<'static, str>>,
    ) {
        let message = message.into();
        if let (Some(v), Some(section)) = (var, section) {
            if let Some(base) = self.inherited_base(section, v) {
                self.inherited_entry(severity, outcome, v, section, &base, targets, message);
                return;
            }
        }
        self.push(severity, outcome, var, section, targets, message);
    }

    /// [`Cx::entry`] about a line `section` inherited from the template `base`, when the
    /// caller knows it (a peer's lines come with their origin: no lookup by position).
    #[allow(clippy::too_many_arguments)]
    pub fn inherited_entry(
        &mut self,
        severity: Severity,
        outcome: Outcome,
        v: &Variable,
        section: &str,
        base: &Text,
        targets: Vec<Target>,
        message: Cow<'static, str>,
    ) {
        let same = self.went_the_same_way(v.pos, severity, outcome, &message, &targets, section);
        if let Some(i) = same {
            let section = self.section_text(section);
            self.report[i].applies_to.push(section);
            return;
        }
        self.shared
            .entry(v.pos)
            .or_default()
            .push(self.report.len());
        self.shared_entries.push((self.report.len(), base.clone()));
        self.push(severity, outcome, Some(v), Some(section), targets, message);
        let last = self.report.len() - 1;
        let section = self.section_text(section);
        self.report[last].applies_to.push(section);
    }

    fn push(
        &mut self,
        severity: Severity,
        outcome: Outcome,
        var: Option<&Variable>,
        section: Option<&str>,
        targets: Vec<Target>,
        message: Cow<'static, str>,
    ) {
        let source = var.map(|v| {
            let file = self.file_name(v.pos.file);
            SourceLine::of(file, v.pos.line, v.pos.column, &v.name, &v.value)
        });
        let section = section.map(|s| self.section_text(s));
        self.report.push(ReportEntry {
            severity,
            outcome,
            source,
            section,
            applies_to: Vec::new(),
            targets,
            message,
            order: report::order_of(var.map(|v| v.pos)),
        });
    }

    /// Entries of shared template lines: one section → a plain entry; several → the
    /// template, each section's own object written `*`.
    fn finish_shared(&mut self) {
        for (i, base) in std::mem::take(&mut self.shared_entries) {
            let e = &mut self.report[i];
            if e.applies_to.len() < 2 {
                e.applies_to.clear();
                continue;
            }
            let first = e.applies_to[0].clone();
            for t in &mut e.targets {
                if t.object == first {
                    t.object = Text::from("*");
                }
            }
            e.section = Some(base);
        }
        self.shared.clear();
    }

    /// An entry about a section header.
    pub fn section_entry(
        &mut self,
        severity: Severity,
        outcome: Outcome,
        pos: crate::asterisk::Pos,
        section: &str,
        targets: Vec<Target>,
        message: impl Into<Cow<'static, str>>,
    ) {
        let file = self.file_name(pos.file);
        self.report.push(ReportEntry {
            severity,
            outcome,
            source: Some(SourceLine::of(
                file,
                pos.line,
                pos.column,
                &Text::default(),
                &Text::default(),
            )),
            section: Some(Text::from(section)),
            applies_to: Vec::new(),
            targets,
            message: message.into(),
            order: report::order_of(Some(pos)),
        });
    }
}

/// Whether two sections' targets are the same, each one's own object aside.
fn same_targets(a: &[Target], a_section: &str, b: &[Target], b_section: &str) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            let own = x.object.as_str() == a_section && y.object.as_str() == b_section;
            (own || x.object == y.object)
                && x.file == y.file
                && x.kind == y.kind
                && x.option == y.option
                && x.value == y.value
        })
}

/// Migrate the chan_sip configuration of `pbx` (its sip.conf, and its extensions.conf when it
/// has one). Refuses, with the position and chan_sip's reason, a sip.conf that chan_sip itself
/// would not load.
pub fn migrate(pbx: &Pbx, opts: &MigrateOptions) -> Result<Migration, Error> {
    migrate_config(&pbx.config, opts)
}

/// [`migrate`] from the configuration as read: the migration reads sip.conf, extensions.conf,
/// acl.conf and asterisk.conf itself and needs none of the model's interpretation (building
/// the chan_sip model of 10,000 peers was a tenth of `pbxgen migrate`).
pub fn migrate_config(config: &Config, opts: &MigrateOptions) -> Result<Migration, Error> {
    migrate_config_with(config, opts, peer::TWO_THREADS_FROM)
}

/// [`migrate_config`], converting the peers on two threads from `two_threads_from` peers.
fn migrate_config_with(
    config: &Config,
    opts: &MigrateOptions,
    two_threads_from: usize,
) -> Result<Migration, Error> {
    let Some((_, sip)) = config.file_of_kind(FileKind::Sip) else {
        return Err(
            Error::invalid(format!("{}: no sip.conf to migrate", config.root.display()))
                .with_hint("give the directory that holds sip.conf, or the sip.conf file itself"),
        );
    };
    refuse_what_chan_sip_refuses(config, sip)?;
    let named_acls = config
        .file_of_kind(FileKind::Acl)
        .map(|(i, f)| acl_model::build_named(i, f))
        .unwrap_or_default();
    let mut cx = Cx::new(
        config,
        named_acls,
        sip,
        opts,
        pjsip::Document::default(),
        expected_entries(sip),
        two_threads_from,
    );
    for d in sip.diagnostics.iter().filter(|d| {
        matches!(
            d.severity,
            DiagSeverity::DroppedLine | DiagSeverity::StopsInclude
        )
    }) {
        let location = config.location(d.pos);
        cx.report.push(ReportEntry {
            severity: Severity::Note,
            outcome: Outcome::Dropped,
            source: Some(SourceLine::new(location, "", "")),
            section: None,
            applies_to: Vec::new(),
            targets: Vec::new(),
            message: Cow::Owned(format!("Asterisk drops this too: {}", d.message)),
            order: report::order_of(Some(d.pos)),
        });
    }
    // A site that already has pjsip accounts: the migration writes a whole new pjsip.conf.
    if let Some((_, existing)) = config.file_of_kind(FileKind::Pjsip) {
        let objects = existing.live_sections().count();
        if objects > 0 {
            let pos = existing
                .live_sections()
                .next()
                .map(|s| s.pos)
                .expect("a section");
            cx.section_entry(
                Severity::Action,
                Outcome::Dropped,
                pos,
                "pjsip.conf",
                Vec::new(),
                format!(
                    "this directory already has a pjsip.conf ({objects} sections): the migrated pjsip.conf replaces it where it is written — merge the two by hand (watch for two transports on one port)"
                ),
            );
        }
    }
    let general = general::read(&mut cx)?;
    let peers = peer::convert_all(&mut cx, &general);
    general::finish(&mut cx, &general, &peers);
    cx.finish_shared();
    let made = cx.doc.factor_templates();
    for (group, name) in made {
        cx.report.push(ReportEntry {
            severity: Severity::Mapped,
            outcome: Outcome::Added,
            source: None,
            section: Some(Text::from(group.as_str())),
            applies_to: Vec::new(),
            targets: vec![Target::pjsip(name.as_str(), "endpoint", "", None)],
            message: Cow::Owned(format!(
                "the options every endpoint from [{group}] shares are in the template [{name}]"
            )),
            order: report::order_of(None),
        });
    }
    let header = header(config, sip);
    let pjsip_conf = cx.doc.render(&header, false);
    let secrets = cx.doc.secret_values();
    let mut report = std::mem::take(&mut cx.report);
    let mut summary = std::mem::take(&mut cx.summary);
    let extensions_conf = match config.file_of_kind(FileKind::Extensions) {
        Some((_, ext)) => {
            let rewrite = dialplan::rewrite(config, ext, &peers.dial_names);
            summary.dialplan_rewrites = rewrite.rewritten;
            report.extend(rewrite.report);
            rewrite.text
        }
        None => None,
    };
    // Source order: what a reader of sip.conf expects (a stable sort keeps an entry's
    // neighbours in the order they were made).
    crate::stable_sort::sort_by_in_place(&mut report, |a, b| a.order.cmp(&b.order));
    summary.count(&report);
    Ok(Migration {
        pjsip_conf,
        extensions_conf,
        report,
        summary,
        secrets,
        _document: std::mem::take(&mut cx.doc),
    })
}

/// About how many entries the report of `sip` will hold: one per line a section wrote itself,
/// one per template line (shared by the sections inheriting it), a few more for defaults and
/// the dialplan. Reserved at once: the report of a large site is megabytes, and a vector grown
/// by doubling leaves its earlier buffers resident (fresh memory is slow to touch here).
fn expected_entries(sip: &ConfigFile) -> usize {
    let lines: usize = sip
        .sections
        .iter()
        .map(|s| {
            if s.is_template {
                s.variables.len()
            } else {
                s.variables
                    .entries()
                    .filter(|e| e.inherited_from.is_none())
                    .count()
            }
        })
        .sum();
    let n = lines + sip.diagnostics.len();
    n + n / 64 + 64
}

/// chan_sip loads nothing from a sip.conf that Asterisk's reader refuses as a whole ("Contents
/// of sip.conf are invalid and cannot be parsed", chan_sip declines to load): such a file is
/// refused here too, with the first reason.
fn refuse_what_chan_sip_refuses(config: &Config, sip: &ConfigFile) -> Result<(), Error> {
    let first = |test: fn(&crate::asterisk::syntax::Diagnostic) -> bool| {
        sip.diagnostics.iter().find(|d| test(d))
    };
    let refusal = first(|d| d.severity == DiagSeverity::Fatal)
        .map(|d| {
            (
                d,
                "chan_sip would not load this sip.conf (Asterisk: \"Contents of sip.conf are invalid and cannot be parsed\")",
                "fix sip.conf first: nothing chan_sip does not load can be migrated",
            )
        })
        // An `#include` leading out of the directory was not read (asterisk::source::Tree): the
        // peers it holds would silently vanish from the migration, so nothing is migrated.
        .or_else(|| {
            first(|d| d.code == DiagnosticCode::IncludeOutsideTree).map(|d| {
                (
                    d,
                    "cannot migrate a sip.conf whose #include leads outside its directory",
                    "copy the included file into the directory and point the #include at it, or give `--allow-outside DIR` for a directory you trust",
                )
            })
        });
    match refusal {
        Some((d, what, hint)) => {
            Err(Error::at(config.location(d.pos), format!("{what}: {}", d.message)).with_hint(hint))
        }
        None => Ok(()),
    }
}

/// The comment at the top of pjsip.conf.
fn header(config: &Config, sip: &ConfigFile) -> Vec<String> {
    vec![
        format!(
            "pjsip.conf written by pbxgen {} migrate from {} (chan_sip → res_pjsip).",
            env!("CARGO_PKG_VERSION"),
            config.sources.display(sip.file)
        ),
        "Every option of every section chan_sip loaded is accounted for in the migration report."
            .to_string(),
        "Valid for Asterisk 20 and 22.".to_string(),
    ]
}

/// The peers as the dialplan rewrite needs them: the names `SIP/name` can dial.
#[derive(Debug, Default)]
pub(crate) struct Peers {
    /// Names chan_sip can dial (peers and friends) that became endpoints.
    pub dial_names: std::collections::HashSet<String>,
    /// Endpoint name of each loaded peer (by chan_sip name).
    pub endpoints: Vec<peer::Converted>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    /// A sip.conf of `n` peers from two templates, with `extra` appended.
    fn site(n: usize, extra: &str) -> Config {
        let mut sip = String::from(
            "[general]\ncontext=guest\nallowguest=no\n\n\
             [phone](!)\ntype=friend\nhost=dynamic\ncontext=internal\ndisallow=all\nallow=ulaw\n\
             allow=alaw\ndeny=0.0.0.0/0.0.0.0\npermit=10.0.0.0/255.0.0.0\n\n\
             [video](!)\ntype=friend\nhost=dynamic\nallow=h264\nvideosupport=yes\nqualify=yes\n\n",
        );
        for i in 0..n {
            let template = if i % 7 == 3 { "video" } else { "phone" };
            let _ = write!(
                sip,
                "[u{i}]({template})\nsecret=s{i}x\ncallerid=\"User {i}\" <{i}>\nmailbox={i}\n\n"
            );
            if i % 11 == 5 {
                // A peer without a secret: its template lines go another way.
                let _ = write!(sip, "[nosecret{i}](phone)\n\n");
            }
        }
        sip.push_str(extra);
        crate::asterisk::load_texts(
            "site",
            vec![
                ("sip.conf".to_string(), sip.into_bytes()),
                (
                    "extensions.conf".to_string(),
                    b"[internal]\nexten => _X.,1,Dial(SIP/${EXTEN})\n".to_vec(),
                ),
            ],
        )
    }

    fn assert_same_on_two_threads(config: &Config) {
        let opts = MigrateOptions::default();
        let one = migrate_config_with(config, &opts, usize::MAX).expect("migrates");
        let two = migrate_config_with(config, &opts, 2).expect("migrates");
        assert_eq!(one.pjsip_conf, two.pjsip_conf);
        assert_eq!(one.extensions_conf, two.extensions_conf);
        assert_eq!(one.summary, two.summary);
        assert_eq!(one.report.len(), two.report.len());
        for (a, b) in one.report.iter().zip(&two.report) {
            assert_eq!(a, b);
        }
        assert_eq!(one.secrets, two.secrets);
    }

    #[test]
    fn two_threads_make_what_one_makes() {
        // The halves share template lines (one entry per way a line went, listing the peers of
        // both halves) and make no common name: joined.
        let config = site(300, "");
        assert_same_on_two_threads(&config);
        let m = migrate_config_with(&config, &MigrateOptions::default(), 2).expect("migrates");
        assert!(m.report.iter().any(|e| e.applies_to.len() > 150));
    }

    #[test]
    fn two_threads_make_what_one_makes_when_the_halves_meet() {
        // Names the second half also makes (another letter case, an outbound auth's name) and
        // credentials both halves use: the second half is converted again after the first.
        let extra = "[U1](phone)\nsecret=other\n\n\
                     [u2-out](phone)\nsecret=x\n\n\
                     [t1]\ntype=peer\nhost=192.0.2.1\ndefaultuser=shared\nsecret=same\n\n\
                     [t2]\ntype=peer\nhost=192.0.2.2\ndefaultuser=shared\nsecret=same\n\n";
        let mut head = String::from(
            "[t0]\ntype=peer\nhost=192.0.2.3\ndefaultuser=shared\nsecret=same\n\n\
             [u2x]\ntype=peer\nhost=192.0.2.4\ndefaultuser=u2\nsecret=y\n\n",
        );
        head.push_str(extra);
        for config in [site(40, extra), site(40, &head)] {
            assert_same_on_two_threads(&config);
        }
    }
}
