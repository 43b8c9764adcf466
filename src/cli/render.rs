//! `pbxgen render`: profile → plan → files, vetted as a whole, then written atomically or
//! compared with the disk. When it writes, the comparison and the temporary files
//! ([`write::prepare`]) run while the rendered files are audited; they replace the old files
//! only once the audit has passed.
//!
//! Exit codes: 0 written / up to date; 1 refused because the self-audit found something at or
//! above `--fail-on` (or, with `--verify`, Asterisk reported errors), or (with `--check`) drift;
//! 2 invalid input (a profile, secret or render problem) or an Asterisk that cannot run. Exit 1
//! always ends with a line on stderr saying which it is (`error: refusing to write: …` or
//! `drift: …`), and `--format json` says it as `"outcome"`.

use super::args::{RenderArgs, RenderFormat};
use super::exit;
use super::term::Term;
use pbxgen::audit::engine::FailOn;
use pbxgen::audit::output::{self, Report};
use pbxgen::audit::{self, SecretCheck, VetOptions};
use pbxgen::diag::{Error, ErrorKind};
use pbxgen::fsutil::Ownership;
use pbxgen::render::RenderedFile;
use pbxgen::render::write::{self, Change, Planned};
use pbxgen::render::{self, RenderOptions, SecretMode, SecretValues};
use pbxgen::twilio::TwilioRanges;
use pbxgen::untrusted::for_terminal;
use pbxgen::{plan, profile};
use std::path::Path;
use std::time::{Duration, Instant};

/// How long a render lets memory it freed stay before giving it back to the system: long
/// enough for the next phase to reuse it (see [`crate::purge_freed_memory_after`]).
const RENDER_PURGE_DELAY_MS: i64 = 5;

