//! THE OPTION TABLE: every chan_sip option pbxgen knows, where chan_sip reads it, and what
//! becomes of it in pjsip. One row per option (aliases share a row); each row cites the
//! Asterisk source it is based on (chan_sip of Asterisk 20.20.1: `channels/chan_sip.c`,
//! `channels/sip/config_parser.c`; res_pjsip of 20 and 22). Research notes with the details:
//! `docs/notes/sip-to-pjsip-mapping.md`.
//!
//! An option that is in no row is not a chan_sip option: chan_sip ignores it (its
//! `reload_config` has no final `else`, and `build_peer` hands unknown names to
//! `ast_rtp_dtls_cfg_parse`, which ignores them), and so does the migration, saying so.
//!
//! Every pjsip option a row names exists for its object type in Asterisk 20 and 22
//! (`data/asterisk/pjsip-options.tsv`; the integration test `migrate::options` checks it).

use super::report::Severity;
use super::values::leading_int;
use crate::asterisk::fast_hash::FastMap;
use crate::asterisk::model::values::{ast_false, ast_true};
use std::borrow::Cow;
use std::sync::OnceLock;

/// Where chan_sip reads an option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// `[general]` only (`reload_config`); in a peer chan_sip ignores it.
    General,
    /// Peers only (`build_peer`); in `[general]` chan_sip ignores it.
    Peer,
    /// Both: in `[general]` it is the default of every peer (`handle_common_options` flags are
    /// copied by `SIP_FLAGS_TO_COPY`; values by `set_peer_defaults`), a peer line replaces it.
    Both,
}

/// A converted value: the pjsip options it becomes (of the row's object type), and how good a
/// translation that is.
#[derive(Clone, Debug)]
pub struct Converted {
    pub options: Vec<(&'static str, Cow<'static, str>)>,
    pub severity: Severity,
    pub message: Cow<'static, str>,
}

impl Converted {
    fn one(option: &'static str, value: impl Into<Cow<'static, str>>) -> Converted {
        Converted {
            options: vec![(option, value.into())],
            severity: Severity::Mapped,
            message: Cow::Borrowed(""),
        }
    }

    fn none(severity: Severity, message: impl Into<Cow<'static, str>>) -> Converted {
        Converted {
            options: Vec::new(),
            severity,
            message: message.into(),
        }
    }

    fn with(mut self, severity: Severity, message: impl Into<Cow<'static, str>>) -> Converted {
        self.severity = severity;
        self.message = message.into();
        self
    }
}

/// Which pjsip object a simple row writes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Object {
    /// The peer's endpoint.
    Endpoint,
    /// The peer's aor (peers that have one).
    Aor,
    /// The `type=global` section.
    Global,
    /// The `type=system` section.
    System,
}

impl Object {
    pub fn kind(self) -> &'static str {
        match self {
            Object::Endpoint => "endpoint",
            Object::Aor => "aor",
            Object::Global => "global",
            Object::System => "system",
        }
    }
}

/// Options handled together, because their meaning depends on each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Concern {
    /// `type`, `host`, `secret`, `md5secret`, `remotesecret`, `defaultuser`, `insecure`,
    /// `port`, `auth`, `defaultip`: who the peer is, how it is identified and authenticated.
    Identity,
    /// `permit`/`deny`/`acl`: the peer's own ACL, in order.
    Acl,
    /// `contactpermit`/`contactdeny`/`contactacl`.
    ContactAcl,
    /// `nat`.
    Nat,
    /// `directmedia`/`canreinvite`.
    DirectMedia,
    /// `allow`/`disallow`, `videosupport`, `textsupport`.
    Codecs,
    /// `qualify`, `qualifyfreq`.
    Qualify,
    /// `mailbox`, `subscribemwi`.
    Mailbox,
    /// The peer's `transport` list.
    PeerTransport,
    /// `outboundproxy`.
    OutboundProxy,
    /// `callerid`, `fullname`, `cid_number`, `trunkname`.
    CallerId,
    /// `encryption`, `dtlsenable`: the endpoint's `media_encryption`.
    MediaEncryption,
    /// `t38pt_udptl`.
    T38,
    /// `allowguest`, `autocreatepeer` ([general]): who gets in without an account.
    Guest,
    /// Bind addresses, TCP/TLS, extern*, localnet, tos/cos of signalling ([general]).
    Transports,
    /// `register =>` lines and their retry settings ([general]).
    Registrations,
    /// `realm` ([general]): the digest realm.
    Realm,
    /// `match_auth_username` ([general]).
    MatchAuthUsername,
    /// `maxexpiry`, `minexpiry`, `defaultexpiry` ([general]): registration limits of every aor.
    Expiry,
    /// `srvlookup` ([general]).
    SrvLookup,
}

