//! The verify report: findings (caused by the configuration, counted), environment noise
//! (listed with its reason, not counted), the objects Asterisk loaded, and their comparison with
//! pbxgen's prediction. Serialises to JSON; no secret value is ever in it (messages that quote a
//! secret option's value are masked).

use super::classify::{Class, Classified, classify};
use super::log::LogEntry;
use super::objects::{Comparison, ObjectSets, compare};
use super::predict::Prediction;
use crate::asterisk::{self, ModelOptions, Pbx};
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::Path;

/// Which Asterisk answered.
#[derive(Clone, Debug, Default, Serialize)]
pub struct AsteriskInfo {
    /// `core show version`.
    pub version: String,
    /// The binary (inside `root` when there is one).
    pub binary: String,
    /// The sandbox root it ran in, if any.
    pub root: Option<String>,
}

/// Where a finding points.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FindingLocation {
    /// Relative to the directory verified (`pjsip.conf`), or absolute when Asterisk named a file
    /// outside it.
    pub file: String,
    pub line: Option<u32>,
}

impl std::fmt::Display for FindingLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}", self.file),
            None => f.write_str(&self.file),
        }
    }
}

/// One ERROR or WARNING (identical ones are counted once, with `count`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// ERROR or WARNING.
    pub level: String,
    /// Asterisk's message (secret values masked, the instance's paths made relative).
    pub message: String,
    pub location: Option<FindingLocation>,
    /// The object the message is about (`transport 'tls'`), when it names one.
    pub object: Option<String>,
    /// The Asterisk source that logged it (`config_options.c:798 aco_process_var`).
    pub source: String,
    /// The classification rule that matched (see `classify::RULES`).
    pub rule: Option<String>,
    /// For environment noise: why it is not the configuration's fault.
    pub reason: Option<String>,
    /// How many times Asterisk logged it.
    pub count: u32,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(loc) = &self.location {
            write!(f, "{loc}: ")?;
        }
        write!(f, "{}: {}", self.level, self.message)?;
        if self.count > 1 {
            write!(f, " (x{})", self.count)?;
        }
        if let Some(reason) = &self.reason {
            write!(f, " [{reason}]")?;
        }
        Ok(())
    }
}

/// What Asterisk made of a configuration directory.
#[derive(Clone, Debug, Default, Serialize)]
pub struct VerifyReport {
    /// The directory verified.
    pub directory: String,
    pub asterisk: AsteriskInfo,
    /// Seconds from start to fully booted.
    pub boot_seconds: f64,
    /// The files of the directory that Asterisk was given (relative names).
    pub files: Vec<String>,
    /// asterisk.conf, modules.conf, logger.conf of the directory: replaced by the instance's own.
    pub replaced: Vec<String>,
    /// ERRORs caused by the configuration (each occurrence).
    pub errors: u32,
    /// WARNINGs caused by the configuration (each occurrence).
    pub warnings: u32,
    /// The ERRORs and WARNINGs caused by the configuration.
    pub findings: Vec<Finding>,
    /// ERRORs and WARNINGs caused by the throwaway environment, with their reason: not counted.
    pub environment: Vec<Finding>,
    /// Files Asterisk refused as a whole (`pjsip.conf` when sorcery could not parse it,
    /// `extensions.conf` when pbx_config declined to load).
    pub rejected: BTreeSet<String>,
    /// The objects Asterisk reported.
    pub objects: ObjectSets,
    /// pbxgen's prediction, when one was given.
    pub prediction: Option<Prediction>,
    /// Asterisk's objects against the prediction.
    pub comparison: Option<Comparison>,
}

impl VerifyReport {
    /// No ERROR or WARNING caused by the configuration, and (when there is a prediction) the
    /// objects and rejected files are the predicted ones. (The command line exits 0 when clean,
    /// 1 when not, 2 when verify could not run at all: an `Err`.)
    pub fn is_clean(&self) -> bool {
        self.errors == 0
            && self.warnings == 0
            && self.comparison.as_ref().is_none_or(Comparison::is_exact)
            && self
                .prediction
                .as_ref()
                .is_none_or(|p| p.rejected == self.rejected)
    }

