//! `bcpsim run`: the Monte Carlo simulation of a scenario, whole, sharded or at the quake only.

use std::time::Instant;

use clap::Args;

use super::args::{ModelArgs, RunCommon};
use super::common::{load, progress_bar, report_into, say, ManifestFacts, Setup};
use crate::base::lang::Lang;
use crate::diag::{Error, Result};
use crate::drive::Shard;
use crate::model::Model;
use crate::output::report::{self, State};
use crate::sim::trial::Stages;
use crate::tally::Tally;

#[derive(Debug, Args)]
pub(super) struct RunArgs {
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    common: RunCommon,
    /// Run only slice K of N of the trials and write mergeable state (e.g. 2/8).
    #[arg(long, value_name = "K/N", conflicts_with = "ci_width")]
    shard: Option<String>,
    /// Also write report.html and report.md (and charts/) into the results folder.
    #[arg(long, conflicts_with = "shard")]
    report: bool,
    /// Language of the report (with --report).
    #[arg(long, value_enum, default_value = "ja")]
    lang: Lang,
    /// Stop once every reported 95 % interval is narrower than W (checked every 65,536
    /// trials, so the same seed always stops at the same trial); --trials is then the
    /// maximum.
    #[arg(long, value_name = "W")]
    ci_width: Option<f64>,
    /// Simulate only the state right after the quake (hazard, damage, services at t = 0):
    /// the same summary, ministries and site tables as a full run, without the recovery.
    #[arg(long)]
    at_quake: bool,
}

pub(super) fn execute(a: RunArgs) -> Result<()> {
    let shard = a.shard.as_deref().map(Shard::parse).transpose()?;
    let (scenario, model) = load(&a.model)?;
    let kind = shard
        .map(|s| format!("-shard{}of{}", s.index + 1, s.count))
        .unwrap_or_default();
    let Setup {
        trials,
        seed,
        pool,
        threads,
        out,
    } = a.common.setup(&model, None, &kind)?;
    let range = shard.map(|s| s.range(trials)).unwrap_or(0..trials);
    say(
        a.common.quiet,
        &format!(
            "bcpsim: {} ({} trials{}, seed {seed}, {threads} threads)",
            model.id,
            range.end - range.start,
            report::shard_label(shard)
                .map(|s| format!(", shard {s} of {trials}"))
                .unwrap_or_default()
        ),
    );
    if let Some(w) = a.ci_width {
        if !(w > 0.0 && w < 1.0) {
            return Err(Error::Usage(format!(
                "--ci-width must be in (0, 1), got {w}"
            )));
        }
    }
    let start = Instant::now();
    let progress = progress_bar(a.common.quiet, range.end - range.start);
    let stages = if a.at_quake {
        Stages::at_quake(&model)
    } else {
        Stages::all(&model)
    };
    let (tally, range) = pool.install(|| {
        crate::drive::run_until(&model, &stages, seed, range.clone(), a.ci_width, &|k| {
            progress.inc(k)
        })
    });
    progress.finish_and_clear();
    // With --ci-width the run is as long as it took: the trials done are the run's size.
    let trials = if a.ci_width.is_some() {
        range.end
    } else {
        trials
    };
    let elapsed = start.elapsed().as_secs_f64();
    if let Some(w) = a.ci_width {
        say_where_stopped(a.common.quiet, w, &tally);
    }
    let state = State {
        format: 1,
        scenario_id: model.id.clone(),
        scenario_sha256: scenario.sha256.clone(),
        seed,
        options: model.applied.clone(),
        trials_total: trials,
        range: (range.start, range.end),
        services: model.services.iter().map(|s| s.id.clone()).collect(),
        tally: tally.clone(),
        at_quake: a.at_quake,
    };
    out.write_json("state.json", &state)?;
    if shard.is_none() {
        report::write_tables(&out, &model, &tally)?;
        out.write_json("regions.json", &report::region_outlines(&scenario))?;
    }
    out.write_json(
        "manifest.json",
        &ManifestFacts {
            command: "run".into(),
            scenario: a.model.scenario.display().to_string(),
            scenario_id: model.id.clone(),
            scenario_sha256: scenario.sha256.clone(),
            seed,
            trials,
            trial_range: (range.start, range.end),
            shard: report::shard_label(shard),
            options: model.applied.clone(),
            threads,
            elapsed_seconds: elapsed,
            at_quake: a.at_quake,
        }
        .manifest(),
    )?;
    if a.report {
        report_into(&out, a.lang)?;
    }
    let path = out.commit()?;
    say(
        a.common.quiet,
        &format!(
            "{} trials in {elapsed:.2} s ({:.0} trials/s)",
            range.end - range.start,
            (range.end - range.start) as f64 / elapsed.max(1e-9)
        ),
    );
    if !a.common.quiet {
        if shard.is_none() {
            print_tables(&model, &tally);
        }
        println!("results: {}", path.display());
    }
    Ok(())
}

