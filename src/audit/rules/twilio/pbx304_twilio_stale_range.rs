//! PBX304 twilio-stale-range: an allowlist still names Twilio addresses Twilio no longer uses.

use super::each_address_use;
use crate::audit::analysis::twilio::{Classifier, TwilioClass, retired_list};
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};
use ipnet::IpNet;

pub static RULE: Rule = Rule {
    info: RuleInfo {
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
            references: &[
                "https://www.twilio.com/docs/sip-trunking/ip-addresses",
                "pbxgen profiles/twilio.yaml (`pbxgen twilio refresh`)",
            ],
        },
        fix: "replace the retired addresses with Twilio's current ranges (`pbxgen twilio refresh`)",
    },
    check: Check::Config(check_stale_range),
};

fn check_stale_range(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let mut classifier = Classifier::new(ctx.twilio);
    each_address_use(ctx, |u| {
        if classifier.classify(&u.net) != Some(TwilioClass::Retired) {
            return;
        }
        let list = retired_list(&u.net, ctx.twilio).unwrap_or("retired Twilio addresses");
        sink.report(
            ctx.anchor(u.pos),
            format!("`{}` is on Twilio's retired list ({list}): Twilio no longer sends from it, and whoever uses it now is trusted", show_net(&u.net)),
        )
        .section(u.section)
        .option(u.option);
    });
}

/// `1.2.3.4` for a single address, `1.2.3.0/24` otherwise.
fn show_net(net: &IpNet) -> String {
    if net.prefix_len() == net.max_prefix_len() {
        net.addr().to_string()
    } else {
        net.to_string()
    }
}
