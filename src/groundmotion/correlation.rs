//! Spatially correlated within-event fields after Jayaram & Baker (2009).
//!
//! The within-event residual of one event at sites i = 1..n is `eps = L z`, with
//! `z ~ N(0, I_n)`, `L L^T = R` and `R_ij = exp(-3 h_ij / b)`; `h_ij` is the great-circle
//! distance between sites and `b` the range of [`Jb2009`]. The simulator draws `z` (and the
//! between-event term, and the split of sigma between the two) itself; this file gives the
//! range and the exact factor [`SpatialCorrelation`]. For many sites see
//! [`super::vecchia::Vecchia`].

use serde::{Deserialize, Serialize};

use super::common::{check_range, GroundMotionError, Imt};
use crate::geo::{chord_distance_km, unit_vector, LatLon};

/// Jayaram & Baker (2009) site-condition case for the range parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Vs30Clustering {
    /// Case 1 (eq. 17): Vs30 values show no clustering; hazardlib
    /// `vs30_clustering=False` (its default).
    NotClustered,
    /// Case 2 (eq. 18): Vs30 values are clustered; hazardlib
    /// `vs30_clustering=True`.
    Clustered,
}

/// Jayaram & Baker (2009) exponential correlation model, as implemented by
/// OpenQuake's `JB2009CorrelationModel` (`openquake/hazardlib/correlation.py`)
/// after the PGV fix (gem/oq-engine PR #11598: PGV is treated as SA(1.0)):
///
/// ```text
/// rho(h) = exp(-3 h / b)
/// T < 1 s:  b = 8.5 + 17.2 T (case 1)   or   b = 40.7 - 15.0 T (case 2)
/// T >= 1 s: b = 22.0 + 3.7 T (both cases)
/// PGA: T = 0   -> b = 8.5 km (case 1) or 40.7 km (case 2)
/// PGV: T = 1 s -> b = 25.7 km (both cases)
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Jb2009 {
    /// Site-condition case.
    pub clustering: Vs30Clustering,
}

impl Jb2009 {
    /// Range parameter `b` in km for an IMT.
    pub fn range_km(&self, imt: Imt) -> f64 {
        let period = match imt {
            Imt::Pga => 0.0,
            Imt::Pgv => 1.0,
        };
        if period < 1.0 {
            match self.clustering {
                Vs30Clustering::NotClustered => 8.5 + 17.2 * period,
                Vs30Clustering::Clustered => 40.7 - 15.0 * period,
            }
        } else {
            22.0 + 3.7 * period
        }
    }
}

/// Dot product with 8 independent accumulators (lets the compiler
/// vectorise without reassociating a single sum).
#[inline]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    debug_assert_eq!(a.len(), b.len());
    let mut acc = [0.0f64; 8];
    let ca = a.chunks_exact(8);
    let cb = b.chunks_exact(8);
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut tail = 0.0;
    for (x, y) in ra.iter().zip(rb) {
        tail += x * y;
    }
    ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail
}

/// Start of row `i` in packed row-major lower-triangular storage.
#[inline]
fn row_start(i: usize) -> usize {
    i * (i + 1) / 2
}

/// Diagonal jitters tried in turn when the correlation matrix is not
/// numerically positive definite (e.g. duplicate sites, or hundreds of
/// sites within a few hundred metres). The factored matrix is
/// `(R + eps I) / (1 + eps)`, which keeps a unit diagonal.
const JITTERS: [f64; 5] = [0.0, 1e-10, 1e-8, 1e-6, 1e-4];

/// Cholesky factor of the spatial correlation matrix of a fixed set of sites,
/// for sampling correlated standard-normal fields.
///
/// Built once per site set and correlation range (O(n^3 / 3) time, n(n+1)/2
/// doubles of memory: 16 MB for 2,000 sites); each field is then a
/// lower-triangular matrix-vector product (O(n^2)).
#[derive(Debug, Clone)]
pub struct SpatialCorrelation {
    n: usize,
    /// Packed row-major lower triangle of L: row i holds L[i][0..=i].
    chol: Vec<f64>,
}

