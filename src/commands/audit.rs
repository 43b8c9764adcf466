use crate::asterisk::{self, Config, ModelOptions};
use crate::cli::{AuditArgs, DumpFormat};
use crate::diag::{EXIT_OK, Error};
use crate::term::Term;
use std::io::Write;

pub fn run(args: &AuditArgs, _term: &Term) -> Result<u8, Error> {
    if let Some(format) = args.dump_model {
        return dump_model(load_inputs(args)?, args, format);
    }
    Err(super::not_implemented("audit"))
}

/// Read what `pbxgen audit` was given: one directory (every file pbxgen recognises in it, by
/// its Asterisk name, following `#include`), or a list of files (kind guessed from each name).
pub fn load_inputs(args: &AuditArgs) -> Result<Config, Error> {
    match args.paths.as_slice() {
        [] => Err(
            Error::invalid("expected a configuration directory or files to audit")
                .with_hint("pbxgen audit /etc/asterisk"),
        ),
        [dir] if dir.is_dir() => asterisk::load_dir(dir),
        paths => {
            if let Some(dir) = paths.iter().find(|p| p.is_dir()) {
                return Err(Error::invalid(format!(
                    "{}: expected files when several paths are given, found a directory",
                    dir.display()
                )));
            }
            asterisk::load_files(paths)
        }
    }
}

/// `--dump-model json`: the whole model (configuration as read, interpretation), secrets masked.
fn dump_model(config: Config, args: &AuditArgs, format: DumpFormat) -> Result<u8, Error> {
    let opts = ModelOptions {
        asterisk_version: args.asterisk_version,
    };
    let pbx = asterisk::build_model(config, &opts);
    let text = match format {
        DumpFormat::Json => serde_json::to_string_pretty(&pbx)
            .map_err(|e| Error::invalid(format!("cannot serialise the model: {e}")))?,
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").map_err(|e| Error::invalid(format!("cannot write to stdout: {e}")))?;
    Ok(EXIT_OK)
}
