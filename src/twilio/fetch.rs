//! Fetch one documentation page over HTTPS, defensively.
//!
//! The page decides which addresses a PBX lets in, so it is read the way untrusted input should
//! be: HTTPS only (an `http://` URL, or a redirect to one, is refused unless the caller allows
//! it for a loopback test server), a deadline covering connect, redirects and body, a size limit
//! enforced while reading (the body is never buffered past it), and text content only. Redirects
//! are followed here, not inside reqwest, so that every hop is checked. `HTTPS_PROXY` and
//! friends are honoured (reqwest reads them); `--ca-cert` adds a CA to the built-in roots for a
//! proxy that re-signs traffic. reqwest's blocking client runs its own small runtime thread, so
//! none of pbxgen's code is async.

use reqwest::Url;
use reqwest::blocking::{Client, Response};
use reqwest::header::{ACCEPT, CONTENT_TYPE, LOCATION};
use std::fmt;
use std::io::Read;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Largest page pbxgen reads. Twilio's page is a few dozen KiB.
pub const MAX_BYTES: u64 = 2 * 1024 * 1024;
/// Most redirects followed for one page.
pub const MAX_REDIRECTS: usize = 5;
/// Longest time spent connecting (within the total timeout).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Total time for everything: connecting, redirects, reading.
    pub timeout: Duration,
    /// Extra CA certificates (PEM file, one or more certificates).
    pub ca_cert: Option<PathBuf>,
    pub allow_insecure_http: bool,
    pub max_bytes: u64,
}

/// A fetched page.
#[derive(Debug, Clone)]
pub struct Page {
    /// The URL the body came from (after redirects).
    pub url: String,
    pub content_type: Option<String>,
    pub body: String,
}

/// Why a page could not be used. Each case has its own message.
#[derive(Debug, Clone, PartialEq)]
pub enum FetchError {
    InsecureSource { url: String },
    InsecureRedirect { from: String, to: String },
    UnsupportedUrl { url: String, reason: String },
    TooManyRedirects { url: String },
    Timeout { url: String, seconds: f64 },
    Untrusted { url: String, detail: String },
    Connect { url: String, detail: String },
    Status { url: String, status: String },
    NotText { url: String, content_type: String },
    TooLarge { url: String, limit: u64 },
    Transfer { url: String, detail: String },
    CaCert { path: PathBuf, detail: String },
}

impl FetchError {
    /// Failures of this one document (missing, not text) rather than of the connection or a
    /// safety rule: only these justify trying the page's other twin.
    pub fn is_document_specific(&self) -> bool {
        matches!(self, FetchError::Status { .. } | FetchError::NotText { .. })
    }

    /// A suggestion for the user, when there is one.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            FetchError::InsecureSource { .. } | FetchError::InsecureRedirect { .. } => Some(
                "--allow-insecure-http exists for test servers on loopback; never use it against the internet",
            ),
            FetchError::Untrusted { .. } => Some(
                "if a corporate proxy re-signs HTTPS traffic, pass its CA certificate with --ca-cert FILE.pem",
            ),
            FetchError::Timeout { .. } => Some("a slow network may need a larger --timeout"),
            _ => None,
        }
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::InsecureSource { url } => write!(
                f,
                "refusing to fetch {url}: only https:// sources are allowed, because anyone on \
                 the path can alter a plain-HTTP page and with it your allowlist"
            ),
            FetchError::InsecureRedirect { from, to } => write!(
                f,
                "refusing to follow the redirect from {from} to {to}: it downgrades HTTPS to \
                 plain HTTP"
            ),
            FetchError::UnsupportedUrl { url, reason } => write!(f, "{url}: {reason}"),
            FetchError::TooManyRedirects { url } => {
                write!(f, "{url}: more than {MAX_REDIRECTS} redirects")
            }
            FetchError::Timeout { url, seconds } => write!(
                f,
                "{url}: no complete answer within the {seconds} s timeout (--timeout)"
            ),
            FetchError::Untrusted { url, detail } => {
                write!(
                    f,
                    "{url}: the server's TLS certificate is not trusted ({detail})"
                )
            }
            FetchError::Connect { url, detail } => write!(f, "{url}: could not connect ({detail})"),
            FetchError::Status { url, status } => write!(f, "{url}: the server answered {status}"),
            FetchError::NotText { url, content_type } => write!(
                f,
                "{url}: expected a text page (Markdown or HTML), got content type {content_type}"
            ),
            FetchError::TooLarge { url, limit } => write!(
                f,
                "{url}: the response is larger than {} MiB; stopped reading (the documentation \
                 page is far smaller, so this is not it)",
                limit / (1024 * 1024)
            ),
            FetchError::Transfer { url, detail } => write!(f, "{url}: {detail}"),
            FetchError::CaCert { path, detail } => write!(
                f,
                "{}: expected a PEM file with at least one CA certificate ({detail})",
                path.display()
            ),
        }
    }
}

