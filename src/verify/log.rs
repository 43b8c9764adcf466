//! Asterisk's log as the instance writes it: `log.json`, one JSON object a line (main/logger.c,
//! `format_log_json`: `{"hostname", "timestamp", "identifiers": {"lwp", "callid"}, "logmsg":
//! {"location": {"filename", "function", "line"}, "level", "message"}}`). The first line is the
//! plain banner logger.c writes when it opens a file; it and anything else that is not JSON is
//! skipped.

use serde::{Deserialize, Serialize};

/// One log message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LogEntry {
    pub timestamp: String,
    /// ERROR, WARNING, NOTICE, VERBOSE, …
    pub level: String,
    /// The thread (lightweight process id) that logged it.
    pub lwp: i64,
    /// The call it belongs to (`[C-00000001]`), if any.
    pub callid: String,
    /// Asterisk's source file that logged it (`config.c`, `res_pjsip/config_transport.c`).
    pub file: String,
    pub line: u32,
    pub function: String,
    /// The message, without its trailing newline.
    pub message: String,
}

impl LogEntry {
    /// ERROR or WARNING.
    pub fn is_problem(&self) -> bool {
        self.level == "ERROR" || self.level == "WARNING"
    }

    /// `file:line function` of the Asterisk source that logged it.
    pub fn source(&self) -> String {
        format!("{}:{} {}", self.file, self.line, self.function)
    }
}

#[derive(Deserialize)]
struct JsonLine {
    #[serde(default)]
    timestamp: String,
    #[serde(default)]
    identifiers: Identifiers,
    logmsg: JsonMsg,
}

#[derive(Default, Deserialize)]
struct Identifiers {
    #[serde(default)]
    lwp: i64,
    #[serde(default)]
    callid: String,
}

#[derive(Deserialize)]
struct JsonMsg {
    #[serde(default)]
    location: Location,
    #[serde(default)]
    level: String,
    #[serde(default)]
    message: String,
}

#[derive(Default, Deserialize)]
struct Location {
    #[serde(default)]
    filename: String,
    #[serde(default)]
    function: String,
    #[serde(default)]
    line: u32,
}

/// Parse log.json text.
pub fn parse_json_log(text: &str) -> Vec<LogEntry> {
    text.lines()
        .filter(|l| l.starts_with('{'))
        .filter_map(|l| serde_json::from_str::<JsonLine>(l).ok())
        .map(|j| LogEntry {
            timestamp: j.timestamp,
            level: j.logmsg.level.trim().to_string(),
            lwp: j.identifiers.lwp,
            callid: j.identifiers.callid,
            file: j.logmsg.location.filename,
            line: j.logmsg.location.line,
            function: j.logmsg.location.function,
            message: j.logmsg.message.trim_end().to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_json_lines_and_skips_the_banner() {
        let text = "[2026-12-02 07:47:10.397] Asterisk 22.10.1 built by nobody\n\
{\"hostname\":\"\",\"timestamp\":\"2026-12-02 07:47:17.975\",\"identifiers\":{\"lwp\":6,\"callid\":\"\"},\"logmsg\":{\"location\":{\"filename\":\"config_options.c\",\"function\":\"aco_process_var\",\"line\":798},\"level\":\"ERROR\",\"message\":\"Error parsing bind=x at line 8 of \\n\"}}\n";
        let entries = parse_json_log(text);
        assert_eq!(entries.len(), 1);
        let e = &entries[0];
        assert_eq!(e.level, "ERROR");
        assert_eq!(e.lwp, 6);
        assert_eq!(e.file, "config_options.c");
        assert_eq!(e.line, 798);
        assert_eq!(e.message, "Error parsing bind=x at line 8 of");
        assert!(e.is_problem());
        assert_eq!(e.source(), "config_options.c:798 aco_process_var");
    }
}
