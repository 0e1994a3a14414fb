//! Countermeasure comparison on common random numbers.
//!
//! The baseline and each option (or combination of options) are run on the same trials:
//! trial `i` draws the same numbers in both (draws are keyed by entity, so an option changes
//! only what it touches). For every headline metric the per-trial paired difference is
//! accumulated in integers, and its mean comes with a 95 % normal interval from the paired
//! variance. An option that changes nothing gives exactly zero, with a zero-width interval.

use serde::{Deserialize, Serialize};

use crate::base::fmt::r6;
use crate::base::interval::Z95;
use crate::base::lang::Lang;
use crate::diag::{Error, Result};
use crate::drive::{self, BATCH};
use crate::model::{BuildSpec, Model};
use crate::scenario::Scenario;
use crate::sim::trial::{self, Stages, TrialWorkspace};
use crate::tally::metrics::{self, value};

pub use crate::tally::metrics::Metric;

/// Integer sums of paired outcomes, per metric: mergeable and order-free.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairTally {
    /// Trials.
    pub trials: u64,
    /// Sum of the baseline's values.
    pub base: Vec<i64>,
    /// Sum of the option's values.
    pub option: Vec<i64>,
    /// Sum of squared paired differences.
    pub diff_sq: Vec<i64>,
}

impl PairTally {
    fn new(n: usize) -> PairTally {
        PairTally {
            trials: 0,
            base: vec![0; n],
            option: vec![0; n],
            diff_sq: vec![0; n],
        }
    }

    fn merge(&mut self, o: &PairTally) {
        self.trials += o.trials;
        for k in 0..self.base.len() {
            self.base[k] += o.base[k];
            self.option[k] += o.option[k];
            self.diff_sq[k] += o.diff_sq[k];
        }
    }
}

/// Runs the baseline and a variant on the same trials.
fn run_pair(base: &Model, variant: &Model, seed: u64, trials: u64) -> Result<PairTally> {
    let mb = metrics::for_compare(base);
    let mv = metrics::for_compare(variant);
    // Metrics are matched by id: an option must not remove what the baseline measures.
    let mut index = Vec::with_capacity(mb.len());
    for (m, _) in &mb {
        let k = mv.iter().position(|(x, _)| x.id == m.id).ok_or_else(|| {
            Error::Run(format!(
                "the option removes `{}`, which the baseline measures",
                m.id
            ))
        })?;
        index.push(k);
    }
    let n = mb.len();
    let (sb, sv) = (Stages::all(base), Stages::all(variant));
    let tally = drive::fold(
        0..trials,
        BATCH,
        || {
            (
                TrialWorkspace::new(base, &sb),
                TrialWorkspace::new(variant, &sv),
            )
        },
        || PairTally::new(n),
        |(wb, wv), t, i| {
            trial::run(base, &sb, seed, i, wb);
            trial::run(variant, &sv, seed, i, wv);
            t.trials += 1;
            for (k, (_, how)) in mb.iter().enumerate() {
                let x = value(base, *how, wb);
                let y = value(variant, mv[index[k]].1, wv);
                t.base[k] += x;
                t.option[k] += y;
                t.diff_sq[k] += (y - x) * (y - x);
            }
        },
        PairTally::merge,
        &|_| {},
    );
    Ok(tally)
}

/// One row of `compare.csv`.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Option id, or several joined by `+`.
    pub option: String,
    /// Metric id.
    pub metric: String,
    /// Baseline mean (a probability, or an expected count).
    pub baseline: f64,
    /// Mean with the option.
    pub with_option: f64,
    /// Paired difference of the means.
    pub difference: f64,
    /// Lower 95 % bound of the difference.
    pub diff_ci_low: f64,
    /// Upper 95 % bound of the difference.
    pub diff_ci_high: f64,
    /// Cost of the option(s), when every one states a cost.
    pub cost: Option<f64>,
}

/// A comparison: rows for every option set and metric.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// Rows.
    pub rows: Vec<Row>,
    /// Metrics, in row order within an option set.
    pub metrics: Vec<Metric>,
    /// Option sets compared.
    pub sets: Vec<Vec<String>>,
    /// Trials.
    pub trials: u64,
    /// Seed.
    pub seed: u64,
    /// Baseline model (names of options).
    pub model: Model,
}

