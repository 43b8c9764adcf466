//! Asterisk's configuration reader (main/config.c), reproduced rule by rule.
//!
//! What it does, in Asterisk's order, for each line:
//! 1. a line of 8191 bytes or more is dropped (Asterisk reads 8191 bytes at a time);
//! 2. a UTF-8 BOM on line 1 is skipped; a NUL byte ends the line (C strings);
//! 3. comments: `;` to end of line, `\;` is a literal `;`, `;--` … `--;` block comments that
//!    nest (but `;---` opens nothing, and a stray `--;` makes the nesting counter negative, so
//!    Asterisk ignores every following line until a `;--`);
//! 4. the rest, stripped, is a `[header]`, a `#directive` or a `name = value` line.
//!
//! Errors Asterisk treats as fatal invalidate the top-level file (pbxgen reads on, to report
//! everything); inside an `#include`d file they only stop that file (Asterisk's parent file
//! goes on), and pbxgen stops that file too.

use super::Config;
use super::fast_hash::FastMap;
use super::glob;
use super::shared_text::Text;
use super::source::{Denied, FileId, Pos, SourceFile, SourceMap, Tree};
use super::syntax::{
    Comment, ConfigFile, Diagnostic, DiagnosticCode, Dialect, Directive, DirectiveKind, FileKind,
    Section, Severity, Table, Variable, Variables,
};
use crate::diag::{Error, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Asterisk's line buffer is 8192 bytes: a line (without its `\n`) of this many bytes or more
/// does not fit and is dropped.
pub const MAX_LINE: usize = 8191;
/// `MAX_INCLUDE_LEVEL`: the top-level file and at most 9 levels of `#include` below it.
pub const MAX_INCLUDE_LEVEL: usize = 10;
/// `MAX_NESTED_COMMENTS`.
pub const MAX_NESTED_COMMENTS: i32 = 128;
/// `char name[80]` of a category.
pub const MAX_SECTION_NAME: usize = 79;
/// The configuration directory absolute `#include`s usually name; when auditing a copy of it
/// elsewhere, such includes are looked up in the audited directory.
pub const DEFAULT_CONFIG_DIR: &str = "/etc/asterisk/";

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A top-level file of at least this many bytes is read on two threads: its second half ahead,
/// while the first half is read as usual ([`FileParser::parse_halves`]). Starting a thread and
/// joining the halves costs about what reading a few thousand lines does; 256 KiB is some 6,000
/// lines, so smaller files (nearly all of them) are not worth it and read as one.
const SPLIT_MIN_BYTES: usize = 256 * 1024;

/// Where files come from.
enum Store {
    /// From disk, inside the tree only.
    Disk(Tree),
    Memory(HashMap<String, Arc<[u8]>>),
}

/// Reads top-level files and everything they include into one [`Config`].
pub struct Loader {
    root: PathBuf,
    store: Arc<Store>,
    sources: SourceMap,
    by_path: HashMap<PathBuf, FileId>,
    files: Vec<ConfigFile>,
    /// Bytes read from disk so far, by this loader and every one reading the same tree with it
    /// ([`Loader::load_tops`]), against [`Tree::max_total`].
    read_total: Arc<AtomicU64>,
    /// The first read limit crossed: loading fails with it.
    limit_error: Option<Error>,
    /// Top-level files of this many bytes or more are read in two halves
    /// ([`SPLIT_MIN_BYTES`]; tests lower it so that small files are split).
    split_min_bytes: usize,
}

/// A top-level file to read ([`Loader::load_tops`]).
pub struct Top {
    /// Where it is on disk (a loader reading from memory finds it by `name`).
    pub path: PathBuf,
    /// The name it is known by (`sip.conf`).
    pub name: String,
    pub kind: FileKind,
}

/// Why a file of the tree was not read.
enum NotRead {
    Denied(Denied),
    /// Over a read limit: the whole load fails.
    Limit(Error),
}

/// A path an `#include` (or a top-level name) leads to outside the tree, as shown to the user.
struct Outside {
    shown: String,
    link: bool,
    resolved: Option<PathBuf>,
}

impl Outside {
    fn describe(&self) -> String {
        match &self.resolved {
            Some(to) if self.link => format!(
                "{} is a symbolic link to {}, outside the audited tree",
                self.shown,
                to.display()
            ),
            Some(to) => format!(
                "{} leads through a symbolic link to {}, outside the audited tree",
                self.shown,
                to.display()
            ),
            None => format!("{} is outside the audited tree", self.shown),
        }
    }
}

/// The message of an [`DiagnosticCode::IncludeOutsideTree`] diagnostic.
fn outside_message(outside: &[Outside]) -> String {
    const SHOWN: usize = 5;
    let mut listed: Vec<String> = outside.iter().take(SHOWN).map(Outside::describe).collect();
    if outside.len() > SHOWN {
        listed.push(format!("and {} more", outside.len() - SHOWN));
    }
    format!(
        "{}: pbxgen does not read it, so it is not audited (`--allow-outside DIR` reads \
         a directory you trust)",
        listed.join("; ")
    )
}

impl Loader {
    /// Read from disk, only inside `tree`; relative `#include`s resolve against `root`.
    pub fn disk(root: PathBuf, tree: Tree) -> Loader {
        Loader {
            root,
            store: Arc::new(Store::Disk(tree)),
            sources: SourceMap::new(),
            by_path: HashMap::new(),
            files: Vec::new(),
            read_total: Arc::default(),
            limit_error: None,
            split_min_bytes: SPLIT_MIN_BYTES,
        }
    }

    /// Read from memory: `files` are (name, bytes); `#include` resolves among the names.
    pub fn memory<B: Into<Arc<[u8]>>>(root: PathBuf, files: Vec<(String, B)>) -> Loader {
        let map = files.into_iter().map(|(n, b)| (n, b.into())).collect();
        Loader {
            root,
            store: Arc::new(Store::Memory(map)),
            sources: SourceMap::new(),
            by_path: HashMap::new(),
            files: Vec::new(),
            read_total: Arc::default(),
            limit_error: None,
            split_min_bytes: SPLIT_MIN_BYTES,
        }
    }

    /// Read a file of the tree from disk, within the read limits.
    fn read_disk(&mut self, path: &Path) -> Result<Arc<[u8]>, NotRead> {
        let Store::Disk(tree) = &*self.store else {
            return Err(NotRead::Denied(Denied::Io(
                std::io::ErrorKind::NotFound.into(),
            )));
        };
        let (max_file, max_total) = (tree.max_file, tree.max_total);
        let mut file = tree.open(path).map_err(NotRead::Denied)?;
        let bytes = crate::fsutil::read_limited_shared(
            &mut file,
            path,
            crate::fsutil::Limit::ConfigFile,
            max_file,
        )
        .map_err(NotRead::Limit)?;
        let len = bytes.len() as u64;
        if self.read_total.fetch_add(len, Ordering::Relaxed) + len > max_total {
            return Err(NotRead::Limit(crate::fsutil::too_large(
                &self.root,
                crate::fsutil::Limit::ConfigTree,
                max_total,
            )));
        }
        Ok(bytes)
    }

    /// How to show a path of the tree: relative to the configuration directory where possible.
    fn shown(&self, path: &Path) -> String {
        match path.strip_prefix(&self.root) {
            Ok(rel) if !rel.as_os_str().is_empty() => rel.to_string_lossy().into_owned(),
            _ => path.to_string_lossy().into_owned(),
        }
    }

    fn outside(&self, path: &Path, resolved: Option<PathBuf>) -> Outside {
        Outside {
            shown: self.shown(path),
            link: std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()),
            resolved,
        }
    }

    /// Read a top-level file from disk. A file that does not exist or cannot be read, that is
    /// not a regular file, or that crosses a read limit is an error; one outside the tree (a
    /// symbolic link leading out) is not read and becomes an empty file with a diagnostic.
    pub fn load_top(&mut self, path: &Path, name: String, kind: FileKind) -> Result<()> {
        match self.read_disk(path) {
            Ok(bytes) => {
                let id = self.add_source(path.to_path_buf(), bytes);
                self.parse_top(id, name, kind);
                Ok(())
            }
            Err(NotRead::Limit(e)) => Err(e),
            Err(NotRead::Denied(Denied::Io(e))) => Err(Error::io(path, &e)),
            Err(NotRead::Denied(Denied::NotRegular(what))) => Err(Error::invalid(format!(
                "{}: is {what}, expected a regular file",
                path.display()
            ))),
            Err(NotRead::Denied(Denied::Outside { resolved })) => {
                let outside = self.outside(path, resolved);
                let id = self.add_source(path.to_path_buf(), Arc::from(&[][..]));
                self.parse_top(id, name, kind);
                let file = self.files.last_mut().expect("just added");
                file.diagnostics.push(Diagnostic {
                    code: DiagnosticCode::IncludeOutsideTree,
                    severity: Severity::Warning,
                    pos: Pos::new(id, 1, 1),
                    message: outside_message(&[outside]),
                });
                Ok(())
            }
        }
    }

    /// Read a top-level in-memory file (nothing happens when the name is unknown).
    pub fn load_top_memory(&mut self, name: &str, kind: FileKind) {
        let Store::Memory(map) = &*self.store else {
            return;
        };
        let Some(bytes) = map.get(name).cloned() else {
            return;
        };
        let id = self.add_source(PathBuf::from(name), bytes);
        self.parse_top(id, name.to_string(), kind);
    }

    /// Read `tops` in order: the same as [`Loader::load_top`] (or [`Loader::load_top_memory`])
    /// on each in turn, with the same ids, order and errors, but on two threads.
    ///
    /// Each top-level file is read by a loader of its own (one takes files from the front of
    /// the list, the other from the back: the dialplan, usually the largest, comes last), then
    /// joined in order: a file read earlier keeps its id and later reads of it take that id,
    /// exactly as one loader would have numbered them. The read limits are shared. The first
    /// error in list order is returned, as reading in order would have stopped there.
    pub fn load_tops(&mut self, tops: &[Top]) -> Result<()> {
        if tops.len() < 2 {
            return tops.iter().try_for_each(|top| self.load_one(top));
        }
        let queue = std::sync::Mutex::new(0..tops.len());
        let worker = |from_back: bool| {
            let mut done = Vec::new();
            loop {
                let next = {
                    let mut left = queue.lock().unwrap_or_else(|e| e.into_inner());
                    if from_back {
                        left.next_back()
                    } else {
                        left.next()
                    }
                };
                let Some(i) = next else {
                    return done;
                };
                let mut loader = self.sibling();
                let read = loader.load_one(&tops[i]).map(|()| loader);
                done.push((i, read));
            }
        };
        let mut read: Vec<(usize, Result<Loader>)> = std::thread::scope(|scope| {
            let back = scope.spawn(|| worker(true));
            let mut all = worker(false);
            match back.join() {
                Ok(done) => all.extend(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
            all
        });
        read.sort_unstable_by_key(|(i, _)| *i);
        for (_, loader) in read {
            self.join(loader?);
        }
        Ok(())
    }

    fn load_one(&mut self, top: &Top) -> Result<()> {
        match &*self.store {
            Store::Disk(_) => self.load_top(&top.path, top.name.clone(), top.kind),
            Store::Memory(_) => {
                self.load_top_memory(&top.name, top.kind);
                Ok(())
            }
        }
    }

    /// A loader with nothing read yet, reading the same tree within the same limits.
    fn sibling(&self) -> Loader {
        Loader {
            root: self.root.clone(),
            store: Arc::clone(&self.store),
            sources: SourceMap::new(),
            by_path: HashMap::new(),
            files: Vec::new(),
            read_total: Arc::clone(&self.read_total),
            limit_error: None,
            split_min_bytes: self.split_min_bytes,
        }
    }

    /// Add what `other` read after what this loader read, as if this one had read it.
    fn join(&mut self, other: Loader) {
        let mut renumbered = false;
        let map: Vec<FileId> = other
            .sources
            .into_files()
            .into_iter()
            .enumerate()
            .map(|(i, source)| {
                let id = match self.by_path.get(&source.path) {
                    Some(&id) => id,
                    None => {
                        let path = source.path.clone();
                        let id = self.sources.add(source);
                        self.by_path.insert(path, id);
                        id
                    }
                };
                renumbered |= id.0 as usize != i;
                id
            })
            .collect();
        for mut file in other.files {
            if renumbered {
                file.renumber_files(&map);
            }
            self.files.push(file);
        }
        if self.limit_error.is_none() {
            self.limit_error = other.limit_error;
        }
    }

    /// The read limit crossed while reading, if any (then the files read are incomplete).
    pub fn limit_error(&mut self) -> Option<Error> {
        self.limit_error.take()
    }

    /// Everything read.
    pub fn finish(self) -> Config {
        Config {
            root: self.root,
            sources: self.sources,
            files: self.files,
        }
    }

    fn add_source(&mut self, path: PathBuf, bytes: Arc<[u8]>) -> FileId {
        if let Some(&id) = self.by_path.get(&path) {
            return id;
        }
        let display = match path.strip_prefix(&self.root) {
            Ok(rel) if !rel.as_os_str().is_empty() => rel.to_string_lossy().into_owned(),
            _ => path.to_string_lossy().into_owned(),
        };
        let id = self
            .sources
            .add(SourceFile::new(path.clone(), display, bytes));
        self.by_path.insert(path, id);
        id
    }

    fn parse_top(&mut self, id: FileId, name: String, kind: FileKind) {
        let out = ConfigFile {
            name,
            kind,
            file: id,
            sections: Vec::new(),
            diagnostics: Vec::new(),
            directives: Vec::new(),
            comments: Vec::new(),
        };
        let file = match kind.dialect() {
            Dialect::Asterisk => {
                let placeholder = Arc::new(Table::default());
                let mut p = FileParser {
                    loader: self,
                    out,
                    vars: Vec::new(),
                    vars_ahead: Vec::new(),
                    placeholder,
                    text: None,
                    index: SectionIndex::default(),
                    current: None,
                    stack: Vec::new(),
                    names: Names::default(),
                    ahead: false,
                    doubtful: false,
                    name_ids: Vec::new(),
                };
                p.parse_file(id, 0);
                let table = Arc::new(Table::new(
                    std::mem::take(&mut p.vars),
                    std::mem::take(&mut p.vars_ahead),
                ));
                for section in &mut p.out.sections {
                    section.variables.set_table(&table);
                }
                p.out
            }
            Dialect::PhpIni => {
                let bytes = self.sources.file(id).bytes.clone();
                super::php_ini::parse(id, &bytes, out)
            }
            // Not Asterisk syntax: the model parses the document (model::twiml).
            Dialect::Xml => out,
        };
        self.files.push(file);
    }

    /// The files an `#include` pattern names, in Asterisk's order, read into the source map,
    /// and the paths it leads to outside the tree (not read).
    fn resolve_include(&mut self, pattern: &str) -> (Vec<FileId>, Vec<Outside>) {
        let mut found = Vec::new();
        let mut outside = Vec::new();
        for alt in glob::expand_braces(pattern) {
            match &*self.store {
                Store::Disk(tree) => {
                    let path = self.disk_path(&alt);
                    // A pattern whose fixed part leaves the tree is refused as written: nothing
                    // outside is listed or even looked up.
                    if !tree.lexically_inside(&glob::fixed_prefix(&path)) {
                        outside.push(self.outside_unseen(&path));
                        continue;
                    }
                    let mut left = Vec::new();
                    let matches =
                        glob::glob_disk(&path, &mut |dir: &Path| match tree.resolve(dir) {
                            Ok(_) => true,
                            Err(Denied::Outside { resolved }) => {
                                left.push((dir.to_path_buf(), resolved));
                                false
                            }
                            Err(_) => false,
                        });
                    for (dir, resolved) in left {
                        outside.push(self.outside(&dir, resolved));
                    }
                    for p in matches {
                        if let Some(&id) = self.by_path.get(&p) {
                            found.push(id);
                            continue;
                        }
                        match self.read_disk(&p) {
                            Ok(bytes) => found.push(self.add_source(p, bytes)),
                            Err(NotRead::Denied(Denied::Outside { resolved })) => {
                                outside.push(self.outside(&p, resolved));
                            }
                            // Asterisk ignores what is not a regular file (with a warning).
                            Err(NotRead::Denied(_)) => {}
                            Err(NotRead::Limit(e)) => {
                                self.limit_error.get_or_insert(e);
                            }
                        }
                    }
                }
                Store::Memory(map) => {
                    let rel = match alt.strip_prefix(DEFAULT_CONFIG_DIR) {
                        Some(rel) => rel.to_string(),
                        None if alt.starts_with('/') => continue,
                        None => alt.clone(),
                    };
                    let names = if glob::has_magic(&rel) {
                        glob::glob_names(&rel, map.keys().map(String::as_str))
                    } else if map.contains_key(&rel) {
                        vec![rel]
                    } else {
                        Vec::new()
                    };
                    let items: Vec<(String, Arc<[u8]>)> = names
                        .into_iter()
                        .filter_map(|n| map.get(&n).map(|b| (n, b.clone())))
                        .collect();
                    for (n, bytes) in items {
                        found.push(self.add_source(PathBuf::from(n), bytes));
                    }
                }
            }
        }
        (found, outside)
    }

    /// A path refused before looking at it.
    fn outside_unseen(&self, path: &Path) -> Outside {
        Outside {
            shown: self.shown(path),
            link: false,
            resolved: None,
        }
    }

    /// Where an include pattern points on disk: relative to the configuration directory;
    /// `/etc/asterisk/…` mapped into the audited directory when that is elsewhere.
    fn disk_path(&self, pattern: &str) -> PathBuf {
        if let Some(rel) = pattern.strip_prefix(DEFAULT_CONFIG_DIR) {
            let mapped = self.root.join(rel);
            if self.root != Path::new(DEFAULT_CONFIG_DIR.trim_end_matches('/')) {
                return mapped;
            }
        }
        if pattern.starts_with('/') {
            PathBuf::from(pattern)
        } else {
            self.root.join(pattern)
        }
    }
}

/// A processed line: its bytes and the 0-based column of each byte in the raw line.
struct LineView<'a> {
    bytes: &'a [u8],
    offs: Offsets<'a>,
}

enum Offsets<'a> {
    /// Byte `i` is at column `base + i`.
    Base(u32),
    /// Byte `i` is at column `map[i]` (block comments were cut out of the line).
    Map(&'a [u32]),
}

impl LineView<'_> {
    fn col(&self, i: usize) -> u32 {
        match &self.offs {
            Offsets::Base(b) => b + i as u32,
            Offsets::Map(m) => m.get(i).copied().or_else(|| m.last().copied()).unwrap_or(0),
        }
    }
}

