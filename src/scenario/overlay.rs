//! Option overlays: `--option` patches and the placements `bcpsim table7` forces, applied to
//! the merged scenario before it is compiled.
//!
//! Names an overlay writes are checked here, where their positions are known; once moved into
//! a ministry or node they would be reported against the wrong file.

use serde::Serialize;

use crate::diag::{did_you_mean, Error, InputError, Result, SourceMap, Span};
use crate::scenario::{Located, Merged, OptionDef, PlacementDef, SString, Spanned};

/// Which placement `bcpsim table7` forces for servers and interconnection points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Location {
    /// Inside the capital region.
    Capital,
    /// Outside the capital region.
    Outside,
}

/// A countermeasure declared in the scenario.
#[derive(Debug, Clone, Serialize)]
pub struct OptionInfo {
    /// Identifier.
    pub id: String,
    /// English name.
    pub name_en: String,
    /// Japanese name.
    pub name_ja: String,
    /// Cost.
    pub cost: Option<f64>,
    /// Unit of cost.
    pub cost_unit: String,
}

/// Checks the declared options, forces the Table 7 placements, then applies `options` in
/// order. Returns the declared options.
pub fn apply(
    src: &SourceMap,
    m: &mut Merged,
    options: &[String],
    force_backup: Option<Location>,
    force_interconnection: Option<Location>,
) -> Result<Vec<OptionInfo>> {
    let declared = collect_options(src, m)?;
    for (k, id) in options.iter().enumerate() {
        if options[..k].contains(id) {
            return Err(Error::Usage(format!(
                "option `{id}` is given twice; each option is applied once"
            )));
        }
    }
    apply_force(src, m, force_backup, force_interconnection)?;
    for id in options {
        apply_option(src, m, id)?;
    }
    Ok(declared)
}

fn collect_options(src: &SourceMap, m: &Merged) -> Result<Vec<OptionInfo>> {
    let mut out: Vec<OptionInfo> = Vec::new();
    for o in &m.options {
        let id = o.item.id.get_ref();
        if out.iter().any(|x| &x.id == id) {
            return Err(src.error(
                o.span(&o.item.id),
                format!("option `{id}` is defined twice"),
                None,
            ));
        }
        let cost = match &o.item.cost {
            Some(c) => {
                let v = *c.get_ref();
                if !v.is_finite() || v < 0.0 {
                    return Err(src.error(
                        o.span(c),
                        format!("cost must be a finite number >= 0, found {v}"),
                        None,
                    ));
                }
                Some(v)
            }
            None => None,
        };
        out.push(OptionInfo {
            id: id.clone(),
            name_en: o.item.name_en.clone(),
            name_ja: o.item.name_ja.clone(),
            cost,
            cost_unit: o.item.cost_unit.clone(),
        });
    }
    Ok(out)
}

/// Moves every ministry's backup server and/or interconnection points to the `[table7]` site
/// of the given location.
pub fn apply_force(
    src: &SourceMap,
    m: &mut Merged,
    force_backup: Option<Location>,
    force_interconnection: Option<Location>,
) -> Result<()> {
    if force_backup.is_none() && force_interconnection.is_none() {
        return Ok(());
    }
    let Some(t7) = m.table7.clone() else {
        let span = m
            .meta
            .as_ref()
            .map(|x| x.span(&x.item.id))
            .unwrap_or_default();
        return Err(src.error(
            span,
            "this scenario has no [table7] table, so Table 7 cannot place servers and interconnection points",
            Some("add [table7] with backup_capital_site, backup_outside_site, interconnection_capital_site, interconnection_outside_site and capital_region".into()),
        ));
    };
    let t = &t7.item;
    for site in [
        &t.backup_capital_site,
        &t.backup_outside_site,
        &t.interconnection_capital_site,
        &t.interconnection_outside_site,
    ] {
        check_site_exists(src, m, t7.span(site), site.get_ref())?;
    }
    for min in &mut m.ministries {
        let at = |s: &SString| Spanned::new(s.span(), PlacementDef::Site(s.get_ref().clone()));
        if let Some(loc) = force_backup {
            min.item.backup_server = Some(match loc {
                Location::Capital => at(&t.backup_capital_site),
                Location::Outside => at(&t.backup_outside_site),
            });
        }
        if let Some(loc) = force_interconnection {
            let s = match loc {
                Location::Capital => at(&t.interconnection_capital_site),
                Location::Outside => at(&t.interconnection_outside_site),
            };
            min.item.interconnection = Spanned::new(min.item.interconnection.span(), vec![s]);
            min.item.interconnection_at_backup_p = None;
        }
    }
    Ok(())
}

/// Checks a site name where it is written, before it is moved into another file's item.
fn check_site_exists(src: &SourceMap, m: &Merged, span: Span, name: &str) -> Result<()> {
    if m.sites.iter().any(|s| s.item.id.get_ref() == name) {
        return Ok(());
    }
    Err(src.error(
        span,
        format!("undefined site `{name}`"),
        did_you_mean(name, m.sites.iter().map(|s| s.item.id.get_ref().as_str())),
    ))
}

/// Checks every site a placement names (see [`check_site_exists`]).
fn check_placement_sites(src: &SourceMap, m: &Merged, span: Span, p: &PlacementDef) -> Result<()> {
    match p {
        PlacementDef::Site(s) => check_site_exists(src, m, span, s),
        PlacementDef::ByUnknown { sites, .. } => sites
            .values()
            .try_for_each(|s| check_site_exists(src, m, span, s)),
        PlacementDef::Alternatives { alternatives } => alternatives
            .iter()
            .try_for_each(|a| check_site_exists(src, m, span, &a.site)),
    }
}

