//! Read Twilio's ranges out of its IP-addresses documentation page (Markdown twin or HTML).
//!
//! Twilio publishes no machine-readable list, so this reads the page the way a person does: the
//! headings say which part is about media and which about signalling (parts about Interconnect,
//! STUN/TURN, video or legacy ranges are skipped), and within the signalling part each table
//! row, list item or heading names the edge its addresses belong to. An edge is named by its
//! current or legacy name (`ashburn`, `us1`), or as `name (xx1)` — the shape Twilio uses, which
//! is how an edge pbxgen has never heard of is recognised. Quoted notes are commentary (they
//! mention old ranges), and addresses that belong to no edge are reported, never guessed.

use super::page::{self, Line, LineKind, PageFormat};
use super::ranges::{Edge, PortRange};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use regex::Regex;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

/// What a page says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    /// Edges with their signalling networks, in page order.
    pub edges: Vec<PageEdge>,
    /// The media networks (all edges share them).
    pub media: Vec<IpNet>,
    /// The media port range, when the page gives one.
    pub media_ports: Option<PortRange>,
    /// Networks seen in a media or signalling part that were not used, and why.
    pub ignored: Vec<Ignored>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageEdge {
    pub name: String,
    pub legacy: String,
    pub signalling: Vec<IpNet>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignored {
    /// Source line (1-based).
    pub line: usize,
    pub nets: Vec<IpNet>,
    pub reason: String,
}

impl Extracted {
    /// True when the page yielded no range at all.
    pub fn is_empty(&self) -> bool {
        self.media.is_empty() && self.edges.iter().all(|e| e.signalling.is_empty())
    }

    pub fn edge(&self, name: &str) -> Option<&PageEdge> {
        self.edges.iter().find(|e| e.name == name)
    }
}

/// Extract the ranges of a page. `known` lists the edges pbxgen already knows (current and
/// legacy names), from the presets.
pub fn extract(text: &str, format: PageFormat, known: &[Edge]) -> Extracted {
    let names = EdgeNames::new(known);
    let mut walker = Walker {
        names: &names,
        out: Extracted::default(),
        sections: Vec::new(),
        heading_edge: None,
        row_edge: None,
        lead_edge: None,
        ports: None,
    };
    for line in page::lines(text, format) {
        walker.line(&line);
    }
    let mut out = walker.out;
    out.media_ports = walker.ports.map(|(_, p)| p);
    out.edges.retain(|e| !e.signalling.is_empty());
    out
}

/// What a part of the page is about, from its heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Media,
    Signalling,
    Skipped,
}

fn classify_heading(text: &str) -> Option<Section> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |list: &[&str]| words.iter().any(|w| list.contains(w));
    if has(&[
        "interconnect",
        "stun",
        "turn",
        "video",
        "legacy",
        "deprecated",
        "retired",
        "former",
        "previous",
        "old",
        "historical",
        "obsolete",
    ]) {
        return Some(Section::Skipped);
    }
    match (
        has(&["media", "rtp"]),
        has(&["signaling", "signalling", "signal"]),
    ) {
        (true, false) => Some(Section::Media),
        (false, true) => Some(Section::Signalling),
        _ => None,
    }
}

struct Walker<'a> {
    names: &'a EdgeNames<'a>,
    out: Extracted,
    /// Open typed sections: (heading level, what it is about).
    sections: Vec<(u8, Section)>,
    /// The edge the current heading names.
    heading_edge: Option<EdgeName>,
    /// The edge of the previous table row (a row without one continues it, like a rowspan).
    row_edge: Option<EdgeName>,
    /// The edge named by the line that introduces a list.
    lead_edge: Option<EdgeName>,
    /// The media port range found so far, with its priority (lower wins).
    ports: Option<(u8, PortRange)>,
}

