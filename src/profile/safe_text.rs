//! Validated strings: the one mechanism that keeps profile text from injecting syntax into the
//! generated files.
//!
//! Every string of the profile that ends up in an Asterisk file, `websms.conf` (PHP ini), TwiML or
//! the SPA3102's XML is one of the kinds below. A kind says which characters it may contain (a
//! first-character class and a class for the rest, written once as regex classes and reused for
//! the JSON Schema `pattern`), its length limits, and optionally a structural check (host name
//! labels, `@` in an e-mail address). A value that fails is rejected while the profile is read,
//! at its position, with the reason the character is dangerous ("`;` starts a comment in
//! Asterisk configuration files") — never escaped silently.
//!
//! Types: [`Name`], [`ContextName`], [`DisplayName`], [`ExtensionNumber`], [`PhoneNumber`],
//! [`DialPrefix`], [`DialPattern`], [`Hostname`], [`Username`], [`FilePath`], [`Url`],
//! [`UrlPath`], [`FieldName`], [`HeaderName`], [`Email`], [`ResponseCheck`]. Secret *values*
//! are checked with [`SecretValue`] when they are resolved (see [`super::Secret`]).

use super::span::Pos;
use regex::Regex;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::sync::LazyLock;

/// What is wrong with a value, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub hint: Option<String>,
}

impl Problem {
    pub fn new(message: impl Into<String>) -> Self {
        Problem {
            message: message.into(),
            hint: None,
        }
    }
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// A check of a value's structure beyond its characters and length.
pub type StructureCheck = fn(&str) -> Result<(), Problem>;

/// The description of one kind of validated string.
pub struct KindSpec {
    /// What the value is, with an article: "a context name".
    pub what: &'static str,
    /// Regex character class for the first character.
    pub first: &'static str,
    /// Regex character class for every following character.
    pub rest: &'static str,
    /// The allowed characters in words, for messages.
    pub allowed: &'static str,
    /// Length limits, in characters.
    pub min: usize,
    pub max: usize,
    /// A valid example, for hints and the schema.
    pub example: &'static str,
    /// A structural check beyond characters and length.
    pub extra: Option<StructureCheck>,
}

/// A kind of validated string (implemented by the marker types of this module).
pub trait TextKind: 'static {
    fn spec() -> &'static KindSpec;
    /// The compiled `first` and `rest` classes.
    fn classes() -> &'static (CharClass, CharClass);
}

/// One regex character class, compiled for checking a character at a time.
///
/// Profiles of providers hold hundreds of thousands of strings: running a regex search per
/// character dominated reading them. ASCII characters are looked up in a table filled from the
/// regex once; others (display names may hold any letter) still ask the regex.
pub struct CharClass {
    ascii: [bool; 128],
    regex: Regex,
}

impl CharClass {
    /// Compile a regex character class such as `[A-Za-z0-9_-]`.
    fn new(class: &str) -> CharClass {
        let regex = Regex::new(&format!("^{class}$")).expect("character classes are valid regexes");
        let mut buf = [0u8; 4];
        let ascii = std::array::from_fn(|i| {
            let c = char::from(u8::try_from(i).expect("ASCII index"));
            regex.is_match(c.encode_utf8(&mut buf))
        });
        CharClass { ascii, regex }
    }

    fn contains(&self, c: char) -> bool {
        match self.ascii.get(c as usize) {
            Some(&allowed) => allowed,
            None => self.regex.is_match(c.encode_utf8(&mut [0u8; 4])),
        }
    }
}

/// Check `value` against kind `K`.
pub fn check<K: TextKind>(value: &str) -> Result<(), Problem> {
    check_with(K::spec(), K::classes(), value, Shown::Yes)
}

/// [`check`] for the value of a secret: the problem never names a character of the value (not
/// even the one that is wrong), only what the kind allows and the length.
pub fn check_secret<K: TextKind>(value: &str) -> Result<(), Problem> {
    check_with(K::spec(), K::classes(), value, Shown::No)
}

/// Whether a problem may quote the character it is about.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shown {
    Yes,
    No,
}

