//! PBX704 websms-layout-mixed.

use crate::asterisk::model::websms::WebsmsLayout;
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX704",
        name: "websms-layout-mixed",
        severity: Severity::Medium,
        escalation: None,
        summary: "legacy and current WebSMS key names mixed, or unquoted yes/no/true/false/null",
        doc: RuleDoc {
            what: "Reports a `websms.conf` that uses key names of both the legacy (before v0.8.0) and current layouts, and values `yes`, `no`, `true`, `false`, `null`, `none`, `on`, `off` that are not double-quoted.",
            why: "WebSMS reads only one layout: keys of the other are ignored silently — a `permit_addr` in a current-layout file protects nothing. PHP's `parse_ini_file` turns unquoted `yes`/`no`/`null` into `1`/`\"\"`, so `archive = no` becomes an empty string and a reply check `resp_check = status=null` breaks.",
            example: "[websmsd]\nremt_addr = 185.45.152.42\npermit_addr = 185.45.152.42\n[astqueue]\narchive = no",
            instead: "[websmsd]\nremt_addr = 185.45.152.42\n[astqueue]\narchive = \"no\"",
            references: &[
                "mlan/docker-asterisk src/websms README (key renames in v0.8.0)",
                "PHP manual: parse_ini_file",
            ],
        },
        fix: "use the current key names only, and quote yes/no/true/false/null values",
    },
    check: Check::Config(check_layout_mixed),
};

fn check_layout_mixed(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(ws) = &ctx.pbx.websms else { return };
    if ws.layout == WebsmsLayout::Mixed {
        let keys = ws
            .sections
            .iter()
            .flat_map(|s| s.keys.iter().map(move |k| (s, k)));
        let legacy: Vec<_> = keys
            .filter(|(_, k)| k.layout == Some(WebsmsLayout::Legacy))
            .collect();
        if let Some((s, k)) = legacy.first() {
            sink.report(
                ctx.anchor(k.pos),
                format!("legacy key `{}` in a file that also uses current key names: WebSMS reads one layout and ignores the other", k.name),
            )
            .section(s.name.clone())
            .option(k.name.clone());
        }
    }
    for k in &ws.unquoted_literals {
        sink.report(
            ctx.anchor(k.pos),
            format!(
                "`{} = {}` is not quoted: PHP's parse_ini_file turns it into a boolean/null",
                k.name, k.value
            ),
        )
        .option(k.name.clone());
    }
}
