//! THE TABLE of options whose values Asterisk parses strictly: what chan_sip and res_pjsip do
//! with a value they do not accept, read from their source (tag 20.20.1; the pjsip handlers are
//! the same in 22 and master).
//!
//! The config loader keeps every line; it is the module that reads the value, and many of them
//! refuse it quietly: an address option takes numbers only (`externaddr=pbx.example.net` is
//! dropped with a warning), a boolean read with `ast_true` turns any unknown word into "no"
//! (`alwaysauthreject=nope` turns it off), an unknown `insecure` word is ignored, a host name
//! in `permit=` deletes the whole peer, a placeholder in a pjsip `bind`/`match` makes the object
//! not load at all. The model calls [`check`] for every option it reads; each refusal becomes a
//! [`RefusedValue`] (the auditor's PBX906), and the interpreters use the same parsers so that
//! what the rules see is what Asterisk runs.
//!
//! Every entry names the Asterisk function that parses the option. Values of the options in
//! this table are never secrets (no `secret`/`password` is parsed strictly).

use super::acl::parse_acl_entry;
use super::name_memo::{NameMemo, ValueMemo};
use super::values::{HostShape, PortRule, ast_false, ast_true, host_shape, numeric_address};
use crate::asterisk::fast_hash::FastMap;
use crate::asterisk::shared_text::Text;
use crate::asterisk::source::Pos;
use crate::asterisk::syntax::{Entry, PerSlot, Section, Variable, Variables};
use serde::Serialize;
use std::sync::OnceLock;

/// Which module reads the option.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Driver {
    /// chan_sip, sip.conf.
    ChanSip,
    /// res_pjsip, pjsip.conf.
    Pjsip,
}

/// Where the option is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope<'a> {
    /// sip.conf `[general]` only.
    SipGeneral,
    /// sip.conf peers/users/friends only.
    SipPeer,
    /// Both (`handle_common_options`: `[general]` sets the peers' default).
    SipBoth,
    /// pjsip.conf objects of this `type` (lower-case).
    Pjsip(&'a str),
}

/// What Asterisk does with a value it does not accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Effect {
    /// The line has no effect: the default (or an earlier line) stays.
    Ignored,
    /// The value is read as this instead (an unknown boolean word is "no").
    ReadAs(&'static str),
    /// The object (peer, endpoint, transport, identify, …) is not created.
    ObjectDropped,
    /// The module refuses to load: nothing of the file is used.
    ModuleNotLoaded,
}

/// What is lost when the value is refused, for the auditor's severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Loss {
    /// A tuning value falls back to its default.
    Minor,
    /// Something stops working (NAT, an account, a listener, registrations).
    Service,
    /// A protection the author wrote is not in force.
    Protection,
}

/// How the value is parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Parser {
    /// `ast_true`: yes/true/y/t/1/on; anything else is no (silently).
    AstTrue,
    /// `!ast_false`: anything but no/false/n/f/0/off is yes (silently).
    NotAstFalse,
    /// `ast_true` or an extra word (`persist` for autocreatepeer).
    AstTrueOr(&'static [&'static str]),
    /// `ast_sockaddr_parse` through `ast_parse_arg(PARSE_ADDR)`: numeric, optional port.
    NumericAddress,
    /// A name or an address, resolved by Asterisk (a placeholder never resolves).
    Host,
    /// chan_sip `host=`: `dynamic`, an address or a name, optionally `:port`.
    SipHost,
    /// `ast_append_ha` lists (permit/deny): numeric only, items not trimmed, no port.
    Acl,
    /// chan_sip `set_insecure_flags`: a false word, or comma words `port`/`invite` exactly.
    SipInsecure,
    /// chan_sip `sip_parse_nat_option`: comma words, unknown ones silently ignored.
    SipNat,
    /// chan_sip `directmedia`: a bool, or comma words `update`/`nonat`/`outgoing`.
    SipDirectMedia,
    /// One of these words, case-insensitive.
    Word(&'static [&'static str]),
    /// `no`, `yes` or an integer (`sscanf("%d")`).
    NoYesOrInt,
    /// `port_str2int`: 1–65535.
    Port,
    /// `sscanf("%5d")`.
    Int,
    /// `ast_parse_arg(PARSE_UINT32)`.
    Uint,
    /// pjsip `identify_by`: comma words, each known.
    PjIdentifyBy,
    /// pjsip transport `bind`: `pj_sockaddr_parse`.
    PjBind,
    /// pjsip identify `match`: addresses/networks (ACL parser) or host names (resolved).
    PjMatch,
    /// pjsip `from_user`: URI user characters only.
    PjFromUser,
}

/// One option Asterisk parses strictly.
pub struct OptionRule {
    pub driver: Driver,
    pub scope: Scope<'static>,
    /// The option's names (aliases share one entry).
    pub names: &'static [&'static str],
    parser: Parser,
    pub effect: Effect,
    pub loss: Loss,
    /// What Asterisk accepts, for messages.
    pub expects: &'static str,
    /// The Asterisk source file and function that parses it.
    pub parsed_by: &'static str,
}

const BOOL: &str = "yes/true/y/t/1/on or no/false/n/f/0/off";
const ACL: &str = "numeric addresses or networks (`a.b.c.d[/mask]`), comma-separated without blanks; no host names, no ports";

