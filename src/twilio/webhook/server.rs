//! The webhook HTTP server: hyper's HTTP/1.1 server on a tokio runtime, optionally behind
//! rustls.
//!
//! Request flow, in this order (so that nobody learns anything without a valid signature):
//! 1. `GET`/`HEAD /healthz` → `200`, empty, nothing checked.
//! 2. A `Content-Length` over the limit → `413` at once (the body is not read); a body growing
//!    past the limit → `413`; a body not complete within `body_timeout` → `408`. All three close
//!    the connection.
//! 3. The URL Twilio requested is rebuilt as `public_url`'s origin + the request's path and
//!    query exactly as received (never from the `Host` header: the server usually sits behind a
//!    TLS proxy), and the `X-Twilio-Signature` checked over it and the body
//!    ([`signature::validate_request`]). Anything else → `403`, empty.
//! 4. Not `POST` → `405`; not `<path of public_url>/NAME/{voice,dial-status}` for a configured
//!    NAME → `404`.
//! 5. `voice` → the number's TwiML; `dial-status` → the failover `<Dial>` when
//!    `DialCallStatus` is one of the number's `failover.on`, else `<Hangup/>`.
//!
//! Slow clients: hyper's header read timeout bounds the request line and headers (and idle
//! keep-alive connections), a tokio timeout bounds the body, the TLS handshake has the header
//! timeout too, and at most `max_connections` connections are served at once.
//!
//! Shutdown: when the shutdown future completes the listener is closed (new connections are
//! refused), every connection is told to finish its in-flight request and close, and the server
//! waits up to `shutdown_grace` for them before dropping the rest.
//!
//! Logging: one [`LogEvent::Request`] per request through the caller's [`Logger`], with the
//! method, the path (no query: it may carry values), the status, the duration, the peer and, for
//! signed requests only, the `CallSid`. Never the token, never another parameter value.

use super::signature::{self, Algorithm, Invalid, Params, Payload};
use super::{DialStatus, Endpoint, NumberRoute, WebhookConfig, twiml};
use crate::diag::Error;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, watch};

/// How important a [`LogEvent`] is; the command line maps `-q` to `Warn`, `-v` to `Debug`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
}

/// What the server reports. `Display` gives the log line (no level prefix). No variant carries
/// the token or a parameter value other than a well-formed `CallSid`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogEvent {
    /// The server is accepting connections.
    Listening {
        addr: SocketAddr,
        tls: bool,
        public_url: String,
    },
    /// One request and its answer.
    Request {
        method: String,
        /// The request path, without the query, non-printable bytes `%`-escaped, cut at 200
        /// characters.
        path: String,
        status: u16,
        duration: Duration,
        peer: SocketAddr,
        /// The `CallSid` of a signed request (letters and digits only).
        call_sid: Option<String>,
        /// Why a `403` was answered.
        rejected: Option<Invalid>,
    },
    /// A connection ended with an error before or between requests (header timeout, malformed
    /// request, TLS handshake failure, reset).
    Connection { peer: SocketAddr, error: String },
    /// `accept` failed (out of file descriptors…); the server retries.
    Accept { error: String },
    /// The shutdown signal arrived; `in_flight` connections are being finished.
    ShuttingDown { in_flight: usize },
    /// The server has stopped; `dropped` connections did not finish within the grace period.
    Stopped { dropped: usize },
}

impl LogEvent {
    pub fn level(&self) -> LogLevel {
        match self {
            LogEvent::Listening { .. } | LogEvent::ShuttingDown { .. } => LogLevel::Info,
            LogEvent::Stopped { dropped } if *dropped == 0 => LogLevel::Info,
            LogEvent::Stopped { .. } => LogLevel::Warn,
            LogEvent::Request { status, .. } => match status {
                500.. => LogLevel::Error,
                400..=499 => LogLevel::Warn,
                _ => LogLevel::Info,
            },
            LogEvent::Connection { .. } => LogLevel::Debug,
            LogEvent::Accept { .. } => LogLevel::Error,
        }
    }
}

