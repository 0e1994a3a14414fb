//! Bad input: every class of mistake exits with code 2, names the file, line and column where
//! the mistake has a position, says what was expected and found, hints at the right name
//! when one is close, and never panics.
//!
//! Each test starts from [`valid`] (a tiny scenario that passes `validate`, see
//! [`valid_scenario_passes_validate`]), introduces exactly one fault with [`with`] and
//! computes the expected position from the text it wrote ([`pos`]), never from a guess.

use std::path::{Path, PathBuf};

use crate::common::*;

/// The scenario body after [`REGIONS`]: meta, an unknown, two nodes, a link, a group, a
/// service, a zone hazard and one option. Every fault below replaces one unique snippet.
const BODY: &str = r#"
[scenario]
id = "tiny"
name_en = "Tiny"
name_ja = "小さな例"

[[unknowns]]
id = "where"
question_en = "Where is beta?"
source = "test"
alternatives = [ { id = "inside", p = 0.5 }, { id = "outside", p = 0.5 } ]

[[nodes]]
id = "alpha"
kind = "server"
class = "c"
site = "in"

[[nodes]]
id = "beta"
kind = "router"
class = "c"
site = { unknown = "where", sites = { inside = "in", outside = "out" } }
exists_p = 0.9

[[links]]
a = "alpha"
b = "beta"

[[groups]]
id = "both"
members = ["alpha", "beta"]

[[services]]
id = "svc"
expr = "up(alpha) & path(alpha, beta)"

[[hazard.zones]]
region = "zone"
p_event = 0.5
source = "test"
p_fail = { c = 0.3 }

[[options]]
id = "move-alpha"
name_en = "Move alpha"
name_ja = "alphaを移設"
cost = 3.0
cost_unit = "100M JPY"
nodes = [ { id = "alpha", site = "out" } ]
"#;

/// The valid scenario text.
fn valid() -> String {
    format!("{REGIONS}{BODY}")
}

/// The valid scenario with the one occurrence of `old` replaced by `new`.
fn with(old: &str, new: &str) -> String {
    let base = valid();
    assert_eq!(
        base.matches(old).count(),
        1,
        "test bug: `{old}` must occur exactly once in the valid scenario"
    );
    base.replacen(old, new, 1)
}

/// 1-based (line, column) of `sub` inside the unique occurrence of `needle` in `text`;
/// columns count characters, as bcpsim does.
fn pos(text: &str, needle: &str, sub: &str) -> (usize, usize) {
    assert_eq!(
        text.matches(needle).count(),
        1,
        "test bug: `{needle}` must occur exactly once"
    );
    let inner = needle
        .find(sub)
        .unwrap_or_else(|| panic!("test bug: `{sub}` is not in `{needle}`"));
    let offset = text.find(needle).unwrap() + inner;
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The `path:LINE:COL: ` prefix of an error at `sub` inside `needle`.
fn at(path: &Path, text: &str, needle: &str, sub: &str) -> String {
    let (line, col) = pos(text, needle, sub);
    format!("{}:{line}:{col}: ", path.display())
}

/// Runs bcpsim in `dir` and returns its stderr, checking exit code 2 and no panic.
fn fails(dir: &Path, args: &[&str]) -> String {
    let out = bcpsim().current_dir(dir).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(2),
        "bcpsim {args:?} should exit with 2\nstdout:\n{}\nstderr:\n{stderr}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        !stderr.contains("panicked"),
        "bcpsim {args:?} panicked:\n{stderr}"
    );
    stderr
}

/// Writes `text` as `bad.toml` in a fresh folder and runs `bcpsim validate` on it.
fn validate_fails(text: &str) -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "bad.toml", text);
    let stderr = fails(dir.path(), &["validate", path.to_str().unwrap()]);
    (dir, path, stderr)
}

/// Asserts that `stderr` contains every one of `parts`.
#[track_caller]
fn has(stderr: &str, parts: &[&str]) {
    for p in parts {
        assert!(stderr.contains(p), "expected `{p}` in stderr:\n{stderr}");
    }
}

