//! PBX203 pjsip-identify-header-only: an `identify` matches on a header or Request-URI alone.

use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX203",
        name: "pjsip-identify-header-only",
        severity: Severity::High,
        escalation: None,
        summary: "an `identify` matches on a header or Request-URI alone",
        doc: RuleDoc {
            what: "Reports `type=identify` sections with `match_header` or `match_request_uri` but no `match=` address list.",
            why: "Headers and Request-URIs are written by the sender: anyone can send `X-Provider: trunk` or dial the right URI and be identified as your trunk, unauthenticated. They are fine to tell two endpoints behind the same IPs apart, never on their own.",
            example: "[twilio]\ntype=identify\nendpoint=twilio\nmatch_header=X-Twilio-AccountSid: AC123",
            instead: "[twilio]\ntype=identify\nendpoint=twilio\nmatch=54.172.60.0/30,54.244.51.0/30\nmatch_header=X-Twilio-AccountSid: AC123",
            references: &["Asterisk pjsip.conf.sample: match_header, match_request_uri"],
        },
        fix: "add `match=` with the provider's addresses (keep the header match as a second condition)",
    },
    check: Check::Config(check_identify_header_only),
};

fn check_identify_header_only(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(pj) = &ctx.pbx.pjsip else { return };
    for i in pj
        .identifies
        .iter()
        .filter(|i| !i.meta.is_refused() && i.matches.is_empty())
    {
        let (option, v) = match (&i.match_header, &i.match_request_uri) {
            (Some(h), _) => ("match_header", h),
            (None, Some(u)) => ("match_request_uri", u),
            (None, None) => continue,
        };
        let endpoint = i.endpoint.as_ref().map_or("?", |e| e.value.as_str());
        sink.report(
            ctx.anchor(v.pos.unwrap_or(i.meta.pos)),
            format!("identify `{}` names endpoint `{endpoint}` by `{option}` alone: any sender can write that", i.meta.id),
        )
        .section(i.meta.id.clone())
        .option(option);
    }
}
