//! Building the dialplan model: pbx_config's reading of extensions.conf, then the edges, dial
//! targets and sinks of every priority with the caller-controlled data they use.

use super::Located;
use super::SectionRef;
use super::dialplan::{
    Context, ContextIndex, DialTarget, Dialplan, DialplanGeneral, DialplanProblem, Edge, EdgeKind,
    Extension, Global, Include, Priority, PriorityKind, Sink, SinkKind, Switch, Tech,
    pattern_class,
};
use super::dialplan_apps::{find_variable, has_substitution, split_app, split_args, split_args_on};
use super::taint::{Reads, Scope, Sources, Taint, Vars, matching, var_key};
use super::values::bool_option;
use crate::asterisk::fast_hash::FastMap;
use crate::asterisk::shared_text::Text;
use crate::asterisk::source::Pos;
use crate::asterisk::syntax::{ConfigFile, Section, Variable};
use std::collections::HashMap;

/// Interpret extensions.conf.
pub fn build(file_index: usize, file: &ConfigFile) -> Dialplan {
    let mut dp = Dialplan {
        file: Some(file_index as u32),
        ..Dialplan::default()
    };
    // (context, section) of every section that is a context; contexts numbered in order of
    // first appearance. Each context is then read in one go, its sections in file order (what
    // pbx_config sees), so that its vectors are allocated once, at their final length.
    let mut by_name: FastMap<&str, u32> = FastMap::default();
    let mut context_sections: Vec<(u32, u32)> = Vec::new();
    for (i, s) in file.sections.iter().enumerate() {
        if s.is_template {
            continue;
        }
        if s.name.eq_ignore_ascii_case("general") {
            dp.general = DialplanGeneral {
                pos: Some(s.pos),
                autofallthrough: bool_option(s, "autofallthrough", true),
                static_: bool_option(s, "static", false),
                writeprotect: bool_option(s, "writeprotect", false),
                clearglobalvars: bool_option(s, "clearglobalvars", false),
                extenpatternmatchnew: bool_option(s, "extenpatternmatchnew", false),
            };
            continue;
        }
        if s.name.eq_ignore_ascii_case("globals") {
            dp.globals.extend(s.variables.iter().map(|v| Global {
                name: v.name.clone(),
                value: v.value.clone(),
                pos: v.pos,
            }));
            continue;
        }
        let next = by_name.len() as u32;
        let ci = *by_name.entry(s.name.as_str()).or_insert(next);
        context_sections.push((ci, i as u32));
    }
    // Stable: a context's sections stay in file order, its first section first.
    context_sections.sort_by_key(|&(ci, _)| ci);
    dp.contexts = Vec::with_capacity(by_name.len());
    drop(by_name);
    let mut reader = ContextReader::default();
    for group in context_sections.chunk_by(|a, b| a.0 == b.0) {
        for &(_, si) in group {
            reader.read_section(&file.sections[si as usize]);
        }
        let first = &file.sections[group[0].1 as usize];
        let sections = group
            .iter()
            .map(|&(_, si)| SectionRef {
                file: file_index as u32,
                section: si,
            })
            .collect();
        dp.contexts
            .push(reader.finish(first.name.clone(), first.pos, sections));
    }
    dp.index = ContextIndex::build(&dp.contexts);
    analyse(&mut dp);
    dp
}

/// `pbx_strsep(…, ",")`: split at the first `,` that is not inside `[…]` (a `\` skips the next
/// character).
fn split_exten(s: &str) -> (&str, Option<&str>) {
    let bytes = s.as_bytes();
    let mut square = 0u32;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'[' => square += 1,
            b']' => square = square.saturating_sub(1),
            b'\\' => i += 1,
            b',' if square == 0 => return (&s[..i], Some(&s[i + 1..])),
            _ => {}
        }
        i += 1;
    }
    (s, None)
}

/// A position `offset` bytes into a variable's value.
fn value_offset(v: &Variable, offset: usize) -> Pos {
    Pos {
        column: v.value_pos().column + offset as u32,
        ..v.value_pos()
    }
}

