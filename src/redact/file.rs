//! Masking secrets in a whole file pbxgen did not just render (the old files on disk, for
//! `render --diff`).
//!
//! The new side of a diff is rendered with masks instead of secrets, so it holds none. The old
//! side is whatever is on disk: it may hold the current secrets (masked by value, see
//! `render::SecretValues`) or older ones nobody knows any more. Those are masked by position:
//! the value of every option that holds a secret in the file's syntax. Both sides go through the
//! same masking, so unchanged secret lines compare equal.

use super::{MASK, is_secret_key};
use regex::Regex;
use std::sync::LazyLock;

/// Where a file's secrets sit (the output registry says it for every file pbxgen writes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretPositions {
    /// `key = value` options with a secret key (Asterisk `.conf`, PHP ini), and chan_sip
    /// `register =>` lines.
    Options,
    /// The same, plus voicemail.conf mailbox lines (`101 => pin,name,…`).
    OptionsAndMailboxes,
    /// XML elements and attributes named for a password.
    Xml,
}

static KEY_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\s*)([A-Za-z0-9_]+)(\s*\[[^\]]*\])?(\s*=>?\s*)(.*)$").expect("valid regex")
});

/// `register => [transport://]user[@domain][:secret[:authuser]]@host[:port][/exten]`: the part
/// after the first `:` of the credentials.
static REGISTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(\s*register\s*=>?\s*(?:[a-z]+://)?[^:@/\s]*(?:@[^:@/\s]*)?:)(.*)(@[^@]*)$")
        .expect("valid regex")
});

/// voicemail.conf mailbox lines: `101 => pin,name,email…`.
static MAILBOX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\s*[0-9]+\s*=>?\s*)([^,]*)(.*)$").expect("valid regex"));

/// XML elements whose name says they hold a password (`<Password_1_>`, `<VoIP_User_1_Password_2_>`).
static XML_PASSWORD_ELEMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(<[A-Za-z0-9_]*(?i:password)[A-Za-z0-9_]*(?:\s[^>]*)?>)[^<]*(</)")
        .expect("valid regex")
});

/// XML attributes holding a password (`<Sip password="…">`).
static XML_PASSWORD_ATTRIBUTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(\bpassword\s*=\s*)("[^"]*"|'[^']*')"#).expect("valid regex")
});

/// `text` with the value of every secret-holding position replaced by [`MASK`].
pub fn mask_secret_positions(positions: SecretPositions, text: &str) -> String {
    match positions {
        SecretPositions::Xml => {
            let text = XML_PASSWORD_ELEMENT.replace_all(text, format!("${{1}}{MASK}${{2}}"));
            XML_PASSWORD_ATTRIBUTE
                .replace_all(&text, format!("${{1}}\"{MASK}\""))
                .into_owned()
        }
        SecretPositions::Options | SecretPositions::OptionsAndMailboxes => {
            let mailboxes = positions == SecretPositions::OptionsAndMailboxes;
            let mut out = String::with_capacity(text.len());
            for line in text.split_inclusive('\n') {
                let (body, end) = split_line_end(line);
                out.push_str(&mask_line(body, mailboxes));
                out.push_str(end);
            }
            out
        }
    }
}

fn split_line_end(line: &str) -> (&str, &str) {
    let body = line.trim_end_matches(['\n', '\r']);
    (body, &line[body.len()..])
}

fn mask_line(line: &str, mailboxes: bool) -> String {
    if let Some(c) = REGISTER.captures(line) {
        return format!("{}{MASK}{}", &c[1], &c[3]);
    }
    if mailboxes {
        if let Some(c) = MAILBOX.captures(line) {
            return format!("{}{MASK}{}", &c[1], &c[3]);
        }
    }
    if let Some(c) = KEY_VALUE.captures(line) {
        if is_secret_key(&c[2]) && !c[5].trim().is_empty() {
            let index = c.get(3).map_or("", |m| m.as_str());
            return format!("{}{}{index}{}{MASK}", &c[1], &c[2], &c[4]);
        }
    }
    line.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_asterisk_and_ini_secret_options() {
        let text = "[101]\ntype=auth\nusername=101\npassword = hunter2;x\nsecret=>abc\r\nauth_secret[2] = \"s3\"\ncontext=x\n";
        let masked = mask_secret_positions(SecretPositions::Options, text);
        assert_eq!(
            masked,
            "[101]\ntype=auth\nusername=101\npassword = ********\nsecret=>********\r\nauth_secret[2] = ********\ncontext=x\n"
        );
    }

    #[test]
    fn masks_register_lines_and_mailboxes() {
        let masked = mask_secret_positions(
            SecretPositions::Options,
            "register => tls://user:p@ss@host:5061/in\n",
        );
        assert_eq!(masked, "register => tls://user:********@host:5061/in\n");
        let masked = mask_secret_positions(
            SecretPositions::OptionsAndMailboxes,
            "101 => 4242,Kitchen,k@example.net\n",
        );
        assert_eq!(masked, "101 => ********,Kitchen,k@example.net\n");
        // Outside voicemail.conf a `N => …` line is not a mailbox.
        assert_eq!(
            mask_secret_positions(SecretPositions::Options, "101 => x,y\n"),
            "101 => x,y\n"
        );
    }

    #[test]
    fn masks_xml_passwords() {
        let text = "<Password_1_ group=\"Ext_1/Proxy\">s3cret</Password_1_>\n<VoIP_User_1_Password_2_>gw</VoIP_User_1_Password_2_>\n<Sip password=\"x\">sip:a@b</Sip>\n<User_ID_1_>101</User_ID_1_>\n";
        let masked = mask_secret_positions(SecretPositions::Xml, text);
        assert!(
            !masked.contains("s3cret") && !masked.contains(">gw<") && !masked.contains("\"x\""),
            "{masked}"
        );
        assert!(masked.contains("<User_ID_1_>101</User_ID_1_>"));
    }
}
