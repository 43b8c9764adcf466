//! One chan_sip peer, user or friend → its pjsip endpoint, auths, aor and identify.
//!
//! Only what chan_sip loads is migrated: templates are invisible (their lines reach the peers
//! that inherit them), a section without a valid first `type` is skipped ("Section '%s' lacks
//! type"), a peer with a bad ACL line is deleted by chan_sip and is not migrated either. The
//! `[general]` defaults of a peer (`SIP_FLAGS_TO_COPY`, `set_peer_defaults`) are written into
//! its endpoint: pjsip has no general section to inherit from.

use super::acl::{List, Verdict, verdict};
use super::general::{General, parse_qualify, realm_auth, row_index, sanitize_name};
use super::pjsip::Object;
use super::report::{Outcome, Severity, Target};
use super::table::{self, Concern, Handler, Object as TableObject, Place, ROWS};
use super::values::{
    CodecList, Host, TEXT_FORMATS, VIDEO_FORMATS, leading_int, uri_host, uri_user,
};
use super::{Cx, Peers};
use crate::asterisk::Text;
use crate::asterisk::fast_hash::FastMap;
use crate::asterisk::model::values::{ast_false, ast_true};
use crate::asterisk::source::Pos;
use crate::asterisk::syntax::{Section, Variable};
use std::borrow::Cow;

/// What the rest of the migration needs to know about a migrated peer.
#[derive(Clone, Debug)]
pub(crate) struct Converted {
    /// The chan_sip name = the endpoint's name.
    pub name: String,
    /// A usable static host (registrations through this peer go there).
    pub static_host: Option<Host>,
    pub port: Option<u16>,
    /// The endpoint's outbound_proxy URI.
    pub outbound_proxy: Option<String>,
}

/// A peer being converted: its lines (inherited first, as config.c copies them) and where
/// each went.
struct P<'a> {
    name: String,
    /// The name, shared by every report entry about the peer.
    name_text: Text,
    pos: Pos,
    group: Option<String>,
    vars: Vec<&'a Variable>,
    /// The template each line was inherited from (`None`: the section's own line).
    bases: Vec<Option<&'a Text>>,
    reported: Vec<bool>,
    /// Indices into `vars`, per row of the table.
    rows: Rows,
    head: Vec<(&'static str, Cow<'static, str>)>,
    tail: Vec<(&'static str, Cow<'static, str>)>,
    aor: Option<Object>,
    objects: Vec<Object>,
    dynamic: bool,
    is_peer: bool,
    is_user: bool,
}

impl<'a> P<'a> {
    /// The peer's own lines of a row (inherited included), as indices.
    fn own(&self, row: usize) -> &[usize] {
        self.rows.get(row)
    }

    /// The peer's lines named `names`, all options of table row `row` (as indices, in order):
    /// the row's lines were sorted out once, so a few of them are compared, not every line.
    fn own_named(&self, row: usize, names: &[&str]) -> Vec<usize> {
        // Every line of these names is in the row only if the row is the peer's.
        debug_assert!(
            ROWS[row].scope.covers(Place::Peer) && names.iter().all(|n| row_of(n) == row),
            "{names:?}"
        );
        self.own(row)
            .iter()
            .copied()
            .filter(|&i| {
                names
                    .iter()
                    .any(|n| self.vars[i].name.eq_ignore_ascii_case(n))
            })
            .collect()
    }

    /// The last line (own, else `[general]`'s) of a row.
    fn effective<'g>(&self, g: &'g General<'a>, row: usize) -> Option<Line<'a>> {
        if let Some(&i) = self.own(row).last() {
            return Some(Line::Own(i, self.vars[i]));
        }
        g.defaults_of(row).last().map(|v| Line::General(v))
    }

    fn set(&mut self, option: &'static str, value: impl Into<Cow<'static, str>>) {
        self.tail.push((option, value.into()));
    }

    fn target(&self, option: &'static str, value: Option<&str>) -> Target {
        Target::pjsip(&self.name_text, "endpoint", option, value)
    }

    fn aor_target(&self, option: &'static str, value: Option<&str>) -> Target {
        Target::pjsip(&self.name_text, "aor", option, value)
    }

    fn report(
        &mut self,
        cx: &mut Cx<'_>,
        i: usize,
        severity: Severity,
        targets: Vec<Target>,
        message: impl Into<Cow<'static, str>>,
    ) {
        if self.reported[i] {
            return;
        }
        self.reported[i] = true;
        let outcome = if targets.is_empty() {
            Outcome::Dropped
        } else {
            Outcome::Mapped
        };
        match self.bases[i] {
            Some(base) => cx.inherited_entry(
                severity,
                outcome,
                self.vars[i],
                &self.name,
                base,
                targets,
                message.into(),
            ),
            None => cx.push(
                severity,
                outcome,
                Some(self.vars[i]),
                Some(&self.name),
                targets,
                message.into(),
            ),
        }
    }

    /// Report every earlier line of a last-one-wins option as overridden.
    fn overridden(&mut self, cx: &mut Cx<'_>, lines: &[usize]) {
        if let Some((&last, earlier)) = lines.split_last() {
            let line = self.vars[last].pos.line;
            for &i in earlier {
                self.report(
                    cx,
                    i,
                    Severity::Note,
                    Vec::new(),
                    format!("overridden by line {line} (the last one counts)"),
                );
            }
        }
    }
}

/// A peer's lines by table row: two vectors sorted by (row, line), not a map of vectors (a
/// dozen allocations per peer).
#[derive(Default)]
struct Rows {
    /// The row of each entry of `lines`.
    rows: Vec<usize>,
    /// Indices into the peer's lines, by row, in file order within a row.
    lines: Vec<usize>,
}

impl Rows {
    /// `(row, line)` pairs in any order.
    fn new(mut pairs: Vec<(usize, usize)>) -> Rows {
        pairs.sort_unstable();
        Rows {
            rows: pairs.iter().map(|&(r, _)| r).collect(),
            lines: pairs.iter().map(|&(_, i)| i).collect(),
        }
    }

    fn get(&self, row: usize) -> &[usize] {
        let start = self.rows.partition_point(|&r| r < row);
        let end = start + self.rows[start..].partition_point(|&r| r == row);
        &self.lines[start..end]
    }

    /// The rows with lines, each once.
    fn keys(&self) -> impl Iterator<Item = usize> + '_ {
        self.rows
            .iter()
            .enumerate()
            .filter(|&(k, r)| k == 0 || self.rows[k - 1] != *r)
            .map(|(_, &r)| r)
    }
}

/// What the lines peers inherit from templates make, worked out once per line (or set of
/// lines), not once per peer: the same lines of a template for every peer inheriting them
/// (keyed by where the line lies in the file's table, which every copy shares).
#[derive(Default)]
struct Memo {
    /// The table row of an inherited line.
    rows: FastMap<usize, Option<&'static table::Row>>,
    /// The codecs of a peer whose allow/disallow lines are all inherited: (the lines, video,
    /// text).
    codecs: FastMap<(Vec<usize>, bool, bool), CodecOutcome>,
    /// The verdict of a peer's ACL lines when they are all inherited.
    acl_verdicts: FastMap<Vec<usize>, Verdict>,
}

impl Memo {
    fn lookup(&mut self, v: &Variable, inherited: bool) -> Option<&'static table::Row> {
        if !inherited {
            return table::lookup(&v.name, Place::Peer);
        }
        *self
            .rows
            .entry(std::ptr::from_ref(v) as usize)
            .or_insert_with(|| table::lookup(&v.name, Place::Peer))
    }
}

/// A line a peer's setting comes from.
#[derive(Clone, Copy)]
enum Line<'a> {
    Own(usize, &'a Variable),
    General(&'a Variable),
}

impl<'a> Line<'a> {
    fn var(self) -> &'a Variable {
        match self {
            Line::Own(_, v) | Line::General(v) => v,
        }
    }
    fn own(self) -> Option<usize> {
        match self {
            Line::Own(i, _) => Some(i),
            Line::General(_) => None,
        }
    }
}

fn row_of(name: &str) -> usize {
    row_index(table::lookup(name, Place::Peer).expect("a row of the table"))
}

/// [`row_of`] a literal name, looked up once per place it is written (it is asked for several
/// times per peer).
macro_rules! row {
    ($name:literal) => {{
        static ROW: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
        *ROW.get_or_init(|| row_of($name))
    }};
}

/// A peer's lines, each with the template it was inherited from (`None`: its own).
type Lines<'a> = Vec<(&'a Variable, Option<&'a Text>)>;