fn check_with(
    spec: &KindSpec,
    classes: &(CharClass, CharClass),
    value: &str,
    shown: Shown,
) -> Result<(), Problem> {
    let what = spec.what;
    if value.is_empty() {
        return Err(
            Problem::new(format!("expected {what}, found an empty string"))
                .with_hint(format!("for example `{}`", spec.example)),
        );
    }
    let class_at = |i: usize| if i == 0 { &classes.0 } else { &classes.1 };
    // Profiles hold hundreds of thousands of short ASCII strings: those are checked byte by byte
    // in the classes' tables (the same verdicts, without decoding characters).
    let ascii = value.is_ascii();
    let first_refused = if ascii {
        value
            .bytes()
            .enumerate()
            .find(|&(i, b)| !class_at(i).ascii[usize::from(b)])
            .map(|(i, b)| (i, char::from(b)))
    } else {
        value
            .chars()
            .enumerate()
            .find(|&(i, c)| !class_at(i).contains(c))
    };
    if let Some((i, c)) = first_refused {
        // A secret's printable characters are its content: only a line break, a space or a
        // control character is named (they say nothing of the value).
        if shown == Shown::No && !(c.is_control() || c.is_whitespace()) {
            return Err(Problem::new(format!(
                "{what} holds a character it may not hold (not shown)"
            ))
            .with_hint(format!("{what} may contain {}", spec.allowed)));
        }
        let place = if i == 0 { "start with" } else { "contain" };
        let mut problem = Problem::new(format!("{what} must not {place} {}", describe_char(c)));
        problem = match danger(c, i == 0) {
            Some(reason) => {
                problem.with_hint(format!("{reason}; {what} may contain {}", spec.allowed))
            }
            None => problem.with_hint(format!("{what} may contain {}", spec.allowed)),
        };
        return Err(problem);
    }
    let len = if ascii {
        value.len()
    } else {
        value.chars().count()
    };
    if len < spec.min || len > spec.max {
        let range = if spec.min == spec.max {
            format!("{}", spec.min)
        } else {
            format!("{} to {}", spec.min, spec.max)
        };
        return Err(Problem::new(format!(
            "{what} must be {range} characters long, found {len}"
        )));
    }
    match spec.extra {
        Some(extra) => extra(value),
        None => Ok(()),
    }
}

/// Format characters that change how text reads without showing: bidirectional controls,
/// zero-width characters, the soft hyphen, line and paragraph separators.
fn invisible(c: char) -> bool {
    matches!(
        c as u32,
        0x00AD | 0x061C | 0x200B..=0x200F | 0x2028..=0x202E | 0x2060..=0x206F | 0xFEFF
    )
}

fn describe_char(c: char) -> String {
    match c {
        '\n' => "a line break".to_string(),
        '\r' => "a carriage return".to_string(),
        '\t' => "a tab".to_string(),
        ' ' => "a space".to_string(),
        c if c.is_control() => format!("the control character U+{:04X}", c as u32),
        c if invisible(c) => format!("the invisible character U+{:04X}", c as u32),
        c => format!("`{c}`"),
    }
}

/// Why a character is dangerous in generated files, when it is (the hint of the message).
fn danger(c: char, first: bool) -> Option<&'static str> {
    Some(match c {
        '\n' | '\r' => {
            "a line break would start a new line (a new option or section) in the generated file"
        }
        ';' => "`;` starts a comment in Asterisk configuration files and cuts the value",
        '[' | ']' => "`[` and `]` would read as a section header in Asterisk configuration files",
        ',' => "`,` separates arguments of dialplan applications and items of Asterisk lists",
        '#' if first => "`#` at the start of a line is an Asterisk `#include`/`#exec` directive",
        '<' | '>' | '&' => "`<`, `>` and `&` are markup in the SPA3102 XML and TwiML files",
        '"' | '\'' => "a quote would end a quoted value (caller ID, websms.conf)",
        '\\' => "`\\` escapes the next character in Asterisk files",
        '=' => "`=` separates option names from values",
        '$' => "`${` starts a variable expansion in the dialplan",
        ' ' => "a space would split the value",
        c if c.is_control() => "control characters are never valid in configuration files",
        c if invisible(c) => {
            "bidirectional controls and zero-width characters make text read as something it is not"
        }
        _ => return None,
    })
}

/// A validated string of kind `K`, with the position it was read from.
///
/// Compares and hashes by text; `Deref`s to `str`; `Display` prints the text.
pub struct Text<K: TextKind> {
    value: String,
    pos: Pos,
    kind: PhantomData<K>,
}

