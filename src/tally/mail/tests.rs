//! Known answers of the mail model, through the real hazard and recovery stages.
//!
//! A small scenario: two prefectures (far from everything), one municipality each, the East
//! POI alone in a region whose grid is lost at the quake and comes back after exactly
//! `down_h` hours (no generators, no damage), the West POI and the NOC elsewhere.

use super::*;
use crate::model::lgwan::*;
use crate::model::{BuildSpec, Model};
use crate::scenario::Scenario;
use crate::sim::mail::Fate;
use crate::sim::mail::MailWorkspace;
use crate::sim::trial::{self, Stages, TrialWorkspace};
use crate::tally::mail as tally;

const PREFS: &str = "prefecture_code,prefecture_en,prefecture_ja,office_lat,office_lon,source\n\
01,North,北,43.0,141.3,test\n\
02,South,南,33.6,130.4,test\n";

fn scenario(down_h: f64, p_outage: f64, extra: &str) -> (tempfile::TempDir, Scenario) {
    let text = format!(
        r#"
[scenario]
id = "t"
name_en = "t"
name_ja = "t"

[[regions]]
id = "zone"
name_en = "Zone"
name_ja = "区域"
source = "test"
polygons = [[[138.9, 34.9], [139.1, 34.9], [139.1, 35.1], [138.9, 35.1], [138.9, 34.9]]]

[[regions]]
id = "elsewhere"
name_en = "Elsewhere"
name_ja = "その他"
source = "test"

[[classes]]
id = "center"
[[classes]]
id = "server"
[[classes]]
id = "line"
[[classes]]
id = "pref"
[[classes]]
id = "router"
[[classes]]
id = "access"
[[classes]]
id = "muni"
[[classes]]
id = "inet"
[[classes]]
id = "ix"

[[sites]]
id = "east_site"
lat = 35.0
lon = 139.0
source = "test"
[[sites]]
id = "west_site"
lat = 34.7
lon = 135.5
source = "test"
[[sites]]
id = "noc_site"
lat = 36.5
lon = 137.0
source = "test"

[recovery]
start = "2026-01-14T10:00"
contact_p = 1.0
relocation = {{ median_hours = 1.0 }}
source = "test"
[[recovery.grid]]
region = "zone"
p_outage = {p_outage}
restore = {{ median_hours = {down_h} }}
source = "test"
[[recovery.grid]]
region = "elsewhere"
p_outage = 0.0
restore = {{ median_hours = 1.0 }}
source = "test"

[lgwan]
source = "test"
prefectures = "prefs.csv"
window_hours = 150.0
interconnections = []
{extra}

[lgwan.classes]
center = "center"
poi_server = "server"
backbone_line = "line"
prefecture_node = "pref"
router = "router"
access_line = "access"
municipal_server = "muni"
internet_line = "inet"
interconnection = "ix"

[lgwan.noc]
site = "noc_site"
source = "test"
[lgwan.poi_east]
site = "east_site"
source = "test"
[lgwan.poi_west]
site = "west_site"
source = "test"

[[lgwan.flows]]
kind = "municipality_to_municipality"
rate_per_hour = 4.0
source = "test"

[[lgwan.configurations]]
id = "mx-east"
delivery = "mx"
forwarders = ["east"]
[[lgwan.configurations]]
id = "mx-east-west"
delivery = "mx"
forwarders = ["east", "west"]
[[lgwan.configurations]]
id = "static-east"
delivery = "static"
relay = "east"
"#
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("prefs.csv"), PREFS).unwrap();
    let p = dir.path().join("t.toml");
    std::fs::write(&p, text).unwrap();
    let s = Scenario::load(&p).unwrap();
    (dir, s)
}

fn model(down_h: f64, p_outage: f64, extra: &str) -> Model {
    let (_d, s) = scenario(down_h, p_outage, extra);
    Model::build(&s, &BuildSpec::default()).unwrap()
}

/// Runs one trial and returns the mail workspace.
fn trial(m: &Model, i: u64) -> MailWorkspace {
    let stages = Stages::all(m);
    let mut w = TrialWorkspace::new(m, &stages);
    trial::run(m, &stages, 1, i, &mut w);
    w.mail.take().unwrap()
}

/// Postfix's schedule with its defaults, written out from the rule (delay = age clamped to
/// [300 s, 4000 s]), seconds.
const POSTFIX_FIRST: [f64; 10] = [
    0.0, 300.0, 600.0, 1200.0, 2400.0, 4800.0, 8800.0, 12800.0, 16800.0, 20800.0,
];

