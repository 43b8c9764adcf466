//! `pbxgen-twilio.service`: the systemd unit that runs `pbxgen twilio serve` for
//! `twilio.webhook`, sandboxed. It holds no secret: systemd hands the auth token (and a direct
//! TLS key) to the server as credentials (`LoadCredential=`), read from files only root can read.
//!
//! Install layout the unit assumes (the README's "Twilio webhooks" says the same):
//! the binary at [`BINARY`], the profile at `<INSTALL_DIR>/<profile file name>`, and the token
//! file where the profile's `${file:…}` reference points, relative references resolved against
//! [`INSTALL_DIR`] (as they are against the profile's directory).

use crate::diag::Error;
use crate::profile::safe_text::{self, FilePathKind};
use crate::profile::{Profile, SecretSource};
use serde::Serialize;

/// Where the unit expects the profile (and relative secret files).
pub const INSTALL_DIR: &str = "/etc/pbxgen";
/// Where the unit expects the pbxgen binary.
pub const BINARY: &str = "/usr/local/bin/pbxgen";
/// The credential holding the auth token (`${CREDENTIALS_DIRECTORY}/twilio-auth-token`).
pub const TOKEN_CREDENTIAL: &str = "twilio-auth-token";
/// The credentials holding the direct-TLS certificate chain and key.
pub const TLS_CERT_CREDENTIAL: &str = "twilio-tls-cert";
pub const TLS_KEY_CREDENTIAL: &str = "twilio-tls-key";
/// The token file the unit reads when the profile's token is not a `${file:…}` reference.
const DEFAULT_TOKEN_FILE: &str = "twilio-auth-token";

/// The unit's variable parts.
#[derive(Debug, Clone, Serialize)]
pub struct TwilioService {
    /// The pbxgen binary.
    pub binary: String,
    /// The installed profile (`/etc/pbxgen/home-lab.yaml`).
    pub profile: String,
    /// `LoadCredential=NAME:PATH` lines, token first.
    pub credentials: Vec<Credential>,
    /// Whether the server is given the TLS credentials (`--tls-cert`, `--tls-key`).
    pub tls: bool,
    /// The listen address (for the comment; the server reads it from the profile).
    pub listen: String,
    /// The public URL (for the comment).
    pub public_url: String,
    /// A listen port below 1024 needs `CAP_NET_BIND_SERVICE`.
    pub privileged_port: bool,
    /// Where the profile takes the token from (the comment says why the file is where it is).
    pub token_from: TokenFrom,
}

/// Where the profile takes the auth token from.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "lowercase")]
pub enum TokenFrom {
    /// `${file:…}`: the unit loads the same file.
    File,
    /// `${env:NAME}`: the unit loads the default file instead.
    Env(String),
    /// Inline (PBX502): the unit loads the default file instead.
    Inline,
}

/// One `LoadCredential=` line.
#[derive(Debug, Clone, Serialize)]
pub struct Credential {
    pub name: &'static str,
    pub path: String,
}

