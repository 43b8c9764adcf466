//! `cargo bench --bench scale`: pbxgen at the scale of a real provider.
//!
//! Runs the release `pbxgen` binary as a user would, on synthetic inputs from `support::synth`,
//! and prints wall time and peak memory (max RSS of the child, from `wait4`) for:
//! - `render` of a profile with N extensions,
//! - `audit` (parse + model + every rule, reachability included) of a config tree of N peers,
//!   N pjsip endpoint triples and N contexts,
//! - `audit` of a tree of about 1,000,000 lines,
//! - `migrate` (chan_sip → pjsip, files written) of a site of N peers, against its 100 ms target
//!   for 10,000 peers (`PBXGEN_SIP_TO_PJSIP=path/to/sip_to_pjsip.py` also times Asterisk's
//!   converter once on the 10,000-peer site, for comparison),
//!
//! plus the scaling exponent between successive sizes (1.0 = linear, 2.0 = quadratic).
//! Sizes: `PBXGEN_BENCH_SIZES=1000,10000,100000` (default). Best of `PBXGEN_BENCH_RUNS` (3) runs.

// Shared with the integration tests (which run the generator's own tests); not every item is
// used here.
#[allow(dead_code)]
mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const EXE: &str = env!("CARGO_BIN_EXE_pbxgen");

struct Measure {
    wall: Duration,
    max_rss_kib: i64,
}

