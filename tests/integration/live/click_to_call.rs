//! Click-to-call in Asterisk 22: a site with one `browser` button (WebRTC over WSS) and one
//! `gateway` button (SIP over UDP from the gateway's address) loads with no configuration error,
//! and whatever either button's account dials — the callee, another extension, an international
//! number, `*98` — rings the callee and nothing else; the `max_concurrent + 1`-th call is refused.
//!
//! | party | address |
//! |---|---|
//! | Asterisk | 127.0.0.1: SIP 5060 (UDP), 5061 (TLS), HTTPS/WSS 8089 |
//! | extension 201 (the callee of both buttons; device `ext201`) | 127.0.0.101:5070 |
//! | extension 202 | not registered: a call reaching it would show in the dialplan log |
//! | ITSP `itsp` (international route) | 127.0.0.20:5060 (a UAS: must receive nothing) |
//! | the WebRTC gateway of `support` | 127.0.0.30 |
//! | a browser | a WebSocket client in this test, inside the instance's network namespace |

use super::support::{
    Background, Sipp, SippRun, add_test_certs, boot, eventually, executed, live, render,
};
use pbxgen::verify::{Instance, InstanceOptions, VerifyOptions, predict_dir, verify_dir};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

const ASTERISK: &str = "127.0.0.1:5060";
const CALLEE: &str = "127.0.0.101";
/// The device extension 201's phone registers as (and is dialled at): never the bare number.
const CALLEE_DEVICE: &str = "ext201";
const ITSP: &str = "127.0.0.20";
const GATEWAY: &str = "127.0.0.30";
const STRANGER: &str = "127.0.0.40";
const PHONE_PORT: u16 = 5070;
const TIMEOUT: Duration = Duration::from_secs(15);
/// What the tests dial through a button: the callee, another extension, an international
/// number (a route of the site), voicemail's main menu.
const DIALLED: [&str; 4] = ["201", "202", "00442079460000", "*98"];

const PROFILE: &str = r#"
version: 1
site:
  name: c2c
  asterisk: 22
  channel_drivers: [pjsip]
  secret_key: ${file:site.key}
network:
  bind: 127.0.0.1
  public_address: 127.0.0.1
  local_nets: [127.0.0.0/25]
  udp: { port: 5060 }
  tls: { port: 5061, cert_file: /etc/asterisk/keys/pbx.crt, key_file: /etc/asterisk/keys/pbx.key }
trunks:
  - { name: itsp, host: 127.0.0.20, context: from-itsp, allow_from: [127.0.0.20/32] }
extensions:
  - number: "201"
    name: Sales desk
    secret: ${file:ext-201.secret}
    voicemail: { pin: "${file:vm-201.secret}" }
  - { number: "202", name: Accounts, secret: "${file:ext-202.secret}" }
outbound:
  - { name: international, patterns: ["_00[1-9]X."], trunk: itsp, prefix_strip: 2, prepend: "+" }
click_to_call:
  - name: sales
    callee: "201"
    via: browser
    max_concurrent: 2
    caller_id: Web sales
  - name: support
    callee: "201"
    via: gateway
    gateway: { allow_from: [127.0.0.30/32] }
    max_concurrent: 2
    caller_id: Web support
    password: ${file:support.secret}
"#;

/// The rendered test site.
struct Site {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    secrets: PathBuf,
}

impl Site {
    fn render() -> Site {
        let tmp = tempfile::tempdir().unwrap();
        let secrets = tmp.path().to_path_buf();
        for (file, value) in [
            ("site.key", "test-site-key-0123456789-abcdefghijklmnop"),
            ("ext-201.secret", "Test-201-secret-Xq7vR2"),
            ("ext-202.secret", "Test-202-secret-Lp4wZk"),
            ("vm-201.secret", "4711"),
            ("support.secret", "Test-gateway-Mt9pL4wZk2"),
        ] {
            std::fs::write(secrets.join(file), value).unwrap();
        }
        std::fs::write(tmp.path().join("site.yaml"), PROFILE).unwrap();
        let dir = tmp.path().join("rendered");
        render(&tmp.path().join("site.yaml"), &dir);
        // http.conf uses network.tls's certificate and key: the throwaway ones serve both.
        add_test_certs(&dir);
        Site {
            _tmp: tmp,
            dir,
            secrets,
        }
    }

    fn secret(&self, file: &str) -> String {
        std::fs::read_to_string(self.secrets.join(file)).unwrap()
    }

