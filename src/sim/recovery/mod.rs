//! Recovery over time: a discrete-event run from the quake to the horizon.
//!
//! The state at t = 0 comes from the hazard stage (which components exist, which failed and
//! why, which sites lost grid power). From there:
//!
//! * **power**: a site that lost the grid gets it back after a drawn restoration time;
//!   meanwhile a component runs on its class's generator until the fuel runs out, unless a
//!   refuelling arrives first (or at all); routers restart a few minutes after their power
//!   returns (001: about 10 minutes);
//! * **repairs**: a failed component's fault is detected by remote monitoring, its owner's
//!   contact is called; outside business hours an unreachable contact makes the work wait
//!   until the next business day at 8:30 (001); released jobs wait for a crew of their
//!   class's pool, taken in priority order; crews reach the damaged region after a travel
//!   delay; a repair takes a drawn duration;
//! * **relocation**: each ministry's staff start at the Kansai alternate site after a drawn
//!   delay.
//!
//! Services are re-evaluated only when a component they depend on changes state, and the
//! trial records each service's state at the checkpoints, when it was restored for good and
//! how long it was down. Every draw is keyed by (seed, trial, entity) as in the hazard stage.

pub mod queue;

use serde::{Deserialize, Serialize};

use crate::base::rng::{splitmix64, uniform};
use crate::model::calendar::Calendar;
use crate::model::recovery::*;
use crate::model::Model;
use crate::sim::eval::{eval_program, eval_query};
use crate::sim::workspace::{Cause, Workspace};
use queue::{EventId, EventQueue};

fn row(c: &(Vec<u32>, Vec<u32>), i: usize) -> &[u32] {
    &c.1[c.0[i] as usize..c.0[i + 1] as usize]
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Ev {
    GridBack(u32),
    FuelOut(u32),
    Refuel(u32),
    RouterUp(u32),
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

/// Per-thread scratch space of the recovery stage.
#[derive(Debug, Clone, Default)]
pub struct RecoveryWorkspace {
    queue: EventQueue<Ev>,
    pub(crate) up: Vec<bool>,
    damaged: Vec<bool>,
    grid_on: Vec<bool>,
    /// Per (site, class) generator: running.
    gen_running: Vec<bool>,
    /// Per (site, class) generator: already set up in this trial.
    gen_set: Vec<bool>,
    gen_used: Vec<u32>,
    restarting: Vec<bool>,
    staff_here: Vec<bool>,
    fuel_event: Vec<Option<EventId>>,
    path_up: Vec<bool>,
    /// Per path query: up-mask of its nodes, kept current as nodes change.
    qmask: Vec<u64>,
    pub(crate) service_up: Vec<bool>,
    /// Pending re-evaluation: bit 1 = an input came up, bit 2 = an input went down.
    dirty_q: Vec<u8>,
    dirty_s: Vec<u8>,
    dirty_nodes: Vec<u32>,
    dirty_q_list: Vec<u32>,
    dirty_s_list: Vec<u32>,
    seen: Vec<bool>,
    bfs: Vec<u32>,
    stack: Vec<bool>,
    // per service outcome
    down_since: Vec<f64>,
    /// Per service: hours down within the horizon.
    pub downtime: Vec<f64>,
    /// Per service: time after which it stayed up (0 if never down, infinite if down at
    /// the horizon).
    pub ttr: Vec<f64>,
    /// Per service and checkpoint: up (row-major by service).
    pub at_checkpoint: Vec<bool>,
    // crews
    /// Released jobs per pool: (priority, release time bits, node), smallest first.
    grid_back: Vec<f64>,
    pool_at: Vec<f64>,
    /// Per pool: jobs of this trial (release, priority, node).
    jobs: Vec<Vec<(f64, u32, u32)>>,
    /// Free times of a pool's crews while its schedule is worked out.
    crew_free: std::collections::BinaryHeap<std::cmp::Reverse<u64>>,
    /// Repair completions (time, node), in time order.
    completions: Vec<(f64, u32)>,
    /// Per pool: repairs started in this trial.
    pub pool_jobs: Vec<u32>,
    /// Per pool: hours jobs waited for a crew after their release, summed.
    pub pool_wait: Vec<f64>,
    /// Per pool: jobs that waited more than 24 hours.
    pub pool_wait_24h: Vec<u32>,
    /// Jobs waiting for a crew, one first-in first-out queue per priority rank: jobs enter
    /// in (release, node) order, so each queue's front is its next job.
    waiting: Vec<std::collections::VecDeque<(f64, u32)>>,
    /// Per owner: whether its contact was reached in this trial (0 not drawn yet, 1 yes, 2 no).
    contact: Vec<u8>,
    contact_set: Vec<u32>,
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
            gen_running: vec![false; model.sites.len() * model.classes.len()],
            gen_set: vec![false; model.sites.len() * model.classes.len()],
            restarting: vec![false; n],
            staff_here: vec![true; n],
            fuel_event: vec![None; model.sites.len() * model.classes.len()],
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
            waiting: vec![
                std::collections::VecDeque::new();
                rec.repair
                    .iter()
                    .flatten()
                    .map(|r| r.rank as usize + 1)
                    .max()
                    .unwrap_or(0)
            ],
            contact: vec![
                0;
                rec.owner_index
                    .iter()
                    .map(|&o| o as usize + 1)
                    .max()
                    .unwrap_or(0)
            ],
            ..RecoveryWorkspace::default()
        }
    }
}

