//! One test per semantic the migration must keep (issue 14, "Semantics that must survive").

use super::{assert_invariants, has, object, read_back, run, run_with, value, values};
use pbxgen::migrate::MigrateOptions;
use pbxgen::migrate::report::{Outcome, Severity};

fn endpoint_names(m: &pbxgen::migrate::Migration) -> Vec<String> {
    read_back(m)
        .pjsip
        .unwrap()
        .endpoints
        .iter()
        .map(|e| e.meta.id.to_string())
        .collect()
}

fn entries<'a>(
    m: &'a pbxgen::migrate::Migration,
    section: &'a str,
) -> impl Iterator<Item = &'a pbxgen::migrate::report::ReportEntry> + 'a {
    m.report
        .iter()
        .filter(move |e| e.section.as_deref() == Some(section))
}

// ---- only what chan_sip loads ------------------------------------------------------------------

#[test]
fn only_what_chan_sip_loads_is_migrated() {
    let sip = "\
[general]
;-- [commented]
type=friend
secret=Never-loaded-1
--;
[tpl](!)
type=friend
host=dynamic
context=phones
[a](tpl)
secret=Secret-of-a-123
[a](+)
language=fr
[untyped]
host=dynamic
secret=Secret-untyped-1
[weird]
type=gateway
[b] (!)
type=friend
secret=Secret-of-b-123
host=dynamic
[live]
type=peer
host=192.0.2.1
[c](live)
secret=Secret-of-c-123
#tryinclude missing.conf
";
    let m = run(&[("sip.conf", sip)]);
    assert_invariants(&m);
    // Templates, type-less and unknown-type sections are not endpoints; `[b] (!)` is not a
    // template (the `(!)` does not follow `]`); a live section can be inherited from.
    assert_eq!(endpoint_names(&m), ["a", "b", "live", "c"]);
    let pbx = read_back(&m);
    assert_eq!(
        value(&pbx, "endpoint", "a", "language").as_deref(),
        Some("fr"),
        "(+)"
    );
    assert_eq!(
        value(&pbx, "endpoint", "a", "context").as_deref(),
        Some("phones")
    );
    assert_eq!(
        value(&pbx, "identify", "c", "match").as_deref(),
        Some("192.0.2.1:5060"),
        "inherited from the live section [live]"
    );
    for skipped in ["untyped", "weird"] {
        assert!(
            entries(&m, skipped).any(|e| e.outcome == Outcome::Skipped),
            "{skipped} is reported as skipped"
        );
    }
    assert!(
        !m.pjsip_conf.contains("Never-loaded"),
        "block comments stay comments"
    );
    assert_eq!(m.summary.peers_loaded, 4);
}

#[test]
fn a_sip_conf_chan_sip_refuses_is_refused_with_its_position() {
    let err = run_with(
        &[("sip.conf", "[general]\ncontext=x\n#include users.conf\n")],
        &MigrateOptions::default(),
    )
    .unwrap_err();
    let loc = err.location.clone().expect("a position");
    assert_eq!(
        (loc.file.as_str(), loc.line, loc.column),
        ("sip.conf", 3, 1)
    );
    assert!(err.message.contains("chan_sip would not load"), "{err}");
    // A bad contactpermit in [general] makes chan_sip refuse to load.
    let err = run_with(
        &[("sip.conf", "[general]\ncontactpermit=10.0.0.0/33\n")],
        &MigrateOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.location.unwrap().line, 2);
}

#[test]
fn a_peer_chan_sip_deletes_for_a_bad_acl_line_is_not_migrated() {
    let m = run(&[(
        "sip.conf",
        "[good]\ntype=friend\nhost=dynamic\nsecret=Good-secret-123\n\
         [bad]\ntype=friend\nhost=dynamic\nsecret=Bad-secret-1234\npermit=pbx.example.com\n",
    )]);
    assert_eq!(endpoint_names(&m), ["good"]);
    assert_eq!(m.summary.peers_loaded, 1);
    assert!(entries(&m, "bad").any(|e| e.outcome == Outcome::Skipped));
}

// ---- [general] defaults, templates ---------------------------------------------------------------

