//! Escaping and validation of every value a template prints (defence in depth after profile
//! validation: no value may add a line, a section, a directive or an argument to a file).
//!
//! Each template has a [`Syntax`] (the output registry says which), and the environment's formatter checks
//! every printed value for that syntax — a template cannot forget it:
//! - Asterisk `.conf`: no control characters (a newline would start a line, so a section or an
//!   `#include`); `;` is written `\;`, the one escape Asterisk's loader knows.
//! - PHP ini (`websms.conf`, read by `parse_ini_file`): numbers bare, everything else in double
//!   quotes (so `yes`, `no`, `null`… stay strings); `"`, `\` and `${` are refused.
//! - XML: `& < > " '` escaped; control characters refused.
//! - JSON: every string printed as a JSON string literal (quoted, escaped; `< > &` as `\u…` so
//!   the file can be pasted into a `<script>`); numbers bare, booleans `true`/`false`.
//! - systemd unit files: one word (no blank, quote, `\\`, `;` or `$`, which would split or
//!   expand an `ExecStart=` argument), `%` written `%%` (systemd's specifier escape).
//!
//! Positions where even a single-line value is syntax — section names, dialplan arguments, host
//! names, numbers — use the stricter filters ([`FILTERS`]) on top. Errors never quote the value:
//! it may be a secret.

use minijinja::value::{Value, ValueKind};
use minijinja::{AutoEscape, Error, ErrorKind, Output, State};
use std::borrow::Cow;
use std::fmt;

/// The syntax of an output file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Asterisk,
    PhpIni,
    Xml,
    Json,
    Systemd,
}

impl Syntax {
    fn tag(self) -> &'static str {
        match self {
            Syntax::Asterisk => "asterisk",
            Syntax::PhpIni => "php-ini",
            Syntax::Xml => "xml",
            Syntax::Json => "json",
            Syntax::Systemd => "systemd",
        }
    }

    fn from_tag(tag: &str) -> Syntax {
        match tag {
            "php-ini" => Syntax::PhpIni,
            "xml" => Syntax::Xml,
            "json" => Syntax::Json,
            "systemd" => Syntax::Systemd,
            _ => Syntax::Asterisk,
        }
    }

    /// The generated-file header of this syntax, from its lines (no final line break: templates
    /// put `{{ header }}` on a line of its own). JSON has no comments: there the header is a
    /// `"$comment"` member, and the template writes it first inside the top-level object.
    pub fn header(self, lines: &[String]) -> String {
        match self {
            Syntax::Asterisk | Syntax::PhpIni => lines
                .iter()
                .map(|l| format!("; {l}"))
                .collect::<Vec<_>>()
                .join("\n"),
            Syntax::Xml => format!("<!--\n  {}\n-->", lines.join("\n  ")),
            Syntax::Json => format!(
                "\"$comment\": {}",
                json_string(&lines.join(" ")).unwrap_or_default()
            ),
            Syntax::Systemd => lines
                .iter()
                .map(|l| format!("# {l}"))
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    /// The auto-escape mode templates of this syntax run with.
    pub fn auto_escape(self) -> AutoEscape {
        AutoEscape::Custom(self.tag())
    }
}

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidOperation, message.into())
}

/// The formatter: every `{{ value }}` of every template goes through here.
pub fn format_value(out: &mut Output, state: &State, value: &Value) -> Result<(), Error> {
    let syntax = || syntax_of(state);
    match value.kind() {
        // Macro output (already formatted piece by piece) and the header are marked safe.
        ValueKind::String if value.is_safe() => out
            .write_str(value.as_str().unwrap_or_default())
            .map_err(Error::from),
        ValueKind::String => write_escaped(out, syntax(), value.as_str().unwrap_or_default()),
        // Digits, `.`, `-`: nothing any syntax escapes, and PHP reads them as numbers.
        ValueKind::Number => match value.is_integer().then(|| value.as_usize()).flatten() {
            Some(n) => write_decimal(out, n).map_err(Error::from),
            None => write!(out, "{value}").map_err(Error::from),
        },
        ValueKind::Bool if syntax() == Syntax::Asterisk => out
            .write_str(if value.is_true() { "yes" } else { "no" })
            .map_err(Error::from),
        ValueKind::Bool if syntax() == Syntax::Json => out
            .write_str(if value.is_true() { "true" } else { "false" })
            .map_err(Error::from),
        kind => Err(invalid(format!(
            "a template printed a {kind} value; only strings and numbers can go into a file \
             (a secret must go through the `secret` filter)"
        ))),
    }
}

