//! A faithful Asterisk configuration reader and the PBX model built from it.
//!
//! - [`source`]: every file read, and cheap `Copy` positions into them.
//! - [`syntax`]: the parsed form of a file (sections, variables, directives, diagnostics).
//! - [`reader`]: main/config.c's reading rules, including `#include` and its surprises.
//! - [`model`]: the interpretation per file kind into one [`model::Pbx`].
//! - [`pattern`]: pbx.c's extension pattern matching: THE ONE MATCHER (the auditor's
//!   reachability, the profile's outbound-route checks).
//!
//! Entry points: [`load_dir`] (an /etc/asterisk-like directory), [`load_files`] (given files,
//! kind guessed from the name), [`load_texts`] (in memory), then [`model::build`].

pub(crate) mod fast_hash;
mod glob;
pub mod model;
pub mod pattern;
mod php_ini;
pub mod reader;
pub mod secret;
pub mod shared_text;
pub mod source;
pub mod syntax;

/// The Asterisk major versions the auditor knows facts about (`audit --asterisk-version`):
/// 10 (the first after 1.8) to the newest release.
pub const KNOWN_MAJORS: std::ops::RangeInclusive<u32> = 10..=NEWEST_MAJOR;
/// The newest Asterisk major release.
pub const NEWEST_MAJOR: u32 = 23;

pub use model::{ModelOptions, Pbx, build as build_model};
pub use shared_text::Text;
pub use source::{FileId, Pos, SourceFile, SourceMap};
pub use syntax::{ConfigFile, Diagnostic, DiagnosticCode, FileKind, Section, Severity, Variable};

use crate::diag::{Error, Result};
use model::SectionRef;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Everything read for one audit: the sources and one [`ConfigFile`] per top-level file.
#[derive(Clone, Debug, Serialize)]
pub struct Config {
    /// The configuration directory: where relative `#include`s resolve.
    pub root: PathBuf,
    pub sources: SourceMap,
    /// Top-level files in reading order.
    pub files: Vec<ConfigFile>,
}

impl Config {
    /// The first file of a kind, with its index in `files`.
    pub fn file_of_kind(&self, kind: FileKind) -> Option<(usize, &ConfigFile)> {
        self.files.iter().enumerate().find(|(_, f)| f.kind == kind)
    }

    /// A section by reference.
    pub fn section(&self, r: SectionRef) -> &Section {
        &self.files[r.file as usize].sections[r.section as usize]
    }

    /// A position as `file:line:column`.
    pub fn location(&self, pos: Pos) -> crate::Location {
        self.sources.location(pos)
    }

    /// Every diagnostic of every file.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.files.iter().flat_map(|f| f.diagnostics.iter())
    }
}

/// Read every file pbxgen recognises in `dir` (sip.conf, pjsip.conf, extensions.conf, …, by
/// their Asterisk names, and TwiML documents), following `#include` from `dir` as Asterisk
/// would — but only inside `dir` ([`source::Tree`]): an include or a symbolic link leading out
/// is not read and leaves a [`DiagnosticCode::IncludeOutsideTree`] diagnostic instead.
pub fn load_dir(dir: &Path) -> Result<Config> {
    load_dir_allowing(dir, &[])
}

/// [`load_dir`], also reading inside the `allowed` directories (`--allow-outside`).
pub fn load_dir_allowing(dir: &Path, allowed: &[PathBuf]) -> Result<Config> {
    let meta = std::fs::metadata(dir).map_err(|e| Error::io(dir, &e))?;
    if !meta.is_dir() {
        return Err(Error::invalid(format!(
            "{}: expected a directory",
            dir.display()
        )));
    }
    let tree = source::Tree::new(&[dir.to_path_buf()], allowed)?;
    let twiml = twiml_files(dir, &tree)?;
    let mut tops = Vec::new();
    for kind in FileKind::KNOWN {
        let Some(name) = kind.asterisk_name() else {
            continue;
        };
        let path = dir.join(name);
        // Absent, or a link to nothing (Asterisk would find no file either).
        if std::fs::symlink_metadata(&path).is_err() || std::fs::metadata(&path).is_err() {
            continue;
        }
        tops.push(reader::Top {
            path,
            name: name.to_string(),
            kind,
        });
    }
    tops.extend(twiml.into_iter().map(|(path, name)| reader::Top {
        path,
        name,
        kind: FileKind::Twiml,
    }));
    let mut loader = reader::Loader::disk(dir.to_path_buf(), tree);
    loader.load_tops(&tops)?;
    finish(loader)
}

fn finish(mut loader: reader::Loader) -> Result<Config> {
    match loader.limit_error() {
        Some(e) => Err(e),
        None => Ok(loader.finish()),
    }
}

/// The TwiML documents directly in `dir`, by name: `*.twiml`, `*.xml` named for TwiML
/// (`twiml-main.xml`) or whose root element is `<Response>`.
fn twiml_files(dir: &Path, tree: &source::Tree) -> Result<Vec<(PathBuf, String)>> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, &e))?;
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        // Regular files and links (a link is judged by the tree when it is read).
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let path = entry.path();
        if detect_by_content(tree, &path, &name) == FileKind::Twiml {
            found.push((path, name));
        }
    }
    found.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(found)
}

