//! PBX001–PBX003: findings about `; pbxgen: ignore[…]` comments themselves (the engine finds and
//! applies them: `engine/suppress.rs`).

pub mod pbx001_suppression_without_reason;
pub mod pbx002_unused_suppression;
pub mod pbx003_suppression_unknown_rule;
