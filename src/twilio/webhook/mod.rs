//! Twilio's voice webhooks, signed: the server behind `pbxgen twilio serve` and the signature
//! behind `pbxgen twilio sign`.
//!
//! - [`signature`]: `X-Twilio-Signature` as Twilio's helper libraries compute and check it.
//! - [`twiml`]: the two answers of the `dial-status` callback (failover `<Dial>` or `<Hangup/>`).
//! - [`server`]: the HTTP server (hyper on tokio, optional rustls): `POST …/NAME/voice`,
//!   `POST …/NAME/dial-status`, `GET /healthz`; every other request must be signed.
//!
//! The caller (the command line) builds a [`WebhookConfig`] from the profile and calls
//! [`serve_blocking`] (or [`serve`] inside its own runtime); this module knows nothing of the
//! command line, exit codes or the profile's YAML.

pub mod server;
pub mod signature;
pub mod twiml;

pub use server::{LogEvent, LogLevel, Logger, Server, serve, serve_blocking, shutdown_signal};
pub use signature::{
    Algorithm, AuthToken, Invalid, Params, Payload, form_params_from_pairs, sign, validate_request,
};

use crate::diag::Error;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

/// The default listen address: loopback, behind a TLS proxy.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8088";

/// Everything the webhook server needs; built by the command line from the profile.
#[derive(Clone, Debug)]
pub struct WebhookConfig {
    /// The base URL Twilio calls (`https://pbx.example.net/twilio`).
    pub public_url: PublicUrl,
    /// Where to listen.
    pub listen: SocketAddr,
    /// The secret every request must be signed with. Never printed.
    pub auth_token: AuthToken,
    /// The numbers served, each under `<path of public_url>/NAME/`.
    pub numbers: Vec<NumberRoute>,
    /// Serve HTTPS directly from these PEM files instead of plain HTTP.
    pub tls: Option<TlsFiles>,
    pub limits: Limits,
}

impl WebhookConfig {
    /// A configuration with the default listen address and limits, no TLS.
    pub fn new(public_url: PublicUrl, auth_token: AuthToken, numbers: Vec<NumberRoute>) -> Self {
        WebhookConfig {
            public_url,
            listen: DEFAULT_LISTEN.parse().expect("valid default address"),
            auth_token,
            numbers,
            tls: None,
            limits: Limits::default(),
        }
    }

    /// Check what the types cannot: a token, unique and well-formed names, numbers that are
    /// safe to put in TwiML, non-zero limits.
    pub fn validate(&self) -> Result<(), Error> {
        if self.auth_token.is_blank() {
            return Err(Error::invalid(
                "twilio webhook: the auth token is empty; every request could be forged",
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        for route in &self.numbers {
            check_name(&route.name)?;
            if !seen.insert(route.name.as_str()) {
                return Err(Error::invalid(format!(
                    "twilio webhook: two numbers are named `{}`; each name is a URL path segment \
                     and must be unique",
                    route.name
                )));
            }
            if let Some(failover) = &route.failover {
                check_dial_target(&failover.number).map_err(|e| {
                    Error::invalid(format!(
                        "twilio webhook: failover number of `{}`: {e}",
                        route.name
                    ))
                })?;
            }
        }
        let l = &self.limits;
        if l.max_body_bytes == 0
            || l.max_connections == 0
            || l.header_timeout.is_zero()
            || l.body_timeout.is_zero()
        {
            return Err(Error::invalid(
                "twilio webhook: limits must be greater than zero",
            ));
        }
        Ok(())
    }
}

/// A name is one URL path segment: letters, digits, `-`, `_`, `.` (not `.` or `..`).
fn check_name(name: &str) -> Result<(), Error> {
    let ok = !name.is_empty()
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "twilio webhook: expected a number name of letters, digits, `-`, `_` or `.`, found \
             `{}`",
            name.escape_debug()
        )))
    }
}

/// A `<Number>` target: `+` and 1–15 digits (E.164), or 1–15 digits.
fn check_dial_target(number: &str) -> Result<(), String> {
    let digits = number.strip_prefix('+').unwrap_or(number);
    if !digits.is_empty() && digits.len() <= 15 && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(format!(
            "expected a phone number in E.164 form (`+` and up to 15 digits), found `{}`",
            number.escape_debug()
        ))
    }
}

/// The validated base URL Twilio calls: `http` or `https`, a host, an optional port and path;
/// no query, fragment or credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicUrl {
    /// `https://pbx.example.net` or `https://pbx.example.net:8443`, as written.
    origin: String,
    /// `/twilio` (no trailing `/`), or empty.
    path: String,
}

