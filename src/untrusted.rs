//! Text pbxgen did not write — config lines, section and option names, file names, profile
//! values quoted in errors — made safe to print on a terminal.
//!
//! A hostile config can carry escape sequences (erase line, cursor up, conceal, OSC 52
//! clipboard writes), bidi overrides that reorder what the reviewer reads, or invisible
//! characters that make two names look equal. Printed raw, they can hide a finding from the
//! person reading the report even with `--color never`. [`for_terminal`] is the one place that
//! decides what is shown escaped; every human-facing output (the text and GitHub report
//! formats, error messages, `-v` listings) passes untrusted text through it. Machine formats
//! (JSON, SARIF) keep the exact text: their encoders escape what their syntax needs.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` with every character that could control a terminal or hide text shown as an escape:
/// C0 controls (but tab) and DEL as `\x1b`, C1 controls, bidi controls, zero-width and other
/// invisible format characters as `\u{202e}`. Everything else, backslashes included, is kept as
/// it is: the aim is that nothing is hidden, not that the text can be decoded back.
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    // Most text is printable ASCII: no copy.
    if text
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) || b == b'\t')
        || !text.chars().any(hidden)
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if !hidden(c) {
            out.push(c);
        } else if c.is_ascii() {
            let _ = write!(out, "\\x{:02x}", c as u32);
        } else {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
    Cow::Owned(out)
}

/// Whether `c` must be shown escaped.
fn hidden(c: char) -> bool {
    match c {
        // A tab only moves the cursor forward: it cannot overwrite or hide text, and config
        // lines are full of them.
        '\t' => false,
        // C0, DEL and C1 (U+0080–U+009F: U+009B is CSI on terminals that read 8-bit controls).
        c if c.is_control() => true,
        // Bidi controls: marks, embeddings, overrides, isolates.
        '\u{061C}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}' => true,
        // Zero-width and invisible characters (Unicode's default-ignorable code points that are
        // not letters of a script): soft hyphen, combining grapheme joiner, Hangul fillers,
        // Khmer inherent vowels, Mongolian vowel separator, ZWSP/ZWNJ/ZWJ, line and paragraph
        // separators, word joiner and invisible operators, deprecated format characters,
        // variation selectors, BOM, interlinear annotations, tags.
        '\u{00AD}'
        | '\u{034F}'
        | '\u{115F}'
        | '\u{1160}'
        | '\u{17B4}'
        | '\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200D}'
        | '\u{2028}'
        | '\u{2029}'
        | '\u{2060}'..='\u{2065}'
        | '\u{206A}'..='\u{206F}'
        | '\u{3164}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFFB}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}' => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_controls_are_shown_escaped() {
        // Erase line, cursor up, conceal, OSC 52 (clipboard write), carriage return, newline.
        assert_eq!(
            for_terminal("a\x1b[2K\x1b[1A\x1b[8mb\x1b]52;c;ZXZpbA==\x07\r\nc"),
            "a\\x1b[2K\\x1b[1A\\x1b[8mb\\x1b]52;c;ZXZpbA==\\x07\\x0d\\x0ac"
        );
        assert_eq!(for_terminal("\x00\x7f"), "\\x00\\x7f");
        // C1: CSI and NEL.
        assert_eq!(for_terminal("a\u{9b}31mb\u{85}"), "a\\u{9b}31mb\\u{85}");
    }

    #[test]
    fn bidi_and_invisible_characters_are_shown_escaped() {
        assert_eq!(
            for_terminal("allow\u{202e}=yes\u{2066}x\u{2069}"),
            "allow\\u{202e}=yes\\u{2066}x\\u{2069}"
        );
        assert_eq!(
            for_terminal("tr\u{200b}unk\u{feff}\u{2060}\u{ad}\u{e0041}"),
            "tr\\u{200b}unk\\u{feff}\\u{2060}\\u{ad}\\u{e0041}"
        );
    }

    #[test]
    fn ordinary_text_is_kept() {
        for text in [
            "exten => _X.,1,Dial(PJSIP/${EXTEN}@trunk)\t; \\; comment",
            "Zürich — «téléphone» 電話 ☎",
            "",
        ] {
            assert!(matches!(for_terminal(text), Cow::Borrowed(t) if t == text));
        }
    }
}
