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
use crate::asterisk::{self, DiagnosticCode, FileKind, ModelOptions};
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

/// How to read a configuration for an audit.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    pub asterisk_version: Option<u32>,
    /// Directories outside the audited tree that may be read too (`--allow-outside`): by
    /// default an audit reads nothing outside it ([`asterisk::source::Tree`]).
    pub allow_outside: Vec<PathBuf>,
}

/// Read a configuration directory (an /etc/asterisk-like tree) into the model of one PBX,
/// refusing input that could not be read at all (with its position).
pub fn load_dir(dir: &Path, opts: &LoadOptions) -> Result<Pbx, Error> {
    checked_model(
        asterisk::load_dir_allowing(dir, &opts.allow_outside),
        opts.asterisk_version,
    )
}

/// [`load_dir`] without the model: the configuration as read, refused the same way (for
/// `migrate`, which reads the files itself and would pay for interpreting every peer).
pub fn load_dir_config(dir: &Path, opts: &LoadOptions) -> Result<asterisk::Config, Error> {
    checked_config(asterisk::load_dir_allowing(dir, &opts.allow_outside))
}

/// Read the given files, together one PBX, refusing input that could not be read at all. A
/// file's kind is the one given, else the one its name says ([`FileKind::detect`]) or, for an
/// `.xml` file, TwiML when its root element is `<Response>`; a file whose kind is neither given
/// nor found so is refused: auditing it as nothing in particular would pass it with "no
/// findings" whatever it holds.
pub fn load_files(files: &[(PathBuf, Option<FileKind>)], opts: &LoadOptions) -> Result<Pbx, Error> {
    let mut kinds = Vec::with_capacity(files.len());
    for (path, kind) in files {
        let kind = match kind {
            Some(kind) => *kind,
            None => detect_kind(path, &opts.allow_outside)?,
        };
        kinds.push((path.clone(), kind));
    }
    checked_model(
        asterisk::load_files_as(&kinds, &opts.allow_outside),
        opts.asterisk_version,
    )
}

/// [`load_files`] without the model (as [`load_dir_config`]); every file's kind is given.
pub fn load_files_config(
    files: &[(PathBuf, FileKind)],
    opts: &LoadOptions,
) -> Result<asterisk::Config, Error> {
    checked_config(asterisk::load_files_as(files, &opts.allow_outside))
}

/// The kind a file's name (or a TwiML document's root element) says, or an error saying how to
/// give it.
fn detect_kind(path: &Path, allowed: &[PathBuf]) -> Result<FileKind, Error> {
    match asterisk::detect_file_kind(path, allowed)? {
        FileKind::Other => Err(Error::invalid(format!(
            "{}: cannot tell which Asterisk file this is from its name (no word of it names a \
             kind such as sip, pjsip or extensions, and it is not a TwiML document)",
            path.display()
        ))
        .with_hint(format!(
            "say which it is with `--kind KIND` (all files given) or `--kind {}=KIND`; KIND is \
             one of {}",
            path.display(),
            FileKind::NAMES.join(", ")
        ))),
        kind => Ok(kind),
    }
}

/// Build the model, refusing input that could not be read at all.
fn checked_model(
    config: crate::Result<asterisk::Config>,
    asterisk_version: Option<u32>,
) -> Result<Pbx, Error> {
    Ok(asterisk::build_model(
        checked_config(config)?,
        &ModelOptions { asterisk_version },
    ))
}

/// The configuration, unless nothing was found or a file could not be read.
fn checked_config(config: crate::Result<asterisk::Config>) -> Result<asterisk::Config, Error> {
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
    Ok(config)
}

