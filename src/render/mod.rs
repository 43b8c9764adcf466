//! Rendering: minijinja templates (embedded, overridable) turn a [`Plan`] into files; which
//! files, from which template, in which syntax, is said once in [`outputs`] (the registry);
//! [`write`] puts them on disk atomically, or compares them with what is there (`--diff`,
//! `--check`).
//!
//! Output is deterministic: the same site gives byte-identical files (no time stamps, no maps
//! with unstable order). Every file starts with a header naming pbxgen, its version and the
//! profile, and saying the file is generated.

pub mod escape;
pub mod outputs;
pub mod secrets;
pub mod templates;
pub mod value;
pub mod write;

pub use secrets::{SecretMode, SecretValues};

use crate::diag::Error;
use crate::plan::Plan;
use escape::Syntax;
use minijinja::value::Value;
use minijinja::{Environment, UndefinedBehavior};
use outputs::OutputFile;
use secrets::SecretTable;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// pbxgen's version, as written in file headers.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// How to render.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// A directory whose `*.j2` files replace the embedded templates of the same name.
    pub templates_dir: Option<PathBuf>,
    /// Render only these files (names as [`outputs::files_of`] gives them); empty = all.
    pub only: Vec<String>,
    /// Real secrets or masks.
    pub secrets: SecretMode,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            templates_dir: None,
            only: Vec::new(),
            secrets: SecretMode::Resolve,
        }
    }
}

/// Plan and render a loaded profile: the files it calls for, in memory.
pub fn render_profile(
    profile: &crate::profile::Profile,
    options: &RenderOptions,
) -> Result<Vec<RenderedFile>, Error> {
    let plan = crate::plan::plan(profile)?;
    render(&plan, options)
}

/// One rendered file.
#[derive(Clone, PartialEq, Eq)]
pub struct RenderedFile {
    /// File name in the output directory.
    pub name: String,
    /// Shared: the self-audit reads this very text (no copy of a provider's megabytes).
    pub contents: Arc<str>,
    /// Whether a secret was printed into it (decides its mode: 0640/0600 rather than 0644).
    pub holds_secrets: bool,
}

impl std::fmt::Debug for RenderedFile {
    // The contents may hold secrets: never in Debug output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RenderedFile")
            .field("name", &self.name)
            .field("bytes", &self.contents.len())
            .field("holds_secrets", &self.holds_secrets)
            .finish()
    }
}

/// Render the plan's files (all of them, or `options.only`).
///
/// Files are rendered in parallel (a provider's `pjsip.conf` and `extensions.conf` are large),
/// a large file in parts ([`outputs::Output::parts`]); the result is the same as rendering
/// them one after the other: the files in order, or the error of the first file that fails.
pub fn render(plan: &Plan, options: &RenderOptions) -> Result<Vec<RenderedFile>, Error> {
    render_in_parts(plan, options, ITEMS_PER_PART)
}

/// Items per part of a file rendered in parts: enough that a part's own cost (its context,
/// its text, the join) is small, few enough that the threads finish close together.
const ITEMS_PER_PART: usize = 1024;

/// One piece of work: file `file` (an index into the files), or the part of it that prints the
/// accounts `start..end` (and what precedes them when `first`, what follows when `last`).
struct Part {
    file: usize,
    first: bool,
    last: bool,
    start: usize,
    end: usize,
}

/// The parts to render: every file whole, except the files an embedded template renders in
/// parts of `items_per_part`; those parts come last, so that the threads start with the whole
/// files and share the parts between them as they finish.
fn parts_of(
    plan: &Plan,
    files: &[OutputFile],
    templates: &[templates::Template],
    items_per_part: usize,
) -> Vec<Part> {
    let mut whole = Vec::new();
    let mut split = Vec::new();
    for (index, file) in files.iter().enumerate() {
        let output = file.output();
        let items = output.parts.map_or(0, |count| count(plan));
        let embedded = templates
            .iter()
            .any(|t| t.name == output.template.name && t.overridden_by.is_none());
        if !embedded || items <= items_per_part {
            whole.push(Part {
                file: index,
                first: true,
                last: true,
                start: 0,
                end: items,
            });
            continue;
        }
        let mut start = 0;
        while start < items {
            let end = (start + items_per_part).min(items);
            split.push(Part {
                file: index,
                first: start == 0,
                last: end == items,
                start,
                end,
            });
            start = end;
        }
    }
    whole.extend(split);
    whole
}

