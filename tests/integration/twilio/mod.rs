//! Integration tests: `pbxgen twilio refresh` against a real HTTPS server on 127.0.0.1 (a CA
//! and certificate made for each test, trusted through `--ca-cert`), and `twilio firewall`.
//! Every refused update must leave the preset file byte-identical. Nothing here touches the
//! internet. `serve`: `twilio serve` and `twilio sign` through the binary.

mod serve;
mod server;
mod shapes;

use crate::util::{pbxgen, repo_path};
use server::{Pki, Proxy, Reply, Server};
use std::path::PathBuf;
use std::process::Output;
use std::time::{Duration, Instant};

const MD: &str = include_str!("../../fixtures/twilio/ip-addresses.md");
const HTML: &str = include_str!("../../fixtures/twilio/ip-addresses.html");
const ADDS_EDGE: &str = include_str!("../../fixtures/twilio/adds-edge.md");
const REMOVES_EDGE: &str = include_str!("../../fixtures/twilio/removes-edge.html");
const EMPTY: &str = include_str!("../../fixtures/twilio/empty.html");

const MARKDOWN: &str = "text/markdown; charset=utf-8";
const HTML_TYPE: &str = "text/html; charset=utf-8";

fn page(content_type: &'static str, body: &str) -> Reply {
    Reply::Page(content_type, body.as_bytes().to_vec())
}

/// A temporary directory holding a copy of the shipped preset and the test CA.
struct Setup {
    dir: tempfile::TempDir,
    pki: Pki,
    preset: PathBuf,
    ca: PathBuf,
    original: Vec<u8>,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().expect("temp dir");
        let original = std::fs::read(repo_path("profiles/twilio.yaml")).expect("shipped preset");
        let preset = dir.path().join("twilio.yaml");
        std::fs::write(&preset, &original).expect("write preset");
        let pki = Pki::new();
        let ca = dir.path().join("ca.pem");
        std::fs::write(&ca, &pki.ca_pem).expect("write CA");
        Setup {
            dir,
            pki,
            preset,
            ca,
            original,
        }
    }

    /// `pbxgen twilio refresh --source URL --ca-cert CA` with no proxy from the environment.
    fn refresh(&self, url: &str) -> assert_cmd::Command {
        let mut cmd = refresh_trusting_only_built_in_roots(url);
        cmd.arg("--ca-cert").arg(&self.ca);
        cmd
    }

    /// The same, asked to update the preset file.
    fn refresh_write(&self, url: &str) -> assert_cmd::Command {
        let mut cmd = self.refresh(url);
        cmd.arg("--write").arg(&self.preset);
        cmd
    }

    fn preset_text(&self) -> String {
        std::fs::read_to_string(&self.preset).expect("read preset")
    }

    fn assert_preset_untouched(&self) {
        assert_eq!(
            std::fs::read(&self.preset).expect("read preset"),
            self.original,
            "the preset file must be byte-identical after a refused update"
        );
    }

    fn files_in_dir(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path())
            .expect("list dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

/// `pbxgen twilio refresh --source URL`, no proxy from the environment, no extra CA.
fn refresh_trusting_only_built_in_roots(url: &str) -> assert_cmd::Command {
    let mut cmd = pbxgen();

    for var in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        cmd.env_remove(var);
    }
    cmd.args(["twilio", "refresh", "--source", url]);
    cmd
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Exit code 2 and `needle` in the error message.
fn assert_refused(out: &Output, needle: &str) {
    assert_eq!(
        out.status.code(),
        Some(2),
        "stdout:\n{}\nstderr:\n{}",
        stdout(out),
        stderr(out)
    );
    assert!(
        stderr(out).contains(needle),
        "expected {needle:?} in stderr:\n{}",
        stderr(out)
    );
}

fn assert_code(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(out),
        stderr(out)
    );
}

// ---------------------------------------------------------------------------------------------
// Good pages