/// Every peer of sip.conf, in file order.
pub(crate) fn convert_all<'a>(cx: &mut Cx<'a>, g: &General<'a>) -> Peers {
    let sip = cx.sip;
    // Sections with the same name: chan_sip's build_peer finds the peer already built and
    // applies the later section's lines on top of it.
    let sections = sip.sections.len();
    let mut order: Vec<(Text, Pos, Option<String>, Lines<'a>)> = Vec::with_capacity(sections);
    let mut by_name: FastMap<Text, usize> = FastMap::default();
    by_name.reserve(sections);
    for s in sip.live_sections() {
        if s.name.eq_ignore_ascii_case("general") || s.name.eq_ignore_ascii_case("authentication") {
            continue;
        }
        if !loadable(cx, s) {
            continue;
        }
        match by_name.get(s.name.as_str()) {
            Some(&i) => {
                cx.section_entry(
                    Severity::Warning,
                    Outcome::Mapped,
                    s.pos,
                    &s.name,
                    vec![Target::pjsip(&s.name, "endpoint", "", None)],
                    "a second section with this name: chan_sip applies its lines on top of the first, and so does the migration",
                );
                order[i].3.extend(
                    s.variables
                        .entries()
                        .map(|e| (e.variable, e.inherited_from)),
                );
            }
            None => {
                by_name.insert(s.name.clone(), order.len());
                order.push((
                    s.name.clone(),
                    s.pos,
                    s.bases.first().map(Text::to_string),
                    s.variables
                        .entries()
                        .map(|e| (e.variable, e.inherited_from))
                        .collect(),
                ));
            }
        }
    }
    drop(by_name);
    let mut peers = Peers::default();
    peers.dial_names.reserve(order.len());
    peers.endpoints.reserve(order.len());
    // An endpoint, an auth and an aor per peer, mostly, all of the peer's name.
    cx.doc.reserve(order.len() * 3, order.len());
    let two_threads = order.len() >= cx.two_threads_from
        && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    let (first, second) = order.split_at(if two_threads {
        order.len() / 2
    } else {
        order.len()
    });
    // The second half is converted on a thread of its own, into a context of its own, and
    // joined after the first: the same objects, names and entries as one after the other
    // unless the halves met (a name or credentials both made), when the second half is
    // converted again after the first.
    let forked = (!second.is_empty()).then(|| cx.fork(second.len()));
    let (converted, second_half) = std::thread::scope(|scope| {
        let second_half = forked.map(|mut cx2| {
            scope.spawn(move || {
                let converted = convert_run(&mut cx2, g, second);
                (cx2, converted)
            })
        });
        (convert_run(cx, g, first), second_half.map(|h| h.join()))
    });
    let mut converted = converted;
    match second_half {
        Some(Ok((cx2, more))) => {
            if cx.join(cx2) {
                converted.extend(more);
            } else {
                converted.extend(convert_run(cx, g, second));
            }
        }
        Some(Err(panic)) => std::panic::resume_unwind(panic),
        None => {}
    }
    for c in converted {
        peers.dial_names.insert(c.name.clone());
        peers.endpoints.push(c);
    }
    peers
}

/// From how many peers the conversion runs on two threads (below, a thread costs more than it
/// saves).
pub(crate) const TWO_THREADS_FROM: usize = 2000;

/// Convert `peers` in order.
fn convert_run<'a>(
    cx: &mut Cx<'a>,
    g: &General<'a>,
    peers: &[(Text, Pos, Option<String>, Lines<'a>)],
) -> Vec<Converted> {
    let mut memo = Memo::default();
    let mut converted = Vec::with_capacity(peers.len());
    for (name, pos, group, lines) in peers {
        let c = convert(cx, g, &mut memo, name.clone(), *pos, group.clone(), lines);
        converted.extend(c);
    }
    converted
}

/// Whether chan_sip's reload_config builds a peer from this section: its first `type` line
/// (ast_variable_retrieve) must be user, friend or peer.
fn loadable(cx: &mut Cx<'_>, s: &Section) -> bool {
    let first_type = s
        .variables
        .iter()
        .find(|v| v.name.eq_ignore_ascii_case("type"));
    let reason = match first_type {
        None => "chan_sip skips it (\"Section '…' lacks type\"): not migrated".to_string(),
        Some(t)
            if ["user", "friend", "peer"]
                .iter()
                .any(|k| t.value.eq_ignore_ascii_case(k)) =>
        {
            return true;
        }
        Some(t) => format!(
            "chan_sip skips it (\"Unknown type '{}'\"): not migrated",
            t.value
        ),
    };
    let has_credentials = s
        .variables
        .iter()
        .any(|v| v.name.eq_ignore_ascii_case("secret") || v.name.eq_ignore_ascii_case("host"));
    let severity = if has_credentials {
        Severity::Warning
    } else {
        Severity::Note
    };
    let extra = if has_credentials {
        " (it looks like an account, but chan_sip never let anyone use it)"
    } else {
        ""
    };
    cx.section_entry(
        severity,
        Outcome::Skipped,
        s.pos,
        &s.name,
        Vec::new(),
        format!("{reason}{extra}"),
    );
    cx.summary.sections_skipped += 1;
    false
}

fn convert<'a>(
    cx: &mut Cx<'a>,
    g: &General<'a>,
    memo: &mut Memo,
    name: Text,
    pos: Pos,
    group: Option<String>,
    lines: &Lines<'a>,
) -> Option<Converted> {
    let (vars, bases): (Vec<&'a Variable>, Vec<Option<&'a Text>>) = lines.iter().copied().unzip();
    // build_peer deletes the peer on a bad ACL line ("Bad ACL entry in configuration line %d :
    // %s. Deleting peer"); chan_sip never loads it.
    for &v in &vars {
        let is = |names: &[&str]| names.iter().any(|n| v.name.eq_ignore_ascii_case(n));
        let permit = if is(&["permit", "contactpermit", "directmediapermit"]) {
            true
        } else if is(&["deny", "contactdeny", "directmediadeny"]) {
            false
        } else {
            continue;
        };
        if v.value.is_empty() && !is(&["directmediapermit", "directmediadeny"]) {
            continue;
        }
        if let Err(entry) = cx.acl_values.check(v.value.as_str(), permit) {
            cx.entry(
                Severity::Warning,
                Outcome::Skipped,
                Some(v),
                Some(&name),
                Vec::new(),
                format!(
                    "`{entry}` is not an address or network: chan_sip deletes the whole peer (\"Bad ACL entry … Deleting peer\"), so it is not migrated"
                ),
            );
            cx.summary.sections_skipped += 1;
            return None;
        }
    }
    if name.contains(',') {
        cx.section_entry(
            Severity::Action,
            Outcome::Skipped,
            pos,
            &name,
            Vec::new(),
            "a name with a comma cannot be a pjsip object (aors=, auth= are comma lists): rename the peer and migrate again",
        );
        cx.summary.peers_loaded += 1;
        return None;
    }
    cx.summary.peers_loaded += 1;
    let mut rows: Vec<(usize, usize)> = Vec::with_capacity(vars.len());
    let mut p = P {
        name: name.to_string(),
        name_text: name,
        pos,
        group,
        reported: vec![false; vars.len()],
        vars,
        bases,
        rows: Rows::default(),
        head: Vec::new(),
        tail: Vec::new(),
        aor: None,
        objects: Vec::new(),
        dynamic: false,
        is_peer: false,
        is_user: false,
    };
    for i in 0..p.vars.len() {
        let v = p.vars[i];
        match memo.lookup(v, p.bases[i].is_some()) {
            None => p.report(
                cx,
                i,
                Severity::Note,
                Vec::new(),
                "not a chan_sip option: chan_sip ignores it",
            ),
            Some(row) if !row.scope.covers(Place::Peer) => p.report(
                cx,
                i,
                Severity::Note,
                Vec::new(),
                "a [general] option: chan_sip ignores it in a peer",
            ),
            Some(row) => rows.push((row_index(row), i)),
        }
    }
    p.rows = Rows::new(rows);
    if cx.doc.has("endpoint", &p.name) {
        cx.section_entry(
            Severity::Action,
            Outcome::Skipped,
            p.pos,
            &p.name,
            Vec::new(),
            "another peer has the same name in another letter case: pjsip cannot tell them apart; rename one and migrate again",
        );
        return None;
    }

    context(cx, g, &mut p);
    let mut converted = identity(cx, g, &mut p);
    // The rows with something to do: the peer's own lines, [general]'s defaults, and the
    // concerns that write chan_sip's defaults when nothing is set (codecs, nat, transport).
    let mut visit: Vec<usize> = p
        .rows
        .keys()
        .chain(g.active_rows().iter().copied())
        .chain([row!("allow"), row!("nat"), row!("transport")])
        .chain((!g.contact_acl().is_empty()).then(|| row!("contactpermit")))
        .collect();
    visit.sort_unstable();
    visit.dedup();
    for i in visit {
        let row = &ROWS[i];
        match row.handler {
            Handler::Simple { .. } => simple(cx, g, &mut p, i),
            Handler::Drop(sev, reason) => {
                for j in p.own(i).to_vec() {
                    p.report(cx, j, sev, Vec::new(), reason);
                }
            }
            Handler::Concern(c) => match c {
                Concern::Acl => signalling_acl(cx, g, &mut p, memo),
                Concern::ContactAcl => contact_acl(cx, g, &mut p),
                Concern::Nat => nat(cx, g, &mut p, i),
                Concern::DirectMedia => direct_media(cx, g, &mut p, i),
                Concern::Codecs if row.names[0] == "allow" => codecs(cx, g, &mut p, memo),
                Concern::Qualify => qualify(cx, g, &mut p),
                Concern::Mailbox => mailbox(cx, &mut p),
                Concern::PeerTransport => transport(cx, g, &mut p, i),
                Concern::CallerId => caller_id(cx, &mut p, i),
                Concern::MediaEncryption => media_encryption(cx, &mut p, i),
                Concern::T38 => t38(cx, g, &mut p, i),
                Concern::OutboundProxy => {
                    converted.outbound_proxy = p.apply_outbound_proxy(cx, g);
                }
                _ => {}
            },
        }
    }
    // Every line has its entry (a line a handler forgot would vanish silently otherwise).
    for i in 0..p.vars.len() {
        if !p.reported[i] {
            p.report(
                cx,
                i,
                Severity::Note,
                Vec::new(),
                "not used by the migration",
            );
        }
    }

    let mut endpoint = Object::new("endpoint", p.name.clone());
    endpoint.options.reserve(p.head.len() + p.tail.len());
    endpoint.comments.push(format!(
        "sip.conf:{} [{}] type={}{}",
        p.pos.line,
        p.name,
        match (p.is_peer, p.is_user) {
            (true, true) => "friend",
            (true, false) => "peer",
            _ => "user",
        },
        if p.dynamic { " host=dynamic" } else { "" }
    ));
    endpoint.group = p.group.clone();
    for (k, v) in p.head.drain(..).chain(p.tail.drain(..)) {
        endpoint.set(k, v);
    }
    cx.doc.push(endpoint);
    cx.summary.endpoints += 1;
    for o in p.objects.drain(..) {
        cx.doc.push(o);
    }
    if let Some(aor) = p.aor.take() {
        cx.doc.push(aor);
    }
    Some(converted)
}

