//! Running a sensitivity analysis: every variant of every factor on the same trials, with
//! integer sums per variant and per pair of a factor's variants.

use crate::base::fmt::r6;
use crate::base::interval::Z95;
use crate::diag::{Error, Result};
use crate::drive;
use crate::model::{BuildSpec, Model};
use crate::scenario::{Merged, Scenario};
use crate::sim::trial::{self, Stages, TrialWorkspace};
use crate::tally::metrics::{self, value, Measure, Metric};

use super::factors::factors;
use super::types::{Factor, FactorKind, Row, Sensitivity};

/// Trials per parallel batch. Every trial runs every variant, so a batch is already much
/// work; small batches keep all threads busy at small trial counts. The tallies are
/// integers, so the result does not depend on the batch boundaries or on the threads.
const SENSITIVITY_BATCH: u64 = 16;

/// Integer sums over trials: per variant and metric the sum and sum of squares of the
/// value, per factor the sums of squared differences between each pair of its variants.
#[derive(Debug, Clone)]
struct Sums {
    trials: u64,
    sum: Vec<i64>,
    sq: Vec<i64>,
    pair_sq: Vec<i64>,
}

impl Sums {
    fn new(values: usize, pairs: usize) -> Sums {
        Sums {
            trials: 0,
            sum: vec![0; values],
            sq: vec![0; values],
            pair_sq: vec![0; pairs],
        }
    }

    fn merge(&mut self, o: &Sums) {
        self.trials += o.trials;
        for (a, b) in self.sum.iter_mut().zip(&o.sum) {
            *a += b;
        }
        for (a, b) in self.sq.iter_mut().zip(&o.sq) {
            *a += b;
        }
        for (a, b) in self.pair_sq.iter_mut().zip(&o.pair_sq) {
            *a += b;
        }
    }
}

/// The models run on every trial: the baseline first, then every factor's variants.
struct Plan {
    models: Vec<Model>,
    metrics: Vec<(Metric, Measure)>,
    /// (first model index, variant count) per factor.
    spans: Vec<(usize, usize)>,
    /// Offset of each factor's first pair of variants in [`Sums::pair_sq`] (in pairs).
    pair_at: Vec<usize>,
    /// Pairs of variants over all factors.
    pairs: usize,
}

impl Plan {
    /// Builds the baseline and every variant (with `options` applied to each) and checks that
    /// every variant measures what the baseline measures.
    fn build(scenario: &Scenario, options: &[String], factors: &[Factor]) -> Result<Plan> {
        let build = |content: &Merged| {
            let s = Scenario {
                sources: scenario.sources.clone(),
                sha256: scenario.sha256.clone(),
                content: content.clone(),
            };
            Model::build(
                &s,
                &BuildSpec {
                    options: options.to_vec(),
                    ..BuildSpec::default()
                },
            )
        };
        let base = build(&scenario.content)?;
        let metrics = metrics::for_sensitivity(&base);
        let mut models = vec![base];
        let mut spans = Vec::new();
        let mut pair_at = Vec::new();
        let mut pairs = 0;
        for f in factors {
            spans.push((models.len(), f.variants.len()));
            pair_at.push(pairs);
            let k = f.variants.len();
            pairs += k * (k - 1) / 2;
            for v in &f.variants {
                let m = build(&v.content).map_err(|e| {
                    Error::Run(format!(
                        "factor `{}` at `{}` does not build: {e}",
                        f.id, v.label
                    ))
                })?;
                models.push(m);
            }
        }
        let plan = Plan {
            models,
            metrics,
            spans,
            pair_at,
            pairs,
        };
        plan.check_metrics()?;
        Ok(plan)
    }

    /// Every variant must measure what the baseline measures, in the same order.
    fn check_metrics(&self) -> Result<()> {
        let want: Vec<&str> = self.metrics.iter().map(|(x, _)| x.id.as_str()).collect();
        for m in &self.models[1..] {
            let ids = metrics::for_sensitivity(m);
            if ids
                .iter()
                .map(|(x, _)| x.id.as_str())
                .ne(want.iter().copied())
            {
                return Err(Error::Run(
                    "a variant changes the set of services measured".into(),
                ));
            }
        }
        Ok(())
    }

    /// Runs every model on trials `0..trials` and sums the metrics' values.
    fn accumulate(&self, trials: u64, seed: u64, progress: &(dyn Fn(u64) + Sync)) -> Sums {
        let (models, metrics) = (&self.models, &self.metrics);
        let (nm, nv) = (metrics.len(), models.len());
        // Every stage the model has: the mail metrics read the mail stage.
        let stages: Vec<Stages> = models.iter().map(Stages::all).collect();
        drive::fold(
            0..trials,
            SENSITIVITY_BATCH,
            || {
                let ws: Vec<TrialWorkspace> = models
                    .iter()
                    .zip(&stages)
                    .map(|(m, st)| TrialWorkspace::new(m, st))
                    .collect();
                (ws, vec![0i64; nv * nm])
            },
            || Sums::new(nv * nm, self.pairs * nm),
            |(ws, x), t, i| {
                for (v, m) in models.iter().enumerate() {
                    trial::run(m, &stages[v], seed, i, &mut ws[v]);
                    for (k, (_, how)) in metrics.iter().enumerate() {
                        x[v * nm + k] = value(m, *how, &ws[v]);
                    }
                }
                self.add_trial(t, x);
            },
            Sums::merge,
            progress,
        )
    }

