use super::*;
use crate::twilio::extract::PageEdge;

const TODAY: &str = "2026-11-20";
const SOURCE: &str = "https://www.twilio.com/docs/sip-trunking/ip-addresses.md";

fn net(s: &str) -> IpNet {
    s.parse().unwrap()
}

/// The page that says exactly what `preset` says.
fn page_of(preset: &TwilioRanges) -> Extracted {
    Extracted {
        edges: preset
            .edges
            .iter()
            .map(|e| PageEdge {
                name: e.name.clone(),
                legacy: e.legacy.clone(),
                signalling: e.signalling.clone(),
            })
            .collect(),
        media: preset.media.ranges.clone(),
        media_ports: Some(preset.media.ports),
        ignored: Vec::new(),
    }
}

fn without_edge(page: &mut Extracted, name: &str) {
    page.edges.retain(|e| e.name != name);
}

fn messages(plan: &Plan) -> Vec<(bool, String)> {
    plan.refusals
        .iter()
        .map(|r| (r.overridable, r.message.clone()))
        .collect()
}

#[test]
fn the_same_list_changes_nothing() {
    let current = TwilioRanges::embedded();
    let mut page = page_of(&current);
    // Order on the page does not matter.
    page.edges.reverse();
    let plan = plan(&current, &page, SOURCE, TODAY);
    assert!(plan.changes.is_empty());
    assert!(plan.refusals.is_empty());
    assert_eq!(plan.updated, current);
}

#[test]
fn a_new_edge_is_appended_without_refusal() {
    let current = TwilioRanges::embedded();
    let mut page = page_of(&current);
    page.edges.insert(
        2,
        PageEdge {
            name: "mumbai".into(),
            legacy: "in1".into(),
            signalling: vec![net("3.7.35.64/30")],
        },
    );
    let plan = plan(&current, &page, SOURCE, TODAY);
    assert!(plan.refusals.is_empty(), "{:?}", plan.refusals);
    let change = &plan.changes.edges[0];
    assert_eq!(change.label, "mumbai (in1)");
    assert_eq!(change.status, EdgeStatus::New);
    assert_eq!(change.added, [net("3.7.35.64/30")]);
    let updated = &plan.updated;
    assert_eq!(updated.edges.len(), 9);
    assert_eq!(updated.edges[8].name, "mumbai");
    assert_eq!(updated.retrieved, TODAY);
    assert_eq!(updated.source, SOURCE);
    assert_eq!(updated.retired, current.retired);
    assert_eq!(updated.media, current.media);
}

#[test]
fn a_lost_edge_is_refused_but_overridable_and_its_range_is_retired() {
    let current = TwilioRanges::embedded();
    let mut page = page_of(&current);
    without_edge(&mut page, "sydney");
    let plan = plan(&current, &page, SOURCE, TODAY);
    let refusals = messages(&plan);
    assert_eq!(refusals.len(), 1, "{refusals:?}");
    assert!(refusals[0].0);
    assert!(
        refusals[0]
            .1
            .contains("lists 7 edge(s) where the preset has 8: sydney (au1) missing"),
        "{}",
        refusals[0].1
    );
    assert_eq!(plan.changes.edges[0].status, EdgeStatus::Gone);
    let block = plan.updated.retired.last().unwrap();
    assert_eq!(block.name, DROPPED_BLOCK);
    assert_eq!(block.retired, TODAY);
    assert_eq!(block.ranges, [net("54.252.254.64/30")]);
    assert_eq!(plan.updated.retired.len(), current.retired.len() + 1);
    assert!(plan.updated.edge("sydney").is_none());
}

#[test]
fn losing_more_than_half_is_refused() {
    let current = TwilioRanges::embedded();
    let mut page = page_of(&current);
    page.edges.truncate(3);
    let plan = plan(&current, &page, SOURCE, TODAY);
    let refusals = messages(&plan);
    assert_eq!(refusals.len(), 2, "{refusals:?}");
    assert!(refusals.iter().all(|(overridable, _)| *overridable));
    assert!(
        refusals[1]
            .1
            .contains("drop 5 of the preset's 9 ranges (more than half)")
    );
    // Losing four of nine is not more than half: only the lost edges are reported.
    let mut page = page_of(&current);
    page.edges.truncate(4);
    let plan = super::plan(&current, &page, SOURCE, TODAY);
    assert_eq!(plan.refusals.len(), 1);
}

#[test]
fn a_missing_media_range_is_refused() {
    let current = TwilioRanges::embedded();
    let mut page = page_of(&current);
    page.media.clear();
    let plan = plan(&current, &page, SOURCE, TODAY);
    let refusals = messages(&plan);
    assert_eq!(
        refusals,
        [(
            true,
            "the page lists no media range; the preset has 168.86.128.0/18".to_string()
        )]
    );
}

