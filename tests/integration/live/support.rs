//! Test support for the live suites: find the sandbox (fail under CI, skip elsewhere), render a
//! profile, give it throwaway TLS files, boot it, and run SIPp in the instance's namespaces.
#![allow(dead_code)]

use pbxgen::verify::instance::{Output, run_with_timeout};
use pbxgen::verify::{Asterisk, Instance, InstanceOptions};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// The sandbox's Asterisk, or `None` (after saying why on stderr) when it is not installed and
/// this is not CI. Under CI (`CI=true`) a missing sandbox fails the test: `.ci/run` provisions it.
pub fn asterisk() -> Option<Asterisk> {
    let root = Asterisk::sandbox_root_from_env();
    let asterisk = Asterisk::sandbox(&root);
    match asterisk.check() {
        Ok(()) => Some(asterisk),
        Err(e) if crate::util::in_ci() => panic!(
            "CI=true but the Asterisk sandbox is not usable: {e}\n\
             .ci/run must run `scripts/asterisk-sandbox ensure` and export PBXGEN_ASTERISK_ROOT"
        ),
        Err(e) => {
            eprintln!(
                "skipped: no Asterisk sandbox at {} ({}); run scripts/asterisk-sandbox ensure",
                root.display(),
                e.message
            );
            None
        }
    }
}

/// `let asterisk = live!();` — the sandbox, or return from the test (skipped outside CI).
macro_rules! live {
    () => {
        match $crate::live::support::asterisk() {
            Some(a) => a,
            None => return,
        }
    };
}
pub(crate) use live;