#[test]
fn general_defaults_are_written_into_each_endpoint() {
    let m = run(&[(
        "sip.conf",
        "[general]\ncontext=incoming\ndtmfmode=info\nnat=force_rport,comedia\ndisallow=all\nallow=ulaw\n\
         callerid=\"PBX\" <100>\npermit=10.0.0.0/8\ninsecure=invite\n\
         [a]\ntype=friend\nhost=dynamic\nsecret=Secret-a-12345\nallow=g722\n\
         [b]\ntype=friend\nhost=dynamic\nsecret=Secret-b-12345\ncontext=office\ndtmfmode=inband\nnat=no\n",
    )]);
    assert_invariants(&m);
    let pbx = read_back(&m);
    assert_eq!(
        value(&pbx, "endpoint", "a", "context").as_deref(),
        Some("incoming")
    );
    assert_eq!(
        value(&pbx, "endpoint", "a", "dtmf_mode").as_deref(),
        Some("info")
    );
    assert_eq!(
        value(&pbx, "endpoint", "a", "rtp_symmetric").as_deref(),
        Some("yes")
    );
    // The peer's own allow follows [general]'s list (chan_sip starts from it).
    assert_eq!(
        value(&pbx, "endpoint", "a", "allow").as_deref(),
        Some("ulaw,g722")
    );
    assert_eq!(
        value(&pbx, "endpoint", "b", "context").as_deref(),
        Some("office")
    );
    assert_eq!(
        value(&pbx, "endpoint", "b", "dtmf_mode").as_deref(),
        Some("inband")
    );
    assert_eq!(
        value(&pbx, "endpoint", "b", "force_rport").as_deref(),
        Some("no")
    );
    assert_eq!(value(&pbx, "endpoint", "b", "rtp_symmetric"), None);
    // [general] callerid and permit are not peer defaults in chan_sip.
    assert_eq!(value(&pbx, "endpoint", "a", "callerid"), None);
    assert!(values(&pbx, "endpoint", "a", "permit").is_empty());
    // insecure=invite in [general] is a peer default: a registering peer stays authenticated.
    assert_eq!(value(&pbx, "endpoint", "a", "auth").as_deref(), Some("a"));
}

#[test]
fn templates_stay_templates_and_mean_the_same() {
    let sip = "[general]\ncontext=x\n\
        [phone](!)\ntype=friend\nhost=dynamic\ncontext=office\ndisallow=all\nallow=ulaw\nlanguage=de\n\
        [201](phone)\nsecret=Secret-201-xyz\n\
        [202](phone)\nsecret=Secret-202-xyz\nlanguage=fr\n\
        [203](phone)\nsecret=Secret-203-xyz\n";
    let m = run(&[("sip.conf", sip)]);
    assert_invariants(&m);
    assert!(m.pjsip_conf.contains("\n[phone](!)\n"), "{}", m.pjsip_conf);
    assert!(m.pjsip_conf.contains("\n[201](phone)\n"));
    let pbx = read_back(&m);
    for (ext, lang) in [("201", "de"), ("202", "fr"), ("203", "de")] {
        assert_eq!(
            value(&pbx, "endpoint", ext, "context").as_deref(),
            Some("office")
        );
        assert_eq!(
            value(&pbx, "endpoint", ext, "language").as_deref(),
            Some(lang)
        );
        assert_eq!(value(&pbx, "endpoint", ext, "auth").as_deref(), Some(ext));
        assert_eq!(
            value(&pbx, "endpoint", ext, "allow").as_deref(),
            Some("ulaw")
        );
    }
}

// ---- identity ------------------------------------------------------------------------------------

#[test]
fn a_peer_with_a_host_is_an_endpoint_an_aor_contact_and_an_identify() {
    let m = run(&[(
        "sip.conf",
        "[itsp]\ntype=peer\nhost=203.0.113.5\nport=5080\nsecret=Itsp-secret-123\ndefaultuser=acct\ncontext=from-itsp\n",
    )]);
    assert_invariants(&m);
    let pbx = read_back(&m);
    assert_eq!(
        value(&pbx, "endpoint", "itsp", "identify_by").as_deref(),
        Some("ip")
    );
    assert_eq!(
        value(&pbx, "aor", "itsp", "contact").as_deref(),
        Some("sip:acct@203.0.113.5:5080")
    );
    assert_eq!(
        value(&pbx, "identify", "itsp", "match").as_deref(),
        Some("203.0.113.5:5080")
    );
    assert_eq!(
        value(&pbx, "identify", "itsp", "endpoint").as_deref(),
        Some("itsp")
    );
    // chan_sip challenged an address-matched peer that has a secret (no insecure=invite).
    assert_eq!(
        value(&pbx, "endpoint", "itsp", "auth").as_deref(),
        Some("itsp")
    );
    assert_eq!(
        value(&pbx, "auth", "itsp", "username").as_deref(),
        Some("itsp")
    );
}

