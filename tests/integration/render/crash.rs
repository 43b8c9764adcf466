//! `kill -9` at any moment of a render: the directory may be left mid-batch, but never with a
//! torn file, never with a temporary file others can read, never "up to date" for `--check`,
//! and the next render completes the batch (or rolls it back) before anything else, leaving no
//! temporary file behind.
//!
//! Real kills of the real binary: a site of 102 files (100 SPA3102 files, each holding a
//! secret) is rendered over its previous version, and killed after a delay spread evenly over
//! the length of an uninterrupted run.

#![cfg(unix)]

use crate::util::pbxgen;
use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const DEVICES: usize = 100;
const JOURNAL: &str = ".pbxgen-batch";
const TEMP_SUFFIX: &str = ".pbxgen-tmp";

/// Version `tag` of the site: every file differs between versions (the display names do).
fn site(tag: &str) -> String {
    let mut text = String::from(
        "version: 1\nsite: { name: kill, asterisk: 22, channel_drivers: [pjsip] }\n\
network: { bind: 192.168.200.1, local_nets: [192.168.0.0/16], udp: { port: 5060 } }\nextensions:\n",
    );
    for i in 0..DEVICES {
        let n = 1000 + i;
        text.push_str(&format!(
            "  - number: \"{n}\"\n    name: {tag} phone {n}\n    secret: ${{file:s/{n}}}\n    device: spa3102:d{n}\n"
        ));
    }
    text.push_str("devices:\n");
    for i in 0..DEVICES {
        let n = 1000 + i;
        text.push_str(&format!(
            "  - name: d{n}\n    model: spa3102\n    lan_address: 192.168.{}.{}\n    fxs: {{ extension: \"{n}\" }}\n",
            i / 250,
            i % 250 + 1
        ));
    }
    text
}

/// Name → (contents, mode) of every file in `dir`.
fn snapshot(dir: &Path) -> BTreeMap<String, (Vec<u8>, u32)> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let mode = e.metadata().unwrap().permissions().mode() & 0o777;
            (
                e.file_name().into_string().unwrap(),
                (fs::read(e.path()).unwrap(), mode),
            )
        })
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir(to).unwrap();
    fs::set_permissions(to, fs::Permissions::from_mode(0o750)).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

fn render(dir: &Path, profile: &str, out: &Path, extra: &[&str]) -> (i32, String) {
    let output = pbxgen()
        .current_dir(dir)
        .args(["render", profile, "--out"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr),
    )
}

/// The target of a temporary file `.<target>.<random>.pbxgen-tmp`.
fn target_of_temp(name: &str) -> Option<&str> {
    let inner = name.strip_prefix('.')?.strip_suffix(TEMP_SUFFIX)?;
    inner.rsplit_once('.').map(|(target, _)| target)
}

#[derive(Default, Debug)]
struct Tally {
    before_any_temp: usize,
    temps_without_journal: usize,
    mid_batch: usize,
    mixed_old_and_new: usize,
    after_the_end: usize,
    rolled_forward: usize,
    rolled_back: usize,
}

