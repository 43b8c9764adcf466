//! PBX101–PBX106: chan_sip (`sip.conf`) settings that let strangers in.

pub mod pbx101_sip_guest_calls;
pub mod pbx102_sip_auth_reject_off;
pub mod pbx103_sip_insecure_invite;
pub mod pbx104_sip_autocreatepeer;
pub mod pbx105_sip_default_context;
pub mod pbx106_chan_sip_removed;
