//! Which dialplan expressions carry data the caller controls, where it comes from, and whether
//! it is restricted to digits.
//!
//! Sources: `${EXTEN}` (and substrings) in a pattern extension, `${CALLERID(…)}` and the old
//! `${CALLERIDNUM}`/`${CALLERIDNAME}`, `${DNID}`, `${RDNIS}`, SIP/PJSIP headers, message bodies,
//! digits read with `Read()`, `${ARGn}` of a subroutine (`Gosub`, `GosubIf`, `Macro`, Dial's
//! `U()`/`M()`/`b()`) called with such data, `${GOSUB_RETVAL}` of one returning it, and
//! variables `Set()` (or `LOCAL()`) from any of them. `${FILTER(0-9,…)}`, a strict pattern
//! (`_NXXNXXXXXX`) and `Read()` (DTMF) give digits only.
//!
//! This module is the one place that decides what is caller-controlled: the model records the
//! taint of every dial string and sink, and the auditor (reachability, PBX402/403/408) reads
//! only that.

use super::dialplan::PatternClass;
use serde::{Serialize, Serializer};

/// Where caller-controlled data comes from (a set).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Sources(u8);

impl Sources {
    pub const NONE: Sources = Sources(0);
    /// `${EXTEN}` of the extension being run (directly, or through a variable set in it).
    pub const EXTEN: Sources = Sources(1);
    /// `${EXTEN}` of another extension (a global set from it, `${MACRO_EXTEN}`).
    pub const OTHER_EXTEN: Sources = Sources(2);
    /// A subroutine argument (`${ARGn}`) its callers fill with caller data.
    pub const ARGS: Sources = Sources(4);
    /// Caller ID, connected line, redirecting, DNID/RDNIS.
    pub const CALLER_ID: Sources = Sources(8);
    /// SIP headers and URIs.
    pub const HEADERS: Sources = Sources(16);
    /// Message (SMS/MESSAGE) data.
    pub const MESSAGE: Sources = Sources(32);
    /// Digits the caller types (`Read()`).
    pub const DTMF: Sources = Sources(64);

    const NAMES: [(Sources, &'static str); 7] = [
        (Sources::EXTEN, "exten"),
        (Sources::OTHER_EXTEN, "exten_elsewhere"),
        (Sources::ARGS, "arguments"),
        (Sources::CALLER_ID, "caller_id"),
        (Sources::HEADERS, "headers"),
        (Sources::MESSAGE, "message"),
        (Sources::DTMF, "dtmf"),
    ];

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn contains(self, other: Sources) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }

    pub fn union(self, other: Sources) -> Sources {
        Sources(self.0 | other.0)
    }

    /// Only `${EXTEN}` of the extension being run: landing on a literal extension fixes it.
    pub fn exten_only(self) -> bool {
        self == Sources::EXTEN
    }

    /// Seen from another extension: this extension's `${EXTEN}` becomes "another
    /// extension's" (what globals and subroutine arguments carry).
    pub fn elsewhere(self) -> Sources {
        if self.contains(Sources::EXTEN) {
            Sources((self.0 & !Sources::EXTEN.0) | Sources::OTHER_EXTEN.0)
        } else {
            self
        }
    }

    /// The sources in words, for messages: "`${EXTEN}`, caller ID".
    pub fn describe(self) -> String {
        let words: Vec<&str> = Sources::NAMES
            .iter()
            .filter(|(s, _)| self.contains(*s))
            .map(|(s, _)| match *s {
                Sources::EXTEN => "`${EXTEN}`",
                Sources::OTHER_EXTEN => "`${EXTEN}` of another extension",
                Sources::ARGS => "subroutine arguments (`${ARGn}`)",
                Sources::CALLER_ID => "the caller ID",
                Sources::HEADERS => "SIP headers",
                Sources::MESSAGE => "message data",
                _ => "digits the caller types",
            })
            .collect();
        words.join(", ")
    }
}