    /// Adds one trial's values `x` (variant-major) to `t`.
    fn add_trial(&self, t: &mut Sums, x: &[i64]) {
        let nm = self.metrics.len();
        t.trials += 1;
        for (j, &y) in x.iter().enumerate() {
            t.sum[j] += y;
            t.sq[j] += y * y;
        }
        for (f, &(first, k)) in self.spans.iter().enumerate() {
            let mut p = self.pair_at[f];
            for a in 0..k {
                for c in a + 1..k {
                    for mk in 0..nm {
                        let d = x[(first + c) * nm + mk] - x[(first + a) * nm + mk];
                        t.pair_sq[p * nm + mk] += d * d;
                    }
                    p += 1;
                }
            }
        }
    }

    /// The rows of metric `k`, one per factor, ranked by |swing|.
    fn rows(&self, factors: &[Factor], sums: &Sums, k: usize) -> Vec<Row> {
        let nm = self.metrics.len();
        let n = sums.trials as f64;
        let mean = |v: usize| sums.sum[v * nm + k] as f64 / n;
        let ci = |v: usize| {
            let mu = mean(v);
            let var = (sums.sq[v * nm + k] as f64 / n - mu * mu).max(0.0);
            let half = if sums.trials > 1 {
                Z95 * (var / (n - 1.0)).sqrt()
            } else {
                0.0
            };
            (mu - half, mu + half)
        };
        let mut block = Vec::new();
        for (f, factor) in factors.iter().enumerate() {
            let (first, count) = self.spans[f];
            let (lo, hi) = extremes(factor.kind, count, |a| mean(first + a));
            let (a, c) = (lo.min(hi), lo.max(hi));
            // Index of pair (a, c) among the factor's pairs, in the order accumulated.
            let p = self.pair_at[f] + (0..a).map(|r| count - 1 - r).sum::<usize>() + (c - a - 1);
            let d = mean(first + hi) - mean(first + lo);
            let var = (sums.pair_sq[p * nm + k] as f64 / n - d * d).max(0.0);
            let half = if sums.trials > 1 {
                Z95 * (var / (n - 1.0)).sqrt()
            } else {
                0.0
            };
            let (l0, l1) = ci(first + lo);
            let (h0, h1) = ci(first + hi);
            block.push(Row {
                factor: factor.id.clone(),
                kind: factor.kind,
                metric: self.metrics[k].0.id.clone(),
                as_declared: factor.as_declared.clone(),
                low_value: factor.variants[lo].label.clone(),
                high_value: factor.variants[hi].label.clone(),
                baseline: r6(mean(0)),
                at_low: r6(mean(first + lo)),
                at_low_ci_low: r6(l0),
                at_low_ci_high: r6(l1),
                at_high: r6(mean(first + hi)),
                at_high_ci_low: r6(h0),
                at_high_ci_high: r6(h1),
                swing: r6(d),
                swing_ci_low: r6(d - half),
                swing_ci_high: r6(d + half),
                rank: 0,
            });
        }
        block.sort_by(|x, y| {
            y.swing
                .abs()
                .total_cmp(&x.swing.abs())
                .then(x.factor.cmp(&y.factor))
        });
        for (r, row) in block.iter_mut().enumerate() {
            row.rank = r + 1;
        }
        block
    }
}

/// The low and high variants of a factor with `count` variants whose means are `mean(a)`:
/// for alternatives the smallest and largest mean (first one on ties), otherwise the first
/// and the last variant (0 against 1, low bound against high).
fn extremes(kind: FactorKind, count: usize, mean: impl Fn(usize) -> f64) -> (usize, usize) {
    if kind != FactorKind::Alternatives {
        return (0, count - 1);
    }
    let mut lo = 0;
    for a in 0..count {
        if mean(a) < mean(lo) {
            lo = a;
        }
    }
    let mut hi = if lo == 0 { count - 1 } else { 0 };
    for a in 0..count {
        if a != lo && mean(a) > mean(hi) {
            hi = a;
        }
    }
    (lo, hi)
}

/// Swings every factor of `scenario` (with `options` applied to every variant) on trials
/// `0..trials` with `seed`.
pub fn run(
    scenario: &Scenario,
    options: &[String],
    trials: u64,
    seed: u64,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Sensitivity> {
    let factors = factors(scenario)?;
    let plan = Plan::build(scenario, options, &factors)?;
    let sums = plan.accumulate(trials, seed, progress);
    let rows = (0..plan.metrics.len())
        .flat_map(|k| plan.rows(&factors, &sums, k))
        .collect();
    Ok(Sensitivity {
        rows,
        metrics: plan.metrics.into_iter().map(|(m, _)| m).collect(),
        factors,
        trials: sums.trials,
        seed,
    })
}

/// Total variant runs per trial (the baseline and every factor's variants).
pub fn variant_count(factors: &[Factor]) -> usize {
    1 + factors.iter().map(|f| f.variants.len()).sum::<usize>()
}
