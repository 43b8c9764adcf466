//! Which options each pjsip object type has, per Asterisk version.
//!
//! `data/asterisk/pjsip-options.tsv` is the one option table: every option of every pjsip
//! object type, one row per source that documents it. Columns: type, option, source (`20` /
//! `master` = Asterisk's own option documentation `pjsip_config-<v>.xml`, `sample-20` = the
//! `SECTION OPTIONS` of Asterisk 20's pjsip.conf.sample, for the types other modules document:
//! identify, registration, acl), since (the versions Asterisk lists, comma-separated; `-` for
//! none). The integration test `asterisk::pjsip_options` re-derives it from those sources
//! (`PBXGEN_SHARED_DATA`, `PBXGEN_CORPUS`) and `PBXGEN_BLESS=1` rewrites it.
//!
//! The auditor (PBX902) checks only the types the XML documents: a type documented by the
//! sample alone (identify, registration, acl, …) is not checked. The renderer's test checks
//! every option pbxgen writes against all rows.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The embedded table.
pub const TABLE: &str = include_str!("../../../data/asterisk/pjsip-options.tsv");

/// Where a row of the table comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// `pjsip_config-20.xml`: Asterisk 20's option documentation.
    Xml20,
    /// `pjsip_config-master.xml`: the documentation of the releases after 20 (21–23).
    XmlMaster,
    /// Asterisk 20's pjsip.conf.sample (types documented outside res_pjsip's XML).
    Sample20,
}

impl Source {
    /// The name in the table's `source` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Xml20 => "20",
            Source::XmlMaster => "master",
            Source::Sample20 => "sample-20",
        }
    }

    fn parse(text: &str) -> Option<Source> {
        [Source::Xml20, Source::XmlMaster, Source::Sample20]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// One row of the table: an option of a type, as one source documents it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Row {
    pub ty: String,
    pub option: String,
    pub source: Source,
    /// The versions the source lists for the option (comma-separated), empty when none.
    pub since: String,
}

/// The rows of a table text (comment lines start with `#`; malformed lines are skipped).
pub fn rows(text: &str) -> impl Iterator<Item = Row> + '_ {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            let [ty, option, source, since] = cols[..] else {
                return None;
            };
            Some(Row {
                ty: ty.to_string(),
                option: option.to_string(),
                source: Source::parse(source)?,
                since: if since == "-" {
                    String::new()
                } else {
                    since.to_string()
                },
            })
        })
}

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

    /// Parse the table, keeping the rows of Asterisk's XML documentation: an option exists in 20
    /// or in master (21+) when that documentation lists it; its `since` is master's list when
    /// it has one, else 20's.
    pub fn parse(text: &str) -> PjsipOptions {
        let mut table = PjsipOptions::default();
        for row in rows(text) {
            if row.source == Source::Sample20 {
                continue;
            }
            let info = table
                .options
                .entry(row.ty)
                .or_default()
                .entry(row.option.to_ascii_lowercase())
                .or_insert_with(|| OptionInfo {
                    since: String::new(),
                    first_major: None,
                    in_20: false,
                    in_master: false,
                });
            match row.source {
                Source::Xml20 => {
                    info.in_20 = true;
                    if info.since.is_empty() {
                        info.since = row.since;
                    }
                }
                Source::XmlMaster => {
                    info.in_master = true;
                    if !row.since.is_empty() {
                        info.since = row.since;
                    }
                }
                Source::Sample20 => {}
            }
        }
        for info in table
            .options
            .values_mut()
            .flat_map(|by_name| by_name.values_mut())
        {
            info.first_major = info
                .since
                .split(',')
                .filter_map(|v| v.split('.').next()?.parse::<u32>().ok())
                .min();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_xml_documentation_decides_what_pbx902_checks() {
        let table = PjsipOptions::parse(
            "# header\nendpoint\tcontext\t20\t12.0.0\nendpoint\tcontext\tmaster\t-\n\
             endpoint\tnew_one\tmaster\t21.0.0\nidentify\tmatch\tsample-20\t-\n",
        );
        assert!(table.knows_type("endpoint"));
        assert!(
            !table.knows_type("identify"),
            "sample-only types are not checked"
        );
        assert!(table.unknown("endpoint", "context", Some(20)).is_none());
        assert_eq!(
            table.unknown("endpoint", "new_one", Some(20)),
            Some(Some("21.0.0".to_string()))
        );
        assert!(table.unknown("endpoint", "new_one", Some(22)).is_none());
    }
}
