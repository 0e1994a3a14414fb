//! # bcpsim
//!
//! A parallel Monte Carlo simulator of Japan's government networks (G-net, the ministries'
//! networks, the Government Common Platform) under capital-region disasters, judged for
//! continuity from an Osaka/Kansai alternate site.
//!
//! ```text
//! scenario TOML (+ option overlays)
//!   -> scenario::Scenario     serde mirror of the files, spans kept for errors
//!   -> model::Model           validated, expanded (ministries -> nodes, links, services), compiled
//!   -> sim::trial::run        trial i: hazard -> damage -> recovery -> mail, draws keyed by
//!                             (seed, i, entity) only
//!   -> tally::Tally           integer counts, merged across threads and shards (drive)
//!   -> study / output         compare, sensitivity, Table 7; CSV, charts, report, manifest
//! ```
//!
//! ```
//! use bcpsim::{drive::run_range, model::{BuildSpec, Model}, scenario::Scenario, sim::trial::Stages};
//! let scenario = Scenario::load(std::path::Path::new("scenarios/case1.toml")).unwrap();
//! let model = Model::build(&scenario, &BuildSpec::default()).unwrap();
//! let tally = run_range(&model, &Stages::all(&model), 1, 0..1000);
//! assert_eq!(tally.trials, 1000);
//! ```

pub mod app;
pub mod base;
pub mod diag;
pub mod drive;
pub mod expr;
pub mod geo;
pub mod groundmotion;
pub mod model;
pub mod output;
pub mod scenario;
pub mod sim;
pub mod study;
pub mod tally;

pub use diag::{Error, Result};
