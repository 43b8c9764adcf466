//! Which ERROR and WARNING messages the configuration caused, and which the throwaway
//! environment did: the one table of rules, [`RULES`], and [`classify`], which applies it.
//!
//! A message no rule matches counts as caused by the configuration (a new kind of noise shows up
//! as a finding and gets a rule here; a new kind of configuration error is never hidden).
//! Messages that name a line (`… at line 12 of pjsip.conf`) or an object (`… type 'transport'
//! with id 'tls'`) carry it, so that the report can point at `file:line`.

use super::log::LogEntry;
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// How a rule decides between "caused by the configuration" and "caused by the environment".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The configuration is at fault: counted.
    Config,
    /// The throwaway environment is: listed with this reason, not counted.
    Environment(&'static str),
    /// A module did not find its own configuration file (the `conf` capture, or the rule's
    /// `conf`): the environment when the directory has no such file, the configuration when it
    /// has one (then it was unreadable or invalid).
    MissingOwnConfig,
    /// A module declined to load (the `module` capture): the environment when the directory has
    /// none of that module's configuration files ([`MODULE_CONFIGS`]), the configuration when it
    /// has one, or when the module is not in that table.
    ModuleDeclined,
    /// A host name did not resolve (the `host` capture): the environment (an instance has no DNS)
    /// when it is a well-formed host name, the configuration when no resolver could ever resolve
    /// it (`**YOUR PUBLIC IP**`, `(IPv4 Address)`).
    Dns,
    /// A later use of an object that did not load (`Unable to retrieve PJSIP transport 'tls'`,
    /// when something tries to send over it): the class of the earlier message, in any thread,
    /// that refused the object (the same `id`), the configuration's when none did.
    UseOfRefused,
    /// A TLS file main/tcptls.c could not load (the `value` capture, a path): the environment
    /// when the directory verified does not hold it (the instance sees the directory as
    /// /etc/asterisk; anything elsewhere is not part of it), the configuration when it does (then
    /// the file itself is unreadable or invalid).
    TlsFile,
    /// The consequence of an earlier ERROR/WARNING of the same thread (a failed option, then the
    /// object it belonged to): it takes that message's class when both concern the same thing (a
    /// capture of the same name and value: `id`, `opt`, `value`, `host`), the configuration's
    /// otherwise.
    Consequence,
}

/// One classification rule.
#[derive(Debug)]
pub struct Rule {
    /// A stable name, shown in the report.
    pub id: &'static str,
    /// The Asterisk source that emits the message (file: function), as of Asterisk 22.
    pub source: &'static str,
    /// The log's `filename` (the C file) must end with this; `None`: any file.
    pub file: Option<&'static str>,
    /// A regular expression on the message. Named captures: `file` and `line` (where it is),
    /// `type` and `id` (the object), `opt` and `value` (the option), `module`, `host`, `conf`.
    pub pattern: &'static str,
    pub kind: Kind,
    /// The configuration file the message is about when it names none.
    pub conf: Option<&'static str>,
}

const DNS: &str =
    "this instance has no DNS (its network namespace has only lo): host names do not resolve";
const TLS_FILE: &str = "a TLS certificate, key or CA file is not in this instance: it is not part of the directory verified";
const SUMMARY: &str = "a summary of the module declines listed separately";
const NO_MOH: &str =
    "a directory of the installation (sounds, music on hold) that this instance does not have";
const NO_NIC: &str = "this instance's network namespace has no network interface";
const NO_ROUTE: &str = "this instance's network namespace has only lo: nothing outside it can be reached, and no server outside it ever answers (registrations retry)";
const NOT_HERE: &str = "the bind address belongs to the server the configuration was written for: this instance has only lo";
const LOAD: &str = "a burst of work while everything loads at once (many objects, a busy machine): a queue warning, not a configuration error";