/// `n` in decimal, as `Display` writes it, without the formatting machinery (a number is
/// printed for most accounts and dialplan steps of a provider's files).
fn write_decimal(out: &mut impl fmt::Write, n: usize) -> fmt::Result {
    out.write_str(crate::json_text::decimal(n as u64, &mut [0; 20]))
}

/// The syntax of the file being rendered.
fn syntax_of(state: &State) -> Syntax {
    match state.auto_escape() {
        AutoEscape::Custom(tag) => Syntax::from_tag(tag),
        _ => Syntax::Asterisk,
    }
}

fn reject_controls(text: &str) -> Result<(), Error> {
    if text.chars().any(char::is_control) {
        return Err(invalid(
            "a value contains a line break or another control character, which would add a line to the file",
        ));
    }
    Ok(())
}

/// Write string `text` as `syntax` needs it:
/// - Asterisk: one config line, `;` written `\;`;
/// - PHP ini: double-quoted;
/// - XML: character data or attribute value, `& < > " '` escaped.
pub fn write_escaped(out: &mut impl fmt::Write, syntax: Syntax, text: &str) -> Result<(), Error> {
    // Most values are printable ASCII without `;`: nothing to refuse or escape in Asterisk
    // syntax, found by one pass over the bytes.
    if syntax == Syntax::Asterisk && text.bytes().all(|b| matches!(b, b' '..=b'~') && b != b';') {
        return out.write_str(text).map_err(Error::from);
    }
    reject_controls(text)?;
    match syntax {
        Syntax::Asterisk => write_replacing(out, text, &[';'], |_| "\\;"),
        Syntax::PhpIni => {
            if text.contains(['"', '\\']) || text.contains("${") {
                return Err(invalid(
                    "a websms.conf value contains `\"`, `\\` or `${`, which PHP's parse_ini_file would interpret",
                ));
            }
            write!(out, "\"{text}\"").map_err(Error::from)
        }
        Syntax::Xml => write_replacing(out, text, &['&', '<', '>', '"', '\''], |c| match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            _ => "&apos;",
        }),
        Syntax::Json => out.write_str(&json_string(text)?).map_err(Error::from),
        Syntax::Systemd => {
            if text
                .contains(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '\\' | ';' | '$'))
            {
                return Err(invalid(
                    "a systemd unit value contains a blank, a quote, `\\`, `;` or `$`, which would split or expand a command line",
                ));
            }
            write_replacing(out, text, &['%'], |_| "%%")
        }
    }
}

