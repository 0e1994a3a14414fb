//! The compiled recovery model: durations, repairs, crews, grid, generators and the
//! per-node tables the recovery engine ([`crate::sim::recovery`]) reads.

use serde::Serialize;

use crate::base::normal::fast_normal_quantile;
use crate::model::calendar::Calendar;

/// A lognormal duration in hours (fixed when `beta` is 0).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Duration {
    /// Median, hours.
    pub median_hours: f64,
    /// Dispersion of ln.
    pub beta: f64,
    /// Family.
    pub kind: crate::scenario::DurationKind,
}

impl Duration {
    /// The duration for a uniform draw `u` in (0, 1).
    pub fn sample(&self, u: f64) -> f64 {
        if self.kind == crate::scenario::DurationKind::Exponential {
            // `+ 0.0` turns -0.0 into 0.0: times are ordered by their bit patterns.
            return -self.median_hours / std::f64::consts::LN_2 * (1.0 - u).max(1e-300).ln() + 0.0;
        }
        if self.beta <= 0.0 {
            self.median_hours
        } else {
            let u = u.clamp(1e-12, 1.0 - 1e-12);
            self.median_hours * (self.beta * fast_normal_quantile(u)).exp()
        }
    }
}

/// When the quake happens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Start {
    /// A fixed local time.
    Fixed(Calendar),
    /// Uniform over a week, drawn per trial.
    Sampled,
}

/// Repair of one class.
#[derive(Debug, Clone, Copy)]
pub struct Repair {
    /// Duration of a repair.
    pub duration: Duration,
    /// Durations by damage state under shaking (slight … complete), if given.
    pub by_state: Option<[Duration; 4]>,
    /// Dispatch priority (lower first).
    pub priority: i64,
    /// Rank of `priority` among the scenario's distinct priorities (0 first).
    pub rank: u32,
    /// Crew pool index.
    pub pool: usize,
}

/// A crew pool.
#[derive(Debug, Clone)]
pub struct Pool {
    /// Identifier.
    pub id: String,
    /// Crews working at once.
    pub count: u32,
    /// Delay before the crews can start.
    pub travel: Duration,
}

/// Grid outage and restoration in a region.
#[derive(Debug, Clone, Copy)]
pub struct Grid {
    /// Probability a site loses the grid at the quake (ignored where the ground-motion
    /// hazard decides it).
    pub p_outage: f64,
    /// Restoration time.
    pub restore: Duration,
    /// Restoration by substation damage state (slight … complete), if given.
    pub by_state: Option<[Duration; 4]>,
}

/// Private generator of a class.
#[derive(Debug, Clone, Copy)]
pub struct Generator {
    /// Hours of fuel.
    pub fuel_hours: f64,
    /// Probability refuelling arrives at all.
    pub p_refuel: f64,
    /// Arrival time of refuelling.
    pub refuel: Duration,
}

/// The recovery model, compiled.
#[derive(Debug, Clone)]
pub struct Recovery {
    /// Horizon, hours.
    pub horizon: f64,
    /// Checkpoints, hours (ascending, within the horizon).
    pub checkpoints: Vec<f64>,
    /// Start time.
    pub start: Start,
    /// Detection delay.
    pub detection: Duration,
    /// Probability a contact is reached outside business hours.
    pub contact_p: f64,
    /// Router restart after power returns, hours.
    pub router_restart: f64,
    /// Staff relocation delay.
    pub relocation: Duration,
    /// RTO per service, hours.
    pub rto: Vec<f64>,
    /// Repair per class.
    pub repair: Vec<Option<Repair>>,
    /// Crew pools.
    pub pools: Vec<Pool>,
    /// Grid per region.
    pub grid: Vec<Option<Grid>>,
    /// Generator per class.
    pub generators: Vec<Option<Generator>>,
    /// Per node: needs power (it has a class).
    pub(crate) needs_power: Vec<bool>,
    /// Per node: is a router (restarts after power returns).
    pub(crate) is_router: Vec<bool>,
    /// Per node: the ministry whose staff it is.
    pub(crate) staff_of: Vec<Option<u32>>,
    /// Per node: key of its owner's contact.
    pub(crate) owner_key: Vec<u64>,
    /// Per node: its owner as a dense index (contacts are drawn once per owner and trial).
    pub(crate) owner_index: Vec<u32>,
    /// Node -> path queries that read it (CSR): query index << 6 | the node's bit in the
    /// query's up-mask.
    pub(crate) node_queries: (Vec<u32>, Vec<u32>),
    /// Node -> services that read it directly (CSR).
    pub(crate) node_services: (Vec<u32>, Vec<u32>),
    /// Path query -> services (CSR).
    pub(crate) query_services: (Vec<u32>, Vec<u32>),
    /// Key of the quake's time-of-week draw.
    pub(crate) calendar_key: u64,
    /// Per site: key of its grid draws.
    pub(crate) grid_keys: Vec<u64>,
    /// Per pool: key of its travel draw.
    pub(crate) pool_keys: Vec<u64>,
    /// Number of classes (generators are per site and class).
    pub(crate) n_classes: usize,
    /// Per node: its class, if that class has a generator.
    pub(crate) generator_of_class: Vec<Option<u32>>,
    /// Per (site, class): key of its generator's draws.
    pub(crate) generator_key: Vec<u64>,
    /// Per service: its program has no negation, so it is monotone in its inputs.
    pub(crate) monotone: Vec<bool>,
    /// Site -> nodes that may stand there (CSR).
    pub(crate) site_nodes: (Vec<u32>, Vec<u32>),
    /// Log node and service state changes (for the mail model, [`crate::lgwan`]).
    pub(crate) log_changes: bool,
}

/// Width of a time-to-restore histogram bin, hours.
pub const TTR_BIN_HOURS: f64 = 0.25;

impl Recovery {
    /// Bins of the time-to-restore histogram: 0, (0, 0.25], … up to the horizon, then one
    /// bin for "not restored within the horizon".
    pub fn ttr_bins(&self) -> usize {
        (self.horizon / TTR_BIN_HOURS).ceil() as usize + 2
    }
}

/// Builds a CSR adjacency from (from, to) pairs.
pub(crate) fn csr(n: usize, pairs: &[(u32, u32)]) -> (Vec<u32>, Vec<u32>) {
    let mut start = vec![0u32; n + 1];
    for &(a, _) in pairs {
        start[a as usize + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut out = vec![0u32; pairs.len()];
    for &(a, b) in pairs {
        out[fill[a as usize] as usize] = b;
        fill[a as usize] += 1;
    }
    (start, out)
}