impl Serialize for Sources {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let names: Vec<&str> = Sources::NAMES
            .iter()
            .filter(|(x, _)| self.contains(*x))
            .map(|(_, n)| *n)
            .collect();
        names.serialize(s)
    }
}

/// What an expression carries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Taint {
    /// Some of it comes from the caller.
    pub controlled: bool,
    /// Some caller-controlled part may hold more than digits.
    pub unfiltered: bool,
    /// Where the caller-controlled parts come from.
    pub sources: Sources,
}

impl Taint {
    pub const CLEAN: Taint = Taint {
        controlled: false,
        unfiltered: false,
        sources: Sources::NONE,
    };

    /// Caller data from `source`, any characters.
    pub const fn any(source: Sources) -> Taint {
        Taint {
            controlled: true,
            unfiltered: true,
            sources: source,
        }
    }

    /// Caller data from `source`, digits only.
    pub const fn digits(source: Sources) -> Taint {
        Taint {
            controlled: true,
            unfiltered: false,
            sources: source,
        }
    }

    pub fn join(self, other: Taint) -> Taint {
        Taint {
            controlled: self.controlled || other.controlled,
            unfiltered: self.unfiltered || other.unfiltered,
            sources: self.sources.union(other.sources),
        }
    }

    /// Restricted to digits (what FILTER does to it).
    pub fn filtered(self) -> Taint {
        Taint {
            unfiltered: false,
            ..self
        }
    }

    /// The taint as another extension sees it (a global, a subroutine argument).
    pub fn elsewhere(self) -> Taint {
        Taint {
            sources: self.sources.elsewhere(),
            ..self
        }
    }
}

/// Variables known in a scope: name (upper-cased, inheritance `_` stripped) → taint.
pub type Vars = crate::asterisk::fast_hash::FastMap<String, Taint>;

/// Normalise a variable name: `__FOO` and `_foo` both name `FOO`.
pub fn var_key(name: &str) -> String {
    name.trim().trim_start_matches('_').to_ascii_uppercase()
}

/// Everything an expression's taint depends on.
pub struct Scope<'a> {
    pub exten_class: PatternClass,
    pub local: &'a Vars,
    pub global: &'a Vars,
    /// Taint of `${ARGn}` (index n-1) in this context.
    pub args: &'a [Taint],
    /// Where the lookups in `global` and `args` are noted.
    pub reads: &'a Reads,
}

/// What a walk of the dialplan looked up in what earlier walks learned (the variables set
/// anywhere, the subroutine arguments): a later walk given more learned values reads something
/// different only if one of these changed.
#[derive(Default)]
pub struct Reads {
    /// Keys looked up in [`Scope::global`].
    globals: std::cell::RefCell<crate::asterisk::fast_hash::FastSet<String>>,
    /// `${ARGn}` was read since [`Reads::took_args`] last asked.
    args: std::cell::Cell<bool>,
}

impl Reads {
    fn global(&self, key: &str) {
        let mut globals = self.globals.borrow_mut();
        if !globals.contains(key) {
            globals.insert(key.to_string());
        }
    }

    /// Whether `key` was looked up in the globals.
    pub fn read_global(&self, key: &str) -> bool {
        self.globals.borrow().contains(key)
    }

    /// Whether `${ARGn}` was read since the last call (then, by the context just walked).
    pub fn took_args(&self) -> bool {
        self.args.replace(false)
    }
}

