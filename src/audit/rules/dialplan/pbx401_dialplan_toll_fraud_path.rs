//! PBX401 dialplan-toll-fraud-path.

use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
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
    },
    check: Check::Config(check_toll_fraud_path),
};

fn check_toll_fraud_path(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    for (dial, reached) in ctx.reach().unbounded_dials(ctx.pbx) {
        let entry = &ctx.reach().entries[reached.entry];
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
