//! `memcmp` and `bcmp` for this binary, in place of glibc's (Linux with glibc only).
//!
//! Why: on CPUs with AVX-512VL glibc picks `__memcmp_evex_movbe`, which compares fewer than 32
//! bytes with one *masked* 32-byte load. On AMD Zen 4 (EPYC Genoa, common in clouds) a masked
//! load whose masked-off bytes reach into a page that is not mapped takes a microcode assist:
//! an 8-byte compare at the end of a page before an unmapped one took 268 ns instead of 2 ns
//! here, and 28 ns instead of 13 ns before a page not touched yet. pbxgen compares millions of
//! short names (map keys, option names, ACL slots) in heap memory the allocator has just
//! mapped or given back around them: the 20,000-peer sip.conf audit spent a fifth of its
//! time in those compares (26.5 → 21 ms with glibc's AVX-512VL string functions turned off,
//! the same with these). Every `==` on strings and slices in the binary lands here.
//!
//! The compares are short, so 8 bytes at a time is as fast as vectors would be; a long compare
//! (a rendered file against the one on disk) runs at about 8 bytes a cycle, far below the cost
//! of reading the file. The code reads bytes only with plain loads, never past `n`, and calls
//! nothing (a loop the compiler turned back into a `memcmp` call would recurse: the tests and
//! `cargo test` of the binary catch that).

/// The first 8 bytes at `p` as a big-endian number: numbers compare as the bytes do.
///
/// # Safety
/// `p` must be valid for reading 8 bytes.
#[inline(always)]
unsafe fn word(p: *const u8) -> u64 {
    // SAFETY: the caller guarantees 8 readable bytes; `read_unaligned` needs no alignment.
    u64::from_be(unsafe { p.cast::<u64>().read_unaligned() })
}

/// The first 4 bytes at `p` as a big-endian number.
///
/// # Safety
/// `p` must be valid for reading 4 bytes.
#[inline(always)]
unsafe fn half_word(p: *const u8) -> u64 {
    // SAFETY: the caller guarantees 4 readable bytes.
    u64::from(u32::from_be(unsafe { p.cast::<u32>().read_unaligned() }))
}

/// -1, 0 or 1 as `x` is below, equal to or above `y`.
#[inline(always)]
fn order(x: u64, y: u64) -> i32 {
    (x > y) as i32 - (x < y) as i32
}

/// Compare `n` bytes at `a` and `b` as unsigned bytes, first difference first (C's `memcmp`).
///
/// # Safety
/// `a` and `b` must each be valid for reading `n` bytes.
#[inline(always)]
unsafe fn compare(a: *const u8, b: *const u8, n: usize) -> i32 {
    // SAFETY (all reads below): every offset read is below `n`; a word is read at `i` only
    // when `i + 8 <= n`, a half word at `i` only when `i + 4 <= n`.
    unsafe {
        if n >= 8 {
            let mut i = 0;
            while i + 8 < n {
                let (x, y) = (word(a.add(i)), word(b.add(i)));
                if x != y {
                    return order(x, y);
                }
                i += 8;
            }
            // The last 8 bytes, overlapping what was compared: equal there, so the first
            // difference in them is the first difference of the whole.
            return order(word(a.add(n - 8)), word(b.add(n - 8)));
        }
        if n >= 4 {
            // First and last 4 bytes (overlapping when n < 8), first ones high.
            let x = (half_word(a) << 32) | half_word(a.add(n - 4));
            let y = (half_word(b) << 32) | half_word(b.add(n - 4));
            return order(x, y);
        }
        let mut i = 0;
        while i < n {
            let (x, y) = (*a.add(i), *b.add(i));
            if x != y {
                return i32::from(x) - i32::from(y);
            }
            i += 1;
        }
        0
    }
}

/// C's `memcmp`, for every comparison of bytes in this binary.
///
/// # Safety
/// `a` and `b` must each be valid for reading `n` bytes (C's contract).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    // SAFETY: C's contract, passed on.
    unsafe { compare(a, b, n) }
}

/// C's `bcmp` (zero when equal; what the compiler calls for `==` on slices).
///
/// # Safety
/// `a` and `b` must each be valid for reading `n` bytes (C's contract).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    // SAFETY: C's contract, passed on.
    unsafe { compare(a, b, n) }
}

#[cfg(test)]
mod tests {
    /// The order of two byte strings, worked out one byte at a time with nothing the compiler
    /// could turn into a `memcmp` call.
    fn reference(a: &[u8], b: &[u8]) -> i32 {
        for i in 0..a.len() {
            let (x, y) = (std::hint::black_box(a[i]), std::hint::black_box(b[i]));
            if x != y {
                return if x < y { -1 } else { 1 };
            }
        }
        0
    }

    /// Every length 0-40 and every position of a single difference, both ways round, with
    /// bytes whose order differs signed and unsigned (0x7f against 0x80).
    #[test]
    fn orders_as_unsigned_bytes_at_every_length_and_position() {
        for n in 0..=40usize {
            let a: Vec<u8> = (0..n as u8).map(|i| i.wrapping_mul(37)).collect();
            // SAFETY: both slices hold n bytes.
            assert_eq!(unsafe { super::memcmp(a.as_ptr(), a.as_ptr(), n) }, 0);
            for at in 0..n {
                for (lo, hi) in [(0x7f, 0x80), (0x00, 0xff), (b'a', b'b')] {
                    let (mut x, mut y) = (a.clone(), a.clone());
                    x[at] = lo;
                    y[at] = hi;
                    // A later difference the other way must not decide.
                    if at + 1 < n {
                        x[n - 1] = 0xff;
                        y[n - 1] = 0x00;
                    }
                    let (xp, yp) = (x.as_ptr(), y.as_ptr());
                    // SAFETY: both slices hold n bytes.
                    let (got, back, eq) = unsafe {
                        (
                            super::memcmp(xp, yp, n).signum(),
                            super::memcmp(yp, xp, n).signum(),
                            super::bcmp(xp, yp, n),
                        )
                    };
                    assert_eq!(got, reference(&x, &y), "n={n} at={at}");
                    assert_eq!(back, reference(&y, &x), "n={n} at={at}");
                    assert_ne!(eq, 0, "n={n} at={at}");
                }
            }
        }
    }

    /// The binary's own `==` and `cmp` on slices and strings use these functions and agree
    /// with the reference.
    #[test]
    fn slices_and_strings_compare_as_before() {
        let words = [
            "",
            "a",
            "ab",
            "abc",
            "abcd",
            "abcde",
            "abcdefgh",
            "abcdefghi",
            "b",
        ];
        for x in words {
            for y in words {
                let want = reference(
                    &x.as_bytes()[..x.len().min(y.len())],
                    &y.as_bytes()[..x.len().min(y.len())],
                );
                let want = if want == 0 {
                    x.len().cmp(&y.len()) as i32
                } else {
                    want
                };
                assert_eq!(x.cmp(y) as i32, want, "{x:?} {y:?}");
                assert_eq!(x == y, want == 0, "{x:?} {y:?}");
            }
        }
    }
}
