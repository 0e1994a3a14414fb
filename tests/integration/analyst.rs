//! Sensitivity, charts and the report: what an analyst takes away from a results folder.

use std::path::Path;

use crate::common::*;

/// A scenario whose answer depends on one unknown and one uncertain parameter, and not at
/// all on a component that no service uses.
fn small(dir: &Path, uncertain_parameter: &str) -> std::path::PathBuf {
    let text = format!(
        r#"[scenario]
id = "small"
name_en = "Small"
name_ja = "小さなシナリオ"
{REGIONS}
[[unknowns]]
id = "where"
question_en = "Where is a?"
question_ja = "aはどこか"
source = "test: 0.5 each"
alternatives = [{{ id = "in", p = 0.5 }}, {{ id = "out", p = 0.5 }}]
[[nodes]]
id = "a"
kind = "server"
class = "c"
site = {{ unknown = "where", sites = {{ in = "in", out = "out" }} }}
[[nodes]]
id = "unused"
kind = "server"
class = "c"
site = "in"
exists_p = 0.5
[[services]]
id = "a_up"
expr = "up(a)"
[[hazard.zones]]
region = "zone"
source = "test"
p_fail = {{ c = 0.5 }}
[[uncertain]]
parameter = "{uncertain_parameter}"
low = 0.2
high = 0.8
source = "assumption: test bounds"
"#
    );
    write(dir, "small.toml", &text)
}

fn rows(p: &Path) -> Vec<csv::StringRecord> {
    let mut r = csv::Reader::from_path(p).unwrap();
    r.records().map(|x| x.unwrap()).collect()
}

fn f(r: &csv::StringRecord, k: usize) -> f64 {
    r[k].parse().unwrap()
}

#[test]
fn sensitivity_is_zero_for_what_changes_nothing_and_matches_closed_forms() {
    let d = tempfile::tempdir().unwrap();
    let p = small(d.path(), "hazard.zones[zone].p_fail[c]");
    let out = d.path().join("sens");
    let n = 4000.0;
    bcpsim()
        .args([
            "sensitivity",
            p.to_str().unwrap(),
            "--trials",
            "4000",
            "--quiet",
        ])
        .args(["--out", out.to_str().unwrap(), "--lang", "en"])
        .assert()
        .success();
    let rows = rows(&out.join("sensitivity.csv"));
    // columns: factor,kind,metric,as_declared,low_value,high_value,baseline,at_low,
    // at_low_ci_low,at_low_ci_high,at_high,at_high_ci_low,at_high_ci_high,swing,
    // swing_ci_low,swing_ci_high,rank
    let get = |factor: &str| rows.iter().find(|r| &r[0] == factor).unwrap().clone();
    // A component no service uses: exactly zero, with a zero-width interval, ranked last.
    let unused = get("unused.exists_p");
    assert_eq!(
        (&unused[13], &unused[14], &unused[15]),
        ("0.0", "0.0", "0.0")
    );
    assert_eq!(&unused[16], "3");
    // The unknown: outside the zone `a` never fails (1 exactly); inside it fails with 0.5.
    // Tolerance 3.29 binomial standard errors (two-sided 0.1 %) at this fixed seed.
    let w = get("where");
    assert_eq!((&w[4], &w[5], &w[16]), ("in", "out", "1"));
    assert_eq!(f(&w, 10), 1.0);
    let se = (0.25f64 / n).sqrt();
    assert!((f(&w, 7) - 0.5).abs() < 3.29 * se, "{w:?}");
    assert!(
        f(&w, 14) > 0.0,
        "interval of a real swing excludes 0: {w:?}"
    );
    // The parameter: P(up) = 0.5 + 0.5 (1 - p_fail), so 0.9 at 0.2 and 0.6 at 0.8.
    let pf = get("hazard.zones[zone].p_fail[c]");
    for (k, expect) in [(7, 0.9), (10, 0.6)] {
        let se = (expect * (1.0 - expect) / n).sqrt();
        assert!((f(&pf, k) - expect).abs() < 3.29 * se, "{pf:?}");
    }
    assert!(f(&pf, 13) < 0.0 && f(&pf, 15) < 0.0, "{pf:?}");
    // The factors are listed with their sources.
    let factors = std::fs::read_to_string(out.join("factors.csv")).unwrap();
    assert!(factors.contains("assumption: test bounds") && factors.contains("test: 0.5 each"));
}