#[test]
fn markdown_page_matching_the_preset_is_current() {
    let s = Setup::new();
    let server = Server::https(&s.pki, vec![("/docs/ip-addresses.md", page(MARKDOWN, MD))]);
    let out = s
        .refresh_write(&server.url("/docs/ip-addresses.md"))
        .output()
        .unwrap();
    assert_code(&out, 0);
    assert!(stdout(&out).contains("Up to date: "), "{}", stdout(&out));
    // Current: the file is left alone (no `retrieved:` churn in the user's git history).
    s.assert_preset_untouched();
    let out = s
        .refresh(&server.url("/docs/ip-addresses.md"))
        .arg("--check")
        .output()
        .unwrap();
    assert_code(&out, 0);
}

#[test]
fn write_to_a_new_file_saves_a_copy_even_when_current() {
    let s = Setup::new();
    let server = Server::https(&s.pki, vec![("/ip.md", page(MARKDOWN, MD))]);
    let copy = s.dir.path().join("copy.yaml");
    let out = s
        .refresh(&server.url("/ip.md"))
        .arg("--write")
        .arg(&copy)
        .output()
        .unwrap();
    assert_code(&out, 0);
    // Compared with the built-in preset (the file did not exist), which is the shipped one.
    assert_eq!(std::fs::read(&copy).unwrap(), s.original);
}

#[test]
fn html_page_matching_the_preset_is_current() {
    let s = Setup::new();
    let server = Server::https(&s.pki, vec![("/docs/ip-addresses", page(HTML_TYPE, HTML))]);
    let out = s
        .refresh(&server.url("/docs/ip-addresses"))
        .arg("--check")
        .output()
        .unwrap();
    assert_code(&out, 0);
    assert!(stdout(&out).contains("Up to date: the built-in preset matches"));
}

#[test]
fn a_missing_markdown_twin_falls_back_to_the_html_page() {
    let s = Setup::new();
    let server = Server::https(&s.pki, vec![("/docs/ip-addresses", page(HTML_TYPE, HTML))]);
    let out = s
        .refresh(&server.url("/docs/ip-addresses.md"))
        .arg("--check")
        .output()
        .unwrap();
    assert_code(&out, 0);
    assert!(
        stderr(&out).contains("answered 404 Not Found; trying the HTML page"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_new_edge_is_shown_checked_written_and_then_current() {
    let s = Setup::new();
    let server = Server::https(
        &s.pki,
        vec![("/ip-addresses.md", page(MARKDOWN, ADDS_EDGE))],
    );
    let url = server.url("/ip-addresses.md");

    // Without --write: the diff, exit 0, nothing written.
    let out = s
        .refresh(&url)
        .arg("--preset")
        .arg(&s.preset)
        .output()
        .unwrap();
    assert_code(&out, 0);
    let text = stdout(&out);
    assert!(
        text.contains("edge mumbai (in1) (new edge)\n  + 3.7.35.64/30"),
        "{text}"
    );
    assert!(text.contains("+  - name: mumbai\n+    legacy: in1\n+    signalling: [3.7.35.64/30]"));
    assert!(text.contains("-source: https://www.twilio.com/docs/sip-trunking/ip-addresses"));
    assert!(text.contains(&format!("+source: {url}")));
    assert!(text.contains("Nothing written"));
    s.assert_preset_untouched();

    // --check: out of date.
    let out = s
        .refresh(&url)
        .arg("--preset")
        .arg(&s.preset)
        .arg("--check")
        .output()
        .unwrap();
    assert_code(&out, 1);
    assert!(stdout(&out).contains("Out of date: "));
    s.assert_preset_untouched();

    // --write: replaced atomically (mode 0644, no temporary file left), then current.
    let out = s.refresh_write(&url).output().unwrap();
    assert_code(&out, 0);
    assert!(stdout(&out).contains(&format!("Wrote {}", s.preset.display())));
    let written = s.preset_text();
    assert!(
        written.contains("  - name: mumbai\n    legacy: in1\n    signalling: [3.7.35.64/30]\n")
    );
    assert!(written.contains(&format!("source: {url}\n")));
    let retrieved = written
        .lines()
        .find_map(|l| l.strip_prefix("retrieved: "))
        .expect("retrieved line");
    assert_ne!(retrieved, "2026-11-01");
    assert!(
        retrieved.len() == 10 && retrieved.as_bytes()[4] == b'-' && retrieved.as_bytes()[7] == b'-',
        "{retrieved}"
    );
    // Nothing else changed: the old list and the retired blocks are all still there.
    let original = String::from_utf8(s.original.clone()).unwrap();
    assert!(written.contains(&original[original.find("retired:\n").unwrap()..]));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&s.preset).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o644);
    }
    assert_eq!(s.files_in_dir(), ["ca.pem", "twilio.yaml"]);

    let out = s
        .refresh(&url)
        .arg("--preset")
        .arg(&s.preset)
        .arg("--check")
        .output()
        .unwrap();
    assert_code(&out, 0);
    assert!(stdout(&out).contains("Up to date: "));
}

