//! extensions.conf as pbx_config loads it: contexts, extensions, priorities, applications with
//! their arguments split as Asterisk splits them, and the edges and dangerous uses the audit
//! follows.
//!
//! `[general]` and `[globals]` are special; every other live section is a context. Several
//! sections with the same name make one context (pbx_config finds or creates it); context names
//! are case-sensitive in the dialplan (pbx.c compares them with `strcmp`).
//!
//! A provider's dialplan has hundreds of thousands of lines, so the model is compact: every
//! text that is a piece of a line is a [`Text`] sharing the source's buffer (no copy), every
//! vector is allocated once at its final length, and a priority's arguments are not stored
//! but split from its argument text when asked for ([`Priority::args`]).

use super::Located;
use crate::asterisk::shared_text::Text;
use crate::asterisk::source::Pos;
use crate::asterisk::syntax::ConfigFile;
use serde::Serialize;

pub use super::dialplan_apps::{split_app, split_args};

/// The interpreted extensions.conf.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Dialplan {
    /// The file in `config.files` (None when there is no extensions.conf).
    pub file: Option<u32>,
    pub general: DialplanGeneral,
    /// `[globals]` variables, in order.
    pub globals: Vec<Global>,
    /// Contexts in order of first appearance.
    pub contexts: Vec<Context>,
    /// Context name → index, exact and ignoring case.
    #[serde(skip)]
    pub(crate) index: ContextIndex,
}

impl Dialplan {
    /// A context by exact name (Asterisk compares context names case-sensitively).
    pub fn context(&self, name: &str) -> Option<&Context> {
        self.context_index(name).map(|i| &self.contexts[i])
    }

    /// The index in [`Dialplan::contexts`] of the context named exactly `name`.
    pub fn context_index(&self, name: &str) -> Option<usize> {
        let names = |i: &u32| self.contexts[*i as usize].name.as_str();
        let sorted = &self.index.exact;
        let first = sorted.partition_point(|i| names(i) < name);
        let i = *sorted.get(first).filter(|i| names(i) == name)?;
        Some(i as usize)
    }

    /// A context by name ignoring case (for "did you mean" hints); the first of several.
    pub fn context_ignore_case(&self, name: &str) -> Option<&Context> {
        let names = |i: &u32| self.contexts[*i as usize].name.as_str();
        let sorted = &self.index.ignore_case;
        let first = sorted.partition_point(|i| cmp_ignore_case(names(i), name).is_lt());
        let i = *sorted
            .get(first)
            .filter(|i| cmp_ignore_case(names(i), name).is_eq())?;
        Some(&self.contexts[i as usize])
    }

    /// Every edge out of every context.
    pub fn edges(&self) -> impl Iterator<Item = &Edge> {
        self.contexts.iter().flat_map(|c| c.edges.iter())
    }
}

/// The contexts' indices sorted by name, exactly and ignoring ASCII case; among equal names
/// the first context comes first. Four bytes a context and a binary search: a hash map of
/// owned names cost a copy of every name and a table slot, twice, on a provider's dialplan.
#[derive(Clone, Debug, Default)]
pub(crate) struct ContextIndex {
    exact: Vec<u32>,
    ignore_case: Vec<u32>,
}

impl ContextIndex {
    pub(crate) fn build(contexts: &[Context]) -> ContextIndex {
        let names = |i: &u32| contexts[*i as usize].name.as_str();
        let mut exact: Vec<u32> = (0..contexts.len() as u32).collect();
        let mut ignore_case = exact.clone();
        // Stable sorts: equal names keep the order of their contexts.
        exact.sort_by(|a, b| names(a).cmp(names(b)));
        ignore_case.sort_by(|a, b| cmp_ignore_case(names(a), names(b)));
        ContextIndex { exact, ignore_case }
    }
}

/// The order of the names lower-cased (ASCII letters only): equal when they differ only in
/// case.
fn cmp_ignore_case(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes()
        .map(|b| b.to_ascii_lowercase())
        .cmp(b.bytes().map(|b| b.to_ascii_lowercase()))
}

/// `[general]` of extensions.conf.
#[derive(Clone, Debug, Serialize)]
pub struct DialplanGeneral {
    pub pos: Option<Pos>,
    /// Hang up when an extension runs out of priorities (default yes).
    pub autofallthrough: Located<bool>,
    /// `static=yes`: the dialplan cannot be reloaded from the CLI.
    pub static_: Located<bool>,
    /// `writeprotect=yes`: `dialplan save` is refused.
    pub writeprotect: Located<bool>,
    pub clearglobalvars: Located<bool>,
    pub extenpatternmatchnew: Located<bool>,
}

