//! How Asterisk splits `App(args)` and the arguments of an application.

/// Split `App(args)` the way pbx_config does: the name runs to the first `(`, the arguments
/// end at the **last** `)`. No `(` means no arguments. Returns (app, args, whether the `)` was
/// missing).
pub fn split_app(text: &str) -> (&str, &str, bool) {
    let Some(open) = text.find('(') else {
        return (text.trim(), "", false);
    };
    let app = &text[..open];
    // `exten => 100,hint,DAHDI/g0/${GLOBAL(x)}`: a `${`/`$[` before the `(` means there is no
    // application call at all.
    if has_substitution(app) {
        return (text.trim(), "", false);
    }
    let rest = &text[open + 1..];
    match rest.rfind(')') {
        Some(close) => (app.trim(), &rest[..close], false),
        None => (app.trim(), rest, true),
    }
}

/// Whether `s` holds `${` or `$[` (a variable or an expression, substituted before use).
pub fn has_substitution(s: &str) -> bool {
    let mut from = 0;
    while let Some(at) = find_dollar(s, from) {
        if matches!(s.as_bytes().get(at + 1), Some(b'{' | b'[')) {
            return true;
        }
        from = at + 1;
    }
    false
}

/// Where the next `${` in `s` starts, looking from byte `from`.
pub fn find_variable(s: &str, from: usize) -> Option<usize> {
    let mut from = from;
    while let Some(at) = find_dollar(s, from) {
        if s.as_bytes().get(at + 1) == Some(&b'{') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// The next `$` from byte `from`. Searched as a character: `str::contains("${")` builds a
/// substring searcher on every call, which costs more than the short texts it scans (a large
/// dialplan asks hundreds of thousands of times).
fn find_dollar(s: &str, from: usize) -> Option<usize> {
    s.get(from..)?.find('$').map(|at| from + at)
}

/// Split application arguments on `delim` as `ast_app_separate_args` does: not inside `()`,
/// `[]` or double quotes; and, because variables are substituted before the application sees
/// its data, not inside `${…}`/`$[…]` either. Quotes and backslashes are kept as written, so
/// every argument is a piece of `data`.
///
/// Scanned byte by byte: every character that matters is ASCII, and no byte of a multi-byte
/// UTF-8 character is (a large dialplan splits hundreds of thousands of arguments).
pub fn split_args_on(data: &str, delim: char) -> Vec<&str> {
    let delim = u8::try_from(delim)
        .ok()
        .filter(u8::is_ascii)
        .expect("an ASCII delimiter");
    let bytes = data.as_bytes();
    let mut out = Vec::new();
    let mut paren = 0u32;
    let mut bracket = 0u32;
    let mut brace = 0u32;
    let mut quote = false;
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            // The escaped character is part of the argument, whatever it is (the rest of a
            // multi-byte one is never a special byte).
            b'\\' => i += 1,
            b'"' => quote = !quote,
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                i += 1;
                brace += 1;
            }
            b'}' if brace > 0 => brace -= 1,
            b'(' => paren += 1,
            b')' => paren = paren.saturating_sub(1),
            b'[' => bracket += 1,
            b']' => bracket = bracket.saturating_sub(1),
            c if c == delim && paren == 0 && bracket == 0 && brace == 0 && !quote => {
                out.push(&data[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(&data[start..]);
    out
}

/// [`split_args_on`] with `,`; empty data gives no arguments.
pub fn split_args(data: &str) -> Vec<&str> {
    if data.is_empty() {
        Vec::new()
    } else {
        split_args_on(data, ',')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "App is split at the first `(`, args end at the last `)`" (spec: extensions.conf).
    #[test]
    fn app_splits_at_first_open_and_last_close() {
        assert_eq!(
            split_app("Dial(SIP/${EXTEN}@t,30,tT(x))"),
            ("Dial", "SIP/${EXTEN}@t,30,tT(x)", false)
        );
        assert_eq!(split_app("Answer"), ("Answer", "", false));
        assert_eq!(split_app("NoOp(a) trailing"), ("NoOp", "a", false));
        assert_eq!(split_app("Set(x=1"), ("Set", "x=1", true));
        assert_eq!(
            split_app("DAHDI/g0/${GLOBAL(x)}"),
            ("DAHDI/g0/${GLOBAL(x)}", "", false)
        );
    }

    #[test]
    fn substitutions_are_found_through_the_dollars() {
        assert!(has_substitution("a$$${X}"));
        assert!(has_substitution("$[1+1]"));
        assert!(!has_substitution("a$b$"));
        assert!(!has_substitution("é$"));
        assert_eq!(find_variable("$a${X}${Y}", 0), Some(2));
        assert_eq!(find_variable("$a${X}${Y}", 3), Some(6));
        assert_eq!(find_variable("$a${X}", 7), None);
        assert_eq!(find_variable("é${X}", 0), Some(2));
    }

    /// Arguments split on `,` outside `()`, `[]`, quotes and `${}`.
    #[test]
    fn args_respect_nesting() {
        assert_eq!(
            split_args("a,b(c,d),\"e,f\",$[1,2],${CUT(x,-,1)},g"),
            ["a", "b(c,d)", "\"e,f\"", "$[1,2]", "${CUT(x,-,1)}", "g"]
        );
        assert_eq!(split_args(""), Vec::<&str>::new());
        assert_eq!(split_args("a,,b"), ["a", "", "b"]);
        assert_eq!(split_args("a\\,b,c"), ["a\\,b", "c"]);
    }
}
