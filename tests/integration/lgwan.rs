//! LGWAN mail end to end: the shipped scenario's outputs, determinism across threads and
//! shards, comparison of options on mail, and bad `[lgwan]` input.

use std::path::{Path, PathBuf};

use crate::common::*;

fn run(args: &[&str], out: &Path) {
    bcpsim()
        .arg("run")
        .arg(scenario("lgwan-mail.toml"))
        .args(args)
        .args(["--seed", "7", "--quiet", "--out", out.to_str().unwrap()])
        .assert()
        .success();
}

#[test]
fn mail_csv_has_the_columns_and_consistent_rows() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("r");
    run(&["--trials", "400", "--threads", "2"], &out);
    let mut r = csv::Reader::from_path(out.join("mail.csv")).unwrap();
    let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    // The issue's columns, in order, with intervals after each probability.
    let want = [
        "flow",
        "delivery_mode",
        "dns_forwarders",
        "p_within_1h",
        "p_within_1h_low",
        "p_within_1h_high",
        "p_within_24h",
        "p_within_24h_low",
        "p_within_24h_high",
        "p_bounced",
        "p_bounced_low",
        "p_bounced_high",
        "delay_p50_hours",
        "delay_p90_hours",
        "delay_p99_hours",
    ];
    assert_eq!(&h[..want.len()], &want);
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    // 3 LGWAN flows x 5 configurations + 2 internet flows.
    assert_eq!(rows.len(), 17);
    let f = |row: &csv::StringRecord, name: &str| -> f64 { row[col(name)].parse().unwrap() };
    for row in &rows {
        for p in ["p_within_1h", "p_within_24h", "p_bounced", "p_within_5d"] {
            let (v, lo, hi) = (
                f(row, p),
                f(row, &format!("{p}_low")),
                f(row, &format!("{p}_high")),
            );
            assert!(
                lo <= v && v <= hi && (0.0..=1.0).contains(&v),
                "{row:?} {p}"
            );
        }
        // Nested windows; a message is delivered or bounced, and the horizon decides all.
        assert!(f(row, "p_within_1h") <= f(row, "p_within_24h"));
        assert!(f(row, "p_within_24h") <= f(row, "p_within_5d"));
        assert!(f(row, "p_within_5d") + f(row, "p_bounced") <= 1.0 + 1e-9);
        assert!(f(row, "delay_p50_hours") <= f(row, "delay_p90_hours"));
        assert!(f(row, "messages_per_trial") > 100.0);
    }
    // mail_compare.csv ranks each LGWAN flow's configurations; the best differs by zero.
    let mut c = csv::Reader::from_path(out.join("mail_compare.csv")).unwrap();
    let crows: Vec<csv::StringRecord> = c.records().map(|x| x.unwrap()).collect();
    assert_eq!(crows.len(), 15);
    for row in crows.iter().filter(|r| &r[4] == "1") {
        assert_eq!(&row[1], &row[6], "rank 1 is the best");
    }
}