/// `context`: the peer's, else `[general]`'s, else `default` — always written, it is where the
/// peer's calls land.
fn context(cx: &mut Cx<'_>, g: &General<'_>, p: &mut P<'_>) {
    let row = row!("context");
    let lines = p.own(row).to_vec();
    p.overridden(cx, &lines);
    let value = match lines.last() {
        Some(&i) => {
            let v = p.vars[i].value.to_string();
            let t = p.target("context", Some(&v));
            p.report(cx, i, Severity::Mapped, vec![t], "");
            v
        }
        None => g.context.clone(),
    };
    p.head.push(("context", value.into()));
}

/// A one-to-one row: the peer's lines, else `[general]`'s default.
fn simple(cx: &mut Cx<'_>, g: &General<'_>, p: &mut P<'_>, row: usize) {
    let Handler::Simple {
        object,
        option,
        convert,
        multi,
    } = ROWS[row].handler
    else {
        return;
    };
    if option == "context" {
        return;
    }
    let own = p.own(row).to_vec();
    match object {
        TableObject::Global | TableObject::System => {
            for i in own {
                p.report(
                    cx,
                    i,
                    Severity::Note,
                    Vec::new(),
                    format!(
                        "pjsip has only a server-wide {option} ({} section): set it in [general] to migrate it",
                        object.kind()
                    ),
                );
            }
            return;
        }
        TableObject::Aor if p.aor.is_none() => {
            for i in own {
                p.report(cx, i, Severity::Note, Vec::new(), "this peer has no aor");
            }
            return;
        }
        _ => {}
    }
    let lines: Vec<Line> = if own.is_empty() {
        g.defaults_of(row)
            .iter()
            .map(|v| Line::General(v))
            .collect()
    } else {
        own.iter().map(|&i| Line::Own(i, p.vars[i])).collect()
    };
    let lines: Vec<Line> = if multi {
        lines
    } else {
        if let Some((_, earlier)) = lines.split_last() {
            let last_line = lines.last().map(|l| l.var().pos.line).unwrap_or(0);
            for l in earlier {
                if let Some(i) = l.own() {
                    p.report(
                        cx,
                        i,
                        Severity::Note,
                        Vec::new(),
                        format!("overridden by line {last_line} (the last one counts)"),
                    );
                }
            }
        }
        lines.last().copied().into_iter().collect()
    };
    for l in lines {
        let converted = convert.apply(option, &l.var().value);
        let mut targets = Vec::new();
        for (name, value) in &converted.options {
            match object {
                TableObject::Aor => {
                    if let Some(aor) = p.aor.as_mut() {
                        aor.set(name, value.clone());
                    }
                    targets.push(p.aor_target(name, Some(value)));
                }
                _ => {
                    p.set(name, value.clone());
                    targets.push(p.target(name, Some(value)));
                }
            }
        }
        if let Some(i) = l.own() {
            p.report(
                cx,
                i,
                converted.severity,
                targets,
                converted.message.to_string(),
            );
        }
    }
}

/// The flags of chan_sip's `insecure` (set_insecure_flags): split at `,` without trimming,
/// each word exactly `port` or `invite`; a false word clears both.
fn insecure_flags(value: &str) -> (bool, bool, bool) {
    if value.is_empty() || ast_false(value) {
        return (false, false, true);
    }
    let (mut port, mut invite, mut known) = (false, false, true);
    for word in value.split(',') {
        if word.eq_ignore_ascii_case("port") {
            port = true;
        } else if word.eq_ignore_ascii_case("invite") {
            invite = true;
        } else {
            known = false;
        }
    }
    (port, invite, known)
}

