//! Rules over a site profile (`pbxgen audit --profile`): PBX502 plaintext-secret-in-profile.

use super::finding::{Anchor, Finding, Sink};
use super::rules::secrets::PLAINTEXT_SECRET_IN_PROFILE;
use crate::profile::Profile;
use crate::redact::line::mask_line;

/// Findings about the profile itself. `text` is the profile's source, for masked snippets.
pub fn check(profile: &Profile, text: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut sink = Sink::new(&PLAINTEXT_SECRET_IN_PROFILE, &mut findings);
    let lines: Vec<&str> = text.lines().collect();
    for used in profile.inline_secrets() {
        let loc = used.secret.pos().location();
        let snippet = loc
            .line
            .checked_sub(1)
            .and_then(|i| lines.get(i as usize))
            .map(|l| mask_line(l));
        let anchor = Anchor {
            file: loc.file.clone(),
            line: loc.line.max(1),
            column: loc.column.max(1),
            snippet,
        };
        sink.report(
            anchor,
            format!("`{}` is written inline in the profile", used.field),
        )
        .option(used.field.clone());
    }
    findings
}
