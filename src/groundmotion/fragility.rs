//! Fragility curves and damage-state sampling.
//!
//! A [`FragilityClass`] gives, for each damage state Slight, Moderate,
//! Extensive and Complete, the probability that the state is reached or
//! exceeded at a given ground motion:
//!
//! * PGA (g) or PGV (cm/s): lognormal, `P(>= ds | x) = Phi(ln(x / median) / beta)`;
//! * JMA instrumental intensity: normal in intensity units,
//!   `P(>= ds | I) = Phi((I - median) / sd)`. JMA intensity is already a
//!   logarithmic measure (I = 2.68 + 1.72 log10 PGV), so a normal CDF in I
//!   is a lognormal CDF in PGV with `beta = sd * ln(10) / 1.72`.
//!
//! Each state also carries placeholder consequences for the recovery
//! engine: whether the component is still functional, and a lognormal
//! repair time (median hours, dispersion).

use serde::{Deserialize, Serialize};

use super::common::GroundMotionError;
use super::intensity::jma_from_pgv;
use crate::base::normal::normal_cdf;

/// Damage state, ordered from none to complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum DamageState {
    /// No damage.
    None,
    /// Slight damage.
    Slight,
    /// Moderate damage.
    Moderate,
    /// Extensive damage.
    Extensive,
    /// Complete damage.
    Complete,
}

impl DamageState {
    /// All states in increasing order.
    pub const ALL: [DamageState; 5] = [
        DamageState::None,
        DamageState::Slight,
        DamageState::Moderate,
        DamageState::Extensive,
        DamageState::Complete,
    ];

    /// Index 0 (None) to 4 (Complete).
    pub fn index(self) -> usize {
        self as usize
    }

    /// Lower-case English name.
    pub fn name(self) -> &'static str {
        match self {
            DamageState::None => "none",
            DamageState::Slight => "slight",
            DamageState::Moderate => "moderate",
            DamageState::Extensive => "extensive",
            DamageState::Complete => "complete",
        }
    }
}

/// Ground-motion measure a fragility class is expressed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FragilityMeasure {
    /// Peak ground acceleration in g (lognormal curves).
    PgaG,
    /// Peak ground velocity in cm/s (lognormal curves).
    PgvCmS,
    /// JMA instrumental intensity (normal curves in intensity units).
    JmaIntensity,
}

/// One fragility curve: median and dispersion.
///
/// For [`FragilityMeasure::PgaG`] / [`FragilityMeasure::PgvCmS`] the median
/// is in g / cm/s and the dispersion is the lognormal beta (standard
/// deviation of ln). For [`FragilityMeasure::JmaIntensity`] the median is an
/// intensity and the dispersion a standard deviation in intensity units.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StateCurve {
    /// Median capacity.
    pub median: f64,
    /// Dispersion (beta, or sd for JMA intensity).
    pub dispersion: f64,
}

/// Lognormal repair time placeholder (for the recovery engine).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RepairTime {
    /// Median repair time, hours.
    pub median_hours: f64,
    /// Lognormal dispersion (standard deviation of ln hours).
    pub dispersion: f64,
}

/// What a damage state means for operations (placeholder values).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StateConsequence {
    /// Whether the component still performs its function in this state.
    pub functional: bool,
    /// Repair time to return to full function.
    pub repair: RepairTime,
}

/// Ground motion at a site, from which any [`FragilityMeasure`] is derived.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SiteGroundMotion {
    /// Peak ground acceleration, g.
    pub pga_g: f64,
    /// Peak ground velocity, cm/s.
    pub pgv_cms: f64,
}

impl SiteGroundMotion {
    /// JMA instrumental intensity from the PGV (Midorikawa et al. 1999).
    pub fn jma_intensity(&self) -> f64 {
        jma_from_pgv(self.pgv_cms)
    }

    /// The value of `measure` at this site.
    pub fn value(&self, measure: FragilityMeasure) -> f64 {
        match measure {
            FragilityMeasure::PgaG => self.pga_g,
            FragilityMeasure::PgvCmS => self.pgv_cms,
            FragilityMeasure::JmaIntensity => self.jma_intensity(),
        }
    }
}