/// The rules, most specific first; the first that matches decides.
pub static RULES: &[Rule] = &[
    // ---- main/config.c (the parser every module uses) ----
    Rule {
        id: "include-missing",
        // main/config.c: process_text_line, `#include` of a file that does not exist (the whole
        // file then fails to load: CONFIG_STATUS_FILEINVALID).
        source: "main/config.c: process_text_line",
        file: Some("config.c"),
        pattern: r"^The file '(?P<include>[^']*)' was listed as a #include but it does not exist\.$",
        kind: Kind::Config,
        conf: None,
    },
    Rule {
        id: "parse-error",
        // main/config.c: process_text_line, "parse error: no closing ']' / ')'", "No category
        // context for line N" (the whole file fails to load).
        source: "main/config.c: process_text_line",
        file: Some("config.c"),
        pattern: r"^parse error: .*line (?P<line>\d+) of (?P<file>\S+)$",
        kind: Kind::Config,
        conf: None,
    },
    Rule {
        id: "category-addition",
        // main/config.c: process_text_line, `[name](+)` for a category that does not exist.
        source: "main/config.c: process_text_line",
        file: Some("config.c"),
        pattern: r"^Category addition requested, but category '[^']*' does not exist, line (?P<line>\d+) of (?P<file>\S+)$",
        kind: Kind::Config,
        conf: None,
    },
    // ---- res/res_sorcery_config.c (pjsip.conf and other sorcery files) ----
    Rule {
        id: "sorcery-file-invalid",
        // res/res_sorcery_config.c: sorcery_config_internal_load (and the same text in
        // res_pjsip_config_wizard.c): the file failed to parse, no object of this type loads.
        source: "res/res_sorcery_config.c: sorcery_config_internal_load",
        file: None,
        pattern: r"^Contents of config file '(?P<file>[^']*)' are invalid and cannot be parsed$",
        kind: Kind::Config,
        conf: None,
    },
    Rule {
        id: "sorcery-object-failed",
        // res/res_sorcery_config.c: sorcery_config_internal_load, after an option of the object
        // failed (an "Error parsing" or a handler's own message just before).
        source: "res/res_sorcery_config.c: sorcery_config_internal_load",
        file: Some("res_sorcery_config.c"),
        pattern: r"^Could not create an object of type '(?P<type>[^']*)' with id '(?P<id>[^']*)' from configuration file '(?P<file>[^']*)'$",
        kind: Kind::Consequence,
        conf: None,
    },
    Rule {
        id: "own-config-missing",
        // res/res_sorcery_config.c: sorcery_config_internal_load; main/config_options.c:
        // aco_process_config; res/res_pjsip_config_wizard.c: object_type_loaded_observer.
        source: "res/res_sorcery_config.c, main/config_options.c: aco_process_config",
        file: None,
        pattern: r"^Unable to load config file '(?P<conf>[^']*)'$",
        kind: Kind::MissingOwnConfig,
        conf: None,
    },
    // ---- main/config_options.c (the option framework) ----
    Rule {
        id: "option-value",
        // main/config_options.c: aco_process_var, an option's handler refused the value. The
        // file name is empty for sorcery objects: the next "Could not create an object" names it.
        source: "main/config_options.c: aco_process_var",
        file: Some("config_options.c"),
        pattern: r"^Error parsing (?P<opt>[^=]*)=(?P<value>.*) at line (?P<line>\d+) of ?(?P<file>\S*)$",
        kind: Kind::Consequence,
        conf: None,
    },
    Rule {
        id: "option-unknown",
        // main/config_options.c: aco_process_var, an option the object type does not have.
        source: "main/config_options.c: aco_process_var",
        file: Some("config_options.c"),
        pattern: r"^Could not find option suitable for category '(?P<id>[^']*)' named '(?P<opt>[^']*)' at line (?P<line>\d+) of ?(?P<file>\S*)$",
        kind: Kind::Config,
        conf: None,
    },
    // ---- res_pjsip ----
    Rule {
        id: "tls-file-missing",
        // res/res_pjsip/config_transport.c: transport_tls_file_handler, cert_file/priv_key_file/
        // ca_list_file not readable.
        source: "res/res_pjsip/config_transport.c: transport_tls_file_handler",
        file: Some("config_transport.c"),
        pattern: r"^Transport: (?P<id>[^:]*): (?P<opt>\S+) (?P<value>.*) is either missing or not readable$",
        kind: Kind::Environment(TLS_FILE),
        conf: Some("pjsip.conf"),
    },
    // ---- main/tcptls.c (TLS servers: http.conf, manager.conf, chan_sip) ----
    Rule {
        id: "tls-server-file-unloadable",
        // main/tcptls.c: __ssl_setup, a server's certificate, private key or CA list that
        // OpenSSL could not load (the server is then disabled).
        source: "main/tcptls.c: __ssl_setup",
        file: Some("tcptls.c"),
        pattern: r"^TLS/SSL (?:error loading (?:cert|private key) file\. <(?P<value>[^>]*)>|CA file\((?P<file>[^)]*)\)/path\([^)]*\) error)$",
        kind: Kind::TlsFile,
        conf: None,
    },
    Rule {
        id: "tls-server-openssl-errors",
        // main/tcptls.c: write_openssl_error_to_log, OpenSSL's error queue (one `<thread>:error:…`
        // line per error) logged right after the message saying what failed.
        source: "main/tcptls.c: write_openssl_error_to_log",
        file: Some("tcptls.c"),
        pattern: r"^[0-9A-Fa-f]+:error:[0-9A-Fa-f]+:",
        kind: Kind::Consequence,
        conf: None,
    },
    Rule {
        id: "transport-address-not-here",
        // res/res_pjsip/config_transport.c: transport_apply, pjsip could not bind the
        // transport: the address is not one of this machine's (EADDRNOTAVAIL). A configuration
        // written for its server (bind=10.0.0.1) meets an instance that has only `lo`.
        source: "res/res_pjsip/config_transport.c: transport_apply",
        file: Some("config_transport.c"),
        pattern: r"^Transport '(?P<id>[^']*)' could not be started: Cannot assign requested address$",
        kind: Kind::Environment(NOT_HERE),
        conf: Some("pjsip.conf"),
    },
    Rule {
        id: "identify-unresolved",
        // res/res_pjsip_endpoint_identifier_ip.c: ip_identify_apply, a `match=` host name that
        // did not resolve (after netsock2.c's getaddrinfo error).
        source: "res/res_pjsip_endpoint_identifier_ip.c: ip_identify_apply",
        file: Some("res_pjsip_endpoint_identifier_ip.c"),
        pattern: r"^Identify '(?P<id>[^']*)' failed when adding resolution results of '(?P<host>[^']*)'$",
        kind: Kind::Consequence,
        conf: Some("pjsip.conf"),
    },
    Rule {
        id: "pjsip-send-dns",
        // res/res_pjsip.c: endpt_send_request, a request (OPTIONS, REGISTER) to a host name that
        // did not resolve.
        source: "res/res_pjsip.c: endpt_send_request",
        file: Some("res_pjsip.c"),
        pattern: r"^Error \d+ '[^']*(?:DNS|PJLIB_UTIL_EDNS|name resolution|resolve)[^']*' sending (?P<method>\S+) request to endpoint (?P<id>\S+)$",
        kind: Kind::Environment(DNS),
        conf: None,
    },
    Rule {
        id: "pjsip-send-unreachable",
        // res/res_pjsip.c: endpt_send_request, when pjsip_endpt_send_request fails with the
        // system's ENETUNREACH (pjlib's PJ_STATUS_FROM_OS(101) = 120101) for a request the
        // instance sends on its own: the OPTIONS of res/res_pjsip/pjsip_options.c:
        // sip_options_qualify_contact (a trunk's `qualify_frequency`) or an outbound REGISTER
        // (res_pjsip_outbound_registration.c). The instance's namespace has only lo, so every
        // address off the machine is unreachable. Any other error, or another request, counts.
        source: "res/res_pjsip.c: endpt_send_request (OPTIONS from res_pjsip/pjsip_options.c, REGISTER from res_pjsip_outbound_registration.c)",
        file: Some("res_pjsip.c"),
        pattern: r"^Error \d+ 'Network is unreachable' sending (?P<method>OPTIONS|REGISTER) request to endpoint (?P<id>\S+)$",
        kind: Kind::Environment(NO_ROUTE),
        conf: None,
    },
    // ---- name resolution ----
    Rule {
        id: "dns",
        // main/netsock2.c: ast_sockaddr_resolve, getaddrinfo() failed.
        source: "main/netsock2.c: ast_sockaddr_resolve",
        file: Some("netsock2.c"),
        pattern: r#"^getaddrinfo\("(?P<host>[^"]*)", "[^"]*", \.\.\.\): (?P<why>.*)$"#,
        kind: Kind::Dns,
        conf: None,
    },
    Rule {
        id: "dns-lookup",
        // main/acl.c: resolve_match_or_first, after netsock2.c's getaddrinfo error.
        source: "main/acl.c: resolve_match_or_first",
        file: Some("acl.c"),
        pattern: r"^Unable to lookup '(?P<host>[^']*)'$",
        kind: Kind::Consequence,
        conf: None,
    },
    // ---- dialplan ----
    Rule {
        id: "include-parkedcalls",
        // main/pbx.c: ast_context_verify_includes; `parkedcalls` is created by res_parking, which
        // needs its own res_parking.conf.
        source: "main/pbx.c: ast_context_verify_includes",
        file: Some("pbx.c"),
        pattern: r"^Context '(?P<id>[^']*)' tries to include nonexistent context 'parkedcalls'$",
        kind: Kind::MissingOwnConfig,
        conf: Some("res_parking.conf"),
    },
    Rule {
        id: "include-nonexistent",
        // main/pbx.c: ast_context_verify_includes, an `include =>` of a context nobody created.
        source: "main/pbx.c: ast_context_verify_includes",
        file: Some("pbx.c"),
        pattern: r"^Context '(?P<id>[^']*)' tries to include nonexistent context '(?P<include>[^']*)'$",
        kind: Kind::Config,
        conf: Some("extensions.conf"),
    },
    // ---- modules without their own configuration file ----
    Rule {
        id: "module-declined",
        // main/loader.c: resource_list_recursive_decline (logged at the end of load_modules).
        source: "main/loader.c: resource_list_recursive_decline",
        file: Some("loader.c"),
        pattern: r"^(?:Required module )?(?P<module>[A-Za-z0-9_]+) declined to load\.$",
        kind: Kind::ModuleDeclined,
        conf: None,
    },
    Rule {
        id: "module-declined-dependents",
        // main/loader.c: resource_list_recursive_decline, the modules that needed a declined one.
        source: "main/loader.c: resource_list_recursive_decline",
        file: Some("loader.c"),
        pattern: r"^Declined modules which depend on (?P<module>[A-Za-z0-9_]+): .*$",
        kind: Kind::ModuleDeclined,
        conf: None,
    },
    Rule {
        id: "modules-failed-summary",
        // main/loader.c: load_modules.
        source: "main/loader.c: load_modules",
        file: Some("loader.c"),
        pattern: r"^Some non-required modules failed to load\.$",
        kind: Kind::Environment(SUMMARY),
        conf: None,
    },
    Rule {
        id: "module-no-config",
        // apps/app_confbridge.c, apps/app_agent_pool.c: load_module, after config_options.c's
        // "Unable to load config file".
        source: "apps/app_confbridge.c, apps/app_agent_pool.c: load_module",
        file: None,
        pattern: r"^Unable to load config\. Not loading module\.$",
        kind: Kind::Consequence,
        conf: None,
    },
    Rule {
        id: "own-config-missing-named",
        // pbx/pbx_dundi.c, channels/chan_unistim.c, res/res_stun_monitor.c and others:
        // "Unable to load config X".
        source: "res/res_stun_monitor.c: load_config and others",
        file: None,
        pattern: r"^Unable to load config (?P<conf>\S+\.conf)$",
        kind: Kind::MissingOwnConfig,
        conf: None,
    },
    Rule {
        id: "ccss-config-missing",
        // main/ccss.c: load_config.
        source: "main/ccss.c: load_config",
        file: Some("ccss.c"),
        pattern: r"^Could not find valid ccss\.conf file\.",
        kind: Kind::MissingOwnConfig,
        conf: Some("ccss.conf"),
    },
    Rule {
        id: "indications-config-missing",
        // main/indications.c: load_indications.
        source: "main/indications.c: load_indications",
        file: Some("indications.c"),
        pattern: r"^Can't find indications config file (?P<conf>\S+)\.$",
        kind: Kind::MissingOwnConfig,
        conf: None,
    },
    Rule {
        id: "moh-no-classes",
        // res/res_musiconhold.c: load_module.
        source: "res/res_musiconhold.c: load_module",
        file: Some("res_musiconhold.c"),
        pattern: r"^No music on hold classes configured, disabling music on hold\.$",
        kind: Kind::MissingOwnConfig,
        conf: Some("musiconhold.conf"),
    },
    Rule {
        id: "followme-config-missing",
        // apps/app_followme.c: reload_followme.
        source: "apps/app_followme.c: reload_followme",
        file: Some("app_followme.c"),
        pattern: r"^No follow me config file \((?P<conf>[^)]*)\), so no follow me$",
        kind: Kind::MissingOwnConfig,
        conf: None,
    },
    Rule {
        id: "clialiases-config-missing",
        // res/res_clialiases.c: load_config.
        source: "res/res_clialiases.c: load_config",
        file: Some("res_clialiases.c"),
        pattern: r"^res_clialiases configuration file '(?P<conf>[^']*)' not found$",
        kind: Kind::MissingOwnConfig,
        conf: None,
    },
    Rule {
        id: "amd-config-missing",
        // apps/app_amd.c: load_config.
        source: "apps/app_amd.c: load_config",
        file: Some("app_amd.c"),
        pattern: r"^Configuration file (?P<conf>\S+) missing\.$",
        kind: Kind::MissingOwnConfig,
        conf: None,
    },
    Rule {
        id: "voicemail-config-missing",
        // apps/app_voicemail.c: actual_load_config.
        source: "apps/app_voicemail.c: actual_load_config",
        file: Some("app_voicemail.c"),
        pattern: r"^Failed to load configuration file\.$",
        kind: Kind::MissingOwnConfig,
        conf: Some("voicemail.conf"),
    },
    Rule {
        id: "moh-directory-missing",
        // main/file.c: __ast_file_read_dirs, e.g. a music on hold class whose directory of sound
        // files is not installed.
        source: "main/file.c: __ast_file_read_dirs",
        file: Some("file.c"),
        pattern: r"^Error opening directory - (?P<value>.*): No such file or directory$",
        kind: Kind::Environment(NO_MOH),
        conf: None,
    },
    Rule {
        id: "taskprocessor-high-water",
        // main/taskprocessor.c: taskprocessor_push, a task queue passed its high water mark (e.g.
        // device state updates of 1,000 endpoints at boot).
        source: "main/taskprocessor.c: taskprocessor_push",
        file: Some("taskprocessor.c"),
        pattern: r"^Taskprocessor '[^']*' queue reached \d+ scheduled tasks",
        kind: Kind::Environment(LOAD),
        conf: None,
    },
    Rule {
        id: "no-network-interface",
        // main/utils.c: ast_set_default_eid.
        source: "main/utils.c: ast_set_default_eid",
        file: Some("utils.c"),
        pattern: r"^No ethernet interface found for seeding global EID",
        kind: Kind::Environment(NO_NIC),
        conf: None,
    },
    Rule {
        id: "transport-unavailable",
        // res/res_pjsip.c: ast_sip_set_tpselector_from_transport_name, an endpoint, AOR or
        // registration names a transport that did not load (at use time: a qualify, a call).
        source: "res/res_pjsip.c: ast_sip_set_tpselector_from_transport_name",
        file: Some("res_pjsip.c"),
        pattern: r"^Unable to retrieve PJSIP transport '(?P<id>[^']*)'$",
        kind: Kind::UseOfRefused,
        conf: Some("pjsip.conf"),
    },
    Rule {
        id: "registration-no-response",
        // res/res_pjsip_outbound_registration.c: schedule_retry, when the REGISTER got no
        // response at all (a transport error: the server is unreachable from the instance).
        // Whether it shows depends on how long the instance lives, so it is never counted.
        source: "res/res_pjsip_outbound_registration.c: schedule_retry",
        file: Some("res_pjsip_outbound_registration.c"),
        pattern: r"^No response received from '(?P<value>[^']*)' on registration attempt to '[^']*', retrying in '\d+'$",
        kind: Kind::Environment(NO_ROUTE),
        conf: None,
    },
];

