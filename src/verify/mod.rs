//! Load a configuration directory into a real Asterisk and report what it made of it.
//!
//! pbxgen's own reader ([`crate::asterisk`]) predicts what Asterisk will do with a configuration;
//! this module asks Asterisk itself. [`verify_dir`] starts a throwaway Asterisk on a copy of a
//! directory, waits until it has fully booted, and returns a [`VerifyReport`]:
//!
//! - every ERROR and WARNING the configuration caused, mapped to `file:line` where Asterisk's
//!   message names a line or an object ([`report::Finding`]), separated from the noise of the
//!   throwaway environment (modules without their own configuration file, no DNS, TLS files that
//!   are not part of the directory), which is listed with its reason and not counted. The rules
//!   are one table, [`classify::RULES`];
//! - the objects Asterisk reports (`pjsip list endpoints|aors|auths|identifies|transports|
//!   registrations`, `dialplan show` contexts), as sets per type ([`objects::ObjectSets`]);
//! - optionally, those sets compared with a prediction ([`predict::predict`] reads the same
//!   directory with pbxgen's model; [`objects::compare`] does the comparison).
//!
//! # The throwaway instance ([`instance::Instance`])
//!
//! The Asterisk to run is an [`instance::Asterisk`]: either a root directory to `chroot` into (the
//! cached sandbox root that `scripts/asterisk-sandbox ensure` builds: Debian unstable with
//! Asterisk 22 and SIPp) or an installed binary on a PBX host. Either way the instance:
//!
//! - runs in new network, mount and PID namespaces (`unshare` from util-linux): its network has
//!   only `lo`, so it can neither disturb nor be reached by anything else, and never sends a
//!   packet off the machine; the running PBX's ports, control socket, astdb, spool and logs are
//!   never touched, because every directory of the instance (astetcdir, astrundir, astlogdir,
//!   astspooldir, astvarlibdir, astdatadir, astkeydir, astcachedir) is in its own temporary
//!   directory, with its own generated `asterisk.conf`, `modules.conf` and `logger.conf`;
//! - in a sandbox root, sees the copy of the directory at `/etc/asterisk` too (a private bind
//!   mount), so absolute paths such as `/etc/asterisk/keys/pbx.crt` resolve into the copy;
//! - is bounded in time (boot timeout, timeouts on every command) and leaves no process behind:
//!   it dies with the thread that started it (`PR_SET_PDEATHSIG`), and its PID namespace takes
//!   every process of the instance with it.
//!
//! # What it needs
//!
//! Root, or unprivileged user namespaces (then `unshare --user --map-root-user` is used); the
//! `unshare` program (util-linux ≥ 2.32) and `ip` (iproute2; the sandbox root has its own); a
//! Linux kernel with network, mount and PID namespaces. For the sandbox root, ~400 MB of disk
//! under `PBXGEN_ASTERISK_ROOT` (default `/var/cache/pbxgen/asterisk-root`).
//!
//! The command line (`pbxgen verify DIR [--asterisk PATH]`, `render --verify`) is a thin
//! wrapper: it builds an [`instance::Asterisk`] ([`Asterisk::choose`]), calls
//! [`verify_against_model`] (which is [`verify_dir`] with the model's prediction for the Asterisk
//! version that ran), prints the report (it is `serde::Serialize`), and exits 0 when
//! [`VerifyReport::is_clean`], 1 when not, 2 on an `Err`.

pub mod classify;
pub mod instance;
pub mod log;
pub mod objects;
pub mod predict;
pub mod report;
pub mod text;

pub use instance::{Asterisk, Instance, InstanceOptions};
pub use objects::{Comparison, ObjectKind, ObjectSets, compare};
pub use predict::{Prediction, predict, predict_dir};
pub use report::{Finding, VerifyReport};

use std::path::Path;

