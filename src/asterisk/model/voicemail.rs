//! voicemail.conf: where app_voicemail lets a caller go — `dialout` (VoiceMailMain's "dial a
//! number" menu), `callback` (call the sender back) and `exitcontext` (`*`/`0` out of the
//! mailbox) — in `[general]` and per mailbox (`mailbox => pin,name,email,pager,opt=v|opt=v`).

use super::values::opt_string;
use super::{Located, SectionRef};
use crate::asterisk::secret::Secret;
use crate::asterisk::shared_text::Text;
use crate::asterisk::source::Pos;
use crate::asterisk::syntax::ConfigFile;
use serde::Serialize;

/// The interpreted voicemail.conf.
#[derive(Clone, Debug, Default, Serialize)]
pub struct VoicemailConf {
    pub file: u32,
    /// `[general]` `dialout`: VoiceMailMain lets callers dial out from this context.
    pub dialout: Option<Located<Text>>,
    /// `[general]` `callback`: VoiceMailMain calls senders back from this context.
    pub callback: Option<Located<Text>>,
    /// `[general]` `exitcontext`: where `*`/`0` leave VoiceMail/VoiceMailMain.
    pub exitcontext: Option<Located<Text>>,
    pub mailboxes: Vec<Mailbox>,
}

/// One `mailbox => pin,name,email,pager,options` line.
#[derive(Clone, Debug, Serialize)]
pub struct Mailbox {
    /// The voicemail context (section).
    pub context: String,
    pub mailbox: String,
    pub section: SectionRef,
    pub pos: Pos,
    pub pin: Located<Secret>,
    pub dialout: Option<Located<Text>>,
    pub callback: Option<Located<Text>>,
    pub exitcontext: Option<Located<Text>>,
}

impl VoicemailConf {
    /// Every context VoiceMailMain can dial out or call back from.
    pub fn dialout_contexts(&self) -> Vec<&Located<Text>> {
        let per_box = self
            .mailboxes
            .iter()
            .flat_map(|m| m.dialout.iter().chain(m.callback.iter()));
        self.dialout
            .iter()
            .chain(self.callback.iter())
            .chain(per_box)
            .collect()
    }

    /// Every context `*`/`0` can leave a mailbox to.
    pub fn exit_contexts(&self) -> Vec<&Located<Text>> {
        self.exitcontext
            .iter()
            .chain(self.mailboxes.iter().flat_map(|m| m.exitcontext.iter()))
            .collect()
    }
}

/// Interpret voicemail.conf.
pub fn build(file_index: usize, file: &ConfigFile) -> VoicemailConf {
    let mut conf = VoicemailConf {
        file: file_index as u32,
        ..VoicemailConf::default()
    };
    if let Some(g) = file.section("general") {
        conf.dialout = opt_string(g, "dialout");
        conf.callback = opt_string(g, "callback");
        conf.exitcontext = opt_string(g, "exitcontext");
    }
    for (i, s) in file.sections.iter().enumerate() {
        if s.is_template
            || ["general", "zonemessages"]
                .iter()
                .any(|n| s.name.eq_ignore_ascii_case(n))
        {
            continue;
        }
        for v in s.variables.iter() {
            let mut fields = v.value.splitn(5, ',');
            let pin = fields.next().unwrap_or("").trim();
            let options = fields.nth(3).unwrap_or("");
            let option = |name: &str| {
                options
                    .split('|')
                    .filter_map(|o| o.split_once('='))
                    .rfind(|(k, _)| k.trim().eq_ignore_ascii_case(name))
                    .map(|(_, val)| Located::at(Text::from(val.trim()), v.value_pos()))
            };
            conf.mailboxes.push(Mailbox {
                context: s.name.to_string(),
                mailbox: v.name.to_string(),
                section: SectionRef {
                    file: file_index as u32,
                    section: i as u32,
                },
                pos: v.pos,
                pin: Located::at(Secret::new(pin), v.value_pos()),
                dialout: option("dialout"),
                callback: option("callback"),
                exitcontext: option("exitcontext"),
            });
        }
    }
    conf
}
