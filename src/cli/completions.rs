//! Shell completions and the man page, both generated from the clap definitions.

use super::args::{Cli, CompletionsArgs, ManArgs};
use super::exit;
use super::term::Term;
use clap::CommandFactory;
use pbxgen::Error;
use pbxgen::fsutil::{self, Batch, MODE_PUBLIC, Ownership};
use pbxgen::untrusted::for_terminal;

pub fn completions(args: &CompletionsArgs) -> Result<u8, Error> {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "pbxgen", &mut std::io::stdout());
    Ok(exit::OK)
}

/// The man pages: `pbxgen.1` on stdout, or it and one page per (visible) subcommand written
/// into `--dir` (all or none, like every write). The pages refer to each other as
/// `pbxgen-render(1)`, …: each of those is one of the files written.
pub fn man(args: &ManArgs, term: &Term) -> Result<u8, Error> {
    let pages = man_pages()?;
    let Some(dir) = &args.dir else {
        // The first page is pbxgen.1.
        print!("{}", String::from_utf8_lossy(&pages[0].1));
        return Ok(exit::OK);
    };
    let mut batch = Batch::new().ownership(Ownership::KeepIfAllowed);
    for (name, text) in &pages {
        batch.add(dir.join(name), text, MODE_PUBLIC);
    }
    fsutil::create_dir(dir)?;
    batch.commit()?;
    if !term.quiet {
        println!(
            "{} man pages written to {}",
            pages.len(),
            for_terminal(&dir.display().to_string())
        );
    }
    Ok(exit::OK)
}

/// `(file name, roff)` of pbxgen's page and of every visible subcommand's, parents first.
fn man_pages() -> Result<Vec<(String, Vec<u8>)>, Error> {
    fn add(cmd: &clap::Command, pages: &mut Vec<(String, Vec<u8>)>) -> Result<(), Error> {
        let man = clap_mangen::Man::new(cmd.clone());
        let mut text = Vec::new();
        man.render(&mut text)
            .map_err(|e| Error::invalid(format!("cannot render the man page: {e}")))?;
        pages.push((man.get_filename(), text));
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            add(sub, pages)?;
        }
        Ok(())
    }
    // No `help` subcommands: `--help` is on every page already, and a `pbxgen-help(1)` page
    // would say nothing more.
    let mut cmd = without_help_subcommands(Cli::command());
    cmd.build();
    let mut pages = Vec::new();
    add(&cmd, &mut pages)?;
    Ok(pages)
}

fn without_help_subcommands(cmd: clap::Command) -> clap::Command {
    cmd.disable_help_subcommand(true)
        .mut_subcommands(without_help_subcommands)
}
