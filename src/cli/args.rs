//! Command-line definitions (clap). Behaviour lives in the library and in one file per command
//! next to this one; this file only says what the user can type, with help that teaches by
//! example.
//!
//! Enumerations the library defines (`FailOn`, `FirewallFormat`) are offered through
//! [`choice`]: the library owns the names, the command line only lists them.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use pbxgen::audit::engine::FailOn;
use pbxgen::twilio::firewall::FirewallFormat;
use std::path::PathBuf;

/// A value parser for an enumeration of the library: its names as the possible values (with a
/// line of help each, when `help` is given), parsed back into the value.
fn choice<T: Copy + Send + Sync + 'static>(
    all: &'static [T],
    name: fn(T) -> &'static str,
    help: Option<fn(T) -> &'static str>,
) -> impl TypedValueParser<Value = T> {
    let values = all.iter().map(move |&v| {
        let value = PossibleValue::new(name(v));
        match help {
            Some(help) => value.help(help(v)),
            None => value,
        }
    });
    PossibleValuesParser::new(values).map(move |s| {
        *all.iter()
            .find(|&&v| name(v) == s)
            .expect("clap accepts only the possible values")
    })
}

/// An Asterisk major version the auditor knows (`pbxgen::asterisk::KNOWN_MAJORS`).
fn asterisk_major() -> impl TypedValueParser<Value = u32> {
    let known = pbxgen::asterisk::KNOWN_MAJORS;
    clap::value_parser!(u32)
        .range(i64::from(*known.start())..=i64::from(*known.end()))
        .map(|v: u32| v)
}

fn fail_on() -> impl TypedValueParser<Value = FailOn> {
    choice(&FailOn::ALL, FailOn::as_str, None)
}

#[derive(Parser, Debug)]
#[command(
    name = "pbxgen",
    version,
    about = "Render, audit and keep current the configuration of Asterisk PBXs",
    long_about = "pbxgen turns a declarative YAML site profile into Asterisk's pjsip.conf, sip.conf, \
extensions.conf, the WebSMS bridge's websms.conf and SPA3102 provisioning files; audits any Asterisk \
configuration (generated or hand-written) for toll-fraud and security risks; and refreshes Twilio's \
SIP IP allowlists safely.",
    after_help = "Examples:\n  \
pbxgen render examples/home-lab.yaml --out /tmp/pbx\n  \
pbxgen audit /etc/asterisk --format sarif > pbxgen.sarif\n  \
pbxgen twilio refresh --check\n  \
pbxgen profile check site.yaml\n\n\
Exit codes: 0 ok, 1 findings/drift/out of date, 2 invalid input or unusable source."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct GlobalArgs {
    /// When to use colours: auto respects NO_COLOR, CLICOLOR_FORCE and whether stdout is a terminal
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Print only errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more about what is done (repeat for more)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Change a read limit, NAME=SIZE (repeatable): config-file (default 64MiB), config-tree
    /// (1GiB, all files of one audited tree), profile (64MiB, profiles and presets), secret
    /// (64KiB, a ${file:} secret)
    #[arg(
        long,
        global = true,
        value_name = "NAME=SIZE",
        env = "PBXGEN_LIMITS",
        value_delimiter = ',',
        hide_env_values = true
    )]
    pub limit: Vec<String>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Render Asterisk configuration files from a site profile
    #[command(after_help = "Examples:\n  \
pbxgen render examples/home-lab.yaml --out /tmp/pbx\n  \
pbxgen render site.yaml --out /etc/asterisk --diff        # show what would change (secrets masked)\n  \
pbxgen render site.yaml --out /etc/asterisk --check       # exit 1 on drift, write nothing (CI)\n  \
pbxgen render site.yaml --out out/ --only pjsip.conf,extensions.conf\n  \
pbxgen render site.yaml --out out/ --templates my-templates/   # override any embedded template\n  \
pbxgen render site.yaml --out /etc/asterisk --verify      # load into a throwaway Asterisk first\n\n\
Exit codes: 0 written or up to date; 1 refused (self-audit findings at or above --fail-on, or with \
--verify what Asterisk reports: the last line on stderr is `error: refusing to write: …`) or, with \
--check, drift (the last line on stderr is `drift: …`); 2 invalid profile, secret or template, or \
Asterisk cannot run for --verify. `--format json` names the outcome.")]
    Render(RenderArgs),

    /// Audit Asterisk configuration for security and correctness risks
    #[command(after_help = "Examples:\n  \