/// Reads the sections of one context at a time into vectors reused from context to context,
/// then hands the context its own, allocated at their exact lengths.
#[derive(Default)]
struct ContextReader<'f> {
    /// The extensions in order of first line; their priorities are still in `priorities`.
    extensions: Vec<Extension>,
    /// Every registered priority with the index of its extension, in line order.
    priorities: Vec<(u32, Priority)>,
    /// (extension, caller id) → index in `extensions`, so that reading stays linear.
    index: FastMap<(&'f str, Option<&'f str>), u32>,
    /// (extension, label) → the number of the first priority with that label.
    labels: FastMap<(u32, &'f str), i64>,
    /// Priorities per extension (while finishing a context).
    counts: Vec<u32>,
    includes: Vec<Include>,
    ignorepats: Vec<Located<Text>>,
    switches: Vec<Switch>,
    problems: Vec<DialplanProblem>,
}

impl<'f> ContextReader<'f> {
    fn read_section(&mut self, s: &'f Section) {
        // The extension `same =>` continues and the last priority, for `n` (per section).
        let mut last_ext: Option<u32> = None;
        let mut last_pri: i64 = -2;
        // Nearly every line of a context is a priority: room for them at once, not a list
        // doubled a dozen times for a provider's context of 20,000 lines.
        self.priorities.reserve(s.variables.len());
        for v in s.variables.iter() {
            let name = v.name.as_str();
            if name.eq_ignore_ascii_case("exten") || name.eq_ignore_ascii_case("same") {
                let same = name.eq_ignore_ascii_case("same");
                self.read_priority(v, same, &mut last_ext, &mut last_pri);
            } else if name.eq_ignore_ascii_case("include") {
                let (ctx, timing) = match v.value.split_once(',') {
                    Some((c, t)) => (c.trim(), Some(t.trim())),
                    None => (v.value.trim(), None),
                };
                self.includes.push(Include {
                    context: v.value.part(ctx),
                    timing: timing.map(|t| v.value.part(t)),
                    pos: v.value_pos(),
                });
            } else if name.eq_ignore_ascii_case("ignorepat") {
                self.ignorepats
                    .push(Located::at(v.value.clone(), v.value_pos()));
            } else if ["switch", "lswitch", "eswitch"]
                .iter()
                .any(|k| name.eq_ignore_ascii_case(k))
            {
                self.switches.push(Switch {
                    kind: name.to_ascii_lowercase(),
                    data: v.value.clone(),
                    pos: v.value_pos(),
                });
            } else {
                self.problems.push(DialplanProblem {
                    message: format!("unknown directive `{}`: pbx_config ignores it", v.name),
                    pos: v.pos,
                });
            }
        }
    }

    fn problem(&mut self, v: &Variable, message: String) {
        self.problems.push(DialplanProblem {
            message,
            pos: v.pos,
        });
    }

    fn read_priority(
        &mut self,
        v: &'f Variable,
        same: bool,
        last_ext: &mut Option<u32>,
        last_pri: &mut i64,
    ) {
        let value: &'f str = v.value.as_str();
        let (ext, rest) = if same {
            let Some(last) = *last_ext else {
                self.problem(
                    v,
                    "`same =>` with no previous extension in this context".to_string(),
                );
                return;
            };
            (last, value)
        } else {
            let (ext, rest) = split_exten(value);
            let ext = ext.trim();
            let (name, cid) = match split_at_ascii(ext, b'/') {
                Some((n, c)) => (n, Some(c)),
                None => (ext, None),
            };
            let next = self.extensions.len() as u32;
            let i = *self.index.entry((name, cid)).or_insert(next);
            if i == next {
                self.extensions.push(Extension {
                    is_pattern: name.starts_with('_'),
                    name: v.value.part(name),
                    callerid: cid.map(|c| v.value.part(c)),
                    pos: v.pos,
                    priorities: Vec::new(),
                });
            }
            (i, rest.unwrap_or(""))
        };
        *last_ext = Some(ext);
        let (pri_text, app_text) = match split_at_ascii(rest, b',') {
            Some((p, a)) => (p, a),
            None => (rest, &rest[rest.len()..]),
        };
        let app_offset = value.len() - app_text.len();
        let app_lead = app_text.len() - app_text.trim_start().len();
        let mut pri = pri_text.trim();
        let mut label = None;
        if let Some(open) = find_ascii(pri, b'(') {
            let inner = &pri[open + 1..];
            label = Some(inner.split(')').next().unwrap_or(inner));
            pri = pri[..open].trim();
        }
        let mut plus = 0i64;
        if let Some(p) = find_ascii(pri, b'+') {
            plus = pri[p + 1..].trim().parse().unwrap_or(0);
            pri = pri[..p].trim();
        }
        let (kind, number) = match pri {
            "hint" => (PriorityKind::Hint, -1),
            "n" | "next" if *last_pri > -2 => (PriorityKind::Next, *last_pri + 1),
            "s" | "same" if *last_pri > -2 => (PriorityKind::Same, *last_pri),
            "n" | "next" | "s" | "same" => {
                self.problem(
                    v,
                    format!("priority `{pri}` on the first line of a context: not registered"),
                );
                return;
            }
            _ => match leading_int(pri) {
                Some(n) => (PriorityKind::Number(n), n),
                None => match self.labels.get(&(ext, pri)) {
                    Some(&n) if n >= 1 => (PriorityKind::Label(v.value.part(pri)), n),
                    _ => {
                        self.problem(
                            v,
                            format!("invalid priority or label `{pri}`: not registered"),
                        );
                        return;
                    }
                },
            },
        };
        let number = if kind == PriorityKind::Hint {
            number
        } else {
            number + plus
        };
        if number == 0 {
            self.problem(v, "priority 0: not registered".to_string());
            return;
        }
        *last_pri = number;
        let app_text = app_text.trim();
        let (app, raw_args) = if kind == PriorityKind::Hint {
            (app_text, &app_text[app_text.len()..])
        } else {
            let (app, args, missing_close) = split_app(app_text);
            if missing_close {
                self.problem(v, format!("no closing parenthesis in `{app_text}`"));
            }
            (app, args)
        };
        if let Some(label) = label {
            self.labels.entry((ext, label)).or_insert(number);
        }
        let app_pos = value_offset(v, app_offset + app_lead);
        self.priorities.push((
            ext,
            Priority {
                kind,
                number,
                label: label.map(|l| v.value.part(l)),
                app: v.value.part(app),
                raw_args: v.value.part(raw_args),
                pos: v.pos,
                app_pos,
            },
        ));
    }

