//! How `twilio refresh` shows a change: the addresses added and removed per edge and for media
//! (as CIDR blocks, each with the number of addresses it covers), then the unified diff of the
//! preset file a reviewer would see in a commit. Names and lines of text pbxgen did not write
//! (the preset file, edge names from the page) are shown through
//! [`crate::untrusted::for_terminal`].

use super::netset::count_text;
use super::refresh::{Changes, EdgeStatus};
use crate::untrusted::for_terminal;
use colored::Colorize;
use ipnet::IpNet;
use similar::{ChangeTag, TextDiff};
use std::fmt::Write;

/// The range changes, one line per added or removed network.
pub fn describe(changes: &Changes, color: bool) -> String {
    let mut out = String::new();
    let paint = Paint { color };
    for edge in &changes.edges {
        let note = match edge.status {
            EdgeStatus::New => " (new edge)",
            EdgeStatus::Gone => " (no longer on the page)",
            EdgeStatus::Changed => "",
        };
        let _ = writeln!(out, "edge {}{note}", paint.bold(&for_terminal(&edge.label)));
        lines(&mut out, &paint, &edge.added, &edge.removed);
    }
    if !changes.media_added.is_empty() || !changes.media_removed.is_empty() {
        let _ = writeln!(out, "{}", paint.bold("media"));
        lines(
            &mut out,
            &paint,
            &changes.media_added,
            &changes.media_removed,
        );
    }
    if let Some((before, after)) = changes.media_ports {
        let _ = writeln!(out, "{} {before} -> {after}", paint.bold("media ports"));
    }
    if !changes.retired.is_empty() {
        let _ = writeln!(
            out,
            "{}: {}",
            paint.bold("moved to retired (audit rule PBX304 flags configs still permitting them)"),
            join(&changes.retired)
        );
    }
    if !changes.revived.is_empty() {
        let _ = writeln!(
            out,
            "{}: {}",
            paint.bold("published again, removed from retired"),
            join(&changes.revived)
        );
    }
    out
}

fn lines(out: &mut String, paint: &Paint, added: &[IpNet], removed: &[IpNet]) {
    for net in removed {
        let line = format!("  - {net} ({})", count_text(net));
        let _ = writeln!(out, "{}", paint.removed(&line));
    }
    for net in added {
        let line = format!("  + {net} ({})", count_text(net));
        let _ = writeln!(out, "{}", paint.added(&line));
    }
}

/// The unified diff from `old` to `new`, with file names in its header.
pub fn unified_diff(old: &str, new: &str, old_name: &str, new_name: &str, color: bool) -> String {
    let paint = Paint { color };
    let diff = TextDiff::from_lines(old, new);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        paint.bold(&format!("--- {}", for_terminal(old_name)))
    );
    let _ = writeln!(
        out,
        "{}",
        paint.bold(&format!("+++ {}", for_terminal(new_name)))
    );
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        let _ = writeln!(out, "{}", paint.hunk(&hunk.header().to_string()));
        for change in hunk.iter_changes() {
            let (sign, text) = (change.tag(), change.value());
            let text = for_terminal(text.trim_end_matches('\n'));
            let line = match sign {
                ChangeTag::Delete => paint.removed(&format!("-{text}")),
                ChangeTag::Insert => paint.added(&format!("+{text}")),
                ChangeTag::Equal => format!(" {text}"),
            };
            let _ = writeln!(out, "{line}");
            if change.missing_newline() {
                out.push_str("\\ No newline at end of file\n");
            }
        }
    }
    out
}

fn join(nets: &[IpNet]) -> String {
    nets.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Colours only when asked (`color`: the caller decides).
struct Paint {
    color: bool,
}

impl Paint {
    fn added(&self, s: &str) -> String {
        if self.color {
            s.green().to_string()
        } else {
            s.to_string()
        }
    }
    fn removed(&self, s: &str) -> String {
        if self.color {
            s.red().to_string()
        } else {
            s.to_string()
        }
    }
    fn hunk(&self, s: &str) -> String {
        if self.color {
            s.cyan().to_string()
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        if self.color {
            s.bold().to_string()
        } else {
            s.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::twilio::refresh::EdgeChange;

    fn net(s: &str) -> IpNet {
        s.parse().unwrap()
    }

    #[test]
    fn describes_each_edge_and_media() {
        let changes = Changes {
            edges: vec![
                EdgeChange {
                    label: "sydney (au1)".into(),
                    status: EdgeStatus::Gone,
                    added: vec![],
                    removed: vec![net("54.252.254.64/30")],
                },
                EdgeChange {
                    label: "mumbai (in1)".into(),
                    status: EdgeStatus::New,
                    added: vec![net("3.7.35.64/30")],
                    removed: vec![],
                },
            ],
            media_added: vec![net("168.86.192.0/18")],
            media_removed: vec![net("168.86.128.0/18")],
            media_ports: None,
            retired: vec![net("54.252.254.64/30"), net("168.86.128.0/18")],
            revived: vec![],
        };
        let text = describe(&changes, false);
        assert_eq!(
            text,
            "edge sydney (au1) (no longer on the page)\n  - 54.252.254.64/30 (4 addresses)\n\
             edge mumbai (in1) (new edge)\n  + 3.7.35.64/30 (4 addresses)\n\
             media\n  - 168.86.128.0/18 (16384 addresses)\n  + 168.86.192.0/18 (16384 addresses)\n\
             moved to retired (audit rule PBX304 flags configs still permitting them): \
             54.252.254.64/30, 168.86.128.0/18\n"
        );
    }

    #[test]
    fn unified_diff_with_headers() {
        // Colour is checked end to end (`--color=always`): `colored`'s switch is process-wide.
        let plain = unified_diff("a\nb\nc\n", "a\nB\nc\n", "old.yaml", "new.yaml", false);
        assert_eq!(
            plain,
            "--- old.yaml\n+++ new.yaml\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"
        );
    }
}
