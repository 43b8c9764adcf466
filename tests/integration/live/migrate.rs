//! `pbxgen migrate` against a real Asterisk 22.
//!
//! - Every sip.conf of the corpus (`real/01–17`) is migrated; the ones chan_sip refused
//!   (`asterisk20-load-truth.tsv`) are refused with their reason, the others give a pjsip.conf
//!   that Asterisk 22 loads without a configuration error, with as many endpoints as chan_sip
//!   (Asterisk 20.20.1) loaded peers and users. The table of figures is printed (README).
//! - SIPp on migrated corpus sites: every account the original lets in (its secret; for
//!   `insecure=invite` peers, from their host) registers and calls through pjsip; every request
//!   the original refuses (wrong password, an address outside the ACL, an unknown or type-less
//!   name, a guest call when guests were refused) is still refused. Asterisk 22 has no chan_sip:
//!   "the original" is what chan_sip's rules say — pbxgen's reader of sip.conf and the truth file.
//!
//! The copies change addresses only (a trunk's public address → a loopback stand-in), asserted
//! present, so that a corpus change breaks the test instead of silently testing something else.

use super::support::{Sipp, SippRun, executed, live};
use crate::util::shared_dir;
use pbxgen::verify::{Asterisk, Instance, InstanceOptions, VerifyOptions, verify_dir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

const ASTERISK: &str = "127.0.0.1:5060";
const TIMEOUT: Duration = Duration::from_secs(15);
const PHONE: &str = "127.0.0.101";
const PHONE_PORT: u16 = 5070;
const OUTSIDER: &str = "127.0.0.200";

/// What Asterisk 20.20.1 loaded from a corpus sip.conf: the objects it listed (peers and users,
/// a friend once), and whether chan_sip refused the file.
struct Truth {
    loaded: usize,
    rejected: bool,
}

fn truth(data: &Path) -> BTreeMap<String, Truth> {
    let text = std::fs::read_to_string(data.join("asterisk20-load-truth.tsv")).unwrap();
    let mut out = BTreeMap::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let is_sip = cols[0]
            .split_once('-')
            .is_some_and(|(_, rest)| rest.starts_with("sip-"));
        if cols.len() < 8 || !is_sip {
            continue;
        }
        out.insert(
            cols[0].to_string(),
            Truth {
                loaded: cols[5].parse().unwrap(),
                rejected: cols[7].contains("sip show peers=n/a") || cols[6].contains("CAUSE:"),
            },
        );
    }
    out
}

