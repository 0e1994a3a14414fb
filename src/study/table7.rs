//! Table 7 of the source report (想定される事態と対策について), computed.
//!
//! For every combination of backup-server location and interconnection-point location
//! (capital region or outside), every ministry's placements are forced accordingly, the
//! model is run, and each event's probability is estimated. An event's probability is that
//! of the most exposed ministry (the maximum over its services of the probability that the
//! service is down), so the table answers "is this expected for a ministry so placed?"
//! without growing with the number of ministries. Events at or above the threshold are
//! expected; for each, the scenario's options are tried alone, then in pairs, and so on, on
//! common random numbers, and the smallest sets that bring it below the threshold are the
//! countermeasures.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::base::fmt::r6;
use crate::base::interval::Proportion;
use crate::diag::Result;
use crate::drive::run_range;
use crate::model::{BuildSpec, Location, Model};
use crate::scenario::Scenario;
use crate::sim::trial::Stages;
use crate::tally::Tally;

/// Default threshold: an event is expected when more likely than not.
pub const DEFAULT_THRESHOLD: f64 = 0.5;

pub use crate::base::lang::Lang;

/// Settings of a Table 7 computation.
#[derive(Debug, Clone)]
pub struct Config {
    /// Trials per model run.
    pub trials: u64,
    /// Seed (shared by every run: common random numbers).
    pub seed: u64,
    /// Probability at or above which an event is expected.
    pub threshold: f64,
    /// Options applied to every run (the baseline), before the combinations.
    pub base_options: Vec<String>,
    /// When events are judged.
    pub at: When,
}

/// When Table 7 judges its events.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum When {
    /// Right after the quake, from damage alone (scenarios without `[recovery]`).
    Quake,
    /// At each service's recovery-time objective: the event is "still down at the RTO".
    Rto,
    /// At a fixed number of hours after the quake.
    Hours(f64),
}

/// One row of `table7.csv`.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// `capital` or `outside`.
    pub backup_server: Location,
    /// `capital` or `outside`.
    pub interconnection_point: Location,
    /// Event id.
    pub event: String,
    /// Probability for the most exposed ministry.
    pub probability: f64,
    /// Lower 95 % Wilson bound.
    pub ci_low: f64,
    /// Upper 95 % Wilson bound.
    pub ci_high: f64,
    /// At or above the threshold.
    pub expected: bool,
    /// Option sets that bring the event below the threshold, `;`-separated, `+` within a set.
    pub countermeasures: String,
    #[serde(skip)]
    /// The service (usually a ministry's) that gives the probability.
    pub worst_service: String,
}

/// The computed table.
#[derive(Debug, Clone)]
pub struct Table7 {
    /// Rows in the source's order: (capital, capital), (outside, capital), (outside,
    /// outside), then (capital, outside).
    pub rows: Vec<Row>,
    /// The model of the first combination (names of events and options).
    pub model: Model,
    /// Settings used.
    pub config: Config,
}

/// The four combinations, in the order of the source's table plus the fourth.
pub const COMBINATIONS: [(Location, Location); 4] = [
    (Location::Capital, Location::Capital),
    (Location::Outside, Location::Capital),
    (Location::Outside, Location::Outside),
    (Location::Capital, Location::Outside),
];

/// Hours at which service `s` is judged.
fn judged_at(model: &Model, at: When, s: usize) -> Option<f64> {
    match (at, &model.recovery) {
        (When::Rto, Some(r)) => Some(r.rto[s]),
        (When::Hours(h), Some(_)) => Some(h),
        _ => None,
    }
}

fn event_probability(model: &Model, t: &Tally, e: usize, at: When) -> (Proportion, usize) {
    let ev = &model.events[e];
    let mut best = (Proportion::new(0, t.trials), ev.any_down[0]);
    for &s in &ev.any_down {
        let up = match (judged_at(model, at, s), &model.recovery) {
            (Some(h), Some(r)) => {
                let c = r.checkpoints.len();
                let k = r
                    .checkpoints
                    .iter()
                    .position(|&x| x == h)
                    .expect("judging times are checkpoints");
                t.rec_up[s * c + k]
            }
            _ => t.service_up[s],
        };
        let p = Proportion::new(t.trials - up, t.trials);
        if p.p > best.0.p {
            best = (p, s);
        }
    }
    best
}

