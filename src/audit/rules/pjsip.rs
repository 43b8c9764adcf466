//! PBX201–PBX206: pjsip endpoint identification and trust.

use crate::asterisk::model::acl::AclTarget;
use crate::audit::context::AuditContext;
use crate::audit::finding::Sink;
use crate::audit::helpers;
use crate::audit::reach::{EntryKind, Money};
use crate::audit::rule::{Check, Rule, RuleDoc};
use crate::audit::severity::Severity;
use ipnet::IpNet;

pub static ANONYMOUS_ENDPOINT: Rule = Rule {
    code: "PBX201",
    name: "pjsip-anonymous-endpoint",
    severity: Severity::High,
    escalation: Some("critical when its context reaches a trunk with caller-chosen digits"),
    summary: "an `anonymous` pjsip endpoint accepts calls nothing else identifies",
    doc: RuleDoc {
        what: "Reports a pjsip endpoint named `anonymous` (or `anonymous@domain`). When its context can reach a trunk with digits the caller chooses, the finding is critical and prints the path.",
        why: "res_pjsip routes every request that no `identify` or authentication matches to the `anonymous` endpoint: it is pjsip's `allowguest=yes`. Any scanner on the internet lands in its context.",
        example: "[anonymous]\ntype=endpoint\ncontext=public",
        instead: "; no anonymous endpoint: identify providers by IP with type=identify\n[twilio]\ntype=identify\nendpoint=twilio\nmatch=54.172.60.0/30",
        references: &[
            "res_pjsip_endpoint_identifier_anonymous",
            "Asterisk pjsip.conf.sample: anonymous",
        ],
    },
    fix: "delete the anonymous endpoint, or give it a context that only plays a message",
    check: Check::Config(check_anonymous_endpoint),
};

pub static IDENTIFY_TOO_BROAD: Rule = Rule {
    code: "PBX202",
    name: "pjsip-identify-too-broad",
    severity: Severity::Critical,
    escalation: None,
    summary: "an `identify` `match` covers a huge network (/0–/8)",
    doc: RuleDoc {
        what: "Reports `type=identify` `match=` entries with a prefix of 8 bits or shorter (IPv4) or 16 bits or shorter (IPv6), e.g. `0.0.0.0/0`, unless the network is entirely private (10.0.0.0/8, fc00::/7).",
        why: "Every request from inside the match is treated as coming from the endpoint — unauthenticated. A /8 is sixteen million addresses on the internet; `0.0.0.0/0` makes the endpoint an anonymous endpoint with the trunk's context.",
        example: "[provider]\ntype=identify\nendpoint=provider\nmatch=0.0.0.0/0",
        instead: "[provider]\ntype=identify\nendpoint=provider\nmatch=203.0.113.0/28   ; the provider's published signalling range",
        references: &[
            "Asterisk pjsip.conf.sample: identify match",
            "Provider documentation of signalling ranges",
        ],
    },
    fix: "list only the provider's published signalling addresses in `match=`",
    check: Check::Config(check_identify_too_broad),
};

pub static IDENTIFY_HEADER_ONLY: Rule = Rule {
    code: "PBX203",
    name: "pjsip-identify-header-only",
    severity: Severity::High,
    escalation: None,
    summary: "an `identify` matches on a header or Request-URI alone",
    doc: RuleDoc {
        what: "Reports `type=identify` sections with `match_header` or `match_request_uri` but no `match=` address list.",
        why: "Headers and Request-URIs are written by the sender: anyone can send `X-Provider: trunk` or dial the right URI and be identified as your trunk, unauthenticated. They are fine to tell two endpoints behind the same IPs apart, never on their own.",
        example: "[twilio]\ntype=identify\nendpoint=twilio\nmatch_header=X-Twilio-AccountSid: AC123",
        instead: "[twilio]\ntype=identify\nendpoint=twilio\nmatch=54.172.60.0/30,54.244.51.0/30\nmatch_header=X-Twilio-AccountSid: AC123",
        references: &["Asterisk pjsip.conf.sample: match_header, match_request_uri"],
    },
    fix: "add `match=` with the provider's addresses (keep the header match as a second condition)",
    check: Check::Config(check_identify_header_only),
};