/// Run `pbxgen args…`, returning wall time and the child's peak RSS.
fn run(args: &[&str]) -> Measure {
    let start = Instant::now();
    let child = Command::new(EXE)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pbxgen starts");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value; wait4 fills it in for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our child, not yet reaped (std's Child is never waited on below).
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert_eq!(rc, pid, "wait4 failed");
    let code = libc::WEXITSTATUS(status);
    assert!(code <= 1, "pbxgen {args:?} failed with exit code {code}");
    std::mem::forget(child);
    Measure {
        wall,
        max_rss_kib: usage.ru_maxrss,
    }
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// The fastest of `runs` runs (peak memory: the largest seen); `make_args(run)` gives each run's
/// arguments.
fn best_of(runs: usize, make_args: impl Fn(usize) -> Vec<String>) -> Measure {
    let mut best: Option<Measure> = None;
    for i in 0..runs {
        let list = make_args(i);
        let refs: Vec<&str> = list.iter().map(String::as_str).collect();
        let m = run(&refs);
        best = Some(match best {
            Some(b) if b.wall <= m.wall => Measure {
                max_rss_kib: b.max_rss_kib.max(m.max_rss_kib),
                ..b
            },
            Some(b) => Measure {
                max_rss_kib: b.max_rss_kib.max(m.max_rss_kib),
                ..m
            },
            None => m,
        });
    }
    best.expect("at least one run")
}

fn count_lines(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .expect("tree exists")
        .map(|e| std::fs::read(e.expect("entry").path()).expect("readable"))
        .map(|bytes| bytes.iter().filter(|&&b| b == b'\n').count())
        .sum()
}

fn exponent(n1: usize, t1: Duration, n2: usize, t2: Duration) -> f64 {
    (t2.as_secs_f64() / t1.as_secs_f64()).ln() / (n2 as f64 / n1 as f64).ln()
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else to parse.
    let sizes: Vec<usize> = std::env::var("PBXGEN_BENCH_SIZES")
        .unwrap_or_else(|_| "1000,10000,100000".into())
        .split(',')
        .map(|s| {
            s.trim()
                .parse()
                .expect("PBXGEN_BENCH_SIZES is a list of numbers")
        })
        .collect();
    let runs: usize = std::env::var("PBXGEN_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let tmp = tempfile::tempdir().expect("temp dir");
    let tmp = tmp.path();

    println!(
        "pbxgen {} — best of {runs} runs, release build, {} cores",
        env!("CARGO_PKG_VERSION"),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!();
    println!("| job | N | input lines | wall ms | peak MiB | exponent vs previous N |");
    println!("|---|---:|---:|---:|---:|---:|");

    let mut previous: Option<(usize, Duration)> = None;
    for &n in &sizes {
        let profile = tmp.join(format!("site-{n}.yaml"));
        let p = profile.to_str().expect("utf-8 temp path");
        std::fs::write(&profile, support::synth::profile_yaml(n)).expect("profile written");
        let lines = std::fs::read_to_string(&profile)
            .expect("profile")
            .lines()
            .count();
        // A fresh directory per run: every run writes (and fsyncs) every file.
        let m = best_of(runs, |run| {
            let out = tmp.join(format!("out-{n}-{run}"));
            args(&[
                "render",
                p,
                "--out",
                out.to_str().expect("utf-8"),
                "--fail-on",
                "none",
            ])
        });
        report("render", n, lines, &m, &mut previous);
    }

    // The default render also audits its own output before writing (`--fail-on critical`).
    previous = None;
    for &n in &sizes {
        let profile = tmp.join(format!("site-{n}.yaml"));
        let p = profile.to_str().expect("utf-8 temp path");
        let lines = std::fs::read_to_string(&profile)
            .expect("profile")
            .lines()
            .count();
        let m = best_of(runs, |run| {
            let out = tmp.join(format!("out-audited-{n}-{run}"));
            args(&["render", p, "--out", out.to_str().expect("utf-8")])
        });
        report("render + self-audit", n, lines, &m, &mut previous);
    }

    previous = None;
    for &n in &sizes {
        let (lines, m) = audit_tree(tmp, n, runs);
        report("audit", n, lines, &m, &mut previous);
    }

    // The 1,000,000-line target: ~26 lines per item in the generated tree.
    let n = 38_500;
    let (lines, m) = audit_tree(tmp, n, runs);
    report("audit (1M-line target)", n, lines, &m, &mut None);

    previous = None;
    let mut migrate_10k = None;
    for &n in &sizes {
        let (lines, m) = migrate_site(tmp, n, runs);
        report("migrate", n, lines, &m, &mut previous);
        if n == 10_000 {
            migrate_10k = Some(m.wall);
        }
    }
    if !sizes.contains(&10_000) {
        let (lines, m) = migrate_site(tmp, 10_000, runs);
        report("migrate (10,000-peer target)", 10_000, lines, &m, &mut None);
        migrate_10k = Some(m.wall);
    }
    println!();
    println!(
        "targets: render of 10,000 extensions < 200 ms and < 100 MiB; audit of 1,000,000 lines < 1 s; \
         migrate of 10,000 peers < 100 ms"
    );
    if let Some(wall) = migrate_10k {
        let ms = wall.as_secs_f64() * 1000.0;
        println!(
            "migrate of 10,000 peers: {ms:.1} ms = {:.2} × the 100 ms target",
            ms / 100.0
        );
        if let Some(script) = std::env::var_os("PBXGEN_SIP_TO_PJSIP") {
            let converter = time_sip_to_pjsip(tmp, std::path::Path::new(&script), 10_000);
            println!(
                "sip_to_pjsip.py on the same 10,000 peers: {:.1} s ({:.0} × pbxgen migrate)",
                converter.as_secs_f64(),
                converter.as_secs_f64() * 1000.0 / ms
            );
        }
    }
}

/// Generate a chan_sip site of `n` peers, migrate it `runs` times (files written each time),
/// remove it: (input lines, best run).
fn migrate_site(tmp: &Path, n: usize, runs: usize) -> (usize, Measure) {
    let dir = tmp.join(format!("sip-site-{n}"));
    let d = dir.to_str().expect("utf-8 temp path");
    let stats = support::synth::write_sip_site(&dir, n).expect("site written");
    let m = best_of(runs, |run| {
        let out = tmp.join(format!("migrated-{n}-{run}"));
        args(&[
            "migrate",
            d,
            "--out",
            out.to_str().expect("utf-8"),
            "--format",
            "json",
        ])
    });
    let _ = std::fs::remove_dir_all(&dir);
    (stats.lines, m)
}

/// Asterisk's contrib/scripts/sip_to_pjsip/sip_to_pjsip.py (with its astconfigparser.py beside
/// it) on a site of `n` peers, run once from the site's directory (it resolves `#include`s
/// against its working directory).
fn time_sip_to_pjsip(tmp: &Path, script: &Path, n: usize) -> Duration {
    let dir = tmp.join(format!("sip-to-pjsip-{n}"));
    support::synth::write_sip_site(&dir, n).expect("site written");
    let start = Instant::now();
    let status = Command::new("python3")
        .arg(script)
        .arg("sip.conf")
        .arg("pjsip.conf")
        .current_dir(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("python3 runs");
    let wall = start.elapsed();
    assert!(status.success(), "sip_to_pjsip.py failed: {status}");
    let _ = std::fs::remove_dir_all(&dir);
    wall
}

/// Generate a tree of `n` items, audit it `runs` times, remove it: (input lines, best run).
fn audit_tree(tmp: &Path, n: usize, runs: usize) -> (usize, Measure) {
    let dir = tmp.join(format!("tree-{n}"));
    let d = dir.to_str().expect("utf-8 temp path");
    support::synth::write_config_tree(&dir, n).expect("tree written");
    let lines = count_lines(&dir);
    let m = best_of(runs, |_| {
        args(&["audit", d, "--format", "json", "--fail-on", "none"])
    });
    let _ = std::fs::remove_dir_all(&dir);
    (lines, m)
}

fn report(
    job: &str,
    n: usize,
    lines: usize,
    m: &Measure,
    previous: &mut Option<(usize, Duration)>,
) {
    let exp = previous.map_or_else(
        || "–".to_string(),
        |(pn, pt)| format!("{:.2}", exponent(pn, pt, n, m.wall)),
    );
    println!(
        "| {job} | {n} | {lines} | {:.1} | {:.1} | {exp} |",
        m.wall.as_secs_f64() * 1000.0,
        m.max_rss_kib as f64 / 1024.0
    );
    *previous = Some((n, m.wall));
}
