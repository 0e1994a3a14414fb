//! Sensitivity includes the LGWAN mail stage: for a scenario with `[lgwan]` it measures the
//! same mail metrics as `compare` (bounced and delivered within 24 h per result row), so the
//! analyst sees what the mail results depend on; a scenario without LGWAN has none.

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::*;

fn rows(p: &Path) -> Vec<csv::StringRecord> {
    let mut r = csv::Reader::from_path(p).unwrap();
    r.records().map(|x| x.unwrap()).collect()
}

/// Runs `bcpsim sensitivity` on a shipped scenario with 20 trials and seed 3; the rows of
/// its `sensitivity.csv`.
fn sensitivity(dir: &Path, scenario_file: &str) -> Vec<csv::StringRecord> {
    let out = dir.join(scenario_file.replace(".toml", "-sens"));
    bcpsim()
        .args(["sensitivity", scenario(scenario_file).to_str().unwrap()])
        .args(["--trials", "20", "--seed", "3", "--quiet"])
        .args(["--out", out.to_str().unwrap()])
        .assert()
        .success();
    rows(&out.join("sensitivity.csv"))
}

/// Metric ids starting with `mail.` (column 2 of `sensitivity.csv`, 1 of `compare.csv`).
fn mail_metrics(rows: &[csv::StringRecord], col: usize) -> BTreeSet<String> {
    rows.iter()
        .map(|r| r[col].to_string())
        .filter(|m| m.starts_with("mail."))
        .collect()
}

#[test]
fn lgwan_sensitivity_measures_the_mail_metrics_compare_does() {
    let d = tempfile::tempdir().unwrap();
    let sens = mail_metrics(&sensitivity(d.path(), "lgwan-mail.toml"), 2);
    assert!(
        sens.iter().any(|m| m.ends_with(".bounced"))
            && sens.iter().any(|m| m.ends_with(".within_24h")),
        "{sens:?}"
    );
    let out = d.path().join("compare");
    bcpsim()
        .args(["compare", scenario("lgwan-mail.toml").to_str().unwrap()])
        .args(["--option", "lgwan-ix-west", "--trials", "20", "--seed", "3"])
        .args(["--quiet", "--out", out.to_str().unwrap()])
        .assert()
        .success();
    assert_eq!(sens, mail_metrics(&rows(&out.join("compare.csv")), 1));
}

#[test]
fn sensitivity_without_lgwan_has_no_mail_metrics() {
    let d = tempfile::tempdir().unwrap();
    let rows = sensitivity(d.path(), "case2.toml");
    assert!(!rows.is_empty());
    assert_eq!(mail_metrics(&rows, 2), BTreeSet::new());
}

#[test]
fn mail_bounces_respond_to_the_repair_durations() {
    // The shipped LGWAN scenario declares no factor on the mail settings themselves (the
    // queue lifetime is not an `[[uncertain]]` parameter); it does include the recovery's
    // `recovery.repair[*].duration_scale` (0.5 against 2). Slower repairs keep the
    // path to the ministries down past the 120 h queue lifetime, so more municipality-to-ministry
    // mail bounces: the paired swing is positive and its interval excludes zero (at seed 3
    // and 20 trials it is about +52 messages per trial, interval about [+41, +63]).
    let d = tempfile::tempdir().unwrap();
    let rows = sensitivity(d.path(), "lgwan-mail.toml");
    let r = rows
        .iter()
        .find(|r| {
            &r[0] == "recovery.repair[*].duration_scale"
                && &r[2] == "mail.municipality_to_ministry.mx-east.bounced"
        })
        .expect("the repair-duration factor is swung on the bounce metric");
    let swing_ci_low: f64 = r[14].parse().unwrap();
    assert!(swing_ci_low > 0.0, "{r:?}");
}