#[test]
fn private_reserved_and_too_wide_networks_are_always_refused() {
    let current = TwilioRanges::embedded();
    let mut page = page_of(&current);
    page.edges[0].signalling = vec![net("10.1.2.0/30")];
    page.edges[1].signalling = vec![net("54.0.0.0/8")];
    page.edges[2].signalling = vec![net("224.0.0.0/30")];
    page.media = vec![net("168.0.0.0/8")];
    let plan = plan(&current, &page, SOURCE, TODAY);
    let refusals = messages(&plan);
    assert!(refusals.iter().take(4).all(|(overridable, _)| !overridable));
    assert!(
        refusals[0]
            .1
            .contains("10.1.2.0/30 of edge ashburn is in 10.0.0.0/8, a private")
    );
    assert!(
        refusals[1]
            .1
            .contains("54.0.0.0/8 of edge umatilla is wider than /16")
    );
    assert!(refusals[2].1.contains("a multicast network"));
    assert!(
        refusals[3]
            .1
            .contains("media range 168.0.0.0/8 is wider than /12")
    );
}

#[test]
fn a_range_that_moved_to_another_edge_is_not_retired() {
    let current = TwilioRanges::embedded();
    let mut page = page_of(&current);
    let moved = page.edges[0].signalling.remove(0);
    page.edges[1].signalling.push(moved);
    page.edges[0].signalling.push(net("54.172.60.4/30"));
    let plan = plan(&current, &page, SOURCE, TODAY);
    assert!(plan.refusals.is_empty());
    assert!(plan.changes.retired.is_empty());
    assert_eq!(plan.updated.retired, current.retired);
    let umatilla = &plan.changes.edges[1];
    assert_eq!(umatilla.added, [net("54.172.60.0/30")]);
}

#[test]
fn a_new_media_range_retires_the_old_one_and_dates_the_change() {
    let current = TwilioRanges::embedded();
    let mut page = page_of(&current);
    page.media = vec![net("168.86.192.0/18")];
    page.media_ports = Some(PortRange {
        first: 10000,
        last: 65000,
    });
    let plan = plan(&current, &page, SOURCE, TODAY);
    assert!(plan.refusals.is_empty());
    assert_eq!(plan.changes.media_added, [net("168.86.192.0/18")]);
    assert_eq!(plan.changes.media_removed, [net("168.86.128.0/18")]);
    assert_eq!(plan.changes.retired, [net("168.86.128.0/18")]);
    assert_eq!(plan.updated.media.since, TODAY);
    assert_eq!(plan.updated.media.ports.last, 65000);
}

#[test]
fn missing_ports_keep_the_preset_ports() {
    let current = TwilioRanges::embedded();
    let mut page = page_of(&current);
    page.media_ports = None;
    let plan = plan(&current, &page, SOURCE, TODAY);
    assert!(plan.changes.is_empty());
}

#[test]
fn a_retired_range_published_again_leaves_the_retired_list() {
    let current = TwilioRanges::embedded();
    let mut page = page_of(&current);
    page.edges[0].signalling.push(net("107.21.222.153/32"));
    let plan = plan(&current, &page, SOURCE, TODAY);
    assert_eq!(plan.changes.revived, [net("107.21.222.153/32")]);
    assert_eq!(plan.updated.retired[0].ranges.len(), 22);
}

#[test]
fn a_second_drop_on_the_same_day_joins_the_same_block() {
    let current = TwilioRanges::embedded();
    let mut page = page_of(&current);
    without_edge(&mut page, "sydney");
    let first = plan(&current, &page, SOURCE, TODAY).updated;
    let mut page = page_of(&first);
    without_edge(&mut page, "tokyo");
    let second = plan(&first, &page, SOURCE, TODAY).updated;
    assert_eq!(second.retired.len(), current.retired.len() + 1);
    assert_eq!(
        second.retired.last().unwrap().ranges,
        [net("54.65.63.192/30"), net("54.252.254.64/30")]
    );
    // The canonical text of the result reads back identically.
    assert_eq!(
        TwilioRanges::parse(&second.to_yaml(), "test").unwrap(),
        second
    );
}

#[test]
fn the_html_twin_of_a_markdown_url() {
    assert_eq!(
        html_twin("https://www.twilio.com/docs/sip-trunking/ip-addresses.md?x=1").as_deref(),
        Some("https://www.twilio.com/docs/sip-trunking/ip-addresses")
    );
    assert_eq!(html_twin("https://example.com/ip-addresses"), None);
}