    /// The context read so far, every vector at its exact length; the reader is left empty.
    fn finish(&mut self, name: Text, pos: Pos, sections: Vec<SectionRef>) -> Context {
        self.counts.clear();
        self.counts.resize(self.extensions.len(), 0);
        for &(e, _) in &self.priorities {
            self.counts[e as usize] += 1;
        }
        for (e, &n) in self.extensions.iter_mut().zip(&self.counts) {
            e.priorities = Vec::with_capacity(n as usize);
        }
        for (e, p) in self.priorities.drain(..) {
            self.extensions[e as usize].priorities.push(p);
        }
        // A table grown for one large context is not cleared entry by entry for every small
        // one after it.
        if self.index.capacity() > 1024 {
            self.index = FastMap::default();
        } else {
            self.index.clear();
        }
        self.labels.clear();
        Context {
            name,
            pos,
            sections,
            extensions: self.extensions.drain(..).collect(),
            includes: self.includes.drain(..).collect(),
            ignorepats: self.ignorepats.drain(..).collect(),
            switches: self.switches.drain(..).collect(),
            edges: Vec::new(),
            dials: Vec::new(),
            sinks: Vec::new(),
            problems: self.problems.drain(..).collect(),
        }
    }
}

/// `sscanf("%d")`: an optional sign and digits at the start.
fn leading_int(s: &str) -> Option<i64> {
    let end = s
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || (i == 0 && (c == '-' || c == '+'))))
        .map_or(s.len(), |(i, _)| i);
    s[..end].parse().ok()
}

/// What one pass over the dialplan learns and produces.
#[derive(Default)]
struct Pass {
    /// Variables set anywhere, with the taint of every value they were set to.
    globals: Vars,
    /// Taint of `${ARGn}` per called context (Gosub/Macro arguments).
    call_args: HashMap<String, Vec<Taint>>,
    /// Per context, each at its exact length.
    edges: Vec<Vec<Edge>>,
    dials: Vec<Vec<DialTarget>>,
    sinks: Vec<Vec<Sink>>,
    reads: WalkReads,
}

