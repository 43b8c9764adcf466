//! PBX306 twilio-shared-range-reaches-money.

use crate::asterisk::source::Pos;
use crate::audit::analysis::reach::Money;
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};
use std::collections::HashMap;

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX306",
        name: "twilio-shared-range-reaches-money",
        severity: Severity::Critical,
        escalation: Some("medium when the only trunk `Dial` it reaches uses a fixed number"),
        summary: "an endpoint identified by Twilio's shared IPs can reach a trunk `Dial`",
        doc: RuleDoc {
            what: "Reports endpoints/peers identified only by Twilio addresses (current or retired) whose context reaches a `Dial` through a trunk: critical when the caller chooses the digits, medium when the number is fixed (any Twilio customer can still make your trunk or landline call that number, at your cost). The path is printed.",
            why: "Twilio's signalling addresses are shared by every Twilio customer. An endpoint identified by them alone accepts calls from any Twilio account: someone with a $20 trial account can point a SIP domain at your PBX and use your trunk (or your landline) to call premium numbers.",
            example: "[twilio]\ntype=identify\nendpoint=twilio\nmatch=54.172.60.0/30\n\n; extensions.conf\n[from-twilio]\nexten => _X.,1,Dial(PJSIP/${EXTEN}@atapstn)",
            instead: "; extensions.conf: the Twilio context rings local phones only\n[from-twilio]\nexten => _X.,1,Dial(PJSIP/101)",
            references: &[
                "https://www.twilio.com/docs/sip-trunking/ip-addresses",
                "Twilio Elastic SIP Trunking: origination is recognised by source IP only (no registration, no authentication)",
            ],
        },
        fix: "make the Twilio context reach local destinations only, or authenticate the calls",
    },
    check: Check::Config(check_shared_range_reaches_money),
};

fn check_shared_range_reaches_money(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    // Entries sharing a context line (a template's `context=`) are reported once.
    let mut groups: Vec<(usize, Vec<&str>)> = Vec::new();
    let mut by_pos: HashMap<Pos, usize> = HashMap::new();
    for (i, e) in ctx
        .reach()
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.twilio)
    {
        match by_pos.get(&e.pos) {
            Some(&g) => groups[g].1.push(&e.source),
            None => {
                by_pos.insert(e.pos, groups.len());
                groups.push((i, vec![&e.source]));
            }
        }
    }
    for (i, group) in groups {
        let e = &ctx.reach().entries[i];
        let Some(m) = ctx.reach().entry_money(ctx.pbx, i, Money::Bounded) else {
            continue;
        };
        let who = if group.len() > 1 {
            format!(
                "{} peers/endpoints identified by Twilio addresses ({}, …)",
                group.len(),
                group[0]
            )
        } else {
            format!("`{}` is identified by Twilio addresses only", e.source)
        };
        let f = sink.report(
            ctx.anchor(e.pos),
            format!(
                "{who}: any Twilio customer can call into `{}`, which {}",
                e.context,
                m.describe()
            ),
        );
        f.section(e.source.clone()).option("context");
        if m.money == Money::Bounded {
            f.severity(Severity::Medium);
        }
        f.path(m.path);
    }
}
