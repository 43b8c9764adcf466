//! `cargo bench --bench webhook`: the Twilio webhook server under load on loopback.
//!
//! The server runs in a child process (this bench binary run again with
//! `PBXGEN_WEBHOOK_BENCH_SERVER` set, with mimalloc as `pbxgen` uses it, on the runtime
//! `serve_blocking` builds), so its memory is measured alone: peak RSS is the child's `VmHWM`
//! from `/proc/PID/status` just before SIGTERM, and `ru_maxrss` from `wait4` after it exits.
//! 64 client threads (`PBXGEN_BENCH_CLIENTS`) each send signed `POST …/main/voice` requests
//! (about 450 bytes of form data, each with its own `CallSid`, validated in full by the server)
//! for `PBXGEN_BENCH_SECS` seconds (default 5) per round:
//! - keep-alive: one connection per client, requests back to back;
//! - new connection per request (`Connection: close`).
//!
//! It prints requests/s, latency percentiles and peak memory against the 50 MiB target. No
//! timed assertions: figures depend on the machine (and the clients share its cores).

use pbxgen::twilio::webhook::{
    AuthToken, DialStatus, Failover, LogEvent, Logger, NumberRoute, Params, PublicUrl, Server,
    WebhookConfig, sign,
};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SERVER_ENV: &str = "PBXGEN_WEBHOOK_BENCH_SERVER";
const TOKEN: &str = "bench-token-0123456789abcdef0123";
const PUBLIC: &str = "https://pbx.example.net/twilio";
const TARGET_MIB: f64 = 50.0;

fn config() -> WebhookConfig {
    let voice = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Dial action=\"{PUBLIC}/main/dial-status\" \
         method=\"POST\"><Sip>sip:main@pbx.example.net</Sip></Dial></Response>\n"
    );
    let mut config = WebhookConfig::new(
        PublicUrl::parse(PUBLIC).unwrap(),
        AuthToken::new(TOKEN),
        vec![NumberRoute {
            name: "main".into(),
            number: "+15551234567".into(),
            voice_twiml: voice,
            failover: Some(Failover {
                number: "+59899999999".into(),
                on: vec![DialStatus::Failed, DialStatus::Busy, DialStatus::NoAnswer],
            }),
        }],
    );
    config.listen = "127.0.0.1:0".parse().unwrap();
    config
}

/// The child: serve until SIGTERM, logging nothing per request (as `-q` would).
fn server_main() {
    let logger: Logger = Arc::new(|e: &LogEvent| {
        if !matches!(e, LogEvent::Request { status: 200, .. }) {
            eprintln!("server: {e}");
        }
    });
    let server = Server::bind(config(), logger).expect("server binds");
    println!("{}", server.local_addr());
    std::io::stdout().flush().unwrap();
    server.run_until_signal().expect("server runs");
}

/// A signed request as Twilio sends it.
fn request(client: usize, n: u64, close: bool) -> Vec<u8> {
    let call_sid = format!("CA{client:08x}{n:024x}");
    let pairs = [
        ("AccountSid", "AC0123456789abcdef0123456789abcdef"),
        ("ApiVersion", "2010-04-01"),
        ("CallSid", call_sid.as_str()),
        ("CallStatus", "ringing"),
        ("Called", "+15551234567"),
        ("CalledCity", ""),
        ("CalledCountry", "US"),
        ("CalledState", "CA"),
        ("Caller", "+14158675309"),
        ("CallerCity", "SAN FRANCISCO"),
        ("CallerCountry", "US"),
        ("CallerState", "CA"),
        ("Direction", "inbound"),
        ("From", "+14158675309"),
        ("FromCountry", "US"),
        ("To", "+15551234567"),
        ("ToCountry", "US"),
    ];
    let path = "/twilio/main/voice";
    let sig = sign(
        &format!("https://pbx.example.net{path}"),
        &Params::from_pairs(pairs),
        &AuthToken::new(TOKEN),
    );
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    let connection = if close { "close" } else { "keep-alive" };
    format!(
        "POST {path} HTTP/1.1\r\nHost: pbx.example.net\r\nUser-Agent: TwilioProxy/1.1\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nX-Twilio-Signature: {sig}\r\n\
         Connection: {connection}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Read one response; true when it is a 200.
fn read_response(reader: &mut BufReader<TcpStream>) -> bool {
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return false;
    }
    let ok = line.starts_with("HTTP/1.1 200 ");
    let mut length = 0usize;
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return false;
        }
        if line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).is_ok() && ok
}

