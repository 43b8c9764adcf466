//! A large profile read on two threads: its `extensions:` list in two parts, the rest of the
//! document beside them, each part by the same YAML deserializer as the whole file — or, when a
//! part of the list is simple block YAML, by [`super::block_yaml`], which gives the same values
//! and positions and leaves anything else to that deserializer.
//!
//! A provider's profile is mostly its `extensions:` list (a 10,000-extension profile spends four
//! fifths of its loading there), and deserializing YAML is serial. The list is a block sequence,
//! and in a block sequence a line at the sequence's own indentation that begins with `- ` can
//! only begin the next entry (YAML 1.2 §8.2.1: an entry's content, block scalars and multi-line
//! plain scalars included, is indented more than its `-`). So the list can be cut at such a line
//! and each part read on its own as a sequence, giving the very entries the whole file gives.
//!
//! # Why the result is exactly the serial one
//!
//! - **Positions**: every part is its text in the file preceded by as many empty lines as come
//!   before it, so each value's line and column are those of the whole file (the profile keeps
//!   no byte offsets: [`super::span::Pos`] is line and column). The rest of the document keeps
//!   its lines too: the list's lines become empty lines there.
//! - **The cut is only made where the YAML parser would read the same thing**; anything this
//!   module is not sure of leaves the profile to the serial parse ([`cut`] says what, e.g. any
//!   `&` or `*` — anchors and aliases could cross the cut —, tabs, carriage returns, document
//!   markers and directives, a list that is not a block sequence, lines indented in a way that
//!   is not the plain list shape). That the `extensions:` line is a key of the top-level
//!   mapping (and not, say, text inside a quoted scalar opened above it) is checked by parsing
//!   the text up to that line: its last top-level key must be that very `extensions` at that
//!   line and column, with nothing after it.
//! - **Duplicate keys** stay errors: the rest of the document keeps its `extensions:` line
//!   (as `extensions: []`), so a second `extensions` key is a duplicate there as in the file.
//! - **The budgets** (nodes, events, scalar bytes) are shared between the parts, each gets an
//!   equal share, and the nesting limit of a list part is one less (its sequence is the root,
//!   not a mapping's value): no part passes where the whole file would breach a limit.
//! - **Errors**: when any part fails (or the check does), the whole file is parsed serially and
//!   its result returned, so every error is the serial parse's, word for word.
//!
//! `Profile` has no custom `Deserialize` and nothing in it looks at `extensions` while reading
//! (`deny_unknown_fields`, `#[serde(default)]` on the field): the list read apart and put back
//! is the field read in place.

