//! Countermeasure comparison on common random numbers.
//!
//! The baseline and each option (or combination of options) are run on the same trials:
//! trial `i` draws the same numbers in both (draws are keyed by entity, so an option changes
//! only what it touches). For every headline metric the per-trial paired difference is
//! accumulated in integers, and its mean comes with a 95 % normal interval from the paired
//! variance. An option that changes nothing gives exactly zero, with a zero-width interval.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::base::fmt::r6;
use crate::base::interval::Z95;
use crate::base::rng::trial_seed;
use crate::diag::{Error, Result};
use crate::model::{BuildSpec, Model};
use crate::montecarlo::{run_trial, Workspace, BATCH};
use crate::recovery::{simulate, RecoveryWorkspace};
use crate::scenario::Scenario;

/// A headline metric: a per-trial count (0/1 for a probability).
#[derive(Debug, Clone, Serialize)]
pub struct Metric {
    /// Identifier, e.g. `mof.work_from_kansai` or `ministries_working_from_kansai`.
    pub id: String,
    /// English description.
    pub name_en: String,
    /// Japanese description.
    pub name_ja: String,
}

#[derive(Debug, Clone, Copy)]
enum Measure {
    /// A service up at the quake (damage only).
    Up(usize),
    /// A service restored within its RTO (recovery).
    WithinRto(usize),
    /// Number of ministries able to work from Kansai at the quake.
    KansaiCount,
    /// Number of ministries able to work from Kansai within their RTO.
    KansaiWithinRto,
    /// LGWAN mail: messages of a result row bounced in the trial.
    MailBounced(usize),
    /// LGWAN mail: messages of a result row delivered within 24 hours.
    MailWithin24h(usize),
}

/// The headline metrics of a model and how to measure them.
fn metrics(model: &Model) -> Vec<(Metric, Measure)> {
    let mut out = Vec::new();
    let m = |id: String, en: String, ja: String, how| {
        (
            Metric {
                id,
                name_en: en,
                name_ja: ja,
            },
            how,
        )
    };
    out.push(m(
        "ministries_working_from_kansai".into(),
        "Ministries able to work from Kansai right after the quake (expected number)".into(),
        "地震直後に関西から業務継続できる府省数（期待値）".into(),
        Measure::KansaiCount,
    ));
    if model.recovery.is_some() {
        out.push(m(
            "ministries_working_from_kansai_within_rto".into(),
            "Ministries working from Kansai within their RTO (expected number)".into(),
            "目標復旧時間内に関西から業務継続できる府省数（期待値）".into(),
            Measure::KansaiWithinRto,
        ));
    }
    for (s, svc) in model.services.iter().enumerate() {
        out.push(m(
            svc.id.clone(),
            format!("{} (right after the quake)", svc.name_en),
            format!("{}（地震直後）", svc.name_ja),
            Measure::Up(s),
        ));
        if model.recovery.is_some() {
            out.push(m(
                format!("{}.within_rto", svc.id),
                format!("{} restored within its RTO", svc.name_en),
                format!("{}（目標復旧時間内に復旧）", svc.name_ja),
                Measure::WithinRto(s),
            ));
        }
    }
    if let Some(lg) = &model.lgwan {
        for r in 0..lg.rows.len() {
            let (flow, mode, fwd, cfg) = lg.row_labels(r);
            let what = format!("{flow}, {mode}, forwarders {fwd}");
            out.push(m(
                format!("mail.{flow}.{cfg}.bounced"),
                format!("LGWAN mail bounced per trial ({what}; expected number)"),
                format!("LGWANメールの不達通数（{what}、期待値）"),
                Measure::MailBounced(r),
            ));
            out.push(m(
                format!("mail.{flow}.{cfg}.within_24h"),
                format!("LGWAN mail delivered within 24 h per trial ({what}; expected number)"),
                format!("LGWANメールの24時間以内配達通数（{what}、期待値）"),
                Measure::MailWithin24h(r),
            ));
        }
    }
    out
}

fn value(model: &Model, how: Measure, ws: &Workspace, rw: Option<&RecoveryWorkspace>) -> i64 {
    let rec = model.recovery.as_ref();
    let within = |s: usize| match (rec, rw) {
        (Some(r), Some(w)) => w.ttr[s] <= r.rto[s],
        _ => false,
    };
    match how {
        Measure::Up(s) => i64::from(ws.service_up[s]),
        Measure::WithinRto(s) => i64::from(within(s)),
        Measure::KansaiCount => model
            .ministries
            .iter()
            .filter(|m| ws.service_up[m.work_from_kansai])
            .count() as i64,
        Measure::KansaiWithinRto => model
            .ministries
            .iter()
            .filter(|m| within(m.work_from_kansai))
            .count() as i64,
        Measure::MailBounced(r) => ws.mail.as_ref().map_or(0, |w| i64::from(w.counts[r][4])),
        Measure::MailWithin24h(r) => ws.mail.as_ref().map_or(0, |w| i64::from(w.counts[r][2])),
    }
}

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
    let mb = metrics(base);
    let mv = metrics(variant);
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
    let batches = trials.div_ceil(BATCH);
    let tally = (0..batches)
        .into_par_iter()
        .map_init(
            || {
                (
                    Workspace::new(base),
                    Workspace::new(variant),
                    base.recovery
                        .as_ref()
                        .map(|r| RecoveryWorkspace::new(base, r)),
                    variant
                        .recovery
                        .as_ref()
                        .map(|r| RecoveryWorkspace::new(variant, r)),
                )
            },
            |(wb, wv, rb, rv), b| {
                let mut t = PairTally::new(n);
                let lo = b * BATCH;
                let hi = (lo + BATCH).min(trials);
                for i in lo..hi {
                    let ts = trial_seed(seed, i);
                    run_trial(base, seed, i, wb);
                    run_trial(variant, seed, i, wv);
                    if let (Some(r), Some(w)) = (&base.recovery, rb.as_mut()) {
                        simulate(base, r, ts, wb, w, None);
                        if let (Some(lg), Some(mw)) = (&base.lgwan, wb.mail.as_deref_mut()) {
                            lg.simulate(r, ts, w, mw);
                        }
                    }
                    if let (Some(r), Some(w)) = (&variant.recovery, rv.as_mut()) {
                        simulate(variant, r, ts, wv, w, None);
                        if let (Some(lg), Some(mw)) = (&variant.lgwan, wv.mail.as_deref_mut()) {
                            lg.simulate(r, ts, w, mw);
                        }
                    }
                    t.trials += 1;
                    for (k, (_, how)) in mb.iter().enumerate() {
                        let x = value(base, *how, wb, rb.as_ref());
                        let y = value(variant, mv[index[k]].1, wv, rv.as_ref());
                        t.base[k] += x;
                        t.option[k] += y;
                        t.diff_sq[k] += (y - x) * (y - x);
                    }
                }
                t
            },
        )
        .reduce(
            || PairTally::new(n),
            |mut a, b| {
                a.merge(&b);
                a
            },
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
    let ms = metrics(&base);
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
    pub fn markdown(&self, ja: bool) -> String {
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
                    .map(|id| self.model.option_name(id, ja))
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
