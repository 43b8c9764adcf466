//! PBX201–PBX209: pjsip endpoint identification and trust, and endpoints for web pages
//! (WebRTC/WebSocket), whose credentials are public.

pub mod pbx201_pjsip_anonymous_endpoint;
pub mod pbx202_pjsip_identify_too_broad;
pub mod pbx203_pjsip_identify_header_only;
pub mod pbx204_pjsip_inbound_auth_on_ip_trunk;
pub mod pbx205_pjsip_unauth_options;
pub mod pbx206_trust_caller_id;
pub mod pbx207_webrtc_reaches_trunk;
pub mod pbx208_webrtc_plain_ws;
pub mod pbx209_public_account_contacts;
