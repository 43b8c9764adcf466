//! websms.conf: the WebSMS bridge's PHP ini file (both key layouts, see spec/websms.md).
//!
//! PHP's `parse_ini_file` turns unquoted `yes`/`no`/`true`/`false`/`null`/`none`/`on`/`off`
//! into `"1"`/`""`, so such values are recorded; `key[2]` indexes a key for a second ITSP.

use super::Located;
use crate::asterisk::source::Pos;
use crate::asterisk::syntax::ConfigFile;
use serde::{Serialize, Serializer};

/// Which generation of key names a file uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WebsmsLayout {
    /// Before v0.8.0 (May 2020): `host`, `auth_passwd`, `permit_addr`, `proxy_addr`, …
    Legacy,
    /// Today's: `url_host`, `auth_secret`, `remt_addr`, `prox_addr`, …
    Current,
    /// Keys of both layouts in one file.
    Mixed,
    /// Only keys common to both layouts.
    Unknown,
}

/// Keys only the legacy layout has.
pub const LEGACY_KEYS: [&str; 10] = [
    "host",
    "path",
    "auth_passwd",
    "response_check",
    "number_format",
    "charset",
    "report_success",
    "permit_addr",
    "proxy_addr",
    "proxy_header",
];

/// Keys only the current layout has.
pub const CURRENT_KEYS: [&str; 13] = [
    "url_host",
    "url_path",
    "auth_secret",
    "resp_check",
    "val_numform",
    "val_unicode",
    "resp_ack",
    "remt_addr",
    "prox_addr",
    "prox_header",
    "key_user",
    "key_secret",
    "val_static",
];

/// Values PHP turns into booleans/null unless quoted.
const PHP_LITERALS: [&str; 8] = ["yes", "no", "true", "false", "null", "none", "on", "off"];

/// The layout a key name belongs to (`None` for keys common to both).
pub fn key_layout(base: &str) -> Option<WebsmsLayout> {
    if LEGACY_KEYS.iter().any(|k| k.eq_ignore_ascii_case(base)) {
        Some(WebsmsLayout::Legacy)
    } else if CURRENT_KEYS.iter().any(|k| k.eq_ignore_ascii_case(base)) {
        Some(WebsmsLayout::Current)
    } else {
        None
    }
}

/// The interpreted websms.conf.
#[derive(Clone, Debug, Serialize)]
pub struct WebsmsConf {
    pub file: u32,
    pub layout: WebsmsLayout,
    pub sections: Vec<WebsmsSection>,
    /// `[websmsd]` `permit_addr`/`remt_addr`: sources allowed to post webhooks.
    /// `None` = not set = **every source allowed**.
    pub source_addresses: Option<Located<Vec<String>>>,
    /// `[websmsd]` `proxy_addr`/`prox_addr`: proxies trusted to set the client-address header.
    pub proxy_addresses: Located<Vec<String>>,
    /// `[websmsd]` `proxy_header`/`prox_header` (default `HTTP_X_FORWARDED_FOR`).
    pub proxy_header: Located<String>,
    /// The outgoing ITSP settings of `[websms]`, one per key index (`None` = unindexed).
    pub itsps: Vec<WebsmsItsp>,
    /// `[astqueue]` `channel_context` (default `default`).
    pub channel_context: Located<String>,
    /// `[astqueue]` `context` (default `default`).
    pub context: Located<String>,
    /// Values PHP would turn into booleans/null because they are not quoted.
    pub unquoted_literals: Vec<WebsmsKey>,
}

/// One `[section]` of websms.conf.
#[derive(Clone, Debug, Serialize)]
pub struct WebsmsSection {
    pub name: String,
    pub pos: Pos,
    pub keys: Vec<WebsmsKey>,
}

/// One `key = value` line.
#[derive(Clone, Debug)]
pub struct WebsmsKey {
    /// The key without index (`auth_user` for `auth_user[2]`).
    pub name: String,
    /// The index in `key[index]`, when given.
    pub index: Option<String>,
    /// The value with PHP quotes removed.
    pub value: String,
    /// Written in quotes.
    pub quoted: bool,
    pub pos: Pos,
    /// Which layout the key name belongs to (`None` for common keys).
    pub layout: Option<WebsmsLayout>,
}

impl Serialize for WebsmsKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("WebsmsKey", 6)?;
        st.serialize_field("name", &self.name)?;
        st.serialize_field("index", &self.index)?;
        st.serialize_field(
            "value",
            &crate::redact::value::mask_option_value(&self.name, &self.value),
        )?;
        st.serialize_field("quoted", &self.quoted)?;
        st.serialize_field("pos", &self.pos)?;
        st.serialize_field("layout", &self.layout)?;
        st.end()
    }
}

/// The settings for one outgoing ITSP (`[websms]`, one key index).
#[derive(Clone, Debug, Serialize)]
pub struct WebsmsItsp {
    pub index: Option<String>,
    /// `url_host` / `host`.
    pub url_host: Option<Located<String>>,
    /// `none`, `plain`, `basic`, `zadarma`.
    pub auth_method: Option<Located<String>>,
    pub auth_user: Option<Located<String>>,
    /// `auth_secret`/`auth_passwd` is set (the value is never kept here).
    pub has_secret: bool,
}

