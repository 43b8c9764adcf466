//! Every file read while loading a configuration, and cheap positions into them.
//!
//! Positions are a `Copy` triple (file id, line, column) so that a million variables cost no
//! allocation for their origin; [`SourceMap::location`] turns one into the shared
//! [`crate::Location`] (file name relative to the audited directory) for messages.

use serde::Serialize;
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct FileId(pub u32);

/// A position in a source file: 1-based line, 1-based column counted in bytes of the raw line.
///
/// `line == 0` means "no position" (used only for synthetic values); real positions always have
/// `line >= 1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Pos {
    pub file: FileId,
    pub line: u32,
    pub column: u32,
}

impl Pos {
    pub const fn new(file: FileId, line: u32, column: u32) -> Self {
        Pos { file, line, column }
    }
}

/// One file read from disk (or given in memory), kept byte-for-byte.
#[derive(Clone, Debug, Serialize)]
pub struct SourceFile {
    /// Where the file was read from (in-memory files: their name).
    pub path: PathBuf,
    /// The name to show the user: relative to the audited directory where possible.
    pub display: String,
    /// The raw bytes as read (no decoding: Asterisk reads bytes, and so do we).
    #[serde(skip)]
    pub bytes: Arc<[u8]>,
    /// Byte offset of the start of every line (line 1 starts at offset 0).
    #[serde(skip)]
    line_starts: Vec<u32>,
}

impl SourceFile {
    pub fn new(path: PathBuf, display: String, bytes: Arc<[u8]>) -> Self {
        let mut line_starts = Vec::with_capacity(bytes.len() / 32 + 1);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', &bytes).map(|i| (i + 1) as u32));
        SourceFile {
            path,
            display,
            bytes,
            line_starts,
        }
    }

    /// The whole file as text; invalid UTF-8 is replaced by U+FFFD (the raw bytes stay in `bytes`).
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.bytes)
    }

    /// Number of lines (a final line without newline counts; an empty file has one empty line).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The 1-based line that byte `offset` is on.
    pub fn line_of(&self, offset: usize) -> u32 {
        self.line_starts
            .partition_point(|&start| start as usize <= offset) as u32
    }

    /// The raw bytes of 1-based line `line`, without its `\n` (a `\r` before it is kept).
    pub fn line_bytes(&self, line: u32) -> &[u8] {
        let Some(idx) = (line as usize).checked_sub(1) else {
            return &[];
        };
        let Some(&start) = self.line_starts.get(idx) else {
            return &[];
        };
        let end = self
            .line_starts
            .get(idx + 1)
            .map_or(self.bytes.len(), |&next| next as usize - 1);
        &self.bytes[start as usize..end]
    }
}

/// Every file read while loading, in the order they were first read.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> Self {
        SourceMap::default()
    }

    /// Add a file and return its id.
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId((self.files.len() - 1) as u32)
    }

    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// The files, in id order.
    pub fn into_files(self) -> Vec<SourceFile> {
        self.files
    }

    /// The id of an already-read file with this path, if any.
    pub fn find(&self, path: &std::path::Path) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.path == path)
            .map(|i| FileId(i as u32))
    }

    /// The display name of a file.
    pub fn display(&self, id: FileId) -> &str {
        &self.file(id).display
    }

    /// A position as the shared `file:line:column` location for messages.
    pub fn location(&self, pos: Pos) -> crate::Location {
        crate::Location::new(self.display(pos.file), pos.line, pos.column)
    }

    /// The text of the line `pos` is on, without line ending (invalid UTF-8 replaced).
    pub fn line_text(&self, pos: Pos) -> Cow<'_, str> {
        let raw = self.file(pos.file).line_bytes(pos.line);
        String::from_utf8_lossy(raw.strip_suffix(b"\r").unwrap_or(raw))
    }
}

// ---------------------------------------------------------------------------------------------
// Where an audit may read

/// The directories an audit may read from disk, and how much it may read.
///
/// An audit runs on input someone else wrote (a pull request in CI), and its findings quote
/// what it reads. A `#include /etc/shadow`, a `#include ../../.env` or a symbolic link to a
/// file outside the audited directory would publish that file in the job log; so the reader
/// opens only files inside the tree (the audited directory, or the directories of the files
/// given) and the directories the user allowed (`--allow-outside`). Anything else is refused
/// by path — never opened, never listed — and reported (rule PBX908).
///
/// A path is inside when it is lexically inside (absolute, `.` and `..` folded) *and* its
/// canonical form (every symbolic link resolved) is inside a root's canonical form. Lexically
/// outside paths are refused without touching the file system (not even to see whether they
/// exist). The file is then opened through its canonical path with `O_NOFOLLOW | O_NONBLOCK`
/// and the opened descriptor's own path is checked again, so a link swapped in between the
/// check and the open is caught.
#[derive(Clone, Debug)]
pub struct Tree {
    /// The audited directories, then the allowed ones.
    roots: Vec<Root>,
    /// At most this many bytes per file ([`crate::fsutil::Limit::ConfigFile`]).
    pub max_file: u64,
    /// At most this many bytes for all the files read ([`crate::fsutil::Limit::ConfigTree`]).
    pub max_total: u64,
}