struct Round {
    latencies_us: Vec<u32>,
    errors: usize,
    elapsed: Duration,
}

/// `clients` threads sending requests for `secs`; per-request latencies.
fn round(addr: SocketAddr, clients: usize, secs: f64, close: bool) -> Round {
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    let start = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            std::thread::spawn(move || {
                // Requests made in advance: the clients measure the server, not their signing.
                let requests: Vec<Vec<u8>> = (0..256).map(|n| request(c, n, close)).collect();
                let mut latencies = Vec::with_capacity(1 << 16);
                let mut errors = 0;
                let mut conn: Option<BufReader<TcpStream>> = None;
                let mut n = 0usize;
                while Instant::now() < deadline {
                    let t = Instant::now();
                    if conn.is_none() {
                        match TcpStream::connect(addr) {
                            Ok(s) => {
                                s.set_nodelay(true).unwrap();
                                conn = Some(BufReader::new(s));
                            }
                            Err(_) => {
                                errors += 1;
                                std::thread::sleep(Duration::from_millis(1));
                                continue;
                            }
                        }
                    }
                    let reader = conn.as_mut().unwrap();
                    let sent = reader.get_mut().write_all(&requests[n % requests.len()]);
                    let ok = sent.is_ok() && read_response(reader);
                    if ok {
                        latencies.push(t.elapsed().as_micros().min(u32::MAX as u128) as u32);
                    } else {
                        errors += 1;
                    }
                    if close || !ok {
                        conn = None;
                    }
                    n += 1;
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut latencies_us = Vec::new();
    let mut errors = 0;
    for t in threads {
        let (l, e) = t.join().unwrap();
        latencies_us.extend(l);
        errors += e;
    }
    latencies_us.sort_unstable();
    Round {
        latencies_us,
        errors,
        elapsed: start.elapsed(),
    }
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    f64::from(sorted[i]) / 1000.0
}

/// `VmHWM` (peak RSS) and `VmRSS` of a process, in KiB.
fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

fn main() {
    if std::env::var_os(SERVER_ENV).is_some() {
        server_main();
        return;
    }
    let clients: usize = std::env::var("PBXGEN_BENCH_CLIENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(64);
    let secs: f64 = std::env::var("PBXGEN_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5.0);

    let mut child = Command::new(std::env::current_exe().unwrap())
        .env(SERVER_ENV, "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("server child starts");
    let pid = child.id();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr: SocketAddr = line.trim().parse().expect("the child prints its address");
    let (_, idle_rss) = memory_kib(pid);

    println!(
        "pbxgen {} webhook server — release build, {} cores shared by server and clients, \
         {clients} clients, {secs} s a round, loopback",
        env!("CARGO_PKG_VERSION"),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!();
    println!("| round | requests | errors | req/s | p50 ms | p99 ms | max ms |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    // A short warm-up (connections, allocator pools), not reported.
    round(addr, clients, 0.5, false);
    for (name, close) in [("keep-alive", false), ("new connection per request", true)] {
        let r = round(addr, clients, secs, close);
        let n = r.latencies_us.len();
        println!(
            "| {name} | {n} | {} | {:.0} | {:.2} | {:.2} | {:.2} |",
            r.errors,
            n as f64 / r.elapsed.as_secs_f64(),
            percentile(&r.latencies_us, 0.50),
            percentile(&r.latencies_us, 0.99),
            percentile(&r.latencies_us, 1.0),
        );
    }

    let (hwm, rss) = memory_kib(pid);
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc::kill(pid as libc::pid_t, libc::SIGTERM) };
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it in for our own child, not yet reaped.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    let rc = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(rc, pid as libc::pid_t, "wait4 failed");
    std::mem::forget(child);
    let exited_cleanly = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;

    let mib = |kib: u64| kib as f64 / 1024.0;
    let peak = mib(hwm.max(usage.ru_maxrss as u64));
    println!();
    println!(
        "server memory: {:.1} MiB RSS idle, {:.1} MiB after load, peak {:.1} MiB \
         (VmHWM {:.1}, ru_maxrss {:.1}); target < {TARGET_MIB:.0} MiB: {:.0}% of it",
        mib(idle_rss),
        mib(rss),
        peak,
        mib(hwm),
        mib(usage.ru_maxrss as u64),
        100.0 * peak / TARGET_MIB,
    );
    println!(
        "server exit after SIGTERM: {}",
        if exited_cleanly {
            "clean (status 0)".to_string()
        } else {
            format!("status {status:#x}")
        }
    );
}