#[test]
fn sensitivity_is_the_same_for_any_thread_count() {
    let d = tempfile::tempdir().unwrap();
    let p = small(d.path(), "hazard.zones[zone].p_fail[c]");
    // 300 trials are split into many small batches (they once ran as one batch on one
    // thread); 5000 cross the old 4096-trial batch boundary too.
    for trials in ["300", "5000"] {
        let mut outs = Vec::new();
        for threads in ["1", "2"] {
            let out = d.path().join(format!("s{trials}-{threads}"));
            bcpsim()
                .args(["sensitivity", p.to_str().unwrap(), "--trials", trials])
                .args([
                    "--quiet",
                    "--threads",
                    threads,
                    "--out",
                    out.to_str().unwrap(),
                ])
                .assert()
                .success();
            outs.push(std::fs::read(out.join("sensitivity.csv")).unwrap());
        }
        assert_eq!(outs[0], outs[1], "{trials} trials");
    }
}

#[test]
fn an_unknown_uncertain_parameter_is_bad_input_with_its_place() {
    let d = tempfile::tempdir().unwrap();
    let p = small(d.path(), "hazard.zones[zone].p_failure");
    bcpsim()
        .args(["sensitivity", p.to_str().unwrap(), "--trials", "10"])
        .args(["--out", d.path().join("x").to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("small.toml"))
        .stderr(predicates::str::contains("unknown parameter"));
    assert!(!d.path().join("x").exists());
}

/// Every `src=` and `href=` in the page points inside it.
fn assert_self_contained(html: &str) {
    for attr in ["src=\"", "href=\""] {
        for (i, _) in html.match_indices(attr) {
            let v = &html[i + attr.len()..];
            assert!(
                v.starts_with("data:") || v.starts_with('#'),
                "external reference: {}",
                &v[..v.len().min(60)]
            );
        }
    }
    assert!(!html.contains("url("), "no external stylesheet resources");
}

#[test]
fn run_report_holds_every_chart_and_table_and_charts_are_valid() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("run");
    bcpsim()
        .args(["run", scenario("case2-gm.toml").to_str().unwrap()])
        .args(["--trials", "300", "--quiet", "--report", "--lang", "en"])
        .args(["--out", out.to_str().unwrap()])
        .assert()
        .success();
    let charts = out.join("charts");
    let mut names = Vec::new();
    for e in std::fs::read_dir(&charts).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "png") {
            let bytes = std::fs::read(&p).unwrap();
            assert!(bytes.len() > 10_000, "{} is too small", p.display());
            assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{}", p.display());
            names.push(p.file_stem().unwrap().to_string_lossy().into_owned());
        }
    }
    names.sort();
    assert_eq!(
        names,
        [
            "continuity",
            "kansai_fan",
            "map",
            "ministries_at_quake",
            "ministries_within_rto"
        ]
    );
    for (name, title) in [
        ("continuity", "Continuity over 30 days"),
        (
            "kansai_fan",
            "Number of ministries able to work from Kansai over time",
        ),
        (
            "map",
            "Sites: how often something there failed at the quake",
        ),
        ("ministries_at_quake", "Each ministry right after the quake"),
    ] {
        let svg = std::fs::read_to_string(charts.join(format!("{name}.svg"))).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"),
            "{name}"
        );
        assert!(svg.contains(title), "{name}.svg lacks its title");
        assert!(svg.contains("300 trials"), "{name}.svg lacks its caption");
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert_self_contained(&html);
    for name in &names {
        assert!(
            html.contains(&format!("id=\"chart-{name}\"")),
            "{name} missing"
        );
    }
    for e in std::fs::read_dir(&out).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "csv") {
            let file = p.file_name().unwrap().to_string_lossy().into_owned();
            assert!(
                html.contains(&format!("id=\"table-{file}\"")),
                "{file} missing"
            );
        }
    }
    assert!(
        html.contains("&quot;command&quot;: &quot;run&quot;"),
        "manifest"
    );
    assert!(
        html.contains("gnet_backup_region"),
        "declared unknowns are listed"
    );
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("charts/continuity.png"));
}

