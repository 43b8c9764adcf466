//! Integration tests of the Twilio webhook server (`pbxgen::twilio::webhook`): the real server on
//! 127.0.0.1 (an ephemeral port), driven by a real HTTP client (reqwest) and by raw TCP for
//! malformed, slow and half-finished requests. The public URL is `https://pbx.example.net/twilio`
//! while the server listens on plain HTTP, as it does behind a TLS proxy: signatures cover the
//! public URL, never the address the test connects to.
//!
//! Also: Twilio's own validator as an oracle (the committed fixture
//! `tests/fixtures/twilio/webhook-signatures.json`), and SIGTERM to a server in a child process.

use pbxgen::twilio::webhook::signature::{self, Algorithm, Invalid, Params, Payload};
use pbxgen::twilio::webhook::{
    AuthToken, DialStatus, Failover, LogEvent, Logger, NumberRoute, PublicUrl, Server, TlsFiles,
    WebhookConfig, sign,
};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const TOKEN: &str = "7d1e5ec0e7f0ken0nly4test5a9b8c7d6";
const PUBLIC: &str = "https://pbx.example.net/twilio";
const CALL_SID: &str = "CA0123456789abcdef0123456789abcdef";
const CALLER: &str = "+14158675309";
const FAILOVER: &str = "+59899999999";

fn voice_twiml(name: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Dial action=\"{PUBLIC}/{name}/dial-status\" \
         method=\"POST\"><Sip>sip:{name}@pbx.example.net</Sip></Dial></Response>\n"
    )
}

fn config() -> WebhookConfig {
    let mut config = WebhookConfig::new(
        PublicUrl::parse(PUBLIC).unwrap(),
        AuthToken::new(TOKEN),
        vec![
            NumberRoute {
                name: "main".into(),
                number: "+15551234567".into(),
                voice_twiml: voice_twiml("main"),
                failover: Some(Failover {
                    number: FAILOVER.into(),
                    on: vec![DialStatus::Failed, DialStatus::Busy, DialStatus::NoAnswer],
                }),
            },
            NumberRoute {
                name: "lab".into(),
                number: "+15557654321".into(),
                voice_twiml: voice_twiml("lab"),
                failover: None,
            },
        ],
    );
    config.listen = "127.0.0.1:0".parse().unwrap();
    config
}

/// A server running on its own thread until dropped (or [`Running::stop`]).
struct Running {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<Result<(), pbxgen::Error>>>,
    log: Arc<Mutex<Vec<LogEvent>>>,
}