#[test]
fn compare_pairs_options_on_mail_and_a_second_interconnection_cannot_hurt() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("cmp");
    bcpsim()
        .arg("compare")
        .arg(scenario("lgwan-mail.toml"))
        .args(["--option", "lgwan-ix-west", "--trials", "300", "--quiet"])
        .args(["--out", out.to_str().unwrap()])
        .assert()
        .success();
    let mut r = csv::Reader::from_path(out.join("compare.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    let mail: Vec<_> = rows.iter().filter(|r| r[1].starts_with("mail.")).collect();
    assert_eq!(mail.len(), 17 * 2);
    for row in mail {
        let diff: f64 = row[4].parse().unwrap();
        let metric = &row[1];
        // More interconnection never bounces more mail nor delivers less within 24 h, in
        // every trial (so the mean difference has the sign, whatever the sample).
        if metric.ends_with(".bounced") {
            assert!(diff <= 0.0, "{metric}: {diff}");
        } else {
            assert!(diff >= 0.0, "{metric}: {diff}");
        }
        // Mail between municipalities never crosses an interconnection: exactly zero.
        if metric.starts_with("mail.municipality_to_municipality") || metric.contains("internet") {
            assert_eq!(diff, 0.0, "{metric}");
        }
    }
}

/// A scenario that includes the shipped files but replaces `[lgwan]`'s text.
fn edited_lgwan(dir: &Path, old: &str, new: &str) -> PathBuf {
    let common = root().join("scenarios/common");
    let lg = std::fs::read_to_string(common.join("lgwan.toml")).unwrap();
    assert!(lg.contains(old), "{old}");
    let lg = lg.replace(old, new).replace(
        "prefectures = \"prefecture_capitals.csv\"",
        &format!(
            "prefectures = {:?}",
            common.join("prefecture_capitals.csv").to_str().unwrap()
        ),
    );
    write(dir, "lgwan.toml", &lg);
    let top = std::fs::read_to_string(scenario("lgwan-mail.toml"))
        .unwrap()
        .replace(
            "\"common/regions.toml\"",
            &format!("{:?}", common.join("regions.toml").to_str().unwrap()),
        )
        .replace(
            "\"common/government.toml\"",
            &format!("{:?}", common.join("government.toml").to_str().unwrap()),
        )
        .replace(
            "\"common/recovery.toml\"",
            &format!("{:?}", common.join("recovery.toml").to_str().unwrap()),
        )
        .replace("\"common/lgwan.toml\"", "\"lgwan.toml\"");
    write(dir, "top.toml", &top)
}

/// Edits `old` into `new` and expects `message` at the line of `points_at` (first
/// occurrence after the edit's start, or the edit itself).
fn invalid(old: &str, new: &str, points_at: &str, message: &str) {
    let d = tempfile::tempdir().unwrap();
    let p = edited_lgwan(d.path(), old, new);
    let text = std::fs::read_to_string(d.path().join("lgwan.toml")).unwrap();
    let edit = text.find(new).expect("edit present");
    let at = if points_at.is_empty() {
        edit
    } else {
        text.find(points_at).expect("needle present")
    };
    let line = text[..at].matches('\n').count() + 1;
    let a = bcpsim().arg("validate").arg(&p).assert().code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(err.contains(message), "{err}");
    assert!(
        err.contains(&format!("lgwan.toml:{line}:")),
        "line {line}: {err}"
    );
}

#[test]
fn bad_lgwan_input_is_located_and_explained() {
    invalid(
        "window_hours = 168.0",
        "window_hours = 600.0",
        "",
        "window_hours must be > 0 and leave every message decided within the horizon",
    );
    invalid(
        "forwarders = [\"east\", \"west\"]",
        "forwarders = [\"east\", \"east\"]",
        "id = \"mx-both\"",
        "MX delivery needs one or two different forwarders",
    );
    invalid(
        "rate_per_hour = 1.0\nsource = \"assumption: sampling rate (000)\"\n[[lgwan.flows]]\nkind = \"municipality_to_municipality\"",
        "rate_per_hour = -1.0\nsource = \"assumption: sampling rate (000)\"\n[[lgwan.flows]]\nkind = \"municipality_to_municipality\"",
        "",
        "rate_per_hour must be in [0, 100000]",
    );
    invalid(
        "crew = \"municipal_vendors\"",
        "crew = \"municipal_vendor\"",
        "",
        "did you mean `municipal_vendors`?",
    );
    invalid(
        "queue_lifetime_hours = 120 ",
        "queue_lifetime_hours = -1 ",
        "",
        "queue_lifetime_hours must be in [0, 8760]",
    );
}

#[test]
fn default_cases_carry_no_mail() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("c2");
    bcpsim()
        .arg("run")
        .arg(scenario("case2.toml"))
        .args(["--trials", "200", "--quiet", "--out", out.to_str().unwrap()])
        .assert()
        .success();
    assert!(!out.join("mail.csv").exists());
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("state.json")).unwrap()).unwrap();
    assert!(state["tally"]["mail"].is_null());
}

#[test]
fn a_bad_prefecture_row_is_reported_at_its_csv_line() {
    let d = tempfile::tempdir().unwrap();
    let common = root().join("scenarios/common");
    let csv = std::fs::read_to_string(common.join("prefecture_capitals.csv")).unwrap();
    // Row 3 of the file (Aomori) placed at latitude 99.
    let bad: Vec<String> = csv
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 2 {
                l.replacen("40.82444", "99.0", 1)
            } else {
                l.to_string()
            }
        })
        .collect();
    assert!(bad[2].contains("99.0"));
    write(d.path(), "bad.csv", &(bad.join("\n") + "\n"));
    let p = edited_lgwan(
        d.path(),
        "extra_municipalities = 300",
        "extra_municipalities = 3",
    );
    let lg = std::fs::read_to_string(d.path().join("lgwan.toml")).unwrap();
    let lg = lg.replace(
        common.join("prefecture_capitals.csv").to_str().unwrap(),
        d.path().join("bad.csv").to_str().unwrap(),
    );
    write(d.path(), "lgwan.toml", &lg);
    let a = bcpsim().arg("validate").arg(&p).assert().code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(err.contains("bad.csv:3:1"), "{err}");
    assert!(err.contains("outside Japan"), "{err}");
}
