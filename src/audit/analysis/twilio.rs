//! Twilio facts for the rules: is a network one of Twilio's current ranges, a retired one, or
//! neither? A network inside a current signalling /30 or the media /18 is current, even though
//! the retired 2024 regional media blocks (e.g. 54.172.60.0/23) contain the current /30s.

use crate::twilio::TwilioRanges;
use ipnet::IpNet;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TwilioClass {
    /// Inside a current signalling range.
    Signalling,
    /// Inside the current media range.
    Media,
    /// Inside a retired block (or equal to one) and not inside a current range.
    Retired,
}

/// Classify `net` against the preset.
pub fn classify(net: &IpNet, ranges: &TwilioRanges) -> Option<TwilioClass> {
    if ranges.all_signalling().any(|r| r.contains(net)) {
        return Some(TwilioClass::Signalling);
    }
    if ranges.media.ranges.iter().any(|r| r.contains(net)) {
        return Some(TwilioClass::Media);
    }
    ranges
        .retired
        .iter()
        .flat_map(|b| b.ranges.iter())
        .any(|r| r.contains(net))
        .then_some(TwilioClass::Retired)
}

/// [`classify`] remembering each network's class: a provider's peers repeat the same few
/// networks (a template's permit lines) tens of thousands of times, and each classification
/// compares against every range of the preset.
pub struct Classifier<'a> {
    ranges: &'a TwilioRanges,
    known: crate::asterisk::fast_hash::FastMap<IpNet, Option<TwilioClass>>,
    /// The network asked about last and its class: peers on one template ask about the same
    /// network one after the other, answered without hashing it.
    last: Option<(IpNet, Option<TwilioClass>)>,
}

impl<'a> Classifier<'a> {
    pub fn new(ranges: &'a TwilioRanges) -> Self {
        Classifier {
            ranges,
            known: Default::default(),
            last: None,
        }
    }

    pub fn classify(&mut self, net: &IpNet) -> Option<TwilioClass> {
        if let Some((last, class)) = self.last {
            if last == *net {
                return class;
            }
        }
        let class = *self
            .known
            .entry(*net)
            .or_insert_with(|| classify(net, self.ranges));
        self.last = Some((*net, class));
        class
    }
}

/// The name of the retired list `net` falls in (for messages).
pub fn retired_list<'a>(net: &IpNet, ranges: &'a TwilioRanges) -> Option<&'a str> {
    ranges
        .retired
        .iter()
        .find(|b| b.ranges.iter().any(|r| r.contains(net)))
        .map(|b| b.name.as_str())
}

/// Whether `net` is any Twilio address, current or retired (shared by every Twilio customer).
pub fn is_twilio(net: &IpNet, ranges: &TwilioRanges) -> bool {
    classify(net, ranges).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Option<TwilioClass> {
        classify(&s.parse().unwrap(), &TwilioRanges::embedded())
    }

    #[test]
    fn current_ranges_inside_retired_blocks_are_current() {
        assert_eq!(c("54.172.60.0/30"), Some(TwilioClass::Signalling));
        assert_eq!(c("54.172.60.2/32"), Some(TwilioClass::Signalling));
        assert_eq!(c("168.86.130.0/24"), Some(TwilioClass::Media));
        assert_eq!(c("54.172.60.0/23"), Some(TwilioClass::Retired));
        assert_eq!(c("54.172.61.10/32"), Some(TwilioClass::Retired));
        assert_eq!(c("107.21.222.153/32"), Some(TwilioClass::Retired));
        assert_eq!(c("203.0.113.1/32"), None);
        // A huge network is not "a Twilio address" (PBX202 reports it).
        assert_eq!(c("0.0.0.0/0"), None);
    }
}
