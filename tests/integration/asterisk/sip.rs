//! sip.conf: chan_sip's defaults, peers, ACLs, registrations.

use super::model;
use pbxgen::asterisk::model::sip::{SipPeerKind, SkipCause};

/// "`allowguest` (default yes), `alwaysauthreject` (default yes since 1.8)", context `default`.
#[test]
fn general_defaults_are_chan_sips() {
    let pbx = model(&[("sip.conf", "[general]\nbindaddr=0.0.0.0\n")]);
    let g = &pbx.sip.as_ref().unwrap().general;
    assert!(g.allowguest.value && !g.allowguest.is_set());
    assert!(g.alwaysauthreject.value && !g.alwaysauthreject.is_set());
    assert_eq!(g.context.value, "default");
    assert!(!g.autocreatepeer.value);
    assert!(!g.binds_ipv6);
}

#[test]
fn general_values_keep_their_positions() {
    let pbx = model(&[(
        "sip.conf",
        "[general]\nallowguest = no\ncontext=guests\nalwaysauthreject=no\nudpbindaddr=[::]\n",
    )]);
    let g = &pbx.sip.as_ref().unwrap().general;
    assert!(!g.allowguest.value);
    assert_eq!(g.allowguest.pos.unwrap().line, 2);
    assert_eq!(g.context.value, "guests");
    assert!(!g.alwaysauthreject.value);
    assert!(g.binds_ipv6);
}

/// Peers inherit from templates, take `[general]`'s context when they have none, and
/// templates/sections without type are not peers.
#[test]
fn peers_with_templates_and_general_defaults() {
    let text = "\
[general]
context=from-guest
insecure=invite

[phone](!)
type=friend
host=dynamic
context=phones
deny=0.0.0.0/0.0.0.0
permit=192.168.1.0/255.255.255.0

[100](phone)
secret=s3cret-100

[trunk]
type=peer
host=203.0.113.5

[notype]
host=1.2.3.4
";
    let pbx = model(&[("sip.conf", text)]);
    let sip = pbx.sip.as_ref().unwrap();
    let names: Vec<&str> = sip.peers.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["100", "trunk"]);
    let p100 = sip.peer("100").unwrap();
    assert_eq!(p100.kind.value, SipPeerKind::Friend);
    assert!(p100.is_dynamic() && p100.has_secret());
    assert_eq!(p100.context.value, "phones");
    assert_eq!(*p100.bases, ["phone"]);
    assert_eq!(p100.acl.rules.len(), 2);
    assert!(!p100.acl.rules[0].permit);
    assert!(p100.acl.allows("192.168.1.20".parse().unwrap()));
    assert!(!p100.acl.allows("10.0.0.1".parse().unwrap()));
    let trunk = sip.peer("trunk").unwrap();
    assert_eq!(trunk.context.value, "from-guest");
    assert_eq!(
        trunk.context.pos.unwrap().line,
        2,
        "the context comes from [general]"
    );
    assert!(trunk.insecure_invite());
    assert_eq!(sip.ignored_sections[0].name, "notype");
}

/// "Evaluation starts at allow, and the last matching rule wins … IPv4 rules never match IPv6
/// addresses … `!` inverts one entry."
#[test]
fn acl_last_match_wins_and_families_do_not_mix() {
    let text = "[p]\ntype=peer\npermit=10.0.0.1\n[q]\ntype=peer\ndeny=0.0.0.0/0\npermit=10.0.0.0/8\ndeny=10.9.0.0/16\n\
                [r]\ntype=peer\ndeny=0.0.0.0/0\n[s]\ntype=peer\ndeny=!10.0.0.0/8,192.0.2.1\n[h]\ntype=peer\npermit=pbx.example.com\n";
    let pbx = model(&[("sip.conf", text)]);
    let sip = pbx.sip.as_ref().unwrap();
    let allows = |peer: &str, ip: &str| sip.peer(peer).unwrap().acl.allows(ip.parse().unwrap());
    assert!(allows("p", "8.8.8.8"), "a lone permit permits everyone");
    assert!(allows("q", "10.1.2.3"));
    assert!(!allows("q", "10.9.1.1"));
    assert!(!allows("q", "8.8.8.8"));
    assert!(allows("r", "2001:db8::1"), "IPv4 rules never match IPv6");
    assert!(allows("s", "10.1.1.1") && !allows("s", "192.0.2.1"));
    // A host name in `permit=` is a bad ACL entry: build_peer deletes the peer.
    assert!(sip.peer("h").is_none());
    let h = sip.ignored_sections.iter().find(|s| s.name == "h").unwrap();
    assert_eq!(h.cause, SkipCause::ValueRefused);
    let refused = sip
        .refused_values
        .iter()
        .find(|r| r.section == "h")
        .unwrap();
    assert_eq!(
        (refused.option.as_str(), refused.value.as_str()),
        ("permit", "pbx.example.com")
    );
}

