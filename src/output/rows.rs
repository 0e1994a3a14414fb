//! Row schemas of the run's tables and their builders from a [`Tally`]: the writer
//! serialises them, the charts deserialise the same structs when they read a folder back.

use serde::{Deserialize, Serialize};

use crate::base::fmt::r6;
use crate::base::interval::Proportion;
use crate::model::Model;
use crate::tally::Tally;

/// One row of `summary.csv`.
#[derive(Debug, Serialize)]
pub struct SummaryRow {
    /// Service id.
    pub service: String,
    /// Probability the service is up.
    pub probability_up: f64,
    /// Lower 95 % Wilson bound.
    pub ci_low: f64,
    /// Upper 95 % Wilson bound.
    pub ci_high: f64,
    /// Trials.
    pub trials: u64,
}

/// One row of `ministries.csv`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct MinistryRow {
    pub ministry: String,
    pub name_en: String,
    pub name_ja: String,
    pub network_operation: f64,
    pub network_operation_ci_low: f64,
    pub network_operation_ci_high: f64,
    pub gnet_connection: f64,
    pub gnet_connection_ci_low: f64,
    pub gnet_connection_ci_high: f64,
    pub work_from_kansai: f64,
    pub work_from_kansai_ci_low: f64,
    pub work_from_kansai_ci_high: f64,
    pub trials: u64,
}

/// One row of `kansai_ministries.csv`: how many ministries can work from Kansai.
#[derive(Debug, Serialize)]
pub struct KansaiCountRow {
    /// Number of ministries able to work from Kansai.
    pub ministries: usize,
    /// Probability of exactly that number.
    pub probability: f64,
    /// Probability of at least that number.
    pub probability_at_least: f64,
}

/// One row of `power.csv`: grid power lost at the moment of the quake.
#[derive(Debug, Serialize)]
pub struct PowerRow {
    /// Site id.
    pub site: String,
    /// Region id.
    pub region: String,
    /// Probability the site's substation no longer supplies it at t = 0.
    pub p_grid_power_lost: f64,
    /// Lower 95 % Wilson bound.
    pub ci_low: f64,
    /// Upper 95 % Wilson bound.
    pub ci_high: f64,
}

/// Rows of `power.csv`.
pub fn power_rows(model: &Model, t: &Tally) -> Vec<PowerRow> {
    model
        .sites
        .iter()
        .zip(&t.grid_lost)
        .map(|(s, &k)| {
            let p = Proportion::new(k, t.trials);
            PowerRow {
                site: s.id.clone(),
                region: model.regions[s.region].id.clone(),
                p_grid_power_lost: r6(p.p),
                ci_low: r6(p.low),
                ci_high: r6(p.high),
            }
        })
        .collect()
}

/// One row of `availability.csv`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AvailabilityRow {
    /// Service id.
    pub service: String,
    /// Hours after the quake.
    pub hours: f64,
    /// Probability the service is up then.
    pub probability_up: f64,
    /// Lower 95 % Wilson bound.
    pub ci_low: f64,
    /// Upper 95 % Wilson bound.
    pub ci_high: f64,
}

/// One row of `restoration.csv`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RestorationRow {
    /// Service id.
    pub service: String,
    /// Recovery-time objective, hours.
    pub rto_hours: f64,
    /// Probability of being restored (for good) within the RTO.
    pub p_within_rto: f64,
    /// Lower 95 % Wilson bound.
    pub ci_low: f64,
    /// Upper 95 % Wilson bound.
    pub ci_high: f64,
    /// Median time to restore, hours (upper edge of a 15-minute bin; inf: beyond the horizon).
    pub ttr_p50_hours: f64,
    /// 90th percentile.
    pub ttr_p90_hours: f64,
    /// 99th percentile.
    pub ttr_p99_hours: f64,
    /// Mean hours down within the horizon.
    pub mean_downtime_hours: f64,
}

/// One row of `crews.csv`: how busy each crew pool was.
#[derive(Debug, Serialize)]
pub struct CrewRow {
    /// Pool id.
    pub pool: String,
    /// Crews working at once.
    pub crews: u32,
    /// Repairs started per trial, on average.
    pub mean_jobs: f64,
    /// Mean hours a job waited for a crew after its release (travel and queueing).
    pub mean_wait_hours: f64,
    /// Share of jobs that waited more than 24 hours.
    pub share_waiting_over_24h: f64,
}