const K_DETECT: u64 = 10;
const K_REPAIR: u64 = 11;
const K_REFUEL_ARRIVES: u64 = 12;
const K_REFUEL_TIME: u64 = 13;
const K_RELOCATION: u64 = 14;

/// Runs the recovery of trial `trial_seed` from the t = 0 state in `ws` (after
/// [`crate::sim::run_trial`]). With `trace`, records what happened and why.
pub fn simulate(
    model: &Model,
    rec: &Recovery,
    trial_seed: u64,
    ws: &Workspace,
    r: &mut RecoveryWorkspace,
    mut trace: Option<&mut Vec<TraceLine>>,
) {
    let ts = trial_seed;
    let n = model.nodes.len();
    let name = |i: usize| model.nodes[i].id.as_str();
    // Formats only when tracing: the hot path must not build strings.
    macro_rules! say {
        ($t:expr, $subject:expr, $($arg:tt)*) => {
            if let Some(tr) = trace.as_deref_mut() {
                tr.push(TraceLine { hours: $t, subject: $subject, what: format!($($arg)*) });
            }
        };
    }
    r.queue.reset();
    r.node_log.clear();
    r.service_log.clear();
    let cal = match rec.start {
        Start::Fixed(c) => c,
        Start::Sampled => Calendar::at_hour_of_week(168.0 * uniform(ts, rec.calendar_key, 0)),
    };

    // Grid at t = 0 and its restoration, per site.
    let gm_power = model
        .ground_motion
        .as_ref()
        .is_some_and(|g| g.power.is_some());
    for (s, site) in model.sites.iter().enumerate() {
        let key = rec.grid_keys[s];
        let grid = rec.grid[site.region];
        let lost = if gm_power {
            !ws.grid_up[s]
        } else {
            grid.is_some_and(|g| uniform(ts, key, 0) < g.p_outage)
        };
        r.grid_on[s] = !lost;
        r.grid_back[s] = if lost { f64::INFINITY } else { 0.0 };
        if lost {
            match grid {
                Some(g) => {
                    let dist = match (g.by_state, ws.grid_state[s]) {
                        (Some(b), k) if k > 0 => b[k as usize - 1],
                        _ => g.restore,
                    };
                    let back = dist.sample(uniform(ts, key, 1));
                    r.grid_back[s] = back;
                    say!(
                        0.0,
                        Subject::Site(s as u32),
                        "site {} loses grid power; restored at {back:.1} h",
                        site.id
                    );
                    if back <= rec.horizon {
                        let _ = r.queue.schedule(back, Ev::GridBack(s as u32));
                    }
                }
                None => say!(
                    0.0,
                    Subject::Site(s as u32),
                    "site {} loses grid power; no restoration is modelled for its region",
                    site.id
                ),
            }
        }
    }

    // Crews reach the damaged region after their travel delay.
    for (p, pool) in rec.pools.iter().enumerate() {
        r.pool_jobs[p] = 0;
        r.pool_wait[p] = 0.0;
        r.pool_wait_24h[p] = 0;
        let key = rec.pool_keys[p];
        let at = pool.travel.sample(uniform(ts, key, 0));
        r.pool_at[p] = at;
        r.jobs[p].clear();
    }

    // Components at t = 0.
    for &o in &r.contact_set {
        r.contact[o as usize] = 0;
    }
    r.contact_set.clear();
    for w in r.waiting.iter_mut() {
        w.clear();
    }
    for &g in &r.gen_used {
        r.gen_set[g as usize] = false;
        r.gen_running[g as usize] = false;
        r.fuel_event[g as usize] = None;
    }
    r.gen_used.clear();
    let nc = model.classes.len();
    for i in 0..n {
        let node = &model.nodes[i];
        r.damaged[i] = ws.exists[i] && ws.cause[i] != Cause::None;
        r.restarting[i] = false;
        r.staff_here[i] = rec.staff_of[i].is_none();
        let site = ws.node_site[i];
        if rec.needs_power[i] && ws.exists[i] && site != u32::MAX && !r.grid_on[site as usize] {
            if let Some((c, g)) = node.class.and_then(|c| rec.generators[c].map(|g| (c, g))) {
                // One generator per building: all components of a class at a site share it.
                let gi = site as usize * nc + c;
                if !r.gen_set[gi] {
                    r.gen_set[gi] = true;
                    r.gen_used.push(gi as u32);
                    r.gen_running[gi] = true;
                    // The grid's return is known now: fuel and refuelling matter only if the
                    // fuel runs out before it, which saves most events.
                    let back = r.grid_back[site as usize];
                    let key = rec.generator_key[gi];
                    if g.fuel_hours < back && g.fuel_hours <= rec.horizon {
                        r.fuel_event[gi] =
                            r.queue.schedule(g.fuel_hours, Ev::FuelOut(gi as u32)).ok();
                        if uniform(ts, key, K_REFUEL_ARRIVES) < g.p_refuel {
                            let at = g.refuel.sample(uniform(ts, key, K_REFUEL_TIME));
                            if at <= rec.horizon && at < back {
                                let _ = r.queue.schedule(at, Ev::Refuel(gi as u32));
                            }
                        }
                    }
                }
            }
        }
        if r.damaged[i] {
            say!(
                0.0,
                Subject::Node(i as u32),
                "{} fails ({})",
                name(i),
                match ws.cause[i] {
                    Cause::Zone => "zone hazard",
                    _ => "shaking beyond its fragility",
                }
            );
            if let Some(rp) = node.class.and_then(|c| rec.repair[c]) {
                let detect = rec.detection.sample(uniform(ts, node.key, K_DETECT));
                let reachable = cal.in_business_hours(detect) || {
                    let o = rec.owner_index[i] as usize;
                    if r.contact[o] == 0 {
                        let ok = uniform(ts, rec.owner_key[i], 0) < rec.contact_p;
                        r.contact[o] = if ok { 1 } else { 2 };
                        r.contact_set.push(o as u32);
                    }
                    r.contact[o] == 1
                };
                let release = if reachable {
                    detect
                } else {
                    cal.next_business_time(detect)
                };
                if !reachable {
                    say!(detect, Subject::Node(i as u32), "fault of {} detected; {}'s emergency contact not reached: work waits for the next business day ({release:.1} h)", name(i), node.owner);
                }
                if release <= rec.horizon {
                    r.jobs[rp.pool].push((release, rp.rank, i as u32));
                }
            } else {
                say!(
                    0.0,
                    Subject::Node(i as u32),
                    "{} has no repair process in this scenario: it stays down",
                    name(i)
                );
            }
        }
        if let Some(m) = rec.staff_of[i] {
            let at = rec.relocation.sample(uniform(
                ts,
                splitmix64(model.nodes[i].key ^ 0x5EED),
                K_RELOCATION,
            ));
            let _ = m;
            if at <= rec.horizon {
                let _ = r.queue.schedule(at, Ev::StaffArrive(i as u32));
            }
        }
    }
    // Repairs do not depend on service states, so each pool's schedule is worked out now:
    // non-preemptive list scheduling in priority order, crews from their arrival on.
    r.completions.clear();
    for p in 0..rec.pools.len() {
        schedule_pool(model, rec, ts, ws, r, p, &mut trace);
    }
    r.completions.sort_unstable_by_key(|c| (c.0.to_bits(), c.1));
    for i in 0..n {
        r.up[i] = node_up(rec, ws, r, i);
        if trace.is_some() && !r.up[i] {
            let why = if !ws.exists[i] {
                "it does not exist in this trial (an unknown fact drawn against it)"
            } else if r.damaged[i] {
                "it is damaged"
            } else if !r.staff_here[i] {
                "the staff have not yet reached the Kansai alternate site"
            } else {
                "its site has no grid power and it has no generator"
            };
            say!(
                0.0,
                Subject::Node(i as u32),
                "{} is down at the start: {why}",
                name(i)
            );
        }
    }
    for (q, path) in model.paths.iter().enumerate() {
        r.path_up[q] = match &path.eval {
            crate::model::PathEval::Sets { nodes, sets } => {
                let up = nodes
                    .iter()
                    .enumerate()
                    .fold(0, |m, (k, &v)| m | u64::from(r.up[v as usize]) << k);
                r.qmask[q] = up;
                sets.iter().any(|&m| m & !up == 0)
            }
            crate::model::PathEval::Search { .. } => {
                eval_query(path, &r.up, &mut r.seen, &mut r.bfs)
            }
        };
    }
    let c = rec.checkpoints.len();
    for (s, svc) in model.services.iter().enumerate() {
        let up = eval_program(&svc.program, &r.up, &r.path_up, &mut r.stack);
        r.service_up[s] = up;
        r.down_since[s] = if up { f64::NAN } else { 0.0 };
        r.downtime[s] = 0.0;
        r.ttr[s] = 0.0;
    }
    let mut next_cp = 0;

    let mut ci = 0;
    loop {
        let t = match (r.queue.peek_time(), r.completions.get(ci)) {
            (Some(a), Some(&(b, _))) => a.min(b),
            (Some(a), None) => a,
            (None, Some(&(b, _))) => b,
            (None, None) => break,
        };
        if t > rec.horizon {
            break;
        }
        while next_cp < c && rec.checkpoints[next_cp] < t {
            record_checkpoint(r, next_cp, c);
            next_cp += 1;
        }
        // Apply every event at time t, then re-evaluate what they touched.
        r.dirty_nodes.clear();
        while r.queue.peek_time() == Some(t) {
            let (_, ev) = r.queue.pop().expect("peeked");
            match ev {
                Ev::GridBack(s) => {
                    r.grid_on[s as usize] = true;
                    say!(
                        t,
                        Subject::Site(s),
                        "grid power returns at site {}",
                        model.sites[s as usize].id
                    );
                    let base = s as usize * nc;
                    for c in 0..nc {
                        if let Some(id) = r.fuel_event[base + c].take() {
                            r.queue.cancel(id);
                        }
                    }
                    for &i in row(&rec.site_nodes, s as usize) {
                        let i = i as usize;
                        if ws.node_site[i] == s && rec.needs_power[i] {
                            let gi = model.nodes[i].class.map(|c| base + c);
                            let was_powered = gi.is_some_and(|g| r.gen_running[g]);
                            if rec.is_router[i] && !was_powered && ws.exists[i] {
                                r.restarting[i] = true;
                                let _ = r
                                    .queue
                                    .schedule(t + rec.router_restart, Ev::RouterUp(i as u32));
                            }
                            r.dirty_nodes.push(i as u32);
                        }
                    }
                    for c in 0..nc {
                        r.gen_running[base + c] = false;
                    }
                }
                Ev::FuelOut(g) => {
                    let g = g as usize;
                    r.fuel_event[g] = None;
                    r.gen_running[g] = false;
                    let (s, c) = (g / nc, g % nc);
                    say!(
                        t,
                        Subject::Site(s as u32),
                        "generators of {} at site {} run out of fuel",
                        model.classes[c],
                        model.sites[s].id
                    );
                    for &i in row(&rec.site_nodes, s) {
                        if ws.node_site[i as usize] == s as u32
                            && model.nodes[i as usize].class == Some(c)
                        {
                            r.dirty_nodes.push(i);
                        }
                    }
                }
                Ev::Refuel(g) => {
                    let g = g as usize;
                    let (s, c) = (g / nc, g % nc);
                    if r.grid_on[s] {
                        continue;
                    }
                    let restarted = r.fuel_event[g].is_none();
                    if let Some(id) = r.fuel_event[g].take() {
                        r.queue.cancel(id);
                    }
                    say!(
                        t,
                        Subject::Site(s as u32),
                        "refuelling reaches the {} generators at site {}{}",
                        model.classes[c],
                        model.sites[s].id,
                        if restarted {
                            "; they restart"
                        } else {
                            " before their fuel runs out"
                        }
                    );
                    r.gen_running[g] = true;
                    for &i in row(&rec.site_nodes, s) {
                        let iu = i as usize;
                        if ws.node_site[iu] == s as u32 && model.nodes[iu].class == Some(c) {
                            if restarted && rec.is_router[iu] && ws.exists[iu] {
                                r.restarting[iu] = true;
                                let _ = r.queue.schedule(t + rec.router_restart, Ev::RouterUp(i));
                            }
                            r.dirty_nodes.push(i);
                        }
                    }
                }
                Ev::RouterUp(i) => {
                    r.restarting[i as usize] = false;
                    r.dirty_nodes.push(i);
                }
                Ev::StaffArrive(i) => {
                    r.staff_here[i as usize] = true;
                    say!(
                        t,
                        Subject::Node(i),
                        "{} start work at the Kansai alternate site",
                        name(i as usize)
                    );
                    r.dirty_nodes.push(i);
                }
            }
        }
        while let Some(&(tc, i)) = r.completions.get(ci) {
            if tc != t {
                break;
            }
            ci += 1;
            r.damaged[i as usize] = false;
            say!(
                t,
                Subject::Node(i),
                "repair of {} completed",
                name(i as usize)
            );
            r.dirty_nodes.push(i);
        }
        // Node states, then the queries and services that read the changed nodes.
        for k in 0..r.dirty_nodes.len() {
            let i = r.dirty_nodes[k] as usize;
            let up = node_up(rec, ws, r, i);
            if up == r.up[i] {
                continue;
            }
            r.up[i] = up;
            if rec.log_changes {
                r.node_log.push((t, i as u32));
            }
            let bit = if up { 1 } else { 2 };
            for &qb in row(&rec.node_queries, i) {
                let q = qb >> 6;
                let m = 1u64 << (qb & 63);
                if up {
                    r.qmask[q as usize] |= m;
                } else {
                    r.qmask[q as usize] &= !m;
                }
                if r.dirty_q[q as usize] == 0 {
                    r.dirty_q_list.push(q);
                }
                r.dirty_q[q as usize] |= bit;
            }
            for &s in row(&rec.node_services, i) {
                if r.dirty_s[s as usize] == 0 {
                    r.dirty_s_list.push(s);
                }
                r.dirty_s[s as usize] |= bit;
            }
        }
        for k in 0..r.dirty_q_list.len() {
            let q = r.dirty_q_list[k] as usize;
            let bits = std::mem::take(&mut r.dirty_q[q]);
            // Reachability is monotone: inputs coming up cannot take it down, and inputs
            // going down cannot bring it up.
            if (bits == 1 && r.path_up[q]) || (bits == 2 && !r.path_up[q]) {
                continue;
            }
            let v = match &model.paths[q].eval {
                crate::model::PathEval::Sets { sets, .. } => {
                    let up = r.qmask[q];
                    sets.iter().any(|&m| m & !up == 0)
                }
                crate::model::PathEval::Search { .. } => {
                    eval_query(&model.paths[q], &r.up, &mut r.seen, &mut r.bfs)
                }
            };
            if v != r.path_up[q] {
                r.path_up[q] = v;
                let bit = if v { 1 } else { 2 };
                for &s in row(&rec.query_services, q) {
                    if r.dirty_s[s as usize] == 0 {
                        r.dirty_s_list.push(s);
                    }
                    r.dirty_s[s as usize] |= bit;
                }
            }
        }
        r.dirty_q_list.clear();
        // Services in index order, so that traces list them the same way every run.
        r.dirty_s_list.sort_unstable();
        for k in 0..r.dirty_s_list.len() {
            let s = r.dirty_s_list[k] as usize;
            {
                let bits = std::mem::take(&mut r.dirty_s[s]);
                if rec.monotone[s]
                    && ((bits == 1 && r.service_up[s]) || (bits == 2 && !r.service_up[s]))
                {
                    continue;
                }
                let v = eval_program(&model.services[s].program, &r.up, &r.path_up, &mut r.stack);
                if v != r.service_up[s] {
                    r.service_up[s] = v;
                    if rec.log_changes {
                        r.service_log.push((t, s as u32));
                    }
                    if v {
                        r.downtime[s] += t - r.down_since[s];
                        r.down_since[s] = f64::NAN;
                        r.ttr[s] = t;
                    } else {
                        r.down_since[s] = t;
                    }
                    say!(
                        t,
                        Subject::Service(s as u32),
                        "service {} {}",
                        model.services[s].id,
                        if v { "is restored" } else { "goes down" }
                    );
                }
            }
        }
        r.dirty_s_list.clear();
    }
    while next_cp < c {
        record_checkpoint(r, next_cp, c);
        next_cp += 1;
    }
    for s in 0..model.services.len() {
        if !r.service_up[s] {
            r.downtime[s] += rec.horizon - r.down_since[s];
            r.ttr[s] = f64::INFINITY;
        }
    }
    if let Some(tr) = trace {
        // Repair starts are worked out ahead of time: put every line in time order.
        tr.sort_by(|a, b| a.hours.total_cmp(&b.hours));
    }
}

