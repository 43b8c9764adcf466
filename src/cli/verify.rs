//! `pbxgen verify DIR [--asterisk PATH] [--format text|json]`: load DIR into a throwaway
//! Asterisk (`pbxgen::verify`), print what the configuration caused and the objects against
//! pbxgen's model. Exit 0 clean, 1 not clean, 2 when Asterisk cannot run or DIR cannot be read.

use super::args::{VerifyArgs, VerifyFormat};
use super::exit;
use super::term::Term;
use pbxgen::Error;
use pbxgen::verify::{self, Asterisk, InstanceOptions, VerifyReport};
use std::path::Path;

pub fn run(args: &VerifyArgs, term: &Term) -> Result<u8, Error> {
    let report = verify_dir(&args.dir, args.asterisk.as_deref())?;
    match args.format {
        VerifyFormat::Text => {
            if !term.quiet || !report.is_clean() {
                print!(
                    "{}",
                    verify::text::render(&report, term.color, term.verbose > 0)
                );
            }
        }
        VerifyFormat::Json => {
            let json = serde_json::to_string_pretty(&report)
                .map_err(|e| Error::invalid(format!("cannot write the report: {e}")))?;
            println!("{json}");
        }
    }
    Ok(exit::findings_if(!report.is_clean()))
}

/// Verify `dir` with the Asterisk `--asterisk` names (or the default one), saying how to get
/// an Asterisk when there is none.
pub fn verify_dir(dir: &Path, binary: Option<&Path>) -> Result<VerifyReport, Error> {
    if !dir.is_dir() {
        return Err(Error::invalid(format!(
            "{}: expected a configuration directory (like /etc/asterisk)",
            dir.display()
        )));
    }
    let asterisk = Asterisk::choose(binary);
    if let Err(err) = asterisk.check() {
        let hint = match binary {
            Some(_) => "pass the path of an Asterisk binary, e.g. `--asterisk /usr/sbin/asterisk`"
                .to_string(),
            None => format!(
                "on the PBX, pass its binary (`--asterisk /usr/sbin/asterisk`); elsewhere build the \
                 sandbox with `scripts/asterisk-sandbox ensure` (or point PBXGEN_ASTERISK_ROOT at \
                 one; looked for {})",
                Asterisk::sandbox_root_from_env().display()
            ),
        };
        return Err(Error::invalid(format!("cannot verify: {}", err.message)).with_hint(hint));
    }
    verify::verify_against_model(dir, &asterisk, &InstanceOptions::default())
}