#[test]
fn a_dynamic_peer_gets_an_aor_that_takes_one_registration_at_a_time() {
    let m = run(&[(
        "sip.conf",
        "[general]\nmaxexpiry=1800\n[101]\ntype=friend\nhost=dynamic\nsecret=Secret-101-xyz\n",
    )]);
    let pbx = read_back(&m);
    assert_eq!(
        value(&pbx, "aor", "101", "max_contacts").as_deref(),
        Some("1")
    );
    assert_eq!(
        value(&pbx, "aor", "101", "remove_existing").as_deref(),
        Some("yes")
    );
    assert_eq!(
        value(&pbx, "aor", "101", "maximum_expiration").as_deref(),
        Some("1800")
    );
    assert_eq!(
        value(&pbx, "endpoint", "101", "identify_by").as_deref(),
        Some("username")
    );
    // A REGISTER that asks for rport is routed to its source whatever nat says.
    assert_eq!(
        value(&pbx, "endpoint", "101", "rewrite_contact").as_deref(),
        Some("yes")
    );
}

#[test]
fn secrets_become_auths_and_md5secret_an_md5_cred_in_chan_sips_realm() {
    let m = run(&[(
        "sip.conf",
        "[general]\nrealm=pbx.example.com\n\
         [a]\ntype=user\nsecret=Secret-a-12345\n\
         [b]\ntype=friend\nhost=dynamic\nmd5secret=0123456789abcdef0123456789abcdef\nsecret=ignored-because-md5\n",
    )]);
    assert_invariants(&m);
    let pbx = read_back(&m);
    assert_eq!(
        value(&pbx, "auth", "a", "password").as_deref(),
        Some("Secret-a-12345")
    );
    assert!(!has(&pbx, "aor", "a"), "a type=user cannot be dialled");
    assert_eq!(
        value(&pbx, "auth", "b", "auth_type").as_deref(),
        Some("md5")
    );
    assert_eq!(
        value(&pbx, "auth", "b", "md5_cred").as_deref(),
        Some("0123456789abcdef0123456789abcdef")
    );
    assert_eq!(
        value(&pbx, "auth", "b", "realm").as_deref(),
        Some("pbx.example.com")
    );
    assert_eq!(value(&pbx, "auth", "b", "password"), None);
    // Never auth_type=digest (not in 22.0/22.1) nor password_digest (not in 22.0–22.4).
    assert!(
        !m.pjsip_conf.contains("auth_type=digest") && !m.pjsip_conf.contains("password_digest")
    );
}

#[test]
fn outbound_credentials_and_from_options() {
    let m = run(&[(
        "sip.conf",
        "[itsp]\ntype=peer\nhost=sip.itsp.example\ninsecure=port,invite\nsecret=Inbound-secret-1\n\
         remotesecret=Remote-secret-12\ndefaultuser=acct42\nfromuser=acct42\nfromdomain=itsp.example\n\
         auth=realmuser:Realm-secret-123@realm.example\n",
    )]);
    assert_invariants(&m);
    let pbx = read_back(&m);
    let outbound = value(&pbx, "endpoint", "itsp", "outbound_auth").unwrap();
    let names: Vec<&str> = outbound.split(',').collect();
    assert_eq!(names.len(), 2, "{outbound}");
    assert_eq!(
        value(&pbx, "auth", names[0], "username").as_deref(),
        Some("acct42")
    );
    assert_eq!(
        value(&pbx, "auth", names[0], "password").as_deref(),
        Some("Remote-secret-12")
    );
    assert_eq!(
        value(&pbx, "auth", names[1], "realm").as_deref(),
        Some("realm.example")
    );
    assert_eq!(
        value(&pbx, "endpoint", "itsp", "from_user").as_deref(),
        Some("acct42")
    );
    assert_eq!(
        value(&pbx, "endpoint", "itsp", "from_domain").as_deref(),
        Some("itsp.example")
    );
}

