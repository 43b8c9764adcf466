//! The TwiML documents the server writes itself (the `voice` answer comes from the config).

/// The XML declaration Twilio's helper libraries put in front of every document.
const DECLARATION: &str = r#"<?xml version="1.0" encoding="UTF-8"?>"#;

/// `text` as XML character data or attribute value: `& < > " '` escaped.
pub fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(['&', '<', '>', '"', '\'']) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `<Response><Dial><Number>NUMBER</Number></Dial></Response>`: send the call to the failover.
pub fn dial_number(number: &str) -> String {
    format!(
        "{DECLARATION}\n<Response><Dial><Number>{}</Number></Dial></Response>\n",
        escape(number)
    )
}

/// `<Response><Hangup/></Response>`: end the call.
pub fn hangup() -> String {
    format!("{DECLARATION}\n<Response><Hangup/></Response>\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents() {
        assert_eq!(
            dial_number("+59899999999"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <Response><Dial><Number>+59899999999</Number></Dial></Response>\n"
        );
        assert!(hangup().ends_with("<Response><Hangup/></Response>\n"));
        assert!(dial_number("<&>").contains("<Number>&lt;&amp;&gt;</Number>"));
        assert_eq!(escape(r#"a"b'c"#), "a&quot;b&apos;c");
    }
}
