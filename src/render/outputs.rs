//! The one registry of output files: for every kind of file pbxgen writes, its file name (or
//! name pattern), template, syntax, the Asterisk file kind the reader reads it as, whether it
//! holds secrets (and where), and which part of the [`Plan`] it is made from.
//!
//! Everything that needs to know about an output file asks here: [`render`](super::render)
//! (which files, which template, which variables), the escaping (the template's syntax), the
//! `--diff` masking (where secrets sit), `templates list|export` (the embedded templates), and
//! the auditor reading rendered files back (the Asterisk file kind). Adding an output file is
//! one entry in [`OUTPUTS`] (and a variant of [`OutputKind`]), the plan module that makes its
//! data, and its template — see ARCHITECTURE.md.

use super::escape::Syntax;
use super::templates::{Embedded, template};
use crate::asterisk::FileKind;
use crate::plan::Plan;
use crate::redact::file::SecretPositions;
use minijinja::Value;

/// Every kind of file pbxgen writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OutputKind {
    Pjsip,
    Sip,
    Extensions,
    Voicemail,
    Websms,
    Spa3102,
    Twiml,
    Http,
    ClickToCall,
    TwilioService,
}

/// Which files of one kind a plan calls for, and how they are named.
pub enum Files {
    /// One file named `name`, when `present(plan)`.
    One {
        name: &'static str,
        present: fn(&Plan) -> bool,
    },
    /// One file per item of the plan, named `{prefix}{item name}{suffix}`
    /// (`spa3102-home.xml`); its template sees the item as `variable`.
    PerItem {
        prefix: &'static str,
        suffix: &'static str,
        variable: &'static str,
        /// The names of the plan's items, in order.
        names: fn(&Plan) -> Vec<&str>,
        /// The template value of item `i`.
        value: fn(&Plan, usize) -> Value,
    },
}

/// Everything pbxgen knows about one kind of output file.
pub struct Output {
    pub kind: OutputKind,
    pub files: Files,
    /// The embedded template producing it (`templates/<name>`), with what it produces.
    pub template: Embedded,
    /// The syntax every value printed into it is checked and escaped for.
    pub syntax: Syntax,
    /// How the Asterisk reader interprets it when the auditor reads rendered files back
    /// (`None`: not a configuration file Asterisk or WebSMS reads).
    pub reader: Option<FileKind>,
    /// Whether its template prints secrets. A file that printed one is written 0640 (0600 with
    /// `--private`), any other 0644.
    pub holds_secrets: bool,
    /// Where secrets sit in such a file: masked in the copy on disk for `render --diff`.
    pub secret_positions: SecretPositions,
    /// Whether its template prints credentials that are public by design (the
    /// `public_credential` filter): they do not make the file secret. Only for files whose
    /// whole purpose is to hand an account to the public, whose context can reach nothing
    /// but its one callee (click-to-call pages). Masked like secrets in `--diff` all the same.
    pub publishes_credentials: bool,
    /// For a file printing the accounts one after the other (pjsip.conf): how many. The
    /// embedded template is rendered in parts on several threads and the parts joined; each
    /// part sees its accounts as `site.pjsip.accounts`, and `part` (`first`, `last`): it prints
    /// what precedes the accounts when `first`, what follows them when `last`. An overriding
    /// template is rendered whole, as one part that is both (see `render`).
    pub parts: Option<fn(&Plan) -> usize>,
}