#[test]
fn register_lines_become_registrations_with_their_outbound_auth() {
    let m = run(&[(
        "sip.conf",
        "[general]\nregistertimeout=30\n\
         register => 4930123:Reg-secret-123@sip.itsp.example/6000~900\n\
         register => tcp://other@sip.other.example\n\
         [itsp]\ntype=peer\nhost=sip.itsp.example\ninsecure=port,invite\ncontext=from-itsp\n",
    )]);
    assert_invariants(&m);
    let pbx = read_back(&m);
    let reg = "reg-sip.itsp.example";
    assert_eq!(
        value(&pbx, "registration", reg, "server_uri").as_deref(),
        Some("sip:sip.itsp.example")
    );
    assert_eq!(
        value(&pbx, "registration", reg, "client_uri").as_deref(),
        Some("sip:4930123@sip.itsp.example")
    );
    assert_eq!(
        value(&pbx, "registration", reg, "contact_user").as_deref(),
        Some("6000")
    );
    assert_eq!(
        value(&pbx, "registration", reg, "expiration").as_deref(),
        Some("900")
    );
    assert_eq!(
        value(&pbx, "registration", reg, "retry_interval").as_deref(),
        Some("30")
    );
    // registerattempts=0 (the default) means forever in chan_sip; pjsip's 0 means never.
    assert_ne!(
        value(&pbx, "registration", reg, "max_retries").as_deref(),
        Some("0")
    );
    assert_eq!(
        value(&pbx, "registration", reg, "line").as_deref(),
        Some("yes")
    );
    assert_eq!(
        value(&pbx, "registration", reg, "endpoint").as_deref(),
        Some("itsp")
    );
    let auth = value(&pbx, "registration", reg, "outbound_auth").unwrap();
    assert_eq!(
        value(&pbx, "auth", &auth, "username").as_deref(),
        Some("4930123")
    );
    assert_eq!(
        value(&pbx, "auth", &auth, "password").as_deref(),
        Some("Reg-secret-123")
    );
    assert_eq!(m.summary.registrations, 2);
}

#[test]
fn insecure_invite_means_identified_by_address_only_never_by_name() {
    let m = run(&[(
        "sip.conf",
        "[trunk]\ntype=friend\nhost=198.51.100.7\ninsecure=port,invite\nsecret=Trunk-secret-123\ncontext=from-trunk\n\
         [strict]\ntype=peer\nhost=198.51.100.8\ninsecure=invite\ncontext=from-trunk\n\
         [nohost]\ntype=friend\ninsecure=invite\nsecret=Nohost-secret-1\ncontext=from-trunk\n",
    )]);
    assert_invariants(&m);
    let pbx = read_back(&m);
    // No inbound auth, identified by source address only.
    assert_eq!(
        value(&pbx, "endpoint", "trunk", "identify_by").as_deref(),
        Some("ip")
    );
    assert_eq!(value(&pbx, "endpoint", "trunk", "auth"), None);
    assert_eq!(
        value(&pbx, "identify", "trunk", "match").as_deref(),
        Some("198.51.100.7")
    );
    // Without insecure=port chan_sip wanted the port too.
    assert_eq!(
        value(&pbx, "identify", "strict", "match").as_deref(),
        Some("198.51.100.8:5060")
    );
    // A friend with insecure=invite and no address: chan_sip let anyone in by name; not any more.
    assert_eq!(
        value(&pbx, "endpoint", "nohost", "identify_by").as_deref(),
        Some("ip")
    );
    assert_eq!(value(&pbx, "endpoint", "nohost", "auth"), None);
    assert!(!has(&pbx, "identify", "nohost"));
    assert!(entries(&m, "nohost").any(|e| e.severity == Severity::Action));
    assert!(m.needs_human());
}

#[test]
fn an_account_without_a_password_is_not_left_open() {
    let m = run(&[(
        "sip.conf",
        "[general]\nallowguest=no\n[201]\ntype=friend\nhost=dynamic\npassword=not-a-chan-sip-key\n\
         [202]\ntype=user\ncontext=x\n",
    )]);
    assert_invariants(&m);
    let pbx = read_back(&m);
    for ext in ["201", "202"] {
        assert_eq!(
            value(&pbx, "endpoint", ext, "identify_by").as_deref(),
            Some("ip")
        );
        assert_eq!(value(&pbx, "endpoint", ext, "auth"), None);
        assert!(
            entries(&m, ext).any(|e| e.severity == Severity::Action),
            "{ext}"
        );
    }
    // `password` is not a chan_sip option: reported as ignored, not taken for a secret.
    assert!(
        entries(&m, "201").any(|e| e.source.as_ref().is_some_and(|s| s.key == "password")
            && e.message.contains("not a chan_sip option"))
    );
}

// ---- ACLs ---------------------------------------------------------------------------------------

