//! extensions.conf: contexts, priorities, app arguments, edges, dial targets, taint.

use super::model;
use pbxgen::asterisk::model::dialplan::{
    EdgeKind, PatternClass, PriorityKind, SinkKind, Tech, pattern_class,
};

const DIALPLAN: &str = "\
[general]
autofallthrough=no

[globals]
TRUNK=itsp

[from-trunk]
exten => _X.,1,NoOp(in)
 same => n(dial),Dial(PJSIP/${EXTEN}@itsp,30)
 same => n,Goto(other,s,1)
include => internal,09:00-17:00,mon-fri,*,*

[internal]
exten => 100,hint,PJSIP/100
exten => 100,1,Dial(PJSIP/100&SIP/100@old)
exten => _NXXNXXXXXX,1,Dial(SIP/${EXTEN}@trunk)
exten => _9.,1,Set(NUM=${EXTEN:1})
 same => n,Dial(PJSIP/${NUM}@itsp)
 same => n,Dial(PJSIP/${FILTER(0-9,${NUM})}@itsp)
 same => n,GotoIf($[${DIALSTATUS} = BUSY]?busy,s,1:other,${EXTEN},1)
 same => n,Gosub(sub-dial,s,1(${EXTEN}))
 same => n,Macro(dialout,${CALLERID(num)})
 same => n,Dial(Local/${EXTEN}@outbound/n,,G(back^s^1))
 same => n,System(echo ${CALLERID(name)} >> /tmp/log)
 same => n,Set(x=${SHELL(curl http://x/?n=${EXTEN})})
 same => n,DISA(no-password,disa-out)
 same => n,UnknownThing()
 same => n,Set(ODBC_LOOKUP(${EXTEN})=1)

[sub-dial]
exten => s,1,Dial(IAX2/user:pw@peer/${ARG1})

[macro-dialout]
exten => s,1,Dial(DAHDI/g1/${ARG1})

[other]
exten => s,1,Read(DIGITS,,10)
 same => n,Dial(SIP/${DIGITS}@trunk)
bogus => 1
";

#[test]
fn contexts_general_and_globals() {
    let pbx = model(&[("extensions.conf", DIALPLAN)]);
    let dp = &pbx.dialplan;
    assert!(!dp.general.autofallthrough.value);
    assert_eq!(dp.globals[0].name, "TRUNK");
    let names: Vec<&str> = dp.contexts.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "from-trunk",
            "internal",
            "sub-dial",
            "macro-dialout",
            "other"
        ]
    );
    assert!(
        dp.context("Internal").is_none(),
        "context names are case-sensitive"
    );
    assert!(dp.context_ignore_case("Internal").is_some());
    let other = dp.context("other").unwrap();
    assert_eq!(other.problems.len(), 1, "unknown key `bogus`");
}

/// Sections of one name make one context, their lines in file order (a label written in an
/// earlier section is found); names that differ in case are different contexts, and the
/// case-insensitive lookup finds the first of them.
#[test]
fn one_context_from_several_sections_and_names_differing_in_case() {
    let pbx = model(&[(
        "extensions.conf",
        "[Office]\nexten => 100,1(start),NoOp(a)\n[office]\nexten => 200,1,NoOp(b)\n\
         [Office]\nexten => 100,start+1,Hangup()\n",
    )]);
    let dp = &pbx.dialplan;
    let names: Vec<&str> = dp.contexts.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Office", "office"]);
    assert!(dp.context("OFFICE").is_none());
    assert_eq!(dp.context_ignore_case("OFFICE").unwrap().name, "Office");
    assert_eq!(dp.context("office").unwrap().extensions[0].name, "200");
    let office = dp.context("Office").unwrap();
    assert_eq!(office.sections.len(), 2);
    assert!(office.problems.is_empty());
    let ext = office.extension("100").unwrap();
    let written: Vec<(i64, &str)> = ext
        .priorities
        .iter()
        .map(|p| (p.number, p.app.as_str()))
        .collect();
    assert_eq!(written, [(1, "NoOp"), (2, "Hangup")]);
    assert_eq!(
        ext.priorities[1].kind,
        PriorityKind::Label(ext.priorities[0].label.clone().unwrap())
    );
}

/// "PRI is an integer, `n`, `s`/`same`, `hint`, or a label … `same =>` continues the previous
/// extension … App is split at the first `(`, args end at the last `)`."
#[test]
fn priorities_labels_and_app_arguments() {
    let pbx = model(&[("extensions.conf", DIALPLAN)]);
    let ft = pbx.dialplan.context("from-trunk").unwrap();
    let ext = ft.extension("_X.").unwrap();
    assert!(ext.is_pattern);
    let numbers: Vec<i64> = ext.priorities.iter().map(|p| p.number).collect();
    assert_eq!(numbers, [1, 2, 3]);
    assert_eq!(ext.priorities[1].label.as_deref(), Some("dial"));
    assert_eq!(ext.priorities[1].kind, PriorityKind::Next);
    assert_eq!(ext.priorities[1].app, "Dial");
    assert_eq!(ext.priorities[1].args(), ["PJSIP/${EXTEN}@itsp", "30"]);
    assert_eq!(
        (
            ext.priorities[1].app_pos.line,
            ext.priorities[1].app_pos.column
        ),
        (9, 18)
    );
    assert_eq!(ft.includes[0].context, "internal");
    assert_eq!(
        ft.includes[0].timing.as_deref(),
        Some("09:00-17:00,mon-fri,*,*")
    );
    let internal = pbx.dialplan.context("internal").unwrap();
    let hint = &internal.extension("100").unwrap().priorities[0];
    assert_eq!(
        (hint.kind.clone(), hint.number, hint.app.as_str()),
        (PriorityKind::Hint, -1, "PJSIP/100")
    );
}

/// Patterns: `X`, `Z`, `N`, digit sets and fixed characters are strict; `.`, `!` and non-digit
/// sets are wide.
#[test]
fn pattern_classes() {
    assert_eq!(pattern_class("100"), PatternClass::Literal);
    assert_eq!(pattern_class("s"), PatternClass::Literal);
    assert_eq!(pattern_class("_NXXNXXXXXX"), PatternClass::Strict);
    assert_eq!(pattern_class("_9[2-9]X-XX"), PatternClass::Strict);
    assert_eq!(pattern_class("_X."), PatternClass::Wide);
    assert_eq!(pattern_class("_."), PatternClass::Wide);
    assert_eq!(pattern_class("_!"), PatternClass::Wide);
    assert_eq!(pattern_class("_[a-z]XX"), PatternClass::Wide);
    // Other characters match themselves: the pattern, not the caller, fixes them.
    assert_eq!(pattern_class("_*72XXX"), PatternClass::Strict);
    assert_eq!(pattern_class("_${BRANCHES}X"), PatternClass::Strict);
}

#[test]
fn edges_out_of_contexts() {
    let pbx = model(&[("extensions.conf", DIALPLAN)]);
    let edges = |ctx: &str| -> Vec<(EdgeKind, String, Option<String>, bool)> {
        pbx.dialplan
            .context(ctx)
            .unwrap()
            .edges
            .iter()
            .map(|e| {
                (
                    e.kind,
                    e.target_context.to_string(),
                    e.target_exten.as_deref().map(String::from),
                    e.dynamic,
                )
            })
            .collect()
    };
    let s = |x: &str| x.to_string();
    assert_eq!(
        edges("from-trunk"),
        [
            (EdgeKind::Include, s("internal"), None, false),
            (EdgeKind::Goto, s("other"), Some(s("s")), false),
        ]
    );
    assert_eq!(
        edges("internal"),
        [
            (EdgeKind::GotoIf, s("busy"), Some(s("s")), false),
            (EdgeKind::GotoIf, s("other"), Some(s("${EXTEN}")), true),
            (EdgeKind::Gosub, s("sub-dial"), Some(s("s")), false),
            (EdgeKind::Macro, s("macro-dialout"), Some(s("s")), false),
            (
                EdgeKind::LocalDial,
                s("outbound"),
                Some(s("${EXTEN}")),
                true
            ),
            (EdgeKind::DialOption, s("back"), Some(s("s")), false),
            (EdgeKind::Disa, s("disa-out"), Some(s("s")), false),
        ]
    );
}

/// Dial targets: tech, peer, number, and whether the number is caller-controlled and filtered.
/// tech, peer, number, caller-controlled, filtered.
type DialSummary = (Tech, Option<String>, Option<String>, bool, bool);

#[test]
fn dial_targets_and_caller_controlled_numbers() {
    let pbx = model(&[("extensions.conf", DIALPLAN)]);
    let dials = |ctx: &str| -> Vec<DialSummary> {
        pbx.dialplan
            .context(ctx)
            .unwrap()
            .dials
            .iter()
            .map(|d| {
                (
                    d.tech.clone(),
                    d.peer.as_deref().map(String::from),
                    d.number_expr.as_deref().map(String::from),
                    d.caller_controlled,
                    d.filtered,
                )
            })
            .collect()
    };
    let s = |x: &str| Some(x.to_string());
    assert_eq!(
        dials("from-trunk"),
        [(Tech::Pjsip, s("itsp"), s("${EXTEN}"), true, false)]
    );
    assert_eq!(
        dials("internal"),
        [
            (Tech::Pjsip, s("100"), None, false, false),
            (Tech::Sip, s("old"), s("100"), false, false),
            (Tech::Sip, s("trunk"), s("${EXTEN}"), true, true),
            (Tech::Pjsip, s("itsp"), s("${NUM}"), true, false),
            (
                Tech::Pjsip,
                s("itsp"),
                s("${FILTER(0-9,${NUM})}"),
                true,
                true
            ),
            (Tech::Local, s("outbound"), s("${EXTEN}"), true, false),
        ]
    );
    // ${ARG1} carries what the caller passed to Gosub/Macro.
    assert_eq!(
        dials("sub-dial"),
        [(Tech::Iax2, s("peer"), s("${ARG1}"), true, false)]
    );
    assert_eq!(
        dials("macro-dialout"),
        [(Tech::Dahdi, s("g1"), s("${ARG1}"), true, false)]
    );
    // Read() gives DTMF digits only.
    assert_eq!(
        dials("other"),
        [(Tech::Sip, s("trunk"), s("${DIGITS}"), true, true)]
    );
}

#[test]
fn sinks_for_shell_sql_and_friends() {
    let pbx = model(&[("extensions.conf", DIALPLAN)]);
    let sinks: Vec<(SinkKind, &str, bool)> = pbx
        .dialplan
        .context("internal")
        .unwrap()
        .sinks
        .iter()
        .map(|s| (s.kind, s.name.as_str(), s.caller_controlled))
        .collect();
    assert_eq!(
        sinks,
        [
            (SinkKind::Shell, "System", true),
            (SinkKind::Shell, "SHELL", true),
            (SinkKind::Sql, "ODBC_LOOKUP", true),
        ]
    );
}

/// Secrets written in dial strings never reach the dump.
#[test]
fn dial_string_credentials_are_masked_in_the_dump() {
    let pbx = model(&[("extensions.conf", DIALPLAN)]);
    let json = serde_json::to_string(&pbx).unwrap();
    assert!(!json.contains("user:pw@"), "IAX2 secret leaked");
}

/// Taint reaches a use written before the assignment that carries it, through a chain of
/// variables and subroutine arguments: the dialplan is walked until nothing a walk read changes.
#[test]
fn taint_set_later_in_the_file_reaches_earlier_uses_through_variables_and_arguments() {
    const CHAIN: &str = "\
[reads-late]
exten => s,1,System(echo ${STEP2})
 same => n,Gosub(sub-shell,s,1(${STEP1}))

[sets-step2]
exten => s,1,Set(STEP2=${STEP1})

[sets-step1]
exten => _X.,1,Set(STEP1=${CALLERID(num)})

[sub-shell]
exten => s,1,System(run ${ARG1})

[clean]
exten => s,1,Set(SAFE=fixed)
 same => n,System(echo ${SAFE} ${UNSET})
";
    let pbx = model(&[("extensions.conf", CHAIN)]);
    let shell = |context: &str| -> Vec<bool> {
        let c = pbx.dialplan.context(context).unwrap();
        c.sinks.iter().map(|s| s.caller_controlled).collect()
    };
    // STEP1 is learned in the first walk, STEP2 (from STEP1) in the second, the argument of
    // sub-shell in the second too: a third walk finds nothing new.
    assert_eq!(shell("reads-late"), [true]);
    assert_eq!(shell("sub-shell"), [true]);
    assert_eq!(shell("clean"), [false]);
}