/// The registry, in the order files are rendered and listed.
pub static OUTPUTS: [Output; 10] = [
    Output {
        kind: OutputKind::Pjsip,
        files: Files::One {
            name: "pjsip.conf",
            present: |plan| plan.pjsip.is_some(),
        },
        template: template!(
            "pjsip.conf.j2",
            "pjsip.conf: transports, endpoints, auths, AORs, identifies, registrations"
        ),
        syntax: Syntax::Asterisk,
        reader: Some(FileKind::Pjsip),
        holds_secrets: true,
        secret_positions: SecretPositions::Options,
        publishes_credentials: false,
        parts: Some(|plan| plan.pjsip.as_ref().map_or(0, |p| p.accounts.len())),
    },
    Output {
        kind: OutputKind::Sip,
        files: Files::One {
            name: "sip.conf",
            present: |plan| plan.sip.is_some(),
        },
        template: template!(
            "sip.conf.j2",
            "sip.conf (chan_sip, Asterisk <= 20): general, peers, Twilio address peers"
        ),
        syntax: Syntax::Asterisk,
        reader: Some(FileKind::Sip),
        holds_secrets: true,
        secret_positions: SecretPositions::Options,
        publishes_credentials: false,
        parts: None,
    },
    Output {
        kind: OutputKind::Extensions,
        files: Files::One {
            name: "extensions.conf",
            present: |_| true,
        },
        template: template!(
            "extensions.conf.j2",
            "extensions.conf: inbound, internal, outbound-route, SMS and WebSMS contexts"
        ),
        syntax: Syntax::Asterisk,
        reader: Some(FileKind::Extensions),
        holds_secrets: false,
        secret_positions: SecretPositions::Options,
        publishes_credentials: false,
        parts: None,
    },
    Output {
        kind: OutputKind::Voicemail,
        files: Files::One {
            name: "voicemail.conf",
            present: |plan| plan.voicemail.is_some(),
        },
        template: template!(
            "voicemail.conf.j2",
            "voicemail.conf: one mailbox per extension with voicemail"
        ),
        syntax: Syntax::Asterisk,
        reader: Some(FileKind::Voicemail),
        holds_secrets: true,
        secret_positions: SecretPositions::OptionsAndMailboxes,
        publishes_credentials: false,
        parts: None,
    },
    Output {
        kind: OutputKind::Websms,
        files: Files::One {
            name: "websms.conf",
            present: |plan| plan.websms.is_some(),
        },
        template: template!(
            "websms.conf.j2",
            "websms.conf: the WebSMS bridge (PHP ini, legacy or current layout)"
        ),
        syntax: Syntax::PhpIni,
        reader: Some(FileKind::Websms),
        holds_secrets: true,
        secret_positions: SecretPositions::Options,
        publishes_credentials: false,
        parts: None,
    },
    Output {
        kind: OutputKind::Spa3102,
        files: Files::PerItem {
            prefix: "spa3102-",
            suffix: ".xml",
            variable: "device",
            names: |plan| plan.spa3102.iter().map(|d| d.name.as_str()).collect(),
            value: |plan, i| Value::from_serialize(&plan.spa3102[i]),
        },
        template: template!(
            "spa3102.xml.j2",
            "spa3102-<name>.xml: SPA3102 <flat-profile> provisioning"
        ),
        syntax: Syntax::Xml,
        reader: None,
        holds_secrets: true,
        secret_positions: SecretPositions::Xml,
        publishes_credentials: false,
        parts: None,
    },
    Output {
        kind: OutputKind::Twiml,
        files: Files::PerItem {
            prefix: "twiml-",
            suffix: ".xml",
            variable: "number",
            names: |plan| plan.twiml.iter().map(|n| n.name.as_str()).collect(),
            value: |plan, i| Value::from_serialize(&plan.twiml[i]),
        },
        template: template!(
            "twiml.xml.j2",
            "twiml-<name>.xml: TwiML routing a Twilio number to the PBX"
        ),
        syntax: Syntax::Xml,
        reader: Some(FileKind::Twiml),
        holds_secrets: false,
        secret_positions: SecretPositions::Xml,
        publishes_credentials: false,
        parts: None,
    },
    Output {
        kind: OutputKind::Http,
        files: Files::One {
            name: "http.conf",
            present: |plan| {
                plan.click_to_call
                    .as_ref()
                    .is_some_and(|c| c.http.is_some())
            },
        },
        template: template!(
            "http.conf.j2",
            "http.conf: Asterisk's HTTPS server for WebRTC (WSS only; plain HTTP off)"
        ),
        syntax: Syntax::Asterisk,
        reader: Some(FileKind::Http),
        holds_secrets: false,
        secret_positions: SecretPositions::Options,
        publishes_credentials: false,
        parts: None,
    },
    Output {
        kind: OutputKind::ClickToCall,
        files: Files::PerItem {
            prefix: "click-to-call-",
            suffix: ".json",
            variable: "page",
            names: |plan| {
                plan.click_to_call
                    .iter()
                    .flat_map(|c| &c.pages)
                    .map(|p| p.name.as_str())
                    .collect()
            },
            value: |plan, i| {
                plan.click_to_call
                    .as_ref()
                    .and_then(|c| c.pages.get(i))
                    .map_or(Value::UNDEFINED, Value::from_serialize)
            },
        },
        template: template!(
            "click-to-call.json.j2",
            "click-to-call-<name>.json: what a WebRTC click-to-call page needs (public by design)"
        ),
        syntax: Syntax::Json,
        reader: None,
        // Deliberately not secret (mode 0644): the page's JavaScript hands these credentials
        // to every visitor anyway. The account's context reaches its one callee and nothing
        // else (plan::invariants refuses anything more), which is what keeps it safe.
        holds_secrets: false,
        secret_positions: SecretPositions::Options,
        publishes_credentials: true,
        parts: None,
    },
    Output {
        kind: OutputKind::TwilioService,
        files: Files::One {
            name: "pbxgen-twilio.service",
            present: |plan| plan.twilio_service.is_some(),
        },
        template: template!(
            "pbxgen-twilio.service.j2",
            "pbxgen-twilio.service: systemd unit running `pbxgen twilio serve`, sandboxed"
        ),
        syntax: Syntax::Systemd,
        reader: None,
        holds_secrets: false,
        secret_positions: SecretPositions::Options,
        publishes_credentials: false,
        parts: None,
    },
];

