//! PBX801–PBX802: running commands — `#exec`, `live_dangerously`, the manager interface.

pub mod pbx801_exec_includes;
pub mod pbx802_ami_exposed;
