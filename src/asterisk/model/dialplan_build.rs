//! Building the dialplan model: pbx_config's reading of extensions.conf, then the edges, dial
//! targets and sinks of every priority with the caller-controlled data they use.

use super::Located;
use super::SectionRef;
use super::dialplan::{
    Context, DialTarget, Dialplan, DialplanGeneral, DialplanProblem, Edge, EdgeKind, Extension,
    Global, Include, Priority, PriorityKind, Sink, SinkKind, Switch, Tech, pattern_class,
};
use super::dialplan_apps::{split_app, split_args, split_args_on};
use super::taint::{Scope, Sources, Taint, Vars, matching, var_key};
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
        // At most one context per section; sized once rather than doubled and copied.
        contexts: Vec::with_capacity(file.sections.len()),
        ..Dialplan::default()
    };
    let mut by_name: FastMap<&str, usize> = FastMap::default();
    // Per context: (extension, caller id) → index, so that reading stays linear.
    let mut ext_index: Vec<ExtIndex> = Vec::new();
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
                name: v.name.to_string(),
                value: v.value.to_string(),
                pos: v.pos,
            }));
            continue;
        }
        let ci = *by_name.entry(s.name.as_str()).or_insert_with(|| {
            dp.contexts.push(Context {
                name: Text::from(s.name.as_str()),
                pos: s.pos,
                sections: Vec::new(),
                extensions: Vec::new(),
                includes: Vec::new(),
                ignorepats: Vec::new(),
                switches: Vec::new(),
                edges: Vec::new(),
                dials: Vec::new(),
                sinks: Vec::new(),
                problems: Vec::new(),
            });
            ext_index.push(ExtIndex::default());
            dp.contexts.len() - 1
        });
        let context = &mut dp.contexts[ci];
        context.sections.push(SectionRef {
            file: file_index as u32,
            section: i as u32,
        });
        read_section(context, &mut ext_index[ci], s);
    }
    dp.index = super::NameIndex::build(dp.contexts.iter().map(|c| c.name.as_str()));
    let lower: Vec<String> = dp
        .contexts
        .iter()
        .map(|c| c.name.to_ascii_lowercase())
        .collect();
    dp.index_ignore_case = super::NameIndex::build(lower.iter().map(String::as_str));
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
        column: v.value_pos.column + offset as u32,
        ..v.value_pos
    }
}

fn read_section(context: &mut Context, ext_index: &mut ExtIndex, s: &Section) {
    // The extension `same =>` continues and the last priority, for `n` (per section).
    let mut last_ext: Option<(String, Option<String>)> = None;
    let mut last_pri: i64 = -2;
    for v in &s.variables {
        let key = v.name.to_ascii_lowercase();
        match key.as_str() {
            "exten" | "same" => read_priority(
                context,
                ext_index,
                v,
                key == "same",
                &mut last_ext,
                &mut last_pri,
            ),
            "include" => {
                let (ctx, timing) = match v.value.split_once(',') {
                    Some((c, t)) => (c.trim(), Some(t.trim().to_string())),
                    None => (v.value.trim(), None),
                };
                context.includes.push(Include {
                    context: ctx.to_string(),
                    timing,
                    pos: v.value_pos,
                });
            }
            "ignorepat" => context
                .ignorepats
                .push(Located::at(v.value.clone(), v.value_pos)),
            "switch" | "lswitch" | "eswitch" => context.switches.push(Switch {
                kind: key,
                data: v.value.to_string(),
                pos: v.value_pos,
            }),
            _ => context.problems.push(DialplanProblem {
                message: format!("unknown directive `{}`: pbx_config ignores it", v.name),
                pos: v.pos,
            }),
        }
    }
}

/// (extension, caller id) → index in `Context::extensions`.
type ExtIndex = FastMap<(String, Option<String>), usize>;

