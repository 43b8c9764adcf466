//! `[general]` (and `[authentication]`): chan_sip's server-wide settings become transports, the
//! `global`/`system` sections, registrations, and the defaults every endpoint gets (pjsip has
//! no general inheritance, so they are written into each endpoint).

use super::pjsip::Object;
use super::report::{Outcome, Severity, Target};
use super::table::{self, Concern, Handler, Object as TableObject, Place, ROWS, Scope};
use super::values::{Host, leading_int, numeric_ip, uri_host, uri_user};
use super::{Cx, Peers};
use crate::asterisk::model::values::{ast_false, ast_true};
use crate::asterisk::syntax::{Section, Variable};
use crate::diag::Error;
use std::net::IpAddr;

/// What `[general]` says, as the peers and the rest of the migration need it.
pub(crate) struct General<'a> {
    pub section: Option<&'a Section>,
    /// `[general]` lines that are every peer's default, by row index in [`ROWS`].
    pub defaults: Vec<Vec<&'a Variable>>,
    /// Lines read once for the whole file (transports, registrations…), by row index.
    own: Vec<Vec<&'a Variable>>,
    /// Where guests land, and every peer without a `context` (default `default`).
    pub context: String,
    /// The digest realm (`realm`, else asterisk.conf's `systemname`, else `asterisk`).
    pub realm: String,
    pub match_auth_username: bool,
    pub srvlookup: bool,
    /// chan_sip's TCP/TLS switches (a peer's `transport=tcp` needs them).
    pub tcp_enabled: bool,
    pub tls_enabled: bool,
    /// The transport objects written: (protocol, name).
    pub transports: Vec<(&'static str, String)>,
    /// Address families the server listens on: (IPv4, IPv6).
    pub families: (bool, bool),
    /// `maxexpiry`, `minexpiry`, `defaultexpiry` (3600, 60, 120).
    pub max_expiry: u32,
    pub min_expiry: u32,
    pub default_expiry: u32,
    /// The rows with `[general]` defaults, in table order.
    active: Vec<usize>,
    /// The general qualify time in ms (`qualify=yes` of a peer uses it).
    pub qualify_ms: Option<u32>,
    /// Auth objects made from `[authentication]` `auth=` lines: every endpoint's and every
    /// registration's outbound credentials for their realms.
    pub realm_auths: Vec<String>,
}

impl<'a> General<'a> {
    /// The general contact ACL lines (chan_sip checks them on every REGISTER).
    pub fn contact_acl(&self) -> &[&'a Variable] {
        let i = row_index(table::lookup("contactpermit", Place::General).expect("row"));
        &self.own[i]
    }

    /// The rows that have `[general]` defaults.
    pub fn active_rows(&self) -> &[usize] {
        &self.active
    }

    /// The `[general]` lines of a row that are every peer's default.
    pub fn defaults_of(&self, row: usize) -> &[&'a Variable] {
        &self.defaults[row]
    }

    /// The transport object for a protocol, when one was written.
    pub fn transport(&self, protocol: &str) -> Option<&str> {
        self.transports
            .iter()
            .find(|(p, _)| *p == protocol)
            .map(|(_, n)| n.as_str())
    }

    fn lines(&self, names: &[&str]) -> Vec<&'a Variable> {
        self.section
            .map(|s| {
                s.variables
                    .iter()
                    .filter(|v| names.iter().any(|n| v.name.eq_ignore_ascii_case(n)))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn last(&self, names: &[&str]) -> Option<&'a Variable> {
        self.lines(names).last().copied()
    }
}

/// The index of a row in [`ROWS`] (rows are elements of that one static slice).
pub(crate) fn row_index(row: &'static table::Row) -> usize {
    let offset = (row as *const table::Row as usize) - (ROWS.as_ptr() as usize);
    let i = offset / std::mem::size_of::<table::Row>();
    debug_assert!(std::ptr::eq(&ROWS[i], row), "a row of the table");
    i
}

/// Read `[general]` and `[authentication]`; write the global, system and transport sections.
/// Fails (like chan_sip, which then does not load) on a bad `contactpermit`/`contactdeny` line.
pub(crate) fn read<'a>(cx: &mut Cx<'a>) -> Result<General<'a>, Error> {
    let sip = cx.sip;
    let mut generals = sip
        .live_sections()
        .filter(|s| s.name.eq_ignore_ascii_case("general"));
    let section = generals.next();
    for extra in generals {
        cx.section_entry(
            Severity::Warning,
            Outcome::Skipped,
            extra.pos,
            &extra.name,
            Vec::new(),
            "chan_sip reads only the first [general] (ast_variable_browse): every line of this one is ignored, and not migrated",
        );
    }
    let mut defaults: Vec<Vec<&Variable>> = vec![Vec::new(); ROWS.len()];
    let mut own: Vec<Vec<&Variable>> = vec![Vec::new(); ROWS.len()];
    if let Some(s) = section {
        for v in s.variables.iter() {
            match table::lookup(&v.name, Place::General) {
                None => cx.entry(
                    Severity::Note,
                    Outcome::Dropped,
                    Some(v),
                    Some("general"),
                    Vec::new(),
                    "not a chan_sip option: chan_sip ignores it",
                ),
                Some(row) if !row.scope.covers(Place::General) => cx.entry(
                    Severity::Note,
                    Outcome::Dropped,
                    Some(v),
                    Some("general"),
                    Vec::new(),
                    "a peer option: chan_sip ignores it in [general] (it is not a default for peers)",
                ),
                Some(row) => {
                    let i = row_index(row);
                    let peer_default = row.scope == Scope::Both
                        || matches!(
                            row.handler,
                            Handler::Simple {
                                object: TableObject::Endpoint | TableObject::Aor,
                                ..
                            }
                        );
                    if peer_default && !matches!(row.handler, Handler::Concern(Concern::ContactAcl))
                    {
                        defaults[i].push(v);
                    } else {
                        own[i].push(v);
                    }
                }
            }
        }
    }
    let active = (0..ROWS.len())
        .filter(|&i| !defaults[i].is_empty())
        .collect();
    let mut g = General {
        section,
        active,
        defaults,
        own,
        context: "default".to_string(),
        realm: "asterisk".to_string(),
        match_auth_username: false,
        srvlookup: true,
        tcp_enabled: false,
        tls_enabled: false,
        transports: Vec::new(),
        families: (true, false),
        max_expiry: 3600,
        min_expiry: 60,
        default_expiry: 120,
        qualify_ms: None,
        realm_auths: Vec::new(),
    };
    if let Some(v) = g.last(&["context"]) {
        g.context = v.value.to_string();
    }
    g.match_auth_username = g
        .last(&["match_auth_username"])
        .is_some_and(|v| ast_true(&v.value));
    g.srvlookup = g.last(&["srvlookup"]).is_none_or(|v| ast_true(&v.value));
    if let Some(v) = g.last(&["qualify"]) {
        g.qualify_ms = parse_qualify(&v.value, None);
    }
    read_expiry(cx, &mut g);
    read_realm(cx, &mut g);
    contact_acl_check(cx, &g)?;
    global_and_system(cx, &g);
    transports(cx, &mut g);
    authentication(cx, &mut g);
    simple_general_entries(cx, &g);
    Ok(g)
}

