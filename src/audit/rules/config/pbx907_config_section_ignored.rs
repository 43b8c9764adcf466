//! PBX907 config-section-ignored: a section the channel driver skips, with every setting in it.

use crate::asterisk::model::sip::{IgnoredSection, SkipCause};
use crate::asterisk::syntax::ConfigFile;
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};
use std::collections::HashSet;

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX907",
        name: "config-section-ignored",
        severity: Severity::Medium,
        escalation: Some(
            "high when it holds a security setting (`allowguest`, `permit`, `secret`, …); low when other sections inherit from it (a template without `(!)`)",
        ),
        summary: "a section chan_sip or res_pjsip skips (no `type=`, an unknown type): its settings do nothing",
        doc: RuleDoc {
            what: "Reports sip.conf sections chan_sip skips (no `type=`: \"Section 'x' lacks type\"; a type other than peer/user/friend) and pjsip.conf sections with no `type=` (res_pjsip ignores them silently). High when the section holds a security setting — above all `[general]`-only options such as `allowguest=no`, which chan_sip reads nowhere else; low when other sections inherit from it (it works as a template, only without `(!)`).",
            why: "chan_sip reads `allowguest`, `alwaysauthreject`, `autocreatepeer`, `bindaddr` … only in `[general]`, and skips a section without `type=` entirely. A real config puts `allowguest=no` in a typeless `[default]`: the site stays open to guests while its author believes it closed.",
            example: "[general]\ncontext=public\n\n[default]\nallowguest=no",
            instead: "[general]\ncontext=public\nallowguest=no",
            references: &[
                "Asterisk channels/chan_sip.c reload_config (\"Section '%s' lacks type\", \"Unknown type '%s' for '%s' in sip.conf\")",
                "Asterisk res/res_sorcery_config.c (sections are matched to object types by `type=`)",
            ],
        },
        fix: "move the settings into the section that reads them (`[general]`, or a peer with `type=`), or mark a template `(!)`",
    },
    check: Check::Config(check_section_ignored),
};

/// Options that protect the PBX; in a skipped section they silently do nothing.
const SECURITY_OPTIONS: &[&str] = &[
    "allowguest",
    "alwaysauthreject",
    "autocreatepeer",
    "match_auth_username",
    "context",
    "insecure",
    "trustrpid",
    "permit",
    "deny",
    "acl",
    "contactpermit",
    "contactdeny",
    "contactacl",
    "contact_permit",
    "contact_deny",
    "contact_acl",
    "secret",
    "md5secret",
    "auth",
    "password",
    "identify_by",
    "match",
    "bindaddr",
    "udpbindaddr",
    "tcpenable",
    "tcpbindaddr",
    "tlsenable",
    "tlsbindaddr",
    "bind",
];

/// Options chan_sip reads only in `[general]`.
const GENERAL_ONLY: &[&str] = &[
    "allowguest",
    "alwaysauthreject",
    "autocreatepeer",
    "match_auth_username",
    "bindaddr",
    "udpbindaddr",
    "tcpenable",
    "tcpbindaddr",
    "tlsenable",
    "tlsbindaddr",
];

fn check_section_ignored(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    if let Some(sip) = &ctx.pbx.sip {
        let file = &ctx.pbx.config.files[sip.file as usize];
        report(ctx, sink, file, &sip.ignored_sections, "chan_sip");
    }
    if let Some(pj) = &ctx.pbx.pjsip {
        let file = &ctx.pbx.config.files[pj.file as usize];
        report(ctx, sink, file, &pj.untyped_sections, "res_pjsip");
    }
}

fn report(
    ctx: &AuditContext<'_>,
    sink: &mut Sink<'_>,
    file: &ConfigFile,
    sections: &[IgnoredSection],
    module: &str,
) {
    let skipped: Vec<&IgnoredSection> = sections
        .iter()
        .filter(|s| s.cause != SkipCause::ValueRefused)
        .collect();
    if skipped.is_empty() {
        return;
    }
    let bases: HashSet<&str> = file
        .sections
        .iter()
        .flat_map(|s| s.bases.iter().map(|b| b.as_str()))
        .collect();
    for ign in skipped {
        let section = ctx.pbx.section(ign.section);
        let own: Vec<&str> = section
            .variables
            .entries()
            .filter(|e| e.inherited_from.is_none())
            .map(|e| e.variable.name.as_str())
            .collect();
        let is = |list: &[&str], n: &str| list.iter().any(|o| o.eq_ignore_ascii_case(n));
        let mut security: Vec<&str> = Vec::new();
        for n in own.iter().copied().filter(|n| is(SECURITY_OPTIONS, n)) {
            if !is(&security, n) {
                security.push(n);
            }
        }
        let why = match ign.cause {
            SkipCause::NoType => format!("has no `type=`: {module} skips it"),
            _ => format!("has {}: {module} skips it", ign.reason),
        };
        let mut message = format!("[{}] {why}", ign.name);
        let severity = if bases.contains(ign.name.as_str()) {
            message.push_str(
                " (other sections inherit from it, so it only works as a template: mark it `(!)`)",
            );
            Severity::Low
        } else if security.is_empty() {
            if own.is_empty() {
                message.push_str(" (it is empty)");
            } else {
                message.push_str(&format!(
                    " with its settings (`{}`)",
                    own.iter().take(5).copied().collect::<Vec<_>>().join("`, `")
                ));
            }
            Severity::Medium
        } else {
            let general_only: Vec<&str> = security
                .iter()
                .copied()
                .filter(|n| module == "chan_sip" && is(GENERAL_ONLY, n))
                .collect();
            let values: Vec<String> = security
                .iter()
                .filter_map(|n| section.get(n))
                .map(|v| {
                    let shown = crate::redact::value::mask_option_value(&v.name, &v.value);
                    format!("{}={}", v.name, shown)
                })
                .collect();
            message.push_str(&format!(", so `{}` does nothing here", values.join("`, `")));
            if !general_only.is_empty() {
                message.push_str(&format!(
                    " (chan_sip reads `{}` only in [general])",
                    general_only.join("`, `")
                ));
            }
            Severity::High
        };
        sink.report(ctx.anchor(ign.pos), message)
            .section(ign.name.clone())
            .severity(severity);
    }
}
