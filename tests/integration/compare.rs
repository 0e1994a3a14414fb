//! Countermeasure comparison on common random numbers.

use crate::common::*;

fn compare(scenario_path: &std::path::Path, extra: &[&str]) -> Vec<csv::StringRecord> {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("cmp");
    bcpsim()
        .arg("compare")
        .arg(scenario_path)
        .args([
            "--trials",
            "3000",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ])
        .args(extra)
        .assert()
        .success();
    let mut r = csv::Reader::from_path(out.join("compare.csv")).unwrap();
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>().join(","),
        "option,metric,baseline,with_option,difference,diff_ci_low,diff_ci_high,cost"
    );
    r.records().map(|x| x.unwrap()).collect()
}

#[test]
fn an_option_that_changes_nothing_differs_by_exactly_zero() {
    let d = tempfile::tempdir().unwrap();
    let text = format!(
        r#"[scenario]
id = "noop"
name_en = "noop"
name_ja = "noop"
{REGIONS}
[[unknowns]]
id = "where"
question_en = "where?"
source = "test"
alternatives = [{{ id = "in", p = 0.5 }}, {{ id = "out", p = 0.5 }}]
[[nodes]]
id = "a"
kind = "server"
class = "c"
site = {{ unknown = "where", sites = {{ in = "in", out = "out" }} }}
[[services]]
id = "a_up"
expr = "up(a)"
[[hazard.zones]]
region = "zone"
source = "test"
p_fail = {{ c = 0.5 }}
[[options]]
id = "same"
name_en = "Restates what is already so"
name_ja = "変更なし"
cost = 3.0
[[options.unknowns]]
id = "where"
alternatives = [{{ id = "in", p = 0.5 }}, {{ id = "out", p = 0.5 }}]
[[options]]
id = "move-out"
name_en = "Move a outside the zone"
name_ja = "区域外へ移設"
[[options.unknowns]]
id = "where"
alternatives = [{{ id = "in", p = 0.0 }}, {{ id = "out", p = 1.0 }}]
"#
    );
    let p = write(d.path(), "noop.toml", &text);
    let rows = compare(&p, &[]);
    let same: Vec<_> = rows.iter().filter(|r| &r[0] == "same").collect();
    assert!(!same.is_empty());
    for r in same {
        assert_eq!(
            (&r[4], &r[5], &r[6], &r[7]),
            ("0.0", "0.0", "0.0", "3.0"),
            "{r:?}"
        );
    }
    // Moving `a` out of the zone removes its 0.25 failure probability (0.5 x 0.5), every
    // trial paired with itself: the difference is exactly the trials in which it was hit.
    let up = rows
        .iter()
        .find(|r| &r[0] == "move-out" && &r[1] == "a_up")
        .unwrap();
    let diff: f64 = up[4].parse().unwrap();
    assert!(
        (diff - 0.25).abs() < 0.03 && up[5].parse::<f64>().unwrap() > 0.0,
        "{up:?}"
    );
}

#[test]
fn together_backup_and_interconnection_outside_keep_most_ministries_working() {
    let rows = compare(
        &scenario("case2.toml"),
        &[
            "--option",
            "backup-outside",
            "--option",
            "interconnection-outside",
            "--combinations",
        ],
    );
    let gain = |opt: &str| -> (f64, f64) {
        let r = rows
            .iter()
            .find(|r| &r[0] == opt && &r[1] == "ministries_working_from_kansai")
            .unwrap();
        (r[4].parse().unwrap(), r[5].parse().unwrap())
    };
    let (both, both_low) = gain("backup-outside+interconnection-outside");
    let (b, _) = gain("backup-outside");
    let (i, _) = gain("interconnection-outside");
    // Each helps; together they do more than either alone, beyond noise.
    assert!(b > 0.0 && i > 0.0, "{b} {i}");
    assert!(
        both_low > b.max(i),
        "together {both} (low {both_low}), alone {b} and {i}"
    );
}