pub static INBOUND_AUTH_ON_IP_TRUNK: Rule = Rule {
    code: "PBX204",
    name: "pjsip-inbound-auth-on-ip-trunk",
    severity: Severity::Medium,
    escalation: None,
    summary: "an IP-identified trunk endpoint also has inbound `auth=` (calls get challenged)",
    doc: RuleDoc {
        what: "Reports pjsip endpoints matched by a `type=identify` `match=` list that also carry inbound `auth=`.",
        why: "res_pjsip challenges every INVITE to an endpoint with inbound `auth`, even one identified by IP. Providers that originate by IP (Twilio Elastic SIP Trunking, most ITSPs) do not answer challenges, so inbound calls fail — and the usual \"fix\" people then apply is `allowguest`/anonymous. Credentials for calls *to* the provider belong in `outbound_auth`.",
        example: "[twilio]\ntype=endpoint\nauth=twilio-auth\n…\n[twilio]\ntype=identify\nendpoint=twilio\nmatch=54.172.60.0/30",
        instead: "[twilio]\ntype=endpoint\noutbound_auth=twilio-auth\n…",
        references: &[
            "Twilio Elastic SIP Trunking: origination does not register or authenticate",
            "Asterisk pjsip.conf.sample: endpoint auth vs outbound_auth",
        ],
    },
    fix: "use `outbound_auth=` instead of `auth=` on the trunk endpoint",
    check: Check::Config(check_inbound_auth_on_ip_trunk),
};

pub static UNAUTH_OPTIONS: Rule = Rule {
    code: "PBX205",
    name: "pjsip-unauth-options",
    severity: Severity::Low,
    escalation: None,
    summary: "`allow_unauthenticated_options=yes` answers OPTIONS without auth",
    doc: RuleDoc {
        what: "Reports endpoints with `allow_unauthenticated_options=yes`.",
        why: "Unauthenticated OPTIONS requests are answered for that endpoint, which confirms to scanners that the account exists and lets anyone measure your PBX. It is rarely needed (some phones' keep-alives).",
        example: "[101]\ntype=endpoint\nallow_unauthenticated_options=yes",
        instead: "[101]\ntype=endpoint\n; allow_unauthenticated_options defaults to no",
        references: &["Asterisk pjsip.conf.sample: allow_unauthenticated_options"],
    },
    fix: "remove `allow_unauthenticated_options=yes`",
    check: Check::Config(check_unauth_options),
};

pub static TRUST_CALLER_ID: Rule = Rule {
    code: "PBX206",
    name: "trust-caller-id",
    severity: Severity::Medium,
    escalation: None,
    summary: "caller identity headers are trusted from an untrusted source",
    doc: RuleDoc {
        what: "Reports `trust_id_inbound=yes` (pjsip) and `trustrpid=yes` (chan_sip) on endpoints/peers that are not authenticated by a secret (IP-identified, anonymous, guests).",
        why: "Trusting `P-Asserted-Identity`/`Remote-Party-ID` lets the sender set the caller ID Asterisk believes. From an unauthenticated source that means spoofed caller IDs in voicemail PIN-less access (`VoiceMailMain` keyed on caller ID), call-back logic and CDRs.",
        example: "[provider]\ntype=endpoint\ntrust_id_inbound=yes",
        instead: "[provider]\ntype=endpoint\ntrust_id_inbound=no",
        references: &[
            "Asterisk pjsip.conf.sample: trust_id_inbound",
            "Asterisk sip.conf.sample: trustrpid",
        ],
    },
    fix: "set `trust_id_inbound=no` / `trustrpid=no` unless the source authenticates",
    check: Check::Config(check_trust_caller_id),
};

fn check_anonymous_endpoint(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(pj) = &ctx.pbx.pjsip else { return };
    for e in pj.anonymous_endpoints() {
        let mut message = format!(
            "endpoint `{}` receives every call nothing else identifies, unauthenticated, into context `{}`",
            e.meta.id, e.context.value
        );
        let money = helpers::entry_money(ctx, EntryKind::Anonymous, &e.meta.id, Money::Bounded);
        let f = sink.report(ctx.anchor(e.meta.pos), String::new());
        f.section(e.meta.id.clone());
        if let Some(m) = money {
            message.push_str(&format!("; that context {}", helpers::describe_money(&m)));
            f.severity(Severity::Critical).path(m.path);
        }
        f.message = message;
    }
}

