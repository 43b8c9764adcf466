//! extensions.conf: chan_sip dial strings and functions → PJSIP.

use super::report::ReportEntry;
use crate::asterisk::model::Pbx;
use crate::asterisk::syntax::ConfigFile;
use std::collections::HashSet;

/// The rewritten dialplan.
pub struct Rewrite {
    pub text: Option<String>,
    pub report: Vec<ReportEntry>,
    pub rewritten: usize,
}

pub fn rewrite(_pbx: &Pbx, _ext: &ConfigFile, _peers: &HashSet<String>) -> Rewrite {
    Rewrite {
        text: None,
        report: Vec::new(),
        rewritten: 0,
    }
}
