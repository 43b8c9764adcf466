//! extensions.conf: chan_sip dial strings, hints and functions → their PJSIP equivalents.
//!
//! The file is rewritten line by line in place (comments, layout and every other line kept
//! byte for byte); only the value part of a line that names chan_sip changes. Which lines are
//! values comes from the reader ([`crate::asterisk`]); lines in `#include`d files are reported,
//! not rewritten (the output is one extensions.conf).
//!
//! Forms (chan_sip `sip_request_call`/`create_addr`; chan_pjsip `request`,
//! `ast_sip_session_create_outgoing`; docs/notes/sip-to-pjsip-mapping.md §7):
//! - `SIP/peer` → `PJSIP/peer`; `SIP/peer/NUMBER` and `SIP/NUMBER@peer` → `PJSIP/NUMBER@peer`
//!   (`PJSIP/peer/NUMBER` would be wrong: the part after `/` is an AOR or a URI);
//! - `SIP_HEADER(h[,n])` → `PJSIP_HEADER(read,h[,n])`, `SIP_HEADERS(p)` → `PJSIP_HEADERS(p)`;
//! - `SIPPEER(peer,item)` → `PJSIP_ENDPOINT`/`PJSIP_CONTACT` where an item has an equivalent;
//! - `SIPAddHeader(Name: value)`: chan_sip adds the header to every later outbound SIP call
//!   (an inheritable `__SIPADDHEADERnn` variable). PJSIP adds headers to the channel
//!   `PJSIP_HEADER(add,…)` runs on, so the value is kept in an inheritable variable and a
//!   pre-dial handler (`Dial` option `b`) adds it on the outbound channel;
//! - `SIPDtmfMode(m)` → `Set(PJSIP_DTMF_MODE()=m)`; `${SIPCALLID}` → `${CHANNEL(pjsip,call-id)}`;
//! - anything else that names chan_sip is reported.

use super::report::{Outcome, ReportEntry, Severity, SourceLine, Target, order_of};
use crate::asterisk::Config;
use crate::asterisk::Text;
use crate::asterisk::source::Pos;
use crate::asterisk::syntax::ConfigFile;
use std::borrow::Cow;
use std::collections::HashSet;

/// The rewritten dialplan.
pub struct Rewrite {
    /// The new extensions.conf, when something changed.
    pub text: Option<String>,
    pub report: Vec<ReportEntry>,
    /// Lines changed.
    pub rewritten: usize,
}

/// The context of the pre-dial handler that re-adds SIPAddHeader's headers.
const HEADER_HANDLER: &str = "pbxgen-sipaddheader";

/// One change (or finding) inside a value.
struct Note {
    severity: Severity,
    message: String,
}

/// What rewriting one value needs to know.
struct Ctx<'a> {
    /// Names `SIP/name` dials that became endpoints.
    peers: &'a HashSet<String>,
    /// Header names of SIPAddHeader calls, in first-seen order (index = variable suffix).
    headers: Vec<String>,
    /// Whether `Dial` needs the pre-dial handler (SIPAddHeader is used somewhere).
    add_handler: bool,
    handler_name: String,
}