#[test]
fn postfix_schedule_doubles_then_caps_and_ends_at_the_lifetime() {
    let s = postfix_schedule(300.0, 4000.0, 5.0 * 86400.0);
    assert_eq!(&s[..10], &POSTFIX_FIRST);
    for w in s[6..].windows(2) {
        assert_eq!(w[1] - w[0], 4000.0);
    }
    // The last attempt is the first at or after 5 days.
    let last = *s.last().unwrap();
    assert!(last >= 432_000.0 && s[s.len() - 2] < 432_000.0, "{last}");
    assert_eq!(
        last,
        4800.0 + 4000.0 * ((432_000.0f64 - 4800.0) / 4000.0).ceil()
    );
}

#[test]
fn glibc_waits_follow_res_send() {
    assert_eq!(glibc_waits(5, 1), vec![5.0]);
    assert_eq!(glibc_waits(5, 2), vec![5.0, 5.0]);
    assert_eq!(glibc_waits(5, 3), vec![5.0, 3.0, 6.0]);
}

#[test]
fn with_every_poi_up_mail_arrives_at_once() {
    let m = model(2.0, 0.0, "");
    for i in 0..5 {
        let w = trial(&m, i);
        assert!(w.outcomes.len() > 100);
        for &(_, d) in &w.outcomes {
            assert_eq!(d, 0.0);
        }
        for c in &w.counts {
            assert_eq!(c[1], c[0]);
            assert_eq!(c[4], 0);
        }
    }
}

#[test]
fn the_only_forwarder_down_for_two_hours_delays_to_the_next_retry() {
    let m = model(2.0, 1.0, "");
    let lg = m.lgwan.as_ref().unwrap();
    let sched: Vec<f64> = lg.schedule_hours.clone();
    assert_eq!(
        &sched[..10],
        &POSTFIX_FIRST.map(|s| s / 3600.0),
        "schedule in hours"
    );
    let mut checked = 0;
    for i in 0..3 {
        let w = trial(&m, i);
        for (k, &(row, d)) in w.outcomes.iter().enumerate() {
            let (t0, _, _) = w.sent[k];
            let cfg = &lg.configs[lg.rows[row as usize].config.unwrap()].id;
            let expected = match cfg.as_str() {
                // Resolution fails until the East POI is back at 2 h: the first attempt at
                // or after 2 h.
                "mx-east" => {
                    if t0 >= 2.0 {
                        0.0
                    } else {
                        *sched.iter().find(|&&s| t0 + s >= 2.0).unwrap()
                    }
                }
                // The first forwarder times out after 5 s (glibc), the West POI answers.
                "mx-east-west" => {
                    if t0 + 5.0 / 3600.0 <= 2.0 {
                        5.0 / 3600.0
                    } else if t0 >= 2.0 {
                        0.0
                    } else {
                        continue; // the 5 s straddle the return; not asserted
                    }
                }
                // The East relay is down: hop 1 waits as for mx-east, hop 2 goes at once.
                "static-east" => {
                    if t0 >= 2.0 {
                        0.0
                    } else {
                        *sched.iter().find(|&&s| t0 + s >= 2.0).unwrap()
                    }
                }
                other => panic!("{other}"),
            };
            assert_eq!(d, expected, "{cfg} sent at {t0}");
            checked += 1;
        }
    }
    assert!(checked > 1000);
}

#[test]
fn the_only_forwarder_down_for_six_days_bounces_at_five_days() {
    let m = model(144.0, 1.0, "");
    let lg = m.lgwan.as_ref().unwrap();
    let last = *lg.schedule_hours.last().unwrap();
    assert!((120.0..121.2).contains(&last));
    let w = trial(&m, 0);
    let cfg = lg.configs.iter().position(|c| c.id == "mx-east").unwrap();
    let mut bounced = 0;
    for &(t0, from, to) in &w.sent {
        let fate = lg.lgwan_mail(&w, t0, from, to, &lg.configs[cfg]);
        if t0 + last < 144.0 {
            assert_eq!(fate, Fate::Bounced(last), "sent at {t0}");
            bounced += 1;
        } else {
            let Fate::Delivered(d) = fate else {
                panic!("{t0}: {fate:?}")
            };
            assert!(t0 + d >= 144.0 && d <= last);
        }
    }
    assert!(bounced > 50);
}

