//! Reachability: from every untrusted entry point through the dialplan to the `Dial`s that cost
//! money.
//!
//! Nodes are either a whole context (`Ctx`: the caller picks the extension — an entry point or
//! an `include`) or one extension of a context (`Exten`: a `Goto(ctx,100,1)` lands on `100`
//! only, and `${EXTEN}` is then that literal). Edges are the model's edges (include, Goto*,
//! Gosub*, Macro, `Dial(Local/…)`, DISA, …). One multi-source BFS from all entries discovers the
//! reachable subgraph and a shortest path to every node; one reverse BFS per money class over
//! that subgraph gives every node its next hop toward the nearest money `Dial`. Both are linear
//! in nodes + edges; per-extension indexes keep `Exten` nodes from rescanning contexts.

pub use super::entries::{Entry, EntryKind};

use super::path::{PathStep, dial_step, line_step};
use super::trunks::{Trunks, find_trunks, money_trunk};
use crate::asterisk::fast_hash::FastMap;
use crate::asterisk::model::Pbx;
use crate::asterisk::model::dialplan::{Context, DialTarget, EdgeKind};
use crate::asterisk::source::Pos;
use crate::twilio::TwilioRanges;
use std::collections::{HashMap, HashSet, VecDeque};

/// How much a money `Dial` can cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Money {
    /// A fixed number through a trunk.
    Bounded,
    /// A number the caller chooses.
    Unbounded,
}

/// One `Dial` toward a trunk.
#[derive(Clone, Debug)]
pub struct MoneyDial {
    pub pos: Pos,
    /// The context the `Dial` is in.
    pub context: String,
    pub money: Money,
    pub trunk: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum NodeKey {
    Ctx(usize),
    Exten(usize, u32),
}

/// How a node was entered: from an entry, or along edge `edge` of context `ctx`.
#[derive(Clone, Copy, Debug)]
enum Via {
    Entry(usize),
    Edge {
        ctx: usize,
        edge: usize,
    },
    /// `Background`/`WaitExten` in an extension: the caller may now dial any extension of the
    /// context (and its includes).
    Prompt(Pos),
}

/// The result of the analysis.
pub struct Reach {
    pub entries: Vec<Entry>,
    entry_ids: HashMap<(EntryKind, String), usize>,
    /// Peers and endpoints that are trunks.
    trunks: Trunks,
    parent: Vec<Option<(usize, Via)>>,
    /// Money dials per node (indices into `dials`).
    node_dials: Vec<Vec<usize>>,
    dials: Vec<MoneyDial>,
    /// Next hop toward the nearest money dial, per class.
    next_unbounded: Vec<Option<Hop>>,
    next_any: Vec<Option<Hop>>,
    entry_node: Vec<usize>,
    /// Nodes in the sample `demo` context.
    demo_nodes: Vec<usize>,
}

#[derive(Clone, Copy, Debug)]
enum Hop {
    Dial(usize),
    Edge { to: usize, via: Via },
}

/// The result of following an entry to money.
pub struct MoneyPath {
    pub money: Money,
    pub dial: MoneyDial,
    pub path: Vec<PathStep>,
}

impl MoneyPath {
    /// "reaches a trunk `Dial` to `SIP/atapstn` with a fixed number" (for messages).
    pub fn describe(&self) -> String {
        let how = match self.money {
            Money::Unbounded => "with a number the caller chooses",
            Money::Bounded => "with a fixed number",
        };
        format!("reaches a trunk `Dial` to `{}` {how}", self.dial.trunk)
    }
}

/// A dialplan location reached from an entry, with the path.
pub struct Reached {
    pub entry: usize,
    pub path: Vec<PathStep>,
}

struct Index<'a> {
    pbx: &'a Pbx,
    /// The indexes of the contexts the search has visited, built on the first visit: entries
    /// reach a few dozen of a provider's 77,000 contexts, and indexing them all was a tenth of
    /// a large audit's peak memory.
    contexts: FastMap<usize, ContextIndex<'a>>,
    /// Interned literal extension names used as Goto targets.
    exten_names: Vec<String>,
    exten_ids: HashMap<String, u32>,
}

