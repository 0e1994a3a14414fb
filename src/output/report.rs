//! Results folders: atomic writing, CSV tables from `Serialize` rows, manifest and the
//! mergeable state of a run.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::base::fmt::r6;
use crate::base::interval::Proportion;
use crate::diag::{Error, Result};
use crate::drive::Shard;
use crate::model::Model;
use crate::tally::Tally;

/// A results folder being written: files go to a hidden temporary folder beside the target,
/// which is renamed into place by [`OutDir::commit`]. Dropped uncommitted, it is removed, so
/// an interrupted run never leaves a folder that looks complete.
#[derive(Debug)]
pub struct OutDir {
    target: PathBuf,
    tmp: PathBuf,
    force: bool,
    committed: bool,
}

impl OutDir {
    /// Refuses an existing target without `force`; creates the temporary folder.
    pub fn prepare(target: &Path, force: bool) -> Result<OutDir> {
        if target.exists() && !force {
            return Err(Error::OutputExists(target.to_path_buf()));
        }
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)
            .map_err(|e| Error::io(format!("creating {}", parent.display()), e))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "results".into());
        let tmp = parent.join(format!(".{name}.partial-{}", std::process::id()));
        if tmp.exists() {
            let _ = std::fs::remove_dir_all(&tmp);
        }
        std::fs::create_dir_all(&tmp)
            .map_err(|e| Error::io(format!("creating {}", tmp.display()), e))?;
        Ok(OutDir {
            target: target.to_path_buf(),
            tmp,
            force,
            committed: false,
        })
    }

    /// Writes one file into the temporary folder.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<()> {
        let p = self.tmp.join(name);
        std::fs::write(&p, bytes).map_err(|e| Error::io(format!("writing {}", p.display()), e))
    }

    /// Writes rows as CSV (header from the struct's fields).
    pub fn write_csv<T: Serialize>(&self, name: &str, rows: &[T]) -> Result<()> {
        self.write(name, &csv_bytes(rows)?)
    }

    /// Writes a value as pretty JSON.
    pub fn write_json<T: Serialize>(&self, name: &str, v: &T) -> Result<()> {
        let mut s = serde_json::to_string_pretty(v)
            .map_err(|e| Error::Run(format!("serialising {name}: {e}")))?;
        s.push('\n');
        self.write(name, s.as_bytes())
    }

    /// The temporary folder the files are written to before [`OutDir::commit`].
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// Moves the finished folder into place (replacing an old one only with `force`).
    pub fn commit(mut self) -> Result<PathBuf> {
        let old = self
            .tmp
            .with_extension(format!("old-{}", std::process::id()));
        let replaced = if self.target.exists() {
            if !self.force {
                return Err(Error::OutputExists(self.target.clone()));
            }
            std::fs::rename(&self.target, &old)
                .map_err(|e| Error::io(format!("moving aside {}", self.target.display()), e))?;
            true
        } else {
            false
        };
        std::fs::rename(&self.tmp, &self.target)
            .map_err(|e| Error::io(format!("renaming into {}", self.target.display()), e))?;
        if replaced {
            let _ = if old.is_dir() {
                std::fs::remove_dir_all(&old)
            } else {
                std::fs::remove_file(&old)
            };
        }
        self.committed = true;
        Ok(self.target.clone())
    }
}

impl Drop for OutDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

/// CSV bytes of rows.
pub fn csv_bytes<T: Serialize>(rows: &[T]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r)
            .map_err(|e| Error::Run(format!("writing CSV: {e}")))?;
    }
    w.into_inner()
        .map_err(|e| Error::Run(format!("writing CSV: {e}")))
}

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
#[derive(Debug, Serialize)]
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
#[derive(Debug, Serialize)]
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
#[derive(Debug, Serialize)]
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

/// The `q` quantile of a time-to-restore histogram (infinite when beyond the horizon).
pub fn ttr_quantile(hist: &[u64], trials: u64, q: f64) -> f64 {
    let need = (q * trials as f64).ceil().max(1.0) as u64;
    let mut acc = 0;
    for (b, &c) in hist.iter().enumerate() {
        acc += c;
        if acc >= need {
            return if b == hist.len() - 1 {
                f64::INFINITY
            } else {
                b as f64 * crate::model::recovery::TTR_BIN_HOURS
            };
        }
    }
    f64::INFINITY
}

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

