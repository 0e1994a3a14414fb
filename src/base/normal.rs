//! The standard normal: erf, erfc, Phi and its inverse.

// ---------------------------------------------------------------------------
// Error function: W. J. Cody, "Rational Chebyshev approximations for the error
// function", Math. Comp. 23 (1969) 631-637, as implemented in the SPECFUN
// routine CALERF (netlib). Maximum relative error ~1e-16 (near double
// precision) on each of the three intervals.
// ---------------------------------------------------------------------------

// Published coefficients kept verbatim (more digits than f64 holds).
#[allow(clippy::excessive_precision)]
const ERF_A: [f64; 5] = [
    3.161_123_743_870_565_6e0,
    1.138_641_541_510_501_6e2,
    3.774_852_376_853_020_2e2,
    3.209_377_589_138_469_5e3,
    1.857_777_061_846_031_5e-1,
];
// Published coefficients kept verbatim (more digits than f64 holds).
#[allow(clippy::excessive_precision)]
const ERF_B: [f64; 4] = [
    2.360_129_095_234_412e1,
    2.440_246_379_344_441_7e2,
    1.282_616_526_077_372_3e3,
    2.844_236_833_439_170_6e3,
];
// Published coefficients kept verbatim (more digits than f64 holds).
#[allow(clippy::excessive_precision)]
const ERF_C: [f64; 9] = [
    5.641_884_969_886_701e-1,
    8.883_149_794_388_376,
    6.611_919_063_714_163e1,
    2.986_351_381_974_001_3e2,
    8.819_522_212_417_691e2,
    1.712_047_612_634_070_6e3,
    2.051_078_377_826_071_5e3,
    1.230_339_354_797_997_2e3,
    2.153_115_354_744_038_5e-8,
];
// Published coefficients kept verbatim (more digits than f64 holds).
#[allow(clippy::excessive_precision)]
const ERF_D: [f64; 8] = [
    1.574_492_611_070_983_5e1,
    1.176_939_508_913_125e2,
    5.371_811_018_620_099e2,
    1.621_389_574_566_690_2e3,
    3.290_799_235_733_459_7e3,
    4.362_619_090_143_247e3,
    3.439_367_674_143_721_6e3,
    1.230_339_354_803_749_4e3,
];
// Published coefficients kept verbatim (more digits than f64 holds).
#[allow(clippy::excessive_precision)]
const ERF_P: [f64; 6] = [
    3.053_266_349_612_323_4e-1,
    3.603_448_999_498_044_4e-1,
    1.257_817_261_112_292_5e-1,
    1.608_378_514_874_227_7e-2,
    6.587_491_615_298_378e-4,
    1.631_538_713_730_209_8e-2,
];
// Published coefficients kept verbatim (more digits than f64 holds).
#[allow(clippy::excessive_precision)]
const ERF_Q: [f64; 5] = [
    2.568_520_192_289_822,
    1.872_952_849_923_467_3,
    5.279_051_029_514_284e-1,
    6.051_834_131_244_132e-2,
    2.335_204_976_268_691_8e-3,
];
/// 1 / sqrt(pi).
const FRAC_1_SQRT_PI: f64 = 5.641_895_835_477_563e-1;

/// exp(-y^2) computed as exp(-ysq^2) * exp(-(y - ysq)(y + ysq)) with ysq = y
/// rounded down to a multiple of 1/16, which avoids the cancellation error of
/// squaring a large y directly (Cody's trick).
fn exp_minus_square(y: f64) -> f64 {
    let ysq = (y * 16.0).trunc() / 16.0;
    let del = (y - ysq) * (y + ysq);
    (-ysq * ysq).exp() * (-del).exp()
}

/// erfc(y) for y > 0.46875 (Cody's second and third intervals).
fn erfc_positive_tail(y: f64) -> f64 {
    if y <= 4.0 {
        let mut xnum = ERF_C[8] * y;
        let mut xden = y;
        for i in 0..7 {
            xnum = (xnum + ERF_C[i]) * y;
            xden = (xden + ERF_D[i]) * y;
        }
        let r = (xnum + ERF_C[7]) / (xden + ERF_D[7]);
        exp_minus_square(y) * r
    } else if y >= 26.55 {
        // erfc(26.55) ~ 1e-308: below this the result underflows.
        0.0
    } else {
        let ysq = 1.0 / (y * y);
        let mut xnum = ERF_P[5] * ysq;
        let mut xden = ysq;
        for i in 0..4 {
            xnum = (xnum + ERF_P[i]) * ysq;
            xden = (xden + ERF_Q[i]) * ysq;
        }
        let r = ysq * (xnum + ERF_P[4]) / (xden + ERF_Q[4]);
        let r = (FRAC_1_SQRT_PI - r) / y;
        exp_minus_square(y) * r
    }
}

/// erf(x) for |x| <= 0.46875 (Cody's first interval).
fn erf_small(x: f64) -> f64 {
    let y = x.abs();
    let ysq = if y > 1.11e-16 { y * y } else { 0.0 };
    let mut xnum = ERF_A[4] * ysq;
    let mut xden = ysq;
    for i in 0..3 {
        xnum = (xnum + ERF_A[i]) * ysq;
        xden = (xden + ERF_B[i]) * ysq;
    }
    x * (xnum + ERF_A[3]) / (xden + ERF_B[3])
}

