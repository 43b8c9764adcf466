//! Property tests: the reader never panics on any bytes (and neither do the interpreters), and
//! a configuration rendered from a random model reads back as that model.

use pbxgen::asterisk::{self, ModelOptions};
use proptest::prelude::*;

/// Bytes biased towards Asterisk syntax so that the interesting paths are reached.
fn config_bytes() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        Just(b"[".to_vec()),
        Just(b"]".to_vec()),
        Just(b"(!)".to_vec()),
        Just(b"(+)".to_vec()),
        Just(b"(+type=aor)".to_vec()),
        Just(b"(a, b)".to_vec()),
        Just(b"=".to_vec()),
        Just(b"=>".to_vec()),
        Just(b"+=".to_vec()),
        Just(b";".to_vec()),
        Just(b"\\;".to_vec()),
        Just(b";--".to_vec()),
        Just(b"--;".to_vec()),
        Just(b";---".to_vec()),
        Just(b"#include x.conf".to_vec()),
        Just(b"#tryinclude *.conf".to_vec()),
        Just(b"#exec ls".to_vec()),
        Just(b"exten => _X.,1,Dial(PJSIP/${EXTEN}@t)".to_vec()),
        Just(b"same => n(l),GotoIf($[1]?a,b,1:c)".to_vec()),
        Just(b"type=endpoint".to_vec()),
        Just(b"permit=10.0.0.0/8".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\t".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just(vec![0u8]),
        Just(vec![0xff, 0xfe]),
        "[a-z0-9 ]{1,8}".prop_map(|s| s.into_bytes()),
        prop::collection::vec(any::<u8>(), 1..8),
    ];
    prop::collection::vec(token, 0..80).prop_map(|parts| parts.concat())
}

const KINDS: [&str; 8] = [
    "sip.conf",
    "pjsip.conf",
    "extensions.conf",
    "websms.conf",
    "manager.conf",
    "acl.conf",
    "asterisk.conf",
    "pjsip_wizard.conf",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The reader and every interpreter accept any bytes without panicking.
    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600), kind in 0usize..KINDS.len()) {
        let config = asterisk::load_texts("mem", vec![(KINDS[kind].to_string(), bytes)]);
        let pbx = asterisk::build_model(config, &ModelOptions::default());
        serde_json::to_string(&pbx).unwrap();
    }

    /// The same with syntax-shaped input, includes between the files, and every kind at once.
    #[test]
    fn never_panics_on_config_shaped_bytes(files in prop::collection::vec(config_bytes(), KINDS.len() + 1)) {
        let mut named: Vec<(String, Vec<u8>)> =
            KINDS.iter().map(|k| k.to_string()).zip(files.iter().cloned()).collect();
        named.push(("x.conf".to_string(), files[KINDS.len()].clone()));
        let config = asterisk::load_texts("mem", named);
        for d in config.diagnostics() {
            // Every position points into a file that was read, at a real line.
            prop_assert!(d.pos.line >= 1);
            let _ = config.location(d.pos);
        }
        asterisk::build_model(config, &ModelOptions::default());
    }
}

/// A random model: sections (unique names, maybe templates, maybe inheriting from earlier
/// sections) with variables.
#[derive(Debug, Clone)]
struct ModelSection {
    name: String,
    template: bool,
    bases: Vec<usize>,
    vars: Vec<(String, String, bool)>,
}

fn model_strategy() -> impl Strategy<Value = Vec<ModelSection>> {
    let var = (
        "[a-z][a-z0-9_]{0,10}",
        "([a-zA-Z0-9._/@:=,-][a-zA-Z0-9 ._/@:=,-]{0,20}[a-zA-Z0-9._/@:=,-])?",
        any::<bool>(),
    );
    let section = (
        any::<bool>(),
        prop::collection::vec(any::<prop::sample::Index>(), 0..3),
        prop::collection::vec(var, 0..6),
    );
    prop::collection::vec(section, 1..12).prop_map(|raw| {
        raw.into_iter()
            .enumerate()
            .map(|(i, (template, bases, vars))| ModelSection {
                name: format!("s{i}"),
                template,
                bases: if i == 0 {
                    Vec::new()
                } else {
                    bases.iter().map(|b| b.index(i)).collect()
                },
                vars,
            })
            .collect()
    })
}

fn render(model: &[ModelSection]) -> String {
    let mut out = String::new();
    for s in model {
        let mut items: Vec<String> = Vec::new();
        if s.template {
            items.push("!".into());
        }
        items.extend(s.bases.iter().map(|&b| model[b].name.clone()));
        out.push_str(&format!("[{}]", s.name));
        if !items.is_empty() {
            out.push_str(&format!("({})", items.join(",")));
        }
        out.push_str(" ; header\n");
        for (name, value, arrow) in &s.vars {
            out.push_str(&format!(
                "  {name} {} {value}\n",
                if *arrow { "=>" } else { "=" }
            ));
        }
    }
    out
}

/// A section as read: name, template flag, variables.
type ReadSection = (String, bool, Vec<(String, String)>);

/// What Asterisk makes of the model: inherited variables first, then the section's own.
fn expected(model: &[ModelSection]) -> Vec<ReadSection> {
    let mut done: Vec<Vec<(String, String)>> = Vec::new();
    for s in model {
        let mut vars: Vec<(String, String)> = Vec::new();
        for &b in &s.bases {
            vars.extend(done[b].iter().cloned());
        }
        vars.extend(s.vars.iter().map(|(n, v, _)| (n.clone(), v.clone())));
        done.push(vars);
    }
    model
        .iter()
        .zip(done)
        .map(|(s, v)| (s.name.clone(), s.template, v))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Rendering a model as text and reading it back gives the model back.
    #[test]
    fn rendered_model_reads_back(model in model_strategy()) {
        let text = render(&model);
        let config = asterisk::load_texts("mem", vec![("sip.conf".to_string(), text.clone().into_bytes())]);
        let file = &config.files[0];
        prop_assert!(file.diagnostics.is_empty(), "{:?}\n{}", file.diagnostics, text);
        let got: Vec<ReadSection> = file
            .sections
            .iter()
            .map(|s| (s.name.clone(), s.is_template, s.variables.iter().map(|v| (v.name.to_string(), v.value.to_string())).collect()))
            .collect();
        prop_assert_eq!(got, expected(&model));
        prop_assert_eq!(file.comments.len(), model.len());
    }
}
