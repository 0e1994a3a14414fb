//! Mail counts over trials (integers, mergeable) and the rows of `mail.csv` and
//! `mail_compare.csv`.
//!
//! Messages of one trial share its outages, so they are not independent: every interval
//! treats the trial as the unit. A probability is a ratio of sums over trials (messages
//! with the outcome / messages); its variance comes from the per-trial residuals
//! (`k_i - p n_i`), kept as integer sums of squares and products, and the 95 % Wilson
//! interval is taken at the effective number of messages this variance implies (Kish's
//! design effect), never more than the number of messages and, when every trial has the same
//! proportion, at the number of trials that had messages.

use serde::{Deserialize, Serialize};

use crate::base::fmt::r6;
use crate::base::interval::{wilson, wilson_score, Z95};
use crate::model::lgwan::Lgwan;
use crate::sim::mail::MailWorkspace;
use crate::tally::quantile::quantile_bin;

/// Histogram bins: 0 exactly; one-minute bins to 24 h; ten-minute bins beyond.
const FINE_BINS: usize = 24 * 60;

fn n_bins(lg: &Lgwan) -> usize {
    1 + FINE_BINS + ((lg.max_delay_hours - 24.0).max(0.0) * 6.0).ceil() as usize + 1
}

fn bin_of(delay_h: f64, bins: usize) -> usize {
    if delay_h <= 0.0 {
        0
    } else if delay_h <= 24.0 {
        ((delay_h * 60.0).ceil() as usize).clamp(1, FINE_BINS)
    } else {
        (FINE_BINS + ((delay_h - 24.0) * 6.0).ceil() as usize).min(bins - 1)
    }
}

/// Upper edge of a bin, hours.
fn bin_edge(b: usize) -> f64 {
    if b <= FINE_BINS {
        b as f64 / 60.0
    } else {
        24.0 + (b - FINE_BINS) as f64 / 6.0
    }
}

/// Counts of one result row. The four outcomes are: delivered within 1 h, within 24 h,
/// within 5 days, bounced.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowTally {
    /// Messages.
    pub n: u64,
    /// Trials with at least one message.
    pub trials_with: u64,
    /// Sum over trials of messages squared.
    pub nn: u64,
    /// Messages with each outcome.
    pub k: [u64; 4],
    /// Sum over trials of (messages with the outcome) squared.
    pub kk: [u64; 4],
    /// Sum over trials of (messages with the outcome) times messages.
    pub kn: [u64; 4],
    /// Delays of delivered messages: bin 0 = no delay, then minutes to 24 h, then ten
    /// minutes.
    pub hist: Vec<u64>,
}

/// Mail counts of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailTally {
    /// Trials.
    pub trials: u64,
    /// Per result row.
    pub rows: Vec<RowTally>,
    /// Per pair of rows of one flow (rows a < b, in row order) and outcome (bounced, within
    /// 24 h): sum over trials of the product of the two rows' counts.
    pub cross: Vec<[u64; 2]>,
}

/// Pairs of rows of one flow (a < b).
const BOUNCED: usize = 3;
const W24: usize = 1;

impl MailTally {
    /// An empty tally for a model.
    pub fn new(lg: &Lgwan) -> MailTally {
        let bins = n_bins(lg);
        MailTally {
            trials: 0,
            rows: (0..lg.rows.len())
                .map(|_| RowTally {
                    hist: vec![0; bins],
                    ..RowTally::default()
                })
                .collect(),
            cross: vec![[0; 2]; lg.pairs().len()],
        }
    }

    /// Adds a trial.
    pub fn record(&mut self, w: &MailWorkspace) {
        self.trials += 1;
        for (t, c) in self.rows.iter_mut().zip(&w.counts) {
            let n = u64::from(c[0]);
            t.n += n;
            t.nn += n * n;
            t.trials_with += u64::from(n > 0);
            for o in 0..4 {
                let k = u64::from(c[o + 1]);
                t.k[o] += k;
                t.kk[o] += k * k;
                t.kn[o] += k * n;
            }
        }
        let bins = self.rows.first().map(|r| r.hist.len()).unwrap_or(1);
        for &(row, d) in &w.outcomes {
            if d.is_finite() {
                self.rows[row as usize].hist[bin_of(d, bins)] += 1;
            }
        }
        for (k, &(a, b)) in w.pairs.iter().enumerate() {
            let (x, y) = (w.counts[a as usize], w.counts[b as usize]);
            self.cross[k][0] += u64::from(x[1 + BOUNCED]) * u64::from(y[1 + BOUNCED]);
            self.cross[k][1] += u64::from(x[1 + W24]) * u64::from(y[1 + W24]);
        }
    }

    /// Adds another tally of the same shape.
    pub fn merge(&mut self, o: &MailTally) {
        self.trials += o.trials;
        for (a, b) in self.rows.iter_mut().zip(&o.rows) {
            a.n += b.n;
            a.nn += b.nn;
            a.trials_with += b.trials_with;
            for k in 0..4 {
                a.k[k] += b.k[k];
                a.kk[k] += b.kk[k];
                a.kn[k] += b.kn[k];
            }
            for (x, y) in a.hist.iter_mut().zip(&b.hist) {
                *x += y;
            }
        }
        for (a, b) in self.cross.iter_mut().zip(&o.cross) {
            a[0] += b[0];
            a[1] += b[1];
        }
    }

