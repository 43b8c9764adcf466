//! Safe file writing shared by `render`, `templates export` and `twilio refresh`, and bounded
//! reading of every file pbxgen reads from the user (configs, profiles, presets, `${file:}`
//! secrets).
//!
//! **Reading.** A file is opened without blocking (`O_NONBLOCK`: a FIFO never hangs the
//! process), its type is checked on the opened descriptor (only regular files are read: not a
//! FIFO, device, socket or directory), and it is read through a limit that holds even when the
//! file grows while it is read (`/dev/zero`, a log being written). The limits ([`ReadLimits`])
//! are generous for provider-scale configurations and can be raised from the command line.
//!
//! A run must never leave a half-written or truncated config, nor a mix of old and new files
//! once the next run has looked at the directory. A [`Batch`] replaces files in *one*
//! directory, all or none, even across a `kill -9` or a power cut:
//!
//! 1. Under an exclusive lock on the directory, an earlier interrupted batch is finished first
//!    ([`recover`]): completed if its journal was written, else its temporary files removed.
//! 2. Every file is written to a temporary file in the same directory (so `rename` is atomic),
//!    created with `O_EXCL` and mode 0600 — unreadable to anyone else whatever it holds — and
//!    fsynced. Its owner and group are set to the final ones (those of the file it replaces;
//!    for a new file, the directory's group).
//! 3. The journal `.pbxgen-batch` (every temp → target pair, with the final mode) is written
//!    and fsynced, with the directory: from here the batch is committed.
//! 4. Each temp gets its final mode, just before it is renamed over its target.
//! 5. The directory is fsynced and the journal removed.
//!
//! [`Batch::prepare`] does steps 1 and 2 and holds the lock; [`Prepared::commit`] does the rest,
//! so a caller can write the files while it still decides whether to replace them (dropping
//! the [`Prepared`] removes the temps).
//!
//! A crash before step 3 leaves every old file as it was (the next run removes the temps); a
//! crash after it leaves a journal that the next run completes (roll forward) before doing
//! anything else. Commands that write nothing report an interrupted batch
//! ([`interrupted_batch`]) without repairing it.
//!
//! Modes are never loosened ([`kept_mode`]). Writing through a symlink is refused: a link in
//! /etc/asterisk pointing elsewhere is a surprise an admin should resolve by hand.

use crate::diag::Error;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::RwLock;

/// Mode for files that hold no secret.
pub const MODE_PUBLIC: u32 = 0o644;
/// Mode for files holding secrets (group-readable so an `asterisk` group can read them).
pub const MODE_SECRET: u32 = 0o640;
/// Mode for files holding secrets with `--private`.
pub const MODE_PRIVATE: u32 = 0o600;
/// Mode for directories pbxgen creates.
pub const MODE_DIR: u32 = 0o750;
/// Mode of every temporary file until just before its rename.
const MODE_TEMP: u32 = 0o600;

/// The journal of a batch in progress, in the directory it writes to.
pub const JOURNAL: &str = ".pbxgen-batch";
/// How temporary files end (`.<target>.<random>.pbxgen-tmp`).
pub const TEMP_SUFFIX: &str = ".pbxgen-tmp";
/// The first line of a journal.
const JOURNAL_HEADER: &str = "pbxgen-batch 1";

/// The mode a file gets when `wanted` is pbxgen's mode for it and `existing` the mode of the
/// file it replaces: never looser than either. The owner keeps read and write; the group and
/// others get only the bits both allow. So an admin's stricter 0600 stays 0600, a secret file
/// left 0644 becomes 0640, and a new file gets `wanted`.
pub fn kept_mode(existing: Option<u32>, wanted: u32) -> u32 {
    match existing {
        Some(existing) => 0o600 | (existing & wanted & 0o077),
        None => wanted,
    }
}

/// Who owns the files a batch writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ownership {
    /// Keep the owner and group of each file replaced; new files get the directory's group.
    /// Refuse (before anything is renamed) when that is not allowed, e.g. not running as root.
    #[default]
    Keep,
    /// Like `Keep` where allowed; otherwise the files are owned by whoever runs pbxgen.
    KeepIfAllowed,
}

/// One file to write. The contents are borrowed: a provider's rendered files are tens of
/// megabytes, not worth a copy.
#[derive(Debug, Clone)]
pub struct PendingFile<'a> {
    pub path: PathBuf,
    pub contents: &'a [u8],
    /// pbxgen's mode for the file (see [`kept_mode`] for the one it gets).
    pub mode: u32,
}

/// What a batch did, beyond the files it was given.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Committed {
    /// What was done about an earlier interrupted batch, if there was one.
    pub recovered: Option<Recovery>,
    /// Files whose owner or group could not be kept ([`Ownership::KeepIfAllowed`]).
    pub ownership_not_kept: Vec<PathBuf>,
}

/// A set of files replaced all together or not at all.
#[derive(Debug, Default)]
pub struct Batch<'a> {
    files: Vec<PendingFile<'a>>,
    ownership: Ownership,
}

impl<'a> Batch<'a> {
    pub fn new() -> Self {
        Batch::default()
    }

    /// How owners and groups are kept (default [`Ownership::Keep`]).
    pub fn ownership(mut self, ownership: Ownership) -> Self {
        self.ownership = ownership;
        self
    }

    pub fn add(
        &mut self,
        path: impl Into<PathBuf>,
        contents: &'a (impl AsRef<[u8]> + ?Sized),
        mode: u32,
    ) {
        self.files.push(PendingFile {
            path: path.into(),
            contents: contents.as_ref(),
            mode,
        });
    }

