use crate::cli::GenerateArgs;
use crate::diag::Error;
use crate::term::Term;

pub fn run(_args: &GenerateArgs, _term: &Term) -> Result<u8, Error> {
    Err(super::not_implemented("generate"))
}
