//! `pbxgen render`: profile → plan → files, written atomically or compared with the disk.

use super::args::RenderArgs;
use super::exit;
use super::term::Term;
use pbxgen::audit::{self, engine::FailOn};
use pbxgen::diag::{Error, ErrorKind};
use pbxgen::render::write::{self, Change};
use pbxgen::render::{self, RenderOptions, RenderedFile, SecretMode, SecretValues};
use pbxgen::twilio::TwilioRanges;
use pbxgen::{plan, profile};

pub fn run(args: &RenderArgs, term: &Term) -> Result<u8, Error> {
    let out = args.out.as_deref().ok_or_else(|| {
        Error::invalid(
            "`pbxgen render` needs `--out DIR`: where to write the files (or what to compare with)",
        )
        .with_hint("e.g. `pbxgen render site.yaml --out /etc/asterisk --diff`")
    })?;
    let profile = profile::load(&args.profile)?;
    let plan = plan::plan(&profile)?;
    tell_about_target_files(&plan, term);
    // What the self-audit needs from the profile: the Twilio ranges it names and its target.
    let audit_facts = AuditFacts {
        twilio: profile.twilio_ranges().cloned(),
        asterisk_version: *profile.site.asterisk,
    };
    // The plan holds all rendering needs; freeing the profile meanwhile lowers the peak.
    render::free_in_background(profile);
    let options = RenderOptions {
        templates_dir: args.templates.clone(),
        only: args.only.clone(),
        secrets: SecretMode::Resolve,
    };
    let files = render::render(&plan, &options)?;
    audit_before_write(&files, audit_facts, args.fail_on, term)?;
    if args.verify {
        verify_before_write(&files, args.asterisk.as_deref(), term)?;
    }
    let planned = write::plan(&files, out, args.private)?;

    if !(args.diff || args.check || args.dry_run) {
        render::free_in_background(plan);
        let written = write::commit(&planned, out)?;
        if !term.quiet {
            for file in planned
                .iter()
                .filter(|p| term.verbose > 0 || p.change != Change::Unchanged)
            {
                println!("{}  {}", change_word(file.change), file.path.display());
            }
            println!(
                "{written} of {} files written to {}",
                planned.len(),
                out.display()
            );
        }
        return Ok(exit::OK);
    }
    if args.dry_run {
        print!("{}", write::describe(&planned));
    }
    if args.diff {
        let masked = render::render(
            &plan,
            &RenderOptions {
                secrets: SecretMode::Mask,
                ..options
            },
        )?;
        let secrets = SecretValues::resolve(&plan.secrets)?;
        print!("{}", write::diff(&planned, &masked, &secrets, term.color));
    }
    let changed = write::has_changes(&planned);
    if args.check && !term.quiet && !args.diff && !args.dry_run {
        for file in planned.iter().filter(|p| p.change != Change::Unchanged) {
            println!("{}  {}", change_word(file.change), file.path.display());
        }
    }
    if !term.quiet && !changed {
        println!(
            "{} files in {} are up to date",
            planned.len(),
            out.display()
        );
    }
    Ok(exit::findings_if(args.check && changed))
}

fn change_word(change: Change) -> &'static str {
    match change {
        Change::New => "new      ",
        Change::Changed => "changed  ",
        Change::Mode { .. } => "mode     ",
        Change::Unchanged => "unchanged",
    }
}

/// The profile facts the self-audit needs (the profile itself is freed before rendering).
struct AuditFacts {
    twilio: Option<TwilioRanges>,
    asterisk_version: u32,
}

/// Audit the rendered files before anything is written, refusing findings at or above
/// `fail_on` (render writes nothing when its own output has findings). The findings go to
/// stderr in the text format, secrets masked.
fn audit_before_write(
    files: &[RenderedFile],
    facts: AuditFacts,
    fail_on: FailOn,
    term: &Term,
) -> Result<(), Error> {
    let Some(threshold) = fail_on.severity() else {
        return Ok(());
    };
    let twilio = facts.twilio.unwrap_or_else(TwilioRanges::embedded);
    let report = audit::audit_rendered(files, &twilio, facts.asterisk_version, threshold);
    if report.findings.is_empty() {
        return Ok(());
    }
    eprint!("{}", audit::output::text::render(&report, term.color));
    Err(Error::invalid(format!(
        "refusing to write: the rendered files have {} finding(s) at or above `{}`; nothing was written",
        report.findings.len(),
        threshold
    ))
    .with_hint("fix the profile, or pass `--fail-on none` to write anyway")
    .with_kind(ErrorKind::Findings))
}

/// Say which CA bundle verifies TLS servers when pbxgen chose it, and warn about files the
/// rendered configuration names that cannot be read here (they may live on the PBX only).
fn tell_about_target_files(plan: &plan::Plan, term: &Term) {
    if term.quiet {
        return;
    }
    for file in &plan.target_files {
        if file.default {
            eprintln!(
                "note: {}: {} (the system bundle of Debian and Ubuntu; set `{}` for another system)",
                file.what, file.path, file.field
            );
        }
        if let Err(e) = file.readable_here() {
            eprintln!(
                "warning: {} {} (`{}`) cannot be read here ({e}); Asterisk must be able to read it on the PBX",
                file.what, file.path, file.field
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
        std::fs::write(&path, &file.contents).map_err(|e| Error::io(&path, &e))?;
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
