//! Masking parsed values: an option's value, dial strings and URLs with inline credentials,
//! commented-out secrets — what the model dump (`audit --dump-model`) prints.

use super::{MASK, is_secret_key};
use serde::Serializer;
use std::borrow::Cow;

/// The value of option `name` as it may be shown: secrets masked, the secret inside a chan_sip
/// `register => user:secret@host` line masked, everything else unchanged.
pub fn mask_option_value<'a>(name: &str, value: &'a str) -> Cow<'a, str> {
    if is_secret_key(name) && !value.is_empty() {
        return Cow::Borrowed(MASK);
    }
    if name.eq_ignore_ascii_case("register") {
        if let Some(range) = super::register::secret_range(value) {
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
        if is_secret_key(name) || name.eq_ignore_ascii_case("register") {
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
pub fn serialize_masked_list<S: Serializer, T: AsRef<str>>(
    items: &[T],
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(items.len()))?;
    for item in items {
        seq.serialize_element(&mask_inline_credentials(item.as_ref()))?;
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
    }
}