pbxgen audit /etc/asterisk\n  \
pbxgen audit sip.conf extensions.conf --fail-on critical\n  \
pbxgen audit --kind sip peers-site1.conf           # a file whose name does not say its kind\n  \
pbxgen audit --profile site.yaml                 # render in memory, audit the result\n  \
pbxgen audit /etc/asterisk --format sarif > pbxgen.sarif\n  \
pbxgen audit /etc/asterisk --format json | jq '.summary'\n\n\
Suppress a finding in a config file with a reason:\n  \
allowguest=yes ; pbxgen: ignore[PBX101] lab box, no trunks\n\n\
Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 unreadable input.")]
    Audit(AuditArgs),

    /// Migrate chan_sip (sip.conf) to pjsip, keeping what the site really does
    #[command(after_help = "Examples:\n  \
pbxgen migrate /etc/asterisk                         # the report only: where every option goes\n  \
pbxgen migrate /etc/asterisk --out /etc/asterisk --diff   # what would change (secrets masked)\n  \
pbxgen migrate /etc/asterisk --out /tmp/migrated     # write pjsip.conf (and extensions.conf)\n  \
pbxgen migrate sip.conf --out out/ --format json | jq '.summary'\n\n\
SRC is a configuration directory, or a sip.conf (extensions.conf beside it is rewritten too).\n\
Guests (allowguest=yes) are not kept unless --keep-guest.\n\n\
Exit codes: 0 nothing needs a human, 1 something does (or the output was refused), 2 unreadable input.")]
    Migrate(MigrateArgs),
    /// Load a configuration directory into a throwaway Asterisk and report what it refused
    #[command(
        long_about = "Load DIR (an /etc/asterisk-like directory) into a throwaway instance of a real \
Asterisk and report every ERROR and WARNING the configuration caused — at file:line where Asterisk \
names a line or an object — separately from the noise of the throwaway instance (listed, not counted), \
and the objects Asterisk loaded (pjsip endpoints, AORs, auths, identifies, transports, registrations; \
dialplan contexts) against what pbxgen's model of DIR predicts.

It never touches a running PBX: the instance has its own copy of DIR and its own run, log, spool and \
lib directories in a temporary directory, its own network namespace with only loopback (it binds no \
port of the host and sends nothing off the machine), and it is stopped and removed when pbxgen ends.

Which Asterisk: --asterisk PATH (on a PBX host, the installed binary, e.g. /usr/sbin/asterisk); \
else the sandbox root at $PBXGEN_ASTERISK_ROOT (default /var/cache/pbxgen/asterisk-root, built by \
scripts/asterisk-sandbox ensure: Debian's Asterisk 22), when it is there; else /usr/sbin/asterisk.

Needs Linux with network, mount and PID namespaces, util-linux's unshare, and root or unprivileged \
user namespaces.",
        after_help = "Examples:\n  \
pbxgen verify /etc/asterisk --asterisk /usr/sbin/asterisk    # on the PBX, with its own Asterisk\n  \
pbxgen verify out/                                           # the sandbox's Asterisk 22\n  \
pbxgen verify out/ --format json | jq '.findings'\n  \
pbxgen render site.yaml --out /etc/asterisk --verify         # verify before writing\n\n\
Exit codes: 0 clean, 1 configuration errors or warnings, or objects other than pbxgen's model \
predicts, 2 Asterisk cannot run or the directory cannot be read."
    )]
    Verify(VerifyArgs),

    /// List audit rules, or explain one
    #[command(
        after_help = "Examples:\n  pbxgen rules\n  pbxgen rules PBX401\n  pbxgen rules --format json"
    )]
    Rules(RulesArgs),

    /// Twilio helpers: allowlists, firewall rules, the signed-webhook server
    #[command(subcommand)]
    Twilio(TwilioCommand),

    /// Validate a site profile, or print its JSON Schema
    #[command(subcommand)]
    Profile(ProfileCommand),

    /// Work with the embedded minijinja templates
    #[command(subcommand)]
    Templates(TemplatesCommand),

    /// Print shell completions
    #[command(
        after_help = "Examples:\n  pbxgen completions bash > /etc/bash_completion.d/pbxgen\n  pbxgen completions zsh > ~/.zfunc/_pbxgen"
    )]
    Completions(CompletionsArgs),

    /// Print the man page (roff), or write every page (pbxgen and each subcommand) into a directory
    #[command(after_help = "Examples:\n  \