/// Asserts that `stderr` carries no hint at all.
#[track_caller]
fn no_hint(stderr: &str) {
    assert!(!stderr.contains("hint:"), "unexpected hint:\n{stderr}");
}

#[test]
fn valid_scenario_passes_validate() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "ok.toml", &valid());
    let p = path.to_str().unwrap();
    bcpsim()
        .current_dir(dir.path())
        .args(["validate", p])
        .assert()
        .success()
        .stdout(predicates::str::contains("ok ("));
    bcpsim()
        .current_dir(dir.path())
        .args(["validate", p, "--option", "move-alpha"])
        .assert()
        .success()
        .stdout(predicates::str::contains("applied: move-alpha"));
}

#[test]
fn toml_syntax_error_has_file_line_column() {
    // An unclosed table header: the parser stops at the single `]`.
    let text = with("[[links]]", "[[links]");
    let (_d, path, err) = validate_fails(&text);
    has(
        &err,
        &[
            &at(&path, &text, "[[links]\n", "]\n"),
            "invalid table header",
            "]]",
        ],
    );

    // An unterminated string: reported on its own line.
    let text = with("id = \"alpha\"\n", "id = \"alpha\n");
    let (_d, path, err) = validate_fails(&text);
    let (line, _) = pos(&text, "id = \"alpha\n", "alpha");
    has(&err, &[&format!("{}:{line}:", path.display()), "string"]);

    // An unclosed array: TOML can only tell at the next token, the following table header.
    let text = with(
        "members = [\"alpha\", \"beta\"]",
        "members = [\"alpha\", \"beta\"",
    );
    let (_d, path, err) = validate_fails(&text);
    has(
        &err,
        &[
            &at(&path, &text, "[[services]]", "[[services]]"),
            "expected `]`",
        ],
    );
}

#[test]
fn unknown_key_has_line_column_and_expected_keys() {
    let text = with(
        "id = \"alpha\"\nkind = \"server\"\n",
        "id = \"alpha\"\nkind = \"server\"\ncolour = 1\n",
    );
    let (_d, path, err) = validate_fails(&text);
    has(
        &err,
        &[
            &at(&path, &text, "colour = 1", "colour"),
            "unknown field `colour`",
            "expected one of `id`, `kind`",
            "hint:",
        ],
    );
}

#[test]
fn undefined_site_with_did_you_mean() {
    let text = with("site = \"in\"\n", "site = \"inn\"\n");
    let (_d, path, err) = validate_fails(&text);
    has(
        &err,
        &[
            &at(&path, &text, "site = \"inn\"", "\"inn\""),
            "undefined site `inn`",
            "hint: did you mean `in`?",
        ],
    );

    // A name far from every site gets no misleading suggestion.
    let text = with("site = \"in\"\n", "site = \"osaka_tower\"\n");
    let (_d, path, err) = validate_fails(&text);
    has(
        &err,
        &[
            &at(&path, &text, "site = \"osaka_tower\"", "\"osaka"),
            "undefined site `osaka_tower`",
        ],
    );
    no_hint(&err);
}

#[test]
fn undefined_node_in_link_with_did_you_mean() {
    let text = with("b = \"beta\"", "b = \"betta\"");
    let (_d, path, err) = validate_fails(&text);
    has(
        &err,
        &[
            &at(&path, &text, "b = \"betta\"", "\"betta\""),
            "link names undefined node `betta`",
            "hint: did you mean `beta`?",
        ],
    );
}

