//! `voicemail.conf`: one mailbox per extension with voicemail.

use super::names::VOICEMAIL_CONTEXT;
use super::secrets::{SecretId, Secrets};
use crate::profile::Profile;
use serde::Serialize;

/// `voicemail.conf`: one mailbox per extension with voicemail.
#[derive(Debug, Clone, Serialize)]
pub struct Voicemail {
    pub context: String,
    pub mailboxes: Vec<Mailbox>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Mailbox {
    pub number: String,
    pub pin: SecretId,
    pub name: String,
    pub email: Option<String>,
}

/// One mailbox per extension with voicemail; `None` when no extension has one.
pub fn build(profile: &Profile, secrets: &mut Secrets) -> Option<Voicemail> {
    let mailboxes: Vec<Mailbox> = profile
        .extensions
        .iter()
        .filter_map(|ext| {
            let vm = ext.voicemail.as_ref().filter(|v| v.enabled)?;
            Some(Mailbox {
                number: ext.number.to_string(),
                pin: secrets.register(&vm.pin),
                name: ext.name.to_string(),
                email: vm.email.as_ref().map(|e| e.to_string()),
            })
        })
        .collect();
    (!mailboxes.is_empty()).then(|| Voicemail {
        context: VOICEMAIL_CONTEXT.to_string(),
        mailboxes,
    })
}
