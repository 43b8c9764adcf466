//! The command line: `--help` of every subcommand is snapshotted, so a change to the interface
//! shows up in review. Help is rendered at 100 columns (`COLUMNS`) to make wrapping stable.

use crate::util::pbxgen;

/// Every (sub)command path, as typed before `--help`.
const COMMANDS: &[&[&str]] = &[
    &[],
    &["render"],
    &["audit"],
    &["rules"],
    &["twilio"],
    &["twilio", "refresh"],
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

#[test]
fn every_visible_subcommand_is_snapshotted() {
    use clap::CommandFactory;
    fn walk(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(path.clone());
        for sub in cmd
            .get_subcommands()
            .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        {
            let mut p = path.clone();
            p.push(sub.get_name().to_string());
            walk(sub, p, out);
        }
    }
    let mut all = Vec::new();
    walk(&pbxgen::cli::Cli::command(), Vec::new(), &mut all);
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