/// Render `profile` into `out` with the pbxgen binary.
pub fn render(profile: &Path, out: &Path) {
    let output = crate::util::pbxgen()
        .arg("render")
        .arg(profile)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .output()
        .expect("pbxgen runs");
    assert!(
        output.status.success(),
        "pbxgen render {} failed:\n{}{}",
        profile.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// For every TLS transport of `dir/pjsip.conf` whose cert_file/priv_key_file is under
/// /etc/asterisk/ (where a sandbox instance sees its copy of `dir`), write a throwaway
/// self-signed certificate and key (rcgen) at that place inside `dir`. Returns the files written.
pub fn add_test_certs(dir: &Path) -> Vec<PathBuf> {
    let config = pbxgen::asterisk::load_dir(dir).expect("the rendered directory reads");
    let pbx = pbxgen::asterisk::build_model(config, &Default::default());
    let mut written = Vec::new();
    let Some(pjsip) = &pbx.pjsip else {
        return written;
    };
    for t in &pjsip.transports {
        let (Some(cert), Some(key)) = (&t.cert_file, &t.priv_key_file) else {
            continue;
        };
        let host = t
            .external_signaling_address
            .as_ref()
            .map(|a| a.value.to_string())
            .unwrap_or_else(|| "pbx.test".to_string());
        let ck = rcgen::generate_simple_self_signed(vec![host]).expect("rcgen makes a cert");
        for (path, pem) in [
            (cert.value.as_str(), ck.cert.pem()),
            (key.value.as_str(), ck.key_pair.serialize_pem()),
        ] {
            let Some(rel) = path.strip_prefix("/etc/asterisk/") else {
                panic!("{path}: a test certificate can only be placed under /etc/asterisk/");
            };
            let target = dir.join(rel);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(&target, pem).unwrap();
            written.push(target);
        }
    }
    written
}

/// Boot `dir` in a throwaway instance, or fail the test with Asterisk's own words.
pub fn boot(asterisk: &Asterisk, dir: &Path, opts: &InstanceOptions) -> Instance {
    Instance::start(asterisk, dir, opts)
        .unwrap_or_else(|e| panic!("Asterisk did not start on {}: {e}", dir.display()))
}

/// A SIPp scenario of tests/fixtures/live/sipp, run inside an instance.
pub struct Sipp<'a> {
    instance: &'a Instance,
    scenario: String,
    local_ip: String,
    local_port: u16,
    target: String,
    args: Vec<String>,
    trace_name: String,
}

impl<'a> Sipp<'a> {
    /// `scenario` is a file name in tests/fixtures/live/sipp (`invite.xml`); SIPp binds
    /// `local_ip:local_port` and talks to `target` (`127.0.0.1:5060`).
    pub fn new(instance: &'a Instance, scenario: &str, local_ip: &str, local_port: u16) -> Self {
        // The scenario files go into the instance's directory (the root cannot see the repo).
        let files = instance.dir().join("files");
        std::fs::create_dir_all(&files).unwrap();
        let src = crate::util::repo_path("tests/fixtures/live/sipp").join(scenario);
        std::fs::copy(&src, files.join(scenario))
            .unwrap_or_else(|e| panic!("{}: {e}", src.display()));
        Sipp {
            instance,
            scenario: scenario.to_string(),
            local_ip: local_ip.to_string(),
            local_port,
            target: "127.0.0.1:5060".to_string(),
            args: Vec::new(),
            trace_name: format!(
                "{}-{local_ip}-{local_port}-{}.msg",
                scenario.trim_end_matches(".xml"),
                std::process::id()
            ),
        }
    }

    pub fn target(mut self, target: &str) -> Self {
        self.target = target.to_string();
        self
    }

    /// The Request-URI user (`-s`).
    pub fn service(self, service: &str) -> Self {
        self.arg("-s").arg(service)
    }

    /// A scenario keyword (`-key name value`, used as `[name]`).
    pub fn key(self, name: &str, value: &str) -> Self {
        self.arg("-key").arg(name).arg(value)
    }

    /// Digest credentials (`-au`, `-ap`). Never printed by these helpers.
    pub fn auth(self, user: &str, password: &str) -> Self {
        self.arg("-au").arg(user).arg("-ap").arg(password)
    }

    pub fn arg(mut self, a: &str) -> Self {
        self.args.push(a.to_string());
        self
    }

    fn trace_inner(&self) -> PathBuf {
        self.instance
            .inner_dir()
            .join("files")
            .join(&self.trace_name)
    }

    fn trace_host(&self) -> PathBuf {
        self.instance.dir().join("files").join(&self.trace_name)
    }

    fn command(&self, calls: u32, timeout: Duration) -> std::process::Command {
        let mut cmd = self.instance.command("/usr/bin/sipp");
        cmd.arg("-sf")
            .arg(self.instance.inner_dir().join("files").join(&self.scenario))
            .args(["-i", &self.local_ip, "-p", &self.local_port.to_string()])
            .args(["-t", "u1", "-m", &calls.to_string(), "-nostdin"])
            .arg("-timeout")
            .arg(format!("{}s", timeout.as_secs().max(1)))
            .args(["-trace_msg", "-message_file"])
            .arg(self.trace_inner())
            .args(&self.args)
            .arg(&self.target);
        cmd
    }

    /// Run one call to its end (bounded by `timeout`) and return what was sent and received.
    pub fn run(self, timeout: Duration) -> SippRun {
        let cmd = self.command(1, timeout);
        let out = run_with_timeout(cmd, timeout + Duration::from_secs(5))
            .unwrap_or_else(|e| panic!("sipp {}: {e}", self.scenario));
        let trace = std::fs::read_to_string(self.trace_host()).unwrap_or_default();
        SippRun {
            output: Some(out),
            messages: parse_trace(&trace),
        }
    }

    /// Start it in the background (a UAS), ready when its socket is bound; stopped on drop.
    pub fn spawn(self) -> Background {
        let mut cmd = self.command(100_000, Duration::from_secs(600));
        let err = std::fs::File::create(self.trace_host().with_extension("err")).unwrap();
        cmd.stdout(Stdio::null()).stderr(err);
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("sipp {}: {e}", self.scenario));
        let bg = Background {
            child,
            trace: self.trace_host(),
        };
        // Ready once its own address listens in the instance's namespace: the port alone is
        // not enough, Asterisk's TLS transport already listens on 5061 (127.0.0.1), and a call
        // placed before the stand-in listened ended in 404 (CI, once).
        let port = self.local_port;
        let ip: std::net::Ipv4Addr = self.local_ip.parse().expect("an IPv4 local address");
        assert!(
            eventually(Duration::from_secs(5), || self
                .instance
                .listening_on(ip, port)),
            "sipp {} did not bind {}:{port}",
            self.scenario,
            self.local_ip
        );
        bg
    }
}

/// A SIPp running in the background; killed on drop.
pub struct Background {
    child: Child,
    trace: PathBuf,
}

impl Background {
    /// What it has sent and received so far.
    pub fn messages(&self) -> Vec<SipMessage> {
        parse_trace(&std::fs::read_to_string(&self.trace).unwrap_or_default())
    }