/// One context's extension name → edge indices / dial indices / indices into `extensions` (one
/// name may have several entries, e.g. caller-id variants), and the indices of its patterns.
struct ContextIndex<'a> {
    edges: ByName<'a>,
    dials: ByName<'a>,
    exts: ByName<'a>,
    patterns: Vec<usize>,
}

impl<'a> ContextIndex<'a> {
    fn new(c: &'a Context) -> Self {
        ContextIndex {
            edges: ByName::new(c.edges.iter().map(|e| e.exten.as_deref())),
            dials: ByName::new(c.dials.iter().map(|d| Some(d.exten.as_str()))),
            exts: ByName::new(c.extensions.iter().map(|e| Some(e.name.as_str()))),
            patterns: c
                .extensions
                .iter()
                .enumerate()
                .filter(|(_, e)| e.is_pattern)
                .map(|(i, _)| i)
                .collect(),
        }
    }
}

/// Per context: name → the indices of the items with that name, in item order. A sorted
/// Vec rather than a map: tens of thousands of contexts hold a handful of names each, and one
/// small allocation per context is what keeps a provider-scale dialplan cheap.
struct ByName<'a>(Vec<(&'a str, usize)>);

impl<'a> ByName<'a> {
    /// Index the named items (`None`: an item without a name, not indexed).
    fn new(names: impl Iterator<Item = Option<&'a str>>) -> Self {
        let mut v: Vec<(&'a str, usize)> = names
            .enumerate()
            .filter_map(|(i, n)| n.map(|n| (n, i)))
            .collect();
        // Stable: indices of one name stay in item order.
        v.sort_by(|a, b| a.0.cmp(b.0));
        ByName(v)
    }

    fn range(&self, name: &str) -> &[(&'a str, usize)] {
        let start = self.0.partition_point(|(n, _)| *n < name);
        let len = self.0[start..].partition_point(|(n, _)| *n == name);
        &self.0[start..start + len]
    }

    /// The indices of the items named `name`, in item order.
    fn get(&self, name: &str) -> impl Iterator<Item = usize> + '_ {
        self.range(name).iter().map(|&(_, i)| i)
    }

    /// The indexed name equal to `name`, when there is one.
    fn key(&self, name: &str) -> Option<&'a str> {
        self.range(name).first().map(|&(n, _)| n)
    }
}

impl<'a> Index<'a> {
    fn new(pbx: &'a Pbx) -> Self {
        Index {
            pbx,
            contexts: FastMap::default(),
            exten_names: Vec::new(),
            exten_ids: HashMap::new(),
        }
    }

    /// The context named `name` (the first of that name).
    fn by_name(&self, name: &str) -> Option<usize> {
        self.pbx.dialplan.context_index(name)
    }

    /// Index context `c`, if it is not yet: before any other use of it.
    fn visit(&mut self, c: usize) {
        let pbx = self.pbx;
        self.contexts
            .entry(c)
            .or_insert_with(|| ContextIndex::new(&pbx.dialplan.contexts[c]));
    }

    /// The index of a visited context.
    fn of(&self, c: usize) -> &ContextIndex<'a> {
        &self.contexts[&c]
    }

    fn ctx(&self, i: usize) -> &'a Context {
        &self.pbx.dialplan.contexts[i]
    }

    fn intern(&mut self, exten: &str) -> u32 {
        if let Some(&id) = self.exten_ids.get(exten) {
            return id;
        }
        let id = self.exten_names.len() as u32;
        self.exten_names.push(exten.to_string());
        self.exten_ids.insert(exten.to_string(), id);
        id
    }

    /// The extension names of context `c` a dialled `exten` lands on (exact first, else every
    /// matching pattern: an over-approximation of Asterisk's "best match").
    fn landing(&self, c: usize, exten: &str) -> Vec<&'a str> {
        let ctx = self.ctx(c);
        let index = self.of(c);
        if let Some(name) = index.exts.key(exten) {
            return vec![name];
        }
        index
            .patterns
            .iter()
            .map(|&i| &ctx.extensions[i])
            .filter(|e| crate::asterisk::pattern::matches(&e.name, exten))
            .map(|e| e.name.as_str())
            .collect()
    }
}

