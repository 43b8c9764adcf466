//! `cargo bench --bench scale`: pbxgen at the scale of a real provider.
//!
//! Runs the release `pbxgen` binary as a user would, on synthetic inputs from `support::synth`,
//! and prints wall time and peak memory (max RSS of the child, from `wait4`) for:
//! - `render` of a profile with N extensions, without and with its self-audit (the default),
//! - `audit` (parse + model + every rule, reachability included) of a config tree of N peers,
//!   N pjsip endpoint triples and N contexts (as JSON and as SARIF), and of one sip.conf of N
//!   peers on a template,
//! - `migrate` (chan_sip → pjsip, files written) of a site of N peers,
//! - the targets: audit of a ~1,000,000-line tree (JSON and SARIF reports) and of a
//!   20,000-peer sip.conf, render
//!   of 10,000 and 100,000 extensions with the self-audit, migrate of 10,000 peers — each figure
//!   with its target and the ratio figure / target (≤ 1.00 meets it),
//!
//! plus the scaling exponent between successive sizes (1.0 = linear, 2.0 = quadratic), and, before
//! and after the runs, what a fresh page costs on this machine (the figures follow it).
//!
//! Environment:
//! - `PBXGEN_BENCH_SIZES=1000,10000,100000` (default): the sizes of the scaling table;
//! - `PBXGEN_BENCH_RUNS=3`: wall time is the best of this many runs, memory the largest;
//! - `PBXGEN_BENCH_EXE=path`: benchmark another pbxgen binary (an older build, to compare);
//! - `PBXGEN_BENCH_INPUTS=DIR`: only write the inputs of the target rows and of every size into
//!   DIR (for a profiler, or for comparing the outputs of two builds) and exit.

// Shared with the integration tests (which run the generator's own tests); not every item is
// used here.
#[allow(dead_code)]
mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Items of the generated tree that make about 1,000,000 lines (~26 lines per item).
const TREE_1M_ITEMS: usize = 38_500;
/// Peers of the single-file sip.conf target (~80,000 lines).
const SIP_PEERS: usize = 20_000;

struct Measure {
    wall: Duration,
    max_rss_kib: i64,
}

impl Measure {
    fn ms(&self) -> f64 {
        self.wall.as_secs_f64() * 1000.0
    }

    fn mib(&self) -> f64 {
        self.max_rss_kib as f64 / 1024.0
    }
}

/// The binary under test.
fn exe() -> PathBuf {
    std::env::var_os("PBXGEN_BENCH_EXE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_pbxgen")))
}

