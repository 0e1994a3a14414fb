//! Builds the [`Model`] from a scenario: checks, option overlays, expansion, compilation.

pub mod lgwan;

use std::collections::{BTreeMap, HashMap};

use crate::base::rng::stable_key;
use crate::diag::{did_you_mean, Error, Result, SourceMap, Span};
use crate::expr::{self, Expr};
use crate::geo::{LatLon, Ring};
use crate::groundmotion as gm;
use crate::model::*;
use crate::scenario::{
    AlternativeDef, Located, Merged, MinistryDef, NodeDef, NodeKind, PlacementDef, RemoteAccess,
    Scenario, SiteChoiceDef, Spanned,
};

struct NodeSpec {
    id: String,
    /// The ministry or node a generated node belongs to: nodes of one owner written with
    /// the same placement share its unknown (a backup server and the interconnection point
    /// beside it are in the same place in every trial).
    owner: String,
    /// A node whose existence this one shares (A/B lines of an interconnection point that
    /// may not exist).
    exists_as: Option<String>,
    span: Span,
    kind: NodeKind,
    class: Option<(String, Span)>,
    placement: Option<(PlacementDef, Span)>,
    exists_p: f64,
    gnet_access: bool,
    name_en: String,
    name_ja: String,
}

struct LinkSpec {
    a: (String, Span),
    b: (String, Span),
    oneway: bool,
}

struct ServiceSpec {
    id: String,
    span: Span,
    name_en: String,
    name_ja: String,
    expr: String,
    /// Where the expression text starts in the file (after the quote), when offsets in the
    /// expression map to file offsets.
    expr_span: Option<Span>,
    /// Where the value starts (the opening quote), or the owner's position if generated.
    value_span: Span,
}

fn sp<T>(file: usize, s: &Spanned<T>) -> Span {
    Span {
        file,
        start: s.span().start,
    }
}

/// An optional number of file `file`: `default` when absent, else checked to be finite and
/// in [`lo`, `hi`], with an error at the value naming `what`.
pub(crate) fn number_in_range(
    src: &SourceMap,
    file: usize,
    v: &Option<crate::scenario::SF64>,
    what: &str,
    (default, lo, hi): (f64, f64, f64),
) -> Result<f64> {
    let Some(x) = v else {
        return Ok(default);
    };
    let val = *x.get_ref();
    if !val.is_finite() || val < lo || val > hi {
        return Err(src.error(
            sp(file, x),
            format!("{what} must be in [{lo}, {hi}], found {val}"),
            None,
        ));
    }
    Ok(val)
}

/// Checks a probability.
fn prob(src: &SourceMap, span: Span, what: &str, p: f64) -> Result<f64> {
    if !p.is_finite() || !(0.0..=1.0).contains(&p) {
        return Err(src.error(
            span,
            format!("{what} must be a probability in [0, 1], found {p}"),
            Some("write probabilities as decimals, e.g. 0.25 for 25 %".into()),
        ));
    }
    Ok(p)
}

