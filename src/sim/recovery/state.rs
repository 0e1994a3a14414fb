//! What the steps of a recovery run share: the per-thread workspace, the events, the
//! explanation lines, the keys of the draws and the rule for whether a node is up. A leaf of
//! the recovery files (it imports only [`super::queue`]), so every step may import it.

use serde::{Deserialize, Serialize};

use crate::model::recovery::Recovery;
use crate::model::Model;
use crate::sim::workspace::Workspace;

use super::queue::{EventId, EventQueue};

// Entity keys of the draws made per node, generator and pool, kept in one list so that they
// stay distinct.
pub(super) const K_DETECT: u64 = 10;
pub(super) const K_REPAIR: u64 = 11;
pub(super) const K_REFUEL_ARRIVES: u64 = 12;
pub(super) const K_REFUEL_TIME: u64 = 13;
pub(super) const K_RELOCATION: u64 = 14;

/// Row `i` of a CSR adjacency.
#[inline(always)]
pub(super) fn row(c: &(Vec<u32>, Vec<u32>), i: usize) -> &[u32] {
    &c.1[c.0[i] as usize..c.0[i + 1] as usize]
}

/// What happens at a point in time (repair completions are kept apart, in
/// [`RecoveryWorkspace::completions`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Ev {
    /// A site's grid power returns.
    GridBack(u32),
    /// A (site, class) generator runs out of fuel.
    FuelOut(u32),
    /// Refuelling reaches a (site, class) generator.
    Refuel(u32),
    /// A router finishes restarting.
    RouterUp(u32),
    /// A ministry's staff start at the Kansai alternate site.
    StaffArrive(u32),
}

/// What a line of a trial's explanation is about.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum Subject {
    /// A node (index).
    Node(u32),
    /// A site (index).
    Site(u32),
    /// A crew pool (index).
    Pool(u32),
    /// A service (index).
    Service(u32),
}

/// One line of a trial's explanation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TraceLine {
    /// Hours after the quake.
    pub hours: f64,
    /// What it is about.
    pub subject: Subject,
    /// What happened.
    pub what: String,
}

/// Where the explanation goes: `None` on the hot path.
pub(super) type Trace<'a> = Option<&'a mut Vec<TraceLine>>;

/// Adds a line to a [`Trace`]; formats only when tracing, so the hot path builds no strings.
macro_rules! say {
    ($trace:expr, $t:expr, $subject:expr, $($arg:tt)*) => {
        if let Some(tr) = $trace.as_deref_mut() {
            tr.push($crate::sim::recovery::state::TraceLine {
                hours: $t,
                subject: $subject,
                what: format!($($arg)*),
            });
        }
    };
}
pub(super) use say;

/// What every step reads: the model, the trial and its state at t = 0.
#[derive(Clone, Copy)]
pub(super) struct Ctx<'a> {
    pub(super) model: &'a Model,
    pub(super) rec: &'a Recovery,
    /// The hazard stage's state at t = 0.
    pub(super) ws: &'a Workspace,
    /// Seed of the trial.
    pub(super) ts: u64,
}

impl Ctx<'_> {
    /// Id of node `i`, for the explanation.
    pub(super) fn name(&self, i: usize) -> &str {
        self.model.nodes[i].id.as_str()
    }
}