/// What becomes of an option.
#[derive(Clone, Copy, Debug)]
pub enum Handler {
    /// One pjsip option of `object`, the value converted; `multi`: every line counts
    /// (`setvar`), else the last one wins.
    Simple {
        object: Object,
        option: &'static str,
        convert: Convert,
        multi: bool,
    },
    /// Handled with the other options of its concern.
    Concern(Concern),
    /// No pjsip equivalent, or nothing to do: dropped with this severity and reason.
    Drop(Severity, &'static str),
}

/// How a value is converted.
#[derive(Clone, Copy, Debug)]
pub enum Convert {
    /// As written (strings the two drivers read the same way).
    Same,
    /// `ast_true` → `yes`, anything else → `no` (chan_sip's reading of its booleans).
    Bool,
    /// A non-negative number as `atoi`/`sscanf` reads it; nothing when there is none
    /// (chan_sip keeps its default).
    Number,
    /// Anything else: called with the row's pjsip option and the value.
    With(fn(&'static str, &str) -> Converted),
}

impl Convert {
    /// Convert `value` for the pjsip option `option`.
    pub fn apply(self, option: &'static str, value: &str) -> Converted {
        match self {
            Convert::Same => Converted::one(option, value.to_string()),
            Convert::Bool => Converted::one(option, if ast_true(value) { "yes" } else { "no" }),
            Convert::Number => match leading_int(value) {
                Some(n) if n >= 0 => Converted::one(option, n.to_string()),
                _ => Converted::none(
                    Severity::Note,
                    "not a number: chan_sip ignored it and kept its default",
                ),
            },
            Convert::With(f) => f(option, value),
        }
    }
}

/// One row of the table.
#[derive(Debug)]
pub struct Row {
    /// The option's names as chan_sip compares them (lower case; aliases together).
    pub names: &'static [&'static str],
    pub scope: Scope,
    pub handler: Handler,
}

const fn endpoint(option: &'static str, convert: Convert) -> Handler {
    Handler::Simple {
        object: Object::Endpoint,
        option,
        convert,
        multi: false,
    }
}

const fn aor(option: &'static str, convert: Convert) -> Handler {
    Handler::Simple {
        object: Object::Aor,
        option,
        convert,
        multi: false,
    }
}

const fn global(option: &'static str, convert: Convert) -> Handler {
    Handler::Simple {
        object: Object::Global,
        option,
        convert,
        multi: false,
    }
}

const fn system(option: &'static str, convert: Convert) -> Handler {
    Handler::Simple {
        object: Object::System,
        option,
        convert,
        multi: false,
    }
}

const fn row(names: &'static [&'static str], scope: Scope, handler: Handler) -> Row {
    Row {
        names,
        scope,
        handler,
    }
}

use Concern as C;
use Convert::{Bool, Number, Same, With};
use Handler::{Concern as Join, Drop};
use Scope::{Both, General, Peer};
use Severity::{Action, Note, Warning};

/// THE TABLE.
pub static ROWS: &[Row] = &[
    // ---- identity, authentication, matching -------------------------------------------------
    // build_peer `type`: peer/user OR-ed, friend = both; reload_config skips a section whose first
    // `type` is missing or unknown ("Section '%s' lacks type").
    row(&["type"], Peer, Join(C::Identity)),
    // build_peer `host`: `dynamic` registers; anything else is resolved (dnsmgr, SRV).
    row(&["host"], Peer, Join(C::Identity)),
    // build_peer `secret`/`md5secret`; check_auth: no secret = no authentication; the username
    // a device must use is the peer name.
    row(&["secret"], Peer, Join(C::Identity)),
    row(&["md5secret"], Peer, Join(C::Identity)),
    // build_peer `remotesecret`; build_reply_digest uses it instead of `secret` outbound.
    row(&["remotesecret"], Peer, Join(C::Identity)),
    // build_peer: `username` is the old name of `defaultuser` (create_addr_from_peer: the
    // outbound digest username and the Request-URI user).
    row(&["defaultuser", "username"], Peer, Join(C::Identity)),
    // set_insecure_flags (handle_common_options): `port`, `invite`; copied from [general].
    row(&["insecure"], Both, Join(C::Identity)),
    // build_peer `port`: the static host's port.
    row(&["port"], Peer, Join(C::Identity)),
    // build_peer `auth` → add_realm_authentication: `user:secret@realm` / `user#md5@realm`.
    row(&["auth"], Peer, Join(C::Identity)),
    // build_peer `defaultip`: where a dynamic peer is before it registers; not used to match.
    row(&["defaultip"], Peer, Join(C::Identity)),
    // build_peer `permit`/`deny`/`acl` → ast_append_acl; a bad entry deletes the peer. In
    // [general] reload_config ignores them. pjsip endpoint permit/deny/acl: same engine.
    row(&["permit", "deny", "acl"], Peer, Join(C::Acl)),
    // build_peer / reload_config `contactpermit`/`contactdeny`/`contactacl`: checked on
    // REGISTER (parse_register_contact); the [general] list applies to every peer.
    row(
        &["contactpermit", "contactdeny", "contactacl"],
        Both,
        Join(C::ContactAcl),
    ),
    // build_peer `directmediapermit`…: an ACL of media peers; pjsip has none.
    row(
        &["directmediapermit", "directmediadeny", "directmediaacl"],
        Peer,
        Drop(
            Warning,
            "pjsip has no direct-media ACL: direct media is now decided by direct_media alone",
        ),
    ),
    // reload_config `allowguest` (default yes): unmatched calls land in [general] context.
    row(&["allowguest"], General, Join(C::Guest)),
    // reload_config `alwaysauthreject`: pjsip always answers unknown users like wrong
    // passwords (pjsip_distributor.c, the artificial endpoint).
    row(
        &["alwaysauthreject"],
        General,
        Drop(
            Note,
            "built into pjsip: unknown users are challenged like known ones (the artificial endpoint)",
        ),
    ),
    // reload_config `autocreatepeer`: any device may register without a configured peer.
    row(&["autocreatepeer"], General, Join(C::Guest)),
    // reload_config `match_auth_username`: the Authorization username picks the device.
    row(
        &["match_auth_username"],
        General,
        Join(C::MatchAuthUsername),
    ),
    // reload_config `realm` (default "asterisk"): the realm of challenges and of md5secret.
    row(&["realm"], General, Join(C::Realm)),
    row(
        &["domainsasrealm"],
        General,
        Drop(
            Note,
            "pjsip challenges with one realm per auth (default_realm)",
        ),
    ),
    // reload_config `dynamic_exclude_static`: static peers' addresses may not register.
    row(
        &["dynamic_exclude_static", "dynamic_excludes_static"],
        General,
        Drop(
            Warning,
            "no pjsip equivalent: add contact_deny lines for the static peers' addresses if it matters",
        ),
    ),
    // ---- NAT, media path ---------------------------------------------------------------------
    // sip_parse_nat_option (config_parser.c): force_rport, comedia, auto_*; default
    // auto_force_rport; a peer's value replaces the general one.
    row(&["nat"], Both, Join(C::Nat)),
    // handle_common_options `directmedia`/`canreinvite`: yes, no, nonat, update, outgoing.
    row(&["directmedia", "canreinvite"], Both, Join(C::DirectMedia)),
    // handle_common_options `videosupport`/`textsupport`: without them chan_sip never offers
    // video/text, whatever `allow` says; pjsip offers what is allowed.
    row(&["videosupport", "textsupport"], Both, Join(C::Codecs)),
    // build_peer / reload_config `allow`/`disallow` → ast_format_cap_update_by_allow_disallow,
    // in order, from the [general] list (set_peer_defaults copies sip_cfg.caps).
    row(&["allow", "disallow"], Both, Join(C::Codecs)),
    // `preferred_codec_only` (build_peer / reload_config) → endpoint preferred_codec_only.
    row(
        &["preferred_codec_only"],
        Both,
        endpoint("preferred_codec_only", Bool),
    ),
    // `autoframing` → endpoint use_ptime (use the remote packetization).
    row(&["autoframing"], Both, endpoint("use_ptime", Bool)),
    // handle_common_options `dtmfmode`: rfc2833 (default), info, shortinfo, inband, auto.
    row(&["dtmfmode"], Both, endpoint("dtmf_mode", With(dtmf_mode))),
    // reload_config `media_address`: the address in the SDP, for every call.
    row(&["media_address"], General, endpoint("media_address", Same)),
    row(
        &["rtpbindaddr"],
        General,
        Drop(
            Warning,
            "pjsip binds RTP to all addresses; bind_rtp_to_media_address with media_address is the closest",
        ),
    ),
    // build_peer / reload_config `rtptimeout`, `rtpholdtimeout`, `rtpkeepalive`.
    row(&["rtptimeout"], Both, endpoint("rtp_timeout", Number)),
    row(
        &["rtpholdtimeout"],
        Both,
        endpoint("rtp_timeout_hold", Number),
    ),
    row(&["rtpkeepalive"], Both, endpoint("rtp_keepalive", Number)),
    // handle_t38_options `t38pt_udptl`: yes/fec, redundancy, none, maxdatagram=N.
    row(&["t38pt_udptl"], Both, Join(C::T38)),
    // handle_t38_options `t38pt_usertpsource`.
    row(
        &["t38pt_usertpsource"],
        Both,
        endpoint("t38_udptl_nat", Bool),
    ),
    // handle_common_options `faxdetect`: yes (CNG + T.38), cng, t38.
    row(
        &["faxdetect"],
        Both,
        endpoint("fax_detect", With(fax_detect)),
    ),
    // build_peer `avpf`, `icesupport` (also [general]), `encryption_taglen`, `force_avp`,
    // `rtp_engine`; handle_common_options `rtcp_mux`.
    row(&["avpf"], Peer, endpoint("use_avpf", Bool)),
    row(&["icesupport"], Both, endpoint("ice_support", Bool)),
    row(
        &["encryption", "dtlsenable"],
        Peer,
        Join(C::MediaEncryption),
    ),
    row(
        &["encryption_taglen"],
        Peer,
        endpoint("srtp_tag_32", With(taglen)),
    ),
    row(&["force_avp"], Peer, endpoint("force_avp", Bool)),
    row(&["rtp_engine"], Peer, endpoint("rtp_engine", Same)),
    row(&["rtcp_mux"], Both, endpoint("rtcp_mux", Bool)),
    // ast_rtp_dtls_cfg_parse (main/rtp_engine.c), from build_peer and reload_config.
    row(&["dtlsverify"], Both, endpoint("dtls_verify", Same)),
    row(&["dtlsrekey"], Both, endpoint("dtls_rekey", Number)),
    row(
        &["dtlsautogeneratecert"],
        Both,
        endpoint("dtls_auto_generate_cert", Bool),
    ),
    row(&["dtlscertfile"], Both, endpoint("dtls_cert_file", Same)),
    row(
        &["dtlsprivatekey"],
        Both,
        endpoint("dtls_private_key", Same),
    ),
    row(&["dtlscipher"], Both, endpoint("dtls_cipher", Same)),
    row(&["dtlscafile"], Both, endpoint("dtls_ca_file", Same)),
    row(
        &["dtlscapath", "dtlscadir"],
        Both,
        endpoint("dtls_ca_path", Same),
    ),
    row(&["dtlssetup"], Both, endpoint("dtls_setup", Same)),
    row(
        &["dtlsfingerprint"],
        Both,
        endpoint("dtls_fingerprint", Same),
    ),
    // ---- codecs-adjacent, features -------------------------------------------------------------
    row(
        &["g726nonstandard"],
        Both,
        endpoint("g726_non_standard", Bool),
    ),
    // handle_common_options `progressinband`: yes, no, never.
    row(&["progressinband"], Both, endpoint("inband_progress", Bool)),
    row(
        &["maxcallbitrate"],
        Both,
        Drop(Note, "pjsip has no video bit-rate cap"),
    ),
    // handle_common_options `allowoverlap`: yes (default), no, dtmf.
    row(
        &["allowoverlap"],
        Both,
        endpoint("allow_overlap", With(overlap)),
    ),
    // build_peer `callgroup`/`pickupgroup`, named variants.
    row(&["callgroup"], Peer, endpoint("call_group", Same)),
    row(&["pickupgroup"], Peer, endpoint("pickup_group", Same)),
    row(
        &["namedcallgroup"],
        Peer,
        endpoint("named_call_group", Same),
    ),
    row(
        &["namedpickupgroup"],
        Peer,
        endpoint("named_pickup_group", Same),
    ),
    // build_peer / reload_config `allowtransfer`.
    row(&["allowtransfer"], Both, endpoint("allow_transfer", Bool)),
    // handle_common_options `allowsubscribe`; `subscribecontext` (set_peer_defaults).
    row(&["allowsubscribe"], Both, endpoint("allow_subscribe", Bool)),
    row(
        &["subscribecontext"],
        Both,
        endpoint("subscribe_context", Same),
    ),
    // build_peer `busylevel` → device state busy threshold.
    row(
        &["busylevel"],
        Peer,
        endpoint("device_state_busy_at", Number),
    ),
    // build_peer `call-limit`: excess calls rejected (update_call_counter).
    row(
        &["call-limit"],
        Peer,
        Drop(
            Warning,
            "pjsip has no per-endpoint call limit: calls beyond it are no longer refused; limit them in the dialplan with GROUP()/GROUP_COUNT()",
        ),
    ),
    row(
        &["callcounter"],
        Both,
        Drop(Note, "pjsip always counts calls for device state"),
    ),
    // ---- caller ID ---------------------------------------------------------------------------
    // build_peer `callerid` (ast_callerid_split), `fullname`, `cid_number`, `trunkname`. In
    // [general], `callerid` is only the fallback for requests without one (default_callerid).
    row(
        &["callerid", "fullname", "cid_number", "trunkname"],
        Peer,
        Join(C::CallerId),
    ),
    row(&["cid_tag"], Peer, endpoint("callerid_tag", Same)),
    row(&["callingpres"], Peer, endpoint("callerid_privacy", Same)),
    // handle_common_options `trustrpid`, `sendrpid` (pai / rpid / yes), `rpid_immediate`,
    // `trust_id_outbound`.
    row(&["trustrpid"], Both, endpoint("trust_id_inbound", Bool)),
    row(&["sendrpid"], Both, endpoint("send_rpid", With(sendrpid))),
    row(&["rpid_immediate"], Both, endpoint("rpid_immediate", Bool)),
    row(
        &["rpid_update"],
        Both,
        Drop(
            Note,
            "send_connected_line is pjsip's closest (on by default); no exact equivalent",
        ),
    ),
    row(
        &["trust_id_outbound"],
        Both,
        endpoint("trust_id_outbound", With(trust_id_outbound)),
    ),
    row(
        &["send_diversion"],
        General,
        endpoint("send_diversion", Bool),
    ),
    row(
        &["use_q850_reason"],
        Both,
        Drop(
            Note,
            "pjsip sends and reads Q.850 Reason headers on its own",
        ),
    ),
    row(&["usereqphone"], Both, endpoint("user_eq_phone", Bool)),
    // ---- mailboxes ---------------------------------------------------------------------------
    // build_peer `mailbox`, `subscribemwi`; app_voicemail mailboxes are `box@context`.
    row(&["mailbox", "subscribemwi"], Peer, Join(C::Mailbox)),
    row(
        &["hasvoicemail"],
        Peer,
        Drop(Note, "a users.conf option: chan_sip ignores it in sip.conf"),
    ),
    row(&["vmexten"], Both, endpoint("voicemail_extension", Same)),
    row(
        &["unsolicited_mailbox"],
        Peer,
        endpoint("incoming_mwi_mailbox", Same),
    ),
    row(
        &["mwi_from"],
        Both,
        endpoint("mwi_from_user", With(from_user)),
    ),
    row(
        &["buggymwi"],
        Both,
        Drop(Note, "no pjsip equivalent (a Cisco quirk)"),
    ),
    // ---- context, language, misc per peer ------------------------------------------------------
    // build_peer / set_peer_defaults `context` (general = every peer's default, and the guests').
    row(&["context"], Both, endpoint("context", Same)),
    row(&["language"], Both, endpoint("language", Same)),
    row(&["tonezone"], Both, endpoint("tone_zone", Same)),
    row(&["mohsuggest"], Both, endpoint("moh_suggest", Same)),
    row(
        &["mohinterpret"],
        Both,
        Drop(
            Note,
            "no endpoint option: set CHANNEL(musicclass) in the dialplan if a class other than default is needed",
        ),
    ),
    row(&["accountcode"], Peer, endpoint("accountcode", Same)),
    row(
        &["amaflags"],
        Peer,
        Drop(
            Note,
            "no endpoint option: set CDR(amaflags) in the dialplan",
        ),
    ),
    row(
        &["setvar"],
        Peer,
        Handler::Simple {
            object: Object::Endpoint,
            option: "set_var",
            convert: With(setvar),
            multi: true,
        },
    ),
    row(
        &["header"],
        Peer,
        Drop(
            Warning,
            "no endpoint option: add the header in a pre-dial handler with PJSIP_HEADER(add,…)",
        ),
    ),
    row(
        &["parkinglot"],
        Both,
        Drop(
            Note,
            "no endpoint option: set CHANNEL(parkinglot) in the dialplan",
        ),
    ),
    row(
        &["description"],
        Peer,
        Drop(Note, "pjsip has no description field"),
    ),
    row(
        &["regexten"],
        Peer,
        Drop(
            Note,
            "pjsip's regcontext adds the endpoint's name, not a chosen extension",
        ),
    ),
    row(
        &["callbackextension"],
        Peer,
        Drop(
            Action,
            "no pjsip equivalent: write a type=registration for this peer by hand",
        ),
    ),
    row(
        &["recordonfeature"],
        Both,
        endpoint("record_on_feature", Same),
    ),
    row(
        &["recordofffeature"],
        Both,
        endpoint("record_off_feature", Same),
    ),
    row(
        &["outofcall_message_context"],
        Both,
        endpoint("message_context", Same),
    ),
    row(&["fromuser"], Peer, endpoint("from_user", With(from_user))),
    // build_peer `fromdomain` (a `:port` is split off as fromdomainport); in [general] the
    // default From domain of every request.
    row(
        &["fromdomain"],
        Both,
        endpoint("from_domain", With(from_domain)),
    ),
    row(&["outboundproxy"], Both, Join(C::OutboundProxy)),
    row(&["transport"], Both, Join(C::PeerTransport)),
    // build_peer `qualify` (no, yes = 2000 ms or [general]'s, a number of ms; anything else
    // off); `qualifyfreq` (default 60 s).
    row(&["qualify", "qualifyfreq"], Both, Join(C::Qualify)),
    row(
        &["keepalive"],
        Both,
        Drop(Note, "no pjsip equivalent for UDP keep-alives per endpoint"),
    ),
    // session-timers: accept (default), originate, refuse; session-expires, session-minse.
    row(
        &["session-timers"],
        Both,
        endpoint("timers", With(session_timers)),
    ),
    row(
        &["session-expires"],
        Both,
        endpoint("timers_sess_expires", Number),
    ),
    row(&["session-minse"], Both, endpoint("timers_min_se", Number)),
    row(
        &["session-refresher"],
        Both,
        Drop(Note, "pjsip chooses the refresher itself"),
    ),
    row(&["timert1"], Both, system("timer_t1", Number)),
    row(&["timerb"], Both, system("timer_b", Number)),
    row(
        &["disallowed_methods"],
        Both,
        Drop(Note, "pjsip has no list of refused methods"),
    ),
    row(
        &["promiscredir"],
        Both,
        Drop(
            Note,
            "pjsip follows redirects by redirect_method; no exact equivalent",
        ),
    ),
    row(&["supportpath"], Both, aor("support_path", Bool)),
    row(
        &[
            "useclientcode",
            "ignoresdpversion",
            "rfc2833compensate",
            "snom_aoc_enabled",
            "discard_remote_hold_retrieval",
            "ignore_requested_pref",
        ],
        Both,
        Drop(Note, "no pjsip equivalent"),
    ),
    row(&["maxforwards"], Both, global("max_forwards", Number)),
    // Realtime-only names: build_peer reads them only for realtime peers.
    row(
        &[
            "regseconds",
            "name",
            "lastms",
            "ipaddr",
            "fullcontact",
            "useragent",
        ],
        Peer,
        Drop(
            Note,
            "read only from realtime: chan_sip ignores it in sip.conf",
        ),
    ),
    // ---- [general]: transports and NAT -------------------------------------------------------
    // reload_config: bindaddr/udpbindaddr, bindport, tcpenable (!ast_false), tcpbindaddr,
    // tlsenable & co (ast_tls_read_conf in main/tcptls.c), externaddr/externip/externhost,
    // externtcpport/externtlsport, localnet, tos_sip/cos_sip.
    row(
        &[
            "bindaddr",
            "udpbindaddr",
            "bindport",
            "tcpenable",
            "tcpbindaddr",
            "tlsenable",
            "sslenable",
            "tlsbindaddr",
            "sslbindaddr",
            "tlscertfile",
            "sslcert",
            "tlscert",
            "tlsprivatekey",
            "sslprivatekey",
            "tlscafile",
            "sslcafile",
            "tlscapath",
            "tlscadir",
            "sslcapath",
            "tlscipher",
            "sslcipher",
            "tlsclientmethod",
            "sslclientmethod",
            "tlsdontverifyserver",
            "tlsverifyclient",
            "externaddr",
            "externip",
            "externhost",
            "externrefresh",
            "externtcpport",
            "externtlsport",
            "localnet",
            "tos_sip",
            "cos_sip",
        ],
        General,
        Join(C::Transports),
    ),
    row(&["tos_audio"], General, endpoint("tos_audio", Same)),
    row(&["tos_video"], General, endpoint("tos_video", Same)),
    row(&["cos_audio"], General, endpoint("cos_audio", Number)),
    row(&["cos_video"], General, endpoint("cos_video", Number)),
    row(
        &["tos_text", "cos_text"],
        General,
        Drop(Note, "pjsip has no text stream marking"),
    ),
    row(
        &["matchexternaddrlocally", "matchexterniplocally"],
        General,
        Drop(Note, "pjsip decides with local_net alone"),
    ),
    row(
        &["websocket_enabled", "websocket_write_timeout"],
        General,
        Drop(
            Note,
            "chan_sip's own WebSocket support: pjsip needs res_pjsip_transport_websocket and a ws/wss transport",
        ),
    ),
    // ---- [general]: registrations ------------------------------------------------------------
    // sip_register / sip_parse_register_line; registertimeout (20 s), registerattempts (0 =
    // forever), register_retry_403.
    row(
        &[
            "register",
            "registertimeout",
            "registerattempts",
            "register_retry_403",
        ],
        General,
        Join(C::Registrations),
    ),
    // reload_config `maxexpiry` (3600), `minexpiry` (60), `defaultexpiry` (120), and their
    // misspelled aliases chan_sip accepts.
    row(
        &[
            "maxexpiry",
            "maxexpirey",
            "minexpiry",
            "minexpirey",
            "defaultexpiry",
            "defaultexpirey",
        ],
        General,
        Join(C::Expiry),
    ),
    row(
        &[
            "submaxexpiry",
            "submaxexpirey",
            "subminexpiry",
            "subminexpirey",
            "mwiexpiry",
            "mwiexpirey",
        ],
        General,
        Drop(Note, "pjsip's subscription limits are separate defaults"),
    ),
    row(
        &["mwi"],
        General,
        Drop(
            Warning,
            "pjsip has no outbound MWI subscription: message-waiting from this server is lost",
        ),
    ),
    // ---- [general]: everything else ----------------------------------------------------------
    row(&["useragent"], General, global("user_agent", Same)),
    row(&["sdpsession"], General, endpoint("sdp_session", Same)),
    row(&["sdpowner"], General, endpoint("sdp_owner", Same)),
    row(&["srvlookup"], General, Join(C::SrvLookup)),
    row(
        &["compactheaders"],
        General,
        system("compact_headers", Bool),
    ),
    row(&["sipdebug"], General, global("debug", Bool)),
    row(
        &["legacy_useroption_parsing"],
        General,
        global("ignore_uri_user_options", Bool),
    ),
    row(&["regcontext"], General, global("regcontext", Same)),
    row(
        &["regextenonqualify"],
        General,
        Drop(Note, "pjsip's regcontext does not follow qualify"),
    ),
    row(
        &["callerid"],
        General,
        Drop(
            Note,
            "the fallback caller ID for requests without one: pjsip has no per-endpoint fallback (global default_from_user is the From user)",
        ),
    ),
    row(
        &["domain", "autodomain", "allowexternaldomains"],
        General,
        Drop(
            Warning,
            "pjsip has no list of local domains: requests to any domain are accepted; per-domain contexts are lost",
        ),
    ),
    row(
        &["storesipcause"],
        General,
        Drop(
            Warning,
            "HASH(SIP_CAUSE,…) no longer exists: use HANGUPCAUSE() in the dialplan",
        ),
    ),
    row(
        &["auth_options_requests"],
        General,
        Drop(
            Note,
            "pjsip challenges OPTIONS from endpoints with auth (allow_unauthenticated_options=no)",
        ),
    ),
    row(
        &["auth_message_requests", "accept_outofcall_message"],
        General,
        Drop(
            Note,
            "pjsip authenticates MESSAGE like any request; res_pjsip_messaging decides acceptance",
        ),
    ),
    row(
        &[
            "relaxdtmf",
            "pedantic",
            "t1min",
            "directrtpsetup",
            "prematuremedia",
            "notifyringing",
            "notifyhold",
            "notifycid",
            "notifymimetype",
            "shrinkcallerid",
            "tcpauthtimeout",
            "tcpauthlimit",
            "authfailureevents",
            "qualifygap",
            "qualifypeers",
            "refer_addheaders",
            "subscribe_network_change_event",
            "dumphistory",
            "recordhistory",
            "ignoreregexpire",
            "rtcachefriends",
            "rtsavesysname",
            "rtsavepath",
            "rtupdate",
            "rtautoclear",
        ],
        General,
        Drop(Note, "no pjsip equivalent"),
    ),
    row(
        &[
            "jbenable",
            "jbforce",
            "jbmaxsize",
            "jbresyncthreshold",
            "jbimpl",
            "jbtargetextra",
            "jblog",
        ],
        General,
        Drop(
            Note,
            "pjsip has no jitter buffer option: use JITTERBUFFER() in the dialplan",
        ),
    ),
];

/// Where an option is being read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    General,
    Peer,
}

