//! Site profile: the YAML a user writes (types, loading with positions, secrets, validation, schema).
