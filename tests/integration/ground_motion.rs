//! The ground-motion hazard end to end: commands, the shipped earthquake cases, Table 7.

use crate::common::*;

#[test]
fn gmpe_prints_csv_matching_the_library() {
    let out = bcpsim()
        .args([
            "gmpe",
            "--event-type",
            "crustal",
            "--mw",
            "7.3",
            "--depth-km",
            "30",
        ])
        .args(["--vs30", "400", "--imt", "pgv", "--rrup-km", "10,50,100"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("rrup_km,median,sigma_ln"));
    let event = bcpsim::groundmotion::EventParams {
        mw: 7.3,
        hypo_depth_km: 30.0,
        event_type: bcpsim::groundmotion::EventType::Crustal,
    };
    for (line, r) in lines.zip([10.0, 50.0, 100.0]) {
        let v: Vec<f64> = line.split(',').map(|x| x.parse().unwrap()).collect();
        let (m, s) = bcpsim::groundmotion::median_and_sigma(
            &event,
            bcpsim::groundmotion::Imt::Pgv,
            r,
            400.0,
        )
        .unwrap();
        assert_eq!(v, vec![r, m, s]);
    }
    // Out of the model's range: exit 2 with the range named.
    let out = bcpsim()
        .args([
            "gmpe",
            "--event-type",
            "crustal",
            "--mw",
            "10.5",
            "--depth-km",
            "30",
        ])
        .args(["--rrup-km", "10"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("9.5"));
}

fn sites(scenario_name: &str) -> Vec<csv::StringRecord> {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("hz");
    bcpsim()
        .arg("hazard")
        .arg(scenario(scenario_name))
        .args([
            "--trials",
            "4000",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ])
        .assert()
        .success();
    let mut r = csv::Reader::from_path(out.join("sites.csv")).unwrap();
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>().join(","),
        "site,lat,lon,region,vs30_mps,rrup_km,median_pgv_cms,median_jma,p_6_lower_or_more,p_6_upper_or_more,p_7"
    );
    r.records().map(|x| x.unwrap()).collect()
}

#[test]
fn case1_capital_sees_6_lower_and_kansai_little() {
    for row in sites("case1-gm.toml") {
        let p6l: f64 = row[8].parse().unwrap();
        let p7: f64 = row[10].parse().unwrap();
        let jma: f64 = row[7].parse().unwrap();
        match &row[3] {
            // Mostly 6-lower or more, rarely 7.
            "capital" => assert!(p6l > 0.5 && p7 < 0.05 && jma > 5.4, "{row:?}"),
            // Osaka is about 380 km away: intensity 3 or less.
            "kansai" => assert!(p6l == 0.0 && jma < 3.5, "{row:?}"),
            _ => {}
        }
    }
}

fn ministries(scenario_name: &str) -> Vec<(String, f64, f64, f64)> {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("run");
    bcpsim()
        .arg("run")
        .arg(scenario(scenario_name))
        .args([
            "--trials",
            "6000",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ])
        .assert()
        .success();
    let mut r = csv::Reader::from_path(out.join("ministries.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (a, b, c) = (
        col("network_operation"),
        col("gnet_connection"),
        col("work_from_kansai"),
    );
    r.records()
        .map(|x| {
            let x = x.unwrap();
            (
                x[0].to_string(),
                x[a].parse().unwrap(),
                x[b].parse().unwrap(),
                x[c].parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn hardened_networks_survive_case1_and_case2_is_harsher() {
    let c1 = ministries("case1-gm.toml");
    let c2 = ministries("case2-gm.toml");
    for ((m, n1, g1, w1), (_, n2, g2, w2)) in c1.iter().zip(&c2) {
        // Case 1: facilities built for 6-upper mostly survive.
        assert!(*n1 > 0.97 && *g1 > 0.95, "{m}: {n1} {g1}");
        // Case 2 is the harsher case for every ministry and measure.
        assert!(n2 <= n1 && g2 < g1 && w2 < w1, "{m}: case 2 {n2} {g2} {w2}");
    }
}

#[test]
fn table7_from_ground_motion_case2_reproduces_the_source_rows() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("t7");
    bcpsim()
        .arg("table7")
        .arg(scenario("case2-gm.toml"))
        .args([
            "--trials",
            "4000",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ])
        .assert()
        .success();
    let mut r = csv::Reader::from_path(out.join("table7.csv")).unwrap();
    let mut expected: Vec<String> = Vec::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        if &rec[6] == "true" {
            expected.push(format!("{}/{}:{}:{}", &rec[0], &rec[1], &rec[2], &rec[7]));
        }
    }
    assert_eq!(
        expected,
        vec![
            "capital/capital:network_operation:backup-outside",
            "capital/capital:interconnection:interconnection-outside",
            "outside/capital:interconnection:interconnection-outside",
            "capital/outside:network_operation:backup-outside",
        ]
    );
}

#[test]
fn ground_motion_out_of_range_is_bad_input() {
    let d = tempfile::tempdir().unwrap();
    let common = root().join("scenarios/common");
    for (bad, needle) in [
        ("mw = 10.0", "[5.0, 9.5]"),
        ("mw = 7.3\nvs30_default_mps = 50.0", "vs30_default_mps"),
        ("mw = 7.3\nplane = { strike_deg = 0.0, dip_deg = 95.0, length_km = 10.0, width_km = 10.0, top_depth_km = 30.0, ref_lat = 35.6, ref_lon = 139.7 }", "dip"),
    ] {
        let text = format!(
            "include = [\"{}\", \"{}\"]\n[scenario]\nid = \"x\"\nname_en = \"x\"\nname_ja = \"x\"\n\
             [hazard.ground_motion]\nsource = \"test\"\nevent_type = \"intraslab\"\n\
             hypocentre = {{ lat = 35.6, lon = 139.7, depth_km = 35.0 }}\n{bad}\n",
            common.join("regions.toml").display(),
            common.join("government.toml").display()
        );
        let p = write(d.path(), "gm.toml", &text);
        let out = bcpsim().arg("validate").arg(&p).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{bad}: {err}");
        assert!(err.contains("gm.toml:") && err.contains(needle), "{bad}: {err}");
    }
}

#[test]
fn grid_power_at_the_quake_is_lost_in_the_capital_not_in_kansai() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("run");
    bcpsim()
        .arg("run")
        .arg(scenario("case1-gm.toml"))
        .args([
            "--trials",
            "3000",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ])
        .assert()
        .success();
    let mut r = csv::Reader::from_path(out.join("power.csv")).unwrap();
    let mut seen = 0;
    for rec in r.records() {
        let rec = rec.unwrap();
        let p: f64 = rec[2].parse().unwrap();
        match &rec[1] {
            "capital" => assert!(p > 0.5, "{rec:?}"),
            "kansai" => assert!(p < 0.01, "{rec:?}"),
            _ => {}
        }
        seen += 1;
    }
    assert_eq!(seen, 14);
}

#[test]
fn ground_motion_runs_are_identical_for_one_and_two_threads() {
    let d = tempfile::tempdir().unwrap();
    for t in ["1", "2"] {
        bcpsim()
            .arg("run")
            .arg(scenario("case2-gm.toml"))
            .args([
                "--trials",
                "9000",
                "--seed",
                "3",
                "--quiet",
                "--threads",
                t,
                "--out",
            ])
            .arg(d.path().join(t))
            .assert()
            .success();
    }
    for f in ["summary.csv", "ministries.csv", "power.csv"] {
        assert_eq!(
            std::fs::read(d.path().join("1").join(f)).unwrap(),
            std::fs::read(d.path().join("2").join(f)).unwrap(),
            "{f}"
        );
    }
}
