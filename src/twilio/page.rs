//! Turn a documentation page (Markdown or HTML) into logical lines of plain text: one line per
//! heading, paragraph, list item or table row, with table cells separated by ` | `. Markup,
//! entities and invisible characters are gone, so the range extractor sees the same text
//! whichever twin of the page it was given.

/// Which kind of document a page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageFormat {
    Markdown,
    Html,
}

impl PageFormat {
    /// Decide from the Content-Type, falling back to a look at the text itself (servers label
    /// Markdown as text/plain, and some label everything as octet-stream).
    pub fn sniff(content_type: Option<&str>, body: &str) -> PageFormat {
        let mime = content_type
            .and_then(|c| c.split(';').next())
            .map(|m| m.trim().to_ascii_lowercase());
        match mime.as_deref() {
            Some("text/html" | "application/xhtml+xml") => PageFormat::Html,
            Some("text/markdown" | "text/x-markdown") => PageFormat::Markdown,
            _ => {
                let head: String = body
                    .trim_start()
                    .chars()
                    .take(512)
                    .collect::<String>()
                    .to_ascii_lowercase();
                if head.starts_with("<!doctype html") || head.starts_with("<html") {
                    PageFormat::Html
                } else {
                    PageFormat::Markdown
                }
            }
        }
    }
}

/// One logical line of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based line in the source where this line starts.
    pub number: usize,
    pub kind: LineKind,
    pub text: String,
}

/// What a line is in the page's structure: the extractor trusts rows, list items and text under
/// the right headings, and treats quoted notes (history, warnings) as commentary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// A heading of this level (`#` = 1, `<h2>` = 2, …).
    Heading(u8),
    /// A table row, cells separated by ` | `.
    Row,
    /// A list item (marker removed).
    Item,
    /// A blockquote or callout (`> [!NOTE]`, `<aside>`).
    Quote,
    /// A paragraph or any other text.
    Text,
}

/// The logical lines of `text`.
pub fn lines(text: &str, format: PageFormat) -> Vec<Line> {
    match format {
        PageFormat::Markdown => markdown_lines(text),
        PageFormat::Html => html_lines(text),
    }
}

// ---------------------------------------------------------------------------------------------
// Markdown

fn markdown_lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut source = text.lines().enumerate().peekable();
    // YAML front matter (`---` … `---`): metadata, not content.
    if text.starts_with("---") {
        source.next();
        for (_, line) in source.by_ref() {
            if matches!(line.trim_end(), "---" | "...") {
                break;
            }
        }
    }
    let mut fence: Option<&str> = None;
    for (index, raw) in source {
        let number = index + 1;
        let trimmed = raw.trim();
        // Code blocks hold examples (dial strings, sample configs), not the published list.
        if let Some(marker) = fence {
            if trimmed.starts_with(marker) {
                fence = None;
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
            continue;
        }
        let mut body = trimmed;
        let mut quoted = false;
        while let Some(rest) = body.strip_prefix('>') {
            body = rest.trim_start();
            quoted = true;
        }
        if is_table_rule(body) || is_link_definition(body) {
            continue;
        }
        let (kind, body) = if let Some((level, rest)) = atx_heading(body) {
            (LineKind::Heading(level), rest)
        } else if quoted {
            (LineKind::Quote, body)
        } else if body.starts_with('|') {
            (LineKind::Row, body)
        } else if let Some(rest) = list_item(body) {
            (LineKind::Item, rest)
        } else {
            (LineKind::Text, body)
        };
        let text = clean(&markdown_inline(body));
        if !text.is_empty() {
            out.push(Line { number, kind, text });
        }
    }
    out
}

/// `## Title ##` → (2, "Title").
fn atx_heading(line: &str) -> Option<(u8, &str)> {
    let level = line.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = &line[level..];
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        return None;
    }
    let level = u8::try_from(level).ok()?;
    Some((level, rest.trim().trim_end_matches('#').trim_end()))
}

/// `* item`, `- item`, `+ item`, `1. item`, `1) item` → the item's text.
fn list_item(line: &str) -> Option<&str> {
    if let Some(rest) = line.strip_prefix(['*', '-', '+']) {
        return rest.strip_prefix([' ', '\t']);
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=9).contains(&digits) {
        return line[digits..]
            .strip_prefix(['.', ')'])?
            .strip_prefix([' ', '\t']);
    }
    None
}

