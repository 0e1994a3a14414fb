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

use serde::Serialize;

use crate::base::fmt::r6;
use crate::base::interval::Z95;
use crate::diag::{Error, Result};
use crate::drive;
use crate::model::{BuildSpec, Model};
use crate::scenario::{Merged, PlacementDef, Scenario, Spanned};
use crate::sim::trial::{self, Stage, Stages, TrialWorkspace};
use crate::tally::metrics::{self, value};

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
struct Variant {
    label: String,
    content: Merged,
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
    variants: Vec<Variant>,
}

impl Factor {
    /// Labels of the variants (alternatives, `0`/`1`, or the bounds).
    pub fn variant_labels(&self) -> Vec<&str> {
        self.variants.iter().map(|v| v.label.as_str()).collect()
    }
}

fn fmt_num(x: f64) -> String {
    let s = format!("{}", r6(x));
    s.trim_end_matches(".0").to_string()
}

/// The factors a scenario declares, in file order: declared unknowns, anonymous
/// placements, existence probabilities, then `[[uncertain]]` parameters.
pub fn factors(scenario: &Scenario) -> Result<Vec<Factor>> {
    let base = &scenario.content;
    let mut out = Vec::new();
    for (i, u) in base.unknowns.iter().enumerate() {
        let alts = &u.item.alternatives;
        if alts.get_ref().len() < 2 {
            continue;
        }
        let variants = (0..alts.get_ref().len())
            .map(|k| {
                let mut c = base.clone();
                for (j, a) in c.unknowns[i]
                    .item
                    .alternatives
                    .get_mut()
                    .iter_mut()
                    .enumerate()
                {
                    *a.p.get_mut() = if j == k { 1.0 } else { 0.0 };
                }
                Variant {
                    label: alts.get_ref()[k].id.get_ref().clone(),
                    content: c,
                }
            })
            .collect();
        out.push(Factor {
            id: u.item.id.get_ref().clone(),
            kind: FactorKind::Alternatives,
            name_en: u.item.question_en.clone(),
            name_ja: if u.item.question_ja.is_empty() {
                u.item.question_en.clone()
            } else {
                u.item.question_ja.clone()
            },
            source: u.item.source.get_ref().clone(),
            as_declared: alts
                .get_ref()
                .iter()
                .map(|a| format!("{} {}", a.id.get_ref(), fmt_num(*a.p.get_ref())))
                .collect::<Vec<_>>()
                .join(", "),
            variants,
        });
    }
    // Anonymous placements of ministries' components.
    type Get = fn(&mut crate::scenario::MinistryDef) -> Option<&mut Spanned<PlacementDef>>;
    let fields: [(&str, &str, &str, Get); 3] = [
        (
            "backup_server",
            "backup server site",
            "バックアップサーバーの所在",
            |m| m.backup_server.as_mut(),
        ),
        (
            "main_server",
            "main server site",
            "本番サーバーの所在",
            |m| Some(&mut m.main_server),
        ),
        (
            "internet_gateway",
            "internet gateway site",
            "インターネット接続口の所在",
            |m| Some(&mut m.internet_gateway),
        ),
    ];
    for (mi, m) in base.ministries.iter().enumerate() {
        let id = m.item.id.get_ref();
        for (field, en, ja, get) in fields {
            let mut probe = m.item.clone();
            let Some(pl) = get(&mut probe) else { continue };
            let PlacementDef::Alternatives { alternatives } = pl.get_ref() else {
                continue;
            };
            if alternatives.len() < 2 {
                continue;
            }
            let as_declared = alternatives
                .iter()
                .map(|a| format!("{} {}", a.site, fmt_num(a.p)))
                .collect::<Vec<_>>()
                .join(", ");
            let labels: Vec<String> = alternatives.iter().map(|a| a.site.clone()).collect();
            let variants = (0..labels.len())
                .map(|k| {
                    let mut c = base.clone();
                    if let Some(pl) = get(&mut c.ministries[mi].item) {
                        if let PlacementDef::Alternatives { alternatives } = pl.get_mut() {
                            for (j, a) in alternatives.iter_mut().enumerate() {
                                a.p = if j == k { 1.0 } else { 0.0 };
                            }
                        }
                    }
                    Variant {
                        label: labels[k].clone(),
                        content: c,
                    }
                })
                .collect();
            out.push(Factor {
                id: format!("{id}.{field}"),
                kind: FactorKind::Alternatives,
                name_en: format!("{}: {en}", m.item.name_en),
                name_ja: format!("{}：{ja}", m.item.name_ja),
                source: m.item.source.get_ref().clone(),
                as_declared,
                variants,
            });
        }
    }
    // Existence probabilities of ministries' components.
    type GetP = fn(&mut crate::scenario::MinistryDef) -> &mut Option<crate::scenario::SF64>;
    let probs: [(&str, &str, &str, GetP); 3] = [
        (
            "remote_access_p",
            "remote access exists",
            "リモートアクセスの有無",
            |m| &mut m.remote_access_p,
        ),
        (
            "interconnection_at_backup_p",
            "interconnection point at the backup site exists",
            "バックアップ拠点の接続点の有無",
            |m| &mut m.interconnection_at_backup_p,
        ),
        (
            "kansai_branch_p",
            "link to the Kansai branch exists",
            "関西の地方支分部局との接続の有無",
            |m| &mut m.kansai_branch_p,
        ),
    ];
    for (mi, m) in base.ministries.iter().enumerate() {
        let id = m.item.id.get_ref();
        for (field, en, ja, get) in probs {
            let mut probe = m.item.clone();
            let Some(p) = get(&mut probe).as_ref().map(|p| *p.get_ref()) else {
                continue;
            };
            if !(p > 0.0 && p < 1.0) {
                continue;
            }
            let variants = [0.0, 1.0]
                .iter()
                .map(|&v| {
                    let mut c = base.clone();
                    if let Some(p) = get(&mut c.ministries[mi].item).as_mut() {
                        *p.get_mut() = v;
                    }
                    Variant {
                        label: fmt_num(v),
                        content: c,
                    }
                })
                .collect();
            out.push(Factor {
                id: format!("{id}.{field}"),
                kind: FactorKind::Existence,
                name_en: format!("{}: {en}", m.item.name_en),
                name_ja: format!("{}：{ja}", m.item.name_ja),
                source: m.item.source.get_ref().clone(),
                as_declared: fmt_num(p),
                variants,
            });
        }
    }
    for (ni, n) in base.nodes.iter().enumerate() {
        let Some(p) = n.item.exists_p.as_ref().map(|p| *p.get_ref()) else {
            continue;
        };
        if !(p > 0.0 && p < 1.0) {
            continue;
        }
        let id = n.item.id.get_ref();
        let variants = [0.0, 1.0]
            .iter()
            .map(|&v| {
                let mut c = base.clone();
                if let Some(p) = c.nodes[ni].item.exists_p.as_mut() {
                    *p.get_mut() = v;
                }
                Variant {
                    label: fmt_num(v),
                    content: c,
                }
            })
            .collect();
        out.push(Factor {
            id: format!("{id}.exists_p"),
            kind: FactorKind::Existence,
            name_en: format!("{id} exists"),
            name_ja: format!("{id}の有無"),
            source: String::new(),
            as_declared: fmt_num(p),
            variants,
        });
    }
    for u in &base.uncertain {
        let path = u.item.parameter.get_ref();
        let span = u.span(&u.item.parameter);
        let (low, high) = (*u.item.low.get_ref(), *u.item.high.get_ref());
        if !(low.is_finite() && high.is_finite() && low < high) {
            return Err(scenario.sources.error(
                u.span(&u.item.low),
                format!("[[uncertain]] `{path}`: low ({low}) must be below high ({high})"),
                Some("give finite bounds with low < high".into()),
            ));
        }
        if u.item.source.get_ref().trim().is_empty() {
            return Err(scenario.sources.error(
                u.span(&u.item.source),
                format!("[[uncertain]] `{path}`: source is empty"),
                Some("say where the bounds come from, or \"assumption: <reason>\"".into()),
            ));
        }
        let mut variants = Vec::new();
        let mut declared = None;
        for (v, vspan) in [(low, u.span(&u.item.low)), (high, u.span(&u.item.high))] {
            let mut c = base.clone();
            let old = set_parameter(&mut c, path, v)
                .map_err(|(msg, hint)| scenario.sources.error(span, msg, hint))?;
            check_value(path, v).map_err(|msg| {
                scenario.sources.error(
                    vspan,
                    msg,
                    Some("see the parameter list in docs/scenario-format.md".into()),
                )
            })?;
            declared = Some(old);
            variants.push(Variant {
                label: fmt_num(v),
                content: c,
            });
        }
        out.push(Factor {
            id: path.clone(),
            kind: FactorKind::Parameter,
            name_en: path.clone(),
            name_ja: path.clone(),
            source: u.item.source.get_ref().clone(),
            as_declared: declared.map(fmt_num).unwrap_or_default(),
            variants,
        });
    }
    Ok(out)
}

