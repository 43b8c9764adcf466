//! The generator's promises, checked on every plan before anything is rendered. A plan that
//! breaks one is refused, whatever the profile says: these are bugs or profile combinations
//! pbxgen must not turn into a configuration.
//!
//! - No anonymous endpoint or peer (pjsip's guest), no duplicate object of one type (pjsip would
//!   drop the whole type), no section name Asterisk would cut.
//! - An endpoint identified by address carries no inbound `auth` (its calls would be challenged).
//! - SRTP only over TLS (SDES keys travel in the SDP).
//! - Every context an endpoint, peer, include or WebSMS names exists.
//! - An untrusted context reaches no trunk with a dialled number: no include, no outbound-route
//!   step, and only fixed numbers through a trunk.
//! - A click-to-call button's context (its account is public) reaches its callee only: every
//!   extension either rings the callee or jumps to `s` in the same context; no trunk at all.
//! - No party that registers is named like a caller ID (chan_sip and pjsip look a caller's From
//!   user up by name); each party is in one driver's file; the two drivers never listen on the
//!   same port, nor chan_sip on the port of Asterisk's HTTPS server (click-to-call).

use super::chan_sip::ChanSip;
use super::click_to_call::ClickToCall;
use super::dialplan::{Dialplan, Step, Trust};
use super::pjsip::{Pjsip, Protocol};
use crate::asterisk::fast_hash::FastSet;
use crate::diag::Error;
use crate::profile::Profile;
use crate::profile::resolved::extension_device_name;
use std::borrow::Cow;

/// Asterisk cuts section names here.
const MAX_SECTION_NAME: usize = 79;

fn refuse(message: String) -> Error {
    Error::invalid(format!("pbxgen refuses to render this site: {message}"))
}