fn record_checkpoint(r: &mut RecoveryWorkspace, cp: usize, c: usize) {
    for (s, &up) in r.service_up.iter().enumerate() {
        r.at_checkpoint[s * c + cp] = up;
    }
}

#[inline(always)]
fn node_up(rec: &Recovery, ws: &Workspace, r: &RecoveryWorkspace, i: usize) -> bool {
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

/// Works out the repairs of one crew pool: crews arrive after their travel delay and take,
/// whenever one is free, the waiting job of highest priority (then earliest released, then
/// node order), without preemption. Completions go to `r.completions`.
fn schedule_pool(
    model: &Model,
    rec: &Recovery,
    ts: u64,
    ws: &Workspace,
    r: &mut RecoveryWorkspace,
    p: usize,
    trace: &mut Option<&mut Vec<TraceLine>>,
) {
    macro_rules! say {
        ($t:expr, $subject:expr, $($arg:tt)*) => {
            if let Some(tr) = trace.as_deref_mut() {
                tr.push(TraceLine { hours: $t, subject: $subject, what: format!($($arg)*) });
            }
        };
    }
    use std::cmp::Reverse;
    let pool = &rec.pools[p];
    let arrive = r.pool_at[p];
    if arrive > rec.horizon {
        return;
    }
    say!(
        arrive,
        Subject::Pool(p as u32),
        "{} crews of pool {} reach the damaged region",
        pool.count,
        pool.id
    );
    let jobs = &mut r.jobs[p];
    // Release times are non-negative, so their bit patterns order like the times.
    jobs.sort_unstable_by_key(|j| (j.0.to_bits(), j.1, j.2));
    let waiting = &mut r.waiting;
    for w in waiting.iter_mut() {
        w.clear();
    }
    let crews = &mut r.crew_free;
    crews.clear();
    // Crew free times as bit patterns: non-negative floats order like their bits.
    crews.extend((0..pool.count.min(jobs.len() as u32)).map(|_| Reverse(arrive.to_bits())));
    let mut next = 0;
    while let Some(&Reverse(free_bits)) = crews.peek() {
        let free = f64::from_bits(free_bits);
        if free > rec.horizon {
            break;
        }
        while next < jobs.len() && jobs[next].0 <= free {
            let (release, rank, i) = jobs[next];
            waiting[rank as usize].push_back((release, i));
            next += 1;
        }
        let Some((released, i)) = waiting.iter_mut().find_map(|w| w.pop_front()) else {
            if next == jobs.len() {
                break;
            }
            // Nothing waiting: the crew idles until the next release.
            crews.pop();
            crews.push(Reverse(jobs[next].0.to_bits()));
            continue;
        };
        crews.pop();
        let node = &model.nodes[i as usize];
        let rp = node
            .class
            .and_then(|c| rec.repair[c])
            .expect("job has a repair");
        let dist = match (rp.by_state, ws.damage_state[i as usize]) {
            (Some(b), k) if k > 0 => b[k as usize - 1],
            _ => rp.duration,
        };
        let took = dist.sample(uniform(ts, node.key, K_REPAIR));
        r.pool_jobs[p] += 1;
        r.pool_wait[p] += free - released;
        r.pool_wait_24h[p] += u32::from(free - released > 24.0);
        if free > released {
            say!(
                free,
                Subject::Node(i),
                "repair of {} starts after waiting {:.1} h for a crew of pool {} (ends at {:.1} h)",
                node.id,
                free - released,
                pool.id,
                free + took
            );
        } else {
            say!(
                free,
                Subject::Node(i),
                "repair of {} starts (ends at {:.1} h)",
                node.id,
                free + took
            );
        }
        crews.push(Reverse((free + took).to_bits()));
        if free + took <= rec.horizon {
            r.completions.push((free + took, i));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::normal::fast_normal_quantile;
    use crate::base::normal::normal_inv_cdf;

    #[test]
    fn durations_sample_lognormal_medians() {
        let d = Duration {
            median_hours: 10.0,
            beta: 0.5,
            kind: Default::default(),
        };
        assert!((d.sample(0.5) - 10.0).abs() < 1e-9);
        assert!(d.sample(0.9) > 10.0 && d.sample(0.1) < 10.0);
        let f = Duration {
            median_hours: 3.0,
            beta: 0.0,
            kind: Default::default(),
        };
        assert_eq!(f.sample(0.99), 3.0);
        let e = Duration {
            median_hours: 3.0,
            beta: 0.0,
            kind: crate::scenario::DurationKind::Exponential,
        };
        assert!((e.sample(0.5) - 3.0).abs() < 1e-12);
    }

    #[test]
    fn fast_quantile_agrees_with_the_refined_one() {
        for &p in &[
            1e-10,
            1e-4,
            0.01,
            0.02425,
            0.1,
            0.3,
            0.5,
            0.7,
            0.97,
            0.999,
            1.0 - 1e-9,
        ] {
            let (a, b) = (fast_normal_quantile(p), normal_inv_cdf(p));
            assert!(
                (a - b).abs() <= 1.2e-9 * b.abs().max(1.0) * 4.0,
                "{p}: {a} {b}"
            );
        }
    }

    #[test]
    fn csr_lists_neighbours() {
        let c = csr(3, &[(0, 5), (2, 7), (0, 6)]);
        assert_eq!(row(&c, 0), &[5, 6]);
        assert!(row(&c, 1).is_empty());
        assert_eq!(row(&c, 2), &[7]);
    }
}
