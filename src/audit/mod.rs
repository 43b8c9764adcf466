//! The auditor: rules over the PBX model (and over site profiles), reachability, suppressions,
//! output formats.
//!
//! - [`engine`]: the shape of a rule and what it gets and reports;
//! - [`analysis`]: entry points, reachability, trunk and Twilio classification;
//! - [`rules`]: one file per rule; [`registry`]: the one list of them;
//! - [`output`]: the report formats.
//!
//! `audit(pbx, options)` runs every config rule over one model, applies the in-file
//! suppressions, runs the suppression bookkeeping (meta) rules, filters by `--min-severity` and
//! returns a [`output::Report`] ready for any format.

pub mod analysis;
pub mod engine;
pub mod output;
pub mod registry;
pub mod rules;

use crate::asterisk::model::Pbx;
use crate::asterisk::{self, DiagnosticCode, ModelOptions};
use crate::diag::Error;
use crate::profile::Profile;
use crate::twilio::TwilioRanges;
use engine::{
    AuditContext, Check, Finding, MetaContext, ProfileContext, Severity, Sink, SourceText,
};
use output::Report;
use std::path::{Path, PathBuf};

/// What to audit with.
pub struct AuditOptions<'a> {
    pub twilio: &'a TwilioRanges,
    pub asterisk_version: Option<u32>,
    /// Drop findings below this severity from the report.
    pub min_severity: Option<Severity>,
}

/// Read a configuration directory (an /etc/asterisk-like tree) into the model of one PBX,
/// refusing input that could not be read at all (with its position).
pub fn load_dir(dir: &Path, asterisk_version: Option<u32>) -> Result<Pbx, Error> {
    checked_model(asterisk::load_dir(dir), asterisk_version)
}

/// Read the given files, together one PBX (each file's kind from its name), refusing input
/// that could not be read at all.
pub fn load_files(files: &[PathBuf], asterisk_version: Option<u32>) -> Result<Pbx, Error> {
    checked_model(asterisk::load_files(files), asterisk_version)
}

/// Read the given files as the given kinds (one PBX), refusing input that could not be read at
/// all.
pub fn load_files_as(
    files: &[(PathBuf, asterisk::FileKind)],
    asterisk_version: Option<u32>,
) -> Result<Pbx, Error> {
    checked_model(asterisk::load_files_as(files), asterisk_version)
}

/// Build the model, refusing input that could not be read at all.
fn checked_model(
    config: crate::Result<asterisk::Config>,
    asterisk_version: Option<u32>,
) -> Result<Pbx, Error> {
    let config = config?;
    // Auditing the wrong directory must not pass CI silently.
    if config.files.is_empty() {
        return Err(Error::invalid(format!(
            "{}: no Asterisk configuration found (expected sip.conf, pjsip.conf, extensions.conf, websms.conf, manager.conf, acl.conf, asterisk.conf or TwiML documents)",
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
        &ModelOptions { asterisk_version },
    ))
}

/// `audit --profile`: the profile-level rules (PBX502) plus an audit of what the profile
/// renders to, exactly as a hand-written directory would be audited.
pub fn audit_profile(path: &Path, opts: &AuditOptions<'_>) -> Result<Report, Error> {
    let profile = crate::profile::load(path)?;
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, &e))?;
    let mut findings = check_profile(&profile, &text);
    // Secrets are resolved: weak or reused secrets (PBX501) can only be seen in the values.
    // Reports mask them like in any hand-written file.
    let files = crate::render::render_profile(&profile, &crate::render::RenderOptions::default())?;
    let version = opts.asterisk_version.or(Some(*profile.site.asterisk));
    let pbx = model_of_rendered(&profile.dir().display().to_string(), &files, version);
    findings.extend(run_rules(&pbx, opts));
    Ok(finish(&pbx, findings, opts.min_severity))
}

/// `render`'s audit of its own output before anything is written: the rendered text read back
/// exactly as /etc/asterisk would be (never the plan), findings at or above `threshold` only.
pub fn audit_rendered(
    files: &[crate::render::RenderedFile],
    twilio: &TwilioRanges,
    asterisk_version: u32,
    threshold: Severity,
) -> Report {
    let opts = AuditOptions {
        twilio,
        asterisk_version: Some(asterisk_version),
        min_severity: Some(threshold),
    };
    let pbx = model_of_rendered("(rendered)", files, opts.asterisk_version);
    audit(&pbx, &opts)
}