fn render_in_parts(
    plan: &Plan,
    options: &RenderOptions,
    items_per_part: usize,
) -> Result<Vec<RenderedFile>, Error> {
    let files = select(outputs::files_of(plan), &options.only)?;
    let templates = templates::load(&embedded_templates(), options.templates_dir.as_deref())?;
    let table = Arc::new(SecretTable::new(plan.secrets.clone(), options.secrets));
    let env = environment(&templates, table)?;
    let site = value::SiteValue::new(plan);
    let whole_site = site.with_accounts(0..usize::MAX);
    let parts = parts_of(plan, &files, &templates, items_per_part);
    // The most bytes per item a part of each file has taken so far: a later part's buffer is
    // sized from it, so that its text is not copied again and again as the buffer grows.
    let bytes_per_item: Vec<AtomicUsize> = files.iter().map(|_| AtomicUsize::new(0)).collect();
    let render_part = |part: &Part| {
        let file = &files[part.file];
        let output = file.output();
        let template = env
            .get_template(output.template.name)
            .map_err(|e| template_error(&templates, &e))?;
        let header = header(plan, &file.name, output.syntax);
        // Templates see the plan as `site`, and per-item templates their item (`device` for
        // an SPA3102, `number` for TwiML: the registry names them).
        let site = if part.first && part.last {
            whole_site.clone()
        } else {
            site.with_accounts(part.start..part.end)
        };
        let mut context = vec![("site", site), ("header", Value::from_safe_string(header))];
        if output.parts.is_some() {
            let part = minijinja::context! { first => part.first, last => part.last };
            context.push(("part", part));
        }
        context.extend(outputs::item_variables(plan, file));
        let context = Value::from_iter(context);
        let items = part.end - part.start;
        let seen = &bytes_per_item[part.file];
        let mut text = Vec::with_capacity(items.saturating_mul(seen.load(Ordering::Relaxed)));
        let (rendered, secrets) =
            secrets::track_file(|| template.render_captured_to(context, &mut text).map(drop));
        rendered.map_err(|e| {
            secrets
                .failure
                .unwrap_or_else(|| template_error(&templates, &e))
        })?;
        if let Some(per_item) = text.len().checked_div(items) {
            // Rounded up, and an eighth more: a part's accounts may print more than the last's.
            seen.fetch_max(per_item + per_item / 8 + 1, Ordering::Relaxed);
        }
        // Templates write only `str`s.
        let contents = String::from_utf8(text)
            .map_err(|_| Error::invalid("a template wrote text that is not UTF-8"))?;
        Ok((contents, secrets.printed))
    };
    let mut rendered = in_parallel(&parts, render_part).into_iter();
    drop(whole_site);
    crate::dispose::dispose(site.into_base());
    // The parts of a file follow each other in `parts`, in order; a file's text is its parts'
    // texts joined, its error the first of its parts'.
    let mut by_file: Vec<Vec<Result<(String, bool), Error>>> =
        files.iter().map(|_| Vec::new()).collect();
    for part in &parts {
        if let Some(result) = rendered.next() {
            by_file[part.file].push(result);
        }
    }
    files
        .into_iter()
        .zip(by_file)
        .map(|(file, results)| {
            let mut texts = Vec::with_capacity(results.len());
            let mut holds_secrets = false;
            for result in results {
                let (text, printed) = result?;
                texts.push(text);
                holds_secrets |= printed;
            }
            let contents = joined(texts);
            Ok(RenderedFile {
                name: file.name,
                contents,
                holds_secrets,
            })
        })
        .collect()
}

