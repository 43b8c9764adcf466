//! The command line: `--help` of every subcommand is snapshotted, so a change to the interface
//! shows up in review. Help is rendered at 100 columns (`COLUMNS`) to make wrapping stable.

use crate::util::pbxgen;

/// Every (sub)command path, as typed before `--help`.
const COMMANDS: &[&[&str]] = &[
    &[],
    &["render"],
    &["audit"],
    &["migrate"],
    &["verify"],
    &["rules"],
    &["twilio"],
    &["twilio", "refresh"],
    &["twilio", "firewall"],
    &["twilio", "serve"],
    &["twilio", "sign"],
    &["profile"],
    &["profile", "check"],
    &["profile", "schema"],
    &["templates"],
    &["templates", "export"],
    &["templates", "list"],
    &["completions"],
    &["man"],
];

fn help(args: &[&str]) -> String {
    let out = pbxgen()
        .args(args)
        .arg("--help")
        .env("COLUMNS", "100")
        .output()
        .expect("pbxgen runs");
    assert!(
        out.status.success(),
        "pbxgen {} --help failed",
        args.join(" ")
    );
    assert!(out.stderr.is_empty());
    String::from_utf8(out.stdout).expect("help is UTF-8")
}

#[test]
fn help_of_every_subcommand() {
    for args in COMMANDS {
        let name = if args.is_empty() {
            "help".to_string()
        } else {
            format!("help-{}", args.join("-"))
        };
        let text = help(args);
        insta::assert_snapshot!(name, text);
    }
}

/// The subcommands `pbxgen ARGS --help` lists under `Commands:` (without `help`).
fn subcommands(args: &[String]) -> Vec<String> {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let text = help(&refs);
    let Some((_, list)) = text.split_once("\nCommands:\n") else {
        return Vec::new();
    };
    list.lines()
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn every_visible_subcommand_is_snapshotted() {
    fn walk(path: Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(path.clone());
        for sub in subcommands(&path) {
            let mut p = path.clone();
            p.push(sub);
            walk(p, out);
        }
    }
    let mut all = Vec::new();
    walk(Vec::new(), &mut all);
    let listed: Vec<Vec<String>> = COMMANDS
        .iter()
        .map(|c| c.iter().map(|s| s.to_string()).collect())
        .collect();
    all.sort();
    let mut listed_sorted = listed.clone();
    listed_sorted.sort();
    assert_eq!(all, listed_sorted);
}

#[test]
fn subcommands_with_arguments_show_an_example() {
    for args in COMMANDS.iter().filter(|a| !a.is_empty()) {
        let text = help(args);
        let has_subcommands = text.contains("\nCommands:\n");
        assert!(
            has_subcommands || text.contains("Example"),
            "pbxgen {} --help has no example",
            args.join(" ")
        );
    }
}
