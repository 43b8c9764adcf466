//! Secrets at render time: the `secret` filter resolves a [`SecretId`](crate::site::SecretId)
//! (or prints a mask), remembers that the file being rendered holds a secret, and keeps the
//! first resolution error so the user sees it with its profile position.

use crate::diag::Error;
use crate::profile::Secret;
use minijinja::value::{Value, ValueKind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

/// What the `secret` filter prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretMode {
    /// The real values (files to write, `--check`).
    Resolve,
    /// [`MASK`] for every secret (`--diff`, previews). Nothing is resolved.
    Mask,
}

/// What a masked secret looks like.
pub const MASK: &str = "********";

/// The secrets of one render.
pub struct SecretTable {
    secrets: Vec<Secret>,
    mode: SecretMode,
    resolved: Mutex<Vec<Option<String>>>,
    used: AtomicBool,
    failure: Mutex<Option<Error>>,
}

impl SecretTable {
    pub fn new(secrets: Vec<Secret>, mode: SecretMode) -> Self {
        let resolved = Mutex::new(vec![None; secrets.len()]);
        SecretTable {
            secrets,
            mode,
            resolved,
            used: AtomicBool::new(false),
            failure: Mutex::new(None),
        }
    }

    /// Start a new file: forget whether a secret was printed.
    pub fn start_file(&self) {
        self.used.store(false, Ordering::Relaxed);
    }

    /// Whether the current file printed a secret.
    pub fn file_holds_secrets(&self) -> bool {
        self.used.load(Ordering::Relaxed)
    }

    /// The resolution error that stopped rendering, if any.
    pub fn take_failure(&self) -> Option<Error> {
        self.failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// The `secret` filter: `{{ auth.password | secret }}`, or `{{ r.secret | secret(":@/") }}`
    /// where the surrounding syntax cannot hold some characters (a `register =>` line).
    pub fn filter(
        &self,
        value: &Value,
        forbidden: Option<&str>,
    ) -> Result<String, minijinja::Error> {
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
        self.used.store(true, Ordering::Relaxed);
        if self.mode == SecretMode::Mask {
            return Ok(MASK.to_string());
        }
        let mut resolved = self.resolved.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(Some(value)) = resolved.get(index) {
            return Ok(value.clone());
        }
        let value = match secret.resolve() {
            Ok(value) => value,
            Err(err) => {
                let message = format!("cannot read secret {}", secret.reference());
                self.failure
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .get_or_insert(err);
                return Err(minijinja::Error::new(
                    minijinja::ErrorKind::InvalidOperation,
                    message,
                ));
            }
        };
        if let Some(forbidden) = forbidden.filter(|f| value.contains(|c| f.contains(c))) {
            let err = Error::at(
                secret.pos().location(),
                format!(
                    "the value of {} contains one of `{forbidden}`, which this line cannot hold",
                    secret.reference()
                ),
            )
            .with_hint("choose a secret without these characters");
            let message = err.message.clone();
            self.failure
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get_or_insert(err);
            return Err(minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                message,
            ));
        }
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