impl Scope {
    /// Whether chan_sip reads an option of this scope at `place`.
    pub fn covers(self, place: Place) -> bool {
        matches!(
            (self, place),
            (Scope::Both, _) | (Scope::General, Place::General) | (Scope::Peer, Place::Peer)
        )
    }
}

/// The row of an option name (case-insensitive) read at `place`: the row chan_sip applies
/// there, else the row of the other place (the option is then ignored where it is).
pub fn lookup(name: &str, place: Place) -> Option<&'static Row> {
    static INDEX: OnceLock<FastMap<&'static str, Vec<usize>>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut map: FastMap<&'static str, Vec<usize>> = FastMap::default();
        for (i, row) in ROWS.iter().enumerate() {
            for &n in row.names {
                map.entry(n).or_default().push(i);
            }
        }
        map
    });
    let mut buf = [0u8; 48];
    if name.len() > buf.len() {
        return None;
    }
    buf[..name.len()].copy_from_slice(name.as_bytes());
    buf[..name.len()].make_ascii_lowercase();
    let lower = std::str::from_utf8(&buf[..name.len()]).ok()?;
    let rows = index.get(lower)?;
    rows.iter()
        .map(|&i| &ROWS[i])
        .find(|r| r.scope.covers(place))
        .or_else(|| rows.first().map(|&i| &ROWS[i]))
}

