//! PBX502 plaintext-secret-in-profile.

use crate::audit::engine::{Check, ProfileContext, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX502",
        name: "plaintext-secret-in-profile",
        severity: Severity::Medium,
        escalation: None,
        summary: "a site profile holds a secret inline instead of a `${env:…}`/`${file:…}` reference",
        doc: RuleDoc {
            what: "Reports secrets written literally in a site profile (`audit --profile`).",
            why: "Profiles are meant to live in git and CI logs; an inline secret is shared with everybody who can read the repository and stays in its history forever.",
            example: "trunks:\n  - name: twilio\n    password: hunter2hunter2",
            instead: "trunks:\n  - name: twilio\n    password: ${env:TWILIO_SIP_PASSWORD}",
            references: &["pbxgen README, \"Secrets\""],
        },
        fix: "replace the value with `${env:NAME}` or `${file:/run/secrets/NAME}`",
    },
    check: Check::Profile(check_plaintext_secret_in_profile),
};

fn check_plaintext_secret_in_profile(ctx: &ProfileContext<'_>, sink: &mut Sink<'_>) {
    for used in ctx.profile.inline_secrets() {
        let loc = used.secret.pos().location();
        let field = used.field.to_string();
        sink.report(
            ctx.anchor_secret(&loc),
            format!("`{field}` is written inline in the profile"),
        )
        .option(field);
    }
}
