//! Recovery over time against closed forms and the operators' calendar rules.
//!
//! Tolerance of probability checks: 3.29 binomial standard errors at the exact value (a
//! 99.9 % band; the seed is fixed, so the test is deterministic), as in `statistics.rs`.

use crate::common::*;

const TRIALS: u64 = 40_000;

/// A scenario with nodes `a` and `b` (class `c`) in the zone, and a recovery table.
fn scenario_text(zone_p_fail: f64, recovery: &str, services: &str) -> String {
    format!(
        r#"[scenario]
id = "r"
name_en = "r"
name_ja = "r"
{REGIONS}
[[nodes]]
id = "a"
kind = "server"
class = "c"
site = "in"
[[nodes]]
id = "b"
kind = "server"
class = "c"
site = "in"
{services}
[[hazard.zones]]
region = "zone"
source = "test"
p_fail = {{ c = {zone_p_fail} }}
{recovery}
"#
    )
}

fn recovery_table(start: &str, contact_p: f64, crews: u32, repair: &str, extra: &str) -> String {
    format!(
        r#"[recovery]
horizon_hours = 100
checkpoints_hours = [0.0, 5.0, 10.0, 20.0, 30.0, 40.0, 49.0, 51.0, 60.0]
start = "{start}"
detection = {{ median_hours = 0.0 }}
contact_p = {contact_p}
relocation = {{ median_hours = 0.0 }}
source = "test"
[[recovery.crews]]
id = "crew"
count = {crews}
travel = {{ median_hours = 0.0 }}
source = "test"
[[recovery.repair]]
class = "c"
duration = {repair}
priority = 1
crew = "crew"
source = "test"
{extra}
"#
    )
}