impl<K: TextKind> Text<K> {
    /// Validate `value` (built in code: no position).
    pub fn new(value: impl Into<String>) -> Result<Self, Problem> {
        let value = value.into();
        check::<K>(&value)?;
        Ok(Text {
            value,
            pos: Pos::default(),
            kind: PhantomData,
        })
    }

    /// The same text at `pos`.
    pub fn placed(mut self, pos: Pos) -> Self {
        self.pos = pos;
        self
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// Where the value was read from.
    pub fn pos(&self) -> &Pos {
        &self.pos
    }
}

impl<K: TextKind> Clone for Text<K> {
    fn clone(&self) -> Self {
        Text {
            value: self.value.clone(),
            pos: self.pos.clone(),
            kind: PhantomData,
        }
    }
}

impl<K: TextKind> std::ops::Deref for Text<K> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.value
    }
}

impl<K: TextKind> AsRef<str> for Text<K> {
    fn as_ref(&self) -> &str {
        &self.value
    }
}

impl<K: TextKind> fmt::Display for Text<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

impl<K: TextKind> fmt::Debug for Text<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.value, f)
    }
}

impl<K: TextKind> PartialEq for Text<K> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}
impl<K: TextKind> Eq for Text<K> {}
impl<K: TextKind> PartialEq<str> for Text<K> {
    fn eq(&self, other: &str) -> bool {
        self.value == other
    }
}
impl<K: TextKind> PartialEq<&str> for Text<K> {
    fn eq(&self, other: &&str) -> bool {
        self.value == *other
    }
}
impl<K: TextKind> std::hash::Hash for Text<K> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.value.hash(state)
    }
}
impl<K: TextKind> PartialOrd for Text<K> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<K: TextKind> Ord for Text<K> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value.cmp(&other.value)
    }
}

impl<K: TextKind> serde::Serialize for Text<K> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.value)
    }
}

impl<'de, K: TextKind> Deserialize<'de> for Text<K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<String>::deserialize(deserializer)?;
        let pos = Pos::from_saphyr(&s.referenced);
        match check::<K>(&s.value) {
            Ok(()) => Ok(Text {
                value: s.value,
                pos,
                kind: PhantomData,
            }),
            Err(problem) => Err(super::load::located_error(&pos, &problem)),
        }
    }
}

impl<K: TextKind> JsonSchema for Text<K> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed(K::spec().what)
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let spec = K::spec();
        let what = spec.what;
        let what = what
            .strip_prefix("a ")
            .or_else(|| what.strip_prefix("an "))
            .unwrap_or(what);
        json_schema!({
            "type": "string",
            "description": format!("{what}: {}", spec.allowed),
            "pattern": format!("^{}{}*$", spec.first, spec.rest),
            "minLength": spec.min,
            "maxLength": spec.max,
            "examples": [spec.example],
        })
    }
}

macro_rules! text_kinds {
    ($(
        $(#[$doc:meta])*
        $alias:ident / $kind:ident = $spec:expr;
    )*) => {$(
        #[doc = concat!("Marker for [`", stringify!($alias), "`].")]
        pub enum $kind {}
        impl TextKind for $kind {
            fn spec() -> &'static KindSpec {
                static SPEC: KindSpec = $spec;
                &SPEC
            }
            fn classes() -> &'static (CharClass, CharClass) {
                static CLASSES: LazyLock<(CharClass, CharClass)> = LazyLock::new(|| {
                    let spec = $kind::spec();
                    (CharClass::new(spec.first), CharClass::new(spec.rest))
                });
                &CLASSES
            }
        }
        $(#[$doc])*
        pub type $alias = Text<$kind>;
    )*};
}

