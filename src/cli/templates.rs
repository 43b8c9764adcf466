//! `pbxgen templates list|export`: the embedded minijinja templates.

use super::args::TemplatesExportArgs;
use super::exit;
use super::term::Term;
use pbxgen::Error;
use pbxgen::fsutil::{self, Batch, MODE_PUBLIC};
use pbxgen::render::embedded_templates;
use pbxgen::untrusted::for_terminal;

/// Copy every embedded template into a directory (all or none).
pub fn export(args: &TemplatesExportArgs, term: &Term) -> Result<u8, Error> {
    let templates = embedded_templates();
    let mut batch = Batch::new();
    for template in &templates {
        let path = args.dir.join(template.name);
        if !args.force && std::fs::symlink_metadata(&path).is_ok() {
            return Err(Error::invalid(format!(
                "{}: already exists; nothing was written",
                path.display()
            ))
            .with_hint("pass --force to overwrite the templates in this directory"));
        }
        batch.add(path, template.source, MODE_PUBLIC);
    }
    fsutil::create_dir(&args.dir)?;
    batch.commit()?;
    if !term.quiet {
        println!(
            "{} templates written to {}",
            templates.len(),
            for_terminal(&args.dir.display().to_string())
        );
        println!(
            "edit any of them, delete the others, then: pbxgen render PROFILE --out DIR --templates {}",
            for_terminal(&args.dir.display().to_string())
        );
    }
    Ok(exit::OK)
}

/// Name and purpose of every embedded template.
pub fn list(_term: &Term) -> Result<u8, Error> {
    let templates = embedded_templates();
    let width = templates.iter().map(|t| t.name.len()).max().unwrap_or(0);
    for template in &templates {
        println!("{:width$}  {}", template.name, template.description);
    }
    Ok(exit::OK)
}
