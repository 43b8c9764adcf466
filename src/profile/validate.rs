//! Checks that need the whole profile — versions, duplicates, references between sections,
//! combinations that cannot work or would be unsafe — and the resolution of presets. Runs once,
//! right after deserialization. Every check runs, and the checks of the extensions, devices,
//! trunks, routes and click-to-call buttons check every item: one run reports each one's first
//! problem, at its position (an admin fixes them in one go). A problem of the whole site is
//! reported once.

use super::load::did_you_mean;
use super::preset;
use super::resolved::{ResolvedWebSms, TWILIO, TrunkRef};
use super::safe_text::{DialPattern, ExtensionNumber, Text};
use super::span::{Pos, Spanned};
use super::types::*;
use crate::asterisk::fast_hash::FastMap;
use crate::diag::Error;
use crate::twilio::ranges::TwilioRanges;

/// Validate `profile` and fill in what loading computes (`profile.resolved`). The error holds
/// every check's first problem ([`Error::also`]).
pub(crate) fn validate(profile: &mut Profile) -> Result<(), Error> {
    profile.resolved.index = super::resolved::Index::of(profile);
    // A profile of another version is not read further: its fields may mean other things.
    check_version(profile)?;
    let mut problems = Vec::new();
    let mut note = |checked: Result<(), Error>| problems.extend(checked.err());
    note(check_site(&profile.site));
    note(check_network(&profile.network));
    note(check_drivers(profile));
    note(check_names(profile));
    note(check_extensions(profile));
    note(check_devices(profile));
    note(check_trunks(profile));
    if let Some(twilio) = &profile.twilio {
        // Ranges given from outside (`--twilio-preset`) win over `twilio.preset`.
        let ranges = match profile.resolved.twilio_ranges.take() {
            Some(given) => Ok(given),
            None => twilio_ranges(profile, twilio),
        };
        match ranges {
            Ok(ranges) => {
                note(check_twilio(profile, twilio, &ranges));
                profile.resolved.twilio_ranges = Some(ranges);
            }
            Err(problem) => note(Err(problem)),
        }
    }
    note(check_inbound(profile));
    note(check_outbound(profile));
    note(check_click_to_call(profile));
    if let Some(websms) = &profile.sms.websms {
        match resolve_websms(profile, websms) {
            Ok(resolved) => profile.resolved.websms = Some(resolved),
            Err(problem) => note(Err(problem)),
        }
    }
    // In file order, like a compiler's; a problem without a position (none so far) last.
    let mut problems: Vec<Error> = problems.into_iter().flat_map(Error::into_all).collect();
    problems.sort_by(|a, b| match (&a.location, &b.location) {
        (Some(a), Some(b)) => (a.line, a.column).cmp(&(b.line, b.column)),
        (a, b) => b.is_some().cmp(&a.is_some()),
    });
    Error::all(problems)
}

/// Check every item up to its first problem: one error holding every item's first problem.
fn each<T>(
    items: impl IntoIterator<Item = T>,
    mut check: impl FnMut(T) -> Result<(), Error>,
) -> Result<(), Error> {
    Error::all(
        items
            .into_iter()
            .filter_map(|item| check(item).err())
            .collect(),
    )
}

fn at(pos: &Pos, message: impl Into<String>) -> Error {
    Error::at(pos.location(), message)
}

/// Refuse a list of networks that admits too much of the internet ([`crate::breadth`], the one
/// policy), pointing at its widest entry. `what` names the field, `why` what it would open.
fn check_breadth(what: &str, nets: &[Cidr], why: &str, hint: &str) -> Result<(), Error> {
    let all: Vec<ipnet::IpNet> = nets.iter().map(Cidr::net).collect();
    let Some(breadth) = crate::breadth::too_broad(&all) else {
        return Ok(());
    };
    let widest = nets
        .iter()
        .min_by_key(|c| (c.net().prefix_len(), c.pos().line))
        .expect("a list that admits something has an entry");
    Err(at(
        widest.pos(),
        format!(
            "{what} admits {breadth}: {why}; expected {}",
            crate::breadth::policy()
        ),
    )
    .with_hint(hint.to_string()))
}

/// Fail on the second occurrence of a key, pointing back at the first.
fn unique<'a, K>(what: &str, items: impl IntoIterator<Item = (K, &'a Pos)>) -> Result<(), Error>
where
    K: std::fmt::Display + Eq + std::hash::Hash,
{
    use std::collections::hash_map::Entry;
    let items = items.into_iter();
    // Room for every key up front, and one hash per key (10,000 extensions are 10,000 keys).
    let mut seen: FastMap<K, &Pos> =
        FastMap::with_capacity_and_hasher(items.size_hint().0, Default::default());
    for (key, pos) in items {
        match seen.entry(key) {
            Entry::Occupied(first) => {
                let key = first.key();
                return Err(at(pos, format!("{what} `{key}` is defined twice"))
                    .with_hint(format!("first defined at {}", first.get().location())));
            }
            Entry::Vacant(slot) => {
                slot.insert(pos);
            }
        }
    }
    Ok(())
}

fn check_version(profile: &Profile) -> Result<(), Error> {
    let version = &profile.version;
    if version.value != 1 {
        return Err(at(
            &version.pos,
            format!(
                "unsupported profile version {}: this pbxgen reads version 1",
                version.value
            ),
        ));
    }
    Ok(())
}

fn check_site(site: &Site) -> Result<(), Error> {
    let target = &site.asterisk;
    if !(20..=crate::asterisk::NEWEST_MAJOR).contains(&target.value) {
        return Err(at(
            &target.pos,
            format!(
                "expected an Asterisk major version 20, 21, 22 or 23, found {}",
                target.value
            ),
        )
        .with_hint("older versions are end of life; pbxgen targets Asterisk 20 to 23"));
    }
    if site.channel_drivers.is_empty() {
        return Err(at(
            &target.pos,
            "`channel_drivers` is empty: expected `pjsip`, `sip` or both",
        ));
    }
    let mut seen: Vec<&Spanned<ChannelDriver>> = Vec::new();
    for driver in &site.channel_drivers {
        if let Some(first) = seen.iter().find(|d| d.value == driver.value) {
            return Err(at(
                &driver.pos,
                format!(
                    "channel driver `{}` is listed twice",
                    driver_name(driver.value)
                ),
            )
            .with_hint(format!("first listed at {}", first.location())));
        }
        seen.push(driver);
        if driver.value == ChannelDriver::Sip && target.value >= 21 {
            return Err(at(
                &driver.pos,
                format!(
                    "chan_sip (`sip`) was removed in Asterisk 21; a profile for Asterisk {} can only produce `pjsip`",
                    target.value
                ),
            )
            .with_hint("remove `sip` from `channel_drivers`, or target `asterisk: 20`"));
        }
    }
    Ok(())
}