// ---- conversions ------------------------------------------------------------------------------

/// handle_common_options `dtmfmode` → pjsip `dtmf_mode` (res_pjsip.c ast_sip_str_to_dtmf).
fn dtmf_mode(_option: &'static str, value: &str) -> Converted {
    match value.to_ascii_lowercase().as_str() {
        "rfc2833" => Converted::one("dtmf_mode", "rfc4733"),
        "inband" => Converted::one("dtmf_mode", "inband"),
        "info" => Converted::one("dtmf_mode", "info"),
        "auto" => Converted::one("dtmf_mode", "auto"),
        "shortinfo" => Converted::one("dtmf_mode", "info").with(
            Warning,
            "pjsip has no short SIP INFO: the full INFO form is sent (the closest)",
        ),
        _ => Converted::one("dtmf_mode", "rfc4733").with(
            Note,
            "chan_sip warns about an unknown dtmfmode and uses rfc2833 (pjsip rfc4733)",
        ),
    }
}

/// `faxdetect`: yes (CNG and T.38), no, or a list of `cng`, `t38`.
fn fax_detect(_option: &'static str, value: &str) -> Converted {
    if ast_true(value) {
        return Converted::one("fax_detect", "yes").with(
            Note,
            "pjsip detects CNG tones; a T.38 re-INVITE switches to fax by itself",
        );
    }
    if ast_false(value) {
        return Converted::one("fax_detect", "no");
    }
    let words: Vec<String> = value.split(',').map(|w| w.to_ascii_lowercase()).collect();
    if words.iter().any(|w| w == "cng") {
        Converted::one("fax_detect", "yes")
    } else if words.iter().any(|w| w == "t38") {
        Converted::none(
            Note,
            "T.38-only fax detection has no pjsip option: a T.38 re-INVITE is handled anyway",
        )
    } else {
        Converted::none(
            Note,
            "chan_sip warns about an unknown faxdetect mode and ignores it",
        )
    }
}

