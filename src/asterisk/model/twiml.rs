//! TwiML documents (`twiml-main.xml`, `*.twiml`): what Twilio does with a call, as far as the
//! auditor cares — the `<Sip>` targets of `<Dial>` (with or without credentials) and every URL
//! Twilio will request for the call (webhooks).
//!
//! The documents are parsed with `roxmltree` (well-formed XML only, no DTD, entities decoded),
//! so attributes are found in any order and with either quote, and `&#112;assword`-style
//! escapes cannot hide anything. A document that is not well-formed XML is recorded with the
//! parser's reason and interpreted no further: Twilio refuses it too (error 12100).

use super::super::source::{FileId, Pos};
use super::super::syntax::ConfigFile;
use serde::Serialize;

/// One TwiML document.
#[derive(Clone, Debug, Serialize)]
pub struct TwimlDoc {
    /// Index of the file in `Config::files`.
    pub file: u32,
    /// Why the document is not well-formed XML (and where), when it is not.
    pub error: Option<(Pos, String)>,
    /// Every `<Sip>` element, in document order.
    pub sips: Vec<TwimlSip>,
    /// Every URL Twilio requests while running the document, in document order.
    pub urls: Vec<TwimlUrl>,
}

/// A `<Sip>` target (inside `<Dial>`).
#[derive(Clone, Debug, Serialize)]
pub struct TwimlSip {
    /// The element.
    pub pos: Pos,
    /// The SIP URI (the element's text, trimmed).
    pub uri: String,
    /// The `username` attribute: its value (a user name, not a secret) and where it is.
    pub username: Option<(String, Pos)>,
    /// Where the `password` attribute is (its value is never kept).
    pub password: Option<Pos>,
}

/// A URL Twilio requests: an `action`, `url` or `…Callback` attribute, or `<Redirect>`'s text.
#[derive(Clone, Debug, Serialize)]
pub struct TwimlUrl {
    /// The verb or noun it belongs to (`Dial`, `Redirect`, `Sip` …).
    pub element: String,
    /// The attribute (`action`, `statusCallback` …), or `None` for `<Redirect>`'s text.
    pub attribute: Option<String>,
    /// The URL as written (trimmed).
    pub url: String,
    pub pos: Pos,
}

impl TwimlUrl {
    /// Whether Twilio would request it over plain HTTP (relative URLs follow the document's
    /// own URL and are not judged here).
    pub fn is_plain_http(&self) -> bool {
        self.url
            .get(..7)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("http://"))
    }
}

/// Interpret a TwiML file read by the loader (`text`: its source).
pub fn build(file_index: usize, file: &ConfigFile, text: &str) -> TwimlDoc {
    let id = file.file;
    // roxmltree does not skip a byte-order mark; positions stay those of the file.
    let (offset, body) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ('\u{feff}'.len_utf8(), rest),
        None => (0, text),
    };
    let lines = LineIndex::new(text);
    let pos = |byte: usize| lines.pos(id, offset + byte);
    let mut doc = TwimlDoc {
        file: file_index as u32,
        error: None,
        sips: Vec::new(),
        urls: Vec::new(),
    };
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: 1_000_000,
        entity_resolver: None,
    };
    let tree = match roxmltree::Document::parse_with_options(body, options) {
        Ok(tree) => tree,
        Err(e) => {
            // roxmltree counts columns in characters; close enough to point at the problem.
            let at = e.pos();
            doc.error = Some((Pos::new(id, at.row, at.col), e.to_string()));
            return doc;
        }
    };
    for node in tree.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        let element_pos = pos(node.range().start);
        for attribute in node.attributes() {
            let attr = attribute.name();
            let lower = attr.to_ascii_lowercase();
            if lower == "action" || lower == "url" || lower.ends_with("callback") {
                doc.urls.push(TwimlUrl {
                    element: name.to_string(),
                    attribute: Some(attr.to_string()),
                    url: attribute.value().trim().to_string(),
                    pos: pos(attribute.range().start),
                });
            }
        }
        if name.eq_ignore_ascii_case("Redirect") {
            let url = node.text().unwrap_or_default().trim();
            if !url.is_empty() {
                doc.urls.push(TwimlUrl {
                    element: name.to_string(),
                    attribute: None,
                    url: url.to_string(),
                    pos: element_pos,
                });
            }
        }
        if name.eq_ignore_ascii_case("Sip") {
            let find = |wanted: &str| {
                node.attributes()
                    .find(|a| a.name().eq_ignore_ascii_case(wanted))
            };
            doc.sips.push(TwimlSip {
                pos: element_pos,
                uri: node.text().unwrap_or_default().trim().to_string(),
                username: find("username").map(|a| (a.value().to_string(), pos(a.range().start))),
                password: find("password").map(|a| pos(a.range().start)),
            });
        }
    }
    doc
}

/// Byte offsets → 1-based line and byte column.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    fn pos(&self, file: FileId, byte: usize) -> Pos {
        let line = self.starts.partition_point(|&start| start <= byte);
        let start = self.starts[line - 1];
        Pos::new(file, line as u32, (byte - start + 1) as u32)
    }
}
