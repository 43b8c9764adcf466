//! Synthetic but realistic inputs for the benchmarks (`benches/scale.rs`). Not part of the
//! product: the integration tests include this file too (`tests/integration/bench_inputs.rs`).
//!
//! A provider-scale `/etc/asterisk` tree: N chan_sip peers, N pjsip endpoint+auth+aor triples and
//! N dialplan contexts with includes and Dial lines, split over `#include` files the way FreePBX
//! and hosted platforms split theirs; one trunk per 1,000 users. Deterministic for a given N, so
//! figures from two runs are comparable.

use pbxgen::Error;
use std::fmt::Write as _;
use std::path::Path;

/// How many items go into one included file.
const CHUNK: usize = 5_000;
/// One trunk (ITSP) per this many users.
const USERS_PER_TRUNK: usize = 1_000;

/// What a generated tree holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeStats {
    pub files: usize,
    pub lines: usize,
    pub bytes: usize,
}

/// A deterministic, strong-looking demo secret for item `i` (never a real credential).
pub fn demo_secret(kind: &str, i: usize) -> String {
    // SplitMix64: cheap, deterministic, well spread. The whole kind goes into the seed: kinds
    // of the same length must not share secrets (the audit reports a shared secret as weak,
    // and a render that finds one at `high` refuses to write).
    let kind_seed = kind.bytes().fold(0xCBF2_9CE4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3)
    });
    let mut x = (i as u64).wrapping_add(0x9E37_79B9_7F4A_7C15 ^ kind_seed);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    format!("Dm{x:016x}Q7")
}

/// How many trunks a tree of `n` users has.
pub fn trunks(n: usize) -> usize {
    n.div_ceil(USERS_PER_TRUNK).max(1)
}

/// Write a config tree with `n` peers/endpoints/contexts into `dir` (created if missing).
pub fn write_config_tree(dir: &Path, n: usize) -> Result<TreeStats, Error> {
    pbxgen::fsutil::create_dir(dir)?;
    let mut stats = TreeStats {
        files: 0,
        lines: 0,
        bytes: 0,
    };
    for (name, text) in config_tree_files(n) {
        stats.files += 1;
        stats.lines += text.lines().count();
        stats.bytes += text.len();
        let path = dir.join(&name);
        std::fs::write(&path, text).map_err(|e| Error::io(&path, &e))?;
    }
    Ok(stats)
}

/// The files of a tree with `n` items, as (file name, text), in a stable order.
pub fn config_tree_files(n: usize) -> Vec<(String, String)> {
    let mut files = Vec::new();
    files.extend(sip_files(n));
    files.extend(pjsip_files(n));
    files.extend(dialplan_files(n));
    files
}

/// A chan_sip site of `n` peers to migrate (`pbxgen migrate`): the tree's sip.conf with its
/// included user files, and an extensions.conf dialling them over chan_sip.
pub fn sip_site_files(n: usize) -> Vec<(String, String)> {
    let mut files = sip_files(n);
    let mut ext = String::from(
        "; synthetic chan_sip dialplan (pbxgen migrate bench)\n[general]\nstatic=yes\n\n[internal]\n\
exten => _1XXXXX,1,Dial(SIP/u${EXTEN:1},30)\nsame => n,Hangup()\n",
    );
    for t in 0..trunks(n) {
        let _ = write!(
            ext,
            "\n[outbound-trunk{t}]\nexten => _00X.,1,Dial(SIP/trunk{t}/${{EXTEN}},60)\nsame => n,Hangup()\n\
\n[from-trunk{t}]\nexten => _X.,1,Dial(SIP/u{},25)\nexten => {t},hint,SIP/trunk{t}\n",
            t * USERS_PER_TRUNK
        );
    }
    files.push(("extensions.conf".to_string(), ext));
    files
}

/// Write [`sip_site_files`] into `dir`.
pub fn write_sip_site(dir: &Path, n: usize) -> Result<TreeStats, Error> {
    pbxgen::fsutil::create_dir(dir)?;
    let mut stats = TreeStats {
        files: 0,
        lines: 0,
        bytes: 0,
    };
    for (name, text) in sip_site_files(n) {
        stats.files += 1;
        stats.lines += text.lines().count();
        stats.bytes += text.len();
        let path = dir.join(&name);
        std::fs::write(&path, text).map_err(|e| Error::io(&path, &e))?;
    }
    Ok(stats)
}

fn chunks(n: usize) -> impl Iterator<Item = (usize, std::ops::Range<usize>)> {
    (0..n.div_ceil(CHUNK)).map(move |c| (c, c * CHUNK..((c + 1) * CHUNK).min(n)))
}

