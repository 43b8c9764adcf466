//! The plan: what every output file of a site holds, decided once from a validated profile.
//!
//! [`plan`] turns a [`Profile`] into a [`Plan`]: every section, object,
//! context and provisioning file the output will hold, with names, ACLs and routes decided once,
//! here, so that templates only format. Derived facts (which contexts are untrusted, which
//! endpoints are trunks) are computed here and nowhere else. Secrets stay references
//! ([`SecretId`] into [`Plan::secrets`]) until render time.
//!
//! One module per output — [`pjsip`], [`chan_sip`], [`dialplan`], [`voicemail`], [`websms`],
//! [`spa3102`], [`twiml`], [`click_to_call`], [`twilio_service`] — each holding its data types
//! and the `build` function that makes them; [`party`] describes the parties both channel
//! drivers share; [`names`] the names pbxgen reserves; `invariants` checks the plan's security
//! promises. Output modules depend on `party`, `names` and `secrets` only, never on each other
//! or on this one; which file each part becomes is the output registry's business
//! (`render::outputs`).

pub mod chan_sip;
pub mod click_to_call;
pub mod dialplan;
mod invariants;
pub mod names;
pub mod net_text;
pub mod party;
pub mod pjsip;
pub mod secrets;
pub mod spa3102;
pub mod twilio_service;
pub mod twiml;
pub mod voicemail;
pub mod websms;

pub use chan_sip::ChanSip;
pub use click_to_call::ClickToCall;
pub use dialplan::Dialplan;
pub use names::{
    INTERNAL_CONTEXT, MESSAGES_CONTEXT, REJECT_CONTEXT, TWILIO_ORIGINATION, TWILIO_TERMINATION,
};
pub use pjsip::Pjsip;
pub use secrets::SecretId;
pub use spa3102::Spa3102;
pub use twilio_service::TwilioService;
pub use twiml::Twiml;
pub use voicemail::Voicemail;
pub use websms::WebSms;

use crate::diag::Error;
use crate::profile::{ChannelDriver, Profile, Secret};
use serde::Serialize;
use std::sync::Arc;

/// The whole plan for one site. Templates see it as `site`.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// The site's name (profile `site.name`).
    pub name: String,
    /// The profile's file name (no directory), for file headers.
    pub profile_file: String,
    /// Target Asterisk major version.
    pub asterisk: u32,
    pub pjsip: Option<Pjsip>,
    pub sip: Option<ChanSip>,
    /// Shared, and not serialized with the rest: templates see it as `site.dialplan` through
    /// values `render` builds as they are read (a provider's dialplan has an extension per
    /// account).
    #[serde(skip)]
    pub dialplan: Arc<Dialplan>,
    pub voicemail: Option<Voicemail>,
    pub websms: Option<WebSms>,
    pub spa3102: Vec<Spa3102>,
    pub twiml: Vec<Twiml>,
    /// Click-to-call buttons (public accounts, http.conf, the pages' JSON); `None` without.
    pub click_to_call: Option<ClickToCall>,
    /// The systemd unit of the Twilio webhook server (`twilio.webhook`).
    pub twilio_service: Option<TwilioService>,
    /// Every secret the files use, referenced by [`SecretId`]; resolved only when rendering.
    #[serde(skip)]
    pub secrets: Vec<Secret>,
    /// Files on the PBX that the rendered files name (TLS certificate, key, CA bundle).
    #[serde(skip)]
    pub target_files: Vec<TargetFile>,
}

/// A file on the PBX that a rendered file names: Asterisk must be able to read it there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetFile {
    pub path: String,
    /// What it is, for messages (`TLS certificate`).
    pub what: &'static str,
    /// The profile field that names it (`network.tls.cert_file`).
    pub field: &'static str,
    /// Not in the profile: pbxgen's default (the CA bundle).
    pub default: bool,
}

impl TargetFile {
    /// Whether the file can be read on the machine running pbxgen (often not the PBX: a `false`
    /// is worth a warning, not an error). Opened without blocking and only as a regular file
    /// ([`crate::fsutil::open_regular`]): a FIFO named in the profile does not hang a render.
    pub fn readable_here(&self) -> Result<(), String> {
        match crate::fsutil::open_regular(std::path::Path::new(&self.path), true) {
            Ok(_) => Ok(()),
            Err(crate::fsutil::OpenError::Io(e)) => Err(e.to_string()),
            Err(crate::fsutil::OpenError::NotRegular(kind)) => {
                Err(format!("it is {kind}, not a regular file"))
            }
        }
    }
}

