//! What every rule gets: the PBX model, the Twilio facts, the target version and the
//! reachability analysis (computed once per audit).

use super::finding::Anchor;
use super::reach::Reach;
use crate::asterisk::model::Pbx;
use crate::asterisk::source::Pos;
use crate::redact::line::mask_line;
use crate::twilio::TwilioRanges;

pub struct AuditContext<'a> {
    pub pbx: &'a Pbx,
    pub twilio: &'a TwilioRanges,
    /// `--asterisk-version`.
    pub asterisk_version: Option<u32>,
    pub reach: Reach,
}

impl<'a> AuditContext<'a> {
    pub fn new(pbx: &'a Pbx, twilio: &'a TwilioRanges, asterisk_version: Option<u32>) -> Self {
        let reach = Reach::compute(pbx, twilio);
        AuditContext {
            pbx,
            twilio,
            asterisk_version,
            reach,
        }
    }

    /// A finding location at `pos`, with the source line masked.
    pub fn anchor(&self, pos: Pos) -> Anchor {
        let sources = &self.pbx.config.sources;
        let snippet = (pos.line > 0).then(|| mask_line(&sources.line_text(pos)));
        Anchor {
            file: sources.display(pos.file).to_string(),
            line: pos.line.max(1),
            column: pos.column.max(1),
            snippet,
        }
    }

    /// The first line of a top-level config file (for findings about a file as a whole).
    pub fn file_pos(&self, file: u32) -> Pos {
        let f = &self.pbx.config.files[file as usize];
        Pos::new(f.file, 1, 1)
    }
}
