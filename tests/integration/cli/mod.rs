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

/// `pbxgen man --dir` writes a page for every page the man pages refer to (`pbxgen-render(1)`,
/// …), and `pbxgen man` prints the first of them.
#[test]
fn every_man_page_reference_is_a_page() {
    let dir = tempfile::tempdir().unwrap();
    pbxgen()
        .args(["man", "--dir"])
        .arg(dir.path())
        .assert()
        .success();
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert!(names.len() >= 10, "{names:?}");
    let reference = regex::Regex::new(r"(pbxgen(?:\\-[a-z]+)+)\((\d)\)").unwrap();
    for name in &names {
        let text = std::fs::read_to_string(dir.path().join(name)).unwrap();
        for caps in reference.captures_iter(&text) {
            let page = format!("{}.{}", caps[1].replace("\\-", "-"), &caps[2]);
            assert!(
                names.contains(&page),
                "{name} refers to {page}, which was not written"
            );
        }
    }
    let top = pbxgen().arg("man").output().unwrap();
    assert_eq!(
        String::from_utf8(top.stdout).unwrap(),
        std::fs::read_to_string(dir.path().join("pbxgen.1")).unwrap()
    );
}

#[test]
fn an_asterisk_version_that_does_not_exist_is_refused() {
    let out = pbxgen()
        .args(["audit", "--asterisk-version", "99", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("99 is not in 10..=23"), "{stderr}");
}

#[test]
fn verbose_audit_names_every_file_and_its_kind() {
    let out = pbxgen()
        .args(["-v", "audit", "examples/small-office"])
        .current_dir(crate::util::repo_root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let rules = format!(
        "pbxgen: ran {} rules over examples/small-office",
        pbxgen::audit::registry::all().len()
    );
    for line in [
        // The click-to-call page (JSON) is not configuration: 6 of the 7 files.
        "pbxgen: read examples/small-office: 6 top-level file(s)",
        "pbxgen:   pjsip.conf  read as pjsip,",
        "pbxgen:   websms.conf  read as websms,",
        "pbxgen:   http.conf  read as http,",
        "pbxgen:   twiml-main.xml  read as twiml,",
        "pbxgen:   click-to-call-sales.json  not read",
        &rules,
    ] {
        assert!(stderr.contains(line), "`{line}` missing:\n{stderr}");
    }
}
