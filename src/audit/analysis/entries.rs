//! Untrusted entry points: where calls from people you do not know land in the dialplan.

use super::network::{acl_denies_the_world, pjsip_global_acl_denies_the_world};
use super::path::{PathStep, line_step};
use super::trunks::{Trunks, sip_ip_identified};
use super::twilio::is_twilio;
use crate::asterisk::model::pjsip::PjsipEndpoint;
use crate::asterisk::model::sip::{SipPeer, SipPeerKind};
use crate::asterisk::model::{Located, Pbx};
use crate::asterisk::source::Pos;
use crate::twilio::TwilioRanges;
use ipnet::IpNet;
use std::collections::HashSet;

/// Why a context is an untrusted entry point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntryKind {
    /// chan_sip `allowguest` (or `autocreatepeer`): anyone lands in `[general]` `context`.
    Guest,
    /// pjsip `anonymous` endpoint.
    Anonymous,
    /// An endpoint/peer identified by source address only (no secret).
    IpIdentified,
    /// An account that never authenticates and is matched by name: a pjsip endpoint without
    /// inbound `auth` whose `identify_by` holds `username`/`auth_username` (the default), a
    /// chan_sip user/friend without a secret (or with `insecure=invite`). Anyone who writes
    /// its name in the From header is it, from anywhere.
    Unauthenticated,
    /// A trunk's inbound context: any PSTN caller lands there (ITSP, the ATA's PSTN line).
    Trunk,
    /// The WebSMS `[astqueue]` contexts (call files from incoming-SMS webhooks).
    Websms,
    /// A pjsip endpoint for web pages (`webrtc=yes` or a `ws`/`wss` transport): its credentials
    /// are in a page's JavaScript, so anyone has them.
    Web,
}

impl EntryKind {
    pub fn describe(self) -> &'static str {
        match self {
            EntryKind::Guest => "unauthenticated SIP guests",
            EntryKind::Anonymous => "the anonymous pjsip endpoint",
            EntryKind::IpIdentified => "an endpoint identified by IP address only",
            EntryKind::Unauthenticated => "anyone who names an account that never authenticates",
            EntryKind::Trunk => "callers arriving over a trunk",
            EntryKind::Websms => "WebSMS call files",
            EntryKind::Web => "an endpoint for web pages, whose credentials are public",
        }
    }
}

/// An untrusted entry point.
#[derive(Clone, Debug)]
pub struct Entry {
    pub kind: EntryKind,
    /// Who enters: `[general]`, a peer or endpoint name, `[astqueue]`.
    pub source: String,
    /// The context calls land in.
    pub context: String,
    /// Where the context is named (or the section header when it is Asterisk's default).
    pub pos: Pos,
    /// The first step of every path from here.
    pub step: PathStep,
    /// Identified by Twilio's (shared) address ranges.
    pub twilio: bool,
}