#[test]
fn a_lost_edge_is_refused_unless_accepted() {
    let s = Setup::new();
    let server = Server::https(
        &s.pki,
        vec![("/ip-addresses", page(HTML_TYPE, REMOVES_EDGE))],
    );
    let url = server.url("/ip-addresses");
    let out = s.refresh_write(&url).output().unwrap();
    assert_refused(
        &out,
        "the page lists 7 edge(s) where the preset has 8: sydney (au1) missing",
    );
    assert!(stderr(&out).contains("nothing was written"));
    assert!(stderr(&out).contains("re-run with --accept-shrink"));
    // The diff is still shown, so the user can judge.
    assert!(
        stdout(&out).contains("edge sydney (au1) (no longer on the page)\n  - 54.252.254.64/30")
    );
    s.assert_preset_untouched();

    // --check reports a refused source as unusable (2), not as "out of date".
    let out = s
        .refresh(&url)
        .arg("--preset")
        .arg(&s.preset)
        .arg("--check")
        .output()
        .unwrap();
    assert_refused(&out, "sydney (au1) missing");

    let out = s
        .refresh_write(&url)
        .arg("--accept-shrink")
        .output()
        .unwrap();
    assert_code(&out, 0);
    let written = s.preset_text();
    assert!(!written.contains("name: sydney"));
    // The dropped range is kept as retired, dated today, for the auditor.
    let tail = &written[written
        .rfind("  - name: dropped from Twilio")
        .expect("new block")..];
    assert!(tail.contains("ranges: [54.252.254.64/30]"), "{tail}");
}

#[test]
fn a_private_network_on_the_page_is_refused_even_with_accept_shrink() {
    let s = Setup::new();
    let tampered = MD.replace("54.244.51.0/30", "192.168.51.0/30");
    let server = Server::https(&s.pki, vec![("/ip.md", page(MARKDOWN, &tampered))]);
    let out = s
        .refresh_write(&server.url("/ip.md"))
        .arg("--accept-shrink")
        .output()
        .unwrap();
    assert_refused(
        &out,
        "signalling range 192.168.51.0/30 of edge umatilla is in 192.168.0.0/16, a private (RFC 1918) network",
    );
    assert!(stderr(&out).contains("broken or was tampered with"));
    s.assert_preset_untouched();
}

#[test]
fn a_signalling_range_wider_than_a_16_is_refused() {
    let s = Setup::new();
    let tampered = MD.replace("54.244.51.0/30", "54.0.0.0/8");
    let server = Server::https(&s.pki, vec![("/ip.md", page(MARKDOWN, &tampered))]);
    let out = s.refresh_write(&server.url("/ip.md")).output().unwrap();
    assert_refused(
        &out,
        "signalling range 54.0.0.0/8 of edge umatilla is wider than /16",
    );
    s.assert_preset_untouched();
}

// ---------------------------------------------------------------------------------------------
// Unusable sources

#[test]
fn an_empty_page_is_refused() {
    let s = Setup::new();
    let server = Server::https(&s.pki, vec![("/ip-addresses", page(HTML_TYPE, EMPTY))]);
    let out = s
        .refresh_write(&server.url("/ip-addresses"))
        .output()
        .unwrap();
    assert_refused(&out, "the page yields no Twilio ranges");
    s.assert_preset_untouched();
}