/// `qualify`: `no`, `yes` (the general value, else 2000 ms) or milliseconds; anything else off
/// (build_peer / reload_config). `None` when off.
pub(crate) fn parse_qualify(value: &str, general_ms: Option<u32>) -> Option<u32> {
    if value.eq_ignore_ascii_case("no") {
        return None;
    }
    if value.eq_ignore_ascii_case("yes") {
        return Some(general_ms.unwrap_or(2000));
    }
    match leading_int(value) {
        Some(ms) if ms > 0 => Some(ms as u32),
        _ => None,
    }
}

fn read_expiry(cx: &mut Cx<'_>, g: &mut General<'_>) {
    let i = row_index(table::lookup("maxexpiry", Place::General).expect("row"));
    for v in g.own[i].clone() {
        let name = v.name.to_ascii_lowercase();
        let slot = match name.as_str() {
            "maxexpiry" | "maxexpirey" => &mut g.max_expiry,
            "minexpiry" | "minexpirey" => &mut g.min_expiry,
            _ => &mut g.default_expiry,
        };
        // reload_config: `%30d`, only values > 0 (min/max) or >= 1 (default) count.
        match leading_int(&v.value) {
            Some(n) if n > 0 => {
                *slot = n as u32;
                let what = match name.as_str() {
                    "maxexpiry" | "maxexpirey" => "maximum_expiration of every registering aor",
                    "minexpiry" | "minexpirey" => "minimum_expiration of every registering aor",
                    _ => {
                        "default_expiration of every registering aor and the expiration of every registration"
                    }
                };
                cx.entry(
                    Severity::Mapped,
                    Outcome::Mapped,
                    Some(v),
                    Some("general"),
                    Vec::new(),
                    format!("→ {what}"),
                );
            }
            _ => cx.entry(
                Severity::Note,
                Outcome::Dropped,
                Some(v),
                Some("general"),
                Vec::new(),
                "not a positive number: chan_sip keeps its default",
            ),
        }
    }
}

fn read_realm(cx: &mut Cx<'_>, g: &mut General<'_>) {
    // reload_config: the realm is `realm=`, else the system name (asterisk.conf), else
    // "asterisk".
    let system_name = cx
        .config
        .file_of_kind(crate::asterisk::FileKind::Asterisk)
        .and_then(|(_, f)| f.section("options"))
        .and_then(|s| s.value("systemname"))
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    if let Some(name) = system_name {
        g.realm = name;
    }
    if let Some(v) = g.last(&["realm"]) {
        if !v.value.is_empty() {
            g.realm = v.value.to_string();
        }
    }
    let i = row_index(table::lookup("realm", Place::General).expect("row"));
    for v in g.own[i].clone() {
        cx.entry(
            Severity::Mapped,
            Outcome::Mapped,
            Some(v),
            Some("general"),
            vec![Target::pjsip(
                "global",
                "global",
                "default_realm",
                Some(&g.realm),
            )],
            "the realm of every challenge, and of md5secret credentials",
        );
    }
}

/// A bad `contactpermit`/`contactdeny` in `[general]` makes chan_sip refuse to load ("Bad ACL
/// entry in configuration line %d : %s. Failing to load chan_sip.so").
fn contact_acl_check(cx: &mut Cx<'_>, g: &General<'_>) -> Result<(), Error> {
    let mut list = super::acl::List::default();
    for v in g.lines(&["contactpermit", "contactdeny"]) {
        if v.value.is_empty() {
            continue;
        }
        let permit = v.name.eq_ignore_ascii_case("contactpermit");
        if let Err(entry) = list.append(&v.value, permit) {
            return Err(Error::at(
                cx.config.location(v.value_pos()),
                format!(
                    "chan_sip would not load this sip.conf (\"Bad ACL entry … Failing to load chan_sip.so\"): `{entry}` is not an address or network"
                ),
            )
            .with_hint("write an IP address or network (10.0.0.0/8), without a port"));
        }
    }
    Ok(())
}

/// The `global` and `system` sections, from the rows that write to them.
fn global_and_system(cx: &mut Cx<'_>, g: &General<'_>) {
    let mut global = Object::new("global", "global".to_string());
    let mut system = Object::new("system", "system".to_string());
    if g.realm != "asterisk" {
        global.set("default_realm", g.realm.clone());
    }
    for (i, row) in ROWS.iter().enumerate() {
        let Handler::Simple {
            object,
            option,
            convert,
            ..
        } = row.handler
        else {
            continue;
        };
        let target = match object {
            TableObject::Global => &mut global,
            TableObject::System => &mut system,
            _ => continue,
        };
        let lines: Vec<&Variable> = g.own[i]
            .iter()
            .chain(g.defaults[i].iter())
            .copied()
            .collect();
        let Some((last, earlier)) = lines.split_last() else {
            continue;
        };
        for v in earlier {
            cx.entry(
                Severity::Note,
                Outcome::Dropped,
                Some(v),
                Some("general"),
                Vec::new(),
                format!("overridden by line {} (the last one counts)", last.pos.line),
            );
        }
        let converted = convert.apply(option, &last.value);
        let mut targets = Vec::new();
        for (name, value) in &converted.options {
            target.set(name, value.clone());
            targets.push(Target::pjsip(
                &target.name,
                object.kind(),
                name,
                Some(value),
            ));
        }
        let outcome = if targets.is_empty() {
            Outcome::Dropped
        } else {
            Outcome::Mapped
        };
        cx.entry(
            converted.severity,
            outcome,
            Some(last),
            Some("general"),
            targets,
            converted.message.to_string(),
        );
    }
    for object in [global, system] {
        if object.options.len() > 1 {
            cx.doc.push(object);
        }
    }
}

/// An address and port from a bind option: `ip`, `ip:port`, `[v6]:port`.
fn parse_bind(text: &str) -> Option<(IpAddr, Option<u16>)> {
    let t = text.trim();
    if let Some(ip) = numeric_ip(t) {
        return Some((ip, None));
    }
    let (host, port) = t.rsplit_once(':')?;
    let port: u16 = port.parse().ok().filter(|p| *p > 0)?;
    let ip = numeric_ip(host)?;
    if matches!(ip, IpAddr::V6(_)) && !host.starts_with('[') {
        return None;
    }
    Some((ip, Some(port)))
}