/// Range checks that the model would make, reported at the bound that breaks them.
fn check_value(path: &str, v: f64) -> std::result::Result<(), String> {
    let last = path.rsplit('.').next().unwrap_or(path);
    let is_p = last.ends_with("_p")
        || last.starts_with("p_")
        || last == "contact_p"
        || last.starts_with("p_fail");
    if is_p && !(0.0..=1.0).contains(&v) {
        return Err(format!(
            "`{path}` is a probability, so its bounds must be in [0, 1]; found {v}"
        ));
    }
    if last.starts_with("count") && (v < 1.0 || v.fract() != 0.0) {
        return Err(format!(
            "`{path}` is a number of crews, so its bounds must be whole numbers >= 1; found {v}"
        ));
    }
    if (last.ends_with("_hours") || last.ends_with("_scale")) && v < 0.0 {
        return Err(format!("`{path}` must not be negative; found {v}"));
    }
    if last.ends_with("_scale") && v <= 0.0 {
        return Err(format!(
            "`{path}` is a multiplier and must be > 0; found {v}"
        ));
    }
    Ok(())
}

/// One segment of a parameter path: a name with an optional `[id]` selector.
fn segments(path: &str) -> Option<Vec<(&str, Option<&str>)>> {
    let mut out = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        let name = &rest[..end];
        rest = &rest[end..];
        let mut sel = None;
        if let Some(r) = rest.strip_prefix('[') {
            let close = r.find(']')?;
            sel = Some(&r[..close]);
            rest = &r[close + 1..];
        }
        out.push((name, sel));
        if let Some(r) = rest.strip_prefix('.') {
            rest = r;
        } else if rest.starts_with('[') {
            continue;
        } else if !rest.is_empty() {
            return None;
        }
    }
    Some(out)
}

