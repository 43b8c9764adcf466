//! The files beside the channel drivers and the dialplan: voicemail boxes, the WebSMS bridge's
//! settings, SPA3102 provisioning profiles and TwiML documents.

use super::Site;
use super::devices::{Mailbox, Spa3102, SpaLine, SpaPstn, SpaSettings, Twiml, Voicemail};
use super::plan::VOICEMAIL_CONTEXT;
use super::websms::{IniValue, Key, Layout, WebSms};
use crate::diag::Error;
use crate::profile::{AuthMethod, NumberFormat, Profile, SpaCodec, SpaDtmf, WebSmsLayout};
use std::net::IpAddr;

/// Seconds Twilio waits for the PBX to answer a `<Dial><Sip>`.
const TWIML_DIAL_TIMEOUT: u32 = 60;

pub fn voicemail(profile: &Profile, site: &mut Site) -> Option<Voicemail> {
    let mailboxes: Vec<Mailbox> = profile
        .extensions
        .iter()
        .filter_map(|ext| {
            let vm = ext.voicemail.as_ref().filter(|v| v.enabled)?;
            Some(Mailbox {
                number: ext.number.to_string(),
                pin: site.secret(&vm.pin),
                name: ext.name.to_string(),
                email: vm.email.as_ref().map(|e| e.to_string()),
            })
        })
        .collect();
    (!mailboxes.is_empty()).then(|| Voicemail {
        context: VOICEMAIL_CONTEXT.to_string(),
        mailboxes,
    })
}

pub fn websms(profile: &Profile, site: &mut Site) -> Option<WebSms> {
    let w = profile.websms()?;
    let layout = match w.layout {
        WebSmsLayout::Legacy => Layout::Legacy,
        WebSmsLayout::Current => Layout::Current,
    };
    let text = |s: &str| IniValue::Text(s.to_string());
    let mut conf = WebSms::new(layout);
    conf.set("websms", Key::UrlHost, text(&w.url));
    if let Some(path) = &w.path {
        conf.set("websms", Key::UrlPath, text(path));
    }
    let method = match w.auth_method {
        AuthMethod::None => "none",
        AuthMethod::Plain => "plain",
        AuthMethod::Basic => "basic",
        AuthMethod::Zadarma => "zadarma",
    };
    conf.set("websms", Key::AuthMethod, text(method));
    if let Some(user) = &w.user {
        conf.set("websms", Key::AuthUser, text(user));
    }
    if let Some(secret) = &w.secret {
        conf.set(
            "websms",
            Key::AuthSecret,
            IniValue::Secret(site.secret(secret)),
        );
    }
    for (key, field) in [
        (Key::KeyTo, &w.field_to),
        (Key::KeyFrom, &w.field_from),
        (Key::KeyBody, &w.field_body),
    ] {
        if let Some(field) = field {
            conf.set("websms", key, text(field));
        }
    }
    if let Some(check) = &w.response_check {
        conf.set("websms", Key::ResponseCheck, text(check));
    }
    // WebSMS passes numbers through unchanged unless told to drop the `+`.
    if w.number_format == Some(NumberFormat::NoPlus) {
        let value = match layout {
            Layout::Legacy => "omit+",
            Layout::Current => "E.164",
        };
        conf.set("websms", Key::NumberFormat, text(value));
    }
    if let Some(echo) = &w.field_echo {
        conf.set("websmsd", Key::KeyEcho, text(echo));
    }
    let join = |nets: &[crate::profile::Cidr]| {
        nets.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",")
    };
    conf.set("websmsd", Key::PermitAddr, text(&join(&w.allow_from)));
    // Unset, WebSMS would trust forwarded-for headers from private ranges; empty trusts none.
    conf.set("websmsd", Key::ProxyAddr, text(&join(&w.trusted_proxies)));
    conf.set("websmsd", Key::ProxyHeader, text(&w.proxy_header));
    conf.set("astqueue", Key::ChannelContext, text(&w.channel_context));
    conf.set("astqueue", Key::Context, text(&w.text_context));
    Some(conf)
}

/// The PBX address devices on the LAN register to.
fn pbx_address(profile: &Profile) -> Option<String> {
    let bind = profile.network.bind.value;
    if !bind.is_unspecified() {
        return Some(match bind {
            IpAddr::V4(a) => a.to_string(),
            IpAddr::V6(a) => format!("[{a}]"),
        });
    }
    profile
        .network
        .public_address
        .as_ref()
        .map(|a| a.to_string())
}

fn yes_no(value: bool) -> &'static str {
    if value { "Yes" } else { "No" }
}

