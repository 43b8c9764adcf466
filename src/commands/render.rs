use crate::cli::RenderArgs;
use crate::diag::Error;
use crate::term::Term;

pub fn run(_args: &RenderArgs, _term: &Term) -> Result<u8, Error> {
    Err(super::not_implemented("render"))
}
