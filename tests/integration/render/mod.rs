//! Rendering: every file of both examples (the committed copies in `examples/` are current),
//! determinism, writing (atomic, modes, symlinks, --check/--diff/--dry-run with
//! secrets masked), injection attempts in every string field, pjsip option names against
//! Asterisk's own option lists, and the systemd unit of the Twilio webhook (systemd-analyze).

mod click_to_call;
mod crash;
mod examples;
mod injection;
mod ownership;
mod parse_back;
mod pjsip_options;
mod refusals;
mod systemd_unit;
mod writing;

use crate::util::repo_path;
use pbxgen::plan::{self, Plan};
use pbxgen::render::{self, RenderOptions, RenderedFile, SecretMode};

/// The two bundled examples.
pub const EXAMPLES: [&str; 2] = ["home-lab", "small-office"];

/// The plan of `examples/<name>.yaml`.
pub fn example_site(name: &str) -> Plan {
    let path = repo_path(&format!("examples/{name}.yaml"));
    let profile =
        pbxgen::profile::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    plan::plan(&profile).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Every file of an example, secrets resolved (or masked).
pub fn render_example(name: &str, secrets: SecretMode) -> Vec<RenderedFile> {
    let options = RenderOptions {
        secrets,
        ..RenderOptions::default()
    };
    render::render(&example_site(name), &options).unwrap_or_else(|e| panic!("{name}: {e}"))
}
