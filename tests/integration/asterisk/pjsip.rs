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

/// Values the handlers refuse make their object not load (res_sorcery_config: "Could not
/// create an object of type …"): a placeholder `bind` (pj_sockaddr_parse), a placeholder or
/// `//`-commented `match` (ip_identify_match_handler / ip_identify_apply), an unknown
/// `identify_by` word (ident_handler). With no transport left, registrations do not load
/// either. A real host name in `match` loads (it is resolved at load).
#[test]
fn refused_values_drop_their_objects() {
    let text = "[t1]\ntype=transport\nbind=(IPv4 Address)\n[t2]\ntype=transport\nbind=[xxxx]:5060\n\
                [reg]\ntype=registration\nserver_uri=sip:sip.example.com\nclient_uri=sip:1@sip.example.com\n\
                [a]\ntype=endpoint\n[a]\ntype=identify\nendpoint=a\nmatch=PROVIDERIP\n\
                [b]\ntype=endpoint\nidentify_by=ip,phone\n[b]\ntype=identify\nendpoint=b\nmatch=1.1.1.1 //public address\n\
                [c]\ntype=endpoint\nidentify_by=IP\n[c]\ntype=identify\nendpoint=c\nmatch=sip.example.com, 1.2.3.0/24 //office\n";
    let pbx = model(&[("pjsip.conf", text)]);
    let pj = pbx.pjsip.as_ref().unwrap();
    assert!(pj.transports.iter().all(|t| t.meta.is_refused()));
    assert!(!pj.has_loading_transport());
    assert_eq!(pj.registrations[0].meta.dropped, Some(Dropped::NoTransport));
    let dropped = |ty: &str, id: &str| {
        pj.objects
            .iter()
            .find(|o| o.kind == ty && o.meta.id == id)
            .unwrap()
            .meta
            .is_refused()
    };
    assert!(dropped("identify", "a") && dropped("identify", "b") && dropped("endpoint", "b"));
    assert!(!dropped("identify", "c") && !dropped("endpoint", "a") && !dropped("endpoint", "c"));
    // A refused identify matches nothing: the endpoint has no identify as Asterisk runs it.
    assert_eq!(pj.identifies_of(pj.endpoint("a").unwrap()).count(), 0);
    assert_eq!(pj.identifies_of(pj.endpoint("c").unwrap()).count(), 1);
    assert!(pj.endpoint("a").unwrap().identified_by_name());
    assert!(!pj.endpoint("c").unwrap().identified_by_name());
    let options: Vec<&str> = pj
        .refused_values
        .iter()
        .map(|r| r.option.as_str())
        .collect();
    assert_eq!(options, ["bind", "bind", "match", "identify_by", "match"]);
}

/// res_pjsip ignores a section with no `type` without a word (its options only reach sections
/// inheriting from it).
#[test]
fn untyped_sections_are_recorded() {
    let pbx = model(&[(
        "pjsip.conf",
        "[global]\nuser_agent=x\n[common]\nlocal_net=10.0.0.0/8\n[t](common)\ntype=transport\nbind=0.0.0.0\n",
    )]);
    let pj = pbx.pjsip.as_ref().unwrap();
    let names: Vec<&str> = pj
        .untyped_sections
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, ["global", "common"]);
    assert!(pj.transports[0].meta.loads());
}
