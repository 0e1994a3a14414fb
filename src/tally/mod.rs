//! Streaming, mergeable accumulators of trial outcomes: [`Tally`] (services, sites, the
//! recovery's checkpoints, times to restore and crews), [`mail::MailTally`] (LGWAN mail),
//! the quantiles of their histograms ([`quantile`]) and the metrics shared by compare and
//! sensitivity ([`metrics`]). Counts are integers, so merging in any order gives the same
//! tally.

pub mod mail;
pub mod metrics;
pub mod quantile;

use serde::{Deserialize, Serialize};

use crate::model::Model;
use crate::sim::trial::{Stage, Stages, TrialWorkspace};
use crate::sim::workspace::Workspace;

/// Counts over trials. Integers only, so merging is exact and order-free: one thread, many
/// threads and merged shards give identical tallies. Memory is O(services), not O(trials).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Trials counted.
    pub trials: u64,
    /// Trials in which each service was up.
    pub service_up: Vec<u64>,
    /// Trials by number of ministries able to work from Kansai (index 0..=ministries).
    pub kansai_ministries: Vec<u64>,
    /// Trials in which each site lost grid power at the moment of the quake.
    #[serde(default)]
    pub grid_lost: Vec<u64>,
    /// Recovery: trials with each service up at each checkpoint (service-major).
    #[serde(default)]
    pub rec_up: Vec<u64>,
    /// Recovery: histogram of each service's time to restore (service-major, bins of
    /// [`crate::model::recovery::TTR_BIN_HOURS`], last bin = not restored within the horizon).
    #[serde(default)]
    pub rec_ttr: Vec<u64>,
    /// Recovery: trials restored within each service's RTO.
    #[serde(default)]
    pub rec_within_rto: Vec<u64>,
    /// Recovery: downtime summed over trials, whole minutes per trial (integers, so merges
    /// are exact).
    #[serde(default)]
    pub rec_downtime_min: Vec<u64>,
    /// Recovery: repairs started per crew pool, summed over trials.
    #[serde(default)]
    pub pool_jobs: Vec<u64>,
    /// Recovery: minutes jobs waited for a crew per pool, summed (whole minutes per trial).
    #[serde(default)]
    pub pool_wait_min: Vec<u64>,
    /// Recovery: jobs that waited more than 24 h for a crew, per pool.
    #[serde(default)]
    pub pool_wait_24h: Vec<u64>,
    /// Trials in which at least one existing component at each site failed at the quake.
    #[serde(default)]
    pub site_failed: Vec<u64>,
    /// Recovery: trials by number of ministries able to work from Kansai at each checkpoint
    /// (checkpoint-major, `ministries + 1` counts per checkpoint): the distribution behind
    /// the fan chart.
    #[serde(default)]
    pub rec_kansai: Vec<u64>,
    /// Per-site stamp of the last trial counted in `site_failed` (scratch, not state).
    #[serde(skip)]
    site_stamp: Stamp,
    /// LGWAN mail, when the model has it.
    #[serde(default)]
    pub mail: Option<mail::MailTally>,
}

/// Scratch that never takes part in comparisons or serialisation.
#[derive(Debug, Clone, Default)]
struct Stamp(Vec<u64>);

impl PartialEq for Stamp {
    fn eq(&self, _: &Stamp) -> bool {
        true
    }
}

impl Eq for Stamp {}

impl Tally {
    /// An empty tally shaped for the outcomes of `stages` of a model.
    pub fn new(model: &Model, stages: &Stages) -> Tally {
        Tally {
            trials: 0,
            service_up: vec![0; model.services.len()],
            kansai_ministries: vec![0; model.ministries.len() + 1],
            grid_lost: vec![0; model.sites.len()],
            rec_up: Vec::new(),
            rec_ttr: Vec::new(),
            rec_within_rto: Vec::new(),
            rec_downtime_min: Vec::new(),
            pool_jobs: Vec::new(),
            pool_wait_min: Vec::new(),
            pool_wait_24h: Vec::new(),
            site_failed: vec![0; model.sites.len()],
            rec_kansai: Vec::new(),
            site_stamp: Stamp(vec![0; model.sites.len()]),
            mail: model
                .lgwan
                .as_ref()
                .filter(|_| stages.runs(Stage::Mail))
                .map(mail::MailTally::new),
        }
        .with_recovery(model, stages)
    }

    fn with_recovery(mut self, model: &Model, stages: &Stages) -> Tally {
        if let Some(rec) = model
            .recovery
            .as_ref()
            .filter(|_| stages.runs(Stage::Recovery))
        {
            let s = model.services.len();
            self.rec_up = vec![0; s * rec.checkpoints.len()];
            self.rec_ttr = vec![0; s * rec.ttr_bins()];
            self.rec_within_rto = vec![0; s];
            self.rec_downtime_min = vec![0; s];
            self.pool_jobs = vec![0; rec.pools.len()];
            self.pool_wait_min = vec![0; rec.pools.len()];
            self.pool_wait_24h = vec![0; rec.pools.len()];
            self.rec_kansai = vec![0; rec.checkpoints.len() * (model.ministries.len() + 1)];
        }
        self
    }

    /// Whether the recovery stage was counted (a run stopped at the quake has no recovery
    /// counts; a model without services has nothing to report either way).
    pub fn recovery_recorded(&self) -> bool {
        !self.rec_up.is_empty()
    }

