//! PBX106 chan-sip-removed: `sip.conf` configures chan_sip, removed in Asterisk 21.

use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX106",
        name: "chan-sip-removed",
        severity: Severity::Medium,
        escalation: Some("info when the target Asterisk version is below 21 or unknown"),
        summary: "`sip.conf` configures chan_sip, removed in Asterisk 21",
        doc: RuleDoc {
            what: "Reports a `sip.conf` with peers or a `[general]` section. Medium when `--asterisk-version` is 21 or later (the module does not exist there); otherwise informational.",
            why: "chan_sip was deprecated in Asterisk 17 and removed in 21; 20 LTS is the last release with it (security fixes until October 2027). An upgrade silently drops every SIP peer, and chan_sip's guest and `insecure` semantics are its most common toll-fraud holes.",
            example: "; sip.conf\n[twilio]\ntype=peer\nhost=54.172.60.1",
            instead: "; pjsip.conf\n[twilio]\ntype=endpoint\n…\n[twilio]\ntype=identify\nendpoint=twilio\nmatch=54.172.60.0/30",
            references: &[
                "Asterisk 21 release notes: chan_sip removed",
                "https://docs.asterisk.org/Configuration/Channel-Drivers/SIP/Configuring-res_pjsip/Migrating-from-chan_sip-to-res_pjsip/",
            ],
        },
        fix: "migrate to pjsip (`pbxgen render` writes pjsip.conf from a profile)",
    },
    check: Check::Config(check_chan_sip_removed),
};

fn check_chan_sip_removed(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let Some(sip) = &ctx.pbx.sip else { return };
    let pos = sip.general.pos.or_else(|| sip.peers.first().map(|p| p.pos));
    let Some(pos) = pos else { return };
    let f = sink.report(ctx.anchor(pos), String::new());
    match ctx.asterisk_version {
        Some(v) if v >= 21 => {
            f.message = format!(
                "chan_sip does not exist in Asterisk {v}: none of these {} peers will load",
                sip.peers.len()
            );
        }
        _ => {
            f.severity(Severity::Info);
            f.message = format!(
                "chan_sip ({} peers) is removed in Asterisk 21; 20 LTS is the last version with it",
                sip.peers.len()
            );
        }
    }
}
