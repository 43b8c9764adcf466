//! The JSON Schema (draft-07, what yaml-language-server understands) of site profiles.

use super::types::Profile;
use schemars::generate::SchemaSettings;

/// The JSON Schema of [`Profile`], pretty-printed, ending with a newline.
pub fn schema_json() -> String {
    let generator = SchemaSettings::draft07().for_deserialize().into_generator();
    let schema = generator.into_root_schema_for::<Profile>();
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serializes to JSON");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn schema_is_draft07() {
        let s = super::schema_json();
        assert!(s.contains("http://json-schema.org/draft-07/schema#"), "{s}");
    }
}