/// `pbxgen migrate SRC --out OUT --format json`: (exit code, JSON report or the error text).
fn migrate(src: &Path, out: &Path, extra: &[&str]) -> (i32, String, String) {
    let output = crate::util::pbxgen()
        .arg("migrate")
        .arg(src)
        .arg("--out")
        .arg(out)
        .args(["--format", "json"])
        .args(extra)
        .output()
        .expect("pbxgen runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn every_corpus_sip_conf_migrates_to_a_pjsip_conf_asterisk_22_loads() {
    let asterisk = live!();
    let Some(corpus) = shared_dir("PBXGEN_CORPUS") else {
        return;
    };
    let Some(data) = shared_dir("PBXGEN_SHARED_DATA") else {
        return;
    };
    let truth = truth(&data);
    assert_eq!(truth.len(), 17, "the truth file has the 17 sip.conf rows");
    let mut table = vec![
        "| corpus file | chan_sip (Asterisk 20.20.1) loaded | pbxgen migrate | endpoints Asterisk 22 loaded | configuration errors |".to_string(),
        "|---|---:|---|---:|---:|".to_string(),
    ];
    let mut failures = Vec::new();
    let (mut migrated, mut endpoints_total) = (0, 0);
    for (name, t) in &truth {
        let src = tempfile::tempdir().unwrap();
        std::fs::copy(corpus.join("real").join(name), src.path().join("sip.conf")).unwrap();
        let out = tempfile::tempdir().unwrap();
        let (code, stdout, stderr) = migrate(src.path(), out.path(), &[]);
        if t.rejected {
            // chan_sip declined to load it: refused, with the position and the reason.
            // Or, for an #include that leads out of the directory (05-sip-startelua includes
            // /opt/asterisk/users.conf, which was not published: chan_sip refused it as missing),
            // refused because pbxgen does not read outside the directory it was given.
            if code != 2
                || !stderr.contains("sip.conf:")
                || !(stderr.contains("chan_sip would not load")
                    || stderr.contains("#include leads outside its directory"))
            {
                failures.push(format!(
                    "{name}: chan_sip refused it, but migrate exited {code}: {stderr}"
                ));
            }
            assert!(
                !out.path().join("pjsip.conf").exists(),
                "{name}: nothing is written"
            );
            table.push(format!(
                "| {name} | refused | refused ({}) | – | – |",
                first_line(&stderr)
            ));
            continue;
        }
        assert!(
            code == 0 || code == 1,
            "{name}: migrate exited {code}: {stderr}"
        );
        let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let peers = report["summary"]["peers_loaded"].as_u64().unwrap() as usize;
        let written = report["summary"]["endpoints"].as_u64().unwrap() as usize;
        let verify = verify_dir(out.path(), &asterisk, &VerifyOptions::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        super::support::save_report(&format!("migrate-{name}"), &verify);
        let loaded = verify.objects.endpoints.len();
        let errors = verify.errors + verify.warnings;
        if peers != t.loaded || written != t.loaded || loaded != t.loaded || errors != 0 {
            failures.push(format!(
                "{name}: chan_sip loaded {}, migrate counted {peers} and wrote {written} endpoints, Asterisk 22 loaded {loaded}, with {errors} configuration errors:\n{}",
                t.loaded,
                verify.findings_text()
            ));
        }
        migrated += 1;
        endpoints_total += loaded;
        table.push(format!(
            "| {name} | {} | migrated (exit {code}) | {loaded} | {errors} |",
            t.loaded
        ));
    }
    eprintln!("{}", table.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Not vacuous: most files are migrated and load real endpoints.
    assert!(
        migrated >= 13 && endpoints_total >= 90,
        "{migrated} files, {endpoints_total} endpoints"
    );
}

fn first_line(text: &str) -> String {
    let line = text
        .lines()
        .next()
        .unwrap_or("")
        .trim_start_matches("error: ");
    let cut: String = line.chars().take(60).collect();
    format!("{cut}…").replace('|', "\\|")
}

// ---- SIPp on migrated sites ------------------------------------------------------------------

/// A corpus sip.conf (addresses replaced by stand-ins), migrated, with a test extensions.conf in
/// which every endpoint's context answers `100`.
struct Site {
    _tmp: tempfile::TempDir,
    out: PathBuf,
    /// chan_sip's view of the original: peer name → (secret, context).
    peers: BTreeMap<String, (String, String)>,
    report: serde_json::Value,
}

impl Site {
    fn new(corpus_file: &str, replacements: &[(&str, &str)], extra: &[&str]) -> Option<Site> {
        let corpus = shared_dir("PBXGEN_CORPUS")?;
        let mut text = std::fs::read_to_string(corpus.join("real").join(corpus_file)).unwrap();
        for (from, to) in replacements {
            assert!(text.contains(from), "{corpus_file} no longer has `{from}`");
            text = text.replace(from, to);
        }
        Some(Site::from_text(&text, None, extra))
    }

    /// A site from a sip.conf text (and the extensions.conf beside it, when given: migrated too).
    fn from_text(text: &str, extensions: Option<&str>, extra: &[&str]) -> Site {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("src");
        std::fs::create_dir(&src).unwrap();
        std::fs::write(src.join("sip.conf"), text).unwrap();
        if let Some(ext) = extensions {
            std::fs::write(src.join("extensions.conf"), ext).unwrap();
        }
        // The original, as chan_sip loads it.
        let pbx = pbxgen::audit::load_dir(
            &src,
            &pbxgen::audit::LoadOptions {
                asterisk_version: Some(20),
                ..Default::default()
            },
        )
        .unwrap();
        let peers = pbx
            .sip
            .as_ref()
            .unwrap()
            .peers
            .iter()
            .map(|p| {
                let secret = p
                    .secret
                    .as_ref()
                    .map(|s| s.value.expose().to_string())
                    .unwrap_or_default();
                (p.name.to_string(), (secret, p.context.value.to_string()))
            })
            .collect();
        let out = tmp.path().join("out");
        let (code, stdout, stderr) = migrate(&src, &out, extra);
        assert!(code == 0 || code == 1, "migrate exited {code}: {stderr}");
        let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        // Every context an endpoint names answers 100 (chan_sip's dialplan is not the subject),
        // after the site's own dialplan as migrated.
        let pjsip = std::fs::read_to_string(out.join("pjsip.conf")).unwrap();
        let mut contexts: Vec<&str> = pjsip
            .lines()
            .filter_map(|l| l.strip_prefix("context="))
            .collect();
        contexts.sort();
        contexts.dedup();
        let mut ext = std::fs::read_to_string(out.join("extensions.conf"))
            .or_else(|_| std::fs::read_to_string(src.join("extensions.conf")))
            .unwrap_or_default();
        for c in contexts {
            ext.push_str(&format!(
                "[{c}]\nexten => 100,1,Answer()\nsame => n,Wait(1)\nsame => n,Hangup()\n\n"
            ));
        }
        std::fs::write(out.join("extensions.conf"), ext).unwrap();
        Site {
            _tmp: tmp,
            out,
            peers,
            report,
        }
    }

    fn start(&self, asterisk: &Asterisk, hosts: &[(&str, &str)]) -> Instance {
        let opts = InstanceOptions {
            hosts: hosts
                .iter()
                .map(|(ip, name)| (ip.to_string(), vec![name.to_string()]))
                .collect(),
            ..Default::default()
        };
        super::support::boot(asterisk, &self.out, &opts)
    }

    fn secret(&self, peer: &str) -> &str {
        &self.peers[peer].0
    }

    /// Entries of the migration report about a chan_sip section at a severity.
    fn entries(&self, section: &str, severity: &str) -> usize {
        self.report["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["section"] == section && e["severity"] == severity)
            .count()
    }
}

fn register(pbx: &Instance, user: &str, password: &str, ip: &str) -> SippRun {
    Sipp::new(pbx, "register.xml", ip, PHONE_PORT)
        .target(ASTERISK)
        .key("user", user)
        .auth(user, password)
        .run(TIMEOUT)
}

fn call(pbx: &Instance, user: &str, password: &str, ip: &str) -> SippRun {
    Sipp::new(pbx, "call.xml", ip, PHONE_PORT)
        .target(ASTERISK)
        .service("100")
        .key("user", user)
        .auth(user, password)
        .run(TIMEOUT)
}

/// An INVITE without credentials from `ip:port`, `from_user` in From.
fn invite(pbx: &Instance, ip: &str, port: u16, from_user: &str) -> SippRun {
    Sipp::new(pbx, "invite.xml", ip, port)
        .target(ASTERISK)
        .service("100")
        .key("from_user", from_user)
        .run(TIMEOUT)
}

fn refused(run: &SippRun) -> bool {
    matches!(run.final_status(), Some(401 | 403 | 407))
}

/// Whether the dialplan ran `100` in `context` (the call got through).
fn reached(pbx: &Instance, context: &str) -> bool {
    super::support::eventually(Duration::from_secs(3), || {
        executed(pbx)
            .iter()
            .any(|l| l.contains(&format!("[100@{context}:1]")))
    })
}

#[test]
fn metalhearf_every_friend_registers_and_calls_strangers_and_typeless_names_do_not() {
    let asterisk = live!();
    let Some(site) = Site::new("11-sip-metalhearf.conf", &[], &[]) else {
        return;
    };
    let pbx = site.start(&asterisk, &[]);
    assert_eq!(site.peers.len(), 21);
    for name in site.peers.keys() {
        let run = register(&pbx, name, site.secret(name), PHONE);
        assert_eq!(
            run.final_status(),
            Some(200),
            "{name} could not register with its secret: {:?}",
            run.statuses()
        );
    }
    let run = call(&pbx, "1001", site.secret("1001"), PHONE);
    assert!(
        reached(&pbx, "default"),
        "1001's call did not reach [default]: {:?}",
        run.statuses()
    );
    // Refused by chan_sip, refused now.
    assert!(
        refused(&register(&pbx, "1001", "not-the-secret", PHONE)),
        "wrong password"
    );
    assert!(
        refused(&register(&pbx, "9999", "anything", PHONE)),
        "unknown name"
    );
    // `[options]` has no type: chan_sip never loaded it.
    assert!(
        refused(&register(&pbx, "options", "anything", PHONE)),
        "type-less section"
    );
    // Guests: chan_sip's default let them into [default]; now refused, and the report says so.
    let before = executed(&pbx).len();
    assert!(
        refused(&invite(&pbx, OUTSIDER, 5070, "stranger")),
        "guest call"
    );
    assert_eq!(executed(&pbx).len(), before, "a guest reached the dialplan");
    assert_eq!(
        site.entries("general", "action"),
        1,
        "guests removed: reported"
    );
}

#[test]
fn backupcerberus_template_friends_get_in_the_passwordless_one_and_guests_do_not() {
    let asterisk = live!();
    let Some(site) = Site::new("13-sip-backupcerberus.conf", &[], &[]) else {
        return;
    };
    let pbx = site.start(&asterisk, &[]);
    let with_secret: Vec<&String> = site
        .peers
        .iter()
        .filter(|(_, (s, _))| !s.is_empty())
        .map(|(n, _)| n)
        .collect();
    assert_eq!(with_secret.len(), 5, "niels, siard, tom, jannick, bram");
    for name in &with_secret {
        let run = register(&pbx, name, site.secret(name), PHONE);
        assert_eq!(
            run.final_status(),
            Some(200),
            "{name}: {:?}",
            run.statuses()
        );
    }
    call(&pbx, "niels", site.secret("niels"), PHONE);
    assert!(reached(&pbx, "from_internal"), "niels' call");
    assert!(
        refused(&register(&pbx, "tom", "niels", PHONE)),
        "another's password"
    );
    // [UCLL] has no secret: chan_sip let anyone register and call as UCLL. pjsip would too; it is
    // written without a way in, and the report asks a human to give it a password.
    assert!(
        refused(&register(&pbx, "UCLL", "", PHONE)),
        "UCLL without password"
    );
    assert!(
        refused(&invite(&pbx, PHONE, 5070, "UCLL")),
        "a call as UCLL"
    );
    assert!(site.entries("UCLL", "action") >= 1, "UCLL locked: reported");
    // allowguest=no: refused before, refused now.
    let before = executed(&pbx).len();
    assert!(refused(&invite(&pbx, OUTSIDER, 5070, "stranger")));
    assert_eq!(executed(&pbx).len(), before);
}

#[test]
fn tools_sip_ip_trunks_get_in_from_their_host_only() {
    let asterisk = live!();
    // VGX_44 (type=friend, insecure=port,invite, no secret) at its provider's address.
    let Some(site) = Site::new(
        "16-sip-tools-sip.conf",
        &[("host=189.22.142.190", "host=127.0.0.44")],
        &[],
    ) else {
        return;
    };
    let pbx = site.start(&asterisk, &[]);
    let context = &site.peers["VGX_44"].1;
    // insecure=port: any source port of the host.
    let run = invite(&pbx, "127.0.0.44", 5071, "5511999990000");
    assert!(
        reached(&pbx, context),
        "the trunk's call from its host did not reach [{context}]: {:?}",
        run.statuses()
    );
    // From elsewhere, even naming the trunk (chan_sip matched a friend by name without a
    // password here; pjsip identifies it by address only).
    let before = executed(&pbx).len();
    for from in ["VGX_44", "IP_PLATAFORMA", "IP_PROVEDOR", "stranger"] {
        let run = invite(&pbx, OUTSIDER, 5070, from);
        assert!(
            refused(&run),
            "From {from} at {OUTSIDER}: {:?}",
            run.statuses()
        );
    }
    assert_eq!(
        executed(&pbx).len(),
        before,
        "a refused call reached the dialplan"
    );
}

#[test]
fn n138kz_phones_register_and_trunks_named_by_host_get_in() {
    let asterisk = live!();
    let Some(site) = Site::new("06-sip-n138kz.conf", &[], &[]) else {
        return;
    };
    // The providers' host names resolve to stand-ins (the instance has no DNS).
    let pbx = site.start(
        &asterisk,
        &[
            ("127.0.0.31", "softphone.spc.brastel.ne.jp"),
            ("127.0.0.32", "smart.0038.net"),
        ],
    );
    for name in ["1234abcd-2010", "1234abcd-2020"] {
        let run = register(&pbx, name, site.secret(name), PHONE);
        assert_eq!(
            run.final_status(),
            Some(200),
            "{name}: {:?}",
            run.statuses()
        );
    }
    call(&pbx, "1234abcd-2010", site.secret("1234abcd-2010"), PHONE);
    assert!(reached(&pbx, "ijklmnop"));
    // insecure=port,invite trunks: from their host, without a password.
    for (ip, who) in [("127.0.0.31", "brastel"), ("127.0.0.32", "fusion")] {
        let before = executed(&pbx).len();
        let run = invite(&pbx, ip, 5090, "0312345678");
        assert!(
            super::support::eventually(Duration::from_secs(3), || executed(&pbx).len() > before),
            "{who}'s call from {ip}: {:?}",
            run.statuses()
        );
    }
    assert!(refused(&register(&pbx, "1234abcd-2010", "wrong", PHONE)));
    // allowguest=no.
    assert!(refused(&invite(&pbx, OUTSIDER, 5070, "stranger")));
}

/// A site written for this test: a phone behind a per-peer ACL (chan_sip's last-match-wins
/// `deny`/`permit`), a second phone, and an ITSP trunk that authenticates inbound by address.
const ACL_SITE: &str = "\
[general]
udpbindaddr=127.0.0.1
allowguest=no
context=nowhere

[office](!)
type=friend
host=dynamic
context=office
disallow=all
allow=ulaw

[alice](office)
secret=Alice-long-secret-1
deny=0.0.0.0/0.0.0.0
permit=127.0.0.96/255.255.255.224

[bob](office)
secret=Bob-long-secret-22

[itsp]
type=peer
host=127.0.0.20
insecure=port,invite
context=from-itsp
defaultuser=acct1
secret=Itsp-long-secret-3
";

#[test]
fn a_peer_acl_still_decides_where_its_owner_may_come_from() {
    let asterisk = live!();
    let site = Site::from_text(ACL_SITE, None, &[]);
    let pbx = site.start(&asterisk, &[]);
    // Inside alice's ACL (127.0.0.96/27): registers and calls.
    let run = register(&pbx, "alice", "Alice-long-secret-1", "127.0.0.100");
    assert_eq!(run.final_status(), Some(200), "{:?}", run.statuses());
    call(&pbx, "alice", "Alice-long-secret-1", "127.0.0.100");
    assert!(reached(&pbx, "office"));
    // Outside it, even with the right password: refused.
    let run = register(&pbx, "alice", "Alice-long-secret-1", "127.0.0.50");
    assert!(refused(&run), "{:?}", run.statuses());
    // bob has no ACL: from anywhere, with his password only.
    let run = register(&pbx, "bob", "Bob-long-secret-22", OUTSIDER);
    assert_eq!(run.final_status(), Some(200), "{:?}", run.statuses());
    assert!(refused(&register(
        &pbx,
        "bob",
        "Alice-long-secret-1",
        OUTSIDER
    )));
    // The ITSP: from its host without a password (insecure=invite), nowhere else.
    invite(&pbx, "127.0.0.20", 5090, "0044123");
    assert!(reached(&pbx, "from-itsp"), "the ITSP's call");
    let before = executed(&pbx).len();
    assert!(refused(&invite(&pbx, OUTSIDER, 5090, "itsp")));
    assert!(refused(&invite(&pbx, OUTSIDER, 5090, "0044123")));
    assert_eq!(executed(&pbx).len(), before);
    // The ACL is alice's own, not a global one: the pjsip.conf has no type=acl.
    let pjsip = std::fs::read_to_string(site.out.join("pjsip.conf")).unwrap();
    assert!(!pjsip.contains("type=acl"), "{pjsip}");
}

/// The dialplan of the ACL site: calls out over the ITSP with a header (chan_sip's SIPAddHeader).
const ACL_SITE_DIALPLAN: &str = "\
[office]
exten => _0X.,1,SIPAddHeader(X-Account: office-42)
same => n,Dial(SIP/itsp/${EXTEN:1},10)
same => n,Hangup()
";

#[test]
fn sip_add_header_still_reaches_the_outbound_call() {
    let asterisk = live!();
    let site = Site::from_text(ACL_SITE, Some(ACL_SITE_DIALPLAN), &[]);
    let ext = std::fs::read_to_string(site.out.join("extensions.conf")).unwrap();
    assert!(ext.contains("Dial(PJSIP/${EXTEN:1}@itsp,10,b("), "{ext}");
    let pbx = site.start(&asterisk, &[]);
    let itsp = Sipp::new(&pbx, "uas.xml", "127.0.0.20", 5060)
        .target(ASTERISK)
        .spawn();
    let run = register(&pbx, "bob", "Bob-long-secret-22", OUTSIDER);
    assert_eq!(run.final_status(), Some(200), "{:?}", run.statuses());
    Sipp::new(&pbx, "call.xml", OUTSIDER, PHONE_PORT)
        .target(ASTERISK)
        .service("0099")
        .key("user", "bob")
        .auth("bob", "Bob-long-secret-22")
        .run(TIMEOUT);
    let got = super::support::eventually(Duration::from_secs(5), || {
        !itsp.received("INVITE").is_empty()
    });
    let invites = itsp.received("INVITE");
    assert!(
        got,
        "the ITSP got no INVITE; dialplan: {:?}",
        executed(&pbx)
    );
    assert_eq!(invites[0].request_user(), Some("099"), "PJSIP/NUMBER@peer");
    assert_eq!(
        invites[0].header("X-Account"),
        Some("office-42"),
        "the header SIPAddHeader set: {}",
        invites[0].text
    );
}

/// tests/fixtures/migrate/kitchen-sink uses nearly every option the table maps: its migration
/// loads without a configuration error (an option pjsip refuses would drop its object).
#[test]
fn every_option_the_migration_maps_loads_in_asterisk_22() {
    let asterisk = live!();
    let src = crate::util::repo_path("tests/fixtures/migrate/kitchen-sink");
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = migrate(&src, out.path(), &[]);
    assert!(code == 0 || code == 1, "migrate exited {code}: {stderr}");
    let report = verify_dir(out.path(), &asterisk, &VerifyOptions::default()).unwrap();
    super::support::save_report("migrate-kitchen-sink", &report);
    assert_eq!(
        report.errors + report.warnings,
        0,
        "{}",
        report.findings_text()
    );
    let endpoints: Vec<&str> = report
        .objects
        .endpoints
        .iter()
        .map(String::as_str)
        .collect();
    assert_eq!(endpoints, ["100", "101", "ata", "trunk"]);
    assert_eq!(report.objects.registrations.len(), 2);
    assert!(
        report.objects.contexts.contains("pbxgen-sipaddheader"),
        "the rewritten extensions.conf loads: {:?}",
        report.objects.contexts
    );
}

/// The same table for Asterisk's own converter, for the README: run by hand with
/// `PBXGEN_SIP_TO_PJSIP=…/contrib/scripts/sip_to_pjsip/sip_to_pjsip.py cargo test --test
/// integration sip_to_pjsip_py -- --ignored --nocapture` (the script is Asterisk's, not shipped
/// here).
#[test]
#[ignore = "needs Asterisk's sip_to_pjsip.py (PBXGEN_SIP_TO_PJSIP)"]
fn sip_to_pjsip_py_on_the_corpus_for_comparison() {
    let asterisk = live!();
    let Some(script) = std::env::var_os("PBXGEN_SIP_TO_PJSIP").map(PathBuf::from) else {
        eprintln!("PBXGEN_SIP_TO_PJSIP not set: skipped");
        return;
    };
    let (Some(corpus), Some(data)) = (
        shared_dir("PBXGEN_CORPUS"),
        shared_dir("PBXGEN_SHARED_DATA"),
    ) else {
        return;
    };
    let mut table = vec![
        "| corpus file | chan_sip loaded | sip_to_pjsip.py | endpoints Asterisk 22 loaded | configuration errors |".to_string(),
        "|---|---:|---|---:|---:|".to_string(),
    ];
    for (name, t) in truth(&data) {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("in");
        let out = dir.path().join("out");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::create_dir_all(&out).unwrap();
        std::fs::copy(corpus.join("real").join(&name), src.join("sip.conf")).unwrap();
        let status = std::process::Command::new("python3")
            .arg(&script)
            .arg("sip.conf")
            .arg(out.join("pjsip.conf"))
            .current_dir(&src)
            .output()
            .unwrap();
        let loaded = if t.rejected {
            "refused".to_string()
        } else {
            t.loaded.to_string()
        };
        if !status.status.success() {
            let err = String::from_utf8_lossy(&status.stderr);
            let last = err.lines().last().unwrap_or("").replace('|', "\\|");
            table.push(format!("| {name} | {loaded} | crashed: `{last}` | – | – |"));
            continue;
        }
        let report = verify_dir(&out, &asterisk, &VerifyOptions::default()).unwrap();
        table.push(format!(
            "| {name} | {loaded} | converted | {} | {} |",
            report.objects.endpoints.len(),
            report.errors + report.warnings
        ));
    }
    eprintln!("{}", table.join("\n"));
}
