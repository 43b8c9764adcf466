//! PBX401–PBX408: the dialplan — toll-fraud paths, injection, dangling contexts, DISA.

use crate::asterisk::model::dialplan::{
    EdgeKind, PatternClass, Sink as DpSink, SinkKind, pattern_class,
};
use crate::asterisk::source::Pos;
use crate::asterisk::syntax::DiagnosticCode;
use crate::audit::context::AuditContext;
use crate::audit::finding::Sink;
use crate::audit::rule::{Check, Rule, RuleDoc};
use crate::audit::severity::Severity;
use std::collections::HashSet;

pub static TOLL_FRAUD_PATH: Rule = Rule {
    code: "PBX401",
    name: "dialplan-toll-fraud-path",
    severity: Severity::Critical,
    escalation: None,
    summary: "an untrusted caller can reach a trunk `Dial` with digits they choose",
    doc: RuleDoc {
        what: "Follows every untrusted entry point — chan_sip guests, the pjsip anonymous endpoint, endpoints/peers identified only by IP, inbound trunk and PSTN-line contexts, WebSMS call-file contexts — through `include`, `Goto`, `Gosub`, `Macro`, `Dial(Local/…)`, `DISA` and the like, to every `Dial`/`Originate` toward a trunk whose number comes from the caller (`${EXTEN}`, a part of it, a variable set from it). Each such `Dial` is reported once, with the shortest path from an entry point.",
        why: "This is toll fraud: whoever reaches that `Dial` decides which number your trunk calls — typically premium-rate numbers they are paid for, hundreds of calls in parallel over a weekend. The bill is yours.",
        example: "; sip.conf\n[general]\ncontext=public\n\n; extensions.conf\n[public]\ninclude => outbound\n[outbound]\nexten => _X.,1,Dial(PJSIP/${EXTEN}@twilio)",
        instead: "[public]\nexten => _X.,1,Dial(PJSIP/101)   ; inbound: local phones only\n[internal]                       ; reached only by authenticated phones\ninclude => outbound",
        references: &[
            "Asterisk README-SERIOUSLY.bestpractices.md",
            "Communications Fraud Control Association: IRSF",
        ],
    },
    fix: "keep outbound patterns in contexts only authenticated phones reach",
    check: Check::Config(check_toll_fraud_path),
};

pub static EXTEN_INJECTION: Rule = Rule {
    code: "PBX402",
    name: "dialplan-exten-injection",
    severity: Severity::Critical,
    escalation: None,
    summary: "`${EXTEN}` from a wide pattern is passed unfiltered to `Dial`/`System`/`MixMonitor`",
    doc: RuleDoc {
        what: "Reports `Dial`, `System`, `TrySystem`, `SHELL()` and `MixMonitor` calls that use `${EXTEN}` (or a substring) under a pattern that matches arbitrary characters (`_.`, `_!`, `_X.` …) without `${FILTER(…)}`.",
        why: "`.` and `!` match any characters, not only digits: a caller who dials `123&PJSIP/00900…@trunk` makes `Dial(PJSIP/${EXTEN}@trunk)` ring a second, premium destination; in `System()` the text runs as shell. SIP Request-URIs can carry almost any character.",
        example: "exten => _X.,1,Dial(PJSIP/${EXTEN}@trunk)",
        instead: "exten => _X.,1,Dial(PJSIP/${FILTER(0-9,${EXTEN})}@trunk)\n; or a strict pattern: exten => _0XXXXXXXXX,1,…",
        references: &[
            "Asterisk README-SERIOUSLY.bestpractices.md, \"Dialplan injection\"",
            "AST-2010-002",
        ],
    },
    fix: "wrap the value in `${FILTER(0-9,…)}` or use a pattern of digits only",
    check: Check::Config(check_exten_injection),
};

pub static SHELL_FROM_CALLER: Rule = Rule {
    code: "PBX403",
    name: "dialplan-shell-from-caller",
    severity: Severity::Critical,
    escalation: None,
    summary: "`System`/`TrySystem`/`SHELL()` runs a command built from caller data",
    doc: RuleDoc {
        what: "Reports `System`, `TrySystem` and `${SHELL(…)}` whose command line contains caller-controlled data: `${EXTEN}`, `${CALLERID(…)}`, `${SIP_HEADER(…)}`, `${PJSIP_HEADER(…)}`, or a variable set from them, even through `FILTER` with a permissive character set.",
        why: "The caller writes part of a shell command run as the Asterisk user: `$(…)`, `;`, backquotes in a caller-ID name or a Request-URI give them a shell on your PBX.",
        example: "exten => _X.,1,System(/usr/local/bin/notify ${CALLERID(num)})",
        instead: "exten => _X.,1,Set(NUM=${FILTER(0-9+,${CALLERID(num)})})\n same => n,System(/usr/local/bin/notify '${NUM}')",
        references: &["Asterisk System application docs", "CWE-78"],
    },
    fix: "pass only `${FILTER(0-9,…)}`-cleaned values, quoted, or use an AGI with arguments",
    check: Check::Config(check_shell_from_caller),
};

