use crate::cli::RefreshArgs;
use crate::diag::Error;
use crate::term::Term;

pub fn refresh(_args: &RefreshArgs, _term: &Term) -> Result<u8, Error> {
    Err(super::not_implemented("twilio refresh"))
}