use super::block_yaml;
use super::load::{yaml_options, yaml_with_origin};
use super::span::{Origin, with_origin};
use super::types::{Extension, Profile};
use serde::de::{
    Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use std::fmt;
use std::sync::Arc;

/// Below this many bytes of list, one thread reads the file (starting a thread and reading the
/// top of the document twice would cost more than it saves).
const MIN_LIST_BYTES: usize = 64 * 1024;

/// The key this module cuts out, as it must appear: at column 1, alone on its line (a comment
/// may follow).
const KEY: &[u8] = b"extensions:";

/// The profile of `text`, read in parts on two threads; `None` when the text is not a large
/// profile of the plain shape (see the module documentation) or any part fails, and the caller
/// must parse it serially.
pub(super) fn parse_in_parts(text: &str, origin: &Arc<Origin>) -> Option<Profile> {
    let cut = cut(text)?;
    let pieces = if cut.first.is_some() { 3 } else { 2 };
    let rest_options = || yaml_options(0, pieces);
    let list_options = || yaml_options(1, pieces);
    std::thread::scope(|scope| {
        let worker = scope.spawn(|| {
            if !key_is_last_top_level(cut.up_to_key, cut.key_line, origin) {
                return None;
            }
            let rest_text = cut.rest_text(text);
            let rest: Profile = yaml_with_origin(&rest_text, origin, rest_options()).ok()?;
            drop(rest_text);
            // Room for the whole list: the second part is appended to the first.
            let room = cut.second.entries + cut.first.map_or(0, |part| part.entries);
            let first = match cut.first {
                Some(part) => Some(read_list(text, part, room, origin, list_options())?),
                None => None,
            };
            Some((rest, first))
        });
        let second = read_list(text, cut.second, cut.second.entries, origin, list_options());
        let joined = worker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let (mut profile, first) = joined?;
        let mut second = second?;
        // `extensions: []` in the rest of the document, or the key was not what was cut out.
        if !profile.extensions.is_empty() {
            return None;
        }
        profile.extensions = match first {
            Some(mut extensions) => {
                extensions.append(&mut second);
                extensions
            }
            None => second,
        };
        Some(profile)
    })
}

/// A part of the list read as a sequence of extensions into a vector with room for `room` of
/// them (growing it by doubling from empty copied the provider's extensions several times):
/// by [`block_yaml`] when the part is simple block YAML, by serde-saphyr otherwise (and when
/// anything fails: its errors are the ones shown). The room is only a count of lines: never
/// more than an entry per [`MIN_ENTRY_BYTES`] of the text, whatever a hostile file's lines say.
fn read_list(
    text: &str,
    part: Part,
    room: usize,
    origin: &Arc<Origin>,
    options: serde_saphyr::Options,
) -> Option<Vec<Extension>> {
    let lines = &text[part.start..part.end];
    let room = Presized(room.min(lines.len() / MIN_ENTRY_BYTES));
    with_origin(origin, || {
        if let Some(list) = block_yaml::read(lines, part.line, options.budget.as_ref(), room) {
            return Some(list);
        }
        serde_saphyr::with_deserializer_from_str_with_options(&part.text(text), options, |de| {
            room.deserialize(de)
        })
        .ok()
    })
}

/// Fewer bytes than any extension takes (`- number: "1"`, a name and a secret).
const MIN_ENTRY_BYTES: usize = 32;

/// A sequence of extensions read into a vector made with room for this many: the same entries
/// as `Vec<Extension>`'s own `Deserialize` (a part that fails is read again serially, so its
/// errors are never shown).
#[derive(Clone, Copy)]
struct Presized(usize);

impl<'de> DeserializeSeed<'de> for Presized {
    type Value = Vec<Extension>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Presized {
    type Value = Vec<Extension>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut list = Vec::with_capacity(self.0);
        while let Some(extension) = seq.next_element()? {
            list.push(extension);
        }
        Ok(list)
    }
}

/// Where a profile's `extensions:` list is cut: byte ranges of the text.
#[derive(Debug, PartialEq, Eq)]
struct Cut<'t> {
    /// The text from its start through the `extensions:` line.
    up_to_key: &'t str,
    /// The 0-based line of `extensions:`.
    key_line: usize,
    /// Where that line starts.
    key_start: usize,
    /// The list's first part (`None` when the rest of the document is as much work as half the
    /// list: the second part is then the whole list).
    first: Option<Part>,
    /// The list's second part (to its last line).
    second: Part,
    /// Where the rest of the document continues after the list (the text's length when the
    /// list is last), and its 0-based line.
    after: usize,
    after_line: usize,
}

/// Lines `start..end` (bytes) of the text, beginning at 0-based line `line`, holding `entries`
/// list entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Part {
    start: usize,
    end: usize,
    line: usize,
    entries: usize,
}

impl Part {
    /// The part as a document of its own with the file's positions: its lines preceded by as
    /// many empty lines as come before it in the file.
    fn text(&self, text: &str) -> String {
        let mut out = String::with_capacity(self.line + (self.end - self.start));
        out.extend(std::iter::repeat_n('\n', self.line));
        out.push_str(&text[self.start..self.end]);
        out
    }
}

impl Cut<'_> {
    /// The document without its list: the `extensions:` line as `extensions: []`, the list's
    /// lines empty, the rest as it is.
    fn rest_text(&self, text: &str) -> String {
        let blank_lines = self.after_line - self.key_line - 1;
        let after = &text[self.after..];
        let mut out = String::with_capacity(self.key_start + 16 + blank_lines + after.len());
        out.push_str(&text[..self.key_start]);
        out.push_str("extensions: []\n");
        out.extend(std::iter::repeat_n('\n', blank_lines));
        out.push_str(after);
        out
    }
}

/// A line of the text: its bytes without the line feed, where it starts and where the next one
/// does.
struct Line<'t> {
    bytes: &'t [u8],
    start: usize,
    next: usize,
}

fn lines(text: &str) -> impl Iterator<Item = Line<'_>> {
    let bytes = text.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let (end, next) = match memchr::memchr(b'\n', &bytes[start..]) {
            Some(i) => (start + i, start + i + 1),
            None => (bytes.len(), bytes.len()),
        };
        let line = Line {
            bytes: &bytes[start..end],
            start,
            next,
        };
        start = next;
        Some(line)
    })
}