fn read_priority(
    context: &mut Context,
    ext_index: &mut ExtIndex,
    v: &Variable,
    same: bool,
    last_ext: &mut Option<(String, Option<String>)>,
    last_pri: &mut i64,
) {
    let value = v.value.as_str();
    let (ext_cid, rest) = if same {
        let Some(last) = last_ext.clone() else {
            context.problems.push(DialplanProblem {
                message: "`same =>` with no previous extension in this context".to_string(),
                pos: v.pos,
            });
            return;
        };
        (last, Some(value))
    } else {
        let (ext, rest) = split_exten(value);
        let ext = ext.trim();
        let (name, cid) = match ext.split_once('/') {
            Some((n, c)) => (n.to_string(), Some(c.to_string())),
            None => (ext.to_string(), None),
        };
        ((name, cid), rest)
    };
    let rest = rest.unwrap_or("");
    let (pri_text, app_text) = match rest.split_once(',') {
        Some((p, a)) => (p, a),
        None => (rest, ""),
    };
    let app_offset = value.len() - app_text.len();
    let app_lead = app_text.len() - app_text.trim_start().len();
    let mut pri = pri_text.trim();
    let mut label = None;
    if let Some(open) = pri.find('(') {
        let inner = &pri[open + 1..];
        label = Some(inner.split(')').next().unwrap_or(inner).to_string());
        pri = pri[..open].trim();
    }
    let mut plus = 0i64;
    if let Some(p) = pri.find('+') {
        plus = pri[p + 1..].trim().parse().unwrap_or(0);
        pri = pri[..p].trim();
    }
    let (ext_name, cid) = ext_cid;
    let key = (ext_name, cid);
    let ext_index = match ext_index.get(&key) {
        Some(&i) => i,
        None => {
            context.extensions.push(Extension {
                is_pattern: key.0.starts_with('_'),
                name: key.0.as_str().into(),
                callerid: key.1.clone(),
                pos: v.pos,
                priorities: Vec::new(),
            });
            ext_index.insert(key.clone(), context.extensions.len() - 1);
            context.extensions.len() - 1
        }
    };
    *last_ext = Some(key);
    let problem = |context: &mut Context, message: String| {
        context.problems.push(DialplanProblem {
            message,
            pos: v.pos,
        });
    };
    let (kind, number) = match pri {
        "hint" => (PriorityKind::Hint, -1),
        "n" | "next" if *last_pri > -2 => (PriorityKind::Next, *last_pri + 1),
        "s" | "same" if *last_pri > -2 => (PriorityKind::Same, *last_pri),
        "n" | "next" | "s" | "same" => {
            problem(
                context,
                format!("priority `{pri}` on the first line of a context: not registered"),
            );
            return;
        }
        _ => match leading_int(pri) {
            Some(n) => (PriorityKind::Number(n), n),
            None => {
                let found = context.extensions[ext_index]
                    .priorities
                    .iter()
                    .find(|p| p.label.as_deref() == Some(pri))
                    .map(|p| p.number);
                match found {
                    Some(n) if n >= 1 => (PriorityKind::Label(pri.to_string()), n),
                    _ => {
                        problem(
                            context,
                            format!("invalid priority or label `{pri}`: not registered"),
                        );
                        return;
                    }
                }
            }
        },
    };
    let number = if kind == PriorityKind::Hint {
        number
    } else {
        number + plus
    };
    if number == 0 {
        problem(context, "priority 0: not registered".to_string());
        return;
    }
    *last_pri = number;
    let app_text = app_text.trim();
    let (app, raw_args) = if kind == PriorityKind::Hint {
        (app_text.to_string(), String::new())
    } else {
        let (app, args, missing_close) = split_app(app_text);
        if missing_close {
            problem(context, format!("no closing parenthesis in `{app_text}`"));
        }
        (app.to_string(), args.to_string())
    };
    let app_pos = value_offset(v, app_offset + app_lead);
    context.extensions[ext_index].priorities.push(Priority {
        kind,
        number,
        label,
        args: split_args(&raw_args),
        app,
        raw_args,
        pos: v.pos,
        app_pos,
    });
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
    edges: Vec<Vec<Edge>>,
    dials: Vec<Vec<DialTarget>>,
    sinks: Vec<Vec<Sink>>,
}

/// Compute edges, dial targets and sinks. Taint flows through variables and subroutine
/// arguments, so the walk first repeats (recording nothing) until what it learns stops changing
/// — a few times at most — then records once.
fn analyse(dp: &mut Dialplan) {
    let mut learned = Pass::default();
    for _ in 0..4 {
        let next = walk(dp, &learned.globals, &learned.call_args, false);
        let stable = next.globals == learned.globals && next.call_args == learned.call_args;
        learned = next;
        if stable {
            break;
        }
    }
    let mut pass = walk(dp, &learned.globals, &learned.call_args, true);
    for (i, c) in dp.contexts.iter_mut().enumerate() {
        c.edges = std::mem::take(&mut pass.edges[i]);
        c.dials = std::mem::take(&mut pass.dials[i]);
        c.sinks = std::mem::take(&mut pass.sinks[i]);
    }
}

