//! Output formats: the stable JSON shape, SARIF 2.1.0 against the official schema, GitHub
//! annotations, and secrets never printed.

use crate::util::{pbxgen, repo_path};
use serde_json::Value;

fn run(args: &[&str]) -> (i32, String) {
    let out = pbxgen().args(args).output().expect("pbxgen runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn fixture(rel: &str) -> String {
    repo_path("tests/fixtures/audit")
        .join(rel)
        .display()
        .to_string()
}

#[test]
fn json_report_has_the_documented_shape() {
    let (_, out) = run(&["audit", &fixture("PBX101/bad"), "--format", "json"]);
    let v: Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(v["version"], 1);
    let f = v["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["rule"] == "PBX101"))
        .expect("PBX101");
    assert_eq!(f["name"], "sip-guest-calls");
    assert_eq!(f["file"], "sip.conf");
    assert_eq!(f["line"], 3);
    assert_eq!(f["column"], 1);
    assert_eq!(f["section"], "general");
    assert_eq!(f["option"], "allowguest");
    for key in ["severity", "message", "path", "fix", "fingerprint"] {
        assert!(f.get(key).is_some(), "finding has `{key}`");
    }
    let summary = v["summary"].as_object().expect("summary");
    let keys: Vec<&str> = summary.keys().map(String::as_str).collect();
    for sev in ["critical", "high", "medium", "low", "info"] {
        assert!(keys.contains(&sev), "summary has {sev}");
    }
    let total: u64 = summary.values().filter_map(Value::as_u64).sum();
    assert_eq!(total as usize, v["findings"].as_array().map_or(0, Vec::len));
}

#[test]
fn sarif_output_is_valid_against_the_sarif_2_1_0_schema() {
    let schema_path = repo_path("tests/fixtures/audit/sarif-schema-2.1.0.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(&schema_path).expect("schema"))
            .expect("schema JSON");
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler
        .add_resource("sarif-schema-2.1.0.json", schema)
        .expect("schema resource");
    let idx = compiler
        .compile("sarif-schema-2.1.0.json", &mut schemas)
        .expect("schema compiles");
    for dir in ["seed-blog", "PBX401/bad", "PBX001/bad", "PBX106/good"] {
        let (_, out) = run(&[
            "audit",
            &fixture(dir),
            "--format",
            "sarif",
            "--fail-on",
            "none",
        ]);
        let doc: Value = serde_json::from_str(&out).expect("SARIF is JSON");
        if let Err(e) = schemas.validate(&doc, idx) {
            panic!("{dir}: SARIF output does not validate:\n{e:#}");
        }
        let run0 = &doc["runs"][0];
        assert!(
            run0["tool"]["driver"]["rules"]
                .as_array()
                .is_some_and(|r| r.len() == pbxgen::audit::registry::all().len())
        );
        for r in run0["results"].as_array().into_iter().flatten() {
            assert!(r["partialFingerprints"]["pbxgenFingerprint/v1"].is_string());
        }
    }
}

#[test]
fn github_annotations_are_one_line_per_finding_with_repository_paths() {
    let dir = "tests/fixtures/audit/PBX101/bad";
    let out = pbxgen()
        .current_dir(repo_path("."))
        .args(["audit", dir, "--format", "github"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.contains("title=PBX101"))
        .expect("PBX101 annotation");
    assert!(line.starts_with("::error file=tests/fixtures/audit/PBX101/bad/sip.conf,line=3,col=1,title=PBX101 sip-guest-calls::"), "{line}");
    assert!(text.lines().all(|l| l.starts_with("::")), "{text}");
}

#[test]
fn secrets_never_appear_in_any_format() {
    // The trunk password, the register secret and the DISA password of this fixture.
    let secrets = ["Qm7vT2xR9pLs4WnZ", "r3g1sterS3cret99", "4321987"];
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("sip.conf"),
        "[general]\ncontext=public\nregister => 1234:r3g1sterS3cret99@sip.itsp.example/1234\n\n[101]\ntype=friend\nhost=dynamic\nsecret=Qm7vT2xR9pLs4WnZ\ncontext=public\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("extensions.conf"),
        "[public]\nexten => 5555,1,DISA(4321987,public)\nexten => _X.,1,Dial(SIP/${EXTEN}@101)\n",
    )
    .expect("write");
    let d = dir.path().display().to_string();
    for format in ["text", "json", "sarif", "github"] {
        let (_, out) = run(&["audit", &d, "--format", format, "--fail-on", "none"]);
        assert!(!out.is_empty(), "{format} printed something");
        for s in secrets {
            assert!(
                !out.contains(s),
                "{format} output contains a secret:\n{out}"
            );
        }
    }
}