impl Default for DialplanGeneral {
    fn default() -> Self {
        DialplanGeneral {
            pos: None,
            autofallthrough: Located::default_value(true),
            static_: Located::default_value(false),
            writeprotect: Located::default_value(false),
            clearglobalvars: Located::default_value(false),
            extenpatternmatchnew: Located::default_value(false),
        }
    }
}

/// A `[globals]` variable.
#[derive(Clone, Debug, Serialize)]
pub struct Global {
    pub name: Text,
    pub value: Text,
    pub pos: Pos,
}

/// A dialplan context.
#[derive(Clone, Debug, Serialize)]
pub struct Context {
    pub name: Text,
    /// The first header of this context.
    pub pos: Pos,
    /// Every section that contributed to it (a name may appear several times).
    pub sections: Vec<super::SectionRef>,
    pub extensions: Vec<Extension>,
    /// `include => other[,timing]`, in order.
    pub includes: Vec<Include>,
    pub ignorepats: Vec<Located<Text>>,
    /// `switch`/`lswitch`/`eswitch => Tech/data`.
    pub switches: Vec<Switch>,
    /// Everything that leaves this context (includes, Goto, Gosub, Macro, Local dials, …).
    pub edges: Vec<Edge>,
    /// Every channel dialled from this context (`Dial`, `Page`, `Originate`, `Queue` is not).
    pub dials: Vec<DialTarget>,
    /// Uses of data in places where it is dangerous (shell, SQL, AGI, recording file names,
    /// Originate), whether or not the data is caller-controlled.
    pub sinks: Vec<Sink>,
    /// Lines pbx_config would warn about or ignore in this context.
    pub problems: Vec<DialplanProblem>,
}

impl Context {
    /// An extension by its name as written (`_X.`, `100`, `s`).
    pub fn extension(&self, name: &str) -> Option<&Extension> {
        self.extensions.iter().find(|e| e.name == name)
    }
}

/// `include => context[,timing]`.
#[derive(Clone, Debug, Serialize)]
pub struct Include {
    pub context: Text,
    /// The time-of-day restriction (`9:00-17:00,mon-fri,*,*`), when given.
    pub timing: Option<Text>,
    pub pos: Pos,
}

/// `switch => IAX2/user:[key]@server/context`.
#[derive(Clone, Debug, Serialize)]
pub struct Switch {
    /// `switch`, `lswitch` or `eswitch`.
    pub kind: String,
    #[serde(serialize_with = "crate::redact::value::serialize_masked")]
    pub data: Text,
    pub pos: Pos,
}

/// An extension: all priorities written for one name (+ caller-id match) in one context.
#[derive(Clone, Debug, Serialize)]
pub struct Extension {
    /// As written: `_X.`, `100`, `s`, `h`.
    pub name: Text,
    /// Starts with `_`.
    pub is_pattern: bool,
    /// `exten => 100/5551234,…`: matches only this caller id.
    pub callerid: Option<Text>,
    /// Position of the first line.
    pub pos: Pos,
    pub priorities: Vec<Priority>,
}

impl Extension {
    /// What the pattern lets a caller put into `${EXTEN}`.
    pub fn pattern_class(&self) -> PatternClass {
        pattern_class(&self.name)
    }
}

/// How much freedom an extension name gives the caller over `${EXTEN}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PatternClass {
    /// A literal extension (`100`, `s`, `h`): `${EXTEN}` is a constant.
    Literal,
    /// A pattern of fixed length made of digit classes and fixed characters (`_NXXNXXXXXX`,
    /// `_9[2-9]XX`, `_*72XXX`): the caller chooses digits only.
    Strict,
    /// A pattern with `.`/`!`, or allowing non-digits (`_X.`, `_.`, `_!`, `_[a-z]`): the
    /// caller chooses length and, for non-digit classes, characters.
    Wide,
}

