//! PBX501 weak-secret: a SIP/AMI secret is short, all digits, the account name, common, or reused.

use crate::asterisk::fast_hash::{FastMap, FastSet, Fnv};
use crate::asterisk::model::Located;
use crate::asterisk::model::manager::ManagerUser;
use crate::asterisk::model::pjsip::PjsipAuth;
use crate::asterisk::model::sip::{SipPeer, SipRegistration};
use crate::asterisk::shared_text::Text;
use crate::asterisk::source::Pos;
use crate::audit::engine::{AuditContext, Check, Rule, RuleDoc, RuleInfo, Severity, Sink};
use std::borrow::Cow;
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};

pub static RULE: Rule = Rule {
    info: RuleInfo {
        code: "PBX501",
        name: "weak-secret",
        severity: Severity::High,
        escalation: Some(
            "medium for a template placeholder (`<password>`); a redaction mask (`*****`) is not reported",
        ),
        summary: "a SIP/AMI secret is short, all digits, the account name, common, or reused",
        doc: RuleDoc {
            what: "Reports secrets (chan_sip `secret` and `register =>` passwords, pjsip `auth` `password`, manager `secret`, WebSMS `auth_secret`) shorter than 12 characters, made of digits only, equal to the account or section name, in a list of common passwords, or shared by several accounts. The secret itself is never printed.",
            why: "SIP brute-forcing is automated and fast (thousands of guesses a minute per scanner). Short, numeric or name-derived secrets fall in minutes, and a reused secret turns one leak into several compromised accounts.",
            example: "[101]\ntype=friend\nsecret=101",
            instead: "[101]\ntype=friend\nsecret=<random, ≥16 characters, e.g. `openssl rand -base64 18`>",
            references: &[
                "Twilio credential lists: passwords ≥12 characters with mixed case and a digit",
                "Asterisk README-SERIOUSLY.bestpractices.md, \"Secure passwords\"",
            ],
        },
        fix: "use a random secret of at least 16 characters, different for every account",
    },
    check: Check::Config(check_weak_secret),
};

/// Passwords scanners try first (SIP brute-force dictionaries). Compared case-insensitively.
const COMMON: &[&str] = &[
    "password",
    "passw0rd",
    "secret",
    "admin",
    "administrator",
    "asterisk",
    "changeme",
    "letmein",
    "qwerty",
    "qwertyuiop",
    "abc123",
    "abcd1234",
    "iloveyou",
    "welcome",
    "default",
    "voip",
    "sip",
    "pbx",
    "test",
    "test123",
    "guest",
    "user",
    "pass",
    "pass123",
    "password1",
    "password123",
    "123456789012",
    "1234567890",
    "trustno1",
    "monkey",
    "dragon",
    "master",
    "football",
];

/// The length of the longest of [`COMMON`] (a longer secret is none of them).
const LONGEST_COMMON: usize = {
    let mut longest = 0;
    let mut i = 0;
    while i < COMMON.len() {
        if COMMON[i].len() > longest {
            longest = COMMON[i].len();
        }
        i += 1;
    }
    longest
};

/// An account with a secret: a reference to the model's object and its secret, nothing
/// copied (20,000 peers make a list of 20,000 small entries).
struct Account<'a> {
    owner: Owner<'a>,
    secret: &'a str,
    pos: Pos,
}

/// Whose secret it is.
#[derive(Clone, Copy)]
enum Owner<'a> {
    Peer(&'a SipPeer),
    /// A `register =>` line: the password of an account at a provider.
    Registration(&'a SipRegistration),
    Auth(&'a PjsipAuth),
    Manager(&'a ManagerUser),
}

impl<'a> Owner<'a> {
    /// The section the secret is written in.
    fn section(self) -> &'a str {
        match self {
            Owner::Peer(p) => &p.name,
            Owner::Registration(_) => "general",
            Owner::Auth(a) => &a.meta.id,
            Owner::Manager(u) => &u.name,
        }
    }

    /// The option that holds it.
    fn option(self) -> &'static str {
        match self {
            Owner::Peer(_) | Owner::Manager(_) => "secret",
            Owner::Registration(_) => "register",
            Owner::Auth(_) => "password",
        }
    }

    /// The names the account is known by, `""` where there is none; the first is the
    /// account's own.
    fn names(self) -> [&'a str; 4] {
        let value = |l: Option<Located<&'a Text>>| l.map_or("", |l| l.value.as_str());
        match self {
            Owner::Peer(p) => [
                &p.name,
                value(p.defaultuser()),
                value(p.username()),
                value(p.fromuser()),
            ],
            Owner::Registration(r) => [&r.user, r.authuser.as_deref().unwrap_or(""), "", ""],
            Owner::Auth(a) => [
                &a.meta.id,
                a.username.as_ref().map_or("", |u| u.value.as_str()),
                "",
                "",
            ],
            Owner::Manager(u) => [&u.name, "", "", ""],
        }
    }
}

/// The account as messages name it (`peer `101``, `auth `101``, `manager user `admin``).
impl std::fmt::Display for Owner<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Owner::Peer(p) => write!(f, "peer `{}`", p.name),
            Owner::Registration(r) => {
                write!(f, "the registration of `{}` at `{}`", r.user, r.host)
            }
            Owner::Auth(a) => write!(f, "auth `{}`", a.meta.id),
            Owner::Manager(u) => write!(f, "manager user `{}`", u.name),
        }
    }
}