/// The parameter paths `[[uncertain]]` accepts (`*` selects every entry).
pub const PARAMETERS: &[&str] = &[
    "hazard.zones[REGION].p_event",
    "hazard.zones[REGION].p_fail[CLASS]",
    "hazard.ground_motion.p_event",
    "hazard.ground_motion.mw",
    "ministries[ID].remote_access_p",
    "ministries[ID].interconnection_at_backup_p",
    "ministries[ID].kansai_branch_p",
    "nodes[ID].exists_p",
    "recovery.contact_p",
    "recovery.router_restart_hours",
    "recovery.relocation.median_hours",
    "recovery.repair[CLASS].duration_scale",
    "recovery.crews[POOL].count",
    "recovery.crews[POOL].travel.median_hours",
    "recovery.grid[REGION].p_outage",
    "recovery.grid[REGION].restore_scale",
    "recovery.generators[CLASS].fuel_hours",
    "recovery.generators[CLASS].p_refuel",
];

fn sel_matches(sel: Option<&str>, id: &str) -> bool {
    matches!(sel, Some("*")) || sel == Some(id)
}

/// Sets a parameter in the scenario content; returns the value it had (the first match's).
fn set_parameter(
    c: &mut Merged,
    path: &str,
    v: f64,
) -> std::result::Result<f64, (String, Option<String>)> {
    let unknown = || {
        (
            format!("[[uncertain]]: unknown parameter `{path}`"),
            Some(format!("parameters are: {}", PARAMETERS.join(", "))),
        )
    };
    let segs = segments(path).ok_or_else(unknown)?;
    let names: Vec<&str> = segs.iter().map(|s| s.0).collect();
    let sel = |k: usize| segs.get(k).and_then(|s| s.1);
    let mut old = Vec::new();
    fn put(old: &mut Vec<f64>, v: f64, x: &mut f64) {
        old.push(*x);
        *x = v;
    }
    let scale = |d: &mut crate::scenario::DurationDef, f: f64| d.median_hours *= f;
    match names.as_slice() {
        ["hazard", "zones", "p_event"] => {
            for z in c.zones.iter_mut() {
                if sel_matches(sel(1), z.item.region.get_ref()) {
                    match z.item.p_event.as_mut() {
                        Some(p) => put(&mut old, v, p.get_mut()),
                        None => {
                            old.push(1.0);
                            z.item.p_event = Some(Spanned::new(0..0, v));
                        }
                    }
                }
            }
        }
        ["hazard", "zones", "p_fail"] => {
            for z in c.zones.iter_mut() {
                if sel_matches(sel(1), z.item.region.get_ref()) {
                    for (class, p) in z.item.p_fail.get_mut().iter_mut() {
                        if sel_matches(sel(2), class) {
                            put(&mut old, v, p.get_mut());
                        }
                    }
                }
            }
        }
        ["hazard", "ground_motion", "p_event"] => {
            if let Some(g) = c.ground_motion.as_mut() {
                match g.item.p_event.as_mut() {
                    Some(p) => put(&mut old, v, p.get_mut()),
                    None => {
                        old.push(1.0);
                        g.item.p_event = Some(Spanned::new(0..0, v));
                    }
                }
            }
        }
        ["hazard", "ground_motion", "mw"] => {
            if let Some(g) = c.ground_motion.as_mut() {
                put(&mut old, v, g.item.mw.get_mut());
            }
        }
        ["ministries", field] => {
            for m in c.ministries.iter_mut() {
                if !sel_matches(sel(0), m.item.id.get_ref()) {
                    continue;
                }
                let slot = match *field {
                    "remote_access_p" => &mut m.item.remote_access_p,
                    "interconnection_at_backup_p" => &mut m.item.interconnection_at_backup_p,
                    "kansai_branch_p" => &mut m.item.kansai_branch_p,
                    _ => return Err(unknown()),
                };
                match slot.as_mut() {
                    Some(p) => put(&mut old, v, p.get_mut()),
                    None => {
                        old.push(1.0);
                        *slot = Some(Spanned::new(0..0, v));
                    }
                }
            }
        }
        ["nodes", "exists_p"] => {
            for n in c.nodes.iter_mut() {
                if sel_matches(sel(0), n.item.id.get_ref()) {
                    match n.item.exists_p.as_mut() {
                        Some(p) => put(&mut old, v, p.get_mut()),
                        None => {
                            old.push(1.0);
                            n.item.exists_p = Some(Spanned::new(0..0, v));
                        }
                    }
                }
            }
        }
        ["recovery", rest @ ..] => {
            let Some(r) = c.recovery.as_mut() else {
                return Err((
                    format!("[[uncertain]] `{path}`: the scenario has no [recovery] table"),
                    None,
                ));
            };
            let r = &mut r.item;
            match rest {
                ["contact_p"] => put(&mut old, v, r.contact_p.get_mut()),
                ["router_restart_hours"] => match r.router_restart_hours.as_mut() {
                    Some(p) => put(&mut old, v, p.get_mut()),
                    None => {
                        old.push(0.1667);
                        r.router_restart_hours = Some(Spanned::new(0..0, v));
                    }
                },
                ["relocation", "median_hours"] => {
                    put(&mut old, v, &mut r.relocation.get_mut().median_hours)
                }
                ["repair", "duration_scale"] => {
                    for x in r.repair.iter_mut() {
                        if sel_matches(sel(1), x.class.get_ref()) {
                            old.push(1.0);
                            scale(x.duration.get_mut(), v);
                            if let Some(d) = x.duration_by_state.as_mut() {
                                d.get_mut().iter_mut().for_each(|d| scale(d, v));
                            }
                        }
                    }
                }
                ["crews", "count"] => {
                    for x in r.crews.iter_mut() {
                        if sel_matches(sel(1), x.id.get_ref()) {
                            old.push(*x.count.get_ref() as f64);
                            *x.count.get_mut() = v as i64;
                        }
                    }
                }
                ["crews", "travel", "median_hours"] => {
                    for x in r.crews.iter_mut() {
                        if sel_matches(sel(1), x.id.get_ref()) {
                            put(&mut old, v, &mut x.travel.get_mut().median_hours);
                        }
                    }
                }
                ["grid", "p_outage"] => {
                    for x in r.grid.iter_mut() {
                        if sel_matches(sel(1), x.region.get_ref()) {
                            put(&mut old, v, x.p_outage.get_mut());
                        }
                    }
                }
                ["grid", "restore_scale"] => {
                    for x in r.grid.iter_mut() {
                        if sel_matches(sel(1), x.region.get_ref()) {
                            old.push(1.0);
                            scale(x.restore.get_mut(), v);
                            if let Some(d) = x.restore_by_state.as_mut() {
                                d.get_mut().iter_mut().for_each(|d| scale(d, v));
                            }
                        }
                    }
                }
                ["generators", "fuel_hours"] => {
                    for x in r.generators.iter_mut() {
                        if sel_matches(sel(1), x.class.get_ref()) {
                            put(&mut old, v, x.fuel_hours.get_mut());
                        }
                    }
                }
                ["generators", "p_refuel"] => {
                    for x in r.generators.iter_mut() {
                        if sel_matches(sel(1), x.class.get_ref()) {
                            put(&mut old, v, x.p_refuel.get_mut());
                        }
                    }
                }
                _ => return Err(unknown()),
            }
        }
        _ => return Err(unknown()),
    }
    old.first().copied().ok_or_else(|| {
        (
            format!("[[uncertain]] `{path}` selects nothing in this scenario"),
            Some("check the id in brackets (or use [*] for every entry)".into()),
        )
    })
}