impl Scope<'_> {
    fn variable(&self, name: &str) -> Taint {
        // Upper-case into a stack buffer: lookups happen for every `${…}` of every priority.
        let mut buf = [0u8; 64];
        let trimmed = name.trim().trim_start_matches('_');
        let owned;
        let key: &str = if trimmed.len() <= buf.len() {
            buf[..trimmed.len()].copy_from_slice(trimmed.as_bytes());
            buf[..trimmed.len()].make_ascii_uppercase();
            std::str::from_utf8(&buf[..trimmed.len()]).unwrap_or("")
        } else {
            owned = var_key(name);
            &owned
        };
        match key {
            "EXTEN" => match self.exten_class {
                PatternClass::Literal => Taint::CLEAN,
                PatternClass::Strict => Taint::digits(Sources::EXTEN),
                PatternClass::Wide => Taint::any(Sources::EXTEN),
            },
            "CALLERIDNUM" | "CALLERIDNAME" | "CALLERID" | "DNID" | "RDNIS" => {
                Taint::any(Sources::CALLER_ID)
            }
            "MACRO_EXTEN" => Taint::any(Sources::OTHER_EXTEN),
            "SIPURI" | "SIPDOMAIN" => Taint::any(Sources::HEADERS),
            k => {
                // `Set(LOCAL(ARG1)=…)` overwrites an argument in its frame.
                if let Some(&t) = self.local.get(k) {
                    return t;
                }
                if let Some(n) = k.strip_prefix("ARG").and_then(|n| n.parse::<usize>().ok()) {
                    self.reads.args.set(true);
                    let t = n
                        .checked_sub(1)
                        .and_then(|i| self.args.get(i))
                        .copied()
                        .unwrap_or_default();
                    return if t.controlled {
                        Taint {
                            sources: t.sources.union(Sources::ARGS),
                            ..t
                        }
                    } else {
                        t
                    };
                }
                self.reads.global(k);
                self.global.get(k).copied().unwrap_or_default()
            }
        }
    }

    /// The taint of a whole expression (text with `${…}` and `$[…]` in it).
    pub fn expr(&self, text: &str) -> Taint {
        let mut taint = Taint::CLEAN;
        let bytes = text.as_bytes();
        let mut i = 0;
        while i + 1 < bytes.len() {
            if bytes[i] == b'$' && (bytes[i + 1] == b'{' || bytes[i + 1] == b'[') {
                let (open, close) = if bytes[i + 1] == b'{' {
                    (b'{', b'}')
                } else {
                    (b'[', b']')
                };
                let end = matching(bytes, i + 1, open, close);
                let inner = &text[i + 2..end.min(text.len())];
                taint = taint.join(if open == b'{' {
                    self.reference(inner)
                } else {
                    self.arithmetic(inner)
                });
                i = end + 1;
            } else {
                i += 1;
            }
        }
        taint
    }

    /// The taint of `$[inner]`. The regex operators (`x : "re"`, `x =~ "re"`; POSIX extended,
    /// ast_expr2's `op_colon`/`op_eqtilde`) return the text of the first group, or the number of
    /// characters matched when there is none: a group made only of digit sets (`([*0-9]*)`), or
    /// no group at all, leaves digits only.
    fn arithmetic(&self, inner: &str) -> Taint {
        if let Some((lhs, regex)) = regex_operands(inner) {
            let t = self.expr(lhs);
            return if regex_yields_digits(regex) {
                t.filtered()
            } else {
                t
            };
        }
        self.expr(inner)
    }

    /// The taint of `${inner}`.
    fn reference(&self, inner: &str) -> Taint {
        let ident_end = inner
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(inner.len());
        let name = &inner[..ident_end];
        if name.is_empty() {
            // `${${X}}` and the like: whatever the inner expression carries.
            return self.expr(inner);
        }
        if inner[ident_end..].starts_with('(') {
            let args_end = matching(inner.as_bytes(), ident_end, b'(', b')');
            let args = &inner[ident_end + 1..args_end.min(inner.len())];
            return self.function(name, args);
        }
        // `${VAR:offset:length}` is a substring of VAR; offsets may hold expressions too.
        self.variable(name).join(self.expr(&inner[ident_end..]))
    }

    fn function(&self, name: &str, args: &str) -> Taint {
        let upper = name.to_ascii_uppercase();
        match upper.as_str() {
            "FILTER" => {
                let (allowed, value) = args.split_once(',').unwrap_or((args, ""));
                let t = self.expr(value);
                if is_digit_charset(allowed) {
                    t.filtered()
                } else {
                    t
                }
            }
            "CALLERID" | "CONNECTEDLINE" | "REDIRECTING" => Taint::any(Sources::CALLER_ID),
            "SIP_HEADER" | "PJSIP_HEADER" => Taint::any(Sources::HEADERS),
            "MESSAGE" | "MESSAGE_DATA" => Taint::any(Sources::MESSAGE),
            // `LOCAL(x)` reads the frame-local `x`; `LOCAL_PEEK(n,x)` an outer frame's.
            "LOCAL" => self.variable(args.trim()),
            "LOCAL_PEEK" => {
                let name = args.split_once(',').map_or("", |(_, v)| v);
                self.variable(name.trim())
            }
            // Functions whose first argument is a variable *name*.
            "CUT" | "FIELDQTY" | "FIELDNUM" | "SHIFT" | "POP" | "LEN" | "LISTFILTER" => {
                let first = args.split(',').next().unwrap_or("");
                let by_name = if is_identifier(first) {
                    self.variable(first)
                } else {
                    Taint::CLEAN
                };
                by_name.join(self.expr(args))
            }
            _ => self.expr(args),
        }
    }
}