/// The files a profile's TLS transport names.
fn target_files(profile: &Profile) -> Vec<TargetFile> {
    let Some(tls) = &profile.network.tls else {
        return Vec::new();
    };
    let ca = party::ca_bundle(tls);
    vec![
        TargetFile {
            path: tls.cert_file.to_string(),
            what: "TLS certificate",
            field: "network.tls.cert_file",
            default: false,
        },
        TargetFile {
            path: tls.key_file.to_string(),
            what: "TLS private key",
            field: "network.tls.key_file",
            default: false,
        },
        TargetFile {
            path: ca.path,
            what: "CA bundle verifying TLS servers",
            field: "network.tls.ca_file",
            default: ca.default,
        },
    ]
}

/// The parties pjsip serves and those chan_sip serves, in order. A site on one driver keeps its
/// list as it is: a provider's 10,000 parties are not moved one by one into a list that grows.
fn by_driver(parties: Vec<party::Party>) -> (Vec<party::Party>, Vec<party::Party>) {
    let on_pjsip = |p: &party::Party| p.driver == ChannelDriver::Pjsip;
    let pjsip_count = parties.iter().filter(|p| on_pjsip(p)).count();
    if pjsip_count == parties.len() {
        return (parties, Vec::new());
    }
    if pjsip_count == 0 {
        return (Vec::new(), parties);
    }
    let mut pjsip = Vec::with_capacity(pjsip_count);
    let mut sip = Vec::with_capacity(parties.len() - pjsip_count);
    for p in parties {
        if on_pjsip(&p) {
            pjsip.push(p);
        } else {
            sip.push(p);
        }
    }
    (pjsip, sip)
}