impl Walker<'_> {
    fn line(&mut self, line: &Line) {
        if let LineKind::Heading(level) = line.kind {
            self.sections.retain(|(l, _)| *l < level);
            if let Some(section) = classify_heading(&line.text) {
                self.sections.push((level, section));
            }
            self.heading_edge = single(self.names.mentions(&line.text));
            self.row_edge = None;
            self.lead_edge = None;
            return;
        }
        let section = match self.sections.last() {
            Some((_, section)) => Some(*section),
            // Outside any media/signalling part, only an edge's own heading makes lines data:
            // its addresses are signalling unless the line says media.
            None if self.heading_edge.is_some() => Some(if mentions_media(&line.text) {
                Section::Media
            } else {
                Section::Signalling
            }),
            None => None,
        };
        let nets = nets_in(&line.text);
        match section {
            None | Some(Section::Skipped) => {}
            Some(_) if line.kind == LineKind::Quote => {
                self.ignore(line, nets, "in a note, not in the list itself");
            }
            Some(Section::Media) => self.media(line, nets),
            Some(Section::Signalling) => self.signalling(line, nets),
        }
        if line.kind != LineKind::Row {
            self.row_edge = None;
        }
        if !matches!(line.kind, LineKind::Item | LineKind::Text) {
            self.lead_edge = None;
        }
    }

    fn media(&mut self, line: &Line, nets: Vec<IpNet>) {
        let priority = if !nets.is_empty() {
            0
        } else if line.text.to_lowercase().contains("port") {
            1
        } else {
            2
        };
        if priority < 2 && self.ports.is_none_or(|(p, _)| priority < p) {
            if let Some(range) = port_range(&line.text) {
                self.ports = Some((priority, range));
            }
        }
        for net in nets {
            if !self.out.media.contains(&net) {
                self.out.media.push(net);
            }
        }
    }

    fn signalling(&mut self, line: &Line, nets: Vec<IpNet>) {
        let mentioned = self.names.mentions(&line.text);
        let named = match mentioned.len() {
            0 => None,
            1 => mentioned.first().cloned(),
            _ => {
                self.row_edge = None;
                self.lead_edge = None;
                let list: Vec<String> = mentioned.iter().map(EdgeName::label).collect();
                let reason = format!("the line names several edges ({})", list.join(", "));
                self.ignore(line, nets, &reason);
                return;
            }
        };
        let edge = match line.kind {
            LineKind::Row => {
                if named.is_some() {
                    self.row_edge.clone_from(&named);
                }
                named.or_else(|| self.row_edge.clone())
            }
            LineKind::Item => named.or_else(|| self.lead_edge.clone()),
            _ => {
                self.lead_edge.clone_from(&named);
                named
            }
        }
        .or_else(|| self.heading_edge.clone());
        match edge {
            Some(edge) => self.add_signalling(edge, nets),
            None => self.ignore(line, nets, "not in a row, list or heading of any edge"),
        }
    }

    fn add_signalling(&mut self, edge: EdgeName, nets: Vec<IpNet>) {
        let index = match self.out.edges.iter().position(|e| e.name == edge.name) {
            Some(i) => i,
            None => {
                self.out.edges.push(PageEdge {
                    name: edge.name,
                    legacy: edge.legacy,
                    signalling: Vec::new(),
                });
                self.out.edges.len() - 1
            }
        };
        let list = &mut self.out.edges[index].signalling;
        for net in nets {
            if !list.contains(&net) {
                list.push(net);
            }
        }
    }

    fn ignore(&mut self, line: &Line, nets: Vec<IpNet>, reason: &str) {
        if !nets.is_empty() {
            self.out.ignored.push(Ignored {
                line: line.number,
                nets,
                reason: reason.to_string(),
            });
        }
    }
}

fn single(mut names: Vec<EdgeName>) -> Option<EdgeName> {
    if names.len() == 1 { names.pop() } else { None }
}

fn mentions_media(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w == "media" || w == "rtp")
}

