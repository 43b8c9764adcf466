//! `pbxgen twilio refresh`, `firewall`, `serve` and `sign`.

use super::args::{FirewallArgs, RefreshArgs, ServeArgs, SignArgs};
use super::exit;
use super::term::Term;
use pbxgen::Error;
use pbxgen::fsutil::{MODE_PUBLIC, write_atomic};
use pbxgen::twilio::date::today_utc;
use pbxgen::twilio::fetch::{FetchOptions, Fetcher, MAX_BYTES, display_url};
use pbxgen::twilio::firewall::firewall_snippet;
use pbxgen::twilio::ranges::EMBEDDED_PRESET;
use pbxgen::twilio::refresh::{self, DEFAULT_SOURCE, Plan};
use pbxgen::twilio::report::{describe, unified_diff};
use pbxgen::twilio::{Edge, TwilioRanges};
use pbxgen::untrusted::for_terminal;
use std::path::Path;
use std::time::{Duration, Instant};

/// The preset a refresh compares with, and the text its diff starts from.
struct Baseline {
    ranges: TwilioRanges,
    text: String,
    /// How to name it to the user.
    name: String,
}

/// Which preset to compare with: `--preset FILE`; else the file `--write` would replace, when
/// it exists (the diff must describe the change to *that* file); else the embedded preset.
fn baseline(args: &RefreshArgs) -> Result<Baseline, Error> {
    let from_file = |path: &Path| -> Result<Baseline, Error> {
        let (ranges, text) = TwilioRanges::load_with_text(path)?;
        let name = path.display().to_string();
        Ok(Baseline { ranges, text, name })
    };
    match (&args.preset, &args.write) {
        (Some(path), _) => from_file(path),
        (None, Some(path)) if path.exists() => from_file(path),
        _ => Ok(Baseline {
            ranges: TwilioRanges::embedded(),
            text: EMBEDDED_PRESET.to_string(),
            name: "the built-in preset".to_string(),
        }),
    }
}

/// Every edge name pbxgen knows: the baseline's and the built-in ones (for legacy names).
fn known_edges(baseline: &TwilioRanges) -> Vec<Edge> {
    let mut known = baseline.edges.clone();
    for edge in TwilioRanges::embedded().edges {
        if !known.iter().any(|e| e.name == edge.name) {
            known.push(edge);
        }
    }
    known
}