/// `lhs : "regex"` or `lhs =~ "regex"` as the whole of a `$[…]` (the operator outside `${…}`,
/// `$[…]` and quotes; `::` is the ternary's, not a match).
fn regex_operands(inner: &str) -> Option<(&str, &str)> {
    let bytes = inner.as_bytes();
    let (mut depth, mut quote) = (0i32, false);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => quote = !quote,
            b'{' | b'[' | b'(' if !quote => depth += 1,
            b'}' | b']' | b')' if !quote => depth -= 1,
            b':' if !quote && depth == 0 => {
                if bytes.get(i + 1) == Some(&b':') || (i > 0 && bytes[i - 1] == b':') {
                    return None;
                }
                return quoted(&inner[i + 1..]).map(|re| (&inner[..i], re));
            }
            b'=' if !quote && depth == 0 && bytes.get(i + 1) == Some(&b'~') => {
                return quoted(&inner[i + 2..]).map(|re| (&inner[..i], re));
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The text of `"…"` (surrounding blanks allowed), when that is all there is.
fn quoted(s: &str) -> Option<&str> {
    let s = s.trim();
    s.strip_prefix('"')?.strip_suffix('"')
}

/// Whether a regex used with `:`/`=~` can only return digits: no group (a count), or a first
/// group made of digit sets and quantifiers.
fn regex_yields_digits(regex: &str) -> bool {
    if regex.contains("${") || regex.contains("$[") {
        return false;
    }
    let Some(open) = regex.find('(') else {
        return true;
    };
    let rest = &regex[open + 1..];
    let Some(close) = rest.find(')') else {
        return false;
    };
    let group = &rest[..close];
    let mut chars = group.chars();
    let mut any = false;
    while let Some(c) = chars.next() {
        match c {
            '[' => {
                for c in chars.by_ref() {
                    match c {
                        ']' => break,
                        '0'..='9' | '-' | '*' | '#' | '+' => {}
                        _ => return false,
                    }
                }
                any = true;
            }
            '0'..='9' => any = true,
            '*' | '+' | '?' | '{' | '}' | ',' => {}
            '\\' => match chars.next() {
                Some('d') => any = true,
                _ => return false,
            },
            _ => return false,
        }
    }
    any
}

/// The index of the `close` that matches the `open` at `start` (or the end of `bytes`).
pub fn matching(bytes: &[u8], start: usize, open: u8, close: u8) -> usize {
    let mut depth = 0usize;
    for (i, &b) in bytes.iter().enumerate().skip(start) {
        if b == open {
            depth += 1;
        } else if b == close {
            depth -= 1;
            if depth == 0 {
                return i;
            }
        }
    }
    bytes.len()
}

fn is_identifier(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A FILTER character set that lets only digits and dial-safe symbols through (`0-9`,
/// `0123456789+*#`).
pub fn is_digit_charset(set: &str) -> bool {
    let set = set.trim();
    !set.is_empty()
        && set
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '*' | '#'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope<'a>(class: PatternClass, local: &'a Vars, args: &'a [Taint]) -> Scope<'a> {
        static EMPTY: std::sync::OnceLock<Vars> = std::sync::OnceLock::new();
        Scope {
            exten_class: class,
            local,
            global: EMPTY.get_or_init(Vars::default),
            args,
            reads: Box::leak(Box::default()),
        }
    }

    #[test]
    fn exten_taint_follows_the_pattern() {
        let v = Vars::default();
        assert_eq!(
            scope(PatternClass::Wide, &v, &[]).expr("SIP/${EXTEN}@t"),
            Taint::any(Sources::EXTEN)
        );
        assert_eq!(
            scope(PatternClass::Wide, &v, &[]).expr("SIP/${EXTEN:1}@t"),
            Taint::any(Sources::EXTEN)
        );
        assert_eq!(
            scope(PatternClass::Strict, &v, &[]).expr("SIP/${EXTEN}@t"),
            Taint::digits(Sources::EXTEN)
        );
        assert_eq!(
            scope(PatternClass::Literal, &v, &[]).expr("SIP/${EXTEN}@t"),
            Taint::CLEAN
        );
        assert_eq!(
            scope(PatternClass::Literal, &v, &[]).expr("SIP/100@t"),
            Taint::CLEAN
        );
    }

    #[test]
    fn filter_and_callerid() {
        let v = Vars::default();
        let s = scope(PatternClass::Wide, &v, &[]);
        assert_eq!(
            s.expr("${FILTER(0-9,${EXTEN})}"),
            Taint::digits(Sources::EXTEN)
        );
        assert_eq!(
            s.expr("${FILTER(0-9a-z,${EXTEN})}"),
            Taint::any(Sources::EXTEN)
        );
        assert_eq!(s.expr("${CALLERID(num)}"), Taint::any(Sources::CALLER_ID));
        assert_eq!(s.expr("${CUT(EXTEN,-,1)}"), Taint::any(Sources::EXTEN));
        assert_eq!(s.expr("$[${EXTEN} + 1]"), Taint::any(Sources::EXTEN));
        // The regex operators return the first group (or a count).
        assert_eq!(
            s.expr(r#"$["${EXTEN}":"([*0-9]*)"]"#),
            Taint::digits(Sources::EXTEN)
        );
        assert_eq!(
            s.expr(r#"$[${EXTEN} =~ "^9"]"#),
            Taint::digits(Sources::EXTEN)
        );
        assert_eq!(
            s.expr(r#"$["${EXTEN}":"9(.*)"]"#),
            Taint::any(Sources::EXTEN)
        );
        assert_eq!(
            s.expr("$[${EXTEN:1} > 5 ? 1 :: 2]"),
            Taint::any(Sources::EXTEN)
        );
        assert!(!s.expr("${EXTEN}${CALLERID(num)}").sources.exten_only());
        assert!(s.expr("${EXTEN:1}").sources.exten_only());
    }

    #[test]
    fn variables_and_args() {
        let mut v = Vars::default();
        v.insert(var_key("__NUM"), Taint::any(Sources::CALLER_ID));
        let wide = Taint::any(Sources::EXTEN).elsewhere();
        let args = [Taint::CLEAN, Taint::digits(Sources::DTMF), wide];
        let s = scope(PatternClass::Literal, &v, &args);
        assert_eq!(s.expr("${num}"), Taint::any(Sources::CALLER_ID));
        assert_eq!(s.expr("${LOCAL(num)}"), Taint::any(Sources::CALLER_ID));
        assert_eq!(s.expr("${ARG1}"), Taint::CLEAN);
        let arg2 = s.expr("${ARG2}");
        assert!(arg2.controlled && !arg2.unfiltered && arg2.sources.contains(Sources::ARGS));
        // `${ARG3:1}` is a substring of an argument filled with another extension's EXTEN.
        let arg3 = s.expr("SIP/gw/${ARG3:1}");
        assert!(arg3.unfiltered && !arg3.sources.exten_only());
        assert!(arg3.sources.contains(Sources::OTHER_EXTEN));
        assert_eq!(s.expr("${ARG4}"), Taint::CLEAN);
    }
}
