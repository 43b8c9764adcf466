//! `pbxgen profile check` and `pbxgen profile schema`.

use super::args::ProfileCheckArgs;
use super::exit;
use super::term::Term;
use pbxgen::Error;
use pbxgen::profile::{self, Profile};

/// Validate a profile; print a short summary. Exit 0, or 2 (through the error) when invalid.
pub fn check(args: &ProfileCheckArgs, term: &Term) -> Result<u8, Error> {
    let profile = profile::load(&args.profile)?;
    let secrets = profile.secrets();
    if args.resolve_secrets {
        for used in &secrets {
            used.resolve()?;
        }
    }
    if term.quiet {
        return Ok(exit::OK);
    }
    println!("{}", summary(&profile, args.resolve_secrets));
    // A generated profile can hold thousands of inline secrets: show a few, count the rest.
    const SHOWN: usize = 10;
    let inline = profile.inline_secrets();
    for used in inline.iter().take(SHOWN) {
        eprintln!(
            "warning: {}: `{}` is an inline secret (audit rule PBX502); use ${{env:NAME}} or ${{file:PATH}}",
            used.secret.pos().location(),
            used.field
        );
    }
    if inline.len() > SHOWN {
        eprintln!(
            "warning: … and {} more inline secrets",
            inline.len() - SHOWN
        );
    }
    if let Some(webhook) = profile.twilio.as_ref().and_then(|t| t.webhook.as_ref())
        && !webhook.public_url.url().is_https()
    {
        eprintln!(
            "warning: {}: `twilio.webhook.public_url` is `http://` (audit rule PBX311): Twilio's requests and the TwiML answers could be read and changed on the way; use `https://`",
            webhook.public_url.pos().location()
        );
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
            profile.path().display(),
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