impl fmt::Display for LogEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LogEvent::Listening {
                addr,
                tls,
                public_url,
            } => {
                let scheme = if *tls { "https" } else { "http" };
                write!(f, "listening on {scheme}://{addr} for {public_url}")
            }
            LogEvent::Request {
                method,
                path,
                status,
                duration,
                peer,
                call_sid,
                rejected,
            } => {
                let ms = duration.as_secs_f64() * 1000.0;
                write!(f, "{method} {path} {status} {ms:.1}ms {peer}")?;
                if let Some(sid) = call_sid {
                    write!(f, " CallSid={sid}")?;
                }
                if let Some(why) = rejected {
                    write!(f, " rejected: {why}")?;
                }
                Ok(())
            }
            LogEvent::Connection { peer, error } => write!(f, "connection {peer}: {error}"),
            LogEvent::Accept { error } => write!(f, "accept failed: {error}"),
            LogEvent::ShuttingDown { in_flight } => write!(
                f,
                "shutting down: no new connections, finishing {in_flight} open connection(s)"
            ),
            LogEvent::Stopped { dropped: 0 } => f.write_str("stopped"),
            LogEvent::Stopped { dropped } => write!(
                f,
                "stopped; {dropped} connection(s) did not finish within the grace period"
            ),
        }
    }
}

/// Where the server's events go: the command line filters by [`LogEvent::level`] and prints.
pub type Logger = Arc<dyn Fn(&LogEvent) + Send + Sync>;

/// What every connection shares.
struct Shared {
    config: WebhookConfig,
    log: Logger,
}

impl Shared {
    fn log(&self, event: &LogEvent) {
        (self.log)(event)
    }
}

/// What connections are told to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Run,
    /// Finish the request in flight, then close.
    Drain,
    /// Close now.
    Abort,
}

/// A bound, not yet running, webhook server.
pub struct Server {
    shared: Arc<Shared>,
    listener: std::net::TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    local_addr: SocketAddr,
}

impl Server {
    /// Check the configuration, load the TLS files and bind the listen address (port 0 picks a
    /// free port: see [`Server::local_addr`]). Needs no runtime.
    pub fn bind(config: WebhookConfig, log: Logger) -> Result<Server, Error> {
        config.validate()?;
        let tls = match &config.tls {
            Some(files) => Some(tls_acceptor(files)?),
            None => None,
        };
        let listener = std::net::TcpListener::bind(config.listen).map_err(|e| {
            Error::invalid(format!(
                "twilio webhook: cannot listen on {}: {e}",
                config.listen
            ))
        })?;
        listener
            .set_nonblocking(true)
            .map_err(|e| Error::invalid(format!("twilio webhook: listen socket: {e}")))?;
        let local_addr = listener
            .local_addr()
            .map_err(|e| Error::invalid(format!("twilio webhook: listen socket: {e}")))?;
        Ok(Server {
            shared: Arc::new(Shared { config, log }),
            listener,
            tls,
            local_addr,
        })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Serve until `shutdown` completes, then shut down gracefully. Must run inside a tokio
    /// runtime with I/O and time enabled.
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> Result<(), Error> {
        let Server {
            shared,
            listener,
            tls,
            local_addr,
        } = self;
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| Error::invalid(format!("twilio webhook: listen socket: {e}")))?;
        let limits = shared.config.limits.clone();
        let slots = Arc::new(Semaphore::new(limits.max_connections));
        let (phase_tx, phase_rx) = watch::channel(Phase::Run);
        shared.log(&LogEvent::Listening {
            addr: local_addr,
            tls: tls.is_some(),
            public_url: shared.config.public_url.to_string(),
        });

        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            let permit = tokio::select! {
                biased;
                () = &mut shutdown => break,
                permit = slots.clone().acquire_owned() => permit.expect("semaphore never closed"),
            };
            let (stream, peer) = tokio::select! {
                biased;
                () = &mut shutdown => break,
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        shared.log(&LogEvent::Accept { error: e.to_string() });
                        // EMFILE and friends: give the open connections time to end.
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                },
            };
            let _ = stream.set_nodelay(true);
            let shared = shared.clone();
            let phase = phase_rx.clone();
            let tls = tls.clone();
            tokio::spawn(async move {
                let _permit = permit;
                match tls {
                    None => serve_connection(TokioIo::new(stream), peer, &shared, phase).await,
                    Some(acceptor) => {
                        let timeout = shared.config.limits.header_timeout;
                        match tokio::time::timeout(timeout, acceptor.accept(stream)).await {
                            Ok(Ok(stream)) => {
                                serve_connection(TokioIo::new(stream), peer, &shared, phase).await
                            }
                            Ok(Err(e)) => shared.log(&LogEvent::Connection {
                                peer,
                                error: format!("TLS handshake: {e}"),
                            }),
                            Err(_) => shared.log(&LogEvent::Connection {
                                peer,
                                error: "TLS handshake timed out".into(),
                            }),
                        }
                    }
                }
            });
        }

        // No new connections from here on.
        drop(listener);
        let total = limits.max_connections;
        let in_flight = total - slots.available_permits();
        shared.log(&LogEvent::ShuttingDown { in_flight });
        let _ = phase_tx.send(Phase::Drain);
        let all = u32::try_from(total).unwrap_or(u32::MAX);
        let drained = tokio::time::timeout(limits.shutdown_grace, slots.acquire_many(all)).await;
        let dropped = match drained {
            Ok(_) => 0,
            Err(_) => {
                let dropped = total - slots.available_permits();
                let _ = phase_tx.send(Phase::Abort);
                // Let the aborted connections close their sockets.
                let _ = tokio::time::timeout(Duration::from_secs(1), slots.acquire_many(all)).await;
                dropped
            }
        };
        shared.log(&LogEvent::Stopped { dropped });
        Ok(())
    }

    /// [`Server::run`] on a new multi-threaded runtime, blocking the calling thread.
    pub fn run_blocking(self, shutdown: impl Future<Output = ()>) -> Result<(), Error> {
        runtime()?.block_on(self.run(shutdown))
    }

    /// [`Server::run`] on a new runtime until SIGTERM or SIGINT, blocking the calling thread.
    pub fn run_until_signal(self) -> Result<(), Error> {
        runtime()?.block_on(async {
            let signal = shutdown_signal()?;
            self.run(signal).await
        })
    }
}

