//! One test per reading rule of spec/asterisk-config.md (and the config.c behaviour behind it).
//! Each test name says the rule it pins.

use super::super::{Config, ConfigFile, DiagnosticCode, FileKind, Severity, load_texts};

/// Parse one in-memory `sip.conf`.
fn parse(text: &str) -> ConfigFile {
    parse_bytes(text.as_bytes())
}

fn parse_bytes(bytes: &[u8]) -> ConfigFile {
    let mut config = load_texts("mem", vec![("sip.conf".to_string(), bytes.to_vec())]);
    config.files.remove(0)
}

/// Parse several in-memory files; `sip.conf` is the top-level one.
fn parse_tree(files: &[(&str, &str)]) -> Config {
    load_texts(
        "mem",
        files
            .iter()
            .map(|(n, t)| (n.to_string(), t.as_bytes().to_vec()))
            .collect(),
    )
}

fn codes(f: &ConfigFile) -> Vec<DiagnosticCode> {
    f.diagnostics.iter().map(|d| d.code).collect()
}

fn vars(f: &ConfigFile, section: &str) -> Vec<(String, String)> {
    let s = f.sections_named(section).next().expect("section exists");
    s.variables
        .iter()
        .map(|v| (v.name.to_string(), v.value.to_string()))
        .collect()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

// ---------------------------------------------------------------- Lines

/// "Lines are read 8191 bytes at a time: a longer line is dropped with only a warning."
#[test]
fn line_of_8191_bytes_or_more_is_dropped_with_a_warning() {
    let long = format!("permit={}", "1".repeat(8191 - 7));
    assert_eq!(long.len(), 8191);
    let f = parse(&format!("[a]\n{long}\nb=1\n"));
    assert_eq!(vars(&f, "a"), pairs(&[("b", "1")]));
    assert_eq!(codes(&f), [DiagnosticCode::LineTooLong]);
    assert_eq!(f.diagnostics[0].severity, Severity::DroppedLine);
    assert_eq!(f.diagnostics[0].pos.line, 2);
    assert!(!f.is_invalid());
}

/// A line of 8190 bytes still fits Asterisk's buffer (with its newline).
#[test]
fn line_of_8190_bytes_is_kept() {
    let value = "1".repeat(8190 - 7);
    let f = parse(&format!("[a]\npermit={value}\n"));
    assert_eq!(vars(&f, "a"), pairs(&[("permit", &value)]));
    assert!(f.diagnostics.is_empty());
}

/// "A UTF-8 BOM on line 1 is ignored" — only on line 1.
#[test]
fn bom_on_line_one_is_ignored() {
    let f = parse_bytes(b"\xEF\xBB\xBF[general]\ncontext=x\n");
    assert_eq!(f.sections[0].name, "general");
    assert_eq!(f.sections[0].pos.column, 4, "columns count the raw bytes");
    let f = parse_bytes(b"[a]\n\xEF\xBB\xBFx=1\n");
    assert_eq!(f.sections[0].variables[0].name, "\u{feff}x");
}

/// "`;` starts a comment to end of line"; comments are recorded for suppressions.
#[test]
fn semicolon_starts_a_comment_and_is_recorded() {
    let f = parse("[a] ; header comment\nx = 1 ; pbxgen: ignore[PBX101] lab\n; whole line\n");
    assert_eq!(vars(&f, "a"), pairs(&[("x", "1")]));
    let texts: Vec<&str> = f.comments.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            " header comment",
            " pbxgen: ignore[PBX101] lab",
            " whole line"
        ]
    );
    assert_eq!((f.comments[1].pos.line, f.comments[1].pos.column), (2, 7));
}

/// "`\;` is a literal `;` (the only escape; there is no quoting)."
#[test]
fn backslash_semicolon_is_a_literal_semicolon() {
    let f = parse("[a]\nx = a\\;b ; real comment\ny = \"q;uoted\"\n");
    assert_eq!(vars(&f, "a"), pairs(&[("x", "a;b"), ("y", "\"q")]));
}

