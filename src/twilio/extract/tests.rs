use super::*;
use crate::twilio::TwilioRanges;

const MD: &str = include_str!("../../../tests/fixtures/twilio/ip-addresses.md");
const HTML: &str = include_str!("../../../tests/fixtures/twilio/ip-addresses.html");
const BY_HEADING: &str = include_str!("../../../tests/fixtures/twilio/edges-by-heading.md");
const ADDS_EDGE: &str = include_str!("../../../tests/fixtures/twilio/adds-edge.md");
const EMPTY: &str = include_str!("../../../tests/fixtures/twilio/empty.html");

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
    let md = "## Signaling\n\n| ashburn (us1), umatilla (us2) | 54.172.60.0/30, 54.244.51.0/30 |\n";
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
