//! TwiML documents (`twiml-main.xml`, `*.twiml`): what Twilio does with a call, as far as the
//! auditor cares — the `<Sip>` targets of `<Dial>` (with or without credentials) and every URL
//! Twilio will request for the call (webhooks).
//!
//! The documents are parsed with `roxmltree` (well-formed XML only, no DTD, character
//! references decoded), so attributes are found in any order, with either quote and on any
//! line, and values are compared as Twilio reads them. A document that is not well-formed XML is recorded with the
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asterisk::{FileKind, load_texts_as};

    fn doc(text: &str) -> TwimlDoc {
        let name = "twiml-main.xml".to_string();
        let config = load_texts_as(
            "t",
            vec![(name.clone(), text.as_bytes().to_vec())],
            &[(name, FileKind::Twiml)],
        );
        let file = &config.files[0];
        build(0, file, &config.sources.file(file.file).text())
    }

    #[test]
    fn sip_credentials_in_any_order_quoting_and_case() {
        let d = doc(
            "\u{feff}<?xml version=\"1.0\"?>\n<Response>\n  <Dial><Sip\n    PASSWORD='p&amp;w'\n    username=\"pbx\">sip:101@pbx.example.net</Sip></Dial>\n</Response>\n",
        );
        assert!(d.error.is_none());
        let sip = &d.sips[0];
        assert_eq!(sip.uri, "sip:101@pbx.example.net");
        assert_eq!((sip.pos.line, sip.pos.column), (3, 9));
        let password = sip.password.expect("password attribute");
        assert_eq!((password.line, password.column), (4, 5));
        let (user, at) = sip.username.as_ref().expect("username attribute");
        assert_eq!((user.as_str(), at.line, at.column), ("pbx", 5, 5));
        // The password's value is never kept: not even in the model dump.
        assert!(!serde_json::to_string(&d).unwrap().contains("p&w"));
    }

    #[test]
    fn webhook_urls_of_every_verb() {
        let d = doc(concat!(
            "<Response><Gather action=\"http://a/g\" statusCallback='https://a/s'/>",
            "<Dial action=\"/relative\"><Number url=\"HTTP://a/whisper\">+1555</Number></Dial>",
            "<Redirect>\n  http://a/next\n</Redirect><Play>http://a/media.mp3</Play></Response>"
        ));
        let urls: Vec<(&str, Option<&str>, &str, bool)> = d
            .urls
            .iter()
            .map(|u| {
                let attribute = u.attribute.as_deref();
                (
                    u.element.as_str(),
                    attribute,
                    u.url.as_str(),
                    u.is_plain_http(),
                )
            })
            .collect();
        assert_eq!(
            urls,
            [
                ("Gather", Some("action"), "http://a/g", true),
                ("Gather", Some("statusCallback"), "https://a/s", false),
                ("Dial", Some("action"), "/relative", false),
                ("Number", Some("url"), "HTTP://a/whisper", true),
                ("Redirect", None, "http://a/next", true),
            ],
            "media URLs (<Play>) are not webhooks"
        );
    }

    #[test]
    fn malformed_documents_are_recorded_not_interpreted() {
        let d = doc("<Response><Dial><Sip password=x>sip:a@b</Sip></Dial></Response>");
        let (pos, why) = d.error.expect("not well-formed");
        assert_eq!(pos.line, 1);
        assert!(!why.is_empty());
        assert!(d.sips.is_empty());
        let d = doc("<!DOCTYPE r [<!ENTITY a \"x\">]><Response/>");
        assert!(d.error.is_some(), "no DTD");
    }

    #[test]
    fn twiml_is_recognised_by_its_root_element() {
        assert!(FileKind::is_twiml(b"<Response/>"));
        assert!(FileKind::is_twiml(
            b"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- x -->\n<Response>\n</Response>"
        ));
        assert!(!FileKind::is_twiml(b"<flat-profile></flat-profile>"));
        assert!(!FileKind::is_twiml(b"<Responses/>"));
        assert!(!FileKind::is_twiml(b"<!-- unterminated <Response/>"));
        assert_eq!(FileKind::detect("twiml-main.xml"), FileKind::Twiml);
        assert_eq!(FileKind::detect("main.twiml"), FileKind::Twiml);
        assert_eq!(FileKind::detect("spa3102-home.xml"), FileKind::Other);
    }
}