/// HAZUS electric-power substation classes (voltage, anchoring).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SubstationClass {
    /// Low voltage (34.5-150 kV), anchored components (EP.S.L.A / ESS1).
    LowVoltageAnchored,
    /// Low voltage, unanchored (standard) components (EP.S.L.U / ESS2).
    LowVoltageUnanchored,
    /// Medium voltage (230 kV), anchored components (EP.S.M.A / ESS3).
    MediumVoltageAnchored,
    /// Medium voltage, unanchored components (EP.S.M.U / ESS4).
    MediumVoltageUnanchored,
    /// High voltage (500 kV), anchored components (EP.S.H.A / ESS5).
    HighVoltageAnchored,
    /// High voltage, unanchored components (EP.S.H.U / ESS6).
    HighVoltageUnanchored,
}

/// A component class: four fragility curves and five state consequences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FragilityClass {
    /// Short identifier, e.g. `"hazus_ep_s_m_a"`.
    pub name: String,
    /// Measure the curves are expressed in.
    pub measure: FragilityMeasure,
    /// Curves for Slight, Moderate, Extensive, Complete (in that order).
    pub curves: [StateCurve; 4],
    /// Consequences for None, Slight, Moderate, Extensive, Complete.
    pub consequences: [StateConsequence; 5],
    /// Where the numbers come from, and whether they are assumptions.
    pub source: String,
}

fn rt(median_hours: f64, dispersion: f64) -> RepairTime {
    RepairTime {
        median_hours,
        dispersion,
    }
}

fn sc(functional: bool, median_hours: f64, dispersion: f64) -> StateConsequence {
    StateConsequence {
        functional,
        repair: rt(median_hours, dispersion),
    }
}

fn curves(v: [(f64, f64); 4]) -> [StateCurve; 4] {
    v.map(|(median, dispersion)| StateCurve { median, dispersion })
}

/// PLACEHOLDER consequences for substations: functional through Slight;
/// median repair 1, 3, 7 and 30 days for Slight to Complete, dispersion 0.5.
/// The day values follow the HAZUS substation restoration means as recalled
/// (unverified); the dispersion is an assumption.
fn substation_consequences() -> [StateConsequence; 5] {
    [
        sc(true, 0.0, 0.0),
        sc(true, 24.0, 0.5),
        sc(false, 72.0, 0.5),
        sc(false, 168.0, 0.5),
        sc(false, 720.0, 0.5),
    ]
}

/// PLACEHOLDER consequences for buildings (assumption): functional through
/// Moderate; median repair 1 day, 1 week, 90 days, 1 year; dispersion 0.6.
fn building_consequences() -> [StateConsequence; 5] {
    [
        sc(true, 0.0, 0.0),
        sc(true, 24.0, 0.6),
        sc(true, 168.0, 0.6),
        sc(false, 2160.0, 0.6),
        sc(false, 8760.0, 0.6),
    ]
}

impl FragilityClass {
    /// Check the class: medians finite and non-decreasing from Slight to
    /// Complete (and > 0 for PGA/PGV), dispersions finite and > 0, repair
    /// medians and dispersions finite and >= 0.
    pub fn validate(&self) -> Result<(), GroundMotionError> {
        let bad = |reason: String| GroundMotionError::InvalidFragility {
            class: self.name.clone(),
            reason,
        };
        let states = ["slight", "moderate", "extensive", "complete"];
        for (k, c) in self.curves.iter().enumerate() {
            if !c.median.is_finite() {
                return Err(bad(format!(
                    "{} median {} is not finite",
                    states[k], c.median
                )));
            }
            if self.measure != FragilityMeasure::JmaIntensity && c.median <= 0.0 {
                return Err(bad(format!(
                    "{} median {} must be > 0",
                    states[k], c.median
                )));
            }
            if !(c.dispersion.is_finite() && c.dispersion > 0.0) {
                return Err(bad(format!(
                    "{} dispersion {} must be finite and > 0",
                    states[k], c.dispersion
                )));
            }
            if k > 0 && c.median < self.curves[k - 1].median {
                return Err(bad(format!(
                    "{} median {} is below the {} median {}",
                    states[k],
                    c.median,
                    states[k - 1],
                    self.curves[k - 1].median
                )));
            }
        }
        for (s, q) in DamageState::ALL.iter().zip(&self.consequences) {
            let r = q.repair;
            if !(r.median_hours.is_finite()
                && r.median_hours >= 0.0
                && r.dispersion.is_finite()
                && r.dispersion >= 0.0)
            {
                return Err(bad(format!(
                    "{} repair time ({} h, {}) must be finite and >= 0",
                    s.name(),
                    r.median_hours,
                    r.dispersion
                )));
            }
        }
        Ok(())
    }

