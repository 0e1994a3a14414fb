//! # bcpsim
//!
//! A parallel Monte Carlo simulator of Japan's government networks (G-net, the ministries'
//! networks, the Government Common Platform) under capital-region disasters, judged for
//! continuity from an Osaka/Kansai alternate site.
//!
//! ```text
//! scenario TOML (+ option overlays)
//!   -> scenario::Scenario   serde mirror of the files, spans kept for errors
//!   -> model::Model         validated, expanded (ministries -> nodes, links, services), compiled
//!   -> montecarlo           trial i draws from streams keyed by (seed, i, entity) only
//!   -> stats::Tally         integer counts, merged across threads and shards
//!   -> report / table7      CSV, Table 7 (ja/en), manifest
//! ```
//!
//! ```
//! use bcpsim::{scenario::Scenario, model::{Model, BuildSpec}, montecarlo::run_range};
//! let scenario = Scenario::load(std::path::Path::new("scenarios/case1.toml")).unwrap();
//! let model = Model::build(&scenario, &BuildSpec::default()).unwrap();
//! let tally = run_range(&model, 1, 0..1000);
//! assert_eq!(tally.trials, 1000);
//! ```

pub mod base;
pub mod charts;
pub mod cli;
pub mod compare;
pub mod diag;
pub mod expr;
pub mod geo;
pub mod groundmotion;
pub mod htmlreport;
pub mod lgwan;
pub mod model;
pub mod montecarlo;
pub mod recovery;
pub mod report;
pub mod scenario;
pub mod sensitivity;
pub mod stats;
pub mod table7;

pub use diag::{Error, Result};
