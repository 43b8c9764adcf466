//! PBX601–PBX603: TLS and SRTP.

use crate::audit::context::AuditContext;
use crate::audit::finding::Sink;
use crate::audit::rule::{Check, Rule, RuleDoc};
use crate::audit::severity::Severity;

pub static WEAK_METHOD: Rule = Rule {
    code: "PBX601",
    name: "tls-weak-method",
    severity: Severity::High,
    escalation: None,
    summary: "a TLS transport allows SSLv2/SSLv3/TLS 1.0/TLS 1.1",
    doc: RuleDoc {
        what: "Reports pjsip transports with `method=sslv2|sslv3|sslv23|tlsv1|tlsv1_1` and chan_sip `tlsclientmethod=` with the same values.",
        why: "These protocol versions have practical attacks (POODLE, BEAST, downgrade) and are refused by providers: Twilio accepts TLS 1.2 and later only, so calls fail, and whatever still negotiates them is readable by a network attacker.",
        example: "[transport-tls]\ntype=transport\nprotocol=tls\nmethod=tlsv1",
        instead: "[transport-tls]\ntype=transport\nprotocol=tls\nmethod=tlsv1_2",
        references: &["RFC 8996 (deprecating TLS 1.0 and 1.1)", "Twilio: TLS 1.2+ on 5061"],
    },
    fix: "set `method=tlsv1_2` (or newer)",
    check: Check::Config(check_weak_method),
};

pub static NO_VERIFY: Rule = Rule {
    code: "PBX602",
    name: "tls-no-verify",
    severity: Severity::Medium,
    escalation: None,
    summary: "TLS to providers without certificate verification",
    doc: RuleDoc {
        what: "Reports TLS transports used for outbound connections without `verify_server=yes` (pjsip) and chan_sip `tlsdontverifyserver=yes`.",
        why: "Without verification, anyone on the path can present a certificate and read or change the signalling — including SRTP keys sent in SDES and the digest exchange. TLS then protects against nothing but passive sniffing.",
        example: "[transport-tls]\ntype=transport\nprotocol=tls\nverify_server=no",
        instead: "[transport-tls]\ntype=transport\nprotocol=tls\nverify_server=yes\nca_list_file=/etc/ssl/certs/ca-certificates.crt",
        references: &["Asterisk pjsip.conf.sample: verify_server (default no)"],
    },
    fix: "set `verify_server=yes` and a `ca_list_file`",
    check: Check::Config(check_no_verify),
};

pub static SRTP_OVER_PLAIN_SIP: Rule = Rule {
    code: "PBX603",
    name: "srtp-over-plain-sip",
    severity: Severity::Medium,
    escalation: None,
    summary: "`media_encryption=sdes` on an endpoint whose transport is not TLS",
    doc: RuleDoc {
        what: "Reports endpoints with `media_encryption=sdes` (chan_sip: `encryption=yes`) whose transport is UDP or TCP.",
        why: "SDES carries the SRTP master keys in the SDP, in clear text over UDP/TCP: anyone who can see the signalling can decrypt the media. It looks encrypted and is not.",
        example: "[101]\ntype=endpoint\ntransport=transport-udp\nmedia_encryption=sdes",
        instead: "[101]\ntype=endpoint\ntransport=transport-tls\nmedia_encryption=sdes",
        references: &["RFC 4568 (SDES): keys must be protected by the signalling"],
    },
    fix: "use a TLS transport for endpoints with SDES-SRTP (or DTLS-SRTP)",
    check: Check::Config(check_srtp_over_plain_sip),
};
