//! The anatomy of a chan_sip `register =>` line: which bytes are the user, the secret, the host.
//! The Asterisk model reads registrations with it; the maskers find the secret with it.

use std::ops::Range;

/// The parts of a `register =>` value, as byte ranges, following chan_sip's
/// `sip_parse_register_line`: the user part and host part are split at the last `@`; the user
/// part is `user[@domain][:secret[:authuser]]`.
pub struct RegisterParts {
    pub transport: Option<Range<usize>>,
    pub user: Range<usize>,
    pub secret: Option<Range<usize>>,
    pub authuser: Option<Range<usize>>,
    pub host: Range<usize>,
}

/// Split a `register =>` value; `None` when it has no `@host`.
pub fn split(value: &str) -> Option<RegisterParts> {
    let mut start = 0;
    // `peer?` prefix names the peer the registration is for.
    if let Some(q) = value.find('?') {
        start = q + 1;
    }
    let mut transport = None;
    if let Some(t) = value[start..].find("://") {
        transport = Some(start..start + t);
        start += t + 3;
    }
    let at = value[start..].rfind('@')? + start;
    let user_part = start..at;
    let mut pieces = value[user_part.clone()].splitn(3, ':');
    let user_len = pieces.next().map_or(0, str::len);
    let user = start..start + user_len;
    let secret = pieces.next().map(|s| {
        let b = user.end + 1;
        b..b + s.len()
    });
    let authuser = match (pieces.next(), &secret) {
        (Some(a), Some(sec)) => Some(sec.end + 1..sec.end + 1 + a.len()),
        _ => None,
    };
    Some(RegisterParts {
        transport,
        user,
        secret,
        authuser,
        host: at + 1..value.len(),
    })
}

/// Where the secret is inside a `register =>` value (to mask it).
pub fn secret_range(value: &str) -> Option<Range<usize>> {
    split(value)?.secret.filter(|r| !r.is_empty())
}