    pub fn files(&self) -> &[PendingFile<'a>] {
        &self.files
    }

    /// Replace every file (see the module documentation for the steps). On any failure before
    /// the journal is written, every temp is removed and no target has changed.
    pub fn commit(self) -> Result<Committed, Error> {
        self.prepare()?.commit()
    }

    /// Steps 1 and 2: under the directory's lock (held until the result is committed or
    /// dropped), finish an earlier interrupted batch and write every temp. Nothing is replaced
    /// yet: [`Prepared::commit`] does that; dropping the result removes the temps, so the
    /// files can be written while the caller still decides whether to replace them.
    pub fn prepare(self) -> Result<Prepared, Error> {
        let Some(first) = self.files.first() else {
            return Ok(Prepared::default());
        };
        let dir = parent_dir(&first.path).to_path_buf();
        for file in &self.files {
            if parent_dir(&file.path) != dir {
                return Err(Error::invalid(format!(
                    "{}: a batch writes into one directory ({})",
                    file.path.display(),
                    dir.display()
                )));
            }
            check_name(&file.path)?;
        }
        let lock = DirLock::take(&dir)?;
        let recovered = recover_locked(&dir)?;
        let mut committed = Committed {
            recovered,
            ownership_not_kept: Vec::new(),
        };
        let mut temps = Vec::with_capacity(self.files.len());
        for file in &self.files {
            // On error, dropping `temps` deletes every temp written so far.
            let temp = write_temp(file, &dir, self.ownership, &mut committed)?;
            temps.push(temp);
        }
        Ok(Prepared {
            temps,
            locked: Some((dir, lock)),
            committed,
        })
    }
}

/// A batch whose temps are written and fsynced, under the directory's lock, and which has
/// replaced nothing yet ([`Batch::prepare`]). Dropped without [`Prepared::commit`], it removes
/// its temps and releases the lock: every target is as it was.
#[derive(Debug, Default)]
pub struct Prepared {
    /// Declared first: dropped first, so the temps go while the lock is still held.
    temps: Vec<Temp>,
    /// The directory and its lock (none for an empty batch).
    locked: Option<(PathBuf, DirLock)>,
    committed: Committed,
}

impl Prepared {
    /// Steps 3 to 5: the journal, then every rename (see the module documentation).
    pub fn commit(self) -> Result<Committed, Error> {
        let Prepared {
            temps,
            locked,
            committed,
        } = self;
        let Some((dir, _lock)) = locked else {
            return Ok(committed);
        };
        let entries: Vec<JournalEntry> = temps
            .iter()
            .map(|t| JournalEntry {
                temp: file_name(t.file.path()),
                target: file_name(&t.target),
                mode: t.mode,
            })
            .collect();
        write_journal(&dir, &entries)?;
        // Committed: from here on the temps belong to the journal, errors or not.
        let temps: Vec<(fs::File, PathBuf, PathBuf, u32)> = temps
            .into_iter()
            .map(|t| {
                let (file, path) = t.file.keep().map_err(|e| Error::io(&t.target, &e.error))?;
                Ok((file, path, t.target, t.mode))
            })
            .collect::<Result<_, Error>>()?;
        for (file, temp, target, mode) in temps {
            set_mode(&file, mode).map_err(|e| Error::io(&target, &e))?;
            drop(file);
            fs::rename(&temp, &target).map_err(|e| Error::io(&target, &e))?;
        }
        sync_dir(&dir)?;
        remove_journal(&dir)?;
        Ok(committed)
    }
}

/// Write one file atomically (a batch of one).
pub fn write_atomic(path: &Path, contents: &[u8], mode: u32) -> Result<Committed, Error> {
    let mut batch = Batch::new();
    batch.add(path, contents, mode);
    batch.commit()
}

/// Create `dir` (and parents) with mode 0750 when it does not exist.
pub fn create_dir(dir: &Path) -> Result<(), Error> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(MODE_DIR);
    }
    builder.create(dir).map_err(|e| Error::io(dir, &e))
}

/// What finishing an interrupted batch did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recovery {
    /// Its journal was written: the `renamed` files it had not yet replaced were replaced.
    RolledForward { renamed: usize, of: usize },
    /// It stopped before its journal: its `removed` temporary files were removed, and every
    /// target is as it was before it.
    RolledBack { removed: usize },
}

impl std::fmt::Display for Recovery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Recovery::RolledForward { renamed, of } => write!(
                f,
                "completed an interrupted batch ({renamed} of its {of} files were still to be replaced)"
            ),
            Recovery::RolledBack { removed } => write!(
                f,
                "removed {removed} temporary file(s) of an interrupted batch that had replaced nothing"
            ),
        }
    }
}

/// Finish an interrupted batch in `dir`, if there is one (see the module documentation).
pub fn recover(dir: &Path) -> Result<Option<Recovery>, Error> {
    if !dir.is_dir() {
        return Ok(None);
    }
    let _lock = DirLock::take(dir)?;
    recover_locked(dir)
}