/// Build the plan for `profile`.
pub fn plan(profile: &Profile) -> Result<Plan, Error> {
    // The dialplan reads only the profile: a provider's is built on a thread of its own while
    // the parties are (errors are still those of the serial order: a party's first).
    let (parties, dialplan) = if profile.extensions.len() >= PARALLEL_DIALPLAN_EXTENSIONS {
        std::thread::scope(|scope| {
            let dialplan = std::thread::Builder::new()
                .spawn_scoped(scope, || dialplan::build(profile))
                .ok();
            let parties = parties_and_drivers(profile);
            let dialplan = dialplan.map(|thread| {
                thread
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            });
            (parties, dialplan)
        })
    } else {
        (parties_and_drivers(profile), None)
    };
    let asterisk = profile.site.asterisk.value;
    let (mut secrets, sip, pjsip) = parties?;
    let dialplan = match dialplan {
        Some(dialplan) => dialplan?,
        // Small, or no thread to be had.
        None => dialplan::build(profile)?,
    };
    let voicemail = voicemail::build(profile, &mut secrets);
    let websms = websms::build(profile, &mut secrets);
    let spa3102 = spa3102::build(profile, &mut secrets)?;
    let twiml = twiml::build(profile)?;
    let click_to_call = click_to_call::build(profile, &mut secrets);
    invariants::check(
        pjsip.as_ref(),
        sip.as_ref(),
        &dialplan,
        click_to_call.as_ref(),
        profile,
    )?;
    let profile_file = profile.path().file_name().map_or_else(
        || "profile".to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let twilio_service = twilio_service::build(profile, &profile_file)?;
    Ok(Plan {
        name: profile.site.name.to_string(),
        profile_file,
        asterisk,
        pjsip,
        sip,
        dialplan: Arc::new(dialplan),
        voicemail,
        websms,
        spa3102,
        twiml,
        click_to_call,
        twilio_service,
        secrets: secrets.into_list(),
        target_files: target_files(profile),
    })
}

/// From this many extensions on, [`plan`] builds the dialplan on a thread of its own (below,
/// starting the thread costs more than it saves).
const PARALLEL_DIALPLAN_EXTENSIONS: usize = 1000;

/// The parties, each served by one driver (pjsip.conf and sip.conf describe different
/// parties), as sip.conf and pjsip.conf plans, with the secrets they registered.
fn parties_and_drivers(
    profile: &Profile,
) -> Result<(secrets::Secrets, Option<ChanSip>, Option<Pjsip>), Error> {
    let asterisk = profile.site.asterisk.value;
    let mut secrets = secrets::Secrets::default();
    let (pjsip_parties, sip_parties) = by_driver(party::parties(profile, &mut secrets)?);
    let mut sip = None;
    if profile.wants(ChannelDriver::Sip) {
        if asterisk > 20 {
            return Err(Error::at(
                profile.site.asterisk.pos.location(),
                format!("chan_sip (sip.conf) does not exist in Asterisk {asterisk}"),
            ));
        }
        sip = Some(chan_sip::build(profile, &sip_parties)?);
    }
    let pjsip = profile
        .wants(ChannelDriver::Pjsip)
        .then(|| pjsip::build(profile, pjsip_parties));
    Ok((secrets, sip, pjsip))
}

#[cfg(test)]
mod tests {
    use super::dialplan::{Step, Trust};
    use super::names::{REJECT_CONTEXT, TWILIO_ORIGINATION, TWILIO_TERMINATION};
    use super::*;
    use crate::diag::Error;
    use crate::profile::{Origin, parse};

    /// A small site: Twilio both ways, one ITSP, a PSTN line, two extensions, two routes.
    const BASE: &str = r#"
version: 1
site: { name: t, asterisk: 20, channel_drivers: [pjsip, sip] }
network:
  public_address: pbx.example.net
  local_nets: [192.168.1.0/24]
  udp: { port: 5060 }
  tls: { port: 5061, cert_file: /etc/asterisk/keys/pbx.crt, key_file: /etc/asterisk/keys/pbx.key }
twilio:
  origination: { context: from-twilio }
  termination:
    trunk: t.pstn.twilio.com
    edge: us1
    username: t-pbx
    password: Xq7-vR2mT9pL4wZk
    caller_id: "+15551234567"
  numbers: [{ number: "+15551234567", name: main }]
trunks:
  - { name: itsp, host: sip.itsp.example, username: u1, password: Pw-12345678-Ab, register: true,
      context: from-itsp, allow_from: [198.51.100.0/28] }
extensions:
  - { number: "101", name: One, secret: S3cret-one-101 }
  - { number: "102", name: Two, secret: S3cret-two-102, sms: true }
devices:
  - name: ata
    model: spa3102
    lan_address: 192.168.1.50
    pstn: { trunk: atapstn, secret: Pstn-S3cret-1, gateway_password: Gw-S3cret-123, context: from-pstn }
inbound:
  - { from: twilio, forward: { number: "0799999999", via: atapstn } }
  - { from: itsp, ring: ["101", "102"] }
outbound:
  - { name: national, patterns: ["_0[1-9]XXXXXXXX"], trunk: twilio, prefix_strip: 1, prepend: "+44" }
  - { name: intl, patterns: ["_00X."], trunk: itsp, allowed: ["101"] }
"#;

    fn plan_text(text: &str) -> Result<Plan, Error> {
        plan(&parse(text, Origin::named("t.yaml"))?)
    }

    fn base() -> Plan {
        plan_text(BASE).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn untrusted_contexts_reach_no_trunk_with_a_dialled_number() {
        let site = base();
        let untrusted: Vec<_> = site
            .dialplan
            .contexts
            .iter()
            .filter(|c| c.trust == Trust::Untrusted)
            .collect();
        let names: Vec<&str> = untrusted.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["from-twilio", "from-itsp", "from-pstn"]);
        for context in untrusted {
            assert!(context.includes.is_empty(), "{}", context.name);
            for step in context.extensions.iter().flat_map(|e| &e.steps) {
                match step {
                    Step::DialOut { .. } | Step::WebSmsSend { .. } | Step::VoiceMailMain { .. } => {
                        panic!("{}", context.name)
                    }
                    Step::Dial { targets, .. } => {
                        for t in targets.iter().filter(|t| t.via.is_some()) {
                            assert_eq!(t.resource, "0799999999", "only the fixed forward number");
                        }
                    }
                    _ => {}
                }
            }
        }
        // Outbound routes are included only by contexts of authenticated extensions.
        for context in &site.dialplan.contexts {
            if context.includes.iter().any(|i| i.starts_with("route-")) {
                assert_eq!(context.trust, Trust::Authenticated, "{}", context.name);
            }
        }
        let internal_101 = site
            .dialplan
            .context("internal-101")
            .expect("101 may use intl");
        assert_eq!(internal_101.includes, ["internal", "route-intl"]);
        assert_eq!(
            site.dialplan.context("internal").unwrap().includes,
            ["route-national"]
        );
    }

    #[test]
    fn restricted_routes_are_included_once_in_profile_order() {
        let intl = r#"  - { name: intl, patterns: ["_00X."], trunk: itsp, allowed: ["101"] }"#;
        let premium = r#"  - { name: premium, patterns: ["_09X."], trunk: itsp, allowed: ["102", "101", "102"] }"#;
        assert!(BASE.contains(intl));
        let site = plan_text(&BASE.replace(intl, &format!("{intl}\n{premium}")))
            .unwrap_or_else(|e| panic!("{e}"));
        let includes = |name| &site.dialplan.context(name).unwrap().includes;
        assert_eq!(
            includes("internal-101"),
            &["internal", "route-intl", "route-premium"]
        );
        assert_eq!(includes("internal-102"), &["internal", "route-premium"]);
        let context_of = |number| {
            let accounts = &site.pjsip.as_ref().unwrap().accounts;
            let name = format!("ext{number}");
            let account = accounts.iter().find(|a| a.endpoint.name == name).unwrap();
            account.endpoint.context.as_str()
        };
        assert_eq!(context_of("101"), "internal-101");
        assert_eq!(context_of("102"), "internal-102");
    }

    #[test]
    fn trunks_are_identified_by_address_and_never_by_inbound_auth() {
        let site = base();
        let pjsip = site.pjsip.as_ref().unwrap();
        for account in pjsip.accounts.iter() {
            let e = &account.endpoint;
            assert_eq!(
                account.kind.is_trunk(),
                e.name != "ext101" && e.name != "ext102",
                "{}",
                e.name
            );
            if account.identify.is_some() {
                assert!(e.auth.is_none() && e.template == "trunk", "{}", e.name);
            }
            assert!(
                !e.permit.is_empty(),
                "{}: every endpoint has an ACL",
                e.name
            );
        }
        let origination = pjsip
            .accounts
            .iter()
            .find(|a| a.endpoint.name == TWILIO_ORIGINATION)
            .unwrap();
        assert_eq!(
            origination.identify.as_ref().unwrap().matches.len(),
            8,
            "all edges by default"
        );
        let termination = pjsip
            .accounts
            .iter()
            .find(|a| a.endpoint.name == TWILIO_TERMINATION)
            .unwrap();
        assert!(termination.identify.is_none() && termination.endpoint.auth.is_none());
        assert_eq!(termination.endpoint.context, REJECT_CONTEXT);
        assert!(termination.endpoint.srtp, "TLS to Twilio: SRTP by default");
        let contact = termination
            .aor
            .as_ref()
            .unwrap()
            .contact
            .as_deref()
            .unwrap();
        assert_eq!(
            contact, "sip:t.pstn.ashburn.twilio.com:5061;transport=tls",
            "legacy edge name, current host"
        );
    }

    /// BASE with Twilio served by chan_sip.
    fn twilio_on_chan_sip() -> String {
        BASE.replace("twilio:\n", "twilio:\n  driver: sip\n")
    }

    #[test]
    fn chan_sip_gets_one_peer_per_twilio_address() {
        let site = plan_text(&twilio_on_chan_sip()).unwrap_or_else(|e| panic!("{e}"));
        let twilio = site.sip.as_ref().unwrap().twilio.as_ref().unwrap();
        assert_eq!(twilio.peers.len(), 32, "8 edges x /30");
        assert_eq!(twilio.peers[0].address.to_string(), "54.172.60.0");
        assert_eq!(twilio.peers[3].address.to_string(), "54.172.60.3");
        let only = twilio_on_chan_sip().replace(
            "origination: { context: from-twilio }",
            "origination: { context: from-twilio, edges: [dublin] }",
        );
        let sip = plan_text(&only).unwrap().sip.unwrap();
        let names: Vec<&str> = sip
            .twilio
            .as_ref()
            .unwrap()
            .peers
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "twilio-dublin-1",
                "twilio-dublin-2",
                "twilio-dublin-3",
                "twilio-dublin-4"
            ]
        );
        // Should Twilio's termination address call us, the call lands where Twilio's calls land.
        let termination = sip
            .peers
            .iter()
            .find(|p| p.name == TWILIO_TERMINATION)
            .unwrap();
        assert_eq!(termination.context, "from-twilio");
        assert!(termination.secret.is_none() && termination.remotesecret.is_some());
        assert!(
            sip.peers
                .iter()
                .all(|p| p.peer_type == chan_sip::PeerType::Friend || p.secret.is_none())
        );
    }

    #[test]
    fn each_party_is_served_and_dialled_by_one_driver_on_its_own_ports() {
        let one = r#"{ number: "101", name: One, secret: S3cret-one-101 }"#;
        assert!(BASE.contains(one));
        let text = twilio_on_chan_sip().replace(
            one,
            r#"{ number: "101", name: One, secret: S3cret-one-101, driver: sip }"#,
        );
        let site = plan_text(&text).unwrap_or_else(|e| panic!("{e}"));
        let pjsip = site.pjsip.as_ref().unwrap();
        let sip = site.sip.as_ref().unwrap();
        let endpoints: Vec<&str> = pjsip
            .accounts
            .iter()
            .map(|a| a.endpoint.name.as_str())
            .collect();
        let peers: Vec<&str> = sip.peers.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(endpoints, ["ext102", "atapstn", "itsp"]);
        assert_eq!(peers, ["ext101", TWILIO_TERMINATION]);
        assert_eq!(sip.twilio.as_ref().unwrap().peers.len(), 32);
        // pjsip keeps the profile's ports, chan_sip takes its own (default +100).
        let binds: Vec<&str> = pjsip.transports.iter().map(|t| t.bind.as_str()).collect();
        assert_eq!(binds, ["0.0.0.0:5060", "0.0.0.0:5061"]);
        assert_eq!(sip.general.udp_bind.as_deref(), Some("0.0.0.0:5160"));
        assert_eq!(sip.general.tls.as_ref().unwrap().bind, "0.0.0.0:5161");
        // Dial strings follow the driver of the party dialled; extensions by device name.
        let dials = |context: &str, pattern: &str| -> Vec<String> {
            let c = site.dialplan.context(context).unwrap();
            let e = c.extensions.iter().find(|e| e.pattern == pattern).unwrap();
            e.steps
                .iter()
                .filter_map(|s| match s {
                    Step::Dial { targets, .. } => Some(
                        targets
                            .iter()
                            .map(|t| format!("{:?}/{}", t.tech, t.resource))
                            .collect::<Vec<_>>()
                            .join("&"),
                    ),
                    Step::DialOut { tech, trunk, .. } => Some(format!("{tech:?}/…@{trunk}")),
                    _ => None,
                })
                .collect()
        };
        assert_eq!(dials("internal", "101"), ["Sip/ext101"]);
        assert_eq!(dials("internal", "102"), ["Pjsip/ext102"]);
        assert_eq!(dials("from-itsp", "s"), ["Sip/ext101&Pjsip/ext102"]);
        assert_eq!(
            dials("route-national", "_0[1-9]XXXXXXXX"),
            ["Sip/…@twilio-termination"]
        );
        assert_eq!(dials("route-intl", "_00X."), ["Pjsip/…@itsp"]);
        // Twilio calls chan_sip's TLS port.
        assert_eq!(
            site.twiml[0].sip_uri,
            "sip:+15551234567@pbx.example.net:5161;transport=tls"
        );
    }

    #[test]
    fn the_twiml_of_a_chan_sip_twilio_with_a_webhook_has_both_its_port_and_its_action() {
        let numbers = r#"  numbers: [{ number: "+15551234567", name: main }]"#;
        assert!(BASE.contains(numbers));
        let text = twilio_on_chan_sip().replace(
            numbers,
            &format!(
                "{numbers}\n  webhook: {{ public_url: https://pbx.example.net/twilio, auth_token: Tw-T0ken-0123456789abcdef }}"
            ),
        );
        let site = plan_text(&text).unwrap_or_else(|e| panic!("{e}"));
        let twiml = &site.twiml[0];
        assert_eq!(
            twiml.sip_uri,
            "sip:+15551234567@pbx.example.net:5161;transport=tls"
        );
        assert_eq!(
            twiml.action.as_deref(),
            Some("https://pbx.example.net/twilio/main/dial-status")
        );
    }

    #[test]
    fn a_chan_sip_only_site_dials_everything_with_chan_sip_on_the_profile_ports() {
        let text = BASE
            .replace("channel_drivers: [pjsip, sip]", "channel_drivers: [sip]")
            .replace(", sms: true", "");
        let site = plan_text(&text).unwrap_or_else(|e| panic!("{e}"));
        assert!(site.pjsip.is_none());
        let sip = site.sip.as_ref().unwrap();
        assert_eq!(sip.general.udp_bind.as_deref(), Some("0.0.0.0:5060"));
        let peers: Vec<&str> = sip.peers.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            peers,
            ["ext101", "ext102", "atapstn", "itsp", TWILIO_TERMINATION]
        );
        assert!(sip.twilio.is_some(), "Twilio origination peers");
        for step in site
            .dialplan
            .contexts
            .iter()
            .flat_map(|c| &c.extensions)
            .flat_map(|e| &e.steps)
        {
            match step {
                Step::Dial { targets, .. } => {
                    assert!(
                        targets.iter().all(|t| t.tech == dialplan::Tech::Sip),
                        "{step:?}"
                    )
                }
                Step::DialOut { tech, .. } => assert_eq!(*tech, dialplan::Tech::Sip),
                _ => {}
            }
        }
        assert_eq!(
            site.twiml[0].sip_uri,
            "sip:+15551234567@pbx.example.net;transport=tls"
        );
    }

    #[test]
    fn devices_register_by_name_never_by_number() {
        let site = base();
        let pjsip = site.pjsip.as_ref().unwrap();
        let ext = |name: &str| {
            pjsip
                .accounts
                .iter()
                .find(|a| a.endpoint.name == name)
                .unwrap_or_else(|| panic!("no endpoint {name}"))
        };
        let one = ext("ext101");
        assert_eq!(one.auths[0].username, "ext101");
        assert_eq!(one.aor.as_ref().unwrap().name, "ext101");
        // The number stays what people see and dial: caller ID, mailbox, dialplan extension.
        assert_eq!(one.endpoint.callerid.as_ref().unwrap().number, "101");
        let internal = site.dialplan.context("internal").unwrap();
        assert!(internal.extensions.iter().any(|e| e.pattern == "101"));
        // MESSAGEs: each texting extension's own context says who sends.
        assert_eq!(ext("ext102").endpoint.message_context, "messages-102");
        assert_eq!(one.endpoint.message_context, REJECT_CONTEXT);
        let sender = site.dialplan.context("messages-102").unwrap();
        assert!(matches!(
            &sender.extensions[0].steps[0],
            Step::SetSender { number, .. } if number == "102"
        ));
    }

    #[test]
    fn refuses_what_would_be_unsafe_or_break_asterisk() {
        let cases = [
            (
                BASE.replace("name: itsp,", "name: anonymous,")
                    .replace("from: itsp", "from: anonymous")
                    .replace("trunk: itsp", "trunk: anonymous"),
                "anonymous",
            ),
            (
                BASE.replace("context: from-itsp", "context: internal"),
                "pbxgen uses for its own contexts",
            ),
            (
                BASE.replace("context: from-itsp", "context: route-x"),
                "pbxgen uses for its own contexts",
            ),
            (
                BASE.replace("channel_drivers: [pjsip, sip]", "channel_drivers: [sip]"),
                "needs the pjsip channel driver",
            ),
            (
                BASE.replace("context: from-itsp", "context: from-twilio"),
                "two inbound routes",
            ),
        ];
        for (text, expected) in cases {
            let err = plan_text(&text).map(|_| ()).unwrap_err();
            assert!(
                err.to_string().contains(expected),
                "expected `{expected}`: {err}"
            );
        }
    }

    #[test]
    fn the_same_secret_reference_is_one_secret() {
        let site = base();
        let refs: Vec<String> = site.secrets.iter().map(Secret::reference).collect();
        // 2 extension secrets + PSTN secret and gateway + trunk + Twilio: inline, all distinct.
        assert_eq!(refs.len(), 6);
    }

    #[test]
    fn twiml_points_at_the_pbx_over_tls_without_credentials() {
        let site = base();
        assert_eq!(site.twiml.len(), 1);
        assert_eq!(
            site.twiml[0].sip_uri,
            "sip:+15551234567@pbx.example.net;transport=tls"
        );
        assert_eq!(site.twiml[0].name, "main");
    }

    /// The outbound-pattern check of the profile (`FEATURE_CODES`) must know every number an
    /// extension can dial locally: in the contexts that include outbound routes, only extension
    /// numbers and the feature codes — with voicemail, texting and a click-to-call button on.
    #[test]
    fn extensions_dial_locally_only_their_numbers_and_the_feature_codes() {
        let text = BASE
            .replace(
                "{ number: \"101\", name: One, secret: S3cret-one-101 }",
                "{ number: \"101\", name: One, secret: S3cret-one-101, voicemail: { pin: \"4812\" } }",
            )
            .replace("site: { name: t, asterisk: 20,", "site: { name: t, asterisk: 20, secret_key: Site-K3y-0123456789-abcdefghij-ABCD,")
            + "click_to_call:\n  - { name: sales, callee: \"101\", via: browser, caller_id: Web sales }\n";
        let site = plan_text(&text).unwrap_or_else(|e| panic!("{e}"));
        let routes: Vec<String> = site
            .dialplan
            .contexts
            .iter()
            .filter(|c| c.trust == Trust::Included)
            .map(|c| c.name.clone())
            .collect();
        assert!(!routes.is_empty());
        let local: Vec<&str> = site
            .dialplan
            .contexts
            .iter()
            .filter(|c| c.includes.iter().any(|i| routes.contains(i)))
            .flat_map(|c| c.extensions.iter().map(|e| e.pattern.as_str()))
            .collect();
        assert!(local.contains(&crate::profile::VOICEMAIL_MAIN), "{local:?}");
        for pattern in local {
            assert!(
                ["101", "102"].contains(&pattern)
                    || crate::profile::FEATURE_CODES
                        .iter()
                        .any(|(code, _)| *code == pattern),
                "`{pattern}` is dialled locally but is not in FEATURE_CODES"
            );
        }
    }

    /// BASE with enough extensions that the dialplan is built on a thread of its own.
    fn with_many_extensions(text: &str) -> String {
        let mut more = String::new();
        for n in 0..PARALLEL_DIALPLAN_EXTENSIONS {
            more.push_str(&format!(
                "  - {{ number: \"{}\", name: N{n}, secret: S3cret-many-{n} }}\n",
                5000 + n
            ));
        }
        text.replace("extensions:\n", &format!("extensions:\n{more}"))
    }

    #[test]
    fn a_dialplan_built_beside_the_parties_reports_the_errors_of_the_serial_order() {
        let large = with_many_extensions(BASE);
        let profile = parse(&large, Origin::named("t.yaml")).unwrap();
        let site = plan(&profile).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            format!("{:?}", site.dialplan),
            format!("{:?}", dialplan::build(&profile).unwrap())
        );
        // The dialplan alone fails: its error.
        let reserved = large.replace("context: from-itsp,", "context: internal,");
        let err = plan_text(&reserved).unwrap_err().to_string();
        assert!(err.contains("a name pbxgen uses"), "{err}");
        // The parties fail too (an Asterisk without chan_sip, set past validation): theirs, as
        // when the dialplan comes after them.
        let mut both = parse(&reserved, Origin::named("t.yaml")).unwrap();
        both.site.asterisk.value = 22;
        let err = plan(&both).unwrap_err().to_string();
        assert!(err.contains("chan_sip (sip.conf) does not exist"), "{err}");
    }
}