/// Rewrite `ext` (the top-level extensions.conf of `config`).
pub fn rewrite(config: &Config, ext: &ConfigFile, peers: &HashSet<String>) -> Rewrite {
    let sources = &config.sources;
    let top = ext.file;
    let mut report = Vec::new();
    // Every own (not inherited) line of the file and its includes, in file order.
    let mut lines: Vec<(&str, &crate::asterisk::syntax::Variable)> = Vec::new();
    for s in &ext.sections {
        for e in s.variables.entries().filter(|e| e.inherited_from.is_none()) {
            lines.push((s.name.as_str(), e.variable));
        }
    }
    lines.sort_by_key(|(_, v)| v.pos);
    lines.dedup_by_key(|(_, v)| v.pos);

    let taken: HashSet<String> = ext
        .sections
        .iter()
        .map(|s| s.name.to_ascii_lowercase())
        .collect();
    let mut handler_name = HEADER_HANDLER.to_string();
    let mut n = 2;
    while taken.contains(&handler_name) {
        handler_name = format!("{HEADER_HANDLER}-{n}");
        n += 1;
    }
    let mut ctx = Ctx {
        peers,
        headers: Vec::new(),
        add_handler: false,
        handler_name,
    };
    // First pass: the headers SIPAddHeader sets (the pre-dial handler must know them all).
    for (_, v) in &lines {
        for name in sip_add_header_names(&v.value) {
            if !ctx.headers.contains(&name) {
                ctx.headers.push(name);
            }
        }
    }
    ctx.add_handler = !ctx.headers.is_empty();
    // [globals] holding a bare `SIP/peer`: `${NAME}/${EXTEN}` would become PJSIP/peer/NUMBER.
    let dial_globals: Vec<String> = ext
        .sections
        .iter()
        .filter(|s| s.name.eq_ignore_ascii_case("globals"))
        .flat_map(|s| s.variables.iter())
        .filter(|v| {
            let val = v.value.to_ascii_lowercase();
            val.starts_with("sip/") && !val[4..].contains(['/', '@', '&'])
        })
        .map(|v| v.name.to_string())
        .collect();

    // Second pass: rewrite.
    let mut changed: Vec<(u32, usize, usize, String)> = Vec::new(); // (line, start, end, new)
    for (section, v) in &lines {
        let raw_line = sources.file(v.pos.file).line_bytes(v.pos.line);
        let raw_line = String::from_utf8_lossy(raw_line.strip_suffix(b"\r").unwrap_or(raw_line));
        let Some((start, end)) = value_span(&raw_line, v.value_pos().column as usize) else {
            continue;
        };
        let segment = &raw_line[start..end];
        let uses_dial_global = dial_globals
            .iter()
            .any(|name| segment.contains(&format!("${{{name}}}/")));
        if !mentions_chan_sip(segment) && !uses_dial_global {
            continue;
        }
        let (new, mut notes) = rewrite_value(segment, &mut ctx);
        for name in &dial_globals {
            if segment.contains(&format!("${{{name}}}/")) {
                notes.push(Note {
                    severity: Severity::Action,
                    message: format!(
                        "${{{name}}}/… appends a number to a dial string: PJSIP/peer/NUMBER is not valid PJSIP (it must be PJSIP/NUMBER@peer): rewrite it by hand"
                    ),
                });
            }
        }
        let location = config.location(v.pos);
        let in_top = v.pos.file == top;
        let differs = new != segment;
        if !differs && notes.is_empty() {
            continue;
        }
        let can_rewrite = in_top && v.appended_at.is_empty();
        if differs && can_rewrite {
            changed.push((v.pos.line, start, end, new.clone()));
        }
        let worst = notes.iter().map(|n| n.severity).max();
        let mut message: Vec<String> = notes.iter().map(|n| n.message.clone()).collect();
        let severity = if differs && !can_rewrite {
            message.push(if in_top {
                "a `+=` line: not rewritten — change it by hand".to_string()
            } else {
                format!(
                    "in an #include'd file ({}): not rewritten — change it by hand",
                    location.file
                )
            });
            Severity::Action
        } else {
            worst.unwrap_or(Severity::Mapped)
        };
        let (outcome, targets) = if differs && can_rewrite {
            (
                Outcome::Rewritten,
                vec![Target {
                    file: "extensions.conf",
                    object: Text::from(*section),
                    kind: "",
                    option: Cow::Owned(v.name.to_string()),
                    value: Some(Text::from(crate::redact::value::mask_inline_credentials(
                        &new,
                    ))),
                }],
            )
        } else {
            (Outcome::Dropped, Vec::new())
        };
        report.push(ReportEntry {
            severity,
            outcome,
            source: Some(SourceLine::new(location, &v.name, &v.value)),
            section: Some(Text::from(*section)),
            applies_to: Vec::new(),
            targets,
            message: Cow::Owned(message.join("; ")),
            order: order_of(Some(v.pos)),
        });
    }
    if changed.is_empty() {
        return Rewrite {
            text: None,
            report,
            rewritten: 0,
        };
    }
    let rewritten = changed.len();
    let text = rebuild(sources.file(top).bytes.as_ref(), &changed, &ctx);
    if ctx.add_handler {
        let end = Pos::new(top, u32::MAX, 0);
        report.push(ReportEntry {
            severity: Severity::Warning,
            outcome: Outcome::Added,
            source: None,
            section: Some(Text::from(ctx.handler_name.as_str())),
            applies_to: Vec::new(),
            targets: vec![Target {
                file: "extensions.conf",
                object: Text::from(ctx.handler_name.as_str()),
                kind: "",
                option: Cow::Borrowed(""),
                value: None,
            }],
            message: Cow::Owned(format!(
                "a pre-dial handler that adds the SIPAddHeader headers ({}) to outbound PJSIP calls; every Dial of a PJSIP channel runs it (option b)",
                ctx.headers.join(", ")
            )),
            order: order_of(Some(end)),
        });
    }
    Rewrite {
        text: Some(text),
        report,
        rewritten,
    }
}

