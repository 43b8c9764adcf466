//! Which peers and endpoints are trunks (calls through them cost money), and which `Dial`s send
//! a number out through one.

use crate::asterisk::fast_hash::{FastMap, FastSet};
use crate::asterisk::model::Pbx;
use crate::asterisk::model::dialplan::{DialTarget, Tech};
use crate::asterisk::model::sip::SipPeer;

/// chan_sip: a peer with a fixed host that is not challenged (`insecure=invite` or no secret).
pub fn sip_ip_identified(p: &SipPeer) -> bool {
    let fixed = p
        .host
        .as_ref()
        .is_some_and(|h| !h.value.is_empty() && !h.value.eq_ignore_ascii_case("dynamic"));
    fixed && (p.insecure_invite() || !p.has_secret())
}

/// Peers and endpoints that are trunks: names by channel technology (`sip`, `pjsip`, `iax2`;
/// case-insensitive), looked up without building a key per question.
#[derive(Debug, Default)]
pub struct Trunks(FastMap<String, FastSet<String>>);

impl Trunks {
    fn insert(&mut self, tech: &str, name: &str) {
        self.0
            .entry(tech.to_ascii_lowercase())
            .or_default()
            .insert(name.to_string());
    }

    /// Whether `tech/name` (e.g. `sip/atapstn`) is a trunk.
    pub fn contains(&self, tech: &str, name: &str) -> bool {
        let names = if tech.bytes().any(|b| b.is_ascii_uppercase()) {
            self.0.get(&tech.to_ascii_lowercase())
        } else {
            self.0.get(tech)
        };
        names.is_some_and(|names| names.contains(name))
    }
}

pub fn tech_name(t: &Tech) -> &str {
    match t {
        Tech::Pjsip => "pjsip",
        Tech::Sip => "sip",
        Tech::Iax2 => "iax2",
        Tech::Dahdi => "dahdi",
        Tech::Local => "local",
        Tech::Other(s) => s.as_str(),
    }
}

/// If `d` sends a number out through a trunk, the trunk's name.
pub fn money_trunk(d: &DialTarget, trunks: &Trunks) -> Option<String> {
    let tech = tech_name(&d.tech);
    match d.tech {
        Tech::Local => None,
        // DAHDI channels and groups are PSTN lines.
        Tech::Dahdi => Some(format!(
            "DAHDI/{}",
            d.peer.as_deref().unwrap_or(&d.resource)
        )),
        Tech::Pjsip | Tech::Sip | Tech::Iax2 => {
            let peer = d.peer.as_deref()?;
            // A number handed to a peer (`num@peer`, `peer/num`) is dialled by that peer: it is
            // a gateway, whatever else we know about it. A known trunk dialled without a number
            // still costs money (its default destination).
            let is_money = d.number_expr.as_deref().is_some_and(|n| !n.is_empty())
                || trunks.contains(tech, peer);
            is_money.then(|| format!("{}/{}", tech_upper(tech), peer))
        }
        Tech::Other(_) => None,
    }
}

fn tech_upper(t: &str) -> String {
    match t {
        "pjsip" => "PJSIP".into(),
        "sip" => "SIP".into(),
        "iax2" => "IAX2".into(),
        other => other.to_string(),
    }
}

/// Peers and endpoints that are trunks: registered to a provider, authenticating outbound,
/// identified by IP, `insecure=invite`, a provider host, or dialled with a number.
pub fn find_trunks(pbx: &Pbx) -> Trunks {
    let mut t = Trunks::default();
    if let Some(sip) = &pbx.sip {
        let reg_hosts: FastSet<&str> = sip
            .general
            .registrations
            .iter()
            .map(|r| r.host.as_str())
            .collect();
        for p in &sip.peers {
            let host = p.host.as_ref().map(|h| h.value.as_str()).unwrap_or("");
            let fixed = !host.is_empty() && !host.eq_ignore_ascii_case("dynamic");
            if p.insecure_invite()
                || (fixed
                    && (reg_hosts.contains(host)
                        || p.fromdomain().is_some()
                        || p.fromuser().is_some()
                        || !p.has_secret()))
                || reg_hosts.contains(p.name.as_str())
            {
                t.insert("sip", &p.name);
            }
        }
    }
    if let Some(pj) = &pbx.pjsip {
        let registered: FastSet<&str> = pj
            .registrations
            .iter()
            .filter_map(|r| r.endpoint.as_ref().map(|e| e.value.as_str()))
            .chain(pj.registrations.iter().map(|r| r.meta.id.as_str()))
            .collect();
        for e in &pj.endpoints {
            if !e.outbound_auth.is_empty()
                || !e.identify.is_empty()
                || registered.contains(e.meta.id.as_str())
            {
                t.insert("pjsip", &e.meta.id);
            }
        }
    }
    for c in &pbx.dialplan.contexts {
        for d in &c.dials {
            if let (Some(peer), Some(n)) = (&d.peer, &d.number_expr) {
                if !n.is_empty() && matches!(d.tech, Tech::Pjsip | Tech::Sip | Tech::Iax2) {
                    t.insert(tech_name(&d.tech), peer);
                }
            }
        }
    }
    t
}