/// The table. Order is irrelevant; lookups go through an index by name.
pub static OPTIONS: &[OptionRule] = &[
    // ---- chan_sip [general] (channels/chan_sip.c reload_config) ----
    OptionRule {
        driver: Driver::ChanSip,
        scope: Scope::SipGeneral,
        names: &["allowguest"],
        parser: Parser::AstTrue,
        effect: Effect::ReadAs("no"),
        loss: Loss::Minor,
        expects: BOOL,
        parsed_by: "channels/chan_sip.c reload_config (ast_true)",
    },
    OptionRule {
        driver: Driver::ChanSip,
        scope: Scope::SipGeneral,
        names: &["alwaysauthreject"],
        parser: Parser::AstTrue,
        effect: Effect::ReadAs("no"),
        loss: Loss::Protection,
        expects: BOOL,
        parsed_by: "channels/chan_sip.c reload_config (ast_true)",
    },
    OptionRule {
        driver: Driver::ChanSip,
        scope: Scope::SipGeneral,
        names: &["autocreatepeer"],
        parser: Parser::AstTrueOr(&["persist"]),
        effect: Effect::ReadAs("no"),
        loss: Loss::Minor,
        expects: "persist or a boolean",
        parsed_by: "channels/chan_sip.c reload_config (ast_true)",
    },
    OptionRule {
        driver: Driver::ChanSip,
        scope: Scope::SipGeneral,
        names: &["tcpenable"],
        parser: Parser::NotAstFalse,
        effect: Effect::ReadAs("yes"),
        loss: Loss::Service,
        expects: BOOL,
        parsed_by: "channels/chan_sip.c reload_config (!ast_false)",
    },
    OptionRule {
        driver: Driver::ChanSip,
        scope: Scope::SipGeneral,
        names: &["tlsenable", "sslenable"],
        parser: Parser::AstTrue,
        effect: Effect::ReadAs("no"),
        loss: Loss::Service,
        expects: BOOL,
        parsed_by: "main/tcptls.c ast_tls_read_conf (ast_true)",
    },
    OptionRule {
        driver: Driver::ChanSip,
        scope: Scope::SipGeneral,
        names: &["bindaddr", "udpbindaddr"],
        parser: Parser::NumericAddress,
        effect: Effect::Ignored,
        loss: Loss::Protection,
        expects: "a numeric address, optionally with `:port` (chan_sip then listens on 0.0.0.0:5060)",
        parsed_by: "channels/chan_sip.c reload_config (ast_parse_arg PARSE_ADDR: \"Invalid address: %s\")",
    },
    OptionRule {
        driver: Driver::ChanSip,
        scope: Scope::SipGeneral,
        names: &["tcpbindaddr"],
        parser: Parser::NumericAddress,
        effect: Effect::Ignored,
        loss: Loss::Protection,
        expects: "a numeric address, optionally with `:port`",
        parsed_by: "channels/chan_sip.c reload_config (ast_parse_arg PARSE_ADDR: \"Invalid tcpbindaddr\")",
    },
    OptionRule {
        driver: Driver::ChanSip,
        scope: Scope::SipGeneral,
        names: &["tlsbindaddr", "sslbindaddr"],
        parser: Parser::NumericAddress,
        effect: Effect::Ignored,
        loss: Loss::Protection,
        expects: "a numeric address, optionally with `:port`",
        parsed_by: "main/tcptls.c ast_tls_read_conf (ast_parse_arg PARSE_ADDR: \"Invalid tlsbindaddr\")",
    },
    OptionRule {
        driver: Driver::ChanSip,
        scope: Scope::SipGeneral,
        names: &["externaddr", "externip"],
        parser: Parser::NumericAddress,
        effect: Effect::Ignored,
        loss: Loss::Service,
        expects: "a numeric address, optionally with `:port` (a host name belongs in `externhost=`)",
        parsed_by: "channels/chan_sip.c reload_config (ast_parse_arg PARSE_ADDR: \"Invalid address for externaddr keyword\")",
    },
    OptionRule {
        driver: Driver::ChanSip,
        scope: Scope::SipGeneral,
        names: &["externhost"],
        parser: Parser::Host,
        effect: Effect::Ignored,
        loss: Loss::Service,
        expects: "a host name that resolves (IPv4)",
        parsed_by: "channels/chan_sip.c reload_config (ast_sockaddr_resolve_first_af: \"Invalid address for externhost keyword\")",
    },
    OptionRule {
        driver: Driver::ChanSip,
        scope: Scope::SipGeneral,
        names: &["media_address", "rtpbindaddr"],
        parser: Parser::NumericAddress,
        effect: Effect::Ignored,
        loss: Loss::Service,
        expects: "a numeric address",
        parsed_by: "channels/chan_sip.c reload_config (ast_parse_arg PARSE_ADDR)",
    },
    OptionRule {
        driver: Driver::ChanSip,
        scope: Scope::SipGeneral,
        names: &["bindport"],
        parser: Parser::Int,
        effect: Effect::Ignored,
        loss: Loss::Service,
        expects: "a port number",
        parsed_by: "channels/chan_sip.c reload_config (sscanf %5d: \"Invalid port number\")",
    },
    OptionRule {
        driver: Driver::ChanSip,
        scope: Scope::SipGeneral,
        names: &["contactpermit", "contactdeny"],
        parser: Parser::Acl,
        effect: Effect::ModuleNotLoaded,
        loss: Loss::Service,
        expects: ACL,
        parsed_by: "channels/chan_sip.c reload_config (ast_append_acl: \"Bad ACL entry … Failing to load chan_sip.so\")",
    },
    // ---- chan_sip peers (channels/chan_sip.c build_peer) ----
    OptionRule {
        driver: Driver::ChanSip,
        scope: Scope::SipPeer,
        names: &[
            "permit",
            "deny",
            "contactpermit",
            "contactdeny",
            "directmediapermit",
            "directmediadeny",
        ],
        parser: Parser::Acl,
        effect: Effect::ObjectDropped,
        loss: Loss::Service,
        expects: ACL,
        parsed_by: "channels/chan_sip.c build_peer (ast_append_acl: \"Bad ACL entry in configuration line %d : %s. Deleting peer\")",
    },
    OptionRule {
        driver: Driver::ChanSip,
        scope: Scope::SipPeer,
        names: &["defaultip"],
        parser: Parser::Host,
        effect: Effect::ObjectDropped,
        loss: Loss::Service,
        expects: "an address or a host name that resolves",
        parsed_by: "channels/chan_sip.c build_peer (ast_get_ip fails: the peer is not built)",
    },
    OptionRule {
        driver: Driver::ChanSip,
        scope: Scope::SipPeer,
        names: &["host"],
        parser: Parser::SipHost,
        effect: Effect::Ignored,
        loss: Loss::Service,
        expects: "`dynamic`, an address or a host name that resolves",
        parsed_by: "channels/chan_sip.c build_peer → main/dnsmgr.c (\"Unable to lookup '%s'\": the peer loads with no address)",
    },
    OptionRule {
        driver: Driver::ChanSip,
        scope: Scope::SipPeer,
        names: &["qualify"],
        parser: Parser::NoYesOrInt,
        effect: Effect::ReadAs("no"),
        loss: Loss::Minor,
        expects: "`yes`, `no` or milliseconds",
        parsed_by: "channels/chan_sip.c build_peer (\"Qualification of peer '%s' should be 'yes', 'no', or a number of milliseconds\")",
    },
    OptionRule {
        driver: Driver::ChanSip,
        scope: Scope::SipGeneral,
        names: &["qualify"],
        parser: Parser::NoYesOrInt,
        effect: Effect::ReadAs("no"),
        loss: Loss::Minor,
        expects: "`yes`, `no` or milliseconds",
        parsed_by: "channels/chan_sip.c reload_config (\"Qualification default should be 'yes', 'no', or a number of milliseconds\")",
    },
    OptionRule {
        driver: Driver::ChanSip,
        scope: Scope::SipPeer,
        names: &["port"],
        parser: Parser::Port,
        effect: Effect::Ignored,
        loss: Loss::Service,
        expects: "a port number 1–65535",
        parsed_by: "channels/chan_sip.c build_peer (port_str2int: \"Invalid peer port configuration\")",
    },
    // ---- chan_sip, both (channels/chan_sip.c handle_common_options) ----
    OptionRule {
        driver: Driver::ChanSip,
        scope: Scope::SipBoth,
        names: &["insecure"],
        parser: Parser::SipInsecure,
        effect: Effect::ReadAs("no insecure mode (authentication stays on)"),
        loss: Loss::Service,
        expects: "`port`, `invite` or `port,invite` (no blanks; `very` and `yes` were removed in 1.6)",
        parsed_by: "channels/chan_sip.c set_insecure_flags (\"Unknown insecure mode '%s' on line %d\")",
    },
    OptionRule {
        driver: Driver::ChanSip,
        scope: Scope::SipBoth,
        names: &["nat"],
        parser: Parser::SipNat,
        effect: Effect::ReadAs("no NAT handling"),
        loss: Loss::Service,
        expects: "`no`, `force_rport`, `comedia`, `auto_force_rport`, `auto_comedia` (comma-separated, no blanks) or the deprecated `yes`",
        parsed_by: "channels/sip/config_parser.c sip_parse_nat_option (unknown words silently ignored)",
    },
    OptionRule {
        driver: Driver::ChanSip,
        scope: Scope::SipBoth,
        names: &["directmedia", "canreinvite"],
        parser: Parser::SipDirectMedia,
        effect: Effect::ReadAs("no"),
        loss: Loss::Minor,
        expects: "a boolean, or `update`, `nonat`, `outgoing` (comma-separated)",
        parsed_by: "channels/chan_sip.c handle_common_options (\"Unknown directmedia mode '%s' on line %d\")",
    },
    OptionRule {
        driver: Driver::ChanSip,
        scope: Scope::SipBoth,
        names: &["dtmfmode"],
        parser: Parser::Word(&["inband", "rfc2833", "info", "shortinfo", "auto"]),
        effect: Effect::ReadAs("rfc2833"),
        loss: Loss::Minor,
        expects: "inband, rfc2833, info, shortinfo or auto",
        parsed_by: "channels/chan_sip.c handle_common_options (\"Unknown dtmf mode '%s' on line %d, using rfc2833\")",
    },
    OptionRule {
        driver: Driver::ChanSip,
        scope: Scope::SipBoth,
        names: &["trustrpid"],
        parser: Parser::AstTrue,
        effect: Effect::ReadAs("no"),
        loss: Loss::Minor,
        expects: BOOL,
        parsed_by: "channels/chan_sip.c handle_common_options (ast_true)",
    },
    OptionRule {
        driver: Driver::ChanSip,
        scope: Scope::SipBoth,
        names: &["sendrpid"],
        parser: Parser::AstTrueOr(&["pai", "rpid"]),
        effect: Effect::ReadAs("no"),
        loss: Loss::Minor,
        expects: "`pai`, `rpid` or a boolean",
        parsed_by: "channels/chan_sip.c handle_common_options (pai, rpid, else ast_true)",
    },
    // ---- res_pjsip endpoint (res/res_pjsip/pjsip_configuration.c) ----
    OptionRule {
        driver: Driver::Pjsip,
        scope: Scope::Pjsip("endpoint"),
        names: &["identify_by"],
        parser: Parser::PjIdentifyBy,
        effect: Effect::ObjectDropped,
        loss: Loss::Service,
        expects: "username, auth_username, ip, header, request_uri (comma-separated)",
        parsed_by: "res/res_pjsip/pjsip_configuration.c ident_handler (\"Unrecognized identification method %s specified for endpoint %s\")",
    },
    OptionRule {
        driver: Driver::Pjsip,
        scope: Scope::Pjsip("endpoint"),
        names: &["permit", "deny", "contact_permit", "contact_deny"],
        parser: Parser::Acl,
        effect: Effect::ObjectDropped,
        loss: Loss::Service,
        expects: ACL,
        parsed_by: "res/res_pjsip/pjsip_configuration.c endpoint_acl_handler (ast_append_acl)",
    },
    OptionRule {
        driver: Driver::Pjsip,
        scope: Scope::Pjsip("endpoint"),
        names: &["from_user"],
        parser: Parser::PjFromUser,
        effect: Effect::ObjectDropped,
        loss: Loss::Service,
        expects: "letters, digits and -._~%!$&'()*+,;=:",
        parsed_by: "res/res_pjsip/pjsip_configuration.c from_user_handler (\"field contains invalid character\")",
    },
    OptionRule {
        driver: Driver::Pjsip,
        scope: Scope::Pjsip("endpoint"),
        names: &["media_encryption"],
        parser: Parser::Word(&["no", "sdes", "dtls"]),
        effect: Effect::ObjectDropped,
        loss: Loss::Service,
        expects: "no, sdes or dtls",
        parsed_by: "res/res_pjsip/pjsip_configuration.c media_encryption_handler",
    },
    OptionRule {
        driver: Driver::Pjsip,
        scope: Scope::Pjsip("endpoint"),
        names: &[
            "trust_id_inbound",
            "trust_id_outbound",
            "send_pai",
            "send_rpid",
            "allow_unauthenticated_options",
            "direct_media",
            "force_rport",
            "rewrite_contact",
            "rtp_symmetric",
        ],
        parser: Parser::AstTrue,
        effect: Effect::ReadAs("no"),
        loss: Loss::Minor,
        expects: BOOL,
        parsed_by: "main/config_options.c bool_handler_fn (OPT_BOOL_T: ast_true)",
    },
    // ---- res_pjsip transport (res/res_pjsip/config_transport.c) ----
    OptionRule {
        driver: Driver::Pjsip,
        scope: Scope::Pjsip("transport"),
        names: &["bind"],
        parser: Parser::PjBind,
        effect: Effect::ObjectDropped,
        loss: Loss::Service,
        expects: "an address (or a host name that resolves), optionally with `:port`; IPv6 in `[…]`",
        parsed_by: "res/res_pjsip/config_transport.c transport_bind_handler (pj_sockaddr_parse: \"Error parsing bind=%s\")",
    },
    OptionRule {
        driver: Driver::Pjsip,
        scope: Scope::Pjsip("transport"),
        names: &["protocol"],
        parser: Parser::Word(&["udp", "tcp", "tls", "ws", "wss", "flow"]),
        effect: Effect::ObjectDropped,
        loss: Loss::Service,
        expects: "udp, tcp, tls, ws, wss or flow",
        parsed_by: "res/res_pjsip/config_transport.c transport_protocol_handler",
    },
    OptionRule {
        driver: Driver::Pjsip,
        scope: Scope::Pjsip("transport"),
        names: &["method"],
        parser: Parser::Word(&[
            "",
            "default",
            "unspecified",
            "tlsv1",
            "tlsv1_1",
            "tlsv1_2",
            "tlsv1_3",
            "sslv2",
            "sslv3",
            "sslv23",
        ]),
        effect: Effect::ObjectDropped,
        loss: Loss::Service,
        expects: "default, unspecified, tlsv1, tlsv1_1, tlsv1_2, tlsv1_3, sslv2, sslv3 or sslv23",
        parsed_by: "res/res_pjsip/config_transport.c transport_tls_method_handler",
    },
    OptionRule {
        driver: Driver::Pjsip,
        scope: Scope::Pjsip("transport"),
        names: &["verify_server", "verify_client", "require_client_cert"],
        parser: Parser::AstTrue,
        effect: Effect::ReadAs("no"),
        loss: Loss::Protection,
        expects: BOOL,
        parsed_by: "res/res_pjsip/config_transport.c transport_tls_bool_handler (ast_true)",
    },
    OptionRule {
        driver: Driver::Pjsip,
        scope: Scope::Pjsip("transport"),
        names: &["local_net"],
        parser: Parser::Acl,
        effect: Effect::ObjectDropped,
        loss: Loss::Service,
        expects: ACL,
        parsed_by: "res/res_pjsip/config_transport.c transport_localnet_handler (ast_append_ha)",
    },
    // ---- res_pjsip identify (res/res_pjsip_endpoint_identifier_ip.c) ----
    OptionRule {
        driver: Driver::Pjsip,
        scope: Scope::Pjsip("identify"),
        names: &["match"],
        parser: Parser::PjMatch,
        effect: Effect::ObjectDropped,
        loss: Loss::Service,
        expects: "addresses, networks (`a.b.c.d/nn`) or host names that resolve, comma-separated",
        parsed_by: "res/res_pjsip_endpoint_identifier_ip.c ip_identify_match_handler / ip_identify_apply",
    },
    // ---- res_pjsip aor, auth, acl ----
    OptionRule {
        driver: Driver::Pjsip,
        scope: Scope::Pjsip("aor"),
        names: &["max_contacts"],
        parser: Parser::Uint,
        effect: Effect::ObjectDropped,
        loss: Loss::Service,
        expects: "a non-negative integer",
        parsed_by: "main/config_options.c uint_handler_fn (OPT_UINT_T)",
    },
    OptionRule {
        driver: Driver::Pjsip,
        scope: Scope::Pjsip("auth"),
        names: &["auth_type"],
        parser: Parser::Word(&["userpass", "md5", "digest", "google_oauth"]),
        effect: Effect::ObjectDropped,
        loss: Loss::Service,
        expects: "userpass, md5, digest or google_oauth",
        parsed_by: "res/res_pjsip/config_auth.c auth_type_handler (\"Unknown authentication storage type\")",
    },
    OptionRule {
        driver: Driver::Pjsip,
        scope: Scope::Pjsip("acl"),
        names: &["permit", "deny", "contact_permit", "contact_deny"],
        parser: Parser::Acl,
        effect: Effect::ObjectDropped,
        loss: Loss::Protection,
        expects: ACL,
        parsed_by: "res/res_pjsip_acl.c acl_handler (returns the error: the ACL object is not created, whatever its log says)",
    },
];