/// An HTTPS client configured once for all fetches of a run.
pub struct Fetcher {
    client: Client,
    options: FetchOptions,
}

impl Fetcher {
    pub fn new(options: FetchOptions) -> Result<Fetcher, FetchError> {
        let mut builder = Client::builder()
            .user_agent(concat!(
                "pbxgen/",
                env!("CARGO_PKG_VERSION"),
                " (twilio refresh)"
            ))
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT.min(options.timeout))
            .timeout(options.timeout);
        if let Some(path) = &options.ca_cert {
            let ca_error = |detail: String| FetchError::CaCert {
                path: path.clone(),
                detail,
            };
            let pem = std::fs::read(path).map_err(|e| ca_error(e.to_string()))?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|e| ca_error(error_chain(&e)))?;
            if certs.is_empty() {
                return Err(ca_error("no certificate found".into()));
            }
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let client = builder.build().map_err(|e| FetchError::Transfer {
            url: String::new(),
            detail: format!("cannot set up the HTTPS client: {}", error_chain(&e)),
        })?;
        Ok(Fetcher { client, options })
    }

    /// Fetch `url`, following redirects, all before `deadline`.
    pub fn get(&self, url: &str, deadline: Instant) -> Result<Page, FetchError> {
        let mut current = self.check_url(url, None)?;
        for _ in 0..=MAX_REDIRECTS {
            let response = self.send(&current, deadline)?;
            if response.status().is_redirection() {
                let location = response
                    .headers()
                    .get(LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .ok_or_else(|| FetchError::Status {
                        url: display_url(current.as_str()),
                        status: format!("{} without a Location header", response.status()),
                    })?;
                let next = current
                    .join(location)
                    .map_err(|e| FetchError::UnsupportedUrl {
                        url: display_url(location),
                        reason: format!("not a valid redirect target ({e})"),
                    })?;
                current = self.check_url(next.as_str(), Some(&current))?;
                continue;
            }
            return self.read(response, &current, deadline);
        }
        Err(FetchError::TooManyRedirects {
            url: display_url(url),
        })
    }

    fn check_url(&self, url: &str, from: Option<&Url>) -> Result<Url, FetchError> {
        let parsed = Url::parse(url).map_err(|e| FetchError::UnsupportedUrl {
            url: display_url(url),
            reason: format!("not a valid URL ({e})"),
        })?;
        match parsed.scheme() {
            "https" => Ok(parsed),
            "http" if self.options.allow_insecure_http => Ok(parsed),
            "http" => Err(match from {
                Some(from) => FetchError::InsecureRedirect {
                    from: display_url(from.as_str()),
                    to: display_url(parsed.as_str()),
                },
                None => FetchError::InsecureSource {
                    url: display_url(parsed.as_str()),
                },
            }),
            other => Err(FetchError::UnsupportedUrl {
                url: display_url(url),
                reason: format!("unsupported scheme {other}:, expected https://"),
            }),
        }
    }

    fn send(&self, url: &Url, deadline: Instant) -> Result<Response, FetchError> {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(self.timeout(url));
        }
        self.client
            .get(url.clone())
            // The request's own timeout covers the headers and the whole body (reqwest's total
            // timeout), so a server that drips bytes cannot outlast the deadline.
            .timeout(remaining)
            .header(ACCEPT, "text/markdown, text/html;q=0.9, text/plain;q=0.8")
            .send()
            .map_err(|e| self.classify(url, &e, deadline))
    }

    fn read(&self, response: Response, url: &Url, deadline: Instant) -> Result<Page, FetchError> {
        let status = response.status();
        if !status.is_success() {
            return Err(FetchError::Status {
                url: display_url(url.as_str()),
                status: status.to_string(),
            });
        }
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        if let Some(ct) = &content_type {
            if !is_text(ct) {
                return Err(FetchError::NotText {
                    url: display_url(url.as_str()),
                    content_type: ct.clone(),
                });
            }
        }
        let limit = self.options.max_bytes;
        let too_large = || FetchError::TooLarge {
            url: display_url(url.as_str()),
            limit,
        };
        if response.content_length().is_some_and(|len| len > limit) {
            return Err(too_large());
        }
        // Read at most one byte past the limit: enough to know it was exceeded.
        let mut body = Vec::new();
        response
            .take(limit + 1)
            .read_to_end(&mut body)
            .map_err(|e| {
                let inner = e
                    .get_ref()
                    .and_then(|inner| inner.downcast_ref::<reqwest::Error>());
                match inner {
                    Some(err) => self.classify(url, err, deadline),
                    None if Instant::now() >= deadline => self.timeout(url),
                    None => FetchError::Transfer {
                        url: display_url(url.as_str()),
                        detail: format!("reading the response failed ({e})"),
                    },
                }
            })?;
        if body.len() as u64 > limit {
            return Err(too_large());
        }
        Ok(Page {
            url: display_url(url.as_str()),
            content_type,
            body: String::from_utf8_lossy(&body).into_owned(),
        })
    }

    fn timeout(&self, url: &Url) -> FetchError {
        FetchError::Timeout {
            url: display_url(url.as_str()),
            seconds: self.options.timeout.as_secs_f64(),
        }
    }

    fn classify(&self, url: &Url, err: &reqwest::Error, deadline: Instant) -> FetchError {
        let detail = error_chain(err);
        if err.is_timeout() || Instant::now() >= deadline {
            return self.timeout(url);
        }
        // rustls reports "invalid peer certificate: UnknownIssuer" and the like.
        if detail.contains("certificate") {
            return FetchError::Untrusted {
                url: display_url(url.as_str()),
                detail,
            };
        }
        if err.is_connect() {
            return FetchError::Connect {
                url: display_url(url.as_str()),
                detail,
            };
        }
        FetchError::Transfer {
            url: display_url(url.as_str()),
            detail,
        }
    }
}