/// What an interrupted batch left in `dir`, described for people, without changing anything
/// (`render --check`, `--diff`, `--dry-run`). `None` when there is nothing.
pub fn interrupted_batch(dir: &Path) -> Result<Option<String>, Error> {
    if !dir.is_dir() {
        return Ok(None);
    }
    let temps = leftover_temps(dir)?;
    let journal = dir.join(JOURNAL);
    if journal.exists() {
        let entries = read_journal(dir)?;
        let pending = entries
            .iter()
            .filter(|e| dir.join(&e.temp).exists())
            .count();
        return Ok(Some(format!(
            "{}: an interrupted pbxgen batch: {pending} of its {} files are not yet replaced, so old and new files are mixed; the next `pbxgen render` into this directory completes it",
            dir.display(),
            entries.len()
        )));
    }
    if !temps.is_empty() {
        return Ok(Some(format!(
            "{}: {} temporary file(s) of an interrupted pbxgen run (nothing was replaced); the next `pbxgen render` into this directory removes them",
            dir.display(),
            temps.len()
        )));
    }
    Ok(None)
}

// ---------------------------------------------------------------------------------------------

#[derive(Debug)]
struct Temp {
    file: tempfile::NamedTempFile,
    target: PathBuf,
    mode: u32,
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Names go into the journal one per line, separated by tabs.
fn check_name(path: &Path) -> Result<(), Error> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.is_empty() || name.contains(['\n', '\r', '\t']) || name == JOURNAL {
        return Err(Error::invalid(format!(
            "{}: expected a file name without line breaks or tabs",
            path.display()
        )));
    }
    Ok(())
}

fn write_temp(
    file: &PendingFile,
    dir: &Path,
    ownership: Ownership,
    committed: &mut Committed,
) -> Result<Temp, Error> {
    let target = &file.path;
    let existing = match fs::symlink_metadata(target) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(Error::invalid(format!(
                "{}: refusing to write through a symbolic link; replace it with a regular file or write elsewhere",
                target.display()
            )));
        }
        Ok(meta) if meta.is_dir() => {
            return Err(Error::invalid(format!(
                "{}: is a directory, expected a file",
                target.display()
            )));
        }
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io(target, &e)),
    };
    let name = file_name(target);
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(TEMP_SUFFIX)
        .permissions(permissions(MODE_TEMP))
        .tempfile_in(dir)
        .map_err(|e| Error::io(target, &e))?;
    // The umask may have taken bits away, never added any; be explicit all the same.
    set_mode(temp.as_file(), MODE_TEMP).map_err(|e| Error::io(target, &e))?;
    let mode = kept_mode(existing.as_ref().and_then(permission_bits), file.mode);
    keep_owner(&temp, target, dir, existing.as_ref(), ownership, committed)?;
    temp.write_all(file.contents)
        .map_err(|e| Error::io(target, &e))?;
    temp.as_file()
        .sync_all()
        .map_err(|e| Error::io(target, &e))?;
    Ok(Temp {
        file: temp,
        target: target.clone(),
        mode,
    })
}

/// Give the temp the owner and group of the file it replaces (a new file: the directory's
/// group). Done while the temp is still 0600, so nobody else can read it meanwhile.
#[cfg(unix)]
fn keep_owner(
    temp: &tempfile::NamedTempFile,
    target: &Path,
    dir: &Path,
    existing: Option<&fs::Metadata>,
    ownership: Ownership,
    committed: &mut Committed,
) -> Result<(), Error> {
    use std::os::unix::fs::MetadataExt;
    let (uid, gid) = match existing {
        Some(meta) => (Some(meta.uid()), meta.gid()),
        None => {
            let dir_meta = fs::metadata(dir).map_err(|e| Error::io(dir, &e))?;
            (None, dir_meta.gid())
        }
    };
    let current = temp
        .as_file()
        .metadata()
        .map_err(|e| Error::io(target, &e))?;
    if uid.is_none_or(|u| u == current.uid()) && gid == current.gid() {
        return Ok(());
    }
    match std::os::unix::fs::fchown(temp.as_file(), uid, Some(gid)) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => match ownership {
            Ownership::KeepIfAllowed => {
                committed.ownership_not_kept.push(target.to_path_buf());
                Ok(())
            }
            Ownership::Keep => Err(Error::invalid(format!(
                "{}: cannot keep its owner and group ({}:{}) when writing as user {}; nothing was written",
                target.display(),
                uid.unwrap_or(current.uid()),
                gid,
                current.uid()
            ))
            .with_hint(
                "run pbxgen as root or as the file's owner (a member of its group), or pass `--force-owner` to write files owned by you (Asterisk may then be unable to read them)",
            )),
        },
        Err(e) => Err(Error::io(target, &e)),
    }
}

#[cfg(not(unix))]
fn keep_owner(
    _temp: &tempfile::NamedTempFile,
    _target: &Path,
    _dir: &Path,
    _existing: Option<&fs::Metadata>,
    _ownership: Ownership,
    _committed: &mut Committed,
) -> Result<(), Error> {
    Ok(())
}

#[cfg(unix)]
fn permissions(mode: u32) -> fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    fs::Permissions::from_mode(mode)
}

#[cfg(not(unix))]
fn permissions(_mode: u32) -> fs::Permissions {
    fs::metadata(".")
        .map(|m| m.permissions())
        .unwrap_or_else(|_| unreachable!("the current directory exists"))
}

#[cfg(unix)]
fn set_mode(file: &fs::File, mode: u32) -> std::io::Result<()> {
    file.set_permissions(permissions(mode))
}

#[cfg(not(unix))]
fn set_mode(_file: &fs::File, _mode: u32) -> std::io::Result<()> {
    Ok(())
}

/// The permission bits of a file (`None` where there are none).
#[cfg(unix)]
pub fn permission_bits(meta: &fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    Some(meta.permissions().mode() & 0o777)
}

