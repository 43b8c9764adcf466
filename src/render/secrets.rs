//! Secrets at render time: the `secret` filter resolves a [`SecretId`](crate::plan::SecretId)
//! (or prints a mask), remembers that the file being rendered holds a secret, and keeps the
//! first resolution error so the user sees it with its profile position.
//!
//! Files are rendered in parallel, one file per thread at a time, so what the filter notices
//! about "the file being rendered" is kept per thread ([`track_file`]).

use crate::diag::Error;
use crate::profile::Secret;
use crate::redact::MASK;
use minijinja::value::{Value, ValueKind};
use std::cell::RefCell;
use std::sync::{Mutex, PoisonError};

/// What the `secret` filter prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretMode {
    /// The real values (files to write, `--check`).
    Resolve,
    /// [`MASK`] for every secret (`--diff`, previews). Nothing is resolved.
    Mask,
    /// Inline values as written in the profile, and for every reference a stand-in distinct per
    /// secret (nothing is read from the environment or from files): what `profile check`
    /// audits when it is not asked to resolve secrets. Never written to disk.
    InlineOnly,
}

/// The stand-in [`SecretMode::InlineOnly`] prints for secret number `index`: long, unique, made
/// of characters every syntax holds, so that only the *sharing* of a reference between
/// accounts can make the audit judge it weak.
fn stand_in(index: usize) -> String {
    format!("pbxgen-unread-secret-{index:08}")
}

/// What the `secret` filter noticed while one file was rendered.
#[derive(Debug, Default)]
pub struct FileSecrets {
    /// A secret was printed into the file.
    pub printed: bool,
    /// The first secret that could not be resolved or printed, with its profile position.
    pub failure: Option<Error>,
}

thread_local! {
    static CURRENT_FILE: RefCell<FileSecrets> = RefCell::default();
}

/// Render one file on this thread with `render`; returns its result and what the `secret`
/// filter noticed meanwhile.
pub fn track_file<R>(render: impl FnOnce() -> R) -> (R, FileSecrets) {
    CURRENT_FILE.take();
    let result = render();
    (result, CURRENT_FILE.take())
}

fn note_failure(err: Error) {
    CURRENT_FILE.with_borrow_mut(|file| {
        file.failure.get_or_insert(err);
    });
}

/// The secrets of one render, shared by the threads rendering its files.
pub struct SecretTable {
    secrets: Vec<Secret>,
    mode: SecretMode,
    /// Each secret is resolved once, whichever file prints it first; kept as the value the
    /// filters return, so that printing it again copies nothing.
    resolved: Mutex<Vec<Option<Value>>>,
}

impl SecretTable {
    pub fn new(secrets: Vec<Secret>, mode: SecretMode) -> Self {
        let resolved = Mutex::new(vec![None; secrets.len()]);
        SecretTable {
            secrets,
            mode,
            resolved,
        }
    }