#[test]
fn undefined_class_with_did_you_mean() {
    // On a node.
    let text = with(
        "id = \"alpha\"\nkind = \"server\"\nclass = \"c\"",
        "id = \"alpha\"\nkind = \"server\"\nclass = \"cc\"",
    );
    let (_d, path, err) = validate_fails(&text);
    has(
        &err,
        &[
            &at(&path, &text, "class = \"cc\"", "\"cc\""),
            "node `alpha` uses undefined class `cc`",
            "hint: did you mean `c`?",
        ],
    );

    // In a zone hazard, after multi-byte characters on the same line (columns count
    // characters, not bytes); the error points at the probability given for the class.
    let text = with("p_fail = { c = 0.3 }", "p_fail = { \"重要\" = 0.2 }");
    let (_d, path, err) = validate_fails(&text);
    has(
        &err,
        &[
            &at(&path, &text, "\"重要\" = 0.2", "0.2"),
            "undefined class `重要`",
        ],
    );
    let text = with("p_fail = { c = 0.3 }", "p_fail = { \"é\" = 0.3, cx = 0.4 }");
    let (_d, path, err) = validate_fails(&text);
    // BTreeMap order: "cx" < "é", so `cx` is reported first.
    has(
        &err,
        &[
            &at(&path, &text, "cx = 0.4", "0.4"),
            "undefined class `cx`",
            "hint: did you mean `c`?",
        ],
    );
}