/// Bind and serve until `shutdown` completes (inside the caller's tokio runtime).
pub async fn serve(
    config: WebhookConfig,
    log: Logger,
    shutdown: impl Future<Output = ()>,
) -> Result<(), Error> {
    Server::bind(config, log)?.run(shutdown).await
}

/// Bind and serve until SIGTERM or SIGINT, on a runtime of its own: what `pbxgen twilio serve`
/// calls.
pub fn serve_blocking(config: WebhookConfig, log: Logger) -> Result<(), Error> {
    Server::bind(config, log)?.run_until_signal()
}

/// A future that completes on the first SIGTERM or SIGINT (Ctrl-C elsewhere than Unix).
/// Must be called inside a tokio runtime; the handlers are installed before it returns.
pub fn shutdown_signal() -> Result<impl Future<Output = ()> + Send + 'static, Error> {
    let fail = |e: std::io::Error| Error::invalid(format!("twilio webhook: signal handler: {e}"));
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).map_err(fail)?;
        let mut int = signal(SignalKind::interrupt()).map_err(fail)?;
        Ok(async move {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        let _ = fail;
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}

/// A multi-threaded runtime with up to 4 workers (a webhook needs few).
fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 4));
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .thread_name("pbxgen-webhook")
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| Error::invalid(format!("twilio webhook: cannot start the runtime: {e}")))
}

/// A rustls acceptor from the PEM files, with the `ring` provider reqwest also uses; HTTP/1.1
/// only.
fn tls_acceptor(files: &super::TlsFiles) -> Result<tokio_rustls::TlsAcceptor, Error> {
    use rustls_pki_types::pem::{self, PemObject};
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let cert_path = files.cert_file.display();
    let key_path = files.key_file.display();
    let certs = CertificateDer::pem_file_iter(&files.cert_file)
        .and_then(|iter| iter.collect::<Result<Vec<_>, _>>())
        .map_err(|e| Error::invalid(format!("twilio webhook: TLS certificate {cert_path}: {e}")))?;
    if certs.is_empty() {
        return Err(Error::invalid(format!(
            "twilio webhook: TLS certificate {cert_path}: expected a PEM `CERTIFICATE`, found none"
        )));
    }
    // The key's own errors might quote its text: say only what kind of problem it is.
    let key = PrivateKeyDer::from_pem_file(&files.key_file).map_err(|e| {
        let why = match e {
            pem::Error::Io(e) => e.to_string(),
            pem::Error::NoItemsFound => "expected a PEM private key, found none".into(),
            _ => "not a valid PEM private key".into(),
        };
        Error::invalid(format!("twilio webhook: TLS key {key_path}: {why}"))
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_no_client_auth().with_single_cert(certs, key))
        .map_err(|e| {
            Error::invalid(format!(
                "twilio webhook: TLS certificate {cert_path} and key {key_path}: {e}"
            ))
        })?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// Serve HTTP/1.1 on one connection until it ends, draining or aborting when told.
async fn serve_connection<I>(
    io: I,
    peer: SocketAddr,
    shared: &Arc<Shared>,
    mut phase: watch::Receiver<Phase>,
) where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let limits = &shared.config.limits;
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(16 * 1024)
        .max_headers(64)
        .keep_alive(true);
    let for_service = shared.clone();
    let service = hyper::service::service_fn(move |req| {
        let shared = for_service.clone();
        async move { Ok::<_, Infallible>(handle(&shared, peer, req).await) }
    });
    let conn = builder.serve_connection(io, service);
    let mut conn = std::pin::pin!(conn);
    if *phase.borrow_and_update() != Phase::Run {
        conn.as_mut().graceful_shutdown();
    }
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    shared.log(&LogEvent::Connection { peer, error: e.to_string() });
                }
                return;
            }
            changed = phase.changed() => {
                let now = if changed.is_ok() { *phase.borrow_and_update() } else { Phase::Abort };
                match now {
                    Phase::Run => {}
                    Phase::Drain => conn.as_mut().graceful_shutdown(),
                    Phase::Abort => return,
                }
            }
        }
    }
}