// ---------------------------------------------------------------------------------------------
// Edge names

#[derive(Debug, Clone, PartialEq, Eq)]
struct EdgeName {
    name: String,
    legacy: String,
}

impl EdgeName {
    fn label(&self) -> String {
        format!("{} ({})", self.name, self.legacy)
    }
}

struct EdgeNames<'a> {
    known: &'a [Edge],
    /// Any known current or legacy name as a word.
    known_word: Option<Regex>,
}

/// `name (xx1)`: how Twilio writes an edge with its legacy region.
static NAME_AND_CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\s*\(\s*([a-z]{2}[0-9])\s*\)")
        .expect("valid regex")
});

impl<'a> EdgeNames<'a> {
    fn new(known: &'a [Edge]) -> Self {
        let words: Vec<String> = known
            .iter()
            .flat_map(|e| [&e.name, &e.legacy])
            .filter(|w| !w.is_empty())
            .map(|w| regex::escape(w))
            .collect();
        let known_word = (!words.is_empty())
            .then(|| Regex::new(&format!(r"(?i)\b(?:{})\b", words.join("|"))))
            .and_then(Result::ok);
        EdgeNames { known, known_word }
    }

    fn by_name(&self, word: &str) -> Option<EdgeName> {
        self.known
            .iter()
            .find(|e| e.name.eq_ignore_ascii_case(word) || e.legacy.eq_ignore_ascii_case(word))
            .map(|e| EdgeName {
                name: e.name.clone(),
                legacy: e.legacy.clone(),
            })
    }

    /// The distinct edges a line names, in order of appearance.
    fn mentions(&self, text: &str) -> Vec<EdgeName> {
        let mut found: Vec<(usize, EdgeName)> = Vec::new();
        for caps in NAME_AND_CODE.captures_iter(text) {
            let (Some(all), Some(name), Some(code)) = (caps.get(0), caps.get(1), caps.get(2))
            else {
                continue;
            };
            if !standalone(text, all.start(), all.end()) {
                continue;
            }
            let edge = self
                .by_name(name.as_str())
                .or_else(|| self.by_name(code.as_str()))
                .unwrap_or_else(|| EdgeName {
                    name: name.as_str().to_lowercase(),
                    legacy: code.as_str().to_lowercase(),
                });
            found.push((all.start(), edge));
        }
        if let Some(re) = &self.known_word {
            for m in re.find_iter(text) {
                if standalone(text, m.start(), m.end()) {
                    if let Some(edge) = self.by_name(m.as_str()) {
                        found.push((m.start(), edge));
                    }
                }
            }
        }
        found.sort_by_key(|(at, _)| *at);
        let mut out: Vec<EdgeName> = Vec::new();
        for (_, edge) in found {
            if !out.iter().any(|e| e.name == edge.name) {
                out.push(edge);
            }
        }
        out
    }
}

/// A word that is not part of a hostname or a longer name: `ashburn` in "ashburn (us1)", not in
/// `ashburn-ix` or `example.pstn.ashburn.twilio.com`.
fn standalone(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let mut after = text[end..].chars();
    let next = after.next();
    let next2 = after.next();
    let joins = |c: char| c == '-' || c == '_' || c.is_alphanumeric();
    !(before.is_some_and(|c| joins(c) || c == '.')
        || next.is_some_and(joins)
        || (next == Some('.') && next2.is_some_and(char::is_alphanumeric)))
}

// ---------------------------------------------------------------------------------------------
// Networks and ports

/// An IPv4 address, optionally with a prefix length or a dotted netmask.
static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{1,3}(?:\.\d{1,3}){3})(?:/(\d{1,3}(?:\.\d{1,3}){3}|\d{1,3}))?")
        .expect("valid regex")
});

/// An IPv6 address (at least two `:`), optionally with a prefix length; `std` decides whether
/// it really is one (a time such as `08:21:05` is not).
static ADDRESS_V6: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})(?:/(\d{1,3}))?").expect("valid regex")
});

