//! PBX906 config-value-refused: a value chan_sip or res_pjsip refuses or reads otherwise than
//! written (the model's option table, `asterisk::model::option_values`).

use crate::asterisk::model::option_values::{Driver, Effect, Loss, RefusedValue};
use crate::asterisk::model::pjsip::{Dropped, PjsipConf};
use crate::asterisk::source::Pos;
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

use std::collections::HashMap;

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX906",
        name: "config-value-refused",
        severity: Severity::High,
        escalation: Some(
            "medium when only a feature is lost (NAT address, a listener option); low when a tuning value falls back to its default",
        ),
        summary: "a value Asterisk refuses or reads otherwise than written (the option, or the whole object, has no effect)",
        doc: RuleDoc {
            what: "Reports option values that chan_sip or res_pjsip do not accept, following each module's own parser: numeric-only addresses (`externaddr`, `bindaddr`), booleans where an unknown word silently means no (`alwaysauthreject`) or yes (`tcpenable`), enumerations (`insecure`, `nat`, `dtmfmode`, `identify_by`, `protocol`), ACL entries (a host name, a blank after a comma, `//` text), placeholders in `bind`/`match`/`host` (`x.x.x.x`, `(IPv4 Address)`, `PROVIDERIP`). High when the peer, endpoint, transport, identify or the whole module does not load, or a protection is lost; medium when a feature is lost; low for tuning values.",
            why: "Asterisk keeps loading and logs one line, if any: `externaddr=pbx.example.net` is dropped (\"Invalid address for externaddr keyword\") and NAT breaks; `alwaysauthreject=nope` turns the protection off; `insecure=very` leaves authentication on; a host name in `permit=` deletes the peer; a placeholder `bind` means no transport and every endpoint on it fails; a placeholder `match` means the identify does not exist. The configuration you review is not the one running.",
            example: "[general]\nexternaddr=pbx.home.example.net\n\n[provider]\ntype=identify\nendpoint=provider\nmatch=PROVIDERIP",
            instead: "[general]\nexternhost=pbx.home.example.net   ; the host-name option\n\n[provider]\ntype=identify\nendpoint=provider\nmatch=203.0.113.10",
            references: &[
                "Asterisk channels/chan_sip.c reload_config, build_peer, handle_common_options, set_insecure_flags",
                "Asterisk res/res_pjsip/config_transport.c transport_bind_handler; res_pjsip_endpoint_identifier_ip.c",
                "Asterisk main/acl.c append_ha_core; main/netsock2.c ast_sockaddr_parse",
            ],
        },
        fix: "write the value the way the module parses it (the finding says what it accepts)",
    },
    check: Check::Config(check_value_refused),
};

fn check_value_refused(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let mut values: Vec<&RefusedValue> = Vec::new();
    if let Some(sip) = &ctx.pbx.sip {
        values.extend(&sip.refused_values);
    }
    if let Some(pj) = &ctx.pbx.pjsip {
        values.extend(&pj.refused_values);
    }
    // A template's value is refused for every section inheriting it: one finding per line.
    let mut groups: Vec<(&RefusedValue, Vec<&str>)> = Vec::new();
    let mut group_of: HashMap<(Pos, &str), usize> = HashMap::new();
    for r in values {
        match group_of.get(&(r.pos, r.option.as_str())) {
            Some(&g) => groups[g].1.push(&r.section),
            None => {
                group_of.insert((r.pos, r.option.as_str()), groups.len());
                groups.push((r, vec![r.section.as_str()]));
            }
        }
    }
    for (r, sections) in groups {
        let module = match r.driver {
            Driver::ChanSip => "chan_sip",
            Driver::Pjsip => "res_pjsip",
        };
        let what = match (&r.object_type, r.driver) {
            (Some(t), _) => t.as_str(),
            (None, Driver::ChanSip) if r.section.eq_ignore_ascii_case("general") => "section",
            (None, _) => "peer",
        };
        let names = format!("`{}`", sections.join("`, `"));
        let consequence = match r.effect {
            Effect::Ignored => format!("{module} ignores the line"),
            Effect::ReadAs(x) => format!("{module} reads it as {x}"),
            Effect::ObjectDropped => format!("{what} {names} is not created"),
            Effect::ModuleNotLoaded => format!(
                "{module} refuses to load: nothing in sip.conf works (no peer, no registration)"
            ),
        };
        let extra = ctx
            .pbx
            .pjsip
            .as_ref()
            .filter(|_| r.effect == Effect::ObjectDropped && what == "transport")
            .map(|pj| transport_fallout(pj, &sections))
            .unwrap_or_default();
        let mut message = format!(
            "`{}={}` is refused ({}): {consequence}{extra}; {module} accepts {}",
            r.option, r.value, r.reason, r.expects
        );
        if sections.len() > 1 && r.effect != Effect::ObjectDropped {
            message.push_str(&format!("; {} sections inherit it", sections.len()));
        }
        let severity = match (r.effect, r.loss) {
            (Effect::ObjectDropped | Effect::ModuleNotLoaded, _) | (_, Loss::Protection) => {
                Severity::High
            }
            (_, Loss::Service) => Severity::Medium,
            (_, Loss::Minor) => Severity::Low,
        };
        sink.report(ctx.anchor(r.pos), message)
            .section(r.section.clone())
            .option(r.option.clone())
            .severity(severity)
            .fix(format!(
                "write a value {module} accepts (parsed by {})",
                r.parsed_by.replacen(" (", ": ", 1).trim_end_matches(')')
            ));
    }
}

/// What else fails when transports do not load: the endpoints that name them, and — with no
/// transport left at all — every registration.
fn transport_fallout(pj: &PjsipConf, transports: &[&str]) -> String {
    let users: Vec<&str> = pj
        .endpoints
        .iter()
        .filter(|e| {
            e.transport
                .as_ref()
                .is_some_and(|t| transports.contains(&t.value.as_str()))
        })
        .map(|e| e.meta.id.as_str())
        .collect();
    let mut out = String::new();
    if !users.is_empty() {
        out.push_str(&format!(
            "; endpoints `{}` name it: their calls fail (\"Unable to retrieve PJSIP transport\")",
            users.join("`, `")
        ));
    }
    if !pj.has_loading_transport() {
        out.push_str("; no transport loads at all, so res_pjsip listens nowhere");
        let regs: Vec<&str> = pj
            .registrations
            .iter()
            .filter(|r| r.meta.dropped == Some(Dropped::NoTransport))
            .map(|r| r.meta.id.as_str())
            .collect();
        if !regs.is_empty() {
            out.push_str(&format!(
                " and registrations `{}` are not created",
                regs.join("`, `")
            ));
        }
    }
    out
}
