//! The state at t = 0: the scratch of the last trial cleared, every component's state from
//! the hazard stage (with its generator, its repair's release and its staff's relocation),
//! and the nodes, paths and services evaluated from it.

use crate::base::rng::{splitmix64, uniform};
use crate::model::calendar::Calendar;
use crate::model::recovery::{Recovery, Start};
use crate::model::PathEval;
use crate::sim::eval::{eval_program, eval_query};
use crate::sim::workspace::Cause;

use super::state::{node_up, say, Ctx, Ev, RecoveryWorkspace, Subject, Trace, K_RELOCATION};
use super::{power, repairs};

/// When in the week the quake of trial `trial_seed` strikes (fixed by the scenario, or
/// drawn); the mail engine reads the same calendar for the planned outages.
pub fn quake_calendar(rec: &Recovery, trial_seed: u64) -> Calendar {
    match rec.start {
        Start::Fixed(c) => c,
        Start::Sampled => {
            Calendar::at_hour_of_week(168.0 * uniform(trial_seed, rec.calendar_key, 0))
        }
    }
}

/// Clears what the last trial left: events, logs, contacts, waiting jobs, generators.
#[inline]
pub(super) fn reset(r: &mut RecoveryWorkspace) {
    r.queue.reset();
    r.node_log.clear();
    r.service_log.clear();
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
}

/// Every component at t = 0, in node order (the order fixes how events at equal times are
/// queued): damaged or not, its generator, its repair's release, its staff's arrival.
#[inline]
pub(super) fn components(cx: Ctx, cal: &Calendar, r: &mut RecoveryWorkspace, trace: &mut Trace) {
    let (rec, ws) = (cx.rec, cx.ws);
    for i in 0..cx.model.nodes.len() {
        r.damaged[i] = ws.exists[i] && ws.cause[i] != Cause::None;
        r.restarting[i] = false;
        r.staff_here[i] = rec.staff_of[i].is_none();
        power::generator_at_start(cx, r, i);
        if r.damaged[i] {
            repairs::release(cx, cal, r, trace, i);
        }
        if rec.staff_of[i].is_some() {
            let key = splitmix64(cx.model.nodes[i].key ^ 0x5EED);
            let at = rec.relocation.sample(uniform(cx.ts, key, K_RELOCATION));
            if at <= rec.horizon {
                let _ = r.queue.schedule(at, Ev::StaffArrive(i as u32));
            }
        }
    }
}

/// Nodes, path queries and services at t = 0; services start with no downtime.
#[inline]
pub(super) fn evaluate(cx: Ctx, r: &mut RecoveryWorkspace, trace: &mut Trace) {
    let (model, rec, ws) = (cx.model, cx.rec, cx.ws);
    for i in 0..model.nodes.len() {
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
                trace,
                0.0,
                Subject::Node(i as u32),
                "{} is down at the start: {why}",
                cx.name(i)
            );
        }
    }
    for (q, path) in model.paths.iter().enumerate() {
        r.path_up[q] = match &path.eval {
            PathEval::Sets { nodes, sets } => {
                let up = nodes
                    .iter()
                    .enumerate()
                    .fold(0, |m, (k, &v)| m | u64::from(r.up[v as usize]) << k);
                r.qmask[q] = up;
                sets.iter().any(|&m| m & !up == 0)
            }
            PathEval::Search { .. } => eval_query(path, &r.up, &mut r.seen, &mut r.bfs),
        };
    }
    for (s, svc) in model.services.iter().enumerate() {
        let up = eval_program(&svc.program, &r.up, &r.path_up, &mut r.stack);
        r.service_up[s] = up;
        r.down_since[s] = if up { f64::NAN } else { 0.0 };
        r.downtime[s] = 0.0;
        r.ttr[s] = 0.0;
    }
}