#[test]
fn a_render_killed_at_any_moment_is_completed_or_rolled_back_by_the_next() {
    // Half the kills spread over a whole run, half aimed at the renames (once the journal is
    // seen, after a delay spread over a few milliseconds). `PBXGEN_LONG_TESTS=1` kills 800
    // times; by default 10 times (each costs a few renders), and more, up to 48, until enough
    // kills have landed inside the batch (on a busy machine an aimed kill can land after it).
    let long = std::env::var_os("PBXGEN_LONG_TESTS").is_some();
    let (runs, most_runs): (u32, u32) = if long { (800, 800) } else { (10, 48) };
    let landed = |t: &Tally| t.mid_batch >= 3 && t.mixed_old_and_new >= 1;
    let work = tempfile::tempdir().unwrap();
    let root = work.path();
    fs::create_dir(root.join("s")).unwrap();
    for i in 0..DEVICES {
        // Distinct strong secrets, so the self-audit passes.
        fs::write(
            root.join(format!("s/{}", 1000 + i)),
            format!("Kx{i:04}-vR2mT9pL4wZq-{}", 7919 * (i + 3)),
        )
        .unwrap();
    }
    fs::write(root.join("a.yaml"), site("A")).unwrap();
    fs::write(root.join("b.yaml"), site("B")).unwrap();

    // The old and the new directory, each rendered without interruption.
    let old_dir = root.join("old");
    assert_eq!(render(root, "a.yaml", &old_dir, &["-q"]).0, 0);
    let old = snapshot(&old_dir);
    let new_dir = root.join("new");
    copy_dir(&old_dir, &new_dir);
    let started = Instant::now();
    let (code, text) = render(root, "b.yaml", &new_dir, &["-q"]);
    let mut full_run = started.elapsed();
    assert_eq!(code, 0, "{text}");
    let new = snapshot(&new_dir);
    // The shortest of three runs (the machine may be busy).
    for attempt in 0..2 {
        let again = root.join(format!("timing-{attempt}"));
        copy_dir(&old_dir, &again);
        let started = Instant::now();
        assert_eq!(render(root, "b.yaml", &again, &["-q"]).0, 0);
        full_run = full_run.min(started.elapsed());
    }
    assert_eq!(old.len(), DEVICES + 2);
    assert_eq!(
        old.keys().collect::<Vec<_>>(),
        new.keys().collect::<Vec<_>>()
    );
    for (name, (contents, mode)) in &new {
        assert_ne!(
            &old[name].0, contents,
            "{name} must change between versions"
        );
        assert_eq!(
            mode & 0o007,
            0o004 * u32::from(name == "extensions.conf"),
            "{name}"
        );
    }

    let mut tally = Tally::default();
    let mut run = 0;
    while run < runs || (run < most_runs && !landed(&tally)) {
        let out = root.join(format!("run-{run}"));
        copy_dir(&old_dir, &out);
        let aimed = run % 2 == 1;
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("pbxgen"))
            .current_dir(root)
            .args(["--color=never", "-q", "render", "b.yaml", "--out"])
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        if aimed {
            // Renaming 102 files takes a few milliseconds.
            let journal = out.join(JOURNAL);
            while !journal.exists() && child.try_wait().unwrap().is_none() {
                std::hint::spin_loop();
            }
            std::thread::sleep(Duration::from_micros(u64::from(run / 2 % 50) * 100));
        } else {
            // Spread evenly over 1.2 uninterrupted runs (the last ones kill an ended process).
            let step = run / 2 % (runs / 2);
            std::thread::sleep(full_run.mul_f64(1.2 * f64::from(step) / f64::from(runs / 2)));
        }
        let killed = child.kill().is_ok();
        let status = child.wait().unwrap();
        if !killed || status.success() {
            tally.after_the_end += 1;
        }

        // What the kill left: no torn file; temporaries unreadable to others.
        let journal = out.join(JOURNAL).exists();
        let mut temps = 0;
        let (mut old_files, mut new_files) = (0, 0);
        for entry in fs::read_dir(&out).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().into_string().unwrap();
            let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
            if name.ends_with(TEMP_SUFFIX) {
                temps += 1;
                // 0600 until just before its rename; then the mode of the file it becomes.
                let final_mode = target_of_temp(&name)
                    .and_then(|t| new.get(t))
                    .map(|(_, m)| *m);
                assert!(
                    mode & 0o077 == 0 || Some(mode) == final_mode,
                    "run {run}: temporary {name} has mode {mode:04o}"
                );
                continue;
            }
            if name == JOURNAL {
                assert_eq!(mode & 0o077, 0, "run {run}: the journal is private");
                continue;
            }
            let contents = fs::read(entry.path()).unwrap();
            if contents == old[&name].0 {
                old_files += 1;
            } else if contents == new[&name].0 {
                new_files += 1;
            } else {
                panic!("run {run}: {name} is neither its old nor its new version");
            }
        }
        assert_eq!(
            old_files + new_files,
            old.len(),
            "run {run}: a file went missing"
        );
        if old_files > 0 && new_files > 0 {
            tally.mixed_old_and_new += 1;
            assert!(
                journal,
                "run {run}: old and new files are mixed without a journal to complete them"
            );
        }
        match (journal, temps) {
            (true, _) => tally.mid_batch += 1,
            (false, 0) if new_files == 0 => tally.before_any_temp += 1,
            (false, 0) => {}
            (false, _) => tally.temps_without_journal += 1,
        }

        // --check reports what is left, and repairs nothing (checked whenever something is
        // left, and on every fourth clean run).
        let clean = !journal && temps == 0 && old_files == 0;
        if !clean || run % 4 == 0 {
            let before = snapshot(&out);
            let (code, text) = render(root, "b.yaml", &out, &["--check"]);
            assert_eq!(
                code,
                i32::from(!clean),
                "run {run}: --check with journal {journal}, {temps} temps, {old_files} old files: {text}"
            );
            assert!(
                snapshot(&out) == before,
                "run {run}: --check changed the directory"
            );
        }

        // The next render first completes (journal) or rolls back (no journal) what the kill
        // left: then the directory is all new (nothing left to write) or all old (everything).
        let (code, text) = render(root, "b.yaml", &out, &["--format", "json"]);
        assert_eq!(code, 0, "run {run}: {text}");
        let json = &text[..text.rfind('}').map_or(0, |i| i + 1)];
        let summary: serde_json::Value =
            serde_json::from_str(json).unwrap_or_else(|e| panic!("run {run}: {e}: {text}"));
        let written = summary["files"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["change"] != "unchanged")
            .count();
        assert!(
            written == 0 || written == old.len(),
            "run {run}: after recovery {written} of {} files still differed: a mix",
            old.len()
        );
        if journal {
            assert_eq!(written, 0, "run {run}: a journal is completed, not undone");
        }

        // After the next render: every file new, with its mode; nothing else in the directory.
        let after = snapshot(&out);
        assert_eq!(
            after, new,
            "run {run}: the next render did not complete the batch"
        );
        if journal {
            tally.rolled_forward += 1;
        } else if temps > 0 {
            tally.rolled_back += 1;
        }
        fs::remove_dir_all(&out).unwrap();
        run += 1;
    }
    eprintln!(
        "{run} kills over {:?} ({DEVICES} + 2 files): {tally:?}",
        full_run.mul_f64(1.2)
    );
    // The kills must have landed inside the batch, or this test proves nothing.
    assert!(landed(&tally), "{tally:?}");
}