#[test]
fn unknown_option_on_command_line_lists_or_suggests_options() {
    // Far from every id: the hint lists them.
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "ok.toml", &valid());
    let p = path.to_str().unwrap();
    let err = fails(dir.path(), &["validate", p, "--option", "nonexist"]);
    has(&err, &["unknown option `nonexist`", "hint:", "move-alpha"]);
    let err = fails(dir.path(), &["validate", p, "--option", "move-alpa"]);
    has(
        &err,
        &["unknown option `move-alpa`", "did you mean `move-alpha`?"],
    );
    // `run` refuses before writing anything.
    let out = dir.path().join("out");
    let err = fails(
        dir.path(),
        &[
            "run",
            p,
            "--trials",
            "200",
            "--option",
            "nonexist",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    has(&err, &["unknown option `nonexist`"]);
    assert!(!out.exists());

    // The shipped case 2.
    let case2 = scenario("case2.toml");
    let c = case2.to_str().unwrap();
    let err = fails(dir.path(), &["validate", c, "--option", "nonexist"]);
    has(
        &err,
        &[
            "unknown option `nonexist`",
            "hint:",
            "backup-outside",
            "interconnection-outside",
        ],
    );
    let err = fails(dir.path(), &["validate", c, "--option", "backup-outsid"]);
    has(&err, &["hint: did you mean `backup-outside`?"]);
    let err = fails(
        dir.path(),
        &["validate", c, "--option", "interconection-outside"],
    );
    has(&err, &["hint: did you mean `interconnection-outside`?"]);
}

#[test]
fn undefined_group_or_group_member_with_did_you_mean() {
    // A group member that is not a node.
    let text = with(
        "members = [\"alpha\", \"beta\"]",
        "members = [\"alpha\", \"betx\"]",
    );
    let (_d, path, err) = validate_fails(&text);
    has(
        &err,
        &[
            &at(&path, &text, "\"betx\"]", "\"betx\""),
            "undefined node `betx`",
            "hint: did you mean `beta`?",
        ],
    );

    // A path endpoint that is neither a node nor a group.
    let text = with(
        "expr = \"up(alpha) & path(alpha, beta)\"",
        "expr = \"up(alpha) & path(alpha, bothh)\"",
    );
    let (_d, path, err) = validate_fails(&text);
    has(
        &err,
        &[
            &at(&path, &text, "path(alpha, bothh)", "bothh"),
            "`bothh`, which is neither a node nor a group",
            "hint: did you mean `both`?",
        ],
    );
}

#[test]
fn undefined_unknown_with_did_you_mean() {
    // The placement is an inline table, so the error points at its start.
    let text = with("unknown = \"where\"", "unknown = \"were\"");
    let (_d, path, err) = validate_fails(&text);
    has(
        &err,
        &[
            &at(&path, &text, "site = { unknown = \"were\"", "{"),
            "placed by undefined unknown `were`",
            "hint: did you mean `where`?",
        ],
    );

    // An alternative the unknown does not have.
    let text = with("inside = \"in\"", "insde = \"in\"");
    let (_d, path, err) = validate_fails(&text);
    has(
        &err,
        &[
            &at(&path, &text, "site = { unknown = \"where\"", "{"),
            "has no alternative `insde`",
            "hint: did you mean `inside`?",
        ],
    );
}

#[test]
fn probability_above_one_in_zone() {
    let text = with("p_fail = { c = 0.3 }", "p_fail = { c = 1.5 }");
    let (_d, path, err) = validate_fails(&text);
    has(
        &err,
        &[
            &at(&path, &text, "c = 1.5", "1.5"),
            "p_fail of `c` must be a probability in [0, 1], found 1.5",
        ],
    );
    let text = with("p_event = 0.5", "p_event = 2");
    let (_d, path, err) = validate_fails(&text);
    has(
        &err,
        &[
            &at(&path, &text, "p_event = 2", "2"),
            "p_event must be a probability in [0, 1], found 2",
        ],
    );
}

#[test]
fn negative_probability_on_node() {
    let text = with("exists_p = 0.9", "exists_p = -0.1");
    let (_d, path, err) = validate_fails(&text);
    has(
        &err,
        &[
            &at(&path, &text, "exists_p = -0.1", "-0.1"),
            "exists_p must be a probability in [0, 1], found -0.1",
        ],
    );
}

#[test]
fn non_finite_site_coordinate() {
    for bad in ["nan", "inf", "-inf"] {
        let new = format!("lat = {bad}\nlon = 0.5");
        let text = with("lat = 0.5\nlon = 0.5", &new);
        let (_d, path, err) = validate_fails(&text);
        has(
            &err,
            &[
                &at(&path, &text, &new, bad),
                "lat must be degrees in [-90, 90], found",
            ],
        );
    }
    let text = with("lat = 5.0\nlon = 5.0", "lat = 5.0\nlon = 200.0");
    let (_d, path, err) = validate_fails(&text);
    has(
        &err,
        &[
            &at(&path, &text, "lon = 200.0", "200.0"),
            "lon must be degrees in [-180, 180], found 200",
        ],
    );
}

#[test]
fn negative_or_non_finite_option_cost() {
    for bad in ["-5", "-5.0", "nan", "inf"] {
        let new = format!("cost = {bad}\n");
        let text = with("cost = 3.0\n", &new);
        let (_d, path, err) = validate_fails(&text);
        has(
            &err,
            &[
                &at(&path, &text, &new, bad),
                "cost must be a finite number >= 0, found",
            ],
        );
    }
}

#[test]
fn weights_that_do_not_sum_to_one() {
    let text = with(
        "{ id = \"outside\", p = 0.5 }",
        "{ id = \"outside\", p = 0.4 }",
    );
    let (_d, path, err) = validate_fails(&text);
    has(
        &err,
        &[
            &at(&path, &text, "alternatives = [ { id = \"inside\"", "["),
            "the probabilities of unknown `where` must sum to 1, they sum to 0.9",
        ],
    );

    // The same rule for an anonymous placement.
    let text = with(
        "site = \"in\"\n",
        "site = { alternatives = [ { site = \"in\", p = 0.5 }, { site = \"out\", p = 0.4 } ] }\n",
    );
    let (_d, path, err) = validate_fails(&text);
    has(
        &err,
        &[
            &at(&path, &text, "site = { alternatives", "{"),
            "the placement of `alpha` must sum to 1, they sum to 0.9",
        ],
    );
}

const SQUARE: &str = "polygons = [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]]";

#[test]
fn empty_region() {
    let text = with(SQUARE, "polygons = []");
    let (_d, path, err) = validate_fails(&text);
    has(
        &err,
        &[
            &at(&path, &text, "polygons = []", "["),
            "region `zone` is empty",
            "hint:",
        ],
    );
}

#[test]
fn polygon_that_does_not_close() {
    let open = "polygons = [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.5]]]";
    let text = with(SQUARE, open);
    let (_d, path, err) = validate_fails(&text);
    has(
        &err,
        &[
            &at(&path, &text, open, "["),
            "region `zone`, ring 1",
            "does not close",
            "[0, 0.5]",
            "hint:",
        ],
    );
}

#[test]
fn service_expression_that_does_not_parse() {
    let expr = "up(alpha) & (up(beta)";
    let line = format!("expr = \"{expr}\"");
    let text = with("expr = \"up(alpha) & path(alpha, beta)\"", &line);
    let (_d, path, err) = validate_fails(&text);
    // The parser runs out of text looking for `)`: the column is just after the expression,
    // i.e. on the closing quote.
    has(
        &err,
        &[
            &at(&path, &text, &format!("{line}\n"), "\"\n"),
            "service `svc`",
            "expected `)`, found the end",
        ],
    );

    // A token that cannot start an expression: the column is on that token.
    let line = "expr = \"up(alpha) & & up(beta)\"";
    let text = with("expr = \"up(alpha) & path(alpha, beta)\"", line);
    let (_d, path, err) = validate_fails(&text);
    has(
        &err,
        &[
            &at(&path, &text, line, "& up(beta)"),
            "expected a node or group name, found `&`",
        ],
    );

    // Trailing garbage.
    let line = "expr = \"up(alpha) up(beta)\"";
    let text = with("expr = \"up(alpha) & path(alpha, beta)\"", line);
    let (_d, path, err) = validate_fails(&text);
    has(
        &err,
        &[
            &at(&path, &text, line, "up(beta)"),
            "expected `&`, `|` or the end, found `up`",
        ],
    );
}

#[test]
fn service_expression_naming_unknown_node() {
    let line = "expr = \"up(alpha) & up(betta)\"";
    let text = with("expr = \"up(alpha) & path(alpha, beta)\"", line);
    let (_d, path, err) = validate_fails(&text);
    has(
        &err,
        &[
            &at(&path, &text, line, "betta"),
            "up() names undefined node `betta`",
            "hint: did you mean `beta`?",
        ],
    );
    let line = "expr = \"path(alph, beta)\"";
    let text = with("expr = \"up(alpha) & path(alpha, beta)\"", line);
    let (_d, path, err) = validate_fails(&text);
    has(
        &err,
        &[
            &at(&path, &text, line, "alph,"),
            "`alph`, which is neither a node nor a group",
            "hint: did you mean `alpha`?",
        ],
    );
    // Literal strings (single quotes) have the same offset as basic ones.
    let line = "expr = 'up(alpha) & up(betta)'";
    let text = with("expr = \"up(alpha) & path(alpha, beta)\"", line);
    let (_d, path, err) = validate_fails(&text);
    has(&err, &[&at(&path, &text, line, "betta"), "`betta`"]);
}

/// Expressions in multi-line or escaped strings: offsets in the value do not map to file
/// columns, so the error points at the value's opening quote and says at which character of
/// the expression the fault is.
#[test]
fn service_expression_column_in_multiline_and_escaped_strings() {
    // Multi-line basic string on one line.
    let line = "expr = \"\"\"up(alpha) & up(betta)\"\"\"";
    let text = with("expr = \"up(alpha) & path(alpha, beta)\"", line);
    let (_d, path, err) = validate_fails(&text);
    has(
        &err,
        &[
            &at(&path, &text, line, "\"\"\""),
            "`betta`",
            "at character 16 of the expression",
        ],
    );

    // Multi-line string starting with a newline (trimmed by TOML).
    let block = "expr = \"\"\"\nup(alpha) &\n  up(betta)\"\"\"";
    let text = with("expr = \"up(alpha) & path(alpha, beta)\"", block);
    let (_d, path, err) = validate_fails(&text);
    has(
        &err,
        &[
            &at(&path, &text, "expr = \"\"\"", "\"\"\""),
            "`betta`",
            "at character 18 of the expression",
        ],
    );

    // An escape before the fault: `\u0061` is six bytes in the file, one in the value.
    let line = "expr = \"up(\\u0061lpha) & up(betta)\"";
    let text = with("expr = \"up(alpha) & path(alpha, beta)\"", line);
    let (_d, path, err) = validate_fails(&text);
    has(
        &err,
        &[
            &at(&path, &text, line, "\""),
            "`betta`",
            "at character 16 of the expression",
        ],
    );
}

#[test]
fn zero_trials() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "ok.toml", &valid());
    let p = path.to_str().unwrap();
    let out = dir.path().join("out");
    let o = out.to_str().unwrap();
    let err = fails(dir.path(), &["run", p, "--trials", "0", "--out", o]);
    has(&err, &["--trials must be at least 1"]);
    assert!(!out.exists());
    let case2 = scenario("case2.toml");
    let err = fails(
        dir.path(),
        &[
            "table7",
            case2.to_str().unwrap(),
            "--trials",
            "0",
            "--out",
            o,
        ],
    );
    has(&err, &["--trials must be at least 1"]);
    assert!(!out.exists());

    // The same mistake as the scenario's default.
    let text = with("[scenario]", "[simulation]\ntrials = 0\n\n[scenario]");
    let path = write(dir.path(), "sim.toml", &text);
    let err = fails(dir.path(), &["run", path.to_str().unwrap(), "--out", o]);
    has(
        &err,
        &[
            &at(&path, &text, "trials = 0", "0"),
            "trials must be a whole number >= 1, found 0",
        ],
    );
    assert!(!out.exists());
}

