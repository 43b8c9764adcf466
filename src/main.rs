//! Thin binary: the command line ([`cli`]) parses arguments, hands them to the library and maps
//! the outcome to an exit code.

mod cli;

// mimalloc rather than the system allocator: reading and modelling a large tree, or rendering a
// provider's profile, makes millions of small allocations; glibc's malloc spent a fifth to a third
// of those runs on them (see `cargo bench --bench scale`). `--cfg pbxgen_system_allocator` in
// RUSTFLAGS builds with the system allocator, for heap profilers that hook malloc (heaptrack).
#[cfg(not(pbxgen_system_allocator))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // Like other Unix tools, end quietly when the reader of our output goes away
    // (`pbxgen audit … | head`) instead of panicking on a failed write to stdout.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    cli::main()
}