#[test]
fn each_peer_keeps_its_own_acl_in_order() {
    let m = run(&[(
        "sip.conf",
        "[general]\ndeny=10.0.0.0/8\ncontactpermit=192.168.0.0/16\n\
         [phone]\ntype=friend\nhost=dynamic\nsecret=Phone-secret-123\n\
         deny=0.0.0.0/0.0.0.0\npermit=192.168.0.0/255.255.255.0\ndeny=192.168.0.66\n\
         [trunk]\ntype=peer\nhost=203.0.113.9\ninsecure=port,invite\npermit=203.0.113.0/24\n\
         contactpermit=203.0.113.0/24\n",
    )]);
    assert_invariants(&m);
    let pbx = read_back(&m);
    let phone: Vec<(String, String)> = object(&pbx, "endpoint", "phone")
        .into_iter()
        .filter(|(k, _)| k == "permit" || k == "deny")
        .collect();
    assert_eq!(
        phone,
        [
            ("deny".to_string(), "0.0.0.0/0.0.0.0".to_string()),
            ("permit".into(), "192.168.0.0/255.255.255.0".into()),
            ("deny".into(), "192.168.0.66".into()),
        ],
        "in order; [general]'s deny (which chan_sip ignores) is not added"
    );
    assert_eq!(
        values(&pbx, "endpoint", "trunk", "permit"),
        ["203.0.113.0/24"]
    );
    // The general contact ACL applies to registering peers; a static peer's contact ACL is
    // meaningless in chan_sip (checked on REGISTER only) and would filter its INVITEs in pjsip.
    assert_eq!(
        values(&pbx, "endpoint", "phone", "contact_permit"),
        ["192.168.0.0/16"]
    );
    assert!(values(&pbx, "endpoint", "trunk", "contact_permit").is_empty());
    // The evaluation is chan_sip's (last match wins): the phone's LAN is in, .66 is out.
    let e = pbx
        .pjsip
        .as_ref()
        .unwrap()
        .endpoints
        .iter()
        .find(|e| e.meta.id == "phone")
        .unwrap();
    assert!(e.acl.allows("192.168.0.10".parse().unwrap()));
    assert!(!e.acl.allows("192.168.0.66".parse().unwrap()));
    assert!(!e.acl.allows("8.8.8.8".parse().unwrap()));
}

#[test]
fn an_acl_that_refuses_everybody_is_an_error_not_output() {
    let m = run(&[(
        "sip.conf",
        "[general]\nbindaddr=0.0.0.0\n[locked]\ntype=friend\nhost=dynamic\nsecret=Locked-secret-1\n\
         permit=192.168.0.0/24\ndeny=0.0.0.0/0.0.0.0\n",
    )]);
    assert!(m.is_refused());
    assert!(entries(&m, "locked").any(|e| e.severity == Severity::Error));
    // A missing named ACL refuses everything too (named_acl.c), on both drivers.
    let m = run(&[(
        "sip.conf",
        "[p]\ntype=friend\nhost=dynamic\nsecret=P-secret-12345\nacl=office\n",
    )]);
    assert!(m.is_refused());
    let m = run(&[
        (
            "sip.conf",
            "[p]\ntype=friend\nhost=dynamic\nsecret=P-secret-12345\nacl=office\n",
        ),
        ("acl.conf", "[office]\ndeny=0.0.0.0/0\npermit=10.1.0.0/16\n"),
    ]);
    assert!(!m.is_refused());
    assert_eq!(values(&read_back(&m), "endpoint", "p", "acl"), ["office"]);
}

// ---- NAT, media, codecs, the rest ------------------------------------------------------------------

#[test]
fn nat_directmedia_dtmf_and_codecs() {
    let m = run(&[(
        "sip.conf",
        "[general]\nvideosupport=no\n\
         [a]\ntype=friend\nhost=dynamic\nsecret=Secret-a-12345\nnat=force_rport,comedia\ndirectmedia=nonat\n\
         dtmfmode=rfc2833\ndisallow=all\nallow=alaw\nallow=ulaw\nallow=h264\n\
         [b]\ntype=peer\nhost=192.0.2.2\nnat=no\ndirectmedia=update,outgoing\ndtmfmode=shortinfo\n\
         [c]\ntype=peer\nhost=192.0.2.3\nnat=comedia\ndirectmedia=no\ndtmfmode=inband\nallow=nonsense\n",
    )]);
    assert_invariants(&m);
    let pbx = read_back(&m);
    let v = |o: &str, k: &str| value(&pbx, "endpoint", o, k);
    assert_eq!(v("a", "rewrite_contact").as_deref(), Some("yes"));
    assert_eq!(v("a", "rtp_symmetric").as_deref(), Some("yes"));
    assert_eq!(v("a", "force_rport"), None, "pjsip's default is yes");
    assert_eq!(v("a", "direct_media").as_deref(), Some("yes"));
    assert_eq!(
        v("a", "disable_direct_media_on_nat").as_deref(),
        Some("yes")
    );
    assert_eq!(v("a", "dtmf_mode").as_deref(), Some("rfc4733"));
    // Order kept; video left out without videosupport.
    assert_eq!(v("a", "allow").as_deref(), Some("alaw,ulaw"));
    assert_eq!(values(&pbx, "endpoint", "a", "disallow"), ["all"]);
    assert_eq!(v("b", "force_rport").as_deref(), Some("no"));
    assert_eq!(v("b", "rewrite_contact"), None);
    assert_eq!(v("b", "direct_media_method").as_deref(), Some("update"));
    assert_eq!(
        v("b", "direct_media_glare_mitigation").as_deref(),
        Some("outgoing")
    );
    assert_eq!(v("b", "dtmf_mode").as_deref(), Some("info"));
    // chan_sip's default codecs when nothing is configured: ulaw, alaw, gsm (h263 is video).
    assert_eq!(v("b", "allow").as_deref(), Some("ulaw,alaw,gsm"));
    assert_eq!(v("c", "force_rport").as_deref(), Some("no"));
    assert_eq!(v("c", "rtp_symmetric").as_deref(), Some("yes"));
    assert_eq!(v("c", "direct_media").as_deref(), Some("no"));
    // An unknown codec would make pjsip refuse the endpoint: left out, and said.
    assert_eq!(v("c", "allow").as_deref(), Some("ulaw,alaw,gsm"));
    assert!(entries(&m, "c").any(|e| e.message.contains("nonsense")));
}