/// Compute edges, dial targets and sinks. Taint flows through variables and subroutine
/// arguments, so the walk repeats until what it learns stops changing (a few times at most).
/// A walk's records depend only on what it read of what it was given, so the walk after which
/// nothing it read changes records what is kept: usually the first.
fn analyse(dp: &mut Dialplan) {
    let mut given = Pass::default();
    let mut kept = None;
    for _ in 0..4 {
        let next = walk(dp, &given.globals, &given.call_args);
        let settled = !read_a_change(&next.reads, &given, &next);
        if settled {
            kept = Some(next);
            break;
        }
        given = next;
    }
    let mut pass = kept.unwrap_or_else(|| walk(dp, &given.globals, &given.call_args));
    for (i, c) in dp.contexts.iter_mut().enumerate() {
        c.edges = std::mem::take(&mut pass.edges[i]);
        c.dials = std::mem::take(&mut pass.dials[i]);
        c.sinks = std::mem::take(&mut pass.sinks[i]);
    }
}

/// Whether a walk given `given` read a value that differs in `next` (what it learned): only then
/// would walking again given `next` read, learn or record anything else.
fn read_a_change(reads: &WalkReads, given: &Pass, next: &Pass) -> bool {
    let global_changed = |k: &String| given.globals.get(k) != next.globals.get(k);
    let args_changed = |c: &String| given.call_args.get(c) != next.call_args.get(c);
    given
        .globals
        .keys()
        .chain(next.globals.keys())
        .any(|k| global_changed(k) && reads.scope.read_global(k))
        || given
            .call_args
            .keys()
            .chain(next.call_args.keys())
            .any(|c| args_changed(c) && reads.args_in.contains(c.as_str()))
}

/// What one walk looked up of what it was given.
#[derive(Default)]
struct WalkReads {
    scope: Reads,
    /// Contexts that read `${ARGn}`.
    args_in: crate::asterisk::fast_hash::FastSet<String>,
}

fn walk(dp: &Dialplan, globals: &Vars, call_args: &HashMap<String, Vec<Taint>>) -> Pass {
    let mut learned_globals = Vars::default();
    let mut learned_call_args = HashMap::new();
    let contexts = dp.contexts.len();
    let mut edges = Vec::with_capacity(contexts);
    let mut dials = Vec::with_capacity(contexts);
    let mut sinks = Vec::with_capacity(contexts);
    let no_text = Text::default();
    let mut reads = WalkReads::default();
    let mut w = Walker {
        context: &no_text,
        exten: &no_text,
        line: &no_text,
        s: Text::from("s"),
        edges: Vec::new(),
        dials: Vec::new(),
        sinks: Vec::new(),
        globals_out: &mut learned_globals,
        call_args_out: &mut learned_call_args,
    };
    for c in &dp.contexts {
        w.context = &c.name;
        w.exten = &no_text;
        for inc in &c.includes {
            w.edges.push(Edge {
                from: c.name.clone(),
                kind: EdgeKind::Include,
                dynamic: is_dynamic(&inc.context),
                target_context: inc.context.clone(),
                target_exten: None,
                exten: None,
                pos: inc.pos,
            });
        }
        let args = call_args
            .get(c.name.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for e in &c.extensions {
            w.exten = &e.name;
            let mut local = Vars::default();
            let class = pattern_class(&e.name);
            for p in &e.priorities {
                if p.kind == PriorityKind::Hint {
                    continue;
                }
                let scope = Scope {
                    exten_class: class,
                    local: &local,
                    global: globals,
                    args,
                    reads: &reads.scope,
                };
                w.line = &p.raw_args;
                let sets = w.priority(&scope, &p.app, &p.raw_args, &p.args(), p.app_pos);
                for (name, taint) in sets {
                    let key = var_key(name);
                    // Another extension reading it does not see its own `${EXTEN}` there.
                    let g = w.globals_out.entry(key.clone()).or_default();
                    *g = g.join(taint.elsewhere());
                    local.insert(key, taint);
                }
            }
        }
        if reads.scope.took_args() {
            reads.args_in.insert(c.name.to_string());
        }
        // Collected from the reused vectors: each context's at its exact length.
        edges.push(w.edges.drain(..).collect());
        dials.push(w.dials.drain(..).collect());
        sinks.push(w.sinks.drain(..).collect());
    }
    drop(w);
    Pass {
        globals: learned_globals,
        call_args: learned_call_args,
        edges,
        dials,
        sinks,
        reads,
    }
}

fn is_dynamic(s: &str) -> bool {
    has_substitution(s)
}

struct Walker<'a> {
    context: &'a Text,
    exten: &'a Text,
    /// The argument text of the priority being walked: what is recorded is cut from its buffer
    /// (the application name and the arguments are pieces of the same line).
    line: &'a Text,
    /// `s`, the extension Macro and DISA enter.
    s: Text,
    edges: Vec<Edge>,
    dials: Vec<DialTarget>,
    sinks: Vec<Sink>,
    globals_out: &'a mut Vars,
    call_args_out: &'a mut HashMap<String, Vec<Taint>>,
}