impl OutputKind {
    /// Its registry entry.
    pub fn output(self) -> &'static Output {
        OUTPUTS
            .iter()
            .find(|o| o.kind == self)
            .expect("every kind is registered")
    }
}

impl Output {
    /// The file name of item `name` (the fixed name for single files).
    pub fn file_name(&self, item: &str) -> String {
        match &self.files {
            Files::One { name, .. } => name.to_string(),
            Files::PerItem { prefix, suffix, .. } => format!("{prefix}{item}{suffix}"),
        }
    }

    /// Whether `file` is a file of this kind.
    fn names_file(&self, file: &str) -> bool {
        match &self.files {
            Files::One { name, .. } => file == *name,
            Files::PerItem { prefix, suffix, .. } => file
                .strip_prefix(prefix)
                .and_then(|rest| rest.strip_suffix(suffix))
                .is_some_and(|item| !item.is_empty()),
        }
    }
}

/// The registry entry of an output file, from its name.
pub fn of_file(file: &str) -> Option<&'static Output> {
    OUTPUTS.iter().find(|o| o.names_file(file))
}

/// The syntax of a template (the shared macro templates, `_*.j2`, serve Asterisk files).
pub fn syntax_of_template(template: &str) -> Syntax {
    OUTPUTS
        .iter()
        .find(|o| o.template.name == template)
        .map_or(Syntax::Asterisk, |o| o.syntax)
}

/// The syntax of an output file (Asterisk's for a name the registry does not know).
pub fn syntax_of_file(file: &str) -> Syntax {
    of_file(file).map_or(Syntax::Asterisk, |o| o.syntax)
}

/// Where the secrets of an output file sit (options, for a name the registry does not know).
pub fn secret_positions_of_file(file: &str) -> SecretPositions {
    of_file(file).map_or(SecretPositions::Options, |o| o.secret_positions)
}

