//! Table 7 computed from simulation, against the source report's table.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::*;

/// (backup, interconnection) -> event -> (expected, countermeasures)
type Table = BTreeMap<(String, String), BTreeMap<String, (bool, String)>>;

fn table7(scenario_path: &Path, extra: &[&str]) -> (Table, String, String) {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("t7");
    bcpsim()
        .arg("table7")
        .arg(scenario_path)
        .args([
            "--trials",
            "5000",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ])
        .args(extra)
        .assert()
        .success();
    let text = std::fs::read_to_string(out.join("table7.csv")).unwrap();
    let md = std::fs::read_to_string(out.join("table7.md")).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().unwrap().iter().collect::<Vec<_>>().join(",");
    let mut t: Table = BTreeMap::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        t.entry((rec[0].to_string(), rec[1].to_string()))
            .or_default()
            .insert(rec[2].to_string(), (&rec[6] == "true", rec[7].to_string()));
    }
    (t, header, md)
}

fn expected(t: &Table, b: &str, i: &str) -> Vec<(String, String)> {
    t[&(b.to_string(), i.to_string())]
        .iter()
        .filter(|(_, (e, _))| *e)
        .map(|(k, (_, c))| (k.clone(), c.clone()))
        .collect()
}

#[test]
fn case2_reproduces_the_source_table() {
    let (t, header, md) = table7(&scenario("case2.toml"), &[]);
    assert_eq!(
        header,
        "backup_server,interconnection_point,event,probability,ci_low,ci_high,expected,countermeasures"
    );
    let s = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    // Row 1 of the source: both in the capital region.
    assert_eq!(
        expected(&t, "capital", "capital"),
        s(&[
            ("interconnection", "interconnection-outside"),
            ("network_operation", "backup-outside")
        ])
    );
    // Row 2: backup outside, interconnection point in the capital region.
    assert_eq!(
        expected(&t, "outside", "capital"),
        s(&[("interconnection", "interconnection-outside")])
    );
    // Row 3: both outside: the networks can continue.
    assert!(expected(&t, "outside", "outside").is_empty());
    // The fourth combination, not in the source.
    assert_eq!(
        expected(&t, "capital", "outside"),
        s(&[("network_operation", "backup-outside")])
    );
    assert!(
        md.contains("| 首都圏内 | 首都圏内 | ・ネットワークの運用継続に支障"),
        "{md}"
    );
    assert!(md.contains("首都圏外にネットワーク間の接続点を確保"));
    assert!(md.contains("| 首都圏外 | 首都圏外 | ・ネットワークは継続可能と考えられる | — |"));
}

#[test]
fn english_table_and_case1_expects_nothing() {
    let (t, _, md) = table7(&scenario("case1.toml"), &["--lang", "en"]);
    for (k, events) in &t {
        assert!(events.values().all(|(e, _)| !e), "{k:?}: {events:?}");
    }
    assert!(
        md.contains("| Capital region | Capital region | - The networks can continue | — |"),
        "{md}"
    );
}

#[test]
fn a_capital_region_that_is_not_hit_expects_nothing() {
    let d = tempfile::tempdir().unwrap();
    let common = root().join("scenarios/common");
    let text = format!(
        r#"include = ["{}", "{}"]
[scenario]
id = "quiet"
name_en = "No earthquake"
name_ja = "地震なし"
[[hazard.zones]]
region = "capital"
p_event = 0.0
source = "test: the capital region is not struck"
p_fail = {{ hq_office = 1.0, data_center = 1.0, interconnection_router = 1.0, hardened_center = 1.0 }}
"#,
        common.join("regions.toml").display(),
        common.join("government.toml").display()
    );
    let p = write(d.path(), "quiet.toml", &text);
    let (t, _, _) = table7(&p, &[]);
    assert_eq!(t.len(), 4);
    for events in t.values() {
        assert!(events.values().all(|(e, _)| !e), "{events:?}");
    }
}

