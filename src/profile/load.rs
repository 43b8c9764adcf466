//! Reading a profile file: YAML → [`Profile`], with every error at file:line:column.

use super::span::{Origin, Pos, with_origin};
use super::text::Problem;
use super::types::Profile;
use crate::diag::Error;
use std::path::Path;

/// Read and validate the profile at `path`.
pub fn load(path: &Path) -> Result<Profile, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, &e))?;
    parse(&text, Origin::file(path))
}

/// Parse and validate profile text read from `origin`.
pub fn parse(text: &str, origin: std::sync::Arc<Origin>) -> Result<Profile, Error> {
    let mut profile: Profile = with_origin(&origin, || serde_saphyr::from_str(text))
        .map_err(|e| Error::invalid(format!("{}: {e}", origin.name)))?;
    profile.resolved.origin = Some(origin);
    Ok(profile)
}

/// A deserialization error carrying a position and a problem (decoded again by the loader).
pub(crate) fn located_error<E: serde::de::Error>(pos: &Pos, problem: &Problem) -> E {
    E::custom(format!("{}:{}: {}", pos.line, pos.column, problem.message))
}