/// Run `pbxgen args…`, returning wall time and the child's peak RSS.
fn run(args: &[&str]) -> Measure {
    let start = Instant::now();
    let child = Command::new(exe())
        .args(args)
        .stdout(Stdio::null())
        // Not piped: nothing reads it before wait4, and a render of a profile with inline
        // secrets reports far more than a pipe holds (the child would block forever).
        .stderr(Stdio::null())
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

/// This process's peak resident memory (`VmHWM`), if the system says.
fn own_peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
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

fn count_lines(path: &Path) -> usize {
    // Streamed: reading a whole input here would raise this process's peak, which every child
    // reports as its own (see `write_input`).
    let lines = |p: &Path| {
        use std::io::Read;
        let mut file = std::fs::File::open(p).expect("readable");
        let mut buf = vec![0u8; 1 << 16];
        let mut count = 0;
        loop {
            let n = file.read(&mut buf).expect("readable");
            if n == 0 {
                return count;
            }
            count += buf[..n].iter().filter(|&&b| b == b'\n').count();
        }
    };
    if path.is_file() {
        return lines(path);
    }
    std::fs::read_dir(path)
        .expect("tree exists")
        .map(|e| lines(&e.expect("entry").path()))
        .sum()
}

fn exponent(n1: usize, t1: Duration, n2: usize, t2: Duration) -> f64 {
    (t2.as_secs_f64() / t1.as_secs_f64()).ln() / (n2 as f64 / n1 as f64).ln()
}

fn utf8(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

/// A generated input: a profile, a config tree or a single sip.conf.
#[derive(Clone, Copy)]
enum Input {
    Profile,
    Tree,
    SipConf,
    /// A chan_sip site to migrate (sip.conf with included user files, extensions.conf).
    SipSite,
}

impl Input {
    const ALL: [Input; 4] = [Input::Profile, Input::Tree, Input::SipConf, Input::SipSite];

    fn name(self) -> &'static str {
        match self {
            Input::Profile => "profile",
            Input::Tree => "tree",
            Input::SipConf => "sip-conf",
            Input::SipSite => "sip-site",
        }
    }

    /// Write the input of size `n` under `dir` in a process of its own; its path.
    ///
    /// Linux reports a child's peak memory as at least this process's peak when it started the
    /// child (the high-water mark survives the exec), so generating a million-line tree here
    /// would put a floor of tens of MiB under every figure; a writer process keeps it here.
    fn write_input(self, dir: &Path, n: usize) -> PathBuf {
        let out = Command::new(std::env::current_exe().expect("own path"))
            .env(
                "PBXGEN_BENCH_WRITE",
                format!("{},{n},{}", self.name(), utf8(dir)),
            )
            .stderr(Stdio::inherit())
            .output()
            .expect("input writer starts");
        assert!(out.status.success(), "input writer failed");
        PathBuf::from(String::from_utf8(out.stdout).expect("utf-8 path").trim())
    }

    /// Write the input of size `n` under `dir`; its path.
    fn write(self, dir: &Path, n: usize) -> PathBuf {
        match self {
            Input::Profile => {
                let path = dir.join(format!("site-{n}.yaml"));
                std::fs::write(&path, support::synth::profile_yaml(n)).expect("profile written");
                path
            }
            Input::Tree => {
                let path = dir.join(format!("tree-{n}"));
                support::synth::write_config_tree(&path, n).expect("tree written");
                path
            }
            Input::SipConf => {
                let path = dir.join(format!("sip-{n}"));
                std::fs::create_dir_all(&path).expect("dir");
                let path = path.join("sip.conf");
                std::fs::write(&path, support::synth::sip_conf_peers(n)).expect("sip.conf");
                path
            }
            Input::SipSite => {
                let path = dir.join(format!("sip-site-{n}"));
                support::synth::write_sip_site(&path, n).expect("site written");
                path
            }
        }
    }
}

/// A job: what it reads and how `pbxgen` is run on it.
struct Job {
    name: &'static str,
    input: Input,
    /// The arguments for input `path`, run number `run`, scratch directory `tmp`.
    args: fn(path: &str, run: usize, tmp: &Path) -> Vec<String>,
}

const JOBS: &[Job] = &[
    Job {
        name: "render --fail-on none",
        input: Input::Profile,
        args: |p, run, tmp| {
            // A fresh directory per run: every run writes (and fsyncs) every file.
            let out = tmp.join(format!("out-{run}-{}", unique()));
            args(&["render", p, "--out", utf8(&out), "--fail-on", "none"])
        },
    },
    Job {
        name: "render (with self-audit)",
        input: Input::Profile,
        args: |p, run, tmp| {
            let out = tmp.join(format!("out-audited-{run}-{}", unique()));
            args(&["render", p, "--out", utf8(&out)])
        },
    },
    Job {
        name: "audit tree",
        input: Input::Tree,
        args: |p, _, _| args(&["audit", p, "--format", "json", "--fail-on", "none"]),
    },
    Job {
        name: "audit tree, SARIF",
        input: Input::Tree,
        args: |p, _, _| args(&["audit", p, "--format", "sarif", "--fail-on", "none"]),
    },
    Job {
        name: "audit sip.conf",
        input: Input::SipConf,
        args: |p, _, _| args(&["audit", p, "--format", "json", "--fail-on", "none"]),
    },
    Job {
        name: "migrate",
        input: Input::SipSite,
        args: |p, run, tmp| {
            // A fresh directory per run: every run writes every file.
            let out = tmp.join(format!("migrated-{run}-{}", unique()));
            args(&["migrate", p, "--out", utf8(&out), "--format", "json"])
        },
    },
];

fn job(name: &str) -> &'static Job {
    JOBS.iter().find(|j| j.name == name).expect("a known job")
}

/// A process-wide counter for fresh output directories.
fn unique() -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Generate the input, run the job `runs` times, remove the input: (input lines, best run).
fn measure(job: &Job, n: usize, runs: usize, tmp: &Path) -> (usize, Measure) {
    let path = job.input.write_input(tmp, n);
    let lines = count_lines(&path);
    let m = best_of(runs, |run| (job.args)(utf8(&path), run, tmp));
    match job.input {
        Input::Profile => std::fs::remove_file(&path).expect("input removed"),
        Input::Tree | Input::SipSite => std::fs::remove_dir_all(&path).expect("input removed"),
        Input::SipConf => std::fs::remove_dir_all(path.parent().expect("dir")).expect("removed"),
    }
    (lines, m)
}

