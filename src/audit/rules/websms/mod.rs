//! PBX701–PBX704: the WebSMS bridge (`websms.conf`, read by PHP's `parse_ini_file`).

pub mod pbx701_websms_open_webhook;
pub mod pbx702_websms_proxy_too_trusting;
pub mod pbx703_websms_cleartext_credentials;
pub mod pbx704_websms_layout_mixed;