/// The unit, when the profile configures `twilio.webhook`.
pub fn build(profile: &Profile, profile_file: &str) -> Result<Option<TwilioService>, Error> {
    let Some(webhook) = profile.twilio.as_ref().and_then(|t| t.webhook.as_ref()) else {
        return Ok(None);
    };
    let profile_path = format!("{INSTALL_DIR}/{profile_file}");
    safe_text::check::<FilePathKind>(&profile_path).map_err(|problem| {
        Error::invalid(format!(
            "the profile's file name `{}` cannot be written into the systemd unit \
             pbxgen-twilio.service: {}",
            profile_file.escape_debug(),
            problem.message
        ))
        .with_hint("name the profile with letters, digits, `.`, `_` and `-`, e.g. `site.yaml`")
    })?;
    let token = &webhook.auth_token;
    let default_token_file = || format!("{INSTALL_DIR}/{DEFAULT_TOKEN_FILE}");
    let (token_path, token_from) = match token.source() {
        SecretSource::File(path) if path.is_absolute() => {
            (path.display().to_string(), TokenFrom::File)
        }
        SecretSource::File(path) => (format!("{INSTALL_DIR}/{}", path.display()), TokenFrom::File),
        SecretSource::Env(name) => (default_token_file(), TokenFrom::Env(name.clone())),
        // (Only click-to-call passwords are derived; a token never is.)
        SecretSource::Inline(_) | SecretSource::Derived { .. } => {
            (default_token_file(), TokenFrom::Inline)
        }
    };
    safe_text::check::<FilePathKind>(&token_path).map_err(|problem| {
        Error::at(
            token.pos().location(),
            format!(
                "the auth token file `{}` cannot be written into the systemd unit \
                 pbxgen-twilio.service: {}",
                token_path.escape_debug(),
                problem.message
            ),
        )
        .with_hint("use a path of letters, digits, `/`, `.`, `_` and `-`")
    })?;
    let mut credentials = vec![Credential {
        name: TOKEN_CREDENTIAL,
        path: token_path,
    }];
    if let Some(tls) = &webhook.tls {
        credentials.push(Credential {
            name: TLS_CERT_CREDENTIAL,
            path: tls.cert_file.to_string(),
        });
        credentials.push(Credential {
            name: TLS_KEY_CREDENTIAL,
            path: tls.key_file.to_string(),
        });
    }
    Ok(Some(TwilioService {
        binary: BINARY.to_string(),
        profile: profile_path,
        credentials,
        tls: webhook.tls.is_some(),
        listen: webhook.listen.to_string(),
        public_url: webhook.public_url.to_string(),
        privileged_port: webhook.listen.addr().port() < 1024,
        token_from,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{Origin, parse};

    fn site(auth_token: &str, listen: &str, file: &str) -> Result<Option<TwilioService>, Error> {
        let text = format!(
            "version: 1\nsite: {{ name: t, asterisk: 22 }}\nnetwork: {{ public_address: pbx.example.net, udp: {{}} }}\n\
             twilio:\n  numbers: [{{ number: \"+15551234567\", name: main }}]\n  webhook:\n    \
             public_url: https://pbx.example.net/t\n    listen: {listen}\n    auth_token: {auth_token}\n"
        );
        let profile = parse(&text, Origin::named(file)).unwrap_or_else(|e| panic!("{e}"));
        build(&profile, file)
    }

    #[test]
    fn the_token_file_follows_the_profile_reference() {
        let relative = site("${file:secrets/t.secret}", "127.0.0.1:8088", "s.yaml")
            .unwrap()
            .unwrap();
        assert_eq!(relative.profile, "/etc/pbxgen/s.yaml");
        assert_eq!(relative.credentials[0].path, "/etc/pbxgen/secrets/t.secret");
        assert!(!relative.privileged_port && !relative.tls);
        let absolute = site("${file:/srv/keys/t.secret}", "127.0.0.1:8088", "s.yaml")
            .unwrap()
            .unwrap();
        assert_eq!(absolute.credentials[0].path, "/srv/keys/t.secret");
        let env = site("${env:TOKEN}", "\"[::1]:80\"", "s.yaml")
            .unwrap()
            .unwrap();
        assert_eq!(env.credentials[0].path, "/etc/pbxgen/twilio-auth-token");
        assert!(matches!(env.token_from, TokenFrom::Env(ref n) if n == "TOKEN"));
        assert!(env.privileged_port);
    }

    #[test]
    fn paths_that_would_break_the_unit_are_refused_with_their_position() {
        let err = site("${file:my secrets/t}", "127.0.0.1:8088", "s.yaml").unwrap_err();
        assert!(
            err.message
                .contains("cannot be written into the systemd unit"),
            "{err}"
        );
        assert_eq!(err.location.map(|l| (l.line, l.column)), Some((9, 17)));
        let err = site("${file:t}", "127.0.0.1:8088", "my site.yaml").unwrap_err();
        assert!(err.message.contains("the profile's file name"), "{err}");
    }
}