fn driver_name(driver: ChannelDriver) -> &'static str {
    match driver {
        ChannelDriver::Pjsip => "pjsip",
        ChannelDriver::Sip => "sip",
    }
}

fn check_network(network: &Spanned<Network>) -> Result<(), Error> {
    if network.udp.is_none() && network.tcp.is_none() && network.tls.is_none() {
        return Err(at(
            &network.pos,
            "no SIP transport: expected `udp`, `tcp` or `tls` in `network`",
        )
        .with_hint("e.g. `udp: { port: 5060 }`"));
    }
    let ports = [
        network.udp.as_ref().map(|t| (&t.port, "udp")),
        network.tcp.as_ref().map(|t| (&t.port, "tcp")),
        network.tls.as_ref().map(|t| (&t.port, "tls")),
        network.tls.as_ref().map(|t| (&t.wss_port, "wss")),
    ];
    for port in ports.iter().flatten() {
        if port.0.value == 0 {
            return Err(at(&port.0.pos, "port 0 is not a port: expected 1 to 65535"));
        }
    }
    if let (Some(tcp), Some(tls)) = (&network.tcp, &network.tls) {
        if tcp.port.value == tls.port.value {
            return Err(at(
                &tls.port.pos,
                format!("TCP and TLS cannot both listen on port {}", tls.port.value),
            )
            .with_hint("TLS usually listens on 5061"));
        }
    }
    unique(
        "local network",
        network.local_nets.iter().map(|c| (c.net(), c.pos())),
    )?;
    check_breadth(
        "`network.local_nets`",
        &network.local_nets,
        "they are treated as the LAN (no NAT rewriting) and are where extensions without `permit` may register from",
        "list the networks of your LAN; phones elsewhere get a `permit` of their own networks (or come in over a VPN)",
    )
}

/// Every party's `driver` is a driver the site loads; texting needs pjsip; with both drivers,
/// chan_sip's ports are its own.
fn check_drivers(profile: &Profile) -> Result<(), Error> {
    let mut chosen: Vec<(String, &Spanned<ChannelDriver>)> = Vec::new();
    if let Some(d) = profile.twilio.as_ref().and_then(|t| t.driver.as_ref()) {
        chosen.push(("Twilio".into(), d));
    }
    for t in &profile.trunks {
        if let Some(d) = &t.driver {
            chosen.push((format!("trunk `{}`", t.name), d));
        }
    }
    for (_, p) in profile.pstn_lines() {
        if let Some(d) = &p.driver {
            chosen.push((format!("PSTN line `{}`", p.trunk), d));
        }
    }
    for e in &profile.extensions {
        if let Some(d) = &e.driver {
            chosen.push((format!("extension {}", e.number), d));
        }
    }
    for (who, driver) in chosen {
        if !profile.wants(driver.value) {
            let name = driver_name(driver.value);
            return Err(at(
                &driver.pos,
                format!(
                    "{who} is to be served by `{name}`, which `site.channel_drivers` does not list"
                ),
            )
            .with_hint(format!(
                "add `{name}` to `site.channel_drivers`, or remove this `driver`"
            )));
        }
    }
    for e in &profile.extensions {
        if e.sms && profile.driver(e.driver.as_ref()) != ChannelDriver::Pjsip {
            let pos = e
                .driver
                .as_ref()
                .map_or_else(|| e.number.pos().clone(), |d| d.pos.clone());
            return Err(at(
                &pos,
                format!(
                    "extension {} may text (`sms: true`), which needs the pjsip channel driver, but chan_sip serves it",
                    e.number
                ),
            )
            .with_hint("chan_sip cannot say per peer who may send MESSAGEs; give the extension `driver: pjsip` (and list `pjsip` in `site.channel_drivers`)"));
        }
    }
    check_chan_sip_ports(profile)
}

/// With both drivers, chan_sip listens on `chan_sip_port` (default `port` + 100), which must
/// differ from every port pjsip uses for the same protocol family; with one driver there is no
/// `chan_sip_port`.
fn check_chan_sip_ports(profile: &Profile) -> Result<(), Error> {
    let network = &profile.network;
    let given = [
        network.udp.as_ref().and_then(|t| t.chan_sip_port.as_ref()),
        network.tcp.as_ref().and_then(|t| t.chan_sip_port.as_ref()),
        network.tls.as_ref().and_then(|t| t.chan_sip_port.as_ref()),
    ];
    if !profile.both_drivers() {
        if let Some(port) = given.iter().flatten().next() {
            return Err(at(
                &port.pos,
                "`chan_sip_port` is only used when `site.channel_drivers` lists both `pjsip` and `sip`",
            )
            .with_hint("with one driver, it listens on `port`; remove `chan_sip_port`"));
        }
        return Ok(());
    }
    let transports = [
        (
            Transport::Udp,
            network.udp.as_ref().map(|t| (&t.port, &t.chan_sip_port)),
        ),
        (
            Transport::Tcp,
            network.tcp.as_ref().map(|t| (&t.port, &t.chan_sip_port)),
        ),
        (
            Transport::Tls,
            network.tls.as_ref().map(|t| (&t.port, &t.chan_sip_port)),
        ),
    ];
    // (protocol family, port, driver, transport, where it was set)
    let mut listeners: Vec<(bool, u16, &str, &str, &Pos)> = Vec::new();
    for (transport, ports) in transports {
        let Some((port, chan_sip_port)) = ports else {
            continue;
        };
        let name = match transport {
            Transport::Udp => "udp",
            Transport::Tcp => "tcp",
            Transport::Tls => "tls",
        };
        let sip_port = match chan_sip_port {
            Some(p) if p.value == 0 => {
                return Err(at(&p.pos, "port 0 is not a port: expected 1 to 65535"));
            }
            Some(p) => (p.value, &p.pos),
            None => match port
                .value
                .checked_add(super::resolved::CHAN_SIP_PORT_OFFSET)
            {
                Some(p) => (p, &port.pos),
                None => {
                    return Err(at(
                        &port.pos,
                        format!(
                            "chan_sip's {name} port defaults to this port + {}, which is past 65535",
                            super::resolved::CHAN_SIP_PORT_OFFSET
                        ),
                    )
                    .with_hint("set `chan_sip_port` for this transport"));
                }
            },
        };
        let stream = transport != Transport::Udp;
        listeners.push((stream, port.value, "pjsip", name, &port.pos));
        listeners.push((stream, sip_port.0, "chan_sip", name, sip_port.1));
    }
    for (i, a) in listeners.iter().enumerate() {
        if let Some(b) = listeners[..i].iter().find(|b| b.0 == a.0 && b.1 == a.1) {
            return Err(at(
                a.4,
                format!(
                    "{} {} and {} {} would both listen on {} port {}",
                    a.2,
                    a.3,
                    b.2,
                    b.3,
                    if a.0 { "TCP" } else { "UDP" },
                    a.1
                ),
            )
            .with_hint("with both drivers, chan_sip needs ports of its own: set `chan_sip_port` (default `port` + 100)"));
        }
    }
    Ok(())
}

