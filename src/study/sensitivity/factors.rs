//! The factors a scenario declares, each with the variants it is swung between.

use crate::diag::Result;
use crate::scenario::{Merged, MinistryDef, PlacementDef, Scenario, Spanned, SF64};

use super::parameters::{check_value, set_parameter};
use super::types::{fmt_num, Factor, FactorKind, Variant};

/// The factors a scenario declares, in file order: declared unknowns, anonymous
/// placements, existence probabilities, then `[[uncertain]]` parameters.
pub fn factors(scenario: &Scenario) -> Result<Vec<Factor>> {
    let base = &scenario.content;
    let mut out = unknown_factors(base);
    out.extend(placement_factors(base));
    out.extend(ministry_existence_factors(base));
    out.extend(node_existence_factors(base));
    out.extend(uncertain_factors(scenario)?);
    Ok(out)
}

/// Declared `[[unknowns]]` with two or more alternatives: each alternative at probability 1.
fn unknown_factors(base: &Merged) -> Vec<Factor> {
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
    out
}

/// A ministry's placement field, as `(field, English, Japanese, accessor)`.
type Get = fn(&mut MinistryDef) -> Option<&mut Spanned<PlacementDef>>;

const PLACEMENTS: [(&str, &str, &str, Get); 3] = [
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

/// Anonymous placements of ministries' components (`{ alternatives = … }`).
fn placement_factors(base: &Merged) -> Vec<Factor> {
    let mut out = Vec::new();
    for (mi, m) in base.ministries.iter().enumerate() {
        let id = m.item.id.get_ref();
        for (field, en, ja, get) in PLACEMENTS {
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
    out
}

/// A ministry's existence probability, as `(field, English, Japanese, accessor)`.
type GetP = fn(&mut MinistryDef) -> &mut Option<SF64>;

const EXISTENCE: [(&str, &str, &str, GetP); 3] = [
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

/// The two variants of an existence probability: `set(content, 0)` and `set(content, 1)`.
fn zero_one(base: &Merged, set: impl Fn(&mut Merged, f64)) -> Vec<Variant> {
    [0.0, 1.0]
        .iter()
        .map(|&v| {
            let mut c = base.clone();
            set(&mut c, v);
            Variant {
                label: fmt_num(v),
                content: c,
            }
        })
        .collect()
}

/// Existence probabilities of ministries' components strictly between 0 and 1.
fn ministry_existence_factors(base: &Merged) -> Vec<Factor> {
    let mut out = Vec::new();
    for (mi, m) in base.ministries.iter().enumerate() {
        let id = m.item.id.get_ref();
        for (field, en, ja, get) in EXISTENCE {
            let mut probe = m.item.clone();
            let Some(p) = get(&mut probe).as_ref().map(|p| *p.get_ref()) else {
                continue;
            };
            if !(p > 0.0 && p < 1.0) {
                continue;
            }
            let variants = zero_one(base, |c, v| {
                if let Some(p) = get(&mut c.ministries[mi].item).as_mut() {
                    *p.get_mut() = v;
                }
            });
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
    out
}

/// Nodes whose `exists_p` is strictly between 0 and 1.
fn node_existence_factors(base: &Merged) -> Vec<Factor> {
    let mut out = Vec::new();
    for (ni, n) in base.nodes.iter().enumerate() {
        let Some(p) = n.item.exists_p.as_ref().map(|p| *p.get_ref()) else {
            continue;
        };
        if !(p > 0.0 && p < 1.0) {
            continue;
        }
        let id = n.item.id.get_ref();
        let variants = zero_one(base, |c, v| {
            if let Some(p) = c.nodes[ni].item.exists_p.as_mut() {
                *p.get_mut() = v;
            }
        });
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
    out
}

/// `[[uncertain]]` parameters: the low bound against the high one, each checked.
fn uncertain_factors(scenario: &Scenario) -> Result<Vec<Factor>> {
    let base = &scenario.content;
    let mut out = Vec::new();
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