/// The texts of a file's parts, one after the other, in one shared buffer: copied once,
/// straight into it (joining them into a `String` first and moving that into an `Arc` copies a
/// provider's megabytes twice, into two fresh buffers whose pages are faulted in one by one).
fn joined(texts: Vec<String>) -> Arc<str> {
    let total = texts.iter().map(String::len).sum();
    let mut buffer = Arc::<[u8]>::new_uninit_slice(total);
    let slots = Arc::get_mut(&mut buffer).expect("a new Arc has no other owner");
    let mut at = 0;
    for text in &texts {
        for (slot, &byte) in slots[at..at + text.len()].iter_mut().zip(text.as_bytes()) {
            slot.write(byte);
        }
        at += text.len();
    }
    // SAFETY: the parts fill the buffer exactly (`total` is their lengths' sum), so every byte
    // of it was written.
    let bytes = unsafe { buffer.assume_init() };
    debug_assert!(std::str::from_utf8(&bytes).is_ok());
    // SAFETY: the bytes are `str`s one after the other, and `str`s joined are UTF-8; `[u8]` and
    // `str` have the same layout, so the `Arc`'s allocation is one of a `str`.
    unsafe { Arc::from_raw(Arc::into_raw(bytes) as *const str) }
}

/// `f` applied to every item, on as many threads as there are cores (and items); results in
/// the order of `items`.
fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    // Threads take the next item when done with one: the first items (the large files) start
    // first, and a thread that finishes early keeps working.
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(index) else {
                return done;
            };
            done.push((index, f(item)));
        }
    };
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
        workers
            .into_iter()
            .flat_map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

/// Every embedded template: the shared ones, then each output's, in registry order (a test
/// keeps this list and `templates/` in step).
pub fn embedded_templates() -> Vec<templates::Embedded> {
    templates::SHARED
        .iter()
        .copied()
        .chain(outputs::OUTPUTS.iter().map(|o| o.template))
        .collect()
}

/// The names of the files `plan` renders to.
pub fn output_names(plan: &Plan) -> Vec<String> {
    outputs::files_of(plan)
        .into_iter()
        .map(|o| o.name)
        .collect()
}

fn select(outputs: Vec<OutputFile>, only: &[String]) -> Result<Vec<OutputFile>, Error> {
    if only.is_empty() {
        return Ok(outputs);
    }
    check_only(outputs.iter().map(|o| o.name.as_str()), only)?;
    Ok(outputs
        .into_iter()
        .filter(|o| only.contains(&o.name))
        .collect())
}

/// The files of `files` named in `only` (`render --only`; all of them when `only` is empty).
/// The whole site is rendered and audited first: what is written is a part of what was judged.
pub fn keep_only(files: Vec<RenderedFile>, only: &[String]) -> Result<Vec<RenderedFile>, Error> {
    if only.is_empty() {
        return Ok(files);
    }
    check_only(files.iter().map(|f| f.name.as_str()), only)?;
    Ok(files
        .into_iter()
        .filter(|f| only.contains(&f.name))
        .collect())
}

/// Refuse a name in `only` that is not one of the site's files.
fn check_only<'a>(
    names: impl Iterator<Item = &'a str> + Clone,
    only: &[String],
) -> Result<(), Error> {
    for name in only {
        if !names.clone().any(|n| n == name) {
            let available: Vec<&str> = names.clone().collect();
            return Err(Error::invalid(format!(
                "--only {name}: this profile renders no such file; it renders {}",
                available.join(", ")
            )));
        }
    }
    Ok(())
}

fn environment(
    templates: &[templates::Template],
    table: Arc<SecretTable>,
) -> Result<Environment<'static>, Error> {
    let mut env = Environment::new();
    env.set_keep_trailing_newline(true);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_debug(false);
    env.set_auto_escape_callback(|name| outputs::syntax_of_template(name).auto_escape());
    env.set_formatter(escape::format_value);
    for (name, check) in escape::VERBATIM_FILTERS {
        env.add_filter(name, move |state: &minijinja::State, value: &Value| {
            escape::verbatim_filter(state, value, check)
        });
    }
    for (name, filter) in escape::CHECKING_FILTERS {
        env.add_filter(name, filter);
    }
    let public = Arc::clone(&table);
    env.add_filter("secret", move |value: &Value, forbidden: Option<&str>| {
        table.filter(value, forbidden)
    });
    env.add_filter(
        "public_credential",
        move |state: &minijinja::State, value: &Value| {
            public.public_filter(value, outputs::publishes_credentials(state.name()))
        },
    );
    for template in templates {
        env.add_template_owned(template.name, template.source.clone())
            .map_err(|e| template_error(templates, &e))?;
    }
    Ok(env)
}