/// Who the peer is, how pjsip identifies and authenticates it, and where calls to it go:
/// endpoint `identify_by`/`auth`/`outbound_auth`/`aors`, the auth objects, the aor, the
/// identify. See docs/notes/sip-to-pjsip-mapping.md §2 for chan_sip's matching rules.
fn identity<'a>(cx: &mut Cx<'a>, g: &General<'a>, p: &mut P<'a>) -> Converted {
    let name = p.name.clone();
    // type: friend = both; peer/user OR-ed (build_peer).
    let types = p.own(row!("type")).to_vec();
    for &i in &types {
        let v = &p.vars[i].value;
        if v.eq_ignore_ascii_case("friend") {
            p.is_peer = true;
            p.is_user = true;
        } else if v.eq_ignore_ascii_case("peer") {
            p.is_peer = true;
        } else if v.eq_ignore_ascii_case("user") {
            p.is_user = true;
        }
    }
    let identity_lines = [
        (row!("host"), &["host"][..]),
        (row!("secret"), &["secret"]),
        (row!("md5secret"), &["md5secret"]),
        (row!("remotesecret"), &["remotesecret"]),
        (row!("defaultuser"), &["defaultuser", "username"]),
        (row!("port"), &["port"]),
    ];
    let identity_lines = identity_lines.map(|(row, names)| p.own_named(row, names));
    let [host_i, secret_i, md5_i, remote_i, user_i, port_i] =
        identity_lines.each_ref().map(|lines| lines.last().copied());
    for lines in &identity_lines {
        p.overridden(cx, lines);
    }
    let val = |i: Option<usize>| i.map(|i| p.vars[i].value.to_string()).unwrap_or_default();
    let secret = val(secret_i);
    let md5 = val(md5_i);
    let remote = val(remote_i);
    let defaultuser = val(user_i);
    // insecure: the peer's line, else [general]'s (SIP_INSECURE is in SIP_FLAGS_TO_COPY).
    let insecure_row = row!("insecure");
    let insecure_lines = p.own(insecure_row).to_vec();
    p.overridden(cx, &insecure_lines);
    let insecure = p.effective(g, insecure_row);
    let (ins_port, ins_invite, ins_known) = insecure
        .map(|l| insecure_flags(&l.var().value))
        .unwrap_or((false, false, true));
    let port: Option<u16> = port_i.and_then(|i| {
        leading_int(&p.vars[i].value)
            .filter(|n| (1..=65535).contains(n))
            .map(|n| n as u16)
    });

    // host
    enum HostKind {
        None,
        Dynamic,
        Static(Host),
        Invalid,
    }
    let host = match host_i {
        None => HostKind::None,
        Some(i) if p.vars[i].value.eq_ignore_ascii_case("dynamic") => HostKind::Dynamic,
        Some(i) => match Host::parse(&p.vars[i].value) {
            Some(h) => HostKind::Static(h),
            None => HostKind::Invalid,
        },
    };
    p.dynamic = p.is_peer && matches!(host, HostKind::Dynamic);
    let static_host = match &host {
        HostKind::Static(h) if p.is_peer => Some(h.clone()),
        _ => None,
    };
    let ip_identified = static_host.as_ref().is_some_and(|h| !h.is_unspecified());

    // Credentials: md5secret wins over secret (check_auth); its length must be an MD5 hex.
    let md5_ok = md5.len() == 32 && md5.bytes().all(|b| b.is_ascii_hexdigit());
    let has_secret = !secret.is_empty() || !md5.is_empty();
    let usable_secret = if !md5.is_empty() {
        md5_ok
    } else {
        !secret.is_empty()
    };
    let inbound_auth = usable_secret && (!ins_invite || p.dynamic);
    let name_matched = p.is_user || p.dynamic;

    // identify_by: a name may identify the endpoint only if it then authenticates.
    let mut identify_by: Vec<&str> = Vec::new();
    if inbound_auth && name_matched {
        identify_by.push("username");
        if g.match_auth_username {
            identify_by.push("auth_username");
        }
    }
    if ip_identified {
        identify_by.push("ip");
    }
    let locked = identify_by.is_empty();
    if locked {
        identify_by.push("ip");
    }
    p.head.push(("identify_by", identify_by.join(",").into()));

    // Inbound auth.
    let mut auth_name: Option<String> = None;
    if inbound_auth {
        let n = cx.doc.unique_name("auth", &name);
        let mut a = Object::new("auth", n.clone());
        a.set("username", name.clone());
        let credential = if !md5.is_empty() {
            a.set("auth_type", "md5");
            a.set("md5_cred", md5.clone());
            a.set("realm", g.realm.clone());
            (name.clone(), md5.clone(), true, g.realm.clone())
        } else {
            a.set("password", secret.clone());
            (name.clone(), secret.clone(), false, String::new())
        };
        // Recorded only when another auth may hold the same credentials: an inbound auth's
        // username is the peer's name, which outbound credentials rarely use.
        if defaultuser == name {
            cx.doc.record_auth(credential, &n);
        }
        p.objects.push(a);
        p.head.push(("auth", n.clone().into()));
        auth_name = Some(n);
    }

    // Outbound auth: the digest username is defaultuser (create_addr_from_peer), the password
    // remotesecret else secret, md5secret if set (build_reply_digest).
    let mut outbound: Vec<String> = Vec::new();
    let out_password = if remote.is_empty() {
        secret.clone()
    } else {
        remote.clone()
    };
    let mut out_auth_name: Option<String> = None;
    if !defaultuser.is_empty() && (!out_password.is_empty() || md5_ok) {
        let same_as_inbound = defaultuser == name && remote.is_empty();
        match (&auth_name, same_as_inbound) {
            (Some(n), true) => outbound.push(n.clone()),
            _ => {
                let hashed = md5_ok && remote.is_empty();
                let credential = if hashed {
                    (defaultuser.clone(), md5.clone(), true, String::new())
                } else {
                    (
                        defaultuser.clone(),
                        out_password.clone(),
                        false,
                        String::new(),
                    )
                };
                let n = match cx.doc.auth_for(&credential) {
                    Some(existing) => existing.to_string(),
                    None => {
                        let n = cx.doc.unique_name("auth", &format!("{name}-out"));
                        let mut a = Object::new("auth", n.clone());
                        a.set("username", defaultuser.clone());
                        if hashed {
                            a.set("auth_type", "md5");
                            a.set("md5_cred", md5.clone());
                        } else {
                            a.set("password", out_password.clone());
                        }
                        cx.doc.record_auth(credential, &n);
                        p.objects.push(a);
                        n
                    }
                };
                outbound.push(n.clone());
                out_auth_name = Some(n);
            }
        }
    }
    // Realm credentials of the peer (`auth=`), then of [authentication].
    let realm_lines = p.own_named(row!("auth"), &["auth"]);
    for i in realm_lines {
        let v = p.vars[i];
        match realm_auth(cx, v, &sanitize_name(&name)) {
            Some((n, mut targets)) => {
                targets.push(p.target("outbound_auth", Some(&n)));
                outbound.push(n);
                p.report(
                    cx,
                    i,
                    Severity::Mapped,
                    targets,
                    "used when that realm challenges calls to this peer",
                );
            }
            None => p.report(
                cx,
                i,
                Severity::Note,
                Vec::new(),
                "not `user:secret@realm` or `user#md5secret@realm`: chan_sip ignores it",
            ),
        }
    }
    outbound.extend(g.realm_auths.iter().cloned());
    if !outbound.is_empty() {
        p.head.push(("outbound_auth", outbound.join(",").into()));
    }

    // aor: a peer can be dialled (a user cannot: create_addr looks up FINDPEERS only).
    let mut contact: Option<String> = None;
    if p.is_peer {
        let mut aor = Object::new("aor", name.clone());
        match &host {
            HostKind::Dynamic => {
                // chan_sip lets a new REGISTER replace the old one; pjsip answers 403 at
                // max_contacts unless remove_existing.
                aor.set("max_contacts", "1");
                aor.set("remove_existing", "yes");
                aor.set("maximum_expiration", g.max_expiry.to_string());
                if g.min_expiry != 60 {
                    aor.set("minimum_expiration", g.min_expiry.to_string());
                }
                aor.set("default_expiration", g.default_expiry.to_string());
            }
            HostKind::Static(h) if !h.is_unspecified() => {
                let user = if defaultuser.is_empty() {
                    String::new()
                } else {
                    format!("{}@", uri_user(&defaultuser))
                };
                let port_text = port.map(|p| format!(":{p}")).unwrap_or_default();
                let c = format!("sip:{user}{}{port_text}", uri_host(h));
                aor.set("contact", c.clone());
                contact = Some(c);
            }
            _ => {}
        }
        p.aor = Some(aor);
        p.head.push(("aors", name.clone().into()));
    }

    // identify: the static host, with the port unless insecure=port (chan_sip's first pass wants
    // address and port; the second ignores the port only for insecure=port on UDP).
    let mut identify_match: Option<String> = None;
    if let Some(h) = static_host.as_ref().filter(|_| ip_identified) {
        let udp_only = transport_list(g, p).iter().all(|t| *t == "udp");
        let strict = !ins_port && udp_only && matches!(h, Host::Ip(_));
        let m = if strict {
            match h {
                Host::Ip(std::net::IpAddr::V6(v6)) => format!("[{v6}]:{}", port.unwrap_or(5060)),
                _ => format!("{}:{}", h.display(), port.unwrap_or(5060)),
            }
        } else {
            h.display()
        };
        let n = cx.doc.unique_name("identify", &name);
        let mut id = Object::new("identify", n);
        id.set("endpoint", name.clone());
        id.set("match", m.clone());
        if matches!(h, Host::Name(_)) && !g.srvlookup {
            id.set("srv_lookups", "no");
        }
        p.objects.push(id);
        identify_match = Some(m);
    }

    // ---- the report for each identity line ----
    let kind = match (p.is_peer, p.is_user) {
        (true, true) => "friend",
        (true, false) => "peer",
        _ => "user",
    };
    let ib = identify_by.join(",");
    for &i in &types {
        let t = vec![p.target("identify_by", Some(&ib))];
        let msg = match (kind, locked) {
            (_, true) if has_secret && !usable_secret => format!(
                "type={kind}: its md5secret is not a 32-digit MD5 hash, so no password could ever match; written without any way in (identify_by=ip, no identify)"
            ),
            (_, true) if name_matched => format!(
                "type={kind} without a secret: chan_sip let anyone in as [{name}] without a password; pjsip would too (an endpoint without auth identified by name), so it is written without any way in (identify_by=ip, no identify). Give it a password (an auth section) to use it again"
            ),
            (_, true) => format!(
                "type={kind} without a usable host: nothing can reach it inbound (as in chan_sip)"
            ),
            ("peer", false) if p.dynamic => "type=peer that registers: chan_sip matched its calls by the address it registered from; pjsip matches a registered device by name, with its password".to_string(),
            ("peer", false) => "type=peer: matched by address only, never by name (check_peer_ok looks names up among users)".to_string(),
            ("user", false) => "type=user: matched by the From user, with its password; it cannot register or be dialled (no aor)".to_string(),
            _ if ip_identified && inbound_auth => "type=friend: matched by name or by address, with its password".to_string(),
            _ if ip_identified => "type=friend: matched by address only — matching by name without a password (which chan_sip allowed here) would let anyone in".to_string(),
            _ => "type=friend: matched by name, with its password".to_string(),
        };
        let sev = if locked && name_matched {
            Severity::Action
        } else if p.is_user && ip_identified && !inbound_auth {
            // chan_sip let anyone who used the name in; that stops (on purpose).
            Severity::Warning
        } else {
            Severity::Mapped
        };
        p.report(cx, i, sev, t, msg);
    }
    if let Some(i) = host_i {
        match &host {
            HostKind::Dynamic if p.is_peer => {
                let t = vec![
                    p.aor_target("max_contacts", Some("1")),
                    p.aor_target("remove_existing", Some("yes")),
                ];
                p.report(
                    cx,
                    i,
                    Severity::Mapped,
                    t,
                    "it registers; a new registration replaces the old one, as in chan_sip",
                );
            }
            HostKind::Dynamic => p.report(
                cx,
                i,
                Severity::Note,
                Vec::new(),
                "a type=user never registers: chan_sip ignores host for it",
            ),
            HostKind::Static(h) if !p.is_peer => {
                let _ = h;
                p.report(
                    cx,
                    i,
                    Severity::Note,
                    Vec::new(),
                    "a type=user is never matched by address: chan_sip ignores host for it",
                )
            }
            HostKind::Static(h) if h.is_unspecified() => p.report(
                cx,
                i,
                Severity::Warning,
                Vec::new(),
                format!(
                    "{} is a placeholder: chan_sip could neither match nor reach this peer by it; no contact and no identify written",
                    h.display()
                ),
            ),
            HostKind::Static(h) => {
                let mut t = Vec::new();
                if let Some(c) = &contact {
                    t.push(p.aor_target("contact", Some(c)));
                }
                if let Some(m) = &identify_match {
                    t.push(Target::pjsip(&name, "identify", "match", Some(m)));
                }
                let msg = if matches!(h, Host::Name(_)) {
                    "a host name: pjsip resolves it when it loads (chan_sip kept it current through dnsmgr)"
                } else {
                    ""
                };
                p.report(cx, i, Severity::Mapped, t, msg);
            }
            HostKind::Invalid => p.report(
                cx,
                i,
                Severity::Action,
                Vec::new(),
                "not an address or host name: chan_sip could not resolve it (\"Unable to lookup\") and never matched or reached the peer by it; no contact and no identify written — put the real address here",
            ),
            HostKind::None => {}
        }
    }
    if let Some(i) = md5_i {
        if inbound_auth && !md5.is_empty() {
            let n = auth_name.clone().unwrap_or_default();
            let t = vec![
                Target::pjsip(&n, "auth", "md5_cred", Some(&md5)),
                Target::pjsip(&n, "auth", "realm", Some(&g.realm)),
            ];
            p.report(
                cx,
                i,
                Severity::Mapped,
                t,
                "the hash includes the realm: the auth's realm is chan_sip's",
            );
        } else if !md5_ok && !md5.is_empty() {
            p.report(
                cx,
                i,
                Severity::Action,
                Vec::new(),
                "not a 32-digit MD5 hash: no password could ever match it; not written",
            );
        } else {
            let t = out_auth_name
                .as_ref()
                .map(|n| vec![Target::pjsip(n, "auth", "md5_cred", Some(&md5))])
                .unwrap_or_default();
            let msg = if t.is_empty() {
                "not needed: the peer is not authenticated inbound (insecure=invite) and has no defaultuser for outbound challenges"
            } else {
                "answers challenges from the peer"
            };
            p.report(
                cx,
                i,
                if t.is_empty() {
                    Severity::Note
                } else {
                    Severity::Mapped
                },
                t,
                msg,
            );
        }
    }
    if let Some(i) = secret_i {
        let mut t = Vec::new();
        if let (Some(n), true) = (&auth_name, md5.is_empty()) {
            t.push(Target::pjsip(n, "auth", "password", Some(&secret)));
        }
        if let Some(n) = &out_auth_name {
            if remote.is_empty() && !md5_ok {
                t.push(Target::pjsip(n, "auth", "password", Some(&secret)));
            }
        } else if let (Some(n), true) = (&auth_name, outbound.first() == auth_name.as_ref()) {
            let _ = n;
        }
        let (sev, msg) = if secret.is_empty() {
            (Severity::Note, "empty: no password".to_string())
        } else if !md5.is_empty() && t.is_empty() {
            (
                Severity::Note,
                "md5secret wins over it (check_auth)".to_string(),
            )
        } else if t.is_empty() && !remote.is_empty() {
            (
                Severity::Note,
                "not needed: the peer is not authenticated inbound (insecure=invite), and remotesecret answers its challenges (build_reply_digest)".to_string(),
            )
        } else if t.is_empty() {
            (
                Severity::Note,
                "not needed: the peer is not authenticated inbound (insecure=invite) and has no defaultuser to answer challenges with".to_string(),
            )
        } else if ins_invite && p.dynamic {
            (
                Severity::Warning,
                "insecure=invite on a registering peer: pjsip authenticates every request of an endpoint with auth, so its calls are now challenged too (its REGISTERs already were)".to_string(),
            )
        } else {
            (Severity::Mapped, String::new())
        };
        p.report(cx, i, sev, t, msg);
    }
    if let Some(i) = remote_i {
        match &out_auth_name {
            Some(n) => {
                let t = vec![Target::pjsip(n, "auth", "password", Some(&remote))];
                p.report(
                    cx,
                    i,
                    Severity::Mapped,
                    t,
                    "answers challenges from the peer",
                );
            }
            None => p.report(
                cx,
                i,
                Severity::Note,
                Vec::new(),
                "no defaultuser: chan_sip could not answer challenges with it either",
            ),
        }
    }
    if let Some(i) = user_i {
        let mut t = Vec::new();
        if let Some(c) = &contact {
            t.push(p.aor_target("contact", Some(c)));
        }
        if let Some(n) = outbound.first().filter(|_| !defaultuser.is_empty()) {
            t.push(Target::pjsip(n, "auth", "username", Some(&defaultuser)));
        }
        let (sev, msg) = if t.is_empty() {
            (
                Severity::Note,
                "only the user part of calls to the registered contact and the digest username in chan_sip; nothing here needs it",
            )
        } else {
            (Severity::Mapped, "")
        };
        p.report(cx, i, sev, t, msg);
    }
    if let Some(i) = port_i {
        let t: Vec<Target> = contact
            .iter()
            .map(|c| p.aor_target("contact", Some(c)))
            .chain(
                identify_match
                    .iter()
                    .filter(|m| m.contains(':') && !m.contains("::"))
                    .map(|m| Target::pjsip(&name, "identify", "match", Some(m))),
            )
            .collect();
        let msg = if t.is_empty() {
            "the port of a static host: this peer has none"
        } else {
            ""
        };
        p.report(
            cx,
            i,
            if t.is_empty() {
                Severity::Note
            } else {
                Severity::Mapped
            },
            t,
            msg,
        );
    }
    for i in insecure_lines {
        let (sev, msg, t) = if !ins_known {
            (
                Severity::Warning,
                "chan_sip warns about an unknown insecure word (\"Unknown insecure mode\") and ignores it".to_string(),
                Vec::new(),
            )
        } else if ins_invite && !p.dynamic && usable_secret && ip_identified {
            (
                Severity::Mapped,
                "insecure=invite: identified by address only (identify_by=ip) and never challenged (no auth)".to_string(),
                vec![p.target("identify_by", Some(&ib))],
            )
        } else if ins_invite && !p.dynamic && p.is_user && usable_secret {
            (
                Severity::Action,
                "insecure=invite on a friend/user without a usable address: chan_sip let anyone who used its name in without a password; it is written without any way in — give it an address or remove insecure=invite".to_string(),
                vec![p.target("identify_by", Some(&ib))],
            )
        } else if ins_invite && p.dynamic {
            (
                Severity::Warning,
                "insecure=invite on a registering peer: kept authenticated (pjsip cannot skip authentication for INVITE alone)".to_string(),
                vec![p.target("auth", auth_name.as_deref())],
            )
        } else if ins_port {
            (
                Severity::Mapped,
                "insecure=port: its address is matched without the port".to_string(),
                identify_match
                    .iter()
                    .map(|m| Target::pjsip(&name, "identify", "match", Some(m)))
                    .collect(),
            )
        } else {
            (Severity::Mapped, String::new(), Vec::new())
        };
        let t = if t.is_empty() && sev == Severity::Mapped {
            vec![p.target("identify_by", Some(&ib))]
        } else {
            t
        };
        p.report(cx, i, sev, t, msg);
    }
    for i in p.own_named(row!("defaultip"), &["defaultip"]) {
        p.report(
            cx,
            i,
            Severity::Note,
            Vec::new(),
            "chan_sip dials it before the peer registers, never matches by it; pjsip has no equivalent (an aor contact would also be dialled after registration)",
        );
    }
    Converted {
        name,
        static_host: if ip_identified { static_host } else { None },
        port,
        outbound_proxy: None,
    }
}

