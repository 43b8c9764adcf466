//! Putting rendered files on disk — atomically, all or none — or comparing them with what is
//! there (`--check`, `--diff`, `--dry-run`).
//!
//! [`plan`] looks at the output directory once (refusing symlinks and directories in the way) and
//! decides, per file, its mode and whether it is new, changed or unchanged. [`commit`] writes the
//! files that need it through one [`Batch`](crate::fsutil::Batch): every temp file first, then
//! a journal, then every rename, so a failure leaves every old file as it was, and a crash
//! during the renames is completed by the next run (see [`crate::fsutil`]). [`prepare`] is
//! [`commit`] up to the journal: `render` writes the files while it audits them, and puts them
//! in place only if the audit passes.

use super::{RenderedFile, SecretValues};
use crate::diag::Error;
use crate::fsutil::{self, Batch, Committed, MODE_PRIVATE, MODE_PUBLIC, MODE_SECRET, Ownership};
use crate::redact::file::mask_secret_positions;
use colored::Colorize;
use std::fs;
use std::path::{Path, PathBuf};

/// What writing a file would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The file does not exist.
    New,
    /// The contents differ (the mode may too).
    Changed,
    /// Same contents, wrong mode (e.g. a secret file left world-readable).
    Mode {
        from: u32,
    },
    Unchanged,
}

/// One file, ready to write.
pub struct Planned {
    pub name: String,
    pub path: PathBuf,
    /// The rendered contents (shared with the [`RenderedFile`], not copied).
    pub contents: std::sync::Arc<str>,
    /// The mode it gets: pbxgen's mode for it, never looser than the file's mode on disk.
    pub mode: u32,
    pub change: Change,
    /// What is on disk now (empty when new).
    pub old: String,
}

impl std::fmt::Debug for Planned {
    // Contents hold secrets: never in Debug output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Planned")
            .field("path", &self.path)
            .field("mode", &format_args!("{:04o}", self.mode))
            .field("change", &self.change)
            .finish()
    }
}

/// The mode a rendered file gets.
pub fn mode_for(file: &RenderedFile, private: bool) -> u32 {
    match (file.holds_secrets, private) {
        (false, _) => MODE_PUBLIC,
        (true, false) => MODE_SECRET,
        (true, true) => MODE_PRIVATE,
    }
}

/// Compare `files` with the contents of `dir`.
pub fn plan(files: &[RenderedFile], dir: &Path, private: bool) -> Result<Vec<Planned>, Error> {
    // The directory itself may be a link (e.g. /etc/asterisk into a volume): files are
    // replaced inside its target.
    if let Ok(meta) = fs::metadata(dir) {
        if !meta.is_dir() {
            return Err(Error::invalid(format!(
                "{}: expected a directory to write into",
                dir.display()
            )));
        }
    }
    files
        .iter()
        .map(|file| {
            let path = dir.join(&file.name);
            let wanted = mode_for(file, private);
            let mut mode = wanted;
            let (change, old) = match fs::symlink_metadata(&path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Change::New, String::new()),
                Err(e) => return Err(Error::io(&path, &e)),
                Ok(meta) if meta.file_type().is_symlink() => {
                    return Err(Error::invalid(format!(
                        "{}: refusing to write through a symbolic link; replace it with a regular file or write elsewhere",
                        path.display()
                    )));
                }
                // A directory (or device…) in the way: writing will refuse it, after the files
                // before it have their temps — and then replace none of them.
                Ok(meta) if !meta.is_file() => (Change::Changed, String::new()),
                Ok(meta) => {
                    let bytes = fs::read(&path).map_err(|e| Error::io(&path, &e))?;
                    let current_mode = fsutil::permission_bits(&meta);
                    mode = fsutil::kept_mode(current_mode, wanted);
                    let change = if bytes != file.contents.as_bytes() {
                        Change::Changed
                    } else if current_mode.is_some_and(|m| m != mode) {
                        Change::Mode { from: current_mode.unwrap_or(mode) }
                    } else {
                        Change::Unchanged
                    };
                    // Valid UTF-8 (the usual case) becomes the old text without a copy.
                    let old = String::from_utf8(bytes).unwrap_or_else(|e| {
                        String::from_utf8_lossy(e.as_bytes()).into_owned()
                    });
                    (change, old)
                }
            };
            Ok(Planned { name: file.name.clone(), path, contents: std::sync::Arc::clone(&file.contents), mode, change, old })
        })
        .collect()
}

/// Whether anything would change.
pub fn has_changes(planned: &[Planned]) -> bool {
    planned.iter().any(|p| p.change != Change::Unchanged)
}

/// Write every file that is new or changed (creating `dir`, mode 0750, when missing), after
/// finishing any batch an earlier run left interrupted there. Returns how many files were
/// written and what the batch did besides.
pub fn commit(
    planned: &[Planned],
    dir: &Path,
    ownership: Ownership,
) -> Result<(usize, Committed), Error> {
    prepare(planned, dir, ownership)?.commit()
}

