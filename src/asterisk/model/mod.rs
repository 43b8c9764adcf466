//! The PBX as Asterisk would run it: every recognised file interpreted into one model.
//!
//! [`build`] turns a loaded [`Config`] into a [`Pbx`]. Each file kind has its interpreter
//! (`sip`, `pjsip`, `dialplan`, `websms`, `manager`, `acl`, `asterisk_conf`, `http`); all of them keep
//! (`sip`, `pjsip`, `dialplan`, `websms`, `manager`, `acl`, `asterisk_conf`, `twiml`); all of them keep
//! the position of every value they read, and say when a value is Asterisk's default instead
//! (`Located::pos == None`). Interpreters never fail: what Asterisk would reject is recorded
//! (diagnostics, `dropped` reasons) so that the audit can report it.

pub mod acl;
pub mod asterisk_conf;
pub mod dialplan;
mod dialplan_apps;
mod dialplan_build;
pub mod http;
pub mod manager;
mod name_memo;
pub mod option_values;
pub mod pjsip;
pub mod pjsip_options;
pub mod sip;
pub mod taint;
pub mod twiml;
pub mod values;
pub mod voicemail;
pub mod websms;

use super::Config;
use super::shared_text::Text;
use super::source::Pos;
use super::syntax::FileKind;
use serde::Serialize;

pub use acl::{Acl, AclRule, AclTarget, NamedAcl};
pub use asterisk_conf::AsteriskConf;
pub use dialplan::Dialplan;
pub use http::HttpConf;
pub use manager::ManagerConf;
pub use pjsip::PjsipConf;
pub use sip::SipConf;
pub use twiml::TwimlDoc;
pub use voicemail::VoicemailConf;
pub use websms::WebsmsConf;

/// A value with where it was set; `pos == None` means Asterisk's built-in default applies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Located<T> {
    pub value: T,
    pub pos: Option<Pos>,
}

impl<T> Located<T> {
    /// A value written in a file at `pos`.
    pub fn at(value: T, pos: Pos) -> Self {
        Located {
            value,
            pos: Some(pos),
        }
    }

    /// Asterisk's default (nothing written).
    pub fn default_value(value: T) -> Self {
        Located { value, pos: None }
    }

    /// Whether the value was written in a file (rather than being Asterisk's default).
    pub fn is_set(&self) -> bool {
        self.pos.is_some()
    }
}

/// Which section of which file a model object was read from: `config.files[file]
/// .sections[section]`. Rules use it to read options the model does not lift.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct SectionRef {
    pub file: u32,
    pub section: u32,
}

/// Name → position of the first object with that name, so that lookups stay O(1) on large
/// configurations (rules look objects up once per reference).
#[derive(Clone, Debug, Default)]
pub struct NameIndex(crate::asterisk::fast_hash::FastMap<Text, usize>);

impl NameIndex {
    /// Index names in order; the first occurrence of a name wins. Names given as [`Text`] are
    /// shared with the objects, not copied.
    pub fn build<T: Into<Text>>(names: impl Iterator<Item = T>) -> NameIndex {
        let mut map = crate::asterisk::fast_hash::FastMap::default();
        // Sized once: growing a table of 20,000 names rehashes it a dozen times.
        map.reserve(names.size_hint().0);
        for (i, name) in names.enumerate() {
            map.entry(name.into()).or_insert(i);
        }
        NameIndex(map)
    }

    pub fn get(&self, name: &str) -> Option<usize> {
        self.0.get(name).copied()
    }
}

/// Options for interpreting a configuration.
#[derive(Clone, Debug, Default)]
pub struct ModelOptions {
    /// Target Asterisk major version (`--asterisk-version`). Decides which pjsip options exist;
    /// `None` accepts any option known to Asterisk 20 or master.
    pub asterisk_version: Option<u32>,
}

/// The whole PBX: the configuration as read, and its interpretation per file kind.
#[derive(Clone, Debug, Serialize)]
pub struct Pbx {
    /// Everything read (sources, sections, diagnostics).
    pub config: Config,
    /// sip.conf (chan_sip), when present.
    pub sip: Option<SipConf>,
    /// pjsip.conf (res_pjsip), when present.
    pub pjsip: Option<PjsipConf>,
    /// extensions.conf; empty when absent.
    pub dialplan: Dialplan,
    /// websms.conf (PHP ini), when present.
    pub websms: Option<WebsmsConf>,
    /// manager.conf, when present.
    pub manager: Option<ManagerConf>,
    /// acl.conf's named ACLs.
    pub named_acls: Vec<NamedAcl>,
    /// asterisk.conf, when present.
    pub asterisk: Option<AsteriskConf>,
    /// voicemail.conf, when present (its dial-out/callback/exit contexts are dialplan edges).
    pub voicemail: Option<VoicemailConf>,
    /// http.conf, when present (where WebSockets are served).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpConf>,
    /// TwiML documents (Twilio's instructions for calls to a number), in reading order.
    pub twiml: Vec<TwimlDoc>,
    /// The target version the model was built for.
    pub asterisk_version: Option<u32>,
}

