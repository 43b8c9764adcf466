//! Every rule, one module per family. Codes are stable: a retired code is never reused.
//!
//! Numbering: 0xx the auditor itself (suppressions), 1xx chan_sip, 2xx pjsip identification,
//! 3xx ACLs and Twilio ranges, 4xx dialplan, 5xx secrets, 6xx TLS/SRTP, 7xx WebSMS,
//! 8xx command execution and AMI, 9xx config files as Asterisk loads them.

use super::rule::Rule;

pub mod acl;
pub mod config;
pub mod dialplan;
pub mod exec;
pub mod meta;
pub mod pjsip;
pub mod secrets;
pub mod sip;
pub mod tls;
pub mod twilio;
pub mod websms;

/// The registry, ordered by code.
pub static ALL: &[&Rule] = &[
    &meta::SUPPRESSION_WITHOUT_REASON,
    &meta::UNUSED_SUPPRESSION,
    &meta::SUPPRESSION_UNKNOWN_RULE,
    &sip::GUEST_CALLS,
    &sip::AUTH_REJECT_OFF,
    &sip::INSECURE_INVITE,
    &sip::AUTOCREATEPEER,
    &sip::DEFAULT_CONTEXT,
    &sip::CHAN_SIP_REMOVED,
    &pjsip::ANONYMOUS_ENDPOINT,
    &pjsip::IDENTIFY_TOO_BROAD,
    &pjsip::IDENTIFY_HEADER_ONLY,
    &pjsip::INBOUND_AUTH_ON_IP_TRUNK,
    &pjsip::UNAUTH_OPTIONS,
    &pjsip::TRUST_CALLER_ID,
    &acl::ACL_MISSING,
    &acl::ACL_ORDER,
    &acl::ACL_FAMILY,
    &twilio::STALE_RANGE,
    &twilio::MISSING_EDGE,
    &twilio::SHARED_RANGE_REACHES_MONEY,
    &acl::CONTACT_PERMIT_MISSING,
    &dialplan::TOLL_FRAUD_PATH,
    &dialplan::EXTEN_INJECTION,
    &dialplan::SHELL_FROM_CALLER,
    &dialplan::WIDE_CATCHALL,
    &dialplan::MISSING_CONTEXT,
    &dialplan::DEMO_REACHABLE,
    &dialplan::DISA_WITHOUT_PASSWORD,
    &dialplan::SQL_INJECTION,
    &secrets::WEAK_SECRET,
    &secrets::PLAINTEXT_SECRET_IN_PROFILE,
    &secrets::DEPRECATED_AUTH_TYPE,
    &tls::WEAK_METHOD,
    &tls::NO_VERIFY,
    &tls::SRTP_OVER_PLAIN_SIP,
    &websms::OPEN_WEBHOOK,
    &websms::PROXY_TOO_TRUSTING,
    &websms::CLEARTEXT_CREDENTIALS,
    &websms::LAYOUT_MIXED,
    &exec::EXEC_INCLUDES,
    &exec::AMI_EXPOSED,
    &config::DROPPED_LINE,
    &config::PJSIP_UNKNOWN_OPTION,
    &config::PJSIP_DUPLICATE_OBJECT,
    &config::MISSING_INCLUDE,
    &config::HOSTNAME_IN_ACL,
];
