//! Thin binary: parse arguments, hand them to the library, map the outcome to an exit code.
use clap::Parser;

/// mimalloc rather than the system allocator: reading a provider's profile and rendering its
/// files makes millions of small allocations, and glibc's malloc spent a fifth of the run on
/// them (plus page faults for memory it did not reuse across threads).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = pbxgen::cli::Cli::parse();
    pbxgen::commands::main(cli)
}
