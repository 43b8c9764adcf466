//! `pbxgen profile check` and `pbxgen profile schema`.

use super::args::ProfileCheckArgs;
use super::exit;
use super::term::Term;
use pbxgen::audit::output;
use pbxgen::audit::{self, SecretCheck, VetOptions};
use pbxgen::diag::{Error, ErrorKind};
use pbxgen::profile::{self, Profile};
use pbxgen::untrusted::for_terminal;

/// Check a profile the way `render` would before writing — the profile, every secret (inline
/// ones always, references with `--resolve-secrets`), the plan, the render and the self-audit
/// of the whole site — and print a short summary. Every problem is printed, not just the first.
/// Exit 0; 1 when the self-audit has findings at or above `--fail-on` (render would refuse);
/// 2 when the profile is invalid or a secret or the render fails.
pub fn check(args: &ProfileCheckArgs, term: &Term) -> Result<u8, Error> {
    let load = profile::LoadOptions {
        twilio_ranges: args
            .twilio_preset
            .as_deref()
            .map(pbxgen::twilio::TwilioRanges::load)
            .transpose()?,
    };
    let (profile, text) = profile::load_with_text(&args.profile, &load)?;
    let summary = summary(&profile, args.resolve_secrets);
    // Where the profile says it: PBX311 reports the rendered TwiML file.
    let plain_webhook = profile
        .twilio
        .as_ref()
        .and_then(|t| t.webhook.as_ref())
        .filter(|webhook| !webhook.public_url.url().is_https())
        .map(|webhook| {
            format!(
                "warning: {}: `twilio.webhook.public_url` is `http://` (audit rule PBX311): Twilio's requests and the TwiML answers could be read and changed on the way; use `https://`",
                for_terminal(&webhook.public_url.pos().location().to_string())
            )
        });
    let vetted = audit::vet_site(
        profile,
        &text,
        &VetOptions {
            secrets: if args.resolve_secrets {
                SecretCheck::Resolve
            } else {
                SecretCheck::InlineOnly
            },
            templates_dir: None,
            asterisk_version: None,
            audit_rendered: true,
            keep_plan: false,
        },
    );
    if term.verbose > 0 {
        for step in &vetted.steps {
            eprintln!(
                "pbxgen: {} ({} ms)",
                for_terminal(&step.what),
                step.took.as_millis()
            );
        }
    }
    let refused = vetted.report.fails(args.fail_on);
    if !vetted.report.findings.is_empty() && (refused || !term.quiet) {
        // Written as it is made (a large site's findings run to megabytes); a closed stderr
        // loses only the listing.
        let _ = output::text::write(&vetted.report, term.color, &mut std::io::stderr().lock());
    }
    if let Some(warning) = plain_webhook.filter(|_| refused || !term.quiet) {
        eprintln!("{warning}");
    }
    if !vetted.problems.is_empty() {
        for problem in &vetted.problems {
            super::print_error(problem, term);
        }
        return Err(Error::invalid(format!(
            "{}: {} problem(s) above; `pbxgen render` would refuse this profile",
            args.profile.display(),
            vetted.problems.len()
        )));
    }
    if refused {
        return Err(Error::invalid(format!(
            "{}: the rendered site has findings at or above `{}`; `pbxgen render` would refuse to write it",
            args.profile.display(),
            args.fail_on.as_str()
        ))
        .with_hint("fix the profile, or see `pbxgen render --fail-on`")
        .with_kind(ErrorKind::Findings));
    }
    if !term.quiet {
        println!("{summary}");
    }
    Ok(exit::OK)
}

/// The few lines `profile check` prints for a valid profile.
fn summary(profile: &Profile, resolved: bool) -> String {
    let drivers: Vec<&str> = profile
        .site
        .channel_drivers
        .iter()
        .map(|d| match d.value {
            profile::ChannelDriver::Pjsip => "pjsip",
            profile::ChannelDriver::Sip => "sip",
        })
        .collect();
    let mut trunks = Vec::new();
    if let Some(twilio) = &profile.twilio {
        let mut parts = Vec::new();
        if twilio.origination.is_some() {
            parts.push("origination");
        }
        if twilio.termination.is_some() {
            parts.push("termination");
        }
        trunks.push(format!("twilio ({})", parts.join(" + ")));
    }
    trunks.extend(profile.trunks.iter().map(|t| t.name.to_string()));
    trunks.extend(
        profile
            .pstn_lines()
            .map(|(d, p)| format!("{} (PSTN line of {})", p.trunk, d.name)),
    );
    let sms = match profile.websms() {
        Some(w) => format!(
            "websms, {} layout{}",
            match w.layout {
                profile::WebSmsLayout::Legacy => "legacy",
                profile::WebSmsLayout::Current => "current",
            },
            w.provider
                .as_ref()
                .map(|p| format!(", provider {p}"))
                .unwrap_or_default()
        ),
        None => "none".to_string(),
    };
    let secrets = profile.secrets();
    let inline = secrets.iter().filter(|s| s.secret.is_inline()).count();
    let state = if resolved { ", all resolved" } else { "" };
    [
        format!(
            "{}: valid profile for site `{}`",
            for_terminal(&profile.path().display().to_string()),
            profile.site.name
        ),
        format!(
            "  target:     Asterisk {} ({})",
            profile.site.asterisk.value,
            drivers.join(", ")
        ),
        format!("  extensions: {}", profile.extensions.len()),
        format!(
            "  trunks:     {}",
            if trunks.is_empty() {
                "none".to_string()
            } else {
                trunks.join(", ")
            }
        ),
        format!("  devices:    {}", profile.devices.len()),
        format!(
            "  routes:     {} inbound, {} outbound",
            profile.inbound.len(),
            profile.outbound.len()
        ),
        format!("  sms:        {sms}"),
        format!("  webhook:    {}", webhook_summary(profile)),
        format!(
            "  secrets:    {} by reference, {} inline{state}",
            secrets.len() - inline,
            inline
        ),
    ]
    .join("\n")
}

/// `https://… on ADDR, failover: main` or `none`.
fn webhook_summary(profile: &Profile) -> String {
    let Some(twilio) = &profile.twilio else {
        return "none".to_string();
    };
    let Some(webhook) = &twilio.webhook else {
        return "none".to_string();
    };
    let failover: Vec<&str> = twilio
        .numbers
        .iter()
        .filter(|n| n.failover.is_some())
        .map(|n| n.name.as_str())
        .collect();
    let failover = if failover.is_empty() {
        "none".to_string()
    } else {
        failover.join(", ")
    };
    format!(
        "{} on {}{}, failover: {failover}",
        webhook.public_url,
        webhook.listen,
        if webhook.tls.is_some() {
            " (HTTPS)"
        } else {
            ""
        }
    )
}

/// Print the JSON Schema (draft-07) of site profiles.
pub fn schema(_term: &Term) -> Result<u8, Error> {
    print!("{}", profile::schema_json());
    Ok(exit::OK)
}
