//! PBX801 exec-includes: `#exec`, `execincludes=yes` or `live_dangerously=yes`.

use crate::asterisk::syntax::DirectiveKind;
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX801",
        name: "exec-includes",
        severity: Severity::High,
        escalation: None,
        summary: "`#exec`, `execincludes=yes` or `live_dangerously=yes`",
        doc: RuleDoc {
            what: "Reports `#exec` directives in any config file, and `execincludes=yes` or `live_dangerously=yes` in `asterisk.conf`.",
            why: "`#exec` runs a shell command at every reload; with `execincludes=yes`, anyone who can write a config file (a web GUI, a provisioning script) runs code as Asterisk. `live_dangerously=yes` re-enables dialplan functions like `SHELL()` and `FILE()` from external sources such as AMI and ARI.",
            example: "; asterisk.conf\n[options]\nexecincludes=yes\nlive_dangerously=yes",
            instead: "; asterisk.conf\n[options]\nexecincludes=no\nlive_dangerously=no",
            references: &[
                "Asterisk asterisk.conf.sample: execincludes, live_dangerously",
                "Asterisk 12.8/11.17 UPGRADE notes: live_dangerously guards SHELL(), FILE() and System from AMI/ARI",
            ],
        },
        fix: "replace `#exec` with generated files and `#include`; set `execincludes=no`, `live_dangerously=no`",
    },
    check: Check::Config(check_exec_includes),
};

fn check_exec_includes(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    for file in &ctx.pbx.config.files {
        for d in file
            .directives
            .iter()
            .filter(|d| d.kind == DirectiveKind::Exec)
        {
            sink.report(
                ctx.anchor(d.pos),
                format!(
                    "`#exec {}` runs a shell command at every reload",
                    d.argument
                ),
            );
        }
    }
    if let Some(a) = &ctx.pbx.asterisk {
        for (name, v) in [
            ("execincludes", &a.execincludes),
            ("live_dangerously", &a.live_dangerously),
        ] {
            if let (true, Some(pos)) = (v.value, v.pos) {
                let what = if name == "execincludes" {
                    "`#exec` directives in any config file run shell commands"
                } else {
                    "AMI/ARI clients may call dangerous dialplan functions such as SHELL()"
                };
                sink.report(ctx.anchor(pos), format!("`{name}=yes`: {what}"))
                    .section("options")
                    .option(name);
            }
        }
    }
}
