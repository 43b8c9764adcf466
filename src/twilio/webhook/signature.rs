//! `X-Twilio-Signature`: compute and validate it exactly as Twilio's own helper libraries do.
//!
//! The string Twilio signs is the full URL it requested (scheme, host, port if any, path, query)
//! followed, for a form POST, by every parameter as `name` + `value` with no separator, names in
//! sorted order and, for a repeated name, each distinct value in sorted order. The MAC is
//! HMAC-SHA1 keyed with the account's auth token (HMAC-SHA256 when the request names it in
//! `X-Twilio-Webhooks-Signature-Settings`), encoded in standard base64.
//!
//! Behaviour copied from the official validators (twilio-python `request_validator.py`,
//! twilio-node `webhooks.ts`), checked against the `twilio` Python package by the fixture
//! `tests/fixtures/twilio/webhook-signatures.json` (see `scripts/twilio-signature-fixture.py`):
//!
//! - Ports: Twilio's back end is inconsistent about the port, so a request is valid when the
//!   signature matches the URL *with* a port (`:443` for https, `:80` otherwise, added when the
//!   URL has none) or *without* one (any port removed, default or not). The original URL is
//!   always one of the two.
//! - Userinfo (`https://user:pass@host/…`, HTTP basic auth in the webhook URL) stays in both
//!   forms, as twilio-node does. twilio-python's `remove_port` splits the whole netloc at the
//!   first `:` and so turns `user:pass@host:8443` into `user`; we do not copy that bug (it can
//!   only reject valid requests, never accept forged ones). IPv6 literals (`[::1]:8080`) are
//!   handled by their brackets, which twilio-python also gets wrong.
//! - Names and values sort by Unicode code point (Python's `sorted`, Rust's `str` order); a
//!   repeated name contributes each *distinct* value once (`sorted(set(values))`).
//! - JSON bodies: Twilio puts `bodySHA256=<lowercase hex SHA-256 of the raw body>` in the query;
//!   the validator checks that hash and signs the URL, query included, with no parameters.
//! - Comparisons are constant-time on the base64 text (the libraries compare the strings).
//!
//! ## The two JSON test vectors
//! The issue quotes `a9nBmqA0ju/hNViExpshrM61xv4=` for the body `{"property": "value",
//! "boolean": true}`, the spec file `y77kIzt2vzLz71DgmJGsen2scGs=`. Both are right, for
//! different URLs: twilio-python's `test_validation_of_body_succeeds` signs
//! `uriWithBody = uri + "&bodySHA256=" + hash`, i.e.
//! `https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1ff763…6620` →
//! `a9nBmqA0ju/hNViExpshrM61xv4=`, while the spec file's vector drops `foo=1&bar=2`:
//! `https://mycompany.com/myapp.php?bodySHA256=0a1ff763…6620` → `y77kIzt2vzLz71DgmJGsen2scGs=`.
//! The body bytes are the same (37 bytes, spaces after `:` and `,`, no trailing newline; SHA-256
//! `0a1ff763…6620`). The `twilio` 9.x Python package reproduces both; the tests below check both.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ring::{digest, hmac};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use subtle::ConstantTimeEq;

/// The request header carrying the signature.
pub const SIGNATURE_HEADER: &str = "X-Twilio-Signature";
/// The request header naming the algorithm of a SharedKey-signed webhook
/// (`key=<id>,algorithm=HMAC_SHA256`); absent for auth-token signatures (HMAC-SHA1).
pub const SIGNATURE_SETTINGS_HEADER: &str = "X-Twilio-Webhooks-Signature-Settings";
/// The query parameter of a JSON webhook carrying the hex SHA-256 of the body.
pub const BODY_SHA256_PARAM: &str = "bodySHA256";

/// The secret a webhook is signed with: the account's auth token (or a SharedKey secret).
///
/// `Debug` never shows it, and it has no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthToken(String);

