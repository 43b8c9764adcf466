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
        GenerateKind::Profile => {
            let text = crate::synth::profile_yaml(args.count);
            crate::fsutil::write_atomic(&args.out, text.as_bytes(), crate::fsutil::MODE_SECRET)?;
            if !term.quiet {
                println!(
                    "{}: {} extensions, {} lines",
                    args.out.display(),
                    args.count,
                    text.lines().count()
                );
            }
            Ok(EXIT_OK)
        }
    }
}
