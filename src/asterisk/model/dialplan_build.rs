//! Building the dialplan model (see `dialplan.rs`).

use super::dialplan::Dialplan;
use crate::asterisk::syntax::ConfigFile;

/// Interpret extensions.conf.
pub fn build(file_index: usize, _file: &ConfigFile) -> Dialplan {
    Dialplan {
        file: Some(file_index as u32),
        ..Dialplan::default()
    }
}
