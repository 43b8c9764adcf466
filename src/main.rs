//! Thin binary: parse arguments, hand them to the library, map the outcome to an exit code.
use clap::Parser;

// mimalloc: reading and modelling a large tree makes millions of small allocations, where
// glibc's allocator spends about a third of the audit's time (see `cargo bench --bench scale`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = pbxgen::cli::Cli::parse();
    pbxgen::commands::main(cli)
}
