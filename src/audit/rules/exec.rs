//! PBX801–PBX802: running commands — `#exec`, `live_dangerously`, the manager interface.

use crate::asterisk::syntax::DirectiveKind;
use crate::audit::context::AuditContext;
use crate::audit::finding::Sink;
use crate::audit::rule::{Check, Rule, RuleDoc};
use crate::audit::severity::Severity;

pub static EXEC_INCLUDES: Rule = Rule {
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
    check: Check::Config(check_exec_includes),
};

pub static AMI_EXPOSED: Rule = Rule {
    code: "PBX802",
    name: "ami-exposed",
    severity: Severity::High,
    escalation: None,
    summary: "the manager interface listens publicly without an ACL, or grants `system`/`originate`",
    doc: RuleDoc {
        what: "Reports `manager.conf` with `enabled=yes` on a non-loopback `bindaddr` where a user has no `deny`/`permit` ACL, and manager users with `system`, `originate` or `all` write permission.",
        why: "AMI users with `originate` place calls on any trunk; with `system` they run shell commands. Exposed to the internet, a guessed or leaked AMI secret is a full PBX takeover.",
        example: "[general]\nenabled=yes\nbindaddr=0.0.0.0\n\n[admin]\nsecret=…\nwrite=all",
        instead: "[general]\nenabled=yes\nbindaddr=127.0.0.1\n\n[admin]\nsecret=…\ndeny=0.0.0.0/0.0.0.0\npermit=127.0.0.1/255.255.255.255\nwrite=call,reporting",
        references: &[
            "Asterisk manager.conf.sample",
            "Asterisk AMI permissions: system, originate",
        ],
    },
    fix: "bind AMI to 127.0.0.1, add `deny`/`permit` per user, drop `system`/`originate`/`all`",
    check: Check::Config(check_ami_exposed),
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

fn check_ami_exposed(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(m) = &ctx.pbx.manager else { return };
    if !m.enabled.value {
        return;
    }
    let bind = m.bindaddr.value.trim();
    let public = bind
        .parse::<std::net::IpAddr>()
        .map_or(true, |ip| !ip.is_loopback());
    for u in &m.users {
        if public && u.acl.is_empty() {
            sink.report(
                ctx.anchor(u.pos),
                format!(
                    "manager user `{}` has no `deny`/`permit` while AMI listens on `{bind}`",
                    u.name
                ),
            )
            .section(u.name.clone());
        }
        for class in ["all", "system", "originate"] {
            if u.can_write(class) {
                let pos = u.write.first().and_then(|w| w.pos).unwrap_or(u.pos);
                sink.report(
                    ctx.anchor(pos),
                    format!("manager user `{}` may `{class}`: a leaked secret runs commands or places calls", u.name),
                )
                .section(u.name.clone())
                .option("write");
                break;
            }
        }
    }
}