/// `register => user[@domain][:secret[:authuser]]@host[:port][/extension]`.
#[test]
fn registrations_are_parsed_and_secrets_masked() {
    let pbx = model(&[(
        "sip.conf",
        "[general]\nregister => tls://1234:pa55@sip.example.net:5061/100\n",
    )]);
    let r = &pbx.sip.as_ref().unwrap().general.registrations[0];
    assert_eq!(r.transport.as_deref(), Some("tls"));
    assert_eq!(r.user, "1234");
    assert_eq!(r.secret.as_ref().unwrap().expose(), "pa55");
    assert_eq!(r.host, "sip.example.net");
    assert_eq!(r.port.as_deref(), Some("5061"));
    assert_eq!(r.extension.as_deref(), Some("100"));
    let json = serde_json::to_string(&pbx).unwrap();
    assert!(!json.contains("pa55"), "the secret leaked into the dump");
}

/// chan_sip's own parsers decide what the model holds: `insecure` words must be exactly `port`
/// or `invite` (set_insecure_flags), `tcpenable` is `!ast_false`, numeric-only addresses
/// (`externaddr`, `bindaddr`) refused keep the default, `alwaysauthreject` is `ast_true`, and a
/// bad `contactpermit` in `[general]` stops chan_sip loading.
#[test]
fn values_are_read_with_chan_sip_parsers() {
    let text = "[general]\nexternaddr=203.0.113.7\nexternaddr=pbx.home.example.net\nbindaddr=192.168.1.10 //lan\n\
                tcpenable=maybe\nalwaysauthreject=nope\ncontactpermit=lan.example.net\n\
                [a]\ntype=peer\nhost=203.0.113.1\ninsecure=very\n[b]\ntype=peer\nhost=203.0.113.2\ninsecure=port, invite\n\
                [c]\ntype=peer\nhost=203.0.113.3\ninsecure=Invite,port\n[d]\ntype=user\ntype=peer\n\
                [e]\ntype=friend\npermit=198.51.100.7, 198.51.100.8\n";
    let pbx = model(&[("sip.conf", text)]);
    let sip = pbx.sip.as_ref().unwrap();
    let g = &sip.general;
    assert_eq!(g.externip.as_ref().unwrap().value.as_str(), "203.0.113.7");
    assert!(
        g.bindaddr.is_none(),
        "a refused bindaddr leaves every interface"
    );
    assert!(g.tcpenable.value, "`maybe` is not a false word");
    assert!(!g.alwaysauthreject.value);
    assert!(sip.load_failure().is_some());
    let mode = |p: &str| sip.peer(p).unwrap().insecure_mode();
    assert!(
        !mode("a").invite && !mode("a").port,
        "`very` is not recognised"
    );
    assert!(
        mode("b").port && !mode("b").invite,
        "` invite` (with a blank) is not `invite`"
    );
    assert!(mode("c").port && mode("c").invite);
    assert_eq!(sip.peer("d").unwrap().kind.value, SipPeerKind::Friend);
    assert!(
        sip.peer("e").is_none(),
        "` 198.51.100.8` is not an address: the peer is deleted"
    );
    let refused: Vec<&str> = sip
        .refused_values
        .iter()
        .map(|r| r.option.as_str())
        .collect();
    assert_eq!(
        refused,
        [
            "externaddr",
            "bindaddr",
            "tcpenable",
            "alwaysauthreject",
            "contactpermit",
            "insecure",
            "insecure",
            "permit"
        ]
    );
}
