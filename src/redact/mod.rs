//! Keeping secrets out of everything pbxgen prints: the one [`MASK`], the one list of
//! secret-bearing keys ([`SECRET_KEYS`]), and the maskers built on them.
//!
//! - [`line`](mod@line): one source line of a `.conf`, PHP ini or YAML file, as audit reports
//!   show it (options, `register =>` lines, `DISA`/`Authenticate` passwords, YAML keys);
//! - [`value`]: parsed option values, dial strings and comments, as the model dump shows them;
//! - [`file`](mod@file): a whole file whose secrets sit at known positions (the old side of
//!   `render --diff`);
//! - [`register`]: the anatomy of a chan_sip `register =>` line (where its secret is), which the
//!   Asterisk model reads too.
//!
//! This module depends on nothing else of pbxgen: the reader, the auditor and the renderer all
//! depend on it.

pub mod file;
pub mod line;
pub mod register;
pub mod value;

/// What a masked secret prints as, everywhere.
pub const MASK: &str = "********";

/// Keys whose whole value is a secret, compared case-insensitively, in the files pbxgen reads or
/// writes and in site profiles:
/// - Asterisk: `secret`, `md5secret`, `remotesecret` (chan_sip, IAX2, manager.conf),
///   `password`, `password_digest`, `md5_cred`, `oauth_secret`, `refresh_token` (pjsip auth;
///   `md5_cred`/`password_digest` are password-equivalent hashes), `dbsecret` (IAX2: the astdb
///   key holding the secret — masked too, it says where the secret is);
/// - WebSMS `websms.conf`: `auth_passwd` (legacy layout), `auth_secret`, `key_secret` (current);
/// - site profiles and other files: `pin` (voicemail PINs, ConfBridge), `gateway_password`
///   (SPA3102), `passwd`, `pass`, `token`, `auth_token`, `api_key`, `apikey`, `private_key`.
pub const SECRET_KEYS: &[&str] = &[
    "secret",
    "md5secret",
    "remotesecret",
    "password",
    "password_digest",
    "md5_cred",
    "oauth_secret",
    "refresh_token",
    "dbsecret",
    "auth_passwd",
    "auth_secret",
    "key_secret",
    "pin",
    "gateway_password",
    "passwd",
    "pass",
    "token",
    "auth_token",
    "api_key",
    "apikey",
    "private_key",
];

/// Is `name` (an option or YAML key) one whose value is a secret? Case-insensitive; an index
/// (`auth_secret[2]`: websms.conf numbers its ITSPs) and surrounding blanks are ignored.
pub fn is_secret_key(name: &str) -> bool {
    let base = name.split('[').next().unwrap_or(name).trim();
    SECRET_KEYS.iter().any(|k| base.eq_ignore_ascii_case(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_keys_ignore_case_and_index() {
        for key in [
            "secret",
            "Password",
            "auth_secret[2]",
            " md5_cred ",
            "oauth_secret",
            "pin",
        ] {
            assert!(is_secret_key(key), "{key}");
        }
        for key in ["context", "username", "secretary", "auth_user[1]"] {
            assert!(!is_secret_key(key), "{key}");
        }
    }
}
