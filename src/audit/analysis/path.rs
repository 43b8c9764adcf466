//! Reachability paths as reports show them: steps `file:line text`, each the masked source line
//! (or the part of it from the application on).

use crate::asterisk::model::Pbx;
use crate::asterisk::source::Pos;
use crate::redact::line::mask_line;
use std::fmt;

/// One step of a reachability path: `extensions.conf:12 include => outbound`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PathStep {
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// What happens at this step, secrets masked.
    pub text: String,
}

impl fmt::Display for PathStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{} {}", self.file, self.line, self.text)
    }
}

/// Render a path the way every format prints it: `a → b → c`.
pub fn path_to_string(path: &[PathStep]) -> String {
    path.iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join(" → ")
}

/// A path step for the line at `pos`, masked; `from` cuts the text at the first occurrence of
/// that (case-insensitive) marker, e.g. `Dial(`.
pub fn line_step(pbx: &Pbx, pos: Pos, from: Option<&str>) -> PathStep {
    let sources = &pbx.config.sources;
    let raw = sources.line_text(pos);
    let mut text = mask_line(raw.trim());
    if let Some(marker) = from {
        if let Some(i) = text.to_ascii_lowercase().find(&marker.to_ascii_lowercase()) {
            text = text[i..].to_string();
        }
    }
    let text = strip_comment(&text);
    PathStep {
        file: sources.display(pos.file).to_string(),
        line: pos.line,
        column: pos.column,
        text,
    }
}

pub fn dial_step(pbx: &Pbx, pos: Pos) -> PathStep {
    let raw = pbx.config.sources.line_text(pos).to_ascii_lowercase();
    let marker = ["dial(", "originate(", "queue(", "page("]
        .into_iter()
        .find(|m| raw.contains(m));
    line_step(pbx, pos, marker)
}

fn strip_comment(text: &str) -> String {
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b';' && (i == 0 || bytes[i - 1] != b'\\') {
            return text[..i].trim_end().to_string();
        }
    }
    text.to_string()
}