fn accounts<'a>(ctx: &AuditContext<'a>) -> Vec<Account<'a>> {
    let pbx = ctx.pbx;
    // Sized once for every account there may be (no doubling slack at provider scale).
    let mut out = Vec::with_capacity(
        pbx.sip
            .as_ref()
            .map_or(0, |s| s.peers.len() + s.general.registrations.len())
            + pbx.pjsip.as_ref().map_or(0, |p| p.auths.len())
            + pbx.manager.as_ref().map_or(0, |m| m.users.len()),
    );
    if let Some(sip) = &pbx.sip {
        for p in &sip.peers {
            if let Some(s) = &p.secret {
                out.push(Account {
                    owner: Owner::Peer(p),
                    secret: s.value.expose(),
                    pos: s.pos.unwrap_or(p.pos),
                });
            }
        }
        for r in &sip.general.registrations {
            if let Some(s) = &r.secret {
                out.push(Account {
                    owner: Owner::Registration(r),
                    secret: s.expose(),
                    pos: r.pos,
                });
            }
        }
    }
    if let Some(pj) = &pbx.pjsip {
        for a in &pj.auths {
            if let Some(s) = &a.password {
                out.push(Account {
                    owner: Owner::Auth(a),
                    secret: s.value.expose(),
                    pos: s.pos.unwrap_or(a.meta.pos),
                });
            }
        }
    }
    if let Some(m) = &pbx.manager {
        for u in &m.users {
            if let Some(s) = &u.secret {
                out.push(Account {
                    owner: Owner::Manager(u),
                    secret: s.value.expose(),
                    pos: s.pos.unwrap_or(u.pos),
                });
            }
        }
    }
    out.retain(|a| !a.secret.is_empty());
    out
}

/// A string compared and hashed ignoring ASCII case, without lower-casing a copy.
#[derive(Clone, Copy)]
struct Caseless<'a>(&'a str);

impl PartialEq for Caseless<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(other.0)
    }
}

impl Eq for Caseless<'_> {}

impl Hash for Caseless<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        for b in self.0.bytes() {
            h.write_u8(b.to_ascii_lowercase());
        }
        h.write_u8(0xff);
    }
}

/// `haystack` contains `needle`, ignoring ASCII case (what `contains` on two ASCII-lower-cased
/// copies answers).
fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    let Some((&first, rest)) = n.split_first() else {
        return true;
    };
    let Some(last_start) = h.len().checked_sub(n.len()) else {
        return false;
    };
    // Only where the needle's first byte is (either case) is the rest compared: every account
    // of a provider's tree is checked against up to four names.
    let starts = &h[..=last_start];
    memchr::memchr2_iter(
        first.to_ascii_lowercase(),
        first.to_ascii_uppercase(),
        starts,
    )
    .any(|at| h[at + 1..at + n.len()].eq_ignore_ascii_case(rest))
}

/// A secret that is not one: a redaction mask (`*********`, published with the real one
/// hidden) or a template placeholder (`<some-rand-password>`, `!!!ReplaceMe!!!`).
enum NotASecret {
    Mask,
    Placeholder,
}

fn not_a_secret(s: &str) -> Option<NotASecret> {
    if s.chars().count() >= 3 && s.chars().all(|c| c == '*' || c == '•') {
        return Some(NotASecret::Mask);
    }
    let wrapped = |open: &str, close: &str| {
        s.len() > open.len() + close.len() && s.starts_with(open) && s.ends_with(close)
    };
    (wrapped("<", ">") || wrapped("{", "}") || wrapped("!!!", "!!!") || wrapped("%", "%"))
        .then_some(NotASecret::Placeholder)
}

