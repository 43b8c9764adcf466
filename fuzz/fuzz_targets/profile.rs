//! Fuzz the site-profile loader and everything after it: any bytes, read as a profile, must
//! never panic — loading and validation (errors are fine), then the site check `render` and
//! `profile check` run (`audit::vet_site`: the profile rules, planning, rendering in memory and
//! the self-audit of what was rendered). Secrets are not resolved (`SecretCheck::InlineOnly`:
//! references get stand-ins; no file or environment is read for them).
#![no_main]

use libfuzzer_sys::fuzz_target;
use pbxgen::audit::{self, SecretCheck, VetOptions};
use pbxgen::profile::{self, Origin};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(profile) = profile::parse(text, Origin::named("fuzz.yaml")) else {
        return;
    };
    // Every secret the profile uses can be named (never printed).
    for used in profile.secrets() {
        let _ = used.secret.reference();
    }
    let vetted = audit::vet_site(
        profile,
        text,
        &VetOptions {
            secrets: SecretCheck::InlineOnly,
            templates_dir: None,
            audit_rendered: true,
            asterisk_version: None,
            keep_plan: false,
        },
    );
    // Problems are refusals with a message, never a panic; the report must serialise.
    for problem in &vetted.problems {
        assert!(!problem.message.is_empty());
    }
    let _ = pbxgen::audit::output::json::render(&vetted.report);
});