#[cfg(not(unix))]
pub fn permission_bits(_meta: &fs::Metadata) -> Option<u32> {
    None
}

fn sync_dir(dir: &Path) -> Result<(), Error> {
    // Some file systems cannot fsync a directory; the renames are still atomic there.
    if let Ok(handle) = fs::File::open(dir) {
        let _ = handle.sync_all();
    }
    Ok(())
}

/// An exclusive advisory lock on a directory, held while a batch runs in it: two pbxgen runs
/// writing the same directory wait for each other instead of mixing their files.
#[derive(Debug)]
struct DirLock {
    /// Held for its lock, released when the descriptor is closed.
    _handle: fs::File,
}

impl DirLock {
    fn take(dir: &Path) -> Result<DirLock, Error> {
        let handle = fs::File::open(dir).map_err(|e| Error::io(dir, &e))?;
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd;
            // SAFETY: flock on a descriptor this function owns; no memory is involved.
            let rc = unsafe { libc::flock(handle.as_raw_fd(), libc::LOCK_EX) };
            if rc != 0 {
                return Err(Error::io(dir, &std::io::Error::last_os_error()));
            }
        }
        Ok(DirLock { _handle: handle })
    }
}

struct JournalEntry {
    temp: String,
    target: String,
    mode: u32,
}

fn write_journal(dir: &Path, entries: &[JournalEntry]) -> Result<(), Error> {
    let mut text = format!("{JOURNAL_HEADER}\n");
    for e in entries {
        text.push_str(&format!("{:o}\t{}\t{}\n", e.mode, e.temp, e.target));
    }
    let path = dir.join(JOURNAL);
    // The journal itself appears whole or not at all: written under a temp name (which a
    // later run sweeps away like any temp), fsynced, renamed, and the directory fsynced.
    let mut temp = tempfile::Builder::new()
        .prefix(&format!("{JOURNAL}."))
        .suffix(TEMP_SUFFIX)
        .permissions(permissions(MODE_TEMP))
        .tempfile_in(dir)
        .map_err(|e| Error::io(&path, &e))?;
    temp.write_all(text.as_bytes())
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| Error::io(&path, &e))?;
    temp.persist(&path)
        .map_err(|e| Error::io(&path, &e.error))?;
    sync_dir(dir)
}

fn read_journal(dir: &Path) -> Result<Vec<JournalEntry>, Error> {
    let path = dir.join(JOURNAL);
    let text = fs::read_to_string(&path).map_err(|e| Error::io(&path, &e))?;
    let mut lines = text.lines();
    let corrupt = || {
        Error::invalid(format!(
            "{}: not a pbxgen batch journal this version can read",
            path.display()
        ))
        .with_hint("look at the files it names; remove it once the directory is as it should be")
    };
    if lines.next() != Some(JOURNAL_HEADER) {
        return Err(corrupt());
    }
    lines
        .map(|line| {
            let mut parts = line.split('\t');
            let (Some(mode), Some(temp), Some(target), None) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Err(corrupt());
            };
            let mode = u32::from_str_radix(mode, 8).map_err(|_| corrupt())?;
            let plain =
                |name: &str| !name.is_empty() && !name.contains('/') && name != "." && name != "..";
            if !plain(temp) || !plain(target) || !temp.ends_with(TEMP_SUFFIX) || mode > 0o777 {
                return Err(corrupt());
            }
            Ok(JournalEntry {
                temp: temp.to_string(),
                target: target.to_string(),
                mode,
            })
        })
        .collect()
}

fn remove_journal(dir: &Path) -> Result<(), Error> {
    let path = dir.join(JOURNAL);
    fs::remove_file(&path).map_err(|e| Error::io(&path, &e))?;
    sync_dir(dir)
}

/// Temporary files pbxgen left in `dir` (`.<name>.<random>.pbxgen-tmp`).
fn leftover_temps(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| Error::io(dir, &e))? {
        let entry = entry.map_err(|e| Error::io(dir, &e))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') && name.ends_with(TEMP_SUFFIX) {
            out.push(entry.path());
        }
    }
    out.sort();
    Ok(out)
}

fn recover_locked(dir: &Path) -> Result<Option<Recovery>, Error> {
    let mut recovery = None;
    if dir.join(JOURNAL).exists() {
        let entries = read_journal(dir)?;
        let mut renamed = 0;
        for entry in &entries {
            let temp = dir.join(&entry.temp);
            let target = dir.join(&entry.target);
            if !temp.exists() {
                // Renamed before the interruption.
                continue;
            }
            let file = fs::File::open(&temp).map_err(|e| Error::io(&temp, &e))?;
            set_mode(&file, entry.mode).map_err(|e| Error::io(&temp, &e))?;
            drop(file);
            fs::rename(&temp, &target).map_err(|e| Error::io(&target, &e))?;
            renamed += 1;
        }
        sync_dir(dir)?;
        remove_journal(dir)?;
        recovery = Some(Recovery::RolledForward {
            renamed,
            of: entries.len(),
        });
    }
    let temps = leftover_temps(dir)?;
    for temp in &temps {
        fs::remove_file(temp).map_err(|e| Error::io(temp, &e))?;
    }
    if !temps.is_empty() {
        sync_dir(dir)?;
        if recovery.is_none() {
            recovery = Some(Recovery::RolledBack {
                removed: temps.len(),
            });
        }
    }
    Ok(recovery)
}
// ---------------------------------------------------------------------------------------------
// Reading