#[test]
fn malformed_shard() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "ok.toml", &valid());
    let out = dir.path().join("out");
    for bad in ["0/2", "3/2", "x", "1/0", "1/2/3", "/2", "-1/2"] {
        let err = fails(
            dir.path(),
            &[
                "run",
                path.to_str().unwrap(),
                "--trials",
                "200",
                &format!("--shard={bad}"),
                "--out",
                out.to_str().unwrap(),
            ],
        );
        has(&err, &[&format!("malformed --shard `{bad}`"), "K/N"]);
        assert!(!out.exists());
    }
}

#[test]
fn zero_threads() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "ok.toml", &valid());
    let out = dir.path().join("out");
    let err = fails(
        dir.path(),
        &[
            "run",
            path.to_str().unwrap(),
            "--trials",
            "200",
            "--threads",
            "0",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    has(&err, &["--threads must be at least 1"]);
    assert!(!out.exists());
}

#[test]
fn table7_threshold_outside_probability_range() {
    let dir = tempfile::tempdir().unwrap();
    let case2 = scenario("case2.toml");
    let out = dir.path().join("out");
    for bad in ["1.5", "0", "-0.1", "nan", "inf"] {
        let err = fails(
            dir.path(),
            &[
                "table7",
                case2.to_str().unwrap(),
                "--trials",
                "200",
                &format!("--threshold={bad}"),
                "--out",
                out.to_str().unwrap(),
            ],
        );
        has(&err, &["--threshold must be a probability in (0, 1]"]);
        assert!(!out.exists());
    }
}

/// Names in a folder, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn existing_results_folder_needs_force() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "ok.toml", &valid());
    let p = path.to_str().unwrap();
    let out = dir.path().join("results");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("marker.txt"), "keep me").unwrap();
    let before = listing(dir.path());
    let o = out.to_str().unwrap();

    let err = fails(dir.path(), &["run", p, "--trials", "200", "--out", o]);
    has(&err, &["already exists", "--force"]);
    assert_eq!(listing(&out), ["marker.txt"]);
    assert_eq!(
        std::fs::read_to_string(out.join("marker.txt")).unwrap(),
        "keep me"
    );
    assert_eq!(
        listing(dir.path()),
        before,
        "nothing else may appear next to it"
    );

    // table7 refuses in the same way.
    let case2 = scenario("case2.toml");
    let err = fails(
        dir.path(),
        &[
            "table7",
            case2.to_str().unwrap(),
            "--trials",
            "200",
            "--out",
            o,
        ],
    );
    has(&err, &["already exists", "--force"]);
    assert_eq!(listing(&out), ["marker.txt"]);
    assert_eq!(listing(dir.path()), before);

    // With --force the folder is replaced.
    bcpsim()
        .current_dir(dir.path())
        .args([
            "run", p, "--trials", "200", "--out", o, "--force", "--quiet",
        ])
        .assert()
        .success();
    let files = listing(&out);
    assert!(!files.contains(&"marker.txt".to_string()), "{files:?}");
    assert!(files.contains(&"manifest.json".to_string()), "{files:?}");
    assert!(files.contains(&"state.json".to_string()), "{files:?}");
    assert_eq!(
        listing(dir.path()),
        before,
        "no temporary folder may be left behind"
    );
}

