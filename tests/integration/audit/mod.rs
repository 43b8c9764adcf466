//! Integration tests: audit — every rule against its fixtures, the seed blog's setup, the output
//! formats (JSON shape, SARIF schema, GitHub annotations), exit codes, secrets, the corpus.

mod breadth;
mod cli;
mod corpus;
mod fixtures;
mod formats;
mod hostile;
mod seed_blog;
mod web_entries;

use pbxgen::asterisk::{ModelOptions, Pbx, build_model, load_dir};
use pbxgen::audit::output::Report;
use pbxgen::audit::{AuditOptions, audit};
use pbxgen::twilio::TwilioRanges;
use std::path::Path;

/// Load a config directory into a model.
pub fn model(dir: &Path, asterisk_version: Option<u32>) -> Pbx {
    let config = load_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    build_model(config, &ModelOptions { asterisk_version })
}

/// Audit a config directory with the embedded Twilio preset.
pub fn audit_dir(dir: &Path, asterisk_version: Option<u32>) -> Report {
    let pbx = model(dir, asterisk_version);
    let twilio = TwilioRanges::embedded();
    audit(
        &pbx,
        &AuditOptions {
            twilio: &twilio,
            asterisk_version,
            min_severity: None,
        },
    )
}

/// The rule codes of a report, in report order.
pub fn codes(report: &Report) -> Vec<&'static str> {
    report.findings.iter().map(|f| f.rule.code).collect()
}
