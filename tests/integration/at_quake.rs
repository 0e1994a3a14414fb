//! `run --at-quake`: only the hazard and damage stages run, so the files of the state right
//! after the quake are those of a full run with the same seed, and nothing of the recovery is
//! written.

use std::path::{Path, PathBuf};

use crate::common::*;

const TRIALS: &str = "300";
const SEED: &str = "11";

/// The files every at-quake run of these scenarios writes (t = 0 tables and their state).
const AT_QUAKE: [&str; 6] = [
    "summary.csv",
    "ministries.csv",
    "kansai_ministries.csv",
    "site_failures.csv",
    "state.json",
    "manifest.json",
];

/// What only the recovery stage gives.
const RECOVERY: [&str; 4] = [
    "availability.csv",
    "restoration.csv",
    "crews.csv",
    "kansai_over_time.csv",
];

/// `bcpsim run <scenario>` into `out` with the fixed seed, two threads and `args`.
fn run(scenario_file: &str, trials: &str, args: &[&str], out: &Path) {
    bcpsim()
        .arg("run")
        .arg(scenario(scenario_file))
        .args([
            "--trials",
            trials,
            "--seed",
            SEED,
            "--threads",
            "2",
            "--quiet",
        ])
        .args(args)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn json(path: PathBuf) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn assert_same(a: &Path, b: &Path, file: &str) {
    let (x, y) = (std::fs::read(a.join(file)), std::fs::read(b.join(file)));
    let (x, y) = (
        x.unwrap_or_else(|e| panic!("{}/{file}: {e}", a.display())),
        y.unwrap_or_else(|e| panic!("{}/{file}: {e}", b.display())),
    );
    assert!(
        x == y,
        "{file} differs between {} and {}",
        a.display(),
        b.display()
    );
}

/// Every CSV of the at-quake run (which writes `AT_QUAKE` and `also`) equals the full run's;
/// the recovery files are missing; the manifest and state say at_quake.
fn at_quake_matches_a_full_run(scenario_file: &str, also: &[&str]) {
    let d = tempfile::tempdir().unwrap();
    let (full, quake) = (d.path().join("full"), d.path().join("quake"));
    run(scenario_file, TRIALS, &[], &full);
    run(scenario_file, TRIALS, &["--at-quake"], &quake);
    let written = names(&quake);
    for f in AT_QUAKE.iter().chain(also) {
        assert!(
            written.iter().any(|w| w == f),
            "{scenario_file}: no {f} in {written:?}"
        );
    }
    for f in written.iter().filter(|f| f.ends_with(".csv")) {
        assert_same(&full, &quake, f);
    }
    for f in RECOVERY {
        assert!(
            full.join(f).exists(),
            "{scenario_file}: the full run has no {f}"
        );
        assert!(
            !quake.join(f).exists(),
            "{scenario_file}: --at-quake wrote {f}"
        );
    }
    let (mq, mf) = (
        json(quake.join("manifest.json")),
        json(full.join("manifest.json")),
    );
    assert_eq!(mq["at_quake"], true, "{scenario_file}: manifest {mq}");
    // A full run's manifest leaves the flag out (as before it existed).
    assert_ne!(mf["at_quake"], true, "{scenario_file}: manifest {mf}");
    assert_eq!(json(quake.join("state.json"))["at_quake"], true);
}

#[test]
fn case2_at_quake_gives_the_full_runs_t0_files() {
    at_quake_matches_a_full_run("case2.toml", &[]);
}

#[test]
fn case1_gm_at_quake_gives_the_full_runs_t0_files() {
    at_quake_matches_a_full_run("case1-gm.toml", &["power.csv", "intensity_grid.csv"]);
}

#[test]
fn at_quake_shards_merge_into_one_at_quake_run_and_not_with_a_full_shard() {
    let d = tempfile::tempdir().unwrap();
    let whole = d.path().join("whole");
    run("case2.toml", "301", &["--at-quake"], &whole);
    let shards: Vec<PathBuf> = (1..=3)
        .map(|k| {
            let s = d.path().join(format!("s{k}"));
            run(
                "case2.toml",
                "301",
                &["--at-quake", "--shard", &format!("{k}/3")],
                &s,
            );
            s
        })
        .collect();
    let merged = d.path().join("merged");
    bcpsim()
        .arg("merge")
        .args(shards.iter().rev())
        .arg("--out")
        .arg(&merged)
        .assert()
        .success();
    assert_eq!(names(&merged), names(&whole));
    for f in names(&whole).iter().filter(|f| *f != "manifest.json") {
        assert_same(&whole, &merged, f);
    }
    assert_eq!(json(merged.join("manifest.json"))["at_quake"], true);

    // A full run's shard 2/3 in place of the at-quake one is refused, and nothing is written.
    let full2 = d.path().join("full2");
    run("case2.toml", "301", &["--shard", "2/3"], &full2);
    let mixed = d.path().join("mixed");
    let out = bcpsim()
        .arg("merge")
        .args([&shards[0], &full2, &shards[2]])
        .arg("--out")
        .arg(&mixed)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("at-quake"), "{stderr}");
    assert!(!mixed.exists());
}

#[test]
fn at_quake_prints_its_summary_without_recovery_tables() {
    // Without --quiet, `run` prints the headline table and, with recovery, the Kansai curve
    // over time: an at-quake run has no recovery counts and must print the first only.
    let d = tempfile::tempdir().unwrap();
    let out = bcpsim()
        .arg("run")
        .arg(scenario("case2.toml"))
        .args(["--at-quake", "--trials", "500", "--seed", "3", "--out"])
        .arg(d.path().join("q"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("work from Kansai"), "{text}");
    assert!(
        !text.contains("probability by hours after the quake"),
        "{text}"
    );
}