/// Whether an extension text is a literal the caller cannot influence.
fn is_literal_exten(x: &str) -> bool {
    !x.is_empty() && !x.contains("${") && !x.starts_with('_')
}

impl Reach {
    pub fn compute(pbx: &Pbx, twilio: &TwilioRanges) -> Reach {
        let trunks = find_trunks(pbx);
        let entries = super::entries::find(pbx, twilio, &trunks);
        let mut ix = Index::new(pbx);
        let mut nodes: Vec<NodeKey> = Vec::new();
        let mut ids: HashMap<NodeKey, usize> = HashMap::new();
        let mut parent: Vec<Option<(usize, Via)>> = Vec::new();
        let mut adj: Vec<Vec<(usize, Via)>> = Vec::new();
        let mut queue = VecDeque::new();
        let mut entry_node = Vec::with_capacity(entries.len());

        let mut add = |key: NodeKey,
                       from: Option<(usize, Via)>,
                       nodes: &mut Vec<NodeKey>,
                       parent: &mut Vec<Option<(usize, Via)>>,
                       adj: &mut Vec<Vec<(usize, Via)>>,
                       queue: &mut VecDeque<usize>|
         -> usize {
            if let Some(&id) = ids.get(&key) {
                return id;
            }
            let id = nodes.len();
            ids.insert(key, id);
            nodes.push(key);
            parent.push(from);
            adj.push(Vec::new());
            queue.push_back(id);
            id
        };

        for e in &entries {
            let id = match ix.by_name(e.context.as_str()) {
                Some(c) => add(
                    NodeKey::Ctx(c),
                    None,
                    &mut nodes,
                    &mut parent,
                    &mut adj,
                    &mut queue,
                ),
                None => usize::MAX,
            };
            entry_node.push(id);
        }
        // Entries are their own roots; remember which entry discovered each root.
        for (i, &n) in entry_node.iter().enumerate() {
            if n != usize::MAX && parent[n].is_none() {
                parent[n] = Some((usize::MAX, Via::Entry(i)));
            }
        }

        while let Some(n) = queue.pop_front() {
            let (NodeKey::Ctx(c) | NodeKey::Exten(c, _)) = nodes[n];
            ix.visit(c);
            let (c, ext_names): (usize, Option<Vec<&str>>) = match nodes[n] {
                NodeKey::Ctx(c) => (c, None),
                NodeKey::Exten(c, x) => {
                    let name = ix.exten_names[x as usize].clone();
                    (c, Some(ix.landing(c, &name)))
                }
            };
            let ctx = ix.ctx(c);
            let edge_ids: Vec<usize> = match &ext_names {
                None => (0..ctx.edges.len()).collect(),
                Some(names) if names.is_empty() => {
                    // Not found here: Asterisk looks in the included contexts.
                    ctx.edges
                        .iter()
                        .enumerate()
                        .filter(|(_, e)| e.kind == EdgeKind::Include)
                        .map(|(i, _)| i)
                        .collect()
                }
                Some(names) => names.iter().flat_map(|x| ix.of(c).edges.get(x)).collect(),
            };
            if let Some(names) = &ext_names {
                let prompt = names
                    .iter()
                    .flat_map(|x| ix.of(c).exts.get(x))
                    .flat_map(|i| ctx.extensions[i].priorities.iter())
                    .find(|p| {
                        ["background", "waitexten"]
                            .iter()
                            .any(|a| p.app.eq_ignore_ascii_case(a))
                    });
                if let Some(p) = prompt {
                    let via = Via::Prompt(p.pos);
                    let to = add(
                        NodeKey::Ctx(c),
                        Some((n, via)),
                        &mut nodes,
                        &mut parent,
                        &mut adj,
                        &mut queue,
                    );
                    adj[n].push((to, via));
                }
            }
            for ei in edge_ids {
                let edge = &ctx.edges[ei];
                if edge.dynamic && edge.target_context.contains("${") {
                    continue;
                }
                let Some(t) = ix.by_name(edge.target_context.as_str()) else {
                    continue;
                };
                let key = match (&ext_names, edge.kind, edge.target_exten.as_deref()) {
                    // An include inside an Exten lookup keeps looking for the same extension.
                    (Some(_), EdgeKind::Include, _) => match nodes[n] {
                        NodeKey::Exten(_, x) => NodeKey::Exten(t, x),
                        NodeKey::Ctx(_) => NodeKey::Ctx(t),
                    },
                    (_, EdgeKind::Include, _) => NodeKey::Ctx(t),
                    (_, _, Some(x)) if is_literal_exten(x) => NodeKey::Exten(t, ix.intern(x)),
                    // Macro enters `s`; DISA/voicemail hand the caller a dial tone in the target.
                    (_, EdgeKind::Macro, None) => NodeKey::Exten(t, ix.intern("s")),
                    _ => NodeKey::Ctx(t),
                };
                let via = Via::Edge { ctx: c, edge: ei };
                let to = add(
                    key,
                    Some((n, via)),
                    &mut nodes,
                    &mut parent,
                    &mut adj,
                    &mut queue,
                );
                adj[n].push((to, via));
            }
        }

        // Money dials per node.
        let mut dials: Vec<MoneyDial> = Vec::new();
        let mut dial_ids: HashMap<(usize, usize, bool), usize> = HashMap::new();
        let mut node_dials = vec![Vec::new(); nodes.len()];
        for (n, key) in nodes.iter().enumerate() {
            let (c, literal) = match *key {
                NodeKey::Ctx(c) => (c, None),
                NodeKey::Exten(c, x) => (c, Some(x)),
            };
            let ctx = ix.ctx(c);
            let dial_ids_here: Vec<usize> = match literal {
                None => (0..ctx.dials.len()).collect(),
                Some(x) => {
                    let name = ix.exten_names[x as usize].clone();
                    ix.landing(c, &name)
                        .iter()
                        .flat_map(|e| ix.of(c).dials.get(e))
                        .collect()
                }
            };
            for di in dial_ids_here {
                let d = &ctx.dials[di];
                let Some(trunk) = money_trunk(d, &trunks) else {
                    continue;
                };
                let money = if d.caller_controlled && !(literal.is_some() && only_exten(d)) {
                    Money::Unbounded
                } else {
                    Money::Bounded
                };
                let key = (c, di, money == Money::Unbounded);
                let id = *dial_ids.entry(key).or_insert_with(|| {
                    dials.push(MoneyDial {
                        pos: d.pos,
                        context: ctx.name.to_string(),
                        money,
                        trunk,
                    });
                    dials.len() - 1
                });
                node_dials[n].push(id);
            }
        }

        let next_unbounded = reverse_bfs(&adj, &node_dials, &dials, Money::Unbounded);
        let next_any = reverse_bfs(&adj, &node_dials, &dials, Money::Bounded);
        let demo_nodes = nodes
            .iter()
            .enumerate()
            .filter(|(_, k)| {
                let (NodeKey::Ctx(c) | NodeKey::Exten(c, _)) = **k;
                ix.ctx(c).name.eq_ignore_ascii_case("demo")
            })
            .map(|(i, _)| i)
            .collect();
        let mut entry_ids = HashMap::with_capacity(entries.len());
        for (i, e) in entries.iter().enumerate() {
            entry_ids.entry((e.kind, e.source.clone())).or_insert(i);
        }
        Reach {
            entries,
            entry_ids,
            trunks,
            parent,
            node_dials,
            dials,
            next_unbounded,
            next_any,
            entry_node,
            demo_nodes,
        }
    }

