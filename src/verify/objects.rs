//! The objects a running Asterisk reports, as sets per type, and their comparison with a
//! prediction.
//!
//! Sources (Asterisk 22): `pjsip list endpoints|aors|auths|identifies|transports|registrations`
//! (res/res_pjsip/pjsip_cli.c: ast_sip_cli_traverse_objects, one line per object, printed by each
//! type's `cli_print_body`) and `dialplan show` (main/pbx.c: `[ Context 'NAME' created by
//! 'REGISTRAR' ]`). Endpoint and AOR names are cut to the column width (51 characters, with the
//! caller id number after a `/` for endpoints): a name that reaches the edge is looked up with
//! `pjsip show endpoint|aor NAME` among the predicted names that start with it.

use super::instance::Instance;
use serde::Serialize;
use std::collections::BTreeSet;

/// The object types compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    Endpoint,
    Aor,
    Auth,
    Identify,
    Transport,
    Registration,
    /// Dialplan contexts created by pbx_config (extensions.conf).
    Context,
}

impl ObjectKind {
    pub const ALL: [ObjectKind; 7] = [
        ObjectKind::Endpoint,
        ObjectKind::Aor,
        ObjectKind::Auth,
        ObjectKind::Identify,
        ObjectKind::Transport,
        ObjectKind::Registration,
        ObjectKind::Context,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ObjectKind::Endpoint => "endpoint",
            ObjectKind::Aor => "aor",
            ObjectKind::Auth => "auth",
            ObjectKind::Identify => "identify",
            ObjectKind::Transport => "transport",
            ObjectKind::Registration => "registration",
            ObjectKind::Context => "context",
        }
    }

    /// The pjsip.conf `type=` value, for pjsip objects.
    pub fn pjsip_type(self) -> Option<&'static str> {
        (self != ObjectKind::Context).then(|| self.name())
    }
}

/// Object names per type.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ObjectSets {
    pub endpoints: BTreeSet<String>,
    pub aors: BTreeSet<String>,
    pub auths: BTreeSet<String>,
    pub identifies: BTreeSet<String>,
    pub transports: BTreeSet<String>,
    pub registrations: BTreeSet<String>,
    /// Contexts created by pbx_config.
    pub contexts: BTreeSet<String>,
    /// Contexts created by modules (func_periodic_hook, res_parking, …): not compared.
    pub module_contexts: BTreeSet<String>,
}

impl ObjectSets {
    pub fn get(&self, kind: ObjectKind) -> &BTreeSet<String> {
        match kind {
            ObjectKind::Endpoint => &self.endpoints,
            ObjectKind::Aor => &self.aors,
            ObjectKind::Auth => &self.auths,
            ObjectKind::Identify => &self.identifies,
            ObjectKind::Transport => &self.transports,
            ObjectKind::Registration => &self.registrations,
            ObjectKind::Context => &self.contexts,
        }
    }

    pub fn get_mut(&mut self, kind: ObjectKind) -> &mut BTreeSet<String> {
        match kind {
            ObjectKind::Endpoint => &mut self.endpoints,
            ObjectKind::Aor => &mut self.aors,
            ObjectKind::Auth => &mut self.auths,
            ObjectKind::Identify => &mut self.identifies,
            ObjectKind::Transport => &mut self.transports,
            ObjectKind::Registration => &mut self.registrations,
            ObjectKind::Context => &mut self.contexts,
        }
    }
}

/// The width of the name column of `pjsip list endpoints` (res/res_pjsip/pjsip_configuration.c:
/// CLI_LAST_TABSTOP 62 − indent 9 − 2, include/asterisk/res_pjsip_cli.h).
const ENDPOINT_WIDTH: usize = 51;
/// The same for `pjsip list aors` (res/res_pjsip/location.c: 62 − 9 − 12).
const AOR_WIDTH: usize = 41;

