//! The canonical text of a range preset. `twilio refresh --write` rewrites the whole file with
//! it, so the diff a reviewer sees is only the ranges that changed; `profiles/twilio.yaml` is
//! itself this text (a test keeps the two identical), comments included.

use super::ranges::{Edge, RetiredBlock, TwilioRanges};
use ipnet::IpNet;
use std::fmt::Write;

/// Lines are wrapped to this width (flow lists of networks).
const WIDTH: usize = 100;

const HEADER: &str = "\
# Twilio SIP signalling and media IP ranges (Elastic SIP Trunking and Programmable Voice SIP
# Interface share them). Site profiles use this preset by default; `pbxgen twilio refresh` keeps it
# current (it rewrites `retrieved`, `edges` and `media`, and moves ranges Twilio dropped into
# `retired`). Allow ALL edges: Twilio fails calls over between them.
";

const RETIRED_COMMENT: &str = "\
# Addresses Twilio used to publish and no longer uses. Stale configs in the wild still permit them;
# today someone else may rent them (audit rule PBX304).
";

impl TwilioRanges {
    /// The preset as pbxgen writes it.
    pub fn to_yaml(&self) -> String {
        let mut out = String::from(HEADER);
        // Writing to a String cannot fail.
        let _ = writeln!(out, "source: {}", scalar(&self.source));
        let _ = writeln!(out, "retrieved: {}", scalar(&self.retrieved));
        let p = &self.signalling_ports;
        let _ = writeln!(
            out,
            "signalling_ports:\n  udp: {}\n  tcp: {}\n  tls: {}",
            p.udp, p.tcp, p.tls
        );
        out.push_str("edges:\n");
        for edge in &self.edges {
            write_edge(&mut out, edge);
        }
        let m = &self.media;
        out.push_str("media:\n");
        out.push_str(&flow_list("  ranges: ", &m.ranges));
        let _ = writeln!(
            out,
            "  ports: {{ first: {}, last: {} }}",
            m.ports.first, m.ports.last
        );
        if !m.since.is_empty() {
            let _ = writeln!(out, "  since: {}", scalar(&m.since));
        }
        out.push_str(RETIRED_COMMENT);
        if self.retired.is_empty() {
            out.push_str("retired: []\n");
        } else {
            out.push_str("retired:\n");
            for block in &self.retired {
                write_retired(&mut out, block);
            }
        }
        out
    }
}

fn write_edge(out: &mut String, edge: &Edge) {
    let _ = writeln!(out, "  - name: {}", scalar(&edge.name));
    let _ = writeln!(out, "    legacy: {}", scalar(&edge.legacy));
    if !edge.location.is_empty() {
        let _ = writeln!(out, "    location: {}", scalar(&edge.location));
    }
    out.push_str(&flow_list("    signalling: ", &edge.signalling));
}

fn write_retired(out: &mut String, block: &RetiredBlock) {
    let _ = writeln!(out, "  - name: {}", scalar(&block.name));
    let _ = writeln!(out, "    retired: {}", scalar(&block.retired));
    out.push_str(&flow_list("    ranges: ", &block.ranges));
}

/// `prefix[a, b, c]` filled greedily to [`WIDTH`], continuation lines aligned under the first
/// element.
fn flow_list(prefix: &str, nets: &[IpNet]) -> String {
    let indent = " ".repeat(prefix.len() + 1);
    let mut out = format!("{prefix}[");
    let mut line_len = out.len();
    for (i, net) in nets.iter().enumerate() {
        let item = net.to_string();
        let sep = if i + 1 == nets.len() { "]" } else { "," };
        if i > 0 {
            // ", item," must fit; otherwise break after the comma already written.
            if line_len + 1 + item.len() + sep.len() > WIDTH {
                out.push('\n');
                out.push_str(&indent);
                line_len = indent.len();
            } else {
                out.push(' ');
                line_len += 1;
            }
        }
        out.push_str(&item);
        out.push_str(sep);
        line_len += item.len() + sep.len();
    }
    if nets.is_empty() {
        out.push(']');
    }
    out.push('\n');
    out
}

/// A YAML scalar: plain when that reads back as the same string, double-quoted otherwise.
fn scalar(s: &str) -> String {
    let plain_ok = !s.is_empty()
        && s.trim() == s
        && !s.starts_with([
            '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%',
            '@', '`',
        ])
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with(':')
        && !s.chars().any(char::is_control)
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "null" | "~" | "true" | "false" | "yes" | "no" | "on" | "off"
        )
        && s.parse::<f64>().is_err();
    if plain_ok {
        return s.to_string();
    }
    let mut quoted = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\t' => quoted.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(quoted, "\\u{:04x}", c as u32);
            }
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::twilio::ranges::EMBEDDED_PRESET;

    #[test]
    fn embedded_preset_is_canonical_text() {
        // The shipped file and what `refresh --write` produces must not drift apart, or the
        // first refresh would show formatting noise in its diff.
        let text = TwilioRanges::embedded().to_yaml();
        similar_asserts(&text, EMBEDDED_PRESET);
    }

    fn similar_asserts(got: &str, want: &str) {
        if got != want {
            let diff = similar::TextDiff::from_lines(want, got);
            panic!("{}", diff.unified_diff().header("want", "got"));
        }
    }

    #[test]
    fn round_trips_awkward_strings() {
        let mut r = TwilioRanges::embedded();
        r.source = "https://example.com/page?a=1#frag".into();
        r.edges[0].location = "Virginia: US # east".into();
        r.edges[1].location = "\"quoted\" \\ back".into();
        r.edges[2].location = "yes".into();
        r.edges[3].location = "- dash".into();
        r.edges[4].location = String::new();
        r.retired[0].name = "2024".into();
        r.retired.push(RetiredBlock {
            name: "empty".into(),
            retired: "2026-01-01".into(),
            ranges: vec![],
        });
        let back = TwilioRanges::parse(&r.to_yaml(), "test").unwrap();
        assert_eq!(back, r);
    }

    #[test]
    fn long_lists_wrap_within_the_width() {
        let mut r = TwilioRanges::embedded();
        r.edges[0].signalling = (0..40)
            .map(|i| format!("54.172.{i}.0/30").parse().unwrap())
            .collect();
        let text = r.to_yaml();
        assert!(text.lines().all(|l| l.len() <= WIDTH), "{text}");
        assert_eq!(TwilioRanges::parse(&text, "test").unwrap(), r);
    }
}