/// One value Asterisk refuses (see [`Effect`] for what happens then).
#[derive(Clone, Debug, Serialize)]
pub struct RefusedValue {
    pub driver: Driver,
    /// The section (peer, endpoint, `general`, …) the line is read for.
    pub section: String,
    /// The pjsip object type, for pjsip.
    pub object_type: Option<String>,
    /// The option as written.
    pub option: String,
    /// The value as written.
    pub value: Text,
    /// The value's position (in a template when the section inherits it).
    pub pos: Pos,
    /// Why Asterisk refuses it (its own log message where it writes one).
    pub reason: String,
    pub effect: Effect,
    pub loss: Loss,
    pub expects: &'static str,
    pub parsed_by: &'static str,
}

/// Name (lower-case) → the entries of that name, per driver.
fn index() -> &'static FastMap<(Driver, &'static str), Vec<&'static OptionRule>> {
    static INDEX: OnceLock<FastMap<(Driver, &'static str), Vec<&'static OptionRule>>> =
        OnceLock::new();
    INDEX.get_or_init(|| {
        let mut map: FastMap<(Driver, &'static str), Vec<&'static OptionRule>> = FastMap::default();
        for rule in OPTIONS {
            for name in rule.names {
                map.entry((rule.driver, name)).or_default().push(rule);
            }
        }
        map
    })
}

/// The table's entry for an option read in `scope`, if the option is parsed strictly.
pub fn rule_for(driver: Driver, scope: Scope<'_>, name: &str) -> Option<&'static OptionRule> {
    let mut buf = [0u8; 40];
    if name.len() > buf.len() {
        return None;
    }
    buf[..name.len()].copy_from_slice(name.as_bytes());
    buf[..name.len()].make_ascii_lowercase();
    let key = std::str::from_utf8(&buf[..name.len()]).ok()?;
    index().get(&(driver, key))?.iter().copied().find(|r| {
        r.scope == scope
            || matches!(
                (r.scope, scope),
                (Scope::SipBoth, Scope::SipGeneral | Scope::SipPeer)
            )
    })
}

/// Check every strictly parsed option of `section` (read as `scope`) and append what Asterisk
/// refuses to `out`. Options whose refusal only changes their own value are checked on the
/// line that counts (the last); options whose refusal drops the object on every line.
pub fn check_section(
    driver: Driver,
    scope: Scope<'_>,
    section: &Section,
    object_type: Option<&str>,
    out: &mut Vec<RefusedValue>,
) {
    SectionChecker::new(driver).check(scope, section, object_type, out);
}

/// [`check_section`] for the sections of one file: whether a line's value is refused is worked
/// out once per line of the file, so a template's lines are parsed once however many sections
/// inherit them.
pub struct SectionChecker {
    driver: Driver,
    /// The scopes seen so far (kind and pjsip type), each with its rules by option name (a
    /// section's own lines are new slots, but their names repeat); a verdict names its scope
    /// by index here.
    scopes: Vec<(u8, String, NameMemo<Option<&'static OptionRule>>)>,
    /// Whether each line the table holds a rule for is refused, in the scope it was first read
    /// in: a line is nearly always read in one scope only (a template of endpoints is not
    /// inherited by auths), so one table serves them all; a line read in another scope is
    /// worked out again, not remembered.
    /// (A scope's index as `u32`: 8 bytes a slot, not 16, in a table the size of the file's.)
    verdicts: PerSlot<(u32, bool)>,
    /// Whether a rule (by its index in [`OPTIONS`]) refuses a value: the same `permit=` written
    /// in every endpoint is parsed once.
    refusals: ValueMemo<bool>,
    /// Inherited runs of lines none of which is refused, by their first slot: (end slot, scope
    /// index, clean). A template's lines are then skipped in one step per section.
    clean_runs: PerSlot<(u32, u32, bool)>,
}

/// A rule's index in [`OPTIONS`].
fn rule_index(rule: &'static OptionRule) -> u32 {
    let offset = (rule as *const OptionRule as usize) - (OPTIONS.as_ptr() as usize);
    (offset / std::mem::size_of::<OptionRule>()) as u32
}

impl SectionChecker {
    pub fn new(driver: Driver) -> SectionChecker {
        SectionChecker {
            driver,
            scopes: Vec::new(),
            verdicts: PerSlot::default(),
            refusals: ValueMemo::default(),
            clean_runs: PerSlot::default(),
        }
    }

    /// [`check_section`] of `section`.
    pub fn check(
        &mut self,
        scope: Scope<'_>,
        section: &Section,
        object_type: Option<&str>,
        out: &mut Vec<RefusedValue>,
    ) {
        let driver = self.driver;
        let key = match scope {
            Scope::SipGeneral => (0, ""),
            Scope::SipPeer => (1, ""),
            Scope::SipBoth => (2, ""),
            Scope::Pjsip(ty) => (3, ty),
        };
        let at = match self
            .scopes
            .iter()
            .position(|(k, t, _)| *k == key.0 && t == key.1)
        {
            Some(at) => at,
            None => {
                self.scopes
                    .push((key.0, key.1.to_string(), NameMemo::default()));
                self.scopes.len() - 1
            }
        };
        let Self {
            scopes,
            verdicts,
            refusals,
            clean_runs,
            ..
        } = self;
        let mut lines = LineVerdicts {
            driver,
            scope,
            at,
            rules: &mut scopes[at].2,
            verdicts,
            refusals,
        };
        for run in section.variables.runs() {
            // A run inherited from a template is the same lines in every section on it: when
            // none of them is refused (the usual case), it has nothing to report, in any of
            // those sections, and is skipped whole.
            if run.inherited_from.is_some() {
                if let Some(first) = run.entries().next() {
                    let (end, scope_at, clean) =
                        *clean_runs.get_or_insert_with(&section.variables, &first, || {
                            let clean = run
                                .entries()
                                .all(|e| lines.refused(&section.variables, &e).is_none());
                            (run.end, at as u32, clean)
                        });
                    if clean && end == run.end && scope_at as usize == at {
                        continue;
                    }
                }
            }
            for e in run.entries() {
                let v = e.variable;
                let Some(rule) = lines.refused(&section.variables, &e) else {
                    continue;
                };
                let drops = matches!(rule.effect, Effect::ObjectDropped | Effect::ModuleNotLoaded);
                if !drops && section.get(&v.name).is_some_and(|last| last.pos != v.pos) {
                    continue;
                }
                if let Some(reason) = refusal(rule.parser, v) {
                    out.push(RefusedValue {
                        driver,
                        section: section.name.to_string(),
                        object_type: object_type.map(str::to_string),
                        option: v.name.to_string(),
                        value: v.value.clone(),
                        pos: v.value_pos(),
                        reason,
                        effect: rule.effect,
                        loss: rule.loss,
                        expects: rule.expects,
                        parsed_by: rule.parsed_by,
                    });
                }
            }
        }
    }
}

/// Whether lines are refused in one scope, with the checker's memos.
struct LineVerdicts<'c> {
    driver: Driver,
    scope: Scope<'c>,
    /// The scope's index in [`SectionChecker::scopes`].
    at: usize,
    rules: &'c mut NameMemo<Option<&'static OptionRule>>,
    verdicts: &'c mut PerSlot<(u32, bool)>,
    refusals: &'c mut ValueMemo<bool>,
}

impl LineVerdicts<'_> {
    /// The rule that refuses the line `e` of `variables`, if one does.
    fn refused(&mut self, variables: &Variables, e: &Entry<'_>) -> Option<&'static OptionRule> {
        let (driver, scope, at) = (self.driver, self.scope, self.at);
        let v = e.variable;
        // Most lines are options the table does not hold: their name says so.
        let rule = self
            .rules
            .get_or_insert_with(&v.name, || rule_for(driver, scope, &v.name))?;
        let refusals = &mut *self.refusals;
        let mut refused_here = || {
            refusals.get_or_insert_with(rule_index(rule), &v.value, || {
                refusal(rule.parser, v).is_some()
            })
        };
        let (first_scope, remembered) = *self
            .verdicts
            .get_or_insert_with(variables, e, || (at as u32, refused_here()));
        let refused = if first_scope as usize == at {
            remembered
        } else {
            refused_here()
        };
        refused.then_some(rule)
    }
}

/// Whether `value` is accepted by the option's parser in `scope` (`true` for options the table
/// does not hold).
pub fn accepts(driver: Driver, scope: Scope<'_>, name: &str, value: &str) -> bool {
    rule_for(driver, scope, name).is_none_or(|r| refusal_of(r.parser, name, value).is_none())
}

fn refusal(parser: Parser, v: &Variable) -> Option<String> {
    refusal_of(parser, &v.name, &v.value)
}

/// Why the value is refused, or `None` when the parser accepts it.
fn refusal_of(parser: Parser, name: &str, value: &str) -> Option<String> {
    let bool_word = |s: &str| ast_true(s) || ast_false(s);
    match parser {
        Parser::AstTrue | Parser::NotAstFalse => {
            (!bool_word(value)).then(|| "not a boolean word".to_string())
        }
        Parser::AstTrueOr(extra) => (!bool_word(value)
            && !extra.iter().any(|w| value.eq_ignore_ascii_case(w)))
        .then(|| "not a recognised value".to_string()),
        Parser::NumericAddress => numeric_address(value, PortRule::Optional)
            .is_none()
            .then(|| format!("\"Invalid address for {name} keyword\": only numeric addresses are read, names are never resolved")),
        Parser::Host => match host_shape(value) {
            HostShape::Placeholder => {
                Some("a placeholder, not an address or a host name: it never resolves".to_string())
            }
            _ => None,
        },
        Parser::SipHost => {
            if value.is_empty() || value.eq_ignore_ascii_case("dynamic") {
                return None;
            }
            let host = match value.rsplit_once(':') {
                Some((h, p)) if !h.contains(':') && p.bytes().all(|b| b.is_ascii_digit()) => h,
                _ => value,
            };
            (host_shape(host) == HostShape::Placeholder).then(|| {
                "a placeholder never resolves (\"Unable to lookup\"): the peer has no address and is never matched by it".to_string()
            })
        }
        Parser::Acl => {
            if value.is_empty() {
                return None;
            }
            value.split(',').find_map(|item| {
                parse_acl_entry(item, PortRule::Forbid)
                    .err()
                    .map(|why| format!("\"{why}\""))
            })
        }
        Parser::SipInsecure => {
            if value.is_empty() || ast_false(value) {
                return None;
            }
            value
                .split(',')
                .any(|w| !w.eq_ignore_ascii_case("port") && !w.eq_ignore_ascii_case("invite"))
                .then(|| "\"Unknown insecure mode\": each comma-separated word must be exactly `port` or `invite`".to_string())
        }
        Parser::SipNat => {
            let known = [
                "yes",
                "force_rport",
                "comedia",
                "auto_force_rport",
                "auto_comedia",
            ];
            let mut unknown = Vec::new();
            for w in value.split(',') {
                if ast_false(w) || w.eq_ignore_ascii_case("yes") {
                    break;
                }
                if !known.iter().any(|k| w.eq_ignore_ascii_case(k)) {
                    unknown.push(w);
                }
            }
            (!unknown.is_empty()).then(|| {
                format!(
                    "`{}` is not a nat mode and is dropped without a warning",
                    unknown.join("`, `")
                )
            })
        }
        Parser::SipDirectMedia => {
            if bool_word(value) {
                return None;
            }
            value
                .split(',')
                .any(|w| !["update", "nonat", "outgoing"].iter().any(|k| w.eq_ignore_ascii_case(k)))
                .then(|| "\"Unknown directmedia mode\"".to_string())
        }
        Parser::Word(words) => (!words.iter().any(|w| value.eq_ignore_ascii_case(w)))
            .then(|| "not one of the accepted values".to_string()),
        Parser::NoYesOrInt => (!value.eq_ignore_ascii_case("no")
            && !value.eq_ignore_ascii_case("yes")
            && scan_int(value).is_none())
        .then(|| "neither `yes`, `no` nor a number".to_string()),
        Parser::Port => {
            let ok = value.trim().parse::<u32>().is_ok_and(|p| (1..=65535).contains(&p));
            (!ok).then(|| "not a port number".to_string())
        }
        Parser::Int => scan_int(value)
            .is_none()
            .then(|| "not a number".to_string()),
        Parser::Uint => value
            .trim()
            .parse::<u32>()
            .is_err()
            .then(|| "not a non-negative integer".to_string()),
        Parser::PjIdentifyBy => value
            .split(',')
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .find(|w| {
                !["username", "auth_username", "ip", "header", "request_uri"]
                    .iter()
                    .any(|k| w.eq_ignore_ascii_case(k))
            })
            .map(|w| format!("\"Unrecognized identification method {w}\"")),
        Parser::PjBind => pj_bind_refusal(value),
        Parser::PjMatch => value
            .split(',')
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .find_map(pj_match_refusal),
        Parser::PjFromUser => value
            .chars()
            .find(|&c| !(c.is_ascii_alphanumeric() || "-._~%!$&'()*+,;=:".contains(c)))
            .map(|c| format!("\"field contains invalid character '{c}'\"")),
    }
}

/// `sscanf("%d")`: optional blanks, an optional sign, at least one digit.
fn scan_int(s: &str) -> Option<i64> {
    let t = s.trim_start();
    let (sign, rest) = match t.strip_prefix('-') {
        Some(r) => (-1, r),
        None => (1, t.strip_prefix('+').unwrap_or(t)),
    };
    let digits: &str = &rest[..rest.bytes().take_while(u8::is_ascii_digit).count()];
    digits.parse::<i64>().ok().map(|n| sign * n)
}

/// pjlib `pj_sockaddr_parse` as the transport's `bind` handler calls it: more than one `:` is
/// IPv6 (brackets optional, numeric only); otherwise IPv4 `host[:port]` where the port is
/// digits ≤ 65535 and a host that is not a dotted quad is resolved (a placeholder never is).
pub fn pj_bind_refusal(value: &str) -> Option<String> {
    let refuse =
        || Some("\"Error parsing bind\": not an address with an optional numeric port".to_string());
    if value.matches(':').count() > 1 {
        let (host, port) = match value.strip_prefix('[') {
            Some(rest) => match rest.split_once(']') {
                Some((h, after)) => (h, after.strip_prefix(':')),
                None => return refuse(),
            },
            None => (value, None),
        };
        let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok());
        return (host.parse::<std::net::Ipv6Addr>().is_err() || !port_ok)
            .then(|| "\"Error parsing bind\": not an IPv6 address".to_string());
    }
    let (host, port) = match value.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (value, None),
    };
    if port.is_some_and(|p| {
        p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.parse::<u16>().is_err()
    }) {
        return refuse();
    }
    match host_shape(host) {
        HostShape::Address(std::net::IpAddr::V4(_)) | HostShape::Name => None,
        HostShape::Address(std::net::IpAddr::V6(_)) | HostShape::Placeholder => Some(format!(
            "\"Error parsing bind\": `{host}` is neither an address nor a name that resolves"
        )),
    }
}

