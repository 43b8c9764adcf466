//! `pbxgen render`: profile → plan → files, written atomically or compared with the disk.

use crate::cli::{FailOn, RenderArgs};
use crate::diag::{EXIT_FINDINGS, EXIT_OK, Error};
use crate::render::write::{self, Change};
use crate::render::{self, RenderOptions, RenderedFile, SecretMode, SecretValues};
use crate::term::Term;
use crate::{profile, site};

pub fn run(args: &RenderArgs, term: &Term) -> Result<u8, Error> {
    let out = args.out.as_deref().ok_or_else(|| {
        Error::invalid(
            "`pbxgen render` needs `--out DIR`: where to write the files (or what to compare with)",
        )
        .with_hint("e.g. `pbxgen render site.yaml --out /etc/asterisk --diff`")
    })?;
    let profile = profile::load(&args.profile)?;
    let site = site::plan(&profile)?;
    // The plan holds all rendering needs; freeing the profile meanwhile lowers the peak.
    render::free_in_background(profile);
    let options = RenderOptions {
        templates_dir: args.templates.clone(),
        only: args.only.clone(),
        secrets: SecretMode::Resolve,
    };
    let files = render::render(&site, &options)?;
    audit_before_write(&files, args.fail_on)?;
    let planned = write::plan(&files, out, args.private)?;

    if !(args.diff || args.check || args.dry_run) {
        render::free_in_background(site);
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
        return Ok(EXIT_OK);
    }
    if args.dry_run {
        print!("{}", write::describe(&planned));
    }
    if args.diff {
        let masked = render::render(
            &site,
            &RenderOptions {
                secrets: SecretMode::Mask,
                ..options
            },
        )?;
        let secrets = SecretValues::resolve(&site.secrets)?;
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
    Ok(if args.check && changed {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

fn change_word(change: Change) -> &'static str {
    match change {
        Change::New => "new      ",
        Change::Changed => "changed  ",
        Change::Mode { .. } => "mode     ",
        Change::Unchanged => "unchanged",
    }
}

/// Audit the rendered files before anything is written, refusing findings at or above
/// `fail_on` (DESIGN: render writes nothing when its own output has findings).
///
/// Hook for the audit engine (issue 5): parse `files` in memory, audit them like a directory,
/// and return an error (exit 1, findings listed, secrets masked) when a finding reaches
/// `fail_on`. Until the engine lands every rendered site passes.
fn audit_before_write(_files: &[RenderedFile], _fail_on: FailOn) -> Result<(), Error> {
    Ok(())
}
