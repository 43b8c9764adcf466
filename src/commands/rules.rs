use crate::cli::RulesArgs;
use crate::diag::Error;
use crate::term::Term;

pub fn run(_args: &RulesArgs, _term: &Term) -> Result<u8, Error> {
    Err(super::not_implemented("rules"))
}