fn sip_files(n: usize) -> Vec<(String, String)> {
    let mut main = String::from(
        "; synthetic provider-scale sip.conf (pbxgen generate)\n[general]\ncontext=guest-reject\n\
allowguest=no\nalwaysauthreject=yes\nbindaddr=0.0.0.0\nbindport=5060\nlocalnet=10.0.0.0/255.0.0.0\n",
    );
    // chan_sip reads `register =>` in [general] only; anywhere else every peer inheriting that
    // section would carry them.
    for t in 0..trunks(n) {
        let _ = writeln!(
            main,
            "register => trunk{t}:{}@sip{t}.itsp.example/trunk{t}",
            demo_secret("reg", t)
        );
    }
    main.push_str(
        "\n[phone](!)\ntype=friend\nhost=dynamic\ncontext=internal\ndisallow=all\nallow=ulaw\n\
allow=alaw\ndeny=0.0.0.0/0.0.0.0\npermit=10.0.0.0/255.0.0.0\n",
    );
    for t in 0..trunks(n) {
        let _ = write!(
            main,
            "\n[trunk{t}]\ntype=peer\nhost=sip{t}.itsp.example\ndefaultuser=trunk{t}\nsecret={}\n\
context=from-trunk{t}\ninsecure=port\ndeny=0.0.0.0/0.0.0.0\npermit=198.51.100.{}/255.255.255.255\n",
            demo_secret("trunk", t),
            t % 250 + 1
        );
    }
    let mut files = Vec::new();
    for (c, range) in chunks(n) {
        let name = format!("sip-users-{c:04}.conf");
        let _ = writeln!(main, "#include {name}");
        let mut text = String::with_capacity(range.len() * 96);
        for i in range {
            let _ = write!(
                text,
                "[u{i}](phone)\nsecret={}\ncallerid=\"User {i}\" <{}>\nmailbox={}@default\n\n",
                demo_secret("sip", i),
                100_000 + i,
                100_000 + i
            );
        }
        files.push((name, text));
    }
    files.insert(0, ("sip.conf".to_string(), main));
    files
}

fn pjsip_files(n: usize) -> Vec<(String, String)> {
    let mut main = String::from(
        "; synthetic provider-scale pjsip.conf (pbxgen generate)\n[transport-udp]\ntype=transport\n\
protocol=udp\nbind=0.0.0.0:5062\nlocal_net=10.0.0.0/8\n\n\
[endpoint-phone](!)\ntype=endpoint\ncontext=internal\ndisallow=all\nallow=ulaw,alaw\n\
dtmf_mode=rfc4733\ndirect_media=no\nacl=lan-only\n\n\
[auth-phone](!)\ntype=auth\nauth_type=userpass\n\n\
[aor-phone](!)\ntype=aor\nmax_contacts=1\n\n",
    );
    for t in 0..trunks(n) {
        let _ = write!(
            main,
            "[itsp{t}]\ntype=endpoint\ncontext=from-trunk{t}\ndisallow=all\nallow=ulaw\n\
outbound_auth=itsp{t}\naors=itsp{t}\n\n[itsp{t}]\ntype=auth\nauth_type=userpass\n\
username=acct{t}\npassword={}\n\n[itsp{t}]\ntype=aor\ncontact=sip:sip{t}.itsp.example\n\n\
[itsp{t}]\ntype=identify\nendpoint=itsp{t}\nmatch=198.51.100.{}/32\n\n",
            demo_secret("itsp", t),
            t % 250 + 1
        );
    }
    let mut files = Vec::new();
    for (c, range) in chunks(n) {
        let name = format!("pjsip-users-{c:04}.conf");
        let _ = writeln!(main, "#include {name}");
        let mut text = String::with_capacity(range.len() * 200);
        for i in range {
            let _ = write!(
                text,
                "[p{i}](endpoint-phone)\nauth=p{i}\naors=p{i}\ncallerid=\"Phone {i}\" <{}>\n\n\
[p{i}](auth-phone)\nusername=p{i}\npassword={}\n\n[p{i}](aor-phone)\n\n",
                200_000 + i,
                demo_secret("pjsip", i)
            );
        }
        files.push((name, text));
    }
    files.insert(0, ("pjsip.conf".to_string(), main));
    let acl = "[lan-only]\ndeny=0.0.0.0/0.0.0.0\npermit=10.0.0.0/255.0.0.0\n".to_string();
    files.push(("acl.conf".to_string(), acl));
    files
}