/// Is `b` whitespace for C's `isspace`?
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// `ast_strip`: the range of `bytes` without leading and trailing whitespace.
fn strip_range(bytes: &[u8], from: usize, to: usize) -> (usize, usize) {
    let mut s = from;
    let mut e = to;
    while s < e && is_space(bytes[s]) {
        s += 1;
    }
    while e > s && is_space(bytes[e - 1]) {
        e -= 1;
    }
    (s, e)
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Why parsing of the current file stops.
struct Stop;

/// What carries over from one line of a file to the next.
struct LineState {
    /// The section variables go to.
    cat: Option<usize>,
    /// config.c's block comment counter, and where the open `;--` are.
    comment: i32,
    nest: Vec<Pos>,
    noted_non_utf8: bool,
    /// A line with its comments cut out, and the column of each byte.
    buf: Vec<u8>,
    offs: Vec<u32>,
}

impl LineState {
    /// The state a file starts in: outside comments, in section `cat`.
    fn new(cat: Option<usize>) -> LineState {
        LineState {
            cat,
            comment: 0,
            nest: Vec::new(),
            noted_non_utf8: false,
            buf: Vec::new(),
            offs: Vec::new(),
        }
    }
}

/// Where a top-level file of at least `min_bytes` is cut in two
/// ([`FileParser::parse_halves`]): the start of the first line beginning with `[` from a bit
/// before the middle on (else the last one before that). `None`: too small, or no such line.
///
/// The parts are read at once and joined after both, so they are cut to cost the same: a line
/// of the first part costs a tenth more to read than one of the second (callgrind, a 20,000-peer
/// sip.conf: 95.7 against 86.6 M instructions for the whole file), so the first gets 47.5% of
/// the bytes (42% before: the same wall time in paired runs, 2 MiB more peak, the thread
/// reading ahead holding more pages of its own). A cut that leaves either part less than an
/// eighth of the file is not made: a dialplan whose last context is a few lines (the render's
/// `extensions.conf`) would start a thread for them.
fn split_point(bytes: &[u8], min_bytes: usize) -> Option<usize> {
    if bytes.len() < min_bytes {
        return None;
    }
    let middle = bytes.len() / 40 * 19;
    let from = middle.saturating_sub(1);
    let at = memchr::memmem::find(&bytes[from..], b"\n[")
        .map(|i| from + i + 1)
        .or_else(|| memchr::memmem::rfind(&bytes[..middle], b"\n[").map(|i| i + 1))?;
    let eighth = bytes.len() / 8;
    (at >= eighth && bytes.len() - at >= eighth).then_some(at)
}

/// The second half of a file, read ahead ([`FileParser::parse_halves`]): slots of variables
/// and indices of sections count from 0, and bases are not looked up yet.
struct Ahead {
    out: ConfigFile,
    vars: Vec<Variable>,
    index: SectionIndex,
    names: Names,
    name_ids: Vec<u32>,
    current: Option<usize>,
    /// The section the last line left variables going to.
    cat: Option<usize>,
    doubtful: bool,
}

#[cfg(test)]
thread_local! {
    /// Halves read ahead and joined on this thread: tests check that they take that path.
    static HALVES_JOINED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Read `lines`, the part of top-level `file` from line `first_line` on (a `[` header), as
/// the second half of the file (see [`FileParser::parse_halves`]), with a loader of its own
/// (an `#include` makes the half doubtful before anything is read).
fn read_ahead(
    mut loader: Loader,
    file: FileId,
    kind: FileKind,
    text: Option<crate::asterisk::shared_text::TextBuffer>,
    placeholder: Arc<Table>,
    lines: &[u8],
    first_line: u32,
) -> Ahead {
    let line_count = memchr::memchr_iter(b'\n', lines).count() + 1;
    let headers = 1 + memchr::memmem::find_iter(lines, b"\n[").count();
    let mut p = FileParser {
        loader: &mut loader,
        out: ConfigFile {
            name: String::new(),
            kind,
            file,
            sections: Vec::with_capacity(headers),
            diagnostics: Vec::new(),
            directives: Vec::new(),
            comments: Vec::new(),
        },
        // A variable at most per line but the headers': room for them all at once.
        vars: Vec::with_capacity(line_count - headers),
        vars_ahead: Vec::new(),
        placeholder,
        text,
        index: SectionIndex {
            by_hash: FastMap::with_capacity_and_hasher(headers, Default::default()),
            next_same_name: Vec::with_capacity(headers),
        },
        current: None,
        stack: vec![file],
        names: Names::default(),
        ahead: true,
        doubtful: false,
        name_ids: Vec::with_capacity(line_count - headers),
    };
    let mut state = LineState::new(None);
    p.parse_lines(file, 0, lines, first_line, &mut state);
    Ahead {
        out: p.out,
        vars: p.vars,
        index: p.index,
        names: p.names,
        name_ids: p.name_ids,
        current: p.current,
        cat: state.cat,
        doubtful: p.doubtful,
    }
}

/// Parses one top-level file and its includes (one Asterisk `ast_config`).
struct FileParser<'l> {
    loader: &'l mut Loader,
    out: ConfigFile,
    /// The file's table of variables: sections refer to ranges of it ([`Variables`]).
    vars: Vec<Variable>,
    /// The variables of a half read ahead, once joined: the table's slots from `vars.len()`
    /// on ([`Table`]); nothing is read after them.
    vars_ahead: Vec<Variable>,
    /// The table sections point at until the real one is finished.
    placeholder: Arc<Table>,
    /// The file being read as text, when it is UTF-8: names and values are ranges of it.
    text: Option<crate::asterisk::shared_text::TextBuffer>,
    /// Sections by name.
    index: SectionIndex,
    /// `cfg->current`: the section an included file starts in.
    current: Option<usize>,
    /// Files being read (for loop detection).
    stack: Vec<FileId>,
    /// Variable names read so far: a handful of option names repeat on most lines.
    names: Names,
    /// Reading the second half of a file ahead of its first half ([`FileParser::parse_halves`]):
    /// bases are not looked up (the sections before are not known yet), and anything whose
    /// meaning depends on what comes before makes the read `doubtful` and stops it.
    ahead: bool,
    doubtful: bool,
    /// Read ahead: the number of each variable's name in `names`, by slot (see
    /// [`FileParser::join_ahead`]).
    name_ids: Vec<u32>,
}

/// Names read so far, numbered in reading order.
#[derive(Default)]
struct Names {
    by_bytes: FastMap<Box<[u8]>, u32>,
    texts: Vec<Text>,
}

impl Names {
    /// Add a name not read before; its number.
    fn add(&mut self, bytes: Box<[u8]>, text: Text) -> u32 {
        let id = u32::try_from(self.texts.len()).expect("fewer than 2^32 names");
        self.by_bytes.insert(bytes, id);
        self.texts.push(text);
        id
    }
}

/// Sections by name without a key per section: the hash of the lower-cased name → the first
/// and last section with that hash; `next_same_name[i]` is the next one after `i` (`u32::MAX`:
/// none). Names are compared on lookup (hashes may collide).
#[derive(Default)]
struct SectionIndex {
    by_hash: FastMap<u64, (u32, u32)>,
    next_same_name: Vec<u32>,
}

impl SectionIndex {
    /// Add section `idx` (the next one) named `name`.
    fn add(&mut self, idx: usize, name: &str) {
        let idx = idx as u32;
        debug_assert_eq!(idx as usize, self.next_same_name.len());
        self.next_same_name.push(u32::MAX);
        match self.by_hash.entry(name_hash(name)) {
            std::collections::hash_map::Entry::Occupied(mut first_last) => {
                let last = &mut first_last.get_mut().1;
                self.next_same_name[*last as usize] = idx;
                *last = idx;
            }
            std::collections::hash_map::Entry::Vacant(none) => {
                none.insert((idx, idx));
            }
        }
    }

    /// `category_get_sep`: the first of `sections` whose name matches (case-insensitively; an
    /// empty name matches every section) and that passes `ok`.
    fn find(
        &self,
        sections: &[Section],
        name: &str,
        ok: impl Fn(&Section) -> bool,
    ) -> Option<usize> {
        if name.is_empty() {
            return sections.iter().position(ok);
        }
        let mut i = self.by_hash.get(&name_hash(name))?.0;
        loop {
            let section = &sections[i as usize];
            if section.name.eq_ignore_ascii_case(name) && ok(section) {
                return Some(i as usize);
            }
            i = self.next_same_name[i as usize];
            if i == u32::MAX {
                return None;
            }
        }
    }
}

impl FileParser<'_> {
    /// The shared [`Text`] for a variable name (invalid UTF-8 replaced, as everywhere), and
    /// its number among the names read.
    fn intern(&mut self, name: &[u8]) -> (u32, Text) {
        if let Some(&id) = self.names.by_bytes.get(name) {
            return (id, self.names.texts[id as usize].clone());
        }
        let t = self.text_of(name);
        let id = self.names.add(name.into(), t.clone());
        (id, t)
    }

    /// `bytes` as text: a range of the file being read when it is one (no copy), else a copy
    /// (invalid UTF-8 replaced).
    fn text_of(&self, bytes: &[u8]) -> Text {
        if let Some(text) = &self.text {
            let base = text.as_ptr() as usize;
            let at = bytes.as_ptr() as usize;
            if at >= base && at + bytes.len() <= base + text.len() {
                let start = at - base;
                if let Some(t) = Text::range_of(text, start..start + bytes.len()) {
                    return t;
                }
            }
        }
        Text::from(String::from_utf8_lossy(bytes))
    }

    /// Add `v` to the file's table; its slot.
    fn push_var(&mut self, v: Variable) -> usize {
        // The half read ahead, once joined, takes the slots after these.
        debug_assert!(
            self.vars_ahead.is_empty(),
            "nothing is read after a half read ahead"
        );
        self.vars.push(v);
        self.vars.len() - 1
    }

    /// Add section `idx` (just pushed) to the name index.
    fn index_section(&mut self, idx: usize) {
        self.index.add(idx, &self.out.sections[idx].name);
    }

    fn diag(&mut self, code: DiagnosticCode, severity: Severity, pos: Pos, message: String) {
        self.out.diagnostics.push(Diagnostic {
            code,
            severity,
            pos,
            message,
        });
    }

    /// Fatal for the top-level file; inside an included file it stops that file only.
    fn fatal(&mut self, code: DiagnosticCode, depth: usize, pos: Pos, message: String) -> Stop {
        let severity = if depth == 0 {
            Severity::Fatal
        } else {
            Severity::StopsInclude
        };
        self.diag(code, severity, pos, message);
        Stop
    }

    fn parse_file(&mut self, file: FileId, depth: usize) {
        self.stack.push(file);
        let source = self.loader.sources.file(file);
        let bytes = source.bytes.clone();
        // And about one line in four or five starts a section.
        let headers = usize::from(bytes.first() == Some(&b'['))
            + memchr::memmem::find_iter(&bytes, b"\n[").count();
        self.out.sections.reserve(headers);
        self.index.by_hash.reserve(headers);
        // An included file goes on in the section and comment state its includer left, which
        // a half read ahead cannot know: only top-level files are split.
        let split = match depth {
            0 => {
                split_point(&bytes, self.loader.split_min_bytes).map(|at| (at, source.line_of(at)))
            }
            _ => None,
        };
        let outer_text = std::mem::replace(&mut self.text, Text::utf8_buffer(&bytes));
        let mut state = LineState::new(self.current);
        // Most lines but the headers are variables: room for them all at once instead of
        // growing by doubling (a half read ahead has a table of its own).
        let line_count = source.line_count();
        match split {
            // The half read ahead takes names and values as ranges of the file's text (no copy
            // and no note about bytes that are not UTF-8): only a UTF-8 file is split.
            Some((at, line)) if self.text.is_some() => {
                self.vars.reserve(line as usize);
                self.parse_halves(file, &bytes, at, line, line_count, &mut state);
            }
            _ => {
                self.vars.reserve(line_count - headers);
                self.parse_lines(file, depth, &bytes, 1, &mut state);
            }
        }
        if state.comment > 0 {
            if let Some(&opened) = state.nest.last() {
                self.diag(
                    DiagnosticCode::UnterminatedBlockComment,
                    Severity::Warning,
                    opened,
                    "block comment `;--` is never closed: the rest of the file is a comment"
                        .to_string(),
                );
            }
        }
        self.text = outer_text;
        self.stack.pop();
    }

    /// Read `lines` of `file` (the whole file, or the part of it starting at line
    /// `first_line`) one line after the other.
    fn parse_lines(
        &mut self,
        file: FileId,
        depth: usize,
        lines: &[u8],
        first_line: u32,
        state: &mut LineState,
    ) {
        for (idx, raw) in lines.split(|&b| b == b'\n').enumerate() {
            let lineno = first_line + idx as u32;
            let at = |col: u32| Pos::new(file, lineno, col + 1);
            if raw.len() >= MAX_LINE {
                self.diag(
                    DiagnosticCode::LineTooLong,
                    Severity::DroppedLine,
                    at(0),
                    format!(
                        "line of {} bytes: Asterisk reads at most {} bytes per line and drops this one",
                        raw.len(),
                        MAX_LINE - 1
                    ),
                );
                if self.ahead {
                    self.doubtful = true;
                    break;
                }
                continue;
            }
            let start = if lineno == 1 && raw.starts_with(BOM) {
                BOM.len()
            } else {
                0
            };
            let mut line = &raw[start..];
            if let Some(nul) = memchr::memchr(0, line) {
                self.diag(
                    DiagnosticCode::NulByte,
                    Severity::Warning,
                    at((start + nul) as u32),
                    "NUL byte: Asterisk ignores the rest of this line".to_string(),
                );
                line = &line[..nul];
            }
            if !state.noted_non_utf8 && self.text.is_none() && std::str::from_utf8(line).is_err() {
                state.noted_non_utf8 = true;
                self.diag(
                    DiagnosticCode::NonUtf8,
                    Severity::Warning,
                    at(start as u32),
                    "bytes that are not UTF-8 (read as they are)".to_string(),
                );
            }

            // Fast path: no comment state and no `;` that needs the full machine.
            let plain_comment_at = if state.comment == 0 {
                simple_comment(line)
            } else {
                None
            };
            let result = match plain_comment_at {
                Some(SimpleLine::NoComment) => {
                    let view = LineView {
                        bytes: line,
                        offs: Offsets::Base(start as u32),
                    };
                    self.process_line(&view, file, lineno, depth, &mut state.cat)
                }
                Some(SimpleLine::CommentAt(p)) => {
                    self.out.comments.push(Comment {
                        text: lossy(&line[p + 1..]),
                        pos: at((start + p) as u32),
                    });
                    let view = LineView {
                        bytes: &line[..p],
                        offs: Offsets::Base(start as u32),
                    };
                    self.process_line(&view, file, lineno, depth, &mut state.cat)
                }
                None => {
                    let LineState {
                        buf,
                        offs,
                        comment,
                        nest,
                        cat,
                        ..
                    } = state;
                    buf.clear();
                    buf.extend_from_slice(line);
                    buf.push(0);
                    offs.clear();
                    offs.extend((0..=line.len() as u32).map(|i| start as u32 + i));
                    let process = self.strip_comments(buf, offs, comment, nest, file, lineno);
                    match process {
                        Some((s, e)) => {
                            let view = LineView {
                                bytes: &buf[s..e],
                                offs: Offsets::Map(&offs[s..e]),
                            };
                            self.process_line(&view, file, lineno, depth, cat)
                        }
                        None => Ok(()),
                    }
                }
            };
            if result.is_err() && depth > 0 {
                // Asterisk stops reading an included file at its first fatal error.
                break;
            }
            if self.ahead && (self.doubtful || !self.out.diagnostics.is_empty()) {
                // Diagnostics must come in reading order, after those of the first half: a
                // half read ahead has none (the first half is read on instead).
                self.doubtful = true;
                break;
            }
        }
    }

    /// Read a large top-level file in two halves at once: the lines from byte `at` (line
    /// `line`, a `[` header) on a second thread, ahead of time, while this parser reads the
    /// lines before; then the half read ahead joins what this parser read, leaving everything
    /// as reading on would have.
    ///
    /// The half read ahead starts as a file does (outside any block comment, no section): it
    /// is only right when this parser ends its half outside any block comment (the header
    /// then opens a section whatever came before), and when nothing in it depends on what came
    /// before but the bases its headers name (looked up when joining). Otherwise it is dropped
    /// and this parser reads on from `at`, as if there had been no split.
    fn parse_halves(
        &mut self,
        file: FileId,
        bytes: &[u8],
        at: usize,
        line: u32,
        line_count: usize,
        state: &mut LineState,
    ) {
        let spare = self.loader.sibling();
        let text = self.text.clone();
        let placeholder = Arc::clone(&self.placeholder);
        let kind = self.out.kind;
        let (first, second) = (&bytes[..at - 1], &bytes[at..]);
        let ahead = std::thread::scope(|scope| {
            // No thread to be had: the whole file is read here.
            let ahead = std::thread::Builder::new().spawn_scoped(scope, move || {
                read_ahead(spare, file, kind, text, placeholder, second, line)
            });
            self.parse_lines(file, 0, first, 1, state);
            ahead.ok().map(|ahead| {
                ahead
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
        });
        if state.comment == 0 && ahead.is_some_and(|ahead| self.join_ahead(ahead, state)) {
            return;
        }
        self.vars.reserve(line_count - line as usize + 1);
        self.parse_lines(file, 0, second, line, state);
    }

    /// Put the sections, variables and comments read ahead after those this parser read, as
    /// reading them in order would have; `false` (nothing changed) when the half read ahead is
    /// doubtful or names a base found nowhere (a fatal error, reported by reading on).
    fn join_ahead(&mut self, ahead: Ahead, state: &mut LineState) -> bool {
        let Ahead {
            out,
            vars,
            index,
            names,
            name_ids,
            current,
            cat,
            doubtful,
        } = ahead;
        if doubtful || !out.diagnostics.is_empty() || !out.directives.is_empty() {
            return false;
        }
        // A base is the first section of that name before the header (`category_get_sep`):
        // one this parser read, which are all it will have read when the header comes (the
        // half read ahead appends to none of them), else one read ahead before the header.
        let before = self.out.sections.len();
        let mut bases = Vec::new();
        for (i, section) in out.sections.iter().enumerate() {
            for base in &section.bases {
                let found = self.find_section(base, |_| true).or_else(|| {
                    index
                        .find(&out.sections, base, |_| true)
                        .filter(|&j| j < i)
                        .map(|j| before + j)
                });
                match found {
                    Some(found) => bases.push(found),
                    None => return false,
                }
            }
        }
        // A name read in both halves is the text of its first line, as interning in order
        // gives (consumers recognise names by that text's address).
        let Names { by_bytes, texts } = names;
        let mut first_read: Vec<Option<Text>> = vec![None; texts.len()];
        for (bytes, id) in by_bytes {
            let text = &texts[id as usize];
            match self.names.by_bytes.get(&bytes) {
                Some(&first) => {
                    first_read[id as usize] = Some(self.names.texts[first as usize].clone())
                }
                None => {
                    self.names.add(bytes, text.clone());
                }
            }
        }
        let shift = u32::try_from(self.vars.len()).expect("fewer than 2^32 variables");
        let mut vars = vars;
        debug_assert_eq!(vars.len(), name_ids.len());
        for (v, id) in vars.iter_mut().zip(name_ids) {
            if let Some(first) = &first_read[id as usize] {
                v.name = first.clone();
            }
        }
        // The second part of the table, as it was written (see `Table`).
        assert!(self.vars_ahead.is_empty(), "one half read ahead per file");
        self.vars_ahead = vars;
        // The name index is not brought up to date: the half read ahead ends the top-level
        // file, and nothing looks sections up by name after its last line.
        let mut next_base = 0;
        for mut section in out.sections {
            // Inherited lines first, as the header copied them, then the section's own.
            let named = &bases[next_base..next_base + section.bases.len()];
            next_base += named.len();
            let sections = &self.out.sections;
            let inherited = named
                .iter()
                .map(|&b| (&sections[b].variables, &sections[b].name));
            section.variables.join_ahead(inherited, shift);
            self.out.sections.push(section);
        }
        self.out.comments.extend(out.comments);
        self.current = current.map(|c| before + c);
        state.cat = cat.map(|c| before + c);
        #[cfg(test)]
        HALVES_JOINED.with(|n| n.set(n.get() + 1));
        true
    }

    /// config.c's comment machine on one line held in `buf` (NUL-terminated, `offs` parallel).
    /// Returns the range of `buf` to process, if the line is not entirely inside a comment.
    fn strip_comments(
        &mut self,
        buf: &mut Vec<u8>,
        offs: &mut Vec<u32>,
        comment: &mut i32,
        nest: &mut Vec<Pos>,
        file: FileId,
        lineno: u32,
    ) -> Option<(usize, usize)> {
        let strend = |buf: &[u8], from: usize| -> usize {
            memchr::memchr(0, &buf[from.min(buf.len())..]).map_or(buf.len(), |i| from + i)
        };
        let mut process: Option<usize> = if *comment != 0 { None } else { Some(0) };
        let mut new_buf = 0usize;
        loop {
            let end = strend(buf, new_buf);
            let Some(rel) = memchr::memchr(b';', &buf[new_buf..end]) else {
                break;
            };
            let p = new_buf + rel;
            let byte = |buf: &[u8], i: usize| buf.get(i).copied().unwrap_or(0);
            let pos = Pos::new(file, lineno, offs[p] + 1);
            if p > new_buf && buf[p - 1] == b'\\' {
                // `\;` is a literal `;`: the backslash goes.
                buf.remove(p - 1);
                offs.remove(p - 1);
                new_buf = p;
            } else if byte(buf, p + 1) == b'-'
                && byte(buf, p + 2) == b'-'
                && byte(buf, p + 3) != b'-'
            {
                // A block comment in a half read ahead: conservatively doubtful.
                self.doubtful |= self.ahead;
                if *comment < MAX_NESTED_COMMENTS {
                    buf[p] = 0;
                    new_buf = p + 3;
                    *comment += 1;
                    nest.push(pos);
                } else {
                    // Asterisk logs an error and looks at the same `;` again (it spins);
                    // pbxgen reports it and moves on.
                    self.diag(
                        DiagnosticCode::CommentNestingTooDeep,
                        Severity::Warning,
                        pos,
                        format!("more than {MAX_NESTED_COMMENTS} nested `;--` comments"),
                    );
                    new_buf = p + 1;
                }
            } else if p >= new_buf + 2 && buf[p - 1] == b'-' && buf[p - 2] == b'-' {
                self.doubtful |= self.ahead;
                *comment -= 1;
                nest.pop();
                new_buf = p + 1;
                if *comment == 0 {
                    match process {
                        Some(pb) => {
                            // Move what follows the comment over its start.
                            let oldptr = strend(buf, pb);
                            buf.drain(oldptr..new_buf);
                            offs.drain(oldptr..new_buf);
                            new_buf = oldptr;
                        }
                        None => process = Some(new_buf),
                    }
                } else if *comment == -1 {
                    self.diag(
                        DiagnosticCode::StrayBlockCommentEnd,
                        Severity::DroppedLine,
                        Pos::new(file, lineno, offs[p - 2] + 1),
                        "`--;` outside a block comment: Asterisk ignores every following line \
                         until a `;--`"
                            .to_string(),
                    );
                }
            } else if *comment == 0 {
                self.out.comments.push(Comment {
                    text: lossy(&buf[p + 1..end]),
                    pos,
                });
                buf[p] = 0;
                new_buf = p;
            } else {
                new_buf = p + 1;
            }
        }
        let pb = process?;
        Some((pb, strend(buf, pb)))
    }

    /// config.c's `process_text_line` on a comment-free line.
    fn process_line(
        &mut self,
        view: &LineView<'_>,
        file: FileId,
        lineno: u32,
        depth: usize,
        cat: &mut Option<usize>,
    ) -> Result<(), Stop> {
        let (s, e) = strip_range(view.bytes, 0, view.bytes.len());
        if s == e {
            return Ok(());
        }
        let b = &view.bytes[s..e];
        let pos = |i: usize| Pos::new(file, lineno, view.col(s + i) + 1);
        match b[0] {
            b'[' => self.header(b, &pos, depth, cat),
            // An include reads other files into the middle of this one: a half read ahead
            // cannot (its sections and slots would come before the included ones).
            b'#' if self.ahead => {
                self.doubtful = true;
                Ok(())
            }
            b'#' => self.directive(b, &pos, depth),
            _ => self.variable(b, &pos, depth, *cat),
        }
    }

    fn header(
        &mut self,
        b: &[u8],
        pos: &dyn Fn(usize) -> Pos,
        depth: usize,
        cat: &mut Option<usize>,
    ) -> Result<(), Stop> {
        let Some(close) = memchr::memchr(b']', b) else {
            return Err(self.fatal(
                DiagnosticCode::MissingBracket,
                depth,
                pos(0),
                "section header without `]`: Asterisk refuses the file".to_string(),
            ));
        };
        let mut name = &b[1..close];
        if name.len() > MAX_SECTION_NAME {
            self.diag(
                DiagnosticCode::SectionNameTooLong,
                Severity::Warning,
                pos(1),
                format!("section name longer than {MAX_SECTION_NAME} bytes is cut"),
            );
            name = &name[..MAX_SECTION_NAME];
        }
        let mut newcat = Some(Section {
            name: self.text_of(name),
            pos: pos(0),
            is_template: false,
            bases: Vec::new(),
            appended_at: Default::default(),
            variables: Variables::with_table(&self.placeholder),
        });
        let mut target: Option<usize> = None;
        let after = &b[close + 1..];
        let mut result = Ok(());
        if after.first() == Some(&b'(') {
            match memchr::memchr(b')', &after[1..]) {
                None => {
                    return Err(self.fatal(
                        DiagnosticCode::MissingParenthesis,
                        depth,
                        pos(close + 1),
                        "`(` without `)` in a section header: Asterisk refuses the file"
                            .to_string(),
                    ));
                }
                Some(rel) => {
                    let inner_start = close + 2;
                    let inner = &b[inner_start..inner_start + rel];
                    let mut item_start = inner_start;
                    for item in inner.split(|&c| c == b',') {
                        let item_pos = pos(item_start);
                        item_start += item.len() + 1;
                        if result.is_err() {
                            continue;
                        }
                        result = self.header_item(item, item_pos, depth, &mut newcat, &mut target);
                    }
                }
            }
        } else {
            let rest = after.iter().position(|&c| !is_space(c));
            if let Some(i) = rest.filter(|&i| after[i] == b'(') {
                self.diag(
                    DiagnosticCode::HeaderSpacing,
                    Severity::DroppedLine,
                    pos(close + 1 + i),
                    format!(
                        "`{}` does not follow `]` directly: Asterisk ignores it and `[{}]` is an \
                         ordinary section",
                        lossy(&after[i..]),
                        lossy(name)
                    ),
                );
            }
        }
        match newcat {
            Some(section) => {
                let idx = self.out.sections.len();
                self.out.sections.push(section);
                self.index_section(idx);
                *cat = Some(idx);
                self.current = Some(idx);
            }
            None => {
                *cat = target;
                self.current = target;
            }
        }
        result
    }

    /// One item of `[name](…)`: `!`, `+filter`, or a base (never trimmed).
    fn header_item(
        &mut self,
        item: &[u8],
        item_pos: Pos,
        depth: usize,
        newcat: &mut Option<Section>,
        target: &mut Option<usize>,
    ) -> Result<(), Stop> {
        let text = self.text_of(item);
        if text.eq_ignore_ascii_case("!") {
            match (newcat.as_mut(), *target) {
                (Some(n), _) => n.is_template = true,
                (None, Some(t)) => self.out.sections[t].is_template = true,
                (None, None) => {}
            }
            return Ok(());
        }
        let cur_name = newcat
            .as_ref()
            .map(|n| n.name.clone())
            .or_else(|| target.map(|t| self.out.sections[t].name.clone()))
            .unwrap_or_default();
        if let Some(filter) = text.strip_prefix('+') {
            if self.ahead {
                // Appends to a section that may be in the first half.
                self.doubtful = true;
                return Ok(());
            }
            let found =
                self.find_section(&cur_name, |s| append_filter_matches(s, &self.vars, filter));
            let Some(found) = found else {
                return Err(self.fatal(
                    DiagnosticCode::AppendWithoutTarget,
                    depth,
                    item_pos,
                    format!(
                        "`[{cur_name}]({text})` appends to a section that does not exist (yet): \
                         Asterisk refuses the file"
                    ),
                ));
            };
            self.out.sections[found].appended_at.push(item_pos);
            if let Some(n) = newcat.take() {
                let t = &mut self.out.sections[found];
                t.is_template |= n.is_template;
                t.variables.append(n.variables);
            }
            *target = Some(found);
            return Ok(());
        }
        if let Some(n) = newcat.as_mut() {
            // Nearly every section names one base: no room for four.
            n.bases.reserve_exact(1);
            n.bases.push(text.clone());
        }
        if self.ahead {
            // Looked up when the halves join (`join_ahead`): the sections before are not
            // all known yet. Room for their lines (one run each, usually) and the section's own,
            // made on this thread.
            if let Some(n) = newcat.as_mut() {
                n.variables.reserve_runs(n.bases.len() + 1);
            }
            return Ok(());
        }
        let Some(base) = self.find_section(&text, |_| true) else {
            let untrimmed = text.trim() != text.as_str();
            let (code, why) = if untrimmed {
                (
                    DiagnosticCode::UntrimmedBase,
                    format!(
                        "base `{text}` has spaces, which Asterisk does not trim: no section has \
                         that name, so Asterisk refuses the file"
                    ),
                )
            } else {
                (
                    DiagnosticCode::MissingBase,
                    format!(
                        "base `{text}` is not a section defined earlier: Asterisk refuses the file"
                    ),
                )
            };
            return Err(self.fatal(code, depth, item_pos, why));
        };
        // The section refers to the base's variables as they are now: no copy per variable.
        let from = self.out.sections[base].name.clone();
        match (newcat.as_mut(), *target) {
            (Some(n), _) => n
                .variables
                .inherit(&self.out.sections[base].variables, &from),
            (None, Some(t)) => {
                // Appending to an existing section (possibly the base itself): what the base
                // holds before the append.
                let base_vars = self.out.sections[base].variables.clone();
                self.out.sections[t].variables.inherit(&base_vars, &from);
            }
            (None, None) => {}
        }
        Ok(())
    }

    /// `category_get_sep` over the sections read so far.
    fn find_section(&self, name: &str, ok: impl Fn(&Section) -> bool) -> Option<usize> {
        self.index.find(&self.out.sections, name, ok)
    }

    fn directive(
        &mut self,
        b: &[u8],
        pos: &dyn Fn(usize) -> Pos,
        depth: usize,
    ) -> Result<(), Stop> {
        let rest = &b[1..];
        // The name runs to the first byte <= 32 (C's signed `char`: bytes >= 0x80 stop it too).
        let name_end = rest
            .iter()
            .position(|&c| c <= 32 || c >= 0x80)
            .unwrap_or(rest.len());
        let name = lossy(&rest[..name_end]);
        let (arg_start, arg_end) = if name_end < rest.len() {
            let (s, e) = strip_range(rest, name_end + 1, rest.len());
            (s + 1, e + 1)
        } else {
            (b.len(), b.len())
        };
        let kind = if name.eq_ignore_ascii_case("include") {
            DirectiveKind::Include
        } else if name.eq_ignore_ascii_case("tryinclude") {
            DirectiveKind::TryInclude
        } else if name.eq_ignore_ascii_case("exec") {
            DirectiveKind::Exec
        } else {
            self.diag(
                DiagnosticCode::UnknownDirective,
                Severity::DroppedLine,
                pos(0),
                format!("unknown directive `#{name}`: Asterisk ignores the line"),
            );
            return Ok(());
        };
        if arg_start >= arg_end {
            self.diag(
                DiagnosticCode::MissingDirectiveArgument,
                Severity::DroppedLine,
                pos(0),
                format!("`#{name}` without an argument: Asterisk ignores the line"),
            );
            return Ok(());
        }
        let mut arg = &b[arg_start..arg_end];
        if let Some(&q) = arg.first().filter(|&&q| q == b'"' || q == b'<') {
            let close = if q == b'<' { b'>' } else { b'"' };
            if arg.last() == Some(&close) {
                arg = &arg[1..arg.len() - 1];
            }
        }
        let argument = lossy(arg);
        let dpos = pos(0);
        if kind == DirectiveKind::Exec {
            self.diag(
                DiagnosticCode::ExecDirective,
                Severity::Warning,
                dpos,
                format!(
                    "`#exec {argument}` runs a shell command at every load when asterisk.conf has \
                     execincludes=yes (pbxgen never runs it)"
                ),
            );
            self.out.directives.push(Directive {
                kind,
                argument,
                pos: dpos,
                files: Vec::new(),
            });
            return Ok(());
        }
        let (files, outside) = self.loader.resolve_include(&argument);
        let dir_index = self.out.directives.len();
        self.out.directives.push(Directive {
            kind,
            argument: argument.clone(),
            pos: dpos,
            files: files.clone(),
        });
        let is_try = kind == DirectiveKind::TryInclude;
        if !outside.is_empty() {
            self.diag(
                DiagnosticCode::IncludeOutsideTree,
                Severity::Warning,
                dpos,
                outside_message(&outside),
            );
            if files.is_empty() {
                // Not missing: the file is there, pbxgen just does not read it.
                return Ok(());
            }
        }
        if files.is_empty() {
            if is_try {
                self.diag(
                    DiagnosticCode::MissingTryInclude,
                    Severity::Warning,
                    dpos,
                    format!("`#tryinclude {argument}` matches no file (Asterisk goes on)"),
                );
                return Ok(());
            }
            return Err(self.fatal(
                DiagnosticCode::MissingInclude,
                depth,
                dpos,
                format!(
                    "`#include {argument}` matches no file: Asterisk logs \"was listed as a #include \
                     but it does not exist\" and refuses the file"
                ),
            ));
        }
        if depth + 1 >= MAX_INCLUDE_LEVEL {
            let message = format!(
                "`#include {argument}` goes deeper than {MAX_INCLUDE_LEVEL} levels: Asterisk logs \
                 \"Maximum Include level exceeded\" and does not read it"
            );
            if is_try {
                self.diag(
                    DiagnosticCode::IncludeTooDeep,
                    Severity::Warning,
                    dpos,
                    message,
                );
                return Ok(());
            }
            return Err(self.fatal(DiagnosticCode::IncludeTooDeep, depth, dpos, message));
        }
        let mut read = Vec::with_capacity(files.len());
        for id in files {
            if self.stack.contains(&id) {
                let shown = self.loader.sources.display(id).to_string();
                self.diag(
                    DiagnosticCode::IncludeLoop,
                    Severity::Warning,
                    dpos,
                    format!(
                        "`{shown}` includes itself (through `#include {argument}`): Asterisk reads \
                         it again and again until {MAX_INCLUDE_LEVEL} levels deep, then stops; \
                         pbxgen reads it once"
                    ),
                );
                continue;
            }
            read.push(id);
            self.parse_file(id, depth + 1);
        }
        self.out.directives[dir_index].files = read;
        Ok(())
    }

    fn variable(
        &mut self,
        b: &[u8],
        pos: &dyn Fn(usize) -> Pos,
        depth: usize,
        cat: Option<usize>,
    ) -> Result<(), Stop> {
        let Some(ci) = cat else {
            return Err(self.fatal(
                DiagnosticCode::VariableBeforeSection,
                depth,
                pos(0),
                "a variable before any section header: Asterisk refuses the file".to_string(),
            ));
        };
        let mut cur = 0usize;
        let escaped = b[0] == b'\\';
        if escaped {
            cur = 1;
            // C's signed `char`: bytes >= 0x80 are negative, so they count as "< 33" too.
            if b.get(1).is_none_or(|c| !(33..0x80).contains(c)) {
                return Err(self.fatal(
                    DiagnosticCode::InvalidEscape,
                    depth,
                    pos(0),
                    "`\\` at the start of a line must escape a visible character: Asterisk refuses \
                     the file"
                        .to_string(),
                ));
            }
        }
        let search_from = (cur + usize::from(escaped)).min(b.len());
        let Some(eq) = memchr::memchr(b'=', &b[search_from..]).map(|i| search_from + i) else {
            self.diag(
                DiagnosticCode::MissingEquals,
                Severity::DroppedLine,
                pos(cur),
                format!(
                    "`{}` has no `=`: Asterisk ignores the line",
                    lossy(&b[cur..])
                ),
            );
            return Ok(());
        };
        let append = eq > search_from && b[eq - 1] == b'+';
        let name_end = if append { eq - 1 } else { eq };
        let (ns, ne) = strip_range(b, cur, name_end);
        let (name_id, name) = self.intern(&b[ns..ne]);
        let mut vstart = eq + 1;
        if append && self.ahead {
            // `+=` reads the section's variables, inherited ones too (not there yet).
            self.doubtful = true;
            return Ok(());
        }
        if append {
            let section = &self.out.sections[ci];
            let last_same = section
                .variables
                .iter_in(&self.vars)
                .enumerate()
                .filter(|(_, (_, v))| v.name == name)
                .last();
            if let Some((replace, _)) = last_same {
                self.append_to(ci, replace, &b[vstart..], pos(ns));
                return Ok(());
            }
            // Nothing to append to: an ordinary variable (and `=>` is not recognised here).
        }
        let mut object = false;
        if !append && b.get(vstart) == Some(&b'>') {
            object = true;
            vstart += 1;
        }
        if ns == ne {
            self.diag(
                DiagnosticCode::MissingName,
                Severity::DroppedLine,
                pos(cur),
                "`= value` without a name: Asterisk ignores the line".to_string(),
            );
            return Ok(());
        }
        let (vs, ve) = strip_range(b, vstart, b.len());
        let value = self.text_of(&b[vs..ve]);
        let slot = self.push_var(Variable::new(name, value, pos(ns), pos(vs).column, object));
        if self.ahead {
            self.name_ids.push(name_id);
        }
        self.out.sections[ci].variables.push_own(slot);
        Ok(())
    }

    /// `name += more`: config.c appends the raw text after `=` to the value of the last
    /// variable with this exact name, trims the result, and stores it (through
    /// `ast_variable_update`) in the last variable whose name matches case-insensitively and
    /// whose value equals the old value (any value when the old value is empty).
    ///
    /// The changed variable is a new entry of the table: the old one may be inherited by other
    /// sections, which keep it as it was.
    fn append_to(&mut self, ci: usize, replace: usize, more: &[u8], at: Pos) {
        let variables = &self.out.sections[ci].variables;
        let old = |i: usize| {
            variables
                .iter_in(&self.vars)
                .nth(i)
                .map(|(_, v)| v)
                .expect("a variable of the section")
        };
        let old_value = old(replace).value.clone();
        let old_name = old(replace).name.clone();
        let mut joined = old_value.to_string();
        joined.push_str(&String::from_utf8_lossy(more));
        let new_value =
            Text::from(joined.trim_matches(|c: char| c.is_ascii() && is_space(c as u8)));
        let target = variables
            .iter_in(&self.vars)
            .enumerate()
            .filter(|(_, (_, v))| {
                v.name.eq_ignore_ascii_case(&old_name)
                    && (old_value.is_empty() || v.value.eq_ignore_ascii_case(&old_value))
            })
            .last()
            .map_or(replace, |(i, _)| i);
        let mut changed = old(target).clone();
        changed.name = old_name;
        changed.value = new_value;
        changed.appended_at.push(at);
        let slot = self.push_var(changed);
        self.out.sections[ci].variables.replace(target, slot);
    }
}

/// FNV-1a of the ASCII-lower-cased name: sections compare case-insensitively.
fn name_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x0100_0000_01b3)
    })
}

