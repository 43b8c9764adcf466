//! One module per subcommand: glue between the command line and the library. Each `run`
//! returns the exit code; errors are printed here, once, in one format.

use crate::cli::{Cli, Command, ProfileCommand, TemplatesCommand, TwilioCommand};
use crate::diag::Error;
use crate::term::Term;
use std::process::ExitCode;

pub mod audit;
pub mod completions;
pub mod generate;
pub mod profile;
pub mod render;
pub mod rules;
pub mod templates;
pub mod twilio;

/// Entry point used by `main.rs`.
pub fn main(cli: Cli) -> ExitCode {
    let term = Term::from_flags(cli.global.color, cli.global.quiet, cli.global.verbose);
    match run(cli.command, &term) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            print_error(&err, &term);
            ExitCode::from(err.exit_code)
        }
    }
}

/// Run one command; `Ok(code)` is the exit code of a command that ran to its end.
pub fn run(command: Command, term: &Term) -> Result<u8, Error> {
    match command {
        Command::Render(args) => render::run(&args, term),
        Command::Audit(args) => audit::run(&args, term),
        Command::Rules(args) => rules::run(&args, term),
        Command::Twilio(TwilioCommand::Refresh(args)) => twilio::refresh(&args, term),
        Command::Twilio(TwilioCommand::Firewall(args)) => twilio::firewall(&args, term),
        Command::Profile(ProfileCommand::Check(args)) => profile::check(&args, term),
        Command::Profile(ProfileCommand::Schema) => profile::schema(term),
        Command::Templates(TemplatesCommand::Export(args)) => templates::export(&args, term),
        Command::Templates(TemplatesCommand::List) => templates::list(term),
        Command::Completions(args) => completions::completions(&args),
        Command::Man => completions::man(),
        Command::Generate(args) => generate::run(&args, term),
    }
}

/// Print an error the one way pbxgen prints errors.
pub fn print_error(err: &Error, term: &Term) {
    use colored::Colorize;
    let label = if term.color {
        "error:".red().bold().to_string()
    } else {
        "error:".to_string()
    };
    eprintln!("{label} {err}");
}