/// The byte range of a line's value: from its first byte to the first unescaped `;` (the
/// comment), trailing blanks excluded.
fn value_span(line: &str, column: usize) -> Option<(usize, usize)> {
    let start = column.checked_sub(1)?;
    if start > line.len() || !line.is_char_boundary(start) {
        return None;
    }
    let bytes = line.as_bytes();
    let mut end = line.len();
    let mut i = start;
    while i < bytes.len() {
        if bytes[i] == b';' && (i == 0 || bytes[i - 1] != b'\\') {
            end = i;
            break;
        }
        i += 1;
    }
    while end > start && bytes[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    Some((start, end))
}

/// Whether a value might name chan_sip at all (cheap filter).
fn mentions_chan_sip(text: &str) -> bool {
    text.to_ascii_uppercase().contains("SIP")
}

/// The file with the changed values put in, and the pre-dial handler appended.
fn rebuild(bytes: &[u8], changed: &[(u32, usize, usize, String)], ctx: &Ctx<'_>) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::with_capacity(text.len() + 512);
    let mut changes = changed.iter().peekable();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let lineno = i as u32 + 1;
        match changes.peek() {
            Some((l, start, end, new)) if *l == lineno => {
                out.push_str(&line[..*start]);
                out.push_str(new);
                out.push_str(&line[*end..]);
                changes.next();
            }
            _ => out.push_str(line),
        }
    }
    if ctx.add_handler {
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&format!(
            "\n[{}]\n; Added by pbxgen migrate: chan_sip's SIPAddHeader() put its headers on every later\n\
             ; outbound call. PJSIP adds headers on the channel it runs on, so Dial runs this\n\
             ; handler on the outbound channel (option b) with the values kept in inherited variables.\n",
            ctx.handler_name
        ));
        for (k, name) in ctx.headers.iter().enumerate() {
            let var = header_var(k);
            let prio = if k == 0 { "exten => s,1" } else { "same => n" };
            out.push_str(&format!(
                "{prio},ExecIf($[\"${{{var}}}\" != \"\"]?Set(PJSIP_HEADER(add,{name})=${{{var}}}))\n"
            ));
        }
        out.push_str("same => n,Return()\n");
    }
    out
}

fn header_var(k: usize) -> String {
    format!("PBXGEN_SIPADDHEADER_{}", k + 1)
}

/// The header names of every `SIPAddHeader(Name: value)` in a value.
fn sip_add_header_names(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some((start, args_start, args_end)) = find_call(value, from, "SIPAddHeader") {
        let args = &value[args_start..args_end];
        if let Some((name, _)) = args.split_once(':') {
            let name = name.trim();
            if !name.is_empty() && is_header_name(name) {
                out.push(name.to_string());
            }
        }
        from = start + 1;
    }
    out
}

/// A literal header name (`X-Foo`), not a variable.
fn is_header_name(name: &str) -> bool {
    name.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
}

