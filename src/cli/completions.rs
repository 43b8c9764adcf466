//! Shell completions and the man page, both generated from the clap definitions.

use super::args::{Cli, CompletionsArgs};
use super::exit;
use clap::CommandFactory;
use pbxgen::Error;

pub fn completions(args: &CompletionsArgs) -> Result<u8, Error> {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "pbxgen", &mut std::io::stdout());
    Ok(exit::OK)
}

pub fn man() -> Result<u8, Error> {
    let cmd = Cli::command();
    clap_mangen::Man::new(cmd)
        .render(&mut std::io::stdout())
        .map_err(|e| Error::invalid(format!("cannot write the man page: {e}")))?;
    Ok(exit::OK)
}