/// The PBX model of files rendered in memory, read exactly as a directory holding them would be
/// (the auditor never trusts the generator: it reads the text, not the plan). Each file is read
/// as the file kind the output registry gives it (TwiML included); files the auditor does not
/// interpret (SPA3102 XML, the systemd unit) are left out.
pub fn model_of_rendered(
    root: &str,
    files: &[crate::render::RenderedFile],
    asterisk_version: Option<u32>,
) -> Pbx {
    let texts = files
        .iter()
        .map(|f| (f.name.clone(), f.contents.clone().into_bytes()))
        .collect();
    let tops: Vec<_> = files
        .iter()
        .filter_map(|f| {
            crate::render::outputs::reader_kind_of_file(&f.name).map(|k| (f.name.clone(), k))
        })
        .collect();
    let config = crate::asterisk::load_texts_as(root, texts, &tops);
    crate::asterisk::build_model(config, &crate::asterisk::ModelOptions { asterisk_version })
}

/// Run every config rule over `pbx`; findings unsuppressed and unsorted, in rule order.
///
/// Rules are independent: two threads take them one at a time from a shared counter, and each
/// rule's findings are put back in rule order, so the result does not depend on scheduling.
pub fn run_rules(pbx: &Pbx, opts: &AuditOptions<'_>) -> Vec<Finding> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    const THREADS: usize = 2;
    let ctx = AuditContext::new(pbx, opts.twilio, opts.asterisk_version);
    let checks: Vec<_> = registry::all()
        .iter()
        .filter_map(|&rule| match rule.check {
            Check::Config(check) => Some((rule, check)),
            _ => None,
        })
        .collect();
    let next = AtomicUsize::new(0);
    let worker = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(&(rule, check)) = checks.get(i) else {
                return done;
            };
            let mut findings = Vec::new();
            check(&ctx, &mut Sink::new(rule, &mut findings));
            done.push((i, findings));
        }
    };
    let mut per_rule: Vec<(usize, Vec<Finding>)> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..THREADS).map(|_| scope.spawn(worker)).collect();
        let mut all = worker();
        for h in helpers {
            match h.join() {
                Ok(done) => all.extend(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    per_rule.sort_unstable_by_key(|(i, _)| *i);
    let mut findings = Vec::with_capacity(per_rule.iter().map(|(_, f)| f.len()).sum());
    for (_, f) in per_rule {
        findings.extend(f);
    }
    findings
}

/// Run every profile rule over a loaded profile (`text`: its source, for masked snippets).
pub fn check_profile(profile: &Profile, text: &str) -> Vec<Finding> {
    let ctx = ProfileContext::new(profile, text);
    let mut findings = Vec::new();
    for &rule in registry::all() {
        if let Check::Profile(check) = rule.check {
            check(&ctx, &mut Sink::new(rule, &mut findings));
        }
    }
    findings
}

/// Apply the suppressions written in `files` to `findings`, then add the meta rules' findings
/// about the suppressions themselves. Returns how many findings were suppressed.
pub fn suppress(files: &[SourceText<'_>], findings: &mut Vec<Finding>) -> usize {
    let find = |key: &str| registry::find(key).map(|rule| &rule.info);
    let (suppressions, suppressed) = engine::suppress::apply(files, findings, find);
    let ctx = MetaContext {
        files,
        suppressions: &suppressions,
    };
    for &rule in registry::all() {
        if let Check::Meta(check) = rule.check {
            check(&ctx, &mut Sink::new(rule, findings));
        }
    }
    suppressed
}

/// Audit one PBX: rules, suppressions, severity filter, sorted report.
pub fn audit(pbx: &Pbx, opts: &AuditOptions<'_>) -> Report {
    let findings = run_rules(pbx, opts);
    finish(pbx, findings, opts.min_severity)
}

/// Apply the suppressions written in the PBX's files, filter and sort.
pub fn finish(pbx: &Pbx, mut findings: Vec<Finding>, min_severity: Option<Severity>) -> Report {
    let texts: Vec<(&str, std::borrow::Cow<'_, str>)> = pbx
        .config
        .sources
        .files()
        .iter()
        .map(|f| (f.display.as_str(), f.text()))
        .collect();
    let sources: Vec<SourceText<'_>> = texts
        .iter()
        .map(|(d, t)| SourceText {
            display: d,
            text: t,
        })
        .collect();
    let suppressed = suppress(&sources, &mut findings);
    let mut findings = group_inherited(findings);
    let before = findings.len();
    if let Some(min) = min_severity {
        findings.retain(|f| f.severity >= min);
    }
    let hidden = before - findings.len();
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key() && a.message == b.message);
    Report {
        findings,
        suppressed,
        hidden,
        root_prefix: String::new(),
    }
}

/// Several sections inheriting one line from a template (`[twilio7](twilio-trunk)`) produce
/// one finding per section at the same line: report the line once, naming the sections.
fn group_inherited(findings: Vec<Finding>) -> Vec<Finding> {
    use crate::asterisk::fast_hash::FastMap;
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len());
    // Files are few and findings many: number the files rather than copy a name per finding.
    let mut file_ids: FastMap<String, u32> = FastMap::default();
    /// (rule, file number, line, column) → (index in `out`, the other sections at that line).
    type Seen = FastMap<(&'static str, u32, u32, u32), (usize, Vec<String>)>;
    let mut at: Seen = FastMap::default();
    for f in findings {
        let file = match file_ids.get(f.file.as_str()) {
            Some(&id) => id,
            None => {
                let id = file_ids.len() as u32;
                file_ids.insert(f.file.clone(), id);
                id
            }
        };
        let key = (f.rule.code, file, f.line, f.column);
        match at.get_mut(&key) {
            Some((_, others)) if f.section.is_some() => {
                others.push(f.section.clone().unwrap_or_default())
            }
            _ => {
                at.insert(key, (out.len(), Vec::new()));
                out.push(f);
            }
        }
    }
    for (i, others) in at.into_values() {
        if others.is_empty() {
            continue;
        }
        const SHOWN: usize = 5;
        let mut names = others
            .iter()
            .take(SHOWN)
            .map(|s| format!("[{s}]"))
            .collect::<Vec<_>>()
            .join(", ");
        if others.len() > SHOWN {
            names.push_str(&format!(" and {} more", others.len() - SHOWN));
        }
        out[i]
            .message
            .push_str(&format!(" (the same line also applies to {names})"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::engine::Anchor;
    use super::*;
    use crate::audit::rules::sip::pbx101_sip_guest_calls::RULE as GUEST_CALLS;

    fn finding(line: u32) -> Finding {
        let mut v = Vec::new();
        Sink::new(&GUEST_CALLS, &mut v).report(
            Anchor {
                file: "sip.conf".into(),
                line,
                column: 1,
                snippet: None,
            },
            "guest calls",
        );
        v.pop().unwrap()
    }

    fn run(text: &str, findings: Vec<Finding>) -> (usize, Vec<(String, u32)>) {
        let mut f = findings;
        let n = suppress(
            &[SourceText {
                display: "sip.conf",
                text,
            }],
            &mut f,
        );
        (
            n,
            f.iter()
                .map(|f| (f.rule.code.to_string(), f.line))
                .collect(),
        )
    }

    #[test]
    fn same_line_and_line_above_suppress() {
        let text = "[general]\nallowguest=yes ; pbxgen: ignore[PBX101] lab box\n";
        assert_eq!(run(text, vec![finding(2)]), (1, vec![]));
        let text = "[general]\n; pbxgen: ignore[sip-guest-calls] lab box\n\nallowguest=yes\n";
        assert_eq!(run(text, vec![finding(4)]), (1, vec![]));
    }

    #[test]
    fn suppression_elsewhere_does_not_apply_and_is_reported_unused() {
        let text = "[general]\n; pbxgen: ignore[PBX101] lab box\ncontext=x\nallowguest=yes\n";
        let (n, rest) = run(text, vec![finding(4)]);
        assert_eq!(n, 0);
        assert_eq!(rest, vec![("PBX101".into(), 4), ("PBX002".into(), 2)]);
    }

    #[test]
    fn file_wide_suppression_and_missing_reason() {
        let text = "; pbxgen: ignore-file[PBX101]\n[general]\nallowguest=yes\n";
        let (n, rest) = run(text, vec![finding(3)]);
        assert_eq!(n, 1);
        assert_eq!(rest, vec![("PBX001".into(), 1)]);
    }

    #[test]
    fn unknown_rules_are_reported() {
        let text = "allowguest=yes ; pbxgen: ignore[PBX999, PBX101] because\n";
        let (n, rest) = run(text, vec![finding(1)]);
        assert_eq!(n, 1);
        assert_eq!(rest, vec![("PBX003".into(), 1)]);
    }

    #[test]
    fn ordinary_comments_are_not_suppressions() {
        let text = "allowguest=yes ; see pbxgen: ignore[PBX101] later\n";
        assert_eq!(run(text, vec![finding(1)]).0, 0);
    }
}
