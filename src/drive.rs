//! Parallel fixed batches, shards and the stopping rule.

use rayon::prelude::*;

use crate::base::interval::Proportion;
use crate::diag::{Error, Result};
use crate::model::Model;
use crate::sim::trial::{self, Stages, TrialWorkspace};
use crate::tally::Tally;

/// Trials per batch: batches are reduced in index order, and a `--ci-width` stop would
/// check at batch boundaries.
pub const BATCH: u64 = 4096;

/// A slice of the trial range: `index` of `count` (0-based index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    /// 0-based index.
    pub index: u64,
    /// Number of shards.
    pub count: u64,
}

impl Shard {
    /// Parses `K/N` with 1 <= K <= N.
    pub fn parse(s: &str) -> Result<Shard> {
        let bad = || {
            Error::Usage(format!(
                "malformed --shard `{s}`: expected K/N with whole numbers 1 <= K <= N, e.g. --shard 2/8"
            ))
        };
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let k: u64 = k.trim().parse().map_err(|_| bad())?;
        let n: u64 = n.trim().parse().map_err(|_| bad())?;
        if n == 0 || k == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard {
            index: k - 1,
            count: n,
        })
    }

    /// The trial range of this shard out of `trials`.
    pub fn range(&self, trials: u64) -> std::ops::Range<u64> {
        let lo = (trials as u128 * self.index as u128 / self.count as u128) as u64;
        let hi = (trials as u128 * (self.index + 1) as u128 / self.count as u128) as u64;
        lo..hi
    }
}

/// Folds trials `range` in parallel batches of `batch` trials: each thread keeps one
/// workspace from `init`; each batch starts from `empty()`, `each(workspace, acc, trial)`
/// adds a trial, and batches are merged by `merge`. Accumulators hold integers, so the
/// result is the same for any thread count, batch split or shard.
pub fn fold<W, A>(
    range: std::ops::Range<u64>,
    batch: u64,
    init: impl Fn() -> W + Sync + Send,
    empty: impl Fn() -> A + Sync + Send,
    each: impl Fn(&mut W, &mut A, u64) + Sync + Send,
    merge: impl Fn(&mut A, &A) + Sync + Send,
    progress: &(dyn Fn(u64) + Sync),
) -> A
where
    A: Send,
{
    let (start, end) = (range.start, range.end);
    let batches = (end - start).div_ceil(batch);
    (0..batches)
        .into_par_iter()
        .map_init(&init, |w, b| {
            let lo = start + b * batch;
            let hi = (lo + batch).min(end);
            let mut acc = empty();
            for i in lo..hi {
                each(w, &mut acc, i);
            }
            progress(hi - lo);
            acc
        })
        .reduce(&empty, |mut a, b| {
            merge(&mut a, &b);
            a
        })
}

/// Runs trials `range` of a model through `stages` on the current rayon pool and tallies
/// them, in batches of [`BATCH`].
pub fn run_range(model: &Model, stages: &Stages, seed: u64, range: std::ops::Range<u64>) -> Tally {
    run_range_with(model, stages, seed, range, &|_| {})
}

/// As [`run_range`], calling `progress(trials_done_in_batch)` after each batch.
pub fn run_range_with(
    model: &Model,
    stages: &Stages,
    seed: u64,
    range: std::ops::Range<u64>,
    progress: &(dyn Fn(u64) + Sync),
) -> Tally {
    fold(
        range,
        BATCH,
        || TrialWorkspace::new(model, stages),
        || Tally::new(model, stages),
        |w, t, i| {
            trial::run(model, stages, seed, i, w);
            t.record_trial(model, w);
        },
        |a, b| a.merge(b),
        progress,
    )
}

/// Trials between checks of `--ci-width`: fixed, so a seed always stops at the same trial.
pub const CI_CHUNK: u64 = 65_536;

/// The widest 95 % interval among the probabilities a run reports.
pub fn widest_interval(t: &Tally) -> f64 {
    let width = |k: u64| {
        let p = Proportion::new(k, t.trials);
        p.high - p.low
    };
    let w: f64 = t.service_up.iter().map(|&k| width(k)).fold(0.0, f64::max);
    let w = t.rec_up.iter().map(|&k| width(k)).fold(w, f64::max);
    t.rec_within_rto.iter().map(|&k| width(k)).fold(w, f64::max)
}

/// Runs `range`; with a target width, chunk after chunk of [`CI_CHUNK`] trials until every
/// interval is narrower than it. Returns the tally and the range actually run.
pub fn run_until(
    model: &Model,
    stages: &Stages,
    seed: u64,
    range: std::ops::Range<u64>,
    ci_width: Option<f64>,
    progress: &(dyn Fn(u64) + Sync),
) -> (Tally, std::ops::Range<u64>) {
    let Some(w) = ci_width else {
        return (
            run_range_with(model, stages, seed, range.clone(), progress),
            range,
        );
    };
    let mut tally = Tally::new(model, stages);
    let mut done = range.start;
    while done < range.end {
        let end = (done + CI_CHUNK).min(range.end);
        tally.merge(&run_range_with(model, stages, seed, done..end, progress));
        done = end;
        if widest_interval(&tally) < w {
            break;
        }
    }
    (tally, range.start..done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_range() {
        for n in 1..7 {
            let mut next = 0;
            for k in 1..=n {
                let r = Shard::parse(&format!("{k}/{n}")).unwrap().range(1001);
                assert_eq!(r.start, next);
                next = r.end;
            }
            assert_eq!(next, 1001);
        }
        for bad in ["0/3", "4/3", "1/0", "a/b", "3", "1/2/3", ""] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }
}
