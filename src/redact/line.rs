//! Masking one source line, for everything the auditor prints: source snippets, path steps,
//! messages.
//!
//! Secrets are recognised by the option that holds them (`secret`, `password`, `auth_secret`…),
//! by the `register =>` line syntax (`user:secret@host`), and by the dialplan applications that
//! take a password argument (`DISA`, `Authenticate`, `VMAuthenticate`). The mask keeps the shape
//! of the line (the option name, the comment) so a reader still sees what the line is.

use super::{MASK, is_secret_key};
use regex::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

/// Mask the secrets in one source line of an Asterisk-style `.conf` file, a PHP ini file or a
/// YAML profile.
pub fn mask_line(line: &str) -> String {
    let line = mask_xml_attributes(line);
    let (code, comment) = split_comment(&line);
    let masked = mask_assignment(code)
        .or_else(|| mask_yaml(code))
        .unwrap_or_else(|| mask_dialplan_passwords(code));
    format!("{masked}{comment}")
}

/// XML attributes: `name="value"` or `name='value'` (any spacing around `=`).
static XML_ATTRIBUTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(^|[\s<])([A-Za-z_][A-Za-z0-9_.:-]*)(\s*=\s*)("[^"]*"|'[^']*')"#)
        .expect("valid regex")
});

/// Mask the values of XML attributes named for a secret (`<Sip username="pbx"
/// password="…">` in TwiML), wherever they sit on the line.
fn mask_xml_attributes(line: &str) -> Cow<'_, str> {
    if !line.contains(['"', '\'']) {
        return Cow::Borrowed(line);
    }
    XML_ATTRIBUTE.replace_all(line, |c: &regex::Captures<'_>| {
        let quote = &c[4][..1];
        if is_secret_key(&c[2]) {
            format!("{}{}{}{quote}{MASK}{quote}", &c[1], &c[2], &c[3])
        } else {
            c[0].to_string()
        }
    })
}

/// Split at the first `;` that is not escaped as `\;`.
fn split_comment(line: &str) -> (&str, &str) {
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b';' && (i == 0 || bytes[i - 1] != b'\\') {
            return line.split_at(i);
        }
    }
    (line, "")
}

/// `name = value` / `name => value`: mask secret options and `register` lines.
fn mask_assignment(code: &str) -> Option<String> {
    let eq = code.find('=')?;
    let name = code[..eq].trim();
    if name.is_empty() || name.contains(|c: char| c.is_whitespace() || c == ':') {
        return None;
    }
    let value_start = eq + 1 + usize::from(code[eq + 1..].starts_with('>'));
    let (head, value) = code.split_at(value_start);
    if is_secret_key(name) {
        return Some(format!("{head}{}", mask_value(value)));
    }
    if name.eq_ignore_ascii_case("register") {
        return Some(format!("{head}{}", mask_register(value)));
    }
    if name.eq_ignore_ascii_case("exten") || name.eq_ignore_ascii_case("same") {
        return Some(format!("{head}{}", mask_dialplan_passwords(value)));
    }
    None
}

/// `key: value` (YAML profiles).
fn mask_yaml(code: &str) -> Option<String> {
    let colon = code
        .find(": ")
        .or_else(|| code.strip_suffix(':').map(|s| s.len()))?;
    let key = code[..colon]
        .trim()
        .trim_start_matches("- ")
        .trim_matches(|c| c == '"' || c == '\'');
    if !is_secret_key(key) {
        return None;
    }
    let (head, value) = code.split_at(colon + 1);
    let v = value.trim();
    // References (`${env:…}`, `${file:…}`) are not secrets: keep them readable.
    if v.is_empty() || v.trim_matches(|c| c == '"' || c == '\'').starts_with("${") {
        return Some(code.to_string());
    }
    Some(format!("{head}{}", mask_value(value)))
}

/// Replace a value, keeping its surrounding whitespace.
fn mask_value(value: &str) -> String {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return value.to_string();
    }
    let lead = &value[..value.len() - value.trim_start().len()];
    let trail = &value[value.trim_end().len()..];
    format!("{lead}{MASK}{trail}")
}

/// chan_sip `register => [transport://]user[@domain][:secret[:authuser]]@host[:port][/exten]`:
/// mask the secret (everything between the first `:` after the user and the last `@`).
fn mask_register(value: &str) -> String {
    let Some(at) = value.rfind('@') else {
        return value.to_string();
    };
    let (creds, rest) = value.split_at(at);
    let scheme_end = creds.find("://").map_or(0, |i| i + 3);
    let Some(colon) = creds[scheme_end..].find(':').map(|i| i + scheme_end) else {
        return value.to_string();
    };
    let secret_and_auth = &creds[colon + 1..];
    let auth_user = secret_and_auth
        .find(':')
        .map_or("", |i| &secret_and_auth[i..]);
    format!("{}:{MASK}{auth_user}{rest}", &creds[..colon])
}