pub static WIDE_CATCHALL: Rule = Rule {
    code: "PBX404",
    name: "dialplan-wide-catchall",
    severity: Severity::Low,
    escalation: None,
    summary: "`_.` or `_!` also matches `h`, `i`, `t` and other special extensions",
    doc: RuleDoc {
        what: "Reports extensions whose pattern is `_.` or `_!` (or starts with one of them).",
        why: "`_.` matches every extension including `h` (hangup), `i` (invalid), `t` (timeout), `s`: the catch-all runs where a special handler was expected — e.g. a `Dial` on hangup — and Asterisk warns about it at load. It also passes arbitrary characters to whatever uses `${EXTEN}`.",
        example: "exten => _.,1,Dial(PJSIP/${EXTEN}@trunk)",
        instead: "exten => _X.,1,Dial(PJSIP/${FILTER(0-9,${EXTEN})}@trunk)",
        references: &[
            "Asterisk warning: \"The use of '_.' for an extension is strongly discouraged\"",
        ],
    },
    fix: "use `_X.` (digits) or a stricter pattern",
    check: Check::Config(check_wide_catchall),
};

pub static MISSING_CONTEXT: Rule = Rule {
    code: "PBX405",
    name: "dialplan-missing-context",
    severity: Severity::High,
    escalation: None,
    summary: "a context named by an endpoint, include, jump or WebSMS does not exist",
    doc: RuleDoc {
        what: "Reports `context=` of peers/endpoints/`[general]`, `include =>`, `Goto`/`Gosub`/`Dial(Local/…)` targets and WebSMS `[astqueue]` contexts that name a context not defined in `extensions.conf`.",
        why: "Calls sent to a missing context fail — inbound calls are rejected, fallbacks never run — and a typo here often hides a context that was meant to restrict access. When the context is created later by someone else, it may suddenly grant more than intended.",
        example: "[twilio]\ntype=endpoint\ncontext=from-twillio   ; typo",
        instead: "[twilio]\ntype=endpoint\ncontext=from-twilio",
        references: &["Asterisk pbx_config: contexts are created by their [section]"],
    },
    fix: "create the context or fix the name",
    check: Check::Config(check_missing_context),
};

pub static DEMO_REACHABLE: Rule = Rule {
    code: "PBX406",
    name: "dialplan-demo-reachable",
    severity: Severity::Medium,
    escalation: None,
    summary: "the sample `demo` context is reachable from an entry point",
    doc: RuleDoc {
        what: "Reports an entry point whose context reaches the `demo` context of Asterisk's sample `extensions.conf`.",
        why: "The demo context was written to show features, not to be safe: it offers echo tests, conferences, `Dial` to external demo servers and includes other sample contexts. Reachable from outside it is free telephony for strangers and an information leak.",
        example: "[default]\ninclude => demo",
        instead: "[default]\n; no include => demo (delete the sample dialplan)",
        references: &["Asterisk extensions.conf.sample: [demo]"],
    },
    fix: "remove `include => demo` and the sample contexts",
    check: Check::Config(check_demo_reachable),
};

pub static DISA_WITHOUT_PASSWORD: Rule = Rule {
    code: "PBX407",
    name: "disa-without-password",
    severity: Severity::Critical,
    escalation: None,
    summary: "`DISA(no-password,…)` gives any caller a dial tone",
    doc: RuleDoc {
        what: "Reports `DISA` applications whose password argument is `no-password` (or empty).",
        why: "DISA (Direct Inward System Access) gives the caller a second dial tone in the named context. Without a password, anyone who reaches the extension — a guest, a caller on your DID — dials out on your trunks.",
        example: "exten => 5555,1,DISA(no-password,outbound)",
        instead: "exten => 5555,1,DISA(/etc/asterisk/disa-passwords.conf)   ; per-user passwords",
        references: &["Asterisk DISA application docs"],
    },
    fix: "give DISA a password (or a password file), or remove it",
    check: Check::Config(check_disa_without_password),
};