#[test]
fn case1_networks_continue_and_kansai_work_is_possible() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("c1");
    bcpsim()
        .arg("run")
        .arg(scenario("case1.toml"))
        .args([
            "--trials",
            "5000",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ])
        .assert()
        .success();
    let mut r = csv::Reader::from_path(out.join("ministries.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let mut n = 0;
    for rec in r.records() {
        let rec = rec.unwrap();
        n += 1;
        let net: f64 = rec[col("network_operation")].parse().unwrap();
        let conn: f64 = rec[col("gnet_connection")].parse().unwrap();
        let work: f64 = rec[col("work_from_kansai")].parse().unwrap();
        assert!(net > 0.95 && conn > 0.9, "{}: {net} {conn}", &rec[0]);
        // Every ministry reaches its network from Kansai in most trials (branch office or
        // remote access); those without either in a trial cannot.
        assert!(work > 0.7, "{}: {work}", &rec[0]);
    }
    assert_eq!(n, 12);
}

fn network_operation_cc(extra: &[&str]) -> (f64, String) {
    let (t, _, md) = table7(&scenario("case2.toml"), extra);
    let _ = t;
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("t7");
    bcpsim()
        .arg("table7")
        .arg(scenario("case2.toml"))
        .args([
            "--trials",
            "3000",
            "--quiet",
            "--lang",
            "en",
            "--out",
            out.to_str().unwrap(),
        ])
        .args(extra)
        .assert()
        .success();
    let mut r = csv::Reader::from_path(out.join("table7.csv")).unwrap();
    let p = r
        .records()
        .map(|x| x.unwrap())
        .find(|x| &x[0] == "capital" && &x[1] == "capital" && &x[2] == "network_operation")
        .unwrap()[3]
        .parse()
        .unwrap();
    let _ = md;
    (p, std::fs::read_to_string(out.join("table7.md")).unwrap())
}

#[test]
fn table7_is_judged_at_the_rto_by_default_or_at_a_chosen_time() {
    let (at_rto, md) = network_operation_cc(&[]);
    assert!(
        md.contains("Judged: at each service's recovery-time objective"),
        "{md}"
    );
    let (at_quake, md) = network_operation_cc(&["--at-quake"]);
    assert!(
        md.contains("Judged: right after the quake, from damage alone"),
        "{md}"
    );
    let (at_month, md) = network_operation_cc(&["--at-hours", "720"]);
    assert!(md.contains("Judged: 720 hours after the quake"), "{md}");
    // Power losses add to the damage by the 24 h RTO; a month later most repairs are done.
    assert!(
        at_rto > at_quake && at_month < at_rto,
        "{at_quake} {at_rto} {at_month}"
    );
    // Out of the horizon is bad usage.
    bcpsim()
        .arg("table7")
        .arg(scenario("case2.toml"))
        .args(["--at-hours", "1000", "--trials", "10"])
        .assert()
        .code(2);
}

#[test]
fn inspect_json_shows_the_expanded_model() {
    let out = bcpsim()
        .arg("inspect")
        .arg(scenario("case2.toml"))
        .arg("--json")
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let node = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "mof.main")
        .unwrap();
    assert_eq!(node["kind"], "server");
    assert_eq!(node["site"], "kasumigaseki");
    assert_eq!(node["region"], "capital");
    assert!(node["lat"].as_f64().unwrap() > 35.0);
    // A node placed by an unknown lists its alternatives with their regions.
    let backup = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "gnet.backup_center")
        .unwrap();
    assert_eq!(backup["unknown"], "gnet_backup_region");
    assert_eq!(backup["sites"].as_array().unwrap().len(), 2);
    // Services carry their expression and the nodes their compiled form reads.
    let svc = v["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "mof.network_operation")
        .unwrap();
    assert_eq!(
        svc["expr"],
        "(path(mof.wan, mof.main) | path(mof.wan, mof.backup))"
    );
    assert_eq!(
        svc["nodes_used"],
        serde_json::json!(["mof.wan", "mof.main", "mof.backup"])
    );
    assert!(v["links"].as_array().unwrap().len() > 300);
}
