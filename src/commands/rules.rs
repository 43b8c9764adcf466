//! `pbxgen rules [CODE|NAME] [--format text|json|markdown]`: list the rules or explain one.

use crate::audit::rule::{self, Rule};
use crate::cli::{RulesArgs, RulesFormat};
use crate::diag::{EXIT_OK, Error};
use crate::term::Term;
use serde_json::json;

pub fn run(args: &RulesArgs, _term: &Term) -> Result<u8, Error> {
    let out = match &args.code {
        Some(key) => {
            let r = rule::find(key).ok_or_else(|| unknown_rule(key))?;
            match args.format {
                RulesFormat::Text => r.text(),
                RulesFormat::Markdown => r.markdown(),
                RulesFormat::Json => json_string(&rule_json(r)),
            }
        }
        None => match args.format {
            RulesFormat::Text => table(),
            RulesFormat::Markdown => markdown_table(),
            RulesFormat::Json => json_string(&json!(
                rule::all().iter().map(|r| rule_json(r)).collect::<Vec<_>>()
            )),
        },
    };
    print!("{out}");
    Ok(EXIT_OK)
}

fn unknown_rule(key: &str) -> Error {
    let best = rule::all()
        .iter()
        .flat_map(|r| [r.code, r.name])
        .map(|cand| {
            (
                strsim::jaro_winkler(&key.to_ascii_lowercase(), &cand.to_ascii_lowercase()),
                cand,
            )
        })
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let err = Error::invalid(format!("no rule has the code or name `{key}`"));
    match best {
        Some((score, cand)) if score > 0.8 => err.with_hint(format!(
            "did you mean `{cand}`? (`pbxgen rules` lists them all)"
        )),
        _ => err.with_hint("`pbxgen rules` lists every rule"),
    }
}

/// The plain-text table of `pbxgen rules`.
fn table() -> String {
    let rules = rule::all();
    let name_w = rules.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut out = format!(
        "{:<7} {:<name_w$} {:<8} {}\n",
        "CODE", "NAME", "SEVERITY", "SUMMARY"
    );
    for r in rules {
        out.push_str(&format!(
            "{:<7} {:<name_w$} {:<8} {}\n",
            r.code,
            r.name,
            r.severity.as_str(),
            r.summary
        ));
    }
    out
}

/// The Markdown table for the README (generated from the registry).
pub fn markdown_table() -> String {
    let mut out = String::from("| code | name | default | what |\n|---|---|---|---|\n");
    for r in rule::all() {
        let sev = match r.escalation {
            Some(esc) => format!("{}; {esc}", r.severity),
            None => r.severity.to_string(),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            r.code,
            r.name,
            sev,
            r.summary.replace('|', "\\|")
        ));
    }
    out
}

fn rule_json(r: &Rule) -> serde_json::Value {
    json!({
        "code": r.code,
        "name": r.name,
        "severity": r.severity,
        "escalation": r.escalation,
        "summary": r.summary,
        "what": r.doc.what,
        "why": r.doc.why,
        "example": r.doc.example,
        "instead": r.doc.instead,
        "fix": r.fix,
        "references": r.doc.references,
    })
}

fn json_string(v: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}
