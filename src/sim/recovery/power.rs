//! Power: the grid at t = 0 and its restoration per site, one generator per (site, class)
//! running until its fuel runs out unless refuelling comes first, and routers restarting a
//! few minutes after their power returns (001: about 10 minutes).

use crate::base::rng::uniform;

use super::state::{row, say, Ctx, Ev, RecoveryWorkspace, Subject, Trace};
use super::state::{K_REFUEL_ARRIVES, K_REFUEL_TIME};

/// Grid power at t = 0 per site and, where it was lost, when it returns.
#[inline]
pub(super) fn grid_at_start(cx: Ctx, r: &mut RecoveryWorkspace, trace: &mut Trace) {
    let (model, rec, ws, ts) = (cx.model, cx.rec, cx.ws, cx.ts);
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
        if !lost {
            continue;
        }
        let Some(g) = grid else {
            say!(
                trace,
                0.0,
                Subject::Site(s as u32),
                "site {} loses grid power; no restoration is modelled for its region",
                site.id
            );
            continue;
        };
        let dist = match (g.by_state, ws.grid_state[s]) {
            (Some(b), k) if k > 0 => b[k as usize - 1],
            _ => g.restore,
        };
        let back = dist.sample(uniform(ts, key, 1));
        r.grid_back[s] = back;
        say!(
            trace,
            0.0,
            Subject::Site(s as u32),
            "site {} loses grid power; restored at {back:.1} h",
            site.id
        );
        if back <= rec.horizon {
            let _ = r.queue.schedule(back, Ev::GridBack(s as u32));
        }
    }
}

/// Starts the generator of node `i`'s class at its site when the node needs power there and
/// the grid is out; the first node of a (site, class) sets it up for all of them.
#[inline]
pub(super) fn generator_at_start(cx: Ctx, r: &mut RecoveryWorkspace, i: usize) {
    let (rec, ws) = (cx.rec, cx.ws);
    let site = ws.node_site[i];
    if !(rec.needs_power[i] && ws.exists[i] && site != u32::MAX && !r.grid_on[site as usize]) {
        return;
    }
    let class = cx.model.nodes[i].class;
    let Some((c, g)) = class.and_then(|c| rec.generators[c].map(|g| (c, g))) else {
        return;
    };
    // One generator per building: all components of a class at a site share it.
    let gi = site as usize * cx.model.classes.len() + c;
    if r.gen_set[gi] {
        return;
    }
    r.gen_set[gi] = true;
    r.gen_used.push(gi as u32);
    r.gen_running[gi] = true;
    // The grid's return is known now: fuel and refuelling matter only if the fuel runs out
    // before it, which saves most events.
    let back = r.grid_back[site as usize];
    let key = rec.generator_key[gi];
    if g.fuel_hours < back && g.fuel_hours <= rec.horizon {
        r.fuel_event[gi] = r.queue.schedule(g.fuel_hours, Ev::FuelOut(gi as u32)).ok();
        if uniform(cx.ts, key, K_REFUEL_ARRIVES) < g.p_refuel {
            let at = g.refuel.sample(uniform(cx.ts, key, K_REFUEL_TIME));
            if at <= rec.horizon && at < back {
                let _ = r.queue.schedule(at, Ev::Refuel(gi as u32));
            }
        }
    }
}

/// Grid power returns at site `s` at `t`: its generators stop (and their fuel no longer
/// matters), routers that were without power restart.
#[inline]
pub(super) fn grid_back(cx: Ctx, r: &mut RecoveryWorkspace, trace: &mut Trace, t: f64, s: u32) {
    let (model, rec, ws) = (cx.model, cx.rec, cx.ws);
    let nc = model.classes.len();
    r.grid_on[s as usize] = true;
    say!(
        trace,
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

/// Generator `g` runs out of fuel at `t`.
#[inline]
pub(super) fn fuel_out(cx: Ctx, r: &mut RecoveryWorkspace, trace: &mut Trace, t: f64, g: u32) {
    let (model, rec, ws) = (cx.model, cx.rec, cx.ws);
    let g = g as usize;
    r.fuel_event[g] = None;
    r.gen_running[g] = false;
    let nc = model.classes.len();
    let (s, c) = (g / nc, g % nc);
    say!(
        trace,
        t,
        Subject::Site(s as u32),
        "generators of {} at site {} run out of fuel",
        model.classes[c],
        model.sites[s].id
    );
    for &i in row(&rec.site_nodes, s) {
        if ws.node_site[i as usize] == s as u32 && model.nodes[i as usize].class == Some(c) {
            r.dirty_nodes.push(i);
        }
    }
}

/// Refuelling reaches generator `g` at `t` (ignored once the grid is back): it runs again,
/// and routers restart if it had already run dry.
#[inline]
pub(super) fn refuel(cx: Ctx, r: &mut RecoveryWorkspace, trace: &mut Trace, t: f64, g: u32) {
    let (model, rec, ws) = (cx.model, cx.rec, cx.ws);
    let g = g as usize;
    let nc = model.classes.len();
    let (s, c) = (g / nc, g % nc);
    if r.grid_on[s] {
        return;
    }
    let restarted = r.fuel_event[g].is_none();
    if let Some(id) = r.fuel_event[g].take() {
        r.queue.cancel(id);
    }
    say!(
        trace,
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
