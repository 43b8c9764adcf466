use crate::cli::AuditArgs;
use crate::diag::Error;
use crate::term::Term;

pub fn run(_args: &AuditArgs, _term: &Term) -> Result<u8, Error> {
    Err(super::not_implemented("audit"))
}
