//! PBX601–PBX603: TLS and SRTP.

pub mod pbx601_tls_weak_method;
pub mod pbx602_tls_no_verify;
pub mod pbx603_srtp_over_plain_sip;
