//! A small, fast hash (FNV-1a) for the name indexes of the reader, the model, the audit's
//! analyses, the profile and the plan: keys are short section, object, extension and context
//! names from local files, so SipHash's flooding resistance buys nothing and costs a noticeable
//! share of reading a million-line tree (and 2% of a 10,000-extension render).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a, 64 bit.
#[derive(Clone, Copy, Debug)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// A `HashMap` using [`Fnv`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// A `HashSet` using [`Fnv`].
pub type FastSet<K> = HashSet<K, BuildHasherDefault<Fnv>>;