/// `text` as a JSON string literal, with `<`, `>` and `&` escaped too (safe inside HTML).
fn json_string(text: &str) -> Result<String, Error> {
    let quoted = serde_json::to_string(text)
        .map_err(|e| invalid(format!("cannot write a JSON string: {e}")))?;
    Ok(quoted
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026"))
}

/// `text` as [`write_escaped`] writes it.
pub fn escaped(syntax: Syntax, text: &str) -> Result<String, Error> {
    let mut out = String::with_capacity(text.len() + 2);
    write_escaped(&mut out, syntax, text)?;
    Ok(out)
}

/// A value on one Asterisk config line.
pub fn asterisk_value(text: &str) -> Result<String, Error> {
    escaped(Syntax::Asterisk, text)
}

/// A PHP ini string, double-quoted.
pub fn ini_string(text: &str) -> Result<String, Error> {
    escaped(Syntax::PhpIni, text)
}

/// XML character data or attribute value.
pub fn xml_text(text: &str) -> Result<String, Error> {
    escaped(Syntax::Xml, text)
}

/// Write `text` with each of `special` replaced by `replacement(c)`, without copying it first.
fn write_replacing(
    out: &mut impl fmt::Write,
    text: &str,
    special: &[char],
    replacement: impl Fn(char) -> &'static str,
) -> Result<(), Error> {
    let mut rest = text;
    while let Some(at) = rest.find(special) {
        let c = rest[at..].chars().next().unwrap_or_default();
        out.write_str(&rest[..at])?;
        out.write_str(replacement(c))?;
        rest = &rest[at + c.len_utf8()..];
    }
    out.write_str(rest).map_err(Error::from)
}

/// Asterisk cuts section names at 79 characters.
const MAX_NAME: usize = 79;

fn check_chars(
    what: &str,
    text: &str,
    allowed: impl Fn(char) -> bool,
    expected: &str,
) -> Result<(), Error> {
    if text.is_empty() {
        return Err(invalid(format!("empty {what}; expected {expected}")));
    }
    if let Some(c) = text.chars().find(|c| !allowed(*c)) {
        let shown = if c.is_control() || c.is_whitespace() {
            format!("{c:?}")
        } else {
            format!("`{c}`")
        };
        return Err(invalid(format!(
            "{what} contains {shown}; expected {expected}"
        )));
    }
    Ok(())
}

fn as_text(value: &Value) -> Result<Cow<'_, str>, Error> {
    match value.kind() {
        ValueKind::String => Ok(Cow::Borrowed(value.as_str().unwrap_or_default())),
        ValueKind::Number => Ok(Cow::Owned(value.to_string())),
        kind => Err(invalid(format!(
            "expected a string or number, found a {kind} value"
        ))),
    }
}

/// A checked `value` as a plain string value (escaped by the formatter): the value itself when
/// it is one, so checking copies nothing.
fn plain_string(value: &Value, text: Cow<'_, str>) -> Value {
    match text {
        Cow::Borrowed(_) if !value.is_safe() => value.clone(),
        text => Value::from(text.into_owned()),
    }
}

/// `id`: a section, object, context, endpoint or user name (one token: no separators of any
/// Asterisk syntax, at most 79 characters).
pub fn id(value: &Value) -> Result<Value, Error> {
    verbatim(value, check_id)
}

/// Which bytes `$allowed` accepts, as a table: the checks run for most values of a provider's
/// files, and a look-up per byte is cheaper than decoding and testing characters.
macro_rules! byte_table {
    ($allowed:expr) => {{
        let mut table = [false; 256];
        let mut b = 0;
        while b < 256 {
            table[b] = $allowed(b as u8);
            b += 1;
        }
        table
    }};
}

/// The characters of a name: ASCII letters, digits and `_-.+`.
const fn is_id_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'+')
}

const ID_BYTES: [bool; 256] = byte_table!(is_id_byte);

/// The characters of a host: ASCII letters, digits and `.-:[]`.
const fn is_host_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']')
}

const HOST_BYTES: [bool; 256] = byte_table!(is_host_byte);

/// Whether `text` is not empty and all its bytes are in `table` (then it is valid; otherwise
/// the full check says why not).
fn all_in(text: &str, table: &[bool; 256]) -> bool {
    !text.is_empty() && text.bytes().all(|b| table[usize::from(b)])
}

fn check_id(text: &str) -> Result<(), Error> {
    if text.len() <= MAX_NAME && all_in(text, &ID_BYTES) {
        return Ok(());
    }
    check_chars(
        "a name",
        text,
        |c| c.is_ascii() && is_id_byte(c as u8),
        "letters, digits, `_`, `-`, `.` or `+`",
    )?;
    if text.len() > MAX_NAME {
        return Err(invalid(format!(
            "a name is {} characters long; Asterisk cuts names at {MAX_NAME}",
            text.len()
        )));
    }
    Ok(())
}

/// `pattern`: a dialplan extension or `_` pattern (`101`, `+15551234567`, `s`, `_0[1-9]XXXXXXXX`).
pub fn pattern(value: &Value) -> Result<Value, Error> {
    verbatim(value, check_pattern)
}