impl Running {
    fn start(config: WebhookConfig) -> Running {
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        let logger: Logger = Arc::new(move |e: &LogEvent| sink.lock().unwrap().push(e.clone()));
        let server = Server::bind(config, logger).expect("server binds");
        let addr = server.local_addr();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            server.run_blocking(async {
                let _ = rx.await;
            })
        });
        Running {
            addr,
            stop: Some(tx),
            thread: Some(thread),
            log,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Trigger the shutdown future without waiting.
    fn signal(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }

    /// Shut down and wait; the log events.
    fn stop(mut self) -> Vec<LogEvent> {
        self.signal();
        let result = self.thread.take().unwrap().join().expect("server thread");
        result.expect("server ends cleanly");
        self.log.lock().unwrap().clone()
    }

    fn lines(&self) -> Vec<String> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .map(|e| e.to_string())
            .collect()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.signal();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

fn form(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

fn call<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut pairs = vec![
        ("AccountSid", "AC0123456789abcdef0123456789abcdef"),
        ("ApiVersion", "2010-04-01"),
        ("CallSid", CALL_SID),
        ("CallStatus", "ringing"),
        ("Called", "+15551234567"),
        ("Caller", CALLER),
        ("CallerCity", ""),
        ("Direction", "inbound"),
        ("From", CALLER),
        ("To", "+15551234567"),
    ];
    pairs.extend_from_slice(extra);
    pairs
}

/// The signature Twilio would send for `path_and_query` under the public URL.
fn twilio_signature(path_and_query: &str, pairs: &[(&str, &str)], token: &str) -> String {
    let url = format!("https://pbx.example.net{path_and_query}");
    sign(
        &url,
        &Params::from_pairs(pairs.iter().copied()),
        &AuthToken::new(token),
    )
}

struct Answer {
    status: u16,
    content_type: Option<String>,
    body: String,
}

fn post(server: &Running, path: &str, pairs: &[(&str, &str)], signature: Option<&str>) -> Answer {
    let mut req = client()
        .post(server.url(path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("User-Agent", "TwilioProxy/1.1")
        .body(form(pairs));
    if let Some(sig) = signature {
        req = req.header("X-Twilio-Signature", sig);
    }
    answer(req.send().expect("request answered"))
}

fn answer(resp: reqwest::blocking::Response) -> Answer {
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    Answer {
        status,
        content_type,
        body: resp.text().unwrap(),
    }
}

/// A signed POST, as Twilio sends it.
fn signed_post(server: &Running, path: &str, pairs: &[(&str, &str)]) -> Answer {
    let sig = twilio_signature(path, pairs, TOKEN);
    post(server, path, pairs, Some(&sig))
}

#[test]
fn signed_voice_request_gets_the_numbers_twiml() {
    let server = Running::start(config());
    let a = signed_post(&server, "/twilio/main/voice", &call(&[]));
    assert_eq!(a.status, 200);
    assert_eq!(a.content_type.as_deref(), Some("text/xml"));
    assert_eq!(a.body, voice_twiml("main"));
    assert!(
        a.body
            .contains("<Dial action=\"https://pbx.example.net/twilio/main/dial-status\"")
    );
    // A query string is part of the signed URL.
    let a = signed_post(&server, "/twilio/lab/voice?attempt=2&x=%2B1", &call(&[]));
    assert_eq!((a.status, a.body), (200, voice_twiml("lab")));
    // Twilio signing the URL with its default port is accepted too.
    let pairs = call(&[]);
    let sig = sign(
        "https://pbx.example.net:443/twilio/main/voice",
        &Params::from_pairs(pairs.iter().copied()),
        &AuthToken::new(TOKEN),
    );
    assert_eq!(
        post(&server, "/twilio/main/voice", &pairs, Some(&sig)).status,
        200
    );

    let events = server.stop();
    let line = events
        .iter()
        .find(|e| matches!(e, LogEvent::Request { status: 200, .. }))
        .unwrap()
        .to_string();
    assert!(line.starts_with("POST /twilio/main/voice 200 "), "{line}");
    assert!(line.ends_with(&format!(" CallSid={CALL_SID}")), "{line}");
}

#[test]
fn forged_and_replayed_requests_are_refused_with_an_empty_403() {
    let server = Running::start(config());
    let pairs = call(&[("DialCallStatus", "failed")]);
    let path = "/twilio/main/dial-status";
    let good = twilio_signature(path, &pairs, TOKEN);

    let unsigned = post(&server, path, &pairs, None);
    let wrong_token = post(
        &server,
        path,
        &pairs,
        Some(&twilio_signature(path, &pairs, "not-the-token")),
    );
    let mut tampered = pairs.clone();
    tampered[0].1 = "AC00000000000000000000000000000000";
    let tampered = post(&server, path, &tampered, Some(&good));
    let mut added = pairs.clone();
    added.push(("Digits", "1"));
    let added = post(&server, path, &added, Some(&good));
    // The same signed request sent to another path, another number, or with a query added.
    let other_path = post(&server, "/twilio/main/voice", &pairs, Some(&good));
    let other_number = post(&server, "/twilio/lab/dial-status", &pairs, Some(&good));
    let other_query = post(&server, &format!("{path}?x=1"), &pairs, Some(&good));
    let garbage = post(&server, path, &pairs, Some("not base64 at all"));
    for (what, a) in [
        ("unsigned", unsigned),
        ("wrong token", wrong_token),
        ("tampered parameter", tampered),
        ("added parameter", added),
        ("replayed to another path", other_path),
        ("replayed to another number", other_number),
        ("replayed with a query", other_query),
        ("garbage signature", garbage),
    ] {
        assert_eq!(a.status, 403, "{what}");
        assert_eq!(a.body, "", "{what}");
    }
    // Unknown paths and methods learn nothing without a signature either.
    assert_eq!(
        post(&server, "/twilio/nobody/voice", &pairs, None).status,
        403
    );
    let get = client()
        .get(server.url("/twilio/main/voice"))
        .send()
        .unwrap();
    assert_eq!(get.status().as_u16(), 403);
    // Two signature headers are refused, even if one is right.
    let resp = client()
        .post(server.url(path))
        .header("X-Twilio-Signature", good.as_str())
        .header("X-Twilio-Signature", good.as_str())
        .body(form(&pairs))
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403);
    // The genuine request still passes.
    assert_eq!(post(&server, path, &pairs, Some(&good)).status, 200);

    let lines = server.lines();
    let refused: Vec<_> = lines.iter().filter(|l| l.contains(" 403 ")).collect();
    assert_eq!(refused.len(), 11, "{lines:#?}");
    assert!(
        refused.iter().all(|l| l.contains(" rejected: ")),
        "{refused:#?}"
    );
    assert!(
        refused.iter().all(|l| !l.contains("CallSid")),
        "{refused:#?}"
    );
    assert!(
        refused
            .iter()
            .any(|l| l.ends_with("rejected: no X-Twilio-Signature header"))
    );
    for line in &lines {
        for secret in [
            TOKEN,
            CALLER,
            FAILOVER,
            "AC0123456789",
            "x=1",
            good.as_str(),
        ] {
            assert!(!line.contains(secret), "{line:?} shows {secret:?}");
        }
    }
}

#[test]
fn dial_status_fails_over_on_the_configured_statuses_only() {
    let server = Running::start(config());
    let dial = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <Response><Dial><Number>{FAILOVER}</Number></Dial></Response>\n"
    );
    let hangup = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Hangup/></Response>\n";
    for (status, expected) in [
        ("failed", dial.as_str()),
        ("busy", dial.as_str()),
        ("no-answer", dial.as_str()),
        ("completed", hangup),
        ("answered", hangup),
        ("canceled", hangup),
        ("unknown", hangup),
    ] {
        let a = signed_post(
            &server,
            "/twilio/main/dial-status",
            &call(&[("DialCallStatus", status)]),
        );
        assert_eq!(a.status, 200, "{status}");
        assert_eq!(a.content_type.as_deref(), Some("text/xml"));
        assert_eq!(a.body, expected, "{status}");
    }
    // No DialCallStatus at all: hang up.
    let a = signed_post(&server, "/twilio/main/dial-status", &call(&[]));
    assert_eq!(a.body, hangup);
    // A number without failover hangs up whatever happened.
    let a = signed_post(
        &server,
        "/twilio/lab/dial-status",
        &call(&[("DialCallStatus", "failed")]),
    );
    assert_eq!(a.body, hangup);
}

#[test]
fn json_bodies_are_bound_by_body_sha256() {
    let server = Running::start(config());
    let body = format!(r#"{{"CallSid": "{CALL_SID}", "DialCallStatus": "busy"}}"#);
    let path = format!(
        "/twilio/main/dial-status?bodySHA256={}",
        signature::body_sha256_hex(body.as_bytes())
    );
    let sig = twilio_signature(&path, &[], TOKEN);
    let send = |body: &str| {
        answer(
            client()
                .post(server.url(&path))
                .header("Content-Type", "application/json")
                .header("X-Twilio-Signature", sig.as_str())
                .body(body.to_string())
                .send()
                .unwrap(),
        )
    };
    let a = send(&body);
    assert_eq!(a.status, 200);
    assert!(a.body.contains(&format!("<Number>{FAILOVER}</Number>")));
    let a = send(&body.replace("busy", "completed"));
    assert_eq!((a.status, a.body.as_str()), (403, ""));
}

#[test]
fn healthz_answers_without_signature_or_information() {
    let server = Running::start(config());
    let get = client().get(server.url("/healthz")).send().unwrap();
    assert_eq!(get.status().as_u16(), 200);
    assert_eq!(get.text().unwrap(), "");
    let head = client().head(server.url("/healthz")).send().unwrap();
    assert_eq!(head.status().as_u16(), 200);
    // Only GET and HEAD skip the signature.
    let a = post(&server, "/healthz", &[], None);
    assert_eq!(a.status, 403);
}

#[test]
fn signed_requests_to_unknown_paths_get_404_and_other_methods_405() {
    let server = Running::start(config());
    for path in [
        "/twilio/nobody/voice",
        "/twilio/main/sms",
        "/twilio/main",
        "/twilio/main/voice/extra",
        "/elsewhere/main/voice",
        "/twilio",
    ] {
        let a = signed_post(&server, path, &call(&[]));
        assert_eq!((a.status, a.body.as_str()), (404, ""), "{path}");
    }
    for method in [
        reqwest::Method::GET,
        reqwest::Method::PUT,
        reqwest::Method::DELETE,
    ] {
        let path = "/twilio/main/voice";
        let resp = client()
            .request(method.clone(), server.url(path))
            .header("X-Twilio-Signature", twilio_signature(path, &[], TOKEN))
            .send()
            .unwrap();
        assert_eq!(resp.status().as_u16(), 405, "{method}");
        assert_eq!(resp.headers()["allow"], "POST");
    }
}

#[test]
fn bodies_over_64_kib_get_413() {
    let server = Running::start(config());
    let big = "x".repeat(100 * 1024);
    let pairs = call(&[("Padding", big.as_str())]);
    // Declared with Content-Length: refused before the body is read.
    let a = signed_post(&server, "/twilio/main/voice", &pairs);
    assert_eq!((a.status, a.body.as_str()), (413, ""));
    // Just under the limit is fine.
    let fits = "x".repeat(60 * 1024);
    let a = signed_post(
        &server,
        "/twilio/main/voice",
        &call(&[("Padding", fits.as_str())]),
    );
    assert_eq!(a.status, 200);
    // Chunked, with no length announced: refused once it grows past the limit.
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let head = "POST /twilio/main/voice HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\
                Content-Type: application/x-www-form-urlencoded\r\n\r\n";
    stream.write_all(head.as_bytes()).unwrap();
    let chunk = format!("{:x}\r\n{}\r\n", 16 * 1024, "y".repeat(16 * 1024));
    for _ in 0..5 {
        if stream.write_all(chunk.as_bytes()).is_err() {
            break;
        }
    }
    let reply = read_all(&mut stream);
    assert!(reply.starts_with("HTTP/1.1 413 "), "{reply}");
}

/// Everything the server sends until it closes the connection (or 10 s pass).
fn read_all(stream: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn fast_limits() -> WebhookConfig {
    let mut config = config();
    config.limits.header_timeout = Duration::from_millis(800);
    config.limits.body_timeout = Duration::from_millis(800);
    config
}

#[test]
fn a_client_sending_headers_byte_by_byte_is_cut_off() {
    let server = Running::start(fast_limits());
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    let start = Instant::now();
    let head = "POST /twilio/main/voice HTTP/1.1\r\nHost: pbx.example.net\r\nX-Padding: "
        .to_string()
        + &"z".repeat(200);
    let mut cut_after = None;
    for b in head.bytes() {
        if stream.write_all(&[b]).is_err() {
            cut_after = Some(start.elapsed());
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
        if start.elapsed() > Duration::from_secs(2) {
            break;
        }
    }
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let rest = read_all(&mut stream);
    let closed = cut_after.unwrap_or_else(|| start.elapsed());
    // The header timeout (0.8 s) ended it: the connection is closed well before the client
    // would have finished (4+ s), and no request was ever handled.
    assert!(closed < Duration::from_secs(3), "closed after {closed:?}");
    assert!(!rest.contains("200 OK"), "{rest}");
    assert!(
        server
            .log
            .lock()
            .unwrap()
            .iter()
            .all(|e| !matches!(e, LogEvent::Request { .. }))
    );
}

#[test]
fn an_idle_connection_is_closed_after_the_header_timeout() {
    let server = Running::start(fast_limits());
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let start = Instant::now();
    let mut buf = [0u8; 64];
    let n = stream.read(&mut buf).unwrap_or(0);
    let elapsed = start.elapsed();
    assert!(elapsed >= Duration::from_millis(700), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    let _ = n;
}

#[test]
fn a_client_stopping_mid_body_gets_408_and_is_cut_off() {
    let server = Running::start(fast_limits());
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let head = "POST /twilio/main/voice HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\
                Content-Type: application/x-www-form-urlencoded\r\n\r\nCallSid=CA1&";
    let start = Instant::now();
    stream.write_all(head.as_bytes()).unwrap();
    let reply = read_all(&mut stream);
    let elapsed = start.elapsed();
    assert!(reply.starts_with("HTTP/1.1 408 "), "{reply}");
    assert!(
        reply.to_ascii_lowercase().contains("connection: close"),
        "{reply}"
    );
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
}

#[test]
fn connections_beyond_the_limit_wait_for_a_free_slot() {
    let mut config = config();
    config.limits.max_connections = 1;
    let server = Running::start(config);
    let hold = TcpStream::connect(server.addr).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let quick = reqwest::blocking::Client::builder()
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    assert!(
        quick.get(server.url("/healthz")).send().is_err(),
        "no free slot"
    );
    drop(hold);
    let resp = client().get(server.url("/healthz")).send().unwrap();
    assert_eq!(resp.status().as_u16(), 200);
}

/// Headers and half a signed body, on a raw connection; the other half is sent by `finish`.
struct HalfSent {
    stream: TcpStream,
    rest: Vec<u8>,
}

fn start_slow_voice_request(addr: SocketAddr) -> HalfSent {
    let pairs = call(&[]);
    let path = "/twilio/main/voice";
    let sig = twilio_signature(path, &pairs, TOKEN);
    let body = form(&pairs).into_bytes();
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: pbx.example.net\r\nX-Twilio-Signature: {sig}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    let half = body.len() / 2;
    stream.write_all(&body[..half]).unwrap();
    HalfSent {
        stream,
        rest: body[half..].to_vec(),
    }
}

impl HalfSent {
    fn finish(mut self) -> String {
        self.stream.write_all(&self.rest).unwrap();
        read_all(&mut self.stream)
    }
}

/// Whether connecting to `addr` is refused, trying for up to 5 s (the server may still be
/// closing its listener).
fn connection_refused(addr: SocketAddr) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(5) {
        match TcpStream::connect_timeout(&addr, Duration::from_secs(1)) {
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => return true,
            _ => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    false
}

#[test]
fn shutdown_finishes_the_request_in_flight_and_refuses_new_connections() {
    let mut server = Running::start(config());
    let addr = server.addr;
    let in_flight = start_slow_voice_request(addr);
    // Let the server read the headers and start on the body.
    std::thread::sleep(Duration::from_millis(300));
    server.signal();
    assert!(connection_refused(addr), "new connections are refused");
    let reply = in_flight.finish();
    assert!(reply.starts_with("HTTP/1.1 200 OK"), "{reply}");
    assert!(reply.ends_with(&voice_twiml("main")), "{reply}");
    let events = server.stop();
    assert!(
        events.contains(&LogEvent::ShuttingDown { in_flight: 1 }),
        "{events:#?}"
    );
    assert_eq!(events.last(), Some(&LogEvent::Stopped { dropped: 0 }));
}

#[test]
fn shutdown_drops_what_does_not_finish_within_the_grace_period() {
    let mut config = config();
    config.limits.shutdown_grace = Duration::from_millis(300);
    let mut server = Running::start(config);
    let mut stuck = start_slow_voice_request(server.addr);
    std::thread::sleep(Duration::from_millis(200));
    let start = Instant::now();
    let events = {
        server.signal();
        server.stop()
    };
    assert!(start.elapsed() < Duration::from_secs(3));
    assert_eq!(events.last(), Some(&LogEvent::Stopped { dropped: 1 }));
    assert_eq!(read_all(&mut stuck.stream), "");
}

#[test]
fn direct_tls_serves_signed_requests() {
    let dir = tempfile::tempdir().unwrap();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let cert_file = dir.path().join("cert.pem");
    let key_file = dir.path().join("key.pem");
    std::fs::write(&cert_file, cert.cert.pem()).unwrap();
    std::fs::write(&key_file, cert.key_pair.serialize_pem()).unwrap();
    let mut config = config();
    config.tls = Some(TlsFiles {
        cert_file,
        key_file,
    });
    let server = Running::start(config);
    let tls_client = reqwest::blocking::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(cert.cert.pem().as_bytes()).unwrap())
        .resolve("localhost", server.addr)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let pairs = call(&[]);
    let path = "/twilio/main/voice";
    let resp = tls_client
        .post(format!("https://localhost:{}{path}", server.addr.port()))
        .header("X-Twilio-Signature", twilio_signature(path, &pairs, TOKEN))
        .body(form(&pairs))
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.text().unwrap(), voice_twiml("main"));
    // Plain HTTP to the TLS port gets nowhere.
    let plain = client().get(server.url("/healthz")).send();
    assert!(plain.is_err() || !plain.unwrap().status().is_success());
}

#[test]
fn bad_configurations_are_refused_before_listening() {
    let mut c = config();
    c.auth_token = AuthToken::new("");
    let log: Logger = Arc::new(|_: &LogEvent| {});
    assert!(Server::bind(c, log.clone()).is_err());
    let mut c = config();
    c.tls = Some(TlsFiles {
        cert_file: "/nonexistent/cert.pem".into(),
        key_file: "/nonexistent/key.pem".into(),
    });
    let err = Server::bind(c, log.clone()).err().unwrap();
    assert!(err.message.contains("/nonexistent/cert.pem"), "{err}");
    // A key file that is not a key: the message does not quote it.
    let dir = tempfile::tempdir().unwrap();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let cert_file = dir.path().join("cert.pem");
    let key_file = dir.path().join("key.pem");
    std::fs::write(&cert_file, cert.cert.pem()).unwrap();
    std::fs::write(
        &key_file,
        "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LXRleHQ=!!\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    let mut c = config();
    c.tls = Some(TlsFiles {
        cert_file,
        key_file,
    });
    let err = Server::bind(c, log.clone()).err().unwrap();
    assert!(!err.to_string().contains("c2VjcmV0"), "{err}");
    // The port is taken.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut c = config();
    c.listen = taken.local_addr().unwrap();
    let err = Server::bind(c, log).err().unwrap();
    assert!(err.message.contains("cannot listen"), "{err}");
}

// ---- Twilio's validator as the oracle -------------------------------------------------------

#[derive(serde::Deserialize)]
struct Fixture {
    generated_by: String,
    cases: Vec<Case>,
}

#[derive(serde::Deserialize)]
struct Case {
    kind: String,
    algorithm: String,
    token: String,
    url: String,
    #[serde(default)]
    params: Vec<(String, String)>,
    #[serde(default)]
    body: Option<String>,
    signature: String,
    checks: Vec<Check>,
}

#[derive(serde::Deserialize)]
struct Check {
    url: String,
    #[serde(default)]
    params: Option<Vec<(String, String)>>,
    #[serde(default)]
    body: Option<String>,
    valid: bool,
}

/// Every case of the fixture made with the `twilio` Python package (see the script named in
/// it): our signature equals its `compute_signature`, and our validation its `validate`.
#[test]
fn oracle_fixture() {
    let text = std::fs::read_to_string(crate::util::repo_path(
        "tests/fixtures/twilio/webhook-signatures.json",
    ))
    .unwrap();
    let fixture: Fixture = serde_json::from_str(&text).unwrap();
    assert!(fixture.generated_by.contains("twilio Python package"));
    assert!(fixture.cases.len() >= 200);
    let (mut checks, mut valid) = (0, 0);
    for (i, case) in fixture.cases.iter().enumerate() {
        let algorithm = match case.algorithm.as_str() {
            "HMAC_SHA1" => Algorithm::HmacSha1,
            "HMAC_SHA256" => Algorithm::HmacSha256,
            other => panic!("case {i}: algorithm {other}"),
        };
        let token = AuthToken::new(case.token.clone());
        let params = Params::from_pairs(case.params.iter().cloned());
        let ours = signature::sign_with(algorithm, &case.url, &params, &token);
        assert_eq!(ours, case.signature, "case {i}: {}", case.url);
        for check in &case.checks {
            let result = match case.kind.as_str() {
                "form" => {
                    let params = match &check.params {
                        Some(p) => Params::from_pairs(p.iter().cloned()),
                        None => params.clone(),
                    };
                    signature::validate_form(
                        &check.url,
                        &params,
                        &case.signature,
                        &token,
                        algorithm,
                    )
                    .is_ok()
                }
                "json" => {
                    let body = check.body.as_deref().unwrap();
                    let r = signature::validate_request(
                        &check.url,
                        body.as_bytes(),
                        &case.signature,
                        &token,
                        algorithm,
                    );
                    assert!(
                        matches!(r, Ok(Payload::Body) | Err(Invalid::BodyHash)),
                        "case {i}"
                    );
                    r.is_ok()
                }
                other => panic!("case {i}: kind {other}"),
            };
            assert_eq!(result, check.valid, "case {i}: check on {}", check.url);
            checks += 1;
            valid += usize::from(check.valid);
        }
        if case.kind == "json" {
            assert!(case.body.is_some());
        }
    }
    // Both outcomes are well represented.
    assert!(
        valid > 300 && checks - valid > 300,
        "{valid} valid of {checks}"
    );
}

// ---- SIGTERM to a server in a child process -------------------------------------------------

const CHILD_ENV: &str = "PBXGEN_WEBHOOK_TEST_CHILD_ADDR_FILE";

/// Not a test on its own: the body of the child process of
/// [`sigterm_ends_a_child_server_cleanly`], which runs this test binary again with only this
/// test selected and `PBXGEN_WEBHOOK_TEST_CHILD_ADDR_FILE` set. It serves with the real signal
/// handlers of `serve_blocking` (`Server::run_until_signal`) and writes its address to that file.
#[test]
fn webhook_child_server() {
    let Some(addr_file) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let config = config();
    let logger: Logger = Arc::new(|e: &LogEvent| eprintln!("child: {e}"));
    let server = Server::bind(config, logger).unwrap();
    std::fs::write(&addr_file, server.local_addr().to_string()).unwrap();
    server.run_until_signal().unwrap();
}

#[test]
fn sigterm_ends_a_child_server_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let addr_file = dir.path().join("addr");
    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "twilio_webhook::webhook_child_server",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, &addr_file)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let addr: SocketAddr = loop {
        if let Ok(text) = std::fs::read_to_string(&addr_file)
            && let Ok(addr) = text.parse()
        {
            break addr;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the child never listened"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    // Wait until it answers, then start a request and leave it half-sent.
    let start = Instant::now();
    while TcpStream::connect(addr).is_err() {
        assert!(start.elapsed() < Duration::from_secs(30));
        std::thread::sleep(Duration::from_millis(20));
    }
    let in_flight = start_slow_voice_request(addr);
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: kill(2) on our own child's pid.
    let rc = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    assert_eq!(rc, 0);
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        connection_refused(addr),
        "new connections are refused after SIGTERM"
    );
    let reply = in_flight.finish();
    assert!(reply.starts_with("HTTP/1.1 200 OK"), "{reply}");
    assert!(reply.ends_with(&voice_twiml("main")), "{reply}");
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("1 passed"), "{stdout}");
    assert!(stderr.contains("child: shutting down"), "{stderr}");
    assert!(
        stderr.contains("child: POST /twilio/main/voice 200 "),
        "{stderr}"
    );
    assert!(stderr.contains("child: stopped"), "{stderr}");
}