/// Module → the configuration files it needs (for [`Kind::ModuleDeclined`]).
pub static MODULE_CONFIGS: &[(&str, &[&str])] = &[
    ("pbx_config", &["extensions.conf"]),
    ("pbx_ael", &["extensions.ael"]),
    ("res_pjsip", &["pjsip.conf"]),
    ("chan_pjsip", &["pjsip.conf"]),
    ("chan_sip", &["sip.conf"]),
    ("app_voicemail", &["voicemail.conf"]),
    ("res_pjsip_notify", &["pjsip_notify.conf"]),
    ("res_parking", &["res_parking.conf"]),
    ("app_queue", &["queues.conf"]),
    ("app_confbridge", &["confbridge.conf"]),
    ("app_agent_pool", &["agents.conf"]),
    ("app_alarmreceiver", &["alarmreceiver.conf"]),
    ("app_amd", &["amd.conf"]),
    ("app_followme", &["followme.conf"]),
    ("res_stun_monitor", &["res_stun_monitor.conf"]),
    ("res_musiconhold", &["musiconhold.conf"]),
    ("chan_iax2", &["iax.conf"]),
    ("res_clialiases", &["cli_aliases.conf"]),
    ("res_http_websocket", &["http.conf"]),
    ("res_pjsip_config_wizard", &["pjsip_wizard.conf"]),
];

