//! Secrets found in configuration files: values that print as the mask (masking itself lives
//! in [`crate::redact`]).

use super::shared_text::Text;
use crate::redact::MASK;
use serde::{Serialize, Serializer};
use std::fmt;

/// A password or key read from a configuration file. `Debug`, `Display` and serde all print
/// [`MASK`]; rules that must look at the value (weak-secret checks) call [`Secret::expose`].
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Secret(Text);

impl Secret {
    pub fn new(value: impl Into<Text>) -> Self {
        Secret(value.into())
    }

    /// The secret itself. Never print it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(MASK)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_print_as_the_mask() {
        assert_eq!(format!("{:?}", Secret::new("x")), MASK);
        assert_eq!(Secret::new("x").to_string(), MASK);
    }
}
