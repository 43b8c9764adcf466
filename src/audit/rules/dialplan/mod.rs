//! PBX401–PBX408: the dialplan — toll-fraud paths, injection, dangling contexts, DISA.

pub mod pbx401_dialplan_toll_fraud_path;
pub mod pbx402_dialplan_exten_injection;
pub mod pbx403_dialplan_shell_from_caller;
pub mod pbx404_dialplan_wide_catchall;
pub mod pbx405_dialplan_missing_context;
pub mod pbx406_dialplan_demo_reachable;
pub mod pbx407_disa_without_password;
pub mod pbx408_dialplan_sql_injection;

use crate::asterisk::model::dialplan::Sink as DpSink;
use crate::audit::engine::AuditContext;

fn sinks<'a>(ctx: &AuditContext<'a>) -> impl Iterator<Item = &'a DpSink> {
    ctx.pbx
        .dialplan
        .contexts
        .iter()
        .flat_map(|c| c.sinks.iter())
}
