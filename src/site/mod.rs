//! The normalized PBX plan built from a validated profile: what templates need, nothing more.
