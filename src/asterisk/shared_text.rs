//! [`Text`]: an immutable, cheaply cloned string for the reader's variable names and values.
//!
//! A million-line tree has millions of variables. A `Text` is a range of a shared buffer: the
//! reader's values are ranges of the source file itself (no copy, no allocation per value), and
//! a clone is a reference-count increment. Text that is not a range of a source (an unescaped
//! `\;`, a `+=` join, bytes that are not UTF-8) has a buffer of its own; option names, which
//! repeat millions of times, are interned per file so that equal names share one.

use serde::{Serialize, Serializer};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::{Deref, Range};
use std::sync::{Arc, LazyLock};

/// An immutable shared string; derefs to `str`.
///
/// 16 bytes: a thin pointer to its buffer and a range of it. The model holds millions of them
/// (two per variable, one per option it keeps), so the 8 bytes a fat `Arc<str>` would add are
/// tens of megabytes on a provider's tree.
#[derive(Clone)]
pub struct Text {
    buf: TextBuffer,
    start: u32,
    len: u32,
}

/// A buffer that [`Text`]s are ranges of: a whole source file (shared with the reader, no
/// copy) or one owned string. Cloning it is a reference-count increment.
#[derive(Clone)]
pub struct TextBuffer(Arc<Arc<str>>);

impl TextBuffer {
    fn as_str(&self) -> &str {
        &self.0
    }
}

/// The buffer of every empty `Text` made by `default()`.
static EMPTY: LazyLock<TextBuffer> = LazyLock::new(|| TextBuffer(Arc::new(Arc::from(""))));

impl Text {
    pub fn as_str(&self) -> &str {
        let range = self.start as usize..(self.start + self.len) as usize;
        let buf = self.buf.as_str();
        debug_assert!(buf.get(range.clone()).is_some());
        // SAFETY: `range` was checked to lie on character boundaries of `buf` when the Text was
        // made (`whole` or `range_of`), and `buf` is immutable.
        unsafe { buf.get_unchecked(range) }
    }

    /// Equal to `other` ignoring ASCII case. The length is kept inline and compared first: most
    /// names a lookup passes over (`Section::get` on every option of every section) differ
    /// in length and are told apart without reading the buffer.
    pub fn eq_ignore_ascii_case(&self, other: &str) -> bool {
        self.len as usize == other.len() && self.as_str().eq_ignore_ascii_case(other)
    }

    /// The whole of `buf`.
    pub fn whole(buf: Arc<str>) -> Text {
        let len = u32::try_from(buf.len()).expect("text shorter than 4 GiB");
        Text {
            buf: TextBuffer(Arc::new(buf)),
            start: 0,
            len,
        }
    }

    /// `buf[range]`, sharing `buf`; `None` when `range` is not on character boundaries of `buf`.
    pub fn range_of(buf: &TextBuffer, range: Range<usize>) -> Option<Text> {
        buf.as_str().get(range.clone())?;
        Some(Text {
            buf: buf.clone(),
            start: u32::try_from(range.start).ok()?,
            len: u32::try_from(range.len()).ok()?,
        })
    }

    /// `bytes` as a shared text buffer when it is UTF-8, sharing the allocation (no copy).
    pub fn utf8_buffer(bytes: &Arc<[u8]>) -> Option<TextBuffer> {
        std::str::from_utf8(bytes).ok()?;
        let raw = Arc::into_raw(Arc::clone(bytes));
        // SAFETY: the bytes were just checked to be UTF-8, and `[u8]` and `str` have the same
        // layout (this is how std turns an `Arc<[u8]>` into an `Arc<str>`).
        let text: Arc<str> = unsafe { Arc::from_raw(raw as *const str) };
        Some(TextBuffer(Arc::new(text)))
    }

    /// `part` as a `Text`: sharing this text's buffer when `part` lies inside that buffer (a
    /// piece of a value cut out by `trim`, `split`, …: no copy), a copy otherwise.
    pub fn part(&self, part: &str) -> Text {
        let base = self.buf.as_ptr() as usize;
        let start = (part.as_ptr() as usize).wrapping_sub(base);
        if start <= self.buf.len() && part.len() <= self.buf.len() - start {
            if let Some(text) = Text::range_of(&self.buf, start..start + part.len()) {
                return text;
            }
        }
        Text::from(part)
    }
}

impl std::ops::Deref for TextBuffer {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl Default for Text {
    fn default() -> Self {
        Text {
            buf: EMPTY.clone(),
            start: 0,
            len: 0,
        }
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.len == other.len && self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Text) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Text) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text::whole(Arc::from(s))
    }
}

impl From<std::borrow::Cow<'_, str>> for Text {
    fn from(s: std::borrow::Cow<'_, str>) -> Self {
        Text::whole(Arc::from(s))
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Self {
        Text::whole(Arc::from(s.as_str()))
    }
}

impl From<&Text> for Text {
    fn from(t: &Text) -> Self {
        t.clone()
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text::whole(Arc::from(s))
    }
}

impl From<Text> for String {
    fn from(t: Text) -> Self {
        t.as_str().to_string()
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        // The inline length first: no buffer read for most strings that differ.
        self.len as usize == other.len() && self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

// The model's size depends on it (see [`Text`]).
const _: () = assert!(std::mem::size_of::<Text>() == 16);

#[cfg(test)]
mod tests {
    use super::*;

    /// A piece of a text shares its buffer; anything else is copied.
    #[test]
    fn part_shares_the_buffer_of_a_piece_and_copies_the_rest() {
        let value = Text::whole(Arc::from("  Dial(PJSIP/${EXTEN}@itsp,30)  "));
        let piece = value.trim().split_once('(').unwrap().1;
        let text = value.part(piece);
        assert_eq!(text, "PJSIP/${EXTEN}@itsp,30)");
        assert!(Arc::ptr_eq(&text.buf.0, &value.buf.0));
        // A piece of a piece: still the same buffer, and empty pieces at either end.
        assert!(Arc::ptr_eq(&text.part(&piece[..5]).buf.0, &value.buf.0));
        assert_eq!(value.part(&value[value.len()..]), "");
        assert_eq!(value.part(&value[..0]), "");
        // Not inside: a copy with the same text.
        let other = String::from("Dial");
        let copied = value.part(&other);
        assert_eq!(copied, "Dial");
        assert!(!Arc::ptr_eq(&copied.buf.0, &value.buf.0));
        // Inside another text's buffer that happens to follow this one: never confused.
        let sub = Text::range_of(&value.buf, 2..6).unwrap();
        assert_eq!(sub.part(&value[10..14]), &value[10..14]);
    }
}