#[test]
fn qualify_callerid_mailbox_and_call_limit() {
    let m = run(&[(
        "sip.conf",
        "[general]\nqualify=500\n\
         [a]\ntype=friend\nhost=dynamic\nsecret=Secret-a-12345\nqualify=yes\nqualifyfreq=30\n\
         callerid=\"Alice\" <201>\nmailbox=201,202@office\nsubscribemwi=yes\ncall-limit=2\n\
         [b]\ntype=friend\nhost=dynamic\nsecret=Secret-b-12345\nqualify=on\nmailbox=203\n",
    )]);
    assert_invariants(&m);
    let pbx = read_back(&m);
    assert_eq!(
        value(&pbx, "aor", "a", "qualify_frequency").as_deref(),
        Some("30")
    );
    assert_eq!(
        value(&pbx, "aor", "a", "qualify_timeout").as_deref(),
        Some("0.5"),
        "yes = [general]'s 500 ms"
    );
    assert_eq!(
        value(&pbx, "aor", "b", "qualify_frequency"),
        None,
        "`on` is off in chan_sip"
    );
    assert_eq!(
        value(&pbx, "endpoint", "a", "callerid").as_deref(),
        Some("\"Alice\" <201>")
    );
    assert_eq!(
        value(&pbx, "aor", "a", "mailboxes").as_deref(),
        Some("201@default,202@office")
    );
    assert_eq!(
        value(&pbx, "endpoint", "b", "mailboxes").as_deref(),
        Some("203@default")
    );
    let limit = entries(&m, "a")
        .find(|e| e.source.as_ref().is_some_and(|s| s.key == "call-limit"))
        .unwrap();
    assert_eq!(
        (limit.severity, limit.outcome),
        (Severity::Warning, Outcome::Dropped)
    );
}

#[test]
fn transports_from_general_and_per_peer() {
    let m = run(&[(
        "sip.conf",
        "[general]\nudpbindaddr=192.0.2.10:5070\ntcpenable=yes\ntlsenable=yes\ntlscertfile=/etc/asterisk/keys/pbx.pem\n\
         tlsprivatekey=/etc/asterisk/keys/pbx.key\nexternaddr=203.0.113.1\nlocalnet=192.168.0.0/16\ntos_sip=cs3\n\
         [a]\ntype=friend\nhost=dynamic\nsecret=Secret-a-12345\ntransport=tls,udp\n\
         [b]\ntype=peer\nhost=198.51.100.1\ntransport=tcp\n",
    )]);
    assert_invariants(&m);
    let pbx = read_back(&m);
    assert_eq!(
        value(&pbx, "transport", "transport-udp", "bind").as_deref(),
        Some("192.0.2.10:5070")
    );
    assert_eq!(
        value(&pbx, "transport", "transport-tcp", "bind").as_deref(),
        Some("192.0.2.10:5070")
    );
    assert_eq!(
        value(&pbx, "transport", "transport-tls", "bind").as_deref(),
        Some("192.0.2.10:5061")
    );
    assert_eq!(
        value(&pbx, "transport", "transport-tls", "priv_key_file").as_deref(),
        Some("/etc/asterisk/keys/pbx.key")
    );
    // chan_sip verifies servers unless told not to; pjsip does not by default.
    assert_eq!(
        value(&pbx, "transport", "transport-tls", "verify_server").as_deref(),
        Some("yes")
    );
    for t in ["transport-udp", "transport-tcp", "transport-tls"] {
        assert_eq!(
            value(&pbx, "transport", t, "local_net").as_deref(),
            Some("192.168.0.0/16")
        );
        assert_eq!(
            value(&pbx, "transport", t, "external_signaling_address").as_deref(),
            Some("203.0.113.1")
        );
        assert_eq!(value(&pbx, "transport", t, "tos").as_deref(), Some("cs3"));
    }
    assert_eq!(
        value(&pbx, "endpoint", "a", "transport").as_deref(),
        Some("transport-tls")
    );
    assert_eq!(
        value(&pbx, "aor", "b", "contact").as_deref(),
        Some("sip:198.51.100.1;transport=tcp")
    );
    // externaddr without localnet: chan_sip never uses it; pjsip would for every destination.
    let m = run(&[("sip.conf", "[general]\nexternaddr=203.0.113.1\n")]);
    assert!(!m.pjsip_conf.contains("external_"), "{}", m.pjsip_conf);
}

