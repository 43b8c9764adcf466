//! What `pbxgen twilio serve` serves: a site profile's `twilio.webhook` turned into the
//! [`WebhookConfig`] of the webhook server (`twilio::webhook`).
//!
//! The answer to `…/NAME/voice` is the rendered `twiml-NAME.xml`, byte for byte: it is rendered
//! here by the same function, template and plan as `pbxgen render` writes it (the output
//! registry's TwiML output), never assembled a second way.

use crate::diag::Error;
use crate::plan;
use crate::profile::Profile;
use crate::render::outputs::OutputKind;
use crate::render::{self, RenderOptions, SecretMode};
use crate::twilio::webhook::{AuthToken, Failover, NumberRoute, TlsFiles, WebhookConfig};
use std::net::SocketAddr;
use std::path::PathBuf;

/// What the command line may change for one run (the systemd unit passes the credential
/// files; tests pass port 0).
#[derive(Clone, Debug, Default)]
pub struct ServeOverrides {
    /// Listen here instead of `twilio.webhook.listen`.
    pub listen: Option<SocketAddr>,
    /// Read the auth token from this file instead of the profile's `auth_token` reference.
    pub token_file: Option<PathBuf>,
    /// Serve HTTPS with these PEM files instead of `twilio.webhook.tls`.
    pub tls: Option<TlsFiles>,
    /// Render the voice TwiML with these template overrides (as `render --templates DIR` did).
    pub templates_dir: Option<PathBuf>,
}

/// The webhook server's configuration for `profile`.
pub fn webhook_config(
    profile: &Profile,
    overrides: &ServeOverrides,
) -> Result<WebhookConfig, Error> {
    let webhook = profile
        .twilio
        .as_ref()
        .and_then(|t| t.webhook.as_ref())
        .ok_or_else(|| no_webhook(profile))?;
    let auth_token = match &overrides.token_file {
        Some(path) => AuthToken::from_file(path)?,
        None => auth_token(profile)?,
    };
    let numbers = number_routes(profile, overrides.templates_dir.clone())?;
    let mut config = WebhookConfig::new(webhook.public_url.url().clone(), auth_token, numbers);
    config.listen = overrides.listen.unwrap_or_else(|| webhook.listen.addr());
    config.tls = match (&overrides.tls, &webhook.tls) {
        (Some(files), _) => Some(files.clone()),
        (None, Some(tls)) => Some(TlsFiles {
            cert_file: PathBuf::from(tls.cert_file.as_str()),
            key_file: PathBuf::from(tls.key_file.as_str()),
        }),
        (None, None) => None,
    };
    config.validate()?;
    Ok(config)
}

/// The auth token of `twilio.webhook.auth_token`, resolved (for `twilio serve` and
/// `twilio sign --profile`). Errors name the reference, never the value.
pub fn auth_token(profile: &Profile) -> Result<AuthToken, Error> {
    let webhook = profile
        .twilio
        .as_ref()
        .and_then(|t| t.webhook.as_ref())
        .ok_or_else(|| no_webhook(profile))?;
    Ok(AuthToken::new(webhook.auth_token.resolve()?))
}

/// One route per Twilio number, its voice answer rendered as `twiml-NAME.xml` is.
fn number_routes(
    profile: &Profile,
    templates_dir: Option<PathBuf>,
) -> Result<Vec<NumberRoute>, Error> {
    let plan = plan::plan(profile)?;
    let twiml = OutputKind::Twiml.output();
    let names: Vec<String> = plan
        .twiml
        .iter()
        .map(|t| twiml.file_name(&t.name))
        .collect();
    let options = RenderOptions {
        templates_dir,
        only: names.clone(),
        // The TwiML template prints no secret; nothing else of the profile is resolved.
        secrets: SecretMode::Mask,
    };
    let rendered = render::render(&plan, &options)?;
    let twilio = profile
        .twilio
        .as_ref()
        .expect("a webhook lives in `twilio`");
    let mut routes = Vec::with_capacity(twilio.numbers.len());
    for (number, file) in twilio.numbers.iter().zip(&names) {
        let index = rendered
            .iter()
            .position(|r| &r.name == file)
            .expect("every number renders its TwiML file");
        routes.push(NumberRoute {
            name: number.name.to_string(),
            number: number.number.to_string(),
            voice_twiml: rendered[index].contents.to_string(),
            failover: number.failover.as_ref().map(|f| Failover {
                number: f.number.to_string(),
                on: f.on.iter().map(|s| s.value).collect(),
            }),
        });
    }
    Ok(routes)
}

fn no_webhook(profile: &Profile) -> Error {
    Error::invalid(format!(
        "{}: the profile has no `twilio.webhook`: there is nothing to serve or sign for",
        profile.path().display()
    ))
    .with_hint(
        "add `twilio.webhook: { public_url: https://…, auth_token: ${file:…} }` (see the README, \
         \"Twilio webhooks\")",
    )
}
