//! Secrets by reference: `${env:NAME}`, `${file:PATH}` or (discouraged) inline.
//!
//! A [`Secret`] remembers where the value is, not the value: references are resolved late, by
//! [`Secret::resolve`], when a command really needs the text (rendering). `Debug` and `Display`
//! print the reference (`${env:ZADARMA_API_SECRET}`, `${file:secrets/ext-101.secret}`) or
//! `<inline secret>`, never the value, so a secret cannot leak through a log line or an error.
//! Inline secrets are accepted and remembered as inline, with their position, for audit rule
//! PBX502.

use super::safe_text::{self, SecretValueKind, TextKind};
use super::span::Pos;
use crate::diag::Error;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer};
use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

/// Where a secret's value comes from.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum SecretSource {
    /// `${env:NAME}`: the environment variable `NAME`.
    Env(String),
    /// `${file:PATH}`: the file's content, one trailing newline removed. Relative paths are
    /// relative to the profile file's directory.
    File(PathBuf),
    /// The value written in the profile itself.
    Inline(String),
    /// Derived from another secret (`site.secret_key`) for a credential that is published by
    /// design (a click-to-call button's password): HMAC-SHA256 of `label` keyed with the key's
    /// value. The key cannot be recovered from the result, and every label gives another value.
    Derived { key: Box<Secret>, label: String },
}

/// The shortest `site.secret_key` accepted: derived values are published, so the key must be
/// too long to guess from them offline.
pub const MIN_DERIVATION_KEY: usize = 32;
/// Characters of a derived credential (base64url of 18 bytes of the HMAC: 144 bits).
const DERIVED_BYTES: usize = 18;

/// A secret of the profile: a reference, resolved by [`Secret::resolve`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    source: SecretSource,
    pos: Pos,
}

/// Hashes the source only (equal secrets have equal sources).
impl std::hash::Hash for Secret {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.source.hash(state);
    }
}

impl Secret {
    /// Parse the text of a secret field: a reference or an inline value.
    pub fn parse(text: &str, pos: Pos) -> Result<Secret, safe_text::Problem> {
        let source = match text.strip_prefix("${") {
            // In a flow mapping (`{ pin: ${file:x} }`) YAML ends a plain scalar at `{`, so a
            // reference arrives cut off as `$`.
            None if text.starts_with('$') => {
                return Err(safe_text::Problem::new(
                    "incomplete secret reference: expected `${env:NAME}` or `${file:PATH}`",
                )
                .with_hint(
                    "inside `{ … }` quote the reference: `pin: \"${file:secrets/vm.secret}\"`",
                ));
            }
            None => {
                safe_text::check_secret::<SecretValueKind>(text)?;
                SecretSource::Inline(text.to_string())
            }
            Some(rest) => {
                let body = rest.strip_suffix('}').ok_or_else(|| {
                    safe_text::Problem::new(
                        "unterminated secret reference: expected `}` at the end",
                    )
                    .with_hint("write `${env:NAME}` or `${file:PATH}`")
                })?;
                match body.split_once(':') {
                    Some(("env", name)) => {
                        check_env_name(name)?;
                        SecretSource::Env(name.to_string())
                    }
                    Some(("file", path)) if !path.is_empty() && !path.contains(['\n', '\r']) => {
                        SecretSource::File(PathBuf::from(path))
                    }
                    Some(("file", _)) => {
                        return Err(safe_text::Problem::new(
                            "expected a file path after `${file:`",
                        )
                        .with_hint(
                            "e.g. `${file:secrets/ext-101.secret}` (relative to the profile)",
                        ));
                    }
                    _ => {
                        let kind = body.split(':').next().unwrap_or_default();
                        return Err(safe_text::Problem::new(format!(
                            "unknown secret reference `${{{kind}:…}}`: expected `${{env:NAME}}` or `${{file:PATH}}`"
                        )));
                    }
                }
            }
        };
        Ok(Secret { source, pos })
    }

    /// A credential derived from `key` for `label` (see [`SecretSource::Derived`]), at `pos`
    /// (the field it stands for).
    pub fn derived(key: &Secret, label: &str, pos: Pos) -> Secret {
        Secret {
            source: SecretSource::Derived {
                key: Box::new(key.clone()),
                label: label.to_string(),
            },
            pos,
        }
    }