    /// The entry of this kind and source (a peer, endpoint, `general`, `astqueue`).
    pub fn entry_index(&self, kind: EntryKind, source: &str) -> Option<usize> {
        self.entry_ids.get(&(kind, source.to_string())).copied()
    }

    /// The money the entry of this kind and source reaches, if any (`min` class or worse).
    pub fn money_of(
        &self,
        pbx: &Pbx,
        kind: EntryKind,
        source: &str,
        min: Money,
    ) -> Option<MoneyPath> {
        let i = self.entry_index(kind, source)?;
        self.entry_money(pbx, i, min)
    }

    /// Whether `tech/name` (e.g. `sip/atapstn`) is a trunk.
    pub fn is_trunk(&self, tech: &str, name: &str) -> bool {
        self.trunks.contains(tech, name)
    }

    /// Every money dial with caller-chosen digits reachable from an entry, with the shortest
    /// path from the entry that discovered it. One per dial.
    pub fn unbounded_dials(&self, pbx: &Pbx) -> Vec<(MoneyDial, Reached)> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for (n, ds) in self.node_dials.iter().enumerate() {
            for &d in ds {
                let dial = &self.dials[d];
                if dial.money != Money::Unbounded || !seen.insert(d) {
                    continue;
                }
                let mut reached = self.path_to_node(pbx, n);
                reached.path.push(dial_step(pbx, dial.pos));
                out.push((dial.clone(), reached));
            }
        }
        out
    }

    /// For entry `i`: the nearest money dial of class `min` or worse, with the path (a node
    /// with both kinds of dial reports the unbounded one).
    pub fn entry_money(&self, pbx: &Pbx, i: usize, min: Money) -> Option<MoneyPath> {
        let n = *self.entry_node.get(i)?;
        if n == usize::MAX {
            return None;
        }
        let next = if min == Money::Unbounded {
            &self.next_unbounded
        } else {
            &self.next_any
        };
        let mut path = vec![self.entries[i].step.clone()];
        let mut cur = n;
        // Each hop strictly decreases the distance to money: the walk ends.
        loop {
            match next[cur]? {
                Hop::Dial(d) => {
                    let dial = self.dials[d].clone();
                    path.push(dial_step(pbx, dial.pos));
                    return Some(MoneyPath {
                        money: dial.money,
                        dial,
                        path,
                    });
                }
                Hop::Edge { to, via } => {
                    path.push(self.via_step(pbx, via));
                    cur = to;
                }
            }
        }
    }

    /// Nodes of the `demo` context reached, with a path each.
    pub fn demo_reached(&self, pbx: &Pbx) -> Vec<Reached> {
        self.demo_nodes
            .iter()
            .map(|&n| self.path_to_node(pbx, n))
            .collect()
    }

    fn path_to_node(&self, pbx: &Pbx, n: usize) -> Reached {
        let mut steps = Vec::new();
        let mut cur = n;
        let mut entry = 0;
        while let Some((prev, via)) = self.parent[cur] {
            match via {
                Via::Entry(i) => {
                    entry = i;
                    steps.push(self.entries[i].step.clone());
                    break;
                }
                Via::Edge { .. } | Via::Prompt(_) => steps.push(self.via_step(pbx, via)),
            }
            cur = prev;
        }
        steps.reverse();
        Reached { entry, path: steps }
    }

    fn via_step(&self, pbx: &Pbx, via: Via) -> PathStep {
        match via {
            Via::Entry(i) => self.entries[i].step.clone(),
            Via::Edge { ctx, edge } => {
                let e = &pbx.dialplan.contexts[ctx].edges[edge];
                line_step(pbx, e.pos, None)
            }
            Via::Prompt(pos) => line_step(pbx, pos, None),
        }
    }
}

