//! asterisk.conf: the `[options]` that make configuration files dangerous.

use super::Located;
use super::values::bool_option;
use crate::asterisk::syntax::{ConfigFile, Section};
use serde::Serialize;

/// The interpreted asterisk.conf.
#[derive(Clone, Debug, Serialize)]
pub struct AsteriskConf {
    /// `execincludes=yes`: `#exec` lines in any config file run shell commands (default no).
    pub execincludes: Located<bool>,
    /// `live_dangerously=yes`: AMI and others may call SHELL() etc. (default no).
    pub live_dangerously: Located<bool>,
}

/// Interpret asterisk.conf (`[options]`).
pub fn build(file: &ConfigFile) -> AsteriskConf {
    let empty = Section::empty();
    let options = file.section("options").unwrap_or(&empty);
    AsteriskConf {
        execincludes: bool_option(options, "execincludes", false),
        live_dangerously: bool_option(options, "live_dangerously", false),
    }
}