fn walk(
    dp: &Dialplan,
    globals: &Vars,
    call_args: &HashMap<String, Vec<Taint>>,
    record: bool,
) -> Pass {
    let mut out = Pass::default();
    let no_exten = Text::default();
    for c in &dp.contexts {
        let mut w = Walker {
            context: &c.name,
            exten: &no_exten,
            record,
            edges: Vec::new(),
            dials: Vec::new(),
            sinks: Vec::new(),
            globals_out: &mut out.globals,
            call_args_out: &mut out.call_args,
        };
        if record {
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
                };
                let sets = w.priority(&scope, &p.app, &p.raw_args, &p.args, p.app_pos);
                for (name, taint) in sets {
                    let key = var_key(&name);
                    // Another extension reading it does not see its own `${EXTEN}` there.
                    let g = w.globals_out.entry(key.clone()).or_default();
                    *g = g.join(taint.elsewhere());
                    local.insert(key, taint);
                }
            }
        }
        out.edges.push(w.edges);
        out.dials.push(w.dials);
        out.sinks.push(w.sinks);
    }
    out
}

fn is_dynamic(s: &str) -> bool {
    s.contains("${") || s.contains("$[")
}

struct Walker<'a> {
    context: &'a Text,
    exten: &'a Text,
    /// Record edges, dial targets and sinks (the last pass), or only learn taint.
    record: bool,
    edges: Vec<Edge>,
    dials: Vec<DialTarget>,
    sinks: Vec<Sink>,
    globals_out: &'a mut Vars,
    call_args_out: &'a mut HashMap<String, Vec<Taint>>,
}

