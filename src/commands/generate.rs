//! `pbxgen generate` (hidden): synthetic inputs for the benchmarks.

use crate::cli::{GenerateArgs, GenerateKind};
use crate::diag::{EXIT_OK, Error};
use crate::term::Term;

pub fn run(args: &GenerateArgs, term: &Term) -> Result<u8, Error> {
    match args.kind {
        GenerateKind::ConfigTree => {
            let stats = crate::synth::write_config_tree(&args.out, args.count)?;
            if !term.quiet {
                println!(
                    "{}: {} files, {} lines, {} bytes",
                    args.out.display(),
                    stats.files,
                    stats.lines,
                    stats.bytes
                );
            }
            Ok(EXIT_OK)
        }
        GenerateKind::Profile => Err(super::not_implemented("generate profile")),
    }
}