fn indent(line: &[u8]) -> usize {
    line.iter().take_while(|&&b| b == b' ').count()
}

/// Nothing but spaces, or a comment.
fn is_blank_or_comment(line: &[u8]) -> bool {
    matches!(line.get(indent(line)), None | Some(b'#'))
}

/// `extensions:` alone, or followed by spaces and a comment.
fn is_key_line(line: &[u8]) -> bool {
    line.strip_prefix(KEY).is_some_and(|after| {
        let spaces = indent(after);
        spaces == after.len() || (spaces > 0 && after[spaces] == b'#')
    })
}

/// A line at column 1 outside the list that the cut must not meet: a document marker (`---`,
/// `...`), a directive (`%`), or another key beginning `extensions`.
fn is_unsure_top_line(line: &[u8]) -> bool {
    line.starts_with(b"---")
        || line.starts_with(b"...")
        || line.starts_with(b"%")
        || line.starts_with(b"extensions")
}

/// Where to cut `text`, or `None` when it is not a large profile of the plain shape:
///
/// - no `&`, `*`, tab, carriage return or byte order mark anywhere;
/// - no line at column 1 beginning `---`, `...` or `%`;
/// - one line `extensions:` (a comment may follow), at column 1, and no other line there
///   beginning `extensions`;
/// - after it (blank and comment lines aside), lines indented by `n` spaces beginning `- `: the
///   entries; every line until the end of the list is blank, a comment, indented more than `n`,
///   or such an entry; the list ends at a line at column 1 (when `n` is 0: one not beginning
///   with `-`) or at the end of the text; any other line gives up;
/// - the list at least [`MIN_LIST_BYTES`].
fn cut(text: &str) -> Option<Cut<'_>> {
    if text.len() < MIN_LIST_BYTES {
        return None;
    }
    let bytes = text.as_bytes();
    if memchr::memchr3(b'&', b'*', b'\t', bytes).is_some()
        || memchr::memchr(b'\r', bytes).is_some()
        || text.contains('\u{FEFF}')
    {
        return None;
    }
    let mut lines = lines(text).enumerate();
    // The top of the document, through `extensions:`.
    let (key_line, key) = loop {
        let (number, line) = lines.next()?;
        if is_key_line(line.bytes) {
            break (number, line);
        }
        if is_unsure_top_line(line.bytes) {
            return None;
        }
    };
    // Blank and comment lines, then the first entry.
    let (first_line, first) = loop {
        let (number, line) = lines.next()?;
        if !is_blank_or_comment(line.bytes) {
            break (number, line);
        }
    };
    let entry_indent = indent(first.bytes);
    if !first.bytes[entry_indent..].starts_with(b"- ") {
        return None;
    }
    // The list, to the first line at column 1 that is not part of it.
    let mut after = None;
    let mut line_count = first_line + 1;
    for (number, line) in lines.by_ref() {
        line_count = number + 1;
        let spaces = indent(line.bytes);
        let rest = &line.bytes[spaces..];
        if rest.is_empty() || rest[0] == b'#' || spaces > entry_indent {
            continue;
        }
        if spaces == entry_indent && rest.starts_with(b"- ") {
            continue;
        }
        if spaces == 0 && rest[0] != b'-' {
            after = Some((line.start, number));
            break;
        }
        return None;
    }
    // Or the list runs to the end of the text.
    let (after, after_line) = after.unwrap_or((text.len(), line_count));
    // The rest of the document, after the list.
    for (_, line) in lines {
        if is_unsure_top_line(line.bytes) {
            return None;
        }
    }
    let list = first.start..after;
    if list.len() < MIN_LIST_BYTES {
        return None;
    }
    // The worker reads the top of the document twice (the check, then the rest) and the rest
    // of the document once, then the first part; this thread the second part. Cut so that both
    // read about as many bytes.
    let rest_bytes = 2 * key.next + (text.len() - after);
    let first_bytes = list.len().saturating_sub(rest_bytes) / 2;
    let cut_at = entry_at_or_after(bytes, list.start + first_bytes, entry_indent, after);
    let first_part = (cut_at > list.start).then(|| Part {
        start: list.start,
        end: cut_at,
        line: first_line,
        entries: entries_in(bytes, list.start, cut_at, entry_indent),
    });
    let second_line = first_line + line_feeds(&bytes[list.start..cut_at]);
    Some(Cut {
        up_to_key: &text[..key.next],
        key_line,
        key_start: key.start,
        first: first_part,
        second: Part {
            start: cut_at,
            end: after,
            line: second_line,
            entries: entries_in(bytes, cut_at, after, entry_indent),
        },
        after,
        after_line,
    })
}

