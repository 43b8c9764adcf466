//! Safe file writing shared by `render` and `twilio refresh`, and bounded reading of every file
//! pbxgen reads from the user (configs, profiles, presets, `${file:}` secrets).
//!
//! **Reading.** A file is opened without blocking (`O_NONBLOCK`: a FIFO never hangs the
//! process), its type is checked on the opened descriptor (only regular files are read: not a
//! FIFO, device, socket or directory), and it is read through a limit that holds even when the
//! file grows while it is read (`/dev/zero`, a log being written). The limits ([`ReadLimits`])
//! are generous for provider-scale configurations and can be raised from the command line.
//!
//! A failed run must never leave a half-written or truncated config. Every file is written to a
//! temporary file in the *same directory* (so the final `rename` is atomic on POSIX), fsynced,
//! given its final mode, and only then renamed over the target. A [`Batch`] writes *all* temps
//! first and renames only when every temp is complete, so either every file is replaced or none.
//! Writing through a symlink is refused: a link in /etc/asterisk pointing elsewhere is a surprise
//! an admin should resolve by hand.

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

/// One file to write. The contents are borrowed: a provider's rendered files are tens of
/// megabytes, not worth a copy.
#[derive(Debug, Clone)]
pub struct PendingFile<'a> {
    pub path: PathBuf,
    pub contents: &'a [u8],
    pub mode: u32,
}

/// A set of files replaced all together or not at all.
#[derive(Debug, Default)]
pub struct Batch<'a> {
    files: Vec<PendingFile<'a>>,
}

impl<'a> Batch<'a> {
    pub fn new() -> Self {
        Batch::default()
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

    /// Write every temp file, then rename them all. On any failure before the renames, every temp
    /// is removed and no target has changed.
    pub fn commit(self) -> Result<(), Error> {
        let mut temps = Vec::with_capacity(self.files.len());
        for file in &self.files {
            match write_temp(file) {
                Ok(temp) => temps.push((temp, file.path.clone())),
                Err(err) => {
                    // Dropping the temps deletes them.
                    drop(temps);
                    return Err(err);
                }
            }
        }
        let mut dirs = Vec::new();
        for (temp, target) in temps {
            temp.persist(&target)
                .map_err(|e| Error::io(&target, &e.error))?;
            if let Some(dir) = target.parent() {
                if !dirs.iter().any(|d: &PathBuf| d == dir) {
                    dirs.push(dir.to_path_buf());
                }
            }
        }
        // Make the renames themselves durable.
        for dir in dirs {
            if let Ok(handle) = fs::File::open(&dir) {
                let _ = handle.sync_all();
            }
        }
        Ok(())
    }
}

/// Write one file atomically.
pub fn write_atomic(path: &Path, contents: &[u8], mode: u32) -> Result<(), Error> {
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

fn write_temp(file: &PendingFile) -> Result<tempfile::NamedTempFile, Error> {
    let target = &file.path;
    if let Ok(meta) = fs::symlink_metadata(target) {
        if meta.file_type().is_symlink() {
            return Err(Error::invalid(format!(
                "{}: refusing to write through a symbolic link; replace it with a regular file or write elsewhere",
                target.display()
            )));
        }
        if meta.is_dir() {
            return Err(Error::invalid(format!(
                "{}: is a directory, expected a file",
                target.display()
            )));
        }
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".pbxgen-tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io(target, &e))?;
    set_mode(temp.path(), file.mode).map_err(|e| Error::io(target, &e))?;
    temp.write_all(file.contents)
        .map_err(|e| Error::io(target, &e))?;
    temp.as_file()
        .sync_all()
        .map_err(|e| Error::io(target, &e))?;
    Ok(temp)
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> std::io::Result<()> {
    Ok(())
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
    let expected = file.metadata().map(|m| m.len()).unwrap_or(0);
    if expected > max {
        return Err(too_large(path, limit, max));
    }
    let mut bytes = Vec::with_capacity(expected as usize);
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, &e))?;
    if bytes.len() as u64 > max {
        return Err(too_large(path, limit, max));
    }
    Ok(bytes)
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

#[cfg(test)]
mod tests {
    use super::*;

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
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&a).unwrap().permissions().mode() & 0o777,
                0o640
            );
        }
    }

    #[test]
    fn batch_failure_leaves_every_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.conf");
        fs::write(&a, "old a").unwrap();
        // The second target's directory does not exist: its temp cannot be created.
        let missing = dir.path().join("missing").join("b.conf");
        let mut batch = Batch::new();
        batch.add(&a, "new a", MODE_PUBLIC);
        batch.add(&missing, "new b", MODE_PUBLIC);
        assert!(batch.commit().is_err());
        assert_eq!(fs::read_to_string(&a).unwrap(), "old a");
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temp file may be left behind");
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