pub fn run(args: &RenderArgs, term: &Term) -> Result<u8, Error> {
    let out = args.out.as_deref().ok_or_else(|| {
        Error::invalid(
            "`pbxgen render` needs `--out DIR`: where to write the files (or what to compare with)",
        )
        .with_hint("e.g. `pbxgen render site.yaml --out /etc/asterisk --diff`")
    })?;
    let json = args.format == RenderFormat::Json;
    crate::purge_freed_memory_after(RENDER_PURGE_DELAY_MS);
    let started = Instant::now();
    let load = profile::LoadOptions {
        twilio_ranges: args
            .twilio_preset
            .as_deref()
            .map(TwilioRanges::load)
            .transpose()?,
    };
    let (profile, text) = profile::load_with_text(&args.profile, &load)?;
    verbose(
        term,
        format!(
            "read profile {} ({} bytes, site `{}`, Asterisk {}, {} extension(s), {} trunk(s))",
            shown(&args.profile),
            text.len(),
            profile.site.name,
            *profile.site.asterisk,
            profile.extensions.len(),
            profile.trunk_names().len()
        ),
        started.elapsed(),
    );
    let writes = !(args.diff || args.check || args.dry_run);
    // While the rendered files are audited, a render that will write them (and boots no
    // Asterisk first) compares them with the disk and writes them beside their targets; they
    // replace nothing until the audit passes, and are removed if it refuses them.
    let staged_early = std::sync::OnceLock::new();
    let stage_early = |files: &[RenderedFile]| {
        // A bad `--only` is reported below, by the same call.
        if let Ok(files) = render::keep_only(files.to_vec(), &args.only) {
            let _ = staged_early.set(stage(&files, out, args, true));
        }
    };
    // The command's last large values (the report holds a finding per account of a provider's
    // site, hundreds of thousands of allocations) are left to the exit, not freed one by one.
    let mut vetted = std::mem::ManuallyDrop::new(audit::vet_site_with(
        profile,
        &text,
        &VetOptions {
            secrets: SecretCheck::Resolve,
            templates_dir: args.templates.clone(),
            asterisk_version: None,
            audit_rendered: args.fail_on != FailOn::None,
            // Only `--diff` renders the plan again.
            keep_plan: args.diff,
        },
        (writes && !args.verify).then_some(&stage_early as audit::WhileAuditing<'_>),
    ));
    // Dropped unwritten on every early return below (a refusal): the disk is as it was.
    let staged_early = staged_early.into_inner();
    for step in &vetted.steps {
        if term.verbose > 0 {
            eprintln!(
                "pbxgen: {} ({} ms)",
                for_terminal(&step.what),
                step.took.as_millis()
            );
        }
    }
    tell_about_target_files(&vetted.target_files, term);
    if !vetted.problems.is_empty() {
        for problem in &vetted.problems {
            super::print_error(problem, term);
        }
        if json {
            print_json(&Summary::refused("invalid", out, &vetted.report, args));
        }
        return Err(Error::invalid(format!(
            "refusing to write: {} problem(s) above; nothing was written",
            vetted.problems.len()
        )));
    }
    let refused = vetted.report.fails(args.fail_on);
    let show_report = !vetted.report.findings.is_empty() && (refused || !term.quiet);
    // The listing comes before anything else is printed. When nothing is printed until the
    // files are compared and written, it is written meanwhile: a provider's listing runs to
    // megabytes (6% of a 10,000-extension render) and writing the files mostly waits for the
    // disk.
    let report_first = show_report && (refused || args.verify);
    if report_first {
        print_report(&vetted.report, term);
    }
    if refused {
        if json {
            print_json(&Summary::refused("refused", out, &vetted.report, args));
        }
        let threshold = args.fail_on.as_str();
        let at_or_above = vetted
            .report
            .findings
            .iter()
            .filter(|f| args.fail_on.severity().is_some_and(|s| f.severity >= s))
            .count();
        return Err(Error::invalid(format!(
            "refusing to write: the rendered site has {at_or_above} finding(s) at or above `{threshold}`; nothing was written",
        ))
        .with_hint("fix the profile, or pass a higher `--fail-on` (or `none`) to write anyway")
        .with_kind(ErrorKind::Findings));
    }
    // Asterisk loads the whole site, whatever `--only` writes: verify all of it.
    if args.verify {
        if let Err(err) = verify_before_write(&vetted.files, args.asterisk.as_deref(), term) {
            if json && err.kind == ErrorKind::Findings {
                print_json(&Summary::refused("refused", out, &vetted.report, args));
            }
            return Err(err);
        }
    }
    let files = render::keep_only(std::mem::take(&mut vetted.files), &args.only)?;
    let report = &vetted.report;
    let disk = std::thread::scope(|scope| {
        let listing =
            (show_report && !report_first).then(|| scope.spawn(|| print_report(report, term)));
        let staged = match staged_early {
            Some(staged) => staged,
            None => stage(&files, out, args, writes),
        };
        let disk = staged.and_then(Staged::finish);
        if let Some(listing) = listing {
            listing
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        }
        disk
    })?;
    if let Some(recovery) = &disk.recovered {
        if !term.quiet {
            eprintln!(
                "pbxgen: {}: {}",
                shown(out),
                for_terminal(&recovery.to_string())
            );
        }
    }
    let interrupted = disk.interrupted;
    if let Some(batch) = &interrupted {
        eprintln!("warning: {}", for_terminal(batch));
    }
    let Compared {
        planned,
        compared_in,
        written,
    } = disk.done?;
    verbose(
        term,
        format!(
            "compared {} file(s) with {} ({} to write)",
            planned.len(),
            shown(out),
            planned
                .iter()
                .filter(|p| p.change != Change::Unchanged)
                .count()
        ),
        compared_in,
    );

    if let Some(((written, committed), took)) = written {
        verbose(term, format!("wrote {written} file(s)"), took);
        for path in &committed.ownership_not_kept {
            eprintln!(
                "warning: {}: could not keep its owner and group (--force-owner): it is now owned by the user who ran pbxgen",
                shown(path)
            );
        }
        if json {
            print_json(&Summary::of("written", out, &planned, &vetted.report, args));
        } else if !term.quiet {
            for file in planned
                .iter()
                .filter(|p| term.verbose > 0 || p.change != Change::Unchanged)
            {
                println!("{}  {}", change_word(file.change), shown(&file.path));
            }
            println!(
                "{written} of {} files written to {}",
                planned.len(),
                shown(out)
            );
        }
        return Ok(exit::OK);
    }
    if args.dry_run && !json {
        print!("{}", write::describe(&planned));
    }
    if args.diff && !json {
        let plan = vetted.plan.as_ref().expect("`--diff` keeps the plan");
        let masked = render::render(
            plan,
            &RenderOptions {
                templates_dir: args.templates.clone(),
                only: args.only.clone(),
                secrets: SecretMode::Mask,
            },
        )?;
        let secrets = SecretValues::resolve(&plan.secrets)?;
        print!("{}", write::diff(&planned, &masked, &secrets, term.color));
    }
    // An interrupted batch is never "up to date", even when its files happen to match.
    let changed = write::has_changes(&planned) || interrupted.is_some();
    if json {
        let outcome = match (changed, args.check) {
            (false, _) => "up_to_date",
            (true, true) => "drift",
            (true, false) => "would_change",
        };
        print_json(&Summary::of(outcome, out, &planned, &vetted.report, args));
        return Ok(exit::findings_if(args.check && changed));
    }
    if args.check && !term.quiet && !args.diff && !args.dry_run {
        for file in planned.iter().filter(|p| p.change != Change::Unchanged) {
            println!("{}  {}", change_word(file.change), shown(&file.path));
        }
    }
    if !term.quiet && !changed {
        println!("{} files in {} are up to date", planned.len(), shown(out));
    }
    if args.check && changed && !term.quiet {
        let count = planned
            .iter()
            .filter(|p| p.change != Change::Unchanged)
            .count();
        let batch = if interrupted.is_some() {
            " and an interrupted batch is pending"
        } else {
            ""
        };
        eprintln!(
            "drift: {count} of {} files in {} differ from the profile{batch}; run without --check to write them",
            planned.len(),
            shown(out)
        );
    }
    Ok(exit::findings_if(args.check && changed))
}

/// `-v`: one line per step on stderr, with its duration.
fn verbose(term: &Term, what: String, took: Duration) {
    if term.verbose > 0 {
        eprintln!("pbxgen: {} ({} ms)", for_terminal(&what), took.as_millis());
    }
}

/// The findings listing on stderr, written as it is made (a large site's findings run to
/// megabytes); a closed stderr loses only the listing.
fn print_report(report: &Report, term: &Term) {
    let _ = output::text::write(report, term.color, &mut std::io::stderr().lock());
}

/// What the render does on disk, for the messages that follow it (in the order they would have
/// come had they been printed as it went): first [`Staged`], then, once [`Staged::finish`] has
/// put the files in place, [`Done`].
struct Disk<Written> {
    /// An earlier interrupted batch completed or rolled back (when writing).
    recovered: Option<pbxgen::fsutil::Recovery>,
    /// An earlier interrupted batch left as it is (when not writing).
    interrupted: Option<String>,
    /// The comparison and the writing, or what stopped them.
    done: Result<Compared<Written>, Error>,
}

/// The files compared with the disk, and (when writing) `written`.
struct Compared<Written> {
    planned: Vec<Planned>,
    compared_in: Duration,
    /// The writing and how long it took.
    written: Option<(Written, Duration)>,
}

/// Everything the render does on disk short of replacing a file: an earlier interrupted batch
/// finished (when writing) or looked at, the files compared with the disk and, when writing,
/// written beside their targets. Dropped instead of finished, it leaves every target as it was.
type Staged = Disk<write::PreparedWrite>;

/// The files in place: how many were written and what the batch did besides.
type Done = Disk<(usize, pbxgen::fsutil::Committed)>;

/// Stage `files` for `out` ([`Staged`]), printing nothing (the findings listing or the audit
/// may be running meanwhile). `Err` when an earlier interrupted batch cannot be looked at or
/// finished.
fn stage(
    files: &[RenderedFile],
    out: &Path,
    args: &RenderArgs,
    writes: bool,
) -> Result<Staged, Error> {
    // An earlier run killed during its renames left old and new files mixed: writing completes
    // (or rolls back) that batch first; the commands that write nothing only report it.
    let (recovered, interrupted) = if writes {
        (write::recover(out)?, None)
    } else {
        (None, write::interrupted_batch(out)?)
    };
    let done = compare_then_prepare(files, out, args, writes);
    Ok(Staged {
        recovered,
        interrupted,
        done,
    })
}

/// Compare `files` with `out`, then write them beside their targets when `writes`.
fn compare_then_prepare(
    files: &[RenderedFile],
    out: &Path,
    args: &RenderArgs,
    writes: bool,
) -> Result<Compared<write::PreparedWrite>, Error> {
    let started = Instant::now();
    let planned = write::plan(files, out, args.private)?;
    let compared_in = started.elapsed();
    if !writes {
        return Ok(Compared {
            planned,
            compared_in,
            written: None,
        });
    }
    let started = Instant::now();
    let ownership = if args.force_owner {
        Ownership::KeepIfAllowed
    } else {
        Ownership::Keep
    };
    let prepared = write::prepare(&planned, out, ownership)?;
    Ok(Compared {
        planned,
        compared_in,
        written: Some((prepared, started.elapsed())),
    })
}

impl Staged {
    /// Put the staged files in place.
    fn finish(self) -> Result<Done, Error> {
        let done = self.done.and_then(|staged| {
            let written = match staged.written {
                Some((prepared, took)) => {
                    let started = Instant::now();
                    Some((prepared.commit()?, took + started.elapsed()))
                }
                None => None,
            };
            Ok(Compared {
                planned: staged.planned,
                compared_in: staged.compared_in,
                written,
            })
        });
        Ok(Disk {
            recovered: self.recovered,
            interrupted: self.interrupted,
            done,
        })
    }
}

/// A path the user named (or a profile value), as shown on the terminal.
fn shown(path: &Path) -> std::borrow::Cow<'_, str> {
    match path.to_string_lossy() {
        std::borrow::Cow::Borrowed(text) => for_terminal(text),
        std::borrow::Cow::Owned(text) => std::borrow::Cow::Owned(for_terminal(&text).into_owned()),
    }
}

