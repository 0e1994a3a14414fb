//! The trial loop: seeding, one trial, parallel batches and sharding.
//!
//! Every random number of trial `i` is a function of `(seed, i, entity, draw)` alone: an
//! unknown, a zone or a node has a stable key (a hash of its id), and its k-th uniform is the
//! SplitMix64 hash of the trial seed, the key and k (a counter-based generator). Entities
//! that need long sequences (later stages) take a Xoshiro256++ stream seeded the same way.
//! A trial's draws therefore do not depend on the thread, the batch, the other entities, or
//! which options are applied: options are compared on common random numbers.

use rayon::prelude::*;

use crate::base::rng::{open_uniform, trial_seed, uniform};
use crate::diag::{Error, Result};
use crate::model::{Hazard, Model, Op, PathEval};
use crate::stats::Tally;

/// Trials per batch: batches are reduced in index order, and a `--ci-width` stop would
/// check at batch boundaries.
pub const BATCH: u64 = 4096;

/// Per-thread scratch space, reused across trials: no allocation per trial.
#[derive(Debug, Clone)]
pub struct Workspace {
    choice: Vec<u16>,
    struck: Vec<bool>,
    /// Node up (exists and not failed).
    pub alive: Vec<bool>,
    seen: Vec<bool>,
    queue: Vec<u32>,
    path_up: Vec<bool>,
    /// Service up, per service.
    pub service_up: Vec<bool>,
    stack: Vec<bool>,
    /// Whether the earthquake of the ground-motion hazard happened in this trial.
    pub quake: bool,
    z: Vec<f64>,
    field: Vec<f64>,
    /// ln of the sampled measure at each site (when `quake`).
    pub site_ln: Vec<f64>,
    gm_p: Vec<f64>,
    scratch: Vec<f64>,
    /// Per site: grid power available at the moment of the quake.
    pub grid_up: Vec<bool>,
    /// Per node: the component exists in this trial.
    pub exists: Vec<bool>,
    /// Per node: what failed it at t = 0.
    pub cause: Vec<Cause>,
    /// Per node: its site in this trial (`u32::MAX` when it has none).
    pub node_site: Vec<u32>,
    /// Per node: damage state under shaking (0 none, 1 slight … 4 complete).
    pub damage_state: Vec<u8>,
    /// Per site: damage state of its substation (0 when it still supplies).
    pub grid_state: Vec<u8>,
    /// Scratch of the recovery stage, when the model has one.
    pub recovery: Option<Box<crate::recovery::RecoveryWorkspace>>,
    /// Scratch of the mail model, when the model has LGWAN.
    pub mail: Option<Box<crate::lgwan::MailWorkspace>>,
}

/// Why a node is down at the moment of the quake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// Not failed.
    None,
    /// A zone hazard struck its region and it failed.
    Zone,
    /// The shaking at its site damaged it past its fragility's failure state.
    Shaking,
}

impl Workspace {
    /// Scratch sized for a model.
    pub fn new(model: &Model) -> Workspace {
        Workspace {
            choice: vec![0; model.unknowns.len()],
            struck: vec![false; model.zones.len()],
            alive: vec![false; model.nodes.len()],
            seen: vec![false; model.nodes.len()],
            queue: Vec::with_capacity(model.nodes.len()),
            path_up: vec![false; model.paths.len()],
            service_up: vec![false; model.services.len()],
            stack: Vec::with_capacity(64),
            quake: false,
            z: vec![0.0; gm_points(model)],
            field: vec![0.0; gm_points(model)],
            site_ln: vec![0.0; model.sites.len()],
            gm_p: vec![0.0; model.gm_pairs.len()],
            scratch: Vec::with_capacity(gm_points(model)),
            grid_up: vec![true; model.sites.len()],
            exists: vec![true; model.nodes.len()],
            cause: vec![Cause::None; model.nodes.len()],
            node_site: vec![u32::MAX; model.nodes.len()],
            damage_state: vec![0; model.nodes.len()],
            grid_state: vec![0; model.sites.len()],
            recovery: model
                .recovery
                .as_ref()
                .map(|r| Box::new(crate::recovery::RecoveryWorkspace::new(model, r))),
            mail: model
                .lgwan
                .as_ref()
                .map(|l| Box::new(crate::lgwan::MailWorkspace::new(l))),
        }
    }

