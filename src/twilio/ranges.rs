//! The Twilio range preset: current signalling ranges per edge, the media range, and the retired
//! lists the auditor recognises. The copy in `profiles/twilio.yaml` is embedded in the binary so
//! pbxgen works with no files around it; a site profile or `--preset` may point at another copy.

use crate::diag::Error;
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The preset shipped with this build of pbxgen.
pub const EMBEDDED_PRESET: &str = include_str!("../../profiles/twilio.yaml");

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TwilioRanges {
    /// The page the ranges were read from.
    pub source: String,
    /// The date (YYYY-MM-DD) they were read.
    pub retrieved: String,
    pub signalling_ports: SignallingPorts,
    pub edges: Vec<Edge>,
    pub media: MediaRanges,
    #[serde(default)]
    pub retired: Vec<RetiredBlock>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignallingPorts {
    pub udp: u16,
    pub tcp: u16,
    pub tls: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edge {
    /// Current edge name (`ashburn`).
    pub name: String,
    /// Legacy region name (`us1`).
    pub legacy: String,
    #[serde(default)]
    pub location: String,
    pub signalling: Vec<IpNet>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediaRanges {
    pub ranges: Vec<IpNet>,
    pub ports: PortRange,
    #[serde(default)]
    pub since: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortRange {
    pub first: u16,
    pub last: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetiredBlock {
    pub name: String,
    pub retired: String,
    pub ranges: Vec<IpNet>,
}

impl TwilioRanges {
    /// The preset embedded at build time.
    pub fn embedded() -> Self {
        Self::parse(EMBEDDED_PRESET, "profiles/twilio.yaml (embedded)")
            .expect("the embedded Twilio preset is valid (checked by tests)")
    }

    /// Read a preset file: the one loader of preset files (`twilio.preset` in a profile,
    /// `--twilio-preset`, `twilio refresh --preset`, `twilio firewall --preset`).
    pub fn load(path: &Path) -> Result<Self, Error> {
        Ok(Self::load_with_text(path)?.0)
    }

    /// [`TwilioRanges::load`], also returning the file's text (what `twilio refresh` diffs).
    pub fn load_with_text(path: &Path) -> Result<(Self, String), Error> {
        let text = crate::fsutil::read_text(path, crate::fsutil::Limit::Profile)?;
        Ok((Self::parse(&text, &path.display().to_string())?, text))
    }

    /// Parse preset text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Self, Error> {
        serde_saphyr::from_str::<TwilioRanges>(text)
            .map_err(|e| Error::invalid(format!("{origin}: not a valid Twilio range preset: {e}")))
    }

    /// Find an edge by its current or legacy name (case-insensitive).
    pub fn edge(&self, name: &str) -> Option<&Edge> {
        self.edges
            .iter()
            .find(|e| e.name.eq_ignore_ascii_case(name) || e.legacy.eq_ignore_ascii_case(name))
    }

    /// Every current signalling network, all edges.
    pub fn all_signalling(&self) -> impl Iterator<Item = &IpNet> {
        self.edges.iter().flat_map(|e| e.signalling.iter())
    }

    /// Every network Twilio currently publishes: signalling of all edges, then media.
    pub fn all_current(&self) -> impl Iterator<Item = &IpNet> {
        self.all_signalling().chain(self.media.ranges.iter())
    }

    /// What `net` is to Twilio. A network inside a current signalling range or the media range is
    /// current even when a retired block also covers it: the retired regional media blocks (e.g.
    /// 54.172.60.0/23) contain today's signalling /30s, and permitting the /30 is right while
    /// permitting the whole /23 is not. CIDR blocks either nest or are disjoint, so "overlaps a
    /// retired block" means the net lies inside one or covers one; the smallest such block wins.
    pub fn classify(&self, net: &IpNet) -> RangeStatus<'_> {
        for edge in &self.edges {
            if edge.signalling.iter().any(|s| s.contains(net)) {
                return RangeStatus::Current { edge };
            }
        }
        if self.media.ranges.iter().any(|m| m.contains(net)) {
            return RangeStatus::Media;
        }
        self.retired
            .iter()
            .flat_map(|block| block.ranges.iter().map(move |r| (block, r)))
            .filter(|(_, r)| r.contains(net) || net.contains(*r))
            .max_by_key(|(_, r)| r.prefix_len())
            .map_or(RangeStatus::Unknown, |(block, _)| RangeStatus::Retired {
                block,
            })
    }

    /// Edges whose signalling ranges `permitted` does not wholly cover (audit: a missing edge
    /// means calls fail when Twilio fails over to it). Adjacent permitted networks count
    /// together, so four /32s cover a /30.
    pub fn edges_not_covered(&self, permitted: &[IpNet]) -> Vec<&Edge> {
        let merged = IpNet::aggregate(&permitted.to_vec());
        self.edges
            .iter()
            .filter(|edge| {
                !edge
                    .signalling
                    .iter()
                    .all(|s| merged.iter().any(|p| p.contains(s)))
            })
            .collect()
    }
}

impl Edge {
    /// `ashburn (us1)`: how edges are named in messages.
    pub fn label(&self) -> String {
        if self.legacy.is_empty() {
            self.name.clone()
        } else {
            format!("{} ({})", self.name, self.legacy)
        }
    }
}

impl std::fmt::Display for PortRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.first, self.last)
    }
}