pbxgen man --dir /usr/local/share/man/man1     # pbxgen.1, pbxgen-render.1, pbxgen-twilio-refresh.1, …\n  \
pbxgen man > pbxgen.1                          # the main page only")]
    Man(ManArgs),
}

#[derive(Args, Debug, Clone)]
pub struct RenderArgs {
    /// Site profile (YAML)
    pub profile: PathBuf,
    /// Directory to write the files into (created 0750 when missing)
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Show a unified diff against the files on disk (secrets masked); writes nothing
    #[arg(long)]
    pub diff: bool,
    /// Exit 1 when any file would change, 0 otherwise; writes nothing
    #[arg(long)]
    pub check: bool,
    /// Print which files would be written where; writes nothing
    #[arg(long, short = 'n')]
    pub dry_run: bool,
    /// Render only these files (comma-separated names, e.g. pjsip.conf,extensions.conf)
    #[arg(long, value_delimiter = ',', value_name = "FILES")]
    pub only: Vec<String>,
    /// Directory of templates overriding the embedded ones (same file names)
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Write files holding secrets with mode 0600 instead of 0640
    #[arg(long)]
    pub private: bool,
    /// When the owner or group of a file being replaced cannot be kept (not running as root),
    /// write it owned by you instead of refusing
    #[arg(long)]
    pub force_owner: bool,
    /// Refuse to write when the self-audit of the whole site has findings at or above this
    /// severity (every finding is printed on stderr either way)
    #[arg(long, value_parser = fail_on(), default_value = "high", value_name = "SEVERITY")]
    pub fail_on: FailOn,
    /// Load the rendered files into a throwaway Asterisk first (see `pbxgen verify`); write
    /// nothing when it reports configuration errors
    #[arg(long)]
    pub verify: bool,
    /// With --verify: the Asterisk binary to run (default: the sandbox, else /usr/sbin/asterisk)
    #[arg(long, value_name = "PATH", requires = "verify")]
    pub asterisk: Option<PathBuf>,
    /// Output format of the summary on stdout (json: one object with `outcome`, files, findings)
    #[arg(long, value_enum, default_value_t = RenderFormat::Text)]
    pub format: RenderFormat,
    /// Twilio range preset to use instead of the profile's `twilio.preset` (e.g. one written by
    /// `pbxgen twilio refresh --write`)
    #[arg(long, value_name = "FILE")]
    pub twilio_preset: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenderFormat {
    Text,
    Json,
}

#[derive(Args, Debug, Clone)]
pub struct VerifyArgs {
    /// Configuration directory (like /etc/asterisk)
    pub dir: PathBuf,
    /// The Asterisk binary to run (default: the sandbox at $PBXGEN_ASTERISK_ROOT when it is
    /// there, else /usr/sbin/asterisk)
    #[arg(long, value_name = "PATH")]
    pub asterisk: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = VerifyFormat::Text)]
    pub format: VerifyFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerifyFormat {
    Text,
    Json,
}

