//! PBX701–PBX704: the WebSMS bridge (`websms.conf`, read by PHP's `parse_ini_file`).

use crate::asterisk::model::websms::WebsmsLayout;
use crate::audit::context::AuditContext;
use crate::audit::finding::Sink;
use crate::audit::helpers;
use crate::audit::rule::{Check, Rule, RuleDoc};
use crate::audit::severity::Severity;
use ipnet::IpNet;

pub static OPEN_WEBHOOK: Rule = Rule {
    code: "PBX701",
    name: "websms-open-webhook",
    severity: Severity::High,
    escalation: None,
    summary: "websmsd accepts incoming-SMS webhooks from any address",
    doc: RuleDoc {
        what: "Reports a `websms.conf` whose `[websmsd]` has no source list (`remt_addr`, legacy `permit_addr`) or an empty one.",
        why: "websmsd verifies no signature: its only access control is the source address. Without a list, anyone on the internet can POST fake SMS, which Asterisk turns into call files and runs through your dialplan (`[astqueue]` contexts).",
        example: "[websmsd]\nkey_echo = zd_echo",
        instead: "[websmsd]\nkey_echo = zd_echo\nremt_addr = 185.45.152.42   ; the ITSP's webhook source",
        references: &["mlan/docker-asterisk src/websms README: remt_addr / permit_addr"],
    },
    fix: "set `remt_addr` (legacy `permit_addr`) to the ITSP's webhook source addresses",
    check: Check::Config(check_open_webhook),
};

pub static PROXY_TOO_TRUSTING: Rule = Rule {
    code: "PBX702",
    name: "websms-proxy-too-trusting",
    severity: Severity::High,
    escalation: None,
    summary: "websmsd trusts `X-Forwarded-For` from networks wider than a private range",
    doc: RuleDoc {
        what: "Reports `prox_addr` (legacy `proxy_addr`) entries that are not inside a private (RFC 1918/ULA/loopback) range, or that are wider than one.",
        why: "websmsd takes the client address from the proxy header when the request comes from a trusted proxy. If a public range is trusted, anyone there sends `X-Forwarded-For: <ITSP address>` and passes the source list.",
        example: "[websmsd]\nprox_addr = 0.0.0.0/0",
        instead: "[websmsd]\nprox_addr = 172.16.0.0/12   ; the reverse proxy's container network",
        references: &["mlan/docker-asterisk src/websms README: prox_addr, prox_header"],
    },
    fix: "list only your reverse proxy's private address in `prox_addr`",
    check: Check::Config(check_proxy_too_trusting),
};

pub static CLEARTEXT_CREDENTIALS: Rule = Rule {
    code: "PBX703",
    name: "websms-cleartext-credentials",
    severity: Severity::High,
    escalation: None,
    summary: "`basic`/`plain` auth to an `http://` ITSP URL",
    doc: RuleDoc {
        what: "Reports `auth_method = basic` or `plain` while `url_host` (legacy `host`) is an `http://` URL.",
        why: "Basic and plain authentication send the ITSP credentials with every request; over plain HTTP anyone on the path reads them and sends SMS (often paid) as you.",
        example: "[websms]\nurl_host = http://api.itsp.example\nauth_method = basic",
        instead: "[websms]\nurl_host = https://api.itsp.example\nauth_method = basic",
        references: &["RFC 7617 §4 (Basic is only safe over TLS)"],
    },
    fix: "use an `https://` URL",
    check: Check::Config(check_cleartext_credentials),
};

pub static LAYOUT_MIXED: Rule = Rule {
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
    check: Check::Config(check_layout_mixed),
};

/// Parse a WebSMS CIDR list item (`1.2.3.4`, `10.0.0.0/8`).
fn parse_net(item: &str) -> Option<IpNet> {
    let t = item.trim();
    t.parse::<IpNet>()
        .ok()
        .or_else(|| t.parse::<std::net::IpAddr>().ok().map(IpNet::from))
}

fn check_open_webhook(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(ws) = &ctx.pbx.websms else { return };
    let empty = ws
        .source_addresses
        .as_ref()
        .is_none_or(|l| l.value.iter().all(|s| s.trim().is_empty()));
    if !empty {
        return;
    }
    let (pos, what) = match ws.source_addresses.as_ref().and_then(|l| l.pos) {
        Some(pos) => (pos, "the source list is empty"),
        None => {
            let websmsd = ws
                .sections
                .iter()
                .find(|s| s.name.eq_ignore_ascii_case("websmsd"));
            (
                websmsd.map_or_else(|| ctx.file_pos(ws.file), |s| s.pos),
                "no `remt_addr`/`permit_addr` is set",
            )
        }
    };
    sink.report(
        ctx.anchor(pos),
        format!("websmsd accepts incoming-SMS webhooks from any address ({what}); they become calls into `{}`", ws.context.value),
    )
    .section("websmsd")
    .option("remt_addr");
}

fn check_proxy_too_trusting(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(ws) = &ctx.pbx.websms else { return };
    let Some(pos) = ws.proxy_addresses.pos else {
        return;
    };
    for item in &ws.proxy_addresses.value {
        let too_wide = match parse_net(item) {
            Some(net) => !helpers::net_is_private(&net),
            None => !item.trim().is_empty(),
        };
        if too_wide {
            sink.report(
                ctx.anchor(pos),
                format!("websmsd trusts `{}` headers from `{}`, which is not a private network: anyone there can fake their source address", ws.proxy_header.value, item.trim()),
            )
            .section("websmsd")
            .option("prox_addr");
        }
    }
}

fn check_cleartext_credentials(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(ws) = &ctx.pbx.websms else { return };
    for itsp in &ws.itsps {
        let (Some(host), Some(method)) = (&itsp.url_host, &itsp.auth_method) else {
            continue;
        };
        let m = method.value.trim().to_ascii_lowercase();
        if (m == "basic" || m == "plain")
            && host
                .value
                .trim()
                .to_ascii_lowercase()
                .starts_with("http://")
        {
            sink.report(
                ctx.anchor(
                    method
                        .pos
                        .or(host.pos)
                        .unwrap_or_else(|| ctx.file_pos(ws.file)),
                ),
                format!(
                    "`auth_method = {m}` sends the ITSP credentials in clear text to `{}`",
                    host.value.trim()
                ),
            )
            .section("websms")
            .option("auth_method");
        }
    }
}

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