#[test]
fn kansai_distribution_over_time_agrees_with_availability() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("run");
    bcpsim()
        .args(["run", scenario("case2.toml").to_str().unwrap()])
        .args(["--trials", "500", "--quiet", "--out", out.to_str().unwrap()])
        .assert()
        .success();
    // The mean number of ministries at a checkpoint is the sum of their probabilities
    // (both are counts of the same trials); 13 rounded terms differ by at most 13e-6.
    let dist = rows(&out.join("kansai_over_time.csv"));
    let avail = rows(&out.join("availability.csv"));
    let mut hours: Vec<f64> = dist.iter().map(|r| f(r, 0)).collect();
    hours.dedup();
    for h in hours {
        let mean: f64 = dist
            .iter()
            .filter(|r| f(r, 0) == h)
            .map(|r| f(r, 1) * f(r, 2))
            .sum();
        let sum: f64 = avail
            .iter()
            .filter(|r| r[0].ends_with(".work_from_kansai") && f(r, 1) == h)
            .map(|r| f(r, 2))
            .sum();
        assert!((mean - sum).abs() < 2e-5, "at {h} h: {mean} vs {sum}");
    }
}

#[test]
fn compare_and_sensitivity_folders_fold_into_one_report() {
    let d = tempfile::tempdir().unwrap();
    let p = small(d.path(), "hazard.zones[zone].p_fail[c]");
    let run = d.path().join("run");
    let sens = d.path().join("sens");
    bcpsim()
        .args(["run", p.to_str().unwrap(), "--trials", "200", "--quiet"])
        .args(["--out", run.to_str().unwrap()])
        .assert()
        .success();
    bcpsim()
        .args([
            "sensitivity",
            p.to_str().unwrap(),
            "--trials",
            "200",
            "--quiet",
        ])
        .args(["--out", sens.to_str().unwrap()])
        .assert()
        .success();
    bcpsim()
        .args([
            "report",
            run.to_str().unwrap(),
            "--with",
            sens.to_str().unwrap(),
        ])
        .assert()
        .success();
    let html = std::fs::read_to_string(run.join("report.html")).unwrap();
    assert_self_contained(&html);
    assert!(html.contains("id=\"table-sensitivity.csv\""));
    // No ministries here, so no tornado of ministry counts: the table carries it.
    assert!(html.contains("<code>sensitivity.md</code>"));
}