/// Names share namespaces: trunk-like names (`twilio`, trunks, PSTN lines) because routes refer
/// to them by name; devices, routes and Twilio numbers each among themselves.
fn check_names(profile: &Profile) -> Result<(), Error> {
    let mut trunk_names: Vec<(&str, &Pos)> = Vec::new();
    for trunk in &profile.trunks {
        trunk_names.push((trunk.name.as_str(), trunk.name.pos()));
    }
    for device in &profile.devices {
        if let Some(pstn) = &device.pstn {
            trunk_names.push((pstn.trunk.as_str(), pstn.trunk.pos()));
        }
    }
    for (name, pos) in &trunk_names {
        if *name == TWILIO {
            return Err(at(
                pos,
                "the trunk name `twilio` is reserved for the `twilio:` section",
            )
            .with_hint("routes say `twilio` to mean Twilio; name this trunk differently"));
        }
    }
    unique("trunk", trunk_names.iter().copied())?;
    for (name, pos) in &trunk_names {
        if super::resolved::is_extension_device_name(name) {
            return Err(at(
                pos,
                format!("`{name}` is the name of an extension's device (extensions register as `ext<number>`)"),
            )
            .with_hint("name the trunk differently"));
        }
    }
    for (_, pstn) in profile.pstn_lines() {
        let name = pstn.trunk.as_str();
        if name.bytes().all(|b| b.is_ascii_digit()) {
            return Err(at(
                pstn.trunk.pos(),
                format!("PSTN line `{name}` registers with a number as its name: a caller whose caller ID is {name} would be taken for it"),
            )
            .with_hint("give the line a name with a letter in it, e.g. `atapstn`"));
        }
    }
    unique(
        "device",
        profile
            .devices
            .iter()
            .map(|d| (d.name.as_str(), d.name.pos())),
    )?;
    unique(
        "outbound route",
        profile
            .outbound
            .iter()
            .map(|r| (r.name.as_str(), r.name.pos())),
    )?;
    if let Some(twilio) = &profile.twilio {
        unique(
            "Twilio number",
            twilio
                .numbers
                .iter()
                .map(|n| (n.number.as_str(), n.number.pos())),
        )?;
        unique(
            "Twilio number name",
            twilio
                .numbers
                .iter()
                .map(|n| (n.name.as_str(), n.name.pos())),
        )?;
    }
    Ok(())
}

/// The extension `number` must exist; `role` says what refers to it.
fn existing_extension<'a>(
    profile: &'a Profile,
    number: &ExtensionNumber,
    role: &str,
) -> Result<&'a Extension, Error> {
    profile.extension(number).ok_or_else(|| {
        let numbers: Vec<&str> = profile
            .extensions
            .iter()
            .map(|e| e.number.as_str())
            .collect();
        let err = at(
            number.pos(),
            format!("{role} names extension `{number}`, which is not defined in `extensions`"),
        );
        match numbers.is_empty() {
            true => err.with_hint("add it to `extensions:`"),
            false => err.with_hint(format!("defined extensions: {}", numbers.join(", "))),
        }
    })
}

fn check_extensions(profile: &Profile) -> Result<(), Error> {
    unique(
        "extension",
        profile
            .extensions
            .iter()
            .map(|e| (e.number.as_str(), e.number.pos())),
    )?;
    let each_extension = each(&profile.extensions, |ext| {
        if let Some(DeviceRef {
            kind: DeviceRefKind::Spa3102(name),
            pos,
        }) = &ext.device
        {
            let Some(device) = profile.device(name) else {
                let names: Vec<&str> = profile.devices.iter().map(|d| d.name.as_str()).collect();
                let err = at(
                    pos,
                    format!(
                        "extension {} names device `{name}`, which is not defined in `devices`",
                        ext.number
                    ),
                );
                return Err(match did_you_mean(name, &names) {
                    Some(hint) => err.with_hint(hint),
                    None => err.with_hint("add it to `devices:` (model: spa3102)"),
                });
            };
            let fxs = device.fxs.as_ref().map(|f| f.extension.as_str());
            if fxs != Some(ext.number.as_str()) {
                return Err(at(
                    pos,
                    format!("extension {} says it is device `{name}`'s phone line, but that device's `fxs.extension` is {}", ext.number, fxs.map_or("not set".to_string(), |n| format!("`{n}`"))),
                )
                .with_hint(format!("set `fxs: {{ extension: \"{}\" }}` on device `{name}`", ext.number)));
            }
        }
        if let Some(permit) = &ext.permit {
            check_breadth(
                &format!("extension {}'s `permit`", ext.number),
                permit,
                "anyone there may try its password",
                "list the networks the phone registers from (or bring it in over a VPN)",
            )?;
            if permit.is_empty() {
                return Err(at(
                    ext.number.pos(),
                    format!(
                        "extension {}: `permit` is empty, so it could never register",
                        ext.number
                    ),
                )
                .with_hint("remove `permit` to use `network.local_nets`, or list networks"));
            }
        }
        Ok(())
    });
    // One problem however many extensions it concerns: reported at the first.
    let open = profile
        .extensions
        .iter()
        .find(|e| e.permit.is_none())
        .filter(|_| profile.network.local_nets.is_empty())
        .map(|ext| {
            at(ext.number.pos(), format!("extension {} has no `permit` and `network.local_nets` is empty: it would accept registrations from anywhere", ext.number))
                .with_hint("set `network.local_nets` or the extension's `permit` (the networks its phones register from)")
        });
    Error::all(each_extension.err().into_iter().chain(open).collect())
}