impl Walker<'_> {
    /// `piece` (of the line being walked, or not) as a `Text`.
    fn text(&self, piece: &str) -> Text {
        self.line.part(piece)
    }

    /// Look at one application call; returns the variables it sets with their taint.
    fn priority<'t>(
        &mut self,
        scope: &Scope<'_>,
        app: &'t str,
        raw: &'t str,
        args: &[&'t str],
        pos: Pos,
    ) -> Vec<(&'t str, Taint)> {
        self.function_sinks(scope, raw, pos);
        let arg = |i: usize| args.get(i).map(|s| s.trim()).unwrap_or("");
        let mut sets = Vec::new();
        let mut buf = [0u8; 32];
        let lower = if app.len() <= buf.len() {
            buf[..app.len()].copy_from_slice(app.as_bytes());
            buf[..app.len()].make_ascii_lowercase();
            std::str::from_utf8(&buf[..app.len()]).unwrap_or("")
        } else {
            ""
        };
        match lower {
            "set" => {
                if let Some((name, value)) = raw.split_once('=') {
                    self.assignment(scope, name, value, pos, &mut sets);
                }
            }
            "mset" => {
                for a in args {
                    if let Some((name, value)) = a.split_once('=') {
                        self.assignment(scope, name, value, pos, &mut sets);
                    }
                }
            }
            "read" if !arg(0).is_empty() => sets.push((arg(0), Taint::digits(Sources::DTMF))),
            // `Return(value)` leaves the value in `${GOSUB_RETVAL}` for the caller.
            "return" => sets.push(("GOSUB_RETVAL", scope.expr(raw))),
            "goto" => self.goto(EdgeKind::Goto, args, pos),
            "gotoif" | "gotoiftime" => {
                let kind = if app.eq_ignore_ascii_case("gotoif") {
                    EdgeKind::GotoIf
                } else {
                    EdgeKind::GotoIfTime
                };
                for label in conditional_branches(raw) {
                    self.goto(kind, &split_args(label), pos);
                }
            }
            "gosub" => self.gosub(scope, EdgeKind::Gosub, raw, pos),
            "gosubif" => {
                for label in conditional_branches(raw) {
                    self.gosub(scope, EdgeKind::GosubIf, label, pos);
                }
            }
            "macro" | "macroexclusive" => {
                let name = arg(0);
                if !name.is_empty() {
                    let target = Text::from(format!("macro-{name}"));
                    self.call_args(scope, &target, &args[1..]);
                    let s = self.s.clone();
                    self.edge(EdgeKind::Macro, target, Some(s), pos);
                }
            }
            "execif" => {
                for branch in conditional_branches(raw) {
                    let (inner_app, inner_args, _) = split_app(branch.trim());
                    sets.extend(self.priority(
                        scope,
                        inner_app,
                        inner_args,
                        &split_args(inner_args),
                        pos,
                    ));
                }
            }
            "dial" | "page" => {
                for chan in split_args_on(arg(0), '&') {
                    self.dial_target(scope, app, chan.trim(), pos);
                }
                if app.eq_ignore_ascii_case("dial") {
                    self.dial_options(scope, arg(2), pos);
                }
            }
            "originate" => {
                self.dial_target(scope, app, arg(0), pos);
                self.sink(scope, SinkKind::Originate, app, raw, pos);
                if arg(1).eq_ignore_ascii_case("exten") && !arg(2).is_empty() {
                    let exten = Some(arg(3)).filter(|e| !e.is_empty()).map(|e| self.text(e));
                    self.edge(EdgeKind::Originate, self.text(arg(2)), exten, pos);
                }
            }
            "disa" => {
                let target = match arg(1) {
                    "" => Text::from("disa"),
                    context => self.text(context),
                };
                let s = self.s.clone();
                self.edge(EdgeKind::Disa, target, Some(s), pos);
            }
            "system" | "trysystem" => self.sink(scope, SinkKind::Shell, app, raw, pos),
            "agi" | "eagi" | "deadagi" => self.sink(scope, SinkKind::Agi, app, raw, pos),
            "mixmonitor" | "monitor" => self.sink(scope, SinkKind::Record, app, raw, pos),
            "mysql" => self.sink(scope, SinkKind::Sql, app, raw, pos),
            _ => {}
        }
        sets
    }

    fn assignment<'t>(
        &mut self,
        scope: &Scope<'_>,
        name: &'t str,
        value: &'t str,
        pos: Pos,
        sets: &mut Vec<(&'t str, Taint)>,
    ) {
        let name = name.trim();
        if let Some(open) = name.find('(') {
            let func = &name[..open];
            // `Set(LOCAL(x)=…)`: a variable of the subroutine's frame.
            if func.trim().eq_ignore_ascii_case("LOCAL") {
                let close = name.rfind(')').filter(|&c| c > open).unwrap_or(name.len());
                sets.push((name[open + 1..close].trim(), scope.expr(value)));
                return;
            }
            // Writing a function: `Set(ODBC_FOO(${EXTEN})=x)` runs a query.
            if let Some(kind) = function_sink_kind(func) {
                self.sink(scope, kind, func, &format!("{name}={value}"), pos);
            }
            return;
        }
        sets.push((name, scope.expr(value)));
    }

    /// `${SHELL(…)}`, `${ODBC_…(…)}`, `${REALTIME…(…)}` anywhere in an argument text.
    fn function_sinks(&mut self, scope: &Scope<'_>, raw: &str, pos: Pos) {
        let bytes = raw.as_bytes();
        let mut i = 0;
        while let Some(at) = find_variable(raw, i) {
            let start = at + 2;
            let name_end = raw[start..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .map_or(raw.len(), |e| start + e);
            if bytes.get(name_end) == Some(&b'(') {
                if let Some(kind) = function_sink_kind(&raw[start..name_end]) {
                    let close = matching(bytes, name_end, b'(', b')');
                    let argument = &raw[name_end + 1..close.min(raw.len())];
                    self.sink(scope, kind, &raw[start..name_end], argument, pos);
                }
            }
            i = start;
        }
    }

    fn sink(&mut self, scope: &Scope<'_>, kind: SinkKind, name: &str, argument: &str, pos: Pos) {
        // AGI arguments reach the script as separate values: what matters is who chooses the
        // script or FastAGI URL, the first argument.
        let t = if kind == SinkKind::Agi {
            let args = split_args(argument);
            scope.expr(args.first().copied().unwrap_or(""))
        } else {
            scope.expr(argument)
        };
        self.sinks.push(Sink {
            kind,
            name: self.text(name),
            argument: self.text(argument),
            exten: self.exten.clone(),
            caller_controlled: t.controlled,
            filtered: t.controlled && !t.unfiltered,
            sources: t.sources,
            pos,
        });
    }

    fn edge(&mut self, kind: EdgeKind, target: Text, exten: Option<Text>, pos: Pos) {
        self.edges.push(Edge {
            from: self.context.clone(),
            kind,
            dynamic: is_dynamic(&target) || exten.as_deref().is_some_and(is_dynamic),
            target_context: target,
            target_exten: exten,
            exten: Some(self.exten.clone()),
            pos,
        });
    }

    /// Where `[[context,]exten,]priority` (or `^`-separated in dial options) leads.
    fn goto_target(&self, parts: &[&str]) -> Option<(Text, Option<Text>)> {
        let (context, exten) = match parts {
            [c, e, _] if !c.trim().is_empty() => (self.text(c.trim()), self.text(e.trim())),
            [_, e, _] | [e, _] => (self.context.clone(), self.text(e.trim())),
            [_] => (self.context.clone(), self.exten.clone()),
            _ => return None,
        };
        Some((context, Some(exten)))
    }

    fn goto(&mut self, kind: EdgeKind, parts: &[&str], pos: Pos) {
        if let Some((context, exten)) = self.goto_target(parts) {
            self.edge(kind, context, exten, pos);
        }
    }

    /// `Gosub([[context,]exten,]priority[(args)])`.
    fn gosub(&mut self, scope: &Scope<'_>, kind: EdgeKind, label: &str, pos: Pos) {
        let mut parts = split_args(label.trim());
        let Some(last) = parts.last_mut() else { return };
        let mut call_args = Vec::new();
        if let Some(open) = last.find('(') {
            let close = last.rfind(')').filter(|&c| c > open).unwrap_or(last.len());
            call_args = split_args(&last[open + 1..close]);
            *last = &last[..open];
        }
        if let Some((context, exten)) = self.goto_target(&parts) {
            self.call_args(scope, &context, &call_args);
            self.edge(kind, context, exten, pos);
        }
    }

    fn call_args(&mut self, scope: &Scope<'_>, target: &str, args: &[&str]) {
        if args.is_empty() {
            return;
        }
        if !self.call_args_out.contains_key(target) {
            self.call_args_out.insert(target.to_string(), Vec::new());
        }
        let Some(entry) = self.call_args_out.get_mut(target) else {
            return;
        };
        if entry.len() < args.len() {
            entry.resize(args.len(), Taint::CLEAN);
        }
        for (slot, a) in entry.iter_mut().zip(args) {
            *slot = slot.join(scope.expr(a).elsewhere());
        }
    }

    /// Dial options that move a channel: G/F (goto), U/b/B (gosub), M (macro); the `^`-separated
    /// arguments of U/M/b/B become the subroutine's `${ARGn}`.
    fn dial_options(&mut self, scope: &Scope<'_>, options: &str, pos: Pos) {
        let bytes = options.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let letter = bytes[i];
            if bytes.get(i + 1) != Some(&b'(') {
                i += 1;
                continue;
            }
            let close = matching(bytes, i + 1, b'(', b')');
            let inner = &options[i + 2..close.min(options.len())];
            i = close + 1;
            let parts: Vec<&str> = inner.split('^').collect();
            match letter {
                b'G' | b'F' => self.goto(EdgeKind::DialOption, &parts, pos),
                b'b' | b'B' => {
                    // `b(context^exten^priority(arg1^arg2))`.
                    let (label, call_args) = match inner.find('(') {
                        Some(open) => {
                            let close = inner
                                .rfind(')')
                                .filter(|&c| c > open)
                                .unwrap_or(inner.len());
                            let args: Vec<&str> = inner[open + 1..close].split('^').collect();
                            (&inner[..open], args)
                        }
                        None => (inner, Vec::new()),
                    };
                    let parts: Vec<&str> = label.split('^').collect();
                    if let Some((context, exten)) = self.goto_target(&parts) {
                        self.call_args(scope, &context, &call_args);
                        self.edge(EdgeKind::DialOption, context, exten, pos);
                    }
                }
                b'U' => {
                    let target = parts.first().map(|s| s.trim()).unwrap_or("");
                    if !target.is_empty() {
                        self.call_args(scope, target, &parts[1..]);
                        let (target, s) = (self.text(target), self.s.clone());
                        self.edge(EdgeKind::DialOption, target, Some(s), pos);
                    }
                }
                b'M' => {
                    let name = parts.first().map(|s| s.trim()).unwrap_or("");
                    if !name.is_empty() {
                        let target = Text::from(format!("macro-{name}"));
                        self.call_args(scope, &target, &parts[1..]);
                        let s = self.s.clone();
                        self.edge(EdgeKind::DialOption, target, Some(s), pos);
                    }
                }
                _ => {}
            }
        }
    }

    fn dial_target(&mut self, scope: &Scope<'_>, app: &str, chan: &str, pos: Pos) {
        if chan.is_empty() {
            return;
        }
        let (tech_text, resource) = chan.split_once('/').unwrap_or((chan, &chan[chan.len()..]));
        let tech = match tech_text.to_ascii_uppercase().as_str() {
            "PJSIP" => Tech::Pjsip,
            "SIP" => Tech::Sip,
            "IAX2" => Tech::Iax2,
            "DAHDI" | "ZAP" => Tech::Dahdi,
            "LOCAL" => Tech::Local,
            _ => Tech::Other(self.text(tech_text)),
        };
        let (peer, number) = dial_parts(&tech, resource);
        let peer = peer.map(|p| self.text(p));
        let number = number.map(|n| self.text(n));
        if tech == Tech::Local {
            if let Some(ctx) = &peer {
                self.edge(EdgeKind::LocalDial, ctx.clone(), number.clone(), pos);
            }
        }
        let t = scope.expr(chan);
        self.dials.push(DialTarget {
            context: self.context.clone(),
            exten: self.exten.clone(),
            app: self.text(app),
            tech,
            resource: self.text(resource),
            peer,
            number_expr: number,
            caller_controlled: t.controlled,
            filtered: t.controlled && !t.unfiltered,
            sources: t.sources,
            pos,
        });
    }
}