/// How the fast path may treat a line.
enum SimpleLine {
    /// No `;` at all.
    NoComment,
    /// The first `;` starts an ordinary comment (not `\;`, `;--` or `--;`).
    CommentAt(usize),
}

fn simple_comment(line: &[u8]) -> Option<SimpleLine> {
    let Some(p) = memchr::memchr(b';', line) else {
        return Some(SimpleLine::NoComment);
    };
    let escaped = p > 0 && line[p - 1] == b'\\';
    let opens = line.get(p + 1) == Some(&b'-')
        && line.get(p + 2) == Some(&b'-')
        && line.get(p + 3) != Some(&b'-');
    let closes = p >= 2 && line[p - 1] == b'-' && line[p - 2] == b'-';
    (!escaped && !opens && !closes).then_some(SimpleLine::CommentAt(p))
}

/// `does_category_match` for `(+filter)`: an empty filter matches a non-template section;
/// otherwise every `&`-separated `name=value` regex pair (unanchored POSIX ERE) must match some
/// variable, and templates match only with `TEMPLATES=include|restrict`.
fn append_filter_matches(section: &Section, table: &[Variable], filter: &str) -> bool {
    if filter.is_empty() {
        return !section.is_template;
    }
    let mut expressions = 0;
    let mut found = 0;
    let mut template_ok = false;
    for nvp in filter.split('&') {
        expressions += 1;
        let mut parts = nvp.split('=');
        let name = parts.next().unwrap_or("").trim();
        let Some(value) = parts.next().map(str::trim) else {
            break;
        };
        if name == "TEMPLATES" {
            if value.eq_ignore_ascii_case("include") {
                template_ok |= section.is_template;
                found += 1;
            } else if value.eq_ignore_ascii_case("restrict") {
                if !section.is_template {
                    break;
                }
                template_ok = true;
                found += 1;
            }
            continue;
        }
        let (Ok(re_name), Ok(re_value)) = (regex::Regex::new(name), regex::Regex::new(value))
        else {
            break;
        };
        if section
            .variables
            .iter_in(table)
            .any(|(_, v)| re_name.is_match(&v.name) && re_value.is_match(&v.value))
        {
            found += 1;
        }
    }
    found == expressions && (!section.is_template || template_ok)
}