/// `DISA(1234,ctx)`, `Authenticate(1234)`, `VMAuthenticate`-style password arguments.
fn mask_dialplan_passwords(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((before, app, args_start)) = next_password_app(rest) {
        out.push_str(before);
        out.push_str(app);
        let args = &rest[args_start..];
        let end = args.find([',', ')']).unwrap_or(args.len());
        let first = &args[..end];
        let is_literal_password = !first.trim().is_empty()
            && first.trim() != "no-password"
            && !first.trim().starts_with('/')
            && !first.contains("${");
        out.push_str(if is_literal_password { MASK } else { first });
        rest = &args[end..];
    }
    out.push_str(rest);
    out
}

/// Find the next `DISA(` / `Authenticate(` (case-insensitive); returns the text before it, the
/// application with its `(`, and where its arguments start.
fn next_password_app(text: &str) -> Option<(&str, &str, usize)> {
    let lower = text.to_ascii_lowercase();
    let found = ["disa(", "authenticate("]
        .iter()
        .filter_map(|app| lower.find(app).map(|i| (i, app.len())))
        .min()?;
    let (start, len) = found;
    Some((&text[..start], &text[start..start + len], start + len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_options_are_masked_keeping_the_line_shape() {
        assert_eq!(mask_line("secret=hunter2hunter2"), format!("secret={MASK}"));
        assert_eq!(
            mask_line("  Password = s3cr3t ; old"),
            format!("  Password = {MASK} ; old")
        );
        assert_eq!(
            mask_line("auth_secret[2] = abc"),
            format!("auth_secret[2] = {MASK}")
        );
        assert_eq!(
            mask_line("md5secret => 0123abcd"),
            format!("md5secret => {MASK}")
        );
        assert_eq!(mask_line("context=public"), "context=public");
        assert_eq!(mask_line("secret="), "secret=");
    }

    #[test]
    fn xml_secret_attributes_are_masked_in_any_order_and_quoting() {
        assert_eq!(
            mask_line(r#"<Sip username="pbx" password="hunter2">sip:a@b;transport=udp</Sip>"#),
            format!(r#"<Sip username="pbx" password="{MASK}">sip:a@b;transport=udp</Sip>"#)
        );
        // A line starting with the secret key: the `key = value` masker takes the rest.
        assert_eq!(
            mask_line(r#"  password = 'x y' username="pbx">"#),
            format!("  password = {MASK}")
        );
        assert_eq!(
            mask_line(r#"   username="pbx" password = 'x y'>"#),
            format!(r#"   username="pbx" password = '{MASK}'>"#)
        );
        assert_eq!(
            mask_line(r#"<Sip PASSWORD='a;b'>"#),
            format!(r#"<Sip PASSWORD='{MASK}'>"#)
        );
        assert_eq!(
            mask_line(r#"<Dial action="https://x/y">"#),
            r#"<Dial action="https://x/y">"#
        );
        assert_eq!(mask_line(r#"secret="abc""#), format!("secret={MASK}"));
    }

    #[test]
    fn register_lines_mask_only_the_secret() {
        assert_eq!(
            mask_line("register => 1234:pa55word@sip.example.com/1234"),
            format!("register => 1234:{MASK}@sip.example.com/1234")
        );
        assert_eq!(
            mask_line("register=tls://user:pw:authuser@host:5061/100"),
            format!("register=tls://user:{MASK}:authuser@host:5061/100")
        );
        assert_eq!(mask_line("register => user@host"), "register => user@host");
    }

    #[test]
    fn dialplan_passwords_are_masked() {
        assert_eq!(
            mask_line("exten => s,1,DISA(4321,outbound)"),
            format!("exten => s,1,DISA({MASK},outbound)")
        );
        assert_eq!(
            mask_line("same => n,Authenticate(999)"),
            format!("same => n,Authenticate({MASK})")
        );
        assert_eq!(
            mask_line("exten => s,1,DISA(no-password,outbound)"),
            "exten => s,1,DISA(no-password,outbound)"
        );
        assert_eq!(
            mask_line("exten => s,1,DISA(/etc/asterisk/disa.txt)"),
            "exten => s,1,DISA(/etc/asterisk/disa.txt)"
        );
    }

    #[test]
    fn yaml_secrets_are_masked_but_references_kept() {
        assert_eq!(
            mask_line("    password: hunter2"),
            format!("    password: {MASK}")
        );
        assert_eq!(
            mask_line("    password: ${env:PW}"),
            "    password: ${env:PW}"
        );
        assert_eq!(
            mask_line("  secret: \"${file:/run/s}\""),
            "  secret: \"${file:/run/s}\""
        );
    }

    #[test]
    fn escaped_semicolons_stay_in_the_value() {
        assert_eq!(
            mask_line("secret=ab\\;cd ; note"),
            format!("secret={MASK} ; note")
        );
    }
}
