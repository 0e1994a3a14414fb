//! The bottom layer: keyed random streams, the standard normal, intervals, number
//! formatting and the report language. Nothing here imports the rest of the crate.

pub mod fmt;
pub mod interval;
pub mod lang;
pub mod normal;
pub mod rng;