/// Rows of `crews.csv`.
pub fn crew_rows(model: &Model, t: &Tally) -> Vec<CrewRow> {
    let Some(rec) = &model.recovery else {
        return Vec::new();
    };
    rec.pools
        .iter()
        .enumerate()
        .map(|(p, pool)| {
            let jobs = t.pool_jobs[p].max(1) as f64;
            CrewRow {
                pool: pool.id.clone(),
                crews: pool.count,
                mean_jobs: r6(t.pool_jobs[p] as f64 / t.trials.max(1) as f64),
                mean_wait_hours: r6(t.pool_wait_min[p] as f64 / 60.0 / jobs),
                share_waiting_over_24h: r6(t.pool_wait_24h[p] as f64 / jobs),
            }
        })
        .collect()
}

/// Rows of `availability.csv`.
pub fn availability_rows(model: &Model, t: &Tally) -> Vec<AvailabilityRow> {
    let Some(rec) = &model.recovery else {
        return Vec::new();
    };
    let c = rec.checkpoints.len();
    let mut rows = Vec::new();
    for (s, svc) in model.services.iter().enumerate() {
        for (k, &h) in rec.checkpoints.iter().enumerate() {
            let p = Proportion::new(t.rec_up[s * c + k], t.trials);
            rows.push(AvailabilityRow {
                service: svc.id.clone(),
                hours: h,
                probability_up: r6(p.p),
                ci_low: r6(p.low),
                ci_high: r6(p.high),
            });
        }
    }
    rows
}

pub use crate::tally::quantile::ttr_quantile;

/// Rows of `restoration.csv`.
pub fn restoration_rows(model: &Model, t: &Tally) -> Vec<RestorationRow> {
    let Some(rec) = &model.recovery else {
        return Vec::new();
    };
    let bins = rec.ttr_bins();
    model
        .services
        .iter()
        .enumerate()
        .map(|(s, svc)| {
            let hist = &t.rec_ttr[s * bins..(s + 1) * bins];
            let p = Proportion::new(t.rec_within_rto[s], t.trials);
            RestorationRow {
                service: svc.id.clone(),
                rto_hours: rec.rto[s],
                p_within_rto: r6(p.p),
                ci_low: r6(p.low),
                ci_high: r6(p.high),
                ttr_p50_hours: ttr_quantile(hist, t.trials, 0.5),
                ttr_p90_hours: ttr_quantile(hist, t.trials, 0.9),
                ttr_p99_hours: ttr_quantile(hist, t.trials, 0.99),
                mean_downtime_hours: r6(t.rec_downtime_min[s] as f64
                    / 60.0
                    / t.trials.max(1) as f64),
            }
        })
        .collect()
}

/// Rows of `summary.csv`.
pub fn summary_rows(model: &Model, t: &Tally) -> Vec<SummaryRow> {
    model
        .services
        .iter()
        .zip(&t.service_up)
        .map(|(s, &k)| {
            let p = Proportion::new(k, t.trials);
            SummaryRow {
                service: s.id.clone(),
                probability_up: r6(p.p),
                ci_low: r6(p.low),
                ci_high: r6(p.high),
                trials: t.trials,
            }
        })
        .collect()
}

/// Rows of `ministries.csv`.
pub fn ministry_rows(model: &Model, t: &Tally) -> Vec<MinistryRow> {
    let p = |s: usize| Proportion::new(t.service_up[s], t.trials);
    model
        .ministries
        .iter()
        .map(|m| {
            let (a, b, c) = (
                p(m.network_operation),
                p(m.gnet_connection),
                p(m.work_from_kansai),
            );
            MinistryRow {
                ministry: m.id.clone(),
                name_en: m.name_en.clone(),
                name_ja: m.name_ja.clone(),
                network_operation: r6(a.p),
                network_operation_ci_low: r6(a.low),
                network_operation_ci_high: r6(a.high),
                gnet_connection: r6(b.p),
                gnet_connection_ci_low: r6(b.low),
                gnet_connection_ci_high: r6(b.high),
                work_from_kansai: r6(c.p),
                work_from_kansai_ci_low: r6(c.low),
                work_from_kansai_ci_high: r6(c.high),
                trials: t.trials,
            }
        })
        .collect()
}