#[test]
fn a_peer_behind_a_tcp_proxy_sends_on_tcp_and_keeps_its_own_contact() {
    // pjsip refuses a request routed through a `;transport=tcp` proxy from a UDP endpoint
    // (PJSIP_ETPNOTSUITABLE): the endpoint takes the proxy's transport.
    let m = run(&[(
        "sip.conf",
        "[general]\ntcpenable=yes\n\
         [trunk]\ntype=peer\nhost=198.51.100.7\ninsecure=invite\n\
         outboundproxy=tcp://proxy.provider.example:5080\n\
         [plain]\ntype=peer\nhost=198.51.100.8\ninsecure=invite\noutboundproxy=proxy.provider.example\n",
    )]);
    assert_invariants(&m);
    let pbx = read_back(&m);
    assert_eq!(
        value(&pbx, "endpoint", "trunk", "transport").as_deref(),
        Some("transport-tcp")
    );
    assert_eq!(
        value(&pbx, "endpoint", "trunk", "outbound_proxy").as_deref(),
        Some("sip:proxy.provider.example:5080;transport=tcp;lr")
    );
    assert_eq!(
        value(&pbx, "aor", "trunk", "contact").as_deref(),
        Some("sip:198.51.100.7")
    );
    assert_eq!(
        value(&pbx, "endpoint", "plain", "transport").as_deref(),
        Some("transport-udp")
    );
}

// ---- guests -------------------------------------------------------------------------------------

#[test]
fn guests_are_refused_unless_kept_and_the_report_says_where_they_went() {
    let sip = "[general]\ncontext=public\n[a]\ntype=friend\nhost=dynamic\nsecret=Secret-a-12345\n";
    let m = run(&[("sip.conf", sip)]);
    assert_invariants(&m);
    assert!(!has(&read_back(&m), "endpoint", "anonymous"));
    let guest = entries(&m, "general")
        .find(|e| e.severity == Severity::Action)
        .expect("guests removed: a human must know");
    assert!(guest.message.contains("[public]"), "{}", guest.message);
    assert!(m.needs_human());
    let kept = run_with(&[("sip.conf", sip)], &MigrateOptions { keep_guest: true }).unwrap();
    let pbx = read_back(&kept);
    assert_eq!(
        value(&pbx, "endpoint", "anonymous", "context").as_deref(),
        Some("public")
    );
    // allowguest=no: nothing to say beyond "refused, as before".
    let m = run(&[("sip.conf", "[general]\nallowguest=no\n")]);
    assert!(!m.needs_human());
}

#[test]
fn autocreatepeer_is_reported_and_dropped() {
    let m = run(&[("sip.conf", "[general]\nallowguest=no\nautocreatepeer=yes\n")]);
    let e = entries(&m, "general")
        .find(|e| e.source.as_ref().is_some_and(|s| s.key == "autocreatepeer"))
        .unwrap();
    assert_eq!(
        (e.severity, e.outcome),
        (Severity::Action, Outcome::Dropped)
    );
}

// ---- the dialplan ---------------------------------------------------------------------------------

