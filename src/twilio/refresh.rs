//! `twilio refresh`: read Twilio's page, compare it with a preset, and decide whether the
//! result may replace the preset.
//!
//! The sanity rules are what make this safe to run unattended. Some mean the page cannot be a
//! genuine Twilio list (a private or reserved network, a signalling range wider than /16): those
//! are always refused. Others describe a change Twilio could really make but a broken page makes
//! far more often (an edge gone, the media range gone, more than half of the ranges gone): those
//! are refused unless the user, having read the diff, passes `--accept-shrink`.
//!
//! Ranges are compared as the addresses they cover ([`super::netset`]): a page that lists the
//! preset's /30 as four single addresses, two /31s or `a - b` is current; a change is the
//! addresses added and removed, and what is written is the canonical shape (the fewest CIDR
//! blocks). Every rule about losses counts addresses lost, not lines that differ.
//!
//! Ranges Twilio stops publishing are not just deleted: they move to a new `retired` block dated
//! the day pbxgen noticed, so the auditor (PBX304) keeps flagging configs that still permit them
//! — a dropped AWS address may be rented by someone else tomorrow. The date is when the drop was
//! *noticed*, not when Twilio stopped using the range, and the block says so. A range published
//! again leaves the retired list.

use super::extract::{Extracted, extract};
use super::fetch::{FetchError, Fetcher, Page, display_url};
use super::netset::{canonical, same_addresses, subtract};
use super::page::PageFormat;
use super::ranges::{Edge, MediaRanges, PortRange, RetiredBlock, TwilioRanges};
use super::special::special_purpose;
use crate::diag::Error;
use ipnet::IpNet;
use std::time::Instant;

/// Twilio's IP-addresses page, Markdown twin first (smaller, and not rendered by JavaScript).
pub const DEFAULT_SOURCE: &str = "https://www.twilio.com/docs/sip-trunking/ip-addresses.md";

/// Signalling ranges are /30s; anything wider than this is not a Twilio signalling range.
pub const SIGNALLING_WIDEST: u8 = 16;
/// The media range is a /18; anything wider than this is not a Twilio media range.
pub const MEDIA_WIDEST: u8 = 12;
/// The same for IPv6 (Twilio publishes none today): a signalling range wider than a /48 (one
/// site's allocation) or a media range wider than a /32 (a whole provider's) cannot be one.
pub const SIGNALLING_WIDEST_V6: u8 = 48;
pub const MEDIA_WIDEST_V6: u8 = 32;

/// The widest prefix length allowed for `net`'s family.
fn widest(net: &IpNet, v4: u8, v6: u8) -> u8 {
    match net {
        IpNet::V4(_) => v4,
        IpNet::V6(_) => v6,
    }
}

/// Name of the retired block that `refresh` adds.
pub const DROPPED_BLOCK: &str =
    "dropped from Twilio's published list (dated when pbxgen twilio refresh noticed it)";

/// A page read and understood.
#[derive(Debug, Clone)]
pub struct Source {
    pub page: Page,
    pub extracted: Extracted,
    /// What happened on the way (a fallback to the HTML twin), for the user.
    pub notes: Vec<String>,
}

/// Fetch `url` and extract its ranges. A Markdown twin (`….md`) that is missing, not text, or
/// yields no ranges falls back to its HTML page (the same URL without `.md`); failures of the
/// connection or of a safety rule do not, since the other twin lives on the same server.
pub fn read_source(
    url: &str,
    fetcher: &Fetcher,
    deadline: Instant,
    known: &[Edge],
) -> Result<Source, Error> {
    let mut notes = Vec::new();
    let twin = html_twin(url);
    let first = fetcher.get(url, deadline);
    let first_problem = match first {
        Ok(page) => {
            let extracted = parse(&page, known);
            if !extracted.is_empty() {
                return Ok(Source {
                    page,
                    extracted,
                    notes,
                });
            }
            no_ranges(&page.url)
        }
        Err(e) if twin.is_some() && e.is_document_specific() => e.to_string(),
        Err(e) => return Err(fetch_error(&e)),
    };
    let Some(twin) = twin else {
        return Err(Error::invalid(first_problem).with_hint(NO_RANGES_HINT));
    };
    notes.push(format!(
        "{first_problem}; trying the HTML page {}",
        display_url(&twin)
    ));
    let page = fetcher.get(&twin, deadline).map_err(|e| {
        let mut err = fetch_error(&e);
        err.message = format!("{first_problem}; then {}", err.message);
        err
    })?;
    let extracted = parse(&page, known);
    if extracted.is_empty() {
        let message = format!("{first_problem}; then {}", no_ranges(&page.url));
        return Err(Error::invalid(message).with_hint(NO_RANGES_HINT));
    }
    Ok(Source {
        page,
        extracted,
        notes,
    })
}