    /// The browser button's page, as the web developer gets it.
    fn page(&self) -> serde_json::Value {
        let text = std::fs::read_to_string(self.dir.join("click-to-call-sales.json")).unwrap();
        serde_json::from_str(&text).expect("click-to-call-sales.json is JSON")
    }
}

#[test]
fn the_rendered_site_loads_with_no_configuration_error_and_webrtc_settings() {
    let asterisk = live!();
    let site = Site::render();
    let names: Vec<String> = std::fs::read_dir(&site.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for name in ["http.conf", "click-to-call-sales.json", "pjsip.conf"] {
        assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
    }
    assert!(
        !names.iter().any(|n| n == "click-to-call-support.json"),
        "a gateway button has no page file: {names:?}"
    );
    let prediction = predict_dir(&site.dir, Some(22)).expect("pbxgen reads what it rendered");
    let report = verify_dir(
        &site.dir,
        &asterisk,
        &VerifyOptions {
            prediction: Some(prediction),
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("verify: {e}"));
    super::support::save_report("click-to-call", &report);
    assert_eq!(
        (report.errors, report.warnings),
        (0, 0),
        "Asterisk reports configuration problems:\n{}",
        report.findings_text()
    );
    let comparison = report.comparison.as_ref().unwrap();
    assert!(comparison.is_exact(), "{comparison}");
    for account in ["click-to-call-sales", "click-to-call-support"] {
        assert!(
            report.objects.endpoints.contains(account),
            "{account}: {:?}",
            report.objects.endpoints
        );
    }

    let pbx = boot(&asterisk, &site.dir, &InstanceOptions::default());
    let shown = pbx.cli("pjsip show endpoint click-to-call-sales").unwrap();
    let option = |name: &str| {
        shown
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{name} ")))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_else(|| panic!("`{name}` not in:\n{shown}"))
    };
    for (name, value) in [
        ("webrtc", "yes"),
        ("media_encryption", "dtls"),
        ("ice_support", "true"),
        ("use_avpf", "true"),
        ("rtcp_mux", "true"),
        ("bundle", "true"),
        ("dtls_setup", "actpass"),
        ("dtls_verify", "Fingerprint"),
        ("transport", "transport-wss"),
        ("context", "click-to-call-sales"),
    ] {
        assert_eq!(option(name), value, "click-to-call-sales {name}");
    }
    // The TLS listener is up (and the plain one is not): what the page's URL points at.
    assert!(pbx.port_bound(8089), "nothing listens on 8089 (WSS)");
    assert!(
        !pbx.port_bound(8088),
        "the plain HTTP listener must stay off"
    );
    let gateway = pbx
        .cli("pjsip show endpoint click-to-call-support")
        .unwrap();
    let webrtc = gateway
        .lines()
        .find(|l| l.trim_start().starts_with("webrtc "))
        .unwrap_or_default();
    assert!(
        webrtc.ends_with(": no"),
        "the gateway account is plain SIP: {webrtc}"
    );
}

/// A UAS for extension 201: registered from 127.0.0.101, ringing `ring` before it answers busy.
fn callee(pbx: &Instance, site: &Site, ring: Duration) -> Background {
    let reg = Sipp::new(pbx, "register.xml", CALLEE, PHONE_PORT)
        .target(ASTERISK)
        .key("user", CALLEE_DEVICE)
        .auth(CALLEE_DEVICE, &site.secret("ext-201.secret"))
        .run(TIMEOUT);
    assert_eq!(reg.final_status(), Some(200), "{:?}", reg.statuses());
    Sipp::new(pbx, "uas-ring.xml", CALLEE, PHONE_PORT)
        .target(ASTERISK)
        .arg("-d")
        .arg(&ring.as_millis().to_string())
        .spawn()
}

/// The Request-URI users of the INVITEs `stand_in` received.
fn invited(stand_in: &Background) -> Vec<String> {
    stand_in
        .received("INVITE")
        .iter()
        .filter_map(|m| m.request_user().map(str::to_string))
        .collect()
}

/// The gateway (or whoever is at `ip`) places a call as `click-to-call-support` from port
/// `port`, dialling `number`.
fn gateway_call(pbx: &Instance, site: &Site, (ip, port): (&str, u16), number: &str) -> SippRun {
    Sipp::new(pbx, "call.xml", ip, port)
        .target(ASTERISK)
        .service(number)
        .key("user", "click-to-call-support")
        .auth("click-to-call-support", &site.secret("support.secret"))
        .run(TIMEOUT)
}

/// The dialplan ran no Dial but the callee's (no trunk, no other extension) and nothing of
/// voicemail.
fn only_the_callee_was_dialled(pbx: &Instance) {
    let ran = executed(pbx);
    let dials: Vec<&String> = ran.iter().filter(|l| l.contains("] Dial(")).collect();
    assert!(!dials.is_empty(), "no Dial ran at all:\n{}", ran.join("\n"));
    for line in &ran {
        let (place, app) = line.split_once("] ").unwrap_or((line, ""));
        assert!(
            place.contains("@click-to-call-"),
            "outside the button's context: {line}"
        );
        assert!(!app.starts_with("VoiceMail"), "{line}");
        if app.starts_with("Dial(") {
            assert!(
                app.contains(&format!("\"PJSIP/{CALLEE_DEVICE},")),
                "a Dial other than the callee's: {line}"
            );
        }
    }
}

#[test]
fn whatever_the_gateway_dials_rings_the_callee_only() {
    let asterisk = live!();
    let site = Site::render();
    let pbx = boot(&asterisk, &site.dir, &InstanceOptions::default());
    let phone = callee(&pbx, &site, Duration::from_millis(100));
    let itsp = Sipp::new(&pbx, "uas.xml", ITSP, 5060)
        .target(ASTERISK)
        .spawn();
    for (i, number) in DIALLED.iter().enumerate() {
        let run = gateway_call(&pbx, &site, (GATEWAY, PHONE_PORT), number);
        assert!(
            eventually(Duration::from_secs(5), || invited(&phone).len() > i),
            "dialling {number} did not ring 201: {:?}",
            run.statuses()
        );
        assert_eq!(invited(&phone)[i], CALLEE_DEVICE, "dialling {number}");
        let caller = phone.received("INVITE")[i]
            .header("From")
            .unwrap_or("")
            .to_string();
        assert!(
            caller.contains("\"Web support\""),
            "the callee sees the button's caller ID, not the caller's: {caller}"
        );
    }
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        itsp.received("INVITE").is_empty(),
        "the trunk got a call from a click-to-call button"
    );
    only_the_callee_was_dialled(&pbx);
    // The same credentials from anywhere but the gateway are refused before the dialplan.
    let run = gateway_call(&pbx, &site, (STRANGER, PHONE_PORT), "201");
    assert!(
        matches!(run.final_status(), Some(401 | 403)),
        "from {STRANGER}: {:?}",
        run.statuses()
    );
    assert_eq!(invited(&phone).len(), DIALLED.len());
}

#[test]
fn the_gateway_button_refuses_the_call_after_max_concurrent() {
    let asterisk = live!();
    let site = Site::render();
    let pbx = boot(&asterisk, &site.dir, &InstanceOptions::default());
    // 201 rings for 4 s: the first two calls are still up when the third arrives.
    let phone = callee(&pbx, &site, Duration::from_secs(4));
    std::thread::scope(|scope| {
        let calls: Vec<_> = (0..2)
            .map(|i| {
                let (pbx, site) = (&pbx, &site);
                scope.spawn(move || gateway_call(pbx, site, (GATEWAY, 5071 + i as u16), DIALLED[i]))
            })
            .collect();
        assert!(
            eventually(Duration::from_secs(5), || invited(&phone).len() == 2),
            "the first two calls ring 201: {:?}",
            invited(&phone)
        );
        let third = gateway_call(&pbx, &site, (GATEWAY, PHONE_PORT), "201");
        assert_eq!(
            third.final_status(),
            Some(503),
            "the third call at once is refused (Hangup(34)): {:?}",
            third.statuses()
        );
        assert_eq!(invited(&phone).len(), 2, "the third call never rang 201");
        for call in calls {
            let run = call.join().unwrap();
            assert_eq!(run.final_status(), Some(486), "{:?}", run.statuses());
        }
    });
    // Once they are over, the button works again.
    let again = gateway_call(&pbx, &site, (GATEWAY, PHONE_PORT), "201");
    assert_eq!(again.final_status(), Some(486), "{:?}", again.statuses());
    assert!(eventually(Duration::from_secs(5), || invited(&phone).len() == 3));
}

#[test]
fn whatever_the_browser_dials_over_wss_rings_the_callee_only() {
    let asterisk = live!();
    let site = Site::render();
    let page = site.page();
    let pbx = boot(&asterisk, &site.dir, &InstanceOptions::default());
    let phone = callee(&pbx, &site, Duration::from_millis(100));
    let itsp = Sipp::new(&pbx, "uas.xml", ITSP, 5060)
        .target(ASTERISK)
        .spawn();
    let mut browser = Browser::connect(&pbx, &site.dir, &page);
    for (i, number) in DIALLED.iter().enumerate() {
        let statuses = browser.call(number);
        assert!(
            eventually(Duration::from_secs(5), || invited(&phone).len() > i),
            "dialling {number} over WSS did not ring 201: {statuses:?}"
        );
        assert_eq!(invited(&phone)[i], CALLEE_DEVICE, "dialling {number}");
        assert_eq!(
            statuses.last(),
            Some(&486),
            "the callee's answer comes back"
        );
        let caller = phone.received("INVITE")[i]
            .header("From")
            .unwrap_or("")
            .to_string();
        assert!(caller.contains("\"Web sales\""), "{caller}");
    }
    std::thread::sleep(Duration::from_millis(300));
    assert!(itsp.received("INVITE").is_empty());
    only_the_callee_was_dialled(&pbx);
    // The page's credentials are what Asterisk accepts, and a wrong password is refused.
    let mut impostor = Browser::connect(&pbx, &site.dir, &page);
    impostor.password = "not-the-password".to_string();
    let statuses = impostor.call("201");
    assert!(
        matches!(statuses.last(), Some(401 | 403)),
        "a wrong password over WSS: {statuses:?}"
    );
    assert_eq!(invited(&phone).len(), DIALLED.len());
}

/// A minimal WebRTC-ish SIP client over a secure WebSocket (RFC 7118): what a click-to-call page
/// does, minus the media. The socket is made inside the instance's network namespace, TLS trusts
/// the throwaway certificate of the rendered directory, the subprotocol is `sip`.
struct Browser {
    ws: tungstenite::WebSocket<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>,
    username: String,
    password: String,
    host: String,
    calls: u32,
}

impl Browser {
    fn connect(pbx: &Instance, dir: &Path, page: &serde_json::Value) -> Browser {
        let field = |name: &str| page[name].as_str().unwrap_or_default().to_string();
        let url = field("websocket_url");
        let host_port = url
            .strip_prefix("wss://")
            .and_then(|r| r.strip_suffix("/ws"))
            .unwrap_or_else(|| panic!("websocket_url {url}"));
        let tcp = connect_in_namespace(pbx, host_port);
        tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut roots = rustls::RootCertStore::empty();
        use rustls::pki_types::pem::PemObject;
        let cert = rustls::pki_types::CertificateDer::from_pem_file(dir.join("keys/pbx.crt"))
            .expect("the throwaway certificate");
        roots.add(cert).unwrap();
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
        let host = host_port.rsplit_once(':').unwrap().0.to_string();
        let server_name = rustls::pki_types::ServerName::try_from(host.clone()).unwrap();
        let tls = rustls::ClientConnection::new(Arc::new(config), server_name).unwrap();
        let stream = rustls::StreamOwned::new(tls, tcp);
        use tungstenite::client::IntoClientRequest;
        let mut request = url.as_str().into_client_request().unwrap();
        request
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", "sip".parse().unwrap());
        let (ws, response) = tungstenite::client(request, stream)
            .unwrap_or_else(|e| panic!("WebSocket handshake with {url}: {e}"));
        assert_eq!(
            response
                .headers()
                .get("Sec-WebSocket-Protocol")
                .and_then(|v| v.to_str().ok()),
            Some("sip")
        );
        Browser {
            ws,
            username: field("username"),
            password: field("password"),
            host,
            calls: 0,
        }
    }

    fn send(&mut self, message: String) {
        self.ws
            .send(tungstenite::Message::text(message))
            .expect("send over the WebSocket");
    }

    /// The next SIP message from Asterisk (one per WebSocket message).
    fn receive(&mut self) -> String {
        loop {
            match self.ws.read().expect("read from the WebSocket") {
                tungstenite::Message::Text(t) => return t.to_string(),
                tungstenite::Message::Binary(b) => return String::from_utf8_lossy(&b).into(),
                _ => continue,
            }
        }
    }

    /// Responses to the request with `cseq` until a final one; requests from Asterisk (BYE,
    /// OPTIONS) are answered 200. Returns every status seen.
    fn responses(&mut self, cseq: &str, statuses: &mut Vec<u16>) -> String {
        loop {
            let message = self.receive();
            let first = message.lines().next().unwrap_or("").to_string();
            if let Some(rest) = first.strip_prefix("SIP/2.0 ") {
                if header(&message, "CSeq") != Some(cseq) {
                    continue;
                }
                let status: u16 = rest[..3].parse().unwrap();
                statuses.push(status);
                if status >= 200 {
                    return message;
                }
            } else {
                self.answer_request(&message);
            }
        }
    }

    fn answer_request(&mut self, request: &str) {
        if request.starts_with("ACK ") {
            return;
        }
        let mut reply = String::from("SIP/2.0 200 OK\r\n");
        for name in ["Via", "From", "To", "Call-ID", "CSeq"] {
            for value in headers(request, name) {
                reply.push_str(&format!("{name}: {value}\r\n"));
            }
        }
        reply.push_str("Content-Length: 0\r\n\r\n");
        self.send(reply);
    }

    /// Call `number`: INVITE, answer the digest challenge with the page's credentials, and
    /// end the call (ACK a failure; ACK and BYE an answer). Returns the statuses received.
    fn call(&mut self, number: &str) -> Vec<u16> {
        self.calls += 1;
        let n = self.calls;
        let call_id = format!("pbxgen-c2c-{n}-{}", std::process::id());
        let tag = format!("tag{n}");
        let uri = format!("sip:{number}@{}", self.host);
        let from = format!("\"Anyone\" <sip:{}@{}>;tag={tag}", self.username, self.host);
        let to = format!("<{uri}>");
        let sdp = webrtc_offer();
        let invite = |cseq: u32, branch: &str, auth: Option<&str>| {
            let mut m = format!(
                "INVITE {uri} SIP/2.0\r\n\
                 Via: SIP/2.0/WSS c2c-test.invalid;branch={branch}\r\n\
                 Max-Forwards: 70\r\n\
                 From: {from}\r\n\
                 To: {to}\r\n\
                 Call-ID: {call_id}\r\n\
                 CSeq: {cseq} INVITE\r\n\
                 Contact: <sip:browser@c2c-test.invalid;transport=ws>\r\n"
            );
            if let Some(auth) = auth {
                m.push_str(&format!("Authorization: {auth}\r\n"));
            }
            m.push_str(&format!(
                "Content-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{sdp}",
                sdp.len()
            ));
            m
        };
        let ack = |cseq: u32, branch: &str, to: &str, target: &str| {
            format!(
                "ACK {target} SIP/2.0\r\nVia: SIP/2.0/WSS c2c-test.invalid;branch={branch}\r\n\
                 Max-Forwards: 70\r\nFrom: {from}\r\nTo: {to}\r\nCall-ID: {call_id}\r\n\
                 CSeq: {cseq} ACK\r\nContent-Length: 0\r\n\r\n"
            )
        };
        let mut statuses = Vec::new();
        let branch1 = format!("z9hG4bK-c2c-{n}-1");
        self.send(invite(1, &branch1, None));
        let challenge = self.responses("1 INVITE", &mut statuses);
        let challenged_to = header(&challenge, "To").unwrap_or(&to).to_string();
        self.send(ack(1, &branch1, &challenged_to, &uri));
        let status = *statuses.last().unwrap();
        if status != 401 && status != 407 {
            return statuses;
        }
        let name = if status == 401 {
            "WWW-Authenticate"
        } else {
            "Proxy-Authenticate"
        };
        let authorization = digest(
            header(&challenge, name).expect("a challenge"),
            &self.username,
            &self.password,
            &uri,
        );
        let branch2 = format!("z9hG4bK-c2c-{n}-2");
        self.send(invite(2, &branch2, Some(&authorization)));
        let last = self.responses("2 INVITE", &mut statuses);
        let final_to = header(&last, "To").unwrap_or(&to).to_string();
        if *statuses.last().unwrap() >= 300 {
            self.send(ack(2, &branch2, &final_to, &uri));
            return statuses;
        }
        let target = header(&last, "Contact")
            .and_then(|c| c.split('<').nth(1))
            .and_then(|c| c.split('>').next())
            .unwrap_or(&uri)
            .to_string();
        self.send(ack(2, &format!("z9hG4bK-c2c-{n}-3"), &final_to, &target));
        let bye = format!(
            "BYE {target} SIP/2.0\r\nVia: SIP/2.0/WSS c2c-test.invalid;branch=z9hG4bK-c2c-{n}-4\r\n\
             Max-Forwards: 70\r\nFrom: {from}\r\nTo: {final_to}\r\nCall-ID: {call_id}\r\n\
             CSeq: 3 BYE\r\nContent-Length: 0\r\n\r\n"
        );
        self.send(bye);
        let mut bye_statuses = Vec::new();
        self.responses("3 BYE", &mut bye_statuses);
        statuses
    }
}

/// An SDP offer as a browser makes it: DTLS-SRTP (`UDP/TLS/RTP/SAVPF`, fingerprint, setup), ICE
/// credentials and a host candidate, rtcp-mux. No media flows in these tests: Asterisk routes
/// the INVITE before any DTLS handshake.
fn webrtc_offer() -> String {
    let fingerprint: Vec<String> = (0..32u8).map(|b| format!("{:02X}", b * 7)).collect();
    [
        "v=0",
        "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
        "s=-",
        "t=0 0",
        "m=audio 40000 UDP/TLS/RTP/SAVPF 0 8",
        "c=IN IP4 127.0.0.1",
        "a=rtcp:40000 IN IP4 127.0.0.1",
        "a=ice-ufrag:c2ct",
        "a=ice-pwd:pbxgenclicktocalltestpwd",
        &format!("a=fingerprint:sha-256 {}", fingerprint.join(":")),
        "a=setup:actpass",
        "a=mid:0",
        "a=sendrecv",
        "a=rtcp-mux",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:8 PCMA/8000",
        "a=candidate:1 1 udp 2122260223 127.0.0.1 40000 typ host",
        "",
    ]
    .join("\r\n")
}

/// A digest `Authorization` answering `challenge` (RFC 2617, MD5, qop=auth when offered).
fn digest(challenge: &str, user: &str, password: &str, uri: &str) -> String {
    let param = |name: &str| {
        challenge
            .split(',')
            .map(str::trim)
            .map(|p| p.strip_prefix("Digest ").unwrap_or(p))
            .find_map(|p| p.strip_prefix(&format!("{name}=")))
            .map(|v| v.trim_matches('"').to_string())
    };
    let realm = param("realm").expect("realm");
    let nonce = param("nonce").expect("nonce");
    let md5 = |s: String| format!("{:x}", md5::compute(s.as_bytes()));
    let ha1 = md5(format!("{user}:{realm}:{password}"));
    let ha2 = md5(format!("INVITE:{uri}"));
    let mut out = format!(
        "Digest username=\"{user}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{uri}\", algorithm=MD5"
    );
    if param("qop").is_some_and(|q| q.split(',').any(|q| q.trim() == "auth")) {
        let (nc, cnonce) = ("00000001", "pbxgenc2c");
        let response = md5(format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"));
        out.push_str(&format!(
            ", qop=auth, nc={nc}, cnonce=\"{cnonce}\", response=\"{response}\""
        ));
    } else {
        let response = md5(format!("{ha1}:{nonce}:{ha2}"));
        out.push_str(&format!(", response=\"{response}\""));
    }
    if let Some(opaque) = param("opaque") {
        out.push_str(&format!(", opaque=\"{opaque}\""));
    }
    out
}

fn headers<'a>(message: &'a str, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    message
        .split("\r\n\r\n")
        .next()
        .unwrap_or("")
        .lines()
        .skip(1)
        .filter_map(move |l| {
            let (n, v) = l.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
}

fn header<'a>(message: &'a str, name: &'a str) -> Option<&'a str> {
    headers(message, name).next()
}

/// A TCP connection to `host_port` made inside the instance's network namespace (it has only
/// `lo`): a thread joins the namespace, connects, and hands the socket back.
fn connect_in_namespace(pbx: &Instance, host_port: &str) -> TcpStream {
    let ns = std::fs::File::open(format!("/proc/{}/ns/net", pbx.pid())).unwrap();
    let host_port = host_port.to_string();
    std::thread::spawn(move || {
        use std::os::fd::AsRawFd;
        // SAFETY: setns on this thread only, with an open namespace file.
        let joined = unsafe { libc::setns(ns.as_raw_fd(), libc::CLONE_NEWNET) };
        assert_eq!(
            joined,
            0,
            "cannot join the instance's network namespace: {}",
            std::io::Error::last_os_error()
        );
        TcpStream::connect(&host_port)
            .unwrap_or_else(|e| panic!("connect to {host_port} in the instance: {e}"))
    })
    .join()
    .unwrap()
}