#[test]
fn extensions_conf_dial_strings_and_functions_are_rewritten() {
    let sip = "[general]\nallowguest=no\n[trunk]\ntype=peer\nhost=192.0.2.9\ninsecure=port,invite\n\
               [100]\ntype=friend\nhost=dynamic\nsecret=Secret-100-xyz\n";
    let ext = "\
[globals]
TRUNK=SIP/trunk
[office] ; comments and layout are kept
exten => 100,hint,SIP/100
exten => 100,1,Dial(SIP/100,20) ; ring
exten => _0X.,1,Dial(SIP/trunk/${EXTEN:1})
exten => _00X.,1,Dial(SIP/${EXTEN:2}@trunk)
same => n,Set(X=${SIP_HEADER(X-Foo)})
same => n,ChanIsAvail(SIP/100)
exten => 9,1,Dial(${TRUNK}/${EXTEN})
exten => 8,1,Dial(SIP/unknown.example.com/8)
";
    let m = run(&[("sip.conf", sip), ("extensions.conf", ext)]);
    let out = m.extensions_conf.as_deref().expect("rewritten");
    assert!(out.contains("[office] ; comments and layout are kept"));
    assert!(out.contains("exten => 100,hint,PJSIP/100\n"));
    assert!(out.contains("exten => 100,1,Dial(PJSIP/100,20) ; ring\n"));
    assert!(out.contains("Dial(PJSIP/${EXTEN:1}@trunk)"));
    assert!(out.contains("Dial(PJSIP/${EXTEN:2}@trunk)"));
    assert!(out.contains("${PJSIP_HEADER(read,X-Foo)}"));
    assert!(out.contains("ChanIsAvail(PJSIP/100)"));
    assert!(out.contains("TRUNK=PJSIP/trunk"));
    // What cannot be rewritten safely is reported for a human.
    let actions: Vec<&str> = m
        .report
        .iter()
        .filter(|e| e.severity == Severity::Action)
        .map(|e| e.message.as_ref())
        .collect();
    assert!(
        actions.iter().any(|a| a.contains("${TRUNK}/")),
        "{actions:?}"
    );
    assert!(
        actions.iter().any(|a| a.contains("unknown.example.com")),
        "{actions:?}"
    );
    assert_eq!(m.summary.dialplan_rewrites, 7);
    // The rewritten dialplan reads back whole.
    let pbx = read_back(&m);
    assert!(pbx.dialplan.contexts.iter().any(|c| c.name == "office"));
}

#[test]
fn a_dialplan_without_chan_sip_is_left_alone() {
    let m = run(&[
        ("sip.conf", "[general]\nallowguest=no\n"),
        ("extensions.conf", "[x]\nexten => 1,1,Dial(PJSIP/a)\n"),
    ]);
    assert!(m.extensions_conf.is_none());
}

// ---- the report, determinism ------------------------------------------------------------------------

#[test]
fn every_line_of_every_loaded_section_has_an_entry_and_the_output_is_deterministic() {
    let sip = std::fs::read_to_string(crate::util::repo_path(
        "tests/fixtures/migrate/kitchen-sink/sip.conf",
    ))
    .unwrap();
    let ext = std::fs::read_to_string(crate::util::repo_path(
        "tests/fixtures/migrate/kitchen-sink/extensions.conf",
    ))
    .unwrap();
    let files = [
        ("sip.conf", sip.as_str()),
        ("extensions.conf", ext.as_str()),
    ];
    let m = run(&files);
    assert_invariants(&m);
    // Every option line of sip.conf (outside the skipped [options]) is an entry's source.
    let lines: Vec<u32> = sip
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            let t = l.trim_start();
            !t.is_empty() && !t.starts_with(';') && !t.starts_with('[') && t.contains('=')
        })
        .map(|(i, _)| i as u32 + 1)
        .filter(|&n| n < 160)
        .collect();
    for n in lines {
        assert!(
            m.report.iter().any(|e| e
                .source
                .as_ref()
                .is_some_and(|s| s.file == "sip.conf" && s.line == n)),
            "sip.conf:{n} has no entry"
        );
    }
    let again = run(&files);
    assert_eq!(m.pjsip_conf, again.pjsip_conf);
    assert_eq!(m.extensions_conf, again.extensions_conf);
    assert_eq!(m.report, again.report);
}

#[test]
fn an_existing_pjsip_conf_is_not_silently_replaced() {
    let m = run(&[
        ("sip.conf", "[general]\nallowguest=no\n"),
        (
            "pjsip.conf",
            "[t]\ntype=transport\nprotocol=udp\nbind=0.0.0.0\n",
        ),
    ]);
    assert!(m.needs_human());
    assert!(
        m.report
            .iter()
            .any(|e| e.severity == Severity::Action
                && e.message.contains("already has a pjsip.conf"))
    );
}