fn change_word(change: Change) -> &'static str {
    match change {
        Change::New => "new      ",
        Change::Changed => "changed  ",
        Change::Mode { .. } => "mode     ",
        Change::Unchanged => "unchanged",
    }
}

/// `render --format json`: what happened, for scripts (one JSON object on stdout).
#[derive(serde::Serialize)]
struct Summary {
    /// `written`, `up_to_date`, `would_change`, `drift` (exit 1), `refused` (exit 1: findings
    /// at or above `fail_on`, or what Asterisk reported with `--verify`), `invalid` (exit 2).
    outcome: &'static str,
    out: String,
    fail_on: &'static str,
    /// Findings of the self-audit per severity.
    findings: std::collections::BTreeMap<&'static str, usize>,
    files: Vec<SummaryFile>,
}

#[derive(serde::Serialize)]
struct SummaryFile {
    path: String,
    change: &'static str,
    mode: String,
}

impl Summary {
    fn refused(outcome: &'static str, out: &Path, report: &Report, args: &RenderArgs) -> Self {
        Summary::of(outcome, out, &[], report, args)
    }

    fn of(
        outcome: &'static str,
        out: &Path,
        planned: &[Planned],
        report: &Report,
        args: &RenderArgs,
    ) -> Self {
        Summary {
            outcome,
            out: out.display().to_string(),
            fail_on: args.fail_on.as_str(),
            findings: report
                .counts()
                .into_iter()
                .map(|(severity, n)| (severity.as_str(), n))
                .collect(),
            files: planned
                .iter()
                .map(|p| SummaryFile {
                    path: p.path.display().to_string(),
                    change: match p.change {
                        Change::New => "new",
                        Change::Changed => "changed",
                        Change::Mode { .. } => "mode",
                        Change::Unchanged => "unchanged",
                    },
                    mode: format!("{:04o}", p.mode),
                })
                .collect(),
        }
    }
}

