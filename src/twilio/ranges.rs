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

    /// Read a preset file.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, &e))?;
        Self::parse(&text, &path.display().to_string())
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
}
