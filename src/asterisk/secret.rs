//! Secrets found in configuration files, and the masking that keeps them out of every output.

use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

/// What a secret is shown as.
pub const MASK: &str = "********";

/// A password or key read from a configuration file. `Debug`, `Display` and serde all print
/// [`MASK`]; rules that must look at the value (weak-secret checks) call [`Secret::expose`].
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself. Never print it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(MASK)
    }
}

/// Option names whose whole value is a secret, in any of the files pbxgen reads
/// (sip.conf, pjsip.conf, manager.conf, websms.conf).
pub fn is_secret_option(name: &str) -> bool {
    const NAMES: [&str; 9] = [
        "secret",
        "md5secret",
        "remotesecret",
        "password",
        "md5_cred",
        "auth_passwd",
        "auth_secret",
        "dbsecret",
        "key_secret",
    ];
    // websms.conf indexes keys for several ITSPs: `auth_secret[2]`.
    let base = name.split('[').next().unwrap_or(name).trim();
    NAMES.iter().any(|n| base.eq_ignore_ascii_case(n))
}

/// The value of option `name` as it may be shown: secrets masked, the secret inside a chan_sip
/// `register => user:secret@host` line masked, everything else unchanged.
pub fn mask_option_value<'a>(name: &str, value: &'a str) -> Cow<'a, str> {
    if is_secret_option(name) && !value.is_empty() {
        return Cow::Borrowed(MASK);
    }
    if name.eq_ignore_ascii_case("register") {
        if let Some(range) = super::model::sip::register_secret_range(value) {
            let mut masked = String::with_capacity(value.len());
            masked.push_str(&value[..range.start]);
            masked.push_str(MASK);
            masked.push_str(&value[range.end..]);
            return Cow::Owned(masked);
        }
    }
    Cow::Borrowed(value)
}
