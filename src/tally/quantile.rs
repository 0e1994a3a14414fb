//! Quantiles of the integer histograms the tallies keep (mail delays, times to restore): one
//! rule for which bin holds a quantile, each histogram giving its bins their values.

use crate::model::recovery::TTR_BIN_HOURS;

/// The bin holding the `q` quantile of `total` observations counted in `hist`: the first bin
/// at which the running count reaches `ceil(q * total)` (at least 1). `None` when the
/// histogram never gets there, i.e. the quantile falls among observations it does not hold
/// (bounced messages, say).
#[inline]
pub fn quantile_bin(hist: &[u64], total: u64, q: f64) -> Option<usize> {
    let need = (q * total as f64).ceil().max(1.0) as u64;
    let mut acc = 0;
    hist.iter().position(|&c| {
        acc += c;
        acc >= need
    })
}

/// The `q` quantile of a time-to-restore histogram of `trials` trials
/// ([`crate::tally::Tally::rec_ttr`] of one service), hours: the bin's time, infinite when
/// it falls in the last bin (not restored within the horizon).
pub fn ttr_quantile(hist: &[u64], trials: u64, q: f64) -> f64 {
    match quantile_bin(hist, trials, q) {
        Some(b) if b + 1 < hist.len() => b as f64 * TTR_BIN_HOURS,
        _ => f64::INFINITY,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The two copies this module replaced, as they were.
    fn old_mail(n: u64, hist: &[u64], q: f64, edge: impl Fn(usize) -> f64) -> f64 {
        if n == 0 {
            return f64::NAN;
        }
        let need = (q * n as f64).ceil().max(1.0) as u64;
        let mut acc = 0;
        for (b, &c) in hist.iter().enumerate() {
            acc += c;
            if acc >= need {
                return edge(b);
            }
        }
        f64::INFINITY
    }

    fn old_ttr(hist: &[u64], trials: u64, q: f64) -> f64 {
        let need = (q * trials as f64).ceil().max(1.0) as u64;
        let mut acc = 0;
        for (b, &c) in hist.iter().enumerate() {
            acc += c;
            if acc >= need {
                return if b == hist.len() - 1 {
                    f64::INFINITY
                } else {
                    b as f64 * TTR_BIN_HOURS
                };
            }
        }
        f64::INFINITY
    }

    #[test]
    fn agrees_with_the_copies_it_replaced() {
        let edge = |b: usize| b as f64 / 60.0;
        let qs = [0.0, 1e-9, 0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 1.0];
        // Every histogram of up to 4 bins with counts 0..=3, totals at, below and above the
        // histogram's sum (bounces make the mail total larger).
        for len in 0..=4u32 {
            for code in 0..4u64.pow(len) {
                let hist: Vec<u64> = (0..len).map(|k| code / 4u64.pow(k) % 4).collect();
                let sum: u64 = hist.iter().sum();
                for total in [0, sum.saturating_sub(1), sum, sum + 1, sum + 5] {
                    for &q in &qs {
                        let new_ttr = ttr_quantile(&hist, total, q);
                        assert_eq!(new_ttr.to_bits(), old_ttr(&hist, total, q).to_bits());
                        let new_mail = if total == 0 {
                            f64::NAN
                        } else {
                            quantile_bin(&hist, total, q).map_or(f64::INFINITY, edge)
                        };
                        let old = old_mail(total, &hist, q, edge);
                        assert_eq!(new_mail.to_bits(), old.to_bits(), "{hist:?} {total} {q}");
                    }
                }
            }
        }
    }

    #[test]
    fn picks_the_first_bin_reaching_the_rank() {
        assert_eq!(quantile_bin(&[1, 1, 2], 4, 0.5), Some(1));
        assert_eq!(quantile_bin(&[1, 1, 2], 4, 0.0), Some(0));
        assert_eq!(quantile_bin(&[1, 1, 2], 8, 0.9), None);
        assert_eq!(ttr_quantile(&[0, 3, 1], 4, 0.5), TTR_BIN_HOURS);
        assert_eq!(ttr_quantile(&[0, 3, 1], 4, 0.9), f64::INFINITY);
    }
}
