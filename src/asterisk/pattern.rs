//! Asterisk extension pattern matching (`_X.`, `_NXXNXXXXXX`, `_9[2-9]!`), enough to tell which
//! extension of a context a `Goto(ctx,EXTEN,1)` lands on (the auditor), and which extensions and
//! feature codes an outbound route's pattern would catch (the profile).

/// Whether the extension `name` (as written in the dialplan) matches the dialled `exten`.
/// Literal names compare exactly; patterns follow pbx.c: `X` 0-9, `Z` 1-9, `N` 2-9, `[…]` sets
/// with ranges, `.` one or more of anything, `!` zero or more, `-` ignored.
pub fn matches(name: &str, exten: &str) -> bool {
    Matcher::new(name).matches(exten)
}

/// An extension name read once, to be matched against many dialled numbers (an outbound
/// route's pattern against every extension of a site): [`matches`] without reading the
/// pattern again, and a number of a length the pattern cannot match is refused at once.
pub struct Matcher<'a> {
    name: &'a str,
    /// The pattern's elements (`-` outside `[…]` dropped); `None` for a literal name.
    pattern: Option<Vec<char>>,
    /// How many characters a matching number has: at least the first, at most the second
    /// (`None`: no limit, after `.` or `!`).
    length: (usize, Option<usize>),
}

impl<'a> Matcher<'a> {
    pub fn new(name: &'a str) -> Matcher<'a> {
        let Some(pattern) = name.strip_prefix('_') else {
            let length = name.chars().count();
            return Matcher {
                name,
                pattern: None,
                length: (length, Some(length)),
            };
        };
        // `-` is ignored outside `[…]` (a readability separator), a range inside.
        let mut in_set = false;
        let pattern: Vec<char> = pattern
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
        let length = length_of(&pattern);
        Matcher {
            name,
            pattern: Some(pattern),
            length,
        }
    }

    /// Whether the dialled `exten` matches.
    pub fn matches(&self, exten: &str) -> bool {
        let Some(pattern) = &self.pattern else {
            return self.name == exten;
        };
        let length = if exten.is_ascii() {
            exten.len()
        } else {
            exten.chars().count()
        };
        let (min, max) = self.length;
        length >= min && max.is_none_or(|max| length <= max) && match_from(pattern, exten)
    }
}

/// The lengths of the numbers `pat` can match, element by element as [`match_from`] reads it.
fn length_of(mut pat: &[char]) -> (usize, Option<usize>) {
    let mut min = 0;
    while let Some((&p, rest)) = pat.split_first() {
        match p {
            '.' => return (min + 1, None),
            '!' => return (min, None),
            '[' => {
                let close = rest.iter().position(|&c| c == ']').unwrap_or(rest.len());
                pat = rest.get(close + 1..).unwrap_or(&[]);
            }
            _ => pat = rest,
        }
        min += 1;
    }
    (min, Some(min))
}

fn match_from(pat: &[char], ext: &str) -> bool {
    let Some((&p, rest)) = pat.split_first() else {
        return ext.is_empty();
    };
    let mut ext_chars = ext.chars();
    match p {
        // `.` and `!` end the useful pattern in Asterisk: whatever follows matches.
        '.' => !ext.is_empty(),
        '!' => true,
        '[' => {
            let close = rest.iter().position(|&c| c == ']').unwrap_or(rest.len());
            let set = &rest[..close];
            let after = rest.get(close + 1..).unwrap_or(&[]);
            match ext_chars.next() {
                Some(c) => in_set(set, c) && match_from(after, ext_chars.as_str()),
                None => false,
            }
        }
        _ => match ext_chars.next() {
            Some(c) => single(p, c) && match_from(rest, ext_chars.as_str()),
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
    use super::{Matcher, matches};

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
        assert!(matches("_[0-]X", "-1"));
        assert!(matches("_9[2-9", "92"));
        assert!(!matches("_9[2-9", "9-"));
    }

    #[test]
    fn numbers_of_a_length_the_pattern_cannot_match_are_refused() {
        let national = Matcher::new("_0[1-9]XXXXXXXXX");
        assert!(national.matches("01234567890"));
        assert!(!national.matches("0123456789"));
        assert!(!national.matches("012345678901"));
        assert!(!national.matches("100000"));
        assert!(Matcher::new("_00[1-9]X.").matches("0049301"));
        assert!(!Matcher::new("_00[1-9]X.").matches("0049"));
        assert!(Matcher::new("_1!").matches("1"));
        assert!(Matcher::new("_1!").matches("123"));
        assert!(Matcher::new("_X-X").matches("12"));
        assert!(!Matcher::new("_X-X").matches("1-2"));
        assert!(Matcher::new("_é[à]").matches("éà"));
        assert!(Matcher::new("100").matches("100"));
        assert!(!Matcher::new("100").matches("1000"));
    }
}