pub static SQL_INJECTION: Rule = Rule {
    code: "PBX408",
    name: "dialplan-sql-injection",
    severity: Severity::High,
    escalation: None,
    summary: "caller data interpolated into SQL, realtime lookups or AGI command lines",
    doc: RuleDoc {
        what: "Reports `ODBC_SQL`, `MYSQL(query …)`, `REALTIME*` and `ODBC_*` custom functions whose text contains caller-controlled data (`${EXTEN}`, `${CALLERID(…)}`, SIP headers, message bodies) without `FILTER`/`SQL_ESC`, and `AGI`/`EAGI` whose script or FastAGI URL (the first argument) does.",
        why: "A caller-ID name or Request-URI such as `1' OR '1'='1` becomes part of the query: callers read or change your database (voicemail PINs, CDRs, routing tables).",
        example: "exten => _X.,1,Set(R=${ODBC_SQL(SELECT dest FROM routes WHERE did='${EXTEN}')})",
        instead: "exten => _X.,1,Set(R=${ODBC_SQL(SELECT dest FROM routes WHERE did='${FILTER(0-9,${EXTEN})}')})",
        references: &[
            "Asterisk func_odbc: prefer parameterised ARG1 with SQL_ESC",
            "CWE-89",
        ],
    },
    fix: "pass caller data through `${FILTER(0-9,…)}` or `${SQL_ESC(…)}`",
    check: Check::Config(check_sql_injection),
};

fn check_toll_fraud_path(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    for (dial, reached) in ctx.reach.unbounded_dials(ctx.pbx) {
        let entry = &ctx.reach.entries[reached.entry];
        sink.report(
            ctx.anchor(dial.pos),
            format!(
                "{} (`{}` → context `{}`) can make this `Dial` call any number through `{}`",
                capitalise(entry.kind.describe()),
                entry.source,
                entry.context,
                dial.trunk
            ),
        )
        .section(dial.context.clone())
        .path(reached.path);
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// Whether an argument uses `${EXTEN}` (or a substring of it).
fn uses_exten(arg: &str) -> bool {
    arg.contains("${EXTEN}") || arg.contains("${EXTEN:")
}

fn sinks<'a>(ctx: &AuditContext<'a>) -> impl Iterator<Item = &'a DpSink> {
    ctx.pbx
        .dialplan
        .contexts
        .iter()
        .flat_map(|c| c.sinks.iter())
}

fn check_exten_injection(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let wide = |exten: &str| pattern_class(exten) == PatternClass::Wide;
    for c in &ctx.pbx.dialplan.contexts {
        for d in &c.dials {
            if d.caller_controlled && !d.filtered && wide(&d.exten) && uses_exten(&d.resource) {
                sink.report(
                    ctx.anchor(d.pos),
                    format!("`${{EXTEN}}` from pattern `{}` goes unfiltered into `{}`: a caller can append `&Tech/…` and ring a second destination", d.exten, d.app),
                )
                .section(c.name.clone());
            }
        }
    }
    for s in sinks(ctx) {
        if s.kind == SinkKind::Record
            && s.caller_controlled
            && !s.filtered
            && wide(&s.exten)
            && uses_exten(&s.argument)
        {
            sink.report(
                ctx.anchor(s.pos),
                format!("`${{EXTEN}}` from pattern `{}` goes unfiltered into `{}`: a caller chooses file names and options", s.exten, s.name),
            );
        }
    }
}

fn check_shell_from_caller(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    for s in sinks(ctx) {
        if s.kind == SinkKind::Shell && s.caller_controlled && !s.filtered {
            sink.report(
                ctx.anchor(s.pos),
                format!(
                    "`{}` runs a shell command containing data the caller controls",
                    s.name
                ),
            );
        }
    }
}

fn check_wide_catchall(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    for c in &ctx.pbx.dialplan.contexts {
        for e in &c.extensions {
            if e.name.starts_with("_.") || e.name.starts_with("_!") {
                sink.report(
                    ctx.anchor(e.pos),
                    format!(
                        "`{}` in [{}] also matches `h`, `i`, `t` and any characters",
                        e.name, c.name
                    ),
                )
                .section(c.name.clone());
            }
        }
    }
}

/// Contexts Asterisk modules create themselves (res_parking's default parking lot).
const BUILTIN_CONTEXTS: &[&str] = &["parkedcalls"];