/// `name` compared without case (Asterisk matches section and context names so), copied only
/// when it has upper-case letters.
fn folded(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

pub fn check(
    pjsip: Option<&Pjsip>,
    sip: Option<&ChanSip>,
    dialplan: &Dialplan,
    click_to_call: Option<&ClickToCall>,
    profile: &Profile,
) -> Result<(), Error> {
    // Hash sets keep the checks linear: provider profiles have 100,000 extensions.
    let mut contexts =
        FastSet::with_capacity_and_hasher(dialplan.contexts.len(), Default::default());
    for context in &dialplan.contexts {
        if !contexts.insert(folded(&context.name)) {
            return Err(refuse(format!("two contexts are named `{}`", context.name)));
        }
    }
    let context_exists = |name: &str| contexts.contains(&folded(name));
    let mut names: Vec<(&str, &str)> = Vec::new();

    if let Some(pjsip) = pjsip {
        for transport in &pjsip.transports {
            names.push(("transport", &transport.name));
        }
        for account in pjsip.accounts.iter() {
            let e = &account.endpoint;
            names.push(("endpoint", &e.name));
            names.extend(account.auths.iter().map(|a| ("auth", a.name.as_str())));
            names.extend(account.aor.iter().map(|a| ("aor", a.name.as_str())));
            names.extend(
                account
                    .identify
                    .iter()
                    .map(|i| ("identify", i.name.as_str())),
            );
            names.extend(
                account
                    .registration
                    .iter()
                    .map(|r| ("registration", r.name.as_str())),
            );
            if account.identify.is_some() && e.auth.is_some() {
                return Err(refuse(format!(
                    "endpoint `{}` is identified by address and has inbound auth",
                    e.name
                )));
            }
            let tls = e.transport.as_deref().is_some_and(|t| {
                pjsip
                    .transports
                    .iter()
                    .any(|x| x.name == t && x.protocol == Protocol::Tls)
            });
            if e.srtp && !tls {
                return Err(refuse(format!(
                    "endpoint `{}` would use SRTP without TLS",
                    e.name
                )));
            }
            for context in [&e.context, &e.message_context] {
                if !context_exists(context) {
                    return Err(refuse(format!(
                        "endpoint `{}` names context `{context}`, which is missing",
                        e.name
                    )));
                }
            }
        }
    }
    if let Some(sip) = sip {
        for peer in &sip.peers {
            names.push(("peer", &peer.name));
            if !context_exists(&peer.context) {
                return Err(refuse(format!(
                    "peer `{}` names context `{}`, which is missing",
                    peer.name, peer.context
                )));
            }
            if peer.srtp && peer.transport.as_deref() != Some("tls") {
                return Err(refuse(format!(
                    "peer `{}` would use SRTP without TLS",
                    peer.name
                )));
            }
        }
        if let Some(twilio) = &sip.twilio {
            names.push(("peer", &twilio.template));
            names.extend(twilio.peers.iter().map(|p| ("peer", p.name.as_str())));
        }
        let guest = dialplan.context(&sip.general.guest_context);
        if guest.is_none_or(|c| c.trust != Trust::Nothing) {
            return Err(refuse(
                "the chan_sip guest context must exist and reach nothing".into(),
            ));
        }
    }
    if let Some(c2c) = click_to_call {
        if let Some(t) = &c2c.wss_transport {
            names.push(("transport", &t.name));
        }
        for b in &c2c.buttons {
            names.extend([
                ("endpoint", b.account.as_str()),
                ("auth", b.account.as_str()),
                ("aor", b.account.as_str()),
            ]);
            check_button_context(dialplan, b)?;
        }
    }
    // Registering devices are looked up by the caller's From user: never a caller ID's shape.
    let registering = pjsip
        .iter()
        .flat_map(|p| p.accounts.iter())
        .filter(|a| a.kind.registers())
        .map(|a| a.endpoint.name.as_str())
        .chain(
            sip.iter()
                .flat_map(|s| &s.peers)
                .filter(|p| p.peer_type == super::chan_sip::PeerType::Friend)
                .map(|p| p.name.as_str()),
        );
    for name in registering {
        let digits = name.strip_prefix('+').unwrap_or(name);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(refuse(format!(
                "device `{name}` is named like a caller ID: a call presenting {name} would be taken for it"
            )));
        }
    }
    if let (Some(pjsip), Some(sip)) = (pjsip, sip) {
        // Click-to-call accounts are pjsip endpoints too.
        let endpoints: FastSet<Cow<'_, str>> = pjsip
            .accounts
            .iter()
            .map(|a| folded(&a.endpoint.name))
            .chain(
                click_to_call
                    .iter()
                    .flat_map(|c| &c.buttons)
                    .map(|b| folded(&b.account)),
            )
            .collect();
        if let Some(peer) = sip
            .peers
            .iter()
            .find(|p| endpoints.contains(&folded(&p.name)))
        {
            return Err(refuse(format!(
                "`{}` is both a pjsip endpoint and a chan_sip peer: one driver serves each party",
                peer.name
            )));
        }
        // (stream?, bind) of each listener; TCP and TLS share TCP ports.
        let g = &sip.general;
        let sip_binds = [(false, &g.udp_bind), (true, &g.tcp_bind)]
            .into_iter()
            .filter_map(|(stream, b)| b.as_deref().map(|b| (stream, b)))
            .chain(g.tls.iter().map(|t| (true, t.bind.as_str())));
        for (stream, bind) in sip_binds {
            if let Some(t) = pjsip
                .transports
                .iter()
                .find(|t| (t.protocol != Protocol::Udp) == stream && same_port(&t.bind, bind))
            {
                return Err(refuse(format!(
                    "chan_sip and pjsip transport `{}` would both listen on {bind}",
                    t.name
                )));
            }
            // Asterisk's HTTPS server (WebSockets of click-to-call buttons) takes a TCP port too.
            let https = click_to_call.and_then(|c| c.http.as_ref());
            if let Some(http) = https.filter(|h| stream && same_port(&h.tls_bind, bind)) {
                return Err(refuse(format!(
                    "chan_sip and Asterisk's HTTPS server (http.conf) would both listen on {}",
                    http.tls_bind
                )));
            }
        }
    }
    let mut seen = FastSet::with_capacity_and_hasher(names.len(), Default::default());
    for &(kind, name) in &names {
        let lower = folded(name);
        if lower == "anonymous" || lower.starts_with("anonymous@") {
            return Err(refuse(format!(
                "{kind} `{name}`: `anonymous` is the endpoint Asterisk gives unidentified callers"
            ))
            .with_hint("rename the trunk or device"));
        }
        if name.len() > MAX_SECTION_NAME {
            return Err(refuse(format!(
                "{kind} name `{name}` is longer than {MAX_SECTION_NAME} characters"
            )));
        }
        if !seen.insert((kind, lower)) {
            return Err(
                refuse(format!("two {kind} sections are named `{name}`")).with_hint(
                    "extension numbers, trunk names and PSTN trunk names share one namespace",
                ),
            );
        }
    }

    for context in &dialplan.contexts {
        for include in &context.includes {
            if !context_exists(include) {
                return Err(refuse(format!(
                    "context `{}` includes `{include}`, which is missing",
                    context.name
                )));
            }
        }
        if matches!(context.trust, Trust::Untrusted | Trust::Nothing) {
            if !context.includes.is_empty() {
                return Err(refuse(format!(
                    "untrusted context `{}` includes another context",
                    context.name
                )));
            }
            for step in context.extensions.iter().flat_map(|e| &e.steps) {
                let fixed = |r: &str| {
                    r.trim_start_matches('+')
                        .chars()
                        .all(|c| c.is_ascii_digit())
                };
                let unsafe_step = match step {
                    Step::DialOut { .. } | Step::WebSmsSend { .. } | Step::VoiceMailMain { .. } => {
                        true
                    }
                    Step::Dial { targets, .. } => targets
                        .iter()
                        .any(|t| t.via.is_some() && !fixed(&t.resource)),
                    _ => false,
                };
                if unsafe_step {
                    return Err(refuse(format!(
                        "untrusted context `{}` could reach a trunk with a number the caller chose",
                        context.name
                    )));
                }
            }
        }
    }
    if let Some(w) = profile.websms() {
        for context in [&w.channel_context, &w.text_context] {
            if !context_exists(context) {
                return Err(refuse(format!("WebSMS context `{context}` is missing")));
            }
        }
    }
    Ok(())
}

