//! How large values the library no longer needs are let go: a plan, its template value or a
//! model is a tree of millions of small allocations at provider scale, and freeing it one by
//! one takes longer than writing the files.
//!
//! A long-lived process (the webhook server, a program using the library) must get its memory
//! back, so by default the value is dropped on a thread of its own and nothing waits for it. A
//! command that ends right after its work says so once ([`exit_reclaims`]): its values are then
//! left to the operating system, which takes the whole address space back at exit at once —
//! on two cores even a background free competes with the work still to do.

use std::sync::atomic::{AtomicBool, Ordering};

static EXIT_RECLAIMS: AtomicBool = AtomicBool::new(false);

/// The process ends when its current command is done: from now on [`dispose`] leaves values
/// to the exit instead of freeing them.
pub fn exit_reclaims() {
    EXIT_RECLAIMS.store(true, Ordering::Relaxed);
}

/// Let `value` go without making the caller wait for it to be freed.
pub fn dispose<T: Send + 'static>(value: T) {
    if EXIT_RECLAIMS.load(Ordering::Relaxed) {
        std::mem::forget(value);
        return;
    }
    // Should no thread start, `spawn` drops the closure, and the value with it, right here.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}