fn bind_text(ip: IpAddr, port: u16) -> String {
    match ip {
        IpAddr::V6(v6) => format!("[{v6}]:{port}"),
        v4 => format!("{v4}:{port}"),
    }
}

/// Bind addresses, TCP/TLS, NAT settings → transport sections (reload_config; main/tcptls.c
/// ast_tls_read_conf for the TLS options).
fn transports<'a>(cx: &mut Cx<'a>, g: &mut General<'a>) {
    let i = row_index(table::lookup("bindaddr", Place::General).expect("row"));
    let lines: Vec<&'a Variable> = g.own[i].clone();
    let last = |names: &[&str]| {
        lines
            .iter()
            .rev()
            .find(|v| names.iter().any(|n| v.name.eq_ignore_ascii_case(n)))
            .copied()
    };
    let mut consumed: Vec<(&'a Variable, Vec<Target>, Severity, String)> = Vec::new();
    let mut note = |v: &'a Variable, sev: Severity, msg: &str| {
        consumed.push((v, Vec::new(), sev, msg.to_string()));
    };

    // UDP: bindaddr/udpbindaddr (numeric, else chan_sip warns and keeps 0.0.0.0), bindport.
    let mut udp_ip: IpAddr = IpAddr::from([0, 0, 0, 0]);
    let mut udp_port: u16 = 5060;
    let bind_line = last(&["bindaddr", "udpbindaddr"]);
    if let Some(v) = bind_line {
        match parse_bind(&v.value) {
            Some((ip, port)) => {
                udp_ip = ip;
                if let Some(p) = port {
                    udp_port = p;
                }
            }
            None => note(
                v,
                Severity::Note,
                "not a numeric address: chan_sip warns and binds 0.0.0.0",
            ),
        }
    }
    let port_line = last(&["bindport"]);
    if let Some(v) = port_line {
        match leading_int(&v.value) {
            Some(p) if (1..=65535).contains(&p) => udp_port = p as u16,
            _ => note(v, Severity::Note, "not a port: chan_sip keeps 5060"),
        }
    }
    g.families = match udp_ip {
        IpAddr::V4(_) => (true, false),
        IpAddr::V6(_) => (true, true),
    };
    let tcp_lines: Vec<&Variable> = lines
        .iter()
        .filter(|v| v.name.eq_ignore_ascii_case("tcpenable"))
        .copied()
        .collect();
    // reload_config: any tcpenable that is not false turns TCP on; nothing turns it off again.
    g.tcp_enabled = tcp_lines.iter().any(|v| !ast_false(&v.value));
    let tls_line = last(&["tlsenable", "sslenable"]);
    let tls_wanted = tls_line.is_some_and(|v| ast_true(&v.value));

    // NAT: externaddr/externip/externhost only matter with localnet (ast_sip_ouraddrfor).
    let localnets: Vec<&Variable> = lines
        .iter()
        .filter(|v| v.name.eq_ignore_ascii_case("localnet"))
        .copied()
        .collect();
    let extern_line = last(&["externaddr", "externip", "externhost"]);
    let external: Option<(String, Option<u16>)> = extern_line.and_then(|v| {
        let text = v.value.trim();
        let (host, port) = match text.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') => (h, p.parse::<u16>().ok()),
            _ => (text, None),
        };
        Host::parse(host).map(|h| (h.display(), port))
    });
    let use_external = external.is_some() && !localnets.is_empty();
    let tos = last(&["tos_sip"]);
    let cos = last(&["cos_sip"]);

    let mut made: Vec<(&'static str, String)> = Vec::new();
    let mut objects: Vec<Object> = Vec::new();
    let mut add_transport = |protocol: &'static str, bind: String, ext_port: Option<u16>| {
        let name = format!("transport-{protocol}");
        let mut t = Object::new("transport", name.clone());
        t.set("protocol", protocol);
        t.set("bind", bind);
        for v in &localnets {
            t.set("local_net", v.value.to_string());
        }
        if use_external {
            if let Some((host, port)) = &external {
                t.set("external_signaling_address", host.clone());
                t.set("external_media_address", host.clone());
                if let Some(p) = ext_port.or(*port) {
                    t.set("external_signaling_port", p.to_string());
                }
            }
        }
        if let Some(v) = tos {
            t.set("tos", v.value.to_string());
        }
        if let Some(v) = cos {
            if let Some(n) = leading_int(&v.value).filter(|n| (0..=7).contains(n)) {
                t.set("cos", n.to_string());
            }
        }
        made.push((protocol, name));
        objects.push(t);
    };
    add_transport("udp", bind_text(udp_ip, udp_port), None);
    if g.tcp_enabled {
        let tcp_bind = last(&["tcpbindaddr"])
            .and_then(|v| parse_bind(&v.value))
            .map(|(ip, port)| bind_text(ip, port.unwrap_or(udp_port)))
            .unwrap_or_else(|| bind_text(udp_ip, udp_port));
        let ext = last(&["externtcpport"]).and_then(|v| v.value.parse::<u16>().ok());
        add_transport("tcp", tcp_bind, ext);
    }
    // TLS: chan_sip starts it only if the certificate loads (tcptls.c __ssl_setup); a relative
    // path (the default `asterisk.pem`) resolves against Asterisk's working directory.
    let cert_line = last(&["tlscertfile", "sslcert", "tlscert"]);
    let cert = cert_line.map_or("asterisk.pem", |v| v.value.as_str());
    let mut tls_note: Option<(Severity, String)> = None;
    if tls_wanted {
        let absolute = cert.starts_with('/');
        if absolute {
            g.tls_enabled = true;
            let tls_bind = last(&["tlsbindaddr", "sslbindaddr"])
                .and_then(|v| parse_bind(&v.value))
                .map(|(ip, port)| bind_text(ip, port.unwrap_or(5061)))
                .unwrap_or_else(|| bind_text(udp_ip, 5061));
            let ext = last(&["externtlsport"]).and_then(|v| v.value.parse::<u16>().ok());
            add_transport("tls", tls_bind, ext);
            let t = objects.last_mut().expect("just added");
            t.set("cert_file", cert.to_string());
            let key = last(&["tlsprivatekey", "sslprivatekey"])
                .map_or(cert.to_string(), |v| v.value.to_string());
            t.set("priv_key_file", key);
            if let Some(v) = last(&["tlscafile", "sslcafile"]) {
                t.set("ca_list_file", v.value.to_string());
            }
            if let Some(v) = last(&["tlscapath", "tlscadir", "sslcapath"]) {
                t.set("ca_list_path", v.value.to_string());
            }
            // chan_sip verifies servers unless tlsdontverifyserver=yes; pjsip does not by default.
            let dont_verify = last(&["tlsdontverifyserver"]).is_some_and(|v| ast_true(&v.value));
            t.set("verify_server", if dont_verify { "no" } else { "yes" });
            if !std::path::Path::new(cert).is_file() {
                tls_note = Some((
                    Severity::Warning,
                    format!(
                        "{cert} is not on this machine: Asterisk refuses the TLS transport if it is not there either"
                    ),
                ));
            }
        } else {
            tls_note = Some((
                Severity::Warning,
                format!(
                    "the certificate `{cert}` is a relative path: chan_sip could start TLS only if Asterisk's working directory held it (usually it did not: \"TLS/SSL error loading cert file\"); no TLS transport is written — add one with an absolute cert_file"
                ),
            ));
        }
    }
    g.transports = made;
    for o in objects {
        cx.doc.push(o);
    }

    // Report every line of the concern.
    let udp = "transport-udp";
    for v in &lines {
        let name = v.name.to_ascii_lowercase();
        if consumed.iter().any(|(c, ..)| std::ptr::eq(*c, *v)) {
            continue;
        }
        let t = |object: &str, option: &'static str, value: Option<&str>| {
            Target::pjsip(object, "transport", option, value)
        };
        let all = |option: &'static str, value: Option<&str>| -> Vec<Target> {
            g.transports
                .iter()
                .map(|(_, n)| Target::pjsip(n, "transport", option, value))
                .collect()
        };
        let (sev, targets, msg): (Severity, Vec<Target>, String) = match name.as_str() {
            "bindaddr" | "udpbindaddr" | "bindport" => {
                (Severity::Mapped, vec![t(udp, "bind", None)], String::new())
            }
            "tcpenable" if g.tcp_enabled => (
                Severity::Mapped,
                vec![t("transport-tcp", "protocol", Some("tcp"))],
                String::new(),
            ),
            "tcpenable" => (Severity::Mapped, Vec::new(), "TCP stays off".to_string()),
            "tcpbindaddr" if g.tcp_enabled => (
                Severity::Mapped,
                vec![t("transport-tcp", "bind", None)],
                String::new(),
            ),
            "tcpbindaddr" => (
                Severity::Note,
                Vec::new(),
                "TCP is off: chan_sip does not use it".to_string(),
            ),
            "tlsenable" | "sslenable" => match &tls_note {
                _ if !tls_wanted => (Severity::Mapped, Vec::new(), "TLS stays off".to_string()),
                Some((sev, msg)) if !g.tls_enabled => (*sev, Vec::new(), msg.clone()),
                Some((sev, msg)) => (
                    *sev,
                    vec![t("transport-tls", "protocol", Some("tls"))],
                    msg.clone(),
                ),
                None => (
                    Severity::Mapped,
                    vec![t("transport-tls", "protocol", Some("tls"))],
                    String::new(),
                ),
            },
            _ if !g.tls_enabled && is_tls_option(&name) => (
                Severity::Note,
                Vec::new(),
                "no TLS transport is written".to_string(),
            ),
            "tlsbindaddr" | "sslbindaddr" => (
                Severity::Mapped,
                vec![t("transport-tls", "bind", None)],
                String::new(),
            ),
            "tlscertfile" | "sslcert" | "tlscert" => (
                Severity::Mapped,
                vec![t("transport-tls", "cert_file", Some(cert))],
                String::new(),
            ),
            "tlsprivatekey" | "sslprivatekey" => (
                Severity::Mapped,
                vec![t("transport-tls", "priv_key_file", None)],
                String::new(),
            ),
            "tlscafile" | "sslcafile" => (
                Severity::Mapped,
                vec![t("transport-tls", "ca_list_file", None)],
                String::new(),
            ),
            "tlscapath" | "tlscadir" | "sslcapath" => (
                Severity::Mapped,
                vec![t("transport-tls", "ca_list_path", None)],
                String::new(),
            ),
            "tlsdontverifyserver" => (
                Severity::Mapped,
                vec![t("transport-tls", "verify_server", None)],
                String::new(),
            ),
            "tlscipher" | "sslcipher" => (
                Severity::Warning,
                Vec::new(),
                "pjsip's cipher option takes pjsip cipher names, not an OpenSSL cipher string: not written (OpenSSL's defaults apply)".to_string(),
            ),
            "tlsclientmethod" | "sslclientmethod" => (
                Severity::Note,
                Vec::new(),
                "chan_sip's client-side TLS method: pjsip's method applies to both directions, so it is left to negotiate the best version".to_string(),
            ),
            "tlsverifyclient" => (
                Severity::Note,
                Vec::new(),
                "chan_sip ignores it (\"Ignoring unsupported option 'tlsverifyclient'\")".to_string(),
            ),
            "externaddr" | "externip" | "externhost" | "externtcpport" | "externtlsport"
                if !use_external =>
            {
                if external.is_none() && !name.starts_with("externt") {
                    (
                        Severity::Warning,
                        Vec::new(),
                        "not an address or host name: not written".to_string(),
                    )
                } else {
                    (
                        Severity::Note,
                        Vec::new(),
                        "without localnet chan_sip never uses it (ast_sip_ouraddrfor); pjsip would use it for every destination, so it is not written".to_string(),
                    )
                }
            }
            "externaddr" | "externip" | "externhost" => (
                Severity::Mapped,
                all("external_signaling_address", None)
                    .into_iter()
                    .chain(all("external_media_address", None))
                    .collect(),
                if name == "externhost" {
                    "resolved when pjsip loads (dnsmgr refreshes it if enabled in dnsmgr.conf)"
                        .to_string()
                } else {
                    String::new()
                },
            ),
            "externtcpport" if g.tcp_enabled => (
                Severity::Mapped,
                vec![t("transport-tcp", "external_signaling_port", None)],
                String::new(),
            ),
            "externtlsport" if g.tls_enabled => (
                Severity::Mapped,
                vec![t("transport-tls", "external_signaling_port", None)],
                String::new(),
            ),
            "externtcpport" | "externtlsport" => (
                Severity::Note,
                Vec::new(),
                "that transport is not written".to_string(),
            ),
            "externrefresh" => (
                Severity::Note,
                Vec::new(),
                "pjsip re-resolves host names through dnsmgr (dnsmgr.conf refreshinterval)"
                    .to_string(),
            ),
            "localnet" => (Severity::Mapped, all("local_net", Some(&v.value)), String::new()),
            "tos_sip" => (Severity::Mapped, all("tos", Some(&v.value)), String::new()),
            "cos_sip" => (Severity::Mapped, all("cos", None), String::new()),
            _ => (Severity::Note, Vec::new(), String::new()),
        };
        let outcome = if targets.is_empty() {
            Outcome::Dropped
        } else {
            Outcome::Mapped
        };
        // Earlier lines of a single-valued option are overridden.
        let overridden = !matches!(name.as_str(), "localnet" | "tcpenable")
            && lines
                .iter()
                .rev()
                .find(|w| w.name.eq_ignore_ascii_case(&v.name))
                .is_some_and(|w| !std::ptr::eq(*w, *v));
        if overridden {
            cx.entry(
                Severity::Note,
                Outcome::Dropped,
                Some(v),
                Some("general"),
                Vec::new(),
                "overridden by a later line (the last one counts)",
            );
            continue;
        }
        let outcome = if outcome == Outcome::Mapped || sev == Severity::Mapped && msg.is_empty() {
            outcome
        } else {
            Outcome::Dropped
        };
        cx.entry(sev, outcome, Some(v), Some("general"), targets, msg);
    }
    for (v, targets, sev, msg) in consumed {
        cx.entry(
            sev,
            Outcome::Dropped,
            Some(v),
            Some("general"),
            targets,
            msg,
        );
    }
}