/// Classify an extension name (see [`PatternClass`]).
pub fn pattern_class(name: &str) -> PatternClass {
    let Some(pat) = name.strip_prefix('_') else {
        return PatternClass::Literal;
    };
    let mut chars = pat.chars();
    while let Some(c) = chars.next() {
        match c {
            // `.` and `!` let the caller choose how many characters, and which.
            '.' | '!' => return PatternClass::Wide,
            '[' => {
                // A set is strict when it only holds digits and ranges of digits.
                for c in chars.by_ref() {
                    match c {
                        ']' => break,
                        '0'..='9' | '-' => {}
                        _ => return PatternClass::Wide,
                    }
                }
            }
            // `X`, `Z`, `N` are digit classes; any other character matches itself: the
            // pattern fixes it, the caller does not choose it.
            _ => {}
        }
    }
    PatternClass::Strict
}

/// How a priority was written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum PriorityKind {
    /// An integer.
    Number(i64),
    /// `n`: the previous priority plus one.
    Next,
    /// `s` (or `same`): the previous priority.
    Same,
    /// `hint`.
    Hint,
    /// A label name (jump to the label's priority), optionally `+N`/`-N`.
    Label(Text),
}

/// One `exten =>`/`same =>` line.
#[derive(Clone, Debug)]
pub struct Priority {
    pub kind: PriorityKind,
    /// The priority number Asterisk assigns (`n` resolved); -1 for `hint`.
    pub number: i64,
    /// `n(label)`.
    pub label: Option<Text>,
    /// The application name as written (`Dial`, `Goto`, `NoOp`); for a hint, its device text.
    pub app: Text,
    /// The raw argument text (between the first `(` and the last `)`).
    pub raw_args: Text,
    pub pos: Pos,
    /// Position of the application name.
    pub app_pos: Pos,
}

impl Priority {
    /// The arguments split as Asterisk splits them (on `,` outside `()`, `[]`, quotes, `${}`):
    /// pieces of [`Priority::raw_args`], split on each call (a priority stores no list).
    pub fn args(&self) -> Vec<&str> {
        split_args(&self.raw_args)
    }
}

impl Serialize for Priority {
    /// The fields, with the split arguments between `app` and `raw_args`, credentials masked.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        struct MaskedList<'a>(Vec<&'a str>);
        impl Serialize for MaskedList<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                crate::redact::value::serialize_masked_list(&self.0, s)
            }
        }
        struct Masked<'a>(&'a str);
        impl Serialize for Masked<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                crate::redact::value::serialize_masked(self.0, s)
            }
        }
        let mut st = s.serialize_struct("Priority", 8)?;
        st.serialize_field("kind", &self.kind)?;
        st.serialize_field("number", &self.number)?;
        st.serialize_field("label", &self.label)?;
        st.serialize_field("app", &self.app)?;
        st.serialize_field("args", &MaskedList(self.args()))?;
        st.serialize_field("raw_args", &Masked(&self.raw_args))?;
        st.serialize_field("pos", &self.pos)?;
        st.serialize_field("app_pos", &self.app_pos)?;
        st.end()
    }
}

/// What kind of edge leaves a context.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    Include,
    Goto,
    GotoIf,
    GotoIfTime,
    Gosub,
    GosubIf,
    Macro,
    /// `Dial(Local/exten@context)` (and Queue/Originate members that are Local channels).
    LocalDial,
    /// `DISA(password,context)`.
    Disa,
    /// `Originate(chan,exten,context,exten,prio)`: a new channel runs in that context.
    Originate,
    /// `VoiceMailMain` dial-out / callback contexts and `VoiceMail`/`VoiceMailMain`
    /// `exitcontext`, from voicemail.conf.
    Voicemail,
    /// Dial options that move a channel into a context: `G(ctx^exten^prio)`, `F(…)`
    /// (Goto), `U(…)`, `b(…)`, `B(…)` (Gosub), `M(…)` (Macro).
    DialOption,
}

/// An edge out of a context.
#[derive(Clone, Debug, Serialize)]
pub struct Edge {
    pub from: Text,
    pub kind: EdgeKind,
    /// The target context (the current one when a Goto names only exten/priority).
    pub target_context: Text,
    /// The target extension, when named.
    pub target_exten: Option<Text>,
    /// The target contains a variable (`${…}`): cannot be followed statically.
    pub dynamic: bool,
    /// The extension the edge is written in (None for include/switch).
    pub exten: Option<Text>,
    pub pos: Pos,
}

/// Channel technology of a dial string.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Tech {
    Pjsip,
    Sip,
    Iax2,
    Dahdi,
    Local,
    Other(Text),
}