const NO_RANGES_HINT: &str = "the page may have moved or changed shape; check it in a browser, \
                              and point --source at the page that lists the ranges";

fn no_ranges(url: &str) -> String {
    format!(
        "{url}: the page yields no Twilio ranges (no media range and no signalling range under \
         any edge)"
    )
}

fn parse(page: &Page, known: &[Edge]) -> Extracted {
    let format = PageFormat::sniff(page.content_type.as_deref(), &page.body);
    extract(&page.body, format, known)
}

/// `https://host/path.md` → `https://host/path`.
fn html_twin(url: &str) -> Option<String> {
    let mut parsed = reqwest::Url::parse(url).ok()?;
    let path = parsed.path().strip_suffix(".md")?.to_string();
    parsed.set_path(&path);
    parsed.set_query(None);
    parsed.set_fragment(None);
    Some(parsed.to_string())
}

fn fetch_error(e: &FetchError) -> Error {
    let err = Error::invalid(e.to_string());
    match e.hint() {
        Some(hint) => err.with_hint(hint),
        None => err,
    }
}

// ---------------------------------------------------------------------------------------------
// Comparing and updating

/// The outcome of comparing a page with a preset.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The preset as it would be written. Equal to the current one when nothing changed.
    pub updated: TwilioRanges,
    pub changes: Changes,
    /// Sanity rules the page breaks. Empty when the update is safe.
    pub refusals: Vec<Refusal>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub message: String,
    /// `--accept-shrink` overrides it.
    pub overridable: bool,
}

/// What differs between the preset and the page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Edges with a difference, preset order first, then new edges in page order.
    pub edges: Vec<EdgeChange>,
    pub media_added: Vec<IpNet>,
    pub media_removed: Vec<IpNet>,
    /// (before, after) when the media ports changed.
    pub media_ports: Option<(PortRange, PortRange)>,
    /// Networks moved to the new retired block.
    pub retired: Vec<IpNet>,
    /// Networks removed from retired blocks because they are published again.
    pub revived: Vec<IpNet>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeChange {
    /// `ashburn (us1)`.
    pub label: String,
    pub status: EdgeStatus,
    /// The addresses the page adds, as canonical blocks.
    pub added: Vec<IpNet>,
    /// The addresses the page no longer lists, as canonical blocks.
    pub removed: Vec<IpNet>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeStatus {
    /// On the page, not in the preset.
    New,
    /// In the preset, not on the page.
    Gone,
    /// In both, with different ranges.
    Changed,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.edges.is_empty()
            && self.media_added.is_empty()
            && self.media_removed.is_empty()
            && self.media_ports.is_none()
    }
}

