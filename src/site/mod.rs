//! The normalized PBX plan built from a validated profile: what templates need, nothing more.
//!
//! [`plan`] turns a [`Profile`](crate::profile::Profile) into a [`Site`]: every section, object,
//! context and provisioning file the output will hold, with names, ACLs and routes decided once,
//! here, so that templates only format. Derived facts (which contexts are untrusted, which
//! endpoints are trunks) are computed here and nowhere else. Secrets stay references
//! ([`SecretId`] into [`Site::secrets`]) until render time.

pub mod chan_sip;
pub mod devices;
pub mod dialplan;
mod invariants;
pub mod pjsip;
mod plan;
mod provision;
mod routes;
pub mod websms;

pub use chan_sip::ChanSip;
pub use devices::{Spa3102, Twiml, Voicemail};
pub use dialplan::Dialplan;
pub use pjsip::Pjsip;
pub use plan::{
    INTERNAL_CONTEXT, MESSAGES_CONTEXT, REJECT_CONTEXT, TWILIO_ORIGINATION, TWILIO_TERMINATION,
    plan,
};
pub use websms::WebSms;

use crate::profile::Secret;
use serde::Serialize;

/// The whole plan for one site.
#[derive(Debug, Clone, Serialize)]
pub struct Site {
    /// The site's name (profile `site.name`).
    pub name: String,
    /// The profile's file name (no directory), for file headers.
    pub profile_file: String,
    /// Target Asterisk major version.
    pub asterisk: u32,
    pub pjsip: Option<Pjsip>,
    pub sip: Option<ChanSip>,
    pub dialplan: Dialplan,
    pub voicemail: Option<Voicemail>,
    pub websms: Option<WebSms>,
    pub spa3102: Vec<Spa3102>,
    pub twiml: Vec<Twiml>,
    /// Every secret the files use, referenced by [`SecretId`]; resolved only when rendering.
    #[serde(skip)]
    pub secrets: Vec<Secret>,
}

/// A secret as templates see it: `{"secret": n}`, printed only through the `secret` filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SecretId {
    pub secret: usize,
}

/// One file the site renders to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// File name in the output directory.
    pub name: String,
    /// The template producing it.
    pub template: &'static str,
    /// The instance a per-instance template renders (`device`, `number`).
    pub item: Item,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    Site,
    Spa3102(usize),
    Twiml(usize),
}

impl Site {
    /// Register a secret, reusing the id of an identical reference.
    pub fn secret(&mut self, secret: &Secret) -> SecretId {
        let index = match self.secrets.iter().position(|s| same_reference(s, secret)) {
            Some(i) => i,
            None => {
                self.secrets.push(secret.clone());
                self.secrets.len() - 1
            }
        };
        SecretId { secret: index }
    }

    /// The files this site renders to, in a stable order.
    pub fn outputs(&self) -> Vec<OutputFile> {
        let single = |name: &str, template| OutputFile {
            name: name.to_string(),
            template,
            item: Item::Site,
        };
        let mut files = Vec::new();
        if self.pjsip.is_some() {
            files.push(single("pjsip.conf", "pjsip.conf.j2"));
        }
        if self.sip.is_some() {
            files.push(single("sip.conf", "sip.conf.j2"));
        }
        files.push(single("extensions.conf", "extensions.conf.j2"));
        if self.voicemail.is_some() {
            files.push(single("voicemail.conf", "voicemail.conf.j2"));
        }
        if self.websms.is_some() {
            files.push(single("websms.conf", "websms.conf.j2"));
        }
        for (i, device) in self.spa3102.iter().enumerate() {
            files.push(OutputFile {
                name: device.file.clone(),
                template: "spa3102.xml.j2",
                item: Item::Spa3102(i),
            });
        }
        for (i, number) in self.twiml.iter().enumerate() {
            files.push(OutputFile {
                name: number.file.clone(),
                template: "twiml.xml.j2",
                item: Item::Twiml(i),
            });
        }
        files
    }
}

/// Two secret fields naming the same source share one id (positions do not matter).
fn same_reference(a: &Secret, b: &Secret) -> bool {
    a.source() == b.source()
}