/// Whether the directory caused a message, or the environment did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Class {
    Config,
    Environment(String),
}

/// One ERROR/WARNING with its class and what its message names.
#[derive(Clone, Debug)]
pub struct Classified {
    /// Index into the entries given to [`classify`].
    pub index: usize,
    pub class: Class,
    /// The rule that matched (`None`: no rule, counted as configuration).
    pub rule: Option<&'static str>,
    /// Captures of the rule (`file`, `line`, `type`, `id`, `opt`, `value`, `module`, `host`,
    /// `conf`, `include`), non-empty ones only.
    pub captures: BTreeMap<&'static str, String>,
    /// The configuration file the message is about (a capture or the rule's `conf`).
    pub conf: Option<String>,
}

fn compiled() -> &'static [Regex] {
    static RES: OnceLock<Vec<Regex>> = OnceLock::new();
    RES.get_or_init(|| {
        RULES
            .iter()
            .map(|r| Regex::new(r.pattern).expect("classification patterns are valid"))
            .collect()
    })
}

const CAPTURE_NAMES: [&str; 11] = [
    "file", "line", "type", "id", "opt", "value", "module", "host", "conf", "include", "why",
];

/// A well-formed DNS host name (letters, digits, hyphens, dots; labels of 1–63 characters).
fn is_host_name(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// Classify every ERROR and WARNING of `entries`. `present` says whether the verified directory
/// has a file (relative name, e.g. `res_parking.conf`).
pub fn classify(entries: &[LogEntry], present: &dyn Fn(&str) -> bool) -> Vec<Classified> {
    let res = compiled();
    let mut out: Vec<Classified> = Vec::new();
    // Per thread: the index in `out` of its last ERROR/WARNING.
    let mut last_of_thread: BTreeMap<i64, usize> = BTreeMap::new();
    for (index, e) in entries.iter().enumerate() {
        if !e.is_problem() {
            continue;
        }
        let found = RULES.iter().zip(res).find_map(|(rule, re)| {
            if let Some(f) = rule.file {
                if !e.file.ends_with(f) {
                    return None;
                }
            }
            re.captures(&e.message).map(|c| (rule, c))
        });
        let mut item = Classified {
            index,
            class: Class::Config,
            rule: None,
            captures: BTreeMap::new(),
            conf: None,
        };
        if let Some((rule, caps)) = found {
            item.rule = Some(rule.id);
            for name in CAPTURE_NAMES {
                if let Some(m) = caps.name(name) {
                    if !m.as_str().is_empty() {
                        item.captures.insert(name, m.as_str().to_string());
                    }
                }
            }
            item.conf = item
                .captures
                .get("conf")
                .cloned()
                .or_else(|| rule.conf.map(str::to_string));
            item.class = match rule.kind {
                Kind::Config => Class::Config,
                Kind::Environment(reason) => Class::Environment(reason.to_string()),
                Kind::MissingOwnConfig => match &item.conf {
                    Some(conf) if !present(conf) => Class::Environment(format!(
                        "{conf} is not in the directory verified: the module that reads it has nothing to load"
                    )),
                    _ => Class::Config,
                },
                Kind::ModuleDeclined => {
                    let module = item
                        .captures
                        .get("module")
                        .map(String::as_str)
                        .unwrap_or("");
                    let confs = MODULE_CONFIGS.iter().find(|(m, _)| *m == module);
                    // The file it refused, when the directory has it.
                    item.conf = confs
                        .and_then(|(_, c)| c.iter().find(|c| present(c)).map(|c| c.to_string()));
                    match confs {
                        Some((_, confs)) if !confs.iter().any(|c| present(c)) => {
                            Class::Environment(format!(
                                "{module} needs {}, which the directory verified does not have",
                                confs.join(" or ")
                            ))
                        }
                        _ => Class::Config,
                    }
                }
                Kind::TlsFile => {
                    let path = item.captures.get("value").or(item.captures.get("file"));
                    let held = path
                        .and_then(|p| p.strip_prefix("/etc/asterisk/"))
                        .is_some_and(present);
                    if held {
                        Class::Config
                    } else {
                        Class::Environment(TLS_FILE.to_string())
                    }
                }
                Kind::Dns => match item.captures.get("host") {
                    Some(host) if is_host_name(host) => Class::Environment(DNS.to_string()),
                    _ => Class::Config,
                },
                Kind::UseOfRefused => {
                    let id = item.captures.get("id");
                    out.iter()
                        .rev()
                        .find(|o| {
                            o.rule == Some("sorcery-object-failed") && o.captures.get("id") == id
                        })
                        .map_or(Class::Config, |o| o.class.clone())
                }
                Kind::Consequence => {
                    let prev = last_of_thread.get(&e.lwp).map(|&i| &out[i]);
                    match prev {
                        Some(prev) if related(prev, &item) => {
                            // Inherit the cause's captures that this message does not have (the
                            // object the failed option belonged to, the host that failed).
                            let inherited: Vec<(&'static str, String)> = prev
                                .captures
                                .iter()
                                .filter(|(k, _)| !item.captures.contains_key(*k))
                                .map(|(k, v)| (*k, v.clone()))
                                .collect();
                            item.captures.extend(inherited);
                            if item.conf.is_none() {
                                item.conf = prev.conf.clone();
                            }
                            prev.class.clone()
                        }
                        _ => Class::Config,
                    }
                }
            };
        }
        last_of_thread.insert(e.lwp, out.len());
        out.push(item);
    }
    out
}

/// Whether `cur` (a consequence) is about the same thing as `prev`: they share a capture of the
/// same name and value among `id`, `opt`, `value`, `host`; or `prev` is about an object and `cur`
/// names none (an option handler's message, then "Error parsing").
fn related(prev: &Classified, cur: &Classified) -> bool {
    const KEYS: [&str; 4] = ["id", "opt", "value", "host"];
    let shared = KEYS.iter().any(
        |k| matches!((prev.captures.get(k), cur.captures.get(k)), (Some(a), Some(b)) if a == b),
    );
    let cur_names_nothing = KEYS.iter().all(|k| !cur.captures.contains_key(k));
    shared || cur_names_nothing
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(lwp: i64, level: &str, file: &str, message: &str) -> LogEntry {
        LogEntry {
            timestamp: String::new(),
            level: level.to_string(),
            lwp,
            callid: String::new(),
            file: file.to_string(),
            line: 1,
            function: String::new(),
            message: message.to_string(),
        }
    }

    #[test]
    fn every_pattern_compiles_and_ids_are_unique() {
        assert_eq!(compiled().len(), RULES.len());
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
    }

    #[test]
    fn a_missing_cert_file_and_its_consequences_are_environment() {
        let entries = [
            entry(
                6,
                "ERROR",
                "res_pjsip/config_transport.c",
                "Transport: transport-tls: cert_file /etc/asterisk/keys/x.crt is either missing or not readable",
            ),
            entry(
                6,
                "ERROR",
                "config_options.c",
                "Error parsing cert_file=/etc/asterisk/keys/x.crt at line 24 of",
            ),
            entry(
                6,
                "ERROR",
                "res_sorcery_config.c",
                "Could not create an object of type 'transport' with id 'transport-tls' from configuration file 'pjsip.conf'",
            ),
        ];
        let c = classify(&entries, &|_| true);
        assert_eq!(c.len(), 3);
        assert!(
            c.iter().all(|c| matches!(c.class, Class::Environment(_))),
            "{c:?}"
        );
        assert_eq!(c[1].captures.get("line").map(String::as_str), Some("24"));
        assert_eq!(
            c[2].captures.get("id").map(String::as_str),
            Some("transport-tls")
        );
    }

    #[test]
    fn a_tls_server_file_the_directory_does_not_hold_is_environment_and_a_bad_one_configuration() {
        // http.conf's TLS listener, as Asterisk 22 logs a certificate it cannot open.
        let entries = [
            entry(
                9,
                "ERROR",
                "tcptls.c",
                "TLS/SSL error loading cert file. </etc/asterisk/keys/pbx.crt>",
            ),
            entry(
                9,
                "ERROR",
                "tcptls.c",
                "009506ED3B7F0000:error:80000002:system library:file_ctrl:No such file or directory:../crypto/bio/bss_file.c:299:calling fopen(/etc/asterisk/keys/pbx.crt, r)\n009506ED3B7F0000:error:10080002:BIO routines:file_ctrl:system lib:../crypto/bio/bss_file.c:302:",
            ),
        ];
        let missing = classify(&entries, &|_| false);
        assert_eq!(missing[0].rule, Some("tls-server-file-unloadable"));
        assert_eq!(missing[1].rule, Some("tls-server-openssl-errors"));
        assert!(
            missing
                .iter()
                .all(|c| c.class == Class::Environment(TLS_FILE.to_string())),
            "{missing:?}"
        );
        // The directory holds the file, and OpenSSL still cannot load it: the file is bad.
        let held = classify(&entries, &|f| f == "keys/pbx.crt");
        assert!(held.iter().all(|c| c.class == Class::Config), "{held:?}");
        // A key outside /etc/asterisk is never part of the directory verified.
        let key = [entry(
            9,
            "ERROR",
            "tcptls.c",
            "TLS/SSL error loading private key file. </etc/ssl/private/pbx.key>",
        )];
        assert!(matches!(
            classify(&key, &|_| true)[0].class,
            Class::Environment(_)
        ));
        // The OpenSSL queue after a configuration error (a bad cipher list) stays configuration.
        let cipher = [
            entry(9, "ERROR", "tcptls.c", "TLS/SSL cipher error <NOPE>"),
            entry(
                9,
                "ERROR",
                "tcptls.c",
                "00B5ABD3187F0000:error:0A0000B9:SSL routines:SSL_CTX_set_cipher_list:no cipher match:../ssl/ssl_lib.c:2760:",
            ),
        ];
        assert!(
            classify(&cipher, &|_| false)
                .iter()
                .all(|c| c.class == Class::Config)
        );
    }

    #[test]
    fn a_bad_bind_is_configuration_even_after_unrelated_noise() {
        let entries = [
            entry(
                6,
                "ERROR",
                "netsock2.c",
                "getaddrinfo(\"pbx.example.net\", \"(null)\", ...): Temporary failure in name resolution",
            ),
            entry(6, "WARNING", "acl.c", "Unable to lookup 'pbx.example.net'"),
            entry(
                6,
                "ERROR",
                "config_options.c",
                "Error parsing bind=x.x.x.x:5060 at line 8 of",
            ),
            entry(
                6,
                "ERROR",
                "res_sorcery_config.c",
                "Could not create an object of type 'transport' with id 't' from configuration file 'pjsip.conf'",
            ),
        ];
        let c = classify(&entries, &|_| true);
        assert!(matches!(c[0].class, Class::Environment(_)));
        assert!(matches!(c[1].class, Class::Environment(_)));
        assert_eq!(c[2].class, Class::Config);
        assert_eq!(c[3].class, Class::Config);
    }

    #[test]
    fn a_bind_address_of_another_machine_is_environment() {
        let entries = [
            entry(
                6,
                "ERROR",
                "res_pjsip/config_transport.c",
                "Transport 'transport-udp' could not be started: Cannot assign requested address",
            ),
            entry(
                6,
                "ERROR",
                "res_sorcery_config.c",
                "Could not create an object of type 'transport' with id 'transport-udp' from configuration file 'pjsip.conf'",
            ),
        ];
        let c = classify(&entries, &|_| true);
        assert!(
            c.iter().all(|c| matches!(c.class, Class::Environment(_))),
            "{c:?}"
        );
        // Another reason to fail is the configuration's.
        let other = [entry(
            6,
            "ERROR",
            "res_pjsip/config_transport.c",
            "Transport 'transport-udp' could not be started: Address already in use",
        )];
        assert_eq!(classify(&other, &|_| true)[0].class, Class::Config);
    }

    #[test]
    fn a_request_with_no_route_is_environment() {
        let entries = [entry(
            6,
            "ERROR",
            "res_pjsip.c",
            "Error 120101 'Network is unreachable' sending OPTIONS request to endpoint backup",
        )];
        assert!(matches!(
            classify(&entries, &|_| true)[0].class,
            Class::Environment(_)
        ));
    }

    #[test]
    fn an_unresolvable_placeholder_is_configuration() {
        let entries = [entry(
            6,
            "ERROR",
            "netsock2.c",
            "getaddrinfo(\"**YOUR PUBLIC IP ADDRESS**\", \"(null)\", ...): Name or service not known",
        )];
        assert_eq!(classify(&entries, &|_| true)[0].class, Class::Config);
    }

    #[test]
    fn a_declined_module_is_noise_only_without_its_configuration() {
        let entries = [entry(
            6,
            "ERROR",
            "loader.c",
            "pbx_config declined to load.",
        )];
        assert!(matches!(
            classify(&entries, &|_| false)[0].class,
            Class::Environment(_)
        ));
        assert_eq!(
            classify(&entries, &|f| f == "extensions.conf")[0].class,
            Class::Config
        );
        let unknown = [entry(
            6,
            "ERROR",
            "loader.c",
            "res_mystery declined to load.",
        )];
        assert_eq!(classify(&unknown, &|_| false)[0].class, Class::Config);
    }

    #[test]
    fn using_a_transport_the_instance_refused_is_the_instance_not_the_configuration() {
        let refused = |file_message: &str| {
            [
                entry(6, "ERROR", "config_transport.c", file_message),
                entry(
                    6,
                    "ERROR",
                    "res_sorcery_config.c",
                    "Could not create an object of type 'transport' with id 'transport-tls' from configuration file 'pjsip.conf'",
                ),
                entry(
                    40,
                    "ERROR",
                    "res_pjsip.c",
                    "Unable to retrieve PJSIP transport 'transport-tls'",
                ),
            ]
        };
        let tls = refused(
            "Transport: transport-tls: cert_file /etc/asterisk/keys/x.crt is either missing or not readable",
        );
        assert!(matches!(
            classify(&tls, &|_| true)[2].class,
            Class::Environment(_)
        ));
        // Refused for a reason of the configuration, or never defined: the configuration's.
        let bad = refused("Something the configuration did");
        assert_eq!(classify(&bad, &|_| true)[2].class, Class::Config);
        let alone = [entry(
            40,
            "ERROR",
            "res_pjsip.c",
            "Unable to retrieve PJSIP transport 'nope'",
        )];
        assert_eq!(classify(&alone, &|_| true)[0].class, Class::Config);
    }

    #[test]
    fn a_registration_nobody_answers_is_the_instance_not_the_configuration() {
        let entries = [entry(
            31,
            "WARNING",
            "res_pjsip_outbound_registration.c",
            "No response received from 'sip:192.0.2.10:5061;transport=tls' on registration attempt to 'sip:user0@192.0.2.10', retrying in '60'",
        )];
        assert!(matches!(
            classify(&entries, &|_| true)[0].class,
            Class::Environment(_)
        ));
    }

    #[test]
    fn a_qualify_to_an_unreachable_network_is_the_instance_and_other_send_errors_count() {
        let unreachable = [entry(
            40,
            "ERROR",
            "res_pjsip.c",
            "Error 120101 'Network is unreachable' sending OPTIONS request to endpoint itsp",
        )];
        let c = classify(&unreachable, &|_| true);
        assert_eq!(c[0].rule, Some("pjsip-send-unreachable"));
        assert_eq!(c[0].class, Class::Environment(NO_ROUTE.to_string()));
        assert_eq!(c[0].captures.get("id").map(String::as_str), Some("itsp"));
        // A migrated registration to the provider: sent by the instance, unreachable there.
        let register = [entry(
            40,
            "ERROR",
            "res_pjsip.c",
            "Error 120101 'Network is unreachable' sending REGISTER request to endpoint itsp",
        )];
        let c = classify(&register, &|_| true);
        assert_eq!(c[0].class, Class::Environment(NO_ROUTE.to_string()));
        for message in [
            // Another error of the same send: the configuration's until a rule says otherwise.
            "Error 120111 'Connection refused' sending OPTIONS request to endpoint itsp",
            "Error 171060 'Invalid URI (PJSIP_EINVALIDURI)' sending OPTIONS request to endpoint itsp",
            // Not a request the instance sends on its own.
            "Error 120101 'Network is unreachable' sending INVITE request to endpoint itsp",
        ] {
            let c = classify(&[entry(40, "ERROR", "res_pjsip.c", message)], &|_| true);
            assert_eq!(c[0].class, Class::Config, "{message}");
        }
    }

    #[test]
    fn an_unknown_message_counts() {
        let entries = [entry(6, "WARNING", "chan_pjsip.c", "Something new")];
        let c = classify(&entries, &|_| false);
        assert_eq!(c[0].class, Class::Config);
        assert_eq!(c[0].rule, None);
    }
}