/// Where a run with --ci-width stopped, and why.
fn say_where_stopped(quiet: bool, w: f64, tally: &Tally) {
    let widest = crate::drive::widest_interval(tally);
    say(
        quiet,
        &format!(
            "--ci-width {w}: widest interval {widest:.4} after {} trials{}",
            tally.trials,
            if widest < w {
                " (target reached)"
            } else {
                " (maximum reached)"
            }
        ),
    );
}

/// The headline tables on standard output: per ministry at the quake, by when it can work
/// from Kansai, and the LGWAN mail.
fn print_tables(model: &Model, tally: &Tally) {
    print_headline(model, tally);
    print_kansai_curve(model, tally);
    print_mail(model, tally);
}

fn print_headline(model: &Model, t: &Tally) {
    if model.ministries.is_empty() {
        return;
    }
    println!(
        "{:<6} {:>22} {:>22} {:>22}",
        "", "network operation", "connection to G-net", "work from Kansai"
    );
    for m in &model.ministries {
        let f = |s: usize| {
            let p = crate::base::interval::Proportion::new(t.service_up[s], t.trials);
            format!("{:.3} [{:.3},{:.3}]", p.p, p.low, p.high)
        };
        println!(
            "{:<6} {:>22} {:>22} {:>22}",
            m.id,
            f(m.network_operation),
            f(m.gnet_connection),
            f(m.work_from_kansai)
        );
    }
}

/// By when each ministry can work from Kansai: probabilities at a few checkpoints.
fn print_kansai_curve(model: &Model, t: &Tally) {
    // A run stopped at the quake has no recovery counts to print.
    let Some(rec) = model.recovery.as_ref().filter(|_| t.recovery_recorded()) else {
        return;
    };
    let c = rec.checkpoints.len();
    let cols: Vec<usize> = (0..c)
        .filter(|&k| [24.0, 72.0, 168.0, 336.0, 720.0].contains(&rec.checkpoints[k]))
        .collect();
    if cols.is_empty() || model.ministries.is_empty() {
        return;
    }
    print!(
        "\nwork from Kansai, probability by hours after the quake\n{:<6}",
        ""
    );
    for &k in &cols {
        print!(" {:>8}", format!("{} h", rec.checkpoints[k]));
    }
    println!();
    for m in &model.ministries {
        print!("{:<6}", m.id);
        for &k in &cols {
            print!(
                " {:>8.3}",
                t.rec_up[m.work_from_kansai * c + k] as f64 / t.trials.max(1) as f64
            );
        }
        println!();
    }
}

fn print_mail(model: &Model, t: &Tally) {
    let (Some(lg), Some(m)) = (&model.lgwan, &t.mail) else {
        return;
    };
    println!("\nLGWAN mail: bounced (95 % interval) and delivered within 24 h, per flow and configuration");
    for r in crate::tally::mail::mail_rows(lg, m) {
        println!(
            "{:<29} {:<18} bounced {:.3} [{:.3},{:.3}]  within 24 h {:.3}",
            r.flow, r.configuration, r.p_bounced, r.p_bounced_low, r.p_bounced_high, r.p_within_24h
        );
    }
}
