//! JMA seismic intensity (計測震度) from peak ground velocity, and the JMA
//! intensity classes (震度階級).
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
//! Class boundaries (JMA): 5-lower from 4.5, 5-upper from 5.0, 6-lower from
//! 5.5, 6-upper from 6.0, 7 from 6.5; below 4.5 is reported here as
//! "4 or less".

use serde::{Deserialize, Serialize};

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

/// Inverse of [`jma_from_pgv`]: the PGV (cm/s) that gives intensity `i`.
pub fn pgv_from_jma(i: f64) -> f64 {
    10f64.powf((i - MIDORIKAWA_1999_A) / MIDORIKAWA_1999_B)
}

/// The intensity as JMA reports it: rounded to two decimals, then truncated
/// to one decimal (JMA's procedure for the published 計測震度). Classes from
/// [`JmaClass::from_intensity`] applied to this value reproduce JMA's
/// published class; applied to the raw value they differ only within 0.005
/// below a boundary.
pub fn jma_reported_intensity(i: f64) -> f64 {
    let hundredths = (i * 100.0).round();
    // Truncate toward -inf at the tenth (JMA intensities of interest are > 0).
    (hundredths / 10.0).floor() / 10.0
}

/// JMA seismic intensity class (震度階級), grouped for this simulator:
/// everything below 5-lower is [`JmaClass::FourOrLess`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum JmaClass {
    /// 震度4以下: I < 4.5.
    FourOrLess,
    /// 震度5弱: 4.5 <= I < 5.0.
    FiveLower,
    /// 震度5強: 5.0 <= I < 5.5.
    FiveUpper,
    /// 震度6弱: 5.5 <= I < 6.0.
    SixLower,
    /// 震度6強: 6.0 <= I < 6.5.
    SixUpper,
    /// 震度7: I >= 6.5.
    Seven,
}

impl JmaClass {
    /// All classes in increasing order.
    pub const ALL: [JmaClass; 6] = [
        JmaClass::FourOrLess,
        JmaClass::FiveLower,
        JmaClass::FiveUpper,
        JmaClass::SixLower,
        JmaClass::SixUpper,
        JmaClass::Seven,
    ];

    /// Class of an instrumental intensity value (boundaries inclusive at
    /// the lower end). NaN maps to [`JmaClass::FourOrLess`].
    pub fn from_intensity(i: f64) -> JmaClass {
        if i >= 6.5 {
            JmaClass::Seven
        } else if i >= 6.0 {
            JmaClass::SixUpper
        } else if i >= 5.5 {
            JmaClass::SixLower
        } else if i >= 5.0 {
            JmaClass::FiveUpper
        } else if i >= 4.5 {
            JmaClass::FiveLower
        } else {
            JmaClass::FourOrLess
        }
    }

    /// Class of a PGV in cm/s via [`jma_from_pgv`].
    pub fn from_pgv(pgv_cms: f64) -> JmaClass {
        JmaClass::from_intensity(jma_from_pgv(pgv_cms))
    }

    /// Lower bound of the class in instrumental intensity (`None` for
    /// [`JmaClass::FourOrLess`]).
    pub fn lower_bound(self) -> Option<f64> {
        match self {
            JmaClass::FourOrLess => None,
            JmaClass::FiveLower => Some(4.5),
            JmaClass::FiveUpper => Some(5.0),
            JmaClass::SixLower => Some(5.5),
            JmaClass::SixUpper => Some(6.0),
            JmaClass::Seven => Some(6.5),
        }
    }