/// Every entry point of the PBX, in config order.
pub fn find(pbx: &Pbx, twilio: &TwilioRanges, trunks: &Trunks) -> Vec<Entry> {
    let mut out = Vec::new();
    if let Some(sip) = &pbx.sip {
        let g = &sip.general;
        if g.allowguest.value || g.autocreatepeer.value {
            let fallback = g
                .allowguest
                .pos
                .or(g.pos)
                .unwrap_or(sip_file_pos(pbx, sip.file));
            out.push(entry(
                pbx,
                EntryKind::Guest,
                "general",
                &g.context,
                fallback,
                false,
            ));
        }
        for p in &sip.peers {
            let ip_identified = sip_ip_identified(p);
            // The host is parsed only for a peer it identifies: most peers are `dynamic`, and
            // trying a word as an IPv4 and an IPv6 address, 20,000 times, shows in a profile.
            let is_tw = ip_identified && {
                let host_net = p
                    .host
                    .as_ref()
                    .and_then(|h| h.value.parse::<std::net::IpAddr>().ok())
                    .map(IpNet::from);
                let twilio_nets = host_net.iter().chain(
                    p.acl
                        .rules
                        .iter()
                        .filter(|r| r.effective_permit())
                        .filter_map(|r| r.target.net()),
                );
                twilio_nets.into_iter().any(|n| is_twilio(n, twilio))
            };
            let kind = if sip_unauthenticated_by_name(p) {
                EntryKind::Unauthenticated
            } else if ip_identified {
                EntryKind::IpIdentified
            } else if trunks.contains("sip", &p.name) {
                EntryKind::Trunk
            } else {
                continue;
            };
            out.push(entry(pbx, kind, &p.name, &p.context, p.pos, is_tw));
        }
    }
    if let Some(pj) = &pbx.pjsip {
        for e in &pj.endpoints {
            if !e.meta.loads() {
                continue;
            }
            let matches: Vec<&IpNet> = pj
                .identifies_of(e)
                .flat_map(|i| i.matches.iter())
                .filter_map(|m| m.target.net())
                .collect();
            let kind = if e.is_anonymous {
                EntryKind::Anonymous
            } else if pj.is_web_endpoint(e) {
                // Public credentials or none: either way anyone is it. PBX207 follows Web
                // entries; PBX210 still reports one that never authenticates.
                EntryKind::Web
            } else if pjsip_unauthenticated_by_name(pbx, e) {
                EntryKind::Unauthenticated
            } else if pj.identifies_of(e).next().is_some() && e.auth.is_empty() {
                EntryKind::IpIdentified
            } else if trunks.contains("pjsip", &e.meta.id) {
                EntryKind::Trunk
            } else {
                continue;
            };
            let is_tw = kind == EntryKind::IpIdentified
                && !matches.is_empty()
                && matches.iter().all(|n| is_twilio(n, twilio));
            out.push(entry(pbx, kind, &e.meta.id, &e.context, e.meta.pos, is_tw));
        }
    }
    if let Some(ws) = &pbx.websms {
        let mut seen = HashSet::new();
        for ctx in [&ws.channel_context, &ws.context] {
            if seen.insert(ctx.value.clone()) {
                let pos = ctx.pos.unwrap_or(sip_file_pos(pbx, ws.file));
                out.push(entry(pbx, EntryKind::Websms, "astqueue", ctx, pos, false));
            }
        }
    }
    out
}

/// A chan_sip user/friend that is never challenged: no secret, or `insecure=invite`. INVITEs
/// are matched to users and friends by the From user first (`check_user_full`), so anyone
/// who names it is it — unless its ACL denies the world.
pub fn sip_unauthenticated_by_name(p: &SipPeer) -> bool {
    p.kind.value != SipPeerKind::Peer
        && (!p.has_secret() || p.insecure_invite())
        && !acl_denies_the_world(&p.acl)
}

/// A pjsip endpoint without inbound `auth` that `identify_by` lets the `username` (or
/// `auth_username`) identifier match: a request whose From user is its name is accepted
/// without a challenge from any address (`res_pjsip_endpoint_identifier_user.c`,
/// `digest_requires_authentication`), whether or not an `identify` also matches it by IP —
/// unless its ACL, or a global `type=acl`, denies the world.
pub fn pjsip_unauthenticated_by_name(pbx: &Pbx, e: &PjsipEndpoint) -> bool {
    e.meta.loads()
        && !e.is_anonymous
        && e.auth.is_empty()
        && e.identified_by_name()
        && !acl_denies_the_world(&e.acl)
        && !pjsip_global_acl_denies_the_world(pbx)
}

fn sip_file_pos(pbx: &Pbx, file: u32) -> Pos {
    let f = &pbx.config.files[file as usize];
    Pos::new(f.file, 1, 1)
}

fn entry(
    pbx: &Pbx,
    kind: EntryKind,
    source: &str,
    context: &Located<impl AsRef<str>>,
    fallback: Pos,
    twilio: bool,
) -> Entry {
    let (pos, step) = match context.pos {
        Some(pos) => {
            let mut step = line_step(pbx, pos, None);
            step.text = format!("[{source}] {}", step.text);
            (pos, step)
        }
        None => {
            let base = line_step(pbx, fallback, None);
            let step = PathStep {
                text: format!(
                    "[{source}] (no context: Asterisk uses `{}`)",
                    context.value.as_ref()
                ),
                ..base
            };
            (fallback, step)
        }
    };
    Entry {
        kind,
        source: source.to_string(),
        context: context.value.as_ref().to_string(),
        pos,
        step,
        twilio,
    }
}