#[derive(Args, Debug, Clone)]
pub struct MigrateArgs {
    /// Configuration directory holding sip.conf, or a sip.conf file
    pub src: PathBuf,
    /// Directory to write pjsip.conf (and a rewritten extensions.conf) into; without it nothing
    /// is written
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Show a unified diff against the files in --out (or beside SRC), secrets masked; writes
    /// nothing
    #[arg(long)]
    pub diff: bool,
    /// Print which files would be written where; writes nothing
    #[arg(long, short = 'n')]
    pub dry_run: bool,
    /// Report format
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Keep chan_sip's guest calls (allowguest=yes) as a pjsip `anonymous` endpoint
    #[arg(long)]
    pub keep_guest: bool,
    /// Write the files with mode 0600 instead of 0640
    #[arg(long)]
    pub private: bool,
    /// Also read inside DIR when an #include or a symbolic link of sip.conf leads there
    /// (repeatable). By default nothing outside SRC's directory is read, and a sip.conf that
    /// includes such a file is not migrated (its peers would be missing)
    #[arg(long, value_name = "DIR")]
    pub allow_outside: Vec<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    Text,
    Json,
}

#[derive(Args, Debug, Clone)]
pub struct AuditArgs {
    /// Config directories (like /etc/asterisk) or files to audit
    pub paths: Vec<PathBuf>,
    /// Render this site profile in memory and audit the result (plus profile rules)
    #[arg(long, value_name = "PROFILE")]
    pub profile: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Exit 1 when a finding is at or above this severity
    #[arg(long, value_parser = fail_on(), default_value = "high", value_name = "SEVERITY")]
    pub fail_on: FailOn,
    /// Target Asterisk major version, 10 to 23 (affects chan_sip and pjsip option checks)
    #[arg(long, value_name = "MAJOR", value_parser = asterisk_major())]
    pub asterisk_version: Option<u32>,
    /// Only report findings at or above this severity
    #[arg(long, value_parser = fail_on(), value_name = "SEVERITY")]
    pub min_severity: Option<FailOn>,
    /// Dump the parsed PBX model instead of auditing (debugging)
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub dump_model: Option<DumpFormat>,
    /// Which Asterisk file the files given are, when their names do not say (sip, pjsip,
    /// extensions, voicemail, manager, acl, asterisk, http, websms, pjsip_wizard, twiml,
    /// other): KIND for every file given, FILE=KIND for one (repeatable)
    #[arg(long, value_name = "[FILE=]KIND")]
    pub kind: Vec<String>,
    /// Also read inside DIR when an #include or a symbolic link leads there (repeatable). By
    /// default nothing outside the audited directory (or the given files' directories) is read:
    /// use this only for configs you trust, never in CI on pull requests
    #[arg(long, value_name = "DIR")]
    pub allow_outside: Vec<PathBuf>,
    /// Twilio range preset the Twilio rules (PBX304–PBX306) check against, instead of the one
    /// built into pbxgen (e.g. one written by `pbxgen twilio refresh --write`)
    #[arg(long, value_name = "FILE")]
    pub twilio_preset: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DumpFormat {
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Text,
    Json,
    Sarif,
    Github,
}

#[derive(Args, Debug, Clone)]
pub struct RulesArgs {
    /// A rule code (PBX401) or name (dialplan-toll-fraud-path) to explain
    pub code: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RulesFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Subcommand, Debug)]
pub enum TwilioCommand {
    /// Fetch Twilio's published SIP IP ranges, show the change, and update the preset safely
    #[command(after_help = "Examples:\n  \
pbxgen twilio refresh                          # show the diff against profiles/twilio.yaml\n  \
pbxgen twilio refresh --write profiles/twilio.yaml\n  \
pbxgen twilio refresh --check                  # exit 1 when the preset is out of date (CI)\n\n\
Exit codes: 0 current (or written), 1 out of date (--check), 2 source unusable or update refused.")]
    Refresh(RefreshArgs),

    /// Print firewall rules (nftables or iptables) that accept Twilio's signalling and media
    #[command(after_help = "Examples:\n  \
pbxgen twilio firewall > twilio.nft && nft -f twilio.nft\n  \
pbxgen twilio firewall --format iptables > twilio.rules && iptables-restore --noflush < twilio.rules\n\n\
Then jump to the chain once from your input chain, before any rule that drops:\n  \
nft insert rule inet filter input jump twilio\n  \
iptables -I INPUT -j PBXGEN-TWILIO")]
    Firewall(FirewallArgs),

