//! PBX901–PBX908: the config files themselves — what Asterisk drops, refuses or resolves once,
//! and what the audit does not read.

pub mod pbx901_config_dropped_line;
pub mod pbx902_pjsip_unknown_option;
pub mod pbx903_pjsip_duplicate_object;
pub mod pbx904_missing_include;
pub mod pbx905_hostname_in_acl;
pub mod pbx906_config_value_refused;
pub mod pbx907_config_section_ignored;
pub mod pbx908_include_outside_tree;

use crate::asterisk::syntax::{Diagnostic, Severity as DiagSeverity};
use crate::audit::engine::{AuditContext, Sink};

fn report_diagnostic(ctx: &AuditContext<'_>, sink: &mut Sink<'_>, file: &str, d: &Diagnostic) {
    let said = ["refuse", "drop", "ignore", "stop"]
        .iter()
        .any(|w| d.message.to_ascii_lowercase().contains(w));
    let consequence = if said {
        String::new()
    } else {
        match d.severity {
            DiagSeverity::Fatal => format!(" — Asterisk refuses all of {file}"),
            DiagSeverity::DroppedLine => " — Asterisk drops this line".to_string(),
            DiagSeverity::StopsInclude => " — Asterisk stops reading here".to_string(),
            DiagSeverity::Warning => String::new(),
        }
    };
    sink.report(ctx.anchor(d.pos), format!("{}{consequence}", d.message));
}
