//! The architecture, checked on every test run (ARCHITECTURE.md explains it):
//!
//! - the library knows nothing of the command line: no file under `src/` outside `src/cli/`,
//!   `src/main.rs` and `src/byte_compare.rs` mentions `clap`, `cli::`, `ExitCode` or `std::process::exit`;
//! - no import cycle between the top-level modules of the library, nor between the modules of
//!   any directory below `src/plan/`, `src/audit/` and `src/render/` (a directory's `mod.rs`
//!   counts as a module of its own: its children must not depend on it if it depends on them).
//!
//! Imports are read from the source text: `use` declarations (groups expanded) and paths in
//! code (`crate::…`, `super::…`, a child module's name in its parent), comments, string
//! literals and `#[cfg(test)]` items left out.

use crate::util::repo_path;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One source file: its module path (`["audit", "engine", "rule"]`) and its code.
struct Module {
    path: Vec<String>,
    file: PathBuf,
    code: String,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every file of the library (not the binary's: `main.rs`, `byte_compare.rs`, `cli/`), with its
/// module path.
fn library() -> Vec<Module> {
    let src = repo_path("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    files
        .into_iter()
        .filter_map(|file| {
            let rel = file.strip_prefix(&src).unwrap().with_extension("");
            let mut path: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if path == ["main"] || path == ["byte_compare"] || path[0] == "cli" {
                return None;
            }
            if path.last().is_some_and(|l| l == "mod" || l == "lib") {
                path.pop();
            }
            let text = std::fs::read_to_string(&file).unwrap();
            Some(Module {
                path,
                file,
                code: without_tests(&code_only(&text)),
            })
        })
        .collect()
}

/// `text` with comments removed and the contents of string and character literals blanked
/// (braces and paths inside them are not code).
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            let end = text[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
            i = end;
        } else if c == b'r' && (b.get(i + 1) == Some(&b'"') || b.get(i + 1) == Some(&b'#')) && {
            let hashes = b[i + 1..].iter().take_while(|&&x| x == b'#').count();
            b.get(i + 1 + hashes) == Some(&b'"') && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
        } {
            let hashes = b[i + 1..].iter().take_while(|&&x| x == b'#').count();
            let close = format!("\"{}", "#".repeat(hashes));
            let start = i + 2 + hashes;
            let end = text[start..]
                .find(&close)
                .map_or(b.len(), |e| start + e + close.len());
            out.push_str("\"\"");
            i = end;
        } else if c == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            out.push_str("\"\"");
            i += 1;
        } else if c == b'\'' {
            // A character literal ('x', '\n', '\u{1F600}') or a lifetime ('a).
            let rest = &text[i + 1..];
            let len = if rest.starts_with('\\') {
                rest.find('\'').map(|e| e + 1)
            } else {
                rest.chars()
                    .next()
                    .filter(|ch| rest[ch.len_utf8()..].starts_with('\''))
                    .map(|ch| ch.len_utf8() + 1)
            };
            match len {
                Some(len) => {
                    out.push_str("' '");
                    i += 1 + len;
                }
                None => {
                    out.push('\'');
                    i += 1;
                }
            }
        } else {
            let ch = text[i..].chars().next().unwrap();
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// `code` without the items marked `#[cfg(test)]` (test modules may use anything).
fn without_tests(code: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let item = &rest[at..];
        // The item ends at its first `;` before any `{`, or at the `}` closing its first `{`.
        let open = item.find('{');
        let semi = item.find(';');
        let end = match (open, semi) {
            (_, Some(s)) if open.is_none_or(|o| s < o) => s + 1,
            (Some(o), _) => {
                let mut depth = 0;
                let mut end = item.len();
                for (k, ch) in item[o..].char_indices() {
                    match ch {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = o + k + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                end
            }
            _ => item.len(),
        };
        rest = &item[end..];
    }
    out.push_str(rest);
    out
}

/// Expand `a::{b, c::{d, e}}` into `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        return vec![tree.split(" as ").next().unwrap().trim().to_string()];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap()];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (k, ch) in inner.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..k]);
                start = k + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .flat_map(|p| {
            expand(p)
                .into_iter()
                .map(|s| format!("{prefix}{s}"))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Every path a module names: `use` trees expanded, and `crate::`/`super::`/`self::` paths or
/// paths through one of `children` anywhere in its code. Relative paths are made absolute
/// (a list of segments from the crate root).
fn referenced_paths(module: &Module, children: &BTreeSet<String>) -> Vec<Vec<String>> {
    let mut raw: Vec<String> = Vec::new();
    let code = &module.code;
    let mut rest = code.as_str();
    while let Some(at) = find_word(rest, "use") {
        let after = &rest[at + 3..];
        let end = after.find(';').unwrap_or(after.len());
        raw.extend(expand(&after[..end].replace(char::is_whitespace, "")));
        rest = &after[end..];
    }
    let bytes = code.as_bytes();
    for (k, _) in code.match_indices("::") {
        // The path this `::` belongs to: back to its first segment.
        let mut start = k;
        while start > 0
            && (bytes[start - 1].is_ascii_alphanumeric()
                || bytes[start - 1] == b'_'
                || bytes[start - 1] == b':')
        {
            start -= 1;
        }
        if start != k && (start == 0 || bytes[start - 1] != b':') {
            let end = code[k..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .map_or(code.len(), |e| k + e);
            raw.push(code[start..end].trim_end_matches(':').to_string());
        }
    }
    raw.into_iter()
        .filter_map(|p| {
            let segments: Vec<&str> = p.split("::").filter(|s| !s.is_empty()).collect();
            let mut absolute: Vec<String> = Vec::new();
            let mut iter = segments.iter().peekable();
            match **iter.peek()? {
                "crate" => {
                    iter.next();
                }
                "super" => {
                    absolute = module.path.clone();
                    while iter.peek() == Some(&&"super") {
                        iter.next();
                        absolute.pop();
                    }
                }
                "self" => {
                    iter.next();
                    absolute = module.path.clone();
                }
                first if children.contains(first) => absolute = module.path.clone(),
                _ => return None,
            }
            absolute.extend(iter.map(|s| s.to_string()));
            Some(absolute)
        })
        .collect()
}

fn find_word(text: &str, word: &str) -> Option<usize> {
    let b = text.as_bytes();
    text.match_indices(word).map(|(k, _)| k).find(|&k| {
        let before_ok = k == 0 || !(b[k - 1].is_ascii_alphanumeric() || b[k - 1] == b'_');
        let after = b.get(k + word.len());
        before_ok && after.is_some_and(|c| c.is_ascii_whitespace())
    })
}

/// The modules declared in each module (`mod x;` / `pub mod x;`).
fn declared_children(modules: &[Module]) -> BTreeMap<Vec<String>, BTreeSet<String>> {
    let mut out: BTreeMap<Vec<String>, BTreeSet<String>> = BTreeMap::new();
    for m in modules {
        let mut parent = m.path.clone();
        if let Some(name) = parent.pop() {
            out.entry(parent).or_default().insert(name);
        }
    }
    out
}

/// The dependency graph among the children of `parent` (and `parent` itself, for its own
/// items): an edge `a → b` when a file inside `a` names something inside `b`.
fn graph(modules: &[Module], parent: &[String]) -> BTreeMap<String, BTreeSet<String>> {
    let children = declared_children(modules);
    let own = children.get(parent).cloned().unwrap_or_default();
    let node = |path: &[String]| -> Option<String> {
        if !path.starts_with(parent) {
            return None;
        }
        match path.get(parent.len()) {
            Some(child) if own.contains(child) => Some(child.clone()),
            _ => Some(format!(
                "{}(mod.rs)",
                parent.last().map_or("crate", |s| s.as_str())
            )),
        }
    };
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for m in modules {
        let Some(from) = node(&m.path) else { continue };
        let kids = children.get(&m.path).cloned().unwrap_or_default();
        for path in referenced_paths(m, &kids) {
            if let Some(to) = node(&path) {
                if to != from {
                    edges.entry(from.clone()).or_default().insert(to);
                }
            }
        }
    }
    edges
}

/// A cycle of `graph`, if there is one.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|s| s == n) {
            let mut found = stack[at..].to_vec();
            found.push(n.to_string());
            return Some(found);
        }
        if done.contains(n) {
            return None;
        }
        stack.push(n.to_string());
        for m in graph.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, graph, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_library_knows_nothing_of_the_command_line() {
    let mut offenders = Vec::new();
    for m in library() {
        let text = std::fs::read_to_string(&m.file).unwrap();
        for word in ["clap", "cli::", "ExitCode", "std::process::exit"] {
            if text.contains(word) {
                offenders.push(format!("{}: mentions `{word}`", m.file.display()));
            }
        }
    }
    assert!(offenders.is_empty(), "\n{}", offenders.join("\n"));
}

#[test]
fn top_level_modules_have_no_import_cycle() {
    let modules = library();
    let g = graph(&modules, &[]);
    // A sanity check that the reader sees imports at all.
    assert!(
        g.get("audit").is_some_and(|d| d.contains("asterisk")),
        "{g:?}"
    );
    assert!(g.get("render").is_some_and(|d| d.contains("plan")), "{g:?}");
    if let Some(c) = cycle(&g) {
        panic!("import cycle between top-level modules: {}", c.join(" → "));
    }
}

#[test]
fn modules_inside_plan_audit_and_render_have_no_import_cycle() {
    let modules = library();
    let dirs: BTreeSet<Vec<String>> = declared_children(&modules)
        .into_keys()
        .filter(|p| {
            p.first()
                .is_some_and(|f| ["plan", "audit", "render"].contains(&f.as_str()))
        })
        .collect();
    assert!(dirs.contains(&vec!["audit".to_string(), "rules".to_string()]));
    let mut cycles = Vec::new();
    for dir in &dirs {
        let g = graph(&modules, dir);
        if let Some(c) = cycle(&g) {
            cycles.push(format!("inside {}: {}", dir.join("::"), c.join(" → ")));
        }
    }
    assert!(cycles.is_empty(), "\n{}", cycles.join("\n"));
}

#[test]
fn the_import_reader_sees_groups_relative_paths_and_skips_tests() {
    let module = Module {
        path: vec!["plan".into(), "pjsip".into()],
        file: PathBuf::new(),
        code: without_tests(&code_only(
            "use super::{party::{Party, bind}, names};\n// use crate::audit;\nlet s = \"crate::render\";\nfn f() { crate::diag::Error::invalid(x); }\n#[cfg(test)]\nmod tests { use crate::render; }\n",
        )),
    };
    let paths = referenced_paths(&module, &BTreeSet::new());
    let joined: BTreeSet<String> = paths.iter().map(|p| p.join("::")).collect();
    assert!(joined.contains("plan::party::Party"), "{joined:?}");
    assert!(joined.contains("plan::party::bind"));
    assert!(joined.contains("plan::names"));
    assert!(joined.contains("diag::Error::invalid"));
    assert!(
        !joined
            .iter()
            .any(|p| p.starts_with("audit") || p.starts_with("render"))
    );
}