fn check_missing_context(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let dp = &ctx.pbx.dialplan;
    // Without extensions.conf there is nothing to check contexts against.
    let Some(file) = dp.file else { return };
    // An `#include`d part of the dialplan that could not be read may define the context.
    let incomplete = ctx.pbx.config.files[file as usize]
        .diagnostics
        .iter()
        .any(|d| {
            matches!(
                d.code,
                DiagnosticCode::MissingInclude | DiagnosticCode::MissingTryInclude
            )
        });
    if incomplete {
        return;
    }
    let names: HashSet<&str> = dp.contexts.iter().map(|c| c.name.as_str()).collect();
    let mut seen: HashSet<(Pos, String)> = HashSet::new();
    let mut report = |sink: &mut Sink<'_>,
                      pos: Pos,
                      name: &str,
                      who: String,
                      section: Option<String>,
                      option: &str| {
        if names.contains(name)
            || BUILTIN_CONTEXTS.contains(&name)
            || !seen.insert((pos, name.to_string()))
        {
            return;
        }
        let hint = dp
            .contexts
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
            .map(|c| {
                format!(
                    " (did you mean `{}`? context names are case-sensitive)",
                    c.name
                )
            })
            .unwrap_or_default();
        let f = sink.report(
            ctx.anchor(pos),
            format!("{who} names context `{name}`, which extensions.conf does not define{hint}"),
        );
        if let Some(s) = section {
            f.section(s);
        }
        f.option(option);
    };
    if let Some(sip) = &ctx.pbx.sip {
        let g = &sip.general;
        if let Some(pos) = g.context.pos {
            report(
                sink,
                pos,
                &g.context.value,
                "[general]".into(),
                Some("general".into()),
                "context",
            );
        }
        for p in &sip.peers {
            if let Some(pos) = p.context.pos {
                report(
                    sink,
                    pos,
                    &p.context.value,
                    format!("peer `{}`", p.name),
                    Some(p.name.clone()),
                    "context",
                );
            }
        }
    }
    if let Some(pj) = &ctx.pbx.pjsip {
        for e in pj.endpoints.iter().filter(|e| e.meta.loads()) {
            let pos = e.context.pos.unwrap_or(e.meta.pos);
            report(
                sink,
                pos,
                &e.context.value,
                format!("endpoint `{}`", e.meta.id),
                Some(e.meta.id.clone()),
                "context",
            );
        }
    }
    for c in &dp.contexts {
        for e in &c.edges {
            if e.dynamic || e.target_context.contains("${") {
                continue;
            }
            let option = if e.kind == EdgeKind::Include {
                "include"
            } else {
                "exten"
            };
            report(
                sink,
                e.pos,
                &e.target_context,
                format!("[{}]", c.name),
                Some(c.name.to_string()),
                option,
            );
        }
    }
    if let Some(ws) = &ctx.pbx.websms {
        for (key, v) in [
            ("channel_context", &ws.channel_context),
            ("context", &ws.context),
        ] {
            let pos = v.pos.unwrap_or_else(|| ctx.file_pos(ws.file));
            report(
                sink,
                pos,
                &v.value,
                "websms.conf [astqueue]".into(),
                Some("astqueue".into()),
                key,
            );
        }
    }
}

fn check_demo_reachable(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let mut done = HashSet::new();
    for r in ctx.reach.demo_reached(ctx.pbx) {
        if !done.insert(r.entry) {
            continue;
        }
        let e = &ctx.reach.entries[r.entry];
        sink.report(
            ctx.anchor(e.pos),
            format!(
                "the sample `demo` context is reachable by {} (`{}` → context `{}`)",
                e.kind.describe(),
                e.source,
                e.context
            ),
        )
        .section(e.source.clone())
        .path(r.path);
    }
}

fn check_disa_without_password(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    for c in &ctx.pbx.dialplan.contexts {
        for e in &c.extensions {
            for p in e
                .priorities
                .iter()
                .filter(|p| p.app.eq_ignore_ascii_case("DISA"))
            {
                let pw = p.args.first().map(|a| a.trim()).unwrap_or("");
                if pw.is_empty() || pw.eq_ignore_ascii_case("no-password") {
                    let target = p
                        .args
                        .get(1)
                        .map(|a| a.trim())
                        .filter(|a| !a.is_empty())
                        .unwrap_or("disa");
                    sink.report(
                        ctx.anchor(p.pos),
                        format!("DISA without a password: whoever reaches [{}] {} gets a dial tone in `{target}`", c.name, e.name),
                    )
                    .section(c.name.clone());
                }
            }
        }
    }
}

/// Dialplan expressions whose value the caller chooses.
const CALLER_DATA: &[&str] = &[
    "${EXTEN",
    "CALLERID(",
    "HEADER(",
    "MESSAGE(",
    "${CALLERIDNUM",
    "${CALLERIDNAME",
];

fn check_sql_injection(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    for s in sinks(ctx) {
        // AGI arguments reach the script as separate values; the danger is a caller choosing
        // the script or FastAGI URL itself (the first argument).
        let text = match s.kind {
            SinkKind::Sql | SinkKind::Realtime => s.argument.as_str(),
            SinkKind::Agi => s.argument.split(',').next().unwrap_or(""),
            _ => continue,
        };
        let caller_data = s.kind != SinkKind::Agi || CALLER_DATA.iter().any(|m| text.contains(m));
        if caller_data && s.caller_controlled && !s.filtered && !text.contains("SQL_ESC") {
            sink.report(
                ctx.anchor(s.pos),
                format!("caller-controlled data is interpolated into `{}`", s.name),
            );
        }
    }
}
