//! Source positions for profile values.
//!
//! Every value a later check may complain about is deserialized as [`Spanned<T>`] (or carries a
//! [`Pos`] itself, like the validated strings and [`Secret`](super::Secret)s), so that semantic
//! errors — a duplicate extension, a route naming a missing trunk — point at file:line:column just
//! like syntax errors do.
//!
//! The file a value came from is not known to the YAML deserializer; [`with_origin`] sets it for
//! the duration of one deserialization (a thread-local scope), and every [`Pos`] created meanwhile
//! remembers it. That keeps positions self-contained: `pos.location()` needs no profile at hand,
//! and values from preset files (`profiles/zadarma.yaml`) name their own file.

use crate::diag::Location;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer};
use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The file values were read from: its name as shown in messages, and the directory that
/// `${file:…}` secret references are relative to.
#[derive(Debug, PartialEq, Eq)]
pub struct Origin {
    /// The file name as given on the command line (or `profiles/zadarma.yaml (embedded)`).
    pub name: String,
    /// The directory relative paths in this file are resolved against.
    pub dir: PathBuf,
}

impl Origin {
    /// The origin of a file on disk.
    pub fn file(path: &Path) -> Arc<Origin> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Arc::new(Origin {
            name: path.display().to_string(),
            dir,
        })
    }

    /// The origin of text that is not a file on disk (an embedded preset, a test string).
    pub fn named(name: &str) -> Arc<Origin> {
        Arc::new(Origin {
            name: name.to_string(),
            dir: PathBuf::from("."),
        })
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<Origin>>> = const { RefCell::new(None) };
}

/// Run `f` (a deserialization) with `origin` as the file every new [`Pos`] belongs to.
pub fn with_origin<R>(origin: &Arc<Origin>, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<Arc<Origin>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            CURRENT.with(|c| *c.borrow_mut() = self.0.take());
        }
    }
    let previous = CURRENT.with(|c| c.borrow_mut().replace(origin.clone()));
    let _restore = Restore(previous);
    f()
}

fn current_origin() -> Option<Arc<Origin>> {
    CURRENT.with(|c| c.borrow().clone())
}

/// Where a value starts: file, 1-based line and column. `line == 0` means unknown (a value
/// built in code rather than read from a file).
#[derive(Clone, Default)]
pub struct Pos {
    origin: Option<Arc<Origin>>,
    /// 1-based line; 0 when unknown.
    pub line: u32,
    /// 1-based column; 0 when unknown.
    pub column: u32,
}

impl Pos {
    /// A position in the file currently being read (see [`with_origin`]).
    pub fn here(line: u32, column: u32) -> Pos {
        Pos {
            origin: current_origin(),
            line,
            column,
        }
    }

    pub(crate) fn from_saphyr(loc: &serde_saphyr::Location) -> Pos {
        let clamp = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        Pos::here(clamp(loc.line()), clamp(loc.column()))
    }

    /// The file this position is in, when known.
    pub fn origin(&self) -> Option<&Arc<Origin>> {
        self.origin.as_ref()
    }

    /// The position as a [`Location`] for error messages.
    pub fn location(&self) -> Location {
        let file = self
            .origin
            .as_ref()
            .map_or_else(|| "<profile>".to_string(), |o| o.name.clone());
        Location::new(file, self.line, self.column)
    }

    /// Whether the position is known.
    pub fn is_known(&self) -> bool {
        self.line > 0
    }
}

impl fmt::Debug for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.location())
    }
}

/// Positions never make two values different: `Spanned<T>` compares by value.
impl PartialEq for Pos {
    fn eq(&self, _: &Pos) -> bool {
        true
    }
}
impl Eq for Pos {}

impl std::hash::Hash for Pos {
    fn hash<H: std::hash::Hasher>(&self, _: &mut H) {}
}

/// A value with the position it was read from. Compares, hashes and dereferences as the value.
#[derive(Clone)]
pub struct Spanned<T> {
    pub value: T,
    pub pos: Pos,
}

impl<T> Spanned<T> {
    /// A value with no known position (built in code).
    pub fn unplaced(value: T) -> Self {
        Spanned {
            value,
            pos: Pos::default(),
        }
    }

    /// The position as a [`Location`].
    pub fn location(&self) -> Location {
        self.pos.location()
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: fmt::Debug> fmt::Debug for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<T: fmt::Display> fmt::Display for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}
impl<T: Eq> Eq for Spanned<T> {}

impl<T: std::hash::Hash> std::hash::Hash for Spanned<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.value.hash(state)
    }
}

impl<T: Default> Default for Spanned<T> {
    fn default() -> Self {
        Spanned::unplaced(T::default())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<T>::deserialize(deserializer)?;
        Ok(Spanned {
            pos: Pos::from_saphyr(&s.referenced),
            value: s.value,
        })
    }
}

impl<T: serde::Serialize> serde::Serialize for Spanned<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

/// The schema of a spanned value is the schema of the value.
impl<T: JsonSchema> JsonSchema for Spanned<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}
