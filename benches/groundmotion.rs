//! Benchmarks of the ground-motion work the simulator does: per trial, the correlated field
//! ([`bcpsim::model::Field::correlate`], exact and Vecchia) and the whole hazard stage
//! ([`bcpsim::sim::hazard::sample_hazard`]) on the shipped ground-motion scenarios; once per
//! model, Rrup, the GMPE and the factorisations.
//!
//! `cargo bench --bench groundmotion`.

// `criterion_group!` generates an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::path::Path;

use bcpsim::base::rng::trial_seed;
use bcpsim::groundmotion::{
    ln_median_and_sigma_many, median_and_sigma, EventType, FaultPlane, Hypocentre, Imt, Jb2009,
    Rupture, SiteAmplification, SpatialCorrelation, Vecchia, Vs30Clustering,
};
use bcpsim::model::{BuildSpec, Field, Model, EXACT_FIELD_MAX_POINTS, VECCHIA_NEIGHBOURS};
use bcpsim::scenario::Scenario;
use bcpsim::sim::hazard::sample_hazard;
use bcpsim::sim::workspace::Workspace;
use criterion::{criterion_group, criterion_main, Criterion};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

const N_SITES: usize = 2000;

/// Pseudo-random sites over roughly 90 km x 90 km around Tokyo.
fn sites(n: usize) -> Vec<(f64, f64)> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(2024);
    (0..n)
        .map(|_| {
            (
                35.2 + rng.random::<f64>() * 0.8,
                139.2 + rng.random::<f64>() * 1.0,
            )
        })
        .collect()
}

/// Independent standard normals, one per location (the engine draws them from keyed streams).
fn normals(n: usize) -> Vec<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    (0..n)
        .map(|_| rng.sample(rand_distr::StandardNormal))
        .collect()
}

/// A Tokyo-Bay-north-like crustal scenario on a 40 x 20 km plane.
fn rupture() -> Rupture {
    let plane = FaultPlane {
        strike_deg: 300.0,
        dip_deg: 45.0,
        length_km: 40.0,
        width_km: 20.0,
        top_depth_km: 10.0,
        ref_lat: 35.65,
        ref_lon: 139.85,
    };
    let hyp = Hypocentre {
        lat: 35.6,
        lon: 139.8,
        depth_km: 20.0,
    };
    Rupture::plane(7.3, hyp, EventType::Crustal, plane).expect("valid rupture")
}

const JB: Jb2009 = Jb2009 {
    clustering: Vs30Clustering::NotClustered,
};

/// The two fields the model builds: exact up to [`EXACT_FIELD_MAX_POINTS`] locations,
/// Vecchia beyond.
fn bench_field(c: &mut Criterion) {
    let exact_sites = sites(EXACT_FIELD_MAX_POINTS);
    let exact = Field::Exact(SpatialCorrelation::jb2009(&exact_sites, JB, Imt::Pgv).expect("pd"));
    let many = sites(N_SITES);
    let vecchia = Field::Vecchia(
        Vecchia::new(&many, JB.range_km(Imt::Pgv), VECCHIA_NEIGHBOURS).expect("vecchia"),
    );
    let mut scratch = Vec::with_capacity(N_SITES);
    for (name, field) in [
        ("field_exact_400_points", &exact),
        ("field_vecchia_m24_2000_points", &vecchia),
    ] {
        let n = field.n_points();
        let z = normals(n);
        let mut out = vec![0.0; n];
        c.bench_function(name, |b| {
            b.iter(|| {
                field.correlate(black_box(&z), &mut scratch, &mut out);
                black_box(&out);
            })
        });
    }

    let mut g = c.benchmark_group("factorisation");
    g.sample_size(10);
    g.bench_function("cholesky_400_points", |b| {
        b.iter(|| black_box(SpatialCorrelation::jb2009(&exact_sites, JB, Imt::Pgv).expect("pd")))
    });
    g.bench_function("vecchia_m24_2000_points", |b| {
        b.iter(|| {
            black_box(Vecchia::new(&many, JB.range_km(Imt::Pgv), VECCHIA_NEIGHBOURS).expect("v"))
        })
    });
    g.finish();
}

/// The hazard stage of one trial (unknowns, zones, field, grid power, failure
/// probabilities) on the shipped ground-motion scenarios.
fn bench_hazard_stage(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in ["case1-gm", "case2-gm"] {
        let path = root.join("scenarios").join(format!("{name}.toml"));
        let s = Scenario::load(&path).expect("scenario loads");
        let model = Model::build(&s, &BuildSpec::default()).expect("scenario builds");
        let mut ws = Workspace::new(&model);
        let mut i = 0u64;
        c.bench_function(&format!("sample_hazard_{name}"), |b| {
            b.iter(|| {
                i += 1;
                sample_hazard(&model, trial_seed(7, i), &mut ws);
                black_box(&ws);
            })
        });
    }
}

fn bench_gmpe(c: &mut Criterion) {
    let s = sites(N_SITES);
    let r = rupture();
    let ev = r.event_params();
    let rrup = r.rrup_km_many(&s);
    let vs30: Vec<f64> = (0..N_SITES)
        .map(|i| 200.0 + (i % 7) as f64 * 100.0)
        .collect();
    let mut ln_med = vec![0.0; N_SITES];
    let mut sig = vec![0.0; N_SITES];

    c.bench_function("rrup_plane_2000_sites", |b| {
        b.iter(|| black_box(r.rrup_km_many(black_box(&s))))
    });
    c.bench_function("gmpe_pgv_batch_2000_sites", |b| {
        b.iter(|| {
            ln_median_and_sigma_many(
                &ev,
                Imt::Pgv,
                black_box(&rrup),
                &vs30,
                SiteAmplification::default(),
                &mut ln_med,
                &mut sig,
            )
            .expect("gmpe");
            black_box(&ln_med);
        })
    });
    c.bench_function("gmpe_pgv_scalar_2000_sites", |b| {
        b.iter(|| {
            let mut acc = 0.0;
            for (r, v) in rrup.iter().zip(&vs30) {
                acc += median_and_sigma(&ev, Imt::Pgv, *r, *v).expect("gmpe").0;
            }
            black_box(acc)
        })
    });
}

criterion_group!(benches, bench_field, bench_hazard_stage, bench_gmpe);
criterion_main!(benches);