#[cfg(test)]
mod tests {
    //! One test per reading rule of spec/asterisk-config.md (and the config.c behaviour behind it).
    //! Each test name says the rule it pins.

    use super::super::{Config, ConfigFile, DiagnosticCode, FileKind, Severity, load_texts};
    use super::{Loader, Top};
    use std::path::PathBuf;

    /// Parse one in-memory `sip.conf`.
    fn parse(text: &str) -> ConfigFile {
        parse_bytes(text.as_bytes())
    }

    fn parse_bytes(bytes: &[u8]) -> ConfigFile {
        let mut config = load_texts("mem", vec![("sip.conf".to_string(), bytes.to_vec())]);
        config.files.remove(0)
    }

    /// Parse several in-memory files; `sip.conf` is the top-level one.
    fn parse_tree(files: &[(&str, &str)]) -> Config {
        load_texts(
            "mem",
            files
                .iter()
                .map(|(n, t)| (n.to_string(), t.as_bytes().to_vec()))
                .collect(),
        )
    }

    #[test]
    fn reading_top_level_files_on_two_threads_numbers_files_as_reading_in_order_does() {
        let files: Vec<(String, Vec<u8>)> = [
            ("sip.conf", "[general]\n#include common.conf\n[a]\nx=1\n"),
            (
                "pjsip.conf",
                "#include own.conf\n[t](!)\ny=2\n[b](t)\n#include common.conf\nz+=3\n",
            ),
            (
                "extensions.conf",
                "[c]\nexten => 1,1,NoOp()\n#include own.conf\n",
            ),
            ("common.conf", "; shared\n[shared]\nq=4\n"),
            ("own.conf", "[own]\nr=5\n"),
        ]
        .into_iter()
        .map(|(n, t)| (n.to_string(), t.as_bytes().to_vec()))
        .collect();
        let tops: Vec<Top> = [
            ("sip.conf", FileKind::Sip),
            ("pjsip.conf", FileKind::Pjsip),
            ("extensions.conf", FileKind::Extensions),
        ]
        .into_iter()
        .map(|(n, kind)| Top {
            path: PathBuf::from(n),
            name: n.to_string(),
            kind,
        })
        .collect();
        let mut in_order = Loader::memory(PathBuf::from("mem"), files.clone());
        for top in &tops {
            in_order.load_top_memory(&top.name, top.kind);
        }
        let mut together = Loader::memory(PathBuf::from("mem"), files);
        together.load_tops(&tops).expect("memory reads never fail");
        let (in_order, together) = (in_order.finish(), together.finish());
        // Shared includes are read once: five sources, and later top-level files point at the
        // ids the earlier ones gave them.
        assert_eq!(together.sources.files().len(), 5);
        let json = |c: &Config| serde_json::to_string(c).expect("serialisable");
        assert_eq!(json(&together), json(&in_order));
    }

