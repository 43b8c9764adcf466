//! What rules get. A config rule: the PBX model, the Twilio facts, the target version and the
//! reachability analysis (computed once per audit). A profile rule: the loaded profile and its
//! text. (Meta rules get the suppressions: [`super::suppress::MetaContext`].)

use super::finding::Anchor;
use crate::asterisk::fast_hash::FastMap;
use crate::asterisk::model::Pbx;
use crate::asterisk::source::Pos;
use crate::asterisk::syntax::DiagnosticCode;
use crate::audit::analysis::reach::{EntryKind, Money, MoneyPath, Reach};
use crate::diag::Location;
use crate::profile::Profile;
use crate::redact::line::mask_line;
use crate::twilio::TwilioRanges;

pub struct AuditContext<'a> {
    pub pbx: &'a Pbx,
    pub twilio: &'a TwilioRanges,
    /// `--asterisk-version`.
    pub asterisk_version: Option<u32>,
    /// Computed by the first rule that asks ([`AuditContext::reach`]), while the other thread
    /// goes on with rules that do not need it.
    reach: std::sync::OnceLock<Reach>,
    /// The last anchor made, by position: every section inheriting a template's line is
    /// reported at that one line (then folded by the sink), and masking the line 20,000 times
    /// was a tenth of a large audit.
    last_anchor: std::sync::Mutex<Option<(Pos, Anchor)>>,
}

impl<'a> AuditContext<'a> {
    pub fn new(pbx: &'a Pbx, twilio: &'a TwilioRanges, asterisk_version: Option<u32>) -> Self {
        AuditContext {
            pbx,
            twilio,
            asterisk_version,
            reach: std::sync::OnceLock::new(),
            last_anchor: std::sync::Mutex::default(),
        }
    }

    /// The reachability analysis: entry points, what each reaches, and trunks.
    pub fn reach(&self) -> &Reach {
        self.reach
            .get_or_init(|| Reach::compute(self.pbx, self.twilio))
    }

    /// A finding location at `pos`, with the source line masked.
    pub fn anchor(&self, pos: Pos) -> Anchor {
        // A poisoned lock only means another rule panicked: the cache is still a valid value.
        let mut last = self
            .last_anchor
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((at, anchor)) = &*last {
            if *at == pos {
                return anchor.clone();
            }
        }
        let sources = &self.pbx.config.sources;
        let snippet = (pos.line > 0).then(|| mask_line(&sources.line_text(pos)));
        let anchor = Anchor {
            file: sources.display(pos.file).to_string(),
            line: pos.line.max(1),
            column: pos.column.max(1),
            snippet,
        };
        *last = Some((pos, anchor.clone()));
        anchor
    }

    /// The money the entry point of this kind and source reaches, if any (`min` class or
    /// worse), with the path.
    pub fn entry_money(&self, kind: EntryKind, source: &str, min: Money) -> Option<MoneyPath> {
        self.reach().money_of(self.pbx, kind, source, min)
    }

    /// Whether part of a top-level file could not be read (an `#include`/`#tryinclude` that
    /// matches nothing the audit has): a default pbxgen sees may be set in the missing part.
    pub fn is_incomplete(&self, file: u32) -> bool {
        self.pbx.config.files[file as usize]
            .diagnostics
            .iter()
            .any(|d| {
                matches!(
                    d.code,
                    DiagnosticCode::MissingInclude | DiagnosticCode::MissingTryInclude
                )
            })
    }

    /// The first line of a top-level config file (for findings about a file as a whole).
    pub fn file_pos(&self, file: u32) -> Pos {
        let f = &self.pbx.config.files[file as usize];
        Pos::new(f.file, 1, 1)
    }
}

/// What a profile rule gets (`audit --profile`): the loaded profile and its source text.
pub struct ProfileContext<'a> {
    pub profile: &'a Profile,
    /// The profile's YAML lines, for masked snippets.
    lines: Vec<&'a str>,
    /// Line → column of the first secret value on it (computed on first use).
    secret_columns: std::sync::OnceLock<FastMap<u32, u32>>,
    /// The text before a secret value → that text masked: the lines of a large profile's
    /// secrets mostly begin alike (`    secret: `), and masking is most of a finding's cost.
    masked_heads: std::sync::Mutex<FastMap<&'a str, String>>,
}