/// What [`verify_dir`] does besides loading the directory.
#[derive(Clone, Debug, Default)]
pub struct VerifyOptions {
    /// The instance's settings (boot timeout, /etc/hosts entries, keeping its directory).
    pub instance: InstanceOptions,
    /// Compare Asterisk's objects with this prediction (see [`predict_dir`]).
    pub prediction: Option<Prediction>,
}

/// Load `dir` (an /etc/asterisk-like directory) into a throwaway instance of `asterisk`, collect
/// its log and objects, stop it, and report.
pub fn verify_dir(
    dir: &Path,
    asterisk: &Asterisk,
    opts: &VerifyOptions,
) -> crate::Result<VerifyReport> {
    let mut instance = Instance::start(asterisk, dir, &opts.instance)?;
    let objects = objects::collect(&instance, opts.prediction.as_ref().map(|p| &p.objects))?;
    let version = instance.version().unwrap_or_default();
    instance.stop();
    let entries = instance.log()?;
    let mut report = report::build(
        dir,
        instance.config_files(),
        &entries,
        objects,
        opts.prediction.as_ref(),
    );
    report.asterisk = report::AsteriskInfo {
        version,
        binary: asterisk.binary().display().to_string(),
        root: asterisk.root().map(|r| r.display().to_string()),
    };
    report.boot_seconds = instance.boot_time().as_secs_f64();
    report.replaced = instance.replaced().to_vec();
    Ok(report)
}

/// [`verify_dir`], compared with what pbxgen's model of `dir` predicts for the major version of
/// the Asterisk that ran (read from `core show version`; the model's defaults when it cannot be
/// read). What `pbxgen verify` and `render --verify` report.
pub fn verify_against_model(
    dir: &Path,
    asterisk: &Asterisk,
    instance: &InstanceOptions,
) -> crate::Result<VerifyReport> {
    // A first prediction, before the version is known: it only helps read Asterisk's lists
    // (names longer than their columns).
    let hints = predict_dir(dir, None)?;
    let mut report = verify_dir(
        dir,
        asterisk,
        &VerifyOptions {
            instance: instance.clone(),
            prediction: Some(hints),
        },
    )?;
    if let Some(major) = major_version(&report.asterisk.version) {
        let prediction = predict_dir(dir, Some(major))?;
        report.comparison = Some(compare(&report.objects, &prediction.objects));
        report.prediction = Some(prediction);
    }
    excuse_environment(&mut report);
    Ok(report)
}

/// Predicted objects Asterisk did not load because of the throwaway instance — an environment
/// message names them (`Could not create an object of type 'transport' with id 'tls'` after a
/// TLS file that is not in the directory) — are moved from `predicted_only` to `environment`:
/// they load on the PBX, where the files and DNS are.
fn excuse_environment(report: &mut VerifyReport) {
    let Some(comparison) = &mut report.comparison else {
        return;
    };
    for finding in &report.environment {
        let Some((kind, id)) = finding.object.as_deref().and_then(|o| o.split_once(' ')) else {
            continue;
        };
        let id = id.trim_matches('\'');
        let Some(k) = comparison
            .kinds
            .iter_mut()
            .find(|k| k.kind.pjsip_type() == Some(kind))
        else {
            continue;
        };
        if let Some(i) = k.predicted_only.iter().position(|p| p == id) {
            let name = k.predicted_only.remove(i);
            k.environment.push(name);
        }
    }
}

/// The major version in `core show version`'s first line (`Asterisk 22.10.1 built by …` → 22).
pub fn major_version(version: &str) -> Option<u32> {
    let rest = version.trim().strip_prefix("Asterisk ")?;
    let major: String = rest.chars().take_while(char::is_ascii_digit).collect();
    major.parse().ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_major_version_of_core_show_version() {
        use super::major_version;
        assert_eq!(
            major_version("Asterisk 22.10.1 built by buildd @ x on a x86_64 running Linux"),
            Some(22)
        );
        assert_eq!(major_version("Asterisk 20.20.1"), Some(20));
        assert_eq!(major_version("Asterisk GIT-master-abc"), None);
        assert_eq!(major_version(""), None);
    }
}
