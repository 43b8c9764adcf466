//! Rendered files read back with pbxgen's own Asterisk reader (the one the auditor uses): every
//! endpoint, auth, aor, identify, peer and context the profile implies is there — each party in
//! the file of the driver that serves it, and in no other —, loads in Asterisk (no dropped
//! object, no fatal diagnostic), and links to what it names.

use pbxgen::asterisk::{Pbx, Severity, model::acl::AclTarget};
use pbxgen::profile::resolved::extension_device_name;
use pbxgen::profile::{self, ChannelDriver, Profile};
use pbxgen::render::{RenderOptions, render_profile};

fn rendered_model(example: &str) -> (Profile, Pbx) {
    let profile = profile::load(&crate::util::repo_path(example)).expect("example loads");
    let files = render_profile(&profile, &RenderOptions::default()).expect("example renders");
    let version = Some(*profile.site.asterisk);
    let pbx = pbxgen::audit::model_of_rendered("rendered", &files, version);
    (profile, pbx)
}

/// What every rendered example must satisfy, whatever its shape.
fn check_example(example: &str) {
    let (profile, pbx) = rendered_model(example);
    let fatal: Vec<_> = pbx
        .config
        .diagnostics()
        .filter(|d| d.severity == Severity::Fatal)
        .map(|d| format!("{}: {}", pbx.config.location(d.pos), d.message))
        .collect();
    assert!(fatal.is_empty(), "{example}: fatal diagnostics {fatal:?}");
    let context_exists = |name: &str| pbx.dialplan.context(name).is_some();

    if profile.wants(ChannelDriver::Pjsip) {
        let pjsip = pbx.pjsip.as_ref().expect("pjsip.conf rendered and read");
        for endpoint in &pjsip.endpoints {
            assert!(
                endpoint.meta.loads(),
                "{example}: endpoint {} would be dropped",
                endpoint.meta.id
            );
            assert!(
                !endpoint.is_anonymous,
                "{example}: anonymous endpoint rendered"
            );
            assert!(
                context_exists(&endpoint.context.value),
                "{example}: endpoint {} names missing context {}",
                endpoint.meta.id,
                endpoint.context.value
            );
            for auth in endpoint.auth.iter().chain(&endpoint.outbound_auth) {
                let found = pjsip.auth(&auth.value).expect("linked auth exists");
                assert!(
                    found.meta.loads(),
                    "{example}: auth {} dropped",
                    found.meta.id
                );
            }
            for aor in &endpoint.aors {
                assert!(
                    pjsip.aor(&aor.value).is_some(),
                    "{example}: aor {} missing",
                    aor.value
                );
            }
        }
        for extension in &profile.extensions {
            let name = extension_device_name(&extension.number);
            if profile.driver(extension.driver.as_ref()) != ChannelDriver::Pjsip {
                assert!(
                    pjsip.endpoint(&name).is_none(),
                    "{example}: {name} in both files"
                );
                continue;
            }
            let endpoint = pjsip.endpoint(&name).unwrap_or_else(|| {
                panic!(
                    "{example}: no endpoint {name} for extension {}",
                    extension.number.as_str()
                )
            });
            assert!(
                !endpoint.auth.is_empty(),
                "{example}: extension {} does not authenticate",
                extension.number.as_str()
            );
            assert!(
                !endpoint.acl.is_empty(),
                "{example}: extension {} has no ACL",
                extension.number.as_str()
            );
        }
        for trunk in profile
            .trunks
            .iter()
            .filter(|t| profile.driver(t.driver.as_ref()) == ChannelDriver::Pjsip)
        {
            let endpoint = pjsip.endpoint(trunk.name.as_str()).expect("trunk endpoint");
            assert_eq!(
                endpoint.context.value,
                trunk.context.as_str(),
                "{example}: trunk context"
            );
            let matched: Vec<_> = pjsip
                .identifies
                .iter()
                .filter(|i| {
                    i.endpoint
                        .as_ref()
                        .is_some_and(|e| e.value == trunk.name.as_str())
                })
                .flat_map(|i| i.matches.iter())
                .collect();
            for cidr in &trunk.allow_from {
                let net = cidr.net();
                assert!(
                    matched.iter().any(|m| m.target == AclTarget::Net(net)),
                    "{example}: trunk {} identify lacks {net}",
                    trunk.name.as_str()
                );
            }
        }
        if let Some(origination) = profile
            .twilio
            .as_ref()
            .filter(|t| profile.driver(t.driver.as_ref()) == ChannelDriver::Pjsip)
            .and_then(|t| t.origination.as_ref())
        {
            let endpoints: Vec<_> = pjsip
                .endpoints
                .iter()
                .filter(|e| e.context.value == origination.context.as_str())
                .collect();
            assert!(
                !endpoints.is_empty(),
                "{example}: no Twilio origination endpoint"
            );
            let matched: Vec<_> = pjsip
                .identifies
                .iter()
                .filter(|i| {
                    i.endpoint
                        .as_ref()
                        .is_some_and(|e| endpoints.iter().any(|x| x.meta.id == e.value))
                })
                .flat_map(|i| i.matches.iter().map(|m| m.target.clone()))
                .collect();
            for net in profile.twilio_origination_networks() {
                assert!(
                    matched.contains(&AclTarget::Net(net)),
                    "{example}: Twilio {net} not matched"
                );
            }
            for endpoint in endpoints {
                assert!(
                    endpoint.auth.is_empty(),
                    "{example}: Twilio origination must not challenge"
                );
            }
        }
    }

    if profile.wants(ChannelDriver::Sip) {
        let sip = pbx.sip.as_ref().expect("sip.conf rendered and read");
        assert!(
            !sip.general.allowguest.value,
            "{example}: chan_sip guests allowed"
        );
        for extension in &profile.extensions {
            let name = extension_device_name(&extension.number);
            if profile.driver(extension.driver.as_ref()) != ChannelDriver::Sip {
                assert!(sip.peer(&name).is_none(), "{example}: {name} in both files");
                continue;
            }
            let peer = sip.peer(&name).expect("extension peer");
            assert!(
                peer.secret.is_some(),
                "{example}: peer {} has no secret",
                peer.name
            );
            assert!(
                context_exists(&peer.context.value),
                "{example}: peer context missing"
            );
        }
    }

    if let Some(websms) = profile.websms() {
        for context in [&websms.channel_context, &websms.text_context] {
            assert!(
                context_exists(context.as_str()),
                "{example}: WebSMS context {} missing",
                context.as_str()
            );
        }
        let read = pbx.websms.as_ref().expect("websms.conf rendered and read");
        assert_eq!(read.channel_context.value, websms.channel_context.as_str());
        assert!(
            read.source_addresses.is_some(),
            "{example}: webhook source list missing"
        );
    }
    for trunk in &profile.trunks {
        assert!(
            context_exists(trunk.context.as_str()),
            "{example}: inbound context of {} missing",
            trunk.name.as_str()
        );
    }
}

#[test]
fn home_lab_reads_back_complete() {
    check_example("examples/home-lab.yaml");
}

#[test]
fn small_office_reads_back_complete() {
    check_example("examples/small-office.yaml");
}
