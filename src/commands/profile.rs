use crate::cli::ProfileCheckArgs;
use crate::diag::Error;
use crate::term::Term;

pub fn check(_args: &ProfileCheckArgs, _term: &Term) -> Result<u8, Error> {
    Err(super::not_implemented("profile check"))
}

pub fn schema(_term: &Term) -> Result<u8, Error> {
    Err(super::not_implemented("profile schema"))
}