    /// Same model.
    pub fn same_shape(&self, o: &MailTally) -> bool {
        self.rows.len() == o.rows.len()
            && self.cross.len() == o.cross.len()
            && self
                .rows
                .iter()
                .zip(&o.rows)
                .all(|(a, b)| a.hist.len() == b.hist.len())
    }
}

/// A probability over messages with its trial-clustered 95 % interval.
pub(crate) fn ratio(r: &RowTally, o: usize, trials: u64) -> (f64, f64, f64) {
    if r.n == 0 {
        return (f64::NAN, 0.0, 1.0);
    }
    let (n, k) = (r.n as f64, r.k[o] as f64);
    let p = k / n;
    let t = trials as f64;
    // Sum over trials of (k_i - p n_i)^2.
    let ss = (r.kk[o] as f64 - 2.0 * p * r.kn[o] as f64 + p * p * r.nn as f64).max(0.0);
    let n_eff = if trials > 1 && ss > 0.0 {
        let var = ss * t / ((t - 1.0) * n * n);
        (p * (1.0 - p) / var).clamp(1.0, n)
    } else {
        r.trials_with as f64
    };
    let (lo, hi) = wilson_f(p, n_eff);
    (p, lo, hi)
}

/// Wilson interval at a real-valued sample size.
fn wilson_f(p: f64, n: f64) -> (f64, f64) {
    if n <= 0.0 {
        return (0.0, 1.0);
    }
    if n == n.round() && n < 9e15 {
        let k = (p * n).round() as u64;
        if (k as f64 - p * n).abs() < 1e-9 {
            return wilson(k, n as u64);
        }
    }
    wilson_score(p, n)
}

/// Delay quantile over all messages, hours: a bounced message counts as never delivered
/// (infinity); the value is the upper edge of the bin (to the minute up to 24 h, to ten
/// minutes beyond).
pub(crate) fn quantile(r: &RowTally, q: f64) -> f64 {
    if r.n == 0 {
        return f64::NAN;
    }
    quantile_bin(&r.hist, r.n, q).map_or(f64::INFINITY, bin_edge)
}

/// One row of `mail.csv`.
#[derive(Debug, Clone, Serialize)]
pub struct MailRow {
    /// Flow.
    pub flow: String,
    /// `mx`, `static:east`, `static:west`, or `internet`.
    pub delivery_mode: String,
    /// Forwarders of the cache DNS (`east`, `west`, `east+west`, `west+east`), `none` for
    /// static delivery, `internet` for internet flows.
    pub dns_forwarders: String,
    /// Probability a message is delivered within 1 hour.
    pub p_within_1h: f64,
    /// Lower 95 % bound.
    pub p_within_1h_low: f64,
    /// Upper 95 % bound.
    pub p_within_1h_high: f64,
    /// Within 24 hours.
    pub p_within_24h: f64,
    /// Lower 95 % bound.
    pub p_within_24h_low: f64,
    /// Upper 95 % bound.
    pub p_within_24h_high: f64,
    /// Probability a message bounces (returned after the queue lifetime).
    pub p_bounced: f64,
    /// Lower 95 % bound.
    pub p_bounced_low: f64,
    /// Upper 95 % bound.
    pub p_bounced_high: f64,
    /// Median delay over all messages, hours (`inf`: the quantile falls among bounces).
    pub delay_p50_hours: f64,
    /// 90th percentile.
    pub delay_p90_hours: f64,
    /// 99th percentile.
    pub delay_p99_hours: f64,
    /// Within 5 days.
    pub p_within_5d: f64,
    /// Lower 95 % bound.
    pub p_within_5d_low: f64,
    /// Upper 95 % bound.
    pub p_within_5d_high: f64,
    /// Mean messages per trial.
    pub messages_per_trial: f64,
    /// Configuration id.
    pub configuration: String,
    /// Trials.
    pub trials: u64,
}

/// Rows of `mail.csv`.
pub fn mail_rows(lg: &Lgwan, t: &MailTally) -> Vec<MailRow> {
    t.rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let (flow, mode, fwd, cfg) = lg.row_labels(i);
            let p = |o| ratio(r, o, t.trials);
            let (w1, w1l, w1h) = p(0);
            let (w24, w24l, w24h) = p(1);
            let (w5, w5l, w5h) = p(2);
            let (b, bl, bh) = p(3);
            MailRow {
                flow,
                delivery_mode: mode,
                dns_forwarders: fwd,
                p_within_1h: r6(w1),
                p_within_1h_low: r6(w1l),
                p_within_1h_high: r6(w1h),
                p_within_24h: r6(w24),
                p_within_24h_low: r6(w24l),
                p_within_24h_high: r6(w24h),
                p_bounced: r6(b),
                p_bounced_low: r6(bl),
                p_bounced_high: r6(bh),
                delay_p50_hours: r6(quantile(r, 0.5)),
                delay_p90_hours: r6(quantile(r, 0.9)),
                delay_p99_hours: r6(quantile(r, 0.99)),
                p_within_5d: r6(w5),
                p_within_5d_low: r6(w5l),
                p_within_5d_high: r6(w5h),
                messages_per_trial: r6(if t.trials == 0 {
                    f64::NAN
                } else {
                    r.n as f64 / t.trials as f64
                }),
                configuration: cfg,
                trials: t.trials,
            }
        })
        .collect()
}