fn check_pattern(text: &str) -> Result<(), Error> {
    let is_pattern = text.starts_with('_');
    check_chars(
        "a dialplan extension",
        text,
        |c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '+' | '*' | '#' | '_' | '-')
                || (is_pattern && matches!(c, '[' | ']' | '.' | '!'))
        },
        "digits, letters, `+`, `*`, `#`, `-`, and in `_` patterns `[`, `]`, `.`, `!`",
    )
}

/// `number`: a fixed telephone number or prefix (`+15551234567`, `0799999999`, `+44`). Empty
/// is allowed (an empty prefix).
pub fn number(value: &Value) -> Result<Value, Error> {
    verbatim(value, check_number)
}

fn check_number(text: &str) -> Result<(), Error> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(
            "a telephone number contains something other than digits (and a leading `+`)",
        ));
    }
    Ok(())
}

/// `host`: a host name, IPv4 address or bracketed IPv6 address, optionally with `:port`.
pub fn host(value: &Value) -> Result<Value, Error> {
    verbatim(value, check_host)
}

fn check_host(text: &str) -> Result<(), Error> {
    if all_in(text, &HOST_BYTES) {
        return Ok(());
    }
    check_chars(
        "a host",
        text,
        |c| c.is_ascii() && is_host_byte(c as u8),
        "a host name or IP address",
    )
}

/// `value` checked by `check`, as a string printed verbatim in every syntax.
fn verbatim(value: &Value, check: Check) -> Result<Value, Error> {
    let text = as_text(value)?;
    check(&text)?;
    Ok(Value::from_safe_string(text.into_owned()))
}

/// A verbatim filter as templates call it. In an Asterisk file the checked value itself: its
/// character set holds nothing the Asterisk escaping changes, so the formatter prints it as it
/// is, and nothing is copied (the filters run for most values of a provider's files).
/// Elsewhere ([`verbatim`]) a string marked safe: PHP ini and JSON would quote a plain one.
pub fn verbatim_filter(state: &State, value: &Value, check: Check) -> Result<Value, Error> {
    if syntax_of(state) != Syntax::Asterisk || value.is_safe() {
        return verbatim(value, check);
    }
    check(&as_text(value)?)?;
    Ok(value.clone())
}

/// `uri`: a SIP URI composed by the plan (`sip:101@pbx.example.net;transport=tls`).
pub fn uri(value: &Value) -> Result<Value, Error> {
    let text = as_text(value)?;
    check_chars(
        "a SIP URI",
        &text,
        |c| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    '.' | '-' | '_' | ':' | '@' | '+' | '[' | ']' | '=' | '/' | ';'
                )
        },
        "a SIP URI",
    )?;
    Ok(plain_string(value, text))
}

/// `display`: a display name inside `"…"` (caller ID, SPA display name, voicemail name).
pub fn display(value: &Value) -> Result<Value, Error> {
    let text = as_text(value)?;
    reject_controls(&text)?;
    if text.contains(['"', '<', '>', '\\', ',', ';', '[', ']', '$']) {
        return Err(invalid(
            "a display name contains one of `\" < > \\ , ; [ ] $`",
        ));
    }
    Ok(plain_string(value, text))
}

/// `url`: an http(s) URL or URL path for the WebSMS bridge or a TwiML action.
pub fn url(value: &Value) -> Result<Value, Error> {
    let text = as_text(value)?;
    check_chars(
        "a URL",
        &text,
        |c| {
            c.is_ascii_graphic()
                && !matches!(
                    c,
                    '"' | '\'' | '<' | '>' | '\\' | '`' | '{' | '}' | '|' | '^'
                )
        },
        "a URL without quotes, spaces or `<>{}|\\^`",
    )?;
    Ok(plain_string(value, text))
}

/// A filter checking one value.
pub type Filter = fn(&Value) -> Result<Value, Error>;

/// The check of a verbatim filter: whether the text may be printed verbatim at its position.
pub type Check = fn(&str) -> Result<(), Error>;

/// Filters for positions where a value is syntax. Their character sets hold nothing any of the
/// three syntaxes would interpret, so they print verbatim ([`verbatim_filter`]).
pub const VERBATIM_FILTERS: [(&str, Check); 4] = [
    ("id", check_id),
    ("pattern", check_pattern),
    ("number", check_number),
    ("host", check_host),
];