/// What a read limit applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Limit {
    /// One configuration file an audit reads (top-level or `#include`d).
    ConfigFile,
    /// All the files one audited tree reads together.
    ConfigTree,
    /// A site profile or a preset file (YAML).
    Profile,
    /// The file a `${file:PATH}` secret reads.
    Secret,
}

impl Limit {
    pub const ALL: [Limit; 4] = [
        Limit::ConfigFile,
        Limit::ConfigTree,
        Limit::Profile,
        Limit::Secret,
    ];

    /// The name used in `--limit NAME=SIZE`.
    pub fn name(self) -> &'static str {
        match self {
            Limit::ConfigFile => "config-file",
            Limit::ConfigTree => "config-tree",
            Limit::Profile => "profile",
            Limit::Secret => "secret",
        }
    }

    /// What it limits, for messages.
    pub fn what(self) -> &'static str {
        match self {
            Limit::ConfigFile => "a config file",
            Limit::ConfigTree => "all the files of one audited tree",
            Limit::Profile => "a profile or preset",
            Limit::Secret => "a `${file:}` secret",
        }
    }

    /// The default: a provider's pjsip.conf of 100,000 endpoints is about 30 MiB and its site
    /// profile about 12 MiB; a secret is a line.
    pub const fn default_bytes(self) -> u64 {
        match self {
            Limit::ConfigFile => 64 << 20,
            Limit::ConfigTree => 1 << 30,
            Limit::Profile => 64 << 20,
            Limit::Secret => 64 << 10,
        }
    }
}

/// How much pbxgen reads at most, per kind of file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadLimits {
    bytes: [u64; 4],
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            bytes: Limit::ALL.map(Limit::default_bytes),
        }
    }
}

impl ReadLimits {
    pub fn get(&self, limit: Limit) -> u64 {
        self.bytes[limit as usize]
    }

    pub fn set(&mut self, limit: Limit, bytes: u64) {
        self.bytes[limit as usize] = bytes;
    }

    /// Apply one `NAME=SIZE` setting (`config-file=256MiB`).
    pub fn apply(&mut self, setting: &str) -> Result<(), Error> {
        let names = || {
            Limit::ALL
                .iter()
                .map(|l| l.name())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let Some((name, size)) = setting.split_once('=') else {
            return Err(Error::invalid(format!(
                "expected NAME=SIZE for a read limit, found `{setting}`"
            ))
            .with_hint(format!(
                "NAME is one of {}; e.g. config-file=256MiB",
                names()
            )));
        };
        let Some(&limit) = Limit::ALL.iter().find(|l| l.name() == name.trim()) else {
            return Err(Error::invalid(format!(
                "unknown read limit `{}`, expected one of {}",
                name.trim(),
                names()
            )));
        };
        self.set(limit, parse_size(size.trim())?);
        Ok(())
    }
}

/// The limits in force: the defaults unless the command line set others.
static LIMITS: RwLock<ReadLimits> = RwLock::new(ReadLimits {
    bytes: [
        Limit::ConfigFile.default_bytes(),
        Limit::ConfigTree.default_bytes(),
        Limit::Profile.default_bytes(),
        Limit::Secret.default_bytes(),
    ],
});

/// The read limits in force (set once, at start-up, by the command line).
pub fn read_limits() -> ReadLimits {
    *LIMITS.read().unwrap_or_else(|e| e.into_inner())
}

/// Set the read limits for the rest of the process.
pub fn set_read_limits(limits: ReadLimits) {
    *LIMITS.write().unwrap_or_else(|e| e.into_inner()) = limits;
}

/// `65536`, `64KiB`, `64K`, `64 MiB`, `1GiB`, `1G` (units are powers of 1024; `B` optional).
pub fn parse_size(text: &str) -> Result<u64, Error> {
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => u32::MAX,
    };
    number
        .parse::<u64>()
        .ok()
        .filter(|_| shift != u32::MAX)
        .and_then(|n| n.checked_mul(1u64.checked_shl(shift)?))
        .filter(|&n| n > 0)
        .ok_or_else(|| {
            Error::invalid(format!(
                "expected a size such as 64MiB or 1GiB, found `{text}`"
            ))
        })
}

/// `64 MiB`, `1 GiB`, `65536 bytes`.
pub fn format_size(bytes: u64) -> String {
    for (shift, unit) in [(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")] {
        if bytes >= 1 << shift && bytes % (1 << shift) == 0 {
            return format!("{} {unit}", bytes >> shift);
        }
    }
    format!("{bytes} bytes")
}

/// The error for input over its limit: names the file, the limit and how to raise it.
pub fn too_large(path: &Path, limit: Limit, max: u64) -> Error {
    Error::invalid(format!(
        "{}: larger than the {} limit for {}",
        path.display(),
        format_size(max),
        limit.what()
    ))
    .with_hint(format!(
        "raise it with `--limit {}=SIZE` (or PBXGEN_LIMITS={}=SIZE), e.g. {}",
        limit.name(),
        limit.name(),
        format_size(max.saturating_mul(4)).replace(' ', "")
    ))
}

/// What kind of file a non-regular file is, for messages.
pub fn file_type_name(file_type: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else if file_type.is_symlink() {
        "a symbolic link"
    } else if file_type.is_file() {
        "a regular file"
    } else {
        "not a regular file"
    }
}

/// Why a file could not be opened for reading.
#[derive(Debug)]
pub enum OpenError {
    Io(std::io::Error),
    /// It is not a regular file (the kind, from [`file_type_name`]).
    NotRegular(&'static str),
}

impl OpenError {
    /// The error for `path`.
    pub fn at(&self, path: &Path) -> Error {
        match self {
            OpenError::Io(e) => Error::io(path, e),
            OpenError::NotRegular(kind) => Error::invalid(format!(
                "{}: is {kind}, expected a regular file",
                path.display()
            )),
        }
    }
}

/// Open `path` for reading without ever blocking, and only if it is a regular file (checked on
/// the opened descriptor, so the answer is about the file that will be read). With
/// `follow_links` false, a symbolic link as the last component is refused (`O_NOFOLLOW`).
pub fn open_regular(path: &Path, follow_links: bool) -> Result<fs::File, OpenError> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let mut flags = libc::O_NONBLOCK | libc::O_CLOEXEC | libc::O_NOCTTY;
        if !follow_links {
            flags |= libc::O_NOFOLLOW;
        }
        options.custom_flags(flags);
    }
    let file = options.open(path).map_err(OpenError::Io)?;
    let file_type = file.metadata().map_err(OpenError::Io)?.file_type();
    if !file_type.is_file() {
        return Err(OpenError::NotRegular(file_type_name(&file_type)));
    }
    Ok(file)
}