/// What may stand between the two ends of an address range: `a - b`, `a – b`, `a to b`.
static RANGE_JOIN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:-|–|—|to)\s*$").expect("valid regex"));

/// The networks a line lists, IPv4 and IPv6, host bits cleared, ranges `a - b` turned into
/// CIDR blocks (Twilio publishes no IPv6 ranges for SIP today; a page that starts to is read,
/// not ignored).
pub fn nets_in(text: &str) -> Vec<IpNet> {
    // (start, end, network, prefix given?)
    let mut found: Vec<(usize, usize, IpNet, bool)> = Vec::new();
    for caps in ADDRESS.captures_iter(text) {
        let (Some(all), Some(addr)) = (caps.get(0), caps.get(1)) else {
            continue;
        };
        let before = text[..all.start()].chars().next_back();
        let mut after = text[all.end()..].chars();
        let next = after.next();
        if before.is_some_and(|c| c.is_ascii_digit() || c == '.')
            || next.is_some_and(|c| c.is_ascii_digit())
            || (next == Some('.') && after.next().is_some_and(|c| c.is_ascii_digit()))
        {
            continue;
        }
        let Ok(ip) = addr.as_str().parse::<Ipv4Addr>() else {
            continue;
        };
        let prefix = match caps.get(2).map(|m| m.as_str()) {
            None => Some(32),
            Some(p) if p.contains('.') => p
                .parse::<Ipv4Addr>()
                .ok()
                .and_then(|mask| ipnet::ipv4_mask_to_prefix(mask).ok()),
            Some(p) => p.parse::<u8>().ok(),
        };
        let Some(net) = prefix.and_then(|p| Ipv4Net::new(ip, p).ok()) else {
            continue;
        };
        found.push((
            all.start(),
            all.end(),
            IpNet::V4(net.trunc()),
            caps.get(2).is_some(),
        ));
    }
    found.extend(v6_nets_in(text));
    found.sort_by_key(|(start, ..)| *start);
    let mut nets = Vec::new();
    let mut i = 0;
    while i < found.len() {
        let (_, end, net, with_prefix) = found[i];
        if let Some(&(next_start, _, last, last_prefix)) = found.get(i + 1) {
            let range = super::netset::range_blocks(net.addr(), last.addr());
            if !with_prefix
                && !last_prefix
                && next_start >= end
                && RANGE_JOIN.is_match(&text[end..next_start])
                && !range.is_empty()
            {
                nets.extend(range);
                i += 2;
                continue;
            }
        }
        nets.push(net);
        i += 1;
    }
    let mut unique = Vec::with_capacity(nets.len());
    for net in nets {
        if !unique.contains(&net) {
            unique.push(net);
        }
    }
    unique
}

/// The IPv6 networks of a line, as [`nets_in`] collects them.
fn v6_nets_in(text: &str) -> Vec<(usize, usize, IpNet, bool)> {
    let mut found = Vec::new();
    for caps in ADDRESS_V6.captures_iter(text) {
        let (Some(all), Some(addr)) = (caps.get(0), caps.get(1)) else {
            continue;
        };
        let before = text[..all.start()].chars().next_back();
        let next = text[all.end()..].chars().next();
        // Part of a longer word, or of an IPv4-embedded form (`::ffff:1.2.3.4`).
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == ':' || c == '.')
            || next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '.' || c == ':')
        {
            continue;
        }
        let Ok(ip) = addr.as_str().parse::<Ipv6Addr>() else {
            continue;
        };
        let prefix = match caps.get(2) {
            None => Some(128),
            Some(p) => p.as_str().parse::<u8>().ok(),
        };
        let Some(net) = prefix.and_then(|p| Ipv6Net::new(ip, p).ok()) else {
            continue;
        };
        found.push((
            all.start(),
            all.end(),
            IpNet::V6(net.trunc()),
            caps.get(2).is_some(),
        ));
    }
    found
}

