//! The engines, rank 7 of the layers: they read the compiled [`crate::model::Model`] (data
//! only) and write per-thread workspaces, reused across trials so that no trial allocates.
//!
//! * [`hazard`]: unknowns, zone hazards, the ground-motion field and grid power at t = 0,
//!   then component damage ([`workspace::Workspace`] holds that state);
//! * [`eval`]: path queries and service programs over node states;
//! * [`recovery`]: the discrete-event recovery from the quake to the horizon (power, repairs
//!   and crews, relocation), recording each service's state at the checkpoints, its time to
//!   restore and downtime;
//! * [`mail`]: LGWAN mail over the timelines the recovery logged;
//! * [`trial`]: the ONE composition of a trial (hazard -> damage -> recovery -> mail, which
//!   stages run being data); every command runs trials through [`trial::run`].
//!
//! Every draw is keyed by (seed, trial, entity), so results do not depend on the order of
//! the work or the number of threads.

pub mod eval;
pub mod hazard;
pub mod mail;
pub mod recovery;
pub mod trial;
pub mod workspace;
