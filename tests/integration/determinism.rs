//! Same seed, same bytes: whatever the thread count or sharding.

use std::path::Path;

use crate::common::*;

fn run(args: &[&str], out: &Path) {
    bcpsim()
        .arg("run")
        .arg(scenario("case2.toml"))
        .args(args)
        .args(["--seed", "5", "--quiet", "--out", out.to_str().unwrap()])
        .assert()
        .success();
}

fn same(a: &Path, b: &Path, files: &[&str]) {
    for f in files {
        let (x, y) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
        );
        assert!(
            x == y,
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

const TABLES: [&str; 6] = [
    "summary.csv",
    "ministries.csv",
    "kansai_ministries.csv",
    "availability.csv",
    "restoration.csv",
    "crews.csv",
];

#[test]
fn one_and_two_threads_give_identical_results() {
    let d = tempfile::tempdir().unwrap();
    let (one, two) = (d.path().join("one"), d.path().join("two"));
    run(&["--trials", "30000", "--threads", "1"], &one);
    run(&["--trials", "30000", "--threads", "2"], &two);
    same(&one, &two, &TABLES);
}

#[test]
fn merged_shards_equal_one_run() {
    let d = tempfile::tempdir().unwrap();
    let whole = d.path().join("whole");
    run(&["--trials", "20001", "--threads", "2"], &whole);
    let mut shards = Vec::new();
    for k in 1..=3 {
        let s = d.path().join(format!("s{k}"));
        run(
            &[
                "--trials",
                "20001",
                "--threads",
                "1",
                "--shard",
                &format!("{k}/3"),
            ],
            &s,
        );
        shards.push(s);
    }
    let merged = d.path().join("merged");
    bcpsim()
        .arg("merge")
        .args(shards.iter().rev())
        .args(["--out", merged.to_str().unwrap()])
        .assert()
        .success();
    same(&whole, &merged, &TABLES);
}

#[test]
fn merge_refuses_incomplete_or_foreign_shards() {
    let d = tempfile::tempdir().unwrap();
    let (s1, s2) = (d.path().join("s1"), d.path().join("s2"));
    run(&["--trials", "1000", "--shard", "1/2"], &s1);
    let out = d.path().join("m");
    bcpsim()
        .args([
            "merge",
            s1.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .assert()
        .code(2);
    // A shard of a run with another seed does not merge.
    bcpsim()
        .arg("run")
        .arg(scenario("case2.toml"))
        .args([
            "--trials", "1000", "--shard", "2/2", "--seed", "6", "--quiet",
        ])
        .args(["--out", s2.to_str().unwrap()])
        .assert()
        .success();
    bcpsim()
        .args(["merge", s1.to_str().unwrap(), s2.to_str().unwrap()])
        .args(["--out", out.to_str().unwrap()])
        .assert()
        .code(2);
    assert!(!out.exists());
}

#[test]
fn table7_is_identical_for_one_and_two_threads() {
    let d = tempfile::tempdir().unwrap();
    for t in ["1", "2"] {
        bcpsim()
            .arg("table7")
            .arg(scenario("case2.toml"))
            .args(["--trials", "4000", "--threads", t, "--quiet", "--out"])
            .arg(d.path().join(t))
            .assert()
            .success();
    }
    same(
        &d.path().join("1"),
        &d.path().join("2"),
        &["table7.csv", "table7.md"],
    );
}

#[test]
fn ci_width_stops_at_the_same_trial_whatever_the_threads() {
    let d = tempfile::tempdir().unwrap();
    let mut seen = Vec::new();
    for t in ["1", "2"] {
        let out = d.path().join(t);
        bcpsim()
            .arg("run")
            .arg(scenario("case1.toml"))
            .args([
                "--ci-width",
                "0.006",
                "--trials",
                "1000000",
                "--seed",
                "9",
                "--quiet",
            ])
            .args(["--threads", t, "--out", out.to_str().unwrap()])
            .assert()
            .success();
        let m: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap())
                .unwrap();
        let trials = m["trials"].as_u64().unwrap();
        // Checked at fixed chunks of 65,536 trials, and stopped well before the maximum.
        assert!(trials % 65_536 == 0 && trials < 1_000_000, "{trials}");
        // Every reported interval is narrower than the target.
        let mut r = csv::Reader::from_path(out.join("summary.csv")).unwrap();
        for rec in r.records() {
            let rec = rec.unwrap();
            let w: f64 = rec[3].parse::<f64>().unwrap() - rec[2].parse::<f64>().unwrap();
            assert!(w < 0.006, "{rec:?}");
        }
        seen.push((trials, std::fs::read(out.join("availability.csv")).unwrap()));
    }
    assert_eq!(seen[0], seen[1]);
}

/// LGWAN mail (scenarios/lgwan-mail.toml): its tallies merge like every other count.
fn run_lgwan(args: &[&str], out: &Path) {
    bcpsim()
        .arg("run")
        .arg(scenario("lgwan-mail.toml"))
        .args(args)
        .args(["--seed", "7", "--quiet", "--out", out.to_str().unwrap()])
        .assert()
        .success();
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

const MAIL: [&str; 2] = ["mail.csv", "mail_compare.csv"];

#[test]
fn lgwan_mail_is_identical_for_one_and_two_threads_and_for_merged_shards() {
    let d = tempfile::tempdir().unwrap();
    let (one, two) = (d.path().join("one"), d.path().join("two"));
    run_lgwan(&["--trials", "301", "--threads", "1"], &one);
    run_lgwan(&["--trials", "301", "--threads", "2"], &two);
    for f in MAIL {
        assert!(
            read(&one.join(f)) == read(&two.join(f)),
            "{f}: 1 vs 2 threads"
        );
    }
    let mut shards = Vec::new();
    for k in 1..=3 {
        let s = d.path().join(format!("s{k}"));
        run_lgwan(
            &[
                "--trials",
                "301",
                "--threads",
                "1",
                "--shard",
                &format!("{k}/3"),
            ],
            &s,
        );
        shards.push(s);
    }
    let merged = d.path().join("merged");
    bcpsim()
        .arg("merge")
        .args(shards.iter().rev())
        .args(["--out", merged.to_str().unwrap()])
        .assert()
        .success();
    for f in MAIL {
        assert!(
            read(&one.join(f)) == read(&merged.join(f)),
            "{f}: merged shards"
        );
    }
}
