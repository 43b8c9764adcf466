//! A `serde` deserializer for the simple block YAML a large `extensions:` list is written in,
//! used on the parts of that list ([`super::load_parts`]) before serde-saphyr.
//!
//! serde-saphyr spends about 13,000 instructions on each `key: value` line of a list (scanner,
//! parser events, budgets, duplicate-key fingerprints, a replayed key, the `Spanned`
//! protocol): four fifths of a 10,000-extension render's profile load. Most lists are simple
//! block YAML — entries of `key: value` lines, quoted or plain one-line scalars, a nested
//! mapping or a short list here and there — and this reader turns such text into the same
//! values with the same derived `Deserialize` impls, for a few hundred instructions a line.
//! It is not a second YAML grammar to keep in step with the profile types: the types drive it
//! exactly as they drive serde-saphyr, positions included (`Spanned` values get the line and
//! column serde-saphyr gives them, through its own representation of them).
//!
//! # What it reads, and what it leaves to serde-saphyr
//!
//! Anything this module is not sure of reads nothing (`None`): the caller then gives the text
//! to serde-saphyr, which reads it or reports the error, word for word as always. That covers
//! every error too — a value a type refuses, an unknown key, a missing field, a duplicate key:
//! this reader never reports anything itself. What it reads:
//!
//! - **Lines**: printable characters only (YAML 1.2 `c-printable` without the byte order mark,
//!   the C1 controls, U+2028/U+2029 and the noncharacters U+FFFE/U+FFFF), spaces for
//!   indentation (a tab anywhere gives up); blank lines and comment lines anywhere.
//! - **Block sequences**: `- ` entries at one indentation; an entry is a block mapping begun on
//!   its line, or a one-line value. A sequence that is a mapping's value may be indented as
//!   much as the key or more.
//! - **Block mappings**: `key:` at one indentation, the key lowercase ASCII letters, digits and
//!   `_` (starting with a letter, and not `null`, `true` or `false`), each key at most once
//!   (at most [`MAX_KEYS`] keys), then a one-line value on the same line, or a nested mapping
//!   or sequence on the lines below, or nothing (null).
//! - **One-line values**: a double-quoted scalar without `\` or `"` inside; a single-quoted one
//!   without `'` inside; a plain scalar that does not begin with an indicator (`-?:,[]{}#&*!|>`
//!   `'"%@` and the backquote), holds no `: ` and does not end with `:`, ended by the line or
//!   by ` #`; a flow sequence `[a, "b"]` of such scalars (plain ones without `:#,[]{}`) closed
//!   on its line, on an ASCII line. After the value only spaces and a comment. A line below a
//!   value that is indented more than its key (a continuation line) gives up.
//! - **Work**: linear in the text: each line is scanned a bounded number of times (a column is
//!   counted in characters only on a line that is not ASCII, which holds one scalar here).
//! - **Types**: strings (a plain null — empty, `~`, `null`, `Null`, `NULL` — is not one, as
//!   in serde-saphyr), options (a plain null is `None`), booleans (plain `true`/`false` in any
//!   of YAML 1.2's three spellings: the profile reads YAML with `strict_booleans`), sequences,
//!   mappings and structs, enums written as a plain scalar naming a unit variant, ignored
//!   values, and serde-saphyr's `Spanned` of a non-null scalar. Anything else (numbers, a
//!   quoted boolean or enum, a plain scalar asked for "any" type, …) gives up.
//! - **Budgets**: at most [`MAX_DEPTH`] levels of nesting, and the text well within its share
//!   of serde-saphyr's budgets (nodes, events, scalar bytes): no text passes here that
//!   serde-saphyr would refuse for its size.

use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};
use std::fmt;

/// The deepest nesting read here (the list, an entry, a field's list or mapping, …); deeper
/// text is serde-saphyr's.
const MAX_DEPTH: usize = 8;

/// The most keys a mapping may have here: duplicate keys are looked for by comparing each key
/// with the mapping's others (a profile's mappings have a dozen keys at most).
const MAX_KEYS: usize = 32;

/// `seed` deserialized from `text`, a block sequence whose first line is 1-based line
/// `line + 1` of its file; `None` when the text is not of the simple shape (module
/// documentation), is not well within `budget`, or `seed` refuses it.
pub(super) fn read<'t, S: DeserializeSeed<'t>>(
    text: &'t str,
    line: usize,
    budget: Option<&serde_saphyr::Budget>,
    seed: S,
) -> Option<S::Value> {
    let events = events(text, line, budget)?;
    let mut reader = Reader {
        events: &events.list,
        at: 0,
    };
    let value = seed.deserialize(&mut reader).ok()?;
    // The seed read the whole sequence, and nothing but it.
    (reader.at == events.list.len()).then_some(value)
}

/// A YAML node's start or end, a mapping key or a scalar, in document order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Event<'t> {
    SeqStart,
    MapStart,
    End,
    Key(&'t str),
    Scalar(Scalar<'t>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Scalar<'t> {
    /// The value (a quoted scalar's without its quotes).
    text: &'t str,
    plain: bool,
    /// 1-based, in characters, as serde-saphyr counts them.
    line: u32,
    column: u32,
}

impl Scalar<'_> {
    /// A plain scalar YAML reads as null.
    fn is_null(&self) -> bool {
        self.plain && matches!(self.text, "" | "~" | "null" | "Null" | "NULL")
    }
}

struct Events<'t> {
    list: Vec<Event<'t>>,
    tally: Tally,
}

