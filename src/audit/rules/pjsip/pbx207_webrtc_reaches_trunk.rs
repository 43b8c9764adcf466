//! PBX207 webrtc-reaches-trunk.

use crate::audit::analysis::reach::{EntryKind, Money};
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX207",
        name: "webrtc-reaches-trunk",
        severity: Severity::Critical,
        escalation: Some("high when the only trunk `Dial` it reaches uses a fixed number"),
        summary: "a WebRTC/WebSocket endpoint (public credentials) can reach a trunk `Dial`",
        doc: RuleDoc {
            what: "Treats every pjsip endpoint meant for web pages — `webrtc=yes`, or `transport=` naming a `ws`/`wss` transport — as an untrusted entry point, and reports it when its context reaches a `Dial` through a trunk: critical when the caller chooses the digits, high when the number is fixed. The path from the endpoint to the `Dial` is printed.",
            why: "A click-to-call page's JavaScript (or the WebRTC gateway behind it) holds the account's user name and password, so every visitor has them: they can be lifted from the page and used from any SIP or WebRTC client. Whatever that account's context reaches, the public reaches — with a path to an outbound route, anyone can call premium or international numbers at your expense.",
            example: "[web](!)\ntype=endpoint\nwebrtc=yes\n[click-to-call](web)\ncontext=from-internal   ; includes the outbound routes\nauth=click-to-call",
            instead: "; extensions.conf: a context that rings one callee, whatever is dialled\n[click-to-call]\nexten => _[0-9*#+].,1,Dial(PJSIP/203,30)",
            references: &[
                "Asterisk res_pjsip_transport_websocket, pjsip.conf.sample: webrtc",
                "\"Click to Call\" security write-up: credentials in page JavaScript are public",
            ],
        },
        fix: "give the endpoint a context that dials its one callee and nothing else (no include, no jump out)",
    },
    check: Check::Config(check_webrtc_reaches_trunk),
};

fn check_webrtc_reaches_trunk(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    for (i, e) in ctx
        .reach()
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == EntryKind::Web)
    {
        let Some(m) = ctx.reach().entry_money(ctx.pbx, i, Money::Bounded) else {
            continue;
        };
        let f = sink.report(
            ctx.anchor(e.pos),
            format!(
                "`{}` is an endpoint for web pages: its credentials are public, so anyone can call into `{}`, which {}",
                e.source,
                e.context,
                m.describe()
            ),
        );
        f.section(e.source.clone()).option("context");
        if m.money == Money::Bounded {
            f.severity(Severity::High);
        }
        f.path(m.path);
    }
}