/// The lines of a `pjsip list X` output that start with `Title:` (after spaces), with the rest.
fn titled<'a>(text: &'a str, title: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    text.lines().filter_map(move |l| {
        let rest = l.trim_start().strip_prefix(title)?.strip_prefix(':')?;
        // The header line is `Title:  <Name....>`.
        let rest = rest.strip_prefix("  ").unwrap_or(rest);
        (!rest.starts_with('<')).then_some(rest)
    })
}

/// A name column of fixed width: the name, and whether it fills the column (then it may have
/// been cut).
fn name_column(rest: &str, width: usize) -> (String, bool) {
    let col: String = rest.chars().take(width).collect();
    let cut = col.trim_end().chars().count() == width;
    (col.trim_end().to_string(), cut)
}

/// Names of `pjsip list endpoints`. Each entry: (name, cut). The caller id number is shown after a
/// `/` (`201/201`): it is removed using the last `/` when the name has one.
pub fn parse_endpoints(text: &str) -> Vec<(String, bool)> {
    titled(text, "Endpoint")
        .map(|rest| {
            let (col, cut) = name_column(rest, ENDPOINT_WIDTH);
            // `id/number`: caller id numbers do not contain '/'; ids rarely do.
            let id = match col.rfind('/') {
                Some(i) if !cut => col[..i].to_string(),
                _ => col,
            };
            (id, cut)
        })
        .collect()
}

/// Names of `pjsip list aors` (the name column, then the max contacts).
pub fn parse_aors(text: &str) -> Vec<(String, bool)> {
    titled(text, "Aor")
        .map(|rest| name_column(rest, AOR_WIDTH))
        .collect()
}

/// Names of `pjsip list auths` (`Auth:  id/username`; ids of sorcery objects have no '/').
pub fn parse_auths(text: &str) -> Vec<String> {
    titled(text, "Auth")
        .map(|rest| {
            let rest = rest.trim();
            // The username may contain '/' too; the id is what is before the first '/' unless
            // the object has no username (then nothing follows the '/').
            rest.split_once('/').map_or(rest, |(id, _)| id).to_string()
        })
        .collect()
}

/// Names of `pjsip list identifies` (`Identify:  id/endpoint`).
pub fn parse_identifies(text: &str) -> Vec<String> {
    titled(text, "Identify")
        .map(|rest| {
            let rest = rest.trim();
            rest.rsplit_once('/').map_or(rest, |(id, _)| id).to_string()
        })
        .collect()
}

/// Names of `pjsip list transports` (`Transport:  id  type  cos  tos  bind`).
pub fn parse_transports(text: &str) -> Vec<String> {
    titled(text, "Transport")
        .filter_map(|rest| rest.split_whitespace().next().map(str::to_string))
        .collect()
}

/// Names of `pjsip list registrations` (` id/server_uri  auth  status`, no title; the server URI
/// starts with a SIP scheme).
pub fn parse_registrations(text: &str) -> Vec<String> {
    let mut past_rule = false;
    let mut out = Vec::new();
    for l in text.lines() {
        if l.starts_with("=====") {
            past_rule = true;
            continue;
        }
        if !past_rule || l.trim().is_empty() || l.starts_with("Objects found") {
            continue;
        }
        let first = l.split_whitespace().next().unwrap_or("");
        let id = ["/sip:", "/sips:", "/tel:"]
            .iter()
            .filter_map(|s| first.find(s))
            .min()
            .map_or(first, |i| &first[..i]);
        if !id.is_empty() {
            out.push(id.to_string());
        }
    }
    out
}

/// Contexts of `dialplan show`: (name, registrar).
pub fn parse_contexts(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("[ Context '")?;
            let (name, rest) = rest.split_once("' created by '")?;
            let registrar = rest.strip_suffix("' ]")?;
            Some((name.to_string(), registrar.to_string()))
        })
        .collect()
}