/// Split `key[idx]` into the key and its index.
fn split_index(name: &str) -> (&str, Option<&str>) {
    match name.split_once('[') {
        Some((base, rest)) => (base.trim(), Some(rest.trim_end_matches(']').trim())),
        None => (name.trim(), None),
    }
}

/// Remove PHP quotes: `"text"` or `'text'`.
fn unquote(raw: &str) -> (String, bool) {
    let t = raw.trim();
    for q in ['"', '\''] {
        if t.len() >= 2 && t.starts_with(q) && t.ends_with(q) {
            return (t[1..t.len() - 1].to_string(), true);
        }
    }
    (t.to_string(), false)
}

/// Interpret websms.conf.
pub fn build(file_index: usize, file: &ConfigFile) -> WebsmsConf {
    let sections: Vec<WebsmsSection> = file
        .sections
        .iter()
        .map(|s| WebsmsSection {
            name: s.name.to_string(),
            pos: s.pos,
            keys: s
                .variables
                .iter()
                .map(|v| {
                    let (base, index) = split_index(&v.name);
                    let (value, quoted) = unquote(&v.value);
                    WebsmsKey {
                        name: base.to_string(),
                        index: index.map(str::to_string),
                        value,
                        quoted,
                        pos: v.pos,
                        layout: key_layout(base),
                    }
                })
                .collect(),
        })
        .collect();

    let all_keys = || sections.iter().flat_map(|s| s.keys.iter());
    let has = |l: WebsmsLayout| all_keys().any(|k| k.layout == Some(l));
    let layout = match (has(WebsmsLayout::Legacy), has(WebsmsLayout::Current)) {
        (true, true) => WebsmsLayout::Mixed,
        (true, false) => WebsmsLayout::Legacy,
        (false, true) => WebsmsLayout::Current,
        (false, false) => WebsmsLayout::Unknown,
    };
    fn section_keys<'a>(
        sections: &'a [WebsmsSection],
        name: &'a str,
    ) -> impl Iterator<Item = &'a WebsmsKey> {
        sections
            .iter()
            .filter(move |s| s.name.eq_ignore_ascii_case(name))
            .flat_map(|s| s.keys.iter())
    }
    // Last one wins, as in PHP.
    let last = |section: &'static str, names: &[&str]| {
        section_keys(&sections, section)
            .filter(|k| k.index.is_none() && names.iter().any(|n| k.name.eq_ignore_ascii_case(n)))
            .last()
    };
    let list = |k: &WebsmsKey| {
        k.value
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let source_addresses =
        last("websmsd", &["permit_addr", "remt_addr"]).map(|k| Located::at(list(k), k.pos));
    let proxy_default: &[&str] = if layout == WebsmsLayout::Legacy {
        &["172.16.0.0/12"]
    } else {
        &["172.16.0.0/12", "192.168.0.0/16"]
    };
    let proxy_addresses = match last("websmsd", &["proxy_addr", "prox_addr"]) {
        Some(k) => Located::at(list(k), k.pos),
        None => Located::default_value(proxy_default.iter().map(|s| s.to_string()).collect()),
    };
    let located_or = |k: Option<&WebsmsKey>, default: &str| match k {
        Some(k) => Located::at(k.value.clone(), k.pos),
        None => Located::default_value(default.to_string()),
    };
    let proxy_header = located_or(
        last("websmsd", &["proxy_header", "prox_header"]),
        "HTTP_X_FORWARDED_FOR",
    );
    let channel_context = located_or(last("astqueue", &["channel_context"]), "default");
    let context = located_or(last("astqueue", &["context"]), "default");

    let mut itsps: Vec<WebsmsItsp> = Vec::new();
    for k in section_keys(&sections, "websms") {
        let idx = match itsps.iter().position(|i| i.index == k.index) {
            Some(i) => i,
            None => {
                itsps.push(WebsmsItsp {
                    index: k.index.clone(),
                    url_host: None,
                    auth_method: None,
                    auth_user: None,
                    has_secret: false,
                });
                itsps.len() - 1
            }
        };
        let itsp = &mut itsps[idx];
        let at = || Some(Located::at(k.value.clone(), k.pos));
        match k.name.to_ascii_lowercase().as_str() {
            "url_host" | "host" => itsp.url_host = at(),
            "auth_method" => itsp.auth_method = at(),
            "auth_user" => itsp.auth_user = at(),
            "auth_secret" | "auth_passwd" => itsp.has_secret = !k.value.is_empty(),
            _ => {}
        }
    }

    let unquoted_literals = all_keys()
        .filter(|k| !k.quoted && PHP_LITERALS.iter().any(|l| k.value.eq_ignore_ascii_case(l)))
        .cloned()
        .collect();

    WebsmsConf {
        file: file_index as u32,
        layout,
        source_addresses,
        proxy_addresses,
        proxy_header,
        itsps,
        channel_context,
        context,
        unquoted_literals,
        sections,
    }
}