fn check_identify_too_broad(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(pj) = &ctx.pbx.pjsip else { return };
    for i in &pj.identifies {
        for m in &i.matches {
            let AclTarget::Net(net) = &m.target else {
                continue;
            };
            let too_broad = match net {
                IpNet::V4(n) => n.prefix_len() <= 8,
                IpNet::V6(n) => n.prefix_len() <= 16,
            };
            // A whole private network is a LAN decision, not an internet exposure.
            if too_broad && !helpers::net_is_private(net) {
                let endpoint = i.endpoint.as_ref().map_or("?", |e| e.value.as_str());
                sink.report(
                    ctx.anchor(m.pos),
                    format!(
                        "`match={net}` makes {} addresses endpoint `{endpoint}`, unauthenticated",
                        count(net)
                    ),
                )
                .section(i.meta.id.clone())
                .option("match");
            }
        }
    }
}

fn count(net: &IpNet) -> String {
    let host_bits = u32::from(net.max_prefix_len() - net.prefix_len());
    if host_bits >= 64 {
        format!("2^{host_bits}")
    } else {
        (1u128 << host_bits).to_string()
    }
}

fn check_identify_header_only(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(pj) = &ctx.pbx.pjsip else { return };
    for i in pj.identifies.iter().filter(|i| i.matches.is_empty()) {
        let (option, v) = match (&i.match_header, &i.match_request_uri) {
            (Some(h), _) => ("match_header", h),
            (None, Some(u)) => ("match_request_uri", u),
            (None, None) => continue,
        };
        let endpoint = i.endpoint.as_ref().map_or("?", |e| e.value.as_str());
        sink.report(
            ctx.anchor(v.pos.unwrap_or(i.meta.pos)),
            format!("identify `{}` names endpoint `{endpoint}` by `{option}` alone: any sender can write that", i.meta.id),
        )
        .section(i.meta.id.clone())
        .option(option);
    }
}

fn check_inbound_auth_on_ip_trunk(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(pj) = &ctx.pbx.pjsip else { return };
    for e in &pj.endpoints {
        let by_ip = pj.identifies_of(e).any(|i| !i.matches.is_empty());
        let Some(auth) = e.auth.first() else { continue };
        if by_ip {
            sink.report(
                ctx.anchor(auth.pos.unwrap_or(e.meta.pos)),
                format!("endpoint `{}` is identified by IP but also challenges inbound calls (`auth={}`): the provider's calls will fail", e.meta.id, auth.value),
            )
            .section(e.meta.id.clone())
            .option("auth");
        }
    }
}

fn check_unauth_options(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(pj) = &ctx.pbx.pjsip else { return };
    for e in &pj.endpoints {
        if let (true, Some(pos)) = (
            e.allow_unauthenticated_options.value,
            e.allow_unauthenticated_options.pos,
        ) {
            sink.report(
                ctx.anchor(pos),
                format!(
                    "endpoint `{}` answers OPTIONS without authentication",
                    e.meta.id
                ),
            )
            .section(e.meta.id.clone())
            .option("allow_unauthenticated_options");
        }
    }
}

fn check_trust_caller_id(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    if let Some(pj) = &ctx.pbx.pjsip {
        for e in &pj.endpoints {
            let untrusted = e.is_anonymous || e.auth.is_empty();
            if let (true, Some(pos), true) =
                (e.trust_id_inbound.value, e.trust_id_inbound.pos, untrusted)
            {
                sink.report(
                    ctx.anchor(pos),
                    format!("endpoint `{}` does not authenticate callers but trusts the caller ID they send", e.meta.id),
                )
                .section(e.meta.id.clone())
                .option("trust_id_inbound");
            }
        }
    }
    if let Some(sip) = &ctx.pbx.sip {
        for p in &sip.peers {
            if let (true, Some(pos), true) = (
                p.trustrpid.value,
                p.trustrpid.pos,
                helpers::sip_ip_identified(p),
            ) {
                sink.report(
                    ctx.anchor(pos),
                    format!(
                        "peer `{}` does not authenticate callers but trusts their Remote-Party-ID",
                        p.name
                    ),
                )
                .section(p.name.clone())
                .option("trustrpid");
            }
        }
    }
}
