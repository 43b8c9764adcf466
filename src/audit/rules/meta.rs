//! PBX001–PBX003: findings about `; pbxgen: ignore[…]` comments themselves (see `suppress.rs`).

use crate::audit::rule::{Check, Rule, RuleDoc};
use crate::audit::severity::Severity;

pub static SUPPRESSION_WITHOUT_REASON: Rule = Rule {
    code: "PBX001",
    name: "suppression-without-reason",
    severity: Severity::Medium,
    escalation: None,
    summary: "a `; pbxgen: ignore[…]` comment gives no reason",
    doc: RuleDoc {
        what: "Reports suppression comments that name rules but say nothing about why the finding is acceptable. The suppression still applies.",
        why: "A suppression hides a security finding from every later reader and every CI run. Without a reason nobody can tell whether the risk was understood and accepted, or silenced to make CI green; reviews of old suppressions become guesswork.",
        example: "[general]\nallowguest=yes ; pbxgen: ignore[PBX101]",
        instead: "[general]\nallowguest=yes ; pbxgen: ignore[PBX101] lab box on a private LAN, no trunks",
        references: &["pbxgen README, \"Suppressions\""],
    },
    fix: "write why the finding is acceptable after the `]`",
    check: Check::Meta,
};

pub static UNUSED_SUPPRESSION: Rule = Rule {
    code: "PBX002",
    name: "unused-suppression",
    severity: Severity::Low,
    escalation: None,
    summary: "a `; pbxgen: ignore[…]` comment suppresses nothing",
    doc: RuleDoc {
        what: "Reports suppressions whose rule reports nothing on the line they cover (the comment's line and the next code line) or, for `ignore-file`, in the file.",
        why: "A stale suppression is a trap: the risky line it was written for has moved or been fixed, and the next risky line that lands under it will be silenced without anyone deciding so.",
        example: "; pbxgen: ignore[PBX103] Twilio origination, IP-limited\n[twilio]\ntype=peer\nhost=54.172.60.1",
        instead: "[twilio]\ntype=peer\nhost=54.172.60.1",
        references: &["pbxgen README, \"Suppressions\""],
    },
    fix: "delete the suppression, or move it to the line it is meant for",
    check: Check::Meta,
};

pub static SUPPRESSION_UNKNOWN_RULE: Rule = Rule {
    code: "PBX003",
    name: "suppression-unknown-rule",
    severity: Severity::Low,
    escalation: None,
    summary: "a `; pbxgen: ignore[…]` comment names no known rule",
    doc: RuleDoc {
        what: "Reports suppressions naming a code or name that is not a pbxgen rule (a typo, or a rule of another tool).",
        why: "A misspelt suppression silences nothing, so the finding it was meant for still fails CI — or, worse, the author believes a risk is documented as accepted when the comment is inert.",
        example: "allowguest=yes ; pbxgen: ignore[PBX10] lab box",
        instead: "allowguest=yes ; pbxgen: ignore[PBX101] lab box",
        references: &["`pbxgen rules` lists every code and name"],
    },
    fix: "use a code or name listed by `pbxgen rules`",
    check: Check::Meta,
};
