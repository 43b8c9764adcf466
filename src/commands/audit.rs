//! `pbxgen audit [PATH…] [--profile P] [--format F] [--fail-on S] [--min-severity S]
//! [--asterisk-version N] [--dump-model json]`.
//!
//! Each directory is one PBX (an /etc/asterisk-like tree); the files given on the command line
//! together form one more. Exit codes: 0 nothing at or above `--fail-on`, 1 something is, 2 the
//! input cannot be read (with its position).

use crate::asterisk::{self, DiagnosticCode, ModelOptions, Pbx};
use crate::audit::output::{self, Report};
use crate::audit::severity::{Severity, threshold};
use crate::audit::{AuditOptions, audit};
use crate::cli::{AuditArgs, OutputFormat};
use crate::diag::{EXIT_FINDINGS, EXIT_OK, Error};
use crate::term::Term;
use crate::twilio::TwilioRanges;
use std::io::Write as _;
use std::path::{Path, PathBuf};

pub fn run(args: &AuditArgs, term: &Term) -> Result<u8, Error> {
    let twilio = TwilioRanges::embedded();
    let opts = AuditOptions {
        twilio: &twilio,
        asterisk_version: args.asterisk_version,
        min_severity: args.min_severity.and_then(threshold),
    };
    let mut reports = Vec::new();
    if let Some(profile) = &args.profile {
        reports.push(audit_profile(profile, &opts)?);
    }
    let paths: Vec<PathBuf> = if args.paths.is_empty() && args.profile.is_none() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (dirs, files): (Vec<&PathBuf>, Vec<&PathBuf>) = paths.iter().partition(|p| p.is_dir());
    let mut pbxs: Vec<(Pbx, String)> = Vec::new();
    for dir in dirs {
        pbxs.push((load(asterisk::load_dir(dir), args)?, prefix_of(dir)));
    }
    if !files.is_empty() {
        let owned: Vec<PathBuf> = files.iter().map(|p| (*p).clone()).collect();
        let base = files[0].parent().map(prefix_of).unwrap_or_default();
        pbxs.push((load(asterisk::load_files(&owned), args)?, base));
    }
    if let Some(crate::cli::DumpFormat::Json) = args.dump_model {
        for (pbx, _) in &pbxs {
            let json =
                serde_json::to_string_pretty(pbx).map_err(|e| Error::invalid(e.to_string()))?;
            println!("{json}");
        }
        return Ok(EXIT_OK);
    }
    for (pbx, prefix) in &pbxs {
        let mut report = audit(pbx, &opts);
        report.root_prefix = prefix.clone();
        reports.push(report);
    }
    let report = merge(reports);
    let out = match args.format {
        OutputFormat::Text => output::text::render(&report, term),
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
    let code = exit_code(&report, threshold(args.fail_on));
    // The process ends here: freeing a model of millions of variables one allocation at a time
    // would take longer than a sixth of the whole audit, for memory the OS reclaims at once.
    std::mem::forget(pbxs);
    Ok(code)
}

/// Exit 1 when a shown finding is at or above the threshold.
pub fn exit_code(report: &Report, fail_on: Option<Severity>) -> u8 {
    match (fail_on, report.worst()) {
        (Some(t), Some(worst)) if worst >= t => EXIT_FINDINGS,
        _ => EXIT_OK,
    }
}

/// Build the model, refusing input that could not be read at all (exit 2, with position).
fn load(config: crate::Result<asterisk::Config>, args: &AuditArgs) -> Result<Pbx, Error> {
    let config = config?;
    // Auditing the wrong directory must not pass CI silently.
    if config.files.is_empty() {
        return Err(Error::invalid(format!(
            "{}: no Asterisk configuration found (expected sip.conf, pjsip.conf, extensions.conf, websms.conf, manager.conf, acl.conf or asterisk.conf)",
            config.root.display()
        )));
    }
    if let Some(d) = config
        .diagnostics()
        .find(|d| d.code == DiagnosticCode::Unreadable)
    {
        return Err(Error::at(config.location(d.pos), d.message.clone()));
    }
    Ok(asterisk::build_model(
        config,
        &ModelOptions {
            asterisk_version: args.asterisk_version,
        },
    ))
}

/// `config/asterisk` → `config/asterisk/`; `.` and absolute paths → no prefix (SARIF and
/// GitHub resolve relative paths against the repository root; absolute ones cannot be).
fn prefix_of(dir: &Path) -> String {
    let s = dir.to_string_lossy().replace('\\', "/");
    let s = s.trim_start_matches("./").trim_end_matches('/');
    if s.is_empty() || s == "." || dir.is_absolute() {
        String::new()
    } else {
        format!("{s}/")
    }
}

/// One report for several PBXs: with more than one, file names carry their directory.
fn merge(mut reports: Vec<Report>) -> Report {
    if reports.len() == 1 {
        return reports.remove(0);
    }
    let mut all = Report {
        findings: Vec::new(),
        suppressed: 0,
        hidden: 0,
        root_prefix: String::new(),
    };
    for r in reports {
        all.suppressed += r.suppressed;
        all.hidden += r.hidden;
        for mut f in r.findings {
            f.file = format!("{}{}", r.root_prefix, f.file);
            for step in &mut f.path {
                step.file = format!("{}{}", r.root_prefix, step.file);
            }
            all.findings.push(f);
        }
    }
    all
}

/// `audit --profile`: the profile-level rules (PBX502) plus an audit of what the profile
/// renders to, exactly as a hand-written directory would be audited.
pub fn audit_profile(path: &Path, opts: &AuditOptions<'_>) -> Result<Report, Error> {
    let profile = crate::profile::load(path)?;
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, &e))?;
    let mut findings = crate::audit::profile_rules::check(&profile, &text);
    // Secrets are resolved: weak or reused secrets (PBX501) can only be seen in the values.
    // Reports mask them like in any hand-written file.
    let files = crate::render::render_profile(&profile, &crate::render::RenderOptions::default())?;
    let version = opts.asterisk_version.or(Some(*profile.site.asterisk));
    let pbx =
        crate::audit::model_of_rendered(&profile.dir().display().to_string(), &files, version);
    findings.extend(crate::audit::run_rules(&pbx, opts));
    Ok(crate::audit::finish(&pbx, findings, opts.min_severity))
}