/// Read an opened file to its end, but never more than `max` bytes: a file that is (or grows)
/// larger is refused with [`too_large`].
pub fn read_limited(
    file: &mut fs::File,
    path: &Path,
    limit: Limit,
    max: u64,
) -> Result<Vec<u8>, Error> {
    let expected = size_within(file, path, limit, max)?;
    read_to_limit(file, path, limit, max, expected)
}

/// The size an opened file says it has (0 when it says none), refused with [`too_large`] when
/// over `max`.
fn size_within(file: &fs::File, path: &Path, limit: Limit, max: u64) -> Result<u64, Error> {
    let expected = file.metadata().map(|m| m.len()).unwrap_or(0);
    if expected > max {
        return Err(too_large(path, limit, max));
    }
    Ok(expected)
}

/// The rest of [`read_limited`], `expected` being the size the file said it had.
fn read_to_limit(
    file: &mut fs::File,
    path: &Path,
    limit: Limit,
    max: u64,
    expected: u64,
) -> Result<Vec<u8>, Error> {
    let mut bytes = Vec::with_capacity(expected as usize);
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, &e))?;
    if bytes.len() as u64 > max {
        return Err(too_large(path, limit, max));
    }
    Ok(bytes)
}

/// [`read_limited`] into the shared buffer the bytes are kept in. A file as large as its size
/// says is read straight into that buffer: a large configuration file is neither copied from
/// one buffer into another nor held twice in fresh memory (the 1M-line tree audit: 0.95 wall
/// in paired runs). A file of unknown size (0) or one that changes size while read is read
/// again from its start the plain way.
pub fn read_limited_shared(
    file: &mut fs::File,
    path: &Path,
    limit: Limit,
    max: u64,
) -> Result<std::sync::Arc<[u8]>, Error> {
    use std::io::{Seek, SeekFrom};
    let expected = size_within(file, path, limit, max)?;
    if expected > 0 {
        match read_exactly(file, expected as usize) {
            Ok(Some(bytes)) => return Ok(bytes),
            Ok(None) => {
                file.seek(SeekFrom::Start(0))
                    .map_err(|e| Error::io(path, &e))?;
            }
            Err(e) => return Err(Error::io(path, &e)),
        }
    }
    read_to_limit(file, path, limit, max, expected).map(std::sync::Arc::from)
}

