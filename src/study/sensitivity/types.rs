//! The types of a sensitivity analysis, shared by its steps (a leaf: it imports none of them).

use serde::Serialize;

use crate::base::fmt::r6;
use crate::scenario::Merged;
use crate::tally::metrics::Metric;

/// What kind of unknown a factor is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FactorKind {
    /// A fact with alternatives (declared unknown or anonymous placement).
    Alternatives,
    /// Whether a component exists (a probability swung 0 against 1).
    Existence,
    /// A declared `[[uncertain]]` parameter between its bounds.
    Parameter,
}

/// One variant of a factor: a label and the scenario content it runs.
#[derive(Debug, Clone)]
pub(super) struct Variant {
    pub(super) label: String,
    pub(super) content: Merged,
}

/// A factor and its variants.
#[derive(Debug, Clone)]
pub struct Factor {
    /// Identifier (the unknown's id, `<node>.exists`, or the parameter path).
    pub id: String,
    /// Kind.
    pub kind: FactorKind,
    /// English description.
    pub name_en: String,
    /// Japanese description.
    pub name_ja: String,
    /// Where the probabilities or bounds come from.
    pub source: String,
    /// The value as the scenario states it (probabilities of alternatives, or the value).
    pub as_declared: String,
    pub(super) variants: Vec<Variant>,
}

impl Factor {
    /// Labels of the variants (alternatives, `0`/`1`, or the bounds).
    pub fn variant_labels(&self) -> Vec<&str> {
        self.variants.iter().map(|v| v.label.as_str()).collect()
    }
}

/// A number as a variant label or declared value: rounded, without a trailing `.0`.
pub(super) fn fmt_num(x: f64) -> String {
    let s = format!("{}", r6(x));
    s.trim_end_matches(".0").to_string()
}

/// One row of `sensitivity.csv`: a factor's swing on one metric.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Factor id.
    pub factor: String,
    /// Kind of factor.
    pub kind: FactorKind,
    /// Metric id.
    pub metric: String,
    /// The factor as the scenario declares it.
    pub as_declared: String,
    /// Variant at the low end (the alternative or value giving the smaller mean).
    pub low_value: String,
    /// Variant at the high end.
    pub high_value: String,
    /// Mean of the metric in the scenario as declared.
    pub baseline: f64,
    /// Mean at the low end.
    pub at_low: f64,
    /// Lower 95 % bound of `at_low`.
    pub at_low_ci_low: f64,
    /// Upper 95 % bound of `at_low`.
    pub at_low_ci_high: f64,
    /// Mean at the high end.
    pub at_high: f64,
    /// Lower 95 % bound of `at_high`.
    pub at_high_ci_low: f64,
    /// Upper 95 % bound of `at_high`.
    pub at_high_ci_high: f64,
    /// Paired difference `at_high - at_low`.
    pub swing: f64,
    /// Lower 95 % bound of the swing (paired).
    pub swing_ci_low: f64,
    /// Upper 95 % bound of the swing (paired).
    pub swing_ci_high: f64,
    /// Rank of the factor for this metric by |swing| (1 = largest).
    pub rank: usize,
}

/// The result of a sensitivity analysis.
#[derive(Debug, Clone)]
pub struct Sensitivity {
    /// Rows, metric by metric, ranked.
    pub rows: Vec<Row>,
    /// Metrics.
    pub metrics: Vec<Metric>,
    /// Factors swung.
    pub factors: Vec<Factor>,
    /// Trials.
    pub trials: u64,
    /// Seed.
    pub seed: u64,
}
