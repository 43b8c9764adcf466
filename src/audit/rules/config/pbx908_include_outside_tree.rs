//! PBX908 include-outside-tree: an `#include` or a symbolic link leads out of the audited tree.

use super::report_diagnostic;
use crate::asterisk::syntax::DiagnosticCode;
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX908",
        name: "include-outside-tree",
        severity: Severity::High,
        escalation: None,
        summary: "an `#include` or a symbolic link leads outside the audited directory (not read, not audited)",
        doc: RuleDoc {
            what: "Reports `#include` and `#tryinclude` directives whose path leaves the audited directory (an absolute path other than `/etc/asterisk/…`, `../`, a glob through a linked directory) and configuration files that are symbolic links to files outside it. pbxgen does not open them: the finding names the path only.",
            why: "What pbxgen does not read, it cannot audit: a `sip.conf` that pulls its peers from elsewhere passes with the risky part unseen. And an audit runs on input others write — in CI, one line of a pull request (`#include /etc/shadow`, a link to a `.env`) would otherwise publish a file of the build machine in the job log and the pull request's annotations.",
            example: "[general]\n#include /srv/pbx-shared/trunks.conf\n#include ../../.env",
            instead: "[general]\n#include trunks.conf   ; kept in the audited directory",
            references: &[
                "Asterisk main/config.c: relative #include paths resolve against the configuration directory; absolute ones are used as written",
                "GitHub Actions: workflow commands and job logs are visible to everyone who can read the pull request",
            ],
        },
        fix: "keep every included file inside the configuration directory (or audit with `--allow-outside DIR` on a machine you trust)",
    },
    check: Check::Config(check_include_outside_tree),
};

fn check_include_outside_tree(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    for file in &ctx.pbx.config.files {
        for d in &file.diagnostics {
            if d.code == DiagnosticCode::IncludeOutsideTree {
                report_diagnostic(ctx, sink, file.name.as_str(), d);
            }
        }
    }
}