/// Compares option sets against the baseline (the scenario with `base_options`).
pub fn compare(
    scenario: &Scenario,
    base_options: &[String],
    sets: &[Vec<String>],
    trials: u64,
    seed: u64,
) -> Result<Comparison> {
    let base = Model::build(
        scenario,
        &BuildSpec {
            options: base_options.to_vec(),
            ..BuildSpec::default()
        },
    )?;
    let ms = metrics::for_compare(&base);
    let mut rows = Vec::new();
    for set in sets {
        let mut options = base_options.to_vec();
        options.extend(set.iter().cloned());
        let variant = Model::build(
            scenario,
            &BuildSpec {
                options,
                ..BuildSpec::default()
            },
        )?;
        let t = run_pair(&base, &variant, seed, trials)?;
        let cost = set
            .iter()
            .map(|id| {
                base.options
                    .iter()
                    .find(|o| &o.id == id)
                    .and_then(|o| o.cost)
            })
            .sum::<Option<f64>>();
        let n = t.trials as f64;
        for (k, (m, _)) in ms.iter().enumerate() {
            let (xb, xo) = (t.base[k] as f64 / n, t.option[k] as f64 / n);
            let d = xo - xb;
            let var = (t.diff_sq[k] as f64 / n - d * d).max(0.0);
            let half = if t.trials > 1 {
                Z95 * (var / (n - 1.0)).sqrt()
            } else {
                0.0
            };
            rows.push(Row {
                option: set.join("+"),
                metric: m.id.clone(),
                baseline: r6(xb),
                with_option: r6(xo),
                difference: r6(d),
                diff_ci_low: r6(d - half),
                diff_ci_high: r6(d + half),
                cost,
            });
        }
    }
    Ok(Comparison {
        rows,
        metrics: ms.into_iter().map(|(m, _)| m).collect(),
        sets: sets.to_vec(),
        trials,
        seed,
        model: base,
    })
}

impl Comparison {
    /// A report: for each headline count, every option set ranked by its gain, with options
    /// whose interval contains zero shown as within noise.
    pub fn markdown(&self, lang: Lang) -> String {
        let ja = lang.is_ja();
        let mut s = String::new();
        s += if ja {
            "# 対策案の比較（共通乱数による対応のある差）\n\n"
        } else {
            "# Countermeasure comparison (paired differences on common random numbers)\n\n"
        };
        s += &format!(
            "{} {} / seed {}\n\n",
            if ja { "試行回数" } else { "Trials:" },
            self.trials,
            self.seed
        );
        let headline: Vec<&Metric> = self
            .metrics
            .iter()
            .filter(|m| m.id.starts_with("ministries_working_from_kansai"))
            .collect();
        for m in headline {
            s += &format!("## {}\n\n", if ja { &m.name_ja } else { &m.name_en });
            s += if ja {
                "| 対策 | 基準 | 対策後 | 差 | 95%区間 | 費用 | 費用/改善 | 判定 |\n|---|---|---|---|---|---|---|---|\n"
            } else {
                "| Option | Baseline | With option | Difference | 95% interval | Cost | Cost per unit gain | Verdict |\n|---|---|---|---|---|---|---|---|\n"
            };
            let mut rows: Vec<&Row> = self.rows.iter().filter(|r| r.metric == m.id).collect();
            rows.sort_by(|a, b| {
                b.difference
                    .total_cmp(&a.difference)
                    .then(a.option.cmp(&b.option))
            });
            for r in rows {
                let noise = r.diff_ci_low <= 0.0 && r.diff_ci_high >= 0.0;
                let name = r
                    .option
                    .split('+')
                    .map(|id| self.model.option_name(id, lang))
                    .collect::<Vec<_>>()
                    .join(" + ");
                let per_gain = match r.cost {
                    Some(c) if !noise && r.difference > 0.0 => format!("{:.3}", c / r.difference),
                    _ => "—".into(),
                };
                s += &format!(
                    "| {name} | {:.3} | {:.3} | {:+.3} | [{:+.3}, {:+.3}] | {} | {per_gain} | {} |\n",
                    r.baseline,
                    r.with_option,
                    r.difference,
                    r.diff_ci_low,
                    r.diff_ci_high,
                    r.cost.map(|c| format!("{c}")).unwrap_or_else(|| "—".into()),
                    match (noise, ja) {
                        (true, true) => "差は誤差の範囲",
                        (true, false) => "within noise",
                        (false, true) if r.difference > 0.0 => "改善",
                        (false, false) if r.difference > 0.0 => "gain",
                        (false, true) => "悪化",
                        (false, false) => "loss",
                    }
                );
            }
            s += "\n";
        }
        s
    }
}

/// Every non-empty subset of `ids`, smallest first, in the order given.
pub fn combinations(ids: &[String]) -> Vec<Vec<String>> {
    let n = ids.len().min(16);
    let mut sets: Vec<Vec<String>> = (1u32..(1 << n))
        .map(|mask| {
            (0..n)
                .filter(|k| mask & (1 << k) != 0)
                .map(|k| ids[k].clone())
                .collect()
        })
        .collect();
    sets.sort_by_key(|s| s.len());
    sets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combinations_are_all_subsets_smallest_first() {
        let ids: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let c = combinations(&ids);
        assert_eq!(c.len(), 7);
        assert_eq!(c[0].len(), 1);
        assert_eq!(c[6], ids);
    }
}