/// A target of the performance issue: a job at a size, with a time and (optionally) a memory
/// bound.
struct Target {
    job: &'static str,
    n: usize,
    label: &'static str,
    max_ms: f64,
    max_mib: Option<f64>,
}

const TARGETS: &[Target] = &[
    Target {
        job: "audit tree",
        n: TREE_1M_ITEMS,
        label: "audit, 1,000,000-line tree",
        max_ms: 300.0,
        max_mib: Some(300.0),
    },
    // The issue asks for streamed JSON and SARIF: the same bounds in either format.
    Target {
        job: "audit tree, SARIF",
        n: TREE_1M_ITEMS,
        label: "audit, 1,000,000-line tree, SARIF report",
        max_ms: 300.0,
        max_mib: Some(300.0),
    },
    Target {
        job: "audit sip.conf",
        n: SIP_PEERS,
        label: "audit, 20,000-peer sip.conf (80,000 lines)",
        max_ms: 20.0,
        max_mib: Some(40.0),
    },
    Target {
        job: "render (with self-audit)",
        n: 10_000,
        label: "render + self-audit, 10,000 extensions",
        max_ms: 100.0,
        max_mib: Some(100.0),
    },
    Target {
        job: "render (with self-audit)",
        n: 100_000,
        label: "render + self-audit, 100,000 extensions",
        max_ms: 1000.0,
        max_mib: None,
    },
    Target {
        job: "migrate",
        n: 10_000,
        label: "migrate, 10,000 chan_sip peers",
        max_ms: 100.0,
        max_mib: None,
    },
];

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

    if std::env::var_os(CALIBRATE).is_some() {
        let rates = memory_rates();
        println!("{} {}", rates.fresh, rates.warm);
        return;
    }
    if let Ok(spec) = std::env::var("PBXGEN_BENCH_WRITE") {
        // The input writer of `Input::write_input`: `kind,n,dir`.
        let mut parts = spec.splitn(3, ',');
        let (kind, n, dir) = (parts.next(), parts.next(), parts.next());
        let input = Input::ALL
            .into_iter()
            .find(|i| Some(i.name()) == kind)
            .expect("a known input kind");
        let n = n.and_then(|n| n.parse().ok()).expect("a size");
        let path = input.write(Path::new(dir.expect("a directory")), n);
        println!("{}", path.display());
        return;
    }
    if let Some(dir) = std::env::var_os("PBXGEN_BENCH_INPUTS") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("inputs directory");
        for t in TARGETS {
            let path = job(t.job).input.write(&dir, t.n);
            println!("{}: {}", t.label, path.display());
        }
        for &n in &sizes {
            for input in Input::ALL {
                println!("{}", input.write(&dir, n).display());
            }
        }
        return;
    }

    let tmp = tempfile::tempdir().expect("temp dir");
    let tmp = tmp.path();
    println!(
        "pbxgen {} ({}) — best of {runs} runs, release build, {} cores",
        env!("CARGO_PKG_VERSION"),
        exe().display(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let machine_before = machine_memory_rates();
    println!();
    println!("| job | N | input lines | wall ms | peak MiB | exponent vs previous N |");
    println!("|---|---:|---:|---:|---:|---:|");
    for job in JOBS {
        let mut previous: Option<(usize, Duration)> = None;
        for &n in &sizes {
            let (lines, m) = measure(job, n, runs, tmp);
            let exp = previous.map_or_else(
                || "–".to_string(),
                |(pn, pt)| format!("{:.2}", exponent(pn, pt, n, m.wall)),
            );
            println!(
                "| {} | {n} | {lines} | {:.1} | {:.1} | {exp} |",
                job.name,
                m.ms(),
                m.mib()
            );
            previous = Some((n, m.wall));
        }
    }

    println!();
    println!("Targets (ratio = figure / target; ≤ 1.00 meets it):");
    println!();
    println!(
        "| target | input lines | wall ms | target ms | ratio | peak MiB | target MiB | ratio |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for t in TARGETS {
        let (lines, m) = measure(job(t.job), t.n, runs, tmp);
        let (mib_target, mib_ratio) = t.max_mib.map_or_else(
            || ("–".to_string(), "–".to_string()),
            |max| (format!("{max:.0}"), format!("{:.2}", m.mib() / max)),
        );
        println!(
            "| {} | {lines} | {:.1} | {:.0} | {:.2} | {:.1} | {mib_target} | {mib_ratio} |",
            t.label,
            m.ms(),
            t.max_ms,
            m.ms() / t.max_ms,
            m.mib(),
        );
    }
    println!();
    println!("Every exponent should stay ≈ 1.0 (the 1k rows are dominated by start-up).");
    if let Some(floor) = own_peak_mib() {
        println!(
            "Peak memory cannot read below this process's own peak when it started the child: \
             {floor:.1} MiB."
        );
    }
    let machine_after = machine_memory_rates();
    println!(
        "This machine, before / after the runs: writing newly mapped memory {} MiB/s, memory \
         already mapped {} MiB/s (a fresh page costs {} times as much). Every \
         figure pays for its peak memory at the fresh rate, which a virtual machine's host \
         changes from hour to hour: compare runs whose fresh rates are alike.",
        before_after(machine_before, machine_after, |r| format!("{:.0}", r.fresh)),
        before_after(machine_before, machine_after, |r| format!("{:.0}", r.warm)),
        before_after(machine_before, machine_after, |r| format!(
            "{:.1}",
            r.warm / r.fresh
        )),
    );
    if let Some(script) = std::env::var_os("PBXGEN_SIP_TO_PJSIP") {
        let converter = time_sip_to_pjsip(tmp, Path::new(&script), 10_000);
        println!();
        println!(
            "sip_to_pjsip.py on the 10,000-peer migrate site: {:.1} s",
            converter.as_secs_f64()
        );
    }
}

/// Set in a child of the bench to have it measure [`memory_rates`] and print them.
const CALIBRATE: &str = "PBXGEN_BENCH_CALIBRATE";
/// How much memory the calibration writes.
const CALIBRATE_MIB: usize = 64;

/// Write rates in MiB/s.
#[derive(Clone, Copy)]
struct MemoryRates {
    /// Into newly mapped memory.
    fresh: f64,
    /// Into the same memory once mapped.
    warm: f64,
}

/// `shown` of the rates before and after the runs, as `BEFORE / AFTER` (`?` for rates the
/// child could not measure).
fn before_after(
    before: Option<MemoryRates>,
    after: Option<MemoryRates>,
    shown: impl Fn(MemoryRates) -> String,
) -> String {
    let one = |rates: Option<MemoryRates>| rates.map_or_else(|| "?".to_string(), &shown);
    format!("{} / {}", one(before), one(after))
}

/// On a virtual machine whose host takes back freed memory, a page the kernel has to find and
/// zero costs many times what writing into mapped memory does, and that cost changes from
/// hour to hour: pbxgen's wall figures follow it. Measured in a child (its memory would
/// otherwise raise the peak every later child reports, see [`own_peak_mib`]).
fn machine_memory_rates() -> Option<MemoryRates> {
    let out = std::env::current_exe()
        .ok()
        .and_then(|me| Command::new(me).env(CALIBRATE, "1").output().ok());
    let text = out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    let mut rates = text
        .as_deref()
        .unwrap_or("")
        .split_whitespace()
        .map(str::parse::<f64>);
    match (rates.next(), rates.next()) {
        (Some(Ok(fresh)), Some(Ok(warm))) if fresh > 0.0 => Some(MemoryRates { fresh, warm }),
        _ => None,
    }
}

/// Best of 3: MiB/s writing [`CALIBRATE_MIB`] into newly mapped memory (each page faulted in
/// and zeroed by the kernel), and into the same memory once mapped.
fn memory_rates() -> MemoryRates {
    let bytes = CALIBRATE_MIB << 20;
    let rate = |took: Duration| CALIBRATE_MIB as f64 / took.as_secs_f64().max(1e-9);
    let (mut fresh, mut warm) = (0.0f64, 0.0f64);
    for round in 1..=3u8 {
        let start = Instant::now();
        // Not zeros: an allocation filled with zeros may be mapped without being written.
        let mut buffer: Vec<u8> = std::hint::black_box(Vec::with_capacity(bytes));
        buffer.resize(bytes, round);
        std::hint::black_box(&buffer);
        fresh = fresh.max(rate(start.elapsed()));
        let start = Instant::now();
        buffer.fill(round.wrapping_add(1));
        std::hint::black_box(&buffer);
        warm = warm.max(rate(start.elapsed()));
    }
    MemoryRates { fresh, warm }
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