pub fn spa3102(profile: &Profile, site: &mut Site) -> Result<Vec<Spa3102>, Error> {
    let mut out = Vec::new();
    for device in &profile.devices {
        let proxy = pbx_address(profile).ok_or_else(|| {
            Error::at(
                device.name.pos().location(),
                format!(
                    "device `{}` must register to the PBX, but its address is unknown",
                    device.name
                ),
            )
            .with_hint("set `network.bind` to the PBX's LAN address or `network.public_address`")
        })?;
        let sip_port = profile
            .network
            .udp
            .as_ref()
            .map(|u| u.port.value)
            .ok_or_else(|| {
                Error::at(
                    device.name.pos().location(),
                    format!("device `{}` registers over UDP", device.name),
                )
                .with_hint("add `network.udp`")
            })?;
        let config = profile.spa3102_config(device);
        let line1 = device
            .fxs
            .as_ref()
            .and_then(|fxs| profile.extension(&fxs.extension))
            .map(|ext| SpaLine {
                user_id: ext.number.to_string(),
                display_name: ext.name.to_string(),
                password: site.secret(&ext.secret),
            });
        let pstn = device.pstn.as_ref().map(|p| {
            let trunk = p.trunk.to_string();
            // The ATA calls this number at the PBX when the landline rings; the PSTN line's
            // inbound context answers any number.
            let ring_extension = profile
                .inbound_from(&trunk)
                .find_map(|r| r.ring.first())
                .map(|n| n.to_string())
                .or_else(|| device.fxs.as_ref().map(|f| f.extension.to_string()))
                .unwrap_or_else(|| "0".to_string());
            SpaPstn {
                user_id: trunk.clone(),
                password: site.secret(&p.secret),
                gateway_user: p.gateway_user.as_ref().map_or(trunk, |u| u.to_string()),
                gateway_password: site.secret(&p.gateway_password),
                ring_extension,
            }
        });
        let settings = SpaSettings {
            preferred_codec: match config.preferred_codec {
                SpaCodec::G711u => "G711u",
                SpaCodec::G711a => "G711a",
            },
            dtmf_tx_method: match config.dtmf_tx_method {
                SpaDtmf::Avt => "AVT",
                SpaDtmf::Info => "INFO",
                SpaDtmf::InBand => "InBand",
                SpaDtmf::Auto => "Auto",
            },
            register_expires: config.register_expires,
            fxs_sip_port: config.fxs_sip_port,
            pstn_sip_port: config.pstn_sip_port,
            pstn_answer_delay: config.pstn_answer_delay,
            pstn_ring_thru_delay: config.pstn_ring_thru_delay,
            restrict_source_ip: yes_no(config.restrict_source_ip),
        };
        out.push(Spa3102 {
            name: device.name.to_string(),
            file: format!("spa3102-{}.xml", device.name),
            proxy: if sip_port == 5060 {
                proxy
            } else {
                format!("{proxy}:{sip_port}")
            },
            line1,
            pstn,
            settings,
        });
    }
    Ok(out)
}

pub fn twiml(profile: &Profile) -> Result<Vec<Twiml>, Error> {
    let Some(twilio) = &profile.twilio else {
        return Ok(Vec::new());
    };
    let network = &profile.network;
    let mut out = Vec::new();
    for number in &twilio.numbers {
        let host = network.public_address.as_ref().ok_or_else(|| {
            Error::at(
                number.number.pos().location(),
                format!(
                    "Twilio number {} is routed to the PBX, but the PBX has no public address",
                    number.number
                ),
            )
            .with_hint(
                "set `network.public_address` (the name or address Twilio reaches the PBX at)",
            )
        })?;
        let (transport, port, default_port) = match (&network.tls, &network.udp, &network.tcp) {
            (Some(tls), _, _) => ("tls", tls.port.value, 5061),
            (None, Some(udp), _) => ("udp", udp.port.value, 5060),
            (None, None, Some(tcp)) => ("tcp", tcp.port.value, 5060),
            (None, None, None) => return Err(Error::invalid("`network` has no SIP transport")),
        };
        let port = if port == default_port {
            String::new()
        } else {
            format!(":{port}")
        };
        out.push(Twiml {
            name: number.name.to_string(),
            file: format!("twiml-{}.xml", number.name),
            number: number.number.to_string(),
            sip_uri: format!("sip:{}@{host}{port};transport={transport}", number.number),
            action: None,
            timeout: TWIML_DIAL_TIMEOUT,
        });
    }
    Ok(out)
}