#[test]
fn planned_outages_with_and_without_notice() {
    // c01's router stops 10 h to 14 h (a Wednesday, business hours). With notice: down until
    // 14 h + 10 min restart. Without: a fault detected 0.1 h after the stop, contact reached,
    // handled in 6 h: down until 16.1 h.
    // The same for prefecture 01's node, whose notice must be a month (720 h).
    let cases = [
        ("router", "c01", 48.0, 14.0 + 10.0 / 60.0),
        ("router", "c01", 24.0, 10.0 + 0.1 + 6.0),
        // An access line has no restart.
        ("access_line", "c01", 48.0, 14.0),
        ("prefecture_node", "01", 720.0, 14.0 + 10.0 / 60.0),
        ("prefecture_node", "01", 719.0, 10.0 + 0.1 + 6.0),
    ];
    let outage = |target: &str, of: &str, notice: f64| {
        format!(
            r#"unnotified_handling = {{ median_hours = 6.0 }}
[[lgwan.planned_outages]]
id = "inspection"
target = "{target}"
of = "{of}"
start_hours = 10.0
duration_hours = 4.0
notice_hours = {notice}
source = "test""#
        )
    };
    for (target, of, notice, back) in cases {
        let m = model(1.0, 0.0, &outage(target, of, notice));
        let lg = m.lgwan.as_ref().unwrap();
        let w = trial(&m, 0);
        let sched = &lg.schedule_hours;
        let mut seen = 0;
        for (k, &(_, d)) in w.outcomes.iter().enumerate() {
            let (t0, _, _) = w.sent[k];
            if (10.0..back).contains(&t0) {
                let want = *sched.iter().find(|&&s| t0 + s >= back).unwrap();
                assert_eq!(d, want, "{target} notice {notice}, sent at {t0}");
                seen += 1;
            } else {
                assert_eq!(d, 0.0, "sent at {t0}");
            }
        }
        assert!(seen > 5);
    }
}

#[test]
fn tallies_merge_to_the_same_counts_in_any_split() {
    let m = model(2.0, 1.0, "");
    let lg = m.lgwan.as_ref().unwrap();
    let mut whole = MailTally::new(lg);
    let mut a = MailTally::new(lg);
    let mut b = MailTally::new(lg);
    for i in 0..6 {
        let w = trial(&m, i);
        whole.record(&w);
        if i % 2 == 0 { &mut a } else { &mut b }.record(&w);
    }
    b.merge(&a);
    assert_eq!(whole, b);
}

#[test]
fn intervals_cover_the_estimate_and_quantiles_use_bounces() {
    let r = tally::RowTally {
        n: 10,
        trials_with: 2,
        nn: 50,
        k: [5, 5, 5, 5],
        kk: [25, 25, 25, 25],
        kn: [25, 25, 25, 25],
        hist: {
            let mut h = vec![0; 2000];
            h[3] = 5;
            h
        },
    };
    // 5 of 10 messages in one trial of two: the trials disagree, so the interval is wide.
    let (p, lo, hi) = tally::ratio(&r, 3, 2);
    assert_eq!(p, 0.5);
    assert!(lo < 0.2 && hi > 0.8, "{lo} {hi}");
    assert_eq!(tally::quantile(&r, 0.5), 3.0 / 60.0);
    assert_eq!(tally::quantile(&r, 0.9), f64::INFINITY);
}

#[test]
fn trial_clustered_intervals_cover_at_95_percent_where_message_counts_would_not() {
    // Messages of a trial share its outage: 5 messages per trial, each delivered with the
    // trial's probability, 0.1 or 0.9 (half the trials each), so the true share is 0.5 and
    // the trials, not the messages, are the independent units. Over 1,000 replications of
    // 200 trials at a fixed seed, the 95 % interval must cover 0.5 in 95 % of them, within
    // 3.29 binomial standard errors (0.0227); a Wilson interval over the 1,000 messages as if
    // independent covers far less (it is the check that the test can fail).
    use rand::{Rng, SeedableRng};
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(11);
    let reps = 1000;
    let (mut ours, mut naive) = (0, 0);
    for _ in 0..reps {
        let mut r = tally::RowTally {
            hist: vec![0; 2],
            ..Default::default()
        };
        for _ in 0..200 {
            let p = if rng.random::<bool>() { 0.9 } else { 0.1 };
            let n = 5u64;
            let k = (0..n).filter(|_| rng.random::<f64>() < p).count() as u64;
            r.n += n;
            r.nn += n * n;
            r.trials_with += 1;
            r.k[0] += k;
            r.kk[0] += k * k;
            r.kn[0] += k * n;
        }
        let (_, lo, hi) = tally::ratio(&r, 0, 200);
        ours += usize::from(lo <= 0.5 && 0.5 <= hi);
        let (lo, hi) = crate::base::interval::wilson(r.k[0], r.n);
        naive += usize::from(lo <= 0.5 && 0.5 <= hi);
    }
    let cover = ours as f64 / reps as f64;
    let tol = 3.29 * (0.95f64 * 0.05 / reps as f64).sqrt();
    assert!((cover - 0.95).abs() < tol, "coverage {cover}");
    assert!((naive as f64 / reps as f64) < 0.95 - tol, "naive {naive}");
}