impl AuthToken {
    /// Wrap a token, byte for byte (Twilio's libraries do not trim it either: strip a file's
    /// trailing newline before, as the profile's `${file:…}` references do).
    pub fn new(token: impl Into<String>) -> AuthToken {
        AuthToken(token.into())
    }

    /// Read a token file (`--token-file`, a systemd credential) as the profile's `${file:…}`
    /// secrets are read ([`crate::fsutil::read_secret`]: a regular file within the secret read
    /// limit, one trailing newline removed). Errors name the file, never its content.
    pub fn from_file(path: &std::path::Path) -> Result<AuthToken, crate::diag::Error> {
        let token = AuthToken::new(crate::fsutil::read_secret(path)?);
        if token.is_blank() {
            return Err(crate::diag::Error::invalid(format!(
                "{}: expected a Twilio auth token, found an empty file",
                path.display()
            )));
        }
        Ok(token)
    }

    /// True when the token is empty or only whitespace (a configuration error).
    pub fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }

    fn key(&self, algorithm: Algorithm) -> hmac::Key {
        hmac::Key::new(algorithm.ring(), self.0.as_bytes())
    }
}

impl fmt::Debug for AuthToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthToken(<hidden>)")
    }
}

/// The MAC of a signature.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// HMAC-SHA1 keyed with the auth token: every webhook without a settings header.
    #[default]
    HmacSha1,
    /// HMAC-SHA256, named by `X-Twilio-Webhooks-Signature-Settings: …,algorithm=HMAC_SHA256`.
    HmacSha256,
}

impl Algorithm {
    /// The algorithm a request names in [`SIGNATURE_SETTINGS_HEADER`], as twilio-python reads
    /// it: the first `algorithm=` item, trimmed, case-insensitive; none (or no header) means
    /// HMAC-SHA1. `Err` carries nothing: an unknown algorithm fails validation.
    pub fn from_settings_header(header: Option<&str>) -> Result<Algorithm, UnknownAlgorithm> {
        let named = header.unwrap_or("").split(',').find_map(|part| {
            let (name, value) = part.split_once('=')?;
            let value = value.trim();
            (name.trim() == "algorithm" && !value.is_empty()).then_some(value)
        });
        match named {
            None => Ok(Algorithm::HmacSha1),
            Some(v) if v.eq_ignore_ascii_case("HMAC_SHA1") => Ok(Algorithm::HmacSha1),
            Some(v) if v.eq_ignore_ascii_case("HMAC_SHA256") => Ok(Algorithm::HmacSha256),
            Some(_) => Err(UnknownAlgorithm),
        }
    }

    fn ring(self) -> hmac::Algorithm {
        match self {
            Algorithm::HmacSha1 => hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
            Algorithm::HmacSha256 => hmac::HMAC_SHA256,
        }
    }
}

/// A settings header naming an algorithm we do not know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnknownAlgorithm;

/// POST parameters as Twilio signs them: each name with its set of distinct values, both in
/// code-point order.
///
/// `Debug` shows the names only: parameter values (phone numbers) stay out of logs.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Params(BTreeMap<String, BTreeSet<String>>);

impl Params {
    pub fn new() -> Params {
        Params::default()
    }

    /// Add one `name=value` pair (a repeated name keeps each distinct value).
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.entry(name.into()).or_default().insert(value.into());
    }

    /// Parameters from `(name, value)` pairs.
    pub fn from_pairs<N, V>(pairs: impl IntoIterator<Item = (N, V)>) -> Params
    where
        N: Into<String>,
        V: Into<String>,
    {
        let mut params = Params::new();
        for (name, value) in pairs {
            params.insert(name, value);
        }
        params
    }

    /// Parameters of an `application/x-www-form-urlencoded` body (`+` is a space, `%XX` a byte,
    /// blank values kept, invalid UTF-8 replaced), as web frameworks hand them to the validators.
    pub fn from_form(body: &[u8]) -> Params {
        Params::from_pairs(form_urlencoded::parse(body))
    }

    /// The smallest value of `name`, if any (the only one for Twilio's own fields).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .and_then(|values| values.first())
            .map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Number of distinct names.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Append the signed form of the parameters to `out`.
    fn append_to(&self, out: &mut String) {
        for (name, values) in &self.0 {
            for value in values {
                out.push_str(name);
                out.push_str(value);
            }
        }
    }
}

impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

/// Parameters from command-line words `KEY=VALUE` (for `pbxgen twilio sign URL KEY=VALUE…`).
/// The value may be empty and may contain `=`; a word without `=` is an error naming it.
pub fn form_params_from_pairs<S: AsRef<str>>(
    words: impl IntoIterator<Item = S>,
) -> Result<Params, crate::diag::Error> {
    let mut params = Params::new();
    for word in words {
        let word = word.as_ref();
        let (name, value) = word.split_once('=').ok_or_else(|| {
            crate::diag::Error::invalid(format!(
                "expected a form parameter `NAME=VALUE`, found `{word}`"
            ))
            .with_hint("write each POST parameter as NAME=VALUE, e.g. CallSid=CA123")
        })?;
        if name.is_empty() {
            return Err(crate::diag::Error::invalid(format!(
                "expected a form parameter `NAME=VALUE`, found `{word}` (empty name)"
            )));
        }
        params.insert(name, value);
    }
    Ok(params)
}

/// The signature Twilio sends for `url` and form `params` (HMAC-SHA1, base64).
pub fn sign(url: &str, params: &Params, token: &AuthToken) -> String {
    sign_with(Algorithm::HmacSha1, url, params, token)
}

/// The signature for `url` and `params` with `algorithm`.
pub fn sign_with(algorithm: Algorithm, url: &str, params: &Params, token: &AuthToken) -> String {
    let mut data = String::with_capacity(url.len() + 64 * params.len());
    data.push_str(url);
    params.append_to(&mut data);
    let tag = hmac::sign(&token.key(algorithm), data.as_bytes());
    BASE64.encode(tag.as_ref())
}

/// Lowercase hex SHA-256 of a raw body, the value of `bodySHA256`.
pub fn body_sha256_hex(body: &[u8]) -> String {
    let hash = digest::digest(&digest::SHA256, body);
    let mut hex = String::with_capacity(64);
    for byte in hash.as_ref() {
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte & 15)]));
    }
    hex
}

/// Constant-time string equality (the length is not secret).
fn equal(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Why a request's signature was refused. Carries no value from the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Invalid {
    /// No `X-Twilio-Signature` header (or more than one, or not text).
    MissingSignature,
    /// The settings header names an algorithm we do not know.
    UnknownAlgorithm,
    /// `bodySHA256` does not match the body.
    BodyHash,
    /// The signature matches neither form of the URL.
    Mismatch,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Invalid::MissingSignature => "no X-Twilio-Signature header",
            Invalid::UnknownAlgorithm => "unknown signature algorithm",
            Invalid::BodyHash => "bodySHA256 does not match the body",
            Invalid::Mismatch => "signature does not match",
        })
    }
}

/// Check `signature` for `url` and form `params`, accepting the URL with and without its port.
pub fn validate_form(
    url: &str,
    params: &Params,
    signature: &str,
    token: &AuthToken,
    algorithm: Algorithm,
) -> Result<(), Invalid> {
    let (with_port, without_port) = port_variants(url);
    // Both are computed whatever the first gives, as the helper libraries do.
    let a = equal(
        &sign_with(algorithm, &without_port, params, token),
        signature,
    );
    let b = equal(&sign_with(algorithm, &with_port, params, token), signature);
    if a | b {
        Ok(())
    } else {
        Err(Invalid::Mismatch)
    }
}

