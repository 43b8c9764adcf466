//! `pbxgen audit [PATH…] [--profile P] [--format F] [--fail-on S] [--min-severity S]
//! [--asterisk-version N] [--dump-model json]`.
//!
//! Each directory is one PBX (an /etc/asterisk-like tree); the files given on the command line
//! together form one more. Exit codes: 0 nothing at or above `--fail-on`, 1 something is, 2 the
//! input cannot be read (with its position).

use super::args::{AuditArgs, DumpFormat, OutputFormat};
use super::exit;
use super::term::Term;
use pbxgen::Error;
use pbxgen::asterisk::{self, FileKind, Pbx};
use pbxgen::audit::output::{self, Report, root_prefix};
use pbxgen::audit::{self, AuditOptions, LoadOptions};
use pbxgen::twilio::TwilioRanges;
use pbxgen::untrusted::for_terminal;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;

pub fn run(args: &AuditArgs, term: &Term) -> Result<u8, Error> {
    let given = args
        .twilio_preset
        .as_deref()
        .map(TwilioRanges::load)
        .transpose()?;
    let twilio = given.clone().unwrap_or_else(TwilioRanges::embedded);
    let opts = AuditOptions {
        twilio: &twilio,
        asterisk_version: args.asterisk_version,
        min_severity: args.min_severity.and_then(|t| t.severity()),
    };
    let mut reports = Vec::new();
    if let Some(profile) = &args.profile {
        let started = Instant::now();
        let load = pbxgen::profile::LoadOptions {
            twilio_ranges: given,
        };
        reports.push(audit::audit_profile(profile, &opts, &load)?);
        verbose(
            term,
            format!(
                "rendered and audited profile {} in memory ({} finding(s))",
                profile.display(),
                reports[0].findings.len()
            ),
            started,
        );
    }
    let paths: Vec<PathBuf> = if args.paths.is_empty() && args.profile.is_none() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (dirs, files): (Vec<&PathBuf>, Vec<&PathBuf>) = paths.iter().partition(|p| p.is_dir());
    let load = LoadOptions {
        asterisk_version: args.asterisk_version,
        allow_outside: args.allow_outside.clone(),
    };
    let kinds = file_kinds(&args.kind, &files)?;
    let mut pbxs: Vec<(Pbx, String)> = Vec::new();
    for dir in dirs {
        let started = Instant::now();
        let pbx = audit::load_dir(dir, &load)?;
        describe_read(term, &dir.display().to_string(), &pbx, started);
        if term.verbose > 0 {
            for name in asterisk::unread_in_dir(dir, &pbx.config) {
                eprintln!(
                    "pbxgen:   {}  not read (neither a file name pbxgen audits nor included)",
                    for_terminal(&name)
                );
            }
        }
        pbxs.push((pbx, root_prefix(dir)));
    }
    if !files.is_empty() {
        let started = Instant::now();
        let base = files[0].parent().map(root_prefix).unwrap_or_default();
        let pbx = audit::load_files(&kinds, &load)?;
        describe_read(term, "the files given", &pbx, started);
        pbxs.push((pbx, base));
    }
    if let Some(DumpFormat::Json) = args.dump_model {
        for (pbx, _) in &pbxs {
            let json =
                serde_json::to_string_pretty(pbx).map_err(|e| Error::invalid(e.to_string()))?;
            println!("{json}");
        }
        return Ok(exit::OK);
    }
    for (pbx, prefix) in &pbxs {
        let started = Instant::now();
        let mut report = audit::audit(pbx, &opts);
        verbose(
            term,
            format!(
                "ran {} rules over {} ({} finding(s), {} suppressed, {} below --min-severity)",
                pbxgen::audit::registry::all().len(),
                pbx.config.root.display(),
                report.findings.len(),
                report.suppressed,
                report.hidden
            ),
            started,
        );
        report.root_prefix = prefix.clone();
        reports.push(report);
    }
    let report = Report::merge(reports);
    // Every format is written as it is made: a large audit's report runs to tens of megabytes.
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        OutputFormat::Text => output::text::write(&report, term.color, &mut stdout),
        OutputFormat::Json => output::json::write(&report, &mut stdout),
        OutputFormat::Sarif => output::sarif::write(&report, &mut stdout),
        OutputFormat::Github => output::github::write(&report, &mut stdout),
    }
    .and_then(|()| stdout.flush())
    .map_err(|e| Error::invalid(format!("cannot write the report: {e}")))?;
    let code = exit::findings_if(report.fails(args.fail_on));
    // The process ends here: freeing a model of millions of variables one allocation at a time
    // would take longer than a sixth of the whole audit, for memory the OS reclaims at once.
    std::mem::forget(pbxs);
    Ok(code)
}

/// `-v`: one line per step on stderr, with its duration.
fn verbose(term: &Term, what: String, since: Instant) {
    if term.verbose > 0 {
        eprintln!(
            "pbxgen: {} ({} ms)",
            for_terminal(&what),
            since.elapsed().as_millis()
        );
    }
}

/// `-v`: what was read for one PBX — each top-level file with the kind it was read as (the
/// name `--kind` uses), and the files its includes pulled in.
fn describe_read(term: &Term, what: &str, pbx: &Pbx, since: Instant) {
    if term.verbose == 0 {
        return;
    }
    let config = &pbx.config;
    verbose(
        term,
        format!(
            "read {what}: {} top-level file(s), {} file(s) in all",
            config.files.len(),
            config.sources.files().len()
        ),
        since,
    );
    for file in &config.files {
        let path = &config.sources.file(file.file).path;
        // Relative to the directory read (or the first file's), else as given.
        let shown = path
            .strip_prefix(&config.root)
            .ok()
            .filter(|rel| !rel.as_os_str().is_empty())
            .unwrap_or(path);
        eprintln!(
            "pbxgen:   {}  read as {}, {} section(s), {} diagnostic(s)",
            for_terminal(&shown.to_string_lossy()),
            file.kind.name(),
            file.sections.len(),
            file.diagnostics.len()
        );
    }
}

/// The kind of each file given: `--kind KIND` for all, `--kind FILE=KIND` for one, else `None`
/// (the name decides, and a name that says nothing is refused by the library).
fn file_kinds(
    settings: &[String],
    files: &[&PathBuf],
) -> Result<Vec<(PathBuf, Option<FileKind>)>, Error> {
    let parse = |name: &str| {
        FileKind::from_name(name).ok_or_else(|| {
            Error::invalid(format!(
                "--kind: unknown kind `{name}`, expected one of {}",
                FileKind::NAMES.join(", ")
            ))
        })
    };
    if !settings.is_empty() && files.is_empty() {
        return Err(Error::invalid(
            "--kind applies to files given on the command line; a directory's files are known by \
             their Asterisk names",
        ));
    }
    let mut all: Option<FileKind> = None;
    let mut one: Vec<(PathBuf, FileKind)> = Vec::new();
    for setting in settings {
        match setting.rsplit_once('=') {
            Some((file, kind)) => {
                let file = PathBuf::from(file);
                if !files.iter().any(|f| **f == file) {
                    return Err(Error::invalid(format!(
                        "--kind {}: {} is not one of the files given",
                        setting,
                        file.display()
                    )));
                }
                one.push((file, parse(kind)?));
            }
            None => all = Some(parse(setting)?),
        }
    }
    Ok(files
        .iter()
        .map(|f| {
            let kind = one.iter().find(|(p, _)| p == *f).map(|(_, k)| *k).or(all);
            ((*f).clone(), kind)
        })
        .collect())
}
