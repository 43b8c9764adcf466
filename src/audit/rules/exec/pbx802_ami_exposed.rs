//! PBX802 ami-exposed.

use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
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
    },
    check: Check::Config(check_ami_exposed),
};

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
