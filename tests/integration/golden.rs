//! Golden harness: the SHA-256 of every file each command writes, for every shipped scenario,
//! at a fixed seed and small trial counts, kept in `tests/golden/<case>.sha256`.
//!
//! A refactor keeps them unchanged; a change that means to move results rewrites them with
//! `BCPSIM_GOLDEN=rewrite cargo test --locked golden` and says why in its commit. What a
//! run cannot reproduce is left out before hashing: the manifest's wall time, creation time,
//! thread count and command line (also where a report embeds the manifest), and the process
//! id in the name of a temporary results folder.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::common::*;

/// Runs `args` in a fresh folder holding a copy of `scenarios/`, then checks (or rewrites)
/// the hashes of every file under it and of the command's standard output.
fn golden(case: &str, commands: &[&[&str]]) {
    let d = tempfile::tempdir().unwrap();
    copy_dir(&root().join("scenarios"), &d.path().join("scenarios"));
    let mut stdout = Vec::new();
    for args in commands {
        let out = bcpsim().current_dir(d.path()).args(*args).output().unwrap();
        assert!(
            out.status.success(),
            "{case}: `bcpsim {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        // `run` and friends print where they wrote and how long it took; only commands whose
        // output is the result (explain, inspect, gmpe, validate) are hashed.
        if matches!(args[0], "explain" | "inspect" | "gmpe" | "validate") {
            stdout.extend_from_slice(&out.stdout);
        }
    }
    let mut lines = Vec::new();
    if !stdout.is_empty() {
        lines.push(format!("{}  <stdout>", hex(&stdout)));
    }
    let mut files = Vec::new();
    list(d.path(), d.path(), &mut files);
    files.sort();
    for rel in files {
        if rel.starts_with("scenarios/") {
            continue;
        }
        let bytes = std::fs::read(d.path().join(&rel)).unwrap();
        lines.push(format!("{}  {rel}", hex(&normalise(&rel, &bytes))));
    }
    let got = lines.join("\n") + "\n";
    let path = root().join("tests/golden").join(format!("{case}.sha256"));
    if std::env::var("BCPSIM_GOLDEN").as_deref() == Ok("rewrite") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} missing: BCPSIM_GOLDEN=rewrite cargo test golden",
            path.display()
        )
    });
    if got != want {
        let diff: Vec<String> = want
            .lines()
            .filter(|l| !got.lines().any(|g| g == *l))
            .map(|l| format!("  was {l}"))
            .chain(
                got.lines()
                    .filter(|l| !want.lines().any(|w| w == *l))
                    .map(|l| format!("  now {l}")),
            )
            .collect();
        panic!(
            "{case}: outputs changed (BCPSIM_GOLDEN=rewrite cargo test golden rewrites them, on purpose only):\n{}",
            diff.join("\n")
        );
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

fn list(base: &Path, dir: &Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p: PathBuf = e.unwrap().path();
        if p.is_dir() {
            list(base, &p, out);
        } else {
            let rel = p.strip_prefix(base).unwrap().to_string_lossy();
            out.push(rel.replace('\\', "/"));
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Text files lose what a rerun cannot reproduce; other files are hashed as they are.
fn normalise(rel: &str, bytes: &[u8]) -> Vec<u8> {
    let text_kinds = [".json", ".html", ".md", ".csv", ".svg", ".txt"];
    if !text_kinds.iter().any(|k| rel.ends_with(k)) {
        return bytes.to_vec();
    }
    let text = String::from_utf8_lossy(bytes);
    let volatile = [
        "elapsed_seconds",
        "created_utc",
        "\"threads\"",
        "&quot;threads&quot;",
    ];
    let mut out = String::new();
    let mut in_command_line = false;
    for line in text.lines() {
        if in_command_line {
            in_command_line = !line.trim_start().starts_with(']');
            continue;
        }
        if line.contains("command_line") {
            in_command_line = line.trim_end().ends_with('[');
            out.push_str("<command_line>\n");
            continue;
        }
        if volatile.iter().any(|v| line.contains(v)) {
            out.push_str("<volatile>\n");
            continue;
        }
        out.push_str(&strip_pid(line));
        out.push('\n');
    }
    out.into_bytes()
}

/// `.name.partial-1234` -> `.name.partial-PID`.
fn strip_pid(line: &str) -> String {
    let marker = ".partial-";
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find(marker) {
        out.push_str(&rest[..i + marker.len()]);
        rest = rest[i + marker.len()..].trim_start_matches(|c: char| c.is_ascii_digit());
        out.push_str("PID");
    }
    out.push_str(rest);
    out
}

const SEED: &str = "11";

fn run_args<'a>(scenario: &'a str, trials: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "run",
        scenario,
        "--trials",
        trials,
        "--seed",
        SEED,
        "--threads",
        "2",
        "--quiet",
        "--out",
        out,
    ]
}

/// `run` and `inspect --json` of one scenario.
fn run_case(case: &str, scenario: &str, trials: &str) {
    golden(
        case,
        &[
            &run_args(scenario, trials, "run"),
            &["inspect", scenario, "--json"],
        ],
    );
}

#[test]
fn golden_case1_run() {
    run_case("case1-run", "scenarios/case1.toml", "400");
}

#[test]
fn golden_case2_run_report_explain() {
    let mut run = run_args("scenarios/case2.toml", "400", "run");
    run.push("--report");
    golden(
        "case2-run-report-explain",
        &[
            &run,
            &["inspect", "scenarios/case2.toml", "--json"],
            &[
                "explain",
                "scenarios/case2.toml",
                "--service",
                "mof.work_from_kansai",
                "--trial",
                "3",
                "--seed",
                SEED,
            ],
            &[
                "explain",
                "scenarios/case2.toml",
                "--service",
                "gnet.operation",
                "--trial",
                "0",
                "--seed",
                SEED,
            ],
            &["charts", "run", "--lang", "en", "--force"],
        ],
    );
}

#[test]
fn golden_case2_yearend_run() {
    run_case("case2-yearend-run", "scenarios/case2-yearend.toml", "300");
}

#[test]
fn golden_case1_gm_run_hazard() {
    let mut run = run_args("scenarios/case1-gm.toml", "300", "run");
    run.push("--report");
    golden(
        "case1-gm-run-hazard",
        &[
            &run,
            &["inspect", "scenarios/case1-gm.toml", "--json"],
            &[
                "hazard",
                "scenarios/case1-gm.toml",
                "--trials",
                "300",
                "--seed",
                SEED,
                "--quiet",
                "--out",
                "hazard",
            ],
            &[
                "gmpe",
                "--event-type",
                "intraslab",
                "--mw",
                "7.3",
                "--depth-km",
                "37",
                "--vs30",
                "300",
                "--imt",
                "pgv",
                "--rrup-km",
                "30,50",
            ],
        ],
    );
}

#[test]
fn golden_case2_gm_run_hazard() {
    golden(
        "case2-gm-run-hazard",
        &[
            &run_args("scenarios/case2-gm.toml", "200", "run"),
            &["inspect", "scenarios/case2-gm.toml", "--json"],
            &[
                "hazard",
                "scenarios/case2-gm.toml",
                "--trials",
                "200",
                "--seed",
                SEED,
                "--quiet",
                "--out",
                "hazard",
            ],
        ],
    );
}

#[test]
fn golden_lgwan_mail_run_compare() {
    golden(
        "lgwan-mail-run-compare",
        &[
            &run_args("scenarios/lgwan-mail.toml", "60", "run"),
            &["inspect", "scenarios/lgwan-mail.toml", "--json"],
            &[
                "compare",
                "scenarios/lgwan-mail.toml",
                "--option",
                "lgwan-ix-west",
                "--trials",
                "60",
                "--seed",
                SEED,
                "--quiet",
                "--out",
                "compare",
            ],
            &[
                "sensitivity",
                "scenarios/lgwan-mail.toml",
                "--trials",
                "20",
                "--seed",
                SEED,
                "--quiet",
                "--out",
                "sens",
            ],
        ],
    );
}

#[test]
fn golden_lgwan_mail_case1_run() {
    run_case(
        "lgwan-mail-case1-run",
        "scenarios/lgwan-mail-case1.toml",
        "60",
    );
}

#[test]
fn golden_case2_table7_compare_sensitivity_report() {
    golden(
        "case2-studies-report",
        &[
            &["validate", "scenarios/case2.toml"],
            &run_args("scenarios/case2.toml", "300", "run"),
            &[
                "table7",
                "scenarios/case2.toml",
                "--trials",
                "300",
                "--seed",
                SEED,
                "--quiet",
                "--out",
                "table7",
            ],
            &[
                "table7",
                "scenarios/case2.toml",
                "--trials",
                "300",
                "--seed",
                SEED,
                "--lang",
                "en",
                "--at-quake",
                "--quiet",
                "--out",
                "table7-en",
            ],
            &[
                "compare",
                "scenarios/case2.toml",
                "--option",
                "backup-outside",
                "--option",
                "interconnection-outside",
                "--combinations",
                "--trials",
                "300",
                "--seed",
                SEED,
                "--quiet",
                "--out",
                "compare",
                "--report",
            ],
            &[
                "sensitivity",
                "scenarios/case2.toml",
                "--trials",
                "60",
                "--seed",
                SEED,
                "--quiet",
                "--out",
                "sens",
                "--report",
            ],
            &[
                "report", "run", "--with", "compare", "--with", "sens", "--with", "table7",
                "--lang", "en",
            ],
        ],
    );
}

#[test]
fn golden_case1_table7_merge_overlay() {
    let mut s1 = run_args("scenarios/case1.toml", "301", "s1");
    s1.extend(["--shard", "1/2"]);
    let mut s2 = run_args("scenarios/case1.toml", "301", "s2");
    s2.extend(["--shard", "2/2"]);
    golden(
        "case1-table7-merge-overlay",
        &[
            &[
                "table7",
                "scenarios/case1.toml",
                "--trials",
                "300",
                "--seed",
                SEED,
                "--quiet",
                "--out",
                "table7",
            ],
            &s1,
            &s2,
            &["merge", "s2", "s1", "--out", "merged"],
            &run_args("scenarios/case2.toml", "301", "case2"),
            &["report", "merged", "--with", "case2", "--lang", "en"],
        ],
    );
}