/// "`;--` opens a block comment, `--;` closes it; they nest."
#[test]
fn block_comments_span_lines_and_nest() {
    let f = parse("[a]\nx=1\n;-- outer\n;-- inner --;\ny=2\n--;\nz=3\n");
    assert_eq!(vars(&f, "a"), pairs(&[("x", "1"), ("z", "3")]));
    assert!(f.diagnostics.is_empty());
}

/// A block comment inside a line cuts only itself out of it.
#[test]
fn inline_block_comment_is_cut_out_of_the_line() {
    let f = parse("[a]\nx=1;-- gone --;2\n");
    assert_eq!(vars(&f, "a"), pairs(&[("x", "12")]));
    assert_eq!(f.sections[0].variables[0].value_pos.column, 3);
}

/// "`;--` (but not `;---`) opens a block comment": `;---` is an ordinary comment.
#[test]
fn triple_dash_does_not_open_a_block_comment() {
    let f = parse("[a]\n;--------- banner ---------\nx=1\n");
    assert_eq!(vars(&f, "a"), pairs(&[("x", "1")]));
    assert!(f.diagnostics.is_empty());
}

/// "An unterminated block only warns" — and everything after it is a comment.
#[test]
fn unterminated_block_comment_only_warns() {
    let f = parse("[a]\nx=1\n;-- never closed\ny=2\n");
    assert_eq!(vars(&f, "a"), pairs(&[("x", "1")]));
    assert_eq!(codes(&f), [DiagnosticCode::UnterminatedBlockComment]);
    assert_eq!(f.diagnostics[0].severity, Severity::Warning);
    assert_eq!(f.diagnostics[0].pos.line, 3);
    assert!(!f.is_invalid());
}

/// config.c: a `--;` outside a block comment decrements the nesting counter below zero, the
/// line is read whole, and every following line is ignored until a `;--`.
#[test]
fn stray_block_comment_end_hides_the_following_lines() {
    let f = parse("[a]\nx=1--;c\ny=2\n;-- back to zero\nz=3\n");
    assert_eq!(vars(&f, "a"), pairs(&[("x", "1--;c"), ("z", "3")]));
    assert_eq!(codes(&f), [DiagnosticCode::StrayBlockCommentEnd]);
}

/// "Leading/trailing whitespace (including `\r`) is stripped; indentation never matters."
#[test]
fn whitespace_crlf_and_tabs_are_stripped() {
    let f = parse("\t[a]\r\n   x\t=\t1 \r\n\t\ty => 2\r\n");
    assert_eq!(vars(&f, "a"), pairs(&[("x", "1"), ("y", "2")]));
    let x = &f.sections[0].variables[0];
    assert_eq!((x.pos.line, x.pos.column, x.value_pos.column), (2, 4, 8));
}

/// Non-UTF-8 bytes never panic: they are kept (shown with U+FFFD) and noted once per file.
#[test]
fn non_utf8_bytes_are_read_and_noted() {
    let f = parse_bytes(b"[a]\nx=caf\xe9\ny=\xff\xfe\n");
    assert_eq!(f.sections[0].variables[0].value, "caf\u{fffd}");
    assert_eq!(codes(&f), [DiagnosticCode::NonUtf8]);
}

/// A NUL byte ends Asterisk's C string: the rest of the line is ignored.
#[test]
fn nul_byte_ends_the_line() {
    let f = parse_bytes(b"[a]\nx=ab\0cd\ny=2\n");
    assert_eq!(vars(&f, "a"), pairs(&[("x", "ab"), ("y", "2")]));
    assert_eq!(codes(&f), [DiagnosticCode::NulByte]);
}

// ---------------------------------------------------------------- Section headers

/// "`[name](!)` template": flagged, and invisible to modules (`section()`).
#[test]
fn template_is_flagged_and_hidden_from_lookups() {
    let f = parse("[tpl](!)\nx=1\n");
    assert!(f.sections[0].is_template);
    assert!(f.section("tpl").is_none());
    assert_eq!(f.live_sections().count(), 0);
}