/// How much of serde-saphyr's budgets the text would use, counted generously.
#[derive(Default)]
struct Tally {
    nodes: usize,
    events: usize,
    scalar_bytes: usize,
}

impl Tally {
    /// `Some` when the text uses at most half of each budget (serde-saphyr counts a node per
    /// collection and scalar, keys included, an event per scalar and per collection start and
    /// end, plus the stream's and the document's own).
    fn within(&self, budget: &serde_saphyr::Budget) -> Option<()> {
        (2 * self.nodes <= budget.max_nodes
            && 2 * (self.events + 4) <= budget.max_events
            && 2 * self.scalar_bytes <= budget.max_total_scalar_bytes)
            .then_some(())
    }
}

/// A line that holds something: its 1-based number, its text without the line feed, and the
/// column (0-based, in bytes) where its content starts. An entry's mapping begun on its `- `
/// line is read as a line whose content starts after the `- `.
#[derive(Clone, Copy)]
struct Line<'t> {
    number: u32,
    text: &'t str,
    indent: usize,
    /// Whether the line is ASCII: then a byte's column is its offset, without counting.
    ascii: bool,
}

impl<'t> Line<'t> {
    fn content(&self) -> &'t str {
        &self.text[self.indent..]
    }

    /// The 1-based column of byte `at`, in characters (counted on a line that is not ASCII:
    /// such a line holds one scalar here, so each line is counted once).
    fn column(&self, at: usize) -> Option<u32> {
        let column = if self.ascii {
            at
        } else {
            self.text[..at].chars().count()
        };
        u32::try_from(column + 1).ok()
    }
}

/// The events of `text` (see [`read`]); `None` as soon as they pass half of `budget`.
fn events<'t>(
    text: &'t str,
    line: usize,
    budget: Option<&serde_saphyr::Budget>,
) -> Option<Events<'t>> {
    if !all_printable(text) {
        return None;
    }
    let mut lines = Vec::new();
    let mut number = line;
    for text in text.split('\n') {
        number += 1;
        let indent = text.bytes().take_while(|&b| b == b' ').count();
        if matches!(text.as_bytes().get(indent), None | Some(b'#')) {
            continue;
        }
        lines.push(Line {
            number: u32::try_from(number).ok()?,
            text,
            indent,
            ascii: text.is_ascii(),
        });
    }
    let mut parser = Parser {
        lines,
        budget: budget.cloned(),
        at: 0,
        events: Events {
            list: Vec::new(),
            tally: Tally::default(),
        },
    };
    let first = parser.lines.first()?.indent;
    parser.block_sequence(first, 1)?;
    (parser.at == parser.lines.len()).then_some(parser.events)
}

struct Parser<'t> {
    lines: Vec<Line<'t>>,
    budget: Option<serde_saphyr::Budget>,
    /// The next line to read.
    at: usize,
    events: Events<'t>,
}

impl<'t> Parser<'t> {
    /// Add `event`; `None` once the events pass half of the budget (checked as they come, so
    /// that a huge text is given up early, not after its events are all in memory).
    fn push(&mut self, event: Event<'t>) -> Option<()> {
        let tally = &mut self.events.tally;
        tally.events += 1;
        match event {
            Event::SeqStart | Event::MapStart => tally.nodes += 1,
            Event::End => {}
            Event::Key(text) | Event::Scalar(Scalar { text, .. }) => {
                tally.nodes += 1;
                tally.scalar_bytes += text.len();
            }
        }
        self.events.list.push(event);
        match &self.budget {
            Some(budget) => self.events.tally.within(budget),
            None => Some(()),
        }
    }

