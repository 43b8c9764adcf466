//! PBX601–PBX604: TLS and SRTP, and the HTTP server's WebSockets.

pub mod pbx601_tls_weak_method;
pub mod pbx602_tls_no_verify;
pub mod pbx603_srtp_over_plain_sip;
pub mod pbx604_http_websocket_cleartext;