    /// Japanese name, e.g. "震度6強".
    pub fn japanese_name(self) -> &'static str {
        match self {
            JmaClass::FourOrLess => "震度4以下",
            JmaClass::FiveLower => "震度5弱",
            JmaClass::FiveUpper => "震度5強",
            JmaClass::SixLower => "震度6弱",
            JmaClass::SixUpper => "震度6強",
            JmaClass::Seven => "震度7",
        }
    }

    /// English name, e.g. "6-upper".
    pub fn english_name(self) -> &'static str {
        match self {
            JmaClass::FourOrLess => "4 or less",
            JmaClass::FiveLower => "5-lower",
            JmaClass::FiveUpper => "5-upper",
            JmaClass::SixLower => "6-lower",
            JmaClass::SixUpper => "6-upper",
            JmaClass::Seven => "7",
        }
    }
}

impl std::fmt::Display for JmaClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.english_name())
    }
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
        // PGV at the class boundaries.
        for i in [4.5, 5.0, 5.5, 6.0, 6.5] {
            let v = pgv_from_jma(i);
            assert!((jma_from_pgv(v) - i).abs() < 1e-12);
        }
        // 6-upper starts at 10^((6.0-2.68)/1.72) = 85.159 cm/s, 7 at
        // 166.315 cm/s (hand computed).
        assert!((pgv_from_jma(6.0) - 85.159_393_182_538_37).abs() < 1e-10);
        assert!((pgv_from_jma(6.5) - 166.314_545_212_314_7).abs() < 1e-10);
        assert_eq!(jma_from_pgv(0.0), f64::NEG_INFINITY);
        assert!(jma_from_pgv(-1.0).is_nan());
    }

    #[test]
    fn class_boundaries() {
        let cases = [
            (3.0, JmaClass::FourOrLess),
            (4.499_999, JmaClass::FourOrLess),
            (4.5, JmaClass::FiveLower),
            (4.99, JmaClass::FiveLower),
            (5.0, JmaClass::FiveUpper),
            (5.5, JmaClass::SixLower),
            (5.999, JmaClass::SixLower),
            (6.0, JmaClass::SixUpper),
            (6.49, JmaClass::SixUpper),
            (6.5, JmaClass::Seven),
            (7.3, JmaClass::Seven),
            (f64::NAN, JmaClass::FourOrLess),
        ];
        for (i, c) in cases {
            assert_eq!(JmaClass::from_intensity(i), c, "I = {i}");
        }
        assert_eq!(JmaClass::from_pgv(100.0), JmaClass::SixUpper);
        assert_eq!(JmaClass::from_pgv(200.0), JmaClass::Seven);
        // Classes are ordered and lower bounds increase.
        for w in JmaClass::ALL.windows(2) {
            assert!(w[0] < w[1]);
            if let (Some(a), Some(b)) = (w[0].lower_bound(), w[1].lower_bound()) {
                assert!(a < b);
            }
            let lb = w[1].lower_bound().unwrap();
            assert_eq!(JmaClass::from_intensity(lb), w[1]);
        }
    }

    #[test]
    fn names() {
        let jp: Vec<_> = JmaClass::ALL.iter().map(|c| c.japanese_name()).collect();
        assert_eq!(
            jp,
            [
                "震度4以下",
                "震度5弱",
                "震度5強",
                "震度6弱",
                "震度6強",
                "震度7"
            ]
        );
        let en: Vec<_> = JmaClass::ALL.iter().map(|c| c.english_name()).collect();
        assert_eq!(
            en,
            ["4 or less", "5-lower", "5-upper", "6-lower", "6-upper", "7"]
        );
        assert_eq!(JmaClass::SixLower.to_string(), "6-lower");
    }

    #[test]
    fn reported_intensity_rounding() {
        // 5.496 rounds to 5.50 -> reported 5.5 (6-lower); 5.494 -> 5.49 -> 5.4.
        assert!((jma_reported_intensity(5.496) - 5.5).abs() < 1e-12);
        assert!((jma_reported_intensity(5.494) - 5.4).abs() < 1e-12);
        assert!((jma_reported_intensity(6.07) - 6.0).abs() < 1e-12);
        assert_eq!(
            JmaClass::from_intensity(jma_reported_intensity(5.496)),
            JmaClass::SixLower
        );
    }
}