/// Ask a running instance for its objects. `hints` (the prediction) resolves names the CLI cut.
pub fn collect(instance: &Instance, hints: Option<&ObjectSets>) -> crate::Result<ObjectSets> {
    let mut sets = ObjectSets::default();
    let cut_names =
        |kind: ObjectKind, entries: Vec<(String, bool)>| -> crate::Result<BTreeSet<String>> {
            let mut names = BTreeSet::new();
            for (name, cut) in entries {
                if !cut {
                    names.insert(name);
                    continue;
                }
                // The name fills its column: it is whole, or cut. Look it up as shown, then among the
                // predicted names that start with it.
                let exists = |id: &str| -> crate::Result<bool> {
                    let out = instance.cli(&format!("pjsip show {} {id}", kind.name()))?;
                    Ok(!out.contains("Unable to find object"))
                };
                let shown = match (kind, name.rfind('/')) {
                    (ObjectKind::Endpoint, Some(i)) if exists(&name[..i])? => name[..i].to_string(),
                    _ => name.clone(),
                };
                if exists(&shown)? {
                    names.insert(shown);
                    continue;
                }
                let mut found = false;
                for candidate in hints
                    .map(|h| h.get(kind))
                    .into_iter()
                    .flatten()
                    .filter(|c| c.starts_with(name.split('/').next().unwrap_or(&name)))
                {
                    let out = instance.cli(&format!("pjsip show {} {candidate}", kind.name()))?;
                    if !out.contains("Unable to find object") {
                        names.insert(candidate.clone());
                        found = true;
                    }
                }
                if !found {
                    names.insert(format!("{name}…"));
                }
            }
            Ok(names)
        };
    sets.endpoints = cut_names(
        ObjectKind::Endpoint,
        parse_endpoints(&instance.cli("pjsip list endpoints")?),
    )?;
    sets.aors = cut_names(
        ObjectKind::Aor,
        parse_aors(&instance.cli("pjsip list aors")?),
    )?;
    sets.auths = parse_auths(&instance.cli("pjsip list auths")?)
        .into_iter()
        .collect();
    sets.identifies = parse_identifies(&instance.cli("pjsip list identifies")?)
        .into_iter()
        .collect();
    sets.transports = parse_transports(&instance.cli("pjsip list transports")?)
        .into_iter()
        .collect();
    sets.registrations = parse_registrations(&instance.cli("pjsip list registrations")?)
        .into_iter()
        .collect();
    for (name, registrar) in parse_contexts(&instance.cli("dialplan show")?) {
        if registrar == "pbx_config" {
            sets.contexts.insert(name);
        } else {
            sets.module_contexts.insert(name);
        }
    }
    Ok(sets)
}

/// One type's comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KindComparison {
    pub kind: ObjectKind,
    /// Objects both have.
    pub agreed: usize,
    /// Predicted, not loaded by Asterisk.
    pub predicted_only: Vec<String>,
    /// Loaded by Asterisk, not predicted.
    pub asterisk_only: Vec<String>,
    /// Predicted, not loaded because of the throwaway instance (a message of the environment
    /// names them: a TLS file not in the directory, a host name without DNS); not a difference.
    /// Filled by [`super::verify_against_model`] only.
    pub environment: Vec<String>,
}

/// Asterisk's objects against a prediction, per type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Comparison {
    pub kinds: Vec<KindComparison>,
}

impl Comparison {
    /// Whether every type agrees exactly.
    pub fn is_exact(&self) -> bool {
        self.kinds
            .iter()
            .all(|k| k.predicted_only.is_empty() && k.asterisk_only.is_empty())
    }

    /// The types that differ.
    pub fn differences(&self) -> impl Iterator<Item = &KindComparison> {
        self.kinds
            .iter()
            .filter(|k| !k.predicted_only.is_empty() || !k.asterisk_only.is_empty())
    }

    pub fn kind(&self, kind: ObjectKind) -> Option<&KindComparison> {
        self.kinds.iter().find(|k| k.kind == kind)
    }
}

