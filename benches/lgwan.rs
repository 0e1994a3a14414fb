//! LGWAN mail throughput on the shipped `lgwan-mail.toml` (Case 2, 47 prefectures, 347
//! municipalities, 5 mail configurations, 5 flows at one message an hour each over a week).
//!
//! `cargo bench --bench lgwan`. The target is one hundred thousand such trials in
//! under 60 s with 2 threads: `lgwan_mail_100k_trials_2_threads` measures exactly that,
//! hazard, 30-day recovery and mail included. `lgwan_mail_one_trial` is one trial on one
//! thread, and `mail_only_one_trial` the mail stage alone (timelines, messages, queues).

// `criterion_group!` generates an undocumented public function.
#![allow(missing_docs)]

use std::path::Path;

use bcpsim::base::rng::trial_seed;
use bcpsim::drive::run_range;
use bcpsim::model::{BuildSpec, Model};
use bcpsim::scenario::Scenario;
use bcpsim::sim::trial::{self, Stage, Stages, TrialWorkspace};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

fn lgwan() -> Model {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let s = Scenario::load(&root.join("scenarios/lgwan-mail.toml")).expect("scenario loads");
    Model::build(&s, &BuildSpec::default()).expect("scenario builds")
}

fn trials(c: &mut Criterion) {
    let model = lgwan();
    let rec = model.recovery.as_ref().unwrap();
    let lg = model.lgwan.as_ref().unwrap();
    let stages = Stages::all(&model);
    let mut w = TrialWorkspace::new(&model, &stages);
    let mut g = c.benchmark_group("lgwan");
    g.throughput(Throughput::Elements(1));
    let mut i = 0u64;
    g.bench_function("lgwan_mail_one_trial", |b| {
        b.iter(|| {
            i += 1;
            trial::run(&model, &stages, 7, i, &mut w);
            w.mail.as_ref().unwrap().counts[0][0]
        })
    });
    // The mail stage alone, on the recovery of a fixed set of trials.
    let until_recovery = Stages::until(&model, Stage::Recovery);
    let mut states = Vec::new();
    for i in 0..64u64 {
        let mut t = TrialWorkspace::new(&model, &until_recovery);
        trial::run(&model, &until_recovery, 7, i, &mut t);
        states.push((trial_seed(7, i), t.recovery.take().unwrap()));
    }
    let mut mail = w.mail.take().unwrap();
    let mut k = 0;
    g.bench_function("mail_only_one_trial", |b| {
        b.iter(|| {
            k = (k + 1) % states.len();
            let (ts, rw) = &states[k];
            lg.simulate(rec, *ts, rw, &mut mail);
            mail.counts[0][0]
        })
    });
    g.finish();
}

fn hundred_thousand(c: &mut Criterion) {
    let model = lgwan();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let mut g = c.benchmark_group("run");
    g.sample_size(10);
    g.throughput(Throughput::Elements(100_000));
    g.bench_function("lgwan_mail_100k_trials_2_threads", |b| {
        b.iter_batched(
            || (),
            |_| pool.install(|| run_range(&model, &Stages::all(&model), 7, 0..100_000)),
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

fn build(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let s = Scenario::load(&root.join("scenarios/lgwan-mail.toml")).unwrap();
    c.bench_function("build_lgwan_mail_model", |b| {
        b.iter(|| Model::build(&s, &BuildSpec::default()).unwrap())
    });
}

criterion_group!(benches, trials, build, hundred_thousand);
criterion_main!(benches);
