//! PHP's `parse_ini_file` (INI_SCANNER_NORMAL) for websms.conf, into the same [`ConfigFile`]
//! shape as Asterisk files: `[section]`, `key = value`, `;` comments. Values are kept as
//! written (quotes included) so the model can tell `"yes"` from `yes`; a `;` inside double
//! quotes is not a comment. A line PHP cannot parse makes `parse_ini_file` fail as a whole:
//! that is fatal for the file.

use super::source::{FileId, Pos};
use super::syntax::{Comment, ConfigFile, Diagnostic, DiagnosticCode, Section, Severity, Variable};

/// Parse `bytes` (file `id`) into `out`.
pub fn parse(id: FileId, bytes: &[u8], mut out: ConfigFile) -> ConfigFile {
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut current: Option<usize> = None;
    // The file's variables; sections refer to them (see `Variables`).
    let mut table = Vec::new();
    for (idx, raw) in text.split('\n').enumerate() {
        let lineno = idx as u32 + 1;
        let indent = raw.len() - raw.trim_start().len();
        let at = |col: usize| Pos::new(id, lineno, col as u32 + 1);
        let (content, comment) = split_comment(raw);
        if let Some(c) = comment {
            out.comments.push(Comment {
                text: raw[c + 1..].trim_end_matches('\r').to_string(),
                pos: at(c),
            });
        }
        let line = content.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('[') {
            let name = line
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim();
            out.sections.push(Section {
                name: name.into(),
                ..Section::empty()
            });
            let s = out.sections.len() - 1;
            out.sections[s].pos = at(indent);
            current = Some(s);
            continue;
        }
        let Some(eq) = content.find('=') else {
            out.diagnostics.push(Diagnostic {
                code: DiagnosticCode::MissingEquals,
                severity: Severity::Fatal,
                pos: at(indent),
                message: format!(
                    "`{line}` has no `=`: PHP's parse_ini_file fails on the whole file"
                ),
            });
            continue;
        };
        let name = content[..eq].trim();
        let value_raw = &content[eq + 1..];
        let value = value_raw.trim();
        let value_col = eq + 1 + (value_raw.len() - value_raw.trim_start().len());
        let s = match current {
            Some(s) => s,
            None => {
                // Keys before any section are PHP globals: an unnamed section holds them.
                out.sections.push(Section {
                    pos: at(indent),
                    ..Section::empty()
                });
                let s = out.sections.len() - 1;
                current = Some(s);
                s
            }
        };
        table.push(Variable::new(
            name.into(),
            value.into(),
            at(indent),
            at(value_col).column,
            false,
        ));
        out.sections[s].variables.push_own(table.len() - 1);
    }
    let table = std::sync::Arc::new(super::syntax::Table::from(table));
    for section in &mut out.sections {
        section.variables.set_table(&table);
    }
    out
}

/// The part of a line before a `;` that is outside double quotes, and where that `;` is.
fn split_comment(line: &str) -> (&str, Option<usize>) {
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => return (&line[..i], Some(i)),
            _ => {}
        }
    }
    (line, None)
}
