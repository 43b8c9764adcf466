//! PBX201 pjsip-anonymous-endpoint.

use crate::audit::analysis::reach::{EntryKind, Money};
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX201",
        name: "pjsip-anonymous-endpoint",
        severity: Severity::High,
        escalation: Some("critical when its context reaches a trunk with caller-chosen digits"),
        summary: "an `anonymous` pjsip endpoint accepts calls nothing else identifies",
        doc: RuleDoc {
            what: "Reports a pjsip endpoint named `anonymous` (or `anonymous@domain`). When its context can reach a trunk with digits the caller chooses, the finding is critical and prints the path.",
            why: "res_pjsip routes every request that no `identify` or authentication matches to the `anonymous` endpoint: it is pjsip's `allowguest=yes`. Any scanner on the internet lands in its context.",
            example: "[anonymous]\ntype=endpoint\ncontext=public",
            instead: "; no anonymous endpoint: identify providers by IP with type=identify\n[twilio]\ntype=identify\nendpoint=twilio\nmatch=54.172.60.0/30",
            references: &[
                "res_pjsip_endpoint_identifier_anonymous",
                "Asterisk pjsip.conf.sample: anonymous",
            ],
        },
        fix: "delete the anonymous endpoint, or give it a context that only plays a message",
    },
    check: Check::Config(check_anonymous_endpoint),
};

fn check_anonymous_endpoint(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(pj) = &ctx.pbx.pjsip else { return };
    for e in pj.anonymous_endpoints() {
        let mut message = format!(
            "endpoint `{}` receives every call nothing else identifies, unauthenticated, into context `{}`",
            e.meta.id, e.context.value
        );
        let money = ctx.entry_money(EntryKind::Anonymous, &e.meta.id, Money::Bounded);
        let f = sink.report(ctx.anchor(e.meta.pos), String::new());
        f.section(e.meta.id.clone());
        if let Some(m) = money {
            message.push_str(&format!("; that context {}", m.describe()));
            f.severity(Severity::Critical).path(m.path);
        }
        f.message = message;
    }
}