impl Walker<'_> {
    /// Look at one application call; returns the variables it sets with their taint.
    fn priority(
        &mut self,
        scope: &Scope<'_>,
        app: &str,
        raw: &str,
        args: &[String],
        pos: Pos,
    ) -> Vec<(String, Taint)> {
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
            "read" if !arg(0).is_empty() => {
                sets.push((arg(0).to_string(), Taint::digits(Sources::DTMF)))
            }
            // `Return(value)` leaves the value in `${GOSUB_RETVAL}` for the caller.
            "return" => sets.push(("GOSUB_RETVAL".to_string(), scope.expr(raw))),
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
                    let target = format!("macro-{name}");
                    self.call_args(scope, &target, &args[1..]);
                    self.edge(EdgeKind::Macro, target, Some("s".to_string()), pos);
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
                    let exten = Some(arg(3)).filter(|e| !e.is_empty()).map(str::to_string);
                    self.edge(EdgeKind::Originate, arg(2).to_string(), exten, pos);
                }
            }
            "disa" => {
                let target = Some(arg(1)).filter(|c| !c.is_empty()).unwrap_or("disa");
                self.edge(
                    EdgeKind::Disa,
                    target.to_string(),
                    Some("s".to_string()),
                    pos,
                );
            }
            "system" | "trysystem" => self.sink(scope, SinkKind::Shell, app, raw, pos),
            "agi" | "eagi" | "deadagi" => self.sink(scope, SinkKind::Agi, app, raw, pos),
            "mixmonitor" | "monitor" => self.sink(scope, SinkKind::Record, app, raw, pos),
            "mysql" => self.sink(scope, SinkKind::Sql, app, raw, pos),
            _ => {}
        }
        sets
    }

    fn assignment(
        &mut self,
        scope: &Scope<'_>,
        name: &str,
        value: &str,
        pos: Pos,
        sets: &mut Vec<(String, Taint)>,
    ) {
        let name = name.trim();
        if let Some(open) = name.find('(') {
            let func = &name[..open];
            // `Set(LOCAL(x)=…)`: a variable of the subroutine's frame.
            if func.trim().eq_ignore_ascii_case("LOCAL") {
                let close = name.rfind(')').filter(|&c| c > open).unwrap_or(name.len());
                sets.push((name[open + 1..close].trim().to_string(), scope.expr(value)));
                return;
            }
            // Writing a function: `Set(ODBC_FOO(${EXTEN})=x)` runs a query.
            if let Some(kind) = function_sink_kind(func) {
                self.sink(scope, kind, func, &format!("{name}={value}"), pos);
            }
            return;
        }
        sets.push((name.to_string(), scope.expr(value)));
    }

    /// `${SHELL(…)}`, `${ODBC_…(…)}`, `${REALTIME…(…)}` anywhere in an argument text.
    fn function_sinks(&mut self, scope: &Scope<'_>, raw: &str, pos: Pos) {
        let bytes = raw.as_bytes();
        let mut i = 0;
        while let Some(rel) = raw[i..].find("${") {
            let start = i + rel + 2;
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
        if !self.record {
            return;
        }
        // AGI arguments reach the script as separate values: what matters is who chooses the
        // script or FastAGI URL, the first argument.
        let t = if kind == SinkKind::Agi {
            let args = split_args(argument);
            scope.expr(args.first().map_or("", String::as_str))
        } else {
            scope.expr(argument)
        };
        self.sinks.push(Sink {
            kind,
            name: name.to_string(),
            argument: argument.to_string(),
            exten: self.exten.clone(),
            caller_controlled: t.controlled,
            filtered: t.controlled && !t.unfiltered,
            sources: t.sources,
            pos,
        });
    }

    fn edge(&mut self, kind: EdgeKind, target: String, exten: Option<String>, pos: Pos) {
        if !self.record {
            return;
        }
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
    fn goto_target(&self, parts: &[String]) -> Option<(String, Option<String>)> {
        let parts: Vec<&str> = parts.iter().map(|s| s.trim()).collect();
        let (context, exten) = match parts.as_slice() {
            [c, e, _] if !c.is_empty() => (c.to_string(), e.to_string()),
            [_, e, _] | [e, _] => (self.context.to_string(), e.to_string()),
            [_] => (self.context.to_string(), self.exten.to_string()),
            _ => return None,
        };
        Some((context, Some(exten)))
    }

    fn goto(&mut self, kind: EdgeKind, parts: &[String], pos: Pos) {
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
            last.truncate(open);
        }
        if let Some((context, exten)) = self.goto_target(&parts) {
            self.call_args(scope, &context, &call_args);
            self.edge(kind, context, exten, pos);
        }
    }

    fn call_args(&mut self, scope: &Scope<'_>, target: &str, args: &[String]) {
        if args.is_empty() {
            return;
        }
        let entry = self.call_args_out.entry(target.to_string()).or_default();
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
            let parts: Vec<String> = inner.split('^').map(str::to_string).collect();
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
                            let args: Vec<String> = inner[open + 1..close]
                                .split('^')
                                .map(str::to_string)
                                .collect();
                            (&inner[..open], args)
                        }
                        None => (inner, Vec::new()),
                    };
                    let parts: Vec<String> = label.split('^').map(str::to_string).collect();
                    if let Some((context, exten)) = self.goto_target(&parts) {
                        self.call_args(scope, &context, &call_args);
                        self.edge(EdgeKind::DialOption, context, exten, pos);
                    }
                }
                b'U' => {
                    let target = parts
                        .first()
                        .map(|s| s.trim().to_string())
                        .unwrap_or_default();
                    if !target.is_empty() {
                        self.call_args(scope, &target, &parts[1..]);
                        self.edge(EdgeKind::DialOption, target, Some("s".to_string()), pos);
                    }
                }
                b'M' => {
                    let name = parts.first().map(|s| s.trim()).unwrap_or("");
                    if !name.is_empty() {
                        self.call_args(scope, &format!("macro-{name}"), &parts[1..]);
                        self.edge(
                            EdgeKind::DialOption,
                            format!("macro-{name}"),
                            Some("s".to_string()),
                            pos,
                        );
                    }
                }
                _ => {}
            }
        }
    }

    fn dial_target(&mut self, scope: &Scope<'_>, app: &str, chan: &str, pos: Pos) {
        if chan.is_empty() || !self.record {
            return;
        }
        let (tech_text, resource) = chan.split_once('/').unwrap_or((chan, ""));
        let tech = match tech_text.to_ascii_uppercase().as_str() {
            "PJSIP" => Tech::Pjsip,
            "SIP" => Tech::Sip,
            "IAX2" => Tech::Iax2,
            "DAHDI" | "ZAP" => Tech::Dahdi,
            "LOCAL" => Tech::Local,
            _ => Tech::Other(tech_text.to_string()),
        };
        let (peer, number) = dial_parts(&tech, resource);
        if tech == Tech::Local {
            if let Some(ctx) = &peer {
                self.edge(EdgeKind::LocalDial, ctx.clone(), number.clone(), pos);
            }
        }
        let t = scope.expr(chan);
        self.dials.push(DialTarget {
            context: self.context.clone(),
            exten: self.exten.clone(),
            app: app.to_string(),
            tech,
            resource: resource.to_string(),
            peer,
            number_expr: number,
            caller_controlled: t.controlled,
            filtered: t.controlled && !t.unfiltered,
            sources: t.sources,
            pos,
        });
    }
}

/// The peer (endpoint, peer, trunk group, context) and the number of a dial resource.
fn dial_parts(tech: &Tech, resource: &str) -> (Option<String>, Option<String>) {
    let some = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
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
                None => (Some("default".to_string()), some(main)),
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