fn check_devices(profile: &Profile) -> Result<(), Error> {
    let mut fxs_owner: FastMap<&str, &Device> = FastMap::default();
    each(&profile.devices, |device| {
        if device.fxs.is_none() && device.pstn.is_none() {
            return Err(at(
                device.name.pos(),
                format!(
                    "device `{}` has neither `fxs` nor `pstn`: nothing to provision",
                    device.name
                ),
            ));
        }
        if let Some(fxs) = &device.fxs {
            let ext = existing_extension(
                profile,
                &fxs.extension,
                &format!("device `{}`'s `fxs`", device.name),
            )?;
            if let Some(DeviceRef {
                kind: DeviceRefKind::Softphone,
                pos,
            }) = &ext.device
            {
                return Err(at(
                    pos,
                    format!(
                        "extension {} is device `{}`'s phone line (its `fxs`), not a softphone",
                        ext.number, device.name
                    ),
                )
                .with_hint(format!(
                    "write `device: spa3102:{}` or leave `device` out",
                    device.name
                )));
            }
            if let Some(other) = fxs_owner.insert(fxs.extension.as_str(), device) {
                return Err(at(
                    fxs.extension.pos(),
                    format!(
                        "extension {} is already the phone line of device `{}`",
                        fxs.extension, other.name
                    ),
                ));
            }
        }
        let config = profile.spa3102_config(device);
        if config.fxs_sip_port == config.pstn_sip_port
            && device.fxs.is_some()
            && device.pstn.is_some()
        {
            return Err(at(
                device.name.pos(),
                format!(
                    "device `{}`: both lines would use SIP port {}",
                    device.name, config.fxs_sip_port
                ),
            )
            .with_hint(
                "set `settings.fxs_sip_port` and `settings.pstn_sip_port` to different ports",
            ));
        }
        Ok(())
    })
}

fn check_trunks(profile: &Profile) -> Result<(), Error> {
    each(&profile.trunks, |trunk| {
        if trunk.register && (trunk.username.is_none() || trunk.password.is_none()) {
            return Err(at(
                trunk.name.pos(),
                format!(
                    "trunk `{}` registers but has no `username` and `password`",
                    trunk.name
                ),
            ));
        }
        if trunk.password.is_some() && trunk.username.is_none() {
            return Err(at(
                trunk.name.pos(),
                format!("trunk `{}` has a `password` but no `username`", trunk.name),
            ));
        }
        if let Some(port) = &trunk.port {
            if port.value == 0 {
                return Err(at(&port.pos, "port 0 is not a port: expected 1 to 65535"));
            }
        }
        check_transport_available(
            profile,
            trunk.transport.value,
            (&trunk.transport.pos, trunk.name.pos()),
            &format!("trunk `{}`", trunk.name),
        )?;
        unique(
            "network",
            trunk.allow_from.iter().map(|c| (c.net(), c.pos())),
        )?;
        check_breadth(
            &format!("trunk `{}`'s `allow_from`", trunk.name),
            &trunk.allow_from,
            "every request from there is taken as the trunk's, without authentication",
            "list only the provider's published signalling addresses",
        )?;
        Ok(())
    })
}

/// `pos` is where the transport was chosen; `fallback` where to point when it is a default.
fn check_transport_available(
    profile: &Profile,
    transport: Transport,
    (pos, fallback): (&Pos, &Pos),
    who: &str,
) -> Result<(), Error> {
    let (present, name) = match transport {
        Transport::Udp => (profile.network.udp.is_some(), "udp"),
        Transport::Tcp => (profile.network.tcp.is_some(), "tcp"),
        Transport::Tls => (profile.network.tls.is_some(), "tls"),
    };
    if present {
        return Ok(());
    }
    let pos = if pos.is_known() { pos } else { fallback };
    Err(at(
        pos,
        format!("{who} uses {name}, but `network` has no `{name}` transport"),
    )
    .with_hint(format!("add `network.{name}`")))
}

fn twilio_ranges(profile: &Profile, twilio: &Twilio) -> Result<TwilioRanges, Error> {
    match &twilio.preset {
        None => Ok(TwilioRanges::embedded()),
        Some(preset) if preset.value == "default" => Ok(TwilioRanges::embedded()),
        Some(preset) => {
            let path = profile.dir().join(&preset.value);
            TwilioRanges::load(&path).map_err(|e| {
                at(
                    &preset.pos,
                    format!("cannot use Twilio preset `{}`: {}", preset.value, e.message),
                )
                .with_hint(
                    "`preset` is `default` (the embedded list) or a path relative to this profile",
                )
            })
        }
    }
}

fn check_twilio(profile: &Profile, twilio: &Twilio, ranges: &TwilioRanges) -> Result<(), Error> {
    let edge_names: Vec<&str> = ranges
        .edges
        .iter()
        .flat_map(|e| [e.name.as_str(), e.legacy.as_str()])
        .collect();
    let known_edge = |name: &super::safe_text::Name| -> Result<(), Error> {
        if ranges.edge(name).is_some() {
            return Ok(());
        }
        let err = at(name.pos(), format!("unknown Twilio edge `{name}`"));
        Err(match did_you_mean(name, &edge_names) {
            Some(hint) => err.with_hint(hint),
            None => err.with_hint(format!("edges: {}", edge_names.join(", "))),
        })
    };
    if let Some(origination) = &twilio.origination {
        if let Edges::Only(names) = &origination.edges {
            if names.is_empty() {
                return Err(at(
                    origination.context.pos(),
                    "`edges` is an empty list: no call from Twilio would be accepted",
                )
                .with_hint(
                    "write `edges: all` (recommended: Twilio fails calls over between edges)",
                ));
            }
            for name in names {
                known_edge(name)?;
            }
        }
    }
    if let Some(t) = &twilio.termination {
        match (&t.trunk, &t.sip_domain) {
            (Some(trunk), None) => check_twilio_host(
                trunk,
                ".pstn.twilio.com",
                "Elastic SIP trunk termination URI",
            )?,
            (None, Some(domain)) => check_twilio_host(domain, ".sip.twilio.com", "SIP domain")?,
            (Some(_), Some(domain)) => {
                return Err(at(
                    domain.pos(),
                    "give either `trunk` or `sip_domain`, not both",
                ));
            }
            (None, None) => {
                return Err(at(
                    t.username.pos(),
                    "termination needs `trunk` (NAME.pstn.twilio.com) or `sip_domain` (NAME.sip.twilio.com)",
                ));
            }
        }
        if let Some(edge) = &t.edge {
            known_edge(edge)?;
        }
        if let Some(srtp) = &t.srtp {
            if srtp.value && t.transport.value == TwilioTransport::Udp {
                return Err(at(
                    &srtp.pos,
                    "SRTP needs `transport: tls` (Twilio's Secure Media is TLS + SRTP)",
                )
                .with_hint("set `transport: tls`, or `srtp: false`"));
            }
        }
        let transport = match t.transport.value {
            TwilioTransport::Tls => Transport::Tls,
            TwilioTransport::Udp => Transport::Udp,
        };
        check_transport_available(
            profile,
            transport,
            (&t.transport.pos, &t.pos),
            "the Twilio termination",
        )?;
        if t.username.chars().count() > 32 {
            return Err(at(
                t.username.pos(),
                "Twilio credential-list user names are at most 32 characters",
            ));
        }
    }
    check_twilio_webhook(twilio)
}