text_kinds! {
    /// A name of something pbxgen generates a section or file for: the site, a trunk, a device,
    /// a route, a Twilio number. Letters, digits, `-` and `_`, starting with a letter or digit.
    Name / NameKind = KindSpec {
        what: "a name",
        first: "[A-Za-z0-9]",
        rest: "[A-Za-z0-9_-]",
        allowed: "letters, digits, `-` and `_` (starting with a letter or digit)",
        min: 1,
        max: 40,
        example: "home-lab",
        extra: None,
    };

    /// A dialplan context name (`from-twilio`). Asterisk limits context names to 79 characters;
    /// `general` and `globals` are reserved sections of extensions.conf.
    ContextName / ContextKind = KindSpec {
        what: "a context name",
        first: "[A-Za-z0-9]",
        rest: "[A-Za-z0-9_-]",
        allowed: "letters, digits, `-` and `_` (starting with a letter or digit)",
        min: 1,
        max: 79,
        example: "from-twilio",
        extra: Some(check_context),
    };

    /// A display name (caller ID name): any printable text without quotes, markup or
    /// Asterisk syntax characters.
    DisplayName / DisplayNameKind = KindSpec {
        what: "a display name",
        // Also no C1 controls, soft hyphen, bidirectional controls (U+061C, U+200E-F,
        // U+202A-E, U+2066-9), zero-width characters (U+200B-D, U+2060, U+FEFF) or line
        // separators: a name must read as what it is (no "Trojan Source" look-alikes).
        first: r#"[^\x00-\x20\x7f"'<>&;\[\],\\#=$\u0080-\u009F\u00AD\u061C\u200B-\u200F\u2028-\u202E\u2060-\u206F\uFEFF]"#,
        rest: r#"[^\x00-\x1f\x7f"'<>&;\[\],\\=$\u0080-\u009F\u00AD\u061C\u200B-\u200F\u2028-\u202E\u2060-\u206F\uFEFF]"#,
        allowed: "letters, digits, spaces and punctuation other than `\" ' < > & ; [ ] , \\ = $` (no invisible characters)",
        min: 1,
        max: 48,
        example: "Kitchen phone",
        extra: Some(check_display_name),
    };

    /// An extension number: digits only (`101`).
    ExtensionNumber / ExtensionNumberKind = KindSpec {
        what: "an extension number",
        first: "[0-9]",
        rest: "[0-9]",
        allowed: "digits only",
        min: 1,
        max: 15,
        example: "101",
        extra: None,
    };

    /// A telephone number: E.164 (`+15551234567`) or as dialled on the line (`0799999999`).
    PhoneNumber / PhoneNumberKind = KindSpec {
        what: "a phone number",
        first: "[+0-9]",
        rest: "[0-9]",
        allowed: "digits, with an optional leading `+`",
        min: 3,
        max: 16,
        example: "+15551234567",
        extra: Some(check_plus_needs_digits),
    };

    /// Digits prepended to a dialled number (`+44`, `00`).
    DialPrefix / DialPrefixKind = KindSpec {
        what: "a dial prefix",
        first: "[+0-9]",
        rest: "[0-9]",
        allowed: "digits, with an optional leading `+`",
        min: 1,
        max: 16,
        example: "+44",
        extra: None,
    };

    /// A dialplan extension pattern (`_0[1-9]XXXXXXXX`) or a literal number.
    DialPattern / DialPatternKind = KindSpec {
        what: "a dial pattern",
        first: "[_0-9+*#]",
        rest: r"[0-9XZNxzn.!\[\]+*#-]",
        allowed: "digits, `X`, `Z`, `N`, `[…]` ranges, `.`, `!`, `+`, `*`, `#` after a leading `_`",
        min: 1,
        max: 64,
        example: "_0[1-9]XXXXXXXX",
        extra: Some(check_dial_pattern),
    };

    /// A DNS host name or an IPv4 address (`sip.zadarma.com`, `192.0.2.10`).
    Hostname / HostnameKind = KindSpec {
        what: "a host name",
        first: "[A-Za-z0-9]",
        rest: "[A-Za-z0-9.-]",
        allowed: "letters, digits, `-` and `.` (a DNS name or an IPv4 address)",
        min: 1,
        max: 253,
        example: "sip.example.net",
        extra: Some(check_hostname),
    };

    /// A SIP or API user name (`pbx-home`, `123456`).
    Username / UsernameKind = KindSpec {
        what: "a user name",
        first: "[A-Za-z0-9]",
        rest: "[A-Za-z0-9._+-]",
        allowed: "letters, digits, `.`, `_`, `+` and `-`",
        min: 1,
        max: 64,
        example: "pbx-home",
        extra: None,
    };

    /// An absolute file path on the PBX (`/etc/asterisk/keys/pbx.crt`).
    FilePath / FilePathKind = KindSpec {
        what: "an absolute file path",
        first: "/",
        rest: "[A-Za-z0-9._/+@-]",
        allowed: "`/`, letters, digits, `.`, `_`, `+`, `@` and `-`, starting with `/`",
        min: 2,
        max: 255,
        example: "/etc/asterisk/keys/pbx.crt",
        extra: None,
    };

    /// An HTTP(S) base URL without path or query (`https://api.zadarma.com`).
    Url / UrlKind = KindSpec {
        what: "a URL",
        first: "[h]",
        rest: "[A-Za-z0-9.:/-]",
        allowed: "`http://` or `https://`, then a host name and an optional `:port`",
        min: 8,
        max: 200,
        example: "https://api.zadarma.com",
        extra: Some(check_url),
    };

    /// An HTTP path (`/v1/sms/send/`).
    UrlPath / UrlPathKind = KindSpec {
        what: "a URL path",
        first: "/",
        rest: "[A-Za-z0-9._~/%-]",
        allowed: "`/`, letters, digits, `.`, `_`, `~`, `%` and `-`, starting with `/`",
        min: 1,
        max: 200,
        example: "/v1/sms/send/",
        extra: None,
    };

    /// A form field name of an HTTP API (`caller_id`).
    FieldName / FieldNameKind = KindSpec {
        what: "a field name",
        first: "[A-Za-z_]",
        rest: "[A-Za-z0-9_]",
        allowed: "letters, digits and `_`",
        min: 1,
        max: 40,
        example: "caller_id",
        extra: None,
    };

    /// A PHP `$_SERVER` header key (`HTTP_X_FORWARDED_FOR`).
    HeaderName / HeaderNameKind = KindSpec {
        what: "a header key",
        first: "[A-Z]",
        rest: "[A-Z0-9_]",
        allowed: "upper-case letters, digits and `_` (PHP `$_SERVER` style)",
        min: 1,
        max: 64,
        example: "HTTP_X_FORWARDED_FOR",
        extra: None,
    };

    /// An e-mail address (voicemail notifications).
    Email / EmailKind = KindSpec {
        what: "an e-mail address",
        first: "[A-Za-z0-9]",
        rest: "[A-Za-z0-9._%+@-]",
        allowed: "letters, digits, `.`, `_`, `%`, `+`, `-` and one `@`",
        min: 3,
        max: 254,
        example: "alice@example.net",
        extra: Some(check_email),
    };

    /// A WebSMS reply check (`status=success`): `key=value` the ITSP's answer must contain.
    ResponseCheck / ResponseCheckKind = KindSpec {
        what: "a reply check",
        first: "[A-Za-z0-9_]",
        rest: "[A-Za-z0-9_=.:-]",
        allowed: "letters, digits, `_`, `=`, `.`, `:` and `-`",
        min: 1,
        max: 80,
        example: "status=success",
        extra: None,
    };

    /// A voicemail PIN: digits (check with `Secret::resolve_as::<PinKind>()`).
    Pin / PinKind = KindSpec {
        what: "a PIN",
        first: "[0-9]",
        rest: "[0-9]",
        allowed: "digits only",
        min: 4,
        max: 12,
        example: "40718293",
        extra: None,
    };

    /// The value of a secret (checked when it is resolved, never printed).
    SecretValue / SecretValueKind = KindSpec {
        what: "a secret",
        first: "[A-Za-z0-9!%()*+./:?@^_{}|~-]",
        rest: "[A-Za-z0-9!$%()*+./:=?@^_{}|~-]",
        allowed: "letters, digits and `! $ % ( ) * + - . / : = ? @ ^ _ { } | ~`",
        min: 1,
        max: 128,
        example: "Xq7-vR2mT9pL4wZk",
        extra: None,
    };
}