    fn codes(f: &ConfigFile) -> Vec<DiagnosticCode> {
        f.diagnostics.iter().map(|d| d.code).collect()
    }

    fn vars(f: &ConfigFile, section: &str) -> Vec<(String, String)> {
        let s = f.sections_named(section).next().expect("section exists");
        s.variables
            .iter()
            .map(|v| (v.name.to_string(), v.value.to_string()))
            .collect()
    }

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    // ---------------------------------------------------------------- Lines

    /// "Lines are read 8191 bytes at a time: a longer line is dropped with only a warning."
    #[test]
    fn line_of_8191_bytes_or_more_is_dropped_with_a_warning() {
        let long = format!("permit={}", "1".repeat(8191 - 7));
        assert_eq!(long.len(), 8191);
        let f = parse(&format!("[a]\n{long}\nb=1\n"));
        assert_eq!(vars(&f, "a"), pairs(&[("b", "1")]));
        assert_eq!(codes(&f), [DiagnosticCode::LineTooLong]);
        assert_eq!(f.diagnostics[0].severity, Severity::DroppedLine);
        assert_eq!(f.diagnostics[0].pos.line, 2);
        assert!(!f.is_invalid());
    }

    /// A line of 8190 bytes still fits Asterisk's buffer (with its newline).
    #[test]
    fn line_of_8190_bytes_is_kept() {
        let value = "1".repeat(8190 - 7);
        let f = parse(&format!("[a]\npermit={value}\n"));
        assert_eq!(vars(&f, "a"), pairs(&[("permit", &value)]));
        assert!(f.diagnostics.is_empty());
    }