    /// Serve Twilio's voice webhooks for the profile's numbers (signed requests only)
    #[command(
        long_about = "Serve Twilio's voice webhooks for the numbers of a site profile (`twilio.webhook`). For each number NAME, under the path of `public_url`:

  POST …/NAME/voice         the number's TwiML (the document the rendered twiml-NAME.xml holds)
  POST …/NAME/dial-status   the <Dial action> callback: a <Dial> to the failover number when
                            DialCallStatus is one of `failover.on`, else <Hangup/>
  GET  /healthz             200, for load balancers and monitoring

Every other request must carry a valid X-Twilio-Signature over `public_url` + its path (403 otherwise); bodies over 64 KiB get 413, slow clients time out, SIGTERM or SIGINT finish the requests in flight and exit 0. One log line per request on stderr (`-q`: rejected requests and errors only; `-v`: connection errors too); the token is never printed.",
        after_help = "Examples:
  pbxgen twilio serve /etc/pbxgen/site.yaml            # as pbxgen-twilio.service runs it
  pbxgen twilio serve site.yaml --listen 127.0.0.1:0   # any free port (logged)
  pbxgen twilio serve site.yaml --token-file token.secret

Try it with a signed request (the signature covers the public URL, not the address you
connect to):
  URL=https://pbx.example.net/twilio/main/voice
  SIG=$(pbxgen twilio sign $URL CallSid=CA123 From=+15550001111 --profile site.yaml)
  curl -X POST http://127.0.0.1:8088/twilio/main/voice -H \"X-Twilio-Signature: $SIG\" \\
    --data-urlencode CallSid=CA123 --data-urlencode From=+15550001111

Exit codes: 0 stopped by a signal, 2 invalid profile, unreadable token or address in use."
    )]
    Serve(ServeArgs),

    /// Print the X-Twilio-Signature of a URL and form parameters (for curl tests)
    #[command(after_help = "Examples:
  pbxgen twilio sign https://pbx.example.net/twilio/main/voice \\
    CallSid=CA123 From=+15550001111 --profile site.yaml
  SIG=$(pbxgen twilio sign https://pbx.example.net/twilio/main/dial-status \\
    CallSid=CA123 DialCallStatus=failed --token-file token.secret)
  curl -X POST http://127.0.0.1:8088/twilio/main/dial-status -H \"X-Twilio-Signature: $SIG\" \\
    --data-urlencode CallSid=CA123 --data-urlencode DialCallStatus=failed