/// A template error as a pbxgen error naming the template file and line.
fn template_error(templates: &[templates::Template], err: &minijinja::Error) -> Error {
    let file = err
        .name()
        .map(|name| {
            templates
                .iter()
                .find(|t| t.name == name)
                .map_or_else(|| name.to_string(), |t| t.display_name())
        })
        .unwrap_or_else(|| "template".to_string());
    let at = err
        .line()
        .map(|line| format!(":{line}"))
        .unwrap_or_default();
    let detail = err.detail().unwrap_or("").trim();
    let what = if detail.is_empty() {
        err.kind().to_string()
    } else {
        format!("{}: {detail}", err.kind())
    };
    let mut out = Error::invalid(format!("{file}{at}: {what}"));
    if let Some(source) = std::error::Error::source(err) {
        out.message.push_str(&format!(" ({source})"));
    }
    out
}

/// The comment every file starts with, in the file's syntax (no final line break: templates
/// put `{{ header }}` on a line of its own).
fn header(plan: &Plan, file: &str, syntax: Syntax) -> String {
    let site_name = header_text(&plan.name);
    let profile = header_text(&plan.profile_file);
    syntax.header(&[
        format!("{file} for site {site_name}, generated by pbxgen {VERSION} from {profile}."),
        "Do not edit: pbxgen overwrites this file. Change the profile and run `pbxgen render` again.".to_string(),
    ])
}

/// A name safe in any comment syntax: letters, digits and `._+-`, no `--` (ends XML comments).
fn header_text(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    while out.contains("--") {
        out = out.replace("--", "-");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_results_keep_the_order_of_the_items() {
        let items: Vec<usize> = (0..100).collect();
        let doubled = in_parallel(&items, |i| i * 2);
        assert_eq!(doubled, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        assert!(in_parallel(&[] as &[usize], |i| *i).is_empty());
    }

    #[test]
    fn parts_are_joined_in_order_into_one_buffer() {
        let parts = |texts: &[&str]| texts.iter().map(|t| t.to_string()).collect::<Vec<_>>();
        for texts in [
            &[][..],
            &[""],
            &["[a]\n"],
            &["[a]\nx=é\n", "", "[b] ; ü\n", "y=1"],
        ] {
            assert_eq!(&*joined(parts(texts)), texts.concat());
        }
    }

    #[test]
    fn a_file_rendered_in_parts_is_the_file_rendered_whole() {
        // The example has accounts before its click-to-call buttons (what follows them).
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/small-office.yaml");
        let profile = crate::profile::load(&path).unwrap();
        let plan = crate::plan::plan(&profile).unwrap();
        let accounts = plan.pjsip.as_ref().unwrap().accounts.len();
        assert!(accounts > 3, "the example must have several accounts");
        let options = RenderOptions {
            secrets: SecretMode::Mask,
            ..RenderOptions::default()
        };
        let whole = render_in_parts(&plan, &options, usize::MAX).unwrap();
        for items_per_part in [1, 2, accounts - 1] {
            let parts = parts_of(
                &plan,
                &outputs::files_of(&plan),
                &templates::load(&embedded_templates(), None).unwrap(),
                items_per_part,
            );
            assert!(parts.len() > whole.len(), "{items_per_part}: split");
            assert_eq!(
                render_in_parts(&plan, &options, items_per_part).unwrap(),
                whole,
                "{items_per_part} accounts per part"
            );
        }
    }

    #[test]
    fn header_names_cannot_break_comments() {
        assert_eq!(header_text("home-lab.yaml"), "home-lab.yaml");
        assert_eq!(header_text("a\n[b]--c.yaml"), "a__b_-c.yaml");
    }
}
