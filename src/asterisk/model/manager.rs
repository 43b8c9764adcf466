//! manager.conf: the Asterisk Manager Interface (AMI). `[general]` says whether it runs and
//! where; every other live section is a user.

use super::acl::Acl;
use super::values::{bool_option, string_option};
use super::{Located, SectionRef};
use crate::asterisk::secret::Secret;
use crate::asterisk::shared_text::Text;
use crate::asterisk::source::Pos;
use crate::asterisk::syntax::{ConfigFile, Section};
use serde::Serialize;

/// The interpreted manager.conf.
#[derive(Clone, Debug, Serialize)]
pub struct ManagerConf {
    pub file: u32,
    /// The `[general]` header, when present.
    pub general_pos: Option<Pos>,
    /// AMI runs (default no).
    pub enabled: Located<bool>,
    /// AMI over HTTP (default no; needs http.conf too).
    pub webenabled: Located<bool>,
    /// Default `0.0.0.0` (every interface).
    pub bindaddr: Located<Text>,
    /// Default 5038.
    pub port: Located<Text>,
    pub tlsenable: Located<bool>,
    pub tlsbindaddr: Option<Located<Text>>,
    pub users: Vec<ManagerUser>,
}

/// An AMI user (`[name]` with `secret`, `permit`/`deny`, `read`, `write`).
#[derive(Clone, Debug, Serialize)]
pub struct ManagerUser {
    pub name: String,
    pub pos: Pos,
    pub section: SectionRef,
    pub secret: Option<Located<Secret>>,
    pub acl: Acl,
    /// Read permission classes (`system`, `call`, `all`, …), from every `read` line.
    pub read: Vec<Located<Text>>,
    /// Write permission classes (`system`, `originate`, `command`, `all`, …).
    pub write: Vec<Located<Text>>,
}

impl ManagerUser {
    /// Whether the user may write this class (or `all`).
    pub fn can_write(&self, class: &str) -> bool {
        self.write
            .iter()
            .any(|w| w.value.eq_ignore_ascii_case(class) || w.value.eq_ignore_ascii_case("all"))
    }
}

/// Interpret manager.conf.
pub fn build(file_index: usize, file: &ConfigFile) -> ManagerConf {
    let general = file.section("general");
    let empty = Section::empty();
    let g = general.unwrap_or(&empty);
    let mut acl_cache = super::acl::AclCache::default();
    let users = file
        .sections
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.is_template && !s.name.eq_ignore_ascii_case("general"))
        .map(|(i, s)| ManagerUser {
            name: s.name.to_string(),
            pos: s.pos,
            section: SectionRef {
                file: file_index as u32,
                section: i as u32,
            },
            secret: s
                .get("secret")
                .map(|v| Located::at(Secret::new(v.value.clone()), v.pos)),
            acl: Acl::signalling(s, &mut acl_cache),
            read: super::values::list_option(s, "read"),
            write: super::values::list_option(s, "write"),
        })
        .collect();
    ManagerConf {
        file: file_index as u32,
        general_pos: general.map(|s| s.pos),
        enabled: bool_option(g, "enabled", false),
        webenabled: bool_option(g, "webenabled", false),
        bindaddr: string_option(g, "bindaddr", "0.0.0.0"),
        port: string_option(g, "port", "5038"),
        tlsenable: bool_option(g, "tlsenable", false),
        tlsbindaddr: super::values::opt_string(g, "tlsbindaddr"),
        users,
    }
}