fn check_weak_secret(ctx: &AuditContext<'_>, sink: &mut Sink<'_>) {
    let mut accounts = accounts(ctx);
    let mut placeholders = Vec::new();
    accounts.retain(|a| match not_a_secret(a.secret) {
        None => true,
        Some(NotASecret::Mask) => false,
        Some(NotASecret::Placeholder) => {
            placeholders.push((a.owner, a.pos));
            false
        }
    });
    // One finding per placeholder line (a template's line serves many accounts).
    placeholders.dedup_by(|a, b| a.1 == b.1);
    for (owner, pos) in placeholders {
        sink.report(
            ctx.anchor(pos),
            format!("the secret of {owner} is a template placeholder: anyone who has the template knows it"),
        )
        .section(owner.section())
        .option(owner.option())
        .severity(Severity::Medium);
    }
    // The same account rendered for two channel drivers (sip.conf peer `101` and pjsip auth
    // `101`) is one account: count distinct account names (ignoring case) per secret.
    // A `register =>` line is the account of the peer or pjsip auth that has its user name and
    // secret (the same provider account written for both drivers).
    // The accounts that are not registrations, by secret: a registration looks among those
    // with its secret only (a site with many `register =>` lines stays linear).
    // Only the secrets of registrations are indexed: a provider's tree has a few `register =>`
    // lines among 77,000 accounts, and an entry per account was most of this rule's memory.
    let registration_secrets: FastSet<&str> = accounts
        .iter()
        .filter(|a| matches!(a.owner, Owner::Registration(_)))
        .map(|a| a.secret)
        .collect();
    let mut by_secret: FastMap<&str, Vec<&Account<'_>>> = FastMap::default();
    if !registration_secrets.is_empty() {
        for o in accounts.iter().filter(|o| {
            !matches!(o.owner, Owner::Registration(_)) && registration_secrets.contains(o.secret)
        }) {
            by_secret.entry(o.secret).or_default().push(o);
        }
    }
    fn identity<'a>(a: &Account<'a>, by_secret: &FastMap<&str, Vec<&Account<'a>>>) -> &'a str {
        if let Owner::Registration(_) = a.owner {
            let names = a.owner.names();
            let same = by_secret.get(a.secret).and_then(|same_secret| {
                same_secret.iter().find(|o| {
                    o.owner.names().iter().any(|n| {
                        names
                            .iter()
                            .any(|m| !m.is_empty() && n.eq_ignore_ascii_case(m))
                    })
                })
            });
            if let Some(o) = same {
                return o.owner.names()[0];
            }
        }
        a.owner.names()[0]
    }
    // The secrets several accounts may hold, found by sorting the secrets' hashes (eight
    // bytes an account: a table of every secret was 3 MiB at provider scale, alive beside the
    // largest rule's findings). Only an account whose hash is not its own is looked at again,
    // by its text, for how many distinct accounts (names ignoring case) share its secret.
    let hash_of = |secret: &str| BuildHasherDefault::<Fnv>::default().hash_one(secret);
    let mut hashes: Vec<u64> = accounts.iter().map(|a| hash_of(a.secret)).collect();
    hashes.sort_unstable();
    let repeated: FastSet<u64> = hashes
        .windows(2)
        .filter(|pair| pair[0] == pair[1])
        .map(|pair| pair[0])
        .collect();
    drop(hashes);
    let mut seen: FastSet<(&str, Caseless<'_>)> = FastSet::default();
    let mut uses: FastMap<&str, usize> = FastMap::default();
    if !repeated.is_empty() {
        for a in accounts
            .iter()
            .filter(|a| repeated.contains(&hash_of(a.secret)))
        {
            if seen.insert((a.secret, Caseless(identity(a, &by_secret)))) {
                *uses.entry(a.secret).or_default() += 1;
            }
        }
    }
    drop(seen);
    let mut why: Vec<Cow<'static, str>> = Vec::new();
    for a in &accounts {
        let s = a.secret;
        why.clear();
        if s.chars().count() < 12 {
            why.push("shorter than 12 characters".into());
        }
        if s.chars().all(|c| c.is_ascii_digit()) {
            why.push("digits only".into());
        }
        let has_name = |n: &str| {
            // Short names (`1`, `a`) occur in random secrets by chance: compare them whole.
            !n.is_empty()
                && if n.len() >= 3 {
                    contains_ignore_case(s, n)
                } else {
                    s.eq_ignore_ascii_case(n)
                }
        };
        if a.owner.names().iter().any(|n| has_name(n)) {
            why.push("contains the account name".into());
        }
        if s.len() <= LONGEST_COMMON && COMMON.iter().any(|c| s.eq_ignore_ascii_case(c)) {
            why.push("a common password".into());
        }
        // A secret only one account holds is not in `uses`.
        let n = uses.get(s).copied().unwrap_or(1);
        if n > 1 {
            why.push(
                format!(
                    "shared with {} other account{}",
                    n - 1,
                    if n == 2 { "" } else { "s" }
                )
                .into(),
            );
        }
        if why.is_empty() {
            continue;
        }
        sink.report(
            ctx.anchor(a.pos),
            format!("the secret of {} is weak: {}", a.owner, why.join(", ")),
        )
        .section(a.owner.section())
        .option(a.owner.option());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every window compared, the plain way.
    fn naive(haystack: &str, needle: &str) -> bool {
        let (h, n) = (haystack.as_bytes(), needle.as_bytes());
        n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
    }

    #[test]
    fn contains_ignore_case_is_the_plain_window_search() {
        let texts = [
            "",
            "a",
            "A",
            "u101",
            "U101",
            "xu101",
            "Dm7346e2d23cU101",
            "u10",
            "ü101",
            "101ü",
            "aaab",
            "AAAB",
            "ab",
            "b",
            "1-u1",
            "x\u{0}y",
            "Zz9",
            "[]{}",
        ];
        for h in texts {
            for n in texts {
                assert_eq!(contains_ignore_case(h, n), naive(h, n), "{n:?} in {h:?}");
            }
        }
    }

    #[test]
    fn longest_common_is_the_longest() {
        assert_eq!(
            LONGEST_COMMON,
            COMMON.iter().map(|c| c.len()).max().unwrap()
        );
    }
}