/// `encryption_taglen`: `32` → 32-bit SRTP tag.
fn taglen(_option: &'static str, value: &str) -> Converted {
    Converted::one(
        "srtp_tag_32",
        if value.trim() == "32" { "yes" } else { "no" },
    )
}

/// `allowoverlap`: yes, no, dtmf (pjsip: yes/no only).
fn overlap(_option: &'static str, value: &str) -> Converted {
    if value.eq_ignore_ascii_case("dtmf") {
        return Converted::one("allow_overlap", "no").with(
            Warning,
            "pjsip has no DTMF overlap dialling: overlap is off",
        );
    }
    Converted::one("allow_overlap", if ast_true(value) { "yes" } else { "no" })
}

/// handle_common_options `sendrpid`: `pai` → P-Asserted-Identity, `rpid` or true → RPID.
fn sendrpid(_option: &'static str, value: &str) -> Converted {
    if value.eq_ignore_ascii_case("pai") {
        Converted::one("send_pai", "yes")
    } else if value.eq_ignore_ascii_case("rpid") || ast_true(value) {
        Converted::one("send_rpid", "yes")
    } else {
        Converted::one("send_rpid", "no")
    }
}

/// handle_common_options `trust_id_outbound`: yes, no, legacy (default when unknown).
fn trust_id_outbound(_option: &'static str, value: &str) -> Converted {
    if ast_true(value) {
        Converted::one("trust_id_outbound", "yes")
    } else if ast_false(value) {
        Converted::one("trust_id_outbound", "no")
    } else {
        Converted::one("trust_id_outbound", "no").with(
            Note,
            "pjsip has no legacy mode: private caller IDs are not sent to untrusted peers",
        )
    }
}

