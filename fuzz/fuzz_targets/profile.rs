//! Fuzz the site-profile loader and everything after it: any bytes, read as a profile, must
//! never panic — loading and validation (errors are fine), then planning, rendering in memory
//! (secrets masked: nothing is resolved, no file or environment is read for them) and the
//! self-audit `render` runs on its own output.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pbxgen::audit::engine::Severity;
use pbxgen::profile::{self, Origin};
use pbxgen::render::{self, RenderOptions, SecretMode};
use pbxgen::twilio::TwilioRanges;
use std::sync::LazyLock;

static TWILIO: LazyLock<TwilioRanges> = LazyLock::new(TwilioRanges::embedded);

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
    let Ok(plan) = pbxgen::plan::plan(&profile) else {
        return;
    };
    let options = RenderOptions {
        templates_dir: None,
        only: Vec::new(),
        secrets: SecretMode::Mask,
    };
    let Ok(files) = render::render(&plan, &options) else {
        return;
    };
    let twilio = profile.twilio_ranges().unwrap_or(&TWILIO);
    let report =
        pbxgen::audit::audit_rendered(&files, twilio, *profile.site.asterisk, Severity::Info);
    let _ = pbxgen::audit::output::json::render(&report);
});