/// Per-thread scratch space of the recovery stage.
#[derive(Debug, Clone, Default)]
pub struct RecoveryWorkspace {
    pub(super) queue: EventQueue<Ev>,
    pub(crate) up: Vec<bool>,
    pub(super) damaged: Vec<bool>,
    pub(super) grid_on: Vec<bool>,
    /// Per (site, class) generator: running.
    pub(super) gen_running: Vec<bool>,
    /// Per (site, class) generator: already set up in this trial.
    pub(super) gen_set: Vec<bool>,
    pub(super) gen_used: Vec<u32>,
    pub(super) restarting: Vec<bool>,
    pub(super) staff_here: Vec<bool>,
    pub(super) fuel_event: Vec<Option<EventId>>,
    pub(super) path_up: Vec<bool>,
    /// Per path query: up-mask of its nodes, kept current as nodes change.
    pub(super) qmask: Vec<u64>,
    pub(crate) service_up: Vec<bool>,
    /// Pending re-evaluation: bit 1 = an input came up, bit 2 = an input went down.
    pub(super) dirty_q: Vec<u8>,
    pub(super) dirty_s: Vec<u8>,
    pub(super) dirty_nodes: Vec<u32>,
    pub(super) dirty_q_list: Vec<u32>,
    pub(super) dirty_s_list: Vec<u32>,
    pub(super) seen: Vec<bool>,
    pub(super) bfs: Vec<u32>,
    pub(super) stack: Vec<bool>,
    // per service outcome
    pub(super) down_since: Vec<f64>,
    /// Per service: hours down within the horizon.
    pub downtime: Vec<f64>,
    /// Per service: time after which it stayed up (0 if never down, infinite if down at
    /// the horizon).
    pub ttr: Vec<f64>,
    /// Per service and checkpoint: up (row-major by service).
    pub at_checkpoint: Vec<bool>,
    // crews
    /// Per site: when its grid power returns (0 if never lost, infinite if never).
    pub(super) grid_back: Vec<f64>,
    /// Per pool: when its crews reach the damaged region.
    pub(super) pool_at: Vec<f64>,
    /// Per pool: jobs of this trial (release, priority, node).
    pub(super) jobs: Vec<Vec<(f64, u32, u32)>>,
    /// Free times of a pool's crews while its schedule is worked out.
    pub(super) crew_free: std::collections::BinaryHeap<std::cmp::Reverse<u64>>,
    /// Repair completions (time, node), in time order.
    pub(super) completions: Vec<(f64, u32)>,
    /// Per pool: repairs started in this trial.
    pub pool_jobs: Vec<u32>,
    /// Per pool: hours jobs waited for a crew after their release, summed.
    pub pool_wait: Vec<f64>,
    /// Per pool: jobs that waited more than 24 hours.
    pub pool_wait_24h: Vec<u32>,
    /// Jobs waiting for a crew, one first-in first-out queue per priority rank: jobs enter
    /// in (release, node) order, so each queue's front is its next job.
    pub(super) waiting: Vec<std::collections::VecDeque<(f64, u32)>>,
    /// Per owner: whether its contact was reached in this trial (0 not drawn yet, 1 yes, 2 no).
    pub(super) contact: Vec<u8>,
    pub(super) contact_set: Vec<u32>,
    /// When the model asks for it: (time, node) of every node state change after t = 0,
    /// in time order (the state before the first change is the final state flipped once
    /// per change).
    pub node_log: Vec<(f64, u32)>,
    /// As `node_log`, for services.
    pub service_log: Vec<(f64, u32)>,
}

impl RecoveryWorkspace {
    /// Scratch sized for a model.
    pub fn new(model: &Model, rec: &Recovery) -> RecoveryWorkspace {
        let (n, q, s) = (model.nodes.len(), model.paths.len(), model.services.len());
        let generators = model.sites.len() * model.classes.len();
        let ranks = rec.repair.iter().flatten().map(|r| r.rank as usize + 1);
        let owners = rec.owner_index.iter().map(|&o| o as usize + 1);
        RecoveryWorkspace {
            up: vec![false; n],
            damaged: vec![false; n],
            grid_on: vec![true; model.sites.len()],
            grid_back: vec![0.0; model.sites.len()],
            pool_at: vec![0.0; rec.pools.len()],
            pool_jobs: vec![0; rec.pools.len()],
            jobs: vec![Vec::new(); rec.pools.len()],
            pool_wait: vec![0.0; rec.pools.len()],
            pool_wait_24h: vec![0; rec.pools.len()],
            gen_running: vec![false; generators],
            gen_set: vec![false; generators],
            restarting: vec![false; n],
            staff_here: vec![true; n],
            fuel_event: vec![None; generators],
            path_up: vec![false; q],
            qmask: vec![0; q],
            service_up: vec![false; s],
            dirty_q: vec![0; q],
            dirty_s: vec![0; s],
            seen: vec![false; n],
            down_since: vec![0.0; s],
            downtime: vec![0.0; s],
            ttr: vec![0.0; s],
            at_checkpoint: vec![false; s * rec.checkpoints.len()],
            waiting: vec![std::collections::VecDeque::new(); ranks.max().unwrap_or(0)],
            contact: vec![0; owners.max().unwrap_or(0)],
            ..RecoveryWorkspace::default()
        }
    }
}

/// Whether node `i` is up: it exists, is not damaged, not restarting, its staff are at work,
/// and it has power (no need, no site, the grid, or its class's running generator).
#[inline(always)]
pub(super) fn node_up(rec: &Recovery, ws: &Workspace, r: &RecoveryWorkspace, i: usize) -> bool {
    if !ws.exists[i] || r.damaged[i] || r.restarting[i] || !r.staff_here[i] {
        return false;
    }
    if !rec.needs_power[i] {
        return true;
    }
    let site = ws.node_site[i];
    site == u32::MAX
        || r.grid_on[site as usize]
        || rec.generator_of_class[i]
            .is_some_and(|c| r.gen_running[site as usize * rec.n_classes + c as usize])
}
