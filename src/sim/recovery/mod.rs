//! Recovery over time: a discrete-event run from the quake to the horizon.
//!
//! The state at t = 0 comes from the hazard stage (which components exist, which failed and
//! why, which sites lost grid power). [`simulate`] runs the steps in order, each in its file:
//!
//! * `start.rs`: the last trial's scratch cleared, every component's state at t = 0, and the
//!   nodes, path queries and services evaluated from it;
//! * `power.rs`: a site that lost the grid gets it back after a drawn restoration time;
//!   meanwhile a component runs on its class's generator until the fuel runs out, unless a
//!   refuelling arrives first (or at all); routers restart a few minutes after their power
//!   returns (001: about 10 minutes);
//! * `repairs.rs`: a failed component's fault is detected by remote monitoring, its owner's
//!   contact is called; outside business hours an unreachable contact makes the work wait
//!   until the next business day at 8:30 (001); released jobs wait for a crew of their
//!   class's pool, taken in priority order; crews reach the damaged region after a travel
//!   delay; a repair takes a drawn duration. Repairs do not depend on service states, so
//!   each pool's schedule is worked out before the event loop;
//! * **relocation** (in `start.rs`): each ministry's staff start at the Kansai alternate site
//!   after a drawn delay;
//! * `events.rs`: the event loop (on [`queue`]). Services are re-evaluated only when a component
//!   they depend on changes state, and the trial records each service's state at the
//!   checkpoints, when it was restored for good and how long it was down.
//!
//! The steps share the workspace and the event types of `state.rs`, the leaf of these files.
//! Every draw is keyed by (seed, trial, entity) as in the hazard stage, so the order of the
//! steps changes no number; the order in which events are queued fixes ties.

mod events;
mod power;
pub mod queue;
mod repairs;
mod start;
mod state;

pub use start::quake_calendar;
pub use state::{RecoveryWorkspace, Subject, TraceLine};

use crate::model::recovery::Recovery;
use crate::model::Model;
use crate::sim::workspace::Workspace;

/// Runs the recovery of trial `trial_seed` from the t = 0 state in `ws` (after the damage
/// stage of [`crate::sim::trial::run`]). With `trace`, records what happened and why, in
/// time order.
pub fn simulate(
    model: &Model,
    rec: &Recovery,
    trial_seed: u64,
    ws: &Workspace,
    r: &mut RecoveryWorkspace,
    mut trace: Option<&mut Vec<TraceLine>>,
) {
    let cx = state::Ctx {
        model,
        rec,
        ws,
        ts: trial_seed,
    };
    start::reset(r);
    let cal = quake_calendar(rec, trial_seed);
    power::grid_at_start(cx, r, &mut trace);
    repairs::pools_at_start(cx, r);
    start::components(cx, &cal, r, &mut trace);
    repairs::schedule(cx, r, &mut trace);
    start::evaluate(cx, r, &mut trace);
    events::run(cx, r, &mut trace);
    if let Some(tr) = trace {
        // Repair starts are worked out ahead of time: put every line in time order.
        tr.sort_by(|a, b| a.hours.total_cmp(&b.hours));
    }
}

#[cfg(test)]
mod tests {
    use super::state::row;
    use crate::base::normal::fast_normal_quantile;
    use crate::base::normal::normal_inv_cdf;
    use crate::model::recovery::{csr, Duration};

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
