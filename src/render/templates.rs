//! The templates: embedded in the binary at build time, each overridable by a file of the same
//! name in a user directory (`render --templates DIR`), exportable (`templates export DIR`).

use crate::diag::Error;
use std::path::{Path, PathBuf};

/// One embedded template.
#[derive(Debug, Clone, Copy)]
pub struct Embedded {
    pub name: &'static str,
    /// What it produces, for `templates list`.
    pub description: &'static str,
    pub source: &'static str,
}

/// `template!("pjsip.conf.j2", "what it produces")`: the file `templates/pjsip.conf.j2`,
/// embedded at build time.
macro_rules! template {
    ($name:literal, $description:literal $(,)?) => {
        $crate::render::templates::Embedded {
            name: $name,
            description: $description,
            source: include_str!(concat!("../../templates/", $name)),
        }
    };
}
pub(crate) use template;

/// Templates that produce no file of their own: macros the output templates import.
pub const SHARED: &[Embedded] = &[template!(
    "_asterisk.j2",
    "macros shared by the Asterisk .conf templates (ACL lines)"
)];

/// A template as the environment loads it.
#[derive(Debug, Clone)]
pub struct Template {
    pub name: &'static str,
    pub source: String,
    /// The file it was read from when overridden.
    pub overridden_by: Option<PathBuf>,
}

impl Template {
    /// How to name the template in messages: the user's file, or `templates/<name>`.
    pub fn display_name(&self) -> String {
        match &self.overridden_by {
            Some(path) => path.display().to_string(),
            None => format!("templates/{} (embedded)", self.name),
        }
    }
}

/// The `embedded` templates with the overrides found in `dir` applied.
pub fn load(embedded: &[Embedded], dir: Option<&Path>) -> Result<Vec<Template>, Error> {
    let mut templates: Vec<Template> = embedded
        .iter()
        .map(|e| Template {
            name: e.name,
            source: e.source.to_string(),
            overridden_by: None,
        })
        .collect();
    let Some(dir) = dir else {
        return Ok(templates);
    };
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Error::io(dir, &e)
            .with_hint("--templates expects a directory made with `pbxgen templates export DIR`")
    })?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, &e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".j2") {
            names.push(name);
        }
    }
    names.sort();
    for name in names {
        let path = dir.join(&name);
        let Some(template) = templates.iter_mut().find(|t| t.name == name) else {
            let known: Vec<&str> = embedded.iter().map(|e| e.name).collect();
            let mut err = Error::invalid(format!(
                "{}: no embedded template has this name, so it would never be used",
                path.display()
            ));
            if let Some(best) = closest(&name, &known) {
                err = err.with_hint(format!(
                    "did you mean `{best}`? (`pbxgen templates list` shows them all)"
                ));
            }
            return Err(err);
        };
        template.source = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, &e))?;
        template.overridden_by = Some(path);
    }
    Ok(templates)
}

fn closest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(name, k), *k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_in_templates_is_embedded() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = crate::render::embedded_templates()
            .iter()
            .map(|e| e.name.to_string())
            .collect();
        embedded.sort();
        assert_eq!(
            on_disk, embedded,
            "templates/ and the embedded templates (SHARED and the output registry) must list the same files"
        );
    }

    #[test]
    fn overrides_replace_one_template_and_unknown_names_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("twiml.xml.j2"), "custom").unwrap();
        std::fs::write(dir.path().join("README.md"), "ignored").unwrap();
        let embedded = crate::render::embedded_templates();
        let set = load(&embedded, Some(dir.path())).unwrap();
        let twiml = set.iter().find(|t| t.name == "twiml.xml.j2").unwrap();
        assert_eq!(twiml.source, "custom");
        assert!(twiml.display_name().ends_with("twiml.xml.j2"));
        assert!(set.iter().filter(|t| t.overridden_by.is_some()).count() == 1);

        std::fs::write(dir.path().join("pjsip.cnf.j2"), "typo").unwrap();
        let err = load(&embedded, Some(dir.path())).unwrap_err();
        assert!(err.message.contains("pjsip.cnf.j2"), "{err}");
        assert!(err.hint.unwrap().contains("pjsip.conf.j2"));
    }
}