fn is_tls_option(name: &str) -> bool {
    name.starts_with("tls") || name.starts_with("ssl") || name == "externtlsport"
}

/// `[authentication]`: only `auth=` lines are read (reload_config); each becomes an auth object
/// with its realm, offered to every endpoint and registration.
fn authentication(cx: &mut Cx<'_>, g: &mut General<'_>) {
    let sections: Vec<&Section> = cx
        .sip
        .live_sections()
        .filter(|s| s.name.eq_ignore_ascii_case("authentication"))
        .collect();
    for (n, s) in sections.iter().enumerate() {
        if n > 0 {
            cx.section_entry(
                Severity::Warning,
                Outcome::Skipped,
                s.pos,
                &s.name,
                Vec::new(),
                "chan_sip reads only the first [authentication]",
            );
            continue;
        }
        for v in s.variables.iter() {
            if !v.name.eq_ignore_ascii_case("auth") {
                cx.entry(
                    Severity::Note,
                    Outcome::Dropped,
                    Some(v),
                    Some(&s.name),
                    Vec::new(),
                    "chan_sip reads only `auth` lines in [authentication]: it ignores this one",
                );
                continue;
            }
            match realm_auth(cx, v, "auth") {
                Some((name, targets)) => {
                    g.realm_auths.push(name);
                    cx.entry(
                        Severity::Mapped,
                        Outcome::Mapped,
                        Some(v),
                        Some(&s.name),
                        targets,
                        "offered by every endpoint and registration (outbound_auth) when that realm challenges",
                    );
                }
                None => cx.entry(
                    Severity::Note,
                    Outcome::Dropped,
                    Some(v),
                    Some(&s.name),
                    Vec::new(),
                    "not `user:secret@realm` or `user#md5secret@realm`: chan_sip ignores it",
                ),
            }
        }
    }
}