#[test]
fn a_huge_page_is_cut_off_at_two_mib() {
    let s = Setup::new();
    // No Content-Length: the limit must hold while streaming, not only from the header.
    let server = Server::https(&s.pki, vec![("/ip.md", Reply::Endless(64 * 1024 * 1024))]);
    let out = s.refresh_write(&server.url("/ip.md")).output().unwrap();
    assert_refused(&out, "the response is larger than 2 MiB; stopped reading");
    s.assert_preset_untouched();

    // With a Content-Length, it is refused before the body is read.
    let mut body = MD.as_bytes().to_vec();
    body.resize(3 * 1024 * 1024, b' ');
    let server = Server::https(&s.pki, vec![("/ip.md", Reply::Page(MARKDOWN, body))]);
    let out = s.refresh_write(&server.url("/ip.md")).output().unwrap();
    assert_refused(&out, "larger than 2 MiB");
    s.assert_preset_untouched();
}

#[test]
fn a_slow_server_hits_the_total_timeout() {
    let s = Setup::new();
    // Headers at once, then a byte every 200 ms: every single read is quick, the whole is not.
    let server = Server::https(
        &s.pki,
        vec![(
            "/ip.md",
            Reply::Drip(MD.as_bytes().to_vec(), Duration::from_millis(200)),
        )],
    );
    let started = Instant::now();
    let out = s
        .refresh_write(&server.url("/ip.md"))
        .args(["--timeout", "2"])
        .output()
        .unwrap();
    assert_refused(
        &out,
        "no complete answer within the 2 s timeout (--timeout)",
    );
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "took {:?}",
        started.elapsed()
    );
    s.assert_preset_untouched();
}

#[test]
fn a_server_that_never_answers_the_handshake_times_out() {
    let s = Setup::new();
    // The kernel completes the TCP handshake for a listener that never accepts; TLS then waits.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}/ip.md", silent.local_addr().unwrap());
    let started = Instant::now();
    let out = s
        .refresh_write(&url)
        .args(["--timeout", "1"])
        .output()
        .unwrap();
    assert_refused(&out, "no complete answer within the 1 s timeout");
    assert!(started.elapsed() < Duration::from_secs(6));
    s.assert_preset_untouched();
}

#[test]
fn a_server_error_is_refused() {
    let s = Setup::new();
    let server = Server::https(
        &s.pki,
        vec![("/ip-addresses", Reply::Status(500, "Internal Server Error"))],
    );
    let out = s
        .refresh_write(&server.url("/ip-addresses"))
        .output()
        .unwrap();
    assert_refused(&out, "the server answered 500 Internal Server Error");
    s.assert_preset_untouched();
}

#[test]
fn a_non_text_answer_is_refused() {
    let s = Setup::new();
    let server = Server::https(
        &s.pki,
        vec![("/ip-addresses", page("application/octet-stream", MD))],
    );
    let out = s
        .refresh_write(&server.url("/ip-addresses"))
        .output()
        .unwrap();
    assert_refused(
        &out,
        "expected a text page (Markdown or HTML), got content type application/octet-stream",
    );
    s.assert_preset_untouched();
}

#[test]
fn a_redirect_to_plain_http_is_refused_unless_allowed() {
    let s = Setup::new();
    let plain = Server::http(vec![("/ip.md", page(MARKDOWN, MD))]);
    let server = Server::https(
        &s.pki,
        vec![("/ip.md", Reply::Redirect(plain.url("/ip.md")))],
    );
    let out = s.refresh_write(&server.url("/ip.md")).output().unwrap();
    assert_refused(
        &out,
        &format!(
            "refusing to follow the redirect from {} to {}: it downgrades HTTPS to plain HTTP",
            server.url("/ip.md"),
            plain.url("/ip.md")
        ),
    );
    s.assert_preset_untouched();

    let out = s
        .refresh_write(&server.url("/ip.md"))
        .arg("--allow-insecure-http")
        .output()
        .unwrap();
    assert_code(&out, 0);
    assert!(stdout(&out).contains("Up to date: "));
}

#[test]
fn https_redirects_are_followed() {
    let s = Setup::new();
    let server = Server::https(
        &s.pki,
        vec![
            ("/old", Reply::Redirect("/new.md".into())),
            ("/new.md", page(MARKDOWN, MD)),
            ("/loop", Reply::Redirect("/loop".into())),
        ],
    );
    let out = s
        .refresh(&server.url("/old"))
        .arg("--check")
        .output()
        .unwrap();
    assert_code(&out, 0);
    let out = s.refresh_write(&server.url("/loop")).output().unwrap();
    assert_refused(&out, "more than 5 redirects");
    s.assert_preset_untouched();
}

