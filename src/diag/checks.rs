//! Range checks shared by every part of the scenario that holds the same kind of value, so
//! the same mistake gets the same message wherever it is made.

use super::error::{Result, SourceMap, Span};

/// A lognormal (or exponential) duration: median_hours >= 0 and beta in [0, 5].
pub fn duration(
    src: &SourceMap,
    span: Span,
    median_hours: f64,
    beta: f64,
    what: &str,
) -> Result<()> {
    if !median_hours.is_finite()
        || median_hours < 0.0
        || !beta.is_finite()
        || !(0.0..=5.0).contains(&beta)
    {
        return Err(src.error(
            span,
            format!("{what}: median_hours must be >= 0 and beta in [0, 5], found median_hours = {median_hours}, beta = {beta}"),
            None,
        ));
    }
    Ok(())
}