#[test]
fn missing_scenario_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nonexist.toml");
    let m = missing.to_str().unwrap();
    for args in [
        vec!["validate", m],
        vec!["inspect", m],
        vec!["run", m, "--trials", "200", "--out", "out"],
        vec!["table7", m, "--trials", "200", "--out", "out"],
    ] {
        let err = fails(dir.path(), &args);
        has(&err, &[m, "cannot read scenario"]);
    }
    assert!(!dir.path().join("out").exists());
}

#[test]
fn include_of_missing_file_reports_including_line() {
    let text = format!(
        "# a comment first\ninclude = [\"common/missing.toml\"]\n{}",
        valid()
    );
    let (_d, path, err) = validate_fails(&text);
    has(
        &err,
        &[
            &at(
                &path,
                &text,
                "include = [\"common/missing.toml\"]",
                "\"common",
            ),
            "cannot read included file",
            "missing.toml",
            "hint: include paths are relative to the including file",
        ],
    );
}

#[test]
fn error_in_included_file_names_that_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let inc = "[[classes]]\nid = \"d\"\nfoo = 1\n";
    let inc_path = write(&dir.path().join("sub"), "extra.toml", inc);
    let text = format!("include = [\"sub/extra.toml\"]\n{}", valid());
    let path = write(dir.path(), "top.toml", &text);
    let err = fails(dir.path(), &["validate", path.to_str().unwrap()]);
    has(
        &err,
        &[&at(&inc_path, inc, "foo = 1", "foo"), "unknown field `foo`"],
    );

    // An include cycle is an error, not a hang.
    let text = format!("include = [\"top.toml\"]\n{}", valid());
    let path = write(dir.path(), "top.toml", &text);
    let err = fails(dir.path(), &["validate", path.to_str().unwrap()]);
    has(
        &err,
        &[
            &at(&path, &text, "include = [\"top.toml\"]", "\"top"),
            "include cycle",
        ],
    );
}

#[test]
fn bad_option_contents_are_reported_where_written() {
    let text = with(
        "nodes = [ { id = \"alpha\", site = \"out\" } ]",
        "nodes = [ { id = \"alpah\", site = \"out\" } ]",
    );
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "bad.toml", &text);
    let err = fails(
        dir.path(),
        &["validate", path.to_str().unwrap(), "--option", "move-alpha"],
    );
    has(
        &err,
        &[
            &at(&path, &text, "id = \"alpah\"", "\"alpah\""),
            "patches unknown node `alpah`",
            "hint: did you mean `alpha`?",
        ],
    );
}

#[test]
fn unknown_node_kind_is_reported() {
    let text = with("kind = \"server\"", "kind = \"servr\"");
    let (_d, path, err) = validate_fails(&text);
    has(
        &err,
        &[
            &at(&path, &text, "kind = \"servr\"", "\"servr\""),
            "unknown variant `servr`",
            "`server`",
        ],
    );
}