/// One row of `mail_compare.csv`: a configuration against the one that bounces least in
/// its flow, on the same messages and outages (paired).
#[derive(Debug, Clone, Serialize)]
pub struct CompareRow {
    /// Flow.
    pub flow: String,
    /// Configuration id.
    pub configuration: String,
    /// Delivery mode.
    pub delivery_mode: String,
    /// Forwarders.
    pub dns_forwarders: String,
    /// Rank by bounce probability within the flow (1 = fewest bounces).
    pub rank: usize,
    /// Probability a message bounces.
    pub p_bounced: f64,
    /// The flow's configuration with the fewest bounces.
    pub best: String,
    /// p_bounced minus the best's.
    pub diff_p_bounced: f64,
    /// Lower 95 % bound of the paired difference.
    pub diff_p_bounced_low: f64,
    /// Upper 95 % bound.
    pub diff_p_bounced_high: f64,
    /// p_within_24h minus the best's.
    pub diff_p_within_24h: f64,
    /// Lower 95 % bound.
    pub diff_p_within_24h_low: f64,
    /// Upper 95 % bound.
    pub diff_p_within_24h_high: f64,
    /// Whether the bounce interval excludes zero (the two are told apart).
    pub separated: bool,
}

/// Paired difference of outcome `o` (index into `k`) between rows a and b of one flow,
/// with its 95 % interval over trials.
fn paired(t: &MailTally, a: usize, b: usize, o: usize, cross: u64) -> (f64, f64, f64) {
    let (ra, rb) = (&t.rows[a], &t.rows[b]);
    let n = ra.n as f64;
    if ra.n == 0 {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    let d = (ra.k[o] as f64 - rb.k[o] as f64) / n;
    // Sum over trials of ((ka - kb) - d n)^2, from the integer sums.
    let dd = ra.kk[o] as f64 - 2.0 * cross as f64 + rb.kk[o] as f64;
    let dn = ra.kn[o] as f64 - rb.kn[o] as f64;
    let ss = (dd - 2.0 * d * dn + d * d * ra.nn as f64).max(0.0);
    let tt = t.trials as f64;
    let half = if t.trials > 1 {
        Z95 * (ss * tt / ((tt - 1.0) * n * n)).sqrt()
    } else {
        f64::NAN
    };
    (d, d - half, d + half)
}

/// Rows of `mail_compare.csv`.
pub fn compare_rows(lg: &Lgwan, t: &MailTally) -> Vec<CompareRow> {
    let ps = lg.pairs();
    let cross = |a: usize, b: usize, o: usize| -> (u64, bool) {
        let (x, y, swap) = if a < b { (a, b, false) } else { (b, a, true) };
        let k = ps.iter().position(|&p| p == (x, y)).expect("pair");
        (t.cross[k][if o == BOUNCED { 0 } else { 1 }], swap)
    };
    let mut out = Vec::new();
    for f in 0..lg.flows.len() {
        let rows: Vec<usize> = (0..lg.rows.len())
            .filter(|&r| lg.rows[r].flow == f)
            .collect();
        if rows.len() < 2 {
            continue;
        }
        let pb = |r: usize| ratio(&t.rows[r], BOUNCED, t.trials).0;
        let mut order = rows.clone();
        order.sort_by(|&a, &b| pb(a).total_cmp(&pb(b)).then(a.cmp(&b)));
        let best = order[0];
        for (rank, &r) in order.iter().enumerate() {
            let (flow, mode, fwd, cfg) = lg.row_labels(r);
            let (db, dbl, dbh, dw, dwl, dwh) = if r == best {
                (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
            } else {
                let (cb, _) = cross(r, best, BOUNCED);
                let (cw, _) = cross(r, best, W24);
                let (a, b, c) = paired(t, r, best, BOUNCED, cb);
                let (x, y, z) = paired(t, r, best, W24, cw);
                (a, b, c, x, y, z)
            };
            out.push(CompareRow {
                flow,
                configuration: cfg,
                delivery_mode: mode,
                dns_forwarders: fwd,
                rank: rank + 1,
                p_bounced: r6(pb(r)),
                best: lg.row_labels(best).3,
                diff_p_bounced: r6(db),
                diff_p_bounced_low: r6(dbl),
                diff_p_bounced_high: r6(dbh),
                diff_p_within_24h: r6(dw),
                diff_p_within_24h_low: r6(dwl),
                diff_p_within_24h_high: r6(dwh),
                separated: r != best && (dbl > 0.0 || dbh < 0.0),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests;