    /// Adds the outcome of every stage that ran in one trial.
    pub fn record_trial(&mut self, model: &Model, w: &TrialWorkspace) {
        self.record(model, &w.t0);
        if let (Some(rec), Some(rw)) = (&model.recovery, &w.recovery) {
            self.record_recovery(rec, rw);
            self.record_recovery_kansai(model, rec, rw);
        }
        if let (Some(m), Some(mw)) = (self.mail.as_mut(), &w.mail) {
            m.record(mw);
        }
    }

    /// Adds one trial's recovery outcome.
    pub fn record_recovery(
        &mut self,
        rec: &crate::model::recovery::Recovery,
        r: &crate::sim::recovery::RecoveryWorkspace,
    ) {
        for (c, &up) in self.rec_up.iter_mut().zip(&r.at_checkpoint) {
            *c += u64::from(up);
        }
        let bins = rec.ttr_bins();
        for (s, &ttr) in r.ttr.iter().enumerate() {
            let b = if ttr.is_finite() {
                ((ttr / crate::model::recovery::TTR_BIN_HOURS).ceil() as usize).min(bins - 2)
            } else {
                bins - 1
            };
            self.rec_ttr[s * bins + b] += 1;
            self.rec_within_rto[s] += u64::from(ttr <= rec.rto[s]);
            self.rec_downtime_min[s] += (r.downtime[s] * 60.0).round() as u64;
        }
        for p in 0..self.pool_jobs.len() {
            self.pool_jobs[p] += u64::from(r.pool_jobs[p]);
            self.pool_wait_min[p] += (r.pool_wait[p] * 60.0).round() as u64;
            self.pool_wait_24h[p] += u64::from(r.pool_wait_24h[p]);
        }
    }

    /// Adds one trial's count of ministries able to work from Kansai at each checkpoint.
    pub fn record_recovery_kansai(
        &mut self,
        model: &Model,
        rec: &crate::model::recovery::Recovery,
        r: &crate::sim::recovery::RecoveryWorkspace,
    ) {
        let c = rec.checkpoints.len();
        let width = model.ministries.len() + 1;
        if self.rec_kansai.len() != c * width {
            return;
        }
        for k in 0..c {
            let n = model
                .ministries
                .iter()
                .filter(|m| r.at_checkpoint[m.work_from_kansai * c + k])
                .count();
            self.rec_kansai[k * width + n] += 1;
        }
    }

    /// Adds one trial's outcome.
    pub fn record(&mut self, model: &Model, ws: &Workspace) {
        self.trials += 1;
        if self.site_stamp.0.len() != self.site_failed.len() {
            self.site_stamp.0 = vec![0; self.site_failed.len()];
        }
        for (i, &site) in ws.node_site.iter().enumerate() {
            let s = site as usize;
            if ws.exists[i]
                && ws.cause[i] != crate::sim::workspace::Cause::None
                && s < self.site_failed.len()
                && self.site_stamp.0[s] != self.trials
            {
                self.site_stamp.0[s] = self.trials;
                self.site_failed[s] += 1;
            }
        }
        for (c, &up) in self.service_up.iter_mut().zip(&ws.service_up) {
            *c += u64::from(up);
        }
        let k = model
            .ministries
            .iter()
            .filter(|m| ws.service_up[m.work_from_kansai])
            .count();
        self.kansai_ministries[k] += 1;
        for (c, &up) in self.grid_lost.iter_mut().zip(&ws.grid_up) {
            *c += u64::from(!up);
        }
    }

    /// Adds another tally of the same shape.
    pub fn merge(&mut self, other: &Tally) {
        self.trials += other.trials;
        add(&mut self.service_up, &other.service_up);
        add(&mut self.kansai_ministries, &other.kansai_ministries);
        add(&mut self.grid_lost, &other.grid_lost);
        add(&mut self.rec_up, &other.rec_up);
        add(&mut self.rec_ttr, &other.rec_ttr);
        add(&mut self.rec_within_rto, &other.rec_within_rto);
        add(&mut self.rec_downtime_min, &other.rec_downtime_min);
        add(&mut self.pool_jobs, &other.pool_jobs);
        add(&mut self.pool_wait_min, &other.pool_wait_min);
        add(&mut self.pool_wait_24h, &other.pool_wait_24h);
        add(&mut self.site_failed, &other.site_failed);
        add(&mut self.rec_kansai, &other.rec_kansai);
        match (&mut self.mail, &other.mail) {
            (Some(a), Some(b)) => a.merge(b),
            (None, Some(b)) => self.mail = Some(b.clone()),
            _ => {}
        }
    }

    /// Whether two tallies have the same shape (same model).
    pub fn same_shape(&self, other: &Tally) -> bool {
        self.service_up.len() == other.service_up.len()
            && self.kansai_ministries.len() == other.kansai_ministries.len()
            && self.grid_lost.len() == other.grid_lost.len()
            && self.rec_up.len() == other.rec_up.len()
            && self.rec_ttr.len() == other.rec_ttr.len()
            && match (&self.mail, &other.mail) {
                (Some(a), Some(b)) => a.same_shape(b),
                (None, None) => true,
                _ => false,
            }
    }
}

fn add(a: &mut Vec<u64>, b: &[u64]) {
    if a.len() < b.len() {
        a.resize(b.len(), 0);
    }
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
}
