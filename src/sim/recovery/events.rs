//! The event loop: at each time, apply every event and repair completion due then, re-evaluate
//! only what depends on the nodes that changed (nodes, then path queries, then services), and
//! record the services at the checkpoints, their downtime and when they were restored.

use crate::model::PathEval;
use crate::sim::eval::{eval_program, eval_query};

use super::power;
use super::state::{node_up, row, say, Ctx, Ev, RecoveryWorkspace, Subject, Trace};

/// Runs the events from t = 0 to the horizon, then closes the services' outcomes.
#[inline]
pub(super) fn run(cx: Ctx, r: &mut RecoveryWorkspace, trace: &mut Trace) {
    let c = cx.rec.checkpoints.len();
    let mut next_cp = 0;
    let mut ci = 0;
    while let Some(t) = next_time(r, ci) {
        if t > cx.rec.horizon {
            break;
        }
        while next_cp < c && cx.rec.checkpoints[next_cp] < t {
            record_checkpoint(r, next_cp, c);
            next_cp += 1;
        }
        // Apply every event at time t, then re-evaluate what they touched.
        r.dirty_nodes.clear();
        apply_events(cx, r, trace, t);
        ci = apply_completions(cx, r, trace, t, ci);
        update_nodes(cx, r, t);
        update_queries(cx, r);
        update_services(cx, r, trace, t);
    }
    while next_cp < c {
        record_checkpoint(r, next_cp, c);
        next_cp += 1;
    }
    for s in 0..cx.model.services.len() {
        if !r.service_up[s] {
            r.downtime[s] += cx.rec.horizon - r.down_since[s];
            r.ttr[s] = f64::INFINITY;
        }
    }
}

/// The earliest of the next event and the next repair completion (from index `ci`).
#[inline(always)]
fn next_time(r: &mut RecoveryWorkspace, ci: usize) -> Option<f64> {
    match (r.queue.peek_time(), r.completions.get(ci)) {
        (Some(a), Some(&(b, _))) => Some(a.min(b)),
        (Some(a), None) => Some(a),
        (None, Some(&(b, _))) => Some(b),
        (None, None) => None,
    }
}

fn record_checkpoint(r: &mut RecoveryWorkspace, cp: usize, c: usize) {
    for (s, &up) in r.service_up.iter().enumerate() {
        r.at_checkpoint[s * c + cp] = up;
    }
}

/// Applies every queued event at `t`, marking the nodes they touch.
#[inline(always)]
fn apply_events(cx: Ctx, r: &mut RecoveryWorkspace, trace: &mut Trace, t: f64) {
    while r.queue.peek_time() == Some(t) {
        let (_, ev) = r.queue.pop().expect("peeked");
        match ev {
            Ev::GridBack(s) => power::grid_back(cx, r, trace, t, s),
            Ev::FuelOut(g) => power::fuel_out(cx, r, trace, t, g),
            Ev::Refuel(g) => power::refuel(cx, r, trace, t, g),
            Ev::RouterUp(i) => {
                r.restarting[i as usize] = false;
                r.dirty_nodes.push(i);
            }
            Ev::StaffArrive(i) => {
                r.staff_here[i as usize] = true;
                say!(
                    trace,
                    t,
                    Subject::Node(i),
                    "{} start work at the Kansai alternate site",
                    cx.name(i as usize)
                );
                r.dirty_nodes.push(i);
            }
        }
    }
}

/// Applies the repair completions at `t` from index `ci`; returns the index after them.
#[inline(always)]
fn apply_completions(
    cx: Ctx,
    r: &mut RecoveryWorkspace,
    trace: &mut Trace,
    t: f64,
    mut ci: usize,
) -> usize {
    while let Some(&(tc, i)) = r.completions.get(ci) {
        if tc != t {
            break;
        }
        ci += 1;
        r.damaged[i as usize] = false;
        say!(
            trace,
            t,
            Subject::Node(i),
            "repair of {} completed",
            cx.name(i as usize)
        );
        r.dirty_nodes.push(i);
    }
    ci
}

/// New states of the touched nodes; marks the queries and services that read a changed one.
#[inline(always)]
fn update_nodes(cx: Ctx, r: &mut RecoveryWorkspace, t: f64) {
    let rec = cx.rec;
    for k in 0..r.dirty_nodes.len() {
        let i = r.dirty_nodes[k] as usize;
        let up = node_up(rec, cx.ws, r, i);
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
}

/// Re-evaluates the marked path queries; marks the services that read a changed one.
#[inline(always)]
fn update_queries(cx: Ctx, r: &mut RecoveryWorkspace) {
    for k in 0..r.dirty_q_list.len() {
        let q = r.dirty_q_list[k] as usize;
        let bits = std::mem::take(&mut r.dirty_q[q]);
        // Reachability is monotone: inputs coming up cannot take it down, and inputs
        // going down cannot bring it up.
        if (bits == 1 && r.path_up[q]) || (bits == 2 && !r.path_up[q]) {
            continue;
        }
        let path = &cx.model.paths[q];
        let v = match &path.eval {
            PathEval::Sets { sets, .. } => {
                let up = r.qmask[q];
                sets.iter().any(|&m| m & !up == 0)
            }
            PathEval::Search { .. } => eval_query(path, &r.up, &mut r.seen, &mut r.bfs),
        };
        if v != r.path_up[q] {
            r.path_up[q] = v;
            let bit = if v { 1 } else { 2 };
            for &s in row(&cx.rec.query_services, q) {
                if r.dirty_s[s as usize] == 0 {
                    r.dirty_s_list.push(s);
                }
                r.dirty_s[s as usize] |= bit;
            }
        }
    }
    r.dirty_q_list.clear();
}

/// Re-evaluates the marked services at `t`, keeping their downtime and time to restore.
#[inline(always)]
fn update_services(cx: Ctx, r: &mut RecoveryWorkspace, trace: &mut Trace, t: f64) {
    let (model, rec) = (cx.model, cx.rec);
    // Services in index order, so that traces list them the same way every run.
    r.dirty_s_list.sort_unstable();
    for k in 0..r.dirty_s_list.len() {
        let s = r.dirty_s_list[k] as usize;
        let bits = std::mem::take(&mut r.dirty_s[s]);
        if rec.monotone[s] && ((bits == 1 && r.service_up[s]) || (bits == 2 && !r.service_up[s])) {
            continue;
        }
        let v = eval_program(&model.services[s].program, &r.up, &r.path_up, &mut r.stack);
        if v == r.service_up[s] {
            continue;
        }
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
            trace,
            t,
            Subject::Service(s as u32),
            "service {} {}",
            model.services[s].id,
            if v { "is restored" } else { "goes down" }
        );
    }
    r.dirty_s_list.clear();
}
