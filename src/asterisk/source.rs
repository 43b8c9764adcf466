//! Every file read while loading a configuration, and cheap positions into them.
//!
//! Positions are a `Copy` triple (file id, line, column) so that a million variables cost no
//! allocation for their origin; [`SourceMap::location`] turns one into the shared
//! [`crate::Location`] (file name relative to the audited directory) for messages.

use serde::Serialize;
use std::borrow::Cow;
use std::path::PathBuf;
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
