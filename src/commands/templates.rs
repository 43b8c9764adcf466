use crate::cli::TemplatesExportArgs;
use crate::diag::Error;
use crate::term::Term;

pub fn export(_args: &TemplatesExportArgs, _term: &Term) -> Result<u8, Error> {
    Err(super::not_implemented("templates export"))
}

pub fn list(_term: &Term) -> Result<u8, Error> {
    Err(super::not_implemented("templates list"))
}
