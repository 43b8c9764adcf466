//! How large values the library no longer needs are let go: a plan, its template value or a
//! model is a tree of millions of small allocations at provider scale, and freeing it one by
//! one takes longer than writing the files.
//!
//! The value is dropped on a thread of its own and nothing waits for it. It is still freed,
//! not leaked: what a render lets go early (the profile, the template value) is memory the
//! self-audit reuses, which keeps the peak down (leaking them instead raised a 10,000-extension
//! render's peak by 20 MiB). Only a command's very last values are left to the exit (the CLI's
//! audit does that).
pub fn dispose<T: Send + 'static>(value: T) {
    // Should no thread start, `spawn` drops the closure, and the value with it, right here.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}