/// The error function erf(x), accurate to about 1e-16 relative
/// (W. J. Cody 1969 rational Chebyshev approximations, as in SPECFUN CALERF).
pub fn erf(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let y = x.abs();
    if y <= 0.468_75 {
        erf_small(x)
    } else {
        let r = 0.5 - erfc_positive_tail(y) + 0.5;
        if x < 0.0 {
            -r
        } else {
            r
        }
    }
}

/// The complementary error function erfc(x) = 1 - erf(x), accurate to about
/// 1e-16 relative even deep in the upper tail (W. J. Cody 1969).
pub fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let y = x.abs();
    if y <= 0.468_75 {
        1.0 - erf_small(x)
    } else {
        let r = erfc_positive_tail(y);
        if x < 0.0 {
            2.0 - r
        } else {
            r
        }
    }
}

/// Standard normal cumulative distribution function Phi(x).
///
/// Computed as erfc(-x / sqrt 2) / 2 so that the lower tail keeps full
/// relative accuracy (e.g. Phi(-10) = 7.6e-24 to ~1e-15 relative).
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x * std::f64::consts::FRAC_1_SQRT_2)
}

/// Acklam's rational approximation of Phi^-1 (relative error 1.15e-9), in two pieces so that
/// the refined and the fast quantile share one set of coefficients.
mod acklam {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    /// Below this p the tail form is used.
    pub(super) const P_LOW: f64 = 0.024_25;

    /// Lower tail, p < `P_LOW`.
    #[inline]
    pub(super) fn tail(p: f64) -> f64 {
        let r = (-2.0 * p.ln()).sqrt();
        (((((C[0] * r + C[1]) * r + C[2]) * r + C[3]) * r + C[4]) * r + C[5])
            / ((((D[0] * r + D[1]) * r + D[2]) * r + D[3]) * r + 1.0)
    }

