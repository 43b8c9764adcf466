//! Small bounded memos for the model builders: something worked out once per option name, or
//! once per value, instead of once per line.
//!
//! A [`PerSlot`](crate::asterisk::syntax::PerSlot) memo shares the work of a template's lines
//! among the sections inheriting them; a section's own lines (`context=`, `permit=` written in
//! each of 10,000 endpoints) are new slots every time. Their *names* repeat, and the reader
//! interns names per file (equal names share their bytes), so a name is recognised by its
//! address; their *values* often repeat too (`permit=10.0.0.0/8` in every endpoint).
//!
//! The name and value memos have a fixed number of entries: memory stays a few kilobytes
//! whatever the file; a key that misses is worked out again (correct, just not shared). A
//! [`RunMemo`] holds a value per run of lines a template gives its sections: one entry per
//! template run, however many sections inherit it.

use crate::asterisk::fast_hash::{FastMap, Fnv};
use crate::asterisk::shared_text::Text;
use crate::asterisk::syntax::RunLines;
use std::collections::hash_map::Entry;
use std::hash::Hasher;

/// A value per run of lines inherited from a template ([`RunLines`]), worked out once for all
/// the sections on it. Keyed by the run's first table slot: a run from that slot with another
/// end (a base extended by `[base](+)` between two sections on it) has its value worked out
/// again, replacing the one kept. Slots are one file's: a memo serves one file's sections.
pub struct RunMemo<T> {
    runs: FastMap<u32, (u32, T)>,
}

impl<T> Default for RunMemo<T> {
    fn default() -> Self {
        RunMemo {
            runs: FastMap::default(),
        }
    }
}

impl<T> RunMemo<T> {
    /// The value for `run`, made by `make` the first time (or when the run's end changed).
    pub fn get_or_insert_with(&mut self, run: &RunLines<'_>, make: impl FnOnce() -> T) -> &mut T {
        match self.runs.entry(run.start) {
            Entry::Occupied(kept) => {
                let kept = kept.into_mut();
                if kept.0 != run.end {
                    *kept = (run.end, make());
                }
                &mut kept.1
            }
            Entry::Vacant(new) => &mut new.insert((run.end, make())).1,
        }
    }
}

/// Entries of a [`ValueMemo`] (a power of two).
const ENTRIES: usize = 128;

/// The entry for a 64-bit key in a table of `entries` (a power of two): the top bits of a
/// multiplicative hash.
fn entry_of(key: u64, entries: usize) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - entries.trailing_zeros())) as usize
}

/// A value per option name, recognised by the name's address and length.
///
/// Each entry holds its name (a reference count), so the bytes at that address cannot be freed
/// and reused by another text while the entry lives: the same address and length is the same
/// name. A file has few distinct names: an entry is never replaced (a name that collides takes
/// the next free entry, within a few); when none is free, the value is worked out each time.
pub struct NameMemo<T> {
    entries: Vec<Option<(Text, T)>>,
}

/// Entries of a [`NameMemo`] (a power of two), and how many it tries for one name.
const NAME_ENTRIES: usize = 256;
const NAME_PROBES: usize = 8;

impl<T: Copy> Default for NameMemo<T> {
    fn default() -> Self {
        NameMemo {
            entries: vec![None; NAME_ENTRIES],
        }
    }
}

impl<T: Copy> NameMemo<T> {
    /// The value for `name`, computed by `f` the first time.
    #[inline]
    pub fn get_or_insert_with(&mut self, name: &Text, f: impl FnOnce() -> T) -> T {
        let key = name.as_ptr() as u64 ^ ((name.len() as u64) << 48);
        let mut at = entry_of(key, NAME_ENTRIES);
        for _ in 0..NAME_PROBES {
            match &self.entries[at] {
                Some((held, value)) => {
                    if held.as_ptr() == name.as_ptr() && held.len() == name.len() {
                        return *value;
                    }
                    at = (at + 1) % NAME_ENTRIES;
                }
                None => {
                    let value = f();
                    self.entries[at] = Some((name.clone(), value));
                    return value;
                }
            }
        }
        f()
    }
}

/// A value per (small key, value text), recognised by the text's content. Direct-mapped: a
/// colliding pair replaces the one there (values are many; the recent ones are kept).
pub struct ValueMemo<T> {
    entries: Vec<Option<(u32, Text, T)>>,
}

impl<T: Copy> Default for ValueMemo<T> {
    fn default() -> Self {
        ValueMemo {
            entries: vec![None; ENTRIES],
        }
    }
}

impl<T: Copy> ValueMemo<T> {
    /// The value for (`key`, `text`), computed by `f` the first time (or when another pair took
    /// its entry).
    #[inline]
    pub fn get_or_insert_with(&mut self, key: u32, text: &Text, f: impl FnOnce() -> T) -> T {
        let mut hash = Fnv::default();
        hash.write(text.as_bytes());
        let at = entry_of(hash.finish() ^ u64::from(key), ENTRIES);
        if let Some((held_key, held, value)) = &self.entries[at] {
            if *held_key == key && held == text {
                return *value;
            }
        }
        let value = f();
        self.entries[at] = Some((key, text.clone(), value));
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_worked_out_once_and_equal_texts_elsewhere_are_not_confused() {
        let shared = Text::from("context");
        let mut memo = NameMemo::default();
        let mut calls = 0;
        for _ in 0..3 {
            let v = memo.get_or_insert_with(&shared.clone(), || {
                calls += 1;
                1
            });
            assert_eq!(v, 1);
        }
        assert_eq!(calls, 1);
        // Another buffer with the same bytes is another key (worked out again, same answer).
        let other = Text::from("context");
        assert_eq!(memo.get_or_insert_with(&other, || 2), 2);
        assert_eq!(memo.get_or_insert_with(&shared, || 3), 1);
        // More names than entries: the memo fills up, answers stay right.
        let names: Vec<Text> = (0..1000).map(|i| Text::from(format!("n{i}"))).collect();
        for _ in 0..2 {
            for (i, n) in names.iter().enumerate() {
                assert_eq!(memo.get_or_insert_with(n, || i), i);
            }
        }
    }

    #[test]
    fn values_are_told_apart_by_content_and_key() {
        let mut memo = ValueMemo::default();
        let a = Text::from("10.0.0.0/8");
        assert!(memo.get_or_insert_with(0, &a, || true));
        assert!(memo.get_or_insert_with(0, &Text::from("10.0.0.0/8"), || false));
        assert!(!memo.get_or_insert_with(1, &a, || false));
        assert!(!memo.get_or_insert_with(0, &Text::from("x.x.x.x"), || false));
        // Many keys: collisions replace entries, answers stay right.
        for i in 0..1000u32 {
            let t = Text::from(i.to_string().as_str());
            assert_eq!(
                memo.get_or_insert_with(i % 3, &t, || i % 2 == 0),
                i % 2 == 0
            );
        }
        for i in 0..1000u32 {
            let t = Text::from(i.to_string().as_str());
            assert_eq!(
                memo.get_or_insert_with(i % 3, &t, || i % 2 == 0),
                i % 2 == 0
            );
        }
    }
}