/// `|---|:--:|` separates a table's header from its body.
fn is_table_rule(line: &str) -> bool {
    line.contains('-')
        && line
            .chars()
            .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

/// `[label]: https://…` defines a reference link.
fn is_link_definition(line: &str) -> bool {
    line.starts_with('[') && line.find("]:").is_some_and(|i| !line[1..i].contains(']'))
}

/// Remove inline Markdown: links keep their text, images their alt text, code spans and
/// emphasis lose their markers, backslash escapes are resolved, inline HTML is treated as HTML.
/// Every marker is ASCII, so slicing at their byte positions keeps UTF-8 intact; every search
/// is bounded so a hostile page cannot make this quadratic.
fn markdown_inline(line: &str) -> String {
    let bytes = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    let mut plain = 0; // start of text not yet copied
    let flush = |out: &mut String, from: usize, to: usize| out.push_str(&line[from..to]);
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if bytes.get(i + 1).is_some_and(u8::is_ascii_punctuation) => {
                flush(&mut out, plain, i);
                plain = i + 1;
                i += 2;
            }
            b'!' if bytes.get(i + 1) == Some(&b'[') => {
                flush(&mut out, plain, i);
                plain = i + 1;
                i += 1;
            }
            b'[' => {
                // `[text](url)` or `[text][ref]`: keep the text, drop the target.
                let close = find_byte(bytes, i + 1, b']');
                let target_end = close.and_then(|c| match bytes.get(c + 1) {
                    Some(b'(') => find_byte(bytes, c + 2, b')'),
                    Some(b'[') => find_byte(bytes, c + 2, b']'),
                    _ => None,
                });
                if let (Some(close), Some(end)) = (close, target_end) {
                    flush(&mut out, plain, i);
                    out.push_str(&markdown_inline(&line[i + 1..close]));
                    i = end + 1;
                    plain = i;
                } else {
                    i += 1;
                }
            }
            b'<' => {
                // An autolink `<https://…>` or an inline HTML tag (`<br>`, `<sup>`).
                let Some(end) = tag_end(&line[i..]).map(|e| e + i) else {
                    i += 1;
                    continue;
                };
                let inner = &line[i + 1..end];
                let tag = parse_tag(inner);
                if inner.contains("://") || tag.is_some() {
                    flush(&mut out, plain, i);
                    if tag.is_some_and(|t| is_block(&t.name) || t.name == "br") {
                        out.push(' ');
                    }
                    i = end + 1;
                    plain = i;
                } else {
                    i += 1;
                }
            }
            b'`' | b'*' => {
                flush(&mut out, plain, i);
                i += 1;
                plain = i;
            }
            _ => i += 1,
        }
    }
    flush(&mut out, plain, bytes.len());
    decode_entities(&out)
}

/// Links and their targets are short; do not look further than this for their end.
const MAX_LINK: usize = 2048;

fn find_byte(bytes: &[u8], from: usize, wanted: u8) -> Option<usize> {
    let end = bytes.len().min(from.saturating_add(MAX_LINK));
    bytes
        .get(from..end)?
        .iter()
        .position(|&b| b == wanted)
        .map(|p| p + from)
}

// ---------------------------------------------------------------------------------------------
// HTML

/// Elements whose content is never page text.
const SKIPPED: &[&str] = &["script", "style", "template", "svg", "noscript", "pre"];

/// Elements that start a new line (inside a table row they only separate words).
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "li"
            | "ul"
            | "ol"
            | "table"
            | "thead"
            | "tbody"
            | "tfoot"
            | "caption"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "nav"
            | "aside"
            | "main"
            | "blockquote"
            | "dl"
            | "dt"
            | "dd"
            | "hr"
            | "details"
            | "summary"
            | "figure"
            | "figcaption"
            | "body"
            | "html"
            | "title"
            | "head"
    )
}

struct Tag {
    name: String,
    closing: bool,
}

/// `tr class="x"` → Tag { name: "tr" }, `/td` → closing. None for things that are not tags.
fn parse_tag(inner: &str) -> Option<Tag> {
    let (closing, rest) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    let first = name.chars().next()?;
    if !first.is_ascii_alphabetic() {
        return None;
    }
    Some(Tag { name, closing })
}

