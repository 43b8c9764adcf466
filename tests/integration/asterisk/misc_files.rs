//! websms.conf (both layouts), manager.conf, acl.conf, asterisk.conf.

use super::model;
use pbxgen::asterisk::model::websms::WebsmsLayout;

const WEBSMS_CURRENT: &str = "\
[websms]
url_host = https://api.zadarma.com
url_path = /v1/sms/send/
auth_method = zadarma
auth_user = key
auth_secret = \"s3cr3t;with-semicolon\"
auth_user[2] = other
auth_method[2] = basic
url_host[2] = http://sms.example.net

[websmsd]
key_echo = zd_echo
remt_addr = 185.45.152.42,10.0.0.0/8 ; zadarma
archive = no

[astqueue]
channel_context = dp_entry_answer
context = dp_entry_text_in
";

#[test]
fn websms_current_layout() {
    let pbx = model(&[("websms.conf", WEBSMS_CURRENT)]);
    let w = pbx.websms.as_ref().unwrap();
    assert_eq!(w.layout, WebsmsLayout::Current);
    let src = w.source_addresses.as_ref().unwrap();
    assert_eq!(src.value, ["185.45.152.42", "10.0.0.0/8"]);
    assert_eq!(src.pos.unwrap().line, 13);
    assert!(!w.proxy_addresses.is_set());
    assert_eq!(w.proxy_addresses.value, ["172.16.0.0/12", "192.168.0.0/16"]);
    assert_eq!(w.proxy_header.value, "HTTP_X_FORWARDED_FOR");
    assert_eq!(w.channel_context.value, "dp_entry_answer");
    assert_eq!(w.context.value, "dp_entry_text_in");
    assert_eq!(w.itsps.len(), 2);
    assert!(w.itsps[0].has_secret);
    assert_eq!(w.itsps[1].index.as_deref(), Some("2"));
    assert_eq!(
        w.itsps[1].url_host.as_ref().unwrap().value,
        "http://sms.example.net"
    );
    assert_eq!(w.itsps[1].auth_method.as_ref().unwrap().value, "basic");
    let unquoted: Vec<&str> = w
        .unquoted_literals
        .iter()
        .map(|k| k.name.as_str())
        .collect();
    assert_eq!(unquoted, ["archive"]);
    let json = serde_json::to_string(&pbx).unwrap();
    assert!(!json.contains("s3cr3t"), "websms secret leaked");
}

#[test]
fn websms_legacy_and_mixed_layouts() {
    let legacy = "[websms]\nhost = https://api.zadarma.com\nauth_passwd = x\n[websmsd]\nproxy_addr = 0.0.0.0/0\n\
                  [astqueue]\nchannel_context = dp_entry_channel_open\n";
    let pbx = model(&[("websms.conf", legacy)]);
    let w = pbx.websms.as_ref().unwrap();
    assert_eq!(w.layout, WebsmsLayout::Legacy);
    assert!(
        w.source_addresses.is_none(),
        "no source list: every source allowed"
    );
    assert_eq!(w.proxy_addresses.value, ["0.0.0.0/0"]);
    assert_eq!(
        w.itsps[0].url_host.as_ref().unwrap().value,
        "https://api.zadarma.com"
    );
    let mixed = "[websms]\nhost = a\nurl_host = b\n";
    assert_eq!(
        model(&[("websms.conf", mixed)]).websms.unwrap().layout,
        WebsmsLayout::Mixed
    );
}

#[test]
fn manager_users_and_defaults() {
    let text = "[general]\nenabled = yes\n\n[admin]\nsecret = amp111\ndeny=0.0.0.0/0.0.0.0\npermit=127.0.0.1/255.255.255.0\n\
                read = system,call\nwrite = system,originate\n";
    let pbx = model(&[("manager.conf", text)]);
    let m = pbx.manager.as_ref().unwrap();
    assert!(m.enabled.value);
    assert_eq!(
        (m.bindaddr.value.as_str(), m.port.value.as_str()),
        ("0.0.0.0", "5038")
    );
    assert!(!m.bindaddr.is_set());
    let admin = &m.users[0];
    assert_eq!(admin.name, "admin");
    assert!(admin.can_write("originate") && !admin.can_write("command"));
    assert!(!admin.acl.allows("8.8.8.8".parse().unwrap()));
    assert!(!serde_json::to_string(&pbx).unwrap().contains("amp111"));
}

#[test]
fn acl_conf_and_asterisk_conf() {
    let pbx = model(&[
        (
            "acl.conf",
            "[office](!)\ndeny=0.0.0.0/0\n[office-lan](office)\npermit=192.168.0.0/24\n",
        ),
        ("asterisk.conf", "[options]\nexecincludes = yes\n"),
    ]);
    assert_eq!(pbx.named_acls.len(), 1);
    let acl = &pbx.named_acl("OFFICE-LAN").unwrap().acl;
    assert!(
        acl.allows("192.168.0.9".parse().unwrap()) && !acl.allows("192.168.1.9".parse().unwrap())
    );
    let a = pbx.asterisk.as_ref().unwrap();
    assert!(a.execincludes.value && a.execincludes.is_set());
    assert!(!a.live_dangerously.value && !a.live_dangerously.is_set());
}

/// voicemail.conf's dial-out, callback and exit contexts become edges of the contexts that run
/// VoiceMailMain / VoiceMail.
#[test]
fn voicemail_contexts_are_edges() {
    use pbxgen::asterisk::model::dialplan::EdgeKind;
    let pbx = model(&[
        (
            "voicemail.conf",
            "[general]\ndialout=fromvm\nexitcontext=vm-exit\n[default]\n100 => 4242,Bob,,,callback=cb|tz=eu\n",
        ),
        (
            "extensions.conf",
            "[phones]\nexten => *98,1,VoiceMailMain()\nexten => 100,1,VoiceMail(100@default)\n",
        ),
    ]);
    let vm = pbx.voicemail.as_ref().unwrap();
    assert_eq!(vm.mailboxes[0].pin.value.expose(), "4242");
    assert_eq!(vm.mailboxes[0].callback.as_ref().unwrap().value, "cb");
    let edges: Vec<(EdgeKind, &str, Option<&str>)> = pbx
        .dialplan
        .context("phones")
        .unwrap()
        .edges
        .iter()
        .map(|e| (e.kind, e.target_context.as_str(), e.exten.as_deref()))
        .collect();
    assert_eq!(
        edges,
        [
            (EdgeKind::Voicemail, "fromvm", Some("*98")),
            (EdgeKind::Voicemail, "cb", Some("*98")),
            (EdgeKind::Voicemail, "vm-exit", Some("*98")),
            (EdgeKind::Voicemail, "vm-exit", Some("100")),
        ]
    );
    assert!(
        !serde_json::to_string(&pbx).unwrap().contains("4242"),
        "PIN leaked"
    );
}
