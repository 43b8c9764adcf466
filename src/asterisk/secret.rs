//! Secrets found in configuration files, and the masking that keeps them out of every output.

use super::text::Text;
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

/// What a secret is shown as.
pub const MASK: &str = "********";

/// A password or key read from a configuration file. `Debug`, `Display` and serde all print
/// [`MASK`]; rules that must look at the value (weak-secret checks) call [`Secret::expose`].
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Secret(Text);

impl Secret {
    pub fn new(value: impl Into<Text>) -> Self {
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

/// Mask credentials written inside dial strings and URLs: `IAX2/user:secret@peer`,
/// `sip:user:secret@host`, `https://user:secret@host`, and a leading `user:secret@` (an IAX2
/// dial resource).
pub fn mask_inline_credentials(text: &str) -> Cow<'_, str> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r"(?i)((?:^|IAX2/|sips?:|[a-z][a-z0-9+.-]*://)[^:/@&,()\s]*:)([^@/&,()\s]+)@",
        )
        .expect("static regex")
    });
    re.replace_all(text, format!("${{1}}{MASK}@").as_str())
}

/// Mask a commented-out `secret = value` (comments are kept for suppressions and dumped).
pub fn mask_comment(text: &str) -> Cow<'_, str> {
    if let Some((name, value)) = text.split_once('=') {
        let name = name.trim();
        if is_secret_option(name) || name.eq_ignore_ascii_case("register") {
            let start = text.len() - value.len();
            let masked = mask_option_value(name, value.trim());
            if masked != value.trim() {
                return Cow::Owned(format!("{} {masked}", &text[..start]));
            }
        }
    }
    mask_inline_credentials(text)
}

/// serde helper: a string with inline credentials masked.
pub fn serialize_masked<S: Serializer>(text: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&mask_inline_credentials(text))
}

/// serde helper: strings with inline credentials masked.
pub fn serialize_masked_list<S: Serializer>(items: &[String], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(items.len()))?;
    for item in items {
        seq.serialize_element(&mask_inline_credentials(item))?;
    }
    seq.end()
}

/// serde helper: comment text with commented-out secrets masked.
pub fn serialize_comment<S: Serializer>(text: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&mask_comment(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_everywhere_they_can_appear() {
        assert_eq!(mask_option_value("secret", "hunter2"), MASK);
        assert_eq!(mask_option_value("auth_secret[2]", "x"), MASK);
        assert_eq!(mask_option_value("context", "x"), "x");
        assert_eq!(
            mask_option_value("register", "u:pw@host/100"),
            "u:********@host/100"
        );
        assert_eq!(
            mask_option_value("register", "tls://u@d:pw:auth@host"),
            "tls://u@d:********:auth@host"
        );
        assert_eq!(
            mask_inline_credentials("IAX2/me:pw@peer/100&SIP/x"),
            "IAX2/me:********@peer/100&SIP/x"
        );
        assert_eq!(
            mask_inline_credentials("https://u:p@h/x"),
            "https://u:********@h/x"
        );
        assert_eq!(
            mask_inline_credentials("PJSIP/100@trunk"),
            "PJSIP/100@trunk"
        );
        assert_eq!(mask_comment(" secret = old-one"), " secret = ********");
        assert_eq!(mask_comment(" plain remark"), " plain remark");
        assert_eq!(format!("{:?}", Secret::new("x")), MASK);
    }
}