/// "Inheritance copies the base's variables, in order, at the point of the header; the base
/// may be a template or an ordinary earlier section."
#[test]
fn inheritance_copies_bases_in_order_at_the_header() {
    let f = parse("[t1](!)\na=1\n[plain]\nb=2\n[x](t1,plain)\nc=3\n[t1](+)\nlate=no\n");
    // `(+)` cannot target a template (it appends to non-templates only).
    assert_eq!(codes(&f), [DiagnosticCode::AppendWithoutTarget]);
    let x = f.section("x").unwrap();
    let got: Vec<(&str, Option<&str>)> = x
        .variables
        .iter()
        .map(|v| (v.name.as_str(), v.inherited_from.as_deref()))
        .collect();
    assert_eq!(got, [("a", Some("t1")), ("b", Some("plain")), ("c", None)]);
    assert_eq!(x.bases, ["t1", "plain"]);
    // The inherited variable keeps the position where it was written.
    assert_eq!(x.variables[0].pos.line, 2);
}

/// Variables added to a base after the header are not copied (a snapshot).
#[test]
fn inheritance_is_a_snapshot() {
    let f = parse("[b]\nx=1\n[c](b)\n[b](+)\ny=2\n");
    assert_eq!(vars(&f, "c"), pairs(&[("x", "1")]));
    assert_eq!(vars(&f, "b"), pairs(&[("x", "1"), ("y", "2")]));
}

/// "`[name](!,base)` template inheriting."
#[test]
fn template_can_inherit() {
    let f = parse("[base](!)\na=1\n[mid](!,base)\nb=2\n[leaf](mid)\n");
    assert!(f.sections[1].is_template);
    assert_eq!(vars(&f, "leaf"), pairs(&[("a", "1"), ("b", "2")]));
}

/// "`[name](+)` append to an existing section."
#[test]
fn append_adds_to_the_existing_section() {
    let f = parse("[a]\nx=1\n[b]\n[A](+)\ny=2\n");
    assert_eq!(f.sections.len(), 2, "(+) does not create a section");
    assert_eq!(vars(&f, "a"), pairs(&[("x", "1"), ("y", "2")]));
    assert_eq!(f.sections[0].appended_at.len(), 1);
    assert!(f.diagnostics.is_empty());
}

/// "`(+)` with no existing target invalidates the file" — and templates are no target.
#[test]
fn append_without_target_is_fatal() {
    let f = parse("[a]\nx=1\n[b](+)\ny=2\n");
    assert_eq!(codes(&f), [DiagnosticCode::AppendWithoutTarget]);
    assert!(f.is_invalid());
    let f = parse("[t](!)\nx=1\n[t](+)\ny=2\n");
    assert_eq!(codes(&f), [DiagnosticCode::AppendWithoutTarget]);
}

/// "`[name](+type=aor)` append to the section matching a filter (`&`-joined `key=regex`,
/// unanchored)."
#[test]
fn append_filter_selects_among_same_named_sections() {
    let f = parse(
        "[101]\ntype=endpoint\n[101]\ntype=aor\nmax_contacts=1\n[101](+type=ao)\ncontact=sip:x\n\
         [101](+type=aor&max_contacts=^1$)\nqualify_frequency=30\n",
    );
    assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);
    assert_eq!(vars(&f, "101"), pairs(&[("type", "endpoint")]));
    let aor = &f.sections[1];
    let names: Vec<&str> = aor.variables.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(
        names,
        ["type", "max_contacts", "contact", "qualify_frequency"]
    );
    let f = parse("[101]\ntype=endpoint\n[101](+type=aor)\nx=1\n");
    assert_eq!(codes(&f), [DiagnosticCode::AppendWithoutTarget]);
}

/// "The name runs to the first `]`, is not trimmed, and is cut at 79 characters."
#[test]
fn section_name_is_untrimmed_and_cut_at_79() {
    let f = parse("[ spaced ]\n[a]b]\n");
    assert_eq!(f.sections[0].name, " spaced ");
    assert_eq!(f.sections[1].name, "a");
    let long = "n".repeat(100);
    let f = parse(&format!("[{long}]\n"));
    assert_eq!(f.sections[0].name.len(), 79);
    assert_eq!(codes(&f), [DiagnosticCode::SectionNameTooLong]);
}