    /// Probability of reaching or exceeding one curve at `x`.
    fn curve_probability(&self, c: &StateCurve, x: f64) -> f64 {
        match self.measure {
            FragilityMeasure::JmaIntensity => {
                if x.is_nan() {
                    0.0
                } else {
                    normal_cdf((x - c.median) / c.dispersion)
                }
            }
            FragilityMeasure::PgaG | FragilityMeasure::PgvCmS => {
                if x.is_nan() || x <= 0.0 {
                    0.0
                } else {
                    normal_cdf((x / c.median).ln() / c.dispersion)
                }
            }
        }
    }

    /// `P(state >= Slight | x)`, ..., `P(state >= Complete | x)` for a
    /// ground-motion value `x` in the class's measure. Where curves with
    /// different dispersions cross, each probability is capped at the one
    /// before it (running minimum), so the result is always non-increasing.
    /// Non-positive (PGA/PGV) or NaN `x` gives all zeros.
    pub fn exceedance_probabilities(&self, x: f64) -> [f64; 4] {
        let mut p = [0.0; 4];
        let mut prev = 1.0f64;
        for (k, c) in self.curves.iter().enumerate() {
            let v = self.curve_probability(c, x).min(prev);
            p[k] = v;
            prev = v;
        }
        p
    }

    /// Probability of being in each state None..Complete at `x`; sums to 1.
    pub fn state_probabilities(&self, x: f64) -> [f64; 5] {
        let e = self.exceedance_probabilities(x);
        [1.0 - e[0], e[0] - e[1], e[1] - e[2], e[2] - e[3], e[3]]
    }

    /// Sample the damage state at `x` from one uniform draw `u` in [0, 1):
    /// the highest state whose exceedance probability is greater than `u`
    /// (so `P(state >= ds) = P(>= ds | x)` exactly). Smaller `u` means more
    /// damage, which makes common random numbers across scenarios
    /// monotone.
    pub fn sample_state(&self, x: f64, u: f64) -> DamageState {
        let e = self.exceedance_probabilities(x);
        let mut s = DamageState::None;
        for (k, p) in e.iter().enumerate() {
            if u < *p {
                s = DamageState::ALL[k + 1];
            } else {
                break;
            }
        }
        s
    }

    /// [`Self::sample_state`] with the measure taken from `gm`.
    pub fn sample_state_at(&self, gm: &SiteGroundMotion, u: f64) -> DamageState {
        self.sample_state(gm.value(self.measure), u)
    }

    /// Consequence of a damage state.
    pub fn consequence(&self, state: DamageState) -> &StateConsequence {
        &self.consequences[state.index()]
    }

