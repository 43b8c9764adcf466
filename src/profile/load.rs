//! Reading a profile file: YAML → [`Profile`], with every error at file:line:column.
//!
//! serde-saphyr does the YAML (duplicate keys are errors, positions on every error); the types'
//! own `Deserialize` impls validate strings, CIDRs and secret references as they are read (their
//! errors carry the value's position); [`super::validate`] then checks what needs the whole
//! profile (duplicates, references between sections, version rules) and resolves presets.

use super::safe_text::Problem;
use super::span::{Origin, Pos, with_origin};
use super::types::Profile;
use crate::diag::{Error, Location};
use crate::twilio::TwilioRanges;
use serde::de::DeserializeOwned;
use std::path::Path;
use std::sync::Arc;

/// What loading takes from outside the profile.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// The Twilio ranges to use instead of those `twilio.preset` selects (`--twilio-preset`,
    /// read with [`TwilioRanges::load`]).
    pub twilio_ranges: Option<TwilioRanges>,
}

/// Read and validate the profile at `path` (a regular file within the profile read limit,
/// [`crate::fsutil::read_text`]). Secrets are not resolved (see
/// [`super::Secret::resolve`]). Errors are `ErrorKind::Invalid` and, when they are about the file's
/// content, a position.
pub fn load(path: &Path) -> Result<Profile, Error> {
    load_with(path, &LoadOptions::default())
}

/// [`load`] with choices from outside the profile.
pub fn load_with(path: &Path, options: &LoadOptions) -> Result<Profile, Error> {
    load_with_text(path, options).map(|(profile, _)| profile)
}

/// [`load_with`], also returning the profile's text (read once, within the profile read
/// limit): the profile rules quote it in their masked snippets.
pub fn load_with_text(path: &Path, options: &LoadOptions) -> Result<(Profile, String), Error> {
    let bytes = crate::fsutil::read_file(path, crate::fsutil::Limit::Profile)?;
    let text = utf8_text(bytes, &path.display().to_string())?;
    let profile = parse_with(&text, Origin::file(path), options)?;
    Ok((profile, text))
}

/// The file's text, or an error at the first byte that is not UTF-8 (a binary file, or a
/// profile saved in another encoding).
fn utf8_text(bytes: Vec<u8>, name: &str) -> Result<String, Error> {
    let err = match String::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(err) => err,
    };
    let valid = err.utf8_error().valid_up_to();
    let bytes = err.as_bytes();
    let before = String::from_utf8_lossy(&bytes[..valid]);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let location = Location::new(name, clamp(line as u64), clamp(column as u64));
    let binary = bytes.contains(&0);
    let (message, hint) = if binary {
        (
            "expected a YAML profile, found binary data".to_string(),
            "is this the right file? A profile is UTF-8 text",
        )
    } else {
        (
            format!(
                "expected UTF-8 text, found the byte 0x{:02X}, which is not UTF-8",
                bytes[valid]
            ),
            "save the profile as UTF-8 (it may be in Latin-1 or UTF-16)",
        )
    };
    Err(Error::at(location, message).with_hint(hint))
}

/// Parse and validate profile text read from `origin` (`Origin::file(path)` or
/// `Origin::named("…")`).
pub fn parse(text: &str, origin: Arc<Origin>) -> Result<Profile, Error> {
    parse_with(text, origin, &LoadOptions::default())
}

/// [`parse`] with choices from outside the profile.
pub fn parse_with(
    text: &str,
    origin: Arc<Origin>,
    options: &LoadOptions,
) -> Result<Profile, Error> {
    // A large profile's extensions on two threads; the serial parse otherwise, and for every
    // error.
    let mut profile: Profile = match super::load_parts::parse_in_parts(text, &origin) {
        Some(profile) => profile,
        None => parse_yaml(text, &origin)?,
    };
    profile.resolved.origin = Some(origin);
    profile.resolved.twilio_ranges = options.twilio_ranges.clone();
    super::validate::validate(&mut profile)?;
    Ok(profile)
}

/// Deserialize YAML `text` from `origin` into `T`, turning serde-saphyr's errors into pbxgen
/// errors with position, expectation and hint.
pub(crate) fn parse_yaml<T: DeserializeOwned>(
    text: &str,
    origin: &Arc<Origin>,
) -> Result<T, Error> {
    yaml_with_origin(text, origin, yaml_options(0, 1)).map_err(|e| convert(&e, origin, text))
}

/// serde-saphyr's error-free path: `text` into `T`, every [`Pos`] made meanwhile in `origin`.
pub(super) fn yaml_with_origin<T: DeserializeOwned>(
    text: &str,
    origin: &Arc<Origin>,
    options: serde_saphyr::Options,
) -> Result<T, serde_saphyr::Error> {
    with_origin(origin, || {
        serde_saphyr::from_str_with_options::<T>(text, options)
    })
}

