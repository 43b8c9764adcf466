//! JSON text written by hand, byte for byte as serde_json writes it (each report that uses this
//! has a test holding the two together). Reports of large configurations have hundreds of
//! thousands of entries: serde's per-field calls and its byte-at-a-time escape loop cost more
//! than everything else the report does.

/// How much text a report gathers before writing it: large enough that writing costs few system
/// calls, small enough to stay in the cache.
pub const CHUNK: usize = 64 * 1024;

/// Write the text of `items` to `out` after what `buf` already holds, `item(buf, index, x)`
/// appending the text of item `index` (its separator included). Large lists are made in blocks
/// of [`BLOCK_ITEMS`], the odd blocks on a second thread while this one makes and writes the
/// even ones, at most [`BLOCKS_AHEAD`] blocks ahead: the same bytes in the same order in about
/// half the time, and never the whole text in memory. On return `buf` holds what is not
/// written yet (the caller appends the rest of the document to it).
pub fn write_in_blocks<T: Sync>(
    items: &[T],
    buf: &mut Vec<u8>,
    out: &mut impl std::io::Write,
    item: impl Fn(&mut Vec<u8>, usize, &T) + Sync,
) -> std::io::Result<()> {
    write_in_blocks_with(
        items,
        buf,
        out,
        || (),
        |buf, (), index, x| item(buf, index, x),
    )
}

/// [`write_in_blocks`] for items whose text is made with some state (a cache of what the
/// previous items printed): each block starts with a fresh `new_state()`, so a block's text
/// does not depend on the thread that makes it, nor on the blocks before it.
pub fn write_in_blocks_with<'a, T: Sync, S>(
    items: &'a [T],
    buf: &mut Vec<u8>,
    out: &mut impl std::io::Write,
    new_state: impl Fn() -> S + Sync,
    item: impl Fn(&mut Vec<u8>, &mut S, usize, &'a T) + Sync,
) -> std::io::Result<()> {
    let block_count = items.len().div_ceil(BLOCK_ITEMS);
    let block_text = |block: usize, buf: &mut Vec<u8>| {
        let start = block * BLOCK_ITEMS;
        let end = (start + BLOCK_ITEMS).min(items.len());
        let mut state = new_state();
        for (index, x) in items[start..end].iter().enumerate() {
            item(buf, &mut state, start + index, x);
        }
    };
    if block_count < 2 * BLOCKS_AHEAD {
        for block in 0..block_count {
            block_text(block, buf);
            if buf.len() >= CHUNK {
                out.write_all(buf)?;
                buf.clear();
            }
        }
        return Ok(());
    }
    std::thread::scope(|scope| {
        let (sender, odd_blocks) = std::sync::mpsc::sync_channel::<Vec<u8>>(BLOCKS_AHEAD);
        let block_text = &block_text;
        scope.spawn(move || {
            for block in (1..block_count).step_by(2) {
                let mut text = Vec::with_capacity(CHUNK);
                block_text(block, &mut text);
                // The writer stopped (a write failed): nothing more is wanted.
                if sender.send(text).is_err() {
                    return;
                }
            }
        });
        for block in 0..block_count {
            if block % 2 == 0 {
                block_text(block, buf);
                out.write_all(buf)?;
                buf.clear();
            } else {
                let text = odd_blocks
                    .recv()
                    .expect("the block thread sends every odd block before it ends");
                out.write_all(&text)?;
            }
        }
        Ok(())
    })
}

/// Items per block of [`write_in_blocks`] (a report entry or finding is a few hundred bytes).
pub const BLOCK_ITEMS: usize = 128;
/// How many blocks the second thread of [`write_in_blocks`] may have made ahead of the writer.
const BLOCKS_AHEAD: usize = 2;

/// serde_json's pretty layout (`to_string_pretty`), written as it goes: every member on a line
/// of its own, indented two spaces a level; an empty object or array as `{}` or `[]`. The
/// caller writes each value right after its [`key`](Self::key) or [`item`](Self::item) (with
/// [`push_str`], [`push_number`], …), and an object's keys in the order serde_json would (a
/// `serde_json::Value`'s in alphabetical order). The SARIF report is written with it; the JSON
/// report, whose layout is fixed, writes each field's separator, indentation and key as one
/// constant instead (written with this, the 1M-line tree's audit took 1.8% more instructions).
pub struct Pretty<'b> {
    pub buf: &'b mut Vec<u8>,
    /// Levels of objects and arrays open.
    depth: usize,
    /// Nothing written yet in the innermost open object or array.
    first: bool,
}

impl<'b> Pretty<'b> {
    /// Writing into `buf` inside `depth` open objects and arrays; `has_members` when the
    /// innermost already has a member or element (a block of a long list after the first).
    pub fn at(buf: &'b mut Vec<u8>, depth: usize, has_members: bool) -> Self {
        Pretty {
            buf,
            depth,
            first: !has_members,
        }
    }

    /// How many objects and arrays are open.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// A line break and the indentation of `depth` levels.
    fn newline(&mut self, depth: usize) {
        // One copy for the usual depths (every member of every finding starts with this).
        const BREAK: &[u8; 33] = b"\n                                ";
        match BREAK.get(..1 + 2 * depth) {
            Some(indented) => self.buf.extend_from_slice(indented),
            None => {
                self.buf.push(b'\n');
                self.buf.resize(self.buf.len() + 2 * depth, b' ');
            }
        }
    }

    /// `{` or `[`.
    pub fn open(&mut self, bracket: u8) {
        self.buf.push(bracket);
        self.depth += 1;
        self.first = true;
    }

    /// `}` or `]`, on a line of its own unless nothing was in it.
    pub fn close(&mut self, bracket: u8) {
        self.depth -= 1;
        if !self.first {
            self.newline(self.depth);
        }
        self.buf.push(bracket);
        self.first = false;
    }

    /// The next element of the array open.
    pub fn item(&mut self) {
        if !self.first {
            self.buf.push(b',');
        }
        self.newline(self.depth);
        self.first = false;
    }

    /// The next member of the object open, up to its value. Keys are the program's own names
    /// (`'static`, never text read from anywhere), none with a character JSON escapes.
    pub fn key(&mut self, key: &'static str) {
        debug_assert!(!key.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\'));
        self.item();
        self.buf.push(b'"');
        self.buf.extend_from_slice(key.as_bytes());
        self.buf.extend_from_slice(b"\": ");
    }

    /// A value serde_json lays out, at this depth.
    pub fn nested(&mut self, value: &serde_json::Value) {
        let text = serde_json::to_string_pretty(value).unwrap_or_default();
        // A JSON string has no line break in it: every line break is the layout's.
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                self.newline(self.depth);
            }
            self.buf.extend_from_slice(line.as_bytes());
        }
    }
}

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
    buf.extend_from_slice(decimal(n.into(), &mut [0; 20]).as_bytes());
}

/// `n` in decimal, as `Display` writes it, in `digits`: without `fmt`'s machinery, which costs
/// more than the rest of a report's entry or of a rendered line.
pub fn decimal(mut n: u64, digits: &mut [u8; 20]) -> &str {
    // Digits last first.
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&digits[i..]).expect("ASCII digits")
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