/// How many entry lines (`n` spaces, `- `) the lines of `bytes[start..end]` hold.
fn entries_in(bytes: &[u8], start: usize, end: usize, n: usize) -> usize {
    bytes[start..end]
        .split(|&b| b == b'\n')
        .filter(|line| indent(line) == n && line[n..].starts_with(b"- "))
        .count()
}

/// How many line feeds `bytes` holds (a loop the compiler vectorizes).
fn line_feeds(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// The start of the first entry line (`n` spaces, `- `) at or after byte `from`, before `end`
/// (the list's end); `end` when there is none. The list's lines have been checked: any line so
/// indented that begins `- ` is an entry.
fn entry_at_or_after(bytes: &[u8], from: usize, n: usize, end: usize) -> usize {
    let mut start = match from {
        0 => 0,
        _ => match memchr::memchr(b'\n', &bytes[from - 1..end]) {
            Some(i) => from + i,
            None => return end,
        },
    };
    while start < end {
        let line = &bytes[start..end];
        if indent(line) == n && line[n..].starts_with(b"- ") {
            return start;
        }
        start = match memchr::memchr(b'\n', line) {
            Some(i) => start + i + 1,
            None => end,
        };
    }
    end
}

/// Whether `up_to_key` (a document's text through its `extensions:` line, 0-based line
/// `key_line`) parses as a mapping whose last key is that `extensions`, at column 1 of that
/// line, with no value: then the YAML parser reads the line as a key of the top-level mapping
/// in the whole file too, and not inside a scalar or a flow collection opened above it.
fn key_is_last_top_level(up_to_key: &str, key_line: usize, origin: &Arc<Origin>) -> bool {
    let last: Result<LastKey, _> = yaml_with_origin(up_to_key, origin, yaml_options(0, 1));
    match last {
        Ok(LastKey(Some(last))) => {
            last.key.value == "extensions"
                && last.key.referenced.line() == key_line as u64 + 1
                && last.key.referenced.column() == 1
                && last.value_is_null
        }
        _ => false,
    }
}

/// The last key of a top-level mapping, and whether its value was null.
struct LastKey(Option<LastEntry>);

struct LastEntry {
    key: serde_saphyr::Spanned<String>,
    value_is_null: bool,
}

impl<'de> Deserialize<'de> for LastKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Keys;
        impl<'de> Visitor<'de> for Keys {
            type Value = LastKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LastKey, A::Error> {
                let mut last = None;
                while let Some(key) = map.next_key::<serde_saphyr::Spanned<String>>()? {
                    let value: Option<IgnoredAny> = map.next_value()?;
                    last = Some(LastEntry {
                        key,
                        value_is_null: value.is_none(),
                    });
                }
                Ok(LastKey(last))
            }
        }
        deserializer.deserialize_map(Keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::load::parse_yaml;

    /// A profile with `n` extensions of varied shapes, `between` written before every
    /// eleventh entry.
    fn profile(n: usize, between: &str) -> String {
        profile_indented(n, between, "  ")
    }

    /// [`profile`] with the entries' `-` after `indent`.
    fn profile_indented(n: usize, between: &str, indent: &str) -> String {
        let mut text = String::from(
            "# a site\nversion: 1\nsite:\n  name: big\n  asterisk: 22\n  channel_drivers: [pjsip, sip]\nnetwork:\n  bind: 0.0.0.0\n  local_nets: [10.0.0.0/8]\n  udp: { port: 5060 }\nextensions:   # the phones\n",
        );
        for i in 0..n {
            if i % 11 == 10 {
                text.push_str(between);
            }
            let number = 100_000 + i;
            text.push_str(&format!("{indent}- number: \"{number}\"\n"));
            let name = match i % 5 {
                3 => format!(">-\n{indent}      folded\n{indent}      name {i}"),
                4 => format!("'User {i}'"),
                _ => format!("User {i}"),
            };
            text.push_str(&format!("{indent}  name: {name}\n"));
            text.push_str(&format!("{indent}  secret: \"Dm{:016x}Q7\"\n", i * 7919));
            match i % 5 {
                0 => text.push_str(&format!(
                    "{indent}  voicemail:\n{indent}    pin: \"{}\"\n{indent}    email: u{i}@example.com\n",
                    4000 + i % 1000
                )),
                1 => text.push_str(&format!(
                    "{indent}  permit: [10.1.0.0/16, 192.168.0.0/24]\n{indent}  sms: true\n"
                )),
                2 => text.push_str(&format!(
                    "{indent}  codecs:\n{indent}    - alaw\n{indent}    - ulaw\n{indent}  driver: sip\n"
                )),
                _ => {}
            }
        }
        text.push_str(
            "# routes follow\noutbound:\n  - name: local\n    patterns: [\"_0XXXXXXXX\"]\n    trunk: none\n",
        );
        text
    }

    fn serial(text: &str) -> Result<Profile, crate::Error> {
        parse_yaml(text, &Origin::named("p.yaml"))
    }

    /// Both ways, compared in full: every value and every position (`Pos`'s Debug is
    /// file:line:column).
    fn assert_same(text: &str) -> bool {
        let origin = Origin::named("p.yaml");
        let parallel = parse_in_parts(text, &origin);
        let serial = serial(text);
        match (&parallel, &serial) {
            (Some(p), Ok(s)) => assert_eq!(format!("{p:?}"), format!("{s:?}")),
            (Some(p), Err(e)) => panic!("parts gave {p:?}, the whole file {e}"),
            (None, _) => {}
        }
        parallel.is_some()
    }

    #[test]
    fn large_profiles_read_in_parts_equal_the_serial_read() {
        for between in [
            "",
            "\n",
            "    # about the next one\n",
            "# a comment at column 1\n\n",
        ] {
            let text = profile(3000, between);
            assert!(assert_same(&text), "not cut: {between:?}");
            let cut = cut(&text).unwrap();
            assert!(cut.first.is_some());
        }
    }

    #[test]
    fn the_parts_keep_the_file_positions() {
        let text = profile(3000, "");
        let origin = Origin::named("p.yaml");
        let profile = parse_in_parts(&text, &origin).unwrap();
        let last = profile.extensions.last().unwrap();
        let line = text.lines().position(|l| l.contains("\"102999\"")).unwrap() + 1;
        assert_eq!(last.number.pos().line as usize, line);
        assert_eq!(profile.extensions.len(), 3000);
        // Read into a vector made with room for them all, not grown by doubling.
        assert_eq!(profile.extensions.capacity(), 3000);
    }

    #[test]
    fn the_cut_is_at_an_entry_and_the_parts_cover_the_list() {
        let text = profile(3000, "\n# c\n");
        let cut = cut(&text).unwrap();
        let first = cut.first.unwrap();
        assert!(text[first.start..].starts_with("  - number:"));
        assert!(text[cut.second.start..].starts_with("  - number:"));
        assert_eq!(first.end, cut.second.start);
        assert_eq!(first.entries + cut.second.entries, 3000);
        assert!(first.entries > 1000 && cut.second.entries > 1000);
        assert!(
            text[cut.after..].starts_with("# routes follow\n")
                || text[cut.after..].starts_with("outbound:")
        );
        let rest = cut.rest_text(&text);
        assert_eq!(rest.lines().count(), text.lines().count());
        for part in [first, cut.second] {
            let part_text = part.text(&text);
            assert_eq!(part_text.len() - part.line, part.end - part.start);
            assert_eq!(&part_text[part.line..], &text[part.start..part.end]);
            assert_eq!(text[..part.start].matches('\n').count(), part.line);
        }
    }

    #[test]
    fn indentless_lists_and_lists_at_the_end_are_cut() {
        let text = profile(3000, "");
        let (head, tail) = text.split_once("# routes follow\n").unwrap();
        // The list last in the file, with and without a final line feed.
        let last = format!("{tail}{head}");
        assert!(assert_same(&last));
        assert!(assert_same(last.trim_end()));
        // Entries at the key's own indentation.
        let indentless = profile_indented(3000, "# c\n", "");
        assert!(indentless.contains("\n- number: \"100000\"\n  name: User 0\n"));
        assert!(assert_same(&indentless));
        // Deeper.
        assert!(assert_same(&profile_indented(3000, "", "      ")));
    }

    #[test]
    fn errors_in_any_part_give_the_serial_error() {
        let text = profile(3000, "");
        let first_part = text.replacen("name: User 10\n", "name: User 10\n    nmae: x\n", 1);
        let second_part = text.replacen("name: User 2900\n", "name: User 2900\n    sms: yes\n", 1);
        let duplicate = text.replacen("name: User 2000\n", "name: User 2000\n    name: again\n", 1);
        let rest = text.replacen("asterisk: 22", "asterisk: x22", 1);
        let unclosed = text.replacen("name: User 1500\n", "name: \"User 1500\n", 1);
        for broken in [first_part, second_part, duplicate, rest, unclosed] {
            assert!(cut(&broken).is_some());
            assert!(parse_in_parts(&broken, &Origin::named("p.yaml")).is_none());
            // What the caller then returns: the serial error, position and all.
            assert!(crate::profile::parse(&broken, Origin::named("p.yaml")).is_err());
        }
    }

    #[test]
    fn a_second_extensions_key_stays_a_duplicate() {
        let text = profile(3000, "");
        for second in [
            "extensions: []\n",
            "\"extensions\": []\n",
            "? extensions\n: []\n",
        ] {
            let doubled = text.replacen("outbound:", &format!("{second}outbound:"), 1);
            assert!(
                parse_in_parts(&doubled, &Origin::named("p.yaml")).is_none(),
                "{second}"
            );
            let err = serial(&doubled).unwrap_err().to_string();
            assert!(err.contains("duplicate"), "{err}");
        }
    }

    #[test]
    fn unsure_shapes_are_left_to_the_serial_parse() {
        let text = profile(3000, "");
        let unsure = [
            // Anchors and aliases.
            text.replacen("name: User 5\n", "name: &n User 5\n", 1),
            text.replacen("name: User 5\n", "name: \"User * 5\"\n", 1),
            // Tabs, carriage returns, byte order marks.
            text.replacen("name: User 5\n", "name: User\t5\n", 1),
            text.replace('\n', "\r\n"),
            format!("\u{FEFF}{text}"),
            // Document markers and directives.
            format!("%YAML 1.2\n---\n{text}"),
            format!("{text}...\n"),
            // The list not a block sequence, or not alone on its key line.
            text.replacen("extensions:   # the phones\n", "extensions: !!seq\n", 1),
            text.replacen("extensions:   # the phones\n", "extensions:\n  []\nx:\n", 1),
            // An entry at another indentation, a line less indented than the entries.
            text.replacen("  - number: \"100007\"", "   - number: \"100007\"", 1),
            text.replacen("    name: User 7\n", "    name: User 7\n x: 1\n", 1),
            text.replacen("  - number: \"100007\"", "  -\n    number: \"100007\"", 1),
            // A quoted scalar swallowing the key line: the check finds it.
            text.replacen("  name: big\n", "  name: \"big\n", 1)
                .replacen("  - name: local", "  - name: local\"", 1),
        ];
        for (i, unsure) in unsure.iter().enumerate() {
            assert!(
                parse_in_parts(unsure, &Origin::named("p.yaml")).is_none(),
                "shape {i} was cut"
            );
        }
        // A swallowed key line is not seen as a key.
        let swallowed = &unsure[unsure.len() - 1];
        let cut = cut(swallowed).expect("the lines alone look plain");
        assert!(!key_is_last_top_level(
            cut.up_to_key,
            cut.key_line,
            &Origin::named("p")
        ));
    }

    /// Lines a profile may hold anywhere: comments, blank lines, keys of every level, list
    /// entries at other indentations, quotes and brackets left open, block scalars, document
    /// markers.
    const LINES: &[&str] = &[
        "",
        "# c",
        "  # c",
        "      # c",
        "    nmae: x",
        "    name: again",
        "    sms: yes",
        "    sms: true",
        "  - number: \"1\"\n    name: One\n    secret: \"Dm1234567890abcdefQ7\"",
        "  -",
        "   - x",
        " - x",
        "- x",
        "x: 1",
        "extensions:",
        "  x: 1",
        "    x",
        "     more",
        "\"",
        "    name: \"open",
        "    name: 'open",
        "  '",
        "{",
        "    permit: [10.0.0.0/8,",
        "]",
        "    name: |",
        "    name: >-\n      folded",
        "...",
        "---",
        "    codecs:\n    - alaw",
        "outbound: []",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
        /// Whatever lines are inserted or removed, the parts give the serial parse's profile
        /// (positions included), or give up.
        #[test]
        fn mutated_profiles_read_in_parts_equal_the_serial_read(
            edits in proptest::collection::vec((0.0..1.0f64, 0..LINES.len(), proptest::bool::ANY), 1..4),
        ) {
            let text = profile(1000, "");
            let mut lines: Vec<&str> = text.lines().collect();
            for (at, line, insert) in edits {
                let at = (at * lines.len() as f64) as usize;
                if insert {
                    lines.insert(at, LINES[line]);
                } else if at < lines.len() {
                    lines.remove(at);
                }
            }
            let mutated = lines.join("\n") + "\n";
            assert_same(&mutated);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(16))]
        /// Blank lines anywhere and comments before entries keep the shape: the profile is
        /// cut, wherever they fall, and reads the same.
        #[test]
        fn blank_lines_and_comments_keep_the_cut(
            edits in proptest::collection::vec((0.0..1.0f64, 0..4usize), 1..40),
        ) {
            let text = profile(1000, "");
            let mut lines: Vec<&str> = text.lines().collect();
            for (at, kind) in edits {
                let mut at = (at * lines.len() as f64) as usize;
                // A comment goes before the next entry (inside a folded scalar it would end
                // it), and so does a blank line in a folded name (it would make a line break).
                let in_folded = at > 0 && (lines[at - 1].ends_with(">-") || lines[at - 1].ends_with("folded"));
                if kind > 0 || in_folded {
                    match lines[at..].iter().position(|l| l.starts_with("  - ")) {
                        Some(next) => at += next,
                        None => continue,
                    }
                }
                lines.insert(at, ["", "# c", "  # c", "      # c"][kind]);
            }
            let edited = lines.join("\n") + "\n";
            proptest::prop_assert!(assert_same(&edited));
        }
    }

    #[test]
    fn small_profiles_are_not_cut() {
        let text = profile(200, "");
        assert!(text.len() < MIN_LIST_BYTES);
        assert!(cut(&text).is_none());
    }

    #[test]
    fn every_committed_profile_reads_the_same_in_parts() {
        // Grown past the threshold: each committed profile with its list repeated; its own
        // errors (duplicates, bad values) left to the serial parse.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut cut_count = 0;
        let mut seen = 0;
        for dir in ["examples", "tests/fixtures/profile", "tests/fixtures"] {
            for path in yaml_files(&root.join(dir)) {
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                seen += 1;
                let grown = grow_list(&text);
                assert_same(&text);
                if let Some(grown) = grown {
                    if assert_same(&grown) {
                        cut_count += 1;
                    }
                }
            }
        }
        assert!(seen > 20, "{seen} profiles");
        assert!(cut_count >= 2, "{cut_count} grown profiles were cut");
    }

    fn yaml_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        let Ok(entries) = std::fs::read_dir(dir) else {
            return out;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(yaml_files(&path));
            } else if path.extension().is_some_and(|e| e == "yaml") {
                out.push(path);
            }
        }
        out.sort();
        out
    }

    /// The profile with its `extensions:` entries repeated, numbers changed so that they stay
    /// distinct, until the list is large; `None` when it has no block list.
    fn grow_list(text: &str) -> Option<String> {
        let start = text.find("\nextensions:\n")? + "\nextensions:\n".len();
        let end = text[start..]
            .find("\n")
            .and_then(|_| {
                text[start..]
                    .match_indices('\n')
                    .map(|(i, _)| start + i + 1)
                    .find(|&i| {
                        text[i..]
                            .chars()
                            .next()
                            .is_some_and(|c| c != ' ' && c != '#' && c != '\n')
                    })
            })
            .unwrap_or(text.len());
        let list = &text[start..end];
        if !list.trim_start().starts_with("- ") {
            return None;
        }
        let mut grown = String::from(&text[..start]);
        let mut copy = 0;
        while grown.len() < 3 * MIN_LIST_BYTES {
            grown.push_str(&list.replace("number: \"", &format!("number: \"9{copy}")));
            if !list.ends_with('\n') {
                grown.push('\n');
            }
            copy += 1;
        }
        grown.push_str(&text[end..]);
        Some(grown)
    }
}