/// Compare `page` (read from `source` on `today`) with `current`.
pub fn plan(current: &TwilioRanges, page: &Extracted, source: &str, today: &str) -> Plan {
    let mut refusals = Vec::new();
    check_networks(page, &mut refusals);
    let mut changes = Changes::default();

    // Edges: the preset's, in its order, then new ones in page order.
    let mut edges = Vec::new();
    for edge in &current.edges {
        match page.edge(&edge.name) {
            // The same addresses in any shape: the preset's edge stays as written.
            Some(found) if same_addresses(&edge.signalling, &found.signalling) => {
                edges.push(edge.clone());
            }
            Some(found) => {
                let signalling = canonical(&found.signalling);
                changes.edges.push(EdgeChange {
                    label: edge.label(),
                    status: EdgeStatus::Changed,
                    added: subtract(&signalling, &edge.signalling),
                    removed: subtract(&edge.signalling, &signalling),
                });
                edges.push(Edge {
                    signalling,
                    ..edge.clone()
                });
            }
            None => changes.edges.push(EdgeChange {
                label: edge.label(),
                status: EdgeStatus::Gone,
                added: Vec::new(),
                removed: canonical(&edge.signalling),
            }),
        }
    }
    for found in &page.edges {
        if current.edges.iter().any(|e| e.name == found.name) {
            continue;
        }
        let edge = Edge {
            name: found.name.clone(),
            legacy: found.legacy.clone(),
            location: String::new(),
            signalling: canonical(&found.signalling),
        };
        changes.edges.push(EdgeChange {
            label: edge.label(),
            status: EdgeStatus::New,
            added: edge.signalling.clone(),
            removed: Vec::new(),
        });
        edges.push(edge);
    }

    // Media.
    let media_ranges = if same_addresses(&current.media.ranges, &page.media) {
        current.media.ranges.clone()
    } else {
        canonical(&page.media)
    };
    changes.media_added = subtract(&media_ranges, &current.media.ranges);
    changes.media_removed = subtract(&current.media.ranges, &media_ranges);
    let ports = page.media_ports.unwrap_or(current.media.ports);
    if ports != current.media.ports {
        changes.media_ports = Some((current.media.ports, ports));
    }
    let media_changed = !changes.media_added.is_empty()
        || !changes.media_removed.is_empty()
        || changes.media_ports.is_some();
    let media = MediaRanges {
        ranges: media_ranges,
        ports,
        since: if media_changed {
            today.to_string()
        } else {
            current.media.since.clone()
        },
    };

    if changes.is_empty() {
        return Plan {
            updated: current.clone(),
            changes,
            refusals,
        };
    }

    let mut updated = TwilioRanges {
        source: source.to_string(),
        retrieved: today.to_string(),
        signalling_ports: current.signalling_ports.clone(),
        edges,
        media,
        retired: current.retired.clone(),
    };
    // Addresses no longer published anywhere (a range that moved to another edge, or that a
    // wider published range now covers, is not gone).
    let old_all: Vec<IpNet> = current.all_current().copied().collect();
    let new_all: Vec<IpNet> = updated.all_current().copied().collect();
    let dropped = subtract(&old_all, &new_all);
    check_losses(current, page, &new_all, &dropped, &mut refusals);
    retire(&mut updated, &dropped, today, &mut changes);
    Plan {
        updated,
        changes,
        refusals,
    }
}

/// Rules on the page's networks themselves: never overridable.
fn check_networks(page: &Extracted, refusals: &mut Vec<Refusal>) {
    let mut refuse = |message: String| {
        refusals.push(Refusal {
            message,
            overridable: false,
        })
    };
    for edge in &page.edges {
        for net in &edge.signalling {
            if let Some((block, what)) = special_purpose(net) {
                refuse(format!(
                    "signalling range {net} of edge {} is in {block}, a {what} network: no \
                     Twilio range can be",
                    edge.name
                ));
            } else if net.prefix_len() < widest(net, SIGNALLING_WIDEST, SIGNALLING_WIDEST_V6) {
                refuse(format!(
                    "signalling range {net} of edge {} is wider than /{}: Twilio's signalling \
                     ranges are /30s",
                    edge.name,
                    widest(net, SIGNALLING_WIDEST, SIGNALLING_WIDEST_V6)
                ));
            }
        }
    }
    for net in &page.media {
        if let Some((block, what)) = special_purpose(net) {
            refuse(format!(
                "media range {net} is in {block}, a {what} network: no Twilio range can be"
            ));
        } else if net.prefix_len() < widest(net, MEDIA_WIDEST, MEDIA_WIDEST_V6) {
            refuse(format!(
                "media range {net} is wider than /{}: Twilio's media range is a /18",
                widest(net, MEDIA_WIDEST, MEDIA_WIDEST_V6)
            ));
        }
    }
}