The URL is the one Twilio requests (public_url + path, query included); the parameters are
the POST form fields, in any order. The token is read, never printed.")]
    Sign(SignArgs),
}

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Site profile (YAML) with `twilio.webhook`
    pub profile: PathBuf,
    /// Listen on ADDR:PORT instead of `twilio.webhook.listen` (port 0: any free port)
    #[arg(long, value_name = "ADDR:PORT")]
    pub listen: Option<std::net::SocketAddr>,
    /// Read the auth token from FILE instead of `twilio.webhook.auth_token` (a systemd credential)
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Serve HTTPS with this PEM certificate chain instead of `twilio.webhook.tls`
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Templates overriding the embedded ones, as given to `render --templates` (the voice
    /// answer is the rendered twiml-NAME.xml)
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
#[command(group(clap::ArgGroup::new("token").required(true).args(["token_file", "profile"])))]
pub struct SignArgs {
    /// The full URL Twilio requests (https://host/path?query)
    pub url: String,
    /// POST form parameters, NAME=VALUE
    #[arg(value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Read the auth token from FILE (one trailing newline ignored)
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Read the auth token from this profile's `twilio.webhook.auth_token`
    #[arg(long, value_name = "PROFILE")]
    pub profile: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct FirewallArgs {
    /// Firewall to write rules for
    #[arg(
        long,
        value_parser = choice(&FirewallFormat::ALL, FirewallFormat::as_str, Some(FirewallFormat::description)),
        default_value = "nftables"
    )]
    pub format: FirewallFormat,
    /// Range preset to use (default: the one built into pbxgen)
    #[arg(long, value_name = "FILE")]
    pub preset: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct RefreshArgs {
    /// Page to read (default: Twilio's IP-addresses documentation, Markdown twin first)
    #[arg(long, value_name = "URL")]
    pub source: Option<String>,
    /// Preset file to compare with and (with --write) update
    #[arg(long, value_name = "FILE")]
    pub preset: Option<PathBuf>,
    /// Write the refreshed preset to FILE (atomically); without it only the diff is shown
    #[arg(long, value_name = "FILE", conflicts_with = "check")]
    pub write: Option<PathBuf>,
    /// Exit 1 when the preset is out of date, 0 when current; writes nothing
    #[arg(long)]
    pub check: bool,
    /// Extra CA certificate (PEM) to trust, e.g. a corporate proxy's
    #[arg(long, value_name = "PEM")]
    pub ca_cert: Option<PathBuf>,
    /// Accept an update that loses edges or more than half of the ranges
    #[arg(long)]
    pub accept_shrink: bool,
    /// Allow http:// sources and redirects to http (for tests on loopback only)
    #[arg(long, hide_short_help = true)]
    pub allow_insecure_http: bool,
    /// Total timeout in seconds
    #[arg(long, default_value_t = 30, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
}

#[derive(Subcommand, Debug)]
pub enum ProfileCommand {
    /// Check a site profile as render would, without writing (positions, hints, every problem)
    #[command(
        after_help = "Examples:\n  pbxgen profile check examples/home-lab.yaml\n  pbxgen profile check site.yaml --resolve-secrets   # also read ${env:…} and ${file:…}\n\n\
Exit codes: 0 render would write it; 1 the self-audit has findings at or above --fail-on; 2 invalid \
profile, secret or template (every problem is printed)."
    )]
    Check(ProfileCheckArgs),
    /// Print the JSON Schema (draft-07) of site profiles, for editors
    #[command(after_help = "Example (yaml-language-server):\n  \
pbxgen profile schema > pbxgen.schema.json\n  \
# then, first line of site.yaml:\n  \
# yaml-language-server: $schema=./pbxgen.schema.json")]
    Schema,
}

#[derive(Args, Debug, Clone)]
pub struct ProfileCheckArgs {
    /// Site profile (YAML)
    pub profile: PathBuf,
    /// Also resolve secret references (environment variables, files) and check their values
    #[arg(long)]
    pub resolve_secrets: bool,
    /// Exit 1 when the self-audit of the rendered site has findings at or above this severity
    /// (what `render` would refuse with the same `--fail-on`)
    #[arg(long, value_parser = fail_on(), default_value = "high", value_name = "SEVERITY")]
    pub fail_on: FailOn,
    /// Twilio range preset to check the profile against, instead of its `twilio.preset`
    #[arg(long, value_name = "FILE")]
    pub twilio_preset: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum TemplatesCommand {
    /// Copy the embedded templates into DIR, to edit and pass back with `render --templates DIR`
    #[command(
        after_help = "Example:\n  pbxgen templates export my-templates/\n  pbxgen render site.yaml --out out/ --templates my-templates/"
    )]
    Export(TemplatesExportArgs),
    /// List the embedded templates
    #[command(after_help = "Example:\n  pbxgen templates list")]
    List,
}

#[derive(Args, Debug, Clone)]
pub struct TemplatesExportArgs {
    /// Directory to copy the templates into
    pub dir: PathBuf,
    /// Overwrite files that already exist
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug, Clone)]
pub struct ManArgs {
    /// Write pbxgen.1 and one page per subcommand (pbxgen-render.1, …) into DIR
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct CompletionsArgs {
    /// Shell to generate completions for
    pub shell: clap_complete::Shell,
}