/// What a run or shard leaves behind to be merged: enough to check compatibility.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct State {
    /// Format version of this file.
    pub format: u32,
    /// Scenario id.
    pub scenario_id: String,
    /// SHA-256 of the scenario files.
    pub scenario_sha256: String,
    /// Seed.
    pub seed: u64,
    /// Options applied.
    pub options: Vec<String>,
    /// Total trials of the whole run.
    pub trials_total: u64,
    /// Trials covered by this state, [start, end).
    pub range: (u64, u64),
    /// Service ids, in tally order.
    pub services: Vec<String>,
    /// The counts.
    pub tally: Tally,
    /// The run stopped at the quake (`run --at-quake`): no recovery or mail counts.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub at_quake: bool,
}

/// The manifest of a results folder.
#[derive(Debug, Serialize)]
pub struct Manifest {
    /// Tool name.
    pub tool: &'static str,
    /// Tool version.
    pub version: &'static str,
    /// What wrote the folder (`run`, `merge`, `table7`).
    pub command: String,
    /// Scenario file as given.
    pub scenario: String,
    /// Scenario id.
    pub scenario_id: String,
    /// SHA-256 of the scenario files.
    pub scenario_sha256: String,
    /// Seed.
    pub seed: u64,
    /// Random number generator.
    pub generator: &'static str,
    /// Trials of the whole run.
    pub trials: u64,
    /// Trials in this folder, [start, end).
    pub trial_range: (u64, u64),
    /// Shard, if any (1-based K of N).
    pub shard: Option<String>,
    /// Options applied.
    pub options: Vec<String>,
    /// Worker threads.
    pub threads: usize,
    /// Wall time, seconds.
    pub elapsed_seconds: f64,
    /// The command line.
    pub command_line: Vec<String>,
    /// UTC time the folder was written.
    pub created_utc: String,
    /// Only the state right after the quake was simulated (`run --at-quake`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub at_quake: bool,
}

/// One row of `site_failures.csv`: how often something at each site failed at the quake.
#[derive(Debug, Serialize)]
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
#[derive(Debug, Serialize)]
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

/// One row of `intensity_grid.csv`: the median ground motion of the scenario's earthquake
/// at a grid point, at a reference Vs30 (the map's intensity field).
#[derive(Debug, Serialize)]
pub struct IntensityGridRow {
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east.
    pub lon: f64,
    /// Reference Vs30 used at every point, m/s.
    pub vs30_mps: f64,
    /// Median PGV, cm/s.
    pub median_pgv_cms: f64,
    /// JMA instrumental intensity of the median PGV.
    pub median_jma: f64,
}

/// Grid step of `intensity_grid.csv`, degrees (both axes).
pub const INTENSITY_GRID_STEP_DEG: f64 = 0.1;

/// The reference Vs30 of the intensity field: the most common Vs30 among the sites (the
/// scenario's default where sites do not set their own; the smaller value on ties).
pub fn reference_vs30(vs30: &[f64]) -> Option<f64> {
    let mut count: std::collections::BTreeMap<u64, usize> = Default::default();
    for v in vs30 {
        *count.entry(v.to_bits()).or_default() += 1;
    }
    let mut best: Option<(usize, f64)> = None;
    for (bits, n) in count {
        let v = f64::from_bits(bits);
        if best.is_none_or(|(bn, bv)| n > bn || (n == bn && v < bv)) {
            best = Some((n, v));
        }
    }
    best.map(|(_, v)| v)
}

/// Rows of `intensity_grid.csv` for a scenario with `[hazard.ground_motion]`: the median PGV
/// (Si & Midorikawa 1999, as the run uses) and its JMA intensity on a grid of
/// [`INTENSITY_GRID_STEP_DEG`] over the map extent of the sites
/// ([`crate::output::charts::map_extent`]), at [`reference_vs30`]. Points beyond the GMPE's range
/// (Rrup over 1000 km) are left out. Empty without ground motion.
pub fn intensity_grid_rows(model: &Model) -> Vec<IntensityGridRow> {
    let Some(g) = &model.ground_motion else {
        return Vec::new();
    };
    let Some(vs30) = reference_vs30(&g.vs30_mps) else {
        return Vec::new();
    };
    let pts: Vec<(f64, f64)> = model.sites.iter().map(|s| (s.pos.lon, s.pos.lat)).collect();
    let (lon0, lon1, lat0, lat1) = crate::output::charts::map_extent(&pts);
    let step = INTENSITY_GRID_STEP_DEG;
    // Grid points on multiples of the step (so that grids of different runs line up).
    let first = |x: f64| (x / step).floor() as i64;
    let last = |x: f64| (x / step).ceil() as i64;
    let event = g.rupture.event_params();
    let mut rows = Vec::new();
    for i in first(lat0)..=last(lat1) {
        for j in first(lon0)..=last(lon1) {
            let (lat, lon) = (r6(i as f64 * step), r6(j as f64 * step));
            let rrup = g.rupture.rrup_km(lat, lon);
            if let Ok((pgv, _)) = crate::groundmotion::median_and_sigma(
                &event,
                crate::groundmotion::Imt::Pgv,
                rrup,
                vs30,
            ) {
                rows.push(IntensityGridRow {
                    lat,
                    lon,
                    vs30_mps: vs30,
                    median_pgv_cms: r6(pgv),
                    median_jma: r6(crate::groundmotion::jma_from_pgv(pgv)),
                });
            }
        }
    }
    rows
}