type Reply = Response<Full<Bytes>>;

/// What a handled request adds to its log line.
#[derive(Default)]
struct Outcome {
    call_sid: Option<String>,
    rejected: Option<Invalid>,
}

async fn handle(shared: &Shared, peer: SocketAddr, req: Request<Incoming>) -> Reply {
    let start = Instant::now();
    let method = req.method().as_str().chars().take(16).collect::<String>();
    let path = log_path(req.uri().path());
    let mut outcome = Outcome::default();
    let reply = answer(shared, req, &mut outcome).await;
    shared.log(&LogEvent::Request {
        method,
        path,
        status: reply.status().as_u16(),
        duration: start.elapsed(),
        peer,
        call_sid: outcome.call_sid,
        rejected: outcome.rejected,
    });
    reply
}

async fn answer(shared: &Shared, req: Request<Incoming>, outcome: &mut Outcome) -> Reply {
    let config = &shared.config;
    if req.uri().path() == "/healthz" && matches!(*req.method(), Method::GET | Method::HEAD) {
        return empty(StatusCode::OK);
    }
    let limits = &config.limits;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.max_body_bytes as u64) {
        return closing(StatusCode::PAYLOAD_TOO_LARGE);
    }
    let (parts, body) = req.into_parts();
    let collected = tokio::time::timeout(
        limits.body_timeout,
        Limited::new(body, limits.max_body_bytes).collect(),
    )
    .await;
    let body = match collected {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => {
            return closing(StatusCode::PAYLOAD_TOO_LARGE);
        }
        Ok(Err(_)) => return closing(StatusCode::BAD_REQUEST),
        Err(_) => return closing(StatusCode::REQUEST_TIMEOUT),
    };

    let payload = match check_signature(config, &parts, &body) {
        Ok(payload) => payload,
        Err(why) => {
            outcome.rejected = Some(why);
            return empty(StatusCode::FORBIDDEN);
        }
    };
    outcome.call_sid = field(&payload, &body, "CallSid").filter(|sid| is_sid(sid));

    if parts.method != Method::POST {
        let mut reply = empty(StatusCode::METHOD_NOT_ALLOWED);
        reply
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return reply;
    }
    let Some((route, endpoint)) = route(config, parts.uri.path()) else {
        return empty(StatusCode::NOT_FOUND);
    };
    let document = match endpoint {
        Endpoint::Voice => route.voice_twiml.clone(),
        Endpoint::DialStatus => {
            let status =
                field(&payload, &body, "DialCallStatus").and_then(|s| s.parse::<DialStatus>().ok());
            match (&route.failover, status) {
                (Some(failover), Some(status)) if failover.on.contains(&status) => {
                    twiml::dial_number(&failover.number)
                }
                _ => twiml::hangup(),
            }
        }
    };
    let mut reply = Response::new(Full::new(Bytes::from(document)));
    reply
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/xml"));
    reply
}

/// Validate the request's signature over the URL rebuilt from `public_url`.
fn check_signature(
    config: &WebhookConfig,
    parts: &hyper::http::request::Parts,
    body: &[u8],
) -> Result<Payload, Invalid> {
    let mut values = parts.headers.get_all(signature::SIGNATURE_HEADER).iter();
    let sig = match (values.next(), values.next()) {
        (Some(value), None) => value.to_str().map_err(|_| Invalid::MissingSignature)?,
        _ => return Err(Invalid::MissingSignature),
    };
    let settings = match parts.headers.get(signature::SIGNATURE_SETTINGS_HEADER) {
        None => None,
        Some(v) => Some(v.to_str().map_err(|_| Invalid::UnknownAlgorithm)?),
    };
    let algorithm =
        Algorithm::from_settings_header(settings).map_err(|_| Invalid::UnknownAlgorithm)?;
    let target = parts
        .uri
        .path_and_query()
        .map_or(parts.uri.path(), |pq| pq.as_str());
    let url = format!("{}{}", config.public_url.origin(), target);
    signature::validate_request(&url, body, sig, &config.auth_token, algorithm)
}