/// A URL as shown to the user and recorded in the preset: any `user:password@` removed.
pub fn display_url(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
            // Both only fail for URLs that cannot have credentials in the first place.
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

/// `text/*` and XHTML; a missing Content-Type is judged by the body later.
fn is_text(content_type: &str) -> bool {
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    mime.starts_with("text/") || mime == "application/xhtml+xml"
}

/// The causes of an error, `outer: inner: innermost`, without repeats. reqwest's own top-level
/// message ("error sending request for url (…)") only repeats the URL the caller prints, so
/// its causes stand in for it.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next: Option<&dyn std::error::Error> = err.source().or(Some(err));
    while let Some(e) = next {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fetcher(allow_insecure_http: bool) -> Fetcher {
        Fetcher::new(FetchOptions {
            timeout: Duration::from_secs(1),
            ca_cert: None,
            allow_insecure_http,
            max_bytes: MAX_BYTES,
        })
        .unwrap()
    }

    #[test]
    fn http_sources_are_refused_before_any_connection() {
        let deadline = Instant::now() + Duration::from_secs(1);
        let err = fetcher(false)
            .get("http://127.0.0.1:9/ip-addresses.md", deadline)
            .unwrap_err();
        assert!(matches!(err, FetchError::InsecureSource { .. }), "{err}");
        assert!(err.to_string().contains("only https:// sources"));
        let err = fetcher(false)
            .get("ftp://example.com/x", deadline)
            .unwrap_err();
        assert!(err.to_string().contains("unsupported scheme ftp:"), "{err}");
        assert!(fetcher(false).get("not a url", deadline).is_err());
    }

    #[test]
    fn credentials_never_show_in_urls() {
        assert_eq!(
            display_url("https://me:s3cret@example.com/ip.md"),
            "https://example.com/ip.md"
        );
        let deadline = Instant::now() + Duration::from_secs(1);
        let err = fetcher(false)
            .get("http://me:s3cret@127.0.0.1:9/x", deadline)
            .unwrap_err();
        assert!(!err.to_string().contains("s3cret"), "{err}");
    }

    #[test]
    fn text_content_types() {
        assert!(is_text("text/markdown; charset=utf-8"));
        assert!(is_text("TEXT/HTML"));
        assert!(is_text("application/xhtml+xml"));
        assert!(!is_text("application/octet-stream"));
        assert!(!is_text("image/png"));
    }

    #[test]
    fn a_missing_ca_file_is_reported_by_path() {
        let err = Fetcher::new(FetchOptions {
            timeout: Duration::from_secs(1),
            ca_cert: Some("/nonexistent/ca.pem".into()),
            allow_insecure_http: false,
            max_bytes: MAX_BYTES,
        })
        .err()
        .unwrap();
        assert!(
            err.to_string()
                .starts_with("/nonexistent/ca.pem: expected a PEM file")
        );
    }
}