fn check_context(value: &str) -> Result<(), Problem> {
    if value.eq_ignore_ascii_case("general") || value.eq_ignore_ascii_case("globals") {
        return Err(Problem::new(format!(
            "`{value}` is a reserved section of extensions.conf, not a context name"
        ))
        .with_hint("choose another name, e.g. `from-internal`"));
    }
    Ok(())
}

fn check_display_name(value: &str) -> Result<(), Problem> {
    if value.ends_with(' ') {
        return Err(Problem::new("a display name must not end with a space"));
    }
    Ok(())
}

fn check_plus_needs_digits(value: &str) -> Result<(), Problem> {
    if value == "+" {
        return Err(Problem::new("expected digits after `+`"));
    }
    Ok(())
}

fn check_dial_pattern(value: &str) -> Result<(), Problem> {
    let Some(pattern) = value.strip_prefix('_') else {
        if value
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '*' | '#'))
        {
            return Ok(());
        }
        return Err(Problem::new(format!(
            "`{value}` mixes pattern letters into a literal number"
        ))
        .with_hint(format!("patterns start with `_`: `_{value}`")));
    };
    if pattern.is_empty() {
        return Err(Problem::new("expected pattern characters after `_`"));
    }
    let mut open = false;
    for (i, c) in pattern.char_indices() {
        match c {
            '[' if open => return Err(Problem::new("`[` inside a `[…]` range")),
            '[' => open = true,
            ']' if !open => return Err(Problem::new("`]` without an opening `[`")),
            ']' => open = false,
            '.' | '!' if i + 1 != pattern.len() => {
                return Err(Problem::new(format!("`{c}` may only end a pattern"))
                    .with_hint("`.` matches one or more further characters, `!` zero or more"));
            }
            _ => {}
        }
    }
    if open {
        return Err(Problem::new("unclosed `[` range"));
    }
    Ok(())
}