fn reverse_bfs(
    adj: &[Vec<(usize, Via)>],
    node_dials: &[Vec<usize>],
    dials: &[MoneyDial],
    min: Money,
) -> Vec<Option<Hop>> {
    let mut radj: Vec<Vec<(usize, Via)>> = vec![Vec::new(); adj.len()];
    for (from, outs) in adj.iter().enumerate() {
        for &(to, via) in outs {
            radj[to].push((from, via));
        }
    }
    let mut next: Vec<Option<Hop>> = vec![None; adj.len()];
    let mut queue = VecDeque::new();
    for (n, ds) in node_dials.iter().enumerate() {
        // Prefer an unbounded dial where a node has both.
        if let Some(&d) = ds
            .iter()
            .filter(|&&d| dials[d].money >= min)
            .max_by_key(|&&d| dials[d].money)
        {
            next[n] = Some(Hop::Dial(d));
            queue.push_back(n);
        }
    }
    while let Some(n) = queue.pop_front() {
        for &(from, via) in &radj[n] {
            if next[from].is_none() {
                next[from] = Some(Hop::Edge { to: n, via });
                queue.push_back(from);
            }
        }
    }
    next
}

/// The taint lattice says the only caller data in the dial string is this extension's
/// `${EXTEN}` (so landing on a literal extension fixes it).
fn only_exten(d: &DialTarget) -> bool {
    d.sources.exten_only()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asterisk::{ModelOptions, build_model, load_texts};

    fn pbx(sip: &str, extensions: String) -> Pbx {
        let files = vec![
            ("sip.conf".to_string(), sip.as_bytes().to_vec()),
            ("extensions.conf".to_string(), extensions.into_bytes()),
        ];
        build_model(load_texts("mem", files), &ModelOptions::default())
    }

    #[test]
    fn a_long_include_chain_is_followed_to_the_dial_in_linear_time() {
        // 20,000 contexts, each including the next, and a back edge to the start (a cycle).
        let n = 20_000;
        let mut ext = String::new();
        for i in 0..n {
            ext.push_str(&format!("[c{i}]\ninclude => c{}\ninclude => c0\n", i + 1));
        }
        ext.push_str(&format!(
            "[c{n}]\nexten => _X.,1,Dial(SIP/${{EXTEN}}@trunk)\n"
        ));
        let p = pbx(
            "[general]\ncontext=c0\n\n[trunk]\ntype=peer\nhost=203.0.113.5\n",
            ext,
        );
        let reach = Reach::compute(&p, &TwilioRanges::embedded());
        let dials = reach.unbounded_dials(&p);
        assert_eq!(dials.len(), 1);
        // Entry step, n includes, the Dial.
        assert_eq!(dials[0].1.path.len(), n + 2);
        let guest = reach
            .entries
            .iter()
            .position(|e| e.kind == EntryKind::Guest)
            .unwrap();
        let money = reach.entry_money(&p, guest, Money::Unbounded).unwrap();
        assert_eq!(money.path.len(), n + 2);
        assert_eq!(money.dial.trunk, "SIP/trunk");
    }

    #[test]
    fn goto_to_a_literal_extension_fixes_exten_and_bounds_the_cost() {
        let ext = "[public]\nexten => _X.,1,Goto(out,5551234,1)\n\n[out]\nexten => _X.,1,Dial(SIP/${EXTEN}@trunk)\n".to_string();
        let p = pbx(
            "[general]\ncontext=public\n\n[trunk]\ntype=peer\nhost=203.0.113.5\n",
            ext,
        );
        let reach = Reach::compute(&p, &TwilioRanges::embedded());
        assert!(reach.unbounded_dials(&p).is_empty());
        let money = reach.entry_money(&p, 0, Money::Bounded).unwrap();
        assert_eq!(money.money, Money::Bounded);
    }

    #[test]
    fn a_literal_landing_does_not_fix_subroutine_arguments() {
        // `Goto(out,5551234,1)` fixes `${EXTEN}` in [out], but not what a wide pattern passed
        // to the macro as `${ARG1}`: the lattice, not the text, says so.
        let ext = "[public]\nexten => _X.,1,Set(N=${EXTEN})\n same => n,Goto(out,5551234,1)\n\
                   exten => _9.,1,Macro(dial,${EXTEN:1})\n\
                   [out]\nexten => _X.,1,Dial(SIP/${EXTEN}@trunk)\n\
                   [macro-dial]\nexten => s,1,Dial(SIP/trunk/${ARG1})\n"
            .to_string();
        let p = pbx(
            "[general]\ncontext=public\n\n[trunk]\ntype=peer\nhost=203.0.113.5\n",
            ext,
        );
        let reach = Reach::compute(&p, &TwilioRanges::embedded());
        let unbounded = reach.unbounded_dials(&p);
        assert_eq!(unbounded.len(), 1);
        assert_eq!(unbounded[0].0.context, "macro-dial");
    }

    #[test]
    fn local_phones_are_not_money() {
        let ext = "[public]\nexten => _X.,1,Dial(SIP/${EXTEN})\n".to_string();
        let p = pbx(
            "[general]\ncontext=public\n\n[101]\ntype=friend\nhost=dynamic\nsecret=x\n",
            ext,
        );
        let reach = Reach::compute(&p, &TwilioRanges::embedded());
        assert!(reach.entry_money(&p, 0, Money::Bounded).is_none());
    }
}
