//! GitHub Actions workflow commands, one line per finding:
//! `::error file=config/sip.conf,line=3,col=1,title=PBX101 sip-guest-calls::message`.
//! Critical/high are errors, medium warnings, low/info notices.
//!
//! Annotations are shown to people (in the job log and on the pull request) and the runner
//! reads every line of the log for commands: text from the audited files is first made visible
//! ([`crate::untrusted::for_terminal`]: no escape sequence, no line break of its own), then
//! escaped as the runner expects (`%25`, `%0D`, `%0A`; `%3A`, `%2C` in properties), so one line
//! of a config can neither end the annotation nor start a command of its own.

use super::Report;
use crate::audit::engine::finding::path_to_string;
use crate::json_text::CHUNK;
use crate::untrusted::for_terminal as shown;

/// The report as workflow commands (what [`write`] writes).
pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail.
    let _ = write(report, &mut out);
    String::from_utf8(out).expect("pieces of UTF-8 text")
}

/// Write the commands to `to` as they are made, a chunk at a time (a provider's tree has
/// hundreds of thousands of findings).
pub fn write(report: &Report, to: &mut impl std::io::Write) -> std::io::Result<()> {
    let mut buf = String::with_capacity(CHUNK + 4096);
    for f in &report.findings {
        let mut message = format!("[{}] {}", f.severity, shown(&f.message));
        if !f.path.is_empty() {
            message.push_str(&format!("\npath: {}", shown(&path_to_string(&f.path))));
        }
        message.push_str(&format!("\nfix: {}", shown(&f.fix)));
        buf.push_str(&format!(
            "::{} file={},line={},col={},title={}::{}\n",
            f.severity.github_command(),
            escape_property(&shown(&report.repo_path(&f.file))),
            f.line,
            f.column,
            escape_property(&f.rule.title()),
            escape_data(&message),
        ));
        if buf.len() >= CHUNK {
            to.write_all(buf.as_bytes())?;
            buf.clear();
        }
    }
    to.write_all(buf.as_bytes())
}

/// Escaping of a command's message (GitHub's `toolkit/core` `escapeData`).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of a command's properties (`escapeProperty`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_actions_toolkit() {
        assert_eq!(escape_data("50% a\nb"), "50%25 a%0Ab");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
