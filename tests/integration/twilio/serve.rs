//! `pbxgen twilio serve` and `pbxgen twilio sign` through the real binary: the home-lab
//! example served on an ephemeral loopback port, requests signed by `twilio sign`, the answers
//! compared with the committed rendered TwiML, SIGTERM ending the server with exit 0, and the
//! token never printed.

use crate::util::{pbxgen, repo_path};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const PUBLIC_URL: &str = "https://pbx.home.example.net/twilio";
const CALL_SID: &str = "CA0123456789abcdef0123456789abcdef";

fn home_lab() -> String {
    repo_path("examples/home-lab.yaml").display().to_string()
}

fn demo_token() -> String {
    let text = std::fs::read_to_string(repo_path("examples/secrets/twilio-auth-token.secret"))
        .expect("the demo token file");
    text.trim_end().to_string()
}

/// `pbxgen twilio sign URL PARAMS… EXTRA…`: the signature (stdout, trimmed).
fn sign(url: &str, params: &[(&str, &str)], extra: &[&str]) -> String {
    let words: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let out = pbxgen()
        .args(["twilio", "sign", url])
        .args(&words)
        .args(extra)
        .output()
        .expect("pbxgen runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .trim_end()
        .to_string()
}

/// A `pbxgen twilio serve` child and the lines of its stderr.
struct Served {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Served {
    fn start(args: &[&str]) -> Served {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("pbxgen"))
            .args(["--color=never", "twilio", "serve"])
            .args(args)
            .env_remove("JOURNAL_STREAM")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("pbxgen starts");
        let stderr = child.stderr.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Served {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Wait for a line containing `needle`; the line.
    fn wait_for(&mut self, needle: &str) -> String {
        loop {
            match self.lines.recv_timeout(Duration::from_secs(30)) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(e) => panic!("no line with `{needle}` ({e}); seen: {:#?}", self.seen),
            }
        }
    }

    /// SIGTERM; the exit code and every line logged.
    fn terminate(mut self) -> (i32, Vec<String>) {
        // SAFETY: kill(2) on our own child's pid.
        let rc = unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        assert_eq!(rc, 0);
        let status = self.child.wait().unwrap();
        self.seen.extend(self.lines.iter());
        (status.code().unwrap_or(-1), std::mem::take(&mut self.seen))
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn post(
    addr: SocketAddr,
    path: &str,
    params: &[(&str, &str)],
    signature: Option<&str>,
) -> (u16, String) {
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    let mut request = client
        .post(format!("http://{addr}{path}"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some(signature) = signature {
        request = request.header("X-Twilio-Signature", signature);
    }
    let reply = request.send().expect("the server answers");
    (reply.status().as_u16(), reply.text().unwrap())
}

#[test]
fn serve_answers_signed_requests_like_the_rendered_twiml_and_stops_on_sigterm() {
    let profile = home_lab();
    let mut served = Served::start(&[&profile, "--listen", "127.0.0.1:0"]);
    let line = served.wait_for("listening on http://");
    let addr: SocketAddr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("an address in {line:?}"));
    assert_ne!(addr.port(), 0, "the bound port is printed, not 0");

    // The voice webhook answers exactly the committed twiml-main.xml.
    let voice = [("CallSid", CALL_SID), ("From", "+14158675309")];
    let url = format!("{PUBLIC_URL}/main/voice");
    let signature = sign(&url, &voice, &["--profile", &profile]);
    let (status, body) = post(addr, "/twilio/main/voice", &voice, Some(&signature));
    assert_eq!(status, 200, "{body}");
    let rendered = std::fs::read_to_string(repo_path("examples/home-lab/twiml-main.xml")).unwrap();
    assert_eq!(body, rendered);

    // The <Dial action> callback: the failover on `failed`, a hang-up on `completed`.
    let url = format!("{PUBLIC_URL}/main/dial-status");
    let token_file = repo_path("examples/secrets/twilio-auth-token.secret");
    let token_file = token_file.to_str().unwrap();
    for (status_value, expected) in [
        ("failed", "<Dial><Number>+59899999999</Number></Dial>"),
        ("no-answer", "<Dial><Number>+59899999999</Number></Dial>"),
        ("completed", "<Hangup/>"),
    ] {
        let params = [("CallSid", CALL_SID), ("DialCallStatus", status_value)];
        let signature = sign(&url, &params, &["--token-file", token_file]);
        let (status, body) = post(addr, "/twilio/main/dial-status", &params, Some(&signature));
        assert_eq!(status, 200, "{status_value}: {body}");
        assert!(body.contains(expected), "{status_value}: {body}");
    }

    // Unsigned, or signed for another URL: 403. Signed but unknown number: 404.
    let (status, _) = post(addr, "/twilio/main/voice", &voice, None);
    assert_eq!(status, 403);
    let other = sign(
        &format!("{PUBLIC_URL}/lab/voice"),
        &voice,
        &["--profile", &profile],
    );
    let (status, _) = post(addr, "/twilio/main/voice", &voice, Some(&other));
    assert_eq!(status, 403);
    let (status, _) = post(addr, "/twilio/lab/voice", &voice, Some(&other));
    assert_eq!(status, 404);

    served.wait_for("/twilio/lab/voice 404");
    let (code, lines) = served.terminate();
    assert_eq!(code, 0, "{lines:#?}");
    assert!(lines.iter().any(|l| l == "stopped"), "{lines:#?}");
    let requests: Vec<&String> = lines.iter().filter(|l| l.contains(" /twilio/")).collect();
    assert_eq!(requests.len(), 7, "one line per request: {lines:#?}");
    assert!(
        requests
            .iter()
            .any(|l| l.starts_with("warning: POST /twilio/main/voice 403 ")),
        "{lines:#?}"
    );
    let token = demo_token();
    assert!(
        lines
            .iter()
            .all(|l| !l.contains(&token) && !l.contains("+14158675309")),
        "neither the token nor a caller's number is logged: {lines:#?}"
    );
}

#[test]
fn quiet_serve_logs_only_rejected_requests() {
    // With -q the address is not logged: pick a free port first.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let profile = home_lab();
    let mut served = Served::start(&["-q", &profile, "--listen", &listen]);
    let addr: SocketAddr = listen.parse().unwrap();
    let start = std::time::Instant::now();
    while std::net::TcpStream::connect(addr).is_err() {
        assert!(start.elapsed() < Duration::from_secs(30), "never listened");
        std::thread::sleep(Duration::from_millis(20));
    }
    let voice = [("CallSid", CALL_SID)];
    let signature = sign(
        &format!("{PUBLIC_URL}/main/voice"),
        &voice,
        &["--profile", &profile],
    );
    assert_eq!(
        post(addr, "/twilio/main/voice", &voice, Some(&signature)).0,
        200
    );
    assert_eq!(post(addr, "/twilio/main/voice", &voice, None).0, 403);
    served.wait_for("403");
    let (code, lines) = served.terminate();
    assert_eq!(code, 0);
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(lines[0].starts_with("warning: POST /twilio/main/voice 403 "));
}

#[test]
fn sign_reproduces_twilios_test_vector_and_never_prints_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    std::fs::write(&token, "12345\n").unwrap();
    let params = [
        ("CallSid", "CA1234567890ABCDE"),
        ("Caller", "+14158675309"),
        ("Digits", "1234"),
        ("From", "+14158675309"),
        ("To", "+18005551212"),
    ];
    let signature = sign(
        "https://mycompany.com/myapp.php?foo=1&bar=2",
        &params,
        &["--token-file", token.to_str().unwrap()],
    );
    assert_eq!(signature, "RSOYDt4T1cUTdK1PDd93/VVr8B8=");

    // Usage errors: exit 2, a hint, and never the token.
    let out = pbxgen()
        .args(["twilio", "sign", "https://x.example/t", "CallSid"])
        .args(["--token-file", token.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("expected a form parameter `NAME=VALUE`"),
        "{stderr}"
    );
    let out = pbxgen()
        .args(["twilio", "sign", "/twilio/main/voice"])
        .args(["--token-file", token.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("expected the full URL"), "{stderr}");
    let out = pbxgen()
        .args(["twilio", "sign", "https://x.example/t"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "a token source is required");
    let demo = demo_token();
    let out = pbxgen()
        .args(["-v", "twilio", "sign", "https://x.example/t", "A=1"])
        .args(["--profile", &home_lab()])
        .output()
        .unwrap();
    assert!(out.status.success());
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains(&demo) && !all.contains("12345"), "{all}");
}

#[test]
fn serve_refuses_what_it_cannot_serve_with_exit_2() {
    // No webhook in the profile.
    let out = pbxgen()
        .args(["twilio", "serve"])
        .arg(repo_path("examples/small-office.yaml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("has no `twilio.webhook`"), "{stderr}");
    assert!(stderr.contains("hint: "), "{stderr}");

    // An empty token file.
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("token");
    std::fs::write(&empty, "\n").unwrap();
    let out = pbxgen()
        .args(["twilio", "serve", &home_lab(), "--listen", "127.0.0.1:0"])
        .arg("--token-file")
        .arg(&empty)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("found an empty file"), "{stderr}");

    // An address in use.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = pbxgen()
        .args(["twilio", "serve", &home_lab(), "--listen", &addr])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot listen on"), "{stderr}");
}

#[test]
fn the_voice_answer_is_the_rendered_twiml_with_the_same_template_overrides() {
    use pbxgen::render::{self, RenderOptions};
    use pbxgen::serve::{ServeOverrides, webhook_config};
    let profile = pbxgen::profile::load(&repo_path("examples/home-lab.yaml")).unwrap();
    let templates = tempfile::tempdir().unwrap();
    let embedded = render::embedded_templates();
    let twiml = embedded
        .iter()
        .find(|t| t.name == "twiml.xml.j2")
        .expect("the TwiML template");
    std::fs::write(
        templates.path().join("twiml.xml.j2"),
        twiml
            .source
            .replace("timeout=", "record=\"do-not-record\" timeout="),
    )
    .unwrap();
    for templates_dir in [None, Some(templates.path().to_path_buf())] {
        let overrides = ServeOverrides {
            templates_dir: templates_dir.clone(),
            ..ServeOverrides::default()
        };
        let config = webhook_config(&profile, &overrides).unwrap();
        let options = RenderOptions {
            templates_dir: templates_dir.clone(),
            ..RenderOptions::default()
        };
        let files = render::render_profile(&profile, &options).unwrap();
        let file = files.iter().find(|f| f.name == "twiml-main.xml").unwrap();
        assert_eq!(config.numbers[0].voice_twiml, *file.contents);
        assert_eq!(
            file.contents.contains("do-not-record"),
            templates_dir.is_some()
        );
        let failover = config.numbers[0].failover.as_ref().unwrap();
        assert_eq!(failover.number, "+59899999999");
    }
}

#[test]
fn serve_needs_no_other_secret_than_the_token() {
    // As under systemd: the profile is readable, its secret files are not; the token comes
    // from the credential file.
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("home-lab.yaml");
    std::fs::copy(repo_path("examples/home-lab.yaml"), &profile).unwrap();
    let token = dir.path().join("credential");
    std::fs::write(&token, format!("{}\n", demo_token())).unwrap();
    let mut served = Served::start(&[
        profile.to_str().unwrap(),
        "--listen",
        "127.0.0.1:0",
        "--token-file",
        token.to_str().unwrap(),
    ]);
    served.wait_for("listening on http://127.0.0.1:");
    let (code, lines) = served.terminate();
    assert_eq!(code, 0, "{lines:#?}");
}
