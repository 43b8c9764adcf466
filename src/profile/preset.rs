//! Provider and device presets shipped in `profiles/` and embedded in the binary, so that a site
//! profile says `provider: zadarma` instead of repeating the ITSP's API facts.
//!
//! (The Twilio range preset lives in [`crate::twilio::ranges`]; `twilio.preset` selects it.)

use super::load::parse_yaml;
use super::resolved::Spa3102Config;
use super::span::Origin;
use super::types::{WebSmsApi, WebSmsFields, Webhook};
use crate::diag::Error;
use serde::Deserialize;
use std::sync::LazyLock;

/// The SMS provider presets: (name, file text).
pub const PROVIDERS: &[(&str, &str)] = &[("zadarma", include_str!("../../profiles/zadarma.yaml"))];

/// The SPA3102 defaults (`profiles/spa3102.yaml`).
pub const SPA3102: &str = include_str!("../../profiles/spa3102.yaml");

/// A WebSMS provider preset: the same `api`, `fields` and `webhook` blocks as `sms.websms`,
/// without account credentials.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderPreset {
    /// What the preset is for.
    pub description: String,
    #[serde(default)]
    pub api: WebSmsApi,
    #[serde(default)]
    pub fields: WebSmsFields,
    #[serde(default)]
    pub webhook: Webhook,
}

/// The names of the provider presets.
pub fn provider_names() -> Vec<&'static str> {
    PROVIDERS.iter().map(|(name, _)| *name).collect()
}

/// The provider preset called `name`, if there is one.
pub fn provider(name: &str) -> Option<Result<ProviderPreset, Error>> {
    let (name, text) = PROVIDERS.iter().find(|(n, _)| *n == name)?;
    let origin = Origin::named(&format!("profiles/{name}.yaml (embedded)"));
    Some(parse_yaml::<ProviderPreset>(text, &origin).and_then(|preset| {
        if preset.api.user.is_some() || preset.api.secret.is_some() {
            return Err(Error::invalid(format!(
                "{}: a provider preset must not hold account credentials (api.user, api.secret)",
                origin.name
            )));
        }
        Ok(preset)
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Spa3102Preset {
    #[allow(dead_code)]
    description: String,
    settings: Spa3102Config,
}

/// The SPA3102 defaults every device starts from (the embedded `profiles/spa3102.yaml`).
pub fn spa3102_defaults() -> &'static Spa3102Config {
    static DEFAULTS: LazyLock<Spa3102Config> = LazyLock::new(|| {
        let origin = Origin::named("profiles/spa3102.yaml (embedded)");
        parse_yaml::<Spa3102Preset>(SPA3102, &origin)
            .expect("the embedded SPA3102 preset is valid (checked by tests)")
            .settings
    });
    &DEFAULTS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_presets_are_valid() {
        for name in provider_names() {
            provider(name).unwrap().unwrap();
        }
        let zadarma = provider("zadarma").unwrap().unwrap();
        assert_eq!(zadarma.api.path.unwrap().as_str(), "/v1/sms/send/");
        assert_eq!(
            zadarma.webhook.allow_from.unwrap().value[0].to_string(),
            "185.45.152.42/32"
        );
        let spa = spa3102_defaults();
        assert_eq!(spa.dtmf_tx_method, crate::profile::SpaDtmf::Avt);
        assert_ne!(spa.fxs_sip_port, spa.pstn_sip_port);
        assert!(provider("nope").is_none());
    }
}