    /// The line being read, when it is indented by `indent` exactly.
    fn line_at(&self, indent: usize) -> Option<Line<'t>> {
        self.lines
            .get(self.at)
            .filter(|l| l.indent == indent)
            .copied()
    }

    /// Whether the line being read (if any) is indented more than `indent`.
    fn deeper_than(&self, indent: usize) -> bool {
        self.lines.get(self.at).is_some_and(|l| l.indent > indent)
    }

    /// A block sequence whose `-`s are indented by `indent`, at nesting level `depth`.
    fn block_sequence(&mut self, indent: usize, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.push(Event::SeqStart)?;
        while let Some(line) = self.line_at(indent) {
            let Some(after_dash) = line.content().strip_prefix("- ") else {
                break;
            };
            let spaces = after_dash.bytes().take_while(|&b| b == b' ').count();
            let content = indent + 2 + spaces;
            let entry = Line {
                indent: content,
                ..line
            };
            match entry.content().as_bytes().first() {
                // A null entry, or one on the lines below: serde-saphyr's.
                None | Some(b'#') => return None,
                _ if key_of(entry.content()).is_some() => {
                    self.lines[self.at] = entry;
                    self.block_mapping(content, depth + 1)?;
                }
                _ => {
                    self.one_line_value(entry, content, depth + 1)?;
                    self.at += 1;
                }
            }
            if self.deeper_than(indent) {
                return None;
            }
        }
        self.push(Event::End)?;
        Some(())
    }

    /// A block mapping whose keys are indented by `indent`, at nesting level `depth`.
    fn block_mapping(&mut self, indent: usize, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.push(Event::MapStart)?;
        let mut keys: Vec<&str> = Vec::new();
        while let Some(line) = self.line_at(indent) {
            let (key, after) = key_of(line.content())?;
            if keys.contains(&key) || keys.len() == MAX_KEYS {
                return None;
            }
            keys.push(key);
            self.push(Event::Key(key))?;
            let spaces = after.bytes().take_while(|&b| b == b' ').count();
            let value_at = line.text.len() - after.len() + spaces;
            let on_this_line = match after.as_bytes().get(spaces) {
                None => false,
                // A comment (`key_of` left a space before it).
                Some(b'#') => false,
                Some(_) => true,
            };
            if on_this_line {
                // `key:value` is not a key: `key_of` wants a space or the line's end.
                self.one_line_value(line, value_at, depth + 1)?;
                self.at += 1;
                if self.deeper_than(indent) {
                    return None;
                }
                continue;
            }
            self.at += 1;
            match self.lines.get(self.at) {
                Some(next) if next.indent >= indent && is_entry(next.content()) => {
                    self.block_sequence(next.indent, depth + 1)?;
                }
                Some(next) if next.indent > indent => {
                    // A nested mapping; anything else there (a multi-line scalar) is not read.
                    key_of(next.content())?;
                    self.block_mapping(next.indent, depth + 1)?;
                }
                // Nothing below: null (its position is never asked for, see `Reader`).
                _ => self.push(Event::Scalar(Scalar {
                    text: "",
                    plain: true,
                    line: line.number,
                    column: 0,
                }))?,
            }
            if self.deeper_than(indent) {
                return None;
            }
        }
        self.push(Event::End)?;
        Some(())
    }

    /// The value starting at byte `at` of `line`: a scalar or a flow sequence, alone on the
    /// rest of the line (a comment aside).
    fn one_line_value(&mut self, line: Line<'t>, at: usize, depth: usize) -> Option<()> {
        let text = &line.text[at..];
        let after = if let Some(items) = text.strip_prefix('[') {
            // Not on a line that is not ASCII: the columns of many items would each be counted
            // from the line's start.
            if depth > MAX_DEPTH || !line.ascii {
                return None;
            }
            self.push(Event::SeqStart)?;
            let mut rest = items;
            let mut first = true;
            loop {
                rest = rest.trim_start_matches(' ');
                if first && rest.starts_with(']') {
                    break;
                }
                let item_at = line.text.len() - rest.len();
                let (scalar, after) = one_line_scalar(line, item_at, true)?;
                self.push(Event::Scalar(scalar))?;
                rest = after.trim_start_matches(' ');
                match rest.as_bytes().first() {
                    Some(b',') => rest = &rest[1..],
                    Some(b']') => break,
                    _ => return None,
                }
                // A comma before the `]` is serde-saphyr's.
                if rest.trim_start_matches(' ').starts_with(']') {
                    return None;
                }
                first = false;
            }
            self.push(Event::End)?;
            &rest[1..]
        } else {
            let (scalar, after) = one_line_scalar(line, at, false)?;
            self.push(Event::Scalar(scalar))?;
            after
        };
        is_blank_or_comment(after).then_some(())
    }
}

/// A one-line scalar starting at byte `at` of `line` (in a flow sequence when `in_flow`), and
/// what follows it on the line.
fn one_line_scalar(line: Line<'_>, at: usize, in_flow: bool) -> Option<(Scalar<'_>, &str)> {
    let text = &line.text[at..];
    let bytes = text.as_bytes();
    let first = *bytes.first()?;
    let (value, plain, after) = if first == b'"' || first == b'\'' {
        let close = 1 + memchr::memchr(first, &bytes[1..])?;
        let content = &text[1..close];
        if first == b'"' && content.contains('\\') || bytes.get(close + 1) == Some(&first) {
            return None;
        }
        (content, false, &text[close + 1..])
    } else {
        if b"-?:,[]{}#&*!|>'\"%@` ".contains(&first) {
            return None;
        }
        let end = if in_flow {
            // Plain scalars in a flow sequence: up to the `,` or `]`, without `:` or `#`.
            let end = bytes
                .iter()
                .position(|b| matches!(b, b',' | b']' | b'[' | b'{' | b'}' | b':' | b'#'))?;
            if !matches!(bytes[end], b',' | b']') {
                return None;
            }
            end
        } else {
            let mut end = bytes.len();
            for (i, pair) in bytes.windows(2).enumerate() {
                match pair {
                    [b' ', b'#'] => {
                        end = i;
                        break;
                    }
                    [b':', b' '] => return None,
                    _ => {}
                }
            }
            end
        };
        let plain = text[..end].trim_end_matches(' ');
        if plain.ends_with(':') {
            return None;
        }
        (plain, true, &text[end..])
    };
    let scalar = Scalar {
        text: value,
        plain,
        line: line.number,
        column: line.column(at)?,
    };
    Some((scalar, after))
}

