//! Sensitivity to what the sources do not know: each unknown fact and each declared
//! uncertain parameter is swung between its extremes on common random numbers, and the
//! factors are ranked by how much the headline metrics move.
//!
//! A *factor* is one of:
//! * a declared `[[unknowns]]` entry or an anonymous placement (`{ alternatives = … }`):
//!   each alternative is set to probability 1 in turn; the low and high ends are, per
//!   metric, the alternatives that give the smallest and largest mean;
//! * an existence probability strictly between 0 and 1 (`remote_access_p`,
//!   `interconnection_at_backup_p`, `kansai_branch_p`, a node's `exists_p`): 0 against 1;
//! * an `[[uncertain]]` parameter: its `low` against its `high`.
//!
//! Every variant is the scenario with one change, built into its own model and run on the
//! same trials as the baseline: draws are keyed by (seed, trial, entity), so a variant
//! changes only what it touches. Paired differences are accumulated in integers per trial
//! (metrics are counts), so a factor that changes nothing gives exactly zero swing with a
//! zero-width interval, and the result does not depend on threads.
//!
//! Variants run every stage the model has, the mail included: the metrics are
//! `tally::metrics::for_sensitivity`'s, with the LGWAN mail rows as in `compare`.
//!
//! Steps, one file each: `types` (shared, a leaf), `parameters` (the `[[uncertain]]`
//! paths), `factors`, `run`, `markdown`.

mod factors;
mod markdown;
mod parameters;
mod run;
mod types;

pub use factors::factors;
pub use parameters::PARAMETERS;
pub use run::{run, variant_count};
pub use types::{Factor, FactorKind, Row, Sensitivity};

/// A headline metric of the sensitivity analysis: the same per-trial count as in `compare`.
pub use crate::tally::metrics::Metric;