impl<'a> ProfileContext<'a> {
    /// `text` is the profile's source.
    pub fn new(profile: &'a Profile, text: &'a str) -> Self {
        ProfileContext {
            profile,
            lines: text.lines().collect(),
            secret_columns: std::sync::OnceLock::new(),
            masked_heads: std::sync::Mutex::default(),
        }
    }

    /// A finding location at a profile position, with the source line masked.
    pub fn anchor(&self, loc: &Location) -> Anchor {
        let snippet = loc
            .line
            .checked_sub(1)
            .and_then(|i| self.lines.get(i as usize))
            .map(|l| mask_line(l));
        Anchor {
            file: loc.file.clone(),
            line: loc.line.max(1),
            column: loc.column.max(1),
            snippet,
        }
    }

    /// [`Self::anchor`] for a finding about the secret value at `loc`: the snippet is masked
    /// from the first secret value on that line to the end of the line, whatever the YAML
    /// around it (a flow mapping `{ secret: "…", voicemail: { pin: "1234" } }` is not a
    /// `key: value` line the line masker knows, and may hold several secrets).
    pub fn anchor_secret(&self, loc: &Location) -> Anchor {
        // Not `self.anchor(loc)`: its masked snippet would be replaced below (masking a line is
        // most of the cost of a finding, and a large profile's PBX502 has one per extension).
        let mut anchor = Anchor {
            file: loc.file.clone(),
            line: loc.line.max(1),
            column: loc.column.max(1),
            snippet: None,
        };
        let line = loc
            .line
            .checked_sub(1)
            .and_then(|i| self.lines.get(i as usize).copied());
        if let Some(line) = line {
            let columns = self.secret_columns.get_or_init(|| {
                let mut columns = FastMap::default();
                for used in self.profile.secrets() {
                    let pos = used.secret.pos();
                    if pos.column > 0 {
                        let first = columns.entry(pos.line).or_insert(pos.column);
                        *first = (*first).min(pos.column);
                    }
                }
                columns
            });
            let first_column = columns
                .get(&loc.line)
                .copied()
                .unwrap_or(u32::MAX)
                .min(loc.column.max(1));
            let cut = line
                .char_indices()
                .nth((first_column - 1) as usize)
                .map_or(line.len(), |(i, _)| i);
            let head = &line[..cut];
            let mut heads = self
                .masked_heads
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let masked = heads.entry(head).or_insert_with(|| mask_line(head));
            let mut snippet = String::with_capacity(masked.len() + crate::redact::MASK.len());
            snippet.push_str(masked);
            snippet.push_str(crate::redact::MASK);
            anchor.snippet = Some(snippet);
        }
        anchor
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_in_a_flow_mapping_is_masked() {
        let site = "version: 1\nsite: { name: t, asterisk: 22, channel_drivers: [pjsip] }\nnetwork: { bind: 0.0.0.0, local_nets: [10.0.0.0/8], udp: { port: 5060 } }\n";
        let profile =
            crate::profile::parse(site, crate::profile::Origin::named("site.yaml")).unwrap();
        let text = "version: 1\n    voicemail: { pin: \"4071\" }\n";
        let ctx = ProfileContext::new(&profile, text);
        let anchor = ctx.anchor_secret(&Location::new("site.yaml", 2, 23));
        let snippet = anchor.snippet.unwrap();
        assert!(!snippet.contains("4071"), "{snippet}");
        assert!(snippet.starts_with("    voicemail: { pin: "), "{snippet}");

        // Two secrets on one line: the finding about the second masks the first too.
        let site = format!(
            "{site}extensions:\n  - {{ number: \"101\", name: A, secret: \"Zx8-vR2mT9pL4wZkqq\", voicemail: {{ pin: \"4071\" }} }}\n"
        );
        let profile =
            crate::profile::parse(&site, crate::profile::Origin::named("site.yaml")).unwrap();
        let ctx = ProfileContext::new(&profile, &site);
        let pin = profile.secrets()[1].secret.pos().location();
        let snippet = ctx.anchor_secret(&pin).snippet.unwrap();
        assert!(
            !snippet.contains("Zx8") && !snippet.contains("4071"),
            "{snippet}"
        );
    }
}
