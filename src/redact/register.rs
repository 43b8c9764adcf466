//! The anatomy of a chan_sip `register =>` line: which bytes are the user, the secret, the host.
//! The Asterisk model reads registrations with it; the maskers find the secret with it.

use std::ops::Range;

/// The parts of a `register =>` value, as byte ranges, following chan_sip's
/// `sip_parse_register_line` (channels/sip/config_parser.c): the user part and host part are
/// split at the last `@`; `peer?` and `transport://` come off the front; the rest of the user
/// part is `user[@domain][:secret[:authuser]]`, or `user@domain:domainport:secret:authuser`
/// when it has three colons (chan_sip re-orders the fields in that case).
pub struct RegisterParts {
    pub peer: Option<Range<usize>>,
    pub transport: Option<Range<usize>>,
    /// `user[@domain]`.
    pub user: Range<usize>,
    pub domainport: Option<Range<usize>>,
    pub secret: Option<Range<usize>>,
    pub authuser: Option<Range<usize>>,
    /// `host[:port][/extension][~expiry]`.
    pub host: Range<usize>,
}

/// Split a `register =>` value; `None` when it has no `@host`.
pub fn split(value: &str) -> Option<RegisterParts> {
    let at = value.rfind('@')?;
    let mut start = 0;
    let mut peer = None;
    // `peer?` prefix names the peer the registration is for (only in the user part).
    if let Some(q) = value[..at].find('?') {
        peer = Some(0..q);
        start = q + 1;
    }
    let mut transport = None;
    if let Some(t) = value[start..at].find("://") {
        transport = Some(start..start + t);
        start += t + 3;
    }
    // Up to three fields at `:`; the third keeps its own colons.
    let fields: Vec<Range<usize>> = {
        let mut out = Vec::with_capacity(3);
        let mut from = start;
        while out.len() < 2 {
            match value[from..at].find(':') {
                Some(i) => {
                    out.push(from..from + i);
                    from += i + 1;
                }
                None => break,
            }
        }
        out.push(from..at);
        out
    };
    let user = fields[0].clone();
    let (mut domainport, mut secret, mut authuser) =
        (None, fields.get(1).cloned(), fields.get(2).cloned());
    if let Some(third) = fields.get(2) {
        // `user@domain:domainport:secret:authuser`
        if let Some(i) = value[third.clone()].find(':') {
            domainport = fields.get(1).cloned();
            secret = Some(third.start..third.start + i);
            authuser = Some(third.start + i + 1..third.end);
        }
    }
    Some(RegisterParts {
        peer,
        transport,
        user,
        domainport,
        secret,
        authuser,
        host: at + 1..value.len(),
    })
}

/// Where the secret is inside a `register =>` value (to mask it).
pub fn secret_range(value: &str) -> Option<Range<usize>> {
    split(value)?.secret.filter(|r| !r.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(value: &str, r: Option<Range<usize>>) -> Option<&str> {
        r.map(|r| &value[r])
    }

    /// The examples of chan_sip's own `sip_parse_register_line_test`.
    #[test]
    fn fields_as_chan_sip_reads_them() {
        let v = "peer?tcp://name@namedomain:pass:authuser@domain:1234/extension~111";
        let p = split(v).unwrap();
        assert_eq!(part(v, p.peer), Some("peer"));
        assert_eq!(part(v, p.transport), Some("tcp"));
        assert_eq!(&v[p.user.clone()], "name@namedomain");
        assert_eq!(part(v, p.secret.clone()), Some("pass"));
        assert_eq!(part(v, p.authuser), Some("authuser"));
        assert_eq!(&v[p.host], "domain:1234/extension~111");
        assert_eq!(secret_range(v).map(|r| &v[r]), Some("pass"));

        // Three colons: `user@domain:domainport:secret:authuser`.
        let v = "name@namedomain:5061:pass:authuser@domain";
        let p = split(v).unwrap();
        assert_eq!(part(v, p.domainport), Some("5061"));
        assert_eq!(part(v, p.secret), Some("pass"));
        assert_eq!(part(v, p.authuser), Some("authuser"));
        assert_eq!(secret_range(v).map(|r| &v[r]), Some("pass"));

        let v = "name@domain";
        let p = split(v).unwrap();
        assert!(p.secret.is_none() && p.peer.is_none());
        assert!(split("no-host-part").is_none());
    }
}