/// What a network is to Twilio; see [`TwilioRanges::classify`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeStatus<'a> {
    /// Inside a current signalling range of this edge.
    Current { edge: &'a Edge },
    /// Inside the current media range.
    Media,
    /// Overlaps a range Twilio no longer uses (and is not inside a current one).
    Retired { block: &'a RetiredBlock },
    /// Nothing Twilio publishes or published.
    Unknown,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_preset_matches_the_published_list() {
        let r = TwilioRanges::embedded();
        assert_eq!(r.edges.len(), 8);
        assert!(
            r.edges
                .iter()
                .all(|e| e.signalling.iter().all(|n| n.prefix_len() == 30))
        );
        assert_eq!(
            r.media.ranges,
            vec!["168.86.128.0/18".parse::<IpNet>().unwrap()]
        );
        assert_eq!(r.edge("us1").unwrap().name, "ashburn");
        assert_eq!(r.retired[0].ranges.len(), 23);
    }

    fn net(s: &str) -> IpNet {
        s.parse().unwrap()
    }

    #[test]
    fn classify_prefers_current_over_the_retired_block_that_covers_it() {
        let r = TwilioRanges::embedded();
        // 54.172.60.0/30 (ashburn signalling) lies inside the retired media block 54.172.60.0/23.
        match r.classify(&net("54.172.60.2/32")) {
            RangeStatus::Current { edge } => assert_eq!(edge.name, "ashburn"),
            other => panic!("expected current, got {other:?}"),
        }
        assert!(matches!(
            r.classify(&net("54.172.60.0/30")),
            RangeStatus::Current { .. }
        ));
        assert_eq!(r.classify(&net("168.86.130.7/32")), RangeStatus::Media);
        assert_eq!(r.classify(&net("168.86.128.0/18")), RangeStatus::Media);
    }

    #[test]
    fn classify_recognises_retired_blocks_and_wider_permits() {
        let r = TwilioRanges::embedded();
        let name = |status: RangeStatus<'_>| match status {
            RangeStatus::Retired { block } => block.name.clone(),
            other => panic!("expected retired, got {other:?}"),
        };
        // The whole retired /23 grants far more than the current /30 inside it.
        assert!(name(r.classify(&net("54.172.60.0/23"))).starts_with("regional media"));
        // An address of the /23 outside the /30.
        assert!(name(r.classify(&net("54.172.61.10/32"))).starts_with("regional media"));
        // A 2013 single address, and a wider net that covers one.
        assert!(name(r.classify(&net("107.21.222.153/32"))).starts_with("2013"));
        assert!(name(r.classify(&net("107.21.222.0/24"))).starts_with("2013"));
    }

    #[test]
    fn classify_unknown_for_everything_else() {
        let r = TwilioRanges::embedded();
        assert_eq!(r.classify(&net("192.0.2.1/32")), RangeStatus::Unknown);
        assert_eq!(r.classify(&net("2001:db8::/32")), RangeStatus::Unknown);
        // A neighbour of the media /18 is not media.
        assert_eq!(r.classify(&net("168.86.192.0/32")), RangeStatus::Unknown);
    }

    #[test]
    fn edges_not_covered_merges_adjacent_permits() {
        let r = TwilioRanges::embedded();
        let mut permitted: Vec<IpNet> = r
            .all_signalling()
            .copied()
            .filter(|n| n.to_string() != "54.252.254.64/30")
            .collect();
        let missing: Vec<_> = r
            .edges_not_covered(&permitted)
            .into_iter()
            .map(|e| e.name.as_str())
            .collect();
        assert_eq!(missing, ["sydney"]);
        // Four single addresses cover the /30.
        permitted.extend(
            [
                "54.252.254.64/32",
                "54.252.254.65/32",
                "54.252.254.66/32",
                "54.252.254.67/32",
            ]
            .map(net),
        );
        assert!(r.edges_not_covered(&permitted).is_empty());
        // Three do not.
        permitted.retain(|n| n.to_string() != "54.252.254.67/32");
        assert_eq!(r.edges_not_covered(&permitted).len(), 1);
    }
}