    /// Alternative chosen for each unknown in the last trial.
    pub fn choices(&self) -> &[u16] {
        &self.choice
    }
}

/// Breadth-first search over up nodes: does some source reach some target?
fn search(
    from: &[usize],
    to: &[usize],
    out: &[Vec<u32>],
    alive: &[bool],
    seen: &mut [bool],
    queue: &mut Vec<u32>,
) -> bool {
    seen.iter_mut().for_each(|s| *s = false);
    queue.clear();
    for &s in from {
        if alive[s] && !seen[s] {
            seen[s] = true;
            queue.push(s as u32);
        }
    }
    let mut head = 0;
    while head < queue.len() {
        let v = queue[head] as usize;
        head += 1;
        if to.contains(&v) {
            return true;
        }
        for &w in &out[v] {
            let w = w as usize;
            if alive[w] && !seen[w] {
                seen[w] = true;
                queue.push(w as u32);
            }
        }
    }
    false
}

fn gm_points(model: &Model) -> usize {
    model
        .ground_motion
        .as_ref()
        .map(|g| g.field.n_points())
        .unwrap_or(0)
}

/// A standard normal truncated to [-t, t] by resampling: draws `first`, `first + 1`, … of
/// the entity until one is accepted (at t = 3, 99.7 % of first draws are).
fn truncated_normal(trial_seed: u64, key: u64, first: u64, t: f64) -> f64 {
    if t <= 0.0 {
        return 0.0;
    }
    for k in first..first + 1000 {
        let z = crate::base::normal::normal_inv_cdf(open_uniform(trial_seed, key, k));
        if z.abs() <= t {
            return z;
        }
    }
    0.0
}

/// Samples the ground-motion field of a trial into `ws.site_ln`; sets `ws.quake`.
///
/// ln IM at a site = ln median + sigma (sqrt(s) eta + sqrt(1 - s) (L z)_point), with the
/// between-event eta drawn from the event's key and each location's z from its own key.
pub fn sample_ground_motion(model: &Model, trial_seed: u64, ws: &mut Workspace) {
    let Some(g) = &model.ground_motion else {
        ws.quake = false;
        return;
    };
    ws.quake = uniform(trial_seed, g.key, 0) < g.p_event;
    if !ws.quake {
        return;
    }
    let eta = truncated_normal(trial_seed, g.key, 1, g.truncation);
    for (z, &k) in ws.z.iter_mut().zip(&g.point_keys) {
        *z = truncated_normal(trial_seed, k, 0, g.truncation);
    }
    g.field.correlate(&ws.z, &mut ws.scratch, &mut ws.field);
    let (ft, fp) = (
        g.between_event_share.sqrt(),
        (1.0 - g.between_event_share).sqrt(),
    );
    for (s, ln) in ws.site_ln.iter_mut().enumerate() {
        let w = ws.field[g.site_point[s] as usize];
        *ln = g.ln_median[s] + g.sigma_ln[s] * (ft * eta + fp * w);
    }
}

/// Grid power per site at t = 0 (`ws.grid_up`), from the sampled field and the supplying
/// substation's fragility. PGA residuals are taken equal, in standard deviations, to the
/// sampled measure's (an assumption: the two are strongly but not perfectly correlated).
pub fn sample_grid_power(model: &Model, trial_seed: u64, ws: &mut Workspace) {
    ws.grid_up.iter_mut().for_each(|g| *g = true);
    ws.grid_state.iter_mut().for_each(|g| *g = 0);
    let Some(g) = &model.ground_motion else {
        return;
    };
    let Some(f) = &g.power else {
        return;
    };
    if !ws.quake {
        return;
    }
    for s in 0..ws.grid_up.len() {
        let eps = (ws.site_ln[s] - g.ln_median[s]) / g.sigma_ln[s];
        let x = match f.measure {
            crate::groundmotion::FragilityMeasure::PgaG => {
                (g.ln_median_pga[s] + g.sigma_ln_pga[s] * eps).exp()
            }
            m => measure_value(ws.site_ln[s], m),
        };
        let u = uniform(trial_seed, g.power_keys[s], 0);
        ws.grid_up[s] = u >= f.exceedance(f.fails_from, x);
        ws.grid_state[s] = if ws.grid_up[s] { 0 } else { f.state_of(u, x) };
    }
}