/// `session-timers`: accept (default), originate, refuse.
fn session_timers(_option: &'static str, value: &str) -> Converted {
    match value.to_ascii_lowercase().as_str() {
        "accept" => Converted::one("timers", "yes"),
        "originate" => Converted::one("timers", "always"),
        "refuse" => Converted::one("timers", "no"),
        _ => Converted::none(
            Note,
            "chan_sip ignores an unknown session-timers mode (accept stays)",
        ),
    }
}

/// `setvar=name=value` → `set_var=name=value` (pjsip refuses a line without `=`).
fn setvar(_option: &'static str, value: &str) -> Converted {
    match value.split_once('=') {
        Some((name, _)) if !name.trim().is_empty() => Converted::one("set_var", value.to_string()),
        _ => Converted::none(
            Note,
            "not `name=value`: chan_sip ignores it, and pjsip would refuse the endpoint",
        ),
    }
}

/// `fromuser`/`mwi_from`: pjsip refuses characters outside a URI user part
/// (`from_user_handler`); they are `%`-escaped, which means the same in a SIP URI.
fn from_user(option: &'static str, value: &str) -> Converted {
    let escaped = super::values::from_user(value);
    if escaped == value {
        Converted::one(option, escaped)
    } else {
        Converted::one(option, escaped).with(
            Warning,
            "characters pjsip refuses in a From user are %-escaped (the same user in SIP terms)",
        )
    }
}

