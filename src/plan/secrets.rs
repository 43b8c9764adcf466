//! Secrets in the plan: each secret the files print is registered once and referenced by a
//! [`SecretId`]; the values are resolved only when rendering.

use crate::asterisk::fast_hash::FastMap;
use crate::profile::{Secret, SecretSource};
use serde::Serialize;

/// A secret as templates see it: `{"secret": n}`, printed only through the `secret` filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SecretId {
    pub secret: usize,
}

/// The secrets registered while planning, in registration order.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    list: Vec<Secret>,
    /// Index of `list` by source, so registering a secret stays O(1) at provider scale (FNV:
    /// SipHash was a quarter of registering one).
    index: FastMap<SecretSource, usize>,
}

impl Secrets {
    /// Register a secret, reusing the id of an identical reference (positions do not matter).
    pub fn register(&mut self, secret: &Secret) -> SecretId {
        let next = self.list.len();
        let index = *self.index.entry(secret.source().clone()).or_insert(next);
        if index == next {
            self.list.push(secret.clone());
        }
        SecretId { secret: index }
    }

    /// Every secret, indexed by [`SecretId`].
    pub fn into_list(self) -> Vec<Secret> {
        self.list
    }
}