/// Why one `match` item makes the identify not load, or `None`.
fn pj_match_refusal(item: &str) -> Option<String> {
    let addressy = item.contains('/') || numeric_address(item, PortRule::Optional).is_some();
    if addressy {
        return parse_acl_entry(item, PortRule::Optional)
            .err()
            .map(|why| format!("\"{why}\""));
    }
    (host_shape(item) == HostShape::Placeholder).then(|| {
        format!("`{item}` is a placeholder, not an address or a host name: it never resolves")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(driver: Driver, scope: Scope<'_>, name: &str, value: &str) -> bool {
        !accepts(driver, scope, name, value)
    }

    #[test]
    fn chan_sip_values() {
        let g = |n, v| refused(Driver::ChanSip, Scope::SipGeneral, n, v);
        let p = |n, v| refused(Driver::ChanSip, Scope::SipPeer, n, v);
        assert!(g("externaddr", "pbx.home.example.net"));
        assert!(!g("externaddr", "203.0.113.7:5060"));
        assert!(g("alwaysauthreject", "nope"));
        assert!(!g("alwaysauthreject", "NO"));
        assert!(p("insecure", "very"));
        assert!(p("insecure", "port, invite"));
        assert!(!p("insecure", "invite,port"));
        assert!(!p("insecure", "no"));
        assert!(p("nat", "true"));
        assert!(!p("nat", "force_rport,comedia"));
        assert!(!p("nat", "no"));
        assert!(p("permit", "pbx.example.com"));
        assert!(p("permit", "1.2.3.4, 5.6.7.8"));
        assert!(!p("permit", "1.2.3.4,5.6.7.0/24"));
        assert!(!p("permit", "10.0.0.0/255.0.0.0"));
        assert!(g("contactpermit", "192.168.1.0/33"));
        assert!(p("host", "**YOUR PUBLIC IP ADDRESS**"));
        assert!(!p("host", "sip.provider.example.net"));
        assert!(!p("host", "dynamic"));
        assert!(p("qualify", "on"));
        assert!(!p("qualify", "2000"));
        // A [general]-only option in a peer is not strictly parsed there (chan_sip ignores it).
        assert!(!p("externaddr", "pbx.example.net"));
    }

    /// The checker works a template's lines out once, yet reports each inheriting section.
    #[test]
    fn a_refused_inherited_value_is_reported_for_every_section() {
        let config = crate::asterisk::load_texts(
            "mem",
            vec![(
                "sip.conf".to_string(),
                b"[t](!)\nqualify=on\nnat=true\n[a](t)\n[b](t)\nqualify=yes\n[c](t)\n".to_vec(),
            )],
        );
        let file = &config.files[0];
        let mut checker = SectionChecker::new(Driver::ChanSip);
        let mut out = Vec::new();
        for name in ["a", "b", "c"] {
            checker.check(Scope::SipPeer, file.section(name).unwrap(), None, &mut out);
        }
        let got: Vec<(String, String)> = out
            .iter()
            .map(|r| (r.section.clone(), r.option.clone()))
            .collect();
        let mut expected = Vec::new();
        for name in ["a", "b", "c"] {
            let mut one = Vec::new();
            check_section(
                Driver::ChanSip,
                Scope::SipPeer,
                file.section(name).unwrap(),
                None,
                &mut one,
            );
            expected.extend(one.into_iter().map(|r| (r.section, r.option)));
        }
        assert_eq!(got, expected);
        // b overrides `qualify` with a good value: only its `nat` is refused.
        assert!(got.contains(&("b".to_string(), "nat".to_string())));
        assert!(!got.contains(&("b".to_string(), "qualify".to_string())));
        assert!(got.contains(&("a".to_string(), "qualify".to_string())));
        assert!(got.contains(&("c".to_string(), "qualify".to_string())));
    }

    /// Skipping a template's clean runs whole (remembered across sections) reports exactly
    /// what checking every line of every section on its own does: clean and refused
    /// templates, a template read in two scopes, and overrides.
    #[test]
    fn skipped_clean_runs_report_what_every_line_does() {
        let text = b"[clean](!)\ntype=endpoint\ndirect_media=no\ndeny=0.0.0.0/0.0.0.0\n\
            [bad](!)\ntype=endpoint\ndirect_media=maybe\npermit=pbx.example.com\n\
            [a](clean)\npermit=10.0.0.0/8\n[b](bad)\ndirect_media=yes\n[c](clean,bad)\n\
            [d](clean)\nidentify_by=phone\n[clean](+)\ncontact_deny=x.x.x.x\n\
            [e](clean)\n[f](clean)\ndirect_media=sure\n[g](bad)\n[h](clean)\n"
            .to_vec();
        let config = crate::asterisk::load_texts("mem", vec![("pjsip.conf".to_string(), text)]);
        let file = &config.files[0];
        let show = |out: &[RefusedValue]| -> Vec<String> {
            out.iter()
                .map(|r| {
                    format!(
                        "{} {} {} {:?} {:?}",
                        r.section, r.option, r.value, r.pos, r.effect
                    )
                })
                .collect()
        };
        // Each section read as an endpoint and then as an aor (another scope, same lines).
        let mut checker = SectionChecker::new(Driver::Pjsip);
        let (mut shared, mut alone) = (Vec::new(), Vec::new());
        for _ in 0..2 {
            for s in file.live_sections() {
                for ty in ["endpoint", "aor"] {
                    checker.check(Scope::Pjsip(ty), s, Some(ty), &mut shared);
                    check_section(Driver::Pjsip, Scope::Pjsip(ty), s, Some(ty), &mut alone);
                }
            }
        }
        assert_eq!(show(&shared), show(&alone));
        let got = show(&shared);
        assert!(
            got.iter()
                .any(|r| r.starts_with("b permit pbx.example.com"))
        );
        assert!(got.iter().any(|r| r.starts_with("f direct_media sure")));
        assert!(!got.iter().any(|r| r.starts_with("a ")));
        assert!(!got.iter().any(|r| r.starts_with("b direct_media")));
    }

    #[test]
    fn pjsip_values() {
        let t = |ty, n, v| refused(Driver::Pjsip, Scope::Pjsip(ty), n, v);
        for bad in [
            "(IPv4 Address)",
            "x.x.x.x:5060",
            "[xxxx]:5060",
            "1.2.3.4:abc",
        ] {
            assert!(t("transport", "bind", bad), "{bad}");
        }
        for good in [
            "0.0.0.0",
            "0.0.0.0:5060",
            "[::]:5060",
            "::",
            "pbx.example.net:5060",
        ] {
            assert!(!t("transport", "bind", good), "{good}");
        }
        for bad in [
            "XXX.XXX.XXX.XXX",
            "PROVIDERIP",
            "192.168.aaa.bbb",
            "1.1.1.1 //public address",
            "<sip-server-ip>",
        ] {
            assert!(t("identify", "match", bad), "{bad}");
        }
        for good in [
            "sip.example.com",
            "1.2.3.0/24 //office",
            "1.2.3.4:5060",
            "2001:db8::/32",
        ] {
            assert!(!t("identify", "match", good), "{good}");
        }
        assert!(t("endpoint", "identify_by", "username,phone"));
        assert!(!t("endpoint", "identify_by", "Username, IP"));
        assert!(t("endpoint", "from_user", "John Smith"));
        assert!(t("endpoint", "trust_id_inbound", "sure"));
        assert!(t("aor", "max_contacts", "yes"));
    }
}
