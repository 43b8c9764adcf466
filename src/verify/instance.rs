//! A throwaway Asterisk: started on a copy of a configuration directory in its own network,
//! mount and PID namespaces, queried through its CLI, stopped, and removed without trace.
//!
//! Process tree: the calling thread → `unshare` (dies with that thread: `PR_SET_PDEATHSIG`) →
//! `sh`, PID 1 of the instance's PID namespace (killed when `unshare` dies: `--kill-child`) →
//! `asterisk -f`. When PID 1 dies the kernel kills every process of the namespace. Commands run
//! "in" the instance ([`Instance::command`]: the CLI, SIPp) join its network and mount
//! namespaces and its root with `setns`/`chroot`, and die with the thread that spawned them.

use crate::diag::Error;
use std::fs;
use std::io::Read;
use std::os::unix::fs::FileTypeExt;
use std::os::unix::io::AsRawFd;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The modules.conf of every instance (shared with scripts/asterisk-sandbox).
pub const MODULES_CONF: &str = include_str!("modules.conf");

/// Where `scripts/asterisk-sandbox ensure` puts the sandbox root unless `PBXGEN_ASTERISK_ROOT`
/// says otherwise.
pub const DEFAULT_SANDBOX_ROOT: &str = "/var/cache/pbxgen/asterisk-root";

/// Which Asterisk to run.
#[derive(Clone, Debug)]
pub struct Asterisk {
    /// The root to chroot into; `None`: the host's own file system.
    root: Option<PathBuf>,
    /// The binary, as seen inside `root`.
    binary: PathBuf,
    /// Asterisk's data directory (astdatadir) as installed, inside `root`: its `documentation/`
    /// is linked into the instance (Asterisk does not start without its XML documentation).
    data_dir: Option<PathBuf>,
}

impl Asterisk {
    /// The Asterisk of a sandbox root (`/usr/sbin/asterisk` inside it).
    pub fn sandbox(root: impl Into<PathBuf>) -> Asterisk {
        Asterisk {
            root: Some(root.into()),
            binary: PathBuf::from("/usr/sbin/asterisk"),
            data_dir: Some(PathBuf::from("/usr/share/asterisk")),
        }
    }

    /// The sandbox root named by `PBXGEN_ASTERISK_ROOT`, else [`DEFAULT_SANDBOX_ROOT`].
    pub fn sandbox_root_from_env() -> PathBuf {
        std::env::var_os("PBXGEN_ASTERISK_ROOT")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_SANDBOX_ROOT))
    }

    /// An Asterisk installed on this host (e.g. `/usr/sbin/asterisk` on the PBX itself). Its data
    /// directory is looked for where distributions and source builds put it.
    pub fn installed(binary: impl Into<PathBuf>) -> Asterisk {
        let data_dir = [
            "/usr/share/asterisk",
            "/var/lib/asterisk",
            "/usr/local/share/asterisk",
        ]
        .into_iter()
        .map(PathBuf::from)
        .find(|d| d.join("documentation").is_dir());
        Asterisk {
            root: None,
            binary: binary.into(),
            data_dir,
        }
    }

    /// What `pbxgen verify [--asterisk PATH]` runs: the given binary on this host; else the
    /// sandbox root (`PBXGEN_ASTERISK_ROOT` or the default) when it is there; else the installed
    /// `/usr/sbin/asterisk`. Either way in a throwaway instance that never touches a running PBX.
    pub fn choose(binary: Option<&Path>) -> Asterisk {
        if let Some(binary) = binary {
            return Asterisk::installed(binary);
        }
        let sandbox = Asterisk::sandbox(Asterisk::sandbox_root_from_env());
        if sandbox.check().is_ok() {
            sandbox
        } else {
            Asterisk::installed("/usr/sbin/asterisk")
        }
    }

    /// Use this data directory (astdatadir of the installation) instead of the one found.
    pub fn with_data_dir(mut self, dir: impl Into<PathBuf>) -> Asterisk {
        self.data_dir = Some(dir.into());
        self
    }

    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    pub fn binary(&self) -> &Path {
        &self.binary
    }

    /// A path inside the root, as seen from the host.
    pub fn host_path(&self, inner: &Path) -> PathBuf {
        match &self.root {
            Some(root) => root.join(inner.strip_prefix("/").unwrap_or(inner)),
            None => inner.to_path_buf(),
        }
    }

    /// Whether the binary (and, for a sandbox, the root) is there.
    pub fn check(&self) -> crate::Result<()> {
        if let Some(root) = &self.root {
            if !root.is_dir() {
                return Err(Error::invalid(format!(
                    "no Asterisk sandbox root at {}",
                    root.display()
                ))
                .with_hint("run `scripts/asterisk-sandbox ensure` (or set PBXGEN_ASTERISK_ROOT)"));
            }
        }
        let bin = self.host_path(&self.binary);
        if !bin.is_file() {
            return Err(Error::invalid(format!(
                "no Asterisk binary at {}",
                bin.display()
            )));
        }
        Ok(())
    }
}

