//! Thin binary: the command line ([`cli`]) parses arguments, hands them to the library and maps
//! the outcome to an exit code.

// glibc's AVX-512 `memcmp` is slow on short compares near unmapped pages (AMD Zen 4): the
// binary brings its own (see the module). Linux with glibc only: nothing else is affected.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod byte_compare;
mod cli;

// mimalloc rather than the system allocator: reading and modelling a large tree, or rendering a
// provider's profile, makes millions of small allocations; glibc's malloc spent a fifth to a third
// of those runs on them (see `cargo bench --bench scale`). `--cfg pbxgen_system_allocator` in
// RUSTFLAGS builds with the system allocator, for heap profilers that hook malloc (heaptrack).
#[cfg(not(pbxgen_system_allocator))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_e` of mimalloc v3's `mimalloc.h`;
/// the Rust bindings have no constant for it). The unit test below checks it by its default.
#[cfg(not(pbxgen_system_allocator))]
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Give memory freed while reading back to the system at once instead of after mimalloc v3's
/// default delay of a second, which outlasts a whole run: the buffers a large read frees (a
/// variable table outgrown, a rendered file read back) otherwise stay resident through the
/// peak. 40-50 MiB less peak on a 1,000,000-line audit, no slower (paired runs; README →
/// Performance). `pbxgen render` waits a little longer ([`purge_freed_memory_after`]).
#[cfg(not(pbxgen_system_allocator))]
fn purge_freed_memory_at_once() {
    purge_freed_memory_after(0);
}

/// Give memory freed back to the system `ms` milliseconds after it is freed (unless
/// `MIMALLOC_PURGE_DELAY` in the environment says otherwise, which wins).
///
/// A render frees the profile, the plan and the rendered parts while the next phase allocates
/// as much again: purged at once, those pages are faulted back in one by one (a fault costs
/// more than a microsecond here, a 10,000-extension render faulted 15,000 times). Kept 5 ms,
/// most are reused as they are: 7% less wall time on that render, 0.1 s less on 100,000, for
/// 8-10 MiB more peak (paired runs; README → Performance). The audits keep purging at once:
/// their peaks are what grows (the 1,000,000-line tree's by 5 MiB, the 20,000-peer sip.conf's
/// past its 40 MiB bound).
#[cfg(not(pbxgen_system_allocator))]
pub(crate) fn purge_freed_memory_after(ms: i64) {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets one of mimalloc's process-wide options; safe at any time.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, ms) };
    }
}

/// With the system allocator there is nothing to set.
#[cfg(pbxgen_system_allocator)]
pub(crate) fn purge_freed_memory_after(_ms: i64) {}

fn main() -> std::process::ExitCode {
    #[cfg(not(pbxgen_system_allocator))]
    purge_freed_memory_at_once();
    // Like other Unix tools, end quietly when the reader of our output goes away
    // (`pbxgen audit … | head`) instead of panicking on a failed write to stdout.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    cli::main()
}

#[cfg(all(test, not(pbxgen_system_allocator)))]
mod tests {
    /// The option index is right: nothing else in mimalloc v3 defaults to 1000 (ms).
    #[test]
    fn purge_delay_option_is_the_one_set() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            // SAFETY: reads a mimalloc option.
            let delay = unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
            assert_eq!(delay, 1000);
        }
    }
}
