//! `spa3102-<name>.xml`: Cisco/Linksys SPA3102 `<flat-profile>` provisioning (spec/spa3102.md).

use super::secrets::{SecretId, Secrets};
use crate::diag::Error;
use crate::profile::resolved::extension_device_name;
use crate::profile::{Profile, SpaCodec, SpaDtmf, Transport};
use serde::Serialize;
use std::net::IpAddr;

/// One Cisco/Linksys SPA3102 (spec/spa3102.md): Line 1 (FXS) registers as an extension, the PSTN
/// line (FXO) registers as a trunk and is a VoIP→PSTN gateway behind HTTP Digest.
#[derive(Debug, Clone, Serialize)]
pub struct Spa3102 {
    /// The device name (the file is `spa3102-<name>.xml`, see the output registry).
    pub name: String,
    pub line1: Option<SpaLine>,
    pub pstn: Option<SpaPstn>,
    pub settings: SpaSettings,
}

/// Device settings, in the device's own spelling (`G711u`, `AVT`, `Yes`).
#[derive(Debug, Clone, Serialize)]
pub struct SpaSettings {
    pub preferred_codec: &'static str,
    pub dtmf_tx_method: &'static str,
    pub register_expires: u32,
    pub fxs_sip_port: u16,
    pub pstn_sip_port: u16,
    pub pstn_answer_delay: u32,
    pub pstn_ring_thru_delay: u32,
    pub restrict_source_ip: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct SpaLine {
    /// Where the line registers: the PBX address, and the port of the driver serving its
    /// extension.
    pub proxy: String,
    pub user_id: String,
    pub display_name: String,
    pub password: SecretId,
}

#[derive(Debug, Clone, Serialize)]
pub struct SpaPstn {
    /// Where the line registers: the PBX address, and the port of the driver serving it.
    pub proxy: String,
    /// The trunk name the PSTN line registers as (`atapstn`).
    pub user_id: String,
    pub password: SecretId,
    /// HTTP Digest credentials the gateway demands before it dials the landline.
    pub gateway_user: String,
    pub gateway_password: SecretId,
    /// The extension the ATA calls at the PBX when the landline rings (`(S0<:EXT>)`).
    pub ring_extension: String,
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

/// One provisioning profile per device.
pub fn build(profile: &Profile, secrets: &mut Secrets) -> Result<Vec<Spa3102>, Error> {
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
        // The device registers over UDP, each line to the driver that serves it.
        let proxy_for = |driver| match profile.listen_port(Transport::Udp, driver) {
            Some(5060) => Ok(proxy.clone()),
            Some(port) => Ok(format!("{proxy}:{port}")),
            None => Err(Error::at(
                device.name.pos().location(),
                format!("device `{}` registers over UDP", device.name),
            )
            .with_hint("add `network.udp`")),
        };
        let config = profile.spa3102_config(device);
        let line1 = match device
            .fxs
            .as_ref()
            .and_then(|fxs| profile.extension(&fxs.extension))
        {
            Some(ext) => Some(SpaLine {
                proxy: proxy_for(profile.driver(ext.driver.as_ref()))?,
                user_id: extension_device_name(&ext.number),
                display_name: ext.name.to_string(),
                password: secrets.register(&ext.secret),
            }),
            None => None,
        };
        let pstn = match &device.pstn {
            Some(p) => Some((p, proxy_for(profile.driver(p.driver.as_ref()))?)),
            None => None,
        };
        let pstn = pstn.map(|(p, pstn_proxy)| {
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
                proxy: pstn_proxy,
                user_id: trunk.clone(),
                password: secrets.register(&p.secret),
                gateway_user: p.gateway_user.as_ref().map_or(trunk, |u| u.to_string()),
                gateway_password: secrets.register(&p.gateway_password),
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
            line1,
            pstn,
            settings,
        });
    }
    Ok(out)
}