/// `auth = user:secret@realm` or `user#md5secret@realm` (add_realm_authentication) → an auth
/// object with that realm, named `<prefix>-<realm>`.
pub(crate) fn realm_auth(
    cx: &mut Cx<'_>,
    v: &Variable,
    prefix: &str,
) -> Option<(String, Vec<Target>)> {
    let value = v.value.as_str();
    let (creds, realm) = value.rsplit_once('@')?;
    let (user, secret, md5) = if let Some((u, s)) = creds.split_once(':') {
        (u, s, false)
    } else if let Some((u, s)) = creds.split_once('#') {
        (u, s, true)
    } else {
        return None;
    };
    if user.is_empty() || realm.is_empty() || secret.is_empty() {
        return None;
    }
    if md5 && secret.len() != 32 {
        return None;
    }
    let credential = (user.to_string(), secret.to_string(), md5, realm.to_string());
    let name = match cx.doc.auth_for(&credential) {
        Some(existing) => existing.to_string(),
        None => {
            let name = cx
                .doc
                .unique_name("auth", &format!("{prefix}-{}", sanitize_name(realm)));
            let mut a = Object::new("auth", name.clone());
            a.set("username", user.to_string());
            if md5 {
                a.set("auth_type", "md5");
                a.set("md5_cred", secret.to_string());
            } else {
                a.set("password", secret.to_string());
            }
            a.set("realm", realm.to_string());
            cx.doc.record_auth(credential, &name);
            cx.doc.push(a);
            name
        }
    };
    Some((
        name.clone(),
        vec![
            Target::pjsip(&name, "auth", "username", Some(user)),
            Target::pjsip(
                &name,
                "auth",
                if md5 { "md5_cred" } else { "password" },
                Some(secret),
            ),
            Target::pjsip(&name, "auth", "realm", Some(realm)),
        ],
    ))
}