/// `key:` at the start of `content` (followed by a space or the line's end): the key and what
/// follows the colon.
fn key_of(content: &str) -> Option<(&str, &str)> {
    let bytes = content.as_bytes();
    if !bytes.first()?.is_ascii_lowercase() {
        return None;
    }
    let len = bytes
        .iter()
        .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || **b == b'_')
        .count();
    let key = &content[..len];
    let after = content[len..].strip_prefix(':')?;
    if !(after.is_empty() || after.starts_with(' ')) || matches!(key, "null" | "true" | "false") {
        return None;
    }
    Some((key, after))
}

/// A sequence entry's line: `- ` and more, or a lone `-`.
fn is_entry(content: &str) -> bool {
    content == "-" || content.starts_with("- ")
}

/// Nothing but spaces, then a comment or nothing. A comment must follow a space.
fn is_blank_or_comment(after: &str) -> bool {
    let trimmed = after.trim_start_matches(' ');
    trimmed.is_empty() || (trimmed.starts_with('#') && trimmed.len() < after.len())
}

/// Whether every character of `text` is a line feed or may appear in a scalar or comment
/// here: printable ASCII, or a printable non-ASCII character other than the byte order mark,
/// the line and paragraph separators and the noncharacters U+FFFE/U+FFFF (YAML 1.2
/// `c-printable` without the C1 controls).
fn all_printable(text: &str) -> bool {
    if text.is_ascii() {
        return text
            .bytes()
            .all(|b| b == b'\n' || (b' '..=b'~').contains(&b));
    }
    text.chars().all(|c| match c {
        '\n' | ' '..='~' => true,
        '\u{FEFF}' | '\u{2028}' | '\u{2029}' | '\u{FFFE}' | '\u{FFFF}' => false,
        c => c >= '\u{A0}',
    })
}

/// The reader gives up: the text goes to serde-saphyr. Carries nothing, since serde-saphyr's
/// error is the one shown.
#[derive(Debug)]
struct GiveUp;

impl fmt::Display for GiveUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not simple block YAML")
    }
}

impl std::error::Error for GiveUp {}

impl de::Error for GiveUp {
    fn custom<T: fmt::Display>(_: T) -> Self {
        GiveUp
    }
}

/// The events read by the deserializer, in order.
struct Reader<'a, 't> {
    events: &'a [Event<'t>],
    at: usize,
}

impl<'r, 't> Reader<'r, 't> {
    fn peek(&self) -> Result<Event<'t>, GiveUp> {
        self.events.get(self.at).copied().ok_or(GiveUp)
    }

    fn next(&mut self) -> Result<Event<'t>, GiveUp> {
        let event = self.peek()?;
        self.at += 1;
        Ok(event)
    }

    /// The next node, skipped.
    fn skip(&mut self) -> Result<(), GiveUp> {
        let mut open = 0usize;
        loop {
            match self.next()? {
                Event::SeqStart | Event::MapStart => open += 1,
                Event::End => open = open.checked_sub(1).ok_or(GiveUp)?,
                Event::Key(_) => {}
                Event::Scalar(_) => {}
            }
            if open == 0 {
                return Ok(());
            }
        }
    }

    /// The collection `start` begins, read by `visit`, which must read it to its end.
    fn collection<'a, R>(
        &'a mut self,
        start: Event<'t>,
        visit: impl FnOnce(&mut Items<'a, 'r, 't>) -> Result<R, GiveUp>,
    ) -> Result<R, GiveUp> {
        if self.next()? != start {
            return Err(GiveUp);
        }
        let mut items = Items {
            reader: self,
            done: false,
        };
        let value = visit(&mut items)?;
        items.done.then_some(value).ok_or(GiveUp)
    }

    /// A string: a key, or a scalar that is not null.
    fn string(&mut self) -> Result<&'t str, GiveUp> {
        match self.next()? {
            Event::Key(text) => Ok(text),
            Event::Scalar(scalar) if !scalar.is_null() => Ok(scalar.text),
            _ => Err(GiveUp),
        }
    }
}