/// `twilio.webhook` and the numbers' `failover`: a failover is the webhook's answer to the
/// `<Dial action>` callback, so it needs the webhook; the webhook serves numbers, so it needs
/// some.
fn check_twilio_webhook(twilio: &Twilio) -> Result<(), Error> {
    if let Some(webhook) = &twilio.webhook {
        if twilio.numbers.is_empty() {
            return Err(at(
                &webhook.pos,
                "`twilio.webhook` serves the TwiML of `twilio.numbers`, but there are none",
            )
            .with_hint("add the Twilio numbers that call this PBX to `twilio.numbers`"));
        }
        let listen = &webhook.listen;
        if listen.addr().port() == 0 {
            return Err(at(
                listen.pos(),
                "port 0 would make the webhook listen on a random port, which no proxy could find",
            )
            .with_hint(format!(
                "give a port, e.g. `listen: {}`",
                crate::twilio::webhook::DEFAULT_LISTEN
            )));
        }
    }
    for number in &twilio.numbers {
        let Some(failover) = &number.failover else {
            continue;
        };
        if twilio.webhook.is_none() {
            return Err(at(
                &failover.pos,
                format!(
                    "`failover` of Twilio number {} needs `twilio.webhook`: Twilio asks the \
                     webhook where to send the call when the PBX does not take it",
                    number.number
                ),
            )
            .with_hint(
                "add `twilio.webhook: { public_url: https://…, auth_token: ${file:…} }` and run \
                 `pbxgen twilio serve` (the rendered pbxgen-twilio.service)",
            ));
        }
        let target = &failover.number;
        if !target.starts_with('+') {
            return Err(at(
                target.pos(),
                format!("expected the failover number in E.164 form (`+` and the country code), found `{target}`"),
            )
            .with_hint("Twilio dials it as given, e.g. `+59899999999`"));
        }
        if target.as_str() == number.number.as_str() {
            return Err(at(
                target.pos(),
                format!("the failover of {} is the number itself: the call would loop back through Twilio", number.number),
            )
            .with_hint("fail over to another number, e.g. a mobile"));
        }
        if failover.on.is_empty() {
            return Err(at(
                &failover.pos,
                "`on` is empty: the failover would never be used",
            )
            .with_hint("e.g. `on: [failed, busy, no-answer]`"));
        }
        let mut seen: Vec<&Spanned<crate::twilio::webhook::DialStatus>> = Vec::new();
        for status in &failover.on {
            if let Some(first) = seen.iter().find(|s| s.value == status.value) {
                return Err(
                    at(&status.pos, format!("`{}` is listed twice", status.value))
                        .with_hint(format!("first listed at {}", first.location())),
                );
            }
            seen.push(status);
        }
    }
    Ok(())
}

fn check_twilio_host(
    host: &super::safe_text::Hostname,
    suffix: &str,
    what: &str,
) -> Result<(), Error> {
    let Some(name) = host.strip_suffix(suffix) else {
        return Err(at(
            host.pos(),
            format!("expected a Twilio {what} ending in `{suffix}`, found `{host}`"),
        ));
    };
    if name.is_empty() {
        return Err(at(
            host.pos(),
            format!("expected NAME{suffix}, found `{host}`"),
        ));
    }
    if let Some((_, edge)) = name.rsplit_once('.') {
        return Err(at(
            host.pos(),
            format!("`{host}` names an edge inside the host name"),
        )
        .with_hint(format!("write the plain name and `edge: {edge}`")));
    }
    Ok(())
}

/// A trunk name used by a route must name `twilio` (with the needed part), a trunk or a PSTN line.
fn existing_trunk<'a>(
    profile: &'a Profile,
    name: &super::safe_text::Name,
    role: &str,
    inbound: bool,
) -> Result<TrunkRef<'a>, Error> {
    match profile.trunk_ref(name) {
        Some(TrunkRef::Twilio(twilio)) => {
            let (ok, part) = if inbound {
                (twilio.origination.is_some(), "origination")
            } else {
                (twilio.termination.is_some(), "termination")
            };
            if ok {
                Ok(TrunkRef::Twilio(twilio))
            } else {
                Err(at(
                    name.pos(),
                    format!("{role} uses `twilio`, but `twilio.{part}` is not configured"),
                ))
            }
        }
        Some(found) => Ok(found),
        None => {
            let names = profile.trunk_names();
            let err = at(
                name.pos(),
                format!("{role} names trunk `{name}`, which is not defined"),
            );
            Err(match did_you_mean(name, &names) {
                Some(hint) => err.with_hint(hint),
                None if names.is_empty() => {
                    err.with_hint("define it in `trunks:`, `twilio:` or a device's `pstn:`")
                }
                None => err.with_hint(format!("defined trunks: {}", names.join(", "))),
            })
        }
    }
}

