//! `pbxgen rules [CODE|NAME] [--format text|json|markdown]`: list the rules or explain one.

use super::args::{RulesArgs, RulesFormat};
use super::exit;
use super::term::Term;
use pbxgen::Error;
use pbxgen::audit::registry;

pub fn run(args: &RulesArgs, _term: &Term) -> Result<u8, Error> {
    let out = match &args.code {
        Some(key) => {
            let r = registry::find_or_suggest(key)?;
            match args.format {
                RulesFormat::Text => r.text(),
                RulesFormat::Markdown => r.markdown(),
                RulesFormat::Json => json_string(&r.json()),
            }
        }
        None => match args.format {
            RulesFormat::Text => registry::text_table(),
            RulesFormat::Markdown => registry::markdown_table(),
            RulesFormat::Json => json_string(&registry::json_all()),
        },
    };
    print!("{out}");
    Ok(exit::OK)
}

fn json_string(v: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}