    /// HAZUS-MH electric substation fragility in PGA (g).
    ///
    /// Values: FEMA Hazus Earthquake Model Technical Manual (v5.1), as
    /// transcribed in NHERI-SimCenter DamageAndLossModelLibrary,
    /// `seismic/power_network/portfolio/Hazus v5.1/fragility.csv`
    /// (rows EP.S.{L,M,H}.{A,U}); (median g, beta) for Slight, Moderate,
    /// Extensive, Complete:
    ///
    /// | class | slight | moderate | extensive | complete |
    /// |---|---|---|---|---|
    /// | low, anchored | 0.15, 0.70 | 0.29, 0.55 | 0.45, 0.45 | 0.90, 0.45 |
    /// | low, unanchored | 0.13, 0.65 | 0.26, 0.50 | 0.34, 0.40 | 0.74, 0.40 |
    /// | medium, anchored | 0.15, 0.60 | 0.25, 0.50 | 0.35, 0.40 | 0.70, 0.40 |
    /// | medium, unanchored | 0.10, 0.60 | 0.20, 0.50 | 0.30, 0.40 | 0.50, 0.40 |
    /// | high, anchored | 0.11, 0.50 | 0.15, 0.45 | 0.20, 0.35 | 0.47, 0.40 |
    /// | high, unanchored | 0.09, 0.50 | 0.13, 0.40 | 0.17, 0.35 | 0.38, 0.35 |
    ///
    /// Verified against that secondary transcription only, not against the
    /// FEMA PDF. Consequences are placeholders (see module docs).
    pub fn hazus_substation(class: SubstationClass) -> FragilityClass {
        let (name, v) = match class {
            SubstationClass::LowVoltageAnchored => (
                "hazus_ep_s_l_a",
                [(0.15, 0.70), (0.29, 0.55), (0.45, 0.45), (0.90, 0.45)],
            ),
            SubstationClass::LowVoltageUnanchored => (
                "hazus_ep_s_l_u",
                [(0.13, 0.65), (0.26, 0.50), (0.34, 0.40), (0.74, 0.40)],
            ),
            SubstationClass::MediumVoltageAnchored => (
                "hazus_ep_s_m_a",
                [(0.15, 0.60), (0.25, 0.50), (0.35, 0.40), (0.70, 0.40)],
            ),
            SubstationClass::MediumVoltageUnanchored => (
                "hazus_ep_s_m_u",
                [(0.10, 0.60), (0.20, 0.50), (0.30, 0.40), (0.50, 0.40)],
            ),
            SubstationClass::HighVoltageAnchored => (
                "hazus_ep_s_h_a",
                [(0.11, 0.50), (0.15, 0.45), (0.20, 0.35), (0.47, 0.40)],
            ),
            SubstationClass::HighVoltageUnanchored => (
                "hazus_ep_s_h_u",
                [(0.09, 0.50), (0.13, 0.40), (0.17, 0.35), (0.38, 0.35)],
            ),
        };
        FragilityClass {
            name: name.to_string(),
            measure: FragilityMeasure::PgaG,
            curves: curves(v),
            consequences: substation_consequences(),
            source: "Hazus 5.1 substation fragility (via NHERI-SimCenter \
                     DamageAndLossModelLibrary transcription); consequences are placeholders"
                .to_string(),
        }
    }

    /// ASSUMPTION: a facility designed to stay operational through JMA
    /// 6-upper (震度6強), in JMA intensity, sd 0.3 for every state:
    /// Slight 5.8, Moderate 6.2, Extensive 6.6, Complete 7.0 (complete-damage
    /// median above the 7 threshold of 6.5; P(complete | I = 6.5) = 4.8 %).
    /// Not from a published source. Consequences are building placeholders.
    pub fn jma_6upper_design() -> FragilityClass {
        FragilityClass {
            name: "jma_6upper_design".to_string(),
            measure: FragilityMeasure::JmaIntensity,
            curves: curves([(5.8, 0.3), (6.2, 0.3), (6.6, 0.3), (7.0, 0.3)]),
            consequences: building_consequences(),
            source: "assumption (designed for JMA 6-upper); not published values".to_string(),
        }
    }

    /// ASSUMPTION: an ordinary office building designed to the 1981 (新耐震)
    /// code, in JMA intensity, sd 0.4: Slight 5.3, Moderate 5.8, Extensive
    /// 6.3, Complete 6.8. Not from a published source.
    pub fn ordinary_office_post1981() -> FragilityClass {
        FragilityClass {
            name: "ordinary_office_post1981".to_string(),
            measure: FragilityMeasure::JmaIntensity,
            curves: curves([(5.3, 0.4), (5.8, 0.4), (6.3, 0.4), (6.8, 0.4)]),
            consequences: building_consequences(),
            source: "assumption (ordinary office, post-1981 code); not published values"
                .to_string(),
        }
    }

