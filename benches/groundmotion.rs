//! Benchmarks of the ground-motion library: correlated-field sampling and
//! GMPE evaluation for 2,000 sites (one Monte Carlo trial's worth of work).
//!
//! Needs in Cargo.toml:
//!
//! ```toml
//! [[bench]]
//! name = "groundmotion"
//! harness = false
//! ```

// `criterion_group!` generates an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;

use bcpsim::groundmotion::si_midorikawa::ln_median_and_sigma_many;
use bcpsim::groundmotion::{
    median_and_sigma, EventType, FaultPlane, Hypocentre, Imt, Jb2009, ResidualSplit, Rupture,
    SiteAmplification, SpatialCorrelation, Truncation, Vs30Clustering,
};
use criterion::{criterion_group, criterion_main, Criterion};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

const N_SITES: usize = 2000;

/// 2,000 pseudo-random sites over roughly 90 km x 90 km around Tokyo.
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

fn bench_field(c: &mut Criterion) {
    let s = sites(N_SITES);
    let model = Jb2009 {
        clustering: Vs30Clustering::NotClustered,
    };
    let corr = SpatialCorrelation::jb2009(&s, model, Imt::Pgv).expect("factorisation");
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    let mut scratch = Vec::with_capacity(N_SITES);
    let mut out = vec![0.0; N_SITES];

    c.bench_function("field_standard_2000_sites_trunc3", |b| {
        b.iter(|| {
            corr.sample_standard_field_rng(
                &mut rng,
                Truncation::Resample(3.0),
                &mut scratch,
                &mut out,
            );
            black_box(&out);
        })
    });

    let r = rupture();
    let rrup = r.rrup_km_many(&s);
    let vs30 = vec![400.0; N_SITES];
    let mut ln_med = vec![0.0; N_SITES];
    let mut sig = vec![0.0; N_SITES];
    ln_median_and_sigma_many(
        &r.event_params(),
        Imt::Pgv,
        &rrup,
        &vs30,
        SiteAmplification::default(),
        &mut ln_med,
        &mut sig,
    )
    .expect("gmpe");
    c.bench_function("field_ln_pgv_2000_sites_trunc3", |b| {
        b.iter(|| {
            let eta = corr
                .sample_ln_field_rng(
                    &ln_med,
                    &sig,
                    ResidualSplit::default(),
                    Truncation::Resample(3.0),
                    &mut rng,
                    &mut scratch,
                    &mut out,
                )
                .expect("lengths");
            black_box((eta, &out));
        })
    });

    let s500 = sites(500);
    let mut g = c.benchmark_group("factorisation");
    g.sample_size(10);
    g.bench_function("cholesky_500_sites", |b| {
        b.iter(|| black_box(SpatialCorrelation::new(&s500, 25.7).expect("pd")))
    });
    g.finish();
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

/// The sampler the engine uses above 400 locations: Vecchia with 24 neighbours, including
/// drawing the 2,000 standard normals.
fn bench_vecchia(c: &mut Criterion) {
    let s = sites(N_SITES);
    let v = bcpsim::groundmotion::Vecchia::new(&s, 25.7, 24).expect("vecchia");
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
    let mut z = vec![0.0; N_SITES];
    let mut scratch = Vec::with_capacity(N_SITES);
    let mut out = vec![0.0; N_SITES];
    c.bench_function("field_vecchia_m24_2000_sites", |b| {
        b.iter(|| {
            for x in z.iter_mut() {
                *x = Truncation::Resample(3.0).draw(&mut || rng.sample(rand_distr::StandardNormal));
            }
            v.correlate(&z, &mut scratch, &mut out);
            black_box(&out);
        })
    });
}

criterion_group!(benches, bench_field, bench_gmpe, bench_vecchia);
criterion_main!(benches);
