//! Click-to-call buttons: for each, a public account (pjsip endpoint, auth, aor) locked into a
//! context that reaches its callee only (built by the dialplan module from the same names), and
//! for `via: browser` buttons Asterisk's HTTPS/WebSocket server (http.conf), a `wss` transport
//! and the facts the web page needs (`click-to-call-NAME.json`).
//!
//! The accounts are public by design — the page's JavaScript (or the gateway behind it) holds
//! the credentials — so nothing here relies on them staying secret: the context does.

use super::names::{REJECT_CONTEXT, WSS_TRANSPORT, click_to_call_name};
use super::party::{bind, codec_names, nets};
use super::secrets::{SecretId, Secrets};
use crate::profile::{ClickToCallVia, Profile};
use ipnet::IpNet;
use serde::Serialize;

/// Everything the click-to-call buttons of a site add.
#[derive(Debug, Clone, Serialize)]
pub struct ClickToCall {
    pub buttons: Vec<Button>,
    /// Asterisk's HTTP server (http.conf): present when a button is `via: browser`.
    pub http: Option<HttpServer>,
    /// The pjsip `wss` transport WebRTC endpoints name (with `via: browser` buttons).
    pub wss_transport: Option<WssTransport>,
    /// What each `via: browser` button's web page needs (`click-to-call-NAME.json`).
    pub pages: Vec<WebPage>,
}

/// One button's account.
#[derive(Debug, Clone, Serialize)]
pub struct Button {
    /// The button's name (`sales`).
    pub name: String,
    pub via: ClickToCallVia,
    /// Endpoint, auth and aor name, and the SIP user name (`click-to-call-sales`).
    pub account: String,
    /// Where its calls land (`click-to-call-sales`).
    pub context: String,
    /// Where its SIP MESSAGEs land: nowhere.
    pub message_context: String,
    /// The extension it rings.
    pub callee: String,
    pub password: SecretId,
    /// Source networks allowed (the gateway's); empty for browsers, which call from anywhere.
    #[serde(serialize_with = "super::net_text::serialize")]
    pub permit: Vec<IpNet>,
    /// The transport it is bound to (`transport-wss` for browsers).
    pub transport: Option<String>,
    pub codecs: Vec<&'static str>,
}

/// http.conf: only the TLS listener serves the public; the plain listener is off.
#[derive(Debug, Clone, Serialize)]
pub struct HttpServer {
    /// `address:port` of the TLS listener.
    pub tls_bind: String,
    pub cert_file: String,
    pub key_file: String,
}

/// The `protocol=wss` transport object (it opens no socket: http.conf decides where WebSockets
/// are served; its `bind` is required all the same).
#[derive(Debug, Clone, Serialize)]
pub struct WssTransport {
    pub name: String,
    /// The bind address (no port: nothing binds).
    pub bind: String,
}

/// What a button's web page needs to place its call: public by design.
#[derive(Debug, Clone, Serialize)]
pub struct WebPage {
    /// The button's name (the file is `click-to-call-NAME.json`).
    pub name: String,
    pub websocket_url: String,
    /// The account's SIP URI (user name and domain).
    pub sip_uri: String,
    pub username: String,
    pub password: SecretId,
    /// Whom to call: any number reaches the callee; this is the callee's.
    pub call_uri: String,
    pub display_name: String,
    pub max_concurrent: u32,
    /// The extension the button rings.
    pub callee: String,
}