/// Whether the output a template produces may print public credentials (see
/// [`Output::publishes_credentials`]).
pub fn publishes_credentials(template: &str) -> bool {
    OUTPUTS
        .iter()
        .any(|o| o.template.name == template && o.publishes_credentials)
}

/// The Asterisk file kind the reader reads an output file as, if any.
pub fn reader_kind_of_file(file: &str) -> Option<FileKind> {
    of_file(file).and_then(|o| o.reader)
}

/// One file a plan renders to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// File name in the output directory.
    pub name: String,
    pub kind: OutputKind,
    /// The item of a per-item kind (an index into its plan list).
    pub item: Option<usize>,
}

impl OutputFile {
    pub fn output(&self) -> &'static Output {
        self.kind.output()
    }
}

/// The files `plan` renders to, in registry order.
pub fn files_of(plan: &Plan) -> Vec<OutputFile> {
    let mut files = Vec::new();
    for output in &OUTPUTS {
        match &output.files {
            Files::One { name, present } => {
                if present(plan) {
                    files.push(OutputFile {
                        name: name.to_string(),
                        kind: output.kind,
                        item: None,
                    });
                }
            }
            Files::PerItem { names, .. } => {
                for (i, item) in names(plan).into_iter().enumerate() {
                    files.push(OutputFile {
                        name: output.file_name(item),
                        kind: output.kind,
                        item: Some(i),
                    });
                }
            }
        }
    }
    files
}

/// The variables a template of `file` sees besides `site` and `header`: every per-item
/// variable, undefined except the file's own item.
pub fn item_variables(plan: &Plan, file: &OutputFile) -> Vec<(&'static str, Value)> {
    OUTPUTS
        .iter()
        .filter_map(|o| match &o.files {
            Files::PerItem {
                variable, value, ..
            } => {
                let v = match file.item {
                    Some(i) if o.kind == file.kind => value(plan, i),
                    _ => Value::UNDEFINED,
                };
                Some((*variable, v))
            }
            Files::One { .. } => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_registered_once_in_order() {
        for (i, output) in OUTPUTS.iter().enumerate() {
            assert_eq!(output.kind.output().kind, output.kind);
            assert!(
                OUTPUTS[..i].iter().all(|o| o.kind < output.kind),
                "{:?} is registered once, in OutputKind order",
                output.kind
            );
        }
    }

    #[test]
    fn file_names_map_back_to_their_kind() {
        assert_eq!(
            of_file("pjsip.conf").map(|o| o.kind),
            Some(OutputKind::Pjsip)
        );
        assert_eq!(
            of_file("spa3102-home.xml").map(|o| o.kind),
            Some(OutputKind::Spa3102)
        );
        assert_eq!(
            of_file("twiml-main.xml").map(|o| o.kind),
            Some(OutputKind::Twiml)
        );
        assert!(of_file("twiml-.xml").is_none() && of_file("manager.conf").is_none());
        assert_eq!(
            OutputKind::Twiml.output().file_name("main"),
            "twiml-main.xml"
        );
        assert_eq!(syntax_of_file("websms.conf"), Syntax::PhpIni);
        assert_eq!(syntax_of_template("spa3102.xml.j2"), Syntax::Xml);
        assert_eq!(
            of_file("pbxgen-twilio.service").map(|o| o.kind),
            Some(OutputKind::TwilioService)
        );
        assert_eq!(syntax_of_file("pbxgen-twilio.service"), Syntax::Systemd);
        assert_eq!(reader_kind_of_file("twiml-main.xml"), Some(FileKind::Twiml));
        assert_eq!(syntax_of_template("_asterisk.j2"), Syntax::Asterisk);
    }

    #[test]
    fn fixed_names_of_asterisk_files_are_the_names_asterisk_loads() {
        for output in &OUTPUTS {
            if let (Files::One { name, .. }, Some(kind)) = (&output.files, output.reader) {
                assert_eq!(kind.asterisk_name(), Some(*name), "{:?}", output.kind);
            }
        }
    }
}