    /// The `secret` filter: `{{ auth.password | secret }}`, or `{{ r.secret | secret(":@/") }}`
    /// where the surrounding syntax cannot hold some characters (a `register =>` line).
    pub fn filter(
        &self,
        value: &Value,
        forbidden: Option<&str>,
    ) -> Result<Value, minijinja::Error> {
        let (index, secret) = self.lookup(value)?;
        CURRENT_FILE.with_borrow_mut(|file| file.printed = true);
        match self.mode {
            SecretMode::Mask => return Ok(Value::from(MASK)),
            SecretMode::InlineOnly if !secret.is_inline() => {
                return Ok(Value::from(stand_in(index)));
            }
            SecretMode::InlineOnly | SecretMode::Resolve => {}
        }
        let value = self.resolve(index)?;
        // Checked on every use, cached value or not: the same secret may be printed in a
        // syntax that holds anything (pjsip `password=`) and in one that cannot hold `@` (a
        // `register =>` line), in whichever order the parallel renders reach them.
        let text = value.as_str().unwrap_or_default();
        if let Some(forbidden) = forbidden.filter(|f| text.contains(|c| f.contains(c))) {
            let err = Error::at(
                secret.pos().location(),
                format!(
                    "the value of {} contains one of `{forbidden}`, which this line cannot hold",
                    secret.reference()
                ),
            )
            .with_hint("choose a secret without these characters");
            let message = err.message.clone();
            note_failure(err);
            return Err(minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                message,
            ));
        }
        Ok(value)
    }

    /// The `public_credential` filter: `{{ page.password | public_credential }}` prints a
    /// credential that is public by design (a click-to-call button's password: its account can
    /// reach one callee only) without making the file secret. Only templates whose output the
    /// registry marks as publishing credentials may use it, and the value must differ from
    /// every other secret of the site.
    pub fn public_filter(&self, value: &Value, publishes: bool) -> Result<Value, minijinja::Error> {
        if !publishes {
            return Err(minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                "`public_credential` is for files the output registry marks as publishing credentials; print secrets with `secret`",
            ));
        }
        let (index, secret) = self.lookup(value)?;
        match self.mode {
            SecretMode::Mask => return Ok(Value::from(MASK)),
            SecretMode::InlineOnly if !secret.is_inline() => {
                return Ok(Value::from(stand_in(index)));
            }
            SecretMode::InlineOnly | SecretMode::Resolve => {}
        }
        let value = self.resolve(index)?;
        // Without resolving, references are not read: only inline values can be compared.
        let comparable =
            |i: &usize| self.mode == SecretMode::Resolve || self.secrets[*i].is_inline();
        for other in (0..self.secrets.len())
            .filter(|&i| i != index)
            .filter(comparable)
        {
            if self.resolve(other)?.as_str() == value.as_str() {
                let err = Error::at(
                    secret.pos().location(),
                    format!(
                        "the value of {} is published, and it equals the value of {}",
                        secret.reference(),
                        self.secrets[other].reference()
                    ),
                )
                .with_hint("a published credential must not be any other secret of the site");
                let message = err.message.clone();
                note_failure(err);
                return Err(minijinja::Error::new(
                    minijinja::ErrorKind::InvalidOperation,
                    message,
                ));
            }
        }
        Ok(value)
    }

    fn lookup(&self, value: &Value) -> Result<(usize, &Secret), minijinja::Error> {
        let index = secret_index(value).ok_or_else(|| {
            minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                "the `secret` filter expects a secret (a `{\"secret\": n}` value of the site)",
            )
        })?;
        let secret = self.secrets.get(index).ok_or_else(|| {
            minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                format!("no secret number {index}"),
            )
        })?;
        Ok((index, secret))
    }

    /// The value of secret `index` (a string value), resolved on its first use and remembered.
    fn resolve(&self, index: usize) -> Result<Value, minijinja::Error> {
        let mut resolved = self.resolved.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(Some(value)) = resolved.get(index) {
            return Ok(value.clone());
        }
        let secret = &self.secrets[index];
        let value = match secret.resolve() {
            Ok(value) => value,
            Err(err) => {
                let message = format!("cannot read secret {}", secret.reference());
                note_failure(err);
                return Err(minijinja::Error::new(
                    minijinja::ErrorKind::InvalidOperation,
                    message,
                ));
            }
        };
        let value = Value::from(value);
        resolved[index] = Some(value.clone());
        Ok(value)
    }
}

fn secret_index(value: &Value) -> Option<usize> {
    if value.kind() != ValueKind::Map {
        return None;
    }
    let index = value.get_attr("secret").ok()?;
    usize::try_from(index).ok()
}

/// The resolved values of every secret of a site, to mask them wherever they appear (in old
/// files on disk, for `--diff`). `Debug` never shows them.
pub struct SecretValues(Vec<String>);

impl SecretValues {
    /// Resolve every secret.
    pub fn resolve(secrets: &[Secret]) -> Result<Self, Error> {
        let mut values = secrets
            .iter()
            .map(Secret::resolve)
            .collect::<Result<Vec<_>, _>>()?;
        // Longest first, so a secret that contains another is masked whole.
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        values.retain(|v| !v.is_empty());
        Ok(SecretValues(values))
    }

    /// Mask these values (secrets pbxgen did not resolve itself, e.g. the ones `migrate` copies
    /// from sip.conf).
    pub fn from_values(mut values: Vec<String>) -> Self {
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        values.retain(|v| !v.is_empty());
        SecretValues(values)
    }

    #[cfg(test)]
    pub(crate) fn for_tests(values: &[&str]) -> Self {
        SecretValues(values.iter().map(|v| v.to_string()).collect())
    }

    /// `text` with every occurrence of every secret replaced by [`MASK`].
    pub fn mask(&self, text: &str) -> String {
        let mut out = text.to_string();
        for value in &self.0 {
            if out.contains(value.as_str()) {
                out = out.replace(value.as_str(), MASK);
            }
        }
        out
    }
}

impl std::fmt::Debug for SecretValues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretValues({} values)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::span::Pos;

    fn table(value: &str) -> SecretTable {
        let secret = Secret::parse(value, Pos::default()).unwrap();
        SecretTable::new(vec![secret], SecretMode::Resolve)
    }

    fn secret_value() -> Value {
        Value::from_iter([("secret", Value::from(0))])
    }

    #[test]
    fn forbidden_characters_are_checked_on_every_use() {
        let table = table("Abcdefgh@12345678");
        // First printed where `@` is fine (pjsip `password=`): resolved and remembered.
        assert!(table.filter(&secret_value(), None).is_ok());
        // Then on a `register =>` line: the remembered value is checked too.
        let (result, noticed) = track_file(|| table.filter(&secret_value(), Some(":@/")));
        assert!(result.is_err());
        let failure = noticed
            .failure
            .expect("the failure is kept with its position");
        assert!(failure.message.contains("`:@/`"), "{failure}");
        assert!(!failure.message.contains("Abcdefgh"), "{failure}");
    }
}