/// A region's outline for maps (`regions.json`).
#[derive(Debug, Serialize)]
pub struct RegionOutline {
    /// Region id.
    pub id: String,
    /// English name.
    pub name_en: String,
    /// Japanese name.
    pub name_ja: String,
    /// Rings of `[lon, lat]` vertices (none for the fallback region).
    pub polygons: Vec<Vec<[f64; 2]>>,
}

/// The regions of a scenario as written, for `regions.json`.
pub fn region_outlines(scenario: &crate::scenario::Scenario) -> Vec<RegionOutline> {
    scenario
        .content
        .regions
        .iter()
        .map(|r| RegionOutline {
            id: r.item.id.get_ref().clone(),
            name_en: r.item.name_en.clone(),
            name_ja: r.item.name_ja.clone(),
            polygons: r
                .item
                .polygons
                .as_ref()
                .map(|p| p.get_ref().clone())
                .unwrap_or_default(),
        })
        .collect()
}

/// Writes the tables a run produces from its tally.
pub fn write_tables(out: &OutDir, model: &Model, t: &Tally) -> Result<()> {
    out.write_csv("summary.csv", &summary_rows(model, t))?;
    if !model.sites.is_empty() && t.site_failed.len() == model.sites.len() {
        out.write_csv("site_failures.csv", &site_failure_rows(model, t))?;
    }
    let grid = intensity_grid_rows(model);
    if !grid.is_empty() {
        out.write_csv("intensity_grid.csv", &grid)?;
    }
    if !model.ministries.is_empty() {
        out.write_csv("ministries.csv", &ministry_rows(model, t))?;
        out.write_csv("kansai_ministries.csv", &kansai_rows(t))?;
    }
    if model
        .ground_motion
        .as_ref()
        .is_some_and(|g| g.power.is_some())
    {
        out.write_csv("power.csv", &power_rows(model, t))?;
    }
    if model.recovery.is_some() && t.recovery_recorded() {
        out.write_csv("availability.csv", &availability_rows(model, t))?;
        out.write_csv("restoration.csv", &restoration_rows(model, t))?;
        out.write_csv("crews.csv", &crew_rows(model, t))?;
        let rows = kansai_over_time_rows(model, t);
        if !rows.is_empty() {
            out.write_csv("kansai_over_time.csv", &rows)?;
        }
    }
    if let (Some(lg), Some(m)) = (&model.lgwan, &t.mail) {
        out.write_csv("mail.csv", &crate::tally::mail::mail_rows(lg, m))?;
        out.write_csv("mail_compare.csv", &crate::tally::mail::compare_rows(lg, m))?;
    }
    Ok(())
}

/// Shard description `K/N` (1-based).
pub fn shard_label(s: Option<Shard>) -> Option<String> {
    s.map(|s| format!("{}/{}", s.index + 1, s.count))
}

/// `YYYYMMDDTHHMMSSZ` for the current UTC time.
pub fn utc_stamp() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Proleptic Gregorian date from days since 1970-01-01 (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_779), (2026, 11, 22));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn uncommitted_folder_is_removed_and_existing_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        {
            let o = OutDir::prepare(&target, false).unwrap();
            o.write("a.csv", b"x").unwrap();
        }
        assert!(!target.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let o = OutDir::prepare(&target, false).unwrap();
        o.write("a.csv", b"1").unwrap();
        o.commit().unwrap();
        assert!(matches!(
            OutDir::prepare(&target, false),
            Err(Error::OutputExists(_))
        ));
        let o = OutDir::prepare(&target, true).unwrap();
        o.write("b.csv", b"2").unwrap();
        o.commit().unwrap();
        assert!(!target.join("a.csv").exists());
        assert_eq!(std::fs::read(target.join("b.csv")).unwrap(), b"2");
    }
}