/// The click-to-call part of the plan; `None` without buttons.
pub fn build(profile: &Profile, secrets: &mut Secrets) -> Option<ClickToCall> {
    if profile.click_to_call.is_empty() {
        return None;
    }
    let network = &profile.network;
    let browser = profile
        .click_to_call
        .iter()
        .any(|b| b.via.value == ClickToCallVia::Browser);
    let public_host = network.public_address.as_ref().map(|a| a.to_string());
    let wss_port = network
        .tls
        .as_ref()
        .map_or(crate::profile::CLICK_TO_CALL_WSS_PORT, |t| t.wss_port.value);
    let mut buttons = Vec::new();
    let mut pages = Vec::new();
    for b in &profile.click_to_call {
        let account = click_to_call_name(&b.name);
        // Validation made sure there is one (a `password`, or `site.secret_key`).
        let Some(secret) = profile.click_to_call_password(b) else {
            continue;
        };
        let password = secrets.register(&secret);
        let (permit, transport) = match (&b.gateway, b.via.value) {
            (Some(gateway), ClickToCallVia::Gateway) => (nets(&gateway.allow_from), None),
            _ => (Vec::new(), Some(WSS_TRANSPORT.to_string())),
        };
        if b.via.value == ClickToCallVia::Browser {
            if let Some(host) = &public_host {
                pages.push(WebPage {
                    name: b.name.to_string(),
                    websocket_url: format!("wss://{host}:{wss_port}/ws"),
                    sip_uri: format!("sip:{account}@{host}"),
                    username: account.clone(),
                    password,
                    call_uri: format!("sip:{}@{host}", b.callee),
                    display_name: b.caller_id.to_string(),
                    max_concurrent: b.max_concurrent.value,
                    callee: b.callee.to_string(),
                });
            }
        }
        buttons.push(Button {
            name: b.name.to_string(),
            via: b.via.value,
            context: account.clone(),
            message_context: REJECT_CONTEXT.to_string(),
            account,
            callee: b.callee.to_string(),
            password,
            permit,
            transport,
            codecs: codec_names(None),
        });
    }
    let http = match (&network.tls, browser) {
        (Some(tls), true) => Some(HttpServer {
            tls_bind: bind(network.bind.value, tls.wss_port.value),
            cert_file: tls.cert_file.to_string(),
            key_file: tls.key_file.to_string(),
        }),
        _ => None,
    };
    let wss_transport = browser.then(|| WssTransport {
        name: WSS_TRANSPORT.to_string(),
        bind: network.bind.value.to_string(),
    });
    Some(ClickToCall {
        buttons,
        http,
        wss_transport,
        pages,
    })
}

#[cfg(test)]
mod tests {
    use crate::plan::dialplan::{Step, Tech, Trust};
    use crate::plan::plan;
    use crate::profile::{Origin, SecretSource, parse};

    const SITE: &str = r#"
version: 1
site: { name: t, asterisk: 22, secret_key: k3y-0123456789-abcdefghij-ABCDEFGHIJ }
network:
  public_address: pbx.example.net
  local_nets: [192.168.1.0/24]
  udp: { port: 5060 }
  tls: { cert_file: /etc/asterisk/keys/pbx.crt, key_file: /etc/asterisk/keys/pbx.key }
trunks:
  - { name: itsp, host: sip.itsp.example, context: from-itsp, allow_from: [198.51.100.0/28] }
extensions:
  - { number: "101", name: One, secret: S3cret-one-101 }
outbound:
  - { name: intl, patterns: ["_00X."], trunk: itsp }
click_to_call:
  - { name: sales, callee: "101", via: browser, caller_id: Web sales, max_concurrent: 3 }
  - name: support
    callee: "101"
    via: gateway
    gateway: { allow_from: [203.0.113.10/32] }
    caller_id: Web support
    password: Gw-S3cret-12345
"#;

    #[test]
    fn buttons_get_public_accounts_locked_into_their_callee() {
        let site = plan(&parse(SITE, Origin::named("t.yaml")).unwrap()).unwrap();
        let c2c = site.click_to_call.as_ref().unwrap();
        let names: Vec<&str> = c2c.buttons.iter().map(|b| b.account.as_str()).collect();
        assert_eq!(names, ["click-to-call-sales", "click-to-call-support"]);
        let (sales, support) = (&c2c.buttons[0], &c2c.buttons[1]);
        assert_eq!(sales.transport.as_deref(), Some("transport-wss"));
        assert!(sales.permit.is_empty(), "browsers call from anywhere");
        assert_eq!(support.transport, None);
        assert_eq!(support.permit[0].to_string(), "203.0.113.10/32");
        // The browser's password is derived from the site key, the gateway's is its own.
        let source = |b: &super::Button| site.secrets[b.password.secret].source().clone();
        assert!(
            matches!(source(sales), SecretSource::Derived { label, .. } if label == "click-to-call/sales")
        );
        assert!(matches!(source(support), SecretSource::Inline(_)));
        // Only the browser button has a page; http.conf serves WSS on 8089.
        let pages: Vec<&str> = c2c.pages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(pages, ["sales"]);
        assert_eq!(c2c.pages[0].websocket_url, "wss://pbx.example.net:8089/ws");
        assert_eq!(c2c.pages[0].password, sales.password);
        assert_eq!(c2c.http.as_ref().unwrap().tls_bind, "0.0.0.0:8089");

        let context = site.dialplan.context("click-to-call-sales").unwrap();
        assert_eq!(context.trust, Trust::Untrusted);
        assert!(context.includes.is_empty());
        let patterns: Vec<&str> = context
            .extensions
            .iter()
            .map(|e| e.pattern.as_str())
            .collect();
        assert_eq!(patterns, ["s", "_[0-9*#+].", "_[0-9*#+]"]);
        let s = &context.extensions[0].steps;
        assert!(matches!(&s[0], Step::JoinGroup { group, .. } if group == "sales"));
        assert!(matches!(&s[1], Step::RefuseOverLimit { max: 3, .. }));
        assert!(matches!(&s[2], Step::SetCallerId { name, .. } if name == "Web sales"));
        // The callee's device (never the bare number), with the driver serving it.
        assert!(matches!(&s[3], Step::Dial { targets, .. }
            if targets.len() == 1 && targets[0].resource == "ext101"
                && targets[0].tech == Tech::Pjsip && targets[0].via.is_none()));
        for e in &context.extensions[1..] {
            assert!(matches!(&e.steps[..], [Step::Goto { exten }] if exten == "s"));
        }
    }

