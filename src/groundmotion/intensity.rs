//! JMA seismic intensity (計測震度) from peak ground velocity.
//!
//! Relation (Midorikawa, Fujimoto & Muramatsu 1999, "Correlation of new
//! J.M.A. instrumental seismic intensity with former J.M.A. seismic
//! intensity and ground motion parameters", J. Inst. Social Safety Science 1):
//!
//! ```text
//! I = 2.68 + 1.72 log10(PGV)      (PGV in cm/s, larger horizontal component)
//! ```
//!
//! derived for roughly 4 <= I <= 7; outside that range it is an
//! extrapolation. The same PGV definition (larger of the two horizontal
//! components) is used by the Si & Midorikawa (1999) GMPE.
//!
//! JMA's class boundaries (震度階級: 5-lower from 4.5, …, 7 from 6.5) are listed in
//! `docs/ground-motion.md` §3.

/// Intercept of the Midorikawa et al. (1999) relation.
pub const MIDORIKAWA_1999_A: f64 = 2.68;
/// Slope of the Midorikawa et al. (1999) relation (per log10 cm/s).
pub const MIDORIKAWA_1999_B: f64 = 1.72;

/// JMA instrumental intensity from PGV in cm/s:
/// `I = 2.68 + 1.72 log10(PGV)` (Midorikawa et al. 1999).
///
/// Returns `-inf` for PGV = 0 and NaN for negative or NaN PGV.
pub fn jma_from_pgv(pgv_cms: f64) -> f64 {
    MIDORIKAWA_1999_A + MIDORIKAWA_1999_B * pgv_cms.log10()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn midorikawa_relation_values() {
        // Hand computed: 2.68 + 1.72 log10(PGV).
        assert!((jma_from_pgv(1.0) - 2.68).abs() < 1e-15);
        assert!((jma_from_pgv(10.0) - 4.40).abs() < 1e-14);
        assert!((jma_from_pgv(100.0) - 6.12).abs() < 1e-14);
        // 6-upper starts at 10^((6.0-2.68)/1.72) = 85.159 cm/s, 7 at
        // 166.315 cm/s (hand computed).
        assert!((jma_from_pgv(85.159_393_182_538_37) - 6.0).abs() < 1e-12);
        assert!((jma_from_pgv(166.314_545_212_314_7) - 6.5).abs() < 1e-12);
        assert_eq!(jma_from_pgv(0.0), f64::NEG_INFINITY);
        assert!(jma_from_pgv(-1.0).is_nan());
    }
}