/// `fromdomain=host[:port]`: chan_sip splits the port off (fromdomainport); pjsip's
/// `from_domain` is a host.
fn from_domain(_option: &'static str, value: &str) -> Converted {
    match value.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => {
            Converted::one("from_domain", host.to_string()).with(
                Warning,
                "the From port is dropped: pjsip's from_domain is a host name only",
            )
        }
        _ if value.is_empty() => Converted::none(Note, "empty: chan_sip uses its own address"),
        _ => Converted::one("from_domain", value.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_in_one_row_per_place_and_lower_case() {
        for place in [Place::General, Place::Peer] {
            let mut seen = std::collections::HashSet::new();
            for row in ROWS.iter().filter(|r| r.scope.covers(place)) {
                for &n in row.names {
                    assert_eq!(n, n.to_ascii_lowercase(), "{n}");
                    assert!(seen.insert(n), "`{n}` is in two rows for {place:?}");
                }
            }
        }
    }

    #[test]
    fn lookup_ignores_case_and_picks_the_place() {
        assert!(lookup("DtmfMode", Place::Peer).is_some());
        assert!(lookup("canreinvite", Place::General).is_some());
        assert!(
            lookup("password", Place::Peer).is_none(),
            "not a chan_sip option"
        );
        assert_eq!(
            lookup("callerid", Place::General).unwrap().scope,
            Scope::General
        );
        assert_eq!(lookup("callerid", Place::Peer).unwrap().scope, Scope::Peer);
        assert_eq!(
            lookup("allowguest", Place::Peer).unwrap().scope,
            Scope::General,
            "ignored in a peer"
        );
    }

    #[test]
    fn conversions() {
        assert_eq!(
            dtmf_mode("dtmf_mode", "RFC2833").options,
            vec![("dtmf_mode", "rfc4733".into())]
        );
        assert_eq!(
            sendrpid("send_rpid", "pai").options,
            vec![("send_pai", "yes".into())]
        );
        assert_eq!(
            from_domain("from_domain", "h.example:5062").options,
            vec![("from_domain", "h.example".into())]
        );
        assert!(setvar("set_var", "nonsense").options.is_empty());
        assert_eq!(
            Convert::With(from_user)
                .apply("mwi_from_user", "vm")
                .options,
            vec![("mwi_from_user", "vm".into())]
        );
        assert_eq!(
            Convert::Number.apply("rtp_timeout", "60s").options,
            vec![("rtp_timeout", "60".into())]
        );
    }
}
