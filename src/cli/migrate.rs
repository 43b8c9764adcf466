//! `pbxgen migrate SRC [--out DIR] [--diff] [--dry-run] [--format text|json] [--keep-guest]`:
//! chan_sip → pjsip. The report goes to stdout; files are written only with `--out` (atomically,
//! 0640, never through a symlink) and never when the migration refused its own output.
//! Exit codes: 0 nothing needs a human, 1 something does (or the output was refused), 2 the input
//! cannot be read or chan_sip itself would refuse it.

use super::args::{MigrateArgs, ReportFormat};
use super::exit;
use super::term::Term;
use pbxgen::asterisk::{Config, FileKind};
use pbxgen::audit::LoadOptions;
use pbxgen::diag::{Error, ErrorKind};
use pbxgen::fsutil::Ownership;
use pbxgen::migrate::{self, MigrateOptions, Migration, report};
use pbxgen::redact::file::{SecretPositions, mask_secret_positions};
use pbxgen::render::write::{self, Change};
use pbxgen::render::{RenderedFile, SecretValues};
use pbxgen::untrusted::for_terminal;
use std::io::Write as _;
use std::path::{Path, PathBuf};

pub fn run(args: &MigrateArgs, term: &Term) -> Result<u8, Error> {
    let (config, src_dir) = load(&args.src, &args.allow_outside)?;
    let options = MigrateOptions {
        keep_guest: args.keep_guest,
    };
    let mut migration = migrate::migrate_config(&config, &options)?;
    let files = files(&mut migration);
    let compare_dir = args.out.clone().unwrap_or(src_dir);
    let json = args.format == ReportFormat::Json;
    // With JSON on stdout, the human-readable extras go to stderr.
    let mut extra = String::new();
    if args.diff || args.dry_run {
        let planned = write::plan(&files, &compare_dir, args.private)?;
        if args.dry_run {
            extra.push_str(&write::describe(&planned));
        }
        if args.diff {
            let masked = files_masked(&files);
            let secrets = SecretValues::from_values(migration.secret_values().to_vec());
            extra.push_str(&write::diff(
                &planned,
                &masked,
                &secrets,
                term.color && !json,
            ));
        }
    }
    print_report(&migration, args.format, term)?;
    if json {
        eprint!("{extra}");
    } else {
        print!("{extra}");
    }
    if migration.is_refused() {
        return Err(Error::invalid(format!(
            "refusing to write: {} error(s) in the migration report; nothing was written",
            migration.summary.error
        ))
        .with_hint("fix sip.conf where the report says, then migrate again")
        .with_kind(ErrorKind::Findings));
    }
    if let (Some(out), false, false) = (&args.out, args.diff, args.dry_run) {
        // As `render`: a batch an earlier run left half-renamed is finished (or rolled back)
        // before comparing with the directory; the files replaced keep their owner and group.
        if let Some(recovery) = write::recover(out)? {
            if !term.quiet {
                eprintln!(
                    "pbxgen: {}: {}",
                    for_terminal(&out.display().to_string()),
                    for_terminal(&recovery.to_string())
                );
            }
        }
        let planned = write::plan(&files, out, args.private)?;
        let (written, _) = write::commit(&planned, out, Ownership::Keep)?;
        if !term.quiet {
            let mut err = std::io::stderr().lock();
            for file in planned.iter().filter(|p| p.change != Change::Unchanged) {
                let _ = writeln!(
                    err,
                    "wrote {}",
                    for_terminal(&file.path.display().to_string())
                );
            }
            let _ = writeln!(
                err,
                "{written} of {} files written to {}",
                planned.len(),
                for_terminal(&out.display().to_string())
            );
        }
    }
    let code = exit::findings_if(migration.needs_human());
    // The process ends here: freeing tens of thousands of objects one by one would take longer
    // than a tenth of the migration, for memory the OS reclaims at once.
    std::mem::forget(migration);
    std::mem::forget(config);
    Ok(code)
}

/// SRC's configuration: a directory is read like `audit DIR`; a file is read as sip.conf, with
/// the extensions.conf, acl.conf and asterisk.conf beside it when present. (The migration
/// needs the files as read, not the auditor's model of them.)
fn load(src: &Path, allow_outside: &[PathBuf]) -> Result<(Config, PathBuf), Error> {
    let opts = LoadOptions {
        allow_outside: allow_outside.to_vec(),
        ..LoadOptions::default()
    };
    if src.is_dir() {
        return Ok((
            pbxgen::audit::load_dir_config(src, &opts)?,
            src.to_path_buf(),
        ));
    }
    let dir = match src.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut files = vec![(src.to_path_buf(), FileKind::Sip)];
    for kind in [FileKind::Extensions, FileKind::Acl, FileKind::Asterisk] {
        let name = kind.asterisk_name().expect("a known kind");
        let path = dir.join(name);
        if path.is_file() && path != src {
            files.push((path, kind));
        }
    }
    if !src.exists() {
        return Err(Error::invalid(format!(
            "{}: no such file or directory",
            src.display()
        )));
    }
    Ok((pbxgen::audit::load_files_config(&files, &opts)?, dir))
}

/// The files to write: pjsip.conf, and extensions.conf when it was rewritten. Both hold
/// secrets (pjsip.conf's passwords; a dialplan may hold PINs): 0640. The texts are moved out of
/// the migration, not copied (a site's pjsip.conf is megabytes, and nothing reads it there
/// afterwards).
fn files(m: &mut Migration) -> Vec<RenderedFile> {
    let mut out = vec![RenderedFile {
        name: "pjsip.conf".into(),
        contents: std::mem::take(&mut m.pjsip_conf).into(),
        holds_secrets: true,
    }];
    if let Some(ext) = m.extensions_conf.take() {
        out.push(RenderedFile {
            name: "extensions.conf".into(),
            contents: ext.into(),
            holds_secrets: true,
        });
    }
    out
}

/// The files with their secrets masked where the syntax keeps them (`password=`, `md5_cred=`).
fn files_masked(files: &[RenderedFile]) -> Vec<RenderedFile> {
    files
        .iter()
        .map(|f| RenderedFile {
            name: f.name.clone(),
            contents: mask_secret_positions(SecretPositions::Options, &f.contents).into(),
            holds_secrets: f.holds_secrets,
        })
        .collect()
}

fn print_report(m: &Migration, format: ReportFormat, term: &Term) -> Result<(), Error> {
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let result = match format {
        ReportFormat::Json => report::write_json(&m.report, &m.summary, &mut stdout),
        ReportFormat::Text => {
            // Every entry: the report is the point. `-q`: only what needs a human.
            let min = if term.quiet {
                report::Severity::Action
            } else {
                report::Severity::Mapped
            };
            stdout.write_all(report::render_text(&m.report, &m.summary, min).as_bytes())
        }
    };
    result
        .and_then(|()| stdout.flush())
        .map_err(|e| Error::invalid(format!("cannot write the report: {e}")))
}
