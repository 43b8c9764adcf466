//! Errors and source positions shared by every module.
//!
//! One error type for the whole tool: it carries an optional position (file, line, column), what
//! went wrong, an optional hint, and what kind of failure it is. Every module reports bad input
//! through it so that every message has the same shape:
//! `error: site.yaml:12:5: expected a CIDR network address, found "10.0.0.1/8"`.
//! (The command line decides what each kind means for the process; the library never exits.)

use std::fmt;

/// What kind of failure an [`Error`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Invalid input, unreadable files, unusable sources, usage errors, failed writes.
    Invalid,
    /// The operation was refused because of findings at or above the threshold the caller set
    /// (`render` auditing its own output before writing).
    Findings,
}

/// A position in a source file. Lines and columns are 1-based.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Location {
    pub file: String,
    pub line: u32,
    pub column: u32,
}

impl Location {
    pub fn new(file: impl Into<String>, line: u32, column: u32) -> Self {
        Location {
            file: file.into(),
            line,
            column,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// The one error type of pbxgen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Where the problem is, when it comes from a file.
    pub location: Option<Location>,
    /// What is wrong, phrased as "expected …, found …" where possible. Never contains a secret.
    pub message: String,
    /// A suggestion ("did you mean `secret`?").
    pub hint: Option<String>,
    /// What kind of failure this is.
    pub kind: ErrorKind,
    /// Further problems found in the same pass, in the order they were found: a profile's
    /// validation reports the first problem of each of its checks at once, not one per run.
    pub also: Vec<Error>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Invalid input (profile, config, arguments).
    pub fn invalid(message: impl Into<String>) -> Self {
        Error {
            location: None,
            message: message.into(),
            hint: None,
            kind: ErrorKind::Invalid,
            also: Vec::new(),
        }
    }

    /// The problems of one pass as one error: the first, with the others (and any they hold
    /// themselves) in [`Error::also`], in order; `Ok` when there were none.
    pub fn all(problems: Vec<Error>) -> Result<(), Error> {
        let mut flat = problems.into_iter().flat_map(Error::into_all);
        let Some(mut first) = flat.next() else {
            return Ok(());
        };
        first.also.extend(flat);
        Err(first)
    }

    /// This problem and the further ones of its pass, as separate errors, in order.
    pub fn into_all(mut self) -> Vec<Error> {
        let also = std::mem::take(&mut self.also);
        std::iter::once(self).chain(also).collect()
    }

    /// This problem and the further ones of its pass, in order.
    pub fn each(&self) -> impl Iterator<Item = &Error> {
        std::iter::once(self).chain(&self.also)
    }

    /// Invalid input at a position.
    pub fn at(location: Location, message: impl Into<String>) -> Self {
        Error {
            location: Some(location),
            ..Error::invalid(message)
        }
    }

    /// An I/O failure on `path`.
    pub fn io(path: &std::path::Path, err: &std::io::Error) -> Self {
        Error::invalid(format!("{}: {}", path.display(), err))
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_kind(mut self, kind: ErrorKind) -> Self {
        self.kind = kind;
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.each().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            if let Some(loc) = &problem.location {
                write!(f, "{loc}: ")?;
            }
            f.write_str(&problem.message)?;
            if let Some(hint) = &problem.hint {
                write!(f, "\n  hint: {hint}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Error {}