/// Filters that check a value and leave the escaping to the file's syntax (`uri` may hold `;`,
/// a display name `&`).
pub const CHECKING_FILTERS: [(&str, Filter); 3] =
    [("uri", uri), ("display", display), ("url", url)];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asterisk_values_cannot_add_lines() {
        assert_eq!(asterisk_value("a;b").unwrap(), "a\\;b");
        assert!(asterisk_value("x\n[evil]").is_err());
        assert!(asterisk_value("x\r#include /etc/passwd").is_err());
        assert!(asterisk_value("x\u{0}").is_err());
        // `[`, `#include` and `,` on one line are inert after `key=`.
        assert_eq!(
            asterisk_value("[a] #include b,c").unwrap(),
            "[a] #include b,c"
        );
    }

    #[test]
    fn ini_strings_are_quoted_and_checked() {
        assert_eq!(ini_string("no").unwrap(), "\"no\"");
        assert_eq!(
            ini_string("185.45.152.42,3.104.90.0/24").unwrap(),
            "\"185.45.152.42,3.104.90.0/24\""
        );
        assert!(ini_string("a\"b").is_err());
        assert!(ini_string("a\\b").is_err());
        assert!(ini_string("${HOME}").is_err());
        assert!(ini_string("a\nb=c").is_err());
    }

    #[test]
    fn systemd_values_are_one_word() {
        assert_eq!(
            escaped(Syntax::Systemd, "/etc/pbxgen/a%b.yaml").unwrap(),
            "/etc/pbxgen/a%%b.yaml"
        );
        for bad in ["a b", "a\nb", "$HOME", "a;b", "\"x\"", "a\\b"] {
            assert!(escaped(Syntax::Systemd, bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn xml_is_escaped() {
        assert_eq!(xml_text("a<b>&\"'").unwrap(), "a&lt;b&gt;&amp;&quot;&apos;");
        assert!(xml_text("a\nb").is_err());
    }

    #[test]
    fn json_strings_are_quoted_and_escaped() {
        assert_eq!(
            escaped(Syntax::Json, "a\"b</script>&").unwrap(),
            r#""a\"b\u003c/script\u003e\u0026""#
        );
        assert_eq!(
            Syntax::Json.header(&["one".into(), "two".into()]),
            r#""$comment": "one two""#
        );
    }

    #[test]
    fn decimals_are_written_as_display_writes_them() {
        for n in [0, 7, 10, 60, 99, 100, 3600, 65535, usize::MAX] {
            let mut out = String::new();
            write_decimal(&mut out, n).unwrap();
            assert_eq!(out, n.to_string());
        }
    }

    #[test]
    fn strict_filters() {
        let v = |s: &str| Value::from(s);
        assert!(id(&v("from-twilio")).is_ok());
        for bad in ["a,b", "a b", "a]", "a;b", "a(b", "", "a\nb", "a=b", "a/b"] {
            assert!(id(&v(bad)).is_err(), "{bad:?}");
        }
        assert!(id(&v(&"x".repeat(80))).is_err());
        assert!(pattern(&v("_0[1-9]XXXXXXXX")).is_ok());
        assert!(pattern(&v("+15551234567")).is_ok());
        assert!(pattern(&v("101,1,Dial(x)")).is_err());
        assert!(pattern(&v("1[0]")).is_err(), "sets only in `_` patterns");
        assert!(number(&v("+44")).is_ok());
        assert!(number(&v("")).is_ok());
        assert!(number(&v("0799&PJSIP/x")).is_err());
        assert!(host(&v("sip.zadarma.com")).is_ok());
        assert!(host(&v("[2001:db8::1]:5061")).is_ok());
        assert!(host(&v("a b")).is_err());
        assert!(display(&v("Kitchen phone")).is_ok());
        assert!(display(&v("Bob\" <666>")).is_err());
        assert!(display(&v("Kitchen (downstairs) & co")).is_ok());
        assert!(url(&v("https://api.zadarma.com")).is_ok());
        assert!(url(&v("https://x/\"a")).is_err());
    }
}