/// `audit --profile`: the profile-level rules (PBX502) plus an audit of what the profile
/// renders to, exactly as a hand-written directory would be audited. The Twilio ranges are the
/// profile's (`twilio.preset`, or `load`'s: `--twilio-preset`), else the embedded preset.
pub fn audit_profile(
    path: &Path,
    opts: &AuditOptions<'_>,
    load: &crate::profile::LoadOptions,
) -> Result<Report, Error> {
    let (profile, text) = crate::profile::load_with_text(path, load)?;
    // The same check `render` runs. Secrets are resolved: weak or reused secrets (PBX501) can
    // only be seen in the values; reports mask them like in any hand-written file.
    let vetted = vet_site(
        profile,
        &text,
        &VetOptions {
            secrets: SecretCheck::Resolve,
            templates_dir: None,
            audit_rendered: true,
            asterisk_version: opts.asterisk_version,
            keep_plan: false,
        },
    );
    let more = vetted.problems.len().saturating_sub(1);
    if let Some(mut first) = vetted.problems.into_iter().next() {
        if more > 0 {
            first.hint = Some(format!(
                "and {more} more problem(s): `pbxgen profile check --resolve-secrets` lists them all"
            ));
        }
        return Err(first);
    }
    let mut report = vetted.report;
    if let Some(min) = opts.min_severity {
        let before = report.findings.len();
        report.findings.retain(|f| f.severity >= min);
        report.hidden += before - report.findings.len();
    }
    Ok(report)
}

/// How [`vet_site`] treats the profile's secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretCheck {
    /// Read and check every secret (`render`, `profile check --resolve-secrets`).
    Resolve,
    /// Check the inline values only; references are not read (`profile check`): the audit sees
    /// a distinct stand-in for each, so only the sharing of one reference is judged.
    InlineOnly,
}

/// What [`vet_site`] needs besides the profile.
#[derive(Debug, Clone)]
pub struct VetOptions {
    pub secrets: SecretCheck,
    /// `render --templates DIR`.
    pub templates_dir: Option<PathBuf>,
    /// Audit the rendered files (`render --fail-on none` skips it: at provider scale it
    /// doubles the time of a render). The profile rules always run.
    pub audit_rendered: bool,
    /// The Asterisk major the rendered files are audited for (`audit --asterisk-version`);
    /// `None`: the profile's `site.asterisk`.
    pub asterisk_version: Option<u32>,
    /// Keep the plan in [`Vetted::plan`] (`render --diff` renders it again, masked). Otherwise
    /// it is let go before the rendered files are audited: at provider scale the plan is
    /// megabytes the self-audit can reuse.
    pub keep_plan: bool,
}

/// Everything `render` would refuse about a site, found in one pass, and what it would write.
pub struct Vetted {
    /// The plan, when [`VetOptions::keep_plan`] asks for it and planning succeeded.
    pub plan: Option<crate::plan::Plan>,
    /// The files on the PBX that the rendered files name (empty when planning failed).
    pub target_files: Vec<crate::plan::TargetFile>,
    /// Every rendered file, secrets resolved (stand-ins with [`SecretCheck::InlineOnly`]):
    /// empty when there are problems.
    pub files: Vec<crate::render::RenderedFile>,
    /// What stops rendering whatever the threshold, all of them: each secret that cannot be
    /// read or breaks its rules, then a plan or render refusal.
    pub problems: Vec<Error>,
    /// The self-audit: every finding of the profile rules and of the rendered files read back
    /// like /etc/asterisk, at every severity. The caller decides the threshold.
    pub report: Report,
    /// What was done, in order, and how long it took (`-v`).
    pub steps: Vec<Step>,
}

/// One step of [`vet_site`], for `-v`.
#[derive(Debug, Clone)]
pub struct Step {
    pub what: String,
    pub took: std::time::Duration,
}

/// The one check of a site that `render` and `profile check` share: secrets (every one, so all
/// missing ones are reported at once), the profile rules, the plan, the render, and the audit of
/// every rendered file — of the *whole* site, whatever `render --only` writes later. `text` is
/// the profile's source (for masked snippets).
///
/// The profile is consumed: at provider scale it is large, and it is freed on another thread as
/// soon as the plan holds what rendering needs.
pub fn vet_site(profile: Profile, text: &str, opts: &VetOptions) -> Vetted {
    vet_site_with(profile, text, opts, None)
}