fn print_json(summary: &Summary) {
    // A struct of strings and numbers always serializes.
    println!(
        "{}",
        serde_json::to_string_pretty(summary).unwrap_or_default()
    );
}

/// Say which CA bundle verifies TLS servers when pbxgen chose it, and warn about files the
/// rendered configuration names that cannot be read here (they may live on the PBX only).
fn tell_about_target_files(target_files: &[plan::TargetFile], term: &Term) {
    if term.quiet {
        return;
    }
    for file in target_files {
        if file.default {
            eprintln!(
                "note: {}: {} (the system bundle of Debian and Ubuntu; set `{}` for another system)",
                file.what,
                for_terminal(&file.path),
                file.field
            );
        }
        if let Err(e) = file.readable_here() {
            eprintln!(
                "warning: {} {} (`{}`) cannot be read here ({}); Asterisk must be able to read it on the PBX",
                file.what,
                for_terminal(&file.path),
                file.field,
                for_terminal(&e.to_string())
            );
        }
    }
}

/// `--verify`: load the rendered files into a throwaway Asterisk (from a private temporary
/// directory, removed afterwards) and refuse to write when it reports configuration errors or
/// objects other than pbxgen's model predicts. The report goes to stderr.
fn verify_before_write(
    files: &[RenderedFile],
    asterisk: Option<&std::path::Path>,
    term: &Term,
) -> Result<(), Error> {
    let dir = tempfile::Builder::new()
        .prefix("pbxgen-render-verify.")
        .tempdir()
        .map_err(|e| Error::invalid(format!("cannot create a temporary directory: {e}")))?;
    for file in files {
        let path = dir.path().join(&file.name);
        std::fs::write(&path, file.contents.as_bytes()).map_err(|e| Error::io(&path, &e))?;
    }
    let report = super::verify::verify_dir(dir.path(), asterisk)?;
    if report.is_clean() {
        if !term.quiet {
            eprintln!("verify: {}", pbxgen::verify::text::verdict(&report));
        }
        return Ok(());
    }
    eprint!(
        "{}",
        pbxgen::verify::text::render(&report, term.color, term.verbose > 0)
    );
    Err(Error::invalid(format!(
        "refusing to write: {}; nothing was written",
        pbxgen::verify::text::verdict(&report)
    ))
    .with_hint("fix the profile (see Asterisk's messages above), or render without --verify")
    .with_kind(ErrorKind::Findings))
}
