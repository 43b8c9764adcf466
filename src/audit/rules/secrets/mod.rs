//! PBX501–PBX503: secrets — strength, where they live, how they are hashed.

pub mod pbx501_weak_secret;
pub mod pbx502_plaintext_secret_in_profile;
pub mod pbx503_deprecated_auth_type;