/// The peer's transports (build_peer `transport`: tcp/tls only when enabled; the first is the
/// outbound default), else `[general]`'s list, else UDP.
fn transport_list(g: &General<'_>, p: &P<'_>) -> Vec<&'static str> {
    let row = row!("transport");
    let value = p
        .own(row)
        .last()
        .map(|&i| p.vars[i].value.as_str())
        .or_else(|| g.defaults_of(row).last().map(|v| v.value.as_str()));
    let mut out = Vec::new();
    if let Some(value) = value {
        for t in value.split(',') {
            let t = t.trim_start().to_ascii_lowercase();
            let proto = if t.starts_with("udp") {
                Some("udp")
            } else if t.starts_with("tcp") && g.tcp_enabled {
                Some("tcp")
            } else if t.starts_with("tls") && g.tls_enabled {
                Some("tls")
            } else {
                None
            };
            if let Some(p) = proto {
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        }
    }
    if out.is_empty() {
        out.push("udp");
    }
    out
}

fn transport(cx: &mut Cx<'_>, g: &General<'_>, p: &mut P<'_>, row: usize) {
    let lines = p.own(row).to_vec();
    p.overridden(cx, &lines);
    let list = transport_list(g, p);
    let primary = list[0];
    // A proxy reached over TCP or TLS (`outboundproxy=tcp://…`): the endpoint sends on that
    // transport, as chan_sip sent to its proxy on the proxy's; pjsip refuses every request routed
    // through a `;transport=tcp` proxy from a UDP endpoint (PJSIP_ETPNOTSUITABLE, seen in Asterisk
    // 22 on the qualify OPTIONS). The contact keeps the peer's own transport.
    let proxy_transport = outbound_proxy_line(g, p)
        .and_then(|line| proxy_uri(&line.var().value))
        .and_then(|proxy| proxy.protocol)
        .and_then(|proto| g.transport(proto));
    let object = proxy_transport
        .or_else(|| g.transport(primary))
        .map(str::to_string);
    if let Some(t) = &object {
        if g.transports.len() > 1 {
            p.set("transport", t.clone());
        }
    }
    if primary != "udp" {
        if let Some(aor) = p.aor.as_mut() {
            if let Some(c) = aor.get("contact").map(str::to_string) {
                aor.remove("contact");
                aor.set("contact", format!("{c};transport={primary}"));
            }
        }
    }
    if let Some(&i) = lines.last() {
        let value = p.vars[i].value.to_ascii_lowercase();
        let dropped: Vec<&str> = value
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .filter(|t| !list.iter().any(|l| t.starts_with(l)))
            .collect();
        let t = object
            .iter()
            .map(|o| p.target("transport", Some(o)))
            .collect();
        let (sev, msg) = if dropped.is_empty() {
            (Severity::Mapped, String::new())
        } else {
            (
                Severity::Note,
                format!(
                    "{} not enabled in [general] (chan_sip warned and ignored it)",
                    dropped.join(", ")
                ),
            )
        };
        p.report(cx, i, sev, t, msg);
    }
}

/// `permit`/`deny`/`acl` → the endpoint's own ACL, same lines, same order, same engine
/// (endpoint_acl_handler → ast_append_acl). An ACL that refuses every address is not written:
/// an error entry stops the migration.
fn signalling_acl<'a>(cx: &mut Cx<'a>, g: &General<'_>, p: &mut P<'a>, memo: &mut Memo) {
    let lines = p.own_named(row!("permit"), &["permit", "deny", "acl"]);
    if lines.is_empty() {
        return;
    }
    // Lines every peer of a template inherits: the same verdict for each of them.
    let verdict = if lines.iter().all(|&i| p.bases[i].is_some()) {
        let key: Vec<usize> = lines
            .iter()
            .map(|&i| std::ptr::from_ref(p.vars[i]) as usize)
            .collect();
        match memo.acl_verdicts.get(&key) {
            Some(v) => v.clone(),
            None => {
                let v = acl_verdict(cx, g, p, &lines);
                memo.acl_verdicts.insert(key, v.clone());
                v
            }
        }
    } else {
        acl_verdict(cx, g, p, &lines)
    };
    for &i in &lines {
        let v = p.vars[i];
        let option = if v.name.eq_ignore_ascii_case("permit") {
            "permit"
        } else if v.name.eq_ignore_ascii_case("deny") {
            "deny"
        } else {
            "acl"
        };
        if !v.value.is_empty() {
            p.set(option, v.value.to_string());
        }
        let t = vec![p.target(option, Some(&v.value))];
        if verdict == Verdict::RefusesEverybody {
            p.report(
                cx,
                i,
                Severity::Error,
                t,
                "this ACL refuses every address (last match wins): the account could never be used; fix or remove the ACL in sip.conf and migrate again — nothing is written",
            );
        } else {
            p.report(
                cx,
                i,
                Severity::Mapped,
                t,
                "the endpoint's own ACL, in the same order (last match wins, as in chan_sip)",
            );
        }
    }
}