#[test]
fn an_untrusted_certificate_is_refused() {
    let s = Setup::new();
    let server = Server::https(&s.pki, vec![("/ip.md", page(MARKDOWN, MD))]);
    let out = refresh_trusting_only_built_in_roots(&server.url("/ip.md"))
        .arg("--write")
        .arg(&s.preset)
        .output()
        .unwrap();
    assert_refused(&out, "the server's TLS certificate is not trusted");
    assert!(stderr(&out).contains("--ca-cert"));
    s.assert_preset_untouched();
}

#[test]
fn a_plain_http_source_is_refused_unless_allowed() {
    let s = Setup::new();
    let plain = Server::http(vec![("/ip.md", page(MARKDOWN, MD))]);
    let out = s.refresh_write(&plain.url("/ip.md")).output().unwrap();
    assert_refused(
        &out,
        &format!(
            "refusing to fetch {}: only https:// sources are allowed",
            plain.url("/ip.md")
        ),
    );
    s.assert_preset_untouched();

    let out = s
        .refresh_write(&plain.url("/ip.md"))
        .arg("--allow-insecure-http")
        .output()
        .unwrap();
    assert_code(&out, 0);
}

#[test]
fn https_proxy_from_the_environment_is_used() {
    let s = Setup::new();
    let server = Server::https(&s.pki, vec![("/ip.md", page(MARKDOWN, MD))]);
    let proxy = Proxy::start();
    let url = server.url("/ip.md");
    let out = s
        .refresh(&url)
        .arg("--check")
        .env("HTTPS_PROXY", proxy.url())
        .output()
        .unwrap();
    assert_code(&out, 0);
    let host = url
        .trim_start_matches("https://")
        .trim_end_matches("/ip.md")
        .to_string();
    assert_eq!(*proxy.targets.lock().unwrap(), [host]);
}

#[test]
fn colours_follow_the_color_flag() {
    let s = Setup::new();
    let server = Server::https(&s.pki, vec![("/ip.md", page(MARKDOWN, ADDS_EDGE))]);
    let out = assert_cmd::Command::cargo_bin("pbxgen")
        .unwrap()
        .env_remove("NO_COLOR")
        .env_remove("HTTPS_PROXY")
        .args(["--color=always", "twilio", "refresh", "--source"])
        .arg(server.url("/ip.md"))
        .arg("--ca-cert")
        .arg(&s.ca)
        .output()
        .unwrap();
    assert_code(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("\u{1b}[32m  + 3.7.35.64/30"), "{text:?}");
    assert!(text.contains("\u{1b}[32m+  - name: mumbai"), "{text:?}");
    assert!(text.contains("\u{1b}[36m@@ "), "{text:?}");
}

// ---------------------------------------------------------------------------------------------
// Firewall snippets

#[test]
fn firewall_snippets_for_the_built_in_and_a_custom_preset() {
    let out = pbxgen().args(["twilio", "firewall"]).output().unwrap();
    assert_code(&out, 0);
    let nft = stdout(&out);
    assert!(nft.starts_with("#!/usr/sbin/nft -f\n"));
    assert!(nft.contains(
        "add rule inet filter twilio ip saddr @twilio_media_v4 udp sport 10000-60000 accept"
    ));

    let s = Setup::new();
    let custom = s.preset_text().replace("54.244.51.0/30", "54.244.51.4/30");
    std::fs::write(&s.preset, custom).unwrap();
    let out = pbxgen()
        .args(["twilio", "firewall", "--format", "iptables", "--preset"])
        .arg(&s.preset)
        .output()
        .unwrap();
    assert_code(&out, 0);
    let ipt = stdout(&out);
    assert!(ipt.contains("-A PBXGEN-TWILIO -s 54.244.51.4/30 -p udp -m udp --dport 5060"));
    assert!(ipt.ends_with("COMMIT\n"));
}
