//! Estimates against closed forms.
//!
//! Each check runs a small scenario whose answer is known exactly. The tolerance is 3.29
//! standard errors of a binomial proportion at the exact value (a 99.9 % band): a correct
//! simulator fails one check in a thousand seeds, and the seed is fixed, so the test is
//! deterministic; at 40,000 trials the band is about ±0.008 around 0.5, so a bias of a
//! percentage point fails it. The reported Wilson interval must also be well formed around
//! the estimate.

use crate::common::*;

fn summary(text: &str, trials: u64) -> Vec<(String, f64, f64, f64)> {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "s.toml", text);
    let out = dir.path().join("out");
    bcpsim()
        .args([
            "run",
            path.to_str().unwrap(),
            "--trials",
            &trials.to_string(),
            "--seed",
            "11",
        ])
        .args(["--out", out.to_str().unwrap(), "--quiet"])
        .assert()
        .success();
    let mut r = csv::Reader::from_path(out.join("summary.csv")).unwrap();
    r.records()
        .map(|x| {
            let x = x.unwrap();
            (
                x[0].to_string(),
                x[1].parse().unwrap(),
                x[2].parse().unwrap(),
                x[3].parse().unwrap(),
            )
        })
        .collect()
}

const TRIALS: u64 = 40_000;

fn check(rows: &[(String, f64, f64, f64)], service: &str, exact: f64) {
    let (_, p, lo, hi) = rows
        .iter()
        .find(|r| r.0 == service)
        .unwrap_or_else(|| panic!("no service {service}"));
    let se = (exact * (1.0 - exact) / TRIALS as f64).sqrt();
    assert!(
        (p - exact).abs() <= 3.29 * se + 1e-6,
        "{service}: estimate {p}, exact {exact}, tolerance {}",
        3.29 * se
    );
    assert!(
        lo <= p && p <= hi && hi - lo < 0.02,
        "{service}: [{lo}, {hi}] around {p}"
    );
}

fn scenario(zone: &str, body: &str) -> String {
    format!(
        "[scenario]\nid = \"t\"\nname_en = \"t\"\nname_ja = \"t\"\n{REGIONS}\n{body}\n\
         [[hazard.zones]]\nregion = \"zone\"\nsource = \"test\"\n{zone}\n"
    )
}

const TWO_NODES: &str = r#"
[[nodes]]
id = "a"
kind = "router"
class = "c"
site = "in"
[[nodes]]
id = "b"
kind = "router"
class = "c"
site = "in"
[[links]]
a = "a"
b = "b"
[[services]]
id = "series"
expr = "path(a, b)"
[[services]]
id = "parallel"
expr = "up(a) | up(b)"
[[services]]
id = "neither"
expr = "!up(a) & !up(b)"
"#;

#[test]
fn series_and_parallel_with_independent_failures() {
    let rows = summary(&scenario("p_fail = { c = 0.3 }", TWO_NODES), TRIALS);
    check(&rows, "series", 0.7 * 0.7);
    check(&rows, "parallel", 1.0 - 0.3 * 0.3);
    check(&rows, "neither", 0.3 * 0.3);
}

#[test]
fn ab_lines_sharing_a_struck_zone_fail_together() {
    // Office - line A - center and office - line B - center, both lines in the zone. The
    // zone is struck with probability 0.4; when struck each line fails with 0.5.
    // P(connected) = 0.6 + 0.4 * (1 - 0.5^2) = 0.9; with p_fail 1 it is 0.6, not the
    // 1 - 0.4^2 = 0.84 that independent lines would give.
    let body = r#"
[[nodes]]
id = "office"
kind = "office"
site = "out"
[[nodes]]
id = "center"
kind = "center"
site = "out"
[[nodes]]
id = "line_a"
kind = "line"
class = "c"
site = "in"
[[nodes]]
id = "line_b"
kind = "line"
class = "c"
site = "in"
[[links]]
a = "office"
b = "line_a"
[[links]]
a = "line_a"
b = "center"
[[links]]
a = "office"
b = "line_b"
[[links]]
a = "line_b"
b = "center"
[[services]]
id = "connected"
expr = "path(office, center)"
"#;
    let rows = summary(
        &scenario("p_event = 0.4\np_fail = { c = 0.5 }", body),
        TRIALS,
    );
    check(&rows, "connected", 0.9);
    let rows = summary(
        &scenario("p_event = 0.4\np_fail = { c = 1.0 }", body),
        TRIALS,
    );
    check(&rows, "connected", 0.6);
}

#[test]
fn unknown_placement_and_existence() {
    // `a` is in the zone with probability 0.3 (where it fails with 0.5) and exists with
    // probability 0.8: P(up) = 0.8 * (1 - 0.3 * 0.5) = 0.68.
    let body = r#"
[[unknowns]]
id = "where"
question_en = "where is a?"
source = "test"
alternatives = [{ id = "in", p = 0.3 }, { id = "out", p = 0.7 }]
[[nodes]]
id = "a"
kind = "server"
class = "c"
exists_p = 0.8
site = { unknown = "where", sites = { in = "in", out = "out" } }
[[services]]
id = "a_up"
expr = "up(a)"
"#;
    let rows = summary(&scenario("p_fail = { c = 0.5 }", body), TRIALS);
    check(&rows, "a_up", 0.8 * (1.0 - 0.3 * 0.5));
}

#[test]
fn oneway_links_are_followed_one_way_only() {
    // staff -> office is one way: the office cannot reach staff, whatever fails.
    let body = r#"
[[nodes]]
id = "staff"
kind = "virtual"
[[nodes]]
id = "office"
kind = "office"
class = "c"
site = "in"
[[links]]
a = "staff"
b = "office"
oneway = true
[[services]]
id = "forward"
expr = "path(staff, office)"
[[services]]
id = "backward"
expr = "path(office, staff)"
"#;
    let rows = summary(&scenario("p_fail = { c = 0.25 }", body), TRIALS);
    check(&rows, "forward", 0.75);
    let back = rows.iter().find(|r| r.0 == "backward").unwrap();
    assert_eq!(back.1, 0.0);
}