/// How every profile and preset is read. A profile read in parts
/// ([`super::load_parts`]) reads each of its `parts` with a share of the budgets, and a part
/// whose root is `shallower` levels below the document's root with a nesting limit that much
/// lower, so that no part passes where the whole document would breach a limit.
pub(super) fn yaml_options(shallower: usize, parts: usize) -> serde_saphyr::Options {
    serde_saphyr::options! {
        // `yes`/`no`/`on` stay strings: only `true`/`false` are booleans.
        strict_booleans: true,
        // We print our own one-line diagnostics.
        with_snippet: false,
        // The defaults (250,000 nodes) guard against hostile documents; a provider's profile
        // with 100,000 extensions is legitimate and needs more. The file is the user's own.
        budget: serde_saphyr::budget! {
            max_nodes: 20_000_000 / parts,
            max_events: 80_000_000 / parts,
            max_total_scalar_bytes: (1 << 30) / parts,
            max_depth: serde_saphyr::Budget::default().max_depth - shallower,
        },
    }
}

/// Separates a message from its hint inside a custom serde error (see [`located_error`]).
/// Printable on purpose: serde-saphyr escapes control characters in messages.
const HINT_SEPARATOR: &str = " ⟦hint⟧ ";
/// Brackets the position of a value inside a custom serde error.
const POS_MARK: &str = "⟦pos⟧";

/// A deserialization error for a value at `pos` (serde-saphyr attaches the position of the
/// value being read; `pos` is used when it cannot).
pub(crate) fn located_error<E: serde::de::Error>(pos: &Pos, problem: &Problem) -> E {
    let mut text = problem.message.clone();
    if let Some(hint) = &problem.hint {
        text.push_str(HINT_SEPARATOR);
        text.push_str(hint);
    }
    if !pos.is_known() {
        return E::custom(text);
    }
    // Remember the position in case the deserializer cannot supply one.
    E::custom(format!(
        "{POS_MARK}{}:{}{POS_MARK}{text}",
        pos.line, pos.column
    ))
}

fn convert(err: &serde_saphyr::Error, origin: &Origin, source: &str) -> Error {
    use serde_saphyr::Error as E;
    let inner = err.without_snippet();
    let mut location = err
        .location()
        .filter(|l| l.line() > 0)
        .map(|l| Location::new(origin.name.clone(), clamp(l.line()), clamp(l.column())));
    let (message, hint) = match inner {
        E::SerdeUnknownField {
            field, expected, ..
        } => (
            format!("unknown field `{field}`, expected {}", one_of(expected)),
            did_you_mean(field, expected),
        ),
        E::SerdeUnknownVariant {
            variant, expected, ..
        } => (
            format!("unknown value `{variant}`, expected {}", one_of(expected)),
            did_you_mean(variant, expected),
        ),
        E::DuplicateMappingKey { key, .. } => (
            match key {
                Some(key) => format!("duplicate key `{key}`"),
                None => "duplicate key".to_string(),
            },
            Some("a key may appear only once in a mapping; remove one of them".to_string()),
        ),
        E::InvalidBooleanStrict { .. } => (
            "expected `true` or `false`".to_string(),
            Some("`yes`, `no`, `on` and `off` are not booleans in a pbxgen profile".to_string()),
        ),
        E::SerdeMissingField { field, .. } => (
            format!("missing field `{field}`"),
            missing_field_hint(field),
        ),
        E::SerdeInvalidType {
            unexpected,
            expected,
            ..
        }
        | E::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => (
            format!("expected {expected}, found {unexpected}"),
            type_hint(expected, unexpected),
        ),
        other => {
            let text = strip_position_suffix(&other.to_string());
            let (text, pos) = take_encoded_position(&text);
            // The value's own position is more precise than the deserializer's.
            if let Some((line, column)) = pos {
                location = Some(Location::new(origin.name.clone(), line, column));
            }
            match text.split_once(HINT_SEPARATOR) {
                Some((message, hint)) => (message.to_string(), Some(hint.to_string())),
                None => in_profile_words(text, location.as_ref(), source),
            }
        }
    };
    let mut error = match location {
        Some(location) => Error::at(location, message),
        None => Error::invalid(format!("{}: {message}", origin.name)),
    };
    error.hint = hint;
    error
}

/// What to write for a required field that is missing, where a bare "missing field" would leave
/// the user guessing.
fn missing_field_hint(field: &str) -> Option<String> {
    Some(match field {
        "allow_from" => "list the provider's signalling addresses, e.g. `allow_from: [203.0.113.0/28]`: inbound calls are matched to the trunk by them; write `allow_from: []` for a trunk used for outbound calls only".to_string(),
        "context" => "name the context its calls enter, e.g. `context: from-itsp`".to_string(),
        _ => return None,
    })
}

