//! `pbxgen twilio refresh` and `pbxgen twilio firewall`.

use super::args::{FirewallArgs, RefreshArgs};
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
        eprintln!("reading {}", display_url(url));
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
                baseline.name,
                source.page.url,
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
                baseline.name
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
        println!("\nWrote {}.", path.display());
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
