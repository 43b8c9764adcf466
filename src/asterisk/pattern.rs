//! Asterisk extension pattern matching (`_X.`, `_NXXNXXXXXX`, `_9[2-9]!`), enough to tell which
//! extension of a context a `Goto(ctx,EXTEN,1)` lands on (the auditor), and which extensions and
//! feature codes an outbound route's pattern would catch (the profile).

/// Whether the extension `name` (as written in the dialplan) matches the dialled `exten`.
/// Literal names compare exactly; patterns follow pbx.c: `X` 0-9, `Z` 1-9, `N` 2-9, `[…]` sets
/// with ranges, `.` one or more of anything, `!` zero or more, `-` ignored.
pub fn matches(name: &str, exten: &str) -> bool {
    match name.strip_prefix('_') {
        None => name == exten,
        Some(pattern) => {
            // `-` is ignored outside `[…]` (a readability separator), a range inside.
            let mut in_set = false;
            let pat: Vec<char> = pattern
                .chars()
                .filter(|&c| {
                    match c {
                        '[' => in_set = true,
                        ']' => in_set = false,
                        _ => {}
                    }
                    c != '-' || in_set
                })
                .collect();
            let ext: Vec<char> = exten.chars().collect();
            match_from(&pat, &ext)
        }
    }
}

fn match_from(pat: &[char], ext: &[char]) -> bool {
    let Some((&p, rest)) = pat.split_first() else {
        return ext.is_empty();
    };
    match p {
        // `.` and `!` end the useful pattern in Asterisk: whatever follows matches.
        '.' => !ext.is_empty(),
        '!' => true,
        '[' => {
            let close = rest.iter().position(|&c| c == ']').unwrap_or(rest.len());
            let set = &rest[..close];
            let after = rest.get(close + 1..).unwrap_or(&[]);
            match ext.split_first() {
                Some((&c, ext_rest)) => in_set(set, c) && match_from(after, ext_rest),
                None => false,
            }
        }
        _ => match ext.split_first() {
            Some((&c, ext_rest)) => single(p, c) && match_from(rest, ext_rest),
            None => false,
        },
    }
}

fn single(p: char, c: char) -> bool {
    match p.to_ascii_uppercase() {
        'X' => c.is_ascii_digit(),
        'Z' => matches!(c, '1'..='9'),
        'N' => matches!(c, '2'..='9'),
        _ => p.eq_ignore_ascii_case(&c),
    }
}

fn in_set(set: &[char], c: char) -> bool {
    let mut i = 0;
    while i < set.len() {
        if i + 2 < set.len() && set[i + 1] == '-' {
            if set[i] <= c && c <= set[i + 2] {
                return true;
            }
            i += 3;
        } else {
            if set[i] == c {
                return true;
            }
            i += 1;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn patterns_match_like_asterisk() {
        assert!(matches("100", "100"));
        assert!(!matches("100", "1000"));
        assert!(matches("_X.", "0044123"));
        assert!(!matches("_X.", "1"));
        assert!(matches("_X!", "1"));
        assert!(matches("_NXXNXXXXXX", "2125551234"));
        assert!(!matches("_NXXNXXXXXX", "1125551234"));
        assert!(matches("_9[2-9]XX", "9345"));
        assert!(!matches("_9[2-9]XX", "9145"));
        assert!(matches("_.", "s"));
        assert!(matches("_0-X.", "012"));
    }
}