fn check_inbound(profile: &Profile) -> Result<(), Error> {
    let mut seen: FastMap<(String, Option<String>), &Pos> = FastMap::default();
    each(&profile.inbound, |route| {
        let source = existing_trunk(profile, &route.from, "inbound route", true)?;
        if let Some(did) = &route.did {
            if let TrunkRef::Twilio(twilio) = source {
                if !twilio.numbers.is_empty()
                    && !twilio.numbers.iter().any(|n| n.number == did.as_str())
                {
                    return Err(
                        at(did.pos(), format!("`{did}` is not one of `twilio.numbers`"))
                            .with_hint("add it to `twilio.numbers`, or fix the number"),
                    );
                }
            }
        }
        let key = (
            route.from.to_string(),
            route.did.as_ref().map(|d| d.to_string()),
        );
        if let Some(first) = seen.get(&key) {
            let what = match &route.did {
                Some(did) => format!("calls from `{}` to `{did}`", route.from),
                None => format!("calls from `{}`", route.from),
            };
            return Err(at(
                route.from.pos(),
                format!("a second inbound route for {what}"),
            )
            .with_hint(format!("first route at {}", first.location())));
        }
        seen.insert(key, route.from.pos());
        if route.ring.is_empty() && route.forward.is_none() {
            return Err(at(
                route.from.pos(),
                "an inbound route needs `ring`, `forward` or both",
            ));
        }
        for number in &route.ring {
            existing_extension(profile, number, "inbound route `ring`")?;
        }
        unique(
            "extension in `ring`",
            route.ring.iter().map(|n| (n.as_str(), n.pos())),
        )?;
        if route.timeout.value == 0 || route.timeout.value > 600 {
            return Err(at(
                &route.timeout.pos,
                format!(
                    "expected a ring timeout of 1 to 600 seconds, found {}",
                    route.timeout.value
                ),
            ));
        }
        if let Some(forward) = &route.forward {
            existing_trunk(profile, &forward.via, "`forward.via`", false)?;
        }
        if let Fallback::Voicemail(number) = &route.fallback {
            let ext = existing_extension(profile, number, "`fallback`")?;
            if !ext.voicemail.as_ref().is_some_and(|v| v.enabled) {
                return Err(at(number.pos(), format!("`fallback` sends to voicemail of extension {number}, which has no voicemail box"))
                    .with_hint(format!("add `voicemail:` to extension {number}")));
            }
        }
        Ok(())
    })
}

/// Refuse an outbound pattern that also matches an extension or a feature code (one matcher:
/// [`crate::asterisk::pattern`]): the same number would be both a local call and a call out
/// through a trunk, and which one Asterisk picks depends on the order of contexts and includes.
fn check_pattern_overlaps(
    profile: &Profile,
    route: &OutboundRoute,
    pattern: &DialPattern,
) -> Result<(), Error> {
    use crate::asterisk::pattern::Matcher;
    let matcher = Matcher::new(pattern.as_str());
    let extensions: Vec<&str> = profile
        .extensions
        .iter()
        .map(|e| e.number.as_str())
        .filter(|number| matcher.matches(number))
        .collect();
    let mut caught = Vec::new();
    match extensions.as_slice() {
        [] => {}
        [one] => caught.push(format!("extension {one}")),
        many => caught.push(format!(
            "{} extensions ({}{})",
            many.len(),
            many[..many.len().min(3)].join(", "),
            if many.len() > 3 { ", …" } else { "" }
        )),
    }
    for (code, what) in super::resolved::FEATURE_CODES {
        if matcher.matches(code) {
            caught.push(format!("feature code `{code}` ({what})"));
        }
    }
    if caught.is_empty() {
        return Ok(());
    }
    Err(at(
        pattern.pos(),
        format!(
            "pattern `{pattern}` of outbound route `{}` also matches {}: that number would be both a local call and a call out through `{}`",
            route.name,
            caught.join(" and "),
            route.trunk
        ),
    )
    .with_hint(
        "make the pattern match external numbers only, e.g. with the prefix they start with (`_0[1-9]XXXXXXXX`, `_00[1-9]X.`), or renumber the extensions",
    ))
}

fn check_outbound(profile: &Profile) -> Result<(), Error> {
    let mut patterns: FastMap<&str, (&Pos, &str)> = FastMap::default();
    each(&profile.outbound, |route| {
        existing_trunk(
            profile,
            &route.trunk,
            &format!("outbound route `{}`", route.name),
            false,
        )?;
        if route.patterns.is_empty() {
            return Err(at(
                route.name.pos(),
                format!("outbound route `{}` has no `patterns`", route.name),
            ));
        }
        for pattern in &route.patterns {
            if let Some((first, other)) = patterns.get(pattern.as_str()) {
                return Err(at(
                    pattern.pos(),
                    format!("pattern `{pattern}` is already used by outbound route `{other}`"),
                )
                .with_hint(format!("first used at {}", first.location())));
            }
            patterns.insert(pattern.as_str(), (pattern.pos(), route.name.as_str()));
            check_pattern_overlaps(profile, route, pattern)?;
            let fixed = pattern
                .trim_start_matches('_')
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '+')
                .count();
            let strip = usize::from(route.prefix_strip.value);
            if strip > fixed {
                return Err(at(&route.prefix_strip.pos, format!(
                    "`prefix_strip: {strip}` removes more than the fixed digits of pattern `{pattern}` ({fixed})"
                ))
                .with_hint("strip only the prefix every matching number starts with"));
            }
        }
        if let Allowed::Extensions(numbers) = &route.allowed {
            if numbers.is_empty() {
                return Err(at(
                    route.name.pos(),
                    format!(
                        "outbound route `{}`: `allowed` is an empty list, so nobody could use it",
                        route.name
                    ),
                ));
            }
            for number in numbers {
                existing_extension(profile, number, &format!("outbound route `{}`", route.name))?;
            }
        }
        Ok(())
    })
}

/// Click-to-call buttons: their callee exists, `via` and `gateway` agree, every button has a
/// password (given, or derived from `site.secret_key`), and their credentials — public by
/// design — share no source with any other secret.
fn check_click_to_call(profile: &Profile) -> Result<(), Error> {
    unique(
        "click-to-call button",
        profile
            .click_to_call
            .iter()
            .map(|b| (b.name.as_str(), b.name.pos())),
    )?;
    // What the site lacks for its buttons is one problem, at the first button it concerns;
    // what a button gets wrong is its own.
    let mut problems = Vec::new();
    if let Some(first) = profile.click_to_call.first() {
        if !profile.wants(ChannelDriver::Pjsip) {
            let name = &first.name;
            problems.push(
                at(
                    name.pos(),
                    format!("click-to-call button `{name}` needs the pjsip channel driver"),
                )
                .with_hint("add `pjsip` to `site.channel_drivers`"),
            );
        }
    }
    let first_browser = profile
        .click_to_call
        .iter()
        .find(|b| b.via.value == ClickToCallVia::Browser && b.gateway.is_none());
    if let Some(button) = first_browser {
        problems.extend(check_browser_site(profile, button).err());
    }
    problems.extend(
        each(&profile.click_to_call, |button| {
            check_button(profile, button)
        })
        .err(),
    );
    problems.extend(check_published_secrets(profile).err());
    Error::all(problems)
}

