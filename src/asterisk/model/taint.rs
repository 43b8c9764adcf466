//! Which dialplan expressions carry data the caller controls, and whether it is restricted to
//! digits.
//!
//! Sources: `${EXTEN}` (and substrings) in a pattern extension, `${CALLERID(…)}` and the old
//! `${CALLERIDNUM}`/`${CALLERIDNAME}`, `${DNID}`, `${RDNIS}`, SIP/PJSIP headers, message bodies,
//! `${ARGn}` of a subroutine called with such data, and variables `Set()` from any of them.
//! `${FILTER(0-9,…)}`, a strict pattern (`_NXXNXXXXXX`) and `Read()` (DTMF) give digits only.
//!
//! This module is the one place that decides what is caller-controlled. Two text heuristics are
//! still here, next to the lattice, for the auditor ([`mentions_caller_data_besides_exten`],
//! [`mentions_caller_data`]): replacing them by the lattice would change findings, so they stay
//! as they are until that switch is made deliberately (TODO(issue 13)).

use super::dialplan::PatternClass;

/// What an expression carries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Taint {
    /// Some of it comes from the caller.
    pub controlled: bool,
    /// Some caller-controlled part may hold more than digits.
    pub unfiltered: bool,
}

impl Taint {
    pub const CLEAN: Taint = Taint {
        controlled: false,
        unfiltered: false,
    };
    pub const DIGITS: Taint = Taint {
        controlled: true,
        unfiltered: false,
    };
    pub const ANY: Taint = Taint {
        controlled: true,
        unfiltered: true,
    };

    pub fn join(self, other: Taint) -> Taint {
        Taint {
            controlled: self.controlled || other.controlled,
            unfiltered: self.unfiltered || other.unfiltered,
        }
    }

    /// Restricted to digits (what FILTER does to it).
    pub fn filtered(self) -> Taint {
        Taint {
            controlled: self.controlled,
            unfiltered: false,
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
                PatternClass::Strict => Taint::DIGITS,
                PatternClass::Wide => Taint::ANY,
            },
            "CALLERIDNUM" | "CALLERIDNAME" | "CALLERID" | "DNID" | "RDNIS" | "MACRO_EXTEN"
            | "SIPURI" | "SIPDOMAIN" => Taint::ANY,
            k => {
                if let Some(n) = k.strip_prefix("ARG").and_then(|n| n.parse::<usize>().ok()) {
                    return n
                        .checked_sub(1)
                        .and_then(|i| self.args.get(i))
                        .copied()
                        .unwrap_or_default();
                }
                self.local
                    .get(k)
                    .or_else(|| self.global.get(k))
                    .copied()
                    .unwrap_or_default()
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
                    self.expr(inner)
                });
                i = end + 1;
            } else {
                i += 1;
            }
        }
        taint
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
            "CALLERID" | "CONNECTEDLINE" | "REDIRECTING" | "SIP_HEADER" | "PJSIP_HEADER"
            | "MESSAGE" | "MESSAGE_DATA" => Taint::ANY,
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

// ---------------------------------------------------------------------------------------------
// Text heuristics. TODO(issue 13): decide these with the lattice above (the taint of the
// expression with `${EXTEN}` taken as clean; the sink's own taint) once the change in findings
// is reviewed. Until then they must keep their exact behaviour.

/// Whether a dial string mentions caller data other than `${EXTEN}`: CALLERID, headers, URIs,
/// subroutine arguments, SMS and message bodies (a case-insensitive text search). Reachability
/// uses it to decide whether landing on a literal extension fixes the dialled number.
pub fn mentions_caller_data_besides_exten(expr: &str) -> bool {
    let expr = expr.to_ascii_uppercase();
    ["CALLERID", "HEADER", "URI", "ARG", "${SMS", "MESSAGE"]
        .iter()
        .any(|k| expr.contains(k))
}

/// Dialplan expressions whose value the caller chooses, as written (case-sensitive).
const CALLER_DATA: &[&str] = &[
    "${EXTEN",
    "CALLERID(",
    "HEADER(",
    "MESSAGE(",
    "${CALLERIDNUM",
    "${CALLERIDNAME",
];

/// Whether `text` names an expression whose value the caller chooses (PBX408 asks it of the
/// script or URL an `AGI` runs).
pub fn mentions_caller_data(text: &str) -> bool {
    CALLER_DATA.iter().any(|m| text.contains(m))
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
        }
    }

    #[test]
    fn exten_taint_follows_the_pattern() {
        let v = Vars::default();
        assert_eq!(
            scope(PatternClass::Wide, &v, &[]).expr("SIP/${EXTEN}@t"),
            Taint::ANY
        );
        assert_eq!(
            scope(PatternClass::Wide, &v, &[]).expr("SIP/${EXTEN:1}@t"),
            Taint::ANY
        );
        assert_eq!(
            scope(PatternClass::Strict, &v, &[]).expr("SIP/${EXTEN}@t"),
            Taint::DIGITS
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
        assert_eq!(s.expr("${FILTER(0-9,${EXTEN})}"), Taint::DIGITS);
        assert_eq!(s.expr("${FILTER(0-9a-z,${EXTEN})}"), Taint::ANY);
        assert_eq!(s.expr("${CALLERID(num)}"), Taint::ANY);
        assert_eq!(s.expr("${CUT(EXTEN,-,1)}"), Taint::ANY);
        assert_eq!(s.expr("$[${EXTEN} + 1]"), Taint::ANY);
    }

    #[test]
    fn variables_and_args() {
        let mut v = Vars::default();
        v.insert(var_key("__NUM"), Taint::ANY);
        let args = [Taint::CLEAN, Taint::DIGITS];
        let s = scope(PatternClass::Literal, &v, &args);
        assert_eq!(s.expr("${num}"), Taint::ANY);
        assert_eq!(s.expr("${ARG1}"), Taint::CLEAN);
        assert_eq!(s.expr("${ARG2}"), Taint::DIGITS);
        assert_eq!(s.expr("${ARG3}"), Taint::CLEAN);
    }
}