/// Rules on what the update would lose: overridable with `--accept-shrink`. `published` is
/// every address the update keeps; `dropped` the addresses it loses.
fn check_losses(
    current: &TwilioRanges,
    page: &Extracted,
    published: &[IpNet],
    dropped: &[IpNet],
    refusals: &mut Vec<Refusal>,
) {
    let mut refuse = |message: String| {
        refusals.push(Refusal {
            message,
            overridable: true,
        })
    };
    let lost: Vec<String> = current
        .edges
        .iter()
        .filter(|e| page.edge(&e.name).is_none())
        .map(Edge::label)
        .collect();
    if !lost.is_empty() {
        refuse(format!(
            "the page lists {} edge(s) where the preset has {}: {} missing. Twilio fails calls \
             over between edges, so dropping one blocks calls from it",
            page.edges.len(),
            current.edges.len(),
            lost.join(", ")
        ));
    }
    if page.media.is_empty() && !current.media.ranges.is_empty() {
        refuse(format!(
            "the page lists no media range; the preset has {}",
            join(&current.media.ranges)
        ));
    }
    // A preset range counts as dropped when the update loses any of its addresses.
    let total = current.all_current().count();
    let losing = current
        .all_current()
        .filter(|old| !subtract(&[**old], published).is_empty())
        .count();
    if losing * 2 > total {
        refuse(format!(
            "the update would drop addresses of {losing} of the preset's {total} ranges (more \
             than half): {}",
            join(dropped)
        ));
    }
}

/// Move `dropped` into today's retired block and take ranges whose every address is published
/// again out of the retired blocks. A retired range that only overlaps current ones stays: the
/// old regional media blocks (54.172.60.0/23) hold today's signalling /30s, and permitting the
/// whole block is still wrong.
fn retire(updated: &mut TwilioRanges, dropped: &[IpNet], today: &str, changes: &mut Changes) {
    let current: Vec<IpNet> = updated.all_current().copied().collect();
    for block in &mut updated.retired {
        block.ranges.retain(|net| {
            let again = subtract(&[*net], &current).is_empty();
            if again {
                changes.revived.push(*net);
            }
            !again
        });
    }
    updated.retired.retain(|b| !b.ranges.is_empty());
    if dropped.is_empty() {
        return;
    }
    changes.retired = dropped.to_vec();
    let existing = updated
        .retired
        .iter_mut()
        .find(|b| b.name == DROPPED_BLOCK && b.retired == today);
    match existing {
        Some(block) => {
            block.ranges.extend(dropped.iter().copied());
            block.ranges = canonical(&block.ranges);
        }
        None => updated.retired.push(RetiredBlock {
            name: DROPPED_BLOCK.to_string(),
            retired: today.to_string(),
            ranges: canonical(dropped),
        }),
    }
}

fn join(nets: &[IpNet]) -> String {
    nets.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
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
    fn the_same_addresses_in_other_shapes_change_nothing() {
        let current = TwilioRanges::embedded();
        let mut page = page_of(&current);
        page.edges[0].signalling = ["54.172.60.0/32", "54.172.60.1/32", "54.172.60.2/31"]
            .map(net)
            .to_vec();
        page.edges[1].signalling = ["54.244.51.0/30", "54.244.51.1/32"].map(net).to_vec();
        let plan = plan(&current, &page, SOURCE, TODAY);
        assert!(plan.changes.is_empty(), "{:?}", plan.changes);
        assert_eq!(plan.updated, current);
        // A real change is the addresses added, written as the fewest blocks.
        page.edges[0].signalling.push(net("54.172.60.4/31"));
        page.edges[0].signalling.push(net("54.172.60.6/31"));
        let plan = super::plan(&current, &page, SOURCE, TODAY);
        assert_eq!(plan.changes.edges[0].added, [net("54.172.60.4/30")]);
        assert!(plan.changes.edges[0].removed.is_empty());
        assert_eq!(plan.updated.edges[0].signalling, [net("54.172.60.0/29")]);
        assert!(plan.changes.retired.is_empty());
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
                .contains("drop addresses of 5 of the preset's 9 ranges (more than half)")
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
}
