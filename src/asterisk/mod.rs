//! A faithful Asterisk configuration reader and the PBX model built from it.
//!
//! - [`source`]: every file read, and cheap `Copy` positions into them.
//! - [`syntax`]: the parsed form of a file (sections, variables, directives, diagnostics).
//! - [`reader`]: main/config.c's reading rules, including `#include` and its surprises.
//! - [`model`]: the interpretation per file kind into one [`model::Pbx`].
//!
//! Entry points: [`load_dir`] (an /etc/asterisk-like directory), [`load_files`] (given files,
//! kind guessed from the name), [`load_texts`] (in memory), then [`model::build`].

pub(crate) mod fast_hash;
mod glob;
pub mod model;
mod php_ini;
pub mod reader;
pub mod secret;
pub mod shared_text;
pub mod source;
pub mod syntax;

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
/// their Asterisk names), following `#include` from `dir` as Asterisk would — but only inside
/// `dir` ([`source::Tree`]): an include or a symbolic link leading out is not read and leaves
/// a [`DiagnosticCode::IncludeOutsideTree`] diagnostic instead.
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
    let mut loader = reader::Loader::disk(dir.to_path_buf(), tree);
    for kind in FileKind::KNOWN {
        let Some(name) = kind.asterisk_name() else {
            continue;
        };
        let path = dir.join(name);
        // Absent, or a link to nothing (Asterisk would find no file either).
        if std::fs::symlink_metadata(&path).is_err() || std::fs::metadata(&path).is_err() {
            continue;
        }
        loader.load_top(&path, name.to_string(), kind)?;
    }
    finish(loader)
}

fn finish(mut loader: reader::Loader) -> Result<Config> {
    match loader.limit_error() {
        Some(e) => Err(e),
        None => Ok(loader.finish()),
    }
}

/// The files of `dir` that [`load_dir`] does not read (not an Asterisk name pbxgen knows),
/// sorted: for `-v`, which lists them.
pub fn unread_in_dir(dir: &Path) -> Vec<String> {
    let known: Vec<&str> = FileKind::KNOWN
        .iter()
        .filter_map(|k| k.asterisk_name())
        .collect();
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| !t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !known.contains(&n.as_str()))
        .collect();
    names.sort();
    names
}

/// Read the given files; each one's kind is guessed from its name ([`FileKind::detect`]).
/// Relative `#include`s resolve against the first file's directory; the tree an audit reads
/// ([`source::Tree`]) is the directories of the files given.
pub fn load_files(paths: &[PathBuf]) -> Result<Config> {
    let with_kinds: Vec<(PathBuf, FileKind)> = paths
        .iter()
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (p.clone(), FileKind::detect(&name))
        })
        .collect();
    load_files_as(&with_kinds, &[])
}

/// Read the given files as the given kinds, inside their directories and the `allowed` ones.
pub fn load_files_as(files: &[(PathBuf, FileKind)], allowed: &[PathBuf]) -> Result<Config> {
    let dir_of = |p: &Path| match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
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
    let mut loader = reader::Loader::disk(root, tree);
    for (path, kind) in files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        loader.load_top(path, name, *kind)?;
    }
    finish(loader)
}

/// Read in-memory files whose kinds are known: `tops` names the top-level files (in reading
/// order) and their kinds; every file of `files` (name, bytes) can be `#include`d by name.
pub fn load_texts_as(
    root_name: &str,
    files: Vec<(String, Vec<u8>)>,
    tops: &[(String, FileKind)],
) -> Config {
    let mut loader = reader::Loader::memory(PathBuf::from(root_name), files);
    for (name, kind) in tops {
        loader.load_top_memory(name, *kind);
    }
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