    /// Where the value comes from. (An inline value is in [`SecretSource::Inline`]; print
    /// [`Secret::reference`] rather than matching on it.)
    pub fn source(&self) -> &SecretSource {
        &self.source
    }

    /// Whether the value is written in the profile (audit rule PBX502).
    pub fn is_inline(&self) -> bool {
        matches!(self.source, SecretSource::Inline(_))
    }

    /// Where the secret field is in the profile.
    pub fn pos(&self) -> &Pos {
        &self.pos
    }

    /// How to show the secret: `${env:NAME}`, `${file:PATH}` or `<inline secret>`.
    pub fn reference(&self) -> String {
        match &self.source {
            SecretSource::Env(name) => format!("${{env:{name}}}"),
            SecretSource::File(path) => format!("${{file:{}}}", path.display()),
            SecretSource::Inline(_) => "<inline secret>".to_string(),
            SecretSource::Derived { key, label } => {
                format!("<{label} derived from {}>", key.reference())
            }
        }
    }

    /// The file a `${file:…}` reference reads, resolved against the profile's directory.
    pub fn file_path(&self) -> Option<PathBuf> {
        match &self.source {
            SecretSource::File(path) => Some(match self.pos.origin() {
                Some(origin) if path.is_relative() => origin.dir.join(path),
                _ => path.clone(),
            }),
            _ => None,
        }
    }

    /// Read the value. Errors name the variable or file and the profile position, never the
    /// value. The value is checked like every generated string: it must not contain characters
    /// that would break the configuration files (line breaks, `;`, `,` …).
    pub fn resolve(&self) -> Result<String, Error> {
        self.resolve_as::<SecretValueKind>()
    }

    /// Read the value and check it against kind `K` instead of the general secret rules, e.g.
    /// `resolve_as::<PinKind>()` for a voicemail PIN (digits only).
    pub fn resolve_as<K: safe_text::TextKind>(&self) -> Result<String, Error> {
        let value = match &self.source {
            SecretSource::Inline(value) => value.clone(),
            SecretSource::Env(name) => {
                match std::env::var(name) {
                    Ok(value) => value,
                    Err(std::env::VarError::NotPresent) => {
                        return Err(Error::at(
                        self.pos.location(),
                        format!("environment variable `{name}` is not set (secret `${{env:{name}}}`)"),
                    )
                    .with_hint(format!("export {name}=… before running pbxgen, or use `${{file:PATH}}`")));
                    }
                    Err(std::env::VarError::NotUnicode(_)) => {
                        return Err(Error::at(
                            self.pos.location(),
                            format!("environment variable `{name}` is not valid UTF-8"),
                        ));
                    }
                }
            }
            SecretSource::File(_) => {
                let path = self.file_path().unwrap_or_default();
                read_secret_file(&path).map_err(|e| {
                    let hint = e.hint.unwrap_or_else(|| {
                        "relative paths are relative to the profile's directory".to_string()
                    });
                    Error::at(self.pos.location(), e.message).with_hint(hint)
                })?
            }
            SecretSource::Derived { key, label } => {
                let key_value = key.resolve()?;
                if key_value.chars().count() < MIN_DERIVATION_KEY {
                    return Err(Error::at(
                        key.pos.location(),
                        format!(
                            "the value of {} is shorter than {MIN_DERIVATION_KEY} characters: too short to derive published credentials from",
                            key.reference()
                        ),
                    )
                    .with_hint("e.g. `openssl rand -base64 32 > secrets/site.key`"));
                }
                derive(&key_value, label)
            }
        };
        safe_text::check_secret::<K>(&value).map_err(|problem| {
            // The problem never quotes the value: it names a character class or a length.
            let mut err = Error::at(
                self.pos.location(),
                format!("the value of {}: {}", self.reference(), problem.message),
            );
            err.hint = problem.hint;
            err
        })?;
        Ok(value)
    }
}

/// The credential derived from `key` for `label`: the first [`DERIVED_BYTES`] bytes of
/// HMAC-SHA256(key, "pbxgen derived credential v1" NUL label), base64url without padding.
fn derive(key: &str, label: &str) -> String {
    use base64::Engine;
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key.as_bytes());
    let message = format!("pbxgen derived credential v1\0{label}");
    let tag = ring::hmac::sign(&key, message.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&tag.as_ref()[..DERIVED_BYTES])
}