/// "`[foo] (!)` is a live section named foo — the `(!)` is silently ignored."
#[test]
fn header_spacing_makes_a_live_section() {
    let f = parse("[foo] (!)\nx=1\n");
    assert!(!f.sections[0].is_template);
    assert!(f.section("foo").is_some());
    assert_eq!(codes(&f), [DiagnosticCode::HeaderSpacing]);
    assert_eq!(f.diagnostics[0].severity, Severity::DroppedLine);
    assert_eq!(f.diagnostics[0].pos.column, 7);
    assert!(!f.is_invalid());
}

/// "Items inside `(...)` are split on `,` and not trimmed: `[a](!, t)` asks for a base named
/// ` t`, which fails and invalidates the whole file."
#[test]
fn untrimmed_base_invalidates_the_file() {
    let f = parse("[t](!)\nx=1\n[a](!, t)\n");
    assert_eq!(codes(&f), [DiagnosticCode::UntrimmedBase]);
    assert_eq!(f.diagnostics[0].severity, Severity::Fatal);
    assert_eq!(f.diagnostics[0].pos.column, 7);
}

/// A base that does not exist (yet) invalidates the file; a later definition does not help.
#[test]
fn missing_base_is_fatal() {
    let f = parse("[a](later)\n[later]\n");
    assert_eq!(codes(&f), [DiagnosticCode::MissingBase]);
    assert!(f.is_invalid());
}

/// config.c refuses a header without `]` or with `(` but no `)`.
#[test]
fn unclosed_header_is_fatal() {
    assert_eq!(codes(&parse("[a\n")), [DiagnosticCode::MissingBracket]);
    assert_eq!(
        codes(&parse("[a](!\n")),
        [DiagnosticCode::MissingParenthesis]
    );
}

/// "Section names are compared case-insensitively. The same name may appear more than once."
#[test]
fn sections_compare_case_insensitively_and_may_repeat() {
    let f = parse("[General]\nx=1\n[101]\ntype=endpoint\n[101]\ntype=aor\n[b](GENERAL)\n");
    assert_eq!(f.section("general").unwrap().name, "General");
    assert_eq!(f.sections_named("101").count(), 2);
    assert_eq!(vars(&f, "b"), pairs(&[("x", "1")]));
}

// ---------------------------------------------------------------- Variables

/// "Split at the first `=`; `name = value` and `name => value` mean the same."
#[test]
fn split_at_first_equals_and_arrow_means_the_same() {
    let f = parse("[a]\nexten => 1,1,Set(x=y)\nk = v = w\n");
    assert_eq!(
        vars(&f, "a"),
        pairs(&[("exten", "1,1,Set(x=y)"), ("k", "v = w")])
    );
    assert!(f.sections[0].variables[0].object);
    assert!(!f.sections[0].variables[1].object);
}

/// "`name += value` appends raw text to the last variable of that name (no separator)."
#[test]
fn plus_equals_appends_raw_text_to_the_last_variable() {
    let f = parse("[a]\nallow=ulaw\nallow=alaw\nallow+=,g722\nnew+=x\n");
    assert_eq!(
        vars(&f, "a"),
        pairs(&[("allow", "ulaw"), ("allow", "alaw,g722"), ("new", "x")])
    );
    assert_eq!(f.sections[0].variables[1].appended_at.len(), 1);
    let f = parse("[a]\nk=one\nk += two\n");
    assert_eq!(vars(&f, "a"), pairs(&[("k", "one two")]));
}

/// "A line without `=` is ignored with a warning."
#[test]
fn line_without_equals_is_dropped() {
    let f = parse("[a]\njust words\nx=1\n");
    assert_eq!(vars(&f, "a"), pairs(&[("x", "1")]));
    assert_eq!(codes(&f), [DiagnosticCode::MissingEquals]);
    assert_eq!(f.diagnostics[0].severity, Severity::DroppedLine);
}

/// "A variable before any section is a fatal error."
#[test]
fn variable_before_any_section_is_fatal() {
    let f = parse("x=1\n[a]\n");
    assert_eq!(codes(&f), [DiagnosticCode::VariableBeforeSection]);
    assert!(f.is_invalid());
}

/// "Duplicates are all kept, in order."
#[test]
fn duplicates_are_kept_in_order() {
    let f = parse("[a]\npermit=1.1.1.1\ndeny=0.0.0.0/0\npermit=2.2.2.2\n");
    assert_eq!(f.sections[0].all("permit").count(), 2);
    assert_eq!(f.sections[0].get("permit").unwrap().value, "2.2.2.2");
}