    /// The findings, one a line (for test failures and the text output).
    pub fn findings_text(&self) -> String {
        self.findings.iter().map(|f| format!("{f}\n")).collect()
    }
}

/// Build the report from the instance's log and objects. `files` are the directory's files
/// (relative names) as given to Asterisk.
pub fn build(
    dir: &Path,
    files: &[String],
    entries: &[LogEntry],
    objects: ObjectSets,
    prediction: Option<&Prediction>,
) -> VerifyReport {
    let present = |name: &str| files.iter().any(|f| f == name);
    let classified = classify(entries, &present);
    // pbxgen's model of the same directory: where objects, contexts and #includes are.
    let model = asterisk::load_dir(dir)
        .ok()
        .map(|c| asterisk::build_model(c, &ModelOptions::default()));
    let mut report = VerifyReport {
        directory: dir.display().to_string(),
        files: files.to_vec(),
        objects,
        ..VerifyReport::default()
    };
    for (i, c) in classified.iter().enumerate() {
        let e = &entries[c.index];
        let location = locate(c, &classified[i + 1..], entries, model.as_ref(), &present);
        let object = match (c.captures.get("type"), c.captures.get("id")) {
            (Some(t), Some(id)) => Some(format!("{t} '{id}'")),
            _ => None,
        };
        let (reason, counted) = match &c.class {
            Class::Config => (None, true),
            Class::Environment(r) => (Some(r.clone()), false),
        };
        if counted {
            match c.rule {
                Some("sorcery-file-invalid") => {
                    if let Some(f) = c.captures.get("file") {
                        report.rejected.insert(relative(f));
                    }
                }
                Some("module-declined") => match c.captures.get("module").map(String::as_str) {
                    Some("pbx_config") => {
                        report.rejected.insert("extensions.conf".to_string());
                    }
                    Some("chan_sip") => {
                        report.rejected.insert("sip.conf".to_string());
                    }
                    _ => {}
                },
                _ => {}
            }
            if e.level == "ERROR" {
                report.errors += 1;
            } else {
                report.warnings += 1;
            }
        }
        let finding = Finding {
            level: e.level.clone(),
            message: clean_message(&e.message),
            location,
            object,
            source: e.source(),
            rule: c.rule.map(str::to_string),
            reason,
            count: 1,
        };
        let list = if counted {
            &mut report.findings
        } else {
            &mut report.environment
        };
        match list.iter_mut().find(|f| {
            f.level == finding.level
                && f.message == finding.message
                && f.location == finding.location
        }) {
            Some(f) => f.count += 1,
            None => list.push(finding),
        }
    }
    if let Some(p) = prediction {
        report.comparison = Some(compare(&report.objects, &p.objects));
        report.prediction = Some(p.clone());
    }
    report
}

/// A file name as Asterisk printed it, relative to the instance's configuration directory when it
/// is in it (`/tmp/pbxgen-asterisk.X/etc/pjsip.conf` → `pjsip.conf`).
fn relative(file: &str) -> String {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"^(?:/.*?/pbxgen-(?:asterisk|sandbox)\.[^/]+/etc/)")
            .expect("static regex")
    });
    re.replace(file, "").into_owned()
}

/// Asterisk's message as shown: the instance's paths made relative, the value of a secret option
/// (`password=…`) and credentials inside URIs masked.
fn clean_message(message: &str) -> String {
    static PATHS: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    static OPTS: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let paths = PATHS.get_or_init(|| {
        regex::Regex::new(r"/[^\s'\x22]*?/pbxgen-(?:asterisk|sandbox)\.[^/\s]+/etc/")
            .expect("static regex")
    });
    let opts = OPTS.get_or_init(|| {
        regex::Regex::new(r"([A-Za-z_][A-Za-z0-9_]*(?:\[\d+\])?)(\s*=\s*)(\S+)")
            .expect("static regex")
    });
    let text = paths.replace_all(message, "");
    let text = opts.replace_all(&text, |c: &regex::Captures| {
        if crate::redact::is_secret_key(&c[1]) {
            format!("{}{}{}", &c[1], &c[2], crate::redact::MASK)
        } else {
            c[0].to_string()
        }
    });
    crate::redact::value::mask_inline_credentials(&text).into_owned()
}

