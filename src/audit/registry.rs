//! The registry: the one place that lists every rule, ordered by code. Rules live one per file
//! under `rules/<family>/`; each knows only the engine, never this list.
//!
//! Numbering: 0xx the auditor itself (suppressions), 1xx chan_sip, 2xx pjsip identification (and
//! endpoints for web pages), 3xx ACLs and Twilio (ranges, TwiML, webhooks), 4xx dialplan,
//! 5xx secrets, 6xx TLS/SRTP (and http.conf), 7xx WebSMS,
//! 8xx command execution and AMI, 9xx config files as Asterisk loads them. Codes are stable: a
//! retired code is never reused.

use super::engine::Rule;
use super::rules::*;

/// The registry, ordered by code.
pub static ALL: &[&Rule] = &[
    &meta::pbx001_suppression_without_reason::RULE,
    &meta::pbx002_unused_suppression::RULE,
    &meta::pbx003_suppression_unknown_rule::RULE,
    &sip::pbx101_sip_guest_calls::RULE,
    &sip::pbx102_sip_auth_reject_off::RULE,
    &sip::pbx103_sip_insecure_invite::RULE,
    &sip::pbx104_sip_autocreatepeer::RULE,
    &sip::pbx105_sip_default_context::RULE,
    &sip::pbx106_chan_sip_removed::RULE,
    &pjsip::pbx201_pjsip_anonymous_endpoint::RULE,
    &pjsip::pbx202_pjsip_identify_too_broad::RULE,
    &pjsip::pbx203_pjsip_identify_header_only::RULE,
    &pjsip::pbx204_pjsip_inbound_auth_on_ip_trunk::RULE,
    &pjsip::pbx205_pjsip_unauth_options::RULE,
    &pjsip::pbx206_trust_caller_id::RULE,
    &pjsip::pbx207_webrtc_reaches_trunk::RULE,
    &pjsip::pbx208_webrtc_plain_ws::RULE,
    &pjsip::pbx209_public_account_contacts::RULE,
    &pjsip::pbx210_unauthenticated_name_match::RULE,
    &acl::pbx301_acl_missing::RULE,
    &acl::pbx302_acl_order::RULE,
    &acl::pbx303_acl_family::RULE,
    &twilio::pbx304_twilio_stale_range::RULE,
    &twilio::pbx305_twilio_missing_edge::RULE,
    &twilio::pbx306_twilio_shared_range_reaches_money::RULE,
    &acl::pbx307_contact_permit_missing::RULE,
    &twilio::pbx310_twiml_sip_credentials::RULE,
    &twilio::pbx311_twilio_webhook_plain_http::RULE,
    &dialplan::pbx401_dialplan_toll_fraud_path::RULE,
    &dialplan::pbx402_dialplan_exten_injection::RULE,
    &dialplan::pbx403_dialplan_shell_from_caller::RULE,
    &dialplan::pbx404_dialplan_wide_catchall::RULE,
    &dialplan::pbx405_dialplan_missing_context::RULE,
    &dialplan::pbx406_dialplan_demo_reachable::RULE,
    &dialplan::pbx407_disa_without_password::RULE,
    &dialplan::pbx408_dialplan_sql_injection::RULE,
    &secrets::pbx501_weak_secret::RULE,
    &secrets::pbx502_plaintext_secret_in_profile::RULE,
    &secrets::pbx503_deprecated_auth_type::RULE,
    &tls::pbx601_tls_weak_method::RULE,
    &tls::pbx602_tls_no_verify::RULE,
    &tls::pbx603_srtp_over_plain_sip::RULE,
    &tls::pbx604_http_websocket_cleartext::RULE,
    &tls::pbx605_tls_verify_without_ca::RULE,
    &websms::pbx701_websms_open_webhook::RULE,
    &websms::pbx702_websms_proxy_too_trusting::RULE,
    &websms::pbx703_websms_cleartext_credentials::RULE,
    &websms::pbx704_websms_layout_mixed::RULE,
    &exec::pbx801_exec_includes::RULE,
    &exec::pbx802_ami_exposed::RULE,
    &config::pbx901_config_dropped_line::RULE,
    &config::pbx902_pjsip_unknown_option::RULE,
    &config::pbx903_pjsip_duplicate_object::RULE,
    &config::pbx904_missing_include::RULE,
    &config::pbx905_hostname_in_acl::RULE,
    &config::pbx906_config_value_refused::RULE,
    &config::pbx907_config_section_ignored::RULE,
    &config::pbx908_include_outside_tree::RULE,
];