/// Collects text into logical lines.
struct LineBuilder {
    out: Vec<Line>,
    text: String,
    start: usize,
    kind: LineKind,
}

impl LineBuilder {
    fn push_text(&mut self, text: &str, line: usize) {
        if self.text.trim().is_empty() && !text.trim().is_empty() {
            self.start = line;
        }
        self.text.push_str(text);
    }

    fn flush(&mut self) {
        let text = clean(&self.text);
        if !text.is_empty() {
            self.out.push(Line {
                number: self.start,
                kind: self.kind,
                text,
            });
        }
        self.text.clear();
        self.kind = LineKind::Text;
    }

    /// End the current line; the next one is of `kind`.
    fn start_line(&mut self, kind: LineKind) {
        self.flush();
        self.kind = kind;
    }
}

fn html_lines(html: &str) -> Vec<Line> {
    let mut b = LineBuilder {
        out: Vec::new(),
        text: String::new(),
        start: 1,
        kind: LineKind::Text,
    };
    let mut line = 1;
    let mut in_row = false;
    // Depth of <blockquote>/<aside>: callouts, like Markdown's `>`.
    let mut quotes = 0usize;
    let plain = |quotes: usize, kind: LineKind| if quotes > 0 { LineKind::Quote } else { kind };
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            b.push_text(&decode_entities(rest), line);
            break;
        };
        if lt > 0 {
            let text = &rest[..lt];
            let lead = text.len() - text.trim_start().len();
            b.push_text(
                &decode_entities(text),
                line + text[..lead].matches('\n').count(),
            );
            line += text.matches('\n').count();
            rest = &rest[lt..];
        }
        // Comments vanish without a trace: React puts `<!-- -->` between adjacent text nodes,
        // so `54.172.60.0<!-- -->/<!-- -->30` is one network.
        if let Some(after) = rest.strip_prefix("<!--") {
            let end = after.find("-->").map_or(after.len(), |e| e + 3);
            line += after[..end].matches('\n').count();
            rest = &after[end..];
            continue;
        }
        let Some(gt) = tag_end(rest) else {
            b.push_text("<", line);
            rest = &rest[1..];
            continue;
        };
        let inner = &rest[1..gt];
        line += inner.matches('\n').count();
        rest = &rest[gt + 1..];
        let Some(tag) = parse_tag(inner) else {
            // `<!DOCTYPE …>`, `<?xml …?>` or a lone `<`.
            if !inner.starts_with(['!', '?']) {
                b.push_text(&format!("<{inner}>"), line);
            }
            continue;
        };
        if !tag.closing && SKIPPED.contains(&tag.name.as_str()) && !inner.ends_with('/') {
            let close = format!("</{}", tag.name);
            let end = find_ignore_case(rest, &close).unwrap_or(rest.len());
            line += rest[..end].matches('\n').count();
            rest = &rest[end..];
            if let Some(gt) = rest.find('>') {
                rest = &rest[gt + 1..];
            }
            continue;
        }
        match tag.name.as_str() {
            "tr" => {
                if in_row && !b.text.trim().is_empty() {
                    b.push_text(" |", line);
                }
                in_row = !tag.closing;
                b.start_line(plain(quotes, LineKind::Row));
            }
            "table" => {
                in_row = false;
                b.start_line(plain(quotes, LineKind::Text));
            }
            "td" | "th" if !tag.closing => b.push_text(" | ", line),
            h if h.len() == 2 && h.starts_with('h') && h.as_bytes()[1].is_ascii_digit() => {
                let level = h.as_bytes()[1] - b'0';
                if tag.closing {
                    b.start_line(plain(quotes, LineKind::Text));
                } else {
                    b.start_line(LineKind::Heading(level));
                }
            }
            "blockquote" | "aside" => {
                quotes = if tag.closing {
                    quotes.saturating_sub(1)
                } else {
                    quotes + 1
                };
                b.start_line(plain(quotes, LineKind::Text));
            }
            _ if in_row && (is_block(&tag.name) || tag.name == "br") => b.push_text(" ", line),
            "li" if !tag.closing => b.start_line(plain(quotes, LineKind::Item)),
            "br" => {
                let kind = b.kind;
                b.start_line(kind);
            }
            name if is_block(name) => b.start_line(plain(quotes, LineKind::Text)),
            _ => {}
        }
    }
    b.flush();
    b.out
}

