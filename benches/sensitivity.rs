//! Sensitivity analysis on the shipped Case 2 scenario: every factor swung, 2,000 trials,
//! on 2 threads and on 1 (the 2-thread figure shows small trial counts use both threads);
//! and on the LGWAN mail scenario, whose variants also run the mail stage (200 trials).
//!
//! `cargo bench --bench sensitivity`.

// `criterion_group!` generates an undocumented public function.
#![allow(missing_docs)]

use std::path::Path;

use bcpsim::scenario::Scenario;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn sensitivity(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let s = Scenario::load(&root.join("scenarios/case2.toml")).expect("scenario loads");
    let trials = 2_000;
    let mut g = c.benchmark_group("sensitivity");
    g.sample_size(10);
    g.throughput(Throughput::Elements(trials));
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        g.bench_function(format!("case2_2000_trials_{threads}_threads"), |b| {
            b.iter(|| {
                pool.install(|| bcpsim::study::sensitivity::run(&s, &[], trials, 7, &|_| {}))
                    .expect("sensitivity runs")
            })
        });
    }
    g.finish();
}

fn sensitivity_mail(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let s = Scenario::load(&root.join("scenarios/lgwan-mail.toml")).expect("scenario loads");
    let trials = 200;
    let mut g = c.benchmark_group("sensitivity_mail");
    g.sample_size(10);
    g.throughput(Throughput::Elements(trials));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    g.bench_function("lgwan_mail_200_trials_2_threads", |b| {
        b.iter(|| {
            pool.install(|| bcpsim::study::sensitivity::run(&s, &[], trials, 7, &|_| {}))
                .expect("sensitivity runs")
        })
    });
    g.finish();
}

criterion_group!(benches, sensitivity, sensitivity_mail);
criterion_main!(benches);
