//! The hazard and damage stages of a trial: the unknowns' alternatives, zone hazards, the
//! correlated ground-motion field, grid power at t = 0 and each component's state.
//!
//! Every random number of trial `i` is a function of `(seed, i, entity, draw)` alone
//! ([`crate::base::rng`]), so a trial's draws do not depend on the thread, the batch, the
//! other entities, or which options are applied: options are compared on common random
//! numbers.

use crate::base::rng::{open_uniform, uniform};
use crate::model::{Hazard, Model};
use crate::sim::workspace::{Cause, Workspace};

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

/// The hazard stage: the unknowns' alternatives, struck zones, the ground-motion field,
/// grid power and each (site, class) pair's failure probability under the shaking.
pub fn sample_hazard(model: &Model, ts: u64, ws: &mut Workspace) {
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
}

/// The damage stage: which components exist in this trial, which failed at the quake and
/// why, and their damage states (needs [`sample_hazard`] first).
pub fn sample_damage(model: &Model, ts: u64, ws: &mut Workspace) {
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
