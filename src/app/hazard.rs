//! `bcpsim hazard`: per-site intensities of a scenario's ground-motion field.

use std::time::Instant;

use clap::Args;
use serde::Serialize;

use super::args::{ModelArgs, RunCommon};
use super::common::{load, ManifestFacts, Setup};
use crate::diag::{Error, Result};
use crate::model::{GroundMotionModel, Model};
use crate::sim::trial::{self, Stage, Stages, TrialWorkspace};

#[derive(Debug, Args)]
pub(super) struct HazardArgs {
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    common: RunCommon,
}

#[derive(Serialize)]
struct SiteRow {
    site: String,
    lat: f64,
    lon: f64,
    region: String,
    vs30_mps: f64,
    rrup_km: f64,
    median_pgv_cms: f64,
    median_jma: f64,
    p_6_lower_or_more: f64,
    p_6_upper_or_more: f64,
    p_7: f64,
}

pub(super) fn execute(a: HazardArgs) -> Result<()> {
    let (scenario, model) = load(&a.model)?;
    let Some(g) = &model.ground_motion else {
        return Err(Error::Usage(format!(
            "{} has no [hazard.ground_motion] earthquake",
            a.model.scenario.display()
        )));
    };
    if g.imt != crate::groundmotion::Imt::Pgv {
        return Err(Error::Usage(
            "`bcpsim hazard` reports JMA intensity, which needs a PGV field (imt = \"pgv\")".into(),
        ));
    }
    let Setup {
        trials,
        seed,
        pool,
        threads,
        out,
    } = a.common.setup(&model, None, "-hazard")?;
    let start = Instant::now();
    let counts = pool.install(|| intensity_counts(&model, seed, trials));
    out.write_csv("sites.csv", &site_rows(&model, g, &counts, trials))?;
    let elapsed = start.elapsed().as_secs_f64();
    out.write_json(
        "manifest.json",
        &ManifestFacts::whole_run(
            "hazard",
            &a.model.scenario,
            &scenario,
            &model,
            seed,
            trials,
            threads,
            elapsed,
        )
        .manifest(),
    )?;
    let path = out.commit()?;
    if !a.common.quiet {
        println!("results: {}", path.display());
    }
    Ok(())
}

/// Per site, the trials at or above JMA 6-lower, 6-upper and 7 (integers: exact merge).
fn intensity_counts(model: &Model, seed: u64, trials: u64) -> Vec<[u64; 3]> {
    let n = model.sites.len();
    let stages = Stages::until(model, Stage::Hazard);
    crate::drive::fold(
        0..trials,
        crate::drive::BATCH,
        || TrialWorkspace::new(model, &stages),
        || vec![[0u64; 3]; n],
        |w, c, t| {
            trial::run(model, &stages, seed, t, w);
            if !w.t0.quake {
                return;
            }
            for (s, cs) in c.iter_mut().enumerate() {
                let i = crate::groundmotion::jma_from_pgv(w.t0.site_ln[s].exp());
                for (k, bound) in [5.5, 6.0, 6.5].iter().enumerate() {
                    cs[k] += u64::from(i >= *bound);
                }
            }
        },
        |a, b| {
            for (x, y) in a.iter_mut().zip(b) {
                for k in 0..3 {
                    x[k] += y[k];
                }
            }
        },
        &|_| {},
    )
}

/// The rows of sites.csv: each site's medians and its probabilities from `counts`.
fn site_rows(
    model: &Model,
    g: &GroundMotionModel,
    counts: &[[u64; 3]],
    trials: u64,
) -> Vec<SiteRow> {
    model
        .sites
        .iter()
        .enumerate()
        .map(|(s, site)| {
            let pgv = g.ln_median[s].exp();
            let f = |k: usize| crate::base::fmt::r6(counts[s][k] as f64 / trials as f64);
            SiteRow {
                site: site.id.clone(),
                lat: site.pos.lat,
                lon: site.pos.lon,
                region: model.regions[site.region].id.clone(),
                vs30_mps: g.vs30_mps[s],
                rrup_km: crate::base::fmt::r6(g.rrup_km[s]),
                median_pgv_cms: crate::base::fmt::r6(pgv),
                median_jma: crate::base::fmt::r6(crate::groundmotion::jma_from_pgv(pgv)),
                p_6_lower_or_more: f(0),
                p_6_upper_or_more: f(1),
                p_7: f(2),
            }
        })
        .collect()
}