#[test]
fn report_bad_input_exits_2_and_keeps_what_exists() {
    let d = tempfile::tempdir().unwrap();
    bcpsim()
        .args(["report", d.path().join("missing").to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no such results folder"));
    // A folder that is not a results folder.
    bcpsim()
        .args(["report", d.path().to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("manifest.json"));
    bcpsim()
        .args(["report", d.path().to_str().unwrap(), "--lang", "fr"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("invalid value 'fr'"));
    let p = small(d.path(), "hazard.zones[zone].p_fail[c]");
    let run = d.path().join("run");
    bcpsim()
        .args([
            "run",
            p.to_str().unwrap(),
            "--trials",
            "100",
            "--quiet",
            "--report",
        ])
        .args(["--out", run.to_str().unwrap()])
        .assert()
        .success();
    let before = std::fs::read(run.join("report.html")).unwrap();
    bcpsim()
        .args(["report", run.to_str().unwrap(), "--lang", "en"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--force"));
    assert_eq!(std::fs::read(run.join("report.html")).unwrap(), before);
    bcpsim()
        .args(["charts", run.to_str().unwrap()])
        .assert()
        .code(2);
    bcpsim()
        .args(["report", run.to_str().unwrap(), "--lang", "en", "--force"])
        .assert()
        .success();
    assert_ne!(std::fs::read(run.join("report.html")).unwrap(), before);
}

/// Great-circle distance in km (spherical Earth, as a test yardstick).
fn km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (
        a.0.to_radians(),
        a.1.to_radians(),
        b.0.to_radians(),
        b.1.to_radians(),
    );
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

#[test]
fn intensity_grid_is_written_for_ground_motion_and_falls_off_away_from_the_quake() {
    let d = tempfile::tempdir().unwrap();
    let gm = d.path().join("gm");
    let zones = d.path().join("zones");
    for (name, out) in [("case1-gm.toml", &gm), ("case2.toml", &zones)] {
        bcpsim()
            .args(["run", scenario(name).to_str().unwrap(), "--trials", "40"])
            .args(["--quiet", "--out", out.to_str().unwrap()])
            .assert()
            .success();
    }
    assert!(!zones.join("intensity_grid.csv").exists());
    let grid = rows(&gm.join("intensity_grid.csv"));
    // columns: lat,lon,vs30_mps,median_pgv_cms,median_jma
    assert!(grid.len() > 1000, "{} grid points", grid.len());
    // The reference Vs30 is the scenario's default (no shipped site sets its own).
    assert!(grid.iter().all(|r| f(r, 2) == 300.0));
    // case1-gm.toml: hypocentre under southern central Tokyo.
    let hypo = (35.60, 139.74);
    let at = |r: &csv::StringRecord| km((f(r, 0), f(r, 1)), hypo);
    let top = grid
        .iter()
        .max_by(|a, b| f(a, 4).total_cmp(&f(b, 4)))
        .unwrap();
    assert!(at(top) < 50.0, "strongest shaking {} km away", at(top));
    // Mean intensity by 50 km ring of epicentral distance falls ring after ring (the
    // rupture is 40 km long, so the rings are past its extent from the first on).
    let mut rings = [(0.0, 0usize); 12];
    for r in &grid {
        let k = (at(r) / 50.0) as usize;
        if k < rings.len() {
            rings[k].0 += f(r, 4);
            rings[k].1 += 1;
        }
    }
    let means: Vec<f64> = rings.iter().map(|(s, n)| s / *n as f64).collect();
    for w in means.windows(2) {
        assert!(w[1] < w[0] - 0.1, "ring means {means:?}");
    }
    // The grid agrees with the site computation where a site lies near a grid point at the
    // reference Vs30: Kasumigaseki (35.6745, 139.7528) against the grid point 35.7, 139.8.
    let site = rows(&gm.join("site_failures.csv"));
    let kasumigaseki = site.iter().find(|r| &r[0] == "kasumigaseki").unwrap();
    let g = grid
        .iter()
        .find(|r| f(r, 0) == 35.7 && f(r, 1) == 139.8)
        .unwrap();
    assert!((f(g, 4) - f(kasumigaseki, 9)).abs() < 0.3);
    // The map shows the field and says at which Vs30.
    bcpsim()
        .args(["charts", gm.to_str().unwrap(), "--lang", "en"])
        .assert()
        .success();
    let svg = std::fs::read_to_string(gm.join("charts/map.svg")).unwrap();
    assert!(svg.contains("Vs30 = 300 m/s"));
    assert!(svg.contains("6-lower"));
}

#[test]
fn report_with_two_runs_overlays_them_and_names_each() {
    let d = tempfile::tempdir().unwrap();
    let c1 = d.path().join("c1");
    let c2 = d.path().join("c2");
    for (name, out) in [("case1.toml", &c1), ("case2.toml", &c2)] {
        bcpsim()
            .args(["run", scenario(name).to_str().unwrap(), "--trials", "60"])
            .args(["--quiet", "--out", out.to_str().unwrap()])
            .assert()
            .success();
    }
    bcpsim()
        .args(["report", c1.to_str().unwrap(), "--lang", "en"])
        .assert()
        .success();
    let alone = std::fs::read_to_string(c1.join("report.html")).unwrap();
    assert!(!alone.contains("chart-overlay_"));
    bcpsim()
        .args([
            "report",
            c1.to_str().unwrap(),
            "--with",
            c2.to_str().unwrap(),
        ])
        .args(["--lang", "en", "--force"])
        .assert()
        .success();
    let html = std::fs::read_to_string(c1.join("report.html")).unwrap();
    assert_self_contained(&html);
    assert!(html.contains("id=\"runs-compared\""));
    for chart in ["overlay_continuity", "overlay_kansai_fan"] {
        assert!(html.contains(&format!("id=\"chart-{chart}\"")), "{chart}");
        let png = std::fs::read(c1.join(format!("charts/{chart}.png"))).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let svg = std::fs::read_to_string(c1.join(format!("charts/{chart}.svg"))).unwrap();
        // Each run is named in the legend by its scenario's name.
        assert!(svg.contains("Case 1") && svg.contains("Case 2"), "{chart}");
    }
    // Each folder's section is headed by its scenario's name.
    assert!(html.contains("<h2>Case 1"));
    assert!(html.contains("<h2>Case 2"));
}