/// A headline metric of the sensitivity analysis: the same per-trial count as in `compare`.
pub use crate::tally::metrics::Metric;

/// The stages a sensitivity variant runs: up to the recovery (its metrics do not read the
/// mail).
fn sensitivity_stages(model: &Model) -> Stages {
    Stages::until(model, Stage::Recovery)
}

/// Trials per parallel batch. Every trial runs every variant, so a batch is already much
/// work; small batches keep all threads busy at small trial counts. The tallies are
/// integers, so the result does not depend on the batch boundaries or on the threads.
const SENSITIVITY_BATCH: u64 = 16;

/// Integer sums over trials: per variant and metric the sum and sum of squares of the
/// value, per factor the sums of squared differences between each pair of its variants.
#[derive(Debug, Clone)]
struct Sums {
    trials: u64,
    sum: Vec<i64>,
    sq: Vec<i64>,
    pair_sq: Vec<i64>,
}

impl Sums {
    fn new(values: usize, pairs: usize) -> Sums {
        Sums {
            trials: 0,
            sum: vec![0; values],
            sq: vec![0; values],
            pair_sq: vec![0; pairs],
        }
    }

    fn merge(&mut self, o: &Sums) {
        self.trials += o.trials;
        for (a, b) in self.sum.iter_mut().zip(&o.sum) {
            *a += b;
        }
        for (a, b) in self.sq.iter_mut().zip(&o.sq) {
            *a += b;
        }
        for (a, b) in self.pair_sq.iter_mut().zip(&o.pair_sq) {
            *a += b;
        }
    }
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

/// Swings every factor of `scenario` (with `options` applied to every variant) on trials
/// `0..trials` with `seed`.
pub fn run(
    scenario: &Scenario,
    options: &[String],
    trials: u64,
    seed: u64,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Sensitivity> {
    let factors = factors(scenario)?;
    let build = |content: &Merged| {
        let s = Scenario {
            sources: scenario.sources.clone(),
            sha256: scenario.sha256.clone(),
            content: content.clone(),
        };
        Model::build(
            &s,
            &BuildSpec {
                options: options.to_vec(),
                ..BuildSpec::default()
            },
        )
    };
    let base = build(&scenario.content)?;
    let metrics = metrics::for_sensitivity(&base);
    let mut models = vec![base];
    // (first variant index, count) per factor; pair offsets into `pair_sq`.
    let mut spans = Vec::new();
    let mut pair_at = Vec::new();
    let mut pairs = 0;
    for f in &factors {
        spans.push((models.len(), f.variants.len()));
        pair_at.push(pairs);
        let k = f.variants.len();
        pairs += k * (k - 1) / 2;
        for v in &f.variants {
            let m = build(&v.content).map_err(|e| {
                Error::Run(format!(
                    "factor `{}` at `{}` does not build: {e}",
                    f.id, v.label
                ))
            })?;
            models.push(m);
        }
    }
    // Every variant must measure what the baseline measures, in the same order.
    for m in &models[1..] {
        let ids: Vec<String> = metrics::for_sensitivity(m)
            .into_iter()
            .map(|(x, _)| x.id)
            .collect();
        if ids
            != metrics
                .iter()
                .map(|(x, _)| x.id.clone())
                .collect::<Vec<_>>()
        {
            return Err(Error::Run(
                "a variant changes the set of services measured".into(),
            ));
        }
    }
    let nm = metrics.len();
    let nv = models.len();
    let stages: Vec<Stages> = models.iter().map(sensitivity_stages).collect();
    let sums = drive::fold(
        0..trials,
        SENSITIVITY_BATCH,
        || {
            let ws: Vec<TrialWorkspace> = models
                .iter()
                .zip(&stages)
                .map(|(m, st)| TrialWorkspace::new(m, st))
                .collect();
            (ws, vec![0i64; nv * nm])
        },
        || Sums::new(nv * nm, pairs * nm),
        |(ws, x), t, i| {
            for (v, m) in models.iter().enumerate() {
                trial::run(m, &stages[v], seed, i, &mut ws[v]);
                for (k, (_, how)) in metrics.iter().enumerate() {
                    x[v * nm + k] = value(m, *how, &ws[v]);
                }
            }
            t.trials += 1;
            for (j, &y) in x.iter().enumerate() {
                t.sum[j] += y;
                t.sq[j] += y * y;
            }
            for (f, &(first, k)) in spans.iter().enumerate() {
                let mut p = pair_at[f];
                for a in 0..k {
                    for c in a + 1..k {
                        for mk in 0..nm {
                            let d = x[(first + c) * nm + mk] - x[(first + a) * nm + mk];
                            t.pair_sq[p * nm + mk] += d * d;
                        }
                        p += 1;
                    }
                }
            }
        },
        Sums::merge,
        progress,
    );
    let n = sums.trials as f64;
    let mean = |v: usize, k: usize| sums.sum[v * nm + k] as f64 / n;
    let ci = |v: usize, k: usize| {
        let mu = mean(v, k);
        let var = (sums.sq[v * nm + k] as f64 / n - mu * mu).max(0.0);
        let half = if sums.trials > 1 {
            Z95 * (var / (n - 1.0)).sqrt()
        } else {
            0.0
        };
        (mu - half, mu + half)
    };
    let mut rows = Vec::new();
    for (k, (metric, _)) in metrics.iter().enumerate() {
        let mut block = Vec::new();
        for (f, factor) in factors.iter().enumerate() {
            let (first, count) = spans[f];
            let (mut lo, mut hi) = (0, count - 1);
            if factor.kind == FactorKind::Alternatives {
                // The extremes among the alternatives (first one on ties).
                for a in 0..count {
                    if mean(first + a, k) < mean(first + lo, k) {
                        lo = a;
                    }
                }
                hi = if lo == 0 { count - 1 } else { 0 };
                for a in 0..count {
                    if a != lo && mean(first + a, k) > mean(first + hi, k) {
                        hi = a;
                    }
                }
            }
            let (a, c) = (lo.min(hi), lo.max(hi));
            // Index of pair (a, c) among the factor's pairs, in the order accumulated.
            let p = pair_at[f] + (0..a).map(|r| count - 1 - r).sum::<usize>() + (c - a - 1);
            let d = mean(first + hi, k) - mean(first + lo, k);
            let var = (sums.pair_sq[p * nm + k] as f64 / n - d * d).max(0.0);
            let half = if sums.trials > 1 {
                Z95 * (var / (n - 1.0)).sqrt()
            } else {
                0.0
            };
            let (l0, l1) = ci(first + lo, k);
            let (h0, h1) = ci(first + hi, k);
            block.push(Row {
                factor: factor.id.clone(),
                kind: factor.kind,
                metric: metric.id.clone(),
                as_declared: factor.as_declared.clone(),
                low_value: factor.variants[lo].label.clone(),
                high_value: factor.variants[hi].label.clone(),
                baseline: r6(mean(0, k)),
                at_low: r6(mean(first + lo, k)),
                at_low_ci_low: r6(l0),
                at_low_ci_high: r6(l1),
                at_high: r6(mean(first + hi, k)),
                at_high_ci_low: r6(h0),
                at_high_ci_high: r6(h1),
                swing: r6(d),
                swing_ci_low: r6(d - half),
                swing_ci_high: r6(d + half),
                rank: 0,
            });
        }
        block.sort_by(|x, y| {
            y.swing
                .abs()
                .total_cmp(&x.swing.abs())
                .then(x.factor.cmp(&y.factor))
        });
        for (r, row) in block.iter_mut().enumerate() {
            row.rank = r + 1;
        }
        rows.extend(block);
    }
    Ok(Sensitivity {
        rows,
        metrics: metrics.into_iter().map(|(m, _)| m).collect(),
        factors,
        trials: sums.trials,
        seed,
    })
}

/// Total variant runs per trial (the baseline and every factor's variants).
pub fn variant_count(factors: &[Factor]) -> usize {
    1 + factors.iter().map(|f| f.variants.len()).sum::<usize>()
}

impl Sensitivity {
    /// A report: for each headline metric, the factors ranked by swing.
    pub fn markdown(&self, ja: bool, scenario_name: &str) -> String {
        let mut s = String::new();
        s += if ja {
            "# 感度分析（不明な事実と不確かなパラメータ、共通乱数による対応のある差）\n\n"
        } else {
            "# Sensitivity (unknown facts and uncertain parameters, paired differences on common random numbers)\n\n"
        };
        s += &format!(
            "{scenario_name} — {} {} / seed {}\n\n",
            if ja { "試行回数" } else { "trials:" },
            self.trials,
            self.seed
        );
        s += if ja {
            "各要因を両端（選択肢は各選択肢を確率1、存在確率は0と1、パラメータは下限と上限）に振り、他の乱数は同じ試行で比較した。振れ幅 = 上端 − 下端。\n\n"
        } else {
            "Each factor is set to its extremes (each alternative at probability 1, an existence probability at 0 and 1, a parameter at its low and high bounds), every other draw the same trial by trial. Swing = high end − low end.\n\n"
        };
        for m in &self.metrics {
            s += &format!("## {}\n\n", if ja { &m.name_ja } else { &m.name_en });
            s += if ja {
                "| 順位 | 要因 | 下端 | 上端 | 下端での値 | 上端での値 | 振れ幅 | 95%区間 |\n|---|---|---|---|---|---|---|---|\n"
            } else {
                "| Rank | Factor | Low end | High end | At low | At high | Swing | 95% interval |\n|---|---|---|---|---|---|---|---|\n"
            };
            let baseline = self
                .rows
                .iter()
                .find(|r| r.metric == m.id)
                .map(|r| r.baseline);
            for r in self.rows.iter().filter(|r| r.metric == m.id) {
                let f = self.factors.iter().find(|f| f.id == r.factor);
                let name = f
                    .map(|f| if ja { &f.name_ja } else { &f.name_en })
                    .unwrap_or(&r.factor);
                s += &format!(
                    "| {} | {name} (`{}`) | {} | {} | {:.3} | {:.3} | {:+.3} | [{:+.3}, {:+.3}] |\n",
                    r.rank,
                    r.factor,
                    r.low_value,
                    r.high_value,
                    r.at_low,
                    r.at_high,
                    r.swing,
                    r.swing_ci_low,
                    r.swing_ci_high
                );
            }
            if let Some(b) = baseline {
                s += &format!(
                    "\n{} {b:.3}\n\n",
                    if ja {
                        "宣言どおりの値での平均:"
                    } else {
                        "Mean as declared:"
                    }
                );
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_paths_parse() {
        assert_eq!(
            segments("hazard.zones[capital].p_fail[data_center]").unwrap(),
            vec![
                ("hazard", None),
                ("zones", Some("capital")),
                ("p_fail", Some("data_center"))
            ]
        );
        assert_eq!(
            segments("recovery.crews[*].count").unwrap(),
            vec![("recovery", None), ("crews", Some("*")), ("count", None)]
        );
        assert!(segments("a[b").is_none());
    }
}