/// A port number as pages write it: `10000` or `10,000`.
const PORT: &str = r"(\d{1,2},\d{3}|\d{4,5})";

static PORT_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:^|[^\d,.]){PORT}\s*(?:-|–|—|to)\s*{PORT}(?:$|[^\d,])"
    ))
    .expect("valid regex")
});

/// The first port range on a line (addresses removed first so `a.b.c.d - e.f.g.h` is no
/// port range).
fn port_range(text: &str) -> Option<PortRange> {
    let without_v4 = ADDRESS.replace_all(text, " ");
    let without_addresses = ADDRESS_V6.replace_all(&without_v4, |caps: &regex::Captures| {
        let is_v6 = caps
            .get(1)
            .is_some_and(|a| a.as_str().parse::<Ipv6Addr>().is_ok());
        if is_v6 {
            " ".to_string()
        } else {
            caps[0].to_string()
        }
    });
    PORT_RANGE
        .captures_iter(&without_addresses)
        .find_map(|caps| {
            let port = |i: usize| caps.get(i)?.as_str().replace(',', "").parse::<u16>().ok();
            let (first, last) = (port(1)?, port(2)?);
            (first >= 1 && first < last).then_some(PortRange { first, last })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::twilio::TwilioRanges;

    const MD: &str = include_str!("../../tests/fixtures/twilio/ip-addresses.md");
    const HTML: &str = include_str!("../../tests/fixtures/twilio/ip-addresses.html");
    const BY_HEADING: &str = include_str!("../../tests/fixtures/twilio/edges-by-heading.md");
    const ADDS_EDGE: &str = include_str!("../../tests/fixtures/twilio/adds-edge.md");
    const EMPTY: &str = include_str!("../../tests/fixtures/twilio/empty.html");

    fn known() -> Vec<Edge> {
        TwilioRanges::embedded().edges
    }

    fn run(text: &str, format: PageFormat) -> Extracted {
        extract(text, format, &known())
    }

    fn net(s: &str) -> IpNet {
        s.parse().unwrap()
    }

    /// (name, legacy, signalling) of every edge, for comparing with the preset.
    fn edges(x: &Extracted) -> Vec<(String, String, Vec<IpNet>)> {
        x.edges
            .iter()
            .map(|e| (e.name.clone(), e.legacy.clone(), e.signalling.clone()))
            .collect()
    }

    fn preset_edges() -> Vec<(String, String, Vec<IpNet>)> {
        known()
            .into_iter()
            .map(|e| (e.name, e.legacy, e.signalling))
            .collect()
    }

    fn assert_matches_preset(x: &Extracted) {
        assert_eq!(edges(x), preset_edges());
        assert_eq!(x.media, [net("168.86.128.0/18")]);
        assert_eq!(
            x.media_ports,
            Some(PortRange {
                first: 10000,
                last: 60000
            })
        );
    }

    fn ignored_nets(x: &Extracted) -> Vec<IpNet> {
        x.ignored.iter().flat_map(|i| i.nets.clone()).collect()
    }

    #[test]
    fn markdown_twin_yields_the_published_list() {
        let x = run(MD, PageFormat::Markdown);
        assert_matches_preset(&x);
        // The note about the old /23 is commentary; the Interconnect part is skipped entirely.
        assert_eq!(ignored_nets(&x), [net("54.172.60.0/23")]);
        assert!(x.ignored[0].reason.contains("note"));
    }

    #[test]
    fn html_page_yields_the_same_list() {
        let x = run(HTML, PageFormat::Html);
        assert_matches_preset(&x);
        // Scripts (the Next.js data blob), the footer and the Interconnect part contribute nothing.
        assert_eq!(ignored_nets(&x), [net("54.172.60.0/23")]);
    }

    #[test]
    fn a_heading_per_edge_with_list_items() {
        let x = run(BY_HEADING, PageFormat::Markdown);
        assert_matches_preset(&x);
        // "Legacy media ranges" is skipped by its heading, not even reported.
        assert!(x.ignored.is_empty(), "{:?}", x.ignored);
    }

    #[test]
    fn an_edge_pbxgen_has_never_heard_of_is_recognised_by_its_shape() {
        let x = run(ADDS_EDGE, PageFormat::Markdown);
        assert_eq!(x.edges.len(), 9);
        let mumbai = &x.edges[2];
        assert_eq!(
            (mumbai.name.as_str(), mumbai.legacy.as_str()),
            ("mumbai", "in1")
        );
        assert_eq!(mumbai.signalling, [net("3.7.35.64/30")]);
    }

    #[test]
    fn a_page_without_ranges_is_empty() {
        let x = run(EMPTY, PageFormat::Html);
        assert!(x.is_empty(), "{x:?}");
        assert!(run("", PageFormat::Markdown).is_empty());
    }

    #[test]
    fn legacy_names_map_to_current_edges() {
        let md = "## Signalling\n\n| Region | Range |\n|---|---|\n| US1 | 54.172.60.0/30 |\n\
                  | Oregon (us2) | 54.244.51.0/30 |\n| SÃO PAULO (BR1) | 177.71.206.192/30 |\n";
        let x = run(md, PageFormat::Markdown);
        let names: Vec<_> = x.edges.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["ashburn", "umatilla", "sao-paulo"]);
        assert_eq!(x.edges[0].legacy, "us1");
    }

    #[test]
    fn rows_without_an_edge_continue_the_previous_row() {
        // An HTML rowspan leaves the second row without its edge cell.
        let html = "<h2>Signaling</h2><table><tr><td rowspan=2>ashburn (us1)</td><td>54.172.60.0/30</td></tr>\
                    <tr><td>54.172.60.4/30</td></tr></table><p>Also 54.1.1.0/30 somewhere.</p>";
        let x = run(html, PageFormat::Html);
        assert_eq!(
            x.edges[0].signalling,
            [net("54.172.60.0/30"), net("54.172.60.4/30")]
        );
        // A paragraph after the table does not inherit the last row's edge.
        assert_eq!(ignored_nets(&x), [net("54.1.1.0/30")]);
        assert!(x.ignored[0].reason.contains("any edge"));
    }

    #[test]
    fn a_lead_in_line_names_the_edge_of_the_list_below() {
        let md = "## Signaling IPs\n\nashburn (us1):\n\n- 54.172.60.0/30\n- 54.172.60.4/30\n\n\
                  umatilla (us2):\n\n1. 54.244.51.0/30\n";
        let x = run(md, PageFormat::Markdown);
        assert_eq!(x.edges.len(), 2);
        assert_eq!(x.edges[0].signalling.len(), 2);
        assert_eq!(x.edges[1].signalling, [net("54.244.51.0/30")]);
    }

    #[test]
    fn a_line_naming_several_edges_is_not_guessed() {
        let md =
            "## Signaling\n\n| ashburn (us1), umatilla (us2) | 54.172.60.0/30, 54.244.51.0/30 |\n";
        let x = run(md, PageFormat::Markdown);
        assert!(x.edges.is_empty());
        assert_eq!(x.ignored.len(), 1);
        assert!(
            x.ignored[0]
                .reason
                .contains("ashburn (us1), umatilla (us2)"),
            "{}",
            x.ignored[0].reason
        );
    }

    #[test]
    fn hostnames_and_interconnect_names_are_not_edge_mentions() {
        let names = EdgeNames::new(&[]);
        let known = known();
        let names_known = EdgeNames::new(&known);
        assert!(
            names_known
                .mentions("use example.pstn.ashburn.twilio.com or ashburn-ix")
                .is_empty()
        );
        assert!(names_known.mentions("trunking.us1.twilio.com").is_empty());
        assert_eq!(names_known.mentions("ashburn.").len(), 1);
        assert!(
            names
                .mentions("roaming (gll) and Source Port (†)")
                .is_empty()
        );
    }

    #[test]
    fn addresses_ranges_netmasks_and_host_bits() {
        assert_eq!(
            nets_in("54.172.60.0 - 54.172.60.7 and 1.2.3.4 to 1.2.3.4"),
            [net("54.172.60.0/29"), net("1.2.3.4/32")]
        );
        assert_eq!(
            nets_in("permit=54.172.60.0/255.255.255.252"),
            [net("54.172.60.0/30")]
        );
        // Host bits are cleared; the network is what a firewall would match.
        assert_eq!(nets_in("54.172.60.1/30"), [net("54.172.60.0/30")]);
        // Not addresses: versions, out-of-range octets, bad prefixes.
        assert!(nets_in("v1.2.3.4.5 999.1.1.1 1.2.3.4/33 10.0.0").is_empty());
        // Duplicates collapse.
        assert_eq!(nets_in("1.2.3.0/30, 1.2.3.0/30").len(), 1);
    }

    #[test]
    fn ipv6_addresses_networks_and_ranges() {
        assert_eq!(
            nets_in("`2600:1f18:4f8:a800::/126` and 2600:1f18::1"),
            [net("2600:1f18:4f8:a800::/126"), net("2600:1f18::1/128")]
        );
        assert_eq!(
            nets_in("2600:1f18:4f8:a800:: - 2600:1f18:4f8:a800::3"),
            [net("2600:1f18:4f8:a800::/126")]
        );
        // Host bits cleared, like IPv4.
        assert_eq!(nets_in("2600::5/126"), [net("2600::4/126")]);
        // Not addresses: times, words with colons, IPv4-embedded forms, mixed-family ranges.
        assert!(nets_in("dateModified: 2026-09-14T08:21:05.000Z std::string a:b").is_empty());
        assert_eq!(nets_in("::ffff:1.2.3.4"), [net("1.2.3.4/32")]);
        assert_eq!(
            nets_in("1.2.3.4 - 2600::1"),
            [net("1.2.3.4/32"), net("2600::1/128")]
        );
    }

    #[test]
    fn port_ranges_as_pages_write_them() {
        let p = |s: &str| port_range(s).map(|r| (r.first, r.last));
        assert_eq!(
            p("| UDP | 168.86.128.0/18 | 10,000 - 60,000 |"),
            Some((10000, 60000))
        );
        assert_eq!(p("UDP 10000–60000"), Some((10000, 60000)));
        assert_eq!(p("ports 1,024 to 65,535"), Some((1024, 65535)));
        assert_eq!(p("since 2024-02-21"), None);
        assert_eq!(p("54.172.60.0 - 54.172.60.3"), None);
        assert_eq!(p("60000-10000"), None);
    }

    #[test]
    fn media_ports_come_from_the_row_with_the_range_before_any_footnote() {
        let md = "## Media\n\nThe ephemeral port range is 1,024 to 65,535.\n\n\
                  | UDP | 168.86.128.0/18 | 10,000 - 60,000 |\n";
        let x = run(md, PageFormat::Markdown);
        assert_eq!(
            x.media_ports,
            Some(PortRange {
                first: 10000,
                last: 60000
            })
        );
    }

    #[test]
    fn media_lines_under_an_edge_heading_outside_any_section() {
        let md =
            "# Twilio\n\n## ashburn (us1)\n\nSignaling: 54.172.60.0/30\n\nMedia: 168.86.128.0/18\n";
        let x = run(md, PageFormat::Markdown);
        assert_eq!(x.edges[0].signalling, [net("54.172.60.0/30")]);
        assert_eq!(x.media, [net("168.86.128.0/18")]);
    }
}
