//! Safe file writing shared by `render` and `twilio refresh`.
//!
//! A failed run must never leave a half-written or truncated config. Every file is written to a
//! temporary file in the *same directory* (so the final `rename` is atomic on POSIX), fsynced,
//! given its final mode, and only then renamed over the target. A [`Batch`] writes *all* temps
//! first and renames only when every temp is complete, so either every file is replaced or none.
//! Writing through a symlink is refused: a link in /etc/asterisk pointing elsewhere is a surprise
//! an admin should resolve by hand.

use crate::diag::Error;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

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
}