impl<'de> de::Deserializer<'de> for &mut Reader<'_, 'de> {
    type Error = GiveUp;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        match self.peek()? {
            Event::SeqStart => self.deserialize_seq(visitor),
            Event::MapStart => self.deserialize_map(visitor),
            // A plain scalar's type would have to be resolved as YAML does: serde-saphyr's.
            Event::Scalar(scalar) if !scalar.plain => self.deserialize_str(visitor),
            _ => Err(GiveUp),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        match self.next()? {
            Event::Scalar(Scalar {
                plain: true, text, ..
            }) => match text {
                "true" | "True" | "TRUE" => visitor.visit_bool(true),
                "false" | "False" | "FALSE" => visitor.visit_bool(false),
                _ => Err(GiveUp),
            },
            _ => Err(GiveUp),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        visitor.visit_borrowed_str(self.string()?)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        match self.peek()? {
            Event::Scalar(scalar) if scalar.is_null() => {
                self.at += 1;
                visitor.visit_none()
            }
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, GiveUp> {
        if name != SPANNED {
            return visitor.visit_newtype_struct(self);
        }
        // serde-saphyr's `Spanned`, of a scalar: its position is the scalar's (the position
        // of a null, or of a collection, is not one this reader is sure of).
        match self.peek()? {
            Event::Scalar(scalar) if !scalar.is_null() => visitor.visit_newtype_struct(Spanned {
                reader: self,
                line: scalar.line,
                column: scalar.column,
            }),
            _ => Err(GiveUp),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        self.collection(Event::SeqStart, |items| visitor.visit_seq(items))
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        self.collection(Event::MapStart, |items| visitor.visit_map(items))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, GiveUp> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, GiveUp> {
        match self.next()? {
            Event::Scalar(scalar) if scalar.plain && !scalar.is_null() => {
                visitor.visit_enum(UnitVariant(scalar.text))
            }
            _ => Err(GiveUp),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        self.skip()?;
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf unit unit_struct
        tuple tuple_struct
    }
}

/// The entries of a sequence or mapping being read; `done` once its end is read.
struct Items<'r, 'a, 't> {
    reader: &'r mut Reader<'a, 't>,
    done: bool,
}

impl Items<'_, '_, '_> {
    /// Whether the collection has ended (its end is then read).
    fn at_end(&mut self) -> Result<bool, GiveUp> {
        if self.done {
            return Ok(true);
        }
        if self.reader.peek()? == Event::End {
            self.reader.at += 1;
            self.done = true;
        }
        Ok(self.done)
    }
}

impl<'de> Items<'_, '_, 'de> {
    /// The next entry (a mapping's next key when `key`) read by `seed`; `None` at the end.
    fn next_read<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
        key: bool,
    ) -> Result<Option<S::Value>, GiveUp> {
        if self.at_end()? {
            return Ok(None);
        }
        if key && !matches!(self.reader.peek()?, Event::Key(_)) {
            return Err(GiveUp);
        }
        seed.deserialize(&mut *self.reader).map(Some)
    }
}

impl<'de> de::SeqAccess<'de> for Items<'_, '_, 'de> {
    type Error = GiveUp;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, GiveUp> {
        self.next_read(seed, false)
    }
}

impl<'de> de::MapAccess<'de> for Items<'_, '_, 'de> {
    type Error = GiveUp;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, GiveUp> {
        self.next_read(seed, true)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, GiveUp> {
        if self.done {
            return Err(GiveUp);
        }
        seed.deserialize(&mut *self.reader)
    }
}

/// An enum written as a plain scalar: the name of a unit variant.
struct UnitVariant<'t>(&'t str);

impl<'de> de::EnumAccess<'de> for UnitVariant<'de> {
    type Error = GiveUp;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), GiveUp> {
        let name: de::value::BorrowedStrDeserializer<'de, GiveUp> =
            de::value::BorrowedStrDeserializer::new(self.0);
        Ok((seed.deserialize(name)?, self))
    }
}

impl<'de> de::VariantAccess<'de> for UnitVariant<'de> {
    type Error = GiveUp;

    fn unit_variant(self) -> Result<(), GiveUp> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _: T) -> Result<T::Value, GiveUp> {
        Err(GiveUp)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value, GiveUp> {
        Err(GiveUp)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, GiveUp> {
        Err(GiveUp)
    }
}

/// The newtype name serde-saphyr's `Spanned<T>` asks for, and the fields of the map it then
/// reads (serde-saphyr 2's `spanned` module): a marker, the value, and where it is referenced
/// and defined (the same place here: this reader reads no aliases).
const SPANNED: &str = "__yaml_spanned";
const SPANNED_FIELDS: [&str; 4] = [
    "__serde_saphyr_private_spanned",
    "value",
    "referenced",
    "defined",
];

/// The `Spanned` representation of the next scalar, at `line` and `column`.
struct Spanned<'r, 'a, 't> {
    reader: &'r mut Reader<'a, 't>,
    line: u32,
    column: u32,
}

