//! Exit codes, the same for every command: **0** ok, **1** findings / drift / out of date,
//! **2** invalid input or an unusable source. Only the command line knows them: the library
//! returns typed results and errors with an [`ErrorKind`].

use pbxgen::diag::{Error, ErrorKind};

/// Success, and "nothing at or above the threshold".
pub const OK: u8 = 0;
/// Findings at or above the threshold, drift, out of date.
pub const FINDINGS: u8 = 1;
/// Invalid input, unreadable files, unusable sources, usage errors.
pub const INVALID: u8 = 2;

/// The exit code of a command that failed with `err`.
pub fn of_error(err: &Error) -> u8 {
    match err.kind {
        ErrorKind::Invalid => INVALID,
        ErrorKind::Findings => FINDINGS,
    }
}

/// `FINDINGS` when `failed`, else `OK`.
pub fn findings_if(failed: bool) -> u8 {
    if failed { FINDINGS } else { OK }
}