/// What a peer's ACL lines (`permit`, `deny`, `acl`) let in.
fn acl_verdict<'a>(cx: &mut Cx<'a>, g: &General<'_>, p: &P<'a>, lines: &[usize]) -> Verdict {
    let mut inline = List::default();
    let mut named: Vec<List> = Vec::new();
    let mut unknown = false;
    let mut seen_named: Vec<String> = Vec::new();
    for &i in lines {
        let v = p.vars[i];
        let lname = v.name.to_ascii_lowercase();
        if lname == "acl" {
            for n in v.value.split(',').map(|n| n.trim_start()) {
                if n.is_empty() {
                    continue;
                }
                if seen_named.iter().any(|s| s.eq_ignore_ascii_case(n)) {
                    continue;
                }
                seen_named.push(n.to_string());
                match cx.named_acl(n) {
                    // A named ACL that does not exist rejects everything (named_acl.c).
                    None => named.push(deny_all()),
                    Some(acl) => match named_list(cx, acl) {
                        Some(l) => named.push(l),
                        None => unknown = true,
                    },
                }
            }
        } else if !v.value.is_empty() {
            let _ = cx
                .acl_values
                .append(&mut inline, v.value.as_str(), lname == "permit");
        }
    }
    let mut lists: Vec<&List> = vec![&inline];
    lists.extend(named.iter());
    if unknown {
        Verdict::Unknown
    } else {
        verdict(&lists, g.families)
    }
}

fn deny_all() -> List {
    let mut l = List::default();
    let _ = l.append("0.0.0.0/0", false);
    let _ = l.append("::/0", false);
    l
}

/// An acl.conf ACL as a list (`None` when a line does not parse: cannot tell).
fn named_list(cx: &Cx<'_>, acl: &crate::asterisk::model::NamedAcl) -> Option<List> {
    let section = cx.config.section(acl.section);
    let mut l = List::default();
    for v in section.variables.iter() {
        let permit = match v.name.to_ascii_lowercase().as_str() {
            "permit" => true,
            "deny" => false,
            _ => continue,
        };
        l.append(&v.value, permit).ok()?;
    }
    Some(l)
}

/// `contactpermit`/`contactdeny`/`contactacl` (and `[general]`'s, which chan_sip checks on
/// every REGISTER too) → the endpoint's contact ACL. pjsip checks it on every request's
/// Contact, chan_sip only on REGISTER: written for registering peers only.
fn contact_acl(cx: &mut Cx<'_>, g: &General<'_>, p: &mut P<'_>) {
    let own = p.own_named(
        row!("contactpermit"),
        &["contactpermit", "contactdeny", "contactacl"],
    );
    let general = g.contact_acl();
    if !p.dynamic {
        for i in own {
            p.report(
                cx,
                i,
                Severity::Note,
                Vec::new(),
                "chan_sip checks it only when a peer registers, and this one does not (pjsip would check every request's Contact): not written",
            );
        }
        return;
    }
    if own.is_empty() && general.is_empty() {
        return;
    }
    let option_of = |name: &str| match name.to_ascii_lowercase().as_str() {
        "contactpermit" => "contact_permit",
        "contactdeny" => "contact_deny",
        _ => "contact_acl",
    };
    let mut list = List::default();
    let all: Vec<&Variable> = general
        .iter()
        .copied()
        .chain(own.iter().map(|&i| p.vars[i]))
        .collect();
    for v in all {
        let o = option_of(&v.name);
        if v.value.is_empty() {
            continue;
        }
        if o != "contact_acl" {
            let _ = list.append(&v.value, o == "contact_permit");
        }
        p.set(o, v.value.to_string());
    }
    let refuses = general
        .iter()
        .all(|v| !v.name.eq_ignore_ascii_case("contactacl"))
        && own
            .iter()
            .all(|&i| !p.vars[i].name.eq_ignore_ascii_case("contactacl"))
        && verdict(&[&list], g.families) == Verdict::RefusesEverybody;
    for i in own {
        let v = p.vars[i];
        let t = vec![p.target(option_of(&v.name), Some(&v.value))];
        let (sev, msg) = if refuses {
            (
                Severity::Error,
                "this contact ACL refuses every address: the device could never register; fix it in sip.conf and migrate again — nothing is written",
            )
        } else if !general.is_empty() {
            (
                Severity::Action,
                "chan_sip required [general]'s contact ACL and this one to pass separately; pjsip has one list per endpoint, so both are written into it in order (a later permit here can now override a general deny): check the result",
            )
        } else {
            (
                Severity::Mapped,
                "pjsip also checks the Contact of the device's other requests",
            )
        };
        p.report(cx, i, sev, t, msg);
    }
}

/// `nat` (sip_parse_nat_option): the peer's lines replace `[general]`'s (default
/// auto_force_rport). A REGISTER whose Via asks for rport is routed to its source whatever
/// `nat` says (check_via, parse_register_contact): registering endpoints get rewrite_contact.
fn nat(cx: &mut Cx<'_>, g: &General<'_>, p: &mut P<'_>, row: usize) {
    let own = p.own(row).to_vec();
    let lines: Vec<&str> = if own.is_empty() {
        g.defaults_of(row)
            .iter()
            .map(|v| v.value.as_str())
            .collect()
    } else {
        own.iter().map(|&i| p.vars[i].value.as_str()).collect()
    };
    let (mut force, mut comedia, mut auto_rport, mut auto_comedia) = (false, false, false, false);
    let mut deprecated_yes = false;
    if lines.is_empty() {
        auto_rport = true;
    }
    for value in &lines {
        for word in value.split(',') {
            if ast_false(word) {
                (force, comedia, auto_rport, auto_comedia) = (false, false, false, false);
                break;
            } else if word.eq_ignore_ascii_case("yes") {
                (force, comedia, auto_rport, auto_comedia) = (true, true, false, false);
                deprecated_yes = true;
                break;
            } else if word.eq_ignore_ascii_case("force_rport") && !auto_rport {
                force = true;
            } else if word.eq_ignore_ascii_case("comedia") && !auto_comedia {
                comedia = true;
            } else if word.eq_ignore_ascii_case("auto_force_rport") {
                auto_rport = true;
                force = false;
            } else if word.eq_ignore_ascii_case("auto_comedia") {
                auto_comedia = true;
                comedia = false;
            }
        }
    }
    let mut targets = Vec::new();
    if !force && !auto_rport {
        p.set("force_rport", "no");
        targets.push(p.target("force_rport", Some("no")));
    }
    let rewrite = force || auto_rport || p.dynamic;
    if rewrite {
        p.set("rewrite_contact", "yes");
        targets.push(p.target("rewrite_contact", Some("yes")));
    }
    if comedia || auto_comedia {
        p.set("rtp_symmetric", "yes");
        targets.push(p.target("rtp_symmetric", Some("yes")));
    }
    let mut notes = Vec::new();
    if auto_rport || auto_comedia {
        notes.push(
            "auto_* (only when NAT is detected) has no pjsip form: the forced form is written",
        );
    }
    if p.dynamic && !force && !auto_rport {
        notes.push("rewrite_contact because chan_sip routes a REGISTER that asks for rport to its source address whatever nat says");
    }
    if deprecated_yes {
        notes.push("nat=yes means force_rport,comedia");
    }
    for &i in &own {
        let sev = if notes.is_empty() {
            Severity::Mapped
        } else {
            Severity::Note
        };
        p.report(cx, i, sev, targets.clone(), notes.join("; "));
    }
}

/// `directmedia`/`canreinvite` (handle_common_options): yes = even behind NAT; no; or words
/// `nonat`, `update`, `outgoing`; an unknown word turns direct media off.
fn direct_media(cx: &mut Cx<'_>, g: &General<'_>, p: &mut P<'_>, row: usize) {
    let own = p.own(row).to_vec();
    p.overridden(cx, &own);
    let Some(line) = p.effective(g, row) else {
        return;
    };
    let value = line.var().value.as_str();
    let mut opts: Vec<(&'static str, &'static str)> = Vec::new();
    let mut note = String::new();
    if ast_true(value) {
        opts.push(("direct_media", "yes"));
    } else if ast_false(value) {
        opts.push(("direct_media", "no"));
    } else {
        let (mut dm, mut nat_ok, mut update, mut outgoing) = (false, false, false, false);
        let _ = &mut nat_ok;
        for word in value.split(',') {
            match word.to_ascii_lowercase().as_str() {
                "update" => {
                    dm = true;
                    update = true;
                }
                "nonat" => dm = true,
                "outgoing" => {
                    dm = true;
                    outgoing = true;
                }
                _ => note = "an unknown word: chan_sip warns and turns direct media off".into(),
            }
        }
        if !note.is_empty() {
            dm = false;
        }
        if dm {
            opts.push(("direct_media", "yes"));
            // Only `yes` also allows direct media behind NAT (SIP_DIRECT_MEDIA_NAT).
            opts.push(("disable_direct_media_on_nat", "yes"));
            if update {
                opts.push(("direct_media_method", "update"));
            }
            if outgoing {
                opts.push(("direct_media_glare_mitigation", "outgoing"));
            }
        } else {
            opts.push(("direct_media", "no"));
        }
    }
    let mut targets = Vec::new();
    for (k, v) in &opts {
        p.set(k, *v);
        targets.push(p.target(k, Some(v)));
    }
    if let Some(i) = line.own() {
        let sev = if note.is_empty() {
            Severity::Mapped
        } else {
            Severity::Note
        };
        p.report(cx, i, sev, targets, note);
    }
}

