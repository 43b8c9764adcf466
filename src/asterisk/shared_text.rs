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
#[derive(Clone)]
pub struct Text {
    buf: Arc<str>,
    start: u32,
    len: u32,
}

/// The buffer of every empty `Text` made by `default()`.
static EMPTY: LazyLock<Arc<str>> = LazyLock::new(|| Arc::from(""));

impl Text {
    pub fn as_str(&self) -> &str {
        let range = self.start as usize..(self.start + self.len) as usize;
        debug_assert!(self.buf.get(range.clone()).is_some());
        // SAFETY: `range` was checked to lie on character boundaries of `buf` when the Text was
        // made (`whole` or `range_of`), and `buf` is immutable.
        unsafe { self.buf.get_unchecked(range) }
    }

    /// The whole of `buf`.
    pub fn whole(buf: Arc<str>) -> Text {
        let len = u32::try_from(buf.len()).expect("text shorter than 4 GiB");
        Text { buf, start: 0, len }
    }

    /// `buf[range]`, sharing `buf`; `None` when `range` is not on character boundaries of `buf`.
    pub fn range_of(buf: &Arc<str>, range: Range<usize>) -> Option<Text> {
        buf.get(range.clone())?;
        Some(Text {
            buf: Arc::clone(buf),
            start: u32::try_from(range.start).ok()?,
            len: u32::try_from(range.len()).ok()?,
        })
    }

    /// `bytes` as shared text when it is UTF-8, sharing the allocation (no copy).
    pub fn utf8_buffer(bytes: &Arc<[u8]>) -> Option<Arc<str>> {
        std::str::from_utf8(bytes).ok()?;
        let raw = Arc::into_raw(Arc::clone(bytes));
        // SAFETY: the bytes were just checked to be UTF-8, and `[u8]` and `str` have the same
        // layout (this is how std turns an `Arc<[u8]>` into an `Arc<str>`).
        Some(unsafe { Arc::from_raw(raw as *const str) })
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

impl Default for Text {
    fn default() -> Self {
        Text::whole(Arc::clone(&EMPTY))
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
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
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
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
        assert!(Arc::ptr_eq(&text.buf, &value.buf));
        // A piece of a piece: still the same buffer, and empty pieces at either end.
        assert!(Arc::ptr_eq(&text.part(&piece[..5]).buf, &value.buf));
        assert_eq!(value.part(&value[value.len()..]), "");
        assert_eq!(value.part(&value[..0]), "");
        // Not inside: a copy with the same text.
        let other = String::from("Dial");
        let copied = value.part(&other);
        assert_eq!(copied, "Dial");
        assert!(!Arc::ptr_eq(&copied.buf, &value.buf));
        // Inside another text's buffer that happens to follow this one: never confused.
        let sub = Text::range_of(&value.buf, 2..6).unwrap();
        assert_eq!(sub.part(&value[10..14]), &value[10..14]);
    }
}