/// The first non-blank `bodySHA256` value of the URL's query (Python's `parse_qs` drops blank
/// values), percent-decoded.
pub fn body_sha256_of_url(url: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    let query = query.split_once('#').map_or(query, |(q, _)| q);
    form_urlencoded::parse(query.as_bytes())
        .find(|(name, value)| name == BODY_SHA256_PARAM && !value.is_empty())
        .map(|(_, value)| value.into_owned())
}

/// What a validated request carried.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Payload {
    /// A form POST: its parameters (all of them signed).
    Form(Params),
    /// A raw body bound by `bodySHA256` (a JSON webhook); signed with no parameters.
    Body,
}

/// Validate a whole request the way Twilio's validators do: when the URL's query has
/// `bodySHA256`, the raw body must hash to it and the URL is signed with no parameters;
/// otherwise the body is read as form parameters (whatever its content type: Twilio's voice
/// webhooks are always form-encoded, and anything else would not match) and signed with them.
pub fn validate_request(
    url: &str,
    body: &[u8],
    signature: &str,
    token: &AuthToken,
    algorithm: Algorithm,
) -> Result<Payload, Invalid> {
    match body_sha256_of_url(url) {
        Some(expected) => {
            let body_ok = equal(&body_sha256_hex(body), &expected);
            let sig_ok = validate_form(url, &Params::new(), signature, token, algorithm);
            match (body_ok, sig_ok) {
                (true, Ok(())) => Ok(Payload::Body),
                (_, Err(e)) => Err(e),
                (false, Ok(())) => Err(Invalid::BodyHash),
            }
        }
        None => {
            let params = Params::from_form(body);
            validate_form(url, &params, signature, token, algorithm)?;
            Ok(Payload::Form(params))
        }
    }
}

/// The pieces of an absolute URL's authority.
struct Authority<'a> {
    /// `scheme://` (as written).
    prefix: &'a str,
    /// `user[:pass]@` (as written), or empty.
    userinfo: &'a str,
    /// The host, brackets included for IPv6.
    host: &'a str,
    /// The port digits (empty for `host:`); `None` when there is no `:`.
    port: Option<&'a str>,
    /// Path, query and fragment (as written).
    rest: &'a str,
}

fn split_authority(url: &str) -> Option<Authority<'_>> {
    let scheme_end = url.find("://")?;
    let prefix = &url[..scheme_end + 3];
    let after = &url[scheme_end + 3..];
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let (authority, rest) = after.split_at(end);
    let (userinfo, hostport) = match authority.rfind('@') {
        Some(at) => authority.split_at(at + 1),
        None => ("", authority),
    };
    let (host, port) = if hostport.starts_with('[') {
        match hostport.find(']') {
            Some(close) => {
                let (host, tail) = hostport.split_at(close + 1);
                (host, tail.strip_prefix(':'))
            }
            None => (hostport, None),
        }
    } else {
        match hostport.rfind(':') {
            Some(colon) => (&hostport[..colon], Some(&hostport[colon + 1..])),
            None => (hostport, None),
        }
    };
    Some(Authority {
        prefix,
        userinfo,
        host,
        port,
        rest,
    })
}

