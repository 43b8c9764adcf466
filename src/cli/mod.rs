//! The command line, part of the binary only: clap arguments ([`args`]), dispatch, exit codes
//! ([`exit`]), terminal settings ([`term`]) and one module per command. Each command turns the
//! library's typed results into output and an exit code; errors are printed here, once, in one
//! format. The library (`pbxgen`) knows nothing of this module.

use pbxgen::Error;
use pbxgen::untrusted::for_terminal;
use std::process::ExitCode;

pub mod args;
mod audit;
mod completions;
mod exit;
mod migrate;
mod profile;
mod render;
mod rules;
mod templates;
pub mod term;
mod twilio;
mod verify;

use args::{Cli, Command, ProfileCommand, TemplatesCommand, TwilioCommand};
use term::Term;

/// Entry point used by `main.rs`: parse the arguments, run the command, end with its code.
pub fn main() -> ExitCode {
    use clap::Parser;
    let cli = Cli::parse();
    let term = Term::from_flags(cli.global.color, cli.global.quiet, cli.global.verbose);
    match read_limits(&cli.global.limit).and_then(|()| run(cli.command, &term)) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            print_error(&err, &term);
            ExitCode::from(exit::of_error(&err))
        }
    }
}

/// Set the read limits from `--limit NAME=SIZE` (and `PBXGEN_LIMITS`) before anything is read.
fn read_limits(settings: &[String]) -> Result<(), Error> {
    let mut limits = pbxgen::fsutil::ReadLimits::default();
    for setting in settings {
        limits.apply(setting)?;
    }
    pbxgen::fsutil::set_read_limits(limits);
    Ok(())
}

/// Run one command; `Ok(code)` is the exit code of a command that ran to its end.
fn run(command: Command, term: &Term) -> Result<u8, Error> {
    match command {
        Command::Render(args) => render::run(&args, term),
        Command::Audit(args) => audit::run(&args, term),
        Command::Migrate(args) => migrate::run(&args, term),
        Command::Verify(args) => verify::run(&args, term),
        Command::Rules(args) => rules::run(&args, term),
        Command::Twilio(TwilioCommand::Refresh(args)) => twilio::refresh(&args, term),
        Command::Twilio(TwilioCommand::Firewall(args)) => twilio::firewall(&args, term),
        Command::Twilio(TwilioCommand::Serve(args)) => twilio::serve(&args, term),
        Command::Twilio(TwilioCommand::Sign(args)) => twilio::sign(&args, term),
        Command::Profile(ProfileCommand::Check(args)) => profile::check(&args, term),
        Command::Profile(ProfileCommand::Schema) => profile::schema(term),
        Command::Templates(TemplatesCommand::Export(args)) => templates::export(&args, term),
        Command::Templates(TemplatesCommand::List) => templates::list(term),
        Command::Completions(args) => completions::completions(&args),
        Command::Man(args) => completions::man(&args, term),
    }
}

/// Print an error the one way pbxgen prints errors: `error: FILE:LINE:COL: MESSAGE` and, on a
/// line of its own, the hint. Messages quote configs, profiles and file names: every part goes
/// through [`for_terminal`], so a control character or a line break in them is shown escaped
/// (an error is one line, plus its hint). An error that found further problems in the same
/// pass ([`Error::also`]) prints each the same way.
pub(crate) fn print_error(err: &Error, term: &Term) {
    use colored::Colorize;
    let label = if term.color {
        "error:".red().bold().to_string()
    } else {
        "error:".to_string()
    };
    for problem in err.each() {
        let mut text = String::new();
        if let Some(location) = &problem.location {
            text.push_str(&for_terminal(&location.to_string()));
            text.push_str(": ");
        }
        text.push_str(&for_terminal(&problem.message));
        if let Some(hint) = &problem.hint {
            text.push_str("\n  hint: ");
            text.push_str(&for_terminal(hint));
        }
        eprintln!("{label} {text}");
    }
}
