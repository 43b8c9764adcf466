//! PBX204 pjsip-inbound-auth-on-ip-trunk.

use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
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
    },
    check: Check::Config(check_inbound_auth_on_ip_trunk),
};

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