    /// Central region, `u` = p - 0.5.
    #[inline]
    pub(super) fn central(u: f64) -> f64 {
        let r = u * u;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * u
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

/// Inverse of the standard normal CDF, Phi^-1(p), for p in (0, 1).
///
/// Returns `-inf` for p = 0, `+inf` for p = 1 and NaN outside [0, 1].
/// Uses P. J. Acklam's rational approximation (relative error 1.15e-9)
/// followed by one Halley step against the accurate [`normal_cdf`], which
/// brings the result to ~1e-15 relative over the whole range.
pub fn normal_inv_cdf(p: f64) -> f64 {
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    // Work in the lower half for accuracy; reflect at the end.
    let (q, sign) = if p > 0.5 { (1.0 - p, -1.0) } else { (p, 1.0) };
    // For p > 0.5 the complement 1 - p is exact in binary floating point
    // only to the absolute precision of p (~1e-16), which is the precision p
    // itself carries; the answer is accurate to that.
    let x0 = if q < acklam::P_LOW {
        acklam::tail(q)
    } else {
        acklam::central(q - 0.5)
    };
    // x0 solves Phi(x0) = q (lower half, x0 <= 0). Refine with Halley's
    // method on the lower-tail form, which is accurate in relative terms.
    let mut x = x0;
    for _ in 0..2 {
        let e = normal_cdf(x) - q;
        let u = e * (2.0 * std::f64::consts::PI).sqrt() * (0.5 * x * x).exp();
        if !u.is_finite() {
            break;
        }
        x -= u / (1.0 + 0.5 * x * u);
    }
    sign * x
}

/// Acklam's approximation alone, without the refinement steps (relative error below
/// 1.2e-9): ample for sampling repair and restoration durations, and much cheaper than
/// [`normal_inv_cdf`], which is kept where agreement with hazardlib matters.
pub fn fast_normal_quantile(p: f64) -> f64 {
    if p < acklam::P_LOW {
        acklam::tail(p)
    } else if p <= 1.0 - acklam::P_LOW {
        acklam::central(p - 0.5)
    } else {
        -fast_normal_quantile(1.0 - p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(a: f64, b: f64) -> f64 {
        if b == 0.0 {
            a.abs()
        } else {
            ((a - b) / b).abs()
        }
    }

    // Reference values: CPython 3 `math.erf` / `math.erfc` (correctly rounded
    // to within 1 ulp), printed with repr().
    const ERF_REF: [(f64, f64, f64); 16] = [
        (1e-10, 1.128_379_167_095_512_6e-10, 0.999_999_999_887_162),
        (0.1, 0.112_462_916_018_284_9, 0.887_537_083_981_715_2),
        (0.3, 0.328_626_759_459_127_4, 0.671_373_240_540_872_6),
        (0.46875, 0.492_613_473_217_937_97, 0.507_386_526_782_062),
        (0.5, 0.520_499_877_813_046_5, 0.479_500_122_186_953_5),
        (0.8, 0.742_100_964_707_660_5, 0.257_899_035_292_339_5),
        (1.0, 0.842_700_792_949_714_9, 0.157_299_207_050_285_13),
        (1.5, 0.966_105_146_475_310_8, 0.033_894_853_524_689_274),
        (2.0, 0.995_322_265_018_952_7, 0.004_677_734_981_047_265),
        (3.0, 0.999_977_909_503_001_4, 2.209_049_699_858_543_8e-5),
        (4.0, 0.999_999_984_582_742_1, 1.541_725_790_028_002e-8),
        (4.5, 0.999_999_999_803_383_9, 1.966_160_441_542_887_3e-10),
        (5.0, 0.999_999_999_998_462_6, 1.537_459_794_428_035_1e-12),
        (6.0, 1.0, 2.151_973_671_249_891_6e-17),
        (10.0, 1.0, 2.088_487_583_762_545e-45),
        (26.0, 1.0, 5.663_192_408_856_143e-296),
    ];

    #[test]
    fn erf_and_erfc_match_reference_values() {
        for &(x, e, ec) in ERF_REF.iter() {
            assert!(rel(erf(x), e) < 1e-15, "erf({x}) = {} vs {e}", erf(x));
            assert!(rel(erf(-x), -e) < 1e-15, "erf(-{x})");
            assert!(rel(erfc(x), ec) < 2e-15, "erfc({x}) = {} vs {ec}", erfc(x));
            assert!(rel(erfc(-x), 2.0 - ec) < 1e-15, "erfc(-{x})");
        }
        assert_eq!(erf(0.0), 0.0);
        assert_eq!(erfc(0.0), 1.0);
        assert_eq!(erfc(30.0), 0.0);
        assert_eq!(erfc(-30.0), 2.0);
        assert!(erf(f64::NAN).is_nan());
    }

    #[test]
    fn normal_cdf_matches_reference_values() {
        // Reference: CPython 0.5*math.erfc(-x/sqrt(2)).
        let refs = [
            (-20.0, 2.753_624_118_606_331_4e-89),
            (-10.0, 7.619_853_024_160_593e-24),
            (-5.0, 2.866_515_718_791_946e-7),
            (-3.0, 0.001_349_898_031_630_095_7),
            (-1.96, 0.024_997_895_148_220_435),
            (-1.0, 0.158_655_253_931_457_07),
            (0.0, 0.5),
            (1.0, 0.841_344_746_068_542_9),
            (1.96, 0.975_002_104_851_779_5),
            (3.0, 0.998_650_101_968_369_9),
            (5.0, 0.999_999_713_348_428_1),
        ];
        for (x, p) in refs {
            // erfc(t) has relative condition number ~2 t^2, so a 1-ulp
            // difference in -x/sqrt(2) (multiplication here, division in the
            // reference) moves the result by ~x^2 * 1.1e-16 relative.
            let tol = 5e-15 * f64::max(f64::abs(x), 1.0).powi(2);
            assert!(
                rel(normal_cdf(x), p) < tol,
                "Phi({x})={:e} vs {p:e}",
                normal_cdf(x)
            );
        }
    }

    #[test]
    fn normal_inv_cdf_matches_reference_values() {
        // Reference: CPython statistics.NormalDist().inv_cdf (Wichura AS241).
        let refs = [
            (1e-300, -37.047_096_299_361_2),
            (1e-20, -9.262_340_089_798_405),
            (1e-10, -6.361_340_902_404_056),
            (1e-5, -4.264_890_793_922_825_6),
            (0.001, -3.090_232_306_167_813),
            (0.02425, -1.972_961_051_311_884_5),
            (0.025, -1.959_963_984_540_053_8),
            (0.1, -1.281_551_565_544_600_8),
            (0.9, 1.281_551_565_544_600_8),
            (0.975, 1.959_963_984_540_053_6),
            (0.999, 3.090_232_306_167_813),
        ];
        for (p, x) in refs {
            let got = normal_inv_cdf(p);
            assert!(rel(got, x) < 1e-14, "inv({p}) = {got} vs {x}");
        }
        assert_eq!(normal_inv_cdf(0.5), 0.0);
        assert_eq!(normal_inv_cdf(0.0), f64::NEG_INFINITY);
        assert_eq!(normal_inv_cdf(1.0), f64::INFINITY);
        assert!(normal_inv_cdf(1.5).is_nan());
        assert!(normal_inv_cdf(-0.1).is_nan());
    }

    #[test]
    fn normal_inv_cdf_round_trips() {
        let ps = [
            1e-12,
            3e-9,
            1e-6,
            1e-4,
            0.01,
            0.024,
            0.025,
            0.2,
            0.3,
            0.4999,
            0.5001,
            0.7,
            0.9,
            0.97,
            0.99,
            0.9999,
            1.0 - 1e-7,
        ];
        for p in ps {
            let x = normal_inv_cdf(p);
            let back = normal_cdf(x);
            // Compare in the smaller tail to keep relative precision.
            let (a, b) = if p < 0.5 {
                (back, p)
            } else {
                (1.0 - back, 1.0 - p)
            };
            assert!(rel(a, b) < 1e-9, "round trip at p = {p}: {a} vs {b}");
        }
    }
}