/// One channel dialled (`Dial(PJSIP/123@trunk&SIP/peer)` gives two).
#[derive(Clone, Debug, Serialize)]
pub struct DialTarget {
    /// The context and extension the Dial is in.
    pub context: Text,
    pub exten: Text,
    /// `Dial`, `Originate`, `Page`, …
    pub app: Text,
    pub tech: Tech,
    /// Everything after `Tech/`, as written.
    #[serde(serialize_with = "crate::redact::value::serialize_masked")]
    pub resource: Text,
    /// The endpoint/peer/trunk/context the channel goes through (`@endpoint`, `PJSIP/endpoint`,
    /// `SIP/peer/number`, `Local/x@context`, `DAHDI/g1`), when it can be named.
    pub peer: Option<Text>,
    /// The number part as written (`${EXTEN:1}` in `PJSIP/${EXTEN:1}@trunk`), when there is one.
    pub number_expr: Option<Text>,
    /// The dialled string uses data the caller controls (`${EXTEN}` from a pattern,
    /// `${CALLERID(…)}`, a variable set from them).
    pub caller_controlled: bool,
    /// That data is restricted to digits (`${FILTER(0-9,…)}`, or a strict pattern).
    pub filtered: bool,
    /// Where the caller-controlled data comes from (the taint lattice's answer).
    pub sources: super::taint::Sources,
    pub pos: Pos,
}

/// A place where data becomes a command, a query or a file name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SinkKind {
    /// `System`, `TrySystem`, `SHELL()`.
    Shell,
    /// `AGI`, `EAGI`, `FastAGI`, `DeadAGI` command lines.
    Agi,
    /// `ODBC_SQL`, `MYSQL(query …)`, `ODBC(…)` functions/apps.
    Sql,
    /// `REALTIME*` functions (family/field lookups).
    Realtime,
    /// `MixMonitor`/`Monitor` file names and commands.
    Record,
    /// `Originate`.
    Originate,
}

/// One use of data at a sink.
#[derive(Clone, Debug, Serialize)]
pub struct Sink {
    pub kind: SinkKind,
    /// The application or function (`System`, `SHELL`, `ODBC_SQL`).
    pub name: Text,
    /// The argument text handed to it.
    #[serde(serialize_with = "crate::redact::value::serialize_masked")]
    pub argument: Text,
    pub exten: Text,
    /// Uses `${EXTEN}` (from a pattern), `${CALLERID(…)}` or a variable set from them (for
    /// `AGI`: in the script or FastAGI URL, its first argument).
    pub caller_controlled: bool,
    /// The caller-controlled part is digits only.
    pub filtered: bool,
    /// Where the caller-controlled data comes from.
    pub sources: super::taint::Sources,
    pub pos: Pos,
}

/// A dialplan line pbx_config warns about or ignores.
#[derive(Clone, Debug, Serialize)]
pub struct DialplanProblem {
    pub message: String,
    pub pos: Pos,
}

/// Add the edges app_voicemail opens: `VoiceMailMain` can dial out and call back from the
/// `dialout`/`callback` contexts of voicemail.conf; `VoiceMail` and `VoiceMailMain` leave to
/// `exitcontext` on `*`/`0`.
pub fn add_voicemail_edges(dp: &mut Dialplan, vm: &super::VoicemailConf) {
    let dialout = vm.dialout_contexts();
    let exit = vm.exit_contexts();
    for c in &mut dp.contexts {
        let mut edges = Vec::new();
        for e in &c.extensions {
            for p in &e.priorities {
                let main = p.app.eq_ignore_ascii_case("VoiceMailMain");
                if !main && !p.app.eq_ignore_ascii_case("VoiceMail") {
                    continue;
                }
                let targets = if main {
                    dialout.iter().chain(exit.iter())
                } else {
                    [].iter().chain(exit.iter())
                };
                for target in targets {
                    if edges
                        .iter()
                        .any(|x: &Edge| *x.target_context == *target.value && x.pos == p.app_pos)
                    {
                        continue;
                    }
                    edges.push(Edge {
                        from: c.name.clone(),
                        kind: EdgeKind::Voicemail,
                        target_context: target.value.clone(),
                        target_exten: None,
                        dynamic: target.value.contains("${"),
                        exten: Some(e.name.clone()),
                        pos: p.app_pos,
                    });
                }
            }
        }
        // The context's edges were allocated at their exact length: grow them once.
        c.edges.reserve_exact(edges.len());
        c.edges.extend(edges);
    }
}

/// Interpret extensions.conf.
pub fn build(file_index: usize, file: &ConfigFile) -> Dialplan {
    super::dialplan_build::build(file_index, file)
}
