//! PBX304–PBX306: Twilio's IP ranges (facts from `profiles/twilio.yaml`).

use crate::audit::context::AuditContext;
use crate::audit::finding::Sink;
use crate::audit::rule::{Check, Rule, RuleDoc};
use crate::audit::severity::Severity;

pub static STALE_RANGE: Rule = Rule {
    code: "PBX304",
    name: "twilio-stale-range",
    severity: Severity::High,
    escalation: None,
    summary: "an allowlist still names Twilio addresses Twilio no longer uses",
    doc: RuleDoc {
        what: "Reports `permit`, `match`, `host` and WebSMS source-list entries that fall in Twilio's retired lists — the 2013–2014 single signalling addresses and the regional media blocks retired on 21 Feb 2024 — and are not part of a current range (a current signalling /30 inside an old /23 media block is current, not stale).",
        why: "The retired addresses belong to AWS, which rents them to other customers: a `permit` for them lets a stranger in, unauthenticated, with your trunk's context. Meanwhile Twilio's real traffic arrives from addresses the list does not name, so calls fail over and fail.",
        example: "[twilio-us1]\ntype=peer\nhost=107.21.222.153\ninsecure=invite",
        instead: "; pjsip.conf\n[twilio]\ntype=identify\nendpoint=twilio\nmatch=54.172.60.0/30,54.244.51.0/30,54.171.127.192/30,35.156.191.128/30\nmatch=54.65.63.192/30,54.169.127.128/30,54.252.254.64/30,177.71.206.192/30",
        references: &["https://www.twilio.com/docs/sip-trunking/ip-addresses", "pbxgen profiles/twilio.yaml (`pbxgen twilio refresh`)"],
    },
    fix: "replace the retired addresses with Twilio's current ranges (`pbxgen twilio refresh`)",
    check: Check::Config(check_stale_range),
};

pub static MISSING_EDGE: Rule = Rule {
    code: "PBX305",
    name: "twilio-missing-edge",
    severity: Severity::Medium,
    escalation: None,
    summary: "a Twilio allowlist omits some of Twilio's current edges",
    doc: RuleDoc {
        what: "Reports endpoints/peers allowlisting Twilio signalling addresses that do not cover every current edge's range (ashburn, umatilla, dublin, frankfurt, tokyo, singapore, sydney, sao-paulo).",
        why: "Twilio fails calls over between edges and tells customers to allow all of them. An allowlist with only the nearest edge works until the day that edge is drained — then inbound calls are rejected (or land in the guest context).",
        example: "[twilio]\ntype=identify\nendpoint=twilio\nmatch=54.172.60.0/30",
        instead: "[twilio]\ntype=identify\nendpoint=twilio\nmatch=54.172.60.0/30,54.244.51.0/30,54.171.127.192/30,35.156.191.128/30\nmatch=54.65.63.192/30,54.169.127.128/30,54.252.254.64/30,177.71.206.192/30",
        references: &["https://www.twilio.com/docs/sip-trunking/ip-addresses (\"allow all edges\")"],
    },
    fix: "allow every current Twilio edge (`pbxgen twilio refresh` keeps the list)",
    check: Check::Config(check_missing_edge),
};

pub static SHARED_RANGE_REACHES_MONEY: Rule = Rule {
    code: "PBX306",
    name: "twilio-shared-range-reaches-money",
    severity: Severity::Critical,
    escalation: None,
    summary: "an endpoint identified by Twilio's shared IPs can dial out with caller-chosen digits",
    doc: RuleDoc {
        what: "Reports endpoints/peers identified only by Twilio addresses (current or retired) whose context reaches a trunk `Dial` with digits the caller chooses. The path is printed.",
        why: "Twilio's signalling addresses are shared by every Twilio customer. An endpoint identified by them alone accepts calls from any Twilio account: someone with a $20 trial account can point a SIP domain at your PBX and use your trunk (or your landline) to call premium numbers.",
        example: "[twilio]\ntype=identify\nendpoint=twilio\nmatch=54.172.60.0/30\n\n; extensions.conf\n[from-twilio]\nexten => _X.,1,Dial(PJSIP/${EXTEN}@atapstn)",
        instead: "; extensions.conf: the Twilio context rings local phones only\n[from-twilio]\nexten => _X.,1,Dial(PJSIP/101)",
        references: &["https://www.twilio.com/docs/sip-trunking/ip-addresses", "pbxgen shared/spec/twilio.md, \"Identification traps\""],
    },
    fix: "make the Twilio context reach local destinations only, or authenticate the calls",
    check: Check::Config(check_shared_range_reaches_money),
};
