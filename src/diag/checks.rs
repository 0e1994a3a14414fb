//! Range checks shared by every part of the scenario that holds the same kind of value, so
//! the same mistake gets the same message wherever it is made.

use toml::Spanned;

use super::error::{Result, SourceMap, Span};

/// The span of a value written in file `file`.
fn at<T>(file: usize, v: &Spanned<T>) -> Span {
    Span {
        file,
        start: v.span().start,
    }
}

/// A number checked to be finite and in [`lo`, `hi`], with an error at `span` naming `what`.
pub fn in_range(src: &SourceMap, span: Span, what: &str, x: f64, lo: f64, hi: f64) -> Result<f64> {
    if !x.is_finite() || x < lo || x > hi {
        return Err(src.error(
            span,
            format!("{what} must be in [{lo}, {hi}], found {x}"),
            None,
        ));
    }
    Ok(x)
}

/// An optional number of file `file`: `default` when absent, else checked by [`in_range`].
pub fn number_in_range(
    src: &SourceMap,
    file: usize,
    v: Option<&Spanned<f64>>,
    what: &str,
    (default, lo, hi): (f64, f64, f64),
) -> Result<f64> {
    match v {
        None => Ok(default),
        Some(x) => in_range(src, at(file, x), what, *x.get_ref(), lo, hi),
    }
}

/// A probability: finite and in [0, 1].
pub fn prob(src: &SourceMap, span: Span, what: &str, p: f64) -> Result<f64> {
    if !p.is_finite() || !(0.0..=1.0).contains(&p) {
        return Err(src.error(
            span,
            format!("{what} must be a probability in [0, 1], found {p}"),
            Some("write probabilities as decimals, e.g. 0.25 for 25 %".into()),
        ));
    }
    Ok(p)
}

/// An optional probability of file `file`: `default` when absent, else checked by [`prob`].
pub fn prob_or(
    src: &SourceMap,
    file: usize,
    v: Option<&Spanned<f64>>,
    what: &str,
    default: f64,
) -> Result<f64> {
    match v {
        None => Ok(default),
        Some(p) => prob(src, at(file, p), what, *p.get_ref()),
    }
}

/// Probabilities of the alternatives of `what`, which must sum to 1.
pub fn check_sum(src: &SourceMap, span: Span, what: &str, ps: &[f64]) -> Result<()> {
    let sum: f64 = ps.iter().sum();
    if (sum - 1.0).abs() > 1e-9 {
        return Err(src.error(
            span,
            format!("the probabilities of {what} must sum to 1, they sum to {sum}"),
            Some("adjust the weights so they add up to exactly 1".into()),
        ));
    }
    Ok(())
}

/// A table of numbers must cite where they come from (a source or `"assumption: <why>"`).
pub fn source(src: &SourceMap, span: Span, text: &str, what: &str) -> Result<()> {
    if text.trim().is_empty() {
        return Err(src.error(
            span,
            format!("{what} does not say where its numbers come from"),
            Some("cite a source or mark \"assumption: <why>\"".into()),
        ));
    }
    Ok(())
}

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

/// A whole number of file `file`: `default` when absent, else in [`lo`, `hi`].
pub fn integer_in_range(
    src: &SourceMap,
    file: usize,
    v: Option<&Spanned<i64>>,
    what: &str,
    (default, lo, hi): (i64, i64, i64),
) -> Result<i64> {
    let Some(x) = v else {
        return Ok(default);
    };
    let val = *x.get_ref();
    if !(lo..=hi).contains(&val) {
        return Err(src.error(
            at(file, x),
            format!("{what} must be a whole number in [{lo}, {hi}], found {val}"),
            None,
        ));
    }
    Ok(val)
}