/// A secret file's value, read by THE secret file reader ([`crate::fsutil::read_secret`]).
fn read_secret_file(path: &Path) -> Result<String, Error> {
    crate::fsutil::read_secret(path).map_err(|e| Error {
        message: format!("cannot read secret file {}", e.message),
        ..e
    })
}

fn check_env_name(name: &str) -> Result<(), safe_text::Problem> {
    let mut chars = name.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(())
    } else {
        Err(
            safe_text::Problem::new(format!("`{name}` is not an environment variable name"))
                .with_hint("names are letters, digits and `_`, e.g. `${env:TWILIO_PASSWORD}`"),
        )
    }
}

/// Never shows an inline value.
impl fmt::Debug for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretSource::Env(name) => f.debug_tuple("Env").field(name).finish(),
            SecretSource::File(path) => f.debug_tuple("File").field(path).finish(),
            SecretSource::Inline(_) => f.write_str("Inline(<hidden>)"),
            SecretSource::Derived { key, label } => f
                .debug_struct("Derived")
                .field("key", key)
                .field("label", label)
                .finish(),
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({} at {:?})", self.reference(), self.pos)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reference())
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<String>::deserialize(deserializer)?;
        let pos = Pos::from_saphyr(&s.referenced);
        Secret::parse(&s.value, pos.clone())
            .map_err(|problem| super::load::located_error(&pos, &problem))
    }
}

impl JsonSchema for Secret {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("Secret")
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let inline = SecretValueKind::spec();
        // The same three forms [`Secret::parse`] accepts: a reference, or an inline value of the
        // secret characters (never starting with `$`).
        let pattern = format!(
            "^(\\$\\{{env:[A-Za-z_][A-Za-z0-9_]*\\}}|\\$\\{{file:[^\\r\\n]+\\}}|{}{}{{0,{}}})$",
            inline.first,
            inline.rest,
            inline.max - 1
        );
        json_schema!({
            "type": "string",
            "description": "A secret: `${env:NAME}`, `${file:PATH}` (relative to the profile's \
        directory; one trailing newline is removed) or an inline value (accepted, but flagged by audit \
        rule PBX502).",
            "pattern": pattern,
            "minLength": 1,
            "examples": ["${file:secrets/ext-101.secret}", "${env:TWILIO_PASSWORD}"],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Secret, safe_text::Problem> {
        Secret::parse(text, Pos::default())
    }

    #[test]
    fn references_and_inline_values() {
        assert_eq!(
            parse("${env:A_B1}").unwrap().source(),
            &SecretSource::Env("A_B1".into())
        );
        assert_eq!(
            parse("${file:secrets/x.secret}").unwrap().source(),
            &SecretSource::File("secrets/x.secret".into())
        );
        let inline = parse("Xq7-vR2mT9pL4wZk").unwrap();
        assert!(inline.is_inline());
        assert_eq!(
            format!("{inline} {inline:?}"),
            "<inline secret> Secret(<inline secret> at <profile>:0:0)"
        );
        assert!(
            parse("${vault:x}")
                .unwrap_err()
                .message
                .contains("`${vault:…}`")
        );
        assert!(parse("${env:1X}").is_err());
        assert!(parse("${env:X").is_err());
        assert!(parse("${file:}").is_err());
        assert!(parse("pass;word").is_err());
    }

    #[test]
    fn derived_credentials_are_reproducible_distinct_and_need_a_long_key() {
        let key = parse("k3y-0123456789-abcdefghij-ABCDEFGHIJ").unwrap();
        let a = Secret::derived(&key, "click-to-call/sales", Pos::default());
        let b = Secret::derived(&key, "click-to-call/support", Pos::default());
        let value = a.resolve().unwrap();
        assert_eq!(
            value,
            a.resolve().unwrap(),
            "the same key and label, the same value"
        );
        assert_eq!(value.len(), 24);
        assert_ne!(value, b.resolve().unwrap());
        assert!(!value.contains("k3y"));
        assert!(
            a.reference().contains("<inline secret>"),
            "{}",
            a.reference()
        );
        let short = parse("short-key-1234").unwrap();
        let err = Secret::derived(&short, "x", Pos::default())
            .resolve()
            .unwrap_err();
        assert!(err.message.contains("shorter than 32"), "{err}");
    }

    #[test]
    fn inline_values_are_never_shown() {
        let s = parse("Xq7-vR2mT9pL4wZk").unwrap();
        assert!(!format!("{s}{s:?}").contains("Xq7"));
    }
}
