//! A real HTTPS (or plain HTTP) server on 127.0.0.1 for `twilio refresh` tests: std sockets,
//! rustls with the ring provider, a CA and a server certificate made by rcgen for each test,
//! canned replies per path. Plus a CONNECT proxy, to show that `HTTPS_PROXY` is honoured.

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose, SanType};
use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// What the server answers on a path.
#[derive(Clone)]
pub enum Reply {
    /// 200 with this content type and body.
    Page(&'static str, Vec<u8>),
    /// An error status, e.g. (500, "Internal Server Error").
    Status(u16, &'static str),
    /// 302 to this location.
    Redirect(String),
    /// 200 with a Content-Length, then the body one byte per `Duration`.
    Drip(Vec<u8>, Duration),
    /// 200 of this many bytes with no Content-Length, streamed until the client gives up.
    Endless(usize),
}

/// A certificate authority and the server certificate it signed for 127.0.0.1.
pub struct Pki {
    pub ca_pem: String,
    config: Arc<ServerConfig>,
}

impl Pki {
    pub fn new() -> Pki {
        let ca_key = KeyPair::generate().expect("CA key");
        let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "pbxgen test CA");
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_cert = ca.self_signed(&ca_key).expect("CA certificate");

        let key = KeyPair::generate().expect("server key");
        let mut leaf = CertificateParams::new(vec!["localhost".to_string()]).expect("params");
        leaf.subject_alt_names
            .push(SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)));
        leaf.distinguished_name
            .push(DnType::CommonName, "127.0.0.1");
        let cert = leaf
            .signed_by(&key, &ca_cert, &ca_key)
            .expect("server certificate");

        let chain: Vec<CertificateDer<'static>> = vec![cert.der().clone()];
        let private = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let config =
            ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .expect("protocol versions")
                .with_no_client_auth()
                .with_single_cert(chain, private)
                .expect("server config");
        Pki {
            ca_pem: ca_cert.pem(),
            config: Arc::new(config),
        }
    }
}

/// A running server; stops accepting when dropped.
pub struct Server {
    addr: SocketAddr,
    scheme: &'static str,
    stop: Arc<AtomicBool>,
}

impl Server {
    /// An HTTPS server with the certificate of `pki`.
    pub fn https(pki: &Pki, routes: Vec<(&str, Reply)>) -> Server {
        Server::start(Some(pki.config.clone()), routes)
    }

    /// A plain-HTTP server.
    pub fn http(routes: Vec<(&str, Reply)>) -> Server {
        Server::start(None, routes)
    }

    fn start(tls: Option<Arc<ServerConfig>>, routes: Vec<(&str, Reply)>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let scheme = if tls.is_some() { "https" } else { "http" };
        let stop = Arc::new(AtomicBool::new(false));
        let routes: Arc<HashMap<String, Reply>> = Arc::new(
            routes
                .into_iter()
                .map(|(path, reply)| (path.to_string(), reply))
                .collect(),
        );
        let stopping = stop.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let routes = routes.clone();
                let tls = tls.clone();
                thread::spawn(move || serve(stream, tls, &routes));
            }
        });
        Server { addr, scheme, stop }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}://{}{}", self.scheme, self.addr, path)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

fn serve(stream: TcpStream, tls: Option<Arc<ServerConfig>>, routes: &HashMap<String, Reply>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    match tls {
        Some(config) => {
            let Ok(conn) = rustls::ServerConnection::new(config) else {
                return;
            };
            let mut tls = rustls::StreamOwned::new(conn, stream);
            // A client that rejects the certificate ends the handshake here.
            respond(&mut tls, routes);
            tls.conn.send_close_notify();
            let _ = tls.flush();
        }
        None => {
            let mut stream = stream;
            respond(&mut stream, routes);
            let _ = stream.shutdown(Shutdown::Write);
        }
    }
}

/// Read one request head and write the reply for its path.
fn respond<S: Read + Write>(stream: &mut S, routes: &HashMap<String, Reply>) {
    let Some(head) = read_head(stream) else {
        return;
    };
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    let reply = routes
        .get(&path)
        .cloned()
        .unwrap_or(Reply::Status(404, "Not Found"));
    let _ = write_reply(stream, reply);
}

fn read_head<S: Read>(stream: &mut S) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > 16 * 1024 || stream.read(&mut byte).ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    String::from_utf8(head).ok()
}

fn write_reply<S: Write>(stream: &mut S, reply: Reply) -> std::io::Result<()> {
    match reply {
        Reply::Page(content_type, body) => {
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n",
                body.len()
            )?;
            stream.write_all(&body)?;
        }
        Reply::Status(code, reason) => write!(
            stream,
            "HTTP/1.1 {code} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{reason}",
            reason.len()
        )?,
        Reply::Redirect(location) => write!(
            stream,
            "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\
             Connection: close\r\n\r\n"
        )?,
        Reply::Drip(body, every) => {
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/markdown\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n",
                body.len()
            )?;
            stream.flush()?;
            for byte in body {
                thread::sleep(every);
                stream.write_all(&[byte])?;
                stream.flush()?;
            }
        }
        Reply::Endless(total) => {
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/markdown\r\nConnection: close\r\n\r\n"
            )?;
            let chunk = vec![b'x'; 64 * 1024];
            let mut sent = 0;
            while sent < total {
                stream.write_all(&chunk)?;
                sent += chunk.len();
            }
        }
    }
    stream.flush()
}

/// A forward proxy that only does CONNECT, recording the targets it tunnelled to.
pub struct Proxy {
    pub addr: SocketAddr,
    pub targets: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    pub fn start() -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let addr = listener.local_addr().expect("proxy address");
        let targets = Arc::new(Mutex::new(Vec::new()));
        let seen = targets.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let seen = seen.clone();
                thread::spawn(move || tunnel(stream, &seen));
            }
        });
        Proxy { addr, targets }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

fn tunnel(mut client: TcpStream, seen: &Mutex<Vec<String>>) {
    let Some(head) = read_head(&mut client) else {
        return;
    };
    let mut words = head.split_whitespace();
    let (Some("CONNECT"), Some(target)) = (words.next(), words.next()) else {
        let _ = client.write_all(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    if let Ok(mut list) = seen.lock() {
        list.push(target.to_string());
    }
    let Ok(upstream) = TcpStream::connect(target) else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    if client
        .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        .is_err()
    {
        return;
    }
    let (Ok(mut client_read), Ok(mut upstream_write)) = (client.try_clone(), upstream.try_clone())
    else {
        return;
    };
    let mut upstream_read = upstream;
    let forward = thread::spawn(move || {
        let _ = std::io::copy(&mut client_read, &mut upstream_write);
        let _ = upstream_write.shutdown(Shutdown::Write);
    });
    let _ = std::io::copy(&mut upstream_read, &mut client);
    let _ = client.shutdown(Shutdown::Write);
    let _ = forward.join();
}