/// Settings of one instance.
#[derive(Clone, Debug)]
pub struct InstanceOptions {
    /// How long Asterisk may take to be fully booted.
    pub boot_timeout: Duration,
    /// Extra `/etc/hosts` lines inside the instance: (address, names). Lets a configuration that
    /// names hosts reach stand-ins on loopback.
    pub hosts: Vec<(String, Vec<String>)>,
    /// Keep the instance's directory after it is dropped (its path is printed to stderr).
    /// Also set by `PBXGEN_SANDBOX_KEEP=1`.
    pub keep: bool,
    /// Files of the host shown at a path inside a sandbox root, for this instance only (a private
    /// bind mount: e.g. a test CA bundle at /etc/ssl/certs/ca-certificates.crt). The path inside
    /// must exist in the root. Ignored without a root.
    pub binds: Vec<(PathBuf, PathBuf)>,
}

impl Default for InstanceOptions {
    fn default() -> Self {
        InstanceOptions {
            boot_timeout: Duration::from_secs(30),
            hosts: Vec::new(),
            keep: std::env::var_os("PBXGEN_SANDBOX_KEEP").is_some_and(|v| v == "1"),
            binds: Vec::new(),
        }
    }
}

/// PID 1 of the instance's PID namespace: brings `lo` up, makes the bind mounts (private to the
/// instance's mount namespace) and runs Asterisk in the foreground (`-f`: no fork, no console).
/// Arguments: root ("/" for the host), the instance directory on the host, the same directory as
/// seen inside the root, the binary.
const PID1: &str = r#"
set -eu
root=$1 dir=$2 inner=$3 bin=$4
if [ "$root" = / ]; then
  ip link set lo up
  run() { "$@"; }
else
  chroot "$root" ip link set lo up
  mkdir -p "$root/etc/asterisk"
  mount --bind "$dir/etc" "$root/etc/asterisk"
  while IFS='	' read -r src dst; do
    mount --bind "$src" "$root$dst"
  done <"$dir/binds"
  run() { chroot "$root" "$@"; }
fi
if [ -e "$root/etc/hosts" ]; then mount --bind "$dir/hosts" "$root/etc/hosts"; fi
if [ -e "$root/etc/resolv.conf" ]; then mount --bind "$dir/resolv.conf" "$root/etc/resolv.conf"; fi
run "$bin" -f -C "$inner/etc/asterisk.conf" >"$dir/console.log" 2>&1 </dev/null &
wait $!
"#;

/// A running (or stopped) throwaway Asterisk. Dropping it kills every process of the instance
/// and removes its directory.
pub struct Instance {
    asterisk: Asterisk,
    /// The instance directory (host view); removed on drop unless kept.
    dir: Option<tempfile::TempDir>,
    host_dir: PathBuf,
    /// The same directory as seen inside the root.
    inner_dir: PathBuf,
    /// `unshare`.
    holder: Child,
    user_ns: bool,
    boot_time: Duration,
    stopped: bool,
    replaced: Vec<String>,
    config_files: Vec<String>,
}

