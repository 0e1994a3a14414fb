//! Diagnostics: errors that point at the file, line and column of bad input, with a hint,
//! and the checks shared by every stage that reads a scenario.

pub mod checks;
pub mod error;

pub use error::{did_you_mean, Error, InputError, Result, SourceFile, SourceMap, Span};
