//! JSON text written by hand, byte for byte as serde_json writes it (each report that uses this
//! has a test holding the two together). Reports of large configurations have hundreds of
//! thousands of entries: serde's per-field calls and its byte-at-a-time escape loop cost more
//! than everything else the report does.

/// How much text a report gathers before writing it: large enough that writing costs few system
/// calls, small enough to stay in the cache.
pub const CHUNK: usize = 64 * 1024;

/// A JSON string as serde_json escapes it: `"` and `\\`, the control characters below 0x20
/// (`\b \t \n \f \r` by name, the rest as `\u00xx`); everything else as it is (UTF-8).
pub fn push_str(buf: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let escaped = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
    buf.push(b'"');
    // The usual case, nothing to escape, tested without an early exit so that it vectorizes.
    if !bytes.iter().fold(false, |any, &b| any | escaped(b)) {
        buf.extend_from_slice(bytes);
        buf.push(b'"');
        return;
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !escaped(b) {
            continue;
        }
        buf.extend_from_slice(&bytes[start..i]);
        start = i + 1;
        match b {
            b'"' => buf.extend_from_slice(b"\\\""),
            b'\\' => buf.extend_from_slice(b"\\\\"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            0x08 => buf.extend_from_slice(b"\\b"),
            0x0c => buf.extend_from_slice(b"\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                buf.extend_from_slice(b"\\u00");
                buf.push(HEX[usize::from(b >> 4)]);
                buf.push(HEX[usize::from(b & 0xf)]);
            }
        }
    }
    buf.extend_from_slice(&bytes[start..]);
    buf.push(b'"');
}

/// A string, or `null`.
pub fn push_opt_str(buf: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => push_str(buf, s),
        None => buf.extend_from_slice(b"null"),
    }
}

/// A whole number in decimal.
pub fn push_number(buf: &mut Vec<u8>, n: impl Into<u64>) {
    // Digits last first: `fmt`'s machinery costs more than the rest of a report's entry.
    let mut n = n.into();
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&digits[i..]);
}

/// Text every JSON writer's test writes: each control character, quotes, a backslash, a slash,
/// non-ASCII text, DEL and U+2028 (which serde_json leaves as they are).
#[cfg(test)]
pub(crate) fn awkward_text() -> String {
    (0u8..0x20)
        .map(char::from)
        .chain("\"\\/é→\u{7f}\u{2028}x".chars())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_numbers_are_what_serde_json_writes() {
        let awkward = awkward_text();
        for s in ["", "plain", "a\"b", awkward.as_str()] {
            let mut buf = Vec::new();
            push_str(&mut buf, s);
            assert_eq!(buf, serde_json::to_vec(s).unwrap(), "{s:?}");
        }
        for n in [0u64, 7, 10, 12345, u64::from(u32::MAX), u64::MAX] {
            let mut buf = Vec::new();
            push_number(&mut buf, n);
            assert_eq!(buf, serde_json::to_vec(&n).unwrap());
        }
        let mut buf = Vec::new();
        push_opt_str(&mut buf, None);
        assert_eq!(buf, b"null");
    }
}
