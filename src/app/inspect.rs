//! `bcpsim inspect`: the expanded model as JSON.

use std::io::Write;

use clap::Args;
use serde::Serialize;

use super::args::ModelArgs;
use super::common::load;
use crate::diag::{Error, Result};
use crate::model::Placement;

#[derive(Debug, Args)]
pub(super) struct InspectArgs {
    #[command(flatten)]
    model: ModelArgs,
    /// Print JSON (the only format for now).
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct InspectNode<'a> {
    id: &'a str,
    kind: crate::scenario::NodeKind,
    class: Option<&'a str>,
    name_en: &'a str,
    name_ja: &'a str,
    exists_p: f64,
    /// The site when it is fixed (null when it has none or an unknown decides it).
    site: Option<&'a str>,
    /// Latitude of the fixed site.
    lat: Option<f64>,
    /// Longitude of the fixed site.
    lon: Option<f64>,
    /// Region of the fixed site.
    region: Option<&'a str>,
    /// One entry per possible site (one when fixed; one per alternative of an unknown).
    sites: Vec<InspectSite<'a>>,
    unknown: Option<&'a str>,
}

#[derive(Serialize)]
struct InspectSite<'a> {
    alternative: Option<&'a str>,
    probability: f64,
    site: &'a str,
    lat: f64,
    lon: f64,
    region: &'a str,
}

#[derive(Serialize)]
struct InspectLink<'a> {
    a: &'a str,
    b: &'a str,
    oneway: bool,
}

#[derive(Serialize)]
struct InspectService<'a> {
    id: &'a str,
    name_en: &'a str,
    name_ja: &'a str,
    expr: &'a str,
    nodes_used: Vec<&'a str>,
}

#[derive(Serialize)]
struct InspectModel<'a> {
    scenario: &'a str,
    options_applied: &'a [String],
    regions: &'a [crate::model::Region],
    unknowns: &'a [crate::model::Unknown],
    nodes: Vec<InspectNode<'a>>,
    links: Vec<InspectLink<'a>>,
    groups: Vec<(&'a str, Vec<&'a str>)>,
    services: Vec<InspectService<'a>>,
    ministries: &'a [crate::model::Ministry],
    events: &'a [crate::model::Event],
    options: &'a [crate::model::OptionInfo],
}

pub(super) fn execute(a: InspectArgs) -> Result<()> {
    let (_, model) = load(&a.model)?;
    let _ = a.json;
    let name = |i: usize| model.nodes[i].id.as_str();
    let site = |s: usize, alternative: Option<&'static str>, p: f64| InspectSite {
        alternative,
        probability: p,
        site: &model.sites[s].id,
        lat: model.sites[s].pos.lat,
        lon: model.sites[s].pos.lon,
        region: &model.regions[model.sites[s].region].id,
    };
    let nodes = model
        .nodes
        .iter()
        .map(|n| {
            let (sites, unknown) = match &n.placement {
                Placement::Nowhere => (Vec::new(), None),
                Placement::Fixed(s) => (vec![site(*s, None, 1.0)], None),
                Placement::ByUnknown { unknown, sites } => {
                    let u = &model.unknowns[*unknown];
                    (
                        sites
                            .iter()
                            .zip(&u.alternatives)
                            .map(|(&s, (alt, p))| InspectSite {
                                alternative: Some(alt.as_str()),
                                ..site(s, None, *p)
                            })
                            .collect(),
                        Some(u.id.as_str()),
                    )
                }
            };
            let fixed = match &n.placement {
                Placement::Fixed(s) => Some(&model.sites[*s]),
                _ => None,
            };
            InspectNode {
                site: fixed.map(|s| s.id.as_str()),
                lat: fixed.map(|s| s.pos.lat),
                lon: fixed.map(|s| s.pos.lon),
                region: fixed.map(|s| model.regions[s.region].id.as_str()),
                id: &n.id,
                kind: n.kind,
                class: n.class.map(|c| model.classes[c].as_str()),
                name_en: &n.name_en,
                name_ja: &n.name_ja,
                exists_p: n.exists_p,
                sites,
                unknown,
            }
        })
        .collect();
    let view = InspectModel {
        scenario: &model.id,
        options_applied: &model.applied,
        regions: &model.regions,
        unknowns: &model.unknowns,
        nodes,
        links: model
            .links
            .iter()
            .map(|l| InspectLink {
                a: name(l.a),
                b: name(l.b),
                oneway: l.oneway,
            })
            .collect(),
        groups: model
            .groups
            .iter()
            .map(|(g, m)| (g.as_str(), m.iter().map(|&i| name(i)).collect()))
            .collect(),
        services: model
            .services
            .iter()
            .map(|s| InspectService {
                id: &s.id,
                name_en: &s.name_en,
                name_ja: &s.name_ja,
                expr: &s.expr,
                nodes_used: s.nodes_used.iter().map(|&i| name(i)).collect(),
            })
            .collect(),
        ministries: &model.ministries,
        events: &model.events,
        options: &model.options,
    };
    let s = serde_json::to_string_pretty(&view).map_err(|e| Error::Run(e.to_string()))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{s}").map_err(|e| Error::io("writing to stdout", e))?;
    Ok(())
}
