//! The `glob(3)` Asterisk uses for `#include` (GLOB_NOMAGIC | GLOB_BRACE): `{a,b}` braces are
//! expanded first, each alternative is globbed and sorted on its own, in brace order; `*`, `?`
//! and `[…]` never match `/` nor a leading `.`; a pattern without wildcards names itself.

use std::path::{Path, PathBuf};

/// Expand `{a,b}` braces (nested braces work; an unmatched `{` is literal).
pub fn expand_braces(pattern: &str) -> Vec<String> {
    let bytes = pattern.as_bytes();
    let mut depth = 0usize;
    let mut open = None;
    let mut commas = Vec::new();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'{' => {
                if depth == 0 {
                    open = Some(i);
                    commas.clear();
                }
                depth += 1;
            }
            b',' if depth == 1 => commas.push(i),
            b'}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    let Some(start) = open else { continue };
                    let (prefix, suffix) = (&pattern[..start], &pattern[i + 1..]);
                    let mut bounds = vec![start];
                    bounds.extend(&commas);
                    bounds.push(i);
                    let mut out = Vec::new();
                    for w in bounds.windows(2) {
                        let alt = &pattern[w[0] + 1..w[1]];
                        out.extend(expand_braces(&format!("{prefix}{alt}{suffix}")));
                    }
                    return out;
                }
            }
            _ => {}
        }
    }
    vec![pattern.to_string()]
}

/// Whether a pattern has glob wildcards.
pub fn has_magic(pattern: &str) -> bool {
    pattern.bytes().any(|b| matches!(b, b'*' | b'?' | b'['))
}

/// `fnmatch(3)` on one path component: `*`, `?`, `[set]` (`!`/`^` negate, ranges), `\` escapes.
/// A leading `.` in `name` must be matched by a literal `.`.
pub fn fnmatch(pattern: &[u8], name: &[u8]) -> bool {
    if name.first() == Some(&b'.') && pattern.first() != Some(&b'.') {
        return false;
    }
    let (mut p, mut n) = (0usize, 0usize);
    let mut backtrack: Option<(usize, usize)> = None;
    loop {
        if p < pattern.len() {
            match pattern[p] {
                b'*' => {
                    backtrack = Some((p, n));
                    p += 1;
                    continue;
                }
                b'?' if n < name.len() => {
                    p += 1;
                    n += 1;
                    continue;
                }
                b'[' if n < name.len() => {
                    if let Some((matched, next)) = match_set(pattern, p, name[n]) {
                        if matched {
                            p = next;
                            n += 1;
                            continue;
                        }
                    } else if name[n] == b'[' {
                        // An unterminated `[` is an ordinary character.
                        p += 1;
                        n += 1;
                        continue;
                    }
                }
                b'\\' if p + 1 < pattern.len() && n < name.len() && pattern[p + 1] == name[n] => {
                    p += 2;
                    n += 1;
                    continue;
                }
                c if c != b'?' && c != b'[' && c != b'\\' && n < name.len() && c == name[n] => {
                    p += 1;
                    n += 1;
                    continue;
                }
                _ => {}
            }
        } else if n == name.len() {
            return true;
        }
        // Mismatch: let the last `*` swallow one more character.
        match backtrack {
            Some((sp, sn)) if sn < name.len() => {
                backtrack = Some((sp, sn + 1));
                p = sp + 1;
                n = sn + 1;
            }
            _ => return false,
        }
    }
}

/// Match `c` against the set starting at `pattern[start] == '['`; returns (matched, index after
/// the set), or `None` when the set is not terminated.
fn match_set(pattern: &[u8], start: usize, c: u8) -> Option<(bool, usize)> {
    let mut i = start + 1;
    let negate = matches!(pattern.get(i), Some(b'!' | b'^'));
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    while i < pattern.len() {
        let b = pattern[i];
        if b == b']' && !first {
            return Some((matched != negate, i + 1));
        }
        first = false;
        if pattern.get(i + 1) == Some(&b'-') && pattern.get(i + 2).is_some_and(|&e| e != b']') {
            let (lo, hi) = (b, pattern[i + 2]);
            matched |= lo <= c && c <= hi;
            i += 3;
        } else {
            matched |= b == c;
            i += 1;
        }
    }
    None
}