impl std::fmt::Debug for Instance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Instance")
            .field("dir", &self.host_dir)
            .field("holder", &self.holder.id())
            .finish()
    }
}

impl Instance {
    /// Copy `confdir` into a new instance directory, start Asterisk on it and wait until it has
    /// fully booted.
    pub fn start(
        asterisk: &Asterisk,
        confdir: &Path,
        opts: &InstanceOptions,
    ) -> crate::Result<Instance> {
        asterisk.check()?;
        if !confdir.is_dir() {
            return Err(Error::invalid(format!(
                "{}: expected a configuration directory",
                confdir.display()
            )));
        }
        let base = match asterisk.root() {
            Some(_) => asterisk.host_path(Path::new("/tmp")),
            None => std::env::temp_dir(),
        };
        let tmp = tempfile::Builder::new()
            .prefix("pbxgen-asterisk.")
            .tempdir_in(&base)
            .map_err(|e| Error::io(&base, &e))?;
        let host_dir = tmp.path().to_path_buf();
        let inner_dir = match asterisk.root() {
            Some(root) => Path::new("/").join(host_dir.strip_prefix(root).unwrap_or(&host_dir)),
            None => host_dir.clone(),
        };
        let (replaced, config_files) = prepare_dir(asterisk, confdir, &host_dir, &inner_dir, opts)?;

        // SAFETY: geteuid(2) cannot fail and touches no memory.
        let user_ns = unsafe { libc::geteuid() } != 0;
        let mut cmd = Command::new("unshare");
        if user_ns {
            cmd.args(["--user", "--map-root-user"]);
        }
        cmd.args([
            "--net",
            "--mount",
            "--pid",
            "--fork",
            "--kill-child=SIGKILL",
            "--propagation",
            "private",
            "--",
            "/bin/sh",
            "-c",
            PID1,
            "sh",
        ]);
        let root_arg = asterisk
            .root()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("/"));
        cmd.arg(&root_arg)
            .arg(&host_dir)
            .arg(&inner_dir)
            .arg(&asterisk.binary);
        let holder_log = host_dir.join("holder.log");
        let log = fs::File::create(&holder_log).map_err(|e| Error::io(&holder_log, &e))?;
        let log2 = log.try_clone().map_err(|e| Error::io(&holder_log, &e))?;
        cmd.stdin(Stdio::null()).stdout(log).stderr(log2);
        die_with_parent(&mut cmd);
        let holder = cmd.spawn().map_err(|e| {
            Error::invalid(format!("cannot run unshare (util-linux): {e}"))
                .with_hint("pbxgen verify needs util-linux's unshare, and root or unprivileged user namespaces")
        })?;
        let mut instance = Instance {
            asterisk: asterisk.clone(),
            dir: Some(tmp),
            host_dir,
            inner_dir,
            holder,
            user_ns,
            boot_time: Duration::ZERO,
            stopped: false,
            replaced,
            config_files,
        };
        if opts.keep {
            if let Some(dir) = instance.dir.take() {
                eprintln!(
                    "pbxgen: keeping instance directory {}",
                    dir.path().display()
                );
                let _ = dir.keep();
            }
        }
        instance.wait_booted(opts.boot_timeout)?;
        Ok(instance)
    }

    fn wait_booted(&mut self, timeout: Duration) -> crate::Result<()> {
        let start = Instant::now();
        let ctl = self.host_dir.join("run/asterisk.ctl");
        loop {
            if let Ok(Some(status)) = self.holder.try_wait() {
                self.stopped = true;
                return Err(self.boot_failure(format!("Asterisk exited during boot ({status})")));
            }
            let elapsed = start.elapsed();
            if elapsed >= timeout {
                return Err(self.boot_failure(format!(
                    "Asterisk did not boot within {}s",
                    timeout.as_secs()
                )));
            }
            let is_socket = fs::metadata(&ctl).is_ok_and(|m| m.file_type().is_socket());
            if is_socket {
                let left = timeout.saturating_sub(elapsed).max(Duration::from_secs(1));
                if let Ok(out) = self.cli_with_timeout("core waitfullybooted", left) {
                    if out.contains("fully booted") {
                        self.boot_time = start.elapsed();
                        return Ok(());
                    }
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn boot_failure(&self, what: String) -> Error {
        let tail = |name: &str| {
            fs::read_to_string(self.host_dir.join(name))
                .map(|t| {
                    let lines: Vec<&str> = t.lines().collect();
                    lines[lines.len().saturating_sub(20)..].join("\n")
                })
                .unwrap_or_default()
        };
        Error::invalid(format!(
            "{what}\n--- unshare/PID 1:\n{}\n--- Asterisk console:\n{}",
            tail("holder.log"),
            tail("console.log")
        ))
        .with_hint(
            "pbxgen runs Asterisk in new network, mount and PID namespaces: it needs root or unprivileged user namespaces",
        )
    }

    /// How long Asterisk took to be fully booted.
    pub fn boot_time(&self) -> Duration {
        self.boot_time
    }

    /// The instance directory on the host (logs in `log/`, the configuration copy in `etc/`).
    pub fn dir(&self) -> &Path {
        &self.host_dir
    }

    /// The instance directory as seen by processes of the instance.
    pub fn inner_dir(&self) -> &Path {
        &self.inner_dir
    }

    /// A process in the instance's namespaces (`/proc/PID/net/udp` shows the instance's sockets).
    pub fn pid(&self) -> u32 {
        self.holder.id()
    }

    /// Whether something in the instance has bound this UDP or TCP port (any address).
    pub fn port_bound(&self, port: u16) -> bool {
        let needle = format!(":{port:04X}");
        ["udp", "udp6", "tcp", "tcp6"].iter().any(|f| {
            fs::read_to_string(format!("/proc/{}/net/{f}", self.holder.id())).is_ok_and(|t| {
                t.lines()
                    .skip(1)
                    .filter_map(|l| l.split_whitespace().nth(1))
                    .any(|local| local.ends_with(&needle))
            })
        })
    }

    /// Whether something in the instance listens on exactly `ip:port`: a UDP socket bound
    /// there, or a TCP socket in LISTEN state. Unlike [`Instance::port_bound`], a stand-in on
    /// 127.0.1.9:5061 is not mistaken for Asterisk's own TLS transport on 127.0.0.1:5061.
    pub fn listening_on(&self, ip: std::net::Ipv4Addr, port: u16) -> bool {
        // /proc/net/{udp,tcp} print the address as the u32 its bytes make in memory (host
        // order), then the port as a number.
        let wanted = format!("{:08X}:{port:04X}", u32::from_ne_bytes(ip.octets()));
        const TCP_LISTEN: &str = "0A";
        ["udp", "tcp"].iter().any(|f| {
            fs::read_to_string(format!("/proc/{}/net/{f}", self.holder.id())).is_ok_and(|t| {
                t.lines().skip(1).any(|l| {
                    // sl, local_address, rem_address, st, ...
                    let mut fields = l.split_whitespace().skip(1);
                    let (Some(local), Some(_remote), Some(state)) =
                        (fields.next(), fields.next(), fields.next())
                    else {
                        return false;
                    };
                    local == wanted && (*f == "udp" || state == TCP_LISTEN)
                })
            })
        })
    }

    /// Its asterisk.conf, as seen inside the instance.
    pub fn asterisk_conf(&self) -> PathBuf {
        self.inner_dir.join("etc/asterisk.conf")
    }

    /// asterisk.conf/modules.conf/logger.conf of the directory that the instance's own replaced.
    pub fn replaced(&self) -> &[String] {
        &self.replaced
    }

    /// The files copied from the configuration directory (relative names).
    pub fn config_files(&self) -> &[String] {
        &self.config_files
    }

    /// A command that runs inside the instance: in its network and mount namespaces, under its
    /// root, in its directory, and that dies with the calling thread. Give it its own timeout
    /// (see [`run_with_timeout`]).
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.stdin(Stdio::null());
        let pid = self.holder.id();
        let open = |ns: &str| fs::File::open(format!("/proc/{pid}/ns/{ns}")).ok();
        let user = if self.user_ns { open("user") } else { None };
        let (net, mnt) = (open("net"), open("mnt"));
        let root = self
            .asterisk
            .root()
            .map(|r| std::ffi::CString::new(r.as_os_str().as_encoded_bytes()).ok());
        let dir = std::ffi::CString::new(self.inner_dir.as_os_str().as_encoded_bytes()).ok();
        // SAFETY: between fork and exec only async-signal-safe system calls are made, on data
        // prepared before the fork. The files stay open in the closure until exec.
        unsafe {
            cmd.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                let join = |f: &Option<fs::File>, flag: libc::c_int| -> std::io::Result<()> {
                    let Some(f) = f else {
                        return Err(std::io::Error::other("the instance is gone"));
                    };
                    if libc::setns(f.as_raw_fd(), flag) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                };
                if user.is_some() {
                    join(&user, libc::CLONE_NEWUSER)?;
                }
                join(&net, libc::CLONE_NEWNET)?;
                join(&mnt, libc::CLONE_NEWNS)?;
                if let Some(root) = &root {
                    let Some(root) = root else {
                        return Err(std::io::Error::other("bad root path"));
                    };
                    if libc::chroot(root.as_ptr()) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                if let Some(dir) = &dir {
                    if libc::chdir(dir.as_ptr()) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                Ok(())
            });
        }
        cmd
    }

    /// Run an Asterisk CLI command (`asterisk -rx`) and return what it printed.
    pub fn cli(&self, command: &str) -> crate::Result<String> {
        self.cli_with_timeout(command, Duration::from_secs(20))
    }

    fn cli_with_timeout(&self, command: &str, timeout: Duration) -> crate::Result<String> {
        let mut cmd = self.command(&self.asterisk.binary);
        cmd.arg("-C")
            .arg(self.asterisk_conf())
            .arg("-rx")
            .arg(command);
        let out = run_with_timeout(cmd, timeout)?;
        // The remote console seeds its own entity id first, and there is no MAC address here.
        let text: String = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| !l.starts_with("No ethernet interface found for seeding global EID"))
            .map(|l| format!("{l}\n"))
            .collect();
        if !out.status.success() {
            return Err(Error::invalid(format!(
                "asterisk -rx '{command}' failed ({}): {}{}",
                out.status,
                text.trim(),
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        Ok(text)
    }

    /// `core show version`, first line.
    pub fn version(&self) -> crate::Result<String> {
        Ok(self
            .cli("core show version")?
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or_default()
            .trim()
            .to_string())
    }

    /// Whether Asterisk is still running.
    pub fn is_running(&mut self) -> bool {
        !self.stopped && matches!(self.holder.try_wait(), Ok(None))
    }

    /// The instance's log so far (log.json), parsed.
    pub fn log(&self) -> crate::Result<Vec<super::log::LogEntry>> {
        let path = self.host_dir.join("log/log.json");
        match fs::read_to_string(&path) {
            Ok(text) => Ok(super::log::parse_json_log(&text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(Error::io(&path, &e)),
        }
    }

    /// The human-readable log so far (full.log).
    pub fn full_log(&self) -> String {
        fs::read_to_string(self.host_dir.join("log/full.log")).unwrap_or_default()
    }

    /// Stop Asterisk (`core stop now`, then SIGKILL after 5 s) and wait until every process of
    /// the instance has gone. The directory stays until the instance is dropped.
    pub fn stop(&mut self) {
        if self.stopped {
            return;
        }
        if matches!(self.holder.try_wait(), Ok(None)) {
            let _ = self.cli_with_timeout("core stop now", Duration::from_secs(5));
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline && matches!(self.holder.try_wait(), Ok(None)) {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        self.kill();
    }

    /// SIGKILL the namespace's PID 1 (the kernel then kills every process in the namespace, and
    /// PID 1 exits only after all of them), wait for `unshare` to exit, which it does once PID 1
    /// is gone. PID 1 is looked up at this moment, among the children of a still running
    /// `unshare`, so no stale PID is ever signalled.
    fn kill(&mut self) {
        if self.stopped {
            return;
        }
        if matches!(self.holder.try_wait(), Ok(None)) {
            if let Some(pid1) = child_of(self.holder.id() as i32) {
                // SAFETY: kill(2) on a live child of our own unshare.
                unsafe { libc::kill(pid1, libc::SIGKILL) };
                let deadline = Instant::now() + Duration::from_secs(5);
                while Instant::now() < deadline && matches!(self.holder.try_wait(), Ok(None)) {
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
            // unshare's --kill-child takes PID 1 (and so the namespace) with it.
            let _ = self.holder.kill();
        }
        let _ = self.holder.wait();
        self.stopped = true;
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.kill();
        // `dir` (a TempDir) is removed after this, unless it was kept.
    }
}

/// The first child of `pid` (from /proc/PID/task/PID/children).
fn child_of(pid: i32) -> Option<i32> {
    fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Make the command's process die (SIGKILL) when the thread that spawned it exits.
fn die_with_parent(cmd: &mut Command) {
    // SAFETY: prctl is async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Fill the instance directory: the copy of `confdir` in etc/, the generated asterisk.conf,
/// modules.conf and logger.conf, the other directories, /etc/hosts and /etc/resolv.conf.
/// Returns (the files of `confdir` replaced by generated ones, every file copied).
fn prepare_dir(
    asterisk: &Asterisk,
    confdir: &Path,
    dir: &Path,
    inner: &Path,
    opts: &InstanceOptions,
) -> crate::Result<(Vec<String>, Vec<String>)> {
    let mkdir = |p: PathBuf| fs::create_dir_all(&p).map_err(|e| Error::io(&p, &e));
    for sub in [
        "etc", "lib/keys", "data", "spool", "run", "log", "cache", "files",
    ] {
        mkdir(dir.join(sub))?;
    }
    let mut copied = Vec::new();
    copy_tree(confdir, &dir.join("etc"), "", &mut copied, 0)?;
    copied.sort();
    let generated = [
        ("asterisk.conf", asterisk_conf(inner)),
        ("modules.conf", MODULES_CONF.to_string()),
        ("logger.conf", LOGGER_CONF.to_string()),
    ];
    let mut replaced = Vec::new();
    for (name, text) in generated {
        if copied.iter().any(|c| c == name) {
            replaced.push(name.to_string());
        }
        let p = dir.join("etc").join(name);
        fs::write(&p, text).map_err(|e| Error::io(&p, &e))?;
    }
    copied.retain(|c| !replaced.contains(c));
    if let Some(data) = &asterisk.data_dir {
        let link = dir.join("data/documentation");
        std::os::unix::fs::symlink(data.join("documentation"), &link)
            .map_err(|e| Error::io(&link, &e))?;
    }
    let mut hosts = String::from("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n");
    for (addr, names) in &opts.hosts {
        hosts.push_str(&format!("{addr}\t{}\n", names.join(" ")));
    }
    let p = dir.join("hosts");
    fs::write(&p, hosts).map_err(|e| Error::io(&p, &e))?;
    let p = dir.join("resolv.conf");
    fs::write(&p, "").map_err(|e| Error::io(&p, &e))?;
    let mut binds = String::new();
    for (src, dst) in &opts.binds {
        let (src, dst) = (src.display().to_string(), dst.display().to_string());
        if src.contains(['\t', '\n']) || dst.contains(['\t', '\n']) || !dst.starts_with('/') {
            return Err(Error::invalid(format!("cannot bind {src} at {dst}")));
        }
        binds.push_str(&format!("{src}\t{dst}\n"));
    }
    let p = dir.join("binds");
    fs::write(&p, binds).map_err(|e| Error::io(&p, &e))?;
    Ok((replaced, copied))
}

/// Copy a directory tree, following symbolic links, skipping anything that is not a file or a
/// directory. `rel` is the relative path so far (for the list of copied files).
fn copy_tree(
    src: &Path,
    dst: &Path,
    rel: &str,
    copied: &mut Vec<String>,
    depth: usize,
) -> crate::Result<()> {
    if depth > 16 {
        return Err(Error::invalid(format!(
            "{}: directories nested too deep (a symbolic link loop?)",
            src.display()
        )));
    }
    let entries = fs::read_dir(src).map_err(|e| Error::io(src, &e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(src, &e))?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(meta) = fs::metadata(&path) else {
            continue; // a dangling link: Asterisk would not find it either
        };
        let rel_name = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        let target = dst.join(&name);
        if meta.is_dir() {
            fs::create_dir_all(&target).map_err(|e| Error::io(&target, &e))?;
            copy_tree(&path, &target, &rel_name, copied, depth + 1)?;
        } else if meta.is_file() {
            fs::copy(&path, &target).map_err(|e| Error::io(&path, &e))?;
            copied.push(rel_name);
        }
    }
    Ok(())
}

/// The instance's asterisk.conf: every directory under the instance directory.
fn asterisk_conf(inner: &Path) -> String {
    let d = inner.display();
    format!(
        "; Generated by pbxgen for a throwaway instance.\n\
         [directories]\n\
         astetcdir => {d}/etc\n\
         astvarlibdir => {d}/lib\n\
         astdbdir => {d}/lib\n\
         astkeydir => {d}/lib\n\
         astdatadir => {d}/data\n\
         astagidir => {d}/data/agi-bin\n\
         astspooldir => {d}/spool\n\
         astrundir => {d}/run\n\
         astlogdir => {d}/log\n\
         astcachedir => {d}/cache\n\
         \n\
         [options]\n\
         ; The namespace has no network interface to seed the entity id from.\n\
         entityid = 02:00:00:00:00:01\n\
         hideconnect = yes\n"
    )
}

/// The instance's logger.conf: log.json (parsed by pbxgen) and full.log (for people).
const LOGGER_CONF: &str = "; Generated by pbxgen for a throwaway instance.\n\
[general]\n\
dateformat = %F %T.%3q\n\
\n\
[logfiles]\n\
log.json => [json]notice,warning,error,verbose(3)\n\
full.log => [plain]notice,warning,error,verbose(3)\n";

/// What a command printed, and how it ended.
#[derive(Debug)]
pub struct Output {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Run a command, capturing its output, and kill it if it takes longer than `timeout`.
pub fn run_with_timeout(mut cmd: Command, timeout: Duration) -> crate::Result<Output> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .map_err(|e| Error::invalid(format!("cannot run {program}: {e}")))?;
    let mut out = child.stdout.take();
    let mut err = child.stderr.take();
    let out_thread = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(o) = out.as_mut() {
            let _ = o.read_to_end(&mut buf);
        }
        buf
    });
    let err_thread = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(e) = err.as_mut() {
            let _ = e.read_to_end(&mut buf);
        }
        buf
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Error::invalid(format!(
                    "{program} did not finish within {}s",
                    timeout.as_secs_f64()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(Error::invalid(format!("waiting for {program}: {e}"))),
        }
    };
    Ok(Output {
        status,
        stdout: out_thread.join().unwrap_or_default(),
        stderr: err_thread.join().unwrap_or_default(),
    })
}
