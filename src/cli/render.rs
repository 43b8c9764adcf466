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
    let load = profile::LoadOptions {
        twilio_ranges: args
            .twilio_preset
            .as_deref()
            .map(TwilioRanges::load)
            .transpose()?,
    };
    let profile = profile::load_with(&args.profile, &load)?;
    let plan = plan::plan(&profile)?;
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