/// The `[general]` codec list alone (for the anonymous endpoint).
pub(crate) fn general_codecs(g: &General<'_>) -> String {
    let mut list = CodecList::chan_sip_default();
    let lines: Vec<&Variable> = {
        let mut l: Vec<&Variable> = g
            .defaults_of(row!("allow"))
            .iter()
            .chain(g.defaults_of(row!("disallow")).iter())
            .copied()
            .collect();
        l.sort_by_key(|v| v.pos);
        l
    };
    for v in lines {
        list.apply(&v.value, v.name.eq_ignore_ascii_case("allow"));
    }
    let video = g
        .defaults_of(row!("videosupport"))
        .iter()
        .rev()
        .find(|v| v.name.eq_ignore_ascii_case("videosupport"))
        .is_some_and(|v| ast_true(&v.value) || v.value.eq_ignore_ascii_case("always"));
    list.allow_value(|c| video || !VIDEO_FORMATS.contains(&c))
        .split(',')
        .filter(|c| !c.is_empty() && !TEXT_FORMATS.contains(c))
        .collect::<Vec<_>>()
        .join(",")
}

/// `allow`/`disallow` applied in order to `[general]`'s list (itself applied to chan_sip's
/// built-in ulaw, alaw, gsm, h263), then written as `disallow=all` + the resulting list, in
/// order. Video and text codecs are left out unless videosupport/textsupport: chan_sip never
/// offered them, pjsip would.
fn codecs(cx: &mut Cx<'_>, g: &General<'_>, p: &mut P<'_>, memo: &mut Memo) {
    let allow = row!("allow");
    let disallow = row!("disallow");
    let mut own: Vec<usize> = p
        .own(allow)
        .iter()
        .chain(p.own(disallow))
        .copied()
        .collect();
    own.sort_unstable();
    let flag = |names: &[&str], p: &P<'_>| {
        let row = row_of(names[0]);
        let own_line = p
            .own(row)
            .iter()
            .map(|&i| p.vars[i])
            .rev()
            .find(|v| v.name.eq_ignore_ascii_case(names[0]));
        let general_line = g
            .defaults_of(row)
            .iter()
            .rev()
            .find(|v| v.name.eq_ignore_ascii_case(names[0]))
            .copied();
        own_line
            .or(general_line)
            .is_some_and(|v| ast_true(&v.value) || v.value.eq_ignore_ascii_case("always"))
    };
    let video = flag(&["videosupport"], p);
    let text = flag(&["textsupport"], p);
    let own_vars: Vec<&Variable> = own.iter().map(|&i| p.vars[i]).collect();
    // Lines every peer of a template inherits: the same outcome for each of them.
    let computed;
    let outcome = if own.iter().all(|&i| p.bases[i].is_some()) {
        let key = (
            own_vars
                .iter()
                .map(|&v| std::ptr::from_ref(v) as usize)
                .collect::<Vec<_>>(),
            video,
            text,
        );
        memo.codecs
            .entry(key)
            .or_insert_with(|| codec_outcome(g, &own_vars, video, text))
    } else {
        computed = codec_outcome(g, &own_vars, video, text);
        &computed
    };
    for (option, value) in &outcome.sets {
        p.set(option, value.clone());
    }
    let targets: Vec<Target> = outcome
        .targets
        .iter()
        .map(|(option, value)| p.target(option, Some(value)))
        .collect();
    for (&i, (sev, msg)) in own.iter().zip(&outcome.lines) {
        p.report(cx, i, *sev, targets.clone(), msg.clone());
    }
    for name in ["videosupport", "textsupport"] {
        for i in p.own_named(row!("videosupport"), &[name]) {
            let t = targets.clone();
            p.report(
                cx,
                i,
                Severity::Mapped,
                t,
                "pjsip negotiates video/text when such codecs are allowed: the allow list carries it",
            );
        }
    }
}

/// What a peer's codec lines make: the options set, the targets, each line's severity and
/// message (in the order of `own`).
#[derive(Clone)]
struct CodecOutcome {
    sets: Vec<(&'static str, Cow<'static, str>)>,
    targets: Vec<(&'static str, String)>,
    lines: Vec<(Severity, String)>,
}

/// [`codecs`] of `own` (the peer's allow/disallow lines, in order) over `[general]`'s.
fn codec_outcome(g: &General<'_>, own: &[&Variable], video: bool, text: bool) -> CodecOutcome {
    let allow = row!("allow");
    let disallow = row!("disallow");
    let mut general: Vec<&Variable> = g
        .defaults_of(allow)
        .iter()
        .chain(g.defaults_of(disallow).iter())
        .copied()
        .collect();
    general.sort_by_key(|v| v.pos);
    let mut list = CodecList::chan_sip_default();
    for v in &general {
        list.apply(&v.value, v.name.eq_ignore_ascii_case("allow"));
    }
    let mut unknown_by_line: Vec<Vec<String>> = Vec::with_capacity(own.len());
    for v in own {
        let n = list.unknown.len();
        list.apply(&v.value, v.name.eq_ignore_ascii_case("allow"));
        unknown_by_line.push(list.unknown[n..].to_vec());
    }
    let keep =
        |c: &str| (video || !VIDEO_FORMATS.contains(&c)) && (text || !TEXT_FORMATS.contains(&c));
    let mut out = CodecOutcome {
        sets: vec![("disallow", Cow::Borrowed("all"))],
        targets: vec![("disallow", "all".to_string())],
        lines: Vec::with_capacity(own.len()),
    };
    let mut filtered: Vec<&str> = Vec::new();
    if list.has_all {
        // `allow=all` adds every codec Asterisk knows, in its own order: replayed as written.
        for v in general.iter().chain(own) {
            let o = if v.name.eq_ignore_ascii_case("allow") {
                "allow"
            } else {
                "disallow"
            };
            out.sets.push((o, Cow::Owned(v.value.to_string())));
        }
        if !video {
            out.sets
                .push(("disallow", Cow::Owned(VIDEO_FORMATS.join(","))));
        }
        if !text {
            out.sets
                .push(("disallow", Cow::Owned(TEXT_FORMATS.join(","))));
        }
        out.targets.push(("allow", "all".to_string()));
    } else {
        let value = list.allow_value(keep);
        filtered = list
            .codecs
            .iter()
            .map(|(c, _)| c.as_str())
            .filter(|c| !keep(c))
            .collect();
        if !value.is_empty() {
            out.sets.push(("allow", Cow::Owned(value.clone())));
            out.targets.push(("allow", value));
        }
    }
    let mut message = String::new();
    if !filtered.is_empty() {
        message = format!(
            "{} left out: chan_sip offered no video/text without videosupport/textsupport",
            filtered.join(", ")
        );
    }
    for unknown in unknown_by_line {
        out.lines.push(if unknown.is_empty() {
            (
                if filtered.is_empty() {
                    Severity::Mapped
                } else {
                    Severity::Note
                },
                message.clone(),
            )
        } else {
            (
                Severity::Note,
                format!(
                    "{} unknown to Asterisk: chan_sip warned and skipped it; pjsip would refuse the whole endpoint, so it is left out",
                    unknown.join(", ")
                ),
            )
        });
    }
    out
}

/// `qualify`/`qualifyfreq` → the aor's qualify_frequency and qualify_timeout. chan_sip did not
/// dial a peer that answered later than `qualify` ms; pjsip treats a late answer as
/// unreachable.
fn qualify(cx: &mut Cx<'_>, g: &General<'_>, p: &mut P<'_>) {
    let q_lines = p.own_named(row!("qualify"), &["qualify"]);
    let f_lines = p.own_named(row!("qualify"), &["qualifyfreq"]);
    p.overridden(cx, &q_lines);
    p.overridden(cx, &f_lines);
    let ms = match q_lines.last() {
        Some(&i) => parse_qualify(&p.vars[i].value, g.qualify_ms),
        None => g.qualify_ms,
    };
    let freq = f_lines
        .last()
        .and_then(|&i| leading_int(&p.vars[i].value))
        .or_else(|| {
            g.defaults_of(row!("qualifyfreq"))
                .iter()
                .rev()
                .find(|v| v.name.eq_ignore_ascii_case("qualifyfreq"))
                .and_then(|v| leading_int(&v.value))
        })
        .filter(|f| *f > 0)
        .unwrap_or(60);
    let mut targets = Vec::new();
    if let (Some(ms), Some(aor)) = (ms, p.aor.as_mut()) {
        let timeout = format!("{}.{:03}", ms / 1000, ms % 1000);
        let timeout = timeout
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string();
        aor.set("qualify_frequency", freq.to_string());
        aor.set("qualify_timeout", timeout.clone());
        targets.push(Target::pjsip(
            &p.name,
            "aor",
            "qualify_frequency",
            Some(&freq.to_string()),
        ));
        targets.push(Target::pjsip(
            &p.name,
            "aor",
            "qualify_timeout",
            Some(&timeout),
        ));
    }
    for i in q_lines
        .last()
        .copied()
        .into_iter()
        .chain(f_lines.last().copied())
    {
        let v = p.vars[i];
        let (sev, msg) = if p.aor.is_none() {
            (
                Severity::Note,
                "a type=user is never qualified (no aor)".to_string(),
            )
        } else if v.name.eq_ignore_ascii_case("qualify")
            && ms.is_none()
            && !v.value.eq_ignore_ascii_case("no")
        {
            (
                Severity::Note,
                "not yes, no or a number: chan_sip warned and turned qualify off".to_string(),
            )
        } else if ms.is_none() {
            (Severity::Mapped, "qualify off, as in pjsip".to_string())
        } else {
            (
                Severity::Mapped,
                "pjsip has no \"lagged\": an answer later than the timeout makes the contact unavailable".to_string(),
            )
        };
        p.report(cx, i, sev, targets.clone(), msg);
    }
}

/// `mailbox` (comma list, `box[@context]`, context `default`) → endpoint `mailboxes`
/// (unsolicited NOTIFY), or the aor's with `subscribemwi=yes`.
fn mailbox(cx: &mut Cx<'_>, p: &mut P<'_>) {
    let lines = p.own_named(row!("mailbox"), &["mailbox"]);
    let sub_lines = p.own_named(row!("mailbox"), &["subscribemwi"]);
    p.overridden(cx, &lines);
    p.overridden(cx, &sub_lines);
    let subscribe = sub_lines
        .last()
        .is_some_and(|&i| ast_true(&p.vars[i].value));
    let Some(&i) = lines.last() else {
        for i in sub_lines {
            p.report(
                cx,
                i,
                Severity::Note,
                Vec::new(),
                "no mailbox: nothing to subscribe to",
            );
        }
        return;
    };
    let boxes: Vec<String> = p.vars[i]
        .value
        .split(',')
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .map(|b| {
            if b.contains('@') {
                b.to_string()
            } else {
                format!("{b}@default")
            }
        })
        .collect();
    let value = boxes.join(",");
    let target = if subscribe && p.aor.is_some() {
        if let Some(aor) = p.aor.as_mut() {
            aor.set("mailboxes", value.clone());
        }
        p.aor_target("mailboxes", Some(&value))
    } else {
        p.set("mailboxes", value.clone());
        p.target("mailboxes", Some(&value))
    };
    p.report(cx, i, Severity::Mapped, vec![target.clone()], "");
    for j in sub_lines {
        p.report(cx, j, Severity::Mapped, vec![target.clone()], "");
    }
}

/// `callerid`, `fullname`, `cid_number`, `trunkname` (build_peer, in order) → `callerid`.
fn caller_id(cx: &mut Cx<'_>, p: &mut P<'_>, row: usize) {
    let lines = p.own(row).to_vec();
    if lines.is_empty() {
        return;
    }
    // Only callerid lines: the last one, as written (pjsip splits it the same way).
    let only_callerid = lines
        .iter()
        .all(|&i| p.vars[i].name.eq_ignore_ascii_case("callerid"));
    let value = if only_callerid {
        p.vars[*lines.last().expect("non-empty")].value.to_string()
    } else {
        let (mut name, mut num) = (String::new(), String::new());
        for &i in &lines {
            let v = p.vars[i];
            match v.name.to_ascii_lowercase().as_str() {
                "callerid" => {
                    let (n, u) = split_callerid(&v.value);
                    name = n;
                    num = u;
                }
                "fullname" => name = v.value.to_string(),
                "cid_number" => num = v.value.to_string(),
                _ => name.clear(),
            }
        }
        match (name.is_empty(), num.is_empty()) {
            (false, false) => format!("\"{}\" <{num}>", name.replace('"', "")),
            (true, false) => format!("<{num}>"),
            (false, true) => format!("\"{}\"", name.replace('"', "")),
            (true, true) => String::new(),
        }
    };
    if only_callerid {
        p.overridden(cx, &lines);
    }
    if !value.is_empty() {
        p.set("callerid", value.clone());
    }
    let t = vec![p.target("callerid", Some(&value))];
    for &i in &lines {
        p.report(cx, i, Severity::Mapped, t.clone(), "");
    }
}

/// `ast_callerid_split`, enough for `"Name" <num>`, `Name <num>`, `num`.
fn split_callerid(value: &str) -> (String, String) {
    if let (Some(l), Some(r)) = (value.rfind('<'), value.rfind('>')) {
        if l < r {
            let name = value[..l].trim().trim_matches('"').trim().to_string();
            return (name, value[l + 1..r].trim().to_string());
        }
    }
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b"+*#".contains(&b)) {
        (String::new(), v.to_string())
    } else {
        (v.trim_matches('"').to_string(), String::new())
    }
}