/// A name usable as (part of) a section name and in comma lists: `,` and blanks replaced.
pub(crate) fn sanitize_name(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c == ',' || c.is_whitespace() || c == '[' || c == ']' {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// Entries for `[general]` lines that are every peer's default, and for the rows handled here
/// that no other step reports.
fn simple_general_entries(cx: &mut Cx<'_>, g: &General<'_>) {
    for (i, row) in ROWS.iter().enumerate() {
        match row.handler {
            Handler::Drop(sev, reason) => {
                for v in g.own[i].iter().chain(g.defaults[i].iter()) {
                    cx.entry(
                        sev,
                        Outcome::Dropped,
                        Some(v),
                        Some("general"),
                        Vec::new(),
                        reason,
                    );
                }
            }
            Handler::Simple { object, option, .. }
                if matches!(object, TableObject::Endpoint | TableObject::Aor) =>
            {
                let lines = &g.defaults[i];
                for (n, v) in lines.iter().enumerate() {
                    let last = n + 1 == lines.len();
                    if last {
                        cx.entry(
                            Severity::Mapped,
                            Outcome::Mapped,
                            Some(v),
                            Some("general"),
                            vec![Target::pjsip("*", object.kind(), option, None)],
                            "written into every endpoint that does not set its own (pjsip has no general defaults)",
                        );
                    } else {
                        cx.entry(
                            Severity::Note,
                            Outcome::Dropped,
                            Some(v),
                            Some("general"),
                            Vec::new(),
                            "overridden by a later line (the last one counts)",
                        );
                    }
                }
            }
            Handler::Concern(c) => {
                let message = match c {
                    Concern::Nat
                    | Concern::DirectMedia
                    | Concern::Codecs
                    | Concern::Qualify
                    | Concern::T38
                    | Concern::PeerTransport
                    | Concern::OutboundProxy
                    | Concern::Identity => {
                        "every peer's default: applied to each endpoint that does not set its own (see its entries)"
                    }
                    Concern::MatchAuthUsername => {
                        "endpoints that authenticate are also identified by the Authorization username (identify_by=auth_username)"
                    }
                    Concern::SrvLookup => {
                        "host-name identifies look SRV records up (srv_lookups) as chan_sip did"
                    }
                    _ => continue,
                };
                for v in &g.defaults[i] {
                    cx.entry(
                        Severity::Mapped,
                        Outcome::Mapped,
                        Some(v),
                        Some("general"),
                        Vec::new(),
                        message,
                    );
                }
                if matches!(c, Concern::MatchAuthUsername | Concern::SrvLookup) {
                    for v in &g.own[i] {
                        cx.entry(
                            Severity::Mapped,
                            Outcome::Mapped,
                            Some(v),
                            Some("general"),
                            Vec::new(),
                            message,
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

/// After the peers: registrations, guests, the general contact ACL, the summary counts.
pub(crate) fn finish(cx: &mut Cx<'_>, g: &General<'_>, peers: &Peers) {
    registrations(cx, g, peers);
    guests(cx, g);
    autocreate(cx, g);
    let i = row_index(table::lookup("contactpermit", Place::General).expect("row"));
    for v in &g.own[i] {
        cx.entry(
            Severity::Mapped,
            Outcome::Mapped,
            Some(v),
            Some("general"),
            vec![Target::pjsip(
                "*",
                "endpoint",
                "contact_permit/contact_deny/contact_acl",
                None,
            )],
            "chan_sip checks it on every REGISTER: written into every endpoint that registers",
        );
    }
}

/// allowguest (default yes) and autocreatepeer.
fn guests(cx: &mut Cx<'_>, g: &General<'_>) {
    let i = row_index(table::lookup("allowguest", Place::General).expect("row"));
    let line = g.own[i].last().copied();
    for v in g.own[i].iter().rev().skip(1) {
        cx.entry(
            Severity::Note,
            Outcome::Dropped,
            Some(v),
            Some("general"),
            Vec::new(),
            "overridden by a later line (the last one counts)",
        );
    }
    let allowed = line.is_none_or(|v| ast_true(&v.value));
    if !allowed {
        cx.entry(
            Severity::Mapped,
            Outcome::Mapped,
            line,
            Some("general"),
            Vec::new(),
            "pjsip refuses requests it cannot match to an endpoint (there is no anonymous endpoint)",
        );
        return;
    }
    let context = g.context.clone();
    if cx.opts.keep_guest {
        if cx.doc.has("endpoint", "anonymous") {
            cx.entry(
                Severity::Action,
                Outcome::Dropped,
                line,
                Some("general"),
                Vec::new(),
                "a peer is already named `anonymous`: guests cannot get pjsip's anonymous endpoint",
            );
            return;
        }
        let mut e = Object::new("endpoint", "anonymous".to_string());
        e.comments.push(format!(
            "chan_sip's guests (allowguest=yes): unauthenticated calls into [{context}] (--keep-guest)."
        ));
        e.set("context", context.clone());
        let codecs = super::peer::general_codecs(g);
        e.set("disallow", "all");
        if !codecs.is_empty() {
            e.set("allow", codecs);
        }
        cx.doc.push(e);
        cx.summary.endpoints += 1;
        cx.entry(
            Severity::Warning,
            Outcome::Mapped,
            line,
            Some("general"),
            vec![Target::pjsip("anonymous", "endpoint", "context", Some(&context))],
            format!(
                "guests kept (--keep-guest): anybody can call into [{context}] without a password, as before"
            ),
        );
    } else {
        let default = if line.is_none() {
            " (chan_sip's default allowguest=yes)"
        } else {
            ""
        };
        cx.entry(
            Severity::Action,
            Outcome::Dropped,
            line,
            Some("general"),
            Vec::new(),
            format!(
                "guest calls{default} reached context [{context}] without a password; pjsip refuses them now. If callers without an account must still reach [{context}], pass --keep-guest (an `anonymous` endpoint)"
            ),
        );
    }
}

/// autocreatepeer (reload_config: yes or persist): any device could register without a peer.
fn autocreate(cx: &mut Cx<'_>, g: &General<'_>) {
    let i = row_index(table::lookup("autocreatepeer", Place::General).expect("row"));
    let lines = g.own[i].clone();
    for (n, v) in lines.iter().enumerate() {
        if n + 1 < lines.len() {
            cx.entry(
                Severity::Note,
                Outcome::Dropped,
                Some(v),
                Some("general"),
                Vec::new(),
                "overridden by a later line (the last one counts)",
            );
        } else if ast_true(&v.value) || v.value.eq_ignore_ascii_case("persist") {
            cx.entry(
                Severity::Action,
                Outcome::Dropped,
                Some(v),
                Some("general"),
                Vec::new(),
                "pjsip has no automatic peers: devices that registered without a configured peer are refused now; give each one an endpoint",
            );
        } else {
            cx.entry(
                Severity::Mapped,
                Outcome::Mapped,
                Some(v),
                Some("general"),
                Vec::new(),
                "off, as in pjsip (no automatic peers)",
            );
        }
    }
}

/// `register =>` lines → registration objects (sip_parse_register_line; transmit_register).
fn registrations(cx: &mut Cx<'_>, g: &General<'_>, peers: &Peers) {
    let i = row_index(table::lookup("register", Place::General).expect("row"));
    let lines = g.own[i].clone();
    let setting = |name: &str| {
        lines
            .iter()
            .rev()
            .find(|v| v.name.eq_ignore_ascii_case(name))
            .copied()
    };
    let timeout = setting("registertimeout")
        .and_then(|v| leading_int(&v.value))
        .filter(|n| *n > 0);
    let attempts = setting("registerattempts")
        .and_then(|v| leading_int(&v.value))
        .filter(|n| *n >= 0);
    let retry_403 = setting("register_retry_403").is_some_and(|v| ast_true(&v.value));
    let mut seen: Vec<String> = Vec::new();
    for v in &lines {
        let name = v.name.to_ascii_lowercase();
        if name != "register" {
            let (msg, target) = match name.as_str() {
                "registertimeout" => ("retry_interval of every registration", "retry_interval"),
                "registerattempts" => (
                    "max_retries of every registration (0 = forever becomes a very large number: pjsip's 0 means never retry)",
                    "max_retries",
                ),
                _ => (
                    "forbidden_retry_interval of every registration",
                    "forbidden_retry_interval",
                ),
            };
            cx.entry(
                Severity::Mapped,
                Outcome::Mapped,
                Some(v),
                Some("general"),
                vec![Target::pjsip("*", "registration", target, None)],
                msg,
            );
            continue;
        }
        if seen.iter().any(|s| s == v.value.as_str()) {
            cx.entry(
                Severity::Note,
                Outcome::Dropped,
                Some(v),
                Some("general"),
                Vec::new(),
                "the same line again: chan_sip registers it once",
            );
            continue;
        }
        seen.push(v.value.to_string());
        match registration(cx, g, peers, v, timeout, attempts, retry_403) {
            Ok((targets, sev, msg)) => {
                cx.summary.registrations += 1;
                cx.entry(sev, Outcome::Mapped, Some(v), Some("general"), targets, msg);
            }
            Err((sev, msg)) => cx.entry(
                sev,
                Outcome::Dropped,
                Some(v),
                Some("general"),
                Vec::new(),
                msg,
            ),
        }
    }
}

/// One `register =>` line, parsed as chan_sip's `sip_parse_register_line` does.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct RegisterLine {
    pub peer: Option<String>,
    pub transport: &'static str,
    pub user: String,
    pub domain: Option<String>,
    pub domainport: Option<u16>,
    pub secret: String,
    pub authuser: String,
    pub host: String,
    pub port: Option<u16>,
    pub extension: String,
    pub expiry: Option<i64>,
}

/// `ast_strip_quoted(x, "\"", "\"")`.
fn strip_quotes(s: &str) -> &str {
    s.strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(s)
}

/// AST_NONSTANDARD_RAW_ARGS: split at `sep` into at most `n` fields, the last keeping the rest.
fn raw_args(s: &str, sep: char, n: usize) -> Vec<&str> {
    s.splitn(n, sep).collect()
}

pub(crate) fn parse_register(value: &str) -> Option<RegisterLine> {
    let at = value.rfind('@')?;
    let (userpart, hostpart) = (&value[..at], &value[at + 1..]);
    if userpart.is_empty() || hostpart.is_empty() {
        return None;
    }
    let pre1 = raw_args(userpart, '?', 2);
    let (peer, rest) = if pre1.len() == 2 && !pre1[1].is_empty() {
        (Some(pre1[0]), pre1[1])
    } else {
        (None, pre1[0])
    };
    let pre2 = raw_args(rest, '/', 3);
    let (transport, user_part) = match pre2.as_slice() {
        [t, blank, u] if !u.is_empty() => {
            if !blank.is_empty() {
                return None;
            }
            (Some(t.strip_suffix(':').unwrap_or(t)), *u)
        }
        [only] => (None, *only),
        [_, blank] if !blank.is_empty() => return None,
        [t, ..] => (None, *t),
        [] => return None,
    };
    let user1 = raw_args(user_part, ':', 3);
    let host1 = raw_args(hostpart, '~', 2);
    let host2 = raw_args(host1[0], '/', 2);
    let host3 = raw_args(host2[0], ':', 2);
    let user2 = raw_args(user1[0], '@', 2);
    let mut secret = user1.get(1).copied();
    let mut authuser = user1.get(2).copied();
    let mut domainport = None;
    if let Some(a) = authuser {
        let user3 = raw_args(a, ':', 2);
        if user3.len() == 2 {
            domainport = secret;
            secret = Some(user3[0]);
            authuser = Some(user3[1]);
        }
    }
    let transport = match transport.map(str::to_ascii_lowercase) {
        None => "udp",
        Some(t) if t.starts_with("tcp") => "tcp",
        Some(t) if t.starts_with("tls") => "tls",
        Some(_) => "udp",
    };
    let port_of = |p: &str| p.parse::<u16>().ok().filter(|p| *p > 0);
    Some(RegisterLine {
        peer: peer
            .map(|p| strip_quotes(p).to_string())
            .filter(|p| !p.is_empty()),
        transport,
        user: strip_quotes(user2[0]).to_string(),
        domain: user2
            .get(1)
            .map(|d| strip_quotes(d).to_string())
            .filter(|d| !d.is_empty()),
        domainport: domainport.and_then(port_of),
        secret: secret.map(strip_quotes).unwrap_or("").to_string(),
        authuser: authuser.map(strip_quotes).unwrap_or("").to_string(),
        host: strip_quotes(host3[0]).to_string(),
        port: host3.get(1).and_then(|p| port_of(p)),
        extension: strip_quotes(host2.get(1).copied().unwrap_or("s")).to_string(),
        expiry: host1.get(1).and_then(|e| leading_int(strip_quotes(e))),
    })
}

#[allow(clippy::too_many_arguments)]
fn registration(
    cx: &mut Cx<'_>,
    g: &General<'_>,
    peers: &Peers,
    v: &Variable,
    timeout: Option<i64>,
    attempts: Option<i64>,
    retry_403: bool,
) -> Result<(Vec<Target>, Severity, String), (Severity, String)> {
    let Some(r) = parse_register(&v.value) else {
        return Err((
            Severity::Note,
            "not a valid register line: chan_sip warns (\"Format for registration is …\") and ignores it".into(),
        ));
    };
    if r.user.is_empty() || r.host.is_empty() {
        return Err((
            Severity::Note,
            "no user or host: chan_sip ignores it".into(),
        ));
    }
    let mut notes: Vec<String> = Vec::new();
    // transmit_register: create_addr(peer? or host): a peer of that name supplies the address.
    let by_name = r
        .peer
        .as_deref()
        .or(Some(r.host.as_str()))
        .and_then(|n| peers.endpoints.iter().find(|p| p.name == n));
    let (server_host, server_port) = match by_name {
        Some(p) if p.name == r.host || r.peer.is_some() => match &p.static_host {
            Some(h) => (h.clone(), p.port.or(r.port)),
            None => {
                return Err((
                    Severity::Action,
                    format!(
                        "it registers through peer [{}], whose host is not an address a resolver could use: no registration written — fix the peer's host and write it by hand",
                        p.name
                    ),
                ));
            }
        },
        _ => match Host::parse(&r.host) {
            Some(h) => (h, r.port),
            None => {
                return Err((
                    Severity::Action,
                    format!(
                        "`{}` is not an address or host name: no registration written",
                        r.host
                    ),
                ));
            }
        },
    };
    let transport = match g.transport(r.transport) {
        Some(t) => t.to_string(),
        None => {
            notes.push(format!(
                "{} is not enabled here: the registration uses UDP",
                r.transport
            ));
            g.transport("udp").unwrap_or("transport-udp").to_string()
        }
    };
    let proto_param = match r.transport {
        "tcp" if g.transport("tcp").is_some() => ";transport=tcp",
        "tls" if g.transport("tls").is_some() => ";transport=tls",
        _ => "",
    };
    let port_text = server_port.map(|p| format!(":{p}")).unwrap_or_default();
    let server_uri = format!("sip:{}{port_text}{proto_param}", uri_host(&server_host));
    let client_domain = match &r.domain {
        Some(d) => match Host::parse(d) {
            Some(h) => uri_host(&h),
            None => {
                return Err((
                    Severity::Action,
                    format!("the domain `{d}` is not a host name: no registration written"),
                ));
            }
        },
        None => uri_host(&server_host),
    };
    let client_port = match (&r.domain, r.domainport) {
        (Some(_), Some(p)) => format!(":{p}"),
        (Some(_), None) => String::new(),
        (None, _) => port_text.clone(),
    };
    let client_uri = format!("sip:{}@{client_domain}{client_port}", uri_user(&r.user));
    if uri_user(&r.user) != r.user {
        notes.push("the user is %-escaped in the URI (the same user in SIP terms)".to_string());
    }
    let base = format!("reg-{}", sanitize_name(&server_host.display()));
    let name = cx.doc.unique_name("registration", &base);
    let mut reg = Object::new("registration", name.clone());
    reg.comments.push(format!(
        "From sip.conf:{} register => (the password is in the auth below).",
        v.pos.line
    ));
    reg.set("transport", transport);
    reg.set("server_uri", server_uri.clone());
    reg.set("client_uri", client_uri.clone());
    reg.set("contact_user", r.extension.clone());
    let mut targets = vec![
        Target::pjsip(&name, "registration", "server_uri", Some(&server_uri)),
        Target::pjsip(&name, "registration", "client_uri", Some(&client_uri)),
    ];
    let mut auths: Vec<String> = Vec::new();
    if !r.secret.is_empty() {
        let username = if r.authuser.is_empty() {
            r.user.clone()
        } else {
            r.authuser.clone()
        };
        let credential = (username.clone(), r.secret.clone(), false, String::new());
        let auth_name = match cx.doc.auth_for(&credential) {
            Some(existing) => existing.to_string(),
            None => {
                let auth_name = cx.doc.unique_name("auth", &name);
                let mut a = Object::new("auth", auth_name.clone());
                a.set("username", username.clone());
                a.set("password", r.secret.clone());
                cx.doc.record_auth(credential, &auth_name);
                cx.doc.push(a);
                auth_name
            }
        };
        targets.push(Target::pjsip(
            &auth_name,
            "auth",
            "username",
            Some(&username),
        ));
        targets.push(Target::pjsip(
            &auth_name,
            "auth",
            "password",
            Some(&r.secret),
        ));
        auths.push(auth_name);
    }
    auths.extend(g.realm_auths.iter().cloned());
    if !auths.is_empty() {
        reg.set("outbound_auth", auths.join(","));
    }
    let expiry = r
        .expiry
        .filter(|e| *e > 0)
        .map_or(g.default_expiry as i64, |e| e);
    reg.set("expiration", expiry.to_string());
    reg.set("retry_interval", timeout.unwrap_or(20).to_string());
    // chan_sip: registerattempts 0 (the default) = keep trying forever; pjsip's max_retries 0
    // means no retry at all, so "forever" is a number no outage reaches (10 years at 20 s).
    let max = match attempts {
        Some(n) if n > 0 => n,
        _ => 16_000_000,
    };
    reg.set("max_retries", max.to_string());
    if retry_403 {
        reg.set(
            "forbidden_retry_interval",
            timeout.unwrap_or(20).to_string(),
        );
    }
    if let Some(proxy) = by_name.and_then(|p| p.outbound_proxy.clone()) {
        reg.set("outbound_proxy", proxy);
    }
    // The provider's calls come back on this registration: `line` ties them to its endpoint.
    let endpoint = by_name.or_else(|| {
        peers.endpoints.iter().find(|p| {
            p.static_host
                .as_ref()
                .is_some_and(|h| h.display().eq_ignore_ascii_case(&server_host.display()))
        })
    });
    match endpoint {
        Some(p) => {
            reg.set("line", "yes");
            reg.set("endpoint", p.name.clone());
            targets.push(Target::pjsip(&name, "registration", "endpoint", Some(&p.name)));
        }
        None => notes.push(
            "no peer of this provider: calls arriving over the registration are refused unless an identify matches their source".to_string(),
        ),
    }
    cx.doc.push(reg);
    let sev = if notes.is_empty() {
        Severity::Mapped
    } else {
        Severity::Warning
    };
    Ok((targets, sev, notes.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn register_lines_parse_like_chan_sip() {
        let r =
            parse_register("peer?tcp://name@namedomain:pass:authuser@domain:1234/extension~111")
                .unwrap();
        assert_eq!(r.peer.as_deref(), Some("peer"));
        assert_eq!(r.transport, "tcp");
        assert_eq!(r.user, "name");
        assert_eq!(r.domain.as_deref(), Some("namedomain"));
        assert_eq!(r.secret, "pass");
        assert_eq!(r.authuser, "authuser");
        assert_eq!(r.host, "domain");
        assert_eq!(r.port, Some(1234));
        assert_eq!(r.extension, "extension");
        assert_eq!(r.expiry, Some(111));

        let r = parse_register("name@namedomain:5062:pass:authuser@domain").unwrap();
        assert_eq!(r.domainport, Some(5062));
        assert_eq!(r.secret, "pass");
        assert_eq!(r.authuser, "authuser");
        assert_eq!(r.extension, "s");

        let r = parse_register("958:secret@hochstr83.dyndns.org:62818").unwrap();
        assert_eq!(
            (r.user.as_str(), r.host.as_str(), r.port),
            ("958", "hochstr83.dyndns.org", Some(62818))
        );
        assert!(parse_register("nohost").is_none());
        assert!(parse_register("a/b@host").is_none(), "a `/` without `//`");
    }

    #[test]
    fn qualify_values() {
        assert_eq!(parse_qualify("yes", None), Some(2000));
        assert_eq!(parse_qualify("yes", Some(500)), Some(500));
        assert_eq!(parse_qualify("200", None), Some(200));
        assert_eq!(
            parse_qualify("on", None),
            None,
            "chan_sip: off, with a warning"
        );
        assert_eq!(parse_qualify("no", Some(500)), None);
    }
}
