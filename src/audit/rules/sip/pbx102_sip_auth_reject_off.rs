//! PBX102 sip-auth-reject-off: `alwaysauthreject=no` tells scanners which accounts exist.

use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX102",
        name: "sip-auth-reject-off",
        severity: Severity::High,
        escalation: None,
        summary: "`alwaysauthreject=no` tells scanners which accounts exist",
        doc: RuleDoc {
            what: "Reports `alwaysauthreject=no` in `sip.conf` `[general]`.",
            why: "With `alwaysauthreject=no`, chan_sip answers a REGISTER or INVITE for an unknown user with `404 Not Found` but for a known one with `401`/`403`: scanners (sipvicious `svwar`) enumerate your extensions in seconds and then brute-force only the real ones.",
            example: "[general]\nalwaysauthreject=no",
            instead: "[general]\nalwaysauthreject=yes   ; the default since Asterisk 1.8",
            references: &[
                "Asterisk sip.conf.sample: alwaysauthreject",
                "AST-2009-003 (user enumeration)",
            ],
        },
        fix: "remove `alwaysauthreject=no` (the default is yes)",
    },
    check: Check::Config(check_auth_reject_off),
};

fn check_auth_reject_off(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(sip) = &ctx.pbx.sip else { return };
    let v = &sip.general.alwaysauthreject;
    if let (false, Some(pos)) = (v.value, v.pos) {
        sink.report(
            ctx.anchor(pos),
            "unknown users get a different answer than known ones: scanners can list your accounts",
        )
        .section("general")
        .option("alwaysauthreject");
    }
}