/// `url` with a port (the default one added when it has none) and without one (any port
/// removed). A URL that is not absolute is returned unchanged in both.
pub fn port_variants(url: &str) -> (Cow<'_, str>, Cow<'_, str>) {
    let Some(parts) = split_authority(url) else {
        return (Cow::Borrowed(url), Cow::Borrowed(url));
    };
    let join = |port: &str| {
        let mut s = String::with_capacity(url.len() + 4);
        s.push_str(parts.prefix);
        s.push_str(parts.userinfo);
        s.push_str(parts.host);
        if !port.is_empty() {
            s.push(':');
            s.push_str(port);
        }
        s.push_str(parts.rest);
        s
    };
    let default = if parts.prefix.eq_ignore_ascii_case("https://") {
        "443"
    } else {
        "80"
    };
    match parts.port {
        Some("") => (Cow::Owned(join(default)), Cow::Owned(join(""))),
        Some(_) => (Cow::Borrowed(url), Cow::Owned(join(""))),
        None => (Cow::Owned(join(default)), Cow::Borrowed(url)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";
    const BODY: &str = r#"{"property": "value", "boolean": true}"#;
    const BODY_HASH: &str = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";

    fn token() -> AuthToken {
        AuthToken::new("12345")
    }

    fn params() -> Params {
        Params::from_pairs([
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+14158675309"),
            ("Digits", "1234"),
            ("From", "+14158675309"),
            ("To", "+18005551212"),
        ])
    }

    #[test]
    fn published_form_vector() {
        assert_eq!(
            sign(URL, &params(), &token()),
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        );
        let sha1 = Algorithm::HmacSha1;
        let ok = validate_form(
            URL,
            &params(),
            "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
            &token(),
            sha1,
        );
        assert_eq!(ok, Ok(()));
    }

    #[test]
    fn published_vector_with_default_ports() {
        let with_443 = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
        assert_eq!(
            sign(with_443, &params(), &token()),
            "kvajT1Ptam85bY51eRf/AJRuM3w="
        );
        let with_80 = "http://mycompany.com:80/myapp.php?foo=1&bar=2";
        assert_eq!(
            sign(with_80, &params(), &token()),
            "0ZXoZLH/DfblKGATFgpif+LLRf4="
        );
        let sha1 = Algorithm::HmacSha1;
        // Twilio may sign with the port while we rebuild the URL without it, and back.
        let v = |url, sig| validate_form(url, &params(), sig, &token(), sha1);
        assert_eq!(v(URL, "kvajT1Ptam85bY51eRf/AJRuM3w="), Ok(()));
        assert_eq!(v(with_443, "RSOYDt4T1cUTdK1PDd93/VVr8B8="), Ok(()));
        let http = "http://mycompany.com/myapp.php?foo=1&bar=2";
        assert_eq!(v(http, "0ZXoZLH/DfblKGATFgpif+LLRf4="), Ok(()));
        // A non-default port is removed (twilio-python's test_validation_removes_port_on_https).
        let odd = "https://mycompany.com:1234/myapp.php?foo=1&bar=2";
        assert_eq!(v(odd, "RSOYDt4T1cUTdK1PDd93/VVr8B8="), Ok(()));
        // But http:// is not https:// with another port.
        assert_eq!(
            v(http, "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
            Err(Invalid::Mismatch)
        );
    }

    #[test]
    fn removes_port_on_http_vector() {
        // twilio-python test_validation_removes_port_on_http: the hash of the http URL with :1234.
        let url = "http://mycompany.com:1234/myapp.php?foo=1&bar=2";
        let sha1 = Algorithm::HmacSha1;
        let r = validate_form(
            url,
            &params(),
            "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=",
            &token(),
            sha1,
        );
        assert_eq!(r, Ok(()));
    }

    #[test]
    fn duplicate_names_vector() {
        // twilio-python test_compute_signature_duplicate_multi_dict.
        let dup = Params::from_pairs([
            ("Sid", "CA123"),
            ("SidAccount", "AC123"),
            ("Digits", "5678"),
            ("Digits", "1234"),
        ]);
        assert_eq!(sign(URL, &dup, &token()), "IK+Dwps556ElfBT0I3Rgjkr1wJU=");
    }

    #[test]
    fn body_hash_vector() {
        assert_eq!(body_sha256_hex(BODY.as_bytes()), BODY_HASH);
    }

    /// The two JSON vectors differ by URL, not by body: see the module documentation.
    #[test]
    fn json_vectors_both_hold_for_their_urls() {
        let sha1 = Algorithm::HmacSha1;
        // twilio-python's test: `uri + "&bodySHA256=" + hash`, i.e. foo=1&bar=2 kept.
        let issue_url = format!("{URL}&bodySHA256={BODY_HASH}");
        assert_eq!(
            sign(&issue_url, &Params::new(), &token()),
            "a9nBmqA0ju/hNViExpshrM61xv4="
        );
        let r = validate_request(
            &issue_url,
            BODY.as_bytes(),
            "a9nBmqA0ju/hNViExpshrM61xv4=",
            &token(),
            sha1,
        );
        assert_eq!(r, Ok(Payload::Body));
        // The spec file's vector: the query is only bodySHA256.
        let spec_url = format!("https://mycompany.com/myapp.php?bodySHA256={BODY_HASH}");
        assert_eq!(
            sign(&spec_url, &Params::new(), &token()),
            "y77kIzt2vzLz71DgmJGsen2scGs="
        );
        let r = validate_request(
            &spec_url,
            BODY.as_bytes(),
            "y77kIzt2vzLz71DgmJGsen2scGs=",
            &token(),
            sha1,
        );
        assert_eq!(r, Ok(Payload::Body));
        // Each signature belongs to its own URL only.
        let r = validate_request(
            &spec_url,
            BODY.as_bytes(),
            "a9nBmqA0ju/hNViExpshrM61xv4=",
            &token(),
            sha1,
        );
        assert_eq!(r, Err(Invalid::Mismatch));
    }

    #[test]
    fn json_body_must_match_its_hash() {
        let sha1 = Algorithm::HmacSha1;
        let url = format!("{URL}&bodySHA256={BODY_HASH}");
        let tampered = BODY.replace("value", "other");
        let r = validate_request(
            &url,
            tampered.as_bytes(),
            "a9nBmqA0ju/hNViExpshrM61xv4=",
            &token(),
            sha1,
        );
        assert_eq!(r, Err(Invalid::BodyHash));
        // Uppercase hex is not what the libraries compute: refused.
        let upper = format!("{URL}&bodySHA256={}", BODY_HASH.to_uppercase());
        let sig = sign(&upper, &Params::new(), &token());
        let r = validate_request(&upper, BODY.as_bytes(), &sig, &token(), sha1);
        assert_eq!(r, Err(Invalid::BodyHash));
    }

    #[test]
    fn form_request_returns_its_params() {
        let body = "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212";
        let r = validate_request(
            URL,
            body.as_bytes(),
            "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
            &token(),
            Algorithm::HmacSha1,
        );
        assert_eq!(r, Ok(Payload::Form(params())));
        // `+` in a form body is a space: an unescaped `+1415…` is another value.
        let raw_plus = body.replace("%2B", "+");
        let r = validate_request(
            URL,
            raw_plus.as_bytes(),
            "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
            &token(),
            Algorithm::HmacSha1,
        );
        assert_eq!(r, Err(Invalid::Mismatch));
    }

    #[test]
    fn tampering_and_wrong_token_fail() {
        let sha1 = Algorithm::HmacSha1;
        let sig = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
        let mut tampered = params();
        tampered.insert("Digits", "9999");
        assert_eq!(
            validate_form(URL, &tampered, sig, &token(), sha1),
            Err(Invalid::Mismatch)
        );
        let other = AuthToken::new("54321");
        assert_eq!(
            validate_form(URL, &params(), sig, &other, sha1),
            Err(Invalid::Mismatch)
        );
        let path = "https://mycompany.com/other.php?foo=1&bar=2";
        assert_eq!(
            validate_form(path, &params(), sig, &token(), sha1),
            Err(Invalid::Mismatch)
        );
        assert_eq!(
            validate_form(URL, &params(), "", &token(), sha1),
            Err(Invalid::Mismatch)
        );
        // The MAC is compared as text: a different base64 spelling is refused.
        let r = validate_form(
            URL,
            &params(),
            "RSOYDt4T1cUTdK1PDd93/VVr8B8",
            &token(),
            sha1,
        );
        assert_eq!(r, Err(Invalid::Mismatch));
    }

    #[test]
    fn duplicate_values_count_once() {
        let once = Params::from_pairs([("A", "1"), ("A", "2")]);
        let twice = Params::from_pairs([("A", "2"), ("A", "1"), ("A", "2")]);
        assert_eq!(sign(URL, &once, &token()), sign(URL, &twice, &token()));
        assert_eq!(once.get("A"), Some("1"));
    }

    #[test]
    fn port_variants_cover_the_libraries_cases() {
        let v = |url| {
            let (a, b) = port_variants(url);
            (a.into_owned(), b.into_owned())
        };
        let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            v("https://h/p?q=1"),
            pair("https://h:443/p?q=1", "https://h/p?q=1")
        );
        assert_eq!(v("http://h/p"), pair("http://h:80/p", "http://h/p"));
        assert_eq!(v("https://h:443/p"), pair("https://h:443/p", "https://h/p"));
        assert_eq!(
            v("https://h:8443/p"),
            pair("https://h:8443/p", "https://h/p")
        );
        assert_eq!(v("https://h"), pair("https://h:443", "https://h"));
        assert_eq!(
            v("https://h?x=a:b"),
            pair("https://h:443?x=a:b", "https://h?x=a:b")
        );
        assert_eq!(
            v("https://u:p@h:8443/p"),
            pair("https://u:p@h:8443/p", "https://u:p@h/p")
        );
        assert_eq!(
            v("https://u:p@h/p"),
            pair("https://u:p@h:443/p", "https://u:p@h/p")
        );
        assert_eq!(
            v("https://[::1]:8443/p"),
            pair("https://[::1]:8443/p", "https://[::1]/p")
        );
        assert_eq!(
            v("https://[::1]/p"),
            pair("https://[::1]:443/p", "https://[::1]/p")
        );
        assert_eq!(v("https://h:/p"), pair("https://h:443/p", "https://h/p"));
        assert_eq!(v("/relative"), pair("/relative", "/relative"));
    }

    #[test]
    fn settings_header_names_the_algorithm() {
        let a = Algorithm::from_settings_header;
        assert_eq!(a(None), Ok(Algorithm::HmacSha1));
        assert_eq!(a(Some("")), Ok(Algorithm::HmacSha1));
        assert_eq!(a(Some("key=abc")), Ok(Algorithm::HmacSha1));
        assert_eq!(
            a(Some("key=abc, algorithm = hmac_sha256")),
            Ok(Algorithm::HmacSha256)
        );
        assert_eq!(a(Some("algorithm=HMAC_SHA1")), Ok(Algorithm::HmacSha1));
        assert_eq!(a(Some("algorithm=MD5")), Err(UnknownAlgorithm));
    }

    #[test]
    fn cli_pairs() {
        let p = form_params_from_pairs(["CallSid=CA1", "Empty=", "Eq=a=b"]).unwrap();
        assert_eq!(
            p,
            Params::from_pairs([("CallSid", "CA1"), ("Empty", ""), ("Eq", "a=b")])
        );
        let err = form_params_from_pairs(["novalue"]).unwrap_err();
        assert!(err.message.contains("novalue"));
        assert!(form_params_from_pairs(["=x"]).is_err());
    }

    #[test]
    fn token_files_lose_one_newline() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        std::fs::write(&path, "12345\n").unwrap();
        assert_eq!(AuthToken::from_file(&path).unwrap(), token());
        std::fs::write(&path, "12345\r\n").unwrap();
        assert_eq!(AuthToken::from_file(&path).unwrap(), token());
        std::fs::write(&path, "\n").unwrap();
        assert!(AuthToken::from_file(&path).is_err());
        let err = AuthToken::from_file(&dir.path().join("missing")).unwrap_err();
        assert!(err.message.contains("missing"));
    }

    #[test]
    fn secrets_and_values_stay_out_of_debug() {
        let t = AuthToken::new("s3cr3t-token");
        assert!(!format!("{t:?}").contains("s3cr3t"));
        let p = Params::from_pairs([("From", "+14158675309")]);
        assert_eq!(format!("{p:?}"), r#"{"From"}"#);
    }
}