/// Rows of `kansai_ministries.csv`.
pub fn kansai_rows(t: &Tally) -> Vec<KansaiCountRow> {
    let n = t.trials.max(1) as f64;
    let mut at_least = 0u64;
    let mut rows: Vec<KansaiCountRow> = t
        .kansai_ministries
        .iter()
        .enumerate()
        .rev()
        .map(|(k, &c)| {
            at_least += c;
            KansaiCountRow {
                ministries: k,
                probability: r6(c as f64 / n),
                probability_at_least: r6(at_least as f64 / n),
            }
        })
        .collect();
    rows.reverse();
    rows
}

/// One row of `site_failures.csv`: how often something at each site failed at the quake.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SiteFailureRow {
    /// Site id.
    pub site: String,
    /// English name.
    pub name_en: String,
    /// Japanese name.
    pub name_ja: String,
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east.
    pub lon: f64,
    /// Region id.
    pub region: String,
    /// Probability that at least one existing component placed there failed at the quake.
    pub p_failed: f64,
    /// Lower 95 % Wilson bound.
    pub ci_low: f64,
    /// Upper 95 % Wilson bound.
    pub ci_high: f64,
    /// JMA instrumental intensity of the median PGV there (earthquake scenarios with a PGV
    /// field; empty otherwise).
    pub median_jma: Option<f64>,
}

/// Rows of `site_failures.csv`.
pub fn site_failure_rows(model: &Model, t: &Tally) -> Vec<SiteFailureRow> {
    let jma = |s: usize| {
        model.ground_motion.as_ref().and_then(|g| {
            (g.imt == crate::groundmotion::Imt::Pgv)
                .then(|| r6(crate::groundmotion::jma_from_pgv(g.ln_median[s].exp())))
        })
    };
    model
        .sites
        .iter()
        .enumerate()
        .map(|(s, site)| {
            let p = Proportion::new(t.site_failed.get(s).copied().unwrap_or(0), t.trials);
            SiteFailureRow {
                site: site.id.clone(),
                name_en: site.name_en.clone(),
                name_ja: site.name_ja.clone(),
                lat: site.pos.lat,
                lon: site.pos.lon,
                region: model.regions[site.region].id.clone(),
                p_failed: r6(p.p),
                ci_low: r6(p.low),
                ci_high: r6(p.high),
                median_jma: jma(s),
            }
        })
        .collect()
}

/// One row of `kansai_over_time.csv`: the distribution of the number of ministries able to
/// work from Kansai at each checkpoint of the recovery.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KansaiOverTimeRow {
    /// Hours after the quake.
    pub hours: f64,
    /// Number of ministries.
    pub ministries: usize,
    /// Probability of exactly that number.
    pub probability: f64,
    /// Probability of at least that number.
    pub probability_at_least: f64,
}

/// Rows of `kansai_over_time.csv` (empty without recovery or ministries).
pub fn kansai_over_time_rows(model: &Model, t: &Tally) -> Vec<KansaiOverTimeRow> {
    let Some(rec) = &model.recovery else {
        return Vec::new();
    };
    let width = model.ministries.len() + 1;
    if model.ministries.is_empty() || t.rec_kansai.len() != rec.checkpoints.len() * width {
        return Vec::new();
    }
    let n = t.trials.max(1) as f64;
    let mut rows = Vec::new();
    for (k, &h) in rec.checkpoints.iter().enumerate() {
        let counts = &t.rec_kansai[k * width..(k + 1) * width];
        let mut at_least: u64 = counts.iter().sum();
        for (m, &c) in counts.iter().enumerate() {
            rows.push(KansaiOverTimeRow {
                hours: h,
                ministries: m,
                probability: r6(c as f64 / n),
                probability_at_least: r6(at_least as f64 / n),
            });
            at_least -= c;
        }
    }
    rows
}