/// The value of a fragility measure from ln of the sampled field.
pub fn measure_value(imt_ln: f64, measure: crate::groundmotion::FragilityMeasure) -> f64 {
    match measure {
        crate::groundmotion::FragilityMeasure::JmaIntensity => {
            crate::groundmotion::jma_from_pgv(imt_ln.exp())
        }
        _ => imt_ln.exp(),
    }
}

/// Runs trial `trial` and leaves node and service states in the workspace.
pub fn run_trial(model: &Model, seed: u64, trial: u64, ws: &mut Workspace) {
    let ts = trial_seed(seed, trial);
    for (i, u) in model.unknowns.iter().enumerate() {
        let x = uniform(ts, u.key, 0);
        let k = u
            .cumulative
            .iter()
            .position(|&c| x < c)
            .unwrap_or(u.cumulative.len() - 1);
        ws.choice[i] = k as u16;
    }
    for (i, z) in model.zones.iter().enumerate() {
        ws.struck[i] = uniform(ts, z.key, 0) < z.p_event;
    }
    sample_ground_motion(model, ts, ws);
    sample_grid_power(model, ts, ws);
    if ws.quake {
        let g = model
            .ground_motion
            .as_ref()
            .expect("quake implies ground motion");
        for (pi, &(site, class)) in model.gm_pairs.iter().enumerate() {
            let f = model.fragility[class as usize]
                .as_ref()
                .expect("pair has fragility");
            let x = measure_value(ws.site_ln[site as usize], f.measure);
            let _ = g;
            ws.gm_p[pi] = f.exceedance(f.fails_from, x);
        }
    }
    for (i, n) in model.hot.iter().enumerate() {
        // Draw 0 decides existence, draw 1 zone failure, draw 2 the damage state under
        // shaking; each is a function of the node's key alone, so an option that changes
        // one node leaves every other draw where it was.
        let exists = if n.exists_as != u32::MAX {
            ws.exists[n.exists_as as usize]
        } else {
            n.exists_p >= 1.0 || uniform(ts, n.key, 0) < n.exists_p
        };
        ws.exists[i] = exists;
        ws.cause[i] = Cause::None;
        let (h, site) = match n.hazard {
            Hazard::Never => {
                ws.alive[i] = exists;
                ws.node_site[i] = node_site(model, i, &ws.choice);
                continue;
            }
            Hazard::Fixed(h) => (h, h.site),
            Hazard::ByUnknown { unknown, start } => {
                let h = model.alt_hazard[(start + u32::from(ws.choice[unknown as usize])) as usize];
                (h, h.site)
            }
        };
        ws.node_site[i] = site;
        let zone_failed = h.zone != u32::MAX
            && ws.struck[h.zone as usize]
            && (h.p >= 1.0 || uniform(ts, n.key, 1) < h.p);
        let u_shake = uniform(ts, n.key, 2);
        let shaken_failed =
            ws.quake && h.gm_pair != u32::MAX && u_shake < ws.gm_p[h.gm_pair as usize];
        ws.damage_state[i] = 0;
        if shaken_failed {
            // The same draw places it among the damage states (curves are nested).
            let c = model.nodes[i].class.expect("shaken nodes have a class");
            let f = model.fragility[c]
                .as_ref()
                .expect("shaken nodes have a fragility");
            ws.damage_state[i] =
                f.state_of(u_shake, measure_value(ws.site_ln[site as usize], f.measure));
        }
        if exists {
            ws.cause[i] = if zone_failed {
                Cause::Zone
            } else if shaken_failed {
                Cause::Shaking
            } else {
                Cause::None
            };
        }
        ws.alive[i] = exists && !zone_failed && !shaken_failed;
    }
    evaluate(model, ws);
}

/// The site of node `i` given the unknowns' choices (`u32::MAX` when it has none).
fn node_site(model: &Model, i: usize, choice: &[u16]) -> u32 {
    match &model.nodes[i].placement {
        crate::model::Placement::Nowhere => u32::MAX,
        crate::model::Placement::Fixed(s) => *s as u32,
        crate::model::Placement::ByUnknown { unknown, sites } => {
            sites[choice[*unknown] as usize] as u32
        }
    }
}

