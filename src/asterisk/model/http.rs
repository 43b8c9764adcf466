//! http.conf: Asterisk's built-in HTTP server (main/http.c), which serves the `/ws` WebSocket
//! of SIP over WS/WSS (and ARI, AMI over HTTP). Only `[general]`'s listeners are interpreted:
//! the plain listener runs when `enabled` is true and `bindaddr` is set; the TLS listener when
//! `tlsenable` is true, at `tlsbindaddr` (or, only when the plain listener runs, its address
//! with port 8089).

use super::Located;
use super::values::{bool_option, opt_string};
use crate::asterisk::shared_text::Text;
use crate::asterisk::source::Pos;
use crate::asterisk::syntax::{ConfigFile, Section};
use serde::Serialize;

/// The interpreted http.conf.
#[derive(Clone, Debug, Serialize)]
pub struct HttpConf {
    pub file: u32,
    /// The `[general]` header, when present.
    pub general_pos: Option<Pos>,
    /// The plain (unencrypted) listener is wanted (default no).
    pub enabled: Located<bool>,
    /// Its address; without it the plain listener does not start.
    pub bindaddr: Option<Located<Text>>,
    /// Default 8088.
    pub bindport: Option<Located<Text>>,
    /// The TLS listener (default no).
    pub tlsenable: Located<bool>,
    pub tlsbindaddr: Option<Located<Text>>,
}

impl HttpConf {
    /// Whether the plain listener runs: `enabled=yes` and a `bindaddr`.
    pub fn plain_listener(&self) -> Option<&Located<Text>> {
        self.bindaddr.as_ref().filter(|_| self.enabled.value)
    }
}

/// Interpret http.conf (`sslenable`/`sslbindaddr` are main/http.c's older names).
pub fn build(file_index: usize, file: &ConfigFile) -> HttpConf {
    let general = file.section("general");
    let empty = Section::empty();
    let g = general.unwrap_or(&empty);
    let either = |name: &str, old: &str| opt_string(g, name).or_else(|| opt_string(g, old));
    let tlsenable = match g.get("tlsenable") {
        Some(_) => bool_option(g, "tlsenable", false),
        None => bool_option(g, "sslenable", false),
    };
    HttpConf {
        file: file_index as u32,
        general_pos: general.map(|s| s.pos),
        enabled: bool_option(g, "enabled", false),
        bindaddr: opt_string(g, "bindaddr"),
        bindport: opt_string(g, "bindport"),
        tlsenable,
        tlsbindaddr: either("tlsbindaddr", "sslbindaddr"),
    }
}