/// What [`vet_site_with`] hands the rendered files to while it audits them.
pub type WhileAuditing<'a> = &'a (dyn Fn(&[crate::render::RenderedFile]) + Sync);

/// [`vet_site`], handing the rendered files to `while_auditing` on a thread of its own while
/// they are audited — only when they are audited and nothing stopped the render before: a
/// caller that will write them can get them ready meanwhile (and drop that work if the audit
/// refuses them). [`vet_site_with`] returns when both are done.
pub fn vet_site_with(
    profile: Profile,
    text: &str,
    opts: &VetOptions,
    while_auditing: Option<WhileAuditing<'_>>,
) -> Vetted {
    use crate::render::{self, RenderOptions, SecretMode};
    let mut steps = Vec::new();
    let mut problems = Vec::new();

    // The profile rules and the plan only read the profile: the rules run on a thread of their
    // own meanwhile (the steps are listed as if one ran after the other).
    let (secrets_checked, rules, planned) = std::thread::scope(|scope| {
        let rules = scope.spawn(|| {
            let started = std::time::Instant::now();
            let findings = check_profile(&profile, text);
            (findings, started.elapsed())
        });

        let started = std::time::Instant::now();
        let uses = profile.secrets();
        let mut checked = 0;
        for used in &uses {
            if opts.secrets == SecretCheck::Resolve || used.secret.is_inline() {
                checked += 1;
                if let Err(err) = used.resolve() {
                    problems.push(err);
                }
            }
        }
        let secrets_checked = Step {
            what: format!(
                "checked {checked} of {} secret uses ({} problem(s))",
                uses.len(),
                problems.len()
            ),
            took: started.elapsed(),
        };
        drop(uses);

        let started = std::time::Instant::now();
        let plan = crate::plan::plan(&profile);
        let planned = (plan, started.elapsed());
        let rules = rules
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (secrets_checked, rules, planned)
    });
    let (mut findings, rules_took) = rules;
    steps.push(secrets_checked);
    steps.push(Step {
        what: format!("ran the profile rules ({} finding(s))", findings.len()),
        took: rules_took,
    });
    let twilio = profile
        .twilio_ranges()
        .cloned()
        .unwrap_or_else(TwilioRanges::embedded);
    let asterisk_version = opts.asterisk_version.unwrap_or(*profile.site.asterisk);
    let root = profile.dir().display().to_string();

    let (plan, plan_took) = planned;
    let plan = match plan {
        Ok(plan) => plan,
        Err(err) => {
            problems.push(err);
            return Vetted {
                plan: None,
                target_files: Vec::new(),
                files: Vec::new(),
                problems,
                report: Report::of(findings),
                steps,
            };
        }
    };
    let target_files = plan.target_files.clone();
    let keep = |plan: crate::plan::Plan| {
        if opts.keep_plan {
            Some(plan)
        } else {
            crate::dispose::dispose(plan);
            None
        }
    };
    steps.push(Step {
        what: format!(
            "planned {} file(s) with {} secret(s)",
            render::output_names(&plan).len(),
            plan.secrets.len()
        ),
        took: plan_took,
    });
    let mut step = |what: String, since: std::time::Instant| {
        steps.push(Step {
            what,
            took: since.elapsed(),
        });
    };
    crate::dispose::dispose(profile);

    // With a secret that cannot be read, the render still runs on stand-ins: the audit of the
    // rest of the site is reported in the same run.
    let mode = match opts.secrets {
        SecretCheck::Resolve if problems.is_empty() => SecretMode::Resolve,
        _ => SecretMode::InlineOnly,
    };
    let started = std::time::Instant::now();
    let options = RenderOptions {
        templates_dir: opts.templates_dir.clone(),
        only: Vec::new(),
        secrets: mode,
    };
    let files = match render::render(&plan, &options) {
        Ok(files) => files,
        Err(err) => {
            problems.push(err);
            return Vetted {
                plan: keep(plan),
                target_files,
                files: Vec::new(),
                problems,
                report: Report::of(findings),
                steps,
            };
        }
    };
    let bytes: usize = files.iter().map(|f| f.contents.len()).sum();
    step(
        format!("rendered {} file(s), {bytes} bytes", files.len()),
        started,
    );

    if !opts.audit_rendered {
        let files = if problems.is_empty() {
            files
        } else {
            Vec::new()
        };
        return Vetted {
            plan: keep(plan),
            target_files,
            files,
            problems,
            report: Report::of(findings),
            steps,
        };
    }
    let started = std::time::Instant::now();
    let audit_opts = AuditOptions {
        twilio: &twilio,
        asterisk_version: Some(asterisk_version),
        min_severity: None,
    };
    // Let go of the plan first: the model reuses its memory.
    let plan = keep(plan);
    let report = std::thread::scope(|scope| {
        if let Some(hook) = while_auditing.filter(|_| problems.is_empty()) {
            scope.spawn(|| hook(&files));
        }
        let pbx = model_of_rendered(&root, &files, audit_opts.asterisk_version);
        findings.extend(run_rules(&pbx, &audit_opts));
        let report = finish(&pbx, findings, None);
        crate::dispose::dispose(pbx);
        report
    });
    step(
        format!(
            "audited the rendered files as Asterisk {asterisk_version} reads them ({} finding(s))",
            report.findings.len()
        ),
        started,
    );
    let files = if problems.is_empty() {
        files
    } else {
        Vec::new()
    };
    Vetted {
        plan,
        target_files,
        files,
        problems,
        report,
        steps,
    }
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
    // Shared: the reader keeps the rendered text itself, no copy.
    let texts: Vec<(String, std::sync::Arc<[u8]>)> = files
        .iter()
        .map(|f| (f.name.clone(), std::sync::Arc::clone(&f.contents).into()))
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
    join_in_rule_order(per_rule.into_iter().map(|(_, f)| f).collect())
}

