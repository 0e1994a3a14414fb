//! Items shared by every part of the ground-motion library: its error type, the intensity
//! measures, the measures fragility curves are expressed in, standard gravity and the range
//! check of scalar inputs.

use serde::{Deserialize, Serialize};

/// Errors raised by the ground-motion library.
///
/// Every range error names the quantity, the offending value and the allowed
/// range so that a scenario author can fix the input without reading code.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GroundMotionError {
    /// A scalar input lies outside its allowed range (or is not finite).
    #[error("{what} = {value} is out of range: allowed {allowed}")]
    OutOfRange {
        /// Name of the quantity, with units.
        what: &'static str,
        /// The offending value.
        value: f64,
        /// Human-readable allowed range, e.g. `"(0, 90] degrees"`.
        allowed: &'static str,
    },
    /// Vs30 not supported in [`super::si_midorikawa::SiteAmplification::HazardlibStrict`] mode.
    #[error(
        "Vs30 = {vs30} m/s is not supported by hazardlib's Si & Midorikawa (1999): \
         allowed exactly 400, 600 or 800 m/s (use a continuous site-amplification mode)"
    )]
    UnsupportedVs30 {
        /// The offending Vs30 in m/s.
        vs30: f64,
    },
    /// Two slices that must have equal length do not.
    #[error("length mismatch for {what}: expected {expected}, got {got}")]
    LengthMismatch {
        /// Which argument.
        what: &'static str,
        /// Expected length.
        expected: usize,
        /// Actual length.
        got: usize,
    },
    /// The correlation matrix could not be Cholesky-factored even with the
    /// largest permitted diagonal jitter.
    #[error(
        "correlation matrix for {n} sites is not positive definite even with \
         diagonal jitter {jitter:e}"
    )]
    NotPositiveDefinite {
        /// Number of sites.
        n: usize,
        /// Largest jitter tried.
        jitter: f64,
    },
}

/// Intensity measure predicted by the GMPE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Imt {
    /// Peak ground velocity, cm/s (larger of the two horizontal components).
    Pgv,
    /// Peak ground acceleration, in units of g (larger horizontal component).
    Pga,
}

/// Ground-motion measure a fragility curve is expressed in. The curves and their evaluation
/// belong to the simulator's model, not to this library (`docs/ground-motion.md` §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FragilityMeasure {
    /// Peak ground acceleration in g (lognormal curves).
    PgaG,
    /// Peak ground velocity in cm/s (lognormal curves).
    PgvCmS,
    /// JMA instrumental intensity (normal curves in intensity units).
    JmaIntensity,
}

/// Standard gravity in m/s^2 (`scipy.constants.g`, used by hazardlib to
/// convert cm/s^2 to g).
pub const STANDARD_GRAVITY: f64 = 9.806_65;

/// Check that `value` is finite and inside `[lo, hi]`.
pub(crate) fn check_range(
    what: &'static str,
    value: f64,
    lo: f64,
    hi: f64,
    allowed: &'static str,
) -> Result<(), GroundMotionError> {
    if value.is_finite() && value >= lo && value <= hi {
        Ok(())
    } else {
        Err(GroundMotionError::OutOfRange {
            what,
            value,
            allowed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_range_reports_allowed_interval() {
        let err = check_range("dip (deg)", 95.0, 0.0, 90.0, "(0, 90]").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("dip (deg) = 95"), "{msg}");
        assert!(msg.contains("(0, 90]"), "{msg}");
        assert!(check_range("x", f64::NAN, 0.0, 1.0, "[0, 1]").is_err());
    }
}
