//! PBX104 sip-autocreatepeer: `autocreatepeer=yes` creates a peer for any device that registers.

use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX104",
        name: "sip-autocreatepeer",
        severity: Severity::High,
        escalation: None,
        summary: "`autocreatepeer=yes` creates a peer for any device that registers",
        doc: RuleDoc {
            what: "Reports `autocreatepeer=yes` in `sip.conf` `[general]`.",
            why: "chan_sip then builds a peer from any REGISTER it receives, with no password, using `[general]` defaults — including its context. Any internet host can register and place calls. The option exists for SIP proxies in front of Asterisk, never for a PBX on the internet.",
            example: "[general]\nautocreatepeer=yes",
            instead: "[general]\nautocreatepeer=no   ; the default: define each peer with a secret",
            references: &["Asterisk sip.conf.sample: autocreatepeer"],
        },
        fix: "remove `autocreatepeer=yes`",
    },
    check: Check::Config(check_autocreatepeer),
};

fn check_autocreatepeer(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(sip) = &ctx.pbx.sip else { return };
    let v = &sip.general.autocreatepeer;
    if let (true, Some(pos)) = (v.value, v.pos) {
        sink.report(
            ctx.anchor(pos),
            format!(
                "any device that registers becomes a peer with no password, landing in `{}`",
                sip.general.context.value
            ),
        )
        .section("general")
        .option("autocreatepeer");
    }
}