fn check_sum(src: &SourceMap, span: Span, what: &str, ps: &[f64]) -> Result<()> {
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

impl Model {
    /// Validates, expands and compiles a scenario.
    pub fn build(scenario: &Scenario, spec: &BuildSpec) -> Result<Model> {
        let src = &scenario.sources;
        let mut m = scenario.content.clone();
        let options = collect_options(src, &m)?;
        for (k, id) in spec.options.iter().enumerate() {
            if spec.options[..k].contains(id) {
                return Err(Error::Usage(format!(
                    "option `{id}` is given twice; each option is applied once"
                )));
            }
        }
        apply_force(src, &mut m, spec)?;
        for id in &spec.options {
            apply_option(src, &mut m, id)?;
        }
        crate::scenario::lgwan_expand::expand(src, &mut m)?;
        Builder { src, m: &m }.build(options, spec)
    }
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

fn apply_force(src: &SourceMap, m: &mut Merged, spec: &BuildSpec) -> Result<()> {
    if spec.force_backup.is_none() && spec.force_interconnection.is_none() {
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
        let at = |s: &crate::scenario::SString| {
            Spanned::new(s.span(), PlacementDef::Site(s.get_ref().clone()))
        };
        if let Some(loc) = spec.force_backup {
            min.item.backup_server = Some(match loc {
                Location::Capital => at(&t.backup_capital_site),
                Location::Outside => at(&t.backup_outside_site),
            });
        }
        if let Some(loc) = spec.force_interconnection {
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
fn check_placement_sites(
    src: &SourceMap,
    m: &Merged,
    file: usize,
    p: &Spanned<PlacementDef>,
) -> Result<()> {
    let span = sp(file, p);
    match p.get_ref() {
        PlacementDef::Site(s) => check_site_exists(src, m, span, s),
        PlacementDef::ByUnknown { sites, .. } => sites
            .values()
            .try_for_each(|s| check_site_exists(src, m, span, s)),
        PlacementDef::Alternatives { alternatives } => alternatives
            .iter()
            .try_for_each(|a| check_site_exists(src, m, span, &a.site)),
    }
}

fn apply_option(src: &SourceMap, m: &mut Merged, id: &str) -> Result<()> {
    let Some(opt) = m
        .options
        .iter()
        .find(|o| o.item.id.get_ref() == id)
        .cloned()
    else {
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
        return Err(Error::Input(Box::new(crate::diag::InputError {
            file: "<command line>".into(),
            line: 0,
            column: 0,
            message: format!("unknown option `{id}` in --option"),
            hint,
        })));
    };
    let file = opt.file;
    // Names an option writes are checked here, where their positions are known; once moved
    // into a ministry or node they would be reported against the wrong file.
    for patch in &opt.item.ministries {
        for p in patch.backup_server.iter().chain(&patch.add_interconnection) {
            check_placement_sites(src, m, file, p)?;
        }
    }
    for patch in &opt.item.nodes {
        if let Some(p) = &patch.site {
            check_placement_sites(src, m, file, p)?;
        }
        if let Some(c) = &patch.class {
            if !m.classes.iter().any(|x| x.item.id.get_ref() == c.get_ref()) {
                return Err(src.error(
                    sp(file, c),
                    format!("option `{id}` sets undefined class `{}`", c.get_ref()),
                    did_you_mean(
                        c.get_ref(),
                        m.classes.iter().map(|x| x.item.id.get_ref().as_str()),
                    ),
                ));
            }
        }
    }
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
                        sp(file, want),
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
    for patch in &opt.item.nodes {
        let Some(n) = m
            .nodes
            .iter_mut()
            .find(|n| n.item.id.get_ref() == patch.id.get_ref())
        else {
            return Err(src.error(
                sp(file, &patch.id),
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
    for patch in &opt.item.unknowns {
        let Some(u) = m
            .unknowns
            .iter_mut()
            .find(|u| u.item.id.get_ref() == patch.id.get_ref())
        else {
            return Err(src.error(
                sp(file, &patch.id),
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
        u.file = file;
    }
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

struct Builder<'a> {
    src: &'a SourceMap,
    m: &'a Merged,
}

impl Builder<'_> {
    fn err(&self, span: Span, msg: impl Into<String>, hint: Option<String>) -> Error {
        self.src.error(span, msg, hint)
    }

    fn build(&self, options: Vec<OptionInfo>, spec: &BuildSpec) -> Result<Model> {
        let meta = self.m.meta.as_ref().expect("checked at load");
        let regions = self.regions()?;
        let classes = self.classes()?;
        let sites = self.sites(&regions)?;
        let mut unknowns = self.unknowns()?;
        let node_specs = self.node_specs()?;
        let site_index: HashMap<&str, usize> = sites
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i))
            .collect();
        let class_index: HashMap<&str, usize> = classes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.as_str(), i))
            .collect();

        let mut nodes: Vec<Node> = Vec::with_capacity(node_specs.len());
        // Anonymous placement unknowns by (owner, placement position): see NodeSpec::owner.
        let mut shared: HashMap<(String, Span), usize> = HashMap::new();
        let mut node_index: HashMap<String, usize> = HashMap::new();
        for ns in &node_specs {
            if node_index.contains_key(&ns.id) {
                return Err(self.err(
                    ns.span,
                    format!("node `{}` is defined twice", ns.id),
                    Some(
                        "node ids must be unique; generated nodes are named `<owner>.<part>`"
                            .into(),
                    ),
                ));
            }
            let class = match &ns.class {
                None => None,
                Some((c, span)) => Some(*class_index.get(c.as_str()).ok_or_else(|| {
                    self.err(
                        *span,
                        format!("node `{}` uses undefined class `{c}`", ns.id),
                        did_you_mean(c, classes.iter().map(String::as_str)),
                    )
                })?),
            };
            let placement = match &ns.placement {
                None => Placement::Nowhere,
                Some((p, span)) => self.placement(
                    ns,
                    p,
                    *span,
                    &site_index,
                    &sites,
                    &mut unknowns,
                    &mut shared,
                )?,
            };
            node_index.insert(ns.id.clone(), nodes.len());
            nodes.push(Node {
                id: ns.id.clone(),
                kind: ns.kind,
                class,
                placement,
                exists_p: ns.exists_p,
                name_en: ns.name_en.clone(),
                name_ja: ns.name_ja.clone(),
                owner: ns.owner.clone(),
                exists_as: ns
                    .exists_as
                    .as_ref()
                    .and_then(|p| node_index.get(p).copied()),
                key: stable_key("node", &ns.id),
            });
        }

        let link_specs = self.link_specs(&node_specs)?;
        let mut links = Vec::with_capacity(link_specs.len());
        let lookup = |(name, span): &(String, Span)| -> Result<usize> {
            node_index.get(name).copied().ok_or_else(|| {
                self.err(
                    *span,
                    format!("link names undefined node `{name}`"),
                    did_you_mean(name, node_index.keys().map(String::as_str)),
                )
            })
        };
        for l in &link_specs {
            let (a, b) = (lookup(&l.a)?, lookup(&l.b)?);
            if a == b {
                return Err(self.err(l.a.1, format!("link from `{}` to itself", l.a.0), None));
            }
            links.push(Link {
                a,
                b,
                oneway: l.oneway,
            });
        }

        let groups = self.groups(&node_index)?;
        let zones = self.zones(&regions, &class_index, &classes)?;
        let (services, ministries, events) = self.services(&node_index, &groups, &nodes)?;
        let capital_region = match &self.m.table7 {
            Some(t) => {
                let id = t.item.capital_region.get_ref();
                Some(regions.iter().position(|r| &r.id == id).ok_or_else(|| {
                    self.err(
                        t.span(&t.item.capital_region),
                        format!("[table7] capital_region names undefined region `{id}`"),
                        did_you_mean(id, regions.iter().map(|r| r.id.as_str())),
                    )
                })?)
            }
            None => None,
        };
        if let Some(t) = &self.m.table7 {
            for s in [
                &t.item.backup_capital_site,
                &t.item.backup_outside_site,
                &t.item.interconnection_capital_site,
                &t.item.interconnection_outside_site,
            ] {
                if !site_index.contains_key(s.get_ref().as_str()) {
                    return Err(self.err(
                        t.span(s),
                        format!("[table7] names undefined site `{}`", s.get_ref()),
                        did_you_mean(s.get_ref(), site_index.keys().copied()),
                    ));
                }
            }
        }

        let mut zone_of_region = vec![None; regions.len()];
        for (zi, z) in zones.iter().enumerate() {
            zone_of_region[z.region] = Some(zi);
        }
        let ground_motion = self.ground_motion(&sites)?;
        let fragility = self.fragility(&class_index, &classes, ground_motion.as_ref())?;
        let mut alt_hazard = Vec::new();
        let mut gm_pairs: Vec<(u32, u32)> = Vec::new();
        let mut hazard_at = |site: usize, class: usize| -> SiteHazard {
            let (zone, p) = match zone_of_region[sites[site].region] {
                Some(z) if zones[z].p_fail[class] > 0.0 => (z as u32, zones[z].p_fail[class]),
                _ => (u32::MAX, 0.0),
            };
            let gm_pair = if ground_motion.is_some() && fragility[class].is_some() {
                let pair = (site as u32, class as u32);
                match gm_pairs.iter().position(|&x| x == pair) {
                    Some(i) => i as u32,
                    None => {
                        gm_pairs.push(pair);
                        (gm_pairs.len() - 1) as u32
                    }
                }
            } else {
                u32::MAX
            };
            SiteHazard {
                site: site as u32,
                zone,
                p,
                gm_pair,
            }
        };
        let hot = nodes
            .iter()
            .map(|n| {
                let hazard = match (&n.placement, n.class) {
                    (Placement::Fixed(s), Some(c)) => match hazard_at(*s, c) {
                        h if h.zone == u32::MAX && h.gm_pair == u32::MAX => Hazard::Never,
                        h => Hazard::Fixed(h),
                    },
                    (
                        Placement::ByUnknown {
                            unknown,
                            sites: alts,
                        },
                        Some(c),
                    ) => {
                        let start = alt_hazard.len() as u32;
                        for &s in alts {
                            alt_hazard.push(hazard_at(s, c));
                        }
                        Hazard::ByUnknown {
                            unknown: *unknown as u32,
                            start,
                        }
                    }
                    _ => Hazard::Never,
                };
                HotNode {
                    key: n.key,
                    exists_p: n.exists_p,
                    exists_as: n.exists_as.map(|p| p as u32).unwrap_or(u32::MAX),
                    hazard,
                }
            })
            .collect();

        let mut model = Model {
            id: meta.item.id.get_ref().clone(),
            name_en: meta.item.name_en.clone(),
            name_ja: meta.item.name_ja.clone(),
            default_seed: self
                .m
                .simulation
                .as_ref()
                .and_then(|s| s.item.seed)
                .unwrap_or(20_130_000),
            default_trials: self.default_trials()?,
            regions,
            sites,
            classes,
            unknowns,
            nodes,
            links,
            groups,
            services: Vec::new(),
            ministries,
            events,
            zones,
            options,
            applied: spec.options.clone(),
            paths: Vec::new(),
            capital_region,
            hot,
            alt_hazard,
            gm_pairs,
            ground_motion,
            fragility,
            recovery: None,
            lgwan: None,
        };
        self.compile(&mut model, services)?;
        model.recovery = self.recovery(&model)?;
        model.lgwan = crate::model::build::lgwan::compile(self.src, self.m, &mut model)?;
        Ok(model)
    }

    fn ground_motion(&self, sites: &[Site]) -> Result<Option<GroundMotionModel>> {
        let Some(g) = &self.m.ground_motion else {
            return Ok(None);
        };
        let f = g.file;
        let d = &g.item;
        if d.source.get_ref().trim().is_empty() {
            return Err(self.err(
                sp(f, &d.source),
                "the earthquake does not say where its parameters come from",
                Some("cite the damage estimate or mark \"assumption: <why>\"".into()),
            ));
        }
        let num =
            |v: &Option<crate::scenario::SF64>, what: &str, default: f64, lo: f64, hi: f64| {
                number_in_range(self.src, f, v, what, (default, lo, hi))
            };
        let p_event = num(&d.p_event, "p_event", 1.0, 0.0, 1.0)?;
        let vs30_default = num(
            &d.vs30_default_mps,
            "vs30_default_mps (m/s)",
            400.0,
            100.0,
            1500.0,
        )?;
        let share = num(
            &d.between_event_share,
            "between_event_share",
            0.25,
            0.0,
            1.0,
        )?;
        let truncation = num(
            &d.truncation,
            "truncation (standard deviations)",
            3.0,
            0.0,
            10.0,
        )?;
        let h = d.hypocentre.get_ref();
        let hypocentre = gm::Hypocentre {
            lat: h.lat,
            lon: h.lon,
            depth_km: h.depth_km,
        };
        let event_type = match d.event_type {
            crate::scenario::EventTypeDef::Crustal => gm::EventType::Crustal,
            crate::scenario::EventTypeDef::Interface => gm::EventType::Interface,
            crate::scenario::EventTypeDef::Intraslab => gm::EventType::Intraslab,
        };
        let mw = *d.mw.get_ref();
        let rupture = match &d.plane {
            None => gm::Rupture::point(mw, hypocentre, event_type),
            Some(pl) => {
                let q = pl.get_ref();
                gm::Rupture::plane(mw, hypocentre, event_type, gm::FaultPlane {
                    strike_deg: q.strike_deg,
                    dip_deg: q.dip_deg,
                    length_km: q.length_km,
                    width_km: q.width_km,
                    top_depth_km: q.top_depth_km,
                    ref_lat: q.ref_lat,
                    ref_lon: q.ref_lon,
                })
            }
        }
        .map_err(|e| self.err(sp(f, &d.mw), format!("the earthquake is out of the model's range: {e}"), Some("Si & Midorikawa (1999) takes Mw 5.0-9.5 (capped at 8.3), depths 0-200 km; dips in (0, 90]".into())))?;
        let imt = match d.imt.unwrap_or(crate::scenario::ImtDef::Pgv) {
            crate::scenario::ImtDef::Pgv => gm::Imt::Pgv,
            crate::scenario::ImtDef::Pga => gm::Imt::Pga,
        };
        let mut vs30 = Vec::with_capacity(sites.len());
        for (i, s) in sites.iter().enumerate() {
            let def = self
                .m
                .sites
                .iter()
                .find(|x| x.item.id.get_ref() == &s.id)
                .expect("site");
            vs30.push(match &def.item.vs30_mps {
                None => vs30_default,
                Some(v) => {
                    let x = *v.get_ref();
                    if !x.is_finite() || !(100.0..=1500.0).contains(&x) {
                        return Err(self.err(def.span(v), format!("vs30_mps must be in [100, 1500] m/s (the site term's range), found {x}"), None));
                    }
                    x
                }
            });
            let _ = i;
        }
        let coords: Vec<(f64, f64)> = sites.iter().map(|s| (s.pos.lat, s.pos.lon)).collect();
        let rrup = rupture.rrup_km_many(&coords);
        let mut ln_median = vec![0.0; sites.len()];
        let mut sigma_ln = vec![0.0; sites.len()];
        gm::ln_median_and_sigma_many(
            &rupture.event_params(),
            imt,
            &rrup,
            &vs30,
            gm::SiteAmplification::default(),
            &mut ln_median,
            &mut sigma_ln,
        )
        .map_err(|e| {
            self.err(
                sp(f, &d.mw),
                format!("ground motion cannot be computed for every site: {e}"),
                Some("sites must lie within 1000 km of the rupture".into()),
            )
        })?;
        let mut ln_median_pga = vec![0.0; sites.len()];
        let mut sigma_ln_pga = vec![0.0; sites.len()];
        gm::ln_median_and_sigma_many(
            &rupture.event_params(),
            gm::Imt::Pga,
            &rrup,
            &vs30,
            gm::SiteAmplification::default(),
            &mut ln_median_pga,
            &mut sigma_ln_pga,
        )
        .map_err(|e| {
            self.err(
                sp(f, &d.mw),
                format!("ground motion cannot be computed for every site: {e}"),
                None,
            )
        })?;
        let power = match &self.m.power {
            None => None,
            Some(pw) => Some(self.curves(
                pw.file,
                "the grid supply ([hazard.power])",
                pw.item.measure,
                &pw.item.medians,
                &pw.item.dispersions,
                pw.item.fails_from,
                &pw.item.source,
            )?),
        };
        if let Some(p) = &power {
            if p.measure != gm::FragilityMeasure::PgaG && imt == gm::Imt::Pga {
                return Err(self.err(
                    sp(f, &d.mw),
                    "[hazard.power] curves in JMA intensity or PGV need a PGV field",
                    Some("set imt = \"pgv\" or give the curves in pga_g".into()),
                ));
            }
        }
        // Sites at the same place share one value of the field.
        let mut points: Vec<(f64, f64)> = Vec::new();
        let mut point_keys = Vec::new();
        let mut site_point = Vec::with_capacity(sites.len());
        for s in sites {
            let c = (s.pos.lat, s.pos.lon);
            match points.iter().position(|&p| p == c) {
                Some(i) => site_point.push(i as u32),
                None => {
                    points.push(c);
                    point_keys.push(stable_key("gm-point", &s.id));
                    site_point.push((points.len() - 1) as u32);
                }
            }
        }
        let jb = gm::Jb2009 {
            clustering: gm::Vs30Clustering::NotClustered,
        };
        let field = if points.len() <= EXACT_FIELD_MAX_POINTS {
            gm::SpatialCorrelation::jb2009(&points, jb, imt).map(Field::Exact)
        } else {
            gm::Vecchia::new(&points, jb.range_km(imt), VECCHIA_NEIGHBOURS).map(Field::Vecchia)
        }
        .map_err(|e| {
            self.err(
                sp(f, &d.mw),
                format!("cannot factor the correlation of the sites: {e}"),
                None,
            )
        })?;
        Ok(Some(GroundMotionModel {
            rupture,
            imt,
            p_event,
            between_event_share: share,
            truncation,
            vs30_mps: vs30,
            rrup_km: rrup,
            ln_median,
            sigma_ln,
            ln_median_pga,
            sigma_ln_pga,
            power,
            power_keys: sites.iter().map(|s| stable_key("power", &s.id)).collect(),
            site_point,
            point_keys,
            field,
            key: stable_key("ground-motion", "event"),
        }))
    }

    #[allow(clippy::too_many_arguments)]
    fn curves(
        &self,
        f: usize,
        what: &str,
        measure: crate::scenario::MeasureDef,
        medians: &Spanned<[f64; 4]>,
        dispersions: &Spanned<[f64; 4]>,
        fails_from: crate::scenario::DamageDef,
        source: &crate::scenario::SString,
    ) -> Result<Fragility> {
        if source.get_ref().trim().is_empty() {
            return Err(self.err(
                sp(f, source),
                format!("{what} does not say where its numbers come from"),
                Some("cite a source or mark \"assumption: <why>\"".into()),
            ));
        }
        let measure = match measure {
            crate::scenario::MeasureDef::Jma => gm::FragilityMeasure::JmaIntensity,
            crate::scenario::MeasureDef::PgvCms => gm::FragilityMeasure::PgvCmS,
            crate::scenario::MeasureDef::PgaG => gm::FragilityMeasure::PgaG,
        };
        let (m4, d4) = (*medians.get_ref(), *dispersions.get_ref());
        for k in 0..4 {
            let bad_m = !m4[k].is_finite()
                || (measure != gm::FragilityMeasure::JmaIntensity && m4[k] <= 0.0)
                || (k > 0 && m4[k] < m4[k - 1]);
            if bad_m {
                return Err(self.err(sp(f, medians), format!("{what}: medians must be finite, positive for PGA/PGV, and non-decreasing from slight to complete; found {m4:?}"), None));
            }
            if !d4[k].is_finite() || d4[k] <= 0.0 {
                return Err(self.err(
                    sp(f, dispersions),
                    format!("{what}: dispersions must be finite and > 0, found {d4:?}"),
                    None,
                ));
            }
        }
        let fails_from = match fails_from {
            crate::scenario::DamageDef::Slight => 0,
            crate::scenario::DamageDef::Moderate => 1,
            crate::scenario::DamageDef::Extensive => 2,
            crate::scenario::DamageDef::Complete => 3,
        };
        Ok(Fragility {
            measure,
            medians: m4,
            dispersions: d4,
            fails_from,
        })
    }

    fn fragility(
        &self,
        class_index: &HashMap<&str, usize>,
        classes: &[String],
        ground_motion: Option<&GroundMotionModel>,
    ) -> Result<Vec<Option<Fragility>>> {
        let mut out: Vec<Option<Fragility>> = vec![None; classes.len()];
        for fr in &self.m.fragility {
            let f = fr.file;
            let d = &fr.item;
            let cname = d.class.get_ref();
            let Some(&ci) = class_index.get(cname.as_str()) else {
                return Err(self.err(
                    sp(f, &d.class),
                    format!("fragility for undefined class `{cname}`"),
                    did_you_mean(cname, classes.iter().map(String::as_str)),
                ));
            };
            if out[ci].is_some() {
                return Err(self.err(
                    sp(f, &d.class),
                    format!("class `{cname}` has two fragility entries"),
                    None,
                ));
            }
            let fr_curves = self.curves(
                f,
                &format!("fragility of `{cname}`"),
                d.measure,
                &d.medians,
                &d.dispersions,
                d.fails_from,
                &d.source,
            )?;
            if let Some(g) = ground_motion {
                let ok = match g.imt {
                    gm::Imt::Pgv => fr_curves.measure != gm::FragilityMeasure::PgaG,
                    gm::Imt::Pga => fr_curves.measure == gm::FragilityMeasure::PgaG,
                };
                if !ok {
                    return Err(self.err(sp(f, &d.class), format!("fragility of `{cname}` is in a measure the ground-motion field does not sample"), Some("a PGV field serves `jma` and `pgv_cms` curves; set `imt = \"pga\"` for `pga_g` curves".into())));
                }
            }
            out[ci] = Some(fr_curves);
        }
        if let (Some(pw), None) = (&self.m.power, ground_motion) {
            return Err(self.err(
                sp(pw.file, &pw.item.source),
                "[hazard.power] needs a [hazard.ground_motion] earthquake",
                None,
            ));
        }
        if !self.m.fragility.is_empty() && ground_motion.is_none() {
            let fr = &self.m.fragility[0];
            return Err(self.err(sp(fr.file, &fr.item.class), "fragility curves are given but there is no [hazard.ground_motion] earthquake to use them", Some("add [hazard.ground_motion] or remove [[hazard.fragility]]".into())));
        }
        Ok(out)
    }

    fn recovery(&self, model: &Model) -> Result<Option<crate::model::recovery::Recovery>> {
        use crate::model::calendar::{self, Calendar};
        use crate::model::recovery as rc;
        let Some(rl) = &self.m.recovery else {
            if let Some(c) = &self.m.calendar {
                return Err(self.err(
                    sp(c.file, &c.item.start),
                    "[calendar] sets the start of the recovery, but the scenario has no [recovery]",
                    Some("include a [recovery] model (e.g. common/recovery.toml) or remove [calendar]".into()),
                ));
            }
            return Ok(None);
        };
        let f = rl.file;
        let d = &rl.item;
        let src_ok = |s: &crate::scenario::SString, what: &str| -> Result<()> {
            if s.get_ref().trim().is_empty() {
                Err(self.err(
                    sp(f, s),
                    format!("{what} does not say where its numbers come from"),
                    Some("cite a source or mark \"assumption: <why>\"".into()),
                ))
            } else {
                Ok(())
            }
        };
        src_ok(&d.source, "[recovery]")?;
        let positive = |v: &crate::scenario::SF64, what: &str, lo: f64, hi: f64| -> Result<f64> {
            let x = *v.get_ref();
            if !x.is_finite() || x < lo || x > hi {
                Err(self.err(
                    sp(f, v),
                    format!("{what} must be in [{lo}, {hi}], found {x}"),
                    None,
                ))
            } else {
                Ok(x)
            }
        };
        let duration = |v: &Spanned<crate::scenario::DurationDef>,
                        what: &str|
         -> Result<rc::Duration> {
            let x = v.get_ref();
            if !x.median_hours.is_finite()
                || x.median_hours < 0.0
                || !x.beta.is_finite()
                || x.beta < 0.0
                || x.beta > 5.0
            {
                return Err(self.err(sp(f, v), format!("{what}: median_hours must be >= 0 and beta in [0, 5], found median_hours = {}, beta = {}", x.median_hours, x.beta), None));
            }
            Ok(rc::Duration {
                median_hours: x.median_hours,
                beta: x.beta,
                kind: x.kind,
            })
        };
        let by_state = |v: &Option<Spanned<Vec<crate::scenario::DurationDef>>>,
                        what: &str|
         -> Result<Option<[rc::Duration; 4]>> {
            let Some(v) = v else { return Ok(None) };
            if v.get_ref().len() != 4 {
                return Err(self.err(sp(f, v), format!("{what} must list 4 durations (slight, moderate, extensive, complete), found {}", v.get_ref().len()), None));
            }
            let mut out = [rc::Duration {
                median_hours: 0.0,
                beta: 0.0,
                kind: Default::default(),
            }; 4];
            for (k, x) in v.get_ref().iter().enumerate() {
                out[k] = duration(&Spanned::new(v.span(), *x), what)?;
            }
            Ok(Some(out))
        };
        let horizon = match &d.horizon_hours {
            Some(h) => positive(h, "horizon_hours", 1.0, 87_600.0)?,
            None => 720.0,
        };
        let checkpoints = match &d.checkpoints_hours {
            None => [0.0, 1.0, 3.0, 6.0, 12.0, 24.0, 72.0, 168.0, 336.0, 720.0]
                .into_iter()
                .filter(|&c| c <= horizon)
                .collect(),
            Some(c) => {
                let v = c.get_ref().clone();
                if v.is_empty()
                    || v.iter().any(|x| !x.is_finite() || *x < 0.0 || *x > horizon)
                    || v.windows(2).any(|w| w[1] <= w[0])
                {
                    return Err(self.err(sp(f, c), format!("checkpoints_hours must be increasing times in [0, {horizon}], found {v:?}"), None));
                }
                v
            }
        };
        // `[calendar]` in the top file moves the shared recovery model in time.
        let (cf, start_s, holidays) = match &self.m.calendar {
            Some(c) => {
                src_ok(&c.item.source, "[calendar]")?;
                (c.file, &c.item.start, &c.item.holidays)
            }
            None => (f, &d.start, &d.holidays),
        };
        let mut start = match start_s.get_ref().as_str() {
            "sampled" => rc::Start::Sampled,
            s => rc::Start::Fixed(
                Calendar::parse(s).map_err(|e| self.err(sp(cf, start_s), e.0, None))?,
            ),
        };
        if let (Some(first), rc::Start::Sampled) = (holidays.first(), start) {
            return Err(self.err(
                sp(cf, first),
                "holidays need a start given as a date: with start = \"sampled\" only the day of the week is known",
                Some("give start as YYYY-MM-DDTHH:MM, or remove holidays".into()),
            ));
        }
        if !holidays.is_empty() && horizon > (calendar::HOLIDAY_DAYS - 1) as f64 * 24.0 {
            return Err(self.err(
                sp(cf, &holidays[0]),
                format!(
                    "holidays cover the first {} days after the quake, but horizon_hours is {horizon}",
                    calendar::HOLIDAY_DAYS - 1
                ),
                Some("shorten horizon_hours or remove holidays".into()),
            ));
        }
        if let rc::Start::Fixed(c) = &mut start {
            for h in holidays {
                c.add_holiday(h.get_ref())
                    .map_err(|e| self.err(sp(cf, h), e.0, None))?;
            }
        }
        let detection = match &d.detection {
            Some(x) => duration(x, "detection")?,
            None => rc::Duration {
                median_hours: 0.1,
                beta: 0.0,
                kind: Default::default(),
            },
        };
        let contact_p = prob(
            self.src,
            sp(f, &d.contact_p),
            "contact_p",
            *d.contact_p.get_ref(),
        )?;
        let router_restart = match &d.router_restart_hours {
            Some(x) => positive(x, "router_restart_hours", 0.0, 100.0)?,
            None => 10.0 / 60.0,
        };
        let relocation = duration(&d.relocation, "relocation")?;
        let default_rto = match &d.default_rto_hours {
            Some(x) => positive(x, "default_rto_hours", 0.0, 87_600.0)?,
            None => 72.0,
        };
        let mut pools: Vec<rc::Pool> = Vec::new();
        for c in &d.crews {
            src_ok(&c.source, "a crew pool")?;
            let id = c.id.get_ref();
            if pools.iter().any(|p| &p.id == id) {
                return Err(self.err(
                    sp(f, &c.id),
                    format!("crew pool `{id}` is defined twice"),
                    None,
                ));
            }
            let count = *c.count.get_ref();
            if !(1..=100_000).contains(&count) {
                return Err(self.err(
                    sp(f, &c.count),
                    format!("count must be a whole number >= 1, found {count}"),
                    None,
                ));
            }
            pools.push(rc::Pool {
                id: id.clone(),
                count: count as u32,
                travel: duration(&c.travel, "travel")?,
            });
        }
        let class_of = |c: &crate::scenario::SString| -> Result<usize> {
            model
                .classes
                .iter()
                .position(|x| x == c.get_ref())
                .ok_or_else(|| {
                    self.err(
                        sp(f, c),
                        format!("undefined class `{}`", c.get_ref()),
                        did_you_mean(c.get_ref(), model.classes.iter().map(String::as_str)),
                    )
                })
        };
        let mut repair = vec![None; model.classes.len()];
        for rp in &d.repair {
            src_ok(&rp.source, "a repair entry")?;
            let c = class_of(&rp.class)?;
            if repair[c].is_some() {
                return Err(self.err(
                    sp(f, &rp.class),
                    format!("class `{}` has two repair entries", rp.class.get_ref()),
                    None,
                ));
            }
            let pool = pools
                .iter()
                .position(|p| &p.id == rp.crew.get_ref())
                .ok_or_else(|| {
                    self.err(
                        sp(f, &rp.crew),
                        format!("undefined crew pool `{}`", rp.crew.get_ref()),
                        did_you_mean(rp.crew.get_ref(), pools.iter().map(|p| p.id.as_str())),
                    )
                })?;
            repair[c] = Some(rc::Repair {
                duration: duration(&rp.duration, "repair duration")?,
                by_state: by_state(&rp.duration_by_state, "duration_by_state")?,
                priority: rp.priority,
                rank: 0,
                pool,
            });
        }
        // Dense ranks of the priorities: crews take waiting jobs from per-rank queues.
        let mut priorities: Vec<i64> = repair.iter().flatten().map(|r| r.priority).collect();
        priorities.sort_unstable();
        priorities.dedup();
        for r in repair.iter_mut().flatten() {
            r.rank = priorities.binary_search(&r.priority).unwrap_or(0) as u32;
        }
        let mut grid = vec![None; model.regions.len()];
        for g in &d.grid {
            src_ok(&g.source, "a grid entry")?;
            let region = model
                .regions
                .iter()
                .position(|r| &r.id == g.region.get_ref())
                .ok_or_else(|| {
                    self.err(
                        sp(f, &g.region),
                        format!("undefined region `{}`", g.region.get_ref()),
                        did_you_mean(
                            g.region.get_ref(),
                            model.regions.iter().map(|r| r.id.as_str()),
                        ),
                    )
                })?;
            if grid[region].is_some() {
                return Err(self.err(
                    sp(f, &g.region),
                    format!("region `{}` has two grid entries", g.region.get_ref()),
                    None,
                ));
            }
            grid[region] = Some(rc::Grid {
                by_state: by_state(&g.restore_by_state, "restore_by_state")?,
                p_outage: prob(
                    self.src,
                    sp(f, &g.p_outage),
                    "p_outage",
                    *g.p_outage.get_ref(),
                )?,
                restore: duration(&g.restore, "restore")?,
            });
        }
        let mut generators = vec![None; model.classes.len()];
        for g in &d.generators {
            src_ok(&g.source, "a generator entry")?;
            let c = class_of(&g.class)?;
            if generators[c].is_some() {
                return Err(self.err(
                    sp(f, &g.class),
                    format!("class `{}` has two generator entries", g.class.get_ref()),
                    None,
                ));
            }
            generators[c] = Some(rc::Generator {
                fuel_hours: positive(&g.fuel_hours, "fuel_hours", 0.0, 87_600.0)?,
                p_refuel: prob(
                    self.src,
                    sp(f, &g.p_refuel),
                    "p_refuel",
                    *g.p_refuel.get_ref(),
                )?,
                refuel: duration(&g.refuel, "refuel")?,
            });
        }
        let mut rto = vec![default_rto; model.services.len()];
        for r in &d.rto {
            let pat = r.service.get_ref();
            let hours = positive(&r.hours, "hours", 0.0, 87_600.0)?;
            let mut any = false;
            for (s, svc) in model.services.iter().enumerate() {
                if glob(pat, &svc.id) {
                    rto[s] = hours;
                    any = true;
                }
            }
            if !any {
                return Err(self.err(
                    sp(f, &r.service),
                    format!("`{pat}` matches no service"),
                    did_you_mean(pat, model.services.iter().map(|s| s.id.as_str())),
                ));
            }
        }
        let n = model.nodes.len();
        let mut staff_of = vec![None; n];
        for (mi, m) in model.ministries.iter().enumerate() {
            if let Some(i) = model
                .nodes
                .iter()
                .position(|x| x.id == format!("{}.staff", m.id))
            {
                staff_of[i] = Some(mi as u32);
            }
        }
        let mut nq = Vec::new();
        for (q, path) in model.paths.iter().enumerate() {
            // Each entry is the query index shifted left by 6, or'ed with the node's bit in
            // the query's mask (sets queries have at most 64 nodes).
            match &path.eval {
                PathEval::Sets { nodes, .. } => nq.extend(
                    nodes
                        .iter()
                        .enumerate()
                        .map(|(bit, &v)| (v, (q as u32) << 6 | bit as u32)),
                ),
                PathEval::Search { .. } => {
                    nq.extend(path.relevant.iter().map(|&v| (v as u32, (q as u32) << 6)))
                }
            }
        }
        let mut ns = Vec::new();
        let mut qs = Vec::new();
        for (s, svc) in model.services.iter().enumerate() {
            for op in &svc.program {
                match *op {
                    Op::Up(v) => ns.push((v, s as u32)),
                    Op::Path(q) => qs.push((q, s as u32)),
                    _ => {}
                }
            }
        }
        ns.sort_unstable();
        ns.dedup();
        qs.sort_unstable();
        qs.dedup();
        let has_generator: Vec<bool> = generators.iter().map(Option::is_some).collect();
        let pool_keys = pools.iter().map(|p| stable_key("crew", &p.id)).collect();
        Ok(Some(rc::Recovery {
            horizon,
            checkpoints,
            start,
            detection,
            contact_p,
            router_restart,
            relocation,
            rto,
            repair,
            pools,
            grid,
            generators,
            needs_power: model
                .nodes
                .iter()
                // Lines are powered at their ends (carrier offices, routers).
                .map(|x| {
                    x.class.is_some()
                        && x.placement != Placement::Nowhere
                        && x.kind != NodeKind::Line
                })
                .collect(),
            is_router: model
                .nodes
                .iter()
                .map(|x| x.kind == NodeKind::Router)
                .collect(),
            staff_of,
            owner_key: model
                .nodes
                .iter()
                .map(|x| stable_key("owner", &x.owner))
                .collect(),
            owner_index: {
                let mut owners: Vec<&str> = Vec::new();
                model
                    .nodes
                    .iter()
                    .map(|x| match owners.iter().position(|o| *o == x.owner) {
                        Some(k) => k as u32,
                        None => {
                            owners.push(&x.owner);
                            owners.len() as u32 - 1
                        }
                    })
                    .collect()
            },
            node_queries: rc::csr(n, &nq),
            node_services: rc::csr(n, &ns),
            query_services: rc::csr(model.paths.len(), &qs),
            calendar_key: stable_key("calendar", "start"),
            grid_keys: model
                .sites
                .iter()
                .map(|s| stable_key("grid", &s.id))
                .collect(),
            pool_keys,
            n_classes: model.classes.len(),
            generator_of_class: model
                .nodes
                .iter()
                .map(|x| x.class.filter(|&c| has_generator[c]).map(|c| c as u32))
                .collect(),
            generator_key: model
                .sites
                .iter()
                .flat_map(|s| {
                    model
                        .classes
                        .iter()
                        .map(move |c| stable_key("generator", &format!("{}/{c}", s.id)))
                })
                .collect(),
            monotone: model
                .services
                .iter()
                .map(|s| !s.program.contains(&Op::Not))
                .collect(),
            site_nodes: {
                let mut sn = Vec::new();
                for (i, x) in model.nodes.iter().enumerate() {
                    match &x.placement {
                        Placement::Nowhere => {}
                        Placement::Fixed(s) => sn.push((*s as u32, i as u32)),
                        Placement::ByUnknown { sites, .. } => {
                            let mut v: Vec<usize> = sites.clone();
                            v.sort_unstable();
                            v.dedup();
                            sn.extend(v.into_iter().map(|s| (s as u32, i as u32)));
                        }
                    }
                }
                rc::csr(model.sites.len(), &sn)
            },
            log_changes: false,
        }))
    }

    fn default_trials(&self) -> Result<u64> {
        match self
            .m
            .simulation
            .as_ref()
            .and_then(|s| s.item.trials.as_ref().map(|t| (s, t)))
        {
            None => Ok(10_000),
            Some((s, t)) => {
                let v = *t.get_ref();
                if v <= 0 {
                    Err(self.err(
                        s.span(t),
                        format!("trials must be a whole number >= 1, found {v}"),
                        None,
                    ))
                } else {
                    Ok(v as u64)
                }
            }
        }
    }

    fn regions(&self) -> Result<Vec<Region>> {
        let mut out: Vec<Region> = Vec::new();
        let mut fallback = None;
        for r in &self.m.regions {
            let id = r.item.id.get_ref();
            if out.iter().any(|x| &x.id == id) {
                return Err(self.err(
                    r.span(&r.item.id),
                    format!("region `{id}` is defined twice"),
                    None,
                ));
            }
            let mut rings = Vec::new();
            match &r.item.polygons {
                None => {
                    if let Some(prev) = fallback {
                        let prev: &Region = &out[prev];
                        return Err(self.err(
                            r.span(&r.item.id),
                            format!(
                                "region `{id}` has no polygons, but `{}` is already the fallback region",
                                prev.id
                            ),
                            Some("exactly one region (e.g. `elsewhere`) may omit polygons; give the others `polygons = [[[lon, lat], …]]`".into()),
                        ));
                    }
                    fallback = Some(out.len());
                }
                Some(polys) => {
                    if polys.get_ref().is_empty() {
                        return Err(self.err(
                            r.span(polys),
                            format!("region `{id}` is empty: `polygons` lists no ring"),
                            Some("give at least one closed ring of [lon, lat] vertices, or remove `polygons` to make it the fallback region".into()),
                        ));
                    }
                    for (k, ring) in polys.get_ref().iter().enumerate() {
                        rings.push(Ring::new(ring.clone()).map_err(|e| {
                            self.err(
                                r.span(polys),
                                format!("region `{id}`, ring {}: {e}", k + 1),
                                Some(
                                    "a ring is [[lon, lat], …] whose last vertex repeats the first"
                                        .into(),
                                ),
                            )
                        })?);
                    }
                }
            }
            let approximation_km = match &r.item.approximation_km {
                Some(a) => {
                    let v = *a.get_ref();
                    if !v.is_finite() || v < 0.0 {
                        return Err(self.err(
                            r.span(a),
                            format!("approximation_km must be >= 0, found {v}"),
                            None,
                        ));
                    }
                    Some(v)
                }
                None => None,
            };
            out.push(Region {
                id: id.clone(),
                name_en: r.item.name_en.clone(),
                name_ja: r.item.name_ja.clone(),
                source: r.item.source.clone(),
                approximation_km,
                rings,
            });
        }
        if fallback.is_none() {
            return Err(self.err(
                self.m
                    .regions
                    .first()
                    .map(|r| r.span(&r.item.id))
                    .unwrap_or_default(),
                "no fallback region: every site must fall in some region",
                Some("add a region without `polygons`, e.g. id = \"elsewhere\"".into()),
            ));
        }
        Ok(out)
    }

    fn classes(&self) -> Result<Vec<String>> {
        let mut out: Vec<String> = Vec::new();
        for c in &self.m.classes {
            let id = c.item.id.get_ref();
            if out.contains(id) {
                return Err(self.err(
                    c.span(&c.item.id),
                    format!("class `{id}` is defined twice"),
                    None,
                ));
            }
            out.push(id.clone());
        }
        Ok(out)
    }

    fn sites(&self, regions: &[Region]) -> Result<Vec<Site>> {
        let fallback = regions
            .iter()
            .position(|r| r.rings.is_empty())
            .expect("checked");
        let mut out: Vec<Site> = Vec::new();
        for s in &self.m.sites {
            let id = s.item.id.get_ref();
            if out.iter().any(|x| &x.id == id) {
                return Err(self.err(
                    s.span(&s.item.id),
                    format!("site `{id}` is defined twice"),
                    None,
                ));
            }
            let (lat, lon) = (*s.item.lat.get_ref(), *s.item.lon.get_ref());
            if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
                return Err(self.err(
                    s.span(&s.item.lat),
                    format!("lat must be degrees in [-90, 90], found {lat}"),
                    None,
                ));
            }
            if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
                return Err(self.err(
                    s.span(&s.item.lon),
                    format!("lon must be degrees in [-180, 180], found {lon}"),
                    Some("Japan lies between about 122 and 154 degrees east".into()),
                ));
            }
            if s.item.source.get_ref().trim().is_empty() {
                return Err(self.err(
                    s.span(&s.item.source),
                    format!("site `{id}` does not say where its coordinates come from"),
                    Some(
                        "set source to a document, a public source or \"assumption: <why>\"".into(),
                    ),
                ));
            }
            let pos = LatLon { lat, lon };
            let inside: Vec<usize> = regions
                .iter()
                .enumerate()
                .filter(|(_, r)| r.contains(pos))
                .map(|(i, _)| i)
                .collect();
            let region = match inside.as_slice() {
                [] => fallback,
                [one] => *one,
                many => {
                    return Err(self.err(
                        s.span(&s.item.id),
                        format!(
                            "site `{id}` lies in more than one region: {}",
                            many.iter()
                                .map(|&i| regions[i].id.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        Some("regions must not overlap; fix the polygons".into()),
                    ))
                }
            };
            out.push(Site {
                id: id.clone(),
                name_en: s.item.name_en.clone(),
                name_ja: s.item.name_ja.clone(),
                pos,
                region,
            });
        }
        Ok(out)
    }

    fn unknowns(&self) -> Result<Vec<Unknown>> {
        let mut out: Vec<Unknown> = Vec::new();
        for u in &self.m.unknowns {
            let id = u.item.id.get_ref();
            if out.iter().any(|x| &x.id == id) {
                return Err(self.err(
                    u.span(&u.item.id),
                    format!("unknown `{id}` is defined twice"),
                    None,
                ));
            }
            if u.item.source.get_ref().trim().is_empty() {
                return Err(self.err(
                    u.span(&u.item.source),
                    format!("unknown `{id}` does not say where its probabilities come from"),
                    Some("set source to a document or \"assumption: <why>\"".into()),
                ));
            }
            let alts =
                self.alternatives(u.file, &u.item.alternatives, &format!("unknown `{id}`"))?;
            out.push(make_unknown(
                id.clone(),
                u.item.question_en.clone(),
                u.item.question_ja.clone(),
                u.item.source.get_ref().clone(),
                alts,
            ));
        }
        Ok(out)
    }

    fn alternatives(
        &self,
        file: usize,
        alts: &Spanned<Vec<AlternativeDef>>,
        what: &str,
    ) -> Result<Vec<(String, f64)>> {
        if alts.get_ref().is_empty() {
            return Err(self.err(sp(file, alts), format!("{what} has no alternatives"), None));
        }
        let mut v: Vec<(String, f64)> = Vec::new();
        for a in alts.get_ref() {
            let aid = a.id.get_ref();
            if v.iter().any(|(x, _)| x == aid) {
                return Err(self.err(
                    sp(file, &a.id),
                    format!("alternative `{aid}` appears twice in {what}"),
                    None,
                ));
            }
            let p = prob(
                self.src,
                sp(file, &a.p),
                &format!("p of alternative `{aid}`"),
                *a.p.get_ref(),
            )?;
            v.push((aid.clone(), p));
        }
        check_sum(
            self.src,
            sp(file, alts),
            what,
            &v.iter().map(|x| x.1).collect::<Vec<_>>(),
        )?;
        Ok(v)
    }

    #[allow(clippy::too_many_arguments)]
    fn placement(
        &self,
        ns: &NodeSpec,
        p: &PlacementDef,
        span: Span,
        site_index: &HashMap<&str, usize>,
        sites: &[Site],
        unknowns: &mut Vec<Unknown>,
        shared: &mut HashMap<(String, Span), usize>,
    ) -> Result<Placement> {
        let node = ns.id.as_str();
        let site = |name: &str| -> Result<usize> {
            site_index.get(name).copied().ok_or_else(|| {
                self.err(
                    span,
                    format!("`{node}` is placed at undefined site `{name}`"),
                    did_you_mean(name, sites.iter().map(|s| s.id.as_str())),
                )
            })
        };
        match p {
            PlacementDef::Site(s) => Ok(Placement::Fixed(site(s)?)),
            PlacementDef::ByUnknown { unknown, sites: by } => {
                let Some(ui) = unknowns.iter().position(|u| &u.id == unknown) else {
                    return Err(self.err(
                        span,
                        format!("`{node}` is placed by undefined unknown `{unknown}`"),
                        did_you_mean(unknown, unknowns.iter().map(|u| u.id.as_str())),
                    ));
                };
                let u = &unknowns[ui];
                for k in by.keys() {
                    if !u.alternatives.iter().any(|(a, _)| a == k) {
                        return Err(self.err(
                            span,
                            format!("unknown `{unknown}` has no alternative `{k}`"),
                            did_you_mean(k, u.alternatives.iter().map(|(a, _)| a.as_str())),
                        ));
                    }
                }
                let mut v = Vec::new();
                for (a, _) in &u.alternatives {
                    let Some(s) = by.get(a) else {
                        return Err(self.err(
                            span,
                            format!("`{node}`: no site given for alternative `{a}` of unknown `{unknown}`"),
                            Some(format!("add `{a} = \"<site>\"` to `sites`")),
                        ));
                    };
                    v.push(site(s)?);
                }
                Ok(Placement::ByUnknown {
                    unknown: ui,
                    sites: v,
                })
            }
            PlacementDef::Alternatives { alternatives } => {
                if alternatives.is_empty() {
                    return Err(self.err(
                        span,
                        format!("`{node}`: placement has no alternatives"),
                        None,
                    ));
                }
                let share_key = (ns.owner.clone(), span);
                let mut alts = Vec::new();
                let mut v = Vec::new();
                for (k, SiteChoiceDef { site: s, p }) in alternatives.iter().enumerate() {
                    prob(self.src, span, &format!("p of `{s}`"), *p)?;
                    v.push(site(s)?);
                    alts.push((format!("{k}:{s}"), *p));
                }
                check_sum(
                    self.src,
                    span,
                    &format!("the placement of `{node}`"),
                    &alts.iter().map(|x| x.1).collect::<Vec<_>>(),
                )?;
                if let Some(&u) = shared.get(&share_key) {
                    return Ok(Placement::ByUnknown {
                        unknown: u,
                        sites: v,
                    });
                }
                let id = format!("{node}.site");
                if unknowns.iter().any(|u| u.id == id) {
                    return Err(self.err(
                        span,
                        format!("the placement alternatives of `{node}` make an unknown `{id}`, which is already declared"),
                        Some("rename the declared unknown, or place the node with { unknown = … }".into()),
                    ));
                }
                shared.insert(share_key, unknowns.len());
                unknowns.push(make_unknown(
                    id,
                    format!("Where is `{node}`?"),
                    String::new(),
                    "placement alternatives of the node".into(),
                    alts,
                ));
                Ok(Placement::ByUnknown {
                    unknown: unknowns.len() - 1,
                    sites: v,
                })
            }
        }
    }

    /// Explicit nodes, the Kansai alternate site, ministry expansions and G-net attachments.
    fn node_specs(&self) -> Result<Vec<NodeSpec>> {
        let mut out = Vec::new();
        for n in &self.m.nodes {
            out.push(self.node_from_def(n.file, &n.item)?);
        }
        if let Some(k) = &self.m.kansai {
            let span = k.span(&k.item.alternate_site);
            out.push(NodeSpec {
                id: "kansai.alternate".into(),
                owner: "kansai.alternate".into(),
                exists_as: None,
                span,
                kind: NodeKind::Office,
                class: Some((k.item.class.get_ref().clone(), k.span(&k.item.class))),
                placement: Some((
                    PlacementDef::Site(k.item.alternate_site.get_ref().clone()),
                    span,
                )),
                exists_p: 1.0,
                gnet_access: false,
                name_en: "Government alternate site in Kansai".into(),
                name_ja: "関西の政府代替拠点".into(),
            });
        }
        if !self.m.ministries.is_empty() {
            let Some(x) = &self.m.expansion else {
                let first = &self.m.ministries[0];
                return Err(self.err(
                    first.span(&first.item.id),
                    "ministries need an [expansion] table naming the classes of their components",
                    Some("add [expansion] with hq_class, server_class, interconnection_class, gateway_class, branch_class".into()),
                ));
            };
            if self.m.kansai.is_none() {
                let first = &self.m.ministries[0];
                return Err(self.err(
                    first.span(&first.item.id),
                    "ministries need a [kansai] table: their work-from-Kansai service starts at the alternate site",
                    Some("add [kansai] with alternate_site and class".into()),
                ));
            }
            if self.m.gnet.is_none() {
                let first = &self.m.ministries[0];
                return Err(self.err(
                    first.span(&first.item.id),
                    "ministries need a [gnet] table: their interconnection points attach to G-net",
                    None,
                ));
            }
            for mi in &self.m.ministries {
                self.expand_ministry(mi, x, &mut out)?;
            }
        }
        if let Some(g) = &self.m.gnet {
            let line = (
                g.item.line_class.get_ref().clone(),
                g.span(&g.item.line_class),
            );
            let co = (
                g.item.carrier_office_class.get_ref().clone(),
                g.span(&g.item.carrier_office_class),
            );
            let mut extra = Vec::new();
            for ns in out.iter().filter(|n| n.gnet_access) {
                for ab in ["a", "b"] {
                    for (part, kind, class, en, ja) in [
                        ("line", NodeKind::Line, &line, "access line", "アクセス回線"),
                        (
                            "co",
                            NodeKind::CarrierOffice,
                            &co,
                            "carrier office",
                            "収容局",
                        ),
                    ] {
                        extra.push(NodeSpec {
                            id: format!("{}.{part}_{ab}", ns.id),
                            owner: ns.owner.clone(),
                            exists_as: Some(ns.id.clone()),
                            span: ns.span,
                            kind,
                            class: Some(class.clone()),
                            placement: ns.placement.clone(),
                            // Lines exist whenever their endpoint does; an endpoint that may
                            // not exist cuts them off by itself, so they need no draw of
                            // their own (an independent one would be wrong).
                            exists_p: 1.0,
                            gnet_access: false,
                            name_en: format!("{} {} {}", ns.id, ab.to_uppercase(), en),
                            name_ja: format!("{} {}系{}", ns.id, ab.to_uppercase(), ja),
                        });
                    }
                }
            }
            // The two centers are linked by A and B lines (source 002); their local end is
            // placed at the operation center (assumption: the relay path is the carrier's).
            let op = g.item.operation_center.get_ref();
            let (op_owner, op_place) = out
                .iter()
                .find(|n| &n.id == op)
                .map(|n| (n.owner.clone(), n.placement.clone()))
                .unwrap_or_default();
            for ab in ["a", "b"] {
                extra.push(NodeSpec {
                    id: format!("gnet.interlink_{ab}"),
                    owner: op_owner.clone(),
                    exists_as: None,
                    span: g.span(&g.item.operation_center),
                    kind: NodeKind::Line,
                    class: Some(line.clone()),
                    placement: op_place.clone(),
                    exists_p: 1.0,
                    gnet_access: false,
                    name_en: format!("G-net center interlink, {} line", ab.to_uppercase()),
                    name_ja: format!("センター間{}系回線", ab.to_uppercase()),
                });
            }
            out.extend(extra);
        }
        Ok(out)
    }

    fn node_from_def(&self, file: usize, n: &NodeDef) -> Result<NodeSpec> {
        let exists_p = match &n.exists_p {
            Some(p) => prob(self.src, sp(file, p), "exists_p", *p.get_ref())?,
            None => 1.0,
        };
        Ok(NodeSpec {
            id: n.id.get_ref().clone(),
            owner: n.owner.clone().unwrap_or_else(|| n.id.get_ref().clone()),
            exists_as: None,
            span: sp(file, &n.id),
            kind: n.kind,
            class: n.class.as_ref().map(|c| (c.get_ref().clone(), sp(file, c))),
            placement: n.site.as_ref().map(|s| (s.get_ref().clone(), sp(file, s))),
            exists_p,
            gnet_access: n.gnet_access,
            name_en: n.name_en.clone(),
            name_ja: n.name_ja.clone(),
        })
    }

    fn expand_ministry(
        &self,
        mi: &Located<MinistryDef>,
        x: &Located<crate::scenario::ExpansionDef>,
        out: &mut Vec<NodeSpec>,
    ) -> Result<()> {
        let f = mi.file;
        let d = &mi.item;
        let id = d.id.get_ref();
        let span = sp(f, &d.id);
        let cls = |c: &crate::scenario::SString| Some((c.get_ref().clone(), x.span(c)));
        let node = |part: &str,
                    kind: NodeKind,
                    class: Option<(String, Span)>,
                    placement: Option<(PlacementDef, Span)>,
                    exists_p: f64,
                    gnet_access: bool,
                    en: &str,
                    ja: &str| NodeSpec {
            id: format!("{id}.{part}"),
            owner: id.clone(),
            exists_as: None,
            span,
            kind,
            class,
            placement,
            exists_p,
            gnet_access,
            name_en: format!("{} {en}", d.name_en),
            name_ja: format!("{}{ja}", d.name_ja),
        };
        let place = |p: &Spanned<PlacementDef>| Some((p.get_ref().clone(), sp(f, p)));
        let p_or_1 = |p: &Option<crate::scenario::SF64>, what: &str| -> Result<f64> {
            match p {
                Some(v) => prob(self.src, sp(f, v), what, *v.get_ref()),
                None => Ok(1.0),
            }
        };
        if d.source.get_ref().trim().is_empty() {
            return Err(self.err(
                sp(f, &d.source),
                format!("ministry `{id}` does not say where its facts come from"),
                Some("set source to the seed document and page, or \"assumption: <why>\"".into()),
            ));
        }
        out.push(node(
            "hq",
            NodeKind::Office,
            cls(&x.item.hq_class),
            Some((
                PlacementDef::Site(d.hq_site.get_ref().clone()),
                sp(f, &d.hq_site),
            )),
            1.0,
            false,
            "headquarters",
            "本省庁舎",
        ));
        out.push(node(
            "wan",
            NodeKind::Network,
            None,
            None,
            1.0,
            false,
            "network (carrier WAN)",
            "府省内NW",
        ));
        out.push(node(
            "main",
            NodeKind::Server,
            cls(&x.item.server_class),
            place(&d.main_server),
            1.0,
            false,
            "main servers",
            "メインサーバー",
        ));
        if let Some(b) = &d.backup_server {
            out.push(node(
                "backup",
                NodeKind::Server,
                cls(&x.item.server_class),
                place(b),
                1.0,
                false,
                "backup servers",
                "バックアップサーバー",
            ));
        }
        if d.interconnection.get_ref().is_empty() {
            return Err(self.err(
                sp(f, &d.interconnection),
                format!("ministry `{id}` has no interconnection point to G-net"),
                Some("list at least one site in `interconnection`".into()),
            ));
        }
        for (k, ic) in d.interconnection.get_ref().iter().enumerate() {
            out.push(node(
                &format!("ixp{}", k + 1),
                NodeKind::Router,
                cls(&x.item.interconnection_class),
                place(ic),
                1.0,
                true,
                &format!("interconnection point {} to G-net", k + 1),
                &format!("政府共通NWとの接続点{}", k + 1),
            ));
        }
        let at_backup = p_or_1(
            &d.interconnection_at_backup_p,
            "interconnection_at_backup_p",
        )?;
        if let (Some(pspan), true) = (&d.interconnection_at_backup_p, at_backup > 0.0) {
            let Some(b) = &d.backup_server else {
                return Err(self.err(
                    sp(f, pspan),
                    format!("ministry `{id}` has interconnection_at_backup_p but no backup_server"),
                    Some("add backup_server or remove interconnection_at_backup_p".into()),
                ));
            };
            out.push(node(
                "ixp_backup",
                NodeKind::Router,
                cls(&x.item.interconnection_class),
                place(b),
                at_backup,
                true,
                "interconnection point at the backup site",
                "バックアップ側接続点",
            ));
        }
        out.push(node(
            "inet_gw",
            NodeKind::Gateway,
            cls(&x.item.gateway_class),
            place(&d.internet_gateway),
            1.0,
            false,
            "internet gateway",
            "インターネット接続点",
        ));
        out.push(node(
            "staff",
            NodeKind::Virtual,
            None,
            None,
            1.0,
            false,
            "staff at the Kansai alternate site",
            "関西代替拠点の職員",
        ));
        if d.remote_access != RemoteAccess::None {
            let p = p_or_1(&d.remote_access_p, "remote_access_p")?;
            out.push(node(
                "remote",
                NodeKind::Virtual,
                None,
                None,
                p,
                false,
                "remote access session over the internet",
                "リモートアクセス",
            ));
        }
        if let Some(b) = &d.kansai_branch {
            let p = p_or_1(&d.kansai_branch_p, "kansai_branch_p")?;
            out.push(node(
                "branch",
                NodeKind::Office,
                cls(&x.item.branch_class),
                Some((PlacementDef::Site(b.get_ref().clone()), sp(f, b))),
                p,
                false,
                "Kansai branch office",
                "関西の地方支分部局",
            ));
        } else if let Some(p) = &d.kansai_branch_p {
            return Err(self.err(
                sp(f, p),
                format!("ministry `{id}` has kansai_branch_p but no kansai_branch"),
                None,
            ));
        }
        Ok(())
    }

    fn link_specs(&self, nodes: &[NodeSpec]) -> Result<Vec<LinkSpec>> {
        let mut out = Vec::new();
        for l in &self.m.links {
            out.push(LinkSpec {
                a: (l.item.a.get_ref().clone(), l.span(&l.item.a)),
                b: (l.item.b.get_ref().clone(), l.span(&l.item.b)),
                oneway: l.item.oneway,
            });
        }
        let has = |id: &str| nodes.iter().any(|n| n.id == id);
        let gen = |a: &str, b: &str, oneway: bool, span: Span| LinkSpec {
            a: (a.to_string(), span),
            b: (b.to_string(), span),
            oneway,
        };
        for mi in &self.m.ministries {
            let id = mi.item.id.get_ref();
            let span = mi.span(&mi.item.id);
            let wan = format!("{id}.wan");
            for part in ["hq", "main", "backup", "inet_gw", "branch", "ixp_backup"] {
                let n = format!("{id}.{part}");
                if has(&n) {
                    out.push(gen(&n, &wan, false, span));
                }
            }
            for k in 1..=mi.item.interconnection.get_ref().len() {
                out.push(gen(&format!("{id}.ixp{k}"), &wan, false, span));
            }
            let staff = format!("{id}.staff");
            if has(&format!("{id}.branch")) {
                out.push(gen(&staff, &format!("{id}.branch"), true, span));
            }
            let remote = format!("{id}.remote");
            if has(&remote) {
                out.push(gen(&staff, &remote, true, span));
                let ra = mi.item.remote_access;
                if matches!(ra, RemoteAccess::Direct | RemoteAccess::Both) {
                    out.push(gen(&remote, &format!("{id}.inet_gw"), true, span));
                }
                if matches!(ra, RemoteAccess::ViaGnet | RemoteAccess::Both) {
                    let Some(gw) = self.m.gnet.as_ref().and_then(|g| {
                        g.item
                            .remote_access_gateway
                            .as_ref()
                            .map(|r| (r.get_ref().clone(), g.span(r)))
                    }) else {
                        return Err(self.err(
                            span,
                            format!("ministry `{id}` uses remote access via G-net, but [gnet] names no remote_access_gateway"),
                            Some("add remote_access_gateway = \"<node id>\" to [gnet]".into()),
                        ));
                    };
                    out.push(LinkSpec {
                        a: (remote.clone(), span),
                        b: gw,
                        oneway: true,
                    });
                }
            }
        }
        if let Some(g) = &self.m.gnet {
            let op = g.item.operation_center.get_ref();
            let bk = g.item.backup_center.get_ref();
            let span = g.span(&g.item.operation_center);
            for n in nodes.iter().filter(|n| n.gnet_access) {
                for ab in ["a", "b"] {
                    let line = format!("{}.line_{ab}", n.id);
                    let co = format!("{}.co_{ab}", n.id);
                    out.push(gen(&n.id, &line, false, n.span));
                    out.push(gen(&line, &co, false, n.span));
                    out.push(gen(&co, op, false, span));
                    out.push(gen(&co, bk, false, span));
                }
            }
            for ab in ["a", "b"] {
                let l = format!("gnet.interlink_{ab}");
                out.push(gen(op, &l, false, span));
                out.push(gen(&l, bk, false, span));
            }
        }
        Ok(out)
    }

    fn groups(&self, node_index: &HashMap<String, usize>) -> Result<Vec<(String, Vec<usize>)>> {
        let mut out: Vec<(String, Vec<usize>)> = Vec::new();
        let resolve = |name: &str, span: Span| -> Result<usize> {
            node_index.get(name).copied().ok_or_else(|| {
                self.err(
                    span,
                    format!("undefined node `{name}`"),
                    did_you_mean(name, node_index.keys().map(String::as_str)),
                )
            })
        };
        if let Some(g) = &self.m.gnet {
            let op = resolve(
                g.item.operation_center.get_ref(),
                g.span(&g.item.operation_center),
            )?;
            let bk = resolve(
                g.item.backup_center.get_ref(),
                g.span(&g.item.backup_center),
            )?;
            if let Some(r) = &g.item.remote_access_gateway {
                resolve(r.get_ref(), g.span(r))?;
            }
            out.push(("gnet".into(), vec![op, bk]));
        }
        for g in &self.m.groups {
            let id = g.item.id.get_ref();
            if out.iter().any(|(x, _)| x == id) || node_index.contains_key(id) {
                return Err(self.err(
                    g.span(&g.item.id),
                    format!("group `{id}` clashes with an existing group or node of that name"),
                    Some("`gnet` is made from [gnet]; pick another name".into()),
                ));
            }
            let mut members = Vec::new();
            for mname in &g.item.members {
                members.push(resolve(mname.get_ref(), g.span(mname))?);
            }
            if members.is_empty() {
                return Err(self.err(
                    g.span(&g.item.id),
                    format!("group `{id}` has no members"),
                    None,
                ));
            }
            out.push((id.clone(), members));
        }
        Ok(out)
    }

    fn zones(
        &self,
        regions: &[Region],
        class_index: &HashMap<&str, usize>,
        classes: &[String],
    ) -> Result<Vec<Zone>> {
        let mut out: Vec<Zone> = Vec::new();
        for z in &self.m.zones {
            let rid = z.item.region.get_ref();
            let Some(region) = regions.iter().position(|r| &r.id == rid) else {
                return Err(self.err(
                    z.span(&z.item.region),
                    format!("zone hazard names undefined region `{rid}`"),
                    did_you_mean(rid, regions.iter().map(|r| r.id.as_str())),
                ));
            };
            if out.iter().any(|x| x.region == region) {
                return Err(self.err(
                    z.span(&z.item.region),
                    format!("region `{rid}` has two zone hazards"),
                    Some("merge them into one [[hazard.zones]] entry".into()),
                ));
            }
            if z.item.source.get_ref().trim().is_empty() {
                return Err(self.err(
                    z.span(&z.item.source),
                    "zone hazard without a source",
                    Some("say where the probabilities come from, or \"assumption: <why>\"".into()),
                ));
            }
            let p_event = match &z.item.p_event {
                Some(p) => prob(self.src, z.span(p), "p_event", *p.get_ref())?,
                None => 1.0,
            };
            let mut p_fail = vec![0.0; classes.len()];
            for (cname, p) in z.item.p_fail.get_ref() {
                let Some(&ci) = class_index.get(cname.as_str()) else {
                    return Err(self.err(
                        z.span(p),
                        format!("zone hazard gives p_fail for undefined class `{cname}`"),
                        did_you_mean(cname, classes.iter().map(String::as_str)),
                    ));
                };
                p_fail[ci] = prob(
                    self.src,
                    z.span(p),
                    &format!("p_fail of `{cname}`"),
                    *p.get_ref(),
                )?;
            }
            out.push(Zone {
                region,
                p_event,
                p_fail,
                key: stable_key("zone", rid),
            });
        }
        Ok(out)
    }

    #[allow(clippy::type_complexity)]
    fn services(
        &self,
        node_index: &HashMap<String, usize>,
        groups: &[(String, Vec<usize>)],
        nodes: &[Node],
    ) -> Result<(Vec<ServiceSpec>, Vec<Ministry>, Vec<Event>)> {
        let _ = (node_index, groups, nodes);
        let mut specs = Vec::new();
        for s in &self.m.services {
            let span = s.span(&s.item.expr);
            // Columns inside the expression are exact only for a plain one-line string
            // whose text is the value itself; otherwise errors point at the value's start.
            let text = &self.src.files[span.file].text;
            let expr = s.item.expr.get_ref();
            let plain = text
                .get(span.start + 1..)
                .is_some_and(|rest| rest.starts_with(expr.as_str()))
                && !expr.contains('\n');
            specs.push(ServiceSpec {
                id: s.item.id.get_ref().clone(),
                span: s.span(&s.item.id),
                name_en: s.item.name_en.clone(),
                name_ja: s.item.name_ja.clone(),
                expr: s.item.expr.get_ref().clone(),
                expr_span: plain.then_some(Span {
                    file: span.file,
                    start: span.start + 1,
                }),
                value_span: span,
            });
        }
        let mut ministries = Vec::new();
        let gnet = self.m.gnet.is_some();
        let gen = |id: String, span: Span, en: String, ja: String, expr: String| ServiceSpec {
            id,
            span,
            name_en: en,
            name_ja: ja,
            expr,
            expr_span: None,
            value_span: span,
        };
        for mi in &self.m.ministries {
            let id = mi.item.id.get_ref();
            let span = mi.span(&mi.item.id);
            let servers = if mi.item.backup_server.is_some() {
                format!("(path({id}.wan, {id}.main) | path({id}.wan, {id}.backup))")
            } else {
                format!("path({id}.wan, {id}.main)")
            };
            let base = specs.len();
            specs.push(gen(
                format!("{id}.network_operation"),
                span,
                format!("{}: network operation", mi.item.name_en),
                format!("{}：ネットワークの運用継続", mi.item.name_ja),
                servers.clone(),
            ));
            specs.push(gen(
                format!("{id}.gnet_connection"),
                span,
                format!("{}: connection to G-net", mi.item.name_en),
                format!("{}：政府共通NWとの接続", mi.item.name_ja),
                format!("path({id}.wan, gnet)"),
            ));
            specs.push(gen(format!("{id}.work_from_kansai"), span,
                format!("{}: work from Kansai", mi.item.name_en),
                format!("{}：関西からの業務継続", mi.item.name_ja),
                format!("up(kansai.alternate) & path({id}.staff, {id}.wan) & {servers} & path({id}.wan, gnet)")));
            ministries.push(Ministry {
                id: id.clone(),
                name_en: mi.item.name_en.clone(),
                name_ja: mi.item.name_ja.clone(),
                network_operation: base,
                gnet_connection: base + 1,
                work_from_kansai: base + 2,
            });
        }
        let mut events = Vec::new();
        if !ministries.is_empty() {
            events.push(Event {
                id: "network_operation".into(),
                name_en: "Network operation impaired".into(),
                name_ja: "ネットワークの運用継続に支障".into(),
                any_down: ministries.iter().map(|m| m.network_operation).collect(),
            });
            events.push(Event {
                id: "interconnection".into(),
                name_en: "Inter-network connection impaired".into(),
                name_ja: "ネットワーク間の接続に支障".into(),
                any_down: ministries.iter().map(|m| m.gnet_connection).collect(),
            });
        }
        if gnet {
            let g = self.m.gnet.as_ref().expect("gnet");
            let span = g.span(&g.item.operation_center);
            let op = g.item.operation_center.get_ref();
            let bk = g.item.backup_center.get_ref();
            events.push(Event {
                id: "gnet_operation".into(),
                name_en: "G-net operation impaired (both centers down)".into(),
                name_ja: "政府共通NWの運用に支障（両センター被災）".into(),
                any_down: vec![specs.len()],
            });
            specs.push(gen(
                "gnet.operation".into(),
                span,
                "G-net operation".into(),
                "政府共通NWの運用".into(),
                format!("up({op}) | up({bk})"),
            ));
        }
        Ok((specs, ministries, events))
    }
}

/// `*` matches any run of characters; everything else matches itself.
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            let Some(mut t) = text.strip_prefix(head) else {
                return false;
            };
            if rest.is_empty() {
                return true;
            }
            loop {
                if glob(rest, t) {
                    return true;
                }
                let mut chars = t.chars();
                if chars.next().is_none() {
                    return false;
                }
                t = chars.as_str();
            }
        }
    }
}

fn make_unknown(
    id: String,
    question_en: String,
    question_ja: String,
    source: String,
    alternatives: Vec<(String, f64)>,
) -> Unknown {
    let mut acc = 0.0;
    let cumulative = alternatives
        .iter()
        .map(|(_, p)| {
            acc += p;
            acc
        })
        .collect();
    Unknown {
        key: stable_key("unknown", &id),
        id,
        question_en,
        question_ja,
        source,
        alternatives,
        cumulative,
    }
}

impl Builder<'_> {
    /// Parses and resolves service expressions into postfix programs and shared path queries.
    fn compile(&self, model: &mut Model, specs: Vec<ServiceSpec>) -> Result<()> {
        let node_index: HashMap<String, usize> = model
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.clone(), i))
            .collect();
        let mut query_index: BTreeMap<(Vec<usize>, Vec<usize>), usize> = BTreeMap::new();
        let mut services: Vec<Service> = Vec::with_capacity(specs.len());
        for spec in specs {
            if services.iter().any(|s| s.id == spec.id) {
                return Err(self.err(
                    spec.span,
                    format!("service `{}` is defined twice", spec.id),
                    Some("ministries generate `<id>.network_operation`, `<id>.gnet_connection` and `<id>.work_from_kansai`".into()),
                ));
            }
            // Where an offset of the expression is in the file, and a note saying which
            // character it is when the file position is only the value's start.
            let at = |offset: usize| -> (Span, String) {
                match spec.expr_span {
                    Some(s) => (
                        Span {
                            file: s.file,
                            start: s.start + offset,
                        },
                        String::new(),
                    ),
                    None => (
                        spec.value_span,
                        format!(
                            " (at character {} of the expression)",
                            spec.expr[..offset.min(spec.expr.len())].chars().count() + 1
                        ),
                    ),
                }
            };
            let ast = expr::parse(&spec.expr).map_err(|e| {
                let (span, note) = at(e.offset);
                self.err(
                    span,
                    format!("service `{}`: {}{note}", spec.id, e.message),
                    Some("expressions use up(node), path(a, b), &, |, ! and parentheses".into()),
                )
            })?;
            let mut program = Vec::new();
            let mut used = Vec::new();
            let mut depth = 0usize;
            let mut max_depth = 0usize;
            self.emit(
                &ast,
                &spec,
                &at,
                model,
                &node_index,
                &mut query_index,
                &mut program,
                &mut used,
                &mut depth,
                &mut max_depth,
            )?;
            if max_depth > 64 {
                return Err(self.err(
                    spec.span,
                    format!(
                        "service `{}` nests too deeply ({max_depth} levels; at most 64)",
                        spec.id
                    ),
                    Some("split it into simpler services".into()),
                ));
            }
            used.sort_unstable();
            used.dedup();
            services.push(Service {
                id: spec.id,
                name_en: spec.name_en,
                name_ja: spec.name_ja,
                expr: spec.expr,
                program,
                nodes_used: used,
            });
        }
        model.services = services;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn emit(
        &self,
        e: &Expr,
        spec: &ServiceSpec,
        at: &dyn Fn(usize) -> (Span, String),
        model: &mut Model,
        node_index: &HashMap<String, usize>,
        queries: &mut BTreeMap<(Vec<usize>, Vec<usize>), usize>,
        program: &mut Vec<Op>,
        used: &mut Vec<usize>,
        depth: &mut usize,
        max_depth: &mut usize,
    ) -> Result<()> {
        let push = |program: &mut Vec<Op>, op: Op, depth: &mut usize, max_depth: &mut usize| {
            match op {
                Op::Const(_) | Op::Up(_) | Op::Path(_) => *depth += 1,
                Op::And | Op::Or => *depth -= 1,
                Op::Not => {}
            }
            *max_depth = (*max_depth).max(*depth);
            program.push(op);
        };
        let node_names = || model_names(model);
        let endpoint = |name: &str, off: usize| -> Result<Vec<usize>> {
            if let Some(&i) = node_index.get(name) {
                return Ok(vec![i]);
            }
            if let Some((_, m)) = model.groups.iter().find(|(g, _)| g == name) {
                return Ok(m.clone());
            }
            let (span, note) = at(off);
            Err(self.err(
                span,
                format!(
                    "service `{}` names `{name}`, which is neither a node nor a group{note}",
                    spec.id
                ),
                did_you_mean(name, node_names().iter().map(String::as_str)),
            ))
        };
        match e {
            Expr::Const(b) => push(program, Op::Const(*b), depth, max_depth),
            Expr::Up(name, off) => {
                let Some(&i) = node_index.get(name.as_str()) else {
                    let (span, note) = at(*off);
                    return Err(self.err(
                        span,
                        format!(
                            "service `{}`: up() names undefined node `{name}`{note}",
                            spec.id
                        ),
                        did_you_mean(name, model.nodes.iter().map(|n| n.id.as_str())),
                    ));
                };
                used.push(i);
                push(program, Op::Up(i as u32), depth, max_depth);
            }
            Expr::Path(a, oa, b, ob) => {
                let mut from = endpoint(a, *oa)?;
                let mut to = endpoint(b, *ob)?;
                from.sort_unstable();
                to.sort_unstable();
                let next = model.paths.len();
                let qi = *queries.entry((from.clone(), to.clone())).or_insert(next);
                if qi == next {
                    model.paths.push(path_query(model, from, to));
                }
                used.extend(model.paths[qi].relevant.iter().copied());
                push(program, Op::Path(qi as u32), depth, max_depth);
            }
            Expr::Not(inner) => {
                self.emit(
                    inner, spec, at, model, node_index, queries, program, used, depth, max_depth,
                )?;
                push(program, Op::Not, depth, max_depth);
            }
            Expr::And(v) | Expr::Or(v) => {
                let op = if matches!(e, Expr::And(_)) {
                    Op::And
                } else {
                    Op::Or
                };
                for (k, x) in v.iter().enumerate() {
                    self.emit(
                        x, spec, at, model, node_index, queries, program, used, depth, max_depth,
                    )?;
                    if k > 0 {
                        push(program, op, depth, max_depth);
                    }
                }
            }
        }
        Ok(())
    }
}

fn model_names(model: &Model) -> Vec<String> {
    model
        .nodes
        .iter()
        .map(|n| n.id.clone())
        .chain(model.groups.iter().map(|(g, _)| g.clone()))
        .collect()
}

/// Compiles a reachability query.
///
/// The nodes that can matter are those reachable forward from a source and backward from a
/// target. Within them, the minimal path sets are the chordless paths from a source to the
/// first target they meet: a path with a forward chord, or through another source or
/// target, has a strict subset that is also a path. The query holds in a trial exactly when
/// all nodes of some minimal path set are up. When there are too many sets (or more than 64
/// nodes on them), the trial searches the relevant nodes instead.
fn path_query(model: &Model, from: Vec<usize>, to: Vec<usize>) -> PathQuery {
    let n = model.nodes.len();
    let mut out_adj = vec![Vec::new(); n];
    let mut in_adj = vec![Vec::new(); n];
    for l in &model.links {
        out_adj[l.a].push(l.b);
        in_adj[l.b].push(l.a);
        if !l.oneway {
            out_adj[l.b].push(l.a);
            in_adj[l.a].push(l.b);
        }
    }
    let reach = |start: &[usize], adj: &[Vec<usize>]| {
        let mut seen = vec![false; n];
        let mut stack: Vec<usize> = start.to_vec();
        for &s in start {
            seen[s] = true;
        }
        while let Some(v) = stack.pop() {
            for &w in &adj[v] {
                if !seen[w] {
                    seen[w] = true;
                    stack.push(w);
                }
            }
        }
        seen
    };
    let f = reach(&from, &out_adj);
    let b = reach(&to, &in_adj);
    let within: Vec<bool> = (0..n).map(|i| f[i] && b[i]).collect();
    let mut is_source = vec![false; n];
    from.iter().for_each(|&s| is_source[s] = true);
    let mut is_target = vec![false; n];
    to.iter().for_each(|&t| is_target[t] = true);

    let mut sets: Vec<Vec<usize>> = Vec::new();
    let mut overflow = false;
    let mut chord = vec![0u32; n];
    let mut on_path = vec![false; n];
    let mut path: Vec<usize> = Vec::new();
    for &s in &from {
        if !within[s] || overflow {
            continue;
        }
        if is_target[s] {
            sets.push(vec![s]);
            continue;
        }
        path.push(s);
        on_path[s] = true;
        dfs_paths(
            &out_adj,
            &within,
            &is_source,
            &is_target,
            &mut chord,
            &mut on_path,
            &mut path,
            &mut sets,
            &mut overflow,
        );
        on_path[s] = false;
        path.pop();
    }
    let mut nodes_on_sets: Vec<usize> = sets.iter().flatten().copied().collect();
    nodes_on_sets.sort_unstable();
    nodes_on_sets.dedup();
    if overflow || nodes_on_sets.len() > 64 {
        let relevant: Vec<usize> = (0..n).filter(|&i| within[i]).collect();
        let out = (0..n)
            .map(|v| {
                if within[v] {
                    out_adj[v]
                        .iter()
                        .filter(|&&w| within[w])
                        .map(|&w| w as u32)
                        .collect()
                } else {
                    Vec::new()
                }
            })
            .collect();
        return PathQuery {
            from,
            to,
            relevant,
            path_sets: None,
            eval: PathEval::Search { out },
        };
    }
    let bit = |v: usize| 1u64 << nodes_on_sets.binary_search(&v).expect("node on a set");
    let mut masks: Vec<u64> = sets
        .iter()
        .map(|p| p.iter().map(|&v| bit(v)).fold(0, |a, b| a | b))
        .collect();
    // Keep only minimal sets (chordless paths from different sources can still nest).
    masks.sort_unstable_by_key(|m| (m.count_ones(), *m));
    masks.dedup();
    let mut minimal: Vec<u64> = Vec::new();
    for m in masks {
        if !minimal.iter().any(|&k| k & !m == 0) {
            minimal.push(m);
        }
    }
    PathQuery {
        from,
        to,
        path_sets: Some(minimal.len()),
        relevant: nodes_on_sets.clone(),
        eval: PathEval::Sets {
            nodes: nodes_on_sets.iter().map(|&v| v as u32).collect(),
            sets: minimal,
        },
    }
}

#[allow(clippy::too_many_arguments)]
fn dfs_paths(
    out: &[Vec<usize>],
    within: &[bool],
    is_source: &[bool],
    is_target: &[bool],
    chord: &mut [u32],
    on_path: &mut [bool],
    path: &mut Vec<usize>,
    sets: &mut Vec<Vec<usize>>,
    overflow: &mut bool,
) {
    if *overflow {
        return;
    }
    let last = *path.last().expect("non-empty");
    for &v in &out[last] {
        if !within[v] || on_path[v] || is_source[v] || chord[v] > 0 {
            continue;
        }
        if is_target[v] {
            path.push(v);
            sets.push(path.clone());
            path.pop();
            if sets.len() > MAX_PATH_SETS {
                *overflow = true;
                return;
            }
            continue;
        }
        // `last` stops being the end of the path: its other successors become chords.
        for &w in &out[last] {
            chord[w] += 1;
        }
        path.push(v);
        on_path[v] = true;
        dfs_paths(
            out, within, is_source, is_target, chord, on_path, path, sets, overflow,
        );
        on_path[v] = false;
        path.pop();
        for &w in &out[last] {
            chord[w] -= 1;
        }
        if *overflow {
            return;
        }
    }
}
