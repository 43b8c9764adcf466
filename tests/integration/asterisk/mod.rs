//! The Asterisk reader and PBX model, through the public library API and `audit --dump-model`.

mod dialplan;
mod dump;
mod misc_files;
mod pjsip;
mod pjsip_options;
mod props;
mod sip;

use pbxgen::asterisk::{self, ModelOptions, Pbx};

/// Build the model of in-memory files (name, text).
pub fn model(files: &[(&str, &str)]) -> Pbx {
    model_for(files, None)
}

/// Build the model for a target Asterisk version.
pub fn model_for(files: &[(&str, &str)], version: Option<u32>) -> Pbx {
    let config = asterisk::load_texts(
        "mem",
        files
            .iter()
            .map(|(n, t)| (n.to_string(), t.as_bytes().to_vec()))
            .collect(),
    );
    asterisk::build_model(
        config,
        &ModelOptions {
            asterisk_version: version,
        },
    )
}