/// `encryption` (SDES-SRTP) and `dtlsenable` (DTLS-SRTP, per peer only: build_peer resets it)
/// → `media_encryption`.
fn media_encryption(cx: &mut Cx<'_>, p: &mut P<'_>, row: usize) {
    let lines = p.own(row).to_vec();
    if lines.is_empty() {
        return;
    }
    let last = |name: &str, p: &P<'_>| {
        lines
            .iter()
            .rev()
            .map(|&i| p.vars[i])
            .find(|v| v.name.eq_ignore_ascii_case(name))
            .is_some_and(|v| ast_true(&v.value))
    };
    let dtls = last("dtlsenable", p);
    let sdes = last("encryption", p);
    let value = if dtls {
        "dtls"
    } else if sdes {
        "sdes"
    } else {
        "no"
    };
    if value != "no" {
        p.set("media_encryption", value);
    }
    let t = vec![p.target("media_encryption", Some(value))];
    for &i in &lines {
        p.report(cx, i, Severity::Mapped, t.clone(), "");
    }
}

/// `t38pt_udptl` (handle_t38_options): yes/fec → FEC, redundancy, none, maxdatagram=N.
fn t38(cx: &mut Cx<'_>, g: &General<'_>, p: &mut P<'_>, row: usize) {
    let own = p.own(row).to_vec();
    let lines: Vec<&str> = if own.is_empty() {
        g.defaults_of(row)
            .iter()
            .map(|v| v.value.as_str())
            .collect()
    } else {
        own.iter().map(|&i| p.vars[i].value.as_str()).collect()
    };
    if lines.is_empty() {
        return;
    }
    let mut ec: Option<&str> = None;
    let mut maxdatagram: Option<i64> = None;
    for value in lines {
        for word in value.split(',') {
            let w = word.to_ascii_lowercase();
            if ast_true(&w) || w == "fec" {
                ec = Some("fec");
            } else if w == "redundancy" {
                ec = Some("redundancy");
            } else if w == "none" {
                ec = Some("none");
            } else if let Some(n) = w.strip_prefix("maxdatagram=") {
                maxdatagram = leading_int(n).filter(|n| *n > 0);
            }
        }
    }
    let mut targets = Vec::new();
    match ec {
        Some(ec) => {
            p.set("t38_udptl", "yes");
            p.set("t38_udptl_ec", ec);
            targets.push(p.target("t38_udptl", Some("yes")));
            targets.push(p.target("t38_udptl_ec", Some(ec)));
            if let Some(m) = maxdatagram {
                p.set("t38_udptl_maxdatagram", m.to_string());
                targets.push(p.target("t38_udptl_maxdatagram", Some(&m.to_string())));
            }
        }
        None => {
            p.set("t38_udptl", "no");
            targets.push(p.target("t38_udptl", Some("no")));
        }
    }
    for i in own {
        p.report(cx, i, Severity::Mapped, targets.clone(), "");
    }
}

/// An `outboundproxy` as pjsip writes it.
pub(crate) struct Proxy {
    /// `sip:host[:port][;transport=tcp|tls];lr`.
    pub uri: String,
    /// `,force` was given (pjsip has no such form).
    pub force: bool,
    /// The transport named by `tcp://` or `tls://`; `None` for UDP (the default).
    pub protocol: Option<&'static str>,
}

/// `outboundproxy` = `[transport://]host[:port][,force]` (proxy_from_config): the peer's, else
/// `[general]`'s → `outbound_proxy=sip:host[:port];lr` on the endpoint and the aor.
pub(crate) fn proxy_uri(value: &str) -> Option<Proxy> {
    let (main, force) = match value.split_once(',') {
        Some((m, f)) => (m.trim(), f.trim().eq_ignore_ascii_case("force")),
        None => (value.trim(), false),
    };
    let (transport, hostport) = match main.split_once("://") {
        Some((t, h)) => (Some(t.to_ascii_lowercase()), h),
        None => (None, main),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => (h, Some(p.parse::<u16>().ok()?)),
        _ => (hostport, None),
    };
    let host = Host::parse(host)?;
    let port = port.map(|p| format!(":{p}")).unwrap_or_default();
    let protocol = match transport.as_deref() {
        Some("tcp") => Some("tcp"),
        Some("tls") => Some("tls"),
        _ => None,
    };
    let param = protocol
        .map(|p| format!(";transport={p}"))
        .unwrap_or_default();
    Some(Proxy {
        uri: format!("sip:{}{port}{param};lr", uri_host(&host)),
        force,
        protocol,
    })
}

fn outbound_proxy_line<'a>(g: &General<'a>, p: &P<'a>) -> Option<Line<'a>> {
    p.effective(g, row!("outboundproxy"))
}

impl<'a> P<'a> {
    fn apply_outbound_proxy(&mut self, cx: &mut Cx<'_>, g: &General<'a>) -> Option<String> {
        let row = row!("outboundproxy");
        let own = self.own(row).to_vec();
        self.overridden(cx, &own);
        let line = outbound_proxy_line(g, self)?;
        match proxy_uri(&line.var().value) {
            Some(Proxy { uri, force, .. }) => {
                self.set("outbound_proxy", uri.clone());
                if let Some(aor) = self.aor.as_mut() {
                    aor.set("outbound_proxy", uri.clone());
                }
                if let Some(i) = line.own() {
                    let t = vec![self.target("outbound_proxy", Some(&uri))];
                    let msg = if force {
                        "`,force` has no pjsip form: pjsip always sends through the proxy when one is set"
                    } else {
                        ""
                    };
                    self.report(cx, i, Severity::Mapped, t, msg);
                }
                Some(uri)
            }
            None => {
                if let Some(i) = line.own() {
                    self.report(
                        cx,
                        i,
                        Severity::Warning,
                        Vec::new(),
                        "not `[transport://]host[:port][,force]` with a usable host: not written",
                    );
                }
                None
            }
        }
    }
}
