//! Shell completions and the man page, both generated from the clap definitions.

use crate::cli::{Cli, CompletionsArgs};
use crate::diag::{EXIT_OK, Error};
use clap::CommandFactory;

pub fn completions(args: &CompletionsArgs) -> Result<u8, Error> {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "pbxgen", &mut std::io::stdout());
    Ok(EXIT_OK)
}

pub fn man() -> Result<u8, Error> {
    let cmd = Cli::command();
    clap_mangen::Man::new(cmd)
        .render(&mut std::io::stdout())
        .map_err(|e| Error::invalid(format!("cannot write the man page: {e}")))?;
    Ok(EXIT_OK)
}
