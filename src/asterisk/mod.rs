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
/// their Asterisk names, and TwiML documents), following `#include` from `dir` as Asterisk
/// would.
pub fn load_dir(dir: &Path) -> Result<Config> {
    let meta = std::fs::metadata(dir).map_err(|e| Error::io(dir, &e))?;
    if !meta.is_dir() {
        return Err(Error::invalid(format!(
            "{}: expected a directory",
            dir.display()
        )));
    }
    let mut loader = reader::Loader::disk(dir.to_path_buf());
    for kind in FileKind::KNOWN {
        let Some(name) = kind.asterisk_name() else {
            continue;
        };
        let path = dir.join(name);
        if path.is_file() {
            loader.load_top(&path, name.to_string(), kind)?;
        }
    }
    for (path, name) in twiml_files(dir)? {
        loader.load_top(&path, name, FileKind::Twiml)?;
    }
    Ok(loader.finish())
}

/// The TwiML documents directly in `dir`, by name: `*.twiml`, `*.xml` named for TwiML
/// (`twiml-main.xml`) or whose root element is `<Response>`.
fn twiml_files(dir: &Path) -> Result<Vec<(PathBuf, String)>> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, &e))?;
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if !path.is_file() {
            continue;
        }
        if detect_by_content(&path, &name) == FileKind::Twiml {
            found.push((path, name));
        }
    }
    found.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(found)
}

/// A file's kind from its name ([`FileKind::detect`]); an `.xml` file the name says nothing
/// about is TwiML when its root element is `<Response>`.
fn detect_by_content(path: &Path, name: &str) -> FileKind {
    let kind = FileKind::detect(name);
    if kind == FileKind::Other
        && name.to_ascii_lowercase().ends_with(".xml")
        && std::fs::read(path).is_ok_and(|bytes| FileKind::is_twiml(&bytes))
    {
        return FileKind::Twiml;
    }
    kind
}

/// Read the given files; each one's kind is guessed from its name ([`FileKind::detect`]), or
/// for an `.xml` file from its root element (TwiML).
/// Relative `#include`s resolve against the first file's directory.
pub fn load_files(paths: &[PathBuf]) -> Result<Config> {
    let with_kinds: Vec<(PathBuf, FileKind)> = paths
        .iter()
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (p.clone(), detect_by_content(p, &name))
        })
        .collect();
    load_files_as(&with_kinds)
}

/// Read the given files as the given kinds.
pub fn load_files_as(files: &[(PathBuf, FileKind)]) -> Result<Config> {
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
    let mut loader = reader::Loader::disk(root);
    for (path, kind) in files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        loader.load_top(path, name, *kind)?;
    }
    Ok(loader.finish())
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