impl PublicUrl {
    pub fn parse(text: &str) -> Result<PublicUrl, Error> {
        let bad = |why: &str| Error::invalid(format!("{why}, found `{}`", text.escape_debug()));
        let rest = if let Some(rest) = text.strip_prefix("https://") {
            rest
        } else if let Some(rest) = text.strip_prefix("http://") {
            rest
        } else {
            return Err(bad("expected an `https://` URL")
                .with_hint("write the URL Twilio calls, e.g. https://pbx.example.net/twilio"));
        };
        if rest.contains(['?', '#']) {
            return Err(bad(
                "expected a URL with no query (`?…`) or fragment (`#…`)",
            ));
        }
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if authority.contains('@') {
            return Err(bad("expected a URL with no user name or password")
                .with_hint("the server checks Twilio's signature instead of HTTP authentication"));
        }
        if authority.is_empty()
            || authority.ends_with(':')
            || !authority
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
        {
            return Err(bad("expected a host name after `://`"));
        }
        if let Some((_, port)) = authority
            .rsplit_once(':')
            .filter(|_| !authority.ends_with(']'))
            && port.parse::<u16>().is_err()
        {
            return Err(bad("expected a port number after `:`"));
        }
        if path.bytes().any(|b| {
            b <= b' '
                || b >= 0x7f
                || matches!(
                    b,
                    b'"' | b'\'' | b'<' | b'>' | b'\\' | b'`' | b'{' | b'}' | b'|' | b'^'
                )
        }) || path.split('/').any(|s| s == "." || s == "..")
        {
            return Err(bad(
                "expected a plain path (no spaces, quotes, `.` or `..` segments)",
            ));
        }
        let path = path.trim_end_matches('/');
        Ok(PublicUrl {
            origin: text[..text.len() - rest.len() + authority.len()].to_string(),
            path: path.to_string(),
        })
    }

    /// `https://host[:port]`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The base path, without a trailing `/` (empty for the root).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// True for `https://` (an `http://` public URL is an audit finding: Twilio's requests and
    /// our TwiML would cross the internet in clear).
    pub fn is_https(&self) -> bool {
        self.origin.starts_with("https://")
    }

    /// The URL of a number's endpoint, e.g. `…/main/dial-status` for `<Dial action=…>`.
    pub fn endpoint(&self, name: &str, endpoint: Endpoint) -> String {
        format!(
            "{}{}/{}/{}",
            self.origin,
            self.path,
            name,
            endpoint.as_str()
        )
    }
}

impl FromStr for PublicUrl {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        PublicUrl::parse(s)
    }
}

impl fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.origin, self.path)
    }
}

impl fmt::Debug for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicUrl({self})")
    }
}

/// The endpoints of one number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `…/NAME/voice`: the number's TwiML.
    Voice,
    /// `…/NAME/dial-status`: the `<Dial action>` callback.
    DialStatus,
}

impl Endpoint {
    pub fn as_str(self) -> &'static str {
        match self {
            Endpoint::Voice => "voice",
            Endpoint::DialStatus => "dial-status",
        }
    }
}

/// One Twilio number served by the webhook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumberRoute {
    /// The path segment (`main` → `…/main/voice`).
    pub name: String,
    /// The Twilio number (`+15551234567`), for logs and the caller's convenience.
    pub number: String,
    /// The complete TwiML document answered on `…/NAME/voice` (the rendered `twiml-NAME.xml`).
    pub voice_twiml: String,
    /// Where the call goes when the PBX leg ends with one of `on`.
    pub failover: Option<Failover>,
}

/// A failover number and the `DialCallStatus` values that trigger it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failover {
    pub number: String,
    pub on: Vec<DialStatus>,
}

/// Twilio's `DialCallStatus` values: how the `<Dial>` to the PBX ended.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum DialStatus {
    /// The PBX answered and the call ended normally.
    Completed,
    /// The PBX answered (the call may still be going on).
    Answered,
    /// The PBX answered busy.
    Busy,
    /// Nobody answered within the `<Dial>` timeout.
    NoAnswer,
    /// The call could not be made (the PBX is down, unreachable or refused it).
    Failed,
    /// The caller hung up before the PBX answered.
    Canceled,
}

