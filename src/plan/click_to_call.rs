//! Click-to-call buttons: for each, a public account (pjsip endpoint, auth, aor) locked into a
//! context that reaches its callee only (built by the dialplan module from the same names), and
//! for `via: browser` buttons Asterisk's HTTPS/WebSocket server (http.conf), a `wss` transport
//! and the facts the web page needs (`click-to-call-NAME.json`).
//!
//! The accounts are public by design — the page's JavaScript (or the gateway behind it) holds
//! the credentials — so nothing here relies on them staying secret: the context does.

use super::names::{REJECT_CONTEXT, WSS_PORT, WSS_TRANSPORT, click_to_call_name};
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
                    websocket_url: format!("wss://{host}:{WSS_PORT}/ws"),
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
            tls_bind: bind(network.bind.value, WSS_PORT),
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
