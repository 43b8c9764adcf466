//! PBX503 deprecated-auth-type.

use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX503",
        name: "deprecated-auth-type",
        severity: Severity::Low,
        escalation: None,
        summary: "`auth_type=userpass`/`md5` or chan_sip `md5secret` where `digest` is available",
        doc: RuleDoc {
            what: "Reports pjsip auths with `auth_type=md5` or `userpass` when the target Asterisk supports `digest` (set `--asterisk-version 20` or later), and chan_sip `md5secret`.",
            why: "An MD5 credential (`md5_cred`, `md5secret`) is the password-equivalent hash of user:realm:password — it authenticates as well as the password does, and MD5 digests cannot move to SHA-256 digest authentication. Newer Asterisk versions deprecate `userpass`/`md5` in favour of `digest` with `password_digest`.",
            example: "[101]\ntype=auth\nauth_type=md5\nmd5_cred=…",
            instead: "[101]\ntype=auth\nauth_type=digest\npassword=…",
            references: &["Asterisk pjsip.conf (21+): auth_type=digest, password_digest"],
        },
        fix: "use `auth_type=digest` with `password=` (chan_sip: `secret=`)",
    },
    check: Check::Config(check_deprecated_auth_type),
};

fn check_deprecated_auth_type(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    if let Some(pj) = &ctx.pbx.pjsip {
        for a in &pj.auths {
            let Some(pos) = a.auth_type.pos else { continue };
            let t = a.auth_type.value.trim().to_ascii_lowercase();
            let digest_available = ctx.asterisk_version.is_some_and(|v| v >= 20);
            if t == "md5" || (t == "userpass" && digest_available) {
                sink.report(
                    ctx.anchor(pos),
                    format!("auth `{}` uses the deprecated `auth_type={t}`", a.meta.id),
                )
                .section(a.meta.id.clone())
                .option("auth_type");
            }
        }
    }
    if let Some(sip) = &ctx.pbx.sip {
        for p in &sip.peers {
            if let Some(m) = &p.md5secret() {
                sink.report(
                    ctx.anchor(m.pos.unwrap_or(p.pos)),
                    format!(
                        "peer `{}` uses `md5secret`, a password-equivalent MD5 hash",
                        p.name
                    ),
                )
                .section(p.name.clone())
                .option("md5secret");
            }
        }
    }
}