/// Runs and returns availability rows (service, hours, p) and restoration rows.
fn run(text: &str) -> (Vec<(String, f64, f64)>, Vec<csv::StringRecord>) {
    let d = tempfile::tempdir().unwrap();
    let p = write(d.path(), "r.toml", text);
    let out = d.path().join("out");
    bcpsim()
        .arg("run")
        .arg(&p)
        .args([
            "--trials",
            &TRIALS.to_string(),
            "--seed",
            "5",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let mut r = csv::Reader::from_path(out.join("availability.csv")).unwrap();
    let avail = r
        .records()
        .map(|x| {
            let x = x.unwrap();
            (
                x[0].to_string(),
                x[1].parse().unwrap(),
                x[2].parse().unwrap(),
            )
        })
        .collect();
    let mut r = csv::Reader::from_path(out.join("restoration.csv")).unwrap();
    (avail, r.records().map(|x| x.unwrap()).collect())
}

fn check(avail: &[(String, f64, f64)], service: &str, hours: f64, exact: f64) {
    let (_, _, p) = avail
        .iter()
        .find(|(s, h, _)| s == service && *h == hours)
        .unwrap_or_else(|| panic!("no {service} at {hours}"));
    let tol = 3.29 * (exact * (1.0 - exact) / TRIALS as f64).sqrt() + 1e-6;
    assert!(
        (p - exact).abs() <= tol,
        "{service} at {hours} h: {p} vs exact {exact} (tolerance {tol})"
    );
}

const SERVICES: &str = r#"
[[services]]
id = "a_up"
expr = "up(a)"
[[services]]
id = "both_up"
expr = "up(a) & up(b)"
"#;

#[test]
fn single_component_with_exponential_repair() {
    // Fails at t = 0, repaired at once by a free crew: P(up at t) = 1 - exp(-t ln 2 / 10).
    let rec = recovery_table(
        "2026-01-19T10:00",
        1.0,
        2,
        r#"{ median_hours = 10.0, kind = "exponential" }"#,
        "",
    );
    let (avail, _) = run(&scenario_text(1.0, &rec, SERVICES));
    let lambda = std::f64::consts::LN_2 / 10.0;
    for t in [0.0, 5.0, 10.0, 20.0, 40.0] {
        check(&avail, "a_up", t, 1.0 - (-lambda * t).exp());
    }
}

#[test]
fn two_components_one_crew_versus_two_crews() {
    let lambda = std::f64::consts::LN_2 / 10.0;
    let repair = r#"{ median_hours = 10.0, kind = "exponential" }"#;
    // One crew: the second repair starts when the first ends, so both are up by t with the
    // Erlang-2 probability 1 - e^(-lt) (1 + lt).
    let (one, _) = run(&scenario_text(
        1.0,
        &recovery_table("2026-01-19T10:00", 1.0, 1, repair, ""),
        SERVICES,
    ));
    // Two crews work in parallel: (1 - e^(-lt))^2.
    let (two, _) = run(&scenario_text(
        1.0,
        &recovery_table("2026-01-19T10:00", 1.0, 2, repair, ""),
        SERVICES,
    ));
    for t in [5.0, 10.0, 20.0, 40.0] {
        let e = (-lambda * t).exp();
        check(&one, "both_up", t, 1.0 - e * (1.0 + lambda * t));
        check(&two, "both_up", t, (1.0 - e) * (1.0 - e));
    }
}

#[test]
fn generator_with_fixed_fuel_and_a_known_outage() {
    // The grid is lost for exactly 50 h; the generator holds 24 h and is never refuelled:
    // down from 24 h to 50 h, every trial.
    let extra = r#"
[[recovery.grid]]
region = "zone"
p_outage = 1.0
restore = { median_hours = 50.0 }
source = "test"
[[recovery.generators]]
class = "c"
fuel_hours = 24.0
p_refuel = 0.0
refuel = { median_hours = 1.0 }
source = "test"
"#;
    let rec = recovery_table("2026-01-19T10:00", 1.0, 1, "{ median_hours = 1.0 }", extra);
    let (avail, restoration) = run(&scenario_text(0.0, &rec, SERVICES));
    for (t, up) in [
        (0.0, 1.0),
        (20.0, 1.0),
        (30.0, 0.0),
        (49.0, 0.0),
        (51.0, 1.0),
        (60.0, 1.0),
    ] {
        check(&avail, "a_up", t, up);
    }
    let a = restoration.iter().find(|r| &r[0] == "a_up").unwrap();
    // Restored for good at 50 h: every quantile is the 50 h bin; mean downtime 26 h.
    assert_eq!((&a[5], &a[6], &a[7]), ("50.0", "50.0", "50.0"), "{a:?}");
    assert_eq!(a[8].parse::<f64>().unwrap(), 26.0);
}

fn explain(text: &str) -> String {
    let d = tempfile::tempdir().unwrap();
    let p = write(d.path(), "r.toml", text);
    let out = bcpsim()
        .arg("explain")
        .arg(&p)
        .args(["--service", "a_up", "--trial", "0"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn friday_evening_without_a_contact_waits_for_monday_morning() {
    // Quake on Friday 2026-01-16 at 18:00; fault detected at once; repair takes 1 h.
    let no_contact = recovery_table("2026-01-16T18:00", 0.0, 1, "{ median_hours = 1.0 }", "");
    let text = explain(&scenario_text(1.0, &no_contact, SERVICES));
    // Monday 08:30 is 62.5 hours later.
    assert!(
        text.contains(
            "emergency contact not reached: work waits for the next business day (62.5 h)"
        ),
        "{text}"
    );
    assert!(text.contains("   62.50  repair of a starts"), "{text}");
    assert!(text.contains("restored for good at 63.50 h"), "{text}");

    let contact = recovery_table("2026-01-16T18:00", 1.0, 1, "{ median_hours = 1.0 }", "");
    let text = explain(&scenario_text(1.0, &contact, SERVICES));
    assert!(text.contains("    0.00  repair of a starts"), "{text}");
    assert!(text.contains("restored for good at 1.00 h"), "{text}");
}

#[test]
fn crew_contention_shows_as_waiting() {
    let rec = recovery_table("2026-01-19T10:00", 1.0, 1, "{ median_hours = 4.0 }", "");
    let d = tempfile::tempdir().unwrap();
    let p = write(d.path(), "r.toml", &scenario_text(1.0, &rec, SERVICES));
    let out = bcpsim()
        .arg("explain")
        .arg(&p)
        .args(["--service", "both_up", "--trial", "0"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("repair of b starts after waiting 4.0 h for a crew of pool crew"),
        "{text}"
    );
    assert!(text.contains("restored for good at 8.00 h"), "{text}");
}

#[test]
fn case1_and_case2_curves_say_when_ministries_work_from_kansai() {
    let mut by_case = Vec::new();
    for case in ["case1.toml", "case2.toml"] {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("o");
        bcpsim()
            .arg("run")
            .arg(scenario(case))
            .args(["--trials", "4000", "--quiet", "--out"])
            .arg(&out)
            .assert()
            .success();
        let mut r = csv::Reader::from_path(out.join("availability.csv")).unwrap();
        let rows: Vec<(String, f64, f64)> = r
            .records()
            .map(|x| {
                let x = x.unwrap();
                (
                    x[0].to_string(),
                    x[1].parse().unwrap(),
                    x[2].parse().unwrap(),
                )
            })
            .collect();
        by_case.push(rows);
    }
    let p = |rows: &[(String, f64, f64)], s: &str, h: f64| {
        rows.iter().find(|r| r.0 == s && r.1 == h).unwrap().2
    };
    for m in ["mof", "mofa", "mlit"] {
        let s = format!("{m}.work_from_kansai");
        // Nobody works from Kansai at the quake (staff not yet relocated) ...
        assert_eq!(p(&by_case[0], &s, 0.0), 0.0);
        // ... most ministries do in Case 1 after a week, and the curve rises.
        let (c1_72, c1_168) = (p(&by_case[0], &s, 72.0), p(&by_case[0], &s, 168.0));
        assert!(c1_168 >= c1_72 && c1_168 > 0.7, "{s}: {c1_72} {c1_168}");
        // Case 2 is worse at every checkpoint after the quake.
        for h in [24.0, 72.0, 168.0, 336.0] {
            assert!(p(&by_case[1], &s, h) < p(&by_case[0], &s, h), "{s} at {h}");
        }
    }
}

#[test]
fn a_year_end_quake_waits_for_the_first_business_day_after_the_holidays() {
    // Quake on Tuesday 2026-12-29 at 02:00, no contact answers, repair takes 1 h. Without
    // holidays the repair starts that morning at 08:30 (6.5 h); with the government's
    // year-end closure (Dec 29 - Jan 3) given in [calendar], on Monday 4 January at 08:30.
    let rec = recovery_table("sampled", 0.0, 1, "{ median_hours = 1.0 }", "")
        .replace("horizon_hours = 100", "horizon_hours = 200");
    let plain = scenario_text(1.0, &rec, SERVICES).replace(
        "[recovery]",
        "[calendar]\nstart = \"2026-12-29T02:00\"\nsource = \"test\"\n\n[recovery]",
    );
    let text = explain(&plain);
    assert!(text.contains("next business day (6.5 h)"), "{text}");
    let closure = plain.replace(
        "source = \"test\"\n\n[recovery]",
        "holidays = [\"2026-12-29\", \"2026-12-30\", \"2026-12-31\", \"2027-01-01\", \"2027-01-02\", \"2027-01-03\"]\nsource = \"test\"\n\n[recovery]",
    );
    let text = explain(&closure);
    // 6 days and 6.5 hours.
    assert!(text.contains("next business day (150.5 h)"), "{text}");
    assert!(text.contains("restored for good at 151.50 h"), "{text}");
}

#[test]
fn calendar_mistakes_are_reported_where_they_are() {
    let rec = recovery_table("sampled", 0.5, 1, "{ median_hours = 1.0 }", "");
    let base = scenario_text(1.0, &rec, SERVICES);
    let cases = [
        // Holidays with a sampled start: only the weekday is known.
        (
            "[calendar]\nstart = \"sampled\"\nholidays = [\"2027-01-01\"]\nsource = \"t\"\n",
            "holidays = [\"2027-01-01\"]",
            "\"2027-01-01\"",
            "holidays need a start given as a date",
        ),
        (
            "[calendar]\nstart = \"2026-12-29T02:00\"\nholidays = [\"2027-1-1\"]\nsource = \"t\"\n",
            "holidays = [\"2027-1-1\"]",
            "\"2027-1-1\"",
            "expected a date YYYY-MM-DD (e.g. 2027-01-01), found `2027-1-1`",
        ),
        (
            "[calendar]\nstart = \"2026-12-29T02:00\"\nsource = \" \"\n",
            "source = \" \"",
            "\" \"",
            "[calendar] does not say where its numbers come from",
        ),
    ];
    for (table, needle, sub, message) in cases {
        let text = base.replace("[recovery]", &format!("{table}\n[recovery]"));
        let d = tempfile::tempdir().unwrap();
        let p = write(d.path(), "r.toml", &text);
        let out = bcpsim().arg("validate").arg(&p).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        let offset = text.find(needle).unwrap() + needle.find(sub).unwrap();
        let line = text[..offset].matches('\n').count() + 1;
        let col = offset - text[..offset].rfind('\n').map_or(0, |i| i + 1) + 1;
        let at = format!("{}:{line}:{col}: ", p.display());
        assert!(stderr.contains(&at), "expected `{at}` in\n{stderr}");
        assert!(
            stderr.contains(message),
            "expected `{message}` in\n{stderr}"
        );
    }
    // [calendar] without [recovery].
    let text = scenario_text(
        1.0,
        "[calendar]\nstart = \"2026-12-29T02:00\"\nsource = \"t\"\n",
        SERVICES,
    );
    let d = tempfile::tempdir().unwrap();
    let p = write(d.path(), "r.toml", &text);
    let out = bcpsim().arg("validate").arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the scenario has no [recovery]"));
}
