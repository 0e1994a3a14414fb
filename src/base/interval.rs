//! 95 % intervals for proportions (Wilson score).

use serde::Serialize;

/// 97.5 % quantile of the standard normal, for two-sided 95 % intervals.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Wilson score interval for `k` successes in `n` trials (95 %). Returns (low, high);
/// (0, 1) when `n` is 0.
pub fn wilson(k: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (k, n) = (k as f64, n as f64);
    wilson_score(k / n, n)
}

/// The Wilson score interval (95 %) of a proportion `p` observed over `n` > 0 units, `n`
/// possibly fractional (an effective sample size).
pub fn wilson_score(p: f64, n: f64) -> (f64, f64) {
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// A proportion with its Wilson interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Proportion {
    /// Estimate.
    pub p: f64,
    /// Lower 95 % bound.
    pub low: f64,
    /// Upper 95 % bound.
    pub high: f64,
}

impl Proportion {
    /// From counts.
    pub fn new(k: u64, n: u64) -> Proportion {
        let (low, high) = wilson(k, n);
        Proportion {
            p: if n == 0 {
                f64::NAN
            } else {
                k as f64 / n as f64
            },
            low,
            high,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_published_values() {
        // Newcombe (1998), Table I, example 81/263: Wilson 0.2553 to 0.3662.
        let (lo, hi) = wilson(81, 263);
        assert!(
            (lo - 0.2553).abs() < 5e-5 && (hi - 0.3662).abs() < 5e-5,
            "{lo} {hi}"
        );
        // Example 0/10: 0 to 0.2775.
        let (lo, hi) = wilson(0, 10);
        assert!(lo == 0.0 && (hi - 0.2775).abs() < 5e-5, "{hi}");
    }
}