/// Evaluates one path query from node states.
pub(crate) fn eval_query(
    q: &crate::model::PathQuery,
    alive: &[bool],
    seen: &mut [bool],
    queue: &mut Vec<u32>,
) -> bool {
    match &q.eval {
        PathEval::Sets { nodes, sets } => {
            let mut up = 0u64;
            for (k, &v) in nodes.iter().enumerate() {
                up |= u64::from(alive[v as usize]) << k;
            }
            sets.iter().any(|&m| m & !up == 0)
        }
        PathEval::Search { out } => search(&q.from, &q.to, out, alive, seen, queue),
    }
}

/// Runs a service's program over node states and path results.
pub(crate) fn eval_program(
    program: &[Op],
    alive: &[bool],
    path_up: &[bool],
    stack: &mut Vec<bool>,
) -> bool {
    // The stack as bits of a register (top = bit 0): services are evaluated tens of times
    // per trial. Programs deeper than 64 take the vector below.
    let (mut bits, mut depth) = (0u64, 0u32);
    for op in program {
        let v = match *op {
            Op::Const(b) => b,
            Op::Up(n) => alive[n as usize],
            Op::Path(q) => path_up[q as usize],
            Op::Not => {
                bits ^= 1;
                depth = depth.max(1);
                continue;
            }
            Op::And | Op::Or => {
                let b = bits & 1;
                bits >>= 1;
                let a = bits & 1;
                let r = if matches!(op, Op::And) { a & b } else { a | b };
                bits = (bits & !1) | r;
                depth = depth.saturating_sub(2) + 1;
                continue;
            }
        };
        if depth == 64 {
            return eval_program_deep(program, alive, path_up, stack);
        }
        bits = bits << 1 | u64::from(v);
        depth += 1;
    }
    bits & 1 == 1
}

fn eval_program_deep(
    program: &[Op],
    alive: &[bool],
    path_up: &[bool],
    stack: &mut Vec<bool>,
) -> bool {
    stack.clear();
    for op in program {
        match *op {
            Op::Const(b) => stack.push(b),
            Op::Up(n) => stack.push(alive[n as usize]),
            Op::Path(q) => stack.push(path_up[q as usize]),
            Op::Not => {
                let v = stack.pop().unwrap_or(false);
                stack.push(!v);
            }
            Op::And | Op::Or => {
                let b = stack.pop().unwrap_or(false);
                let a = stack.pop().unwrap_or(false);
                stack.push(if matches!(op, Op::And) {
                    a && b
                } else {
                    a || b
                });
            }
        }
    }
    stack.pop().unwrap_or(false)
}

/// Evaluates every service from the node states in `ws.alive`.
pub fn evaluate(model: &Model, ws: &mut Workspace) {
    for (qi, q) in model.paths.iter().enumerate() {
        ws.path_up[qi] = eval_query(q, &ws.alive, &mut ws.seen, &mut ws.queue);
    }
    for (si, s) in model.services.iter().enumerate() {
        ws.service_up[si] = eval_program(&s.program, &ws.alive, &ws.path_up, &mut ws.stack);
    }
}

/// A slice of the trial range: `index` of `count` (0-based index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    /// 0-based index.
    pub index: u64,
    /// Number of shards.
    pub count: u64,
}

impl Shard {
    /// Parses `K/N` with 1 <= K <= N.
    pub fn parse(s: &str) -> Result<Shard> {
        let bad = || {
            Error::Usage(format!(
                "malformed --shard `{s}`: expected K/N with whole numbers 1 <= K <= N, e.g. --shard 2/8"
            ))
        };
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let k: u64 = k.trim().parse().map_err(|_| bad())?;
        let n: u64 = n.trim().parse().map_err(|_| bad())?;
        if n == 0 || k == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard {
            index: k - 1,
            count: n,
        })
    }

    /// The trial range of this shard out of `trials`.
    pub fn range(&self, trials: u64) -> std::ops::Range<u64> {
        let lo = (trials as u128 * self.index as u128 / self.count as u128) as u64;
        let hi = (trials as u128 * (self.index + 1) as u128 / self.count as u128) as u64;
        lo..hi
    }
}