/// One button's own settings: its callee, its limit, `via` and `gateway`, its password.
fn check_button(profile: &Profile, button: &ClickToCall) -> Result<(), Error> {
    let name = &button.name;
    existing_extension(
        profile,
        &button.callee,
        &format!("click-to-call button `{name}`"),
    )?;
    let max = &button.max_concurrent;
    if max.value == 0 || max.value > 100 {
        return Err(at(
            &max.pos,
            format!(
                "expected `max_concurrent` from 1 to 100, found {}",
                max.value
            ),
        ));
    }
    match (button.via.value, &button.gateway) {
        (ClickToCallVia::Gateway, None) => {
            return Err(at(
                &button.via.pos,
                format!("click-to-call button `{name}` is `via: gateway` but names no `gateway`"),
            )
            .with_hint("add `gateway: { allow_from: [ADDRESS/32] }`: the account is accepted from the gateway only"));
        }
        (ClickToCallVia::Gateway, Some(gateway)) => {
            if gateway.allow_from.is_empty() {
                return Err(at(
                    &button.via.pos,
                    format!("click-to-call button `{name}`: `gateway.allow_from` is empty"),
                )
                .with_hint("list the gateway's addresses"));
            }
            unique(
                "network",
                gateway.allow_from.iter().map(|c| (c.net(), c.pos())),
            )?;
            check_breadth(
                &format!("click-to-call button `{name}`'s `gateway.allow_from`"),
                &gateway.allow_from,
                "anyone there may log in as its account, whose password is handed to the gateway",
                "list only the gateway's own addresses (a /32 or a few)",
            )?;
            if button.password.is_none() {
                return Err(at(
                    name.pos(),
                    format!("click-to-call button `{name}` is `via: gateway` and has no `password`"),
                )
                .with_hint("give `password: ${file:secrets/NAME.secret}`: you configure the gateway with it"));
            }
        }
        (ClickToCallVia::Browser, Some(_)) => {
            return Err(at(
                &button.via.pos,
                format!(
                    "click-to-call button `{name}` is `via: browser`: `gateway` applies only to `via: gateway`"
                ),
            ));
        }
        (ClickToCallVia::Browser, None) => {
            if button.password.is_none() && profile.site.secret_key.is_none() {
                return Err(at(
                    name.pos(),
                    format!("click-to-call button `{name}` has no `password`, and there is no `site.secret_key` to derive one from"),
                )
                .with_hint("set `site.secret_key: ${file:secrets/site.key}` (32+ random characters), or give the button a `password`"));
            }
        }
    }
    Ok(())
}

/// What `via: browser` buttons need of the site (TLS, a public address, the WSS port free),
/// reported at `button`, the first of them.
fn check_browser_site(profile: &Profile, button: &ClickToCall) -> Result<(), Error> {
    let name = &button.name;
    if profile.network.tls.is_none() {
        return Err(at(
            &button.via.pos,
            format!("click-to-call button `{name}` is `via: browser`, which needs `network.tls`"),
        )
        .with_hint("browsers connect over wss:// only: Asterisk's HTTPS server uses the TLS certificate and key of `network.tls`"));
    }
    if profile.network.public_address.is_none() {
        return Err(at(
            &button.via.pos,
            format!("click-to-call button `{name}` is `via: browser`, which needs `network.public_address`"),
        )
        .with_hint("the web page connects to wss://PUBLIC_ADDRESS:PORT/ws (the name on the TLS certificate; PORT is `network.tls.wss_port`, 8089 by default)"));
    }
    let network = &profile.network;
    let sip_ports = [
        network.udp.as_ref().map(|t| (&t.port, &t.chan_sip_port)),
        network.tcp.as_ref().map(|t| (&t.port, &t.chan_sip_port)),
        network.tls.as_ref().map(|t| (&t.port, &t.chan_sip_port)),
    ];
    let wss = network
        .tls
        .as_ref()
        .map_or(CLICK_TO_CALL_WSS_PORT, |t| t.wss_port.value);
    for (port, chan_sip_port) in sip_ports.iter().flatten() {
        if port.value == wss {
            return Err(at(
                &port.pos,
                format!("port {wss} is Asterisk's HTTPS (WSS) port for `via: browser` click-to-call buttons"),
            )
            .with_hint("give the SIP transport another port, or set `network.tls.wss_port`"));
        }
        // With both drivers chan_sip listens on a port of its own: not this one either.
        let chan_sip = match chan_sip_port {
            Some(p) => (p.value, &p.pos),
            None => (
                port.value
                    .saturating_add(super::resolved::CHAN_SIP_PORT_OFFSET),
                &port.pos,
            ),
        };
        if profile.both_drivers() && chan_sip.0 == wss {
            return Err(at(
                chan_sip.1,
                format!("chan_sip would listen on port {wss}, Asterisk's HTTPS (WSS) port for `via: browser` click-to-call buttons"),
            )
            .with_hint(format!("set this transport's `chan_sip_port` to another port (it defaults to `port` + {})", super::resolved::CHAN_SIP_PORT_OFFSET)));
        }
    }
    Ok(())
}

/// Published credentials and their key share no source with any other secret.
fn check_published_secrets(profile: &Profile) -> Result<(), Error> {
    // Without a button or a key nothing is published: no need to list every secret of the site.
    if profile.click_to_call.is_empty() && profile.site.secret_key.is_none() {
        return Ok(());
    }
    let uses = profile.secrets();
    let mut by_source: FastMap<&super::secret::SecretSource, super::SecretField<'_>> =
        FastMap::default();
    for u in &uses {
        if let Some(first) = by_source.insert(u.secret.source(), u.field) {
            if first.is_published() || u.field.is_published() {
                return Err(at(
                    u.secret.pos(),
                    format!(
                        "`{}` uses the same secret as `{first}` ({})",
                        u.field,
                        u.secret.reference()
                    ),
                )
                .with_hint("click-to-call passwords are published and `site.secret_key` derives published values: give each its own secret"));
            }
        }
    }
    Ok(())
}