/// The part of a pattern before its first component with a wildcard (the whole path when it
/// has none): what a glob of it starts from.
pub fn fixed_prefix(pattern: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for comp in pattern.components() {
        if has_magic(&comp.as_os_str().to_string_lossy()) {
            break;
        }
        out.push(comp);
    }
    out
}

/// Glob one brace-free pattern on disk. Results are sorted; a pattern without wildcards is
/// returned as is when the path exists. A directory is listed only when `may_list` says so (an
/// audit lists nothing outside the audited tree).
pub fn glob_disk(pattern: &Path, may_list: &mut dyn FnMut(&Path) -> bool) -> Vec<PathBuf> {
    let text = pattern.to_string_lossy();
    if !has_magic(&text) {
        return if pattern.exists() {
            vec![pattern.to_path_buf()]
        } else {
            Vec::new()
        };
    }
    let mut current: Vec<PathBuf> = vec![if pattern.is_absolute() {
        PathBuf::from("/")
    } else {
        PathBuf::new()
    }];
    for comp in pattern.components() {
        use std::path::Component;
        let part = match comp {
            Component::RootDir | Component::Prefix(_) => continue,
            Component::CurDir => ".".to_string(),
            Component::ParentDir => "..".to_string(),
            Component::Normal(s) => s.to_string_lossy().into_owned(),
        };
        let mut next = Vec::new();
        for base in &current {
            if !has_magic(&part) {
                let p = base.join(&part);
                if p.exists() {
                    next.push(p);
                }
                continue;
            }
            let dir = if base.as_os_str().is_empty() {
                Path::new(".")
            } else {
                base.as_path()
            };
            if !may_list(dir) {
                continue;
            }
            let Ok(entries) = std::fs::read_dir(dir) else {
                continue;
            };
            let mut names: Vec<String> = entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| fnmatch(part.as_bytes(), n.as_bytes()))
                .collect();
            names.sort();
            next.extend(names.into_iter().map(|n| base.join(n)));
        }
        current = next;
    }
    current.sort();
    current
}

/// Glob one brace-free pattern over in-memory names (`dir/file.conf`), component by component.
pub fn glob_names<'a>(pattern: &str, names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let pat: Vec<&str> = pattern.split('/').collect();
    let mut out: Vec<String> = names
        .filter(|name| {
            let parts: Vec<&str> = name.split('/').collect();
            parts.len() == pat.len()
                && pat.iter().zip(&parts).all(|(p, n)| {
                    if has_magic(p) {
                        fnmatch(p.as_bytes(), n.as_bytes())
                    } else {
                        p == n
                    }
                })
        })
        .map(str::to_string)
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `{a,b}` works (GLOB_BRACE); alternatives keep their order; nesting works.
    #[test]
    fn braces_expand_in_order() {
        assert_eq!(expand_braces("x{b,a}.conf"), ["xb.conf", "xa.conf"]);
        assert_eq!(expand_braces("{a,{b,c}}d"), ["ad", "bd", "cd"]);
        assert_eq!(expand_braces("no{brace"), ["no{brace"]);
        assert_eq!(expand_braces("plain"), ["plain"]);
    }

    #[test]
    fn fnmatch_wildcards_sets_and_hidden_files() {
        assert!(fnmatch(b"*.conf", b"sip.conf"));
        assert!(!fnmatch(b"*.conf", b".hidden.conf"));
        assert!(fnmatch(b".*.conf", b".hidden.conf"));
        assert!(fnmatch(b"s?p.conf", b"sip.conf"));
        assert!(fnmatch(b"[a-c]*", b"b1"));
        assert!(!fnmatch(b"[!a-c]*", b"b1"));
        assert!(fnmatch(b"a*b*c", b"aXXbYYc"));
        assert!(!fnmatch(b"a*b*c", b"aXXbYY"));
        assert!(fnmatch(b"\\*", b"*"));
        assert!(fnmatch(b"[", b"["));
    }

    #[test]
    fn names_glob_per_component_sorted() {
        let names = ["b.conf", "a.conf", "d/c.conf", "x.txt"];
        assert_eq!(
            glob_names("*.conf", names.iter().copied()),
            ["a.conf", "b.conf"]
        );
        assert_eq!(glob_names("*/*.conf", names.iter().copied()), ["d/c.conf"]);
    }
}