/// Every rule, ordered by code.
pub fn all() -> &'static [&'static Rule] {
    ALL
}

/// Find a rule by code (`PBX101`, case-insensitive) or name (`sip-guest-calls`).
pub fn find(key: &str) -> Option<&'static Rule> {
    all()
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(key) || r.name.eq_ignore_ascii_case(key))
}

/// A rule by code or name, or an error naming the closest one (`did you mean …?`).
pub fn find_or_suggest(key: &str) -> Result<&'static Rule, crate::diag::Error> {
    if let Some(rule) = find(key) {
        return Ok(rule);
    }
    let best = all()
        .iter()
        .flat_map(|r| [r.code, r.name])
        .map(|cand| {
            (
                strsim::jaro_winkler(&key.to_ascii_lowercase(), &cand.to_ascii_lowercase()),
                cand,
            )
        })
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let err = crate::diag::Error::invalid(format!("no rule has the code or name `{key}`"));
    Err(match best {
        Some((score, cand)) if score > 0.8 => err.with_hint(format!(
            "did you mean `{cand}`? (`pbxgen rules` lists them all)"
        )),
        _ => err.with_hint("`pbxgen rules` lists every rule"),
    })
}

/// The plain-text table of every rule (`pbxgen rules`).
pub fn text_table() -> String {
    let rules = all();
    let name_w = rules.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut out = format!(
        "{:<7} {:<name_w$} {:<8} {}\n",
        "CODE", "NAME", "SEVERITY", "SUMMARY"
    );
    for r in rules {
        out.push_str(&format!(
            "{:<7} {:<name_w$} {:<8} {}\n",
            r.code,
            r.name,
            r.severity.as_str(),
            r.summary
        ));
    }
    out
}

/// The Markdown table of every rule, for the README (`pbxgen rules --format markdown`).
pub fn markdown_table() -> String {
    let mut out = String::from("| code | name | default | what |\n|---|---|---|---|\n");
    for r in all() {
        let sev = match r.escalation {
            Some(esc) => format!("{}; {esc}", r.severity),
            None => r.severity.to_string(),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            r.code,
            r.name,
            sev,
            r.summary.replace('|', "\\|")
        ));
    }
    out
}

/// Every rule as JSON (`pbxgen rules --format json`).
pub fn json_all() -> serde_json::Value {
    serde_json::Value::Array(all().iter().map(|r| r.json()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_sorted_and_well_formed() {
        let rules = all();
        for pair in rules.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{} before {}",
                pair[0].code,
                pair[1].code
            );
        }
        let mut names: Vec<_> = rules.iter().map(|r| r.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), rules.len(), "rule names are unique");
        for r in rules {
            assert!(r.code.len() == 6 && r.code.starts_with("PBX"), "{}", r.code);
            assert!(
                r.code[3..].bytes().all(|b| b.is_ascii_digit()),
                "{}",
                r.code
            );
            assert!(
                r.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{} is kebab-case",
                r.name
            );
            for (what, text) in [
                ("summary", r.summary),
                ("what", r.doc.what),
                ("why", r.doc.why),
                ("example", r.doc.example),
                ("instead", r.doc.instead),
                ("fix", r.fix),
            ] {
                assert!(!text.trim().is_empty(), "{} has no {what}", r.code);
            }
            assert!(!r.doc.references.is_empty(), "{} has references", r.code);
        }
    }

    #[test]
    fn rules_are_found_by_code_or_name() {
        assert_eq!(find("pbx101").map(|r| r.name), Some("sip-guest-calls"));
        assert_eq!(find("sip-guest-calls").map(|r| r.code), Some("PBX101"));
        assert!(find("PBX999").is_none());
    }
}