    /// "A UTF-8 BOM on line 1 is ignored" — only on line 1.
    #[test]
    fn bom_on_line_one_is_ignored() {
        let f = parse_bytes(b"\xEF\xBB\xBF[general]\ncontext=x\n");
        assert_eq!(f.sections[0].name, "general");
        assert_eq!(f.sections[0].pos.column, 4, "columns count the raw bytes");
        let f = parse_bytes(b"[a]\n\xEF\xBB\xBFx=1\n");
        assert_eq!(f.sections[0].variables[0].name, "\u{feff}x");
    }

    /// "`;` starts a comment to end of line"; comments are recorded for suppressions.
    #[test]
    fn semicolon_starts_a_comment_and_is_recorded() {
        let f = parse("[a] ; header comment\nx = 1 ; pbxgen: ignore[PBX101] lab\n; whole line\n");
        assert_eq!(vars(&f, "a"), pairs(&[("x", "1")]));
        let texts: Vec<&str> = f.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                " header comment",
                " pbxgen: ignore[PBX101] lab",
                " whole line"
            ]
        );
        assert_eq!((f.comments[1].pos.line, f.comments[1].pos.column), (2, 7));
    }

    /// "`\;` is a literal `;` (the only escape; there is no quoting)."
    #[test]
    fn backslash_semicolon_is_a_literal_semicolon() {
        let f = parse("[a]\nx = a\\;b ; real comment\ny = \"q;uoted\"\n");
        assert_eq!(vars(&f, "a"), pairs(&[("x", "a;b"), ("y", "\"q")]));
    }

    /// "`;--` opens a block comment, `--;` closes it; they nest."
    #[test]
    fn block_comments_span_lines_and_nest() {
        let f = parse("[a]\nx=1\n;-- outer\n;-- inner --;\ny=2\n--;\nz=3\n");
        assert_eq!(vars(&f, "a"), pairs(&[("x", "1"), ("z", "3")]));
        assert!(f.diagnostics.is_empty());
    }

    /// A block comment inside a line cuts only itself out of it.
    #[test]
    fn inline_block_comment_is_cut_out_of_the_line() {
        let f = parse("[a]\nx=1;-- gone --;2\n");
        assert_eq!(vars(&f, "a"), pairs(&[("x", "12")]));
        assert_eq!(f.sections[0].variables[0].value_pos().column, 3);
    }

    /// "`;--` (but not `;---`) opens a block comment": `;---` is an ordinary comment.
    #[test]
    fn triple_dash_does_not_open_a_block_comment() {
        let f = parse("[a]\n;--------- banner ---------\nx=1\n");
        assert_eq!(vars(&f, "a"), pairs(&[("x", "1")]));
        assert!(f.diagnostics.is_empty());
    }

    /// "An unterminated block only warns" — and everything after it is a comment.
    #[test]
    fn unterminated_block_comment_only_warns() {
        let f = parse("[a]\nx=1\n;-- never closed\ny=2\n");
        assert_eq!(vars(&f, "a"), pairs(&[("x", "1")]));
        assert_eq!(codes(&f), [DiagnosticCode::UnterminatedBlockComment]);
        assert_eq!(f.diagnostics[0].severity, Severity::Warning);
        assert_eq!(f.diagnostics[0].pos.line, 3);
        assert!(!f.is_invalid());
    }

    /// config.c: a `--;` outside a block comment decrements the nesting counter below zero, the
    /// line is read whole, and every following line is ignored until a `;--`.
    #[test]
    fn stray_block_comment_end_hides_the_following_lines() {
        let f = parse("[a]\nx=1--;c\ny=2\n;-- back to zero\nz=3\n");
        assert_eq!(vars(&f, "a"), pairs(&[("x", "1--;c"), ("z", "3")]));
        assert_eq!(codes(&f), [DiagnosticCode::StrayBlockCommentEnd]);
    }

    /// "Leading/trailing whitespace (including `\r`) is stripped; indentation never matters."
    #[test]
    fn whitespace_crlf_and_tabs_are_stripped() {
        let f = parse("\t[a]\r\n   x\t=\t1 \r\n\t\ty => 2\r\n");
        assert_eq!(vars(&f, "a"), pairs(&[("x", "1"), ("y", "2")]));
        let x = &f.sections[0].variables[0];
        assert_eq!((x.pos.line, x.pos.column, x.value_pos().column), (2, 4, 8));
    }

    /// Non-UTF-8 bytes never panic: they are kept (shown with U+FFFD) and noted once per file.
    #[test]
    fn non_utf8_bytes_are_read_and_noted() {
        let f = parse_bytes(b"[a]\nx=caf\xe9\ny=\xff\xfe\n");
        assert_eq!(f.sections[0].variables[0].value, "caf\u{fffd}");
        assert_eq!(codes(&f), [DiagnosticCode::NonUtf8]);
    }

    /// A NUL byte ends Asterisk's C string: the rest of the line is ignored.
    #[test]
    fn nul_byte_ends_the_line() {
        let f = parse_bytes(b"[a]\nx=ab\0cd\ny=2\n");
        assert_eq!(vars(&f, "a"), pairs(&[("x", "ab"), ("y", "2")]));
        assert_eq!(codes(&f), [DiagnosticCode::NulByte]);
    }

    // ---------------------------------------------------------------- Section headers

    /// "`[name](!)` template": flagged, and invisible to modules (`section()`).
    #[test]
    fn template_is_flagged_and_hidden_from_lookups() {
        let f = parse("[tpl](!)\nx=1\n");
        assert!(f.sections[0].is_template);
        assert!(f.section("tpl").is_none());
        assert_eq!(f.live_sections().count(), 0);
    }

    /// "Inheritance copies the base's variables, in order, at the point of the header; the base
    /// may be a template or an ordinary earlier section."
    #[test]
    fn inheritance_copies_bases_in_order_at_the_header() {
        let f = parse("[t1](!)\na=1\n[plain]\nb=2\n[x](t1,plain)\nc=3\n[t1](+)\nlate=no\n");
        // `(+)` cannot target a template (it appends to non-templates only).
        assert_eq!(codes(&f), [DiagnosticCode::AppendWithoutTarget]);
        let x = f.section("x").unwrap();
        let got: Vec<(&str, Option<&str>)> = x
            .variables
            .entries()
            .map(|e| {
                (
                    e.variable.name.as_str(),
                    e.inherited_from.map(|t| t.as_str()),
                )
            })
            .collect();
        assert_eq!(got, [("a", Some("t1")), ("b", Some("plain")), ("c", None)]);
        assert_eq!(x.bases, ["t1", "plain"]);
        // The inherited variable keeps the position where it was written.
        assert_eq!(x.variables[0].pos.line, 2);
    }

    /// Variables added to a base after the header are not copied (a snapshot).
    #[test]
    fn inheritance_is_a_snapshot() {
        let f = parse("[b]\nx=1\n[c](b)\n[b](+)\ny=2\n");
        assert_eq!(vars(&f, "c"), pairs(&[("x", "1")]));
        assert_eq!(vars(&f, "b"), pairs(&[("x", "1"), ("y", "2")]));
    }

    /// "`[name](!,base)` template inheriting."
    #[test]
    fn appending_to_an_inherited_variable_changes_only_that_section() {
        // The peers share the template's lines; `+=` in one of them must not reach the
        // template or the other peer, and `+=` in the base after the header must not reach
        // the sections that inherited before.
        let f = parse(
            "[t](!)\nallow=ulaw\ndeny=all\n[a](t)\nallow+=,alaw\n[b](t)\n[t](+TEMPLATES=include)\n\
             allow+=,g722\n[c](t)\n",
        );
        assert_eq!(
            vars(&f, "a"),
            pairs(&[("allow", "ulaw,alaw"), ("deny", "all")])
        );
        assert_eq!(vars(&f, "b"), pairs(&[("allow", "ulaw"), ("deny", "all")]));
        assert_eq!(
            vars(&f, "t"),
            pairs(&[("allow", "ulaw,g722"), ("deny", "all")])
        );
        assert_eq!(
            vars(&f, "c"),
            pairs(&[("allow", "ulaw,g722"), ("deny", "all")])
        );
        // Inherited lines keep their origin; the changed one too.
        let origins: Vec<Option<&str>> = f
            .section("a")
            .unwrap()
            .variables
            .entries()
            .map(|e| e.inherited_from.map(|t| t.as_str()))
            .collect();
        assert_eq!(origins, [Some("t"), Some("t")]);
    }

    #[test]
    fn inherited_lines_share_one_slot_of_the_table() {
        let f = parse("[t](!)\nhost=dynamic\n[a](t)\nx=1\n[b](t)\n");
        let slot = |name: &str| {
            f.section(name)
                .unwrap()
                .variables
                .entries()
                .next()
                .unwrap()
                .slot
        };
        assert_eq!(slot("a"), slot("b"));
        assert_eq!(f.section("a").unwrap().variables.len(), 2);
        assert_eq!(f.section("b").unwrap().variables.len(), 1);
    }

    #[test]
    fn per_slot_work_is_done_once_per_template_line_and_per_table() {
        use crate::asterisk::syntax::PerSlot;
        let f = parse("[t](!)\nhost=dynamic\n[a](t)\nx=1\n[b](t)\nhost+=x\n");
        let mut seen = PerSlot::default();
        let mut computed = Vec::new();
        for name in ["a", "b"] {
            let s = f.section(name).unwrap();
            for e in s.variables.entries() {
                seen.get_or_insert_with(&s.variables, &e, || {
                    computed.push(format!("{}={}", e.variable.name, e.variable.value))
                });
            }
        }
        // `host=dynamic` of the template once; b's `+=` made a line of its own.
        assert_eq!(computed, ["host=dynamic", "x=1", "host=dynamicx"]);
        // Another file's table has its own slots: nothing is taken from the first file.
        let g = parse("[a]\nhost=other\n");
        let s = g.section("a").unwrap();
        let mut texts = PerSlot::default();
        let first = f.section("a").unwrap();
        let e = first.variables.entries().next().unwrap();
        texts.get_or_insert_with(&first.variables, &e, || "first".to_string());
        let e = s.variables.entries().next().unwrap();
        let got = texts.get_or_insert_with(&s.variables, &e, || "second".to_string());
        assert_eq!(got, "second");
    }

    #[test]
    fn template_can_inherit() {
        let f = parse("[base](!)\na=1\n[mid](!,base)\nb=2\n[leaf](mid)\n");
        assert!(f.sections[1].is_template);
        assert_eq!(vars(&f, "leaf"), pairs(&[("a", "1"), ("b", "2")]));
    }

    /// "`[name](+)` append to an existing section."
    #[test]
    fn append_adds_to_the_existing_section() {
        let f = parse("[a]\nx=1\n[b]\n[A](+)\ny=2\n");
        assert_eq!(f.sections.len(), 2, "(+) does not create a section");
        assert_eq!(vars(&f, "a"), pairs(&[("x", "1"), ("y", "2")]));
        assert_eq!(f.sections[0].appended_at.len(), 1);
        assert!(f.diagnostics.is_empty());
    }

    /// "`(+)` with no existing target invalidates the file" — and templates are no target.
    #[test]
    fn append_without_target_is_fatal() {
        let f = parse("[a]\nx=1\n[b](+)\ny=2\n");
        assert_eq!(codes(&f), [DiagnosticCode::AppendWithoutTarget]);
        assert!(f.is_invalid());
        let f = parse("[t](!)\nx=1\n[t](+)\ny=2\n");
        assert_eq!(codes(&f), [DiagnosticCode::AppendWithoutTarget]);
    }

    /// "`[name](+type=aor)` append to the section matching a filter (`&`-joined `key=regex`,
    /// unanchored)."
    #[test]
    fn append_filter_selects_among_same_named_sections() {
        let f = parse(
            "[101]\ntype=endpoint\n[101]\ntype=aor\nmax_contacts=1\n[101](+type=ao)\ncontact=sip:x\n\
             [101](+type=aor&max_contacts=^1$)\nqualify_frequency=30\n",
        );
        assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);
        assert_eq!(vars(&f, "101"), pairs(&[("type", "endpoint")]));
        let aor = &f.sections[1];
        let names: Vec<&str> = aor.variables.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(
            names,
            ["type", "max_contacts", "contact", "qualify_frequency"]
        );
        let f = parse("[101]\ntype=endpoint\n[101](+type=aor)\nx=1\n");
        assert_eq!(codes(&f), [DiagnosticCode::AppendWithoutTarget]);
    }

    /// "The name runs to the first `]`, is not trimmed, and is cut at 79 characters."
    #[test]
    fn section_name_is_untrimmed_and_cut_at_79() {
        let f = parse("[ spaced ]\n[a]b]\n");
        assert_eq!(f.sections[0].name, " spaced ");
        assert_eq!(f.sections[1].name, "a");
        let long = "n".repeat(100);
        let f = parse(&format!("[{long}]\n"));
        assert_eq!(f.sections[0].name.len(), 79);
        assert_eq!(codes(&f), [DiagnosticCode::SectionNameTooLong]);
    }

    /// "`[foo] (!)` is a live section named foo — the `(!)` is silently ignored."
    #[test]
    fn header_spacing_makes_a_live_section() {
        let f = parse("[foo] (!)\nx=1\n");
        assert!(!f.sections[0].is_template);
        assert!(f.section("foo").is_some());
        assert_eq!(codes(&f), [DiagnosticCode::HeaderSpacing]);
        assert_eq!(f.diagnostics[0].severity, Severity::DroppedLine);
        assert_eq!(f.diagnostics[0].pos.column, 7);
        assert!(!f.is_invalid());
    }

    /// "Items inside `(...)` are split on `,` and not trimmed: `[a](!, t)` asks for a base named
    /// ` t`, which fails and invalidates the whole file."
    #[test]
    fn untrimmed_base_invalidates_the_file() {
        let f = parse("[t](!)\nx=1\n[a](!, t)\n");
        assert_eq!(codes(&f), [DiagnosticCode::UntrimmedBase]);
        assert_eq!(f.diagnostics[0].severity, Severity::Fatal);
        assert_eq!(f.diagnostics[0].pos.column, 7);
    }

    /// A base that does not exist (yet) invalidates the file; a later definition does not help.
    #[test]
    fn missing_base_is_fatal() {
        let f = parse("[a](later)\n[later]\n");
        assert_eq!(codes(&f), [DiagnosticCode::MissingBase]);
        assert!(f.is_invalid());
    }

    /// config.c refuses a header without `]` or with `(` but no `)`.
    #[test]
    fn unclosed_header_is_fatal() {
        assert_eq!(codes(&parse("[a\n")), [DiagnosticCode::MissingBracket]);
        assert_eq!(
            codes(&parse("[a](!\n")),
            [DiagnosticCode::MissingParenthesis]
        );
    }

    /// "Section names are compared case-insensitively. The same name may appear more than once."
    #[test]
    fn sections_compare_case_insensitively_and_may_repeat() {
        let f = parse("[General]\nx=1\n[101]\ntype=endpoint\n[101]\ntype=aor\n[b](GENERAL)\n");
        assert_eq!(f.section("general").unwrap().name, "General");
        assert_eq!(f.sections_named("101").count(), 2);
        assert_eq!(vars(&f, "b"), pairs(&[("x", "1")]));
    }

    // ---------------------------------------------------------------- Variables

    /// "Split at the first `=`; `name = value` and `name => value` mean the same."
    #[test]
    fn split_at_first_equals_and_arrow_means_the_same() {
        let f = parse("[a]\nexten => 1,1,Set(x=y)\nk = v = w\n");
        assert_eq!(
            vars(&f, "a"),
            pairs(&[("exten", "1,1,Set(x=y)"), ("k", "v = w")])
        );
        assert!(f.sections[0].variables[0].object());
        assert!(!f.sections[0].variables[1].object());
    }

    /// "`name += value` appends raw text to the last variable of that name (no separator)."
    #[test]
    fn plus_equals_appends_raw_text_to_the_last_variable() {
        let f = parse("[a]\nallow=ulaw\nallow=alaw\nallow+=,g722\nnew+=x\n");
        assert_eq!(
            vars(&f, "a"),
            pairs(&[("allow", "ulaw"), ("allow", "alaw,g722"), ("new", "x")])
        );
        assert_eq!(f.sections[0].variables[1].appended_at.len(), 1);
        let f = parse("[a]\nk=one\nk += two\n");
        assert_eq!(vars(&f, "a"), pairs(&[("k", "one two")]));
    }

    /// "A line without `=` is ignored with a warning."
    #[test]
    fn line_without_equals_is_dropped() {
        let f = parse("[a]\njust words\nx=1\n");
        assert_eq!(vars(&f, "a"), pairs(&[("x", "1")]));
        assert_eq!(codes(&f), [DiagnosticCode::MissingEquals]);
        assert_eq!(f.diagnostics[0].severity, Severity::DroppedLine);
    }

    /// "A variable before any section is a fatal error."
    #[test]
    fn variable_before_any_section_is_fatal() {
        let f = parse("x=1\n[a]\n");
        assert_eq!(codes(&f), [DiagnosticCode::VariableBeforeSection]);
        assert!(f.is_invalid());
    }

    /// "Duplicates are all kept, in order."
    #[test]
    fn duplicates_are_kept_in_order() {
        let f = parse("[a]\npermit=1.1.1.1\ndeny=0.0.0.0/0\npermit=2.2.2.2\n");
        assert_eq!(f.sections[0].all("permit").count(), 2);
        assert_eq!(f.sections[0].get("permit").unwrap().value, "2.2.2.2");
    }

    /// config.c: a `\` at the start of a line escapes the next character into the name; a `\`
    /// before a blank is fatal ("Invalid escape").
    #[test]
    fn leading_backslash_escapes_the_first_character() {
        let f = parse("[a]\n\\[x]=1\n");
        assert_eq!(vars(&f, "a"), pairs(&[("[x]", "1")]));
        assert_eq!(
            codes(&parse("[a]\n\\ x=1\n")),
            [DiagnosticCode::InvalidEscape]
        );
    }

    /// `= value` without a name is ignored with a warning.
    #[test]
    fn missing_name_is_dropped() {
        assert_eq!(codes(&parse("[a]\n = 1\n")), [DiagnosticCode::MissingName]);
    }

    // ---------------------------------------------------------------- Directives

    /// "Relative paths resolve against the config directory, not the including file."
    #[test]
    fn include_resolves_against_the_config_directory() {
        let c = parse_tree(&[
            ("sip.conf", "[a]\n#include sub/one.conf\n"),
            ("sub/one.conf", "#include two.conf\n"),
            ("two.conf", "x=root\n"),
            ("sub/two.conf", "x=sub\n"),
        ]);
        let f = &c.files[0];
        assert_eq!(vars(f, "a"), pairs(&[("x", "root")]));
        let x = &f.sections[0].variables[0];
        assert_eq!(c.sources.display(x.pos.file), "two.conf");
    }

    /// "`#include`… through glob (sorted; `{a,b}` works)."
    #[test]
    fn include_globs_are_sorted_and_braces_keep_their_order() {
        let c = parse_tree(&[
            (
                "sip.conf",
                "[a]\n#include \"d/*.conf\"\n#include <{z,y}.conf>\n",
            ),
            ("d/b.conf", "x=b\n"),
            ("d/a.conf", "x=a\n"),
            ("z.conf", "x=z\n"),
            ("y.conf", "x=y\n"),
        ]);
        let got: Vec<String> = vars(&c.files[0], "a").into_iter().map(|(_, v)| v).collect();
        assert_eq!(got, ["a", "b", "z", "y"]);
        assert_eq!(c.files[0].directives.len(), 2);
        assert_eq!(c.files[0].directives[0].argument, "d/*.conf");
    }

    /// "A missing `#include` (or a glob matching nothing) is fatal; `#tryinclude` is not."
    #[test]
    fn missing_include_is_fatal_tryinclude_is_not() {
        let c = parse_tree(&[(
            "sip.conf",
            "[a]\n#include nothere.conf\n#include none-*.conf\n",
        )]);
        assert_eq!(
            codes(&c.files[0]),
            [
                DiagnosticCode::MissingInclude,
                DiagnosticCode::MissingInclude
            ]
        );
        assert!(c.files[0].is_invalid());
        let c = parse_tree(&[("sip.conf", "[a]\n#tryinclude nothere.conf\nx=1\n")]);
        assert!(!c.files[0].is_invalid());
        assert_eq!(codes(&c.files[0]), [DiagnosticCode::MissingTryInclude]);
        assert_eq!(vars(&c.files[0], "a"), pairs(&[("x", "1")]));
    }

    /// "Included text continues the current section." And, as in config.c (each file keeps its own
    /// current section), the including file goes on in its own section after the include.
    #[test]
    fn included_text_continues_the_current_section() {
        let c = parse_tree(&[
            ("sip.conf", "[a]\nx=1\n#include inc.conf\nafter=outer\n"),
            ("inc.conf", "y=2\n[b]\nz=3\n"),
        ]);
        let f = &c.files[0];
        assert_eq!(
            vars(f, "a"),
            pairs(&[("x", "1"), ("y", "2"), ("after", "outer")])
        );
        assert_eq!(vars(f, "b"), pairs(&[("z", "3")]));
    }

    /// "Nesting depth ≤10": the top-level file and 9 levels of includes; the 10th fails.
    #[test]
    fn include_depth_is_limited() {
        let mut files: Vec<(String, String)> =
            vec![("sip.conf".into(), "[a]\n#include i1.conf\n".into())];
        for i in 1..=10 {
            files.push((
                format!("i{i}.conf"),
                format!("v{i}={i}\n#include i{}.conf\n", i + 1),
            ));
        }
        files.push(("i11.conf".into(), "deep=1\n".into()));
        let c = load_texts(
            "mem",
            files
                .into_iter()
                .map(|(n, t)| (n, t.into_bytes()))
                .collect(),
        );
        let f = &c.files[0];
        let names: Vec<String> = vars(f, "a").into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            ["v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"]
        );
        assert_eq!(codes(f), [DiagnosticCode::IncludeTooDeep]);
        assert_eq!(f.diagnostics[0].severity, Severity::StopsInclude);
        assert!(!f.is_invalid());
    }

    /// "Loops detected": a file that includes itself is read once and reported.
    #[test]
    fn include_loops_are_detected() {
        let c = parse_tree(&[
            ("sip.conf", "[a]\n#include loop.conf\n"),
            ("loop.conf", "x=1\n#include loop.conf\n"),
        ]);
        let f = &c.files[0];
        assert_eq!(vars(f, "a"), pairs(&[("x", "1")]));
        assert_eq!(codes(f), [DiagnosticCode::IncludeLoop]);
    }

    /// An error Asterisk treats as fatal inside an included file stops only that file: the
    /// including file goes on (config.c's parent sees a non-NULL result).
    #[test]
    fn fatal_error_in_included_file_stops_only_that_file() {
        let c = parse_tree(&[
            ("sip.conf", "[a]\n#include inc.conf\nouter=1\n"),
            ("inc.conf", "x=1\n[b](missing)\ny=2\n"),
        ]);
        let f = &c.files[0];
        assert_eq!(codes(f), [DiagnosticCode::MissingBase]);
        assert_eq!(f.diagnostics[0].severity, Severity::StopsInclude);
        assert!(!f.is_invalid());
        assert_eq!(vars(f, "a"), pairs(&[("x", "1"), ("outer", "1")]));
    }

    /// "`#exec command` … runs only when execincludes=yes": pbxgen records it, never runs it.
    #[test]
    fn exec_is_recorded_never_run() {
        let marker = std::env::temp_dir().join("pbxgen-exec-must-not-exist");
        let f = parse(&format!("[a]\n#exec \"touch {}\"\n", marker.display()));
        assert_eq!(codes(&f), [DiagnosticCode::ExecDirective]);
        assert_eq!(
            f.directives[0].argument,
            format!("touch {}", marker.display())
        );
        assert!(!marker.exists());
    }

    /// Directives are case-insensitive; an unknown one is ignored with a warning.
    #[test]
    fn directives_are_case_insensitive_unknown_ones_dropped() {
        let c = parse_tree(&[
            ("sip.conf", "[a]\n#INCLUDE inc.conf\n#bogus x\n#include\n"),
            ("inc.conf", "x=1\n"),
        ]);
        let f = &c.files[0];
        assert_eq!(vars(f, "a"), pairs(&[("x", "1")]));
        assert_eq!(
            codes(f),
            [
                DiagnosticCode::UnknownDirective,
                DiagnosticCode::MissingDirectiveArgument
            ]
        );
    }

    /// Disk: glob on a real directory, relative to the configuration directory.
    #[test]
    fn disk_includes_glob_relative_to_the_config_directory() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sip.d")).unwrap();
        std::fs::write(dir.path().join("sip.conf"), "[a]\n#include sip.d/*.conf\n").unwrap();
        std::fs::write(dir.path().join("sip.d/2.conf"), "x=2\n").unwrap();
        std::fs::write(dir.path().join("sip.d/1.conf"), "x=1\n").unwrap();
        std::fs::write(dir.path().join("sip.d/.hidden.conf"), "x=hidden\n").unwrap();
        let c = super::super::load_dir(dir.path()).unwrap();
        assert_eq!(c.files.len(), 1);
        assert_eq!(c.files[0].kind, FileKind::Sip);
        assert_eq!(vars(&c.files[0], "a"), pairs(&[("x", "1"), ("x", "2")]));
        let shown: Vec<&str> = c
            .sources
            .files()
            .iter()
            .map(|f| f.display.as_str())
            .collect();
        assert_eq!(shown, ["sip.conf", "sip.d/1.conf", "sip.d/2.conf"]);
    }

    /// Reading a large file in two halves on two threads (`FileParser::parse_halves`) gives
    /// exactly what reading it in order does.
    mod halves {
        use super::super::{HALVES_JOINED, Loader};
        use crate::asterisk::{Config, FileKind};
        use std::path::PathBuf;
        use std::sync::Arc;

        /// Everything a read gives, as text: the files (sections with their entries and slots,
        /// diagnostics, directives, comments), each file's whole table of variables, and where
        /// every name and value is: a range of the file read (by offset), or a copy (numbered
        /// in order of first use, so that texts shared by interning show).
        fn everything(config: &Config) -> String {
            let mut out = format!("{:#?}\n", config.files);
            let mut copies: Vec<usize> = Vec::new();
            let mut at = |text: &crate::asterisk::Text, bytes: &[u8]| {
                let (ptr, base) = (text.as_ptr() as usize, bytes.as_ptr() as usize);
                if (base..=base + bytes.len()).contains(&ptr) {
                    return format!("offset {}", ptr - base);
                }
                let n = copies.iter().position(|&c| c == ptr).unwrap_or_else(|| {
                    copies.push(ptr);
                    copies.len() - 1
                });
                format!("copy {n}")
            };
            for file in &config.files {
                let bytes = &config.sources.file(file.file).bytes;
                let Some(first) = file.sections.first() else {
                    continue;
                };
                let table = first.variables.table();
                for s in &file.sections {
                    assert!(
                        Arc::ptr_eq(s.variables.table(), table),
                        "one table per file"
                    );
                    // A slot finds the same entry the section's runs do, in either part.
                    for e in s.variables.entries() {
                        assert!(std::ptr::eq(&table[e.slot as usize], e.variable));
                    }
                    out += &format!("section {:?} at {}\n", s.name, at(&s.name, bytes));
                }
                for v in table.iter() {
                    let (name, value) = (at(&v.name, bytes), at(&v.value, bytes));
                    out += &format!("{v:?} name at {name} value at {value}\n");
                }
            }
            out
        }

        /// Read `sip.conf` of `files` with files of `split_min_bytes` or more split in two.
        fn read(files: &[(String, Arc<[u8]>)], split_min_bytes: usize) -> Config {
            let mut loader = Loader::memory(PathBuf::from("mem"), files.to_vec());
            loader.split_min_bytes = split_min_bytes;
            loader.load_top_memory("sip.conf", FileKind::Sip);
            loader.finish()
        }

        /// Whether `sip.conf` read in two halves equals it read in order (and whether the
        /// halves were joined rather than the second one read on).
        fn check(sip: &[u8]) -> bool {
            let files: Vec<(String, Arc<[u8]>)> = vec![
                ("sip.conf".to_string(), Arc::from(sip)),
                ("inc.conf".to_string(), Arc::from(&b"[inc]\nx=1\n"[..])),
            ];
            let in_order = read(&files, usize::MAX);
            let before = HALVES_JOINED.with(|n| n.get());
            let halves = read(&files, 0);
            let joined = HALVES_JOINED.with(|n| n.get()) > before;
            // Joined, the variables read ahead (those of the top file from the split on) stay
            // the second part of the table, where they were written; otherwise there is none.
            let table_of = |config: &Config| {
                let file = &config.files[0];
                (
                    file.file,
                    file.sections.first().map(|s| s.variables.table().clone()),
                )
            };
            let (top, in_order_table) = table_of(&in_order);
            let read_ahead = match (joined, super::super::split_point(sip, 0)) {
                (true, Some(at)) => {
                    let split_line = 1 + memchr::memchr_iter(b'\n', &sip[..at]).count() as u32;
                    in_order_table.map_or(0, |t| {
                        t.iter()
                            .filter(|v| v.pos.file == top && v.pos.line >= split_line)
                            .count()
                    })
                }
                _ => 0,
            };
            let ahead_part = table_of(&halves).1.map_or(0, |t| t.part_lens().1);
            assert_eq!(ahead_part, read_ahead, "the part read ahead of {sip:?}");
            let (in_order, halves) = (everything(&in_order), everything(&halves));
            if in_order != halves {
                let (a, b): (Vec<&str>, Vec<&str>) =
                    (in_order.lines().collect(), halves.lines().collect());
                let at = a
                    .iter()
                    .zip(&b)
                    .position(|(x, y)| x != y)
                    .unwrap_or(a.len().min(b.len()));
                panic!(
                    "reading in two halves differs for {:?} at line {at}:\n{}\n---\n{}",
                    String::from_utf8_lossy(&sip[..sip.len().min(300)]),
                    a[at.saturating_sub(3)..(at + 3).min(a.len())].join("\n"),
                    b[at.saturating_sub(3)..(at + 3).min(b.len())].join("\n"),
                );
            }
            joined
        }

        #[test]
        fn the_default_threshold_reads_small_files_in_order() {
            assert!(
                super::super::split_point(b"[a]\nx=1\n[b]\n", super::super::SPLIT_MIN_BYTES)
                    .is_none()
            );
            assert_eq!(super::super::split_point(b"[a]\nx=1\n[b]\n", 0), Some(8));
            assert_eq!(
                super::super::split_point(b"[a]\nx=1\n[b]\n[c]\n", 0),
                Some(8)
            );
        }

        #[test]
        fn a_part_of_less_than_an_eighth_is_not_read_apart() {
            // One long context and a short one at the end: no thread for the short one.
            let long = format!("[a]\n{}[b]\nx=1\n", "x=1\n".repeat(100));
            assert_eq!(super::super::split_point(long.as_bytes(), 0), None);
            let even = format!("[a]\n{}[b]\n{}", "x=1\n".repeat(50), "x=1\n".repeat(50));
            assert_eq!(super::super::split_point(even.as_bytes(), 0), Some(204));
        }

        #[test]
        fn templates_bases_and_names_join_as_read_in_order() {
            let joined = [
                // The template at the top, peers in both halves.
                "[t](!)\nhost=dynamic\ntype=friend\n[a](t)\nsecret=1\n[b](t)\nsecret=2\n[c](t)\n\
                 secret=3\n[d](t)\nsecret=4\n",
                // A template in the second half inheriting one of the first; a leaf on it.
                "[t](!)\nhost=dynamic\n[a](t)\nx=1\n[m](!,t)\ndeny=all\n[leaf](m,t)\nx=2\n[z](leaf)\n",
                // A base defined in both halves: the first one counts.
                "[b]\nx=first\n[p](b)\ny=1\n[q]\ny=2\n[b]\nx=second\n[r](b)\n[s](B)\n",
                // Bases only in the second half, a section inheriting nothing, `()`, `=>`.
                "[g]\nbindport=5060\n\n[h]\nz=1\n[u](!)\nv=1\n[w](u)\n[e]()\nexten => 1,1,NoOp\n",
                // Comments, CRLF, indentation, `\;` and a BOM.
                "\u{feff}; top\r\n[a] ; header\r\n  x = 1 ; c\r\n[b](a)\r\ny=\\;z\r\n; end\r\n",
                // Names first read in the second half, and in both.
                "[a]\nx=1\n[b]\nnew=2\nx=3\n[c]\nnew=4\n",
            ];
            for text in joined {
                assert!(check(text.as_bytes()), "not joined: {text:?}");
            }
        }

        #[test]
        fn doubtful_second_halves_are_read_on_in_order() {
            let read_on = [
                // A block comment open across the split, one only in the second half, a stray end.
                "[a]\nx=1\n;-- open\n[b]\ny=2\n--;\n[c]\nz=3\n",
                "[a]\nx=1\n[b]\n;-- c --; y=2\n[c]\n",
                "[a]\nx=1\n[b]\ny=2\n--;\n[c]\nz=3\n;--\n",
                // Appends, `+=`, directives.
                "[a]\nx=1\n[b]\ny=2\n[a](+)\nz=3\n",
                "[a]\nx=1\n[b](!)\ny=2\n[b](+TEMPLATES=include)\nz=3\n",
                "[t](!)\nx=1\n[a](t)\ny=2\n[b](t)\nx+=2\n",
                "[a]\nx=1\n[b]\n#include inc.conf\ny=2\n",
                "[a]\nx=1\n[b]\n#exec date\n[c]\n",
                "[a]\nx=1\n[b]\n#bogus\n[c]\n",
                // Missing bases, untrimmed bases, broken headers, diagnostics of all kinds.
                "[a]\nx=1\n[b](nope)\ny=2\n[c]\n",
                "[a]\nx=1\n[b]( a)\ny=2\n[c]\n",
                "[a]\nx=1\n[b\ny=2\n[c]\n",
                "[a]\nx=1\n[b](a\ny=2\n[c]\n",
                "[a]\nx=1\n[b] (a)\n[c]\n",
                "[a]\nx=1\n[b]\nnoequals\n[c]\n",
                "[a]\nx=1\n[b]\n=v\n[c]\n",
                "[a]\nx=1\n[b]\n\\ x=1\n[c]\n",
                "[a]\nx=1\n[b]\ny=\0z\n[c]\n",
                // A base defined later than its use, in the same half.
                "[a]\nx=1\n[b](c)\n[c]\ny=1\n",
            ];
            for text in read_on {
                check(text.as_bytes());
            }
            let long = format!("[a]\nx=1\n[b]\ny={}\n[c]\n", "v".repeat(9000));
            check(long.as_bytes());
            let long_name = format!("[a]\nx=1\n[{}]\ny=1\n[c]\n", "n".repeat(100));
            check(long_name.as_bytes());
            // Not UTF-8: read in order (names would be copies, and the note comes first).
            assert!(!check(b"[a]\nx=\xff\n[b]\ny=1\n[c]\nz=2\n"));
        }

        /// A small deterministic generator (xorshift).
        struct Gen(u64);

        impl Gen {
            fn below(&mut self, n: u64) -> u64 {
                self.0 ^= self.0 << 13;
                self.0 ^= self.0 >> 7;
                self.0 ^= self.0 << 17;
                self.0 % n
            }
        }

        /// A file mostly of templates and peers, with now and then any line the reader
        /// treats specially.
        fn generated(g: &mut Gen) -> Vec<u8> {
            let names = ["t", "T", "peer", "a", "b", "general", "x"];
            let mut out = Vec::new();
            if g.below(3) != 0 {
                // Every name defined once at the top, so that bases are found (as usual).
                out.extend_from_slice(b"[t](!)\nhost=dynamic\n[peer]\n[a]\n[b]\n[general]\n[x]\n");
            }
            let lines = 4 + g.below(60);
            let odd = g.below(3) == 0;
            for _ in 0..lines {
                let name = names[g.below(names.len() as u64) as usize];
                let other = names[g.below(names.len() as u64) as usize];
                let line: String = match g.below(if odd { 40 } else { 14 }) {
                    0..=2 => format!("[{name}{}]", g.below(4)),
                    3 => format!("[{name}](!)"),
                    4 => format!("[{name}{}]({other})", g.below(4)),
                    5 => format!("[{name}](!,{other},{name})"),
                    6..=9 => format!("{other} = v{}", g.below(5)),
                    10 => format!("{name} => 1,1,NoOp({other})"),
                    11 => format!("x=1 ; note {name}"),
                    12 => "; just a comment".to_string(),
                    13 => String::new(),
                    14 => format!("[{name}](+)"),
                    15 => format!("[{name}](+{other}=v1)"),
                    16 => format!("{other} += more{}", g.below(3)),
                    17 => ";-- open".to_string(),
                    18 => "close --;".to_string(),
                    19 => "x=1 ;-- inline --; y".to_string(),
                    20 => "#include inc.conf".to_string(),
                    21 => "#tryinclude none.conf".to_string(),
                    22 => "[unclosed".to_string(),
                    23 => format!("[{name}](missing{})", g.below(2)),
                    24 => "noequals".to_string(),
                    25 => "v\0=1".to_string(),
                    26 => "x".repeat(8191),
                    27 => format!("[{name}]()"),
                    28 => format!("[{name}] ({other})"),
                    29 => "\\;x=1".to_string(),
                    30 => format!("[{name}]({other} )"),
                    _ => format!("{other}=w"),
                };
                out.extend_from_slice(line.as_bytes());
                out.extend_from_slice(if g.below(8) == 0 { b"\r\n" } else { b"\n" });
            }
            if g.below(10) == 0 {
                out.pop();
            }
            out
        }

        #[test]
        fn generated_files_read_in_two_halves_equal_reading_in_order() {
            let mut g = Gen(0x2545_f491_4f6c_dd1d);
            let mut joined = 0;
            for _ in 0..3000 {
                let mut text = generated(&mut g);
                if g.below(20) == 0 {
                    let mut bom = b"\xEF\xBB\xBF".to_vec();
                    bom.append(&mut text);
                    text = bom;
                }
                if check(&text) {
                    joined += 1;
                }
            }
            // Most plain files join; the others are read on.
            assert!(joined > 1200, "only {joined} of 3000 joined");
        }
    }
}