fn check_hostname(value: &str) -> Result<(), Problem> {
    for label in value.split('.') {
        if label.is_empty() {
            return Err(Problem::new(format!(
                "`{value}` has an empty label (`..` or a trailing `.`)"
            )));
        }
        if label.len() > 63 {
            return Err(Problem::new(format!(
                "a host name label is at most 63 characters: `{label}`"
            )));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(Problem::new(format!(
                "a host name label must not start or end with `-`: `{label}`"
            )));
        }
    }
    Ok(())
}

fn check_url(value: &str) -> Result<(), Problem> {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .ok_or_else(|| {
            Problem::new(format!(
                "expected a URL starting with `https://`, found `{value}`"
            ))
        })?;
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (rest, None),
    };
    if host.contains('/') {
        return Err(
            Problem::new(format!("`{value}` has a path; give the base URL only"))
                .with_hint("put the path in `path:`"),
        );
    }
    check::<HostnameKind>(host)?;
    if let Some(port) = port {
        if port.parse::<u16>().map_or(true, |p| p == 0) {
            return Err(Problem::new(format!("`{port}` is not a port number")));
        }
    }
    Ok(())
}

fn check_email(value: &str) -> Result<(), Problem> {
    match value.split_once('@') {
        Some((local, domain))
            if !local.is_empty() && !domain.contains('@') && domain.contains('.') =>
        {
            check::<HostnameKind>(domain)
        }
        _ => Err(Problem::new(format!("`{value}` is not an e-mail address"))
            .with_hint("expected `name@example.net`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_accepts_its_example() {
        fn ok<K: TextKind>() {
            let spec = K::spec();
            assert_eq!(check::<K>(spec.example), Ok(()), "{}", spec.what);
        }
        ok::<NameKind>();
        ok::<ContextKind>();
        ok::<DisplayNameKind>();
        ok::<ExtensionNumberKind>();
        ok::<PhoneNumberKind>();
        ok::<DialPrefixKind>();
        ok::<DialPatternKind>();
        ok::<HostnameKind>();
        ok::<UsernameKind>();
        ok::<FilePathKind>();
        ok::<UrlKind>();
        ok::<UrlPathKind>();
        ok::<FieldNameKind>();
        ok::<HeaderNameKind>();
        ok::<EmailKind>();
        ok::<ResponseCheckKind>();
        ok::<SecretValueKind>();
        ok::<PinKind>();
    }

    #[test]
    fn char_classes_agree_with_their_regex() {
        for spec in [
            DisplayNameKind::spec(),
            SecretValueKind::spec(),
            DialPatternKind::spec(),
        ] {
            for class in [spec.first, spec.rest] {
                let compiled = CharClass::new(class);
                let regex = Regex::new(&format!("^{class}$")).unwrap();
                for c in ('\0'..='\u{2ff}').chain(['é', '€', '😀']) {
                    let expected = regex.is_match(c.encode_utf8(&mut [0u8; 4]));
                    assert_eq!(compiled.contains(c), expected, "{class} {c:?}");
                }
            }
        }
    }

    #[test]
    fn injection_characters_are_refused_with_their_reason() {
        let e = check::<ContextKind>("internal]\n[evil").unwrap_err();
        assert_eq!(e.message, "a context name must not contain `]`");
        assert!(e.hint.unwrap().contains("section header"));
        let e = check::<DisplayNameKind>("Bob\nallowguest=yes").unwrap_err();
        assert_eq!(e.message, "a display name must not contain a line break");
        let e = check::<DisplayNameKind>("Bob; x").unwrap_err();
        assert!(e.hint.unwrap().starts_with("`;` starts a comment"));
        let e = check::<DisplayNameKind>("#include x").unwrap_err();
        assert_eq!(e.message, "a display name must not start with `#`");
        let e = check::<DisplayNameKind>("A & B").unwrap_err();
        assert!(e.hint.unwrap().contains("markup"));
        let e = check::<SecretValueKind>("abc,def").unwrap_err();
        assert!(e.message.contains("`,`"));
        let e = check::<DisplayNameKind>("bell\u{7}").unwrap_err();
        assert!(e.message.contains("U+0007"));
    }

    #[test]
    fn structure_checks() {
        assert!(check::<ContextKind>("general").is_err());
        assert!(check::<HostnameKind>("a..b").is_err());
        assert!(check::<HostnameKind>("-a.b").is_err());
        assert!(check::<DialPatternKind>("_0[1-9XXX").is_err());
        assert!(check::<DialPatternKind>("_0.X").is_err());
        assert!(check::<DialPatternKind>("_00.").is_ok());
        assert!(check::<DialPatternKind>("0X").is_err());
        assert!(check::<UrlKind>("https://api.zadarma.com:8443").is_ok());
        assert!(check::<UrlKind>("ftp://x").is_err());
        assert!(check::<UrlKind>("https://api.zadarma.com/v1").is_err());
        assert!(check::<EmailKind>("a@b").is_err());
        assert!(check::<PhoneNumberKind>("+").is_err());
        assert!(check::<DisplayNameKind>("Trailing ").is_err());
        assert!(check::<DisplayNameKind>("Zoë's").is_err());
        assert!(check::<DisplayNameKind>("Zoë Kitchen").is_ok());
    }

    proptest::proptest! {
        /// Whatever a kind accepts can never break a configuration line or XML.
        #[test]
        fn accepted_values_cannot_inject(value in "\\PC{0,12}|[ -~\n\r\t]{0,12}") {
            fn injects(s: &str) -> bool {
                s.chars().any(|c| c.is_control() || matches!(c, ';' | '[' | ']' | ',' | '<' | '>' | '&' | '"' | '\\'))
                    || s.starts_with('#')
            }
            if check::<DisplayNameKind>(&value).is_ok()
                || check::<ContextKind>(&value).is_ok()
                || check::<SecretValueKind>(&value).is_ok()
                || check::<NameKind>(&value).is_ok()
                || check::<UsernameKind>(&value).is_ok()
            {
                proptest::prop_assert!(!injects(&value), "{value:?}");
            }
        }
    }

    #[test]
    fn length_limits() {
        let long = "a".repeat(80);
        let e = check::<ContextKind>(&long).unwrap_err();
        assert_eq!(
            e.message,
            "a context name must be 1 to 79 characters long, found 80"
        );
    }

    #[test]
    fn display_names_refuse_invisible_characters() {
        for (name, code) in [
            ("Alice\u{202E}evil", "U+202E"),
            ("Bob\u{200B}", "U+200B"),
            ("\u{2066}Carol", "U+2066"),
            ("Dave\u{FEFF}", "U+FEFF"),
            ("Eve\u{061C}x", "U+061C"),
        ] {
            let e = check::<DisplayNameKind>(name).unwrap_err();
            assert!(
                e.message
                    .contains(&format!("the invisible character {code}")),
                "{name:?}: {}",
                e.message
            );
            assert!(e.hint.unwrap().contains("bidirectional"));
        }
        // Letters of every script are still names.
        check::<DisplayNameKind>("Zoë Ångström 李雷 Мария").unwrap();
    }
}