impl<'de> de::Deserializer<'de> for Spanned<'_, '_, 'de> {
    type Error = GiveUp;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        visitor.visit_map(SpannedFields {
            spanned: self,
            next: 0,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

struct SpannedFields<'r, 'a, 't> {
    spanned: Spanned<'r, 'a, 't>,
    /// The field whose key comes next.
    next: usize,
}

impl<'de> de::MapAccess<'de> for SpannedFields<'_, '_, 'de> {
    type Error = GiveUp;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, GiveUp> {
        let Some(&field) = SPANNED_FIELDS.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        seed.deserialize(field.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, GiveUp> {
        let spanned = &mut self.spanned;
        match self.next {
            1 => seed.deserialize(true.into_deserializer()),
            2 => seed.deserialize(&mut *spanned.reader),
            3 | 4 => seed.deserialize(de::value::MapDeserializer::new(
                [("line", spanned.line), ("column", spanned.column)].into_iter(),
            )),
            _ => Err(GiveUp),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::load::{yaml_options, yaml_with_origin};
    use crate::profile::span::{Origin, with_origin};
    use crate::profile::types::Extension;

    /// `list` (a YAML block sequence of extensions, its first line being line `line + 1`) read
    /// by this reader and by serde-saphyr; when this reader reads it, serde-saphyr must give
    /// the very same entries, positions included. Whether this reader read it.
    fn both_ways(list: &str, line: usize) -> bool {
        let origin = Origin::named("p.yaml");
        let options = yaml_options(1, 2);
        let here: Option<Vec<Extension>> = with_origin(&origin, || {
            read(
                list,
                line,
                options.budget.as_ref(),
                std::marker::PhantomData,
            )
        });
        let padded = format!("{}{list}", "\n".repeat(line));
        let serde: Result<Vec<Extension>, _> = yaml_with_origin(&padded, &origin, options);
        let Some(here) = here else {
            return false;
        };
        let serde = serde.unwrap_or_else(|e| panic!("{list}: read here, serde-saphyr: {e}"));
        assert_eq!(described(&here), described(&serde), "{list}");
        true
    }

    /// Every value of `list` with its position.
    fn described(list: &[Extension]) -> String {
        list.iter()
            .map(|e| {
                format!(
                    "{e:?} {:?} {:?} {:?} {:?} {:?}",
                    e.number.pos(),
                    e.name.pos(),
                    e.secret,
                    e.device.as_ref().map(|d| &d.pos),
                    e.driver.as_ref().map(|d| &d.pos),
                ) + &format!(
                    " {:?} {:?}",
                    e.permit
                        .iter()
                        .flatten()
                        .map(|c| format!("{c:?}"))
                        .collect::<Vec<_>>(),
                    e.voicemail
                        .as_ref()
                        .map(|v| (format!("{:?}", v.pin), v.email.as_ref().map(|m| m.pos())))
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn entry(fields: &[&str]) -> String {
        let mut text = String::new();
        for (i, field) in fields.iter().enumerate() {
            for (j, line) in field.lines().enumerate() {
                text.push_str(if i == 0 && j == 0 { "  - " } else { "    " });
                text.push_str(line);
                text.push('\n');
            }
        }
        text
    }

    const NUMBER: &str = "number: \"100007\"";
    const NAME: &str = "name: User 7";
    const SECRET: &str = "secret: \"Dm5f363e2453c19fcdQ7\"";

    #[test]
    fn simple_lists_are_read_here_as_serde_saphyr_reads_them() {
        let simple = [
            entry(&[NUMBER, NAME, SECRET]),
            entry(&["number: 100", "name: 'Zoë  Ünal'", SECRET]),
            entry(&[
                "name: \"Front desk\"   # the lobby",
                "number:   '201'",
                SECRET,
                "sms: true",
            ]),
            entry(&[NUMBER, "name: Desk 4   ", SECRET, "sms: FALSE  # no"]),
            entry(&[NUMBER, NAME, "secret: ${env:EXT_1}"]),
            entry(&[NUMBER, NAME, "secret: '${file:secrets/a b.secret}'"]),
            entry(&[NUMBER, "name: a#b c", SECRET]),
            entry(&[NUMBER, "name: \"Hall: left\"", SECRET]),
            entry(&[NUMBER, "name: a:b (x) {y}", SECRET]),
            entry(&[NUMBER, "name: a\u{a0}#b\u{a0}", SECRET]),
            entry(&[NUMBER, NAME, SECRET, "codecs: [alaw,ulaw ]"]),
            entry(&[NUMBER, NAME, SECRET, "codecs: []", "driver: pjsip"]),
            entry(&[NUMBER, NAME, SECRET, "codecs:", "  - ulaw", "  - alaw"]),
            entry(&[
                NUMBER,
                NAME,
                SECRET,
                "codecs:",
                "- ulaw",
                "- alaw",
                "sms: true",
            ]),
            entry(&[NUMBER, NAME, SECRET, "permit: [10.0.0.0/8, '192.0.2.7']"]),
            entry(&[NUMBER, NAME, SECRET, "permit:", "  - 10.0.0.0/8 # office"]),
            entry(&[
                NUMBER,
                NAME,
                SECRET,
                "voicemail:",
                "  pin: \"4711\"",
                "  email: a@example.com",
            ]),
            entry(&[
                NUMBER,
                NAME,
                SECRET,
                "voicemail:",
                "    pin: \"4711\"",
                "sms: true",
            ]),
            entry(&[NUMBER, NAME, SECRET, "device: spa3102:home"]),
            entry(&[NUMBER, NAME, SECRET, "device:", "driver: ~", "permit: null"]),
            entry(&[
                NUMBER,
                NAME,
                SECRET,
                "# a comment",
                "",
                "   # another",
                "sms: true",
            ]),
            format!("  -   {NUMBER}\n      {NAME}\n      {SECRET}\n"),
            format!("- {NUMBER}\n  {NAME}\n  {SECRET}\n- {NUMBER}\n  {NAME}\n  {SECRET}\n"),
        ];
        for list in &simple {
            let twice = format!("{list}\n# between\n{list}");
            for line in [0, 7] {
                assert!(both_ways(list, line), "not read here:\n{list}");
                assert!(both_ways(&twice, line), "not read here:\n{twice}");
            }
        }
    }

    #[test]
    fn anything_else_is_left_to_serde_saphyr() {
        let left = [
            // Errors: a type's, an unknown or duplicate key, a missing field, a null string.
            entry(&[NUMBER, "name: a\"b", SECRET]),
            entry(&[NUMBER, NAME, SECRET, "colour: red"]),
            entry(&[NUMBER, NAME, SECRET, "name: again"]),
            entry(&[NUMBER, NAME]),
            entry(&[NUMBER, "name: ~", SECRET]),
            entry(&[NUMBER, "name:", SECRET]),
            entry(&[NUMBER, NAME, SECRET, "sms: yes"]),
            entry(&[NUMBER, NAME, SECRET, "sms: \"true\""]),
            entry(&[NUMBER, NAME, SECRET, "driver: \"pjsip\""]),
            entry(&[NUMBER, NAME, SECRET, "codecs: [alaw, 'ulaw']"]),
            entry(&[NUMBER, NAME, SECRET, "codecs: [ulaw, ]"]),
            // Shapes this reader is not sure of.
            entry(&[NUMBER, "name: \"a \\\" b\"", SECRET]),
            entry(&[NUMBER, "name: 'it''s'", SECRET]),
            entry(&[NUMBER, "name: User", "  Seven", SECRET]),
            entry(&[NUMBER, "name: \"User", "  Seven\"", SECRET]),
            entry(&[NUMBER, "name: |", "  Seven", SECRET]),
            entry(&[NUMBER, "name: !!str Seven", SECRET]),
            entry(&[NUMBER, "name: &a Seven", SECRET]),
            entry(&[NUMBER, "name: a: b", SECRET]),
            entry(&[NUMBER, "name: {first: a}", SECRET]),
            entry(&[NUMBER, "name: -x", SECRET]),
            entry(&["number : \"1\"", NAME, SECRET]),
            entry(&["\"number\": \"1\"", NAME, SECRET]),
            entry(&[NUMBER, NAME, SECRET, "codecs: [ulaw,", "  alaw]"]),
            entry(&[NUMBER, NAME, SECRET, "codecs: [[ulaw]]"]),
            entry(&[NUMBER, NAME, SECRET, "codecs: [u:law]"]),
            entry(&[NUMBER, NAME, SECRET, "permit:", "  -", "  - 10.0.0.0/8"]),
            entry(&[NUMBER, "name: tab\there", SECRET]),
            entry(&[NUMBER, "name: bom\u{feff}", SECRET]),
            entry(&[NUMBER, "name: nel\u{85}", SECRET]),
            entry(&[NUMBER, "name: ls\u{2028}x", SECRET]),
            entry(&[
                NUMBER,
                NAME,
                SECRET,
                "voicemail:",
                "  pin: \"1\"",
                " email: a@b.c",
            ]),
            format!("  - {NUMBER}\n     {NAME}\n    {SECRET}\n"),
            format!("  - {NUMBER}\n    {NAME}\n    {SECRET}\n - {NUMBER}\n"),
            format!("  - {NUMBER}\n    {NAME}\n    {SECRET}\nother: 1\n"),
            "  - plain\n".to_string(),
            "  -\n".to_string(),
        ];
        for list in &left {
            assert!(!both_ways(list, 3), "read here:\n{list}");
        }
    }

    /// An entry's required fields (one of each line), its optional ones, and lines that are
    /// neither. `{x}` is a value of kind `x` (see [`KINDS`]).
    const REQUIRED: [&[&str]; 3] = [
        &["number: {n}", "number: \"{n}\"", NUMBER],
        &["name: {s}", "name: \"{s}\"", "name: '{s}'", NAME],
        &["secret: {s}", "secret: \"{s}\"", SECRET],
    ];
    const OPTIONAL: &[&str] = &[
        "sms: {b}",
        "driver: {d}",
        "device: {v}",
        "codecs: [{c}]",
        "codecs: [{c}, {c}]",
        "codecs:\n- {c}",
        "permit: [10.0.0.0/8, {i}]",
        "permit:\n  - {i}\n  - '{i}'",
        "voicemail:\n  pin: \"{n}\"\n  email: {e}",
        "voicemail:\n    enabled: {b}\n    pin: '{n}'",
        "# {s}",
        "  {s}",
    ];

    /// Values of each kind, right and wrong: `b`oolean, `c`odec, `d`river, `e`mail, `i`P
    /// network, `n`umber, `s`tring, de`v`ice.
    const KINDS: [(char, &[&str]); 8] = [
        ('b', &["true", "False", "TRUE", "yes", "~", "\"true\""]),
        ('c', &["ulaw", "alaw", "g722", "opus", "ULAW", "'ulaw'"]),
        ('d', &["pjsip", "sip", "iax", "~", ""]),
        ('e', &["a@example.com", "x", "a@b.c # note", "null"]),
        (
            'i',
            &[
                "10.0.0.0/8",
                "192.0.2.1",
                "2001:db8::/32",
                "10.0.0.0/33",
                "x",
            ],
        ),
        ('n', &["1234", "+4930", "007", "12a", "1_000"]),
        (
            's',
            &[
                "User 5",
                "Zoë",
                "x # y",
                "a:b",
                "${env:X}",
                "${file:s/a b}",
                "[a]",
                "-1",
            ],
        ),
        ('v', &["softphone", "spa3102:home", "spa3102:", "phone"]),
    ];

    /// Line `line` with its values put in: for each `{x}`, the next of `picks` chooses a value
    /// of kind `x`, or (now and then) the next of `texts`, any printable text.
    fn filled(
        line: &str,
        picks: &mut impl Iterator<Item = usize>,
        texts: &mut impl Iterator<Item = String>,
    ) -> String {
        let mut out = String::new();
        let mut rest = line;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let kind = rest[open + 1..].chars().next().unwrap_or('s');
            rest = &rest[open + 3..];
            let pick = picks.next().unwrap_or(0);
            let values = KINDS
                .iter()
                .find(|(k, _)| *k == kind)
                .map_or(&[][..], |(_, v)| *v);
            match values.get(pick % (values.len() + 1)) {
                Some(value) if pick % 7 != 0 => out.push_str(value),
                _ => out.push_str(&texts.next().unwrap_or_default()),
            }
        }
        out.push_str(rest);
        out
    }

    /// One entry: a variant of each required field, some optional fields, their values.
    fn any_entry() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let optional = proptest::sample::subsequence((0..OPTIONAL.len()).collect::<Vec<_>>(), 0..4);
        // The written-out variant of each required field most often: random values mostly
        // make an entry the types refuse.
        let picks = proptest::collection::vec(0..1000usize, 12);
        let texts = proptest::collection::vec("[ -~\u{e9}\u{a0}]{0,10}", 4);
        (0..6usize, 0..6usize, 0..5usize, optional, picks, texts).prop_map(
            |(number, name, secret, optional, picks, texts)| {
                let mut picks = picks.into_iter().cycle();
                let mut texts = texts.into_iter().cycle();
                let mut lines: Vec<String> = Vec::new();
                for (variants, pick) in REQUIRED.iter().zip([number, name, secret]) {
                    let line = variants[pick.min(variants.len() - 1)];
                    lines.push(filled(line, &mut picks, &mut texts));
                }
                for &i in &optional {
                    lines.push(filled(OPTIONAL[i], &mut picks, &mut texts));
                }
                entry(&lines.iter().map(String::as_str).collect::<Vec<_>>())
            },
        )
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1024))]
        /// Lists of fields with any printable values: whenever this reader reads one,
        /// serde-saphyr reads the same values at the same positions.
        #[test]
        fn what_is_read_here_is_what_serde_saphyr_reads(
            entries in proptest::collection::vec(any_entry(), 1..4),
        ) {
            let list = entries.concat();
            both_ways(&list, 4);
        }
    }

    #[test]
    fn deep_and_wide_mappings_are_left_to_serde_saphyr() {
        let mut deep = String::from("  - a:\n");
        for level in 1..=MAX_DEPTH {
            deep.push_str(&" ".repeat(4 + 2 * level));
            deep.push_str("a:\n");
        }
        assert!(events(&deep, 0, None).is_none());
        let mut wide = String::from("  - k0: x\n");
        for key in 1..=MAX_KEYS {
            wide.push_str(&format!("    k{key}: x\n"));
        }
        assert!(events(&wide, 0, None).is_none());
        let fits = wide.lines().take(MAX_KEYS).collect::<Vec<_>>().join("\n");
        assert!(events(&fits, 0, None).is_some());
    }

    #[test]
    fn long_lines_are_read_in_one_pass() {
        // 50,000 items on one line: counting each item's column from the line's start would
        // take minutes.
        let items = vec!["ulaw"; 50_000].join(", ");
        let list = entry(&[NUMBER, NAME, SECRET, &format!("codecs: [{items}]")]);
        let list: Option<Vec<Extension>> = read(&list, 0, None, std::marker::PhantomData);
        assert_eq!(list.unwrap()[0].codecs.as_ref().map(Vec::len), Some(50_000));
        let items = vec!["'é'"; 1_000].join(", ");
        let list = entry(&[NUMBER, NAME, SECRET, &format!("permit: [{items}]")]);
        assert!(events(&list, 0, None).is_none());
    }

    #[test]
    fn the_budget_is_shared_as_serde_saphyr_counts_it() {
        let list = entry(&[NUMBER, NAME, SECRET]).repeat(10);
        let counted = events(&list, 0, None).unwrap().tally;
        // The sequence, ten mappings, thirty keys and thirty values.
        assert_eq!(counted.nodes, 1 + 10 + 60);
        let mut budget = serde_saphyr::Budget::default();
        budget.max_nodes = 2 * 71;
        assert!(counted.within(&budget).is_some());
        assert!(events(&list, 0, Some(&budget)).is_some());
        budget.max_nodes -= 1;
        assert!(counted.within(&budget).is_none());
        assert!(events(&list, 0, Some(&budget)).is_none());
    }
}