impl SpatialCorrelation {
    /// Factor the correlation matrix `R_ij = exp(-3 h_ij / range_km)` of
    /// `sites`, given as (lat, lon) in degrees; `h_ij` is the great-circle
    /// distance on the sphere of [`crate::geo::EARTH_RADIUS_KM`].
    ///
    /// Errors: no sites, non-finite or out-of-range coordinates,
    /// `range_km` not in (0, 10000], or failure to factor even with the
    /// largest jitter (1e-4).
    pub fn new(sites: &[(f64, f64)], range_km: f64) -> Result<Self, GroundMotionError> {
        if sites.is_empty() {
            return Err(GroundMotionError::LengthMismatch {
                what: "sites (need at least one)",
                expected: 1,
                got: 0,
            });
        }
        if !(range_km.is_finite() && range_km > 0.0 && range_km <= 10_000.0) {
            return Err(GroundMotionError::OutOfRange {
                what: "correlation range b (km)",
                value: range_km,
                allowed: "(0, 10000] km",
            });
        }
        for &(lat, lon) in sites {
            check_range("site latitude (deg)", lat, -90.0, 90.0, "[-90, 90] degrees")?;
            check_range(
                "site longitude (deg)",
                lon,
                -180.0,
                180.0,
                "[-180, 180] degrees",
            )?;
        }
        let units: Vec<[f64; 3]> = sites
            .iter()
            .map(|&(lat, lon)| unit_vector(LatLon { lat, lon }))
            .collect();
        let n = sites.len();
        let mut chol = vec![0.0; row_start(n)];
        let k = -3.0 / range_km;
        for &eps in JITTERS.iter() {
            if factor_into(&units, k, eps, &mut chol) {
                return Ok(SpatialCorrelation { n, chol });
            }
        }
        Err(GroundMotionError::NotPositiveDefinite {
            n,
            jitter: JITTERS[JITTERS.len() - 1],
        })
    }

    /// Factor with the Jayaram & Baker (2009) range for `imt`.
    pub fn jb2009(
        sites: &[(f64, f64)],
        model: Jb2009,
        imt: Imt,
    ) -> Result<Self, GroundMotionError> {
        SpatialCorrelation::new(sites, model.range_km(imt))
    }

    /// Number of sites.
    pub fn n_sites(&self) -> usize {
        self.n
    }

    /// `out = L z`: turn independent standard normals into a correlated
    /// field. Panics if the lengths differ from [`Self::n_sites`].
    pub fn correlate(&self, z: &[f64], out: &mut [f64]) {
        assert_eq!(z.len(), self.n, "z length must equal the number of sites");
        assert_eq!(
            out.len(),
            self.n,
            "out length must equal the number of sites"
        );
        for (i, o) in out.iter_mut().enumerate() {
            let s = row_start(i);
            *o = dot(&self.chol[s..s + i + 1], &z[..i + 1]);
        }
    }
}