/// The `>` that ends the tag starting at `s[0] == '<'`, skipping quoted attribute values.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            (None, '<') => return None,
            _ => {}
        }
    }
    None
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    let needle = needle.as_bytes();
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

// ---------------------------------------------------------------------------------------------
// Shared

/// Decode the character references documentation pages use.
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest
            .bytes()
            .take(12)
            .position(|b| b == b';')
            .and_then(|semi| {
                let name = &rest[1..semi];
                entity(name).map(|c| (c, semi + 1))
            });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "sol" => '/',
        "period" => '.',
        "colon" => ':',
        "lpar" => '(',
        "rpar" => ')',
        "dagger" => '†',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        _ => return None,
    })
}

/// Collapse whitespace, turn no-break spaces into spaces and drop zero-width characters (which
/// pages insert to let long addresses wrap) so that `54.172.60.0/\u{200b}30` reads as one network.
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        match c {
            '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}' => {}
            c if c.is_whitespace() => space = true,
            c => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(c);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Line]) -> Vec<&str> {
        lines.iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn markdown_headings_tables_links_and_front_matter() {
        let md = "---\ntitle: x\nurl: https://example.com/1.2.3.4\n---\n\n# Title\n\n\
                  > [!NOTE]\n> Allow **all** edges.\n\n| Edge | IP |\n|:---|---:|\n\
                  | `ashburn` (us1) | [54.172.60.0/30](https://x/) |\n\n```\n10.0.0.1\n```\n\
                  ## Media ##\n[ref]: https://example.com\nsee <https://x.example/> now\\_\n";
        let lines = lines(md, PageFormat::Markdown);
        assert_eq!(
            texts(&lines),
            [
                "Title",
                "[!NOTE]",
                "Allow all edges.",
                "| Edge | IP |",
                "| ashburn (us1) | 54.172.60.0/30 |",
                "Media",
                "see now_",
            ]
        );
        let kinds: Vec<_> = lines.iter().map(|l| l.kind).collect();
        use LineKind::*;
        assert_eq!(
            kinds,
            [Heading(1), Quote, Quote, Row, Row, Heading(2), Text]
        );
        assert_eq!(lines[0].number, 6);
    }

    #[test]
    fn html_rows_cells_headings_comments_and_entities() {
        let html = "<!DOCTYPE html><html><head><title>IPs</title>\
            <script>var x = \"10.0.0.1\";</script><style>p{}</style></head><body>\n\
            <h2 id=\"a\">Media &amp; <em>more</em></h2>\n<p>One<br>two</p>\n\
            <table><tr><th>Edge</th><th>IP</th></tr>\n<tr><td>ashburn<br/>(us1)</td>\
            <td><code>54.172.60.0<!-- -->/<!-- -->30</code></td></tr>\n\
            <tr><td>10,000&nbsp;&ndash;&#160;60,000 &#x2F; &bogus; a<b</td></tr></table></body></html>";
        let lines = lines(html, PageFormat::Html);
        assert_eq!(
            texts(&lines),
            [
                "IPs",
                "Media & more",
                "One",
                "two",
                "| Edge | IP |",
                "| ashburn (us1) | 54.172.60.0/30 |",
                "| 10,000 – 60,000 / &bogus; a<b |",
            ]
        );
        assert_eq!(lines[1].kind, LineKind::Heading(2));
        assert_eq!(lines[1].number, 2);
        assert_eq!(lines[5].kind, LineKind::Row);
        assert_eq!(lines[5].number, 5);
    }

    #[test]
    fn invisible_characters_do_not_split_addresses() {
        let lines = lines("54.172.60.0/\u{200b}30\u{a0}ok", PageFormat::Markdown);
        assert_eq!(texts(&lines), ["54.172.60.0/30 ok"]);
    }

    #[test]
    fn sniff_prefers_content_type_then_content() {
        assert_eq!(
            PageFormat::sniff(Some("text/html; charset=utf-8"), "# x"),
            PageFormat::Html
        );
        assert_eq!(
            PageFormat::sniff(Some("text/markdown"), "<html>"),
            PageFormat::Markdown
        );
        assert_eq!(
            PageFormat::sniff(Some("text/plain"), "  <!DOCTYPE html>"),
            PageFormat::Html
        );
        assert_eq!(PageFormat::sniff(None, "# IPs"), PageFormat::Markdown);
    }
}
