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
use pbxgen::asterisk::Pbx;
use pbxgen::audit::output::{self, Report, root_prefix};
use pbxgen::audit::{self, AuditOptions};
use pbxgen::twilio::TwilioRanges;
use std::io::Write as _;
use std::path::PathBuf;

pub fn run(args: &AuditArgs, term: &Term) -> Result<u8, Error> {
    let twilio = TwilioRanges::embedded();
    let opts = AuditOptions {
        twilio: &twilio,
        asterisk_version: args.asterisk_version,
        min_severity: args.min_severity.and_then(|t| t.severity()),
    };
    let mut reports = Vec::new();
    if let Some(profile) = &args.profile {
        reports.push(audit::audit_profile(profile, &opts)?);
    }
    let paths: Vec<PathBuf> = if args.paths.is_empty() && args.profile.is_none() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (dirs, files): (Vec<&PathBuf>, Vec<&PathBuf>) = paths.iter().partition(|p| p.is_dir());
    let mut pbxs: Vec<(Pbx, String)> = Vec::new();
    for dir in dirs {
        pbxs.push((
            audit::load_dir(dir, args.asterisk_version)?,
            root_prefix(dir),
        ));
    }
    if !files.is_empty() {
        let owned: Vec<PathBuf> = files.iter().map(|p| (*p).clone()).collect();
        let base = files[0].parent().map(root_prefix).unwrap_or_default();
        pbxs.push((audit::load_files(&owned, args.asterisk_version)?, base));
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
        let mut report = audit::audit(pbx, &opts);
        report.root_prefix = prefix.clone();
        reports.push(report);
    }
    let report = Report::merge(reports);
    let out = match args.format {
        OutputFormat::Text => output::text::render(&report, term.color),
        OutputFormat::Json => {
            // Streamed: a large audit's JSON runs to tens of megabytes.
            let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
            output::json::write(&report, &mut stdout)
                .and_then(|()| stdout.flush())
                .map_err(|e| Error::invalid(format!("cannot write the report: {e}")))?;
            String::new()
        }
        OutputFormat::Sarif => output::sarif::render(&report),
        OutputFormat::Github => output::github::render(&report),
    };
    print!("{out}");
    let code = exit::findings_if(report.fails(args.fail_on));
    // The process ends here: freeing a model of millions of variables one allocation at a time
    // would take longer than a sixth of the whole audit, for memory the OS reclaims at once.
    std::mem::forget(pbxs);
    Ok(code)
}
