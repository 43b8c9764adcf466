//! Thin binary: parse arguments, hand them to the library, map the outcome to an exit code.
use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = pbxgen::cli::Cli::parse();
    pbxgen::commands::main(cli)
}