impl std::fmt::Display for Comparison {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut any = false;
        for k in self.differences() {
            any = true;
            writeln!(
                f,
                "{}: {} agreed; predicted but not loaded: {:?}; loaded but not predicted: {:?}",
                k.kind.name(),
                k.agreed,
                k.predicted_only,
                k.asterisk_only
            )?;
        }
        if !any {
            writeln!(f, "every type agrees")?;
        }
        Ok(())
    }
}

/// Compare per type what Asterisk loaded with what was predicted.
pub fn compare(asterisk: &ObjectSets, predicted: &ObjectSets) -> Comparison {
    let kinds = ObjectKind::ALL
        .iter()
        .map(|&kind| {
            let a = asterisk.get(kind);
            let p = predicted.get(kind);
            KindComparison {
                kind,
                agreed: a.intersection(p).count(),
                predicted_only: p.difference(a).cloned().collect(),
                asterisk_only: a.difference(p).cloned().collect(),
                environment: Vec::new(),
            }
        })
        .collect();
    Comparison { kinds }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENDPOINTS: &str = "\n Endpoint:  <Endpoint/CID.....................................>  <State.....>  <Channels.>\n\
==========================================================================================\n\n\
 Endpoint:  201/201                                              Unavailable   0 of inf\n\
 Endpoint:  itsp                                                 Unavailable   0 of inf\n\
 Endpoint:  a-very-long-endpoint-name-that-does-not-fit-the-col  Unavailable   0 of inf\n\
\nObjects found: 3\n";

    #[test]
    fn endpoints_without_caller_id_and_cut_names() {
        let eps = parse_endpoints(ENDPOINTS);
        assert_eq!(
            eps,
            vec![
                ("201".to_string(), false),
                ("itsp".to_string(), false),
                (
                    "a-very-long-endpoint-name-that-does-not-fit-the-col".to_string(),
                    true
                ),
            ]
        );
    }

    #[test]
    fn other_lists() {
        let auths = "  I/OAuth:  <AuthId/UserName....>\n=====\n\n     Auth:  201/201\n     Auth:  itsp/100200300\n";
        assert_eq!(parse_auths(auths), vec!["201", "itsp"]);
        let ids = " Identify:  <Identify/Endpoint....>\n=====\n\n Identify:  itsp/itsp\n";
        assert_eq!(parse_identifies(ids), vec!["itsp"]);
        let tr = "Transport:  <TransportId........>  <Type>\n=====\n\nTransport:  transport-udp             udp      0      0  0.0.0.0:5060\n";
        assert_eq!(parse_transports(tr), vec!["transport-udp"]);
        let reg = "\n <Registration/ServerURI....>  <Auth....>  <Status.......>\n==========\n\n itsp/sip:sip.itsp.example.net:5060                      itsp                        Unregistered      (exp. 8s)\n\nObjects found: 1\n";
        assert_eq!(parse_registrations(reg), vec!["itsp"]);
        let dp = "[ Context 'reject' created by 'pbx_config' ]\n  's' => 1. Hangup()\n\n[ Context '__func_periodic_hook_context__' created by 'func_periodic_hook' ]\n";
        assert_eq!(
            parse_contexts(dp),
            vec![
                ("reject".to_string(), "pbx_config".to_string()),
                (
                    "__func_periodic_hook_context__".to_string(),
                    "func_periodic_hook".to_string()
                )
            ]
        );
        assert!(parse_endpoints("No objects found.\n").is_empty());
    }

    #[test]
    fn comparison_per_type() {
        let mut a = ObjectSets::default();
        let mut p = ObjectSets::default();
        a.endpoints.extend(["201".to_string(), "202".to_string()]);
        p.endpoints.extend(["201".to_string(), "203".to_string()]);
        let c = compare(&a, &p);
        assert!(!c.is_exact());
        let e = c.kind(ObjectKind::Endpoint).unwrap();
        assert_eq!(e.agreed, 1);
        assert_eq!(e.predicted_only, vec!["203"]);
        assert_eq!(e.asterisk_only, vec!["202"]);
        assert!(compare(&a, &a).is_exact());
    }
}