/// The peer (endpoint, peer, trunk group, context) and the number of a dial resource: pieces
/// of `resource`, trimmed (`default` for a Local channel that names no context).
fn dial_parts<'r>(tech: &Tech, resource: &'r str) -> (Option<&'r str>, Option<&'r str>) {
    let some = |s: &'r str| Some(s.trim()).filter(|s| !s.is_empty());
    match tech {
        // PJSIP/endpoint, PJSIP/number@endpoint, PJSIP/endpoint/sip:uri
        Tech::Pjsip => match resource.split_once('/') {
            Some((ep, uri)) => (some(ep), some(uri)),
            None => match resource.rsplit_once('@') {
                Some((num, ep)) => (some(ep), some(num)),
                None => (some(resource), None),
            },
        },
        // SIP/peer, SIP/peer/number, SIP/number@peer[:port]
        Tech::Sip => match resource.split_once('/') {
            Some((peer, num)) => (some(peer), some(num)),
            None => match resource.rsplit_once('@') {
                Some((num, host)) => (some(host.split(':').next().unwrap_or(host)), some(num)),
                None => (some(resource), None),
            },
        },
        // IAX2/[user[:secret]@]peer[:port][/exten[@context]]
        Tech::Iax2 => {
            let (head, tail) = resource.split_once('/').unwrap_or((resource, ""));
            let peer = head.rsplit_once('@').map_or(head, |(_, p)| p);
            let peer = peer.split(':').next().unwrap_or(peer);
            (some(peer), some(tail.split('@').next().unwrap_or(tail)))
        }
        // DAHDI/g1/number, DAHDI/1/number
        Tech::Dahdi => {
            let (group, num) = resource.split_once('/').unwrap_or((resource, ""));
            (some(group), some(num.split('/').next().unwrap_or(num)))
        }
        // Local/exten@context[/n]
        Tech::Local => {
            let main = resource.split('/').next().unwrap_or(resource);
            match main.rsplit_once('@') {
                Some((exten, ctx)) => (some(ctx), some(exten)),
                None => (Some("default"), some(main)),
            }
        }
        Tech::Other(_) => (None, None),
    }
}

