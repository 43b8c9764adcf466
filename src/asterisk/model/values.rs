//! How Asterisk reads option values: booleans (`ast_true`/`ast_false`), lists, numbers.

use super::Located;
use crate::asterisk::shared_text::Text;
use crate::asterisk::syntax::{Section, Variable};

/// Asterisk's `ast_true`: yes, true, y, t, 1, on (case-insensitive, surrounding blanks ignored).
pub fn ast_true(s: &str) -> bool {
    let s = s.trim();
    ["yes", "true", "y", "t", "1", "on"]
        .iter()
        .any(|t| s.eq_ignore_ascii_case(t))
}

/// Asterisk's `ast_false`: no, false, n, f, 0, off.
pub fn ast_false(s: &str) -> bool {
    let s = s.trim();
    ["no", "false", "n", "f", "0", "off"]
        .iter()
        .any(|t| s.eq_ignore_ascii_case(t))
}

/// A boolean option as chan_sip/res_pjsip read it with `ast_true`: anything not true is false.
pub fn bool_option(section: &Section, name: &str, default: bool) -> Located<bool> {
    match section.get(name) {
        Some(v) => Located::at(ast_true(&v.value), v.pos),
        None => Located::default_value(default),
    }
}

/// A string option (last one wins), or `default` when absent.
pub fn string_option(section: &Section, name: &str, default: &str) -> Located<Text> {
    match section.get(name) {
        Some(v) => Located::at(v.value.clone(), v.pos),
        None => Located::default_value(Text::from(default)),
    }
}

/// A string option (last one wins) when set.
pub fn opt_string(section: &Section, name: &str) -> Option<Located<Text>> {
    section
        .get(name)
        .map(|v| Located::at(v.value.clone(), v.pos))
}

/// The first of several alias names that is set (last occurrence of it wins).
pub fn opt_string_any(section: &Section, names: &[&str]) -> Option<Located<Text>> {
    section
        .variables
        .iter()
        .rev()
        .find(|v| names.iter().any(|n| v.name.eq_ignore_ascii_case(n)))
        .map(|v| Located::at(v.value.clone(), v.pos))
}

/// A comma-separated list option: every occurrence contributes, items trimmed, empties dropped.
/// Each item keeps the position of the line it came from.
pub fn list_option(section: &Section, name: &str) -> Vec<Located<Text>> {
    section.all(name).flat_map(list_items).collect()
}

/// The comma-separated items of one variable, trimmed, empties dropped. A value that is one
/// item as it stands (the usual case) is shared, not copied.
pub fn list_items(v: &Variable) -> impl Iterator<Item = Located<Text>> + '_ {
    v.value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(move |s| {
            let item = if s.len() == v.value.len() {
                v.value.clone()
            } else {
                Text::from(s)
            };
            Located::at(item, v.value_pos)
        })
}