fn dialplan_files(n: usize) -> Vec<(String, String)> {
    let mut main = String::from(
        "; synthetic provider-scale extensions.conf (pbxgen generate)\n[general]\nstatic=yes\n\
writeprotect=yes\nautofallthrough=yes\n\n[guest-reject]\nexten => _X.,1,Hangup()\n\n\
[internal]\nexten => _1XXXXX,1,Dial(SIP/u${EXTEN:1},30)\nsame => n,VoiceMail(${EXTEN}@default,u)\n\
same => n,Hangup()\n",
    );
    for t in 0..trunks(n) {
        let _ = write!(
            main,
            "\n[outbound-trunk{t}]\nexten => _00X.,1,Set(NUM=${{FILTER(0-9,${{EXTEN}})}})\n\
same => n,Dial(PJSIP/${{NUM}}@itsp{t},60)\nsame => n,Hangup()\n\n[from-trunk{t}]\n\
exten => _X.,1,Goto(site{}-local,s,1)\n",
            t * USERS_PER_TRUNK
        );
    }
    let mut files = Vec::new();
    for (c, range) in chunks(n) {
        let name = format!("extensions-sites-{c:04}.conf");
        let _ = writeln!(main, "#include {name}");
        let mut text = String::with_capacity(range.len() * 260);
        for i in range {
            let trunk = i / USERS_PER_TRUNK;
            let _ = write!(
                text,
                "[site{i}-local]\nexten => s,1,Dial(SIP/u{i}&PJSIP/p{i},25)\nsame => n,VoiceMail({}@default,u)\n\
exten => {},1,Goto(s,1)\n\n[site{i}-users]\ninclude => site{i}-local\ninclude => outbound-trunk{trunk}\n\
exten => *97,1,VoiceMailMain(${{CALLERID(num)}}@default)\n\n",
                100_000 + i,
                100_000 + i
            );
        }
        files.push((name, text));
    }
    files.insert(0, ("extensions.conf".to_string(), main));
    files
}

/// One sip.conf of `n` peers inheriting a `[phone](!)` template, four lines each (header,
/// secret, caller id, mailbox): the single-file shape of a chan_sip provider, and the input of
/// a chan_sip → pjsip migration. 20,000 peers make about 80,000 lines.
pub fn sip_conf_peers(n: usize) -> String {
    let mut text = String::with_capacity(n * 128 + 1024);
    text.push_str(
        "; synthetic chan_sip provider sip.conf (one file)\n[general]\ncontext=guest-reject\n\
allowguest=no\nalwaysauthreject=yes\nbindaddr=0.0.0.0\nbindport=5060\n\
localnet=10.0.0.0/255.0.0.0\n\n[phone](!)\ntype=friend\nhost=dynamic\ncontext=internal\n\
disallow=all\nallow=ulaw\nallow=alaw\nnat=force_rport,comedia\nqualify=yes\n\
deny=0.0.0.0/0.0.0.0\npermit=10.0.0.0/255.0.0.0\n",
    );
    for i in 0..n {
        let _ = write!(
            text,
            "[u{i}](phone)\nsecret={}\ncallerid=\"Example User {i}\" <+4930{}>\n\
mailbox={}@default\n",
            demo_secret("sip", i),
            100_000 + i,
            100_000 + i
        );
    }
    text
}

/// A site profile with `n` extensions (inline demo secrets, so it needs no files or
/// environment), one ITSP trunk per 1,000 extensions, an inbound route per trunk and national /
/// international outbound routes: the shape of a hosted-PBX tenant scaled up.
pub fn profile_yaml(n: usize) -> String {
    // Built line by line: YAML indentation must survive (Rust's `\` continuation eats it).
    let mut y = String::with_capacity(n * 120 + 2048);
    let mut line = |text: String| {
        y.push_str(&text);
        y.push('\n');
    };
    line(format!(
        "# synthetic site profile with {n} extensions (pbxgen generate profile)"
    ));
    for fixed in [
        "version: 1",
        "site:",
        "  name: synthetic",
        "  asterisk: 22",
        "  channel_drivers: [pjsip]",
        "network:",
        "  bind: 0.0.0.0",
        "  public_address: pbx.synthetic.example",
        "  local_nets: [10.0.0.0/8]",
        "  udp: { port: 5060 }",
        "twilio:",
        "  origination:",
        "    edges: all",
        "    context: from-twilio",
        "trunks:",
    ] {
        line(fixed.to_string());
    }
    let trunk_count = trunks(n);
    for t in 0..trunk_count {
        line(format!("  - name: itsp{t}"));
        line(format!("    host: sip{t}.itsp.example"));
        line("    port: 5060".into());
        line("    transport: udp".into());
        line(format!("    username: \"acct{t}\""));
        line(format!("    password: \"{}\"", demo_secret("itsp", t)));
        line("    register: true".into());
        line(format!("    context: from-itsp{t}"));
        line(format!("    allow_from: [198.51.100.{}]", t % 250 + 1));
    }
    line("extensions:".into());
    for i in 0..n {
        line(format!("  - number: \"{}\"", 100_000 + i));
        line(format!("    name: User {i}"));
        line(format!("    secret: \"{}\"", demo_secret("ext", i)));
    }
    line("inbound:".into());
    for t in 0..trunk_count {
        line(format!("  - from: itsp{t}"));
        line(format!(
            "    ring: [\"{}\"]",
            100_000 + (t * USERS_PER_TRUNK).min(n.saturating_sub(1))
        ));
        line("    timeout: 20".into());
    }
    for fixed in [
        "outbound:",
        "  - name: national",
        "    patterns: [\"_0[1-9]XXXXXXXXX\"]",
        "    trunk: itsp0",
        "  - name: international",
        "    patterns: [\"_00[1-9]X.\"]",
        "    trunk: itsp0",
    ] {
        line(fixed.to_string());
    }
    y
}