#[derive(Clone, Debug)]
struct Root {
    /// As given, absolute, `.` and `..` folded.
    lexical: PathBuf,
    /// Every link resolved.
    canonical: PathBuf,
}

/// Why a path of the tree cannot be read.
#[derive(Debug)]
pub enum Denied {
    /// The path leaves the tree; `resolved` is where its links lead, when that was looked at
    /// (a path that leaves lexically is not looked at).
    Outside { resolved: Option<PathBuf> },
    /// It is not a regular file (the kind, from [`crate::fsutil::file_type_name`]).
    NotRegular(&'static str),
    /// It does not exist, or cannot be opened.
    Io(std::io::Error),
}

impl Tree {
    /// The tree made of `dirs` (the audited directories), plus the `allowed` ones, with the
    /// read limits in force.
    pub fn new(dirs: &[PathBuf], allowed: &[PathBuf]) -> crate::Result<Tree> {
        let limits = crate::fsutil::read_limits();
        let mut roots = Vec::new();
        for dir in dirs.iter().chain(allowed) {
            let canonical = std::fs::canonicalize(dir).map_err(|e| crate::Error::io(dir, &e))?;
            if !canonical.is_dir() {
                return Err(crate::Error::invalid(format!(
                    "{}: expected a directory",
                    dir.display()
                )));
            }
            roots.push(Root {
                lexical: lexical(dir),
                canonical,
            });
        }
        Ok(Tree {
            roots,
            max_file: limits.get(crate::fsutil::Limit::ConfigFile),
            max_total: limits.get(crate::fsutil::Limit::ConfigTree),
        })
    }

    /// Whether `path` is inside the tree without resolving anything (no file system access).
    pub fn lexically_inside(&self, path: &Path) -> bool {
        let path = lexical(path);
        self.roots
            .iter()
            .any(|r| path.starts_with(&r.lexical) || path.starts_with(&r.canonical))
    }

    fn canonically_inside(&self, canonical: &Path) -> bool {
        self.roots
            .iter()
            .any(|r| canonical.starts_with(&r.canonical))
    }

    /// The canonical path of `path` when it is inside the tree (a directory to list, a file to
    /// open).
    pub fn resolve(&self, path: &Path) -> Result<PathBuf, Denied> {
        if !self.lexically_inside(path) {
            return Err(Denied::Outside { resolved: None });
        }
        let canonical = std::fs::canonicalize(path).map_err(Denied::Io)?;
        if !self.canonically_inside(&canonical) {
            return Err(Denied::Outside {
                resolved: Some(canonical),
            });
        }
        Ok(canonical)
    }

    /// Open a regular file of the tree for reading (never blocking, never following a link
    /// swapped in after [`Tree::resolve`]).
    pub fn open(&self, path: &Path) -> Result<std::fs::File, Denied> {
        use crate::fsutil::{OpenError, open_regular};
        let canonical = self.resolve(path)?;
        let file = open_regular(&canonical, false).map_err(|e| match e {
            OpenError::Io(e) => Denied::Io(e),
            OpenError::NotRegular(kind) => Denied::NotRegular(kind),
        })?;
        match opened_path(&file, &canonical) {
            Some(real) if self.canonically_inside(&real) => Ok(file),
            real => Err(Denied::Outside { resolved: real }),
        }
    }
}

/// The path of the file `file` refers to: on Linux, what `/proc/self/fd/N` says; elsewhere
/// `expected` when resolving it again leads to the same device and inode.
fn opened_path(file: &std::fs::File, expected: &Path) -> Option<PathBuf> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        if let Ok(real) = std::fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd())) {
            return Some(real);
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let opened = file.metadata().ok()?;
        let again = std::fs::canonicalize(expected).ok()?;
        let now = std::fs::metadata(&again).ok()?;
        (again == expected && now.dev() == opened.dev() && now.ino() == opened.ino())
            .then_some(again)
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        Some(expected.to_path_buf())
    }
}

/// `path` made absolute (against the working directory) with `.` and `..` folded, without
/// looking at the file system.
pub fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_folds_dots_without_looking() {
        assert_eq!(lexical(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
        assert_eq!(lexical(Path::new("/../../etc")), PathBuf::from("/etc"));
    }

    #[cfg(unix)]
    #[test]
    fn a_link_swapped_in_after_the_check_is_caught() {
        let base = tempfile::tempdir().unwrap();
        let tree_dir = base.path().join("tree");
        std::fs::create_dir(&tree_dir).unwrap();
        std::fs::write(base.path().join("outside.conf"), "x").unwrap();
        let file = tree_dir.join("sip.conf");
        std::fs::write(&file, "[general]\n").unwrap();
        let tree = Tree::new(std::slice::from_ref(&tree_dir), &[]).unwrap();
        assert!(tree.open(&file).is_ok());
        // The check resolved `sip.conf`; the file is then replaced by a link leading out.
        let canonical = tree.resolve(&file).unwrap();
        std::fs::remove_file(&file).unwrap();
        std::os::unix::fs::symlink(base.path().join("outside.conf"), &file).unwrap();
        let opened = crate::fsutil::open_regular(&canonical, false);
        assert!(opened.is_err(), "O_NOFOLLOW refuses the swapped-in link");
        assert!(matches!(
            tree.open(&file),
            Err(Denied::Outside { resolved: Some(_) })
        ));
    }
}