/// The next `len` bytes of `reader`, and only if they are all there is: `None` when it ends
/// sooner or has more.
fn read_exactly(
    reader: &mut impl Read,
    len: usize,
) -> std::io::Result<Option<std::sync::Arc<[u8]>>> {
    // Collected from a length-exact iterator: one allocation, written in place.
    let mut bytes: std::sync::Arc<[u8]> = std::iter::repeat_n(0u8, len).collect();
    let buf = std::sync::Arc::get_mut(&mut bytes).expect("a new buffer is not shared");
    let mut filled = 0;
    let mut past_end = [0u8; 1];
    loop {
        let into = if filled < buf.len() {
            &mut buf[filled..]
        } else {
            // One byte more: there must be none.
            &mut past_end[..]
        };
        match reader.read(into) {
            Ok(0) if filled == buf.len() => return Ok(Some(bytes)),
            Ok(0) => return Ok(None),
            Ok(_) if filled == buf.len() => return Ok(None),
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Read a file the user named (a profile, a preset, a secret): a regular file, symbolic links
/// followed, at most the limit in force for `limit`.
pub fn read_file(path: &Path, limit: Limit) -> Result<Vec<u8>, Error> {
    let mut file = open_regular(path, true).map_err(|e| e.at(path))?;
    read_limited(&mut file, path, limit, read_limits().get(limit))
}

/// [`read_file`] as UTF-8 text.
pub fn read_text(path: &Path, limit: Limit) -> Result<String, Error> {
    String::from_utf8(read_file(path, limit)?).map_err(|_| {
        Error::invalid(format!(
            "{}: stream did not contain valid UTF-8",
            path.display()
        ))
    })
}

/// THE secret file reader: a `${file:PATH}` secret of a profile and the webhook server's
/// `--token-file` are read the same way — a regular file within the secret read limit
/// ([`Limit::Secret`]), UTF-8, one trailing newline (`\n` or `\r\n`) removed. Errors name the
/// file, never its content.
pub fn read_secret(path: &Path) -> Result<String, Error> {
    let mut value = read_text(path, Limit::Secret)?;
    if value.ends_with('\n') {
        value.pop();
        if value.ends_with('\r') {
            value.pop();
        }
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn batch_replaces_all_files() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.conf");
        let b = dir.path().join("b.conf");
        fs::write(&a, "old a").unwrap();
        let mut batch = Batch::new();
        batch.add(&a, "new a", MODE_SECRET);
        batch.add(&b, "new b", MODE_PUBLIC);
        batch.commit().unwrap();
        assert_eq!(fs::read_to_string(&a).unwrap(), "new a");
        assert_eq!(fs::read_to_string(&b).unwrap(), "new b");
        #[cfg(unix)]
        {
            // `a` was 0644 (the umask's default): a secret file is tightened to 0640.
            assert_eq!(mode(&a), 0o640);
            assert_eq!(mode(&b) & 0o600, 0o600);
        }
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 2, "no journal, no temp left behind");
    }

    #[test]
    fn batch_failure_leaves_every_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.conf");
        fs::write(&a, "old a").unwrap();
        // The second target is a directory: its temp is refused after the first was written.
        fs::create_dir(dir.path().join("b.conf")).unwrap();
        let mut batch = Batch::new();
        batch.add(&a, "new a", MODE_PUBLIC);
        batch.add(dir.path().join("b.conf"), "new b", MODE_PUBLIC);
        assert!(batch.commit().is_err());
        assert_eq!(fs::read_to_string(&a).unwrap(), "old a");
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 2, "no temp file may be left behind");
    }

    #[test]
    fn a_batch_writes_into_one_directory() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        let mut batch = Batch::new();
        batch.add(dir.path().join("a.conf"), "a", MODE_PUBLIC);
        batch.add(dir.path().join("sub/b.conf"), "b", MODE_PUBLIC);
        assert!(
            batch
                .commit()
                .unwrap_err()
                .message
                .contains("one directory")
        );
    }

    #[cfg(unix)]
    #[test]
    fn refuses_symlink_target() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.conf");
        fs::write(&real, "keep").unwrap();
        let link = dir.path().join("link.conf");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let err = write_atomic(&link, b"x", MODE_PUBLIC).unwrap_err();
        assert!(err.message.contains("symbolic link"), "{err}");
        assert_eq!(fs::read_to_string(&real).unwrap(), "keep");
    }

    #[test]
    fn modes_are_never_loosened() {
        assert_eq!(kept_mode(None, MODE_SECRET), 0o640);
        assert_eq!(kept_mode(Some(0o644), MODE_SECRET), 0o640);
        assert_eq!(kept_mode(Some(0o600), MODE_SECRET), 0o600);
        assert_eq!(kept_mode(Some(0o660), MODE_SECRET), 0o640);
        assert_eq!(kept_mode(Some(0o640), MODE_PUBLIC), 0o640);
        assert_eq!(kept_mode(Some(0o666), MODE_PUBLIC), 0o644);
        assert_eq!(kept_mode(Some(0o640), MODE_PRIVATE), 0o600);
        // The owner always keeps read and write.
        assert_eq!(kept_mode(Some(0o040), MODE_SECRET), 0o640);
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_stricter_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.conf");
        fs::write(&a, "old").unwrap();
        fs::set_permissions(&a, fs::Permissions::from_mode(0o600)).unwrap();
        write_atomic(&a, b"new", MODE_SECRET).unwrap();
        assert_eq!(mode(&a), 0o600);
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_owner_and_group() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.conf");
        fs::write(&a, "old").unwrap();
        let me = fs::metadata(&a).unwrap();
        // As root, give the file to another user and group, as /etc/asterisk's files are;
        // otherwise pbxgen must refuse to write what it cannot give back.
        let (uid, gid) = (me.uid() + 4242, me.gid() + 4242);
        if std::os::unix::fs::chown(&a, Some(uid), Some(gid)).is_ok() {
            write_atomic(&a, b"new", MODE_SECRET).unwrap();
            let after = fs::metadata(&a).unwrap();
            assert_eq!((after.uid(), after.gid()), (uid, gid));
            assert_eq!(fs::read_to_string(&a).unwrap(), "new");
        }
    }

    /// A crash after the journal: the next batch completes it first.
    #[test]
    fn an_interrupted_batch_is_rolled_forward() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.conf"), dir.path().join("b.conf"));
        fs::write(&a, "old a").unwrap();
        fs::write(&b, "old b").unwrap();
        // What a batch killed after renaming `a` leaves: `a` new, `b`'s temp, the journal.
        fs::write(&a, "new a").unwrap();
        let temp_b = dir.path().join(".b.conf.x1y2z3.pbxgen-tmp");
        fs::write(&temp_b, "new b").unwrap();
        write_journal(
            dir.path(),
            &[
                JournalEntry {
                    temp: ".a.conf.a1b2c3.pbxgen-tmp".into(),
                    target: "a.conf".into(),
                    mode: 0o640,
                },
                JournalEntry {
                    temp: ".b.conf.x1y2z3.pbxgen-tmp".into(),
                    target: "b.conf".into(),
                    mode: 0o640,
                },
            ],
        )
        .unwrap();
        let seen = interrupted_batch(dir.path()).unwrap().unwrap();
        assert!(
            seen.contains("1 of its 2 files are not yet replaced"),
            "{seen}"
        );
        // Looking does not repair.
        assert_eq!(fs::read_to_string(&b).unwrap(), "old b");
        assert_eq!(
            recover(dir.path()).unwrap(),
            Some(Recovery::RolledForward { renamed: 1, of: 2 })
        );
        assert_eq!(fs::read_to_string(&b).unwrap(), "new b");
        #[cfg(unix)]
        assert_eq!(mode(&b), 0o640);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
        assert_eq!(interrupted_batch(dir.path()).unwrap(), None);
    }

    /// A crash before the journal: the next batch removes the temps, the old files stay.
    #[test]
    fn temps_without_a_journal_are_rolled_back() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.conf");
        fs::write(&a, "old a").unwrap();
        fs::write(dir.path().join(".a.conf.q1w2e3.pbxgen-tmp"), "new a").unwrap();
        fs::write(dir.path().join(".pbxgen-batch.r4t5y6.pbxgen-tmp"), "half").unwrap();
        assert!(interrupted_batch(dir.path()).unwrap().is_some());
        let committed = write_atomic(&dir.path().join("c.conf"), b"c", MODE_PUBLIC).unwrap();
        assert_eq!(
            committed.recovered,
            Some(Recovery::RolledBack { removed: 2 })
        );
        assert_eq!(fs::read_to_string(&a).unwrap(), "old a");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn sizes_parse_and_print_in_binary_units() {
        assert_eq!(parse_size("65536").unwrap(), 65536);
        assert_eq!(parse_size("64KiB").unwrap(), 64 << 10);
        assert_eq!(parse_size("64 MiB").unwrap(), 64 << 20);
        assert_eq!(parse_size("1g").unwrap(), 1 << 30);
        for bad in ["", "0", "-1", "12XB", "MiB", "99999999999T"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
        assert_eq!(format_size(64 << 20), "64 MiB");
        assert_eq!(format_size(1 << 30), "1 GiB");
        assert_eq!(format_size(1000), "1000 bytes");
        let mut limits = ReadLimits::default();
        limits.apply("config-tree=2GiB").unwrap();
        assert_eq!(limits.get(Limit::ConfigTree), 2 << 30);
        assert!(
            limits
                .apply("tree=1")
                .unwrap_err()
                .message
                .contains("config-tree")
        );
    }

    #[test]
    fn reads_are_bounded_and_name_the_file_and_the_way_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.yaml");
        fs::write(&path, vec![b'x'; 2048]).unwrap();
        let mut file = open_regular(&path, true).unwrap();
        let err = read_limited(&mut file, &path, Limit::Profile, 1024).unwrap_err();
        assert!(
            err.message
                .contains("big.yaml: larger than the 1 KiB limit for a profile")
        );
        assert!(err.hint.unwrap().contains("--limit profile=SIZE"));
        let mut file = open_regular(&path, true).unwrap();
        assert_eq!(
            read_limited(&mut file, &path, Limit::Profile, 2048)
                .unwrap()
                .len(),
            2048
        );
    }

    /// Read into the shared buffer: the same bytes as the plain read, the same limits, and a
    /// file that grows or shrinks after its size was taken is read whole again.
    #[test]
    fn shared_reads_are_the_plain_reads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sip.conf");
        for len in [0usize, 1, 7, 4096, 100_000] {
            let text: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
            fs::write(&path, &text).unwrap();
            let mut file = open_regular(&path, true).unwrap();
            let shared = read_limited_shared(&mut file, &path, Limit::ConfigFile, 1 << 20);
            assert_eq!(&*shared.unwrap(), &text[..], "{len} bytes");
        }
        let mut file = open_regular(&path, true).unwrap();
        let err = read_limited_shared(&mut file, &path, Limit::ConfigFile, 1024).unwrap_err();
        assert!(err.message.contains("larger than the 1 KiB limit"), "{err}");

        // A file that grew or shrank after its size was taken is not taken as read: the
        // caller reads it again from its start.
        let text = b"[general]\nallowguest=no\n";
        let n = text.len();
        let exact = read_exactly(&mut std::io::Cursor::new(&text[..]), n).unwrap();
        assert_eq!(&*exact.unwrap(), &text[..]);
        assert!(
            read_exactly(&mut std::io::Cursor::new(&text[..]), n - 1)
                .unwrap()
                .is_none()
        );
        assert!(
            read_exactly(&mut std::io::Cursor::new(&text[..]), n + 1)
                .unwrap()
                .is_none()
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn endless_files_are_cut_at_the_limit() {
        // /dev/zero is a device: refused before reading. A regular file that grows while read
        // is bounded by the read itself, not by its size when opened.
        let err = read_file(Path::new("/dev/zero"), Limit::Secret).unwrap_err();
        assert!(err.message.contains("is a character device"), "{err}");
        let mut file = fs::File::open("/dev/zero").unwrap();
        let err = read_limited(&mut file, Path::new("/dev/zero"), Limit::Secret, 4096).unwrap_err();
        assert!(err.message.contains("larger than the 4 KiB limit"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn fifos_sockets_and_directories_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        // No writer: a blocking open would hang here.
        let err = read_file(&fifo, Limit::Profile).unwrap_err();
        assert!(
            err.message.contains("is a FIFO, expected a regular file"),
            "{err}"
        );
        let err = read_file(dir.path(), Limit::Profile).unwrap_err();
        assert!(err.message.contains("is a directory"), "{err}");
        let sock = dir.path().join("sock");
        let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
        let err = read_file(&sock, Limit::Profile).unwrap_err();
        // Opening a socket fails (ENXIO) before its type can be read: refused either way.
        assert!(err.message.contains("sock"), "{err}");
    }
}
