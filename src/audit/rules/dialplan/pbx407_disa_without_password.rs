//! PBX407 disa-without-password: `DISA(no-password,…)` gives any caller a dial tone.

use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
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
    },
    check: Check::Config(check_disa_without_password),
};

fn check_disa_without_password(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    for c in &ctx.pbx.dialplan.contexts {
        for e in &c.extensions {
            for p in e
                .priorities
                .iter()
                .filter(|p| p.app.eq_ignore_ascii_case("DISA"))
            {
                let args = p.args();
                let pw = args.first().map(|a| a.trim()).unwrap_or("");
                if pw.is_empty() || pw.eq_ignore_ascii_case("no-password") {
                    let target = args
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