/// Computes the table.
pub fn compute(
    scenario: &Scenario,
    config: &Config,
    threads_note: &dyn Fn(&str),
) -> Result<Table7> {
    let mut first_model = None;
    let mut rows = Vec::new();
    for (backup, ic) in COMBINATIONS {
        let mut cache: BTreeMap<Vec<String>, (Model, Tally)> = BTreeMap::new();
        let mut run = |extra: &[String]| -> Result<(Model, Tally)> {
            let key = extra.to_vec();
            if let Some(v) = cache.get(&key) {
                return Ok(v.clone());
            }
            let mut options = config.base_options.clone();
            options.extend(extra.iter().cloned());
            let spec = BuildSpec {
                options,
                force_backup: Some(backup),
                force_interconnection: Some(ic),
            };
            let mut model = Model::build(scenario, &spec)?;
            // Judge at the requested times (none at the quake): make them checkpoints.
            let mut times: Vec<f64> = Vec::new();
            for e in &model.events {
                for &s in &e.any_down {
                    times.extend(judged_at(&model, config.at, s));
                }
            }
            if let Some(rec) = model.recovery.as_mut().filter(|_| !times.is_empty()) {
                rec.checkpoints.extend(times);
                rec.checkpoints.sort_by(f64::total_cmp);
                rec.checkpoints.dedup();
            }
            threads_note(&format!(
                "table7: backup {backup:?}, interconnection {ic:?}, options [{}]",
                extra.join(", ")
            ));
            // At the quake the recovery is not run: the tally has the services at t = 0 only.
            let stages = match config.at {
                When::Quake => Stages::at_quake(&model),
                _ => Stages::all(&model),
            };
            let tally = run_range(&model, &stages, config.seed, 0..config.trials);
            cache.insert(key, (model.clone(), tally.clone()));
            Ok((model, tally))
        };
        let (model, tally) = run(&[])?;
        let candidates: Vec<String> = model
            .options
            .iter()
            .map(|o| o.id.clone())
            .filter(|id| !config.base_options.contains(id))
            .collect();
        for e in 0..model.events.len() {
            let (p, worst) = event_probability(&model, &tally, e, config.at);
            let expected = p.p >= config.threshold;
            let mut found: Vec<Vec<String>> = Vec::new();
            if expected {
                'sizes: for size in 1..=candidates.len() {
                    for subset in subsets(&candidates, size) {
                        // A superset of a set that already works is not a new countermeasure.
                        if found.iter().any(|f| f.iter().all(|x| subset.contains(x))) {
                            continue;
                        }
                        let (m2, t2) = run(&subset)?;
                        if event_probability(&m2, &t2, e, config.at).0.p < config.threshold {
                            found.push(subset);
                        }
                    }
                    if !found.is_empty() {
                        break 'sizes;
                    }
                }
            }
            rows.push(Row {
                backup_server: backup,
                interconnection_point: ic,
                event: model.events[e].id.clone(),
                probability: r6(p.p),
                ci_low: r6(p.low),
                ci_high: r6(p.high),
                expected,
                countermeasures: found
                    .iter()
                    .map(|s| s.join("+"))
                    .collect::<Vec<_>>()
                    .join(";"),
                worst_service: model.services[worst].id.clone(),
            });
        }
        if first_model.is_none() {
            first_model = Some(model);
        }
    }
    Ok(Table7 {
        rows,
        model: first_model.expect("four combinations"),
        config: config.clone(),
    })
}

/// All subsets of `items` of a given size, in lexicographic order of positions.
fn subsets(items: &[String], size: usize) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut idx: Vec<usize> = (0..size).collect();
    if size == 0 || size > items.len() {
        return out;
    }
    loop {
        out.push(idx.iter().map(|&i| items[i].clone()).collect());
        let mut k = size;
        while k > 0 && idx[k - 1] == items.len() - size + k - 1 {
            k -= 1;
        }
        if k == 0 {
            return out;
        }
        idx[k - 1] += 1;
        for j in k..size {
            idx[j] = idx[j - 1] + 1;
        }
    }
}