    /// The requests of a method it received so far.
    pub fn received(&self, method: &str) -> Vec<SipMessage> {
        self.messages()
            .into_iter()
            .filter(|m| m.received && m.method() == Some(method))
            .collect()
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One SIP message of a SIPp trace.
#[derive(Clone, Debug)]
pub struct SipMessage {
    /// Received by SIPp (else sent).
    pub received: bool,
    pub text: String,
}

impl SipMessage {
    pub fn first_line(&self) -> &str {
        self.text.lines().next().unwrap_or("")
    }

    /// The method of a request.
    pub fn method(&self) -> Option<&str> {
        let first = self.first_line();
        (!first.starts_with("SIP/2.0")).then(|| first.split(' ').next().unwrap_or(""))
    }

    /// The status code of a response.
    pub fn status(&self) -> Option<u16> {
        let first = self.first_line();
        first
            .strip_prefix("SIP/2.0 ")
            .and_then(|r| r.split(' ').next())
            .and_then(|c| c.parse().ok())
    }

    /// The user part of the Request-URI.
    pub fn request_user(&self) -> Option<&str> {
        let uri = self.first_line().split(' ').nth(1)?;
        let rest = uri.split_once(':')?.1;
        rest.split_once('@').map(|(u, _)| u)
    }

    /// A header's value (first occurrence; case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.text.lines().skip(1).find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    /// The user part of the URI in a header (From, P-Asserted-Identity, …).
    pub fn header_user(&self, name: &str) -> Option<String> {
        let v = self.header(name)?;
        let uri = v
            .split('<')
            .nth(1)
            .map_or(v, |r| r.split('>').next().unwrap_or(r));
        let rest = uri.split_once(':')?.1;
        Some(rest.split_once('@').map_or(rest, |(u, _)| u).to_string())
    }
}

/// The messages of one SIPp run.
pub struct SippRun {
    pub output: Option<Output>,
    pub messages: Vec<SipMessage>,
}

impl SippRun {
    /// The status codes SIPp received, in order.
    pub fn statuses(&self) -> Vec<u16> {
        self.messages
            .iter()
            .filter(|m| m.received)
            .filter_map(SipMessage::status)
            .collect()
    }

    /// The last final (≥ 200) status received.
    pub fn final_status(&self) -> Option<u16> {
        self.statuses().into_iter().rev().find(|s| *s >= 200)
    }
}

/// Parse SIPp's message trace (-trace_msg): blocks that start with a line of dashes and a
/// timestamp, then "UDP message received [N] bytes :" or "UDP message sent (N bytes):", a blank
/// line and the message.
pub fn parse_trace(text: &str) -> Vec<SipMessage> {
    let mut out = Vec::new();
    let blocks = text.split("----------------------------------------------- ");
    for block in blocks.skip(1) {
        let mut lines = block.lines();
        let _timestamp = lines.next();
        let Some(kind) = lines.next() else { continue };
        let received = kind.contains("message received");
        if !received && !kind.contains("message sent") {
            continue;
        }
        let body: Vec<&str> = lines.skip_while(|l| l.trim().is_empty()).collect();
        let text = body.join("\n").trim_end().to_string();
        if !text.is_empty() {
            out.push(SipMessage { received, text });
        }
    }
    out
}

/// Lines of the instance's full log that show the dialplan running an application
/// (`Executing [exten@context:prio] App(...)`), for "never reaches a Dial" assertions.
pub fn executed(instance: &Instance) -> Vec<String> {
    instance
        .full_log()
        .lines()
        .filter(|l| l.contains("Executing ["))
        .map(|l| l.split("Executing ").nth(1).unwrap_or(l).to_string())
        .collect()
}

/// Wait (bounded) until `f` holds, polling.
pub fn eventually(timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if f() {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// With `PBXGEN_LIVE_REPORTS=DIR`, write a verify report as JSON into DIR (for people reading
/// what Asterisk said; the tests assert on the report itself).
pub fn save_report(name: &str, report: &pbxgen::verify::VerifyReport) {
    if let Some(dir) = std::env::var_os("PBXGEN_LIVE_REPORTS") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(format!("{}.json", name.replace(['/', '.'], "_")));
        std::fs::write(&file, serde_json::to_string_pretty(report).unwrap()).unwrap();
    }
}