pub fn refresh(args: &RefreshArgs, term: &Term) -> Result<u8, Error> {
    let baseline = baseline(args)?;
    let timeout = Duration::from_secs(args.timeout);
    let deadline = Instant::now() + timeout;
    let fetcher = Fetcher::new(FetchOptions {
        timeout,
        ca_cert: args.ca_cert.clone(),
        allow_insecure_http: args.allow_insecure_http,
        max_bytes: MAX_BYTES,
    })
    .map_err(|e| Error::invalid(e.to_string()))?;
    let url = args.source.as_deref().unwrap_or(DEFAULT_SOURCE);
    if term.verbose > 0 {
        eprintln!("reading {}", for_terminal(&display_url(url)));
    }
    let source = refresh::read_source(url, &fetcher, deadline, &known_edges(&baseline.ranges))?;
    if !term.quiet {
        for note in &source.notes {
            // Notes quote what the server answered.
            eprintln!("note: {}", for_terminal(note));
        }
    }
    if term.verbose > 0 {
        for ignored in &source.extracted.ignored {
            let nets: Vec<String> = ignored.nets.iter().map(ToString::to_string).collect();
            eprintln!(
                "note: {}:{}: ignored {} ({})",
                for_terminal(&source.page.url),
                ignored.line,
                nets.join(", "),
                ignored.reason
            );
        }
    }

    let plan = refresh::plan(
        &baseline.ranges,
        &source.extracted,
        &source.page.url,
        &today_utc(),
    );
    let new_text = if plan.changes.is_empty() {
        baseline.text.clone()
    } else {
        plan.updated.to_yaml()
    };
    let target_name = args
        .write
        .as_ref()
        .map_or(baseline.name.clone(), |p| p.display().to_string());
    if !plan.changes.is_empty() && !term.quiet {
        println!(
            "Twilio's list at {} differs from {}:",
            for_terminal(&source.page.url),
            for_terminal(&baseline.name)
        );
        print!("{}", describe(&plan.changes, term.color));
        println!();
        print!(
            "{}",
            unified_diff(
                &baseline.text,
                &new_text,
                &format!("{} (current)", baseline.name),
                &format!("{target_name} (refreshed)"),
                term.color
            )
        );
    }
    refuse_unsafe(&plan, args.accept_shrink, &source.page.url)?;

    if plan.changes.is_empty() {
        if !term.quiet {
            println!(
                "Up to date: {} matches {} ({} edges, media {}).",
                for_terminal(&baseline.name),
                for_terminal(&source.page.url),
                plan.updated.edges.len(),
                plan.updated
                    .media
                    .ranges
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        // A copy elsewhere may still be wanted; an identical file is left alone.
        if let Some(path) = &args.write {
            write_if_changed(path, &new_text, term)?;
        }
        return Ok(exit::OK);
    }
    if args.check {
        if !term.quiet {
            println!(
                "\nOut of date: {} differs from Twilio's list.",
                for_terminal(&baseline.name)
            );
        }
        return Ok(exit::FINDINGS);
    }
    match &args.write {
        Some(path) => write_if_changed(path, &new_text, term)?,
        None => {
            if !term.quiet {
                println!("\nNothing written; pass --write FILE to save the refreshed preset.");
            }
        }
    }
    Ok(exit::OK)
}

/// Turn the sanity rules the page breaks into one error listing each, unless all of them are
/// overridable and the user accepted that.
fn refuse_unsafe(plan: &Plan, accept_shrink: bool, url: &str) -> Result<(), Error> {
    let blocking: Vec<_> = plan
        .refusals
        .iter()
        .filter(|r| !(r.overridable && accept_shrink))
        .collect();
    if blocking.is_empty() {
        return Ok(());
    }
    // One line per broken rule, printed here: an error message is printed as one line, with
    // anything that could break it made visible.
    for refusal in &blocking {
        eprintln!("refused: {}", for_terminal(&refusal.message));
    }
    let message = format!(
        "refusing to update the preset from {url}; nothing was written ({} sanity rule{} \
         broken, listed above)",
        blocking.len(),
        if blocking.len() == 1 { "" } else { "s" }
    );
    let hint = if blocking.iter().all(|r| r.overridable) {
        "if Twilio really changed its list (check the page), re-run with --accept-shrink"
    } else {
        "no genuine Twilio page lists such networks; the page is broken or was tampered with"
    };
    Err(Error::invalid(message).with_hint(hint))
}

fn write_if_changed(path: &Path, text: &str, term: &Term) -> Result<(), Error> {
    if std::fs::read(path).is_ok_and(|old| old == text.as_bytes()) {
        return Ok(());
    }
    write_atomic(path, text.as_bytes(), MODE_PUBLIC)?;
    if !term.quiet {
        println!("\nWrote {}.", for_terminal(&path.display().to_string()));
    }
    Ok(())
}

pub fn firewall(args: &FirewallArgs, _term: &Term) -> Result<u8, Error> {
    let ranges = match &args.preset {
        Some(path) => TwilioRanges::load(path)?,
        None => TwilioRanges::embedded(),
    };
    print!("{}", firewall_snippet(&ranges, args.format));
    Ok(exit::OK)
}

/// Run the webhook server of the profile until SIGTERM or SIGINT.
pub fn serve(args: &ServeArgs, term: &Term) -> Result<u8, Error> {
    use pbxgen::serve::{ServeOverrides, webhook_config};
    use pbxgen::twilio::webhook::{TlsFiles, serve_blocking};
    let profile = pbxgen::profile::load(&args.profile)?;
    let overrides = ServeOverrides {
        listen: args.listen,
        token_file: args.token_file.clone(),
        tls: match (&args.tls_cert, &args.tls_key) {
            (Some(cert_file), Some(key_file)) => Some(TlsFiles {
                cert_file: cert_file.clone(),
                key_file: key_file.clone(),
            }),
            _ => None,
        },
        templates_dir: args.templates.clone(),
    };
    let config = webhook_config(&profile, &overrides)?;
    drop(profile);
    serve_blocking(config, logger(term))?;
    Ok(exit::OK)
}

/// The server's log: one line per event on stderr, filtered by `-q` (warnings and errors) and
/// `-v` (debug too). Under systemd the lines carry journald's `<N>` priority prefix.
fn logger(term: &Term) -> pbxgen::twilio::webhook::Logger {
    use pbxgen::twilio::webhook::{LogEvent, LogLevel};
    let max = if term.quiet {
        LogLevel::Warn
    } else if term.verbose > 0 {
        LogLevel::Debug
    } else {
        LogLevel::Info
    };
    let journal = stderr_is_journal();
    std::sync::Arc::new(move |event: &LogEvent| {
        let level = event.level();
        if level > max {
            return;
        }
        // Events quote requests (paths, peers' errors): one line, nothing that drives a
        // terminal or forges a journal line.
        let event = event.to_string();
        let event = for_terminal(&event);
        let line = match (journal, level) {
            (true, LogLevel::Error) => format!("<3>{event}"),
            (true, LogLevel::Warn) => format!("<4>{event}"),
            (true, LogLevel::Info) => format!("<6>{event}"),
            (true, LogLevel::Debug) => format!("<7>{event}"),
            (false, LogLevel::Error) => format!("error: {event}"),
            (false, LogLevel::Warn) => format!("warning: {event}"),
            (false, _) => event.into_owned(),
        };
        use std::io::Write;
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    })
}

/// Whether stderr is the journal stream systemd connected (`$JOURNAL_STREAM` names its device
/// and inode), so that journald reads the priority prefixes.
fn stderr_is_journal() -> bool {
    #[cfg(unix)]
    {
        let Some(value) = std::env::var_os("JOURNAL_STREAM") else {
            return false;
        };
        let Some((dev, ino)) = value.to_str().and_then(|v| v.split_once(':')) else {
            return false;
        };
        // SAFETY: fstat on fd 2 with a zeroed, properly sized stat buffer.
        let mut stat: libc::stat = unsafe { std::mem::zeroed() };
        if unsafe { libc::fstat(2, &mut stat) } != 0 {
            return false;
        }
        dev.parse::<u64>().ok() == Some(stat.st_dev as u64)
            && ino.parse::<u64>().ok() == Some(stat.st_ino as u64)
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// Print the X-Twilio-Signature of a URL and form parameters.
pub fn sign(args: &SignArgs, _term: &Term) -> Result<u8, Error> {
    use pbxgen::twilio::webhook::{AuthToken, form_params_from_pairs, sign};
    let url = args.url.as_str();
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return Err(Error::invalid(format!(
            "expected the full URL Twilio requests (`https://…`), found `{}`",
            url.escape_debug()
        ))
        .with_hint("e.g. https://pbx.example.net/twilio/main/voice: the signature covers scheme, host and path"));
    }
    let params = form_params_from_pairs(&args.params)?;
    let token = match (&args.token_file, &args.profile) {
        (Some(path), _) => AuthToken::from_file(path)?,
        (None, Some(profile)) => pbxgen::serve::auth_token(&pbxgen::profile::load(profile)?)?,
        (None, None) => unreachable!("clap requires --token-file or --profile"),
    };
    println!("{}", sign(url, &params, &token));
    Ok(exit::OK)
}
