//! Errors and source positions shared by every module.
//!
//! One error type for the whole tool: it carries an optional position (file, line, column), what
//! went wrong, an optional hint, and the exit code the command line should end with. Every module
//! reports bad input through it so that every message has the same shape:
//! `error: site.yaml:12:5: expected a CIDR network address, found "10.0.0.1/8"`.

use std::fmt;

/// Exit code for success (and "nothing at or above the threshold").
pub const EXIT_OK: u8 = 0;
/// Exit code for "findings at or above the threshold", "drift", "out of date".
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code for invalid input, unreadable files, unusable sources, usage errors.
pub const EXIT_INVALID: u8 = 2;

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
    /// Exit code for the command line.
    pub exit_code: u8,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Invalid input (profile, config, arguments): exit code 2.
    pub fn invalid(message: impl Into<String>) -> Self {
        Error {
            location: None,
            message: message.into(),
            hint: None,
            exit_code: EXIT_INVALID,
        }
    }

    /// Invalid input at a position: exit code 2.
    pub fn at(location: Location, message: impl Into<String>) -> Self {
        Error {
            location: Some(location),
            ..Error::invalid(message)
        }
    }

    /// An I/O failure on `path`: exit code 2.
    pub fn io(path: &std::path::Path, err: &std::io::Error) -> Self {
        Error::invalid(format!("{}: {}", path.display(), err))
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_exit_code(mut self, code: u8) -> Self {
        self.exit_code = code;
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(loc) = &self.location {
            write!(f, "{loc}: ")?;
        }
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}