/// A file's kind from its name ([`FileKind::detect`]); an `.xml` file the name says nothing
/// about is TwiML when its root element is `<Response>`. Looking inside is a read like any
/// other of an audit: only a regular file inside `tree`, within the per-file read limit; a
/// file that cannot be read so is not TwiML here (reading it as a top-level file reports why).
fn detect_by_content(tree: &source::Tree, path: &Path, name: &str) -> FileKind {
    let kind = FileKind::detect(name);
    if kind == FileKind::Other && name.to_ascii_lowercase().ends_with(".xml") {
        let twiml = tree.open(path).ok().is_some_and(|mut file| {
            crate::fsutil::read_limited(
                &mut file,
                path,
                crate::fsutil::Limit::ConfigFile,
                tree.max_file,
            )
            .is_ok_and(|bytes| FileKind::is_twiml(&bytes))
        });
        if twiml {
            return FileKind::Twiml;
        }
    }
    kind
}

/// The kind of a file given to an audit ([`load_files_as`]), guessed as [`load_files`] does:
/// from its name, or for an `.xml` file from its root element (TwiML), looked at inside the
/// file's directory and the `allowed` ones only.
pub fn detect_file_kind(path: &Path, allowed: &[PathBuf]) -> Result<FileKind> {
    // A missing file is reported by its own name, not by its directory's.
    std::fs::symlink_metadata(path).map_err(|e| Error::io(path, &e))?;
    let tree = source::Tree::new(&[dir_of(path)], allowed)?;
    let name = file_name(path);
    Ok(detect_by_content(&tree, path, &name))
}

fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The files of `dir` that an audit of it did not read (`config`: what [`load_dir`] read):
/// neither a file name pbxgen knows nor TwiML, and not `#include`d. Sorted: for `-v`, which
/// lists them.
pub fn unread_in_dir(dir: &Path, config: &Config) -> Vec<String> {
    let read: std::collections::HashSet<&Path> = config
        .sources
        .files()
        .iter()
        .map(|f| f.path.as_path())
        .collect();
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| !t.is_dir()))
        .filter(|e| !read.contains(e.path().as_path()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Read the given files; each one's kind is guessed from its name ([`FileKind::detect`]), or
/// for an `.xml` file from its root element (TwiML). Relative `#include`s resolve against the
/// first file's directory; the tree an audit reads ([`source::Tree`]) is the directories of the
/// files given.
pub fn load_files(paths: &[PathBuf]) -> Result<Config> {
    let mut with_kinds: Vec<(PathBuf, FileKind)> = Vec::with_capacity(paths.len());
    for path in paths {
        with_kinds.push((path.clone(), detect_file_kind(path, &[])?));
    }
    load_files_as(&with_kinds, &[])
}

/// Read the given files as the given kinds, inside their directories and the `allowed` ones.
pub fn load_files_as(files: &[(PathBuf, FileKind)], allowed: &[PathBuf]) -> Result<Config> {
    let root = files
        .first()
        .and_then(|(p, _)| p.parent())
        .map(|p| {
            if p.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                p.to_path_buf()
            }
        })
        .unwrap_or_else(|| PathBuf::from("."));
    let mut dirs: Vec<PathBuf> = Vec::new();
    for (path, _) in files {
        let dir = dir_of(path);
        if !dirs.contains(&dir) {
            dirs.push(dir);
        }
    }
    let tree = source::Tree::new(&dirs, allowed)?;
    let tops: Vec<reader::Top> = files
        .iter()
        .map(|(path, kind)| reader::Top {
            path: path.clone(),
            name: file_name(path),
            kind: *kind,
        })
        .collect();
    let mut loader = reader::Loader::disk(root, tree);
    loader.load_tops(&tops)?;
    finish(loader)
}

/// Read in-memory files whose kinds are known: `tops` names the top-level files (in reading
/// order) and their kinds; every file of `files` (name, bytes) can be `#include`d by name.
/// Bytes are copied once, into the buffer the reader keeps: callers holding the text (the
/// self-audit of a render) pass it borrowed rather than cloning it first.
pub fn load_texts_as<B: Into<std::sync::Arc<[u8]>>>(
    root_name: &str,
    files: Vec<(String, B)>,
    tops: &[(String, FileKind)],
) -> Config {
    let tops: Vec<reader::Top> = tops
        .iter()
        .map(|(name, kind)| reader::Top {
            path: PathBuf::from(name),
            name: name.clone(),
            kind: *kind,
        })
        .collect();
    let mut loader = reader::Loader::memory(PathBuf::from(root_name), files);
    // Reading from memory fails on nothing (an unknown name is skipped).
    let _ = loader.load_tops(&tops);
    loader.finish()
}

/// Read in-memory files: `files` are (name, bytes) pairs, `#include` resolves among them by
/// name (`dir/file.conf` for subdirectories). The top-level files are those with an Asterisk
/// name (`sip.conf`, …); a file whose name only contains a kind's word (`02-sip-x.conf`) is
/// top-level too when no file has that kind's Asterisk name. The others are only reachable
/// through `#include`.
pub fn load_texts(root_name: &str, files: Vec<(String, Vec<u8>)>) -> Config {
    let exact: Vec<(String, FileKind)> = files
        .iter()
        .filter_map(|(name, _)| {
            FileKind::KNOWN
                .into_iter()
                .find(|k| k.asterisk_name() == Some(name.as_str()))
                .map(|k| (name.clone(), k))
        })
        .collect();
    let mut tops = exact.clone();
    for (name, _) in &files {
        let base = name.rsplit('/').next().unwrap_or(name);
        let kind = FileKind::detect(base);
        let taken = exact.iter().any(|(n, k)| *k == kind || n == name);
        if kind != FileKind::Other && !taken && !name.contains('/') {
            tops.push((name.clone(), kind));
        }
    }
    load_texts_as(root_name, files, &tops)
}