/// config.c: a `\` at the start of a line escapes the next character into the name; a `\`
/// before a blank is fatal ("Invalid escape").
#[test]
fn leading_backslash_escapes_the_first_character() {
    let f = parse("[a]\n\\[x]=1\n");
    assert_eq!(vars(&f, "a"), pairs(&[("[x]", "1")]));
    assert_eq!(
        codes(&parse("[a]\n\\ x=1\n")),
        [DiagnosticCode::InvalidEscape]
    );
}

/// `= value` without a name is ignored with a warning.
#[test]
fn missing_name_is_dropped() {
    assert_eq!(codes(&parse("[a]\n = 1\n")), [DiagnosticCode::MissingName]);
}

// ---------------------------------------------------------------- Directives

/// "Relative paths resolve against the config directory, not the including file."
#[test]
fn include_resolves_against_the_config_directory() {
    let c = parse_tree(&[
        ("sip.conf", "[a]\n#include sub/one.conf\n"),
        ("sub/one.conf", "#include two.conf\n"),
        ("two.conf", "x=root\n"),
        ("sub/two.conf", "x=sub\n"),
    ]);
    let f = &c.files[0];
    assert_eq!(vars(f, "a"), pairs(&[("x", "root")]));
    let x = &f.sections[0].variables[0];
    assert_eq!(c.sources.display(x.pos.file), "two.conf");
}

/// "`#include`… through glob (sorted; `{a,b}` works)."
#[test]
fn include_globs_are_sorted_and_braces_keep_their_order() {
    let c = parse_tree(&[
        (
            "sip.conf",
            "[a]\n#include \"d/*.conf\"\n#include <{z,y}.conf>\n",
        ),
        ("d/b.conf", "x=b\n"),
        ("d/a.conf", "x=a\n"),
        ("z.conf", "x=z\n"),
        ("y.conf", "x=y\n"),
    ]);
    let got: Vec<String> = vars(&c.files[0], "a").into_iter().map(|(_, v)| v).collect();
    assert_eq!(got, ["a", "b", "z", "y"]);
    assert_eq!(c.files[0].directives.len(), 2);
    assert_eq!(c.files[0].directives[0].argument, "d/*.conf");
}

/// "A missing `#include` (or a glob matching nothing) is fatal; `#tryinclude` is not."
#[test]
fn missing_include_is_fatal_tryinclude_is_not() {
    let c = parse_tree(&[(
        "sip.conf",
        "[a]\n#include nothere.conf\n#include none-*.conf\n",
    )]);
    assert_eq!(
        codes(&c.files[0]),
        [
            DiagnosticCode::MissingInclude,
            DiagnosticCode::MissingInclude
        ]
    );
    assert!(c.files[0].is_invalid());
    let c = parse_tree(&[("sip.conf", "[a]\n#tryinclude nothere.conf\nx=1\n")]);
    assert!(!c.files[0].is_invalid());
    assert_eq!(codes(&c.files[0]), [DiagnosticCode::MissingTryInclude]);
    assert_eq!(vars(&c.files[0], "a"), pairs(&[("x", "1")]));
}

/// "Included text continues the current section." And, as in config.c (each file keeps its own
/// current section), the including file goes on in its own section after the include.
#[test]
fn included_text_continues_the_current_section() {
    let c = parse_tree(&[
        ("sip.conf", "[a]\nx=1\n#include inc.conf\nafter=outer\n"),
        ("inc.conf", "y=2\n[b]\nz=3\n"),
    ]);
    let f = &c.files[0];
    assert_eq!(
        vars(f, "a"),
        pairs(&[("x", "1"), ("y", "2"), ("after", "outer")])
    );
    assert_eq!(vars(f, "b"), pairs(&[("z", "3")]));
}

