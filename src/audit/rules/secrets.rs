//! PBX501–PBX503: secrets — strength, where they live, how they are hashed.

use crate::audit::context::AuditContext;
use crate::audit::finding::Sink;
use crate::audit::rule::{Check, Rule, RuleDoc};
use crate::audit::severity::Severity;

pub static WEAK_SECRET: Rule = Rule {
    code: "PBX501",
    name: "weak-secret",
    severity: Severity::High,
    escalation: None,
    summary: "a SIP/AMI secret is short, all digits, the account name, common, or reused",
    doc: RuleDoc {
        what: "Reports secrets (chan_sip `secret`, pjsip `auth` `password`, manager `secret`, WebSMS `auth_secret`) shorter than 12 characters, made of digits only, equal to the account or section name, in a list of common passwords, or shared by several accounts. The secret itself is never printed.",
        why: "SIP brute-forcing is automated and fast (thousands of guesses a minute per scanner). Short, numeric or name-derived secrets fall in minutes, and a reused secret turns one leak into several compromised accounts.",
        example: "[101]\ntype=friend\nsecret=101",
        instead: "[101]\ntype=friend\nsecret=<random, ≥16 characters, e.g. `openssl rand -base64 18`>",
        references: &["Twilio credential lists: passwords ≥12 characters with mixed case and a digit", "Asterisk README-SERIOUSLY.bestpractices.md, \"Secure passwords\""],
    },
    fix: "use a random secret of at least 16 characters, different for every account",
    check: Check::Config(check_weak_secret),
};

pub static PLAINTEXT_SECRET_IN_PROFILE: Rule = Rule {
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
    check: Check::Profile,
};

pub static DEPRECATED_AUTH_TYPE: Rule = Rule {
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
    check: Check::Config(check_deprecated_auth_type),
};