impl Table7 {
    /// The table laid out like the source's, in Markdown.
    pub fn markdown(&self, lang: Lang, scenario_name: &str) -> String {
        let ja = lang.is_ja();
        let loc = |l: Location| match (l, ja) {
            (Location::Capital, true) => "首都圏内",
            (Location::Outside, true) => "首都圏外",
            (Location::Capital, false) => "Capital region",
            (Location::Outside, false) => "Outside the capital region",
        };
        let event_name = |id: &str| {
            self.model
                .events
                .iter()
                .find(|e| e.id == id)
                .map(|e| {
                    if ja {
                        e.name_ja.clone()
                    } else {
                        e.name_en.clone()
                    }
                })
                .unwrap_or_else(|| id.to_string())
        };
        let option_name = |id: &str| self.model.option_name(id, lang);
        let c = &self.config;
        let mut s = String::new();
        if ja {
            s += "# 表7 想定される事態と対策について（シミュレーションによる計算）\n\n";
            s += &format!(
                "シナリオ: {scenario_name}　／　試行回数: {}（組合せごと）　／　乱数シード: {}　／　閾値: 確率 {} 以上を「想定される事態」とする\n\n",
                c.trials, c.seed, c.threshold
            );
            s += "確率は最も影響を受ける府省の値（95%信頼区間, Wilson）。対策は共通乱数で評価し、事態の確率を閾値未満にする最小の組合せ。\n\n";
            s += &format!(
                "判定時点: {}\n\n",
                match (c.at, self.model.recovery.is_some()) {
                    (When::Rto, true) =>
                        "各サービスの目標復旧時間（RTO）の時点で復旧していない場合を事態とする"
                            .to_string(),
                    (When::Hours(h), true) => format!("地震発生から {h} 時間後の状態"),
                    _ => "地震発生直後の被害状態".to_string(),
                }
            );
            s += "| バックアップサーバーの所在 | ネットワーク間の接続点の所在 | 想定される事態 | 考えられる対策 |\n";
        } else {
            s += "# Table 7: expected events and countermeasures (computed by simulation)\n\n";
            s += &format!(
                "Scenario: {scenario_name} / trials: {} per combination / seed: {} / threshold: an event is expected at probability {} or more\n\n",
                c.trials, c.seed, c.threshold
            );
            s += "Probabilities are those of the most exposed ministry, with 95% Wilson intervals. Countermeasures are evaluated on common random numbers: the smallest sets of options that bring the event below the threshold.\n\n";
            s += &format!(
                "Judged: {}\n\n",
                match (c.at, self.model.recovery.is_some()) {
                    (When::Rto, true) =>
                        "at each service's recovery-time objective (still down at the RTO)"
                            .to_string(),
                    (When::Hours(h), true) => format!("{h} hours after the quake"),
                    _ => "right after the quake, from damage alone".to_string(),
                }
            );
            s += "| Backup server | Interconnection point | Expected events | Countermeasures |\n";
        }
        s += "|---|---|---|---|\n";
        for (b, i) in COMBINATIONS {
            let rows: Vec<&Row> = self
                .rows
                .iter()
                .filter(|r| r.backup_server == b && r.interconnection_point == i)
                .collect();
            let expected: Vec<&&Row> = rows.iter().filter(|r| r.expected).collect();
            let (events, measures) = if expected.is_empty() {
                (
                    if ja {
                        "・ネットワークは継続可能と考えられる".to_string()
                    } else {
                        "- The networks can continue".to_string()
                    },
                    "—".to_string(),
                )
            } else {
                let ev = expected
                    .iter()
                    .map(|r| {
                        format!(
                            "{}{} ({:.3} [{:.3}, {:.3}])",
                            if ja { "・" } else { "- " },
                            event_name(&r.event),
                            r.probability,
                            r.ci_low,
                            r.ci_high
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("<br>");
                let mut ms: Vec<String> = Vec::new();
                for r in &expected {
                    for set in r.countermeasures.split(';').filter(|x| !x.is_empty()) {
                        let name = set
                            .split('+')
                            .map(option_name)
                            .collect::<Vec<_>>()
                            .join(if ja { " ＋ " } else { " + " });
                        let line = format!("{}{}", if ja { "・" } else { "- " }, name);
                        if !ms.contains(&line) {
                            ms.push(line);
                        }
                    }
                }
                if ms.is_empty() {
                    ms.push(if ja {
                        "（シナリオの対策では閾値未満にならない）".into()
                    } else {
                        "(no combination of the scenario's options brings it below the threshold)"
                            .into()
                    });
                }
                (ev, ms.join("<br>"))
            };
            s += &format!("| {} | {} | {} | {} |\n", loc(b), loc(i), events, measures);
        }
        s += if ja {
            "\n## すべての事態の確率\n\n| バックアップサーバー | 接続点 | 事態 | 確率 | 95%区間 | 最も影響を受けるサービス |\n|---|---|---|---|---|---|\n"
        } else {
            "\n## Every event's probability\n\n| Backup server | Interconnection point | Event | Probability | 95% interval | Most exposed service |\n|---|---|---|---|---|---|\n"
        };
        for r in &self.rows {
            s += &format!(
                "| {} | {} | {} | {:.4} | [{:.4}, {:.4}] | {} |\n",
                loc(r.backup_server),
                loc(r.interconnection_point),
                event_name(&r.event),
                r.probability,
                r.ci_low,
                r.ci_high,
                r.worst_service
            );
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsets_enumerate_combinations() {
        let items: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        assert_eq!(subsets(&items, 1).len(), 3);
        assert_eq!(
            subsets(&items, 2),
            vec![vec!["a", "b"], vec!["a", "c"], vec!["b", "c"]]
        );
        assert_eq!(subsets(&items, 3).len(), 1);
        assert!(subsets(&items, 4).is_empty());
    }
}