/// A button's context exists, is untrusted, includes nothing, and every extension either rings
/// the callee (a local `Dial`, nothing through a trunk) or jumps to `s`.
fn check_button_context(
    dialplan: &Dialplan,
    button: &super::click_to_call::Button,
) -> Result<(), Error> {
    let Some(context) = dialplan.context(&button.context) else {
        return Err(refuse(format!(
            "click-to-call button `{}` names context `{}`, which is missing",
            button.name, button.context
        )));
    };
    // The callee's device name (`ext<number>`), dialled with the driver serving it.
    let callee_device = extension_device_name(&button.callee);
    let locked = context.trust == Trust::Untrusted
        && context.includes.is_empty()
        && context
            .extensions
            .iter()
            .flat_map(|e| &e.steps)
            .all(|step| match step {
                Step::Dial { targets, .. } => targets
                    .iter()
                    .all(|t| t.via.is_none() && t.resource == callee_device),
                Step::Goto { exten } => exten == "s",
                Step::JoinGroup { .. }
                | Step::RefuseOverLimit { .. }
                | Step::SetCallerId { .. }
                | Step::Hangup => true,
                _ => false,
            });
    if !locked {
        return Err(refuse(format!(
            "the context of click-to-call button `{}` could reach more than extension {}",
            button.name, button.callee
        )));
    }
    Ok(())
}

/// Whether two binds (`address:port`, IPv6 in brackets) take the same port: pbxgen binds both
/// drivers to the one `network.bind` address.
fn same_port(a: &str, b: &str) -> bool {
    let port = |s: &str| s.rsplit_once(':').map(|(_, p)| p.to_string());
    port(a).is_some() && port(a) == port(b)
}