    /// ASSUMPTION: an office building designed before the 1981 code (旧耐震),
    /// in JMA intensity, sd 0.4: Slight 5.0, Moderate 5.5, Extensive 6.0,
    /// Complete 6.4. Not from a published source.
    pub fn ordinary_office_pre1981() -> FragilityClass {
        FragilityClass {
            name: "ordinary_office_pre1981".to_string(),
            measure: FragilityMeasure::JmaIntensity,
            curves: curves([(5.0, 0.4), (5.5, 0.4), (6.0, 0.4), (6.4, 0.4)]),
            consequences: building_consequences(),
            source: "assumption (office, pre-1981 code); not published values".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn all_defaults() -> Vec<FragilityClass> {
        let mut v: Vec<FragilityClass> = [
            SubstationClass::LowVoltageAnchored,
            SubstationClass::LowVoltageUnanchored,
            SubstationClass::MediumVoltageAnchored,
            SubstationClass::MediumVoltageUnanchored,
            SubstationClass::HighVoltageAnchored,
            SubstationClass::HighVoltageUnanchored,
        ]
        .into_iter()
        .map(FragilityClass::hazus_substation)
        .collect();
        v.push(FragilityClass::jma_6upper_design());
        v.push(FragilityClass::ordinary_office_post1981());
        v.push(FragilityClass::ordinary_office_pre1981());
        v
    }

    #[test]
    fn defaults_validate_and_half_at_median() {
        for c in all_defaults() {
            c.validate().unwrap();
            for (k, curve) in c.curves.iter().enumerate() {
                let p = c.curve_probability(curve, curve.median);
                assert!((p - 0.5).abs() < 1e-15, "{} curve {k}", c.name);
            }
        }
    }

    #[test]
    fn lognormal_values_hand_computed() {
        // Hand computed with Python: Phi(ln(0.3/median)/beta) for EP.S.M.A.
        let c = FragilityClass::hazus_substation(SubstationClass::MediumVoltageAnchored);
        let p = c.exceedance_probabilities(0.3);
        let want = [
            0.876_005_005_747_136_5,
            0.642_311_086_236_839_5,
            0.349_979_171_518_973_06,
            0.017_077_176_735_333_56,
        ];
        for k in 0..4 {
            assert!(
                (p[k] - want[k]).abs() < 1e-14,
                "{k}: {} vs {}",
                p[k],
                want[k]
            );
        }
        assert_eq!(c.exceedance_probabilities(0.0), [0.0; 4]);
        assert_eq!(c.exceedance_probabilities(f64::NAN), [0.0; 4]);
    }

    #[test]
    fn jma_normal_values_hand_computed() {
        let c = FragilityClass::jma_6upper_design();
        let p = c.exceedance_probabilities(6.5);
        // Phi((6.5 - 7.0)/0.3) and Phi((6.5 - 6.6)/0.3), Python.
        assert!((p[3] - 0.047_790_352_272_814_7).abs() < 1e-14);
        assert!((p[2] - 0.369_441_340_181_764_1).abs() < 1e-14);
        // Equivalent lognormal in PGV: beta = sd ln10 / 1.72.
        let gm = SiteGroundMotion {
            pga_g: 0.5,
            pgv_cms: 120.0,
        };
        let i = gm.jma_intensity();
        let beta = 0.3 * std::f64::consts::LN_10 / 1.72;
        let pgv_med = super::super::intensity::pgv_from_jma(7.0);
        let via_pgv = crate::base::normal::normal_cdf((120.0f64 / pgv_med).ln() / beta);
        assert!((c.exceedance_probabilities(i)[3] - via_pgv).abs() < 1e-12);
        assert_eq!(gm.value(FragilityMeasure::PgaG), 0.5);
        assert_eq!(gm.value(FragilityMeasure::PgvCmS), 120.0);
    }

    #[test]
    fn state_probabilities_sum_to_one_and_are_nonnegative() {
        for c in all_defaults() {
            for k in 0..200 {
                let x = match c.measure {
                    FragilityMeasure::JmaIntensity => 3.0 + k as f64 * 0.025,
                    _ => 0.005 * (k + 1) as f64,
                };
                let p = c.state_probabilities(x);
                let s: f64 = p.iter().sum();
                assert!((s - 1.0).abs() < 1e-12);
                assert!(p.iter().all(|&q| q >= 0.0), "{} at {x}: {p:?}", c.name);
            }
        }
    }

    #[test]
    fn crossing_curves_are_made_monotone() {
        // Complete with a much larger beta than Extensive crosses it at low x.
        let c = FragilityClass {
            name: "crossing".into(),
            measure: FragilityMeasure::PgaG,
            curves: curves([(0.2, 0.3), (0.3, 0.3), (0.4, 0.2), (0.5, 1.5)]),
            consequences: substation_consequences(),
            source: "test".into(),
        };
        c.validate().unwrap();
        let raw_complete = c.curve_probability(&c.curves[3], 0.1);
        let raw_ext = c.curve_probability(&c.curves[2], 0.1);
        assert!(raw_complete > raw_ext);
        let e = c.exceedance_probabilities(0.1);
        assert!(e.windows(2).all(|w| w[0] >= w[1]));
        assert!(c.state_probabilities(0.1).iter().all(|&q| q >= 0.0));
    }

    #[test]
    fn sampling_is_monotone_in_u_and_matches_probabilities() {
        let c = FragilityClass::hazus_substation(SubstationClass::LowVoltageAnchored);
        let x = 0.4;
        // Monotone: smaller u never gives less damage.
        let mut prev = DamageState::Complete;
        for k in 0..1000 {
            let u = k as f64 / 1000.0;
            let s = c.sample_state(x, u);
            assert!(s <= prev);
            prev = s;
        }
        assert_eq!(c.sample_state(x, 0.0), DamageState::Complete);
        assert_eq!(c.sample_state(x, 0.999_999), DamageState::None);
        // Frequencies: N = 100,000 uniform draws (Xoshiro256PlusPlus seed
        // 42); tolerance 4 binomial standard errors sqrt(p(1-p)/N).
        let n = 100_000;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(42);
        let mut counts = [0usize; 5];
        for _ in 0..n {
            counts[c.sample_state(x, rng.random::<f64>()).index()] += 1;
        }
        let p = c.state_probabilities(x);
        for k in 0..5 {
            let f = counts[k] as f64 / n as f64;
            let se = (p[k] * (1.0 - p[k]) / n as f64).sqrt();
            assert!(
                (f - p[k]).abs() < 4.0 * se + 1e-12,
                "state {k}: {f} vs {}",
                p[k]
            );
        }
    }

    #[test]
    fn sample_state_at_uses_class_measure() {
        let c = FragilityClass::ordinary_office_post1981();
        // PGV 200 cm/s -> I = 6.64: u = 0.3 < P(>= complete) = Phi(-0.4) = 0.34.
        let gm = SiteGroundMotion {
            pga_g: 0.01,
            pgv_cms: 200.0,
        };
        assert_eq!(c.sample_state_at(&gm, 0.3), DamageState::Complete);
        let calm = SiteGroundMotion {
            pga_g: 0.01,
            pgv_cms: 1.0,
        };
        assert_eq!(c.sample_state_at(&calm, 0.01), DamageState::None);
    }

    #[test]
    fn validation_errors() {
        let mut c = FragilityClass::hazus_substation(SubstationClass::HighVoltageAnchored);
        c.curves[2].median = 0.1;
        let e = c.validate().unwrap_err();
        assert!(e.to_string().contains("below the moderate median"), "{e}");
        let mut c = FragilityClass::jma_6upper_design();
        c.curves[0].dispersion = 0.0;
        assert!(c.validate().is_err());
        let mut c = FragilityClass::hazus_substation(SubstationClass::HighVoltageAnchored);
        c.curves[0].median = -0.1;
        assert!(c.validate().is_err());
        let mut c = FragilityClass::jma_6upper_design();
        c.consequences[4].repair.median_hours = f64::NAN;
        assert!(c.validate().is_err());
    }

    #[test]
    fn consequences_placeholders() {
        let c = FragilityClass::hazus_substation(SubstationClass::MediumVoltageAnchored);
        assert!(c.consequence(DamageState::Slight).functional);
        assert!(!c.consequence(DamageState::Moderate).functional);
        assert_eq!(
            c.consequence(DamageState::Complete).repair.median_hours,
            720.0
        );
        let b = FragilityClass::ordinary_office_post1981();
        assert!(b.consequence(DamageState::Moderate).functional);
        assert!(!b.consequence(DamageState::Extensive).functional);
        assert_eq!(DamageState::Extensive.name(), "extensive");
        assert!(DamageState::None < DamageState::Complete);
    }
}