    #[test]
    fn the_wss_port_is_the_profiles_when_it_names_one() {
        let profile = SITE.replace(
            "key_file: /etc/asterisk/keys/pbx.key }",
            "key_file: /etc/asterisk/keys/pbx.key, wss_port: 443 }",
        );
        let site = plan(&parse(&profile, Origin::named("t.yaml")).unwrap()).unwrap();
        let c2c = site.click_to_call.as_ref().unwrap();
        assert_eq!(c2c.pages[0].websocket_url, "wss://pbx.example.net:443/ws");
        assert_eq!(c2c.http.as_ref().unwrap().tls_bind, "0.0.0.0:443");
    }

    #[test]
    fn a_chan_sip_callee_is_dialled_with_chan_sip() {
        // The button's account is pjsip's; the callee is served by chan_sip next to it.
        let text = SITE
            .replace(
                "asterisk: 22,",
                "asterisk: 20, channel_drivers: [pjsip, sip],",
            )
            .replace(
                "secret: S3cret-one-101 }",
                "secret: S3cret-one-101, driver: sip }",
            );
        let site = plan(&parse(&text, Origin::named("t.yaml")).unwrap()).unwrap();
        let context = site.dialplan.context("click-to-call-sales").unwrap();
        assert!(
            matches!(&context.extensions[0].steps[3], Step::Dial { targets, .. }
            if targets.len() == 1 && targets[0].resource == "ext101"
                && targets[0].tech == Tech::Sip && targets[0].via.is_none())
        );
        let peers: Vec<&str> = site
            .sip
            .as_ref()
            .unwrap()
            .peers
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert!(peers.contains(&"ext101"), "{peers:?}");
        let endpoints: Vec<&str> = site
            .pjsip
            .as_ref()
            .unwrap()
            .accounts
            .iter()
            .map(|a| a.endpoint.name.as_str())
            .collect();
        assert!(!endpoints.contains(&"ext101"), "{endpoints:?}");
    }

    #[test]
    fn a_chan_sip_trunk_may_not_take_a_button_account_name() {
        let text = SITE
            .replace(
                "asterisk: 22,",
                "asterisk: 20, channel_drivers: [pjsip, sip],",
            )
            .replace(
                "{ name: itsp, host: sip.itsp.example,",
                "{ name: click-to-call-sales, driver: sip, host: sip.itsp.example,",
            )
            .replace("trunk: itsp }", "trunk: click-to-call-sales }");
        let err = plan(&parse(&text, Origin::named("t.yaml")).unwrap()).unwrap_err();
        assert!(
            err.message
                .contains("`click-to-call-sales` is both a pjsip endpoint and a chan_sip peer"),
            "{err}"
        );
    }

    #[test]
    fn a_profile_context_may_not_take_a_button_name() {
        let text = SITE.replace("context: from-itsp", "context: click-to-call-sales");
        let err = plan(&parse(&text, Origin::named("t.yaml")).unwrap()).unwrap_err();
        assert!(
            err.message.contains("pbxgen uses for its own contexts"),
            "{err}"
        );
    }

    #[test]
    fn no_buttons_no_click_to_call() {
        let text = &SITE[..SITE.find("click_to_call:").unwrap()];
        let site = plan(&parse(text, Origin::named("t.yaml")).unwrap()).unwrap();
        assert!(site.click_to_call.is_none());
    }
}