/// Applies the option `id` (given with `--option`) to the scenario.
pub fn apply_option(src: &SourceMap, m: &mut Merged, id: &str) -> Result<()> {
    let opt = find_option(m, id)?;
    check_option_names(src, m, id, &opt)?;
    patch_ministries(src, m, id, &opt)?;
    patch_nodes(src, m, id, &opt)?;
    patch_unknowns(src, m, id, &opt)?;
    let file = opt.file;
    m.nodes.extend(
        opt.item
            .add_nodes
            .iter()
            .cloned()
            .map(|item| Located { file, item }),
    );
    m.links.extend(
        opt.item
            .add_links
            .iter()
            .cloned()
            .map(|item| Located { file, item }),
    );
    crate::scenario::lgwan_expand::apply_option_def(src, m, &opt)?;
    Ok(())
}

/// The declared option `id`, or an error at the command line listing the declared ones.
fn find_option(m: &Merged, id: &str) -> Result<Located<OptionDef>> {
    if let Some(opt) = m.options.iter().find(|o| o.item.id.get_ref() == id) {
        return Ok(opt.clone());
    }
    let known: Vec<&str> = m
        .options
        .iter()
        .map(|o| o.item.id.get_ref().as_str())
        .collect();
    let hint = did_you_mean(id, known.iter().copied()).or_else(|| {
        Some(if known.is_empty() {
            "this scenario declares no options".into()
        } else {
            format!("the scenario's options are: {}", known.join(", "))
        })
    });
    Err(Error::Input(Box::new(InputError {
        file: "<command line>".into(),
        line: 0,
        column: 0,
        message: format!("unknown option `{id}` in --option"),
        hint,
    })))
}

/// The sites and classes the option's patches name exist.
fn check_option_names(
    src: &SourceMap,
    m: &Merged,
    id: &str,
    opt: &Located<OptionDef>,
) -> Result<()> {
    for patch in &opt.item.ministries {
        for p in patch.backup_server.iter().chain(&patch.add_interconnection) {
            check_placement_sites(src, m, opt.span(p), p.get_ref())?;
        }
    }
    for patch in &opt.item.nodes {
        if let Some(p) = &patch.site {
            check_placement_sites(src, m, opt.span(p), p.get_ref())?;
        }
        if let Some(c) = &patch.class {
            if !m.classes.iter().any(|x| x.item.id.get_ref() == c.get_ref()) {
                return Err(src.error(
                    opt.span(c),
                    format!("option `{id}` sets undefined class `{}`", c.get_ref()),
                    did_you_mean(
                        c.get_ref(),
                        m.classes.iter().map(|x| x.item.id.get_ref().as_str()),
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn patch_ministries(
    src: &SourceMap,
    m: &mut Merged,
    id: &str,
    opt: &Located<OptionDef>,
) -> Result<()> {
    for patch in &opt.item.ministries {
        let all = patch.ids.iter().any(|s| s.get_ref() == "*");
        if !all {
            for want in &patch.ids {
                if !m
                    .ministries
                    .iter()
                    .any(|x| x.item.id.get_ref() == want.get_ref())
                {
                    let known = m.ministries.iter().map(|x| x.item.id.get_ref().as_str());
                    return Err(src.error(
                        opt.span(want),
                        format!(
                            "option `{id}` patches unknown ministry `{}`",
                            want.get_ref()
                        ),
                        did_you_mean(want.get_ref(), known),
                    ));
                }
            }
        }
        for min in &mut m.ministries {
            if !all
                && !patch
                    .ids
                    .iter()
                    .any(|s| s.get_ref() == min.item.id.get_ref())
            {
                continue;
            }
            if let Some(b) = &patch.backup_server {
                min.item.backup_server = Some(b.clone());
            }
            let mut ic = min.item.interconnection.get_ref().clone();
            ic.extend(patch.add_interconnection.iter().cloned());
            min.item.interconnection = Spanned::new(min.item.interconnection.span(), ic);
            if let Some(r) = patch.remote_access {
                min.item.remote_access = r;
            }
            if let Some(p) = &patch.remote_access_p {
                min.item.remote_access_p = Some(p.clone());
            }
        }
    }
    Ok(())
}

fn patch_nodes(src: &SourceMap, m: &mut Merged, id: &str, opt: &Located<OptionDef>) -> Result<()> {
    for patch in &opt.item.nodes {
        let Some(n) = m
            .nodes
            .iter_mut()
            .find(|n| n.item.id.get_ref() == patch.id.get_ref())
        else {
            return Err(src.error(
                opt.span(&patch.id),
                format!(
                    "option `{id}` patches unknown node `{}`",
                    patch.id.get_ref()
                ),
                did_you_mean(
                    patch.id.get_ref(),
                    m.nodes.iter().map(|n| n.item.id.get_ref().as_str()),
                ),
            ));
        };
        if let Some(s) = &patch.site {
            n.item.site = Some(s.clone());
        }
        if let Some(c) = &patch.class {
            n.item.class = Some(c.clone());
        }
    }
    Ok(())
}

fn patch_unknowns(
    src: &SourceMap,
    m: &mut Merged,
    id: &str,
    opt: &Located<OptionDef>,
) -> Result<()> {
    for patch in &opt.item.unknowns {
        let Some(u) = m
            .unknowns
            .iter_mut()
            .find(|u| u.item.id.get_ref() == patch.id.get_ref())
        else {
            return Err(src.error(
                opt.span(&patch.id),
                format!(
                    "option `{id}` patches unknown `{}`, which is not declared",
                    patch.id.get_ref()
                ),
                did_you_mean(
                    patch.id.get_ref(),
                    m.unknowns.iter().map(|u| u.item.id.get_ref().as_str()),
                ),
            ));
        };
        u.item.alternatives = patch.alternatives.clone();
        u.file = opt.file;
    }
    Ok(())
}