/// The number and endpoint of `<base>/NAME/voice` or `<base>/NAME/dial-status`.
fn route<'a>(config: &'a WebhookConfig, path: &str) -> Option<(&'a NumberRoute, Endpoint)> {
    let rest = path
        .strip_prefix(config.public_url.path())?
        .strip_prefix('/')?;
    let (name, endpoint) = rest.split_once('/')?;
    let endpoint = match endpoint {
        "voice" => Endpoint::Voice,
        "dial-status" => Endpoint::DialStatus,
        _ => return None,
    };
    let route = config.numbers.iter().find(|r| r.name == name)?;
    Some((route, endpoint))
}

/// A field of a signed request: a form parameter, or a top-level string of a JSON body.
fn field(payload: &Payload, body: &[u8], name: &str) -> Option<String> {
    match payload {
        Payload::Form(params) => Params::get(params, name).map(str::to_string),
        Payload::Body => match serde_json::from_slice::<serde_json::Value>(body).ok()? {
            serde_json::Value::Object(mut map) => match map.remove(name)? {
                serde_json::Value::String(s) => Some(s),
                _ => None,
            },
            _ => None,
        },
    }
}

/// A Twilio SID: letters and digits, at most 64 (a `CallSid` is `CA` + 32 hex digits).
fn is_sid(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The path for a log line: printable ASCII kept, anything else `%XX`, at most 200 characters.
fn log_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len().min(200));
    for b in path.bytes() {
        if out.len() >= 200 {
            out.push('…');
            break;
        }
        if b.is_ascii_graphic() {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn empty(status: StatusCode) -> Reply {
    let mut reply = Response::new(Full::new(Bytes::new()));
    *reply.status_mut() = status;
    reply
}

/// An empty answer that also closes the connection (the body may be unread).
fn closing(status: StatusCode) -> Reply {
    let mut reply = empty(status);
    reply
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    reply
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::twilio::webhook::{AuthToken, Failover, PublicUrl};

    fn config(base: &str) -> WebhookConfig {
        WebhookConfig::new(
            PublicUrl::parse(base).unwrap(),
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
    fn routes() {
        let c = config("https://pbx.example.net/twilio");
        let r = |p| route(&c, p).map(|(r, e)| (r.name.as_str(), e));
        assert_eq!(r("/twilio/main/voice"), Some(("main", Endpoint::Voice)));
        assert_eq!(
            r("/twilio/main/dial-status"),
            Some(("main", Endpoint::DialStatus))
        );
        assert_eq!(r("/twilio/other/voice"), None);
        assert_eq!(r("/twilio/main/voice/"), None);
        assert_eq!(r("/twiliox/main/voice"), None);
        assert_eq!(r("/main/voice"), None);
        assert_eq!(r("/twilio/main"), None);
        let root = config("https://pbx.example.net/");
        assert!(route(&root, "/main/voice").is_some());
    }

    #[test]
    fn log_lines_carry_no_values() {
        assert_eq!(log_path("/a b\n\u{e9}"), "/a%20b%0A%C3%A9");
        assert!(log_path(&"x".repeat(500)).chars().count() <= 201);
        assert!(is_sid("CA1234567890abcdef1234567890abcdef"));
        assert!(!is_sid("CA12 34"));
        assert!(!is_sid(""));
        let line = LogEvent::Request {
            method: "POST".into(),
            path: "/twilio/main/voice".into(),
            status: 403,
            duration: Duration::from_micros(1500),
            peer: "127.0.0.1:9".parse().unwrap(),
            call_sid: None,
            rejected: Some(Invalid::Mismatch),
        };
        assert_eq!(
            line.to_string(),
            "POST /twilio/main/voice 403 1.5ms 127.0.0.1:9 rejected: signature does not match"
        );
        assert_eq!(line.level(), LogLevel::Warn);
    }

    #[test]
    fn json_fields() {
        let body = br#"{"CallSid":"CA1","DialCallStatus":"failed","n":1}"#;
        assert_eq!(
            field(&Payload::Body, body, "DialCallStatus").as_deref(),
            Some("failed")
        );
        assert_eq!(field(&Payload::Body, body, "n"), None);
        assert_eq!(field(&Payload::Body, b"[]", "CallSid"), None);
    }
}