/// The findings of every rule, one rule after the other. When one rule's findings have room for
/// all (a rule reporting every endpoint of a provider's tree), the others are put around them
/// in place: a second vector of every finding would be alive beside it at the peak.
fn join_in_rule_order(mut per_rule: Vec<Vec<Finding>>) -> Vec<Finding> {
    let total: usize = per_rule.iter().map(Vec::len).sum();
    let roomiest = (0..per_rule.len()).max_by_key(|&i| per_rule[i].capacity());
    match roomiest {
        Some(at) if per_rule[at].capacity() >= total => {
            let after: Vec<Vec<Finding>> = per_rule.drain(at + 1..).collect();
            let mut findings = per_rule.pop().expect("the roomiest rule's findings");
            let before: Vec<Finding> = per_rule.into_iter().flatten().collect();
            findings.splice(0..0, before);
            findings.extend(after.into_iter().flatten());
            findings
        }
        _ => per_rule.into_iter().flatten().collect(),
    }
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
    // Suppressions are comments containing `pbxgen:`: a file without one (every large
    // generated file) is not decoded for them.
    let texts: Vec<(&str, std::borrow::Cow<'_, str>)> = pbx
        .config
        .sources
        .files()
        .iter()
        .map(|f| {
            let text = if engine::suppress::may_hold_suppressions(&f.bytes) {
                f.text()
            } else {
                std::borrow::Cow::Borrowed("")
            };
            (f.display.as_str(), text)
        })
        .collect();
    let sources: Vec<SourceText<'_>> = texts
        .iter()
        .map(|(d, t)| SourceText {
            display: d,
            text: t,
        })
        .collect();
    let suppressed = suppress(&sources, &mut findings);
    name_same_line_sections(&mut findings);
    let before = findings.len();
    if let Some(min) = min_severity {
        findings.retain(|f| f.severity >= min);
    }
    let hidden = before - findings.len();
    crate::stable_sort::sort_by_in_place(&mut findings, |a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key() && a.message == b.message);
    let inputs = pbx
        .config
        .files
        .iter()
        .map(|f| output::Input {
            file: pbx.config.sources.display(f.file).to_string(),
            kind: f.kind,
        })
        .collect();
    Report {
        findings,
        suppressed,
        hidden,
        root_prefix: String::new(),
        inputs,
    }
}

/// Name, in its message, the other sections each finding's line applies to (the sink folded
/// them into it: see [`engine::SameLine`]).
fn name_same_line_sections(findings: &mut [Finding]) {
    for f in findings {
        if let Some(same) = &f.same_line {
            let clause = same.describe();
            f.message.push_str(&clause);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::engine::Anchor;
    use super::*;
    use crate::audit::rules::sip::pbx101_sip_guest_calls::RULE as GUEST_CALLS;

    /// Rule order is kept whichever rule's findings are the roomiest.
    #[test]
    fn findings_are_joined_in_rule_order() {
        let lines = |r: std::ops::Range<u32>| r.map(finding).collect::<Vec<_>>();
        let mut roomy = lines(10..12);
        roomy.reserve(100);
        for per_rule in [
            vec![lines(1..3), roomy.clone(), lines(20..21)],
            vec![lines(1..3), lines(10..12), lines(20..21)],
            vec![Vec::new(), roomy, Vec::new()],
        ] {
            let expected: Vec<u32> = per_rule.iter().flatten().map(|f| f.line).collect();
            let joined: Vec<u32> = join_in_rule_order(per_rule)
                .iter()
                .map(|f| f.line)
                .collect();
            assert_eq!(joined, expected);
        }
    }

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

    /// Seven sections inheriting line 3 from a template, and one finding elsewhere: where
    /// each is reported, and about which section.
    fn inherited_reports() -> impl Iterator<Item = (Anchor, String)> {
        let place = |line| Anchor {
            file: "sip.conf".into(),
            line,
            column: 1,
            snippet: None,
        };
        (0..7)
            .map(move |i| (place(3), format!("s{i}")))
            .chain([(place(9), "x".to_string())])
    }

    fn inherited_findings() -> Vec<Finding> {
        let mut v = Vec::new();
        let mut sink = Sink::new(&GUEST_CALLS, &mut v);
        for (anchor, section) in inherited_reports() {
            sink.report(anchor, "guest calls").section(section);
        }
        drop(sink);
        v
    }

    #[test]
    fn sections_inheriting_one_line_are_one_finding_naming_them() {
        let mut findings = inherited_findings();
        assert_eq!(findings.len(), 2);
        assert_eq!(findings[0].multiplicity(), 7);
        name_same_line_sections(&mut findings);
        assert_eq!(
            findings[0].message,
            "guest calls (the same line also applies to [s1], [s2], [s3], [s4], [s5] and 1 more)"
        );
        assert_eq!(findings[1].message, "guest calls");
    }

    #[test]
    fn report_about_folds_like_report_then_section() {
        let mut v = Vec::new();
        let mut sink = Sink::new(&GUEST_CALLS, &mut v);
        let mut worded = 0;
        for (anchor, section) in inherited_reports() {
            sink.report_about(anchor, section, || {
                worded += 1;
                "guest calls".into()
            });
        }
        drop(sink);
        assert_eq!(worded, 2, "a folded finding's message is never worded");
        let expected = inherited_findings();
        assert_eq!(v.len(), expected.len());
        for (a, b) in v.iter().zip(&expected) {
            assert_eq!((a.line, &a.section), (b.line, &b.section));
            assert_eq!(a.multiplicity(), b.multiplicity());
            assert_eq!(
                a.same_line.as_ref().map(|s| &s.sections),
                b.same_line.as_ref().map(|s| &s.sections)
            );
        }
    }

    #[test]
    fn a_suppressed_template_line_counts_every_section() {
        let text = "[general]\n[t](!)\nallowguest=yes ; pbxgen: ignore[PBX101] lab\n";
        let (n, rest) = run(text, inherited_findings());
        assert_eq!(n, 7);
        assert_eq!(rest, vec![("PBX101".into(), 9)]);
    }

    #[test]
    fn ordinary_comments_are_not_suppressions() {
        let text = "allowguest=yes ; see pbxgen: ignore[PBX101] later\n";
        assert_eq!(run(text, vec![finding(1)]).0, 0);
    }
}