impl Pbx {
    /// A named ACL from acl.conf, by name (case-insensitive, as config.c looks sections up).
    pub fn named_acl(&self, name: &str) -> Option<&NamedAcl> {
        self.named_acls
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
    }

    /// The section a model object came from.
    pub fn section(&self, r: SectionRef) -> &super::syntax::Section {
        self.config.section(r)
    }
}

/// The variables (inherited ones included) of a file's sections: what interpreting it costs,
/// per kind of file.
fn variables(config: &Config, kind: FileKind) -> usize {
    config.file_of_kind(kind).map_or(0, |(_, f)| {
        f.sections.iter().map(|s| s.variables.len()).sum()
    })
}

/// What interpreting chan_sip and res_pjsip costs, in pjsip variables (callgrind: a chan_sip
/// variable costs about half of one).
fn this_threads_share(config: &Config) -> usize {
    variables(config, FileKind::Pjsip) + variables(config, FileKind::Sip) / 2
}

/// What interpreting the dialplan costs, in pjsip variables (callgrind: a dialplan line costs
/// three to five times a pjsip variable, by the render's and a provider tree's files).
fn dialplan_share(config: &Config) -> usize {
    variables(config, FileKind::Extensions) * 4
}

/// Interpret every file of `config` into one PBX model. Never fails: a file Asterisk would
/// refuse is still interpreted (its `ConfigFile::is_invalid` says Asterisk would not load it).
pub fn build(config: Config, opts: &ModelOptions) -> Pbx {
    // The file kinds are independent: the dialplan (usually the largest) is interpreted on a
    // second thread while chan_sip and res_pjsip are on this one. When this thread's share is
    // the larger (the render's self-audit: 10,000 endpoints, a few dialplan lines each), a large
    // pjsip.conf is split over two threads as well; when the dialplan's is (a provider's tree),
    // a third thread on two cores would only slow the dialplan down.
    let pjsip_may_split = this_threads_share(&config) > dialplan_share(&config);
    let (sip, pjsip, mut dialplan) = std::thread::scope(|scope| {
        let dialplan = scope.spawn(|| {
            config
                .file_of_kind(FileKind::Extensions)
                .map(|(i, f)| dialplan::build(i, f))
                .unwrap_or_default()
        });
        let sip = config
            .file_of_kind(FileKind::Sip)
            .map(|(i, f)| sip::build(i, f));
        let pjsip = config
            .file_of_kind(FileKind::Pjsip)
            .map(|(i, f)| pjsip::build(i, f, opts, pjsip_may_split));
        let dialplan = dialplan
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (sip, pjsip, dialplan)
    });
    let voicemail = config
        .file_of_kind(FileKind::Voicemail)
        .map(|(i, f)| voicemail::build(i, f));
    if let Some(vm) = &voicemail {
        dialplan::add_voicemail_edges(&mut dialplan, vm);
    }
    let websms = config
        .file_of_kind(FileKind::Websms)
        .map(|(i, f)| websms::build(i, f));
    let manager = config
        .file_of_kind(FileKind::Manager)
        .map(|(i, f)| manager::build(i, f));
    let named_acls = config
        .file_of_kind(FileKind::Acl)
        .map(|(i, f)| acl::build_named(i, f))
        .unwrap_or_default();
    let asterisk = config
        .file_of_kind(FileKind::Asterisk)
        .map(|(_, f)| asterisk_conf::build(f));
    let http = config
        .file_of_kind(FileKind::Http)
        .map(|(i, f)| http::build(i, f));
    let twiml = config
        .files
        .iter()
        .enumerate()
        .filter(|(_, f)| f.kind == FileKind::Twiml)
        .map(|(i, f)| twiml::build(i, f, &config.sources.file(f.file).text()))
        .collect();
    Pbx {
        config,
        sip,
        pjsip,
        dialplan,
        websms,
        manager,
        named_acls,
        asterisk,
        voicemail,
        http,
        twiml,
        asterisk_version: opts.asterisk_version,
    }
}
