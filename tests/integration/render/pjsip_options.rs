//! Every option pbxgen writes into pjsip.conf exists for its object type in the target
//! Asterisk: an unknown option makes Asterisk drop the whole object ("Could not find option
//! suitable…"). The option lists are Asterisk's own documentation: `pjsip_config-20.xml` and
//! `pjsip_config-master.xml` (res_pjsip's types; master stands for 21–23), and for the types
//! documented by other modules (registration, identify, acl) the `SECTION OPTIONS` of
//! Asterisk 20's pjsip.conf.sample. They are the one option table,
//! `data/asterisk/pjsip-options.tsv` (`asterisk::pjsip_options` keeps it current).

use super::{EXAMPLES, render_example};
use crate::util::in_every_release;
use pbxgen::asterisk::model::pjsip_options;
use pbxgen::render::SecretMode;
use std::collections::BTreeSet;

/// res_pjsip's types are in the XML; these come from other modules' documentation.
const SAMPLE_TYPES: [&str; 3] = ["registration", "identify", "acl"];

/// `(type, option, source, since)`: `since` is the versions Asterisk lists for the option
/// (comma-separated), `-` when it lists none.
type Row = (String, String, String, String);

/// The rows of the one option table.
fn table() -> BTreeSet<Row> {
    pjsip_options::rows(pjsip_options::TABLE)
        .map(|r| {
            let since = if r.since.is_empty() {
                "-".to_string()
            } else {
                r.since
            };
            (r.ty, r.option, r.source.as_str().to_string(), since)
        })
        .collect()
}

/// A section of a rendered pjsip.conf, its templates' variables first.
struct Section {
    name: String,
    template: bool,
    vars: Vec<(String, String)>,
}

impl Section {
    fn kind(&self) -> String {
        self.vars
            .iter()
            .rev()
            .find(|(k, _)| k == "type")
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

/// Every object (non-template section) of a rendered pjsip.conf, templates applied. pbxgen's
/// own output only: no `(+)`, no includes.
fn objects(text: &str) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    for line in text.lines() {
        let line = line.split(';').next().unwrap_or("").trim();
        if let Some(header) = line.strip_prefix('[') {
            let (name, rest) = header
                .split_once(']')
                .expect("a section header ends with ]");
            let bases = rest.trim_start_matches('(').trim_end_matches(')');
            let mut section = Section {
                name: name.to_string(),
                template: false,
                vars: Vec::new(),
            };
            for base in bases.split(',').filter(|b| !b.is_empty()) {
                if base == "!" {
                    section.template = true;
                    continue;
                }
                let inherited = sections.iter().find(|s| s.template && s.name == base);
                section.vars.extend(
                    inherited
                        .unwrap_or_else(|| panic!("template {base}"))
                        .vars
                        .iter()
                        .cloned(),
                );
            }
            sections.push(section);
        } else if let Some((key, value)) = line.split_once('=') {
            let section = sections.last_mut().expect("an option inside a section");
            section
                .vars
                .push((key.trim().to_string(), value.trim().to_string()));
        }
    }
    sections.retain(|s| !s.template);
    sections
}

#[test]
fn every_rendered_pjsip_option_exists_for_its_type_and_target() {
    let known = table();
    for example in EXAMPLES {
        let site = super::example_site(example);
        let target = site.asterisk;
        let source = if target <= 20 { "20" } else { "master" };
        let file = render_example(example, SecretMode::Mask)
            .into_iter()
            .find(|f| f.name == "pjsip.conf")
            .unwrap();
        let objects = objects(&file.contents);
        assert!(
            objects.len() > 5,
            "{example}: parsed {} objects",
            objects.len()
        );
        for object in &objects {
            let (section, kind) = (&object.name, object.kind());
            let doc = if SAMPLE_TYPES.contains(&kind.as_str()) {
                "sample-20"
            } else {
                source
            };
            assert!(
                known.iter().any(|(t, _, _, _)| t == &kind),
                "{example} [{section}]: unknown type `{kind}`"
            );
            for (option, _) in &object.vars {
                let documented = known
                    .iter()
                    .find(|(t, o, s, _)| t == &kind && o == option && s == doc)
                    .unwrap_or_else(|| {
                        panic!("{example} [{section}] type={kind}: `{option}` is not an option Asterisk {source} documents")
                    });
                assert!(
                    in_every_release(&documented.3, target),
                    "{example} [{section}] type={kind}: `{option}` exists only since {} (target Asterisk {target})",
                    documented.3
                );
            }
        }
    }
}

#[test]
fn every_pjsip_object_the_plan_implies_is_rendered() {
    for example in EXAMPLES {
        let site = super::example_site(example);
        let pjsip = site.pjsip.as_ref().unwrap();
        let file = render_example(example, SecretMode::Mask)
            .into_iter()
            .find(|f| f.name == "pjsip.conf")
            .unwrap();
        let objects = objects(&file.contents);
        let has =
            |kind: &str, name: &str| objects.iter().any(|o| o.name == name && o.kind() == kind);
        for t in &pjsip.transports {
            assert!(has("transport", &t.name), "{example}: transport {}", t.name);
        }
        for a in pjsip.accounts.iter() {
            assert!(
                has("endpoint", &a.endpoint.name),
                "{example}: endpoint {}",
                a.endpoint.name
            );
            for auth in &a.auths {
                assert!(has("auth", &auth.name));
            }
            for (kind, name) in [
                ("aor", a.aor.as_ref().map(|x| &x.name)),
                ("identify", a.identify.as_ref().map(|x| &x.name)),
            ] {
                if let Some(name) = name {
                    assert!(has(kind, name), "{example}: {kind} {name}");
                }
            }
            if let Some(r) = &a.registration {
                assert!(has("registration", &r.name));
            }
        }
        // Duplicate (type, name) pairs stop a whole pjsip type from loading.
        let mut seen = BTreeSet::new();
        for object in &objects {
            let (name, kind) = (&object.name, object.kind());
            assert!(
                seen.insert((kind.clone(), name.to_ascii_lowercase())),
                "{example}: duplicate {kind} {name}"
            );
        }
    }
}

#[test]
fn since_versions_decide_availability_per_major() {
    assert!(in_every_release("12.0.0", 20));
    assert!(in_every_release("-", 23));
    assert!(!in_every_release("20.12.0,21.7.0,22.2.0", 20));
    assert!(!in_every_release("20.12.0,21.7.0,22.2.0", 22));
    assert!(in_every_release("20.12.0,21.7.0,22.2.0", 23));
    assert!(in_every_release("21.0.0", 21));
}