/// `cond?label1[:label2]`: the labels of GotoIf/GosubIf/GotoIfTime/ExecIf.
fn conditional_branches(raw: &str) -> Vec<&str> {
    let Some(q) = top_level_find(raw, b'?') else {
        return Vec::new();
    };
    let rest = &raw[q + 1..];
    match top_level_find(rest, b':') {
        Some(c) => vec![&rest[..c], &rest[c + 1..]],
        None => vec![rest],
    }
    .into_iter()
    .filter(|l| !l.trim().is_empty())
    .collect()
}

/// Where ASCII byte `needle` first is in `s`. The pieces of an extension line searched with it
/// (the extension, the priority) are a few bytes long: a byte loop, inlined wherever it is used,
/// where `str::find` goes through a searcher and memchr (a call per search once LTO stops
/// inlining it: 4% of a 1,000,000-line audit's dialplan build).
fn find_ascii(s: &str, needle: u8) -> Option<usize> {
    debug_assert!(needle.is_ascii());
    s.bytes().position(|b| b == needle)
}

/// `s` split around the first ASCII byte `needle` (as `str::split_once`, see [`find_ascii`]).
fn split_at_ascii(s: &str, needle: u8) -> Option<(&str, &str)> {
    // An ASCII byte never sits inside a multi-byte character: both sides are `str`s.
    find_ascii(s, needle).map(|i| (&s[..i], &s[i + 1..]))
}

/// The first `needle` outside `${…}`, `$[…]` and `(…)`.
fn top_level_find(s: &str, needle: u8) -> Option<usize> {
    let mut depth = 0i32;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        match b {
            b'{' | b'[' | b'(' => depth += 1,
            b'}' | b']' | b')' => depth -= 1,
            _ if b == needle && depth <= 0 => return Some(i),
            _ => {}
        }
    }
    None
}

/// Functions whose arguments become a shell command or a query.
fn function_sink_kind(name: &str) -> Option<SinkKind> {
    let upper = name.to_ascii_uppercase();
    if upper == "SHELL" {
        Some(SinkKind::Shell)
    } else if upper.starts_with("ODBC") || upper == "MYSQL" {
        Some(SinkKind::Sql)
    } else if upper.starts_with("REALTIME") {
        Some(SinkKind::Realtime)
    } else {
        None
    }
}