impl DialStatus {
    pub const ALL: [DialStatus; 6] = [
        DialStatus::Completed,
        DialStatus::Answered,
        DialStatus::Busy,
        DialStatus::NoAnswer,
        DialStatus::Failed,
        DialStatus::Canceled,
    ];

    /// The form value (`no-answer`).
    pub fn as_str(self) -> &'static str {
        match self {
            DialStatus::Completed => "completed",
            DialStatus::Answered => "answered",
            DialStatus::Busy => "busy",
            DialStatus::NoAnswer => "no-answer",
            DialStatus::Failed => "failed",
            DialStatus::Canceled => "canceled",
        }
    }
}

impl FromStr for DialStatus {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        DialStatus::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "expected a DialCallStatus (completed, answered, busy, no-answer, failed, \
                     canceled), found `{}`",
                    s.escape_debug()
                ))
            })
    }
}

impl fmt::Display for DialStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// PEM files for direct HTTPS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsFiles {
    /// The certificate chain, leaf first.
    pub cert_file: PathBuf,
    /// The private key (PKCS#8, PKCS#1 or SEC1).
    pub key_file: PathBuf,
}

/// Resource limits: what one client may cost the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest request body accepted; larger → `413`. Default 64 KiB.
    pub max_body_bytes: usize,
    /// Time allowed for a request's line and headers (from the first read on an idle
    /// connection, so it also ends idle keep-alive connections), and for the TLS handshake.
    /// Default 10 s.
    pub header_timeout: Duration,
    /// Time allowed to read a request's body once its headers are in; past it → `408` and the
    /// connection is closed. Default 10 s.
    pub body_timeout: Duration,
    /// Connections served at once; further clients wait in the kernel's accept queue.
    /// Default 256.
    pub max_connections: usize,
    /// How long a graceful shutdown waits for in-flight requests before closing the rest.
    /// Default 10 s.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 64 * 1024,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            max_connections: 256,
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_url_parts() {
        let u = PublicUrl::parse("https://pbx.example.net/twilio/").unwrap();
        assert_eq!(u.origin(), "https://pbx.example.net");
        assert_eq!(u.path(), "/twilio");
        assert!(u.is_https());
        assert_eq!(
            u.endpoint("main", Endpoint::DialStatus),
            "https://pbx.example.net/twilio/main/dial-status"
        );
        let root = PublicUrl::parse("http://127.0.0.1:8088").unwrap();
        assert_eq!((root.origin(), root.path()), ("http://127.0.0.1:8088", ""));
        assert!(!root.is_https());
        let v6 = PublicUrl::parse("https://[2001:db8::1]:8443/t").unwrap();
        assert_eq!(v6.origin(), "https://[2001:db8::1]:8443");
        for bad in [
            "ftp://x/",
            "pbx.example.net",
            "https:///x",
            "https://u:p@x/",
            "https://x/?a=1",
            "https://x/#f",
            "https://x:99999/",
            "https://x:/",
            "https://x/a b",
            "https://x/../y",
            "https://x\"y/",
            "https://x/{a}",
        ] {
            assert!(PublicUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dial_status_round_trip() {
        for d in DialStatus::ALL {
            assert_eq!(d.as_str().parse::<DialStatus>().unwrap(), d);
        }
        assert!("no_answer".parse::<DialStatus>().is_err());
    }

    fn config() -> WebhookConfig {
        WebhookConfig::new(
            PublicUrl::parse("https://pbx.example.net/twilio").unwrap(),
            AuthToken::new("t"),
            vec![NumberRoute {
                name: "main".into(),
                number: "+15551234567".into(),
                voice_twiml: "<Response/>".into(),
                failover: Some(Failover {
                    number: "+59899999999".into(),
                    on: vec![DialStatus::Failed],
                }),
            }],
        )
    }

    #[test]
    fn config_validation() {
        assert!(config().validate().is_ok());
        let mut c = config();
        c.auth_token = AuthToken::new(" \n");
        assert!(c.validate().is_err());
        let mut c = config();
        c.numbers.push(c.numbers[0].clone());
        assert!(c.validate().unwrap_err().message.contains("two numbers"));
        let mut c = config();
        c.numbers[0].name = "a/b".into();
        assert!(c.validate().is_err());
        let mut c = config();
        c.numbers[0].failover.as_mut().unwrap().number = "+1<x>".into();
        assert!(c.validate().is_err());
        let mut c = config();
        c.limits.max_body_bytes = 0;
        assert!(c.validate().is_err());
        assert!(!format!("{:?}", config()).contains("AuthToken(\"t\")"));
    }
}