/// [`commit`] up to the point of replacing anything: the new and changed files are written
/// beside their targets ([`Batch::prepare`]) and wait for [`PreparedWrite::commit`]. Dropped
/// instead, it removes what it wrote, and `dir` and its parents if it created them: the disk is
/// as it was (but for an earlier interrupted batch, which stays finished).
pub fn prepare(
    planned: &[Planned],
    dir: &Path,
    ownership: Ownership,
) -> Result<PreparedWrite, Error> {
    let mut batch = Batch::new().ownership(ownership);
    for file in planned.iter().filter(|p| p.change != Change::Unchanged) {
        batch.add(&file.path, &*file.contents, file.mode);
    }
    let count = batch.files().len();
    if count == 0 {
        return Ok(PreparedWrite::default());
    }
    // The directories `create_dir` makes, deepest first: removed again if nothing is written.
    let created_dirs: Vec<PathBuf> = dir
        .ancestors()
        .take_while(|d| !d.as_os_str().is_empty() && fs::symlink_metadata(d).is_err())
        .map(Path::to_path_buf)
        .collect();
    let mut prepared = PreparedWrite {
        count,
        batch: None,
        created_dirs,
    };
    fsutil::create_dir(dir)?;
    // On error, dropping `prepared` removes the directories made for it.
    prepared.batch = Some(batch.prepare()?);
    Ok(prepared)
}

/// Files written beside their targets, not yet in place ([`prepare`]).
#[derive(Debug, Default)]
pub struct PreparedWrite {
    count: usize,
    batch: Option<fsutil::Prepared>,
    /// The directories [`prepare`] created (the output directory and missing parents), deepest
    /// first.
    created_dirs: Vec<PathBuf>,
}

impl PreparedWrite {
    /// Put the files in place. Returns how many were written and what the batch did besides.
    pub fn commit(mut self) -> Result<(usize, Committed), Error> {
        let Some(batch) = self.batch.take() else {
            return Ok((0, Committed::default()));
        };
        // From here the directories are the batch's, whatever happens.
        self.created_dirs.clear();
        Ok((self.count, batch.commit()?))
    }
}

impl Drop for PreparedWrite {
    fn drop(&mut self) {
        // Not committed: the temps go first, then the directories made for them (each only if
        // empty: whatever else appeared there meanwhile stays).
        drop(self.batch.take());
        for dir in self.created_dirs.drain(..) {
            match fs::remove_dir(dir) {
                // Not made after all (`create_dir` stopped above it): its parent may have been.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(_) => break,
                Ok(()) => {}
            }
        }
    }
}

/// Finish a batch an earlier run left interrupted in `dir` (before comparing with the disk:
/// the comparison must see the directory as that batch meant it).
pub fn recover(dir: &Path) -> Result<Option<fsutil::Recovery>, Error> {
    fsutil::recover(dir)
}

/// What an interrupted batch left in `dir`, without repairing it (`--check`, `--diff`,
/// `--dry-run`).
pub fn interrupted_batch(dir: &Path) -> Result<Option<String>, Error> {
    fsutil::interrupted_batch(dir)
}

/// One line per file: what would be written where (`--dry-run`). Never the contents.
pub fn describe(planned: &[Planned]) -> String {
    let mut out = String::new();
    for file in planned {
        let what = match file.change {
            Change::New => "new".to_string(),
            Change::Changed => "changed".to_string(),
            Change::Mode { from } => format!("mode {from:04o} -> {:04o}", file.mode),
            Change::Unchanged => "unchanged".to_string(),
        };
        out.push_str(&format!(
            "{}  {} bytes  mode {:04o}  {what}\n",
            crate::untrusted::for_terminal(&file.path.display().to_string()),
            file.contents.len(),
            file.mode
        ));
    }
    out
}