/// Runs trials `range` of a model on the current rayon pool and tallies them.
///
/// Batches of [`BATCH`] trials are tallied separately and merged; tallies hold integers, so
/// the result is the same for any thread count or shard split.
pub fn run_range(model: &Model, seed: u64, range: std::ops::Range<u64>) -> Tally {
    run_range_with(model, seed, range, &|_| {})
}

/// As [`run_range`], calling `progress(trials_done_in_batch)` after each batch.
pub fn run_range_with(
    model: &Model,
    seed: u64,
    range: std::ops::Range<u64>,
    progress: &(dyn Fn(u64) + Sync),
) -> Tally {
    let (start, end) = (range.start, range.end);
    let batches = (end - start).div_ceil(BATCH);
    (0..batches)
        .into_par_iter()
        .map_init(
            || Workspace::new(model),
            |ws, b| {
                let lo = start + b * BATCH;
                let hi = (lo + BATCH).min(end);
                let mut t = Tally::new(model);
                for i in lo..hi {
                    run_trial(model, seed, i, ws);
                    t.record(model, ws);
                    if let Some(rec) = &model.recovery {
                        let mut rw = ws.recovery.take().expect("workspace has recovery");
                        crate::recovery::simulate(
                            model,
                            rec,
                            trial_seed(seed, i),
                            ws,
                            &mut rw,
                            None,
                        );
                        t.record_recovery(rec, &rw);
                        t.record_recovery_kansai(model, rec, &rw);
                        ws.recovery = Some(rw);
                        if let Some(lg) = &model.lgwan {
                            lg.run_trial(model, trial_seed(seed, i), ws);
                            if let (Some(m), Some(w)) = (t.mail.as_mut(), ws.mail.as_deref()) {
                                m.record(w);
                            }
                        }
                    }
                }
                progress(hi - lo);
                t
            },
        )
        .reduce(
            || Tally::new(model),
            |mut a, b| {
                a.merge(&b);
                a
            },
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::rng::splitmix64;

    /// A random well-formed postfix program of `leaves` operands over 8 nodes and 4 paths.
    fn random_program(seed: u64, leaves: usize, chain: bool) -> Vec<Op> {
        let mut p = Vec::new();
        let mut depth = 0;
        let mut k = 0u64;
        let mut next = || {
            k += 1;
            splitmix64(seed ^ k)
        };
        for l in 0..leaves {
            let r = next();
            p.push(match r % 3 {
                0 => Op::Const(r & 8 == 0),
                1 => Op::Up((r >> 8) as u32 % 8),
                _ => Op::Path((r >> 8) as u32 % 4),
            });
            depth += 1;
            if next() % 4 == 0 {
                p.push(Op::Not);
            }
            // `chain` keeps every operand on the stack until the end: depth = leaves.
            while depth > 1 && (l + 1 == leaves || (!chain && next() % 2 == 0)) {
                p.push(if next() % 2 == 0 { Op::And } else { Op::Or });
                depth -= 1;
            }
        }
        p
    }

    #[test]
    fn the_register_stack_agrees_with_the_vector_stack() {
        let mut stack = Vec::new();
        for seed in 0..2000u64 {
            let alive: Vec<bool> = (0..8).map(|i| splitmix64(seed * 31 + i) % 2 == 0).collect();
            let paths: Vec<bool> = (0..4).map(|i| splitmix64(seed * 17 + i) % 3 != 0).collect();
            // Deep chains (up to 100 operands on the stack) take the fallback.
            let (leaves, chain) = (1 + seed as usize % 100, seed % 5 == 0);
            let p = random_program(seed, leaves, chain);
            assert_eq!(
                eval_program(&p, &alive, &paths, &mut stack),
                eval_program_deep(&p, &alive, &paths, &mut stack),
                "seed {seed}: {p:?}"
            );
        }
    }

    #[test]
    fn shards_partition_the_range() {
        for n in 1..7 {
            let mut next = 0;
            for k in 1..=n {
                let r = Shard::parse(&format!("{k}/{n}")).unwrap().range(1001);
                assert_eq!(r.start, next);
                next = r.end;
            }
            assert_eq!(next, 1001);
        }
        for bad in ["0/3", "4/3", "1/0", "a/b", "3", "1/2/3", ""] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }
}