/// Cholesky-Banachiewicz factorisation of `(R + eps I) / (1 + eps)` into
/// `chol` (packed rows). Returns false if a pivot is not positive.
fn factor_into(units: &[[f64; 3]], k: f64, eps: f64, chol: &mut [f64]) -> bool {
    let n = units.len();
    let scale = 1.0 / (1.0 + eps);
    for i in 0..n {
        let si = row_start(i);
        for j in 0..=i {
            let sj = row_start(j);
            let a = if i == j {
                1.0
            } else {
                (k * chord_distance_km(&units[i], &units[j])).exp() * scale
            };
            if i == j {
                let (row_i, _) = chol[si..].split_at(i);
                let d = a - dot(row_i, row_i);
                if !(d.is_finite() && d > 0.0) {
                    return false;
                }
                chol[si + i] = d.sqrt();
            } else {
                // Rows j < i are complete; row i is filled left to right.
                let (head, tail) = chol.split_at_mut(si);
                let v = (a - dot(&tail[..j], &head[sj..sj + j])) / head[sj + j];
                tail[j] = v;
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_distr::StandardNormal;
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// Sites on the parallel at latitude 35 N, at the given eastward
    /// distances (km, along the local east direction) from 139.5 E.
    fn line_sites(offsets_km: &[f64]) -> Vec<(f64, f64)> {
        let km_per_deg_lon =
            crate::geo::EARTH_RADIUS_KM * std::f64::consts::PI / 180.0 * 35f64.to_radians().cos();
        offsets_km
            .iter()
            .map(|&d| (35.0, 139.5 + d / km_per_deg_lon))
            .collect()
    }

    fn dist(a: (f64, f64), b: (f64, f64)) -> f64 {
        crate::geo::distance_km(LatLon { lat: a.0, lon: a.1 }, LatLon { lat: b.0, lon: b.1 })
    }

    /// Columns of L, read through `correlate` (L e_k is column k).
    fn factor(sc: &SpatialCorrelation) -> Vec<Vec<f64>> {
        let n = sc.n_sites();
        (0..n)
            .map(|k| {
                let mut e = vec![0.0; n];
                e[k] = 1.0;
                let mut col = vec![0.0; n];
                sc.correlate(&e, &mut col);
                col
            })
            .collect()
    }

    /// One field from independent standard normals.
    fn field(sc: &SpatialCorrelation, rng: &mut Xoshiro256PlusPlus, out: &mut [f64]) {
        let z: Vec<f64> = (0..sc.n_sites())
            .map(|_| rng.sample(StandardNormal))
            .collect();
        sc.correlate(&z, out);
    }

    #[test]
    fn jb2009_ranges_match_openquake() {
        let c1 = Jb2009 {
            clustering: Vs30Clustering::NotClustered,
        };
        let c2 = Jb2009 {
            clustering: Vs30Clustering::Clustered,
        };
        assert_eq!(c1.range_km(Imt::Pga), 8.5);
        assert_eq!(c2.range_km(Imt::Pga), 40.7);
        assert!((c1.range_km(Imt::Pgv) - 25.7).abs() < 1e-12);
        assert!((c2.range_km(Imt::Pgv) - 25.7).abs() < 1e-12);
    }

    #[test]
    fn cholesky_reconstructs_correlation_matrix() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let sites: Vec<(f64, f64)> = (0..60)
            .map(|_| {
                (
                    35.0 + rng.random::<f64>() * 0.8,
                    139.0 + rng.random::<f64>() * 1.0,
                )
            })
            .collect();
        let b = 25.7;
        let sc = SpatialCorrelation::new(&sites, b).unwrap();
        assert_eq!(sc.n_sites(), 60);
        let l = factor(&sc);
        for i in 0..60 {
            for j in 0..=i {
                let llt: f64 = (0..=j).map(|k| l[k][i] * l[k][j]).sum();
                let want = (-3.0 * dist(sites[i], sites[j]) / b).exp();
                assert!((llt - want).abs() < 1e-12, "({i},{j}): {llt} vs {want}");
            }
            if i + 1 < 60 {
                assert_eq!(l[i + 1][i], 0.0, "L is lower triangular");
            }
        }
    }

    #[test]
    fn duplicate_sites_factor_and_stay_unit_variance() {
        // Identical sites make R singular: the factor exists only with a diagonal jitter.
        let sites = vec![(35.0, 139.5), (35.0, 139.5), (35.01, 139.5), (35.0, 139.5)];
        let sc = SpatialCorrelation::new(&sites, 8.5).unwrap();
        let l = factor(&sc);
        for i in 0..4 {
            let norm2: f64 = l[..=i].iter().map(|col| col[i].powi(2)).sum();
            assert!((norm2 - 1.0).abs() < 1e-12);
        }
        // Duplicate sites get (almost) identical values.
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let mut out = vec![0.0; 4];
        field(&sc, &mut rng, &mut out);
        assert!((out[0] - out[1]).abs() < 1e-3);
        assert!((out[0] - out[3]).abs() < 1e-3);
    }

    #[test]
    fn input_errors() {
        assert!(SpatialCorrelation::new(&[], 10.0).is_err());
        assert!(SpatialCorrelation::new(&[(35.0, 139.0)], 0.0).is_err());
        let e = SpatialCorrelation::new(&[(95.0, 139.0)], 10.0).unwrap_err();
        assert!(e.to_string().contains("[-90, 90]"), "{e}");
    }

    /// Empirical correlation of two equally long series.
    fn corr(x: &[f64], y: &[f64]) -> f64 {
        let n = x.len() as f64;
        let mx = x.iter().sum::<f64>() / n;
        let my = y.iter().sum::<f64>() / n;
        let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
        for (a, b) in x.iter().zip(y) {
            sxy += (a - mx) * (b - my);
            sxx += (a - mx) * (a - mx);
            syy += (b - my) * (b - my);
        }
        sxy / (sxx * syy).sqrt()
    }

    fn var(x: &[f64]) -> f64 {
        let n = x.len() as f64;
        let m = x.iter().sum::<f64>() / n;
        x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1.0)
    }

    /// Statistical test of the field: Xoshiro256PlusPlus seeded with
    /// 20240901, N = 20,000 fields on sites 0, 2, 5, 10, 20, 40 km east of
    /// the first one, PGV range b = 25.7 km.
    ///
    /// Tolerances are 4 standard errors:
    /// * correlation: SE(r) ~ (1 - rho^2) / sqrt(N) (large-sample standard
    ///   error of Pearson's r), tolerance 4 (1 - rho^2) / sqrt(N)
    ///   (0.028 at rho = 0, 0.0105 at rho = 0.79);
    /// * variance: SE(s^2) = sigma^2 sqrt(2 / (N - 1)) = 0.0100, tolerance
    ///   0.040;
    /// * mean: SE = 1 / sqrt(N) = 0.0071, tolerance 0.028.
    #[test]
    fn sampled_field_has_target_correlation_and_variance() {
        let offsets = [0.0, 2.0, 5.0, 10.0, 20.0, 40.0];
        let sites = line_sites(&offsets);
        let b = Jb2009 {
            clustering: Vs30Clustering::NotClustered,
        }
        .range_km(Imt::Pgv);
        let sc = SpatialCorrelation::new(&sites, b).unwrap();
        let n_samples = 20_000;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(20_240_901);
        let mut cols: Vec<Vec<f64>> = vec![Vec::with_capacity(n_samples); sites.len()];
        let mut out = vec![0.0; sites.len()];
        for _ in 0..n_samples {
            field(&sc, &mut rng, &mut out);
            for (c, v) in cols.iter_mut().zip(&out) {
                c.push(*v);
            }
        }
        let sqrt_n = (n_samples as f64).sqrt();
        for (j, col) in cols.iter().enumerate() {
            let v = var(col);
            assert!(
                (v - 1.0).abs() < 4.0 * (2.0 / (n_samples as f64 - 1.0)).sqrt(),
                "var[{j}] = {v}"
            );
            let m = col.iter().sum::<f64>() / n_samples as f64;
            assert!(m.abs() < 4.0 / sqrt_n, "mean[{j}] = {m}");
        }
        for i in 0..sites.len() {
            for j in (i + 1)..sites.len() {
                let h = dist(sites[i], sites[j]);
                let rho = (-3.0 * h / b).exp();
                let r = corr(&cols[i], &cols[j]);
                let tol = 4.0 * (1.0 - rho * rho) / sqrt_n;
                assert!(
                    (r - rho).abs() < tol,
                    "h = {h:.2} km: r = {r:.4}, rho = {rho:.4}, tol {tol:.4}"
                );
            }
        }
    }

    /// Scale check for 2,000 sites (run with `cargo test --release --
    /// --ignored`): factorisation must succeed and take a few seconds at
    /// most in release mode.
    #[test]
    #[ignore]
    fn two_thousand_sites_factorise() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        let sites: Vec<(f64, f64)> = (0..2000)
            .map(|_| {
                (
                    35.2 + rng.random::<f64>() * 0.8,
                    139.2 + rng.random::<f64>() * 1.0,
                )
            })
            .collect();
        let t0 = std::time::Instant::now();
        let sc = SpatialCorrelation::new(&sites, 25.7).unwrap();
        let dt = t0.elapsed();
        eprintln!("2000-site factorisation: {dt:?}");
        assert!(dt.as_secs_f64() < 10.0);
        let mut out = vec![0.0; 2000];
        let t0 = std::time::Instant::now();
        for _ in 0..100 {
            field(&sc, &mut rng, &mut out);
        }
        eprintln!("per-field sample: {:?}", t0.elapsed() / 100);
    }
}