/// A unified diff of every file that would change, with secrets masked on both sides.
///
/// `masked` is the same render with every secret replaced by the mask; `secrets` masks the
/// current secret values wherever they appear on disk; [`mask_secret_positions`] masks older
/// values where the file's syntax keeps secrets. A change of secret values alone is reported
/// as such, without showing them.
pub fn diff(
    planned: &[Planned],
    masked: &[RenderedFile],
    secrets: &SecretValues,
    color: bool,
) -> String {
    let mut out = String::new();
    for file in planned.iter().filter(|p| p.change != Change::Unchanged) {
        let new = masked
            .iter()
            .find(|m| m.name == file.name)
            .map_or("", |m| &*m.contents);
        let positions = super::outputs::secret_positions_of_file(&file.name);
        let new = mask_secret_positions(positions, &secrets.mask(new));
        let old = mask_secret_positions(positions, &secrets.mask(&file.old));
        if let Change::Mode { from } = file.change {
            out.push_str(&paint(
                &format!("{}: mode {from:04o} -> {:04o}\n", file.name, file.mode),
                Paint::Header,
                color,
            ));
            continue;
        }
        if old == new {
            out.push_str(&paint(
                &format!("{}: secret values changed (not shown)\n", file.name),
                Paint::Header,
                color,
            ));
            continue;
        }
        let (from, to) = match file.change {
            Change::New => ("/dev/null".to_string(), format!("b/{}", file.name)),
            _ => (format!("a/{}", file.name), format!("b/{}", file.name)),
        };
        let text_diff = similar::TextDiff::from_lines(&old, &new);
        let unified = text_diff
            .unified_diff()
            .context_radius(3)
            .header(&from, &to)
            .to_string();
        for line in unified.split_inclusive('\n') {
            let kind = if line.starts_with("+++") || line.starts_with("---") {
                Paint::Header
            } else if line.starts_with("@@") {
                Paint::Hunk
            } else if line.starts_with('+') {
                Paint::Added
            } else if line.starts_with('-') {
                Paint::Removed
            } else {
                Paint::Context
            };
            // The old side is whatever the directory held: shown, never obeyed by the terminal.
            let (text, newline) = match line.strip_suffix('\n') {
                Some(text) => (text, "\n"),
                None => (line, ""),
            };
            let shown = format!("{}{newline}", crate::untrusted::for_terminal(text));
            out.push_str(&paint(&shown, kind, color));
            if !line.ends_with('\n') {
                out.push_str("\n\\ No newline at end of file\n");
            }
        }
    }
    out
}

#[derive(Clone, Copy)]
enum Paint {
    Header,
    Hunk,
    Added,
    Removed,
    Context,
}

fn paint(line: &str, kind: Paint, color: bool) -> String {
    if !color {
        return line.to_string();
    }
    let (body, end) = match line.strip_suffix('\n') {
        Some(body) => (body, "\n"),
        None => (line, ""),
    };
    let painted = match kind {
        Paint::Header => body.bold().to_string(),
        Paint::Hunk => body.cyan().to_string(),
        Paint::Added => body.green().to_string(),
        Paint::Removed => body.red().to_string(),
        Paint::Context => body.to_string(),
    };
    format!("{painted}{end}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, contents: &str, holds_secrets: bool) -> RenderedFile {
        RenderedFile {
            name: name.into(),
            contents: contents.into(),
            holds_secrets,
        }
    }

    #[test]
    fn plans_modes_and_changes() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("same.conf"), "x\n").unwrap();
        fs::write(dir.path().join("old.conf"), "old\n").unwrap();
        let files = [
            file("same.conf", "x\n", false),
            file("old.conf", "new\n", true),
            file("new.conf", "n\n", true),
        ];
        let planned = plan(&files, dir.path(), true).unwrap();
        let changes: Vec<Change> = planned.iter().map(|p| p.change).collect();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(
                dir.path().join("same.conf"),
                fs::Permissions::from_mode(0o644),
            )
            .unwrap();
            let again = plan(&files[..1], dir.path(), true).unwrap();
            assert_eq!(again[0].change, Change::Unchanged);
        }
        assert_eq!(changes[1..], [Change::Changed, Change::New]);
        assert_eq!(planned[1].mode, MODE_PRIVATE);
        assert_eq!(
            commit(&planned, dir.path(), Ownership::Keep).unwrap().0,
            if changes[0] == Change::Unchanged {
                2
            } else {
                3
            }
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("old.conf")).unwrap(),
            "new\n"
        );
        assert!(!has_changes(&plan(&files, dir.path(), true).unwrap()));
    }

    #[test]
    fn diff_masks_old_and_new_secrets() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("pjsip.conf"),
            "password=old-secret\ncontext=a\n",
        )
        .unwrap();
        let real = [file("pjsip.conf", "password=new-secret\ncontext=b\n", true)];
        let masked = [file("pjsip.conf", "password=********\ncontext=b\n", true)];
        let planned = plan(&real, dir.path(), false).unwrap();
        let secrets = SecretValues::for_tests(&["new-secret"]);
        let text = diff(&planned, &masked, &secrets, false);
        assert!(
            !text.contains("secret\n")
                && !text.contains("old-secret")
                && !text.contains("new-secret"),
            "{text}"
        );
        assert!(
            text.contains("-context=a") && text.contains("+context=b"),
            "{text}"
        );

        // Only the secret changed: said, not shown.
        fs::write(
            dir.path().join("pjsip.conf"),
            "password=old-secret\ncontext=b\n",
        )
        .unwrap();
        let planned = plan(&real, dir.path(), false).unwrap();
        let text = diff(&planned, &masked, &secrets, false);
        assert_eq!(text, "pjsip.conf: secret values changed (not shown)\n");
    }
}
