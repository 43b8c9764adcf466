//! pjsip.conf: objects by type, links, unknown options, duplicates, the anonymous endpoint.

use super::{model, model_for};
use pbxgen::asterisk::model::AclTarget;
use pbxgen::asterisk::model::pjsip::Dropped;

const BASIC: &str = "\
[transport-udp]
type=transport
protocol=udp
bind=[::]:5060

[endpoint-tpl](!)
type=endpoint
context=from-phones
disallow=all
allow=ulaw

[100](endpoint-tpl)
auth=100
aors=100

[100]
type=auth
auth_type=userpass
username=100
password=correct-horse

[100]
type=aor
max_contacts=1

[itsp]
type=endpoint
outbound_auth=itsp-auth
aors=itsp

[itsp-identify]
type=identify
endpoint=itsp
match=203.0.113.0/24,sip.example.com
match=198.51.100.7
";

#[test]
fn objects_are_read_by_type_and_linked() {
    let pbx = model(&[("pjsip.conf", BASIC)]);
    let pj = pbx.pjsip.as_ref().unwrap();
    assert_eq!(pj.transports.len(), 1);
    assert!(pj.transports[0].binds_ipv6);
    let ep = pj.endpoint("100").unwrap();
    assert_eq!(ep.context.value, "from-phones");
    assert_eq!(ep.auth[0].value, "100");
    assert_eq!(
        pj.auth("100")
            .unwrap()
            .password
            .as_ref()
            .unwrap()
            .value
            .expose(),
        "correct-horse"
    );
    assert!(pj.aor("100").is_some());
    let itsp = pj.endpoint("itsp").unwrap();
    assert_eq!(
        itsp.context.value, "default",
        "endpoint context defaults to `default`"
    );
    let ident: Vec<_> = pj.identifies_of(itsp).collect();
    assert_eq!(ident.len(), 1);
    let targets: Vec<&AclTarget> = ident[0].matches.iter().map(|m| &m.target).collect();
    assert_eq!(
        targets[0],
        &AclTarget::Net("203.0.113.0/24".parse().unwrap())
    );
    assert_eq!(
        targets[1],
        &AclTarget::Host("sip.example.com".into()),
        "hostnames stay hostnames"
    );
    assert_eq!(
        targets[2],
        &AclTarget::Net("198.51.100.7/32".parse().unwrap())
    );
    assert!(pj.unknown_options.is_empty() && pj.duplicate_objects.is_empty());
    assert!(
        !serde_json::to_string(&pbx)
            .unwrap()
            .contains("correct-horse")
    );
}

/// "an unknown option name makes that object not load" — known options per version.
#[test]
fn unknown_options_drop_their_object() {
    let text = "[ep]\ntype=endpoint\ninsecure=invite\npermit=10.0.0.0/8\n[t]\ntype=transport\nexternal_signaling_hostname=h\n";
    let pbx = model_for(&[("pjsip.conf", text)], Some(18));
    let pj = pbx.pjsip.as_ref().unwrap();
    let unknown: Vec<(&str, &str)> = pj
        .unknown_options
        .iter()
        .map(|u| (u.object_type.as_str(), u.option.as_str()))
        .collect();
    assert_eq!(
        unknown,
        [
            ("endpoint", "insecure"),
            ("transport", "external_signaling_hostname")
        ]
    );
    assert_eq!(
        pj.endpoint("ep").unwrap().meta.dropped,
        Some(Dropped::UnknownOption("insecure".into()))
    );
    assert_eq!(
        pj.endpoint("ep").unwrap().acl.rules.len(),
        1,
        "endpoints have permit/deny"
    );
    assert!(pj.unknown_options[0].known_since.is_none());
    assert!(
        pj.unknown_options[1]
            .known_since
            .as_deref()
            .unwrap()
            .contains("22.")
    );
    // It exists from 20.21 on (backported), and in the newest documentation.
    for version in [Some(20), Some(23), None] {
        let pbx = model_for(&[("pjsip.conf", text)], version);
        assert_eq!(
            pbx.pjsip.as_ref().unwrap().unknown_options.len(),
            1,
            "{version:?}"
        );
    }
}

/// "pjsip treats a duplicate object id of the same type as an error that stops the whole type
/// from loading."
#[test]
fn duplicate_id_drops_the_whole_type() {
    let text = "[a]\ntype=aor\n[b]\ntype=aor\n[a]\ntype=aor\n[a]\ntype=endpoint\n";
    let pbx = model(&[("pjsip.conf", text)]);
    let pj = pbx.pjsip.as_ref().unwrap();
    assert_eq!(pj.failed_types, ["aor"]);
    assert_eq!(pj.duplicate_objects.len(), 1);
    assert_eq!(
        (
            pj.duplicate_objects[0].first.line,
            pj.duplicate_objects[0].second.line
        ),
        (1, 5)
    );
    assert!(
        pj.aors
            .iter()
            .all(|a| a.meta.dropped == Some(Dropped::DuplicateId))
    );
    assert!(pj.endpoints[0].meta.loads());
}

/// "The `anonymous` endpoint (or `anonymous@domain`) receives calls that nothing else
/// identifies."
#[test]
fn anonymous_endpoint_is_recognised() {
    let text = "[anonymous]\ntype=endpoint\ncontext=public\n[anonymous@example.com]\ntype=endpoint\n[anon]\ntype=endpoint\n";
    let pbx = model(&[("pjsip.conf", text)]);
    let anon: Vec<&str> = pbx
        .pjsip
        .as_ref()
        .unwrap()
        .anonymous_endpoints()
        .map(|e| e.meta.id.as_str())
        .collect();
    assert_eq!(anon, ["anonymous", "anonymous@example.com"]);
}

/// A fatal syntax error means pjsip.conf does not load at all.
#[test]
fn invalid_file_drops_every_object() {
    let pbx = model(&[("pjsip.conf", "[a]\ntype=endpoint\n[b](missing)\n")]);
    let pj = pbx.pjsip.as_ref().unwrap();
    assert_eq!(pj.endpoints[0].meta.dropped, Some(Dropped::FileInvalid));
}

#[test]
fn acl_objects_and_global() {
    let text = "[acl]\ntype=acl\ndeny=0.0.0.0/0.0.0.0\npermit=10.0.0.0/8\ncontact_permit=192.168.0.0/16\n\
                [global]\ntype=global\nendpoint_identifier_order=ip,username\n";
    let pbx = model(&[("pjsip.conf", text)]);
    let pj = pbx.pjsip.as_ref().unwrap();
    assert_eq!(pj.acls[0].acl.rules.len(), 2);
    assert_eq!(pj.acls[0].contact_acl.rules.len(), 1);
    assert_eq!(
        pj.global.as_ref().unwrap().endpoint_identifier_order.value,
        "ip,username"
    );
}
