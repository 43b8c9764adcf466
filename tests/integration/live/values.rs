//! The option table (`asterisk::model::option_values`) against Asterisk 22: objects whose values
//! res_pjsip refuses (placeholder `bind`/`match`, `//` text, unknown `identify_by` words, host
//! names or blanks in ACL entries, bad enumerations) are exactly the objects Asterisk does not
//! create, and the values it accepts (`1.2.3.0/24 //office`, `1.1.1`, `Username, IP`) load.
//! Host names that resolve are left out on purpose: the instances have no DNS.

use super::support::{live, save_report};
use pbxgen::verify::{VerifyOptions, compare, predict_dir, verify_dir};

/// (object type, id, lines, whether Asterisk creates it).
const CASES: &[(&str, &str, &str, bool)] = &[
    (
        "transport",
        "t-ok",
        "protocol=udp\nbind=127.0.0.1:5070",
        true,
    ),
    (
        "transport",
        "t-xxxx",
        "protocol=udp\nbind=x.x.x.x:5071",
        false,
    ),
    (
        "transport",
        "t-paren",
        "protocol=udp\nbind=(IPv4 Address)",
        false,
    ),
    (
        "transport",
        "t-bracket",
        "protocol=udp\nbind=[xxxx]:5072",
        false,
    ),
    (
        "transport",
        "t-port",
        "protocol=udp\nbind=127.0.0.1:abc",
        false,
    ),
    (
        "transport",
        "t-proto",
        "protocol=udp4\nbind=127.0.0.1:5073",
        false,
    ),
    (
        "identify",
        "i-cidr-comment",
        "endpoint=e-ok\nmatch=192.0.2.0/24 //office",
        true,
    ),
    ("identify", "i-short", "endpoint=e-ok\nmatch=1.1.1", true),
    (
        "identify",
        "i-port",
        "endpoint=e-ok\nmatch=192.0.2.7:5060",
        true,
    ),
    (
        "identify",
        "i-mask",
        "endpoint=e-ok\nmatch=10.0.0.0/255.0.0.0",
        true,
    ),
    (
        "identify",
        "i-x",
        "endpoint=e-ok\nmatch=XXX.XXX.XXX.XXX",
        false,
    ),
    (
        "identify",
        "i-word",
        "endpoint=e-ok\nmatch=PROVIDERIP",
        false,
    ),
    (
        "identify",
        "i-ipish",
        "endpoint=e-ok\nmatch=192.168.aaa.bbb",
        false,
    ),
    (
        "identify",
        "i-comment",
        "endpoint=e-ok\nmatch=1.1.1.1 //public address",
        false,
    ),
    (
        "identify",
        "i-angle",
        "endpoint=e-ok\nmatch=<sip-server-ip>",
        false,
    ),
    (
        "identify",
        "i-prefix",
        "endpoint=e-ok\nmatch=192.0.2.0/33",
        false,
    ),
    (
        "endpoint",
        "e-ok",
        "identify_by=Username, IP\npermit=192.0.2.1,192.0.2.2",
        true,
    ),
    ("endpoint", "e-ident", "identify_by=ip,phone", false),
    ("endpoint", "e-permit-name", "permit=pbx.example.net", false),
    (
        "endpoint",
        "e-permit-blank",
        "permit=192.0.2.1, 192.0.2.2",
        false,
    ),
    ("endpoint", "e-from-user", "from_user=John Smith", false),
    ("endpoint", "e-media", "media_encryption=srtp", false),
    ("endpoint", "e-bool", "trust_id_inbound=sure", true),
    ("aor", "a-ok", "max_contacts=2", true),
    ("aor", "a-max", "max_contacts=yes", false),
    (
        "auth",
        "u-ok",
        "auth_type=userpass\nusername=u\npassword=Qm7vT2xR9pLs4WnZ",
        true,
    ),
    (
        "auth",
        "u-type",
        "auth_type=plain\nusername=u\npassword=Qm7vT2xR9pLs4WnZ",
        false,
    ),
];

#[test]
fn refused_pjsip_values_are_the_objects_asterisk_does_not_create() {
    let asterisk = live!();
    let mut text = String::new();
    for (ty, id, lines, _) in CASES {
        text.push_str(&format!("[{id}]\ntype={ty}\n{lines}\n\n"));
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pjsip.conf"), &text).unwrap();
    let predicted = predict_dir(dir.path(), Some(22)).unwrap();
    let report = verify_dir(
        dir.path(),
        &asterisk,
        &VerifyOptions {
            prediction: Some(predicted.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    save_report("option-values", &report);
    let comparison = compare(&report.objects, &predicted.objects);
    assert!(
        comparison.is_exact(),
        "the model and Asterisk 22 disagree: {:#?}",
        comparison.differences().collect::<Vec<_>>()
    );
    // Not vacuous: every case is as written above, in Asterisk.
    let objects = &report.objects;
    for (ty, id, _, created) in CASES {
        let set = match *ty {
            "transport" => &objects.transports,
            "identify" => &objects.identifies,
            "endpoint" => &objects.endpoints,
            "aor" => &objects.aors,
            _ => &objects.auths,
        };
        assert_eq!(
            set.contains(*id),
            *created,
            "{ty} {id}: Asterisk {} it",
            if set.contains(*id) {
                "created"
            } else {
                "did not create"
            }
        );
    }
}