/// "Nesting depth ≤10": the top-level file and 9 levels of includes; the 10th fails.
#[test]
fn include_depth_is_limited() {
    let mut files: Vec<(String, String)> =
        vec![("sip.conf".into(), "[a]\n#include i1.conf\n".into())];
    for i in 1..=10 {
        files.push((
            format!("i{i}.conf"),
            format!("v{i}={i}\n#include i{}.conf\n", i + 1),
        ));
    }
    files.push(("i11.conf".into(), "deep=1\n".into()));
    let c = load_texts(
        "mem",
        files
            .into_iter()
            .map(|(n, t)| (n, t.into_bytes()))
            .collect(),
    );
    let f = &c.files[0];
    let names: Vec<String> = vars(f, "a").into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        ["v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"]
    );
    assert_eq!(codes(f), [DiagnosticCode::IncludeTooDeep]);
    assert_eq!(f.diagnostics[0].severity, Severity::StopsInclude);
    assert!(!f.is_invalid());
}

/// "Loops detected": a file that includes itself is read once and reported.
#[test]
fn include_loops_are_detected() {
    let c = parse_tree(&[
        ("sip.conf", "[a]\n#include loop.conf\n"),
        ("loop.conf", "x=1\n#include loop.conf\n"),
    ]);
    let f = &c.files[0];
    assert_eq!(vars(f, "a"), pairs(&[("x", "1")]));
    assert_eq!(codes(f), [DiagnosticCode::IncludeLoop]);
}

/// An error Asterisk treats as fatal inside an included file stops only that file: the
/// including file goes on (config.c's parent sees a non-NULL result).
#[test]
fn fatal_error_in_included_file_stops_only_that_file() {
    let c = parse_tree(&[
        ("sip.conf", "[a]\n#include inc.conf\nouter=1\n"),
        ("inc.conf", "x=1\n[b](missing)\ny=2\n"),
    ]);
    let f = &c.files[0];
    assert_eq!(codes(f), [DiagnosticCode::MissingBase]);
    assert_eq!(f.diagnostics[0].severity, Severity::StopsInclude);
    assert!(!f.is_invalid());
    assert_eq!(vars(f, "a"), pairs(&[("x", "1"), ("outer", "1")]));
}

/// "`#exec command` … runs only when execincludes=yes": pbxgen records it, never runs it.
#[test]
fn exec_is_recorded_never_run() {
    let marker = std::env::temp_dir().join("pbxgen-exec-must-not-exist");
    let f = parse(&format!("[a]\n#exec \"touch {}\"\n", marker.display()));
    assert_eq!(codes(&f), [DiagnosticCode::ExecDirective]);
    assert_eq!(
        f.directives[0].argument,
        format!("touch {}", marker.display())
    );
    assert!(!marker.exists());
}

/// Directives are case-insensitive; an unknown one is ignored with a warning.
#[test]
fn directives_are_case_insensitive_unknown_ones_dropped() {
    let c = parse_tree(&[
        ("sip.conf", "[a]\n#INCLUDE inc.conf\n#bogus x\n#include\n"),
        ("inc.conf", "x=1\n"),
    ]);
    let f = &c.files[0];
    assert_eq!(vars(f, "a"), pairs(&[("x", "1")]));
    assert_eq!(
        codes(f),
        [
            DiagnosticCode::UnknownDirective,
            DiagnosticCode::MissingDirectiveArgument
        ]
    );
}

/// Disk: glob on a real directory, relative to the configuration directory.
#[test]
fn disk_includes_glob_relative_to_the_config_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sip.d")).unwrap();
    std::fs::write(dir.path().join("sip.conf"), "[a]\n#include sip.d/*.conf\n").unwrap();
    std::fs::write(dir.path().join("sip.d/2.conf"), "x=2\n").unwrap();
    std::fs::write(dir.path().join("sip.d/1.conf"), "x=1\n").unwrap();
    std::fs::write(dir.path().join("sip.d/.hidden.conf"), "x=hidden\n").unwrap();
    let c = super::super::load_dir(dir.path()).unwrap();
    assert_eq!(c.files.len(), 1);
    assert_eq!(c.files[0].kind, FileKind::Sip);
    assert_eq!(vars(&c.files[0], "a"), pairs(&[("x", "1"), ("x", "2")]));
    let shown: Vec<&str> = c
        .sources
        .files()
        .iter()
        .map(|f| f.display.as_str())
        .collect();
    assert_eq!(shown, ["sip.conf", "sip.d/1.conf", "sip.d/2.conf"]);
}
