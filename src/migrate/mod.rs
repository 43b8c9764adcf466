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

use crate::asterisk::model::Pbx;
use crate::asterisk::syntax::{ConfigFile, FileKind, Severity as DiagSeverity, Variable};
use crate::diag::Error;
use report::{Outcome, ReportEntry, Severity, SourceLine, Summary, Target};

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
    /// The new pjsip.conf.
    pub pjsip_conf: String,
    /// The same with every secret masked (for `--diff`).
    pub pjsip_conf_masked: String,
    /// extensions.conf rewritten, when a dial string or function changed (`None`: unchanged or
    /// absent).
    pub extensions_conf: Option<String>,
    /// Every entry, in source order (sip.conf, then extensions.conf).
    pub report: Vec<ReportEntry>,
    pub summary: Summary,
    /// The secret values written into pjsip.conf (to mask them wherever they might appear).
    secrets: Vec<String>,
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
    pub pbx: &'a Pbx,
    pub sip: &'a ConfigFile,
    pub opts: &'a MigrateOptions,
    pub doc: pjsip::Document,
    pub report: Vec<ReportEntry>,
    pub summary: Summary,
}

impl<'a> Cx<'a> {
    /// An entry about a source line.
    pub fn entry(
        &mut self,
        severity: Severity,
        outcome: Outcome,
        var: Option<&Variable>,
        section: Option<&str>,
        targets: Vec<Target>,
        message: impl Into<String>,
    ) {
        let source =
            var.map(|v| SourceLine::new(self.pbx.config.location(v.pos), &v.name, &v.value));
        self.report.push(ReportEntry {
            severity,
            outcome,
            source,
            section: section.map(str::to_string),
            targets,
            message: message.into(),
            order: report::order_of(var.map(|v| v.pos)),
        });
    }

    /// An entry about a section header.
    pub fn section_entry(
        &mut self,
        severity: Severity,
        outcome: Outcome,
        pos: crate::asterisk::Pos,
        section: &str,
        targets: Vec<Target>,
        message: impl Into<String>,
    ) {
        let location = self.pbx.config.location(pos);
        self.report.push(ReportEntry {
            severity,
            outcome,
            source: Some(SourceLine::new(location, "", "")),
            section: Some(section.to_string()),
            targets,
            message: message.into(),
            order: report::order_of(Some(pos)),
        });
    }
}

/// Migrate the chan_sip configuration of `pbx` (its sip.conf, and its extensions.conf when it
/// has one). Refuses, with the position and chan_sip's reason, a sip.conf that chan_sip itself
/// would not load.
pub fn migrate(pbx: &Pbx, opts: &MigrateOptions) -> Result<Migration, Error> {
    let Some((_, sip)) = pbx.config.file_of_kind(FileKind::Sip) else {
        return Err(Error::invalid(format!(
            "{}: no sip.conf to migrate",
            pbx.config.root.display()
        ))
        .with_hint("give the directory that holds sip.conf, or the sip.conf file itself"));
    };
    refuse_what_chan_sip_refuses(pbx, sip)?;
    let mut cx = Cx {
        pbx,
        sip,
        opts,
        doc: pjsip::Document::default(),
        report: Vec::with_capacity(sip.sections.len() * 8),
        summary: Summary::default(),
    };
    for d in sip.diagnostics.iter().filter(|d| {
        matches!(
            d.severity,
            DiagSeverity::DroppedLine | DiagSeverity::StopsInclude
        )
    }) {
        let location = pbx.config.location(d.pos);
        cx.report.push(ReportEntry {
            severity: Severity::Note,
            outcome: Outcome::Dropped,
            source: Some(SourceLine::new(location, "", "")),
            section: None,
            targets: Vec::new(),
            message: format!("Asterisk drops this too: {}", d.message),
            order: report::order_of(Some(d.pos)),
        });
    }
    let general = general::read(&mut cx)?;
    let peers = peer::convert_all(&mut cx, &general);
    general::finish(&mut cx, &general, &peers);
    let made = cx.doc.factor_templates();
    for (group, name) in made {
        cx.report.push(ReportEntry {
            severity: Severity::Mapped,
            outcome: Outcome::Added,
            source: None,
            section: Some(group.clone()),
            targets: vec![Target::pjsip(&name, "endpoint", "", None)],
            message: format!(
                "the options every endpoint from [{group}] shares are in the template [{name}]"
            ),
            order: report::order_of(None),
        });
    }
    let header = header(pbx, sip);
    let pjsip_conf = cx.doc.render(&header, false);
    let pjsip_conf_masked = cx.doc.render(&header, true);
    let secrets = cx.doc.secret_values();
    let mut report = std::mem::take(&mut cx.report);
    let mut summary = std::mem::take(&mut cx.summary);
    let extensions_conf = match pbx.config.file_of_kind(FileKind::Extensions) {
        Some((_, ext)) => {
            let rewrite = dialplan::rewrite(pbx, ext, &peers.dial_names);
            summary.dialplan_rewrites = rewrite.rewritten;
            report.extend(rewrite.report);
            rewrite.text
        }
        None => None,
    };
    // Source order: what a reader of sip.conf expects (a stable sort keeps an entry's
    // neighbours in the order they were made).
    report.sort_by_key(|e| e.order);
    summary.count(&report);
    Ok(Migration {
        pjsip_conf,
        pjsip_conf_masked,
        extensions_conf,
        report,
        summary,
        secrets,
    })
}

/// chan_sip loads nothing from a sip.conf that Asterisk's reader refuses as a whole ("Contents
/// of sip.conf are invalid and cannot be parsed", chan_sip declines to load): such a file is
/// refused here too, with the first reason.
fn refuse_what_chan_sip_refuses(pbx: &Pbx, sip: &ConfigFile) -> Result<(), Error> {
    if let Some(d) = sip
        .diagnostics
        .iter()
        .find(|d| d.severity == DiagSeverity::Fatal)
    {
        return Err(Error::at(
            pbx.config.location(d.pos),
            format!(
                "chan_sip would not load this sip.conf (Asterisk: \"Contents of sip.conf are invalid and cannot be parsed\"): {}",
                d.message
            ),
        )
        .with_hint(
            "fix sip.conf first: nothing chan_sip does not load can be migrated",
        ));
    }
    Ok(())
}

/// The comment at the top of pjsip.conf.
fn header(pbx: &Pbx, sip: &ConfigFile) -> Vec<String> {
    vec![
        format!(
            "pjsip.conf written by pbxgen {} migrate from {} (chan_sip → res_pjsip).",
            env!("CARGO_PKG_VERSION"),
            pbx.config.sources.display(sip.file)
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