/// Where a classified message points: its own `line of file`, else the file named by the message
/// that follows it in the same thread (sorcery names it, config_options.c leaves it empty), else
/// the object, context or `#include` it names, found in pbxgen's model of the directory.
fn locate(
    c: &Classified,
    later: &[Classified],
    entries: &[LogEntry],
    model: Option<&Pbx>,
    present: &dyn Fn(&str) -> bool,
) -> Option<FindingLocation> {
    let line: Option<u32> = c.captures.get("line").and_then(|l| l.parse().ok());
    let lwp = entries[c.index].lwp;
    let file = c.captures.get("file").map(|f| relative(f)).or_else(|| {
        line.and_then(|_| {
            later
                .iter()
                .take(3)
                .find(|n| entries[n.index].lwp == lwp && n.captures.contains_key("file"))
                .and_then(|n| n.captures.get("file").map(|f| relative(f)))
        })
    });
    if let (Some(file), Some(line)) = (&file, line) {
        return Some(FindingLocation {
            file: file.clone(),
            line: Some(line),
        });
    }
    if let Some(model) = model {
        if let Some(pos) = model_position(c, model) {
            let loc = model.config.location(pos);
            return Some(FindingLocation {
                file: loc.file,
                line: Some(loc.line),
            });
        }
    }
    // The file the message is about, when the directory has it (a module's missing file is no
    // place to point at).
    file.or_else(|| c.conf.clone().filter(|f| present(f)))
        .map(|file| FindingLocation { file, line })
}

fn model_position(c: &Classified, model: &Pbx) -> Option<asterisk::Pos> {
    let id = c.captures.get("id");
    match c.rule? {
        "include-missing" => {
            let include = c.captures.get("include")?;
            model
                .config
                .files
                .iter()
                .flat_map(|f| f.directives.iter())
                .find(|d| d.argument == *include)
                .map(|d| d.pos)
        }
        "include-nonexistent" => {
            let ctx = model.dialplan.context(id?)?;
            let include = c.captures.get("include")?;
            ctx.includes
                .iter()
                .find(|i| i.context == *include)
                .map(|i| i.pos)
                .or(Some(ctx.pos))
        }
        "include-parkedcalls" => {
            let ctx = model.dialplan.context(id?)?;
            ctx.includes
                .iter()
                .find(|i| i.context == "parkedcalls")
                .map(|i| i.pos)
        }
        _ => {
            let id = id?;
            let pjsip = model.pjsip.as_ref()?;
            let ty = c
                .captures
                .get("type")
                .map(|t| t.to_ascii_lowercase())
                .or_else(|| match c.rule {
                    Some("tls-file-missing") => Some("transport".to_string()),
                    Some("identify-unresolved") => Some("identify".to_string()),
                    Some("pjsip-send-dns") => Some("endpoint".to_string()),
                    _ => None,
                })?;
            pjsip
                .objects
                .iter()
                .find(|o| o.kind == ty && o.meta.id == *id)
                .map(|o| o.meta.pos)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_made_relative_and_secrets_masked() {
        assert_eq!(
            clean_message(
                "parse error: no closing ')', line 97 of /tmp/pbxgen-asterisk.AbC/etc/pjsip.conf"
            ),
            "parse error: no closing ')', line 97 of pjsip.conf"
        );
        assert_eq!(
            clean_message("Error parsing password=hunter2 at line 3 of pjsip.conf"),
            format!(
                "Error parsing password={} at line 3 of pjsip.conf",
                crate::redact::MASK
            )
        );
        assert_eq!(
            clean_message("Error parsing bind=x.x.x.x:5060 at line 8 of"),
            "Error parsing bind=x.x.x.x:5060 at line 8 of"
        );
        assert_eq!(
            relative("/tmp/pbxgen-sandbox.x1/etc/extensions.conf"),
            "extensions.conf"
        );
        assert_eq!(relative("pjsip.conf"), "pjsip.conf");
    }
}