fn resolve_websms(profile: &Profile, websms: &WebSms) -> Result<ResolvedWebSms, Error> {
    let layout = websms.layout.value;
    let preset = match &websms.provider {
        None => None,
        Some(name) => match preset::provider(name) {
            Some(preset) => Some(preset?),
            None => {
                let names = preset::provider_names();
                let err = at(name.pos(), format!("unknown SMS provider preset `{name}`"));
                return Err(match did_you_mean(name, &names) {
                    Some(hint) => err.with_hint(hint),
                    None => err.with_hint(format!(
                        "presets: {} (or leave `provider` out and give `api` in full)",
                        names.join(", ")
                    )),
                });
            }
        },
    };
    let empty = preset::ProviderPreset {
        description: String::new(),
        api: WebSmsApi::default(),
        fields: WebSmsFields::default(),
        webhook: Webhook::default(),
    };
    let base = preset.as_ref().unwrap_or(&empty);
    let api = &websms.api;
    let layout_pos = &websms.layout.pos;

    let url = pick(&api.url, &base.api.url).ok_or_else(|| {
        at(
            layout_pos,
            "WebSMS needs the ITSP's API URL: set `api.url` or a `provider`",
        )
    })?;
    let auth = pick(&api.auth_method, &base.api.auth_method).ok_or_else(|| {
        at(
            layout_pos,
            "WebSMS needs `api.auth_method` (none, plain, basic or zadarma), or a `provider`",
        )
    })?;
    if layout == WebSmsLayout::Legacy && matches!(auth.value, AuthMethod::None | AuthMethod::Plain)
    {
        return Err(at(
            &auth.pos,
            "the legacy WebSMS layout knows only `basic` and `zadarma` authentication",
        )
        .with_hint("use `layout: current`, or `auth_method: basic`"));
    }
    let user = api.user.clone();
    let secret = api.secret.clone();
    match auth.value {
        AuthMethod::None => {
            if let Some(secret) = &secret {
                return Err(at(
                    secret.pos(),
                    "`auth_method: none` sends no credentials: remove `api.secret` or choose a method",
                ));
            }
        }
        _ => {
            if user.is_none() || secret.is_none() {
                return Err(at(
                    &auth.pos,
                    "this authentication method needs `api.user` and `api.secret`",
                ));
            }
        }
    }
    let path = pick(&api.path, &base.api.path);
    if auth.value == AuthMethod::Zadarma && path.is_none() {
        return Err(at(
            &auth.pos,
            "Zadarma signs the request path: set `api.path` (e.g. `/v1/sms/send/`)",
        ));
    }
    let allow_from = pick(&websms.webhook.allow_from, &base.webhook.allow_from).unwrap_or_default();
    if allow_from.is_empty() {
        let pos = if allow_from.pos.is_known() {
            &allow_from.pos
        } else {
            layout_pos
        };
        return Err(at(pos, "WebSMS webhook has no `allow_from`: anyone on the internet could inject messages")
            .with_hint("list the ITSP's source addresses in `webhook.allow_from` (websmsd checks nothing else)"));
    }
    let trusted_proxies = pick(
        &websms.webhook.trusted_proxies,
        &base.webhook.trusted_proxies,
    )
    .unwrap_or_default();
    check_breadth(
        "the WebSMS webhook's `allow_from`",
        &allow_from,
        "anyone there could inject messages (websmsd checks nothing else)",
        "list only the ITSP's webhook source addresses",
    )?;
    check_breadth(
        "`webhook.trusted_proxies`",
        &trusted_proxies,
        "any of them could forge the client address and bypass `allow_from`",
        "list only your reverse proxies",
    )?;
    let proxy_header = match pick(&websms.webhook.proxy_header, &base.webhook.proxy_header) {
        Some(header) => header,
        None => builtin::<super::safe_text::HeaderNameKind>("HTTP_X_FORWARDED_FOR"),
    };
    for number in &websms.deliver_to {
        let ext = existing_extension(profile, number, "`deliver_to`")?;
        if !ext.sms {
            return Err(at(
                number.pos(),
                format!("extension {number} receives SMS but does not have `sms: true`"),
            )
            .with_hint(format!("set `sms: true` on extension {number}")));
        }
    }
    let (channel_default, text_default) = match layout {
        WebSmsLayout::Legacy => ("dp_entry_channel_open", "dp_entry_trunk_texting"),
        WebSmsLayout::Current => ("dp_entry_answer", "dp_entry_text_in"),
    };
    let channel_context = websms
        .contexts
        .channel
        .clone()
        .unwrap_or_else(|| builtin::<super::safe_text::ContextKind>(channel_default));
    let text_context = websms
        .contexts
        .text
        .clone()
        .unwrap_or_else(|| builtin::<super::safe_text::ContextKind>(text_default));
    let fields = &websms.fields;
    Ok(ResolvedWebSms {
        layout,
        provider: websms.provider.as_ref().map(|p| p.to_string()),
        url,
        path,
        auth_method: auth.value,
        user,
        secret,
        response_check: pick(&api.response_check, &base.api.response_check),
        number_format: pick(&api.number_format, &base.api.number_format).map(|f| f.value),
        field_to: pick(&fields.to, &base.fields.to),
        field_from: pick(&fields.from, &base.fields.from),
        field_body: pick(&fields.body, &base.fields.body),
        field_echo: pick(&fields.echo, &base.fields.echo),
        allow_from: allow_from.value,
        trusted_proxies,
        proxy_header,
        deliver_to: websms.deliver_to.clone(),
        channel_context,
        text_context,
    })
}

/// The profile's value, else the preset's.
fn pick<T: Clone>(mine: &Option<T>, preset: &Option<T>) -> Option<T> {
    mine.clone().or_else(|| preset.clone())
}

/// A validated string pbxgen itself supplies (a default); these constants are valid by
/// construction, checked by the tests of this module.
fn builtin<K: super::safe_text::TextKind>(value: &'static str) -> Text<K> {
    Text::new(value)
        .unwrap_or_else(|problem| unreachable!("built-in value `{value}`: {}", problem.message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{ContextName, HeaderName};

    #[test]
    fn builtin_defaults_are_valid() {
        let _: HeaderName = builtin("HTTP_X_FORWARDED_FOR");
        for name in [
            "dp_entry_channel_open",
            "dp_entry_trunk_texting",
            "dp_entry_answer",
            "dp_entry_text_in",
        ] {
            let _: ContextName = builtin(name);
        }
    }
}
