//! Terminal output settings: colour and verbosity, decided once from flags and environment.

use super::args::ColorChoice;
use std::io::IsTerminal;

/// Output settings every command receives.
#[derive(Clone, Copy, Debug)]
pub struct Term {
    pub color: bool,
    pub quiet: bool,
    pub verbose: u8,
}

impl Term {
    /// Decide colour the way the de-facto conventions say: `--color` wins; otherwise
    /// `NO_COLOR` (any non-empty value) disables, `CLICOLOR_FORCE` (non-empty, not "0") enables,
    /// and by default colour is used only when stdout is a terminal.
    pub fn from_flags(choice: ColorChoice, quiet: bool, verbose: u8) -> Self {
        let env_set =
            |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
                    false
                } else if env_set("CLICOLOR_FORCE") {
                    true
                } else {
                    std::io::stdout().is_terminal()
                }
            }
        };
        // `colored` has its own global switch; keep it in line with ours.
        colored::control::set_override(color);
        Term {
            color,
            quiet,
            verbose,
        }
    }
}
