//! The WebSMS bridge's `websms.conf` as data, in exactly one key layout.
//!
//! The project renamed its keys in v0.8.0; both layouts run in the wild. Every key the plan emits
//! goes through [`Key::name`], so one file can never mix the two.

use super::secrets::{SecretId, Secrets};
use crate::profile::{AuthMethod, NumberFormat, Profile, WebSmsLayout};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    Legacy,
    Current,
}

/// A setting whose key name depends on the layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    UrlHost,
    UrlPath,
    AuthUser,
    AuthSecret,
    AuthMethod,
    KeyTo,
    KeyFrom,
    KeyBody,
    KeyEcho,
    ResponseCheck,
    NumberFormat,
    Unicode,
    Ack,
    PermitAddr,
    ProxyAddr,
    ProxyHeader,
    ChannelContext,
    Context,
    OutgoingDir,
    StagingDir,
    WaitTime,
    MaxRetries,
    RetryTime,
    Archive,
    Priority,
    MessageEncode,
}

impl Key {
    /// The key's name in `layout` (spec/websms.md).
    pub fn name(self, layout: Layout) -> &'static str {
        use Layout::{Current, Legacy};
        match (self, layout) {
            (Key::UrlHost, Legacy) => "host",
            (Key::UrlHost, Current) => "url_host",
            (Key::UrlPath, Legacy) => "path",
            (Key::UrlPath, Current) => "url_path",
            (Key::AuthSecret, Legacy) => "auth_passwd",
            (Key::AuthSecret, Current) => "auth_secret",
            (Key::ResponseCheck, Legacy) => "response_check",
            (Key::ResponseCheck, Current) => "resp_check",
            (Key::NumberFormat, Legacy) => "number_format",
            (Key::NumberFormat, Current) => "val_numform",
            (Key::Unicode, Legacy) => "charset",
            (Key::Unicode, Current) => "val_unicode",
            (Key::Ack, Legacy) => "report_success",
            (Key::Ack, Current) => "resp_ack",
            (Key::PermitAddr, Legacy) => "permit_addr",
            (Key::PermitAddr, Current) => "remt_addr",
            (Key::ProxyAddr, Legacy) => "proxy_addr",
            (Key::ProxyAddr, Current) => "prox_addr",
            (Key::ProxyHeader, Legacy) => "proxy_header",
            (Key::ProxyHeader, Current) => "prox_header",
            (Key::AuthUser, _) => "auth_user",
            (Key::AuthMethod, _) => "auth_method",
            (Key::KeyTo, _) => "key_to",
            (Key::KeyFrom, _) => "key_from",
            (Key::KeyBody, _) => "key_body",
            (Key::KeyEcho, _) => "key_echo",
            (Key::ChannelContext, _) => "channel_context",
            (Key::Context, _) => "context",
            (Key::OutgoingDir, _) => "outgoingdir",
            (Key::StagingDir, _) => "stagingdir",
            (Key::WaitTime, _) => "waittime",
            (Key::MaxRetries, _) => "maxretries",
            (Key::RetryTime, _) => "retrytime",
            (Key::Archive, _) => "archive",
            (Key::Priority, _) => "priority",
            (Key::MessageEncode, _) => "message_encode",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct WebSms {
    pub layout: Layout,
    pub sections: Vec<IniSection>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IniSection {
    pub name: &'static str,
    pub entries: Vec<IniEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IniEntry {
    pub key: &'static str,
    pub value: IniValue,
}

/// A value; strings are always double-quoted when rendered, so PHP's `parse_ini_file` never
/// turns `yes`/`no`/`null`… into booleans.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum IniValue {
    Number(u32),
    Text(String),
    Secret(SecretId),
}

impl WebSms {
    /// Start an empty file in `layout`.
    pub fn new(layout: Layout) -> Self {
        WebSms {
            layout,
            sections: Vec::new(),
        }
    }

    /// Append `key = value` to `section` (created on first use).
    pub fn set(&mut self, section: &'static str, key: Key, value: IniValue) {
        let name = key.name(self.layout);
        let entry = IniEntry { key: name, value };
        match self.sections.iter_mut().find(|s| s.name == section) {
            Some(s) => s.entries.push(entry),
            None => self.sections.push(IniSection {
                name: section,
                entries: vec![entry],
            }),
        }
    }
}

/// The WebSMS settings of the profile, in its layout; `None` without WebSMS.
pub fn build(profile: &Profile, secrets: &mut Secrets) -> Option<WebSms> {
    let w = profile.websms()?;
    let layout = match w.layout {
        WebSmsLayout::Legacy => Layout::Legacy,
        WebSmsLayout::Current => Layout::Current,
    };
    let text = |s: &str| IniValue::Text(s.to_string());
    let mut conf = WebSms::new(layout);
    conf.set("websms", Key::UrlHost, text(&w.url));
    if let Some(path) = &w.path {
        conf.set("websms", Key::UrlPath, text(path));
    }
    let method = match w.auth_method {
        AuthMethod::None => "none",
        AuthMethod::Plain => "plain",
        AuthMethod::Basic => "basic",
        AuthMethod::Zadarma => "zadarma",
    };
    conf.set("websms", Key::AuthMethod, text(method));
    if let Some(user) = &w.user {
        conf.set("websms", Key::AuthUser, text(user));
    }
    if let Some(secret) = &w.secret {
        conf.set(
            "websms",
            Key::AuthSecret,
            IniValue::Secret(secrets.register(secret)),
        );
    }
    for (key, field) in [
        (Key::KeyTo, &w.field_to),
        (Key::KeyFrom, &w.field_from),
        (Key::KeyBody, &w.field_body),
    ] {
        if let Some(field) = field {
            conf.set("websms", key, text(field));
        }
    }
    if let Some(check) = &w.response_check {
        conf.set("websms", Key::ResponseCheck, text(check));
    }
    // WebSMS passes numbers through unchanged unless told to drop the `+`.
    if w.number_format == Some(NumberFormat::NoPlus) {
        let value = match layout {
            Layout::Legacy => "omit+",
            Layout::Current => "E.164",
        };
        conf.set("websms", Key::NumberFormat, text(value));
    }
    if let Some(echo) = &w.field_echo {
        conf.set("websmsd", Key::KeyEcho, text(echo));
    }
    let join = |nets: &[crate::profile::Cidr]| {
        nets.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",")
    };
    conf.set("websmsd", Key::PermitAddr, text(&join(&w.allow_from)));
    // Unset, WebSMS would trust forwarded-for headers from private ranges; empty trusts none.
    conf.set("websmsd", Key::ProxyAddr, text(&join(&w.trusted_proxies)));
    conf.set("websmsd", Key::ProxyHeader, text(&w.proxy_header));
    conf.set("astqueue", Key::ChannelContext, text(&w.channel_context));
    conf.set("astqueue", Key::Context, text(&w.text_context));
    Some(conf)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Key; 26] = [
        Key::UrlHost,
        Key::UrlPath,
        Key::AuthUser,
        Key::AuthSecret,
        Key::AuthMethod,
        Key::KeyTo,
        Key::KeyFrom,
        Key::KeyBody,
        Key::KeyEcho,
        Key::ResponseCheck,
        Key::NumberFormat,
        Key::Unicode,
        Key::Ack,
        Key::PermitAddr,
        Key::ProxyAddr,
        Key::ProxyHeader,
        Key::ChannelContext,
        Key::Context,
        Key::OutgoingDir,
        Key::StagingDir,
        Key::WaitTime,
        Key::MaxRetries,
        Key::RetryTime,
        Key::Archive,
        Key::Priority,
        Key::MessageEncode,
    ];

    // The reader's key lists (spec/websms.md): what audit rule PBX704 uses to spot mixed layouts.
    use crate::asterisk::model::websms::{
        CURRENT_KEYS as CURRENT_ONLY, LEGACY_KEYS as LEGACY_ONLY,
    };

    #[test]
    fn layouts_never_share_a_renamed_key() {
        for key in ALL {
            let legacy = key.name(Layout::Legacy);
            let current = key.name(Layout::Current);
            assert!(
                !CURRENT_ONLY.contains(&legacy),
                "{key:?}: legacy name {legacy} is a current key"
            );
            assert!(
                !LEGACY_ONLY.contains(&current),
                "{key:?}: current name {current} is a legacy key"
            );
        }
    }
}