/// serde-saphyr's own words for a value of the wrong type ("invalid u32", "expected sequence
/// start", "use from_str_multiple") said in the profile's: the field, what it takes, what was
/// found, and how to write it.
fn in_profile_words(
    text: &str,
    location: Option<&Location>,
    source: &str,
) -> (String, Option<String>) {
    let (field, found) = location.map_or((None, None), |l| field_and_value_at(source, l));
    let field = field.map_or(String::new(), |f| format!("`{f}`: "));
    let found = match found.as_deref() {
        None => String::new(),
        Some(v) if v.starts_with('[') => ", found a list".to_string(),
        Some(v) if v.starts_with('{') => ", found a mapping".to_string(),
        Some(v) => format!(", found `{v}`"),
    };
    let number = |bits: u32| {
        (
            format!(
                "{field}expected a whole number from 0 to {}{found}",
                (1u64 << bits) - 1
            ),
            Some("write digits only, without quotes, a sign or a decimal point".to_string()),
        )
    };
    match text {
        "invalid u8" => number(8),
        "invalid u16" => number(16),
        "invalid u32" => number(32),
        "invalid u64" => number(64),
        "expected sequence start" => (
            format!("{field}expected a list{found}"),
            Some("write a list as `[a, b]`, or one `- item` per line (a single item too: `[a]`)".to_string()),
        ),
        "expected mapping start" => (
            format!("{field}expected a mapping of `key: value` pairs{found}"),
            Some("write `{ key: value }`, or indented `key: value` lines below the key".to_string()),
        ),
        t if t.starts_with("multiple YAML documents detected") => (
            "expected one YAML document, found a second one after `---`".to_string(),
            Some("a profile is one document: remove the `---` line and what follows it (one profile per file)".to_string()),
        ),
        // pbxgen's own messages (and any other) as they are.
        t => (t.to_string(), None),
    }
}

/// The key written before `location` on its line (`asterisk` in `site: { asterisk: abc }`) and
/// the plain value at it, when they can be seen.
fn field_and_value_at(source: &str, location: &Location) -> (Option<String>, Option<String>) {
    let Some(line) = source.lines().nth(location.line.saturating_sub(1) as usize) else {
        return (None, None);
    };
    let cut = line
        .char_indices()
        .nth(location.column.saturating_sub(1) as usize)
        .map_or(line.len(), |(i, _)| i);
    let (before, at) = line.split_at(cut);
    let key = before
        .trim_end()
        .strip_suffix(':')
        .map(|k| {
            k.rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
                .unwrap_or("")
        })
        .filter(|k| !k.is_empty())
        .map(str::to_string);
    let value: String = at
        .chars()
        .take_while(|&c| !matches!(c, ',' | '}' | ']' | '#'))
        .collect::<String>()
        .trim()
        .chars()
        .take(40)
        .collect();
    let value = (!value.is_empty()).then_some(value);
    (key, value)
}

fn clamp(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// serde-saphyr's messages end with " at line L, column C"; we print positions up front.
fn strip_position_suffix(text: &str) -> String {
    match text.rfind(" at line ") {
        Some(i) if text[i..].contains(", column ") => text[..i].to_string(),
        _ => text.to_string(),
    }
}

/// Undo the position prefix of [`located_error`].
fn take_encoded_position(text: &str) -> (&str, Option<(u32, u32)>) {
    let decoded = text.strip_prefix(POS_MARK).and_then(|rest| {
        let (position, message) = rest.split_once(POS_MARK)?;
        let (line, column) = position.split_once(':')?;
        Some((message, (line.parse().ok()?, column.parse().ok()?)))
    });
    match decoded {
        Some((message, position)) => (message, Some(position)),
        None => (text, None),
    }
}

fn one_of(expected: &[&str]) -> String {
    match expected {
        [] => "nothing here".to_string(),
        [one] => format!("`{one}`"),
        many => {
            let list: Vec<String> = many.iter().map(|e| format!("`{e}`")).collect();
            format!("one of {}", list.join(", "))
        }
    }
}

/// "did you mean `x`?" when one candidate is close enough to `found`.
pub(crate) fn did_you_mean(found: &str, candidates: &[&str]) -> Option<String> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(found, c), *c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| format!("did you mean `{c}`?"))
}

fn type_hint(expected: &str, unexpected: &str) -> Option<String> {
    if expected.contains("bool") && unexpected.contains("string") {
        return Some("write `true` or `false` (`yes`/`no`/`on`/`off` are strings)".to_string());
    }
    if unexpected.contains("map") && expected.contains("sequence") {
        return Some("a list is written `[a, b]` or with `- ` items".to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_are_close_matches_only() {
        let fields = ["name", "asterisk", "channel_drivers"];
        assert_eq!(
            did_you_mean("chanel_drivers", &fields).as_deref(),
            Some("did you mean `channel_drivers`?")
        );
        assert_eq!(did_you_mean("colour", &fields), None);
    }

    #[test]
    fn position_suffix_is_removed() {
        assert_eq!(
            strip_position_suffix("invalid u32 at line 4, column 13"),
            "invalid u32"
        );
        assert_eq!(
            take_encoded_position("⟦pos⟧3:9⟦pos⟧msg"),
            ("msg", Some((3, 9)))
        );
    }
}