/// Find `NAME(` (case-insensitive, not preceded by an identifier character) at or after `from`;
/// returns (start of the name, start of the arguments, end of the arguments = the `)`).
fn find_call(text: &str, from: usize, name: &str) -> Option<(usize, usize, usize)> {
    let lower = text.to_ascii_lowercase();
    let needle = format!("{}(", name.to_ascii_lowercase());
    let mut at = from;
    while let Some(rel) = lower.get(at..)?.find(&needle) {
        let start = at + rel;
        let before_ok = start == 0 || !is_ident(text.as_bytes()[start - 1]);
        let args_start = start + needle.len();
        if before_ok {
            if let Some(end) = matching_paren(text, args_start) {
                return Some((start, args_start, end));
            }
        }
        at = start + 1;
    }
    None
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The index of the `)` closing the `(` just before `from`.
fn matching_paren(text: &str, from: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (i, b) in text.bytes().enumerate().skip(from) {
        match b {
            b'(' => depth += 1,
            b')' if depth == 0 => return Some(i),
            b')' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Split function/application arguments at top-level commas.
fn split_args(args: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, b) in args.bytes().enumerate() {
        match b {
            b'(' | b'{' | b'[' => depth += 1,
            b')' | b'}' | b']' => depth -= 1,
            b',' if depth == 0 => {
                out.push(&args[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&args[start..]);
    out
}

/// Rewrite every chan_sip construct of one value; notes say what happened.
fn rewrite_value(value: &str, ctx: &mut Ctx<'_>) -> (String, Vec<Note>) {
    let mut notes = Vec::new();
    let mut text = rewrite_functions(value, ctx, &mut notes);
    text = rewrite_dial_strings(&text, ctx, &mut notes);
    if ctx.add_handler {
        text = add_predial_handler(&text, ctx, &mut notes);
    }
    // Whatever still names chan_sip.
    for word in leftover_chan_sip_names(&text) {
        notes.push(Note {
            severity: Severity::Warning,
            message: format!("`{word}` names chan_sip, which Asterisk 21+ does not have: check it"),
        });
    }
    (text, notes)
}

/// Functions, applications and variables.
fn rewrite_functions(value: &str, ctx: &mut Ctx<'_>, notes: &mut Vec<Note>) -> String {
    let mut text = value.to_string();
    // SIP_HEADER(h[,n]) → PJSIP_HEADER(read,h[,n]); SIP_HEADERS(p) → PJSIP_HEADERS(p).
    text = replace_calls(&text, "SIP_HEADER", |args| {
        Some(format!("PJSIP_HEADER(read,{args})"))
    });
    text = replace_calls(&text, "SIP_HEADERS", |args| {
        Some(format!("PJSIP_HEADERS({args})"))
    });
    // SIPPEER(peer[,item]).
    let mut peer_notes = Vec::new();
    text = replace_calls(&text, "SIPPEER", |args| {
        let parts = split_args(args);
        let peer = parts[0].trim();
        let item = parts.get(1).map_or("ip", |s| s.trim()).to_ascii_lowercase();
        let endpoint_field = match item.as_str() {
            "context" => Some("context"),
            "language" => Some("language"),
            "accountcode" => Some("accountcode"),
            "callgroup" => Some("call_group"),
            "pickupgroup" => Some("pickup_group"),
            "namedcallgroup" => Some("named_call_group"),
            "namedpickupgroup" => Some("named_pickup_group"),
            "mailbox" => Some("mailboxes"),
            "codecs" => Some("allow"),
            _ => None,
        };
        if let Some(f) = endpoint_field {
            return Some(format!("PJSIP_ENDPOINT({peer},{f})"));
        }
        let contact_field = match item.as_str() {
            "ip" => Some("via_addr"),
            "port" => Some("via_port"),
            "useragent" => Some("user_agent"),
            "status" => Some("status"),
            _ => None,
        };
        match contact_field {
            Some(f) => {
                peer_notes.push(format!(
                    "SIPPEER({peer},{item}) → the {f} of the endpoint's (first) registered contact; for a static host it is empty{}",
                    if f == "status" {
                        ", and the values differ (Reachable/Unreachable, not \"OK (n ms)\")"
                    } else {
                        ""
                    }
                ));
                Some(format!("PJSIP_CONTACT(${{PJSIP_AOR({peer},contact)}},{f})"))
            }
            None => {
                peer_notes.push(format!(
                    "SIPPEER({peer},{item}) has no PJSIP equivalent: rewrite it by hand"
                ));
                None
            }
        }
    });
    for n in peer_notes {
        let severity = if n.contains("by hand") {
            Severity::Action
        } else {
            Severity::Warning
        };
        notes.push(Note {
            severity,
            message: n,
        });
    }
    // SIPAddHeader(Name: value) → Set(__PBXGEN_SIPADDHEADER_k=value).
    let headers = ctx.headers.clone();
    let mut add_notes = Vec::new();
    text = replace_calls(&text, "SIPAddHeader", |args| {
        let (name, value) = args.split_once(':')?;
        let name = name.trim();
        let k = headers.iter().position(|h| h == name)?;
        add_notes.push(format!(
            "SIPAddHeader({name}: …) → kept in an inherited variable; the pre-dial handler [{}] adds the header to outbound PJSIP calls",
            ctx.handler_name
        ));
        Some(format!("Set(__{}={})", header_var(k), value.trim_start()))
    });
    for n in add_notes {
        notes.push(Note {
            severity: Severity::Mapped,
            message: n,
        });
    }
    // SIPDtmfMode(mode) → Set(PJSIP_DTMF_MODE()=mode).
    text = replace_calls(&text, "SIPDtmfMode", |args| {
        let mode = match args.trim().to_ascii_lowercase().as_str() {
            "rfc2833" => "rfc4733".to_string(),
            other => other.to_string(),
        };
        Some(format!("Set(PJSIP_DTMF_MODE()={mode})"))
    });
    // Variables and CHANNEL() items.
    for (from, to, note) in [
        ("${SIPCALLID}", "${CHANNEL(pjsip,call-id)}", None),
        (
            "CHANNEL(peerip)",
            "CHANNEL(pjsip,remote_addr)",
            Some(
                "CHANNEL(pjsip,remote_addr) is address:port, CHANNEL(peerip) was the address alone",
            ),
        ),
        (
            "CHANNEL(recvip)",
            "CHANNEL(pjsip,remote_addr)",
            Some(
                "CHANNEL(pjsip,remote_addr) is address:port, CHANNEL(recvip) was the address alone",
            ),
        ),
        ("CHANNEL(useragent)", "PJSIP_HEADER(read,User-Agent)", None),
        ("CHANNEL(peername)", "CHANNEL(endpoint)", None),
    ] {
        if let Some(new) = replace_ci(&text, from, to) {
            text = new;
            if let Some(n) = note {
                notes.push(Note {
                    severity: Severity::Warning,
                    message: n.to_string(),
                });
            }
        }
    }
    for (name, why) in [
        (
            "SIPRemoveHeader",
            "SIPRemoveHeader has no direct PJSIP form here: clear the PBXGEN_SIPADDHEADER variables (or use PJSIP_HEADER(remove,…) in a pre-dial handler) by hand",
        ),
        (
            "SIPCHANINFO",
            "SIPCHANINFO() no longer exists (CHANNEL(pjsip,…) has the details): rewrite it by hand",
        ),
        (
            "CHECKSIPDOMAIN",
            "CHECKSIPDOMAIN() has no PJSIP equivalent: keep a list of local domains in the dialplan",
        ),
        (
            "SIP_CAUSE",
            "HASH(SIP_CAUSE,…) no longer exists: use HANGUPCAUSE()",
        ),
        (
            "SIPURI",
            "${SIPURI}: CHANNEL(pjsip,target_uri) is the closest (not identical)",
        ),
    ] {
        if text
            .to_ascii_uppercase()
            .contains(&name.to_ascii_uppercase())
        {
            notes.push(Note {
                severity: Severity::Action,
                message: why.to_string(),
            });
        }
    }
    text
}

/// Replace every call `NAME(args)` for which `f` returns a replacement.
fn replace_calls(text: &str, name: &str, mut f: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    let mut copied = 0;
    while let Some((start, args_start, args_end)) = find_call(text, from, name) {
        // `SIP_HEADER(` must not match inside `PJSIP_HEADER(`: find_call checks the byte before.
        if let Some(new) = f(&text[args_start..args_end]) {
            out.push_str(&text[copied..start]);
            out.push_str(&new);
            copied = args_end + 1;
        }
        from = args_end + 1;
        if from > text.len() {
            break;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Replace every case-insensitive occurrence of `from`; `None` when there is none.
fn replace_ci(text: &str, from: &str, to: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let needle = from.to_ascii_lowercase();
    if !lower.contains(&needle) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while let Some(rel) = lower[at..].find(&needle) {
        out.push_str(&text[at..at + rel]);
        out.push_str(to);
        at += rel + needle.len();
    }
    out.push_str(&text[at..]);
    Some(out)
}

/// `SIP/…` dial strings (a technology name matched case-insensitively, not inside `PJSIP/` or
/// another word).
fn rewrite_dial_strings(text: &str, ctx: &Ctx<'_>, notes: &mut Vec<Note>) -> String {
    let bytes = text.as_bytes();
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len() + 16);
    let mut copied = 0;
    let mut at = 0;
    while let Some(rel) = lower[at..].find("sip/") {
        let start = at + rel;
        at = start + 4;
        if start > 0 && (is_ident(bytes[start - 1]) || bytes[start - 1] == b'/') {
            continue;
        }
        let res_start = start + 4;
        let res_end = resource_end(text, res_start);
        let resource = &text[res_start..res_end];
        if resource.is_empty() {
            continue;
        }
        match pjsip_dial(resource, ctx) {
            Ok((new, note)) => {
                out.push_str(&text[copied..start]);
                out.push_str(&new);
                copied = res_end;
                if let Some(n) = note {
                    notes.push(n);
                }
            }
            Err(n) => notes.push(n),
        }
        at = res_end.max(at);
    }
    out.push_str(&text[copied..]);
    out
}

/// Where a dial resource ends: `&`, `,`, `)` or `|` outside `${…}`/`$[…]`/`(…)`, or a blank
/// or quote.
fn resource_end(text: &str, from: usize) -> usize {
    let bytes = text.as_bytes();
    let mut depth = 0i32;
    let mut i = from;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'{' | b'[' | b'(' => depth += 1,
            b'}' | b']' => depth -= 1,
            b')' if depth == 0 => return i,
            b')' => depth -= 1,
            b'&' | b',' | b'|' if depth == 0 => return i,
            b' ' | b'\t' | b'"' | b'\'' if depth == 0 => return i,
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// Split at `/` outside `${…}` and `$[…]`.
fn split_slash(resource: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, b) in resource.bytes().enumerate() {
        match b {
            b'{' | b'[' | b'(' => depth += 1,
            b'}' | b']' | b')' => depth -= 1,
            b'/' if depth == 0 => {
                out.push(&resource[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&resource[start..]);
    out
}

/// The text with every `${…}` and `$[…]` removed (what is literal in a dial string).
fn strip_variables(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut depth = 0i32;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' && matches!(bytes.get(i + 1), Some(b'{') | Some(b'[')) {
            depth += 1;
            i += 2;
            continue;
        }
        if depth > 0 {
            match bytes[i] {
                b'{' | b'[' => depth += 1,
                b'}' | b']' => depth -= 1,
                _ => {}
            }
        } else {
            out.push(bytes[i] as char);
        }
        i += 1;
    }
    out
}

fn has_variable(text: &str) -> bool {
    text.contains("${") || text.contains("$[")
}

/// One `SIP/resource` as a PJSIP dial string.
fn pjsip_dial(resource: &str, ctx: &Ctx<'_>) -> Result<(String, Option<Note>), Note> {
    let parts = split_slash(resource);
    let known = |peer: &str| ctx.peers.contains(peer) || has_variable(peer);
    let unknown_note = |peer: &str| Note {
        severity: Severity::Action,
        message: format!(
            "SIP/{resource}: `{peer}` is not a peer of sip.conf (a host dialled directly); PJSIP needs an endpoint for it: PJSIP/<endpoint>/sip:…@{peer} — not rewritten"
        ),
    };
    let first = parts[0];
    let outside_variables = strip_variables(first);
    if outside_variables.contains('!')
        || outside_variables
            .split('@')
            .next()
            .is_some_and(|u| u.contains(':'))
    {
        return Err(Note {
            severity: Severity::Action,
            message: format!(
                "SIP/{resource}: inline credentials or To/From overrides have no PJSIP dial-string form: rewrite it by hand"
            ),
        });
    }
    match parts.as_slice() {
        [one] => match one.rsplit_once('@') {
            Some((number, peer)) => {
                if !known(peer) {
                    return Err(unknown_note(peer));
                }
                Ok((format!("PJSIP/{number}@{peer}"), None))
            }
            None => {
                if !known(one) {
                    return Err(unknown_note(one));
                }
                Ok((format!("PJSIP/{one}"), None))
            }
        },
        [peer, number] => {
            if number.is_empty() {
                return Ok((format!("PJSIP/{peer}"), None));
            }
            if !known(peer) {
                return Err(unknown_note(peer));
            }
            let note = has_variable(peer).then(|| Note {
                severity: Severity::Warning,
                message: format!(
                    "SIP/{resource} → PJSIP/{number}@{peer}: `{peer}` must name an endpoint (a host would need PJSIP/<endpoint>/sip:…)"
                ),
            });
            Ok((format!("PJSIP/{number}@{peer}"), note))
        }
        _ => Err(Note {
            severity: Severity::Action,
            message: format!(
                "SIP/{resource}: a third part (an outbound proxy) has no PJSIP dial-string form (use the endpoint's outbound_proxy): rewrite it by hand"
            ),
        }),
    }
}

/// Add the pre-dial handler to every `Dial` of a PJSIP channel.
fn add_predial_handler(text: &str, ctx: &Ctx<'_>, notes: &mut Vec<Note>) -> String {
    let handler = format!("b({}^s^1)", ctx.handler_name);
    let mut conflict = false;
    let out = replace_calls(text, "Dial", |args| {
        let mut parts: Vec<String> = split_args(args).into_iter().map(str::to_string).collect();
        if !parts[0].to_ascii_uppercase().contains("PJSIP/") {
            return None;
        }
        while parts.len() < 3 {
            parts.push(String::new());
        }
        if parts[2].contains("b(") || has_variable(&parts[2]) {
            conflict = true;
            return None;
        }
        parts[2].push_str(&handler);
        Some(format!("Dial({})", parts.join(",")))
    });
    if conflict {
        notes.push(Note {
            severity: Severity::Action,
            message: format!(
                "this Dial already has a pre-dial handler (or options in a variable): add the SIPAddHeader headers to it by hand ({})",
                ctx.handler_name
            ),
        });
    }
    out
}

/// Upper-case words starting with `SIP` that still name chan_sip (`SIPCALLID`, `SIP_CODEC`…),
/// and `SIP/` technology names left.
fn leftover_chan_sip_names(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if (i == 0 || !is_ident(bytes[i - 1]))
            && bytes[i..].starts_with(b"SIP")
            && i + 3 < bytes.len()
            && (bytes[i + 3].is_ascii_uppercase() || bytes[i + 3] == b'_')
        {
            let end = (i..bytes.len())
                .find(|&j| !is_ident(bytes[j]))
                .unwrap_or(bytes.len());
            let word = &text[i..end];
            // chan_pjsip still sets ${SIPDOMAIN} (set_sipdomain_variable).
            if word != "SIPDOMAIN" && !out.iter().any(|w| w == word) {
                out.push(word.to_string());
            }
            i = end;
            continue;
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx<'a>(peers: &'a HashSet<String>) -> Ctx<'a> {
        Ctx {
            peers,
            headers: Vec::new(),
            add_handler: false,
            handler_name: HEADER_HANDLER.into(),
        }
    }

    fn peers(names: &[&str]) -> HashSet<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn dial_strings() {
        let p = peers(&["trunk", "100", "phone"]);
        let mut c = ctx(&p);
        let cases = [
            (
                "_X.,1,Dial(SIP/trunk/${EXTEN},30)",
                "_X.,1,Dial(PJSIP/${EXTEN}@trunk,30)",
            ),
            (
                "_X.,1,Dial(SIP/${EXTEN}@trunk)",
                "_X.,1,Dial(PJSIP/${EXTEN}@trunk)",
            ),
            (
                "100,1,Dial(SIP/100&SIP/phone,20,tT)",
                "100,1,Dial(PJSIP/100&PJSIP/phone,20,tT)",
            ),
            ("100,hint,SIP/100", "100,hint,PJSIP/100"),
            ("s,1,Dial(sip/${ARG1})", "s,1,Dial(PJSIP/${ARG1})"),
            (
                "s,1,Dial(SIP/${EXTEN:4}@trunk)",
                "s,1,Dial(PJSIP/${EXTEN:4}@trunk)",
            ),
            (
                "s,1,ChanIsAvail(SIP/phone,s)",
                "s,1,ChanIsAvail(PJSIP/phone,s)",
            ),
            ("s,1,Dial(PJSIP/phone)", "s,1,Dial(PJSIP/phone)"),
            (
                "s,n,Set(S=${DEVICE_STATE(SIP/phone)})",
                "s,n,Set(S=${DEVICE_STATE(PJSIP/phone)})",
            ),
        ];
        for (from, to) in cases {
            let (got, notes) = rewrite_value(from, &mut c);
            assert_eq!(got, to, "{from}");
            assert!(
                notes.iter().all(|n| n.severity < Severity::Action),
                "{from}: {:?}",
                notes.iter().map(|n| &n.message).collect::<Vec<_>>()
            );
        }
        // A host, not a peer: reported, not rewritten.
        let (got, notes) = rewrite_value("s,1,Dial(SIP/sip.example.com/100)", &mut c);
        assert_eq!(got, "s,1,Dial(SIP/sip.example.com/100)");
        assert!(notes.iter().any(|n| n.severity == Severity::Action));
    }

    #[test]
    fn functions() {
        let p = peers(&["phone"]);
        let mut c = ctx(&p);
        let (got, _) = rewrite_value("s,1,Set(X=${SIP_HEADER(X-Foo)})", &mut c);
        assert_eq!(got, "s,1,Set(X=${PJSIP_HEADER(read,X-Foo)})");
        let (got, _) = rewrite_value("s,1,Set(X=${SIPPEER(phone,context)})", &mut c);
        assert_eq!(got, "s,1,Set(X=${PJSIP_ENDPOINT(phone,context)})");
        let (got, _) = rewrite_value("s,1,Set(X=${SIPPEER(phone)})", &mut c);
        assert_eq!(
            got,
            "s,1,Set(X=${PJSIP_CONTACT(${PJSIP_AOR(phone,contact)},via_addr)})"
        );
        let (got, notes) = rewrite_value("s,1,Set(X=${SIPPEER(phone,regexten)})", &mut c);
        assert_eq!(got, "s,1,Set(X=${SIPPEER(phone,regexten)})");
        assert!(notes.iter().any(|n| n.severity == Severity::Action));
        let (got, _) = rewrite_value("s,1,SIPDtmfMode(rfc2833)", &mut c);
        assert_eq!(got, "s,1,Set(PJSIP_DTMF_MODE()=rfc4733)");
        let (got, _) = rewrite_value("s,1,NoOp(${SIPCALLID})", &mut c);
        assert_eq!(got, "s,1,NoOp(${CHANNEL(pjsip,call-id)})");
    }

    #[test]
    fn sip_add_header_moves_to_a_predial_handler() {
        let p = peers(&["trunk"]);
        let mut c = ctx(&p);
        c.headers = sip_add_header_names("s,1,SIPAddHeader(X-Acct: ${ACCT})");
        c.add_handler = true;
        let (got, _) = rewrite_value("s,1,SIPAddHeader(X-Acct: ${ACCT})", &mut c);
        assert_eq!(got, "s,1,Set(__PBXGEN_SIPADDHEADER_1=${ACCT})");
        let (got, _) = rewrite_value("s,n,Dial(SIP/trunk/${EXTEN},30)", &mut c);
        assert_eq!(
            got,
            "s,n,Dial(PJSIP/${EXTEN}@trunk,30,b(pbxgen-sipaddheader^s^1))"
        );
        let (got, notes) = rewrite_value("s,n,Dial(SIP/trunk,,b(other^s^1))", &mut c);
        assert_eq!(got, "s,n,Dial(PJSIP/trunk,,b(other^s^1))");
        assert!(notes.iter().any(|n| n.severity == Severity::Action));
    }

    #[test]
    fn value_spans_stop_at_comments() {
        let line = "exten => 1,1,Dial(SIP/a) ; call a\\; really";
        let (s, e) = value_span(line, 10).unwrap();
        assert_eq!(&line[s..e], "1,1,Dial(SIP/a)");
        let line = "exten => 1,1,Set(X=a\\;b) ; c";
        let (s, e) = value_span(line, 10).unwrap();
        assert_eq!(&line[s..e], "1,1,Set(X=a\\;b)");
    }
}
