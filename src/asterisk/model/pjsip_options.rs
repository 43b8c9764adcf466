//! Which options each pjsip object type has, per Asterisk version.
//!
//! `data/pjsip-options.tsv` is generated from Asterisk's own option documentation
//! (`pjsip_config-20.xml`, `pjsip_config-master.xml`); the integration test
//! `asterisk::pjsip_options_table` re-derives it from the XML when `$PBXGEN_SHARED_DATA` is set.
//! Columns: type, option, since (the versions Asterisk lists, comma-separated), in_20, in_master.
//! Types the documentation does not cover (identify, registration, acl, …) are not checked.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The embedded table.
pub const TABLE: &str = include_str!("../../../data/pjsip-options.tsv");

/// One option of one type.
#[derive(Clone, Debug)]
struct OptionInfo {
    since: String,
    first_major: Option<u32>,
    in_20: bool,
    in_master: bool,
}

/// The option table: type → lower-case option → what the documentation says.
#[derive(Debug, Default)]
pub struct PjsipOptions {
    options: HashMap<String, HashMap<String, OptionInfo>>,
}

impl PjsipOptions {
    /// The table embedded at build time, parsed once.
    pub fn embedded() -> &'static PjsipOptions {
        static TABLE_PARSED: OnceLock<PjsipOptions> = OnceLock::new();
        TABLE_PARSED.get_or_init(|| PjsipOptions::parse(TABLE))
    }

    /// Parse the TSV (comment lines start with `#`; malformed lines are skipped).
    pub fn parse(text: &str) -> PjsipOptions {
        let mut table = PjsipOptions::default();
        for line in text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let cols: Vec<&str> = line.split('\t').collect();
            let [ty, option, since, in_20, in_master] = cols[..] else {
                continue;
            };
            let first_major = since
                .split(',')
                .filter_map(|v| v.split('.').next()?.parse::<u32>().ok())
                .min();
            table.options.entry(ty.to_string()).or_default().insert(
                option.to_ascii_lowercase(),
                OptionInfo {
                    since: since.to_string(),
                    first_major,
                    in_20: in_20 == "yes",
                    in_master: in_master == "yes",
                },
            );
        }
        table
    }

    /// Whether the documentation covers this object type.
    pub fn knows_type(&self, ty: &str) -> bool {
        self.options.contains_key(ty)
    }

    /// `None` when `option` exists for `ty` in `version` (any version when `None`);
    /// `Some(since)` when it does not: `since` names the versions it appeared in, if it exists
    /// at all. Names starting with `@` are user fields every object accepts.
    pub fn unknown(&self, ty: &str, option: &str, version: Option<u32>) -> Option<Option<String>> {
        if option.starts_with('@') {
            return None;
        }
        let by_name = self.options.get(ty)?;
        // Option names are short: lower-case them on the stack (this runs for every line).
        let mut buf = [0u8; 64];
        let lower = if option.len() <= buf.len() {
            buf[..option.len()].copy_from_slice(option.as_bytes());
            buf[..option.len()].make_ascii_lowercase();
            std::str::from_utf8(&buf[..option.len()]).ok()
        } else {
            None
        };
        let Some(info) = lower.and_then(|l| by_name.get(l)) else {
            return Some(None);
        };
        let known = match version {
            None => info.in_20 || info.in_master,
            Some(v) => {
                info.first_major.is_none_or(|m| m <= v)
                    && if v > 20 {
                        info.in_master
                    } else {
                        info.in_20 || info.in_master
                    }
            }
        };
        (!known).then(|| Some(info.since.clone()))
    }
}
