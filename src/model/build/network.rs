//! The network: regions, classes, sites, unknowns, placements, nodes (with G-net
//! attachments), links and groups.

use std::collections::HashMap;

use super::builder::{sp, Builder, NodeSpec};
use crate::base::rng::stable_key;
use crate::diag::{checks, did_you_mean, Result, Span};
use crate::geo::{LatLon, Ring};
use crate::model::*;
use crate::scenario::{
    AlternativeDef, NodeDef, NodeKind, PlacementDef, RemoteAccess, SiteChoiceDef, Spanned,
};

impl Builder<'_> {
    /// Resolves node specs to nodes: classes, placements (adding the unknowns that
    /// anonymous placement alternatives make) and shared existence.
    pub(super) fn nodes(
        &self,
        node_specs: &[NodeSpec],
        class_index: &HashMap<&str, usize>,
        classes: &[String],
        site_index: &HashMap<&str, usize>,
        sites: &[Site],
        unknowns: &mut Vec<Unknown>,
    ) -> Result<(Vec<Node>, HashMap<String, usize>)> {
        let mut nodes: Vec<Node> = Vec::with_capacity(node_specs.len());
        // Anonymous placement unknowns by (owner, placement position): see NodeSpec::owner.
        let mut shared: HashMap<(String, Span), usize> = HashMap::new();
        let mut node_index: HashMap<String, usize> = HashMap::new();
        for ns in node_specs {
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
                Some((p, span)) => {
                    self.placement(ns, p, *span, site_index, sites, unknowns, &mut shared)?
                }
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
        Ok((nodes, node_index))
    }

    /// The links, written and generated, with their ends resolved to node indices.
    pub(super) fn links(
        &self,
        node_specs: &[NodeSpec],
        node_index: &HashMap<String, usize>,
    ) -> Result<Vec<Link>> {
        let link_specs = self.link_specs(node_specs)?;
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
        Ok(links)
    }

    pub(super) fn regions(&self) -> Result<Vec<Region>> {
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

    pub(super) fn classes(&self) -> Result<Vec<String>> {
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

    pub(super) fn sites(&self, regions: &[Region]) -> Result<Vec<Site>> {
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

    pub(super) fn unknowns(&self) -> Result<Vec<Unknown>> {
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
            let p = checks::prob(
                self.src,
                sp(file, &a.p),
                &format!("p of alternative `{aid}`"),
                *a.p.get_ref(),
            )?;
            v.push((aid.clone(), p));
        }
        checks::check_sum(
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
                    checks::prob(self.src, span, &format!("p of `{s}`"), *p)?;
                    v.push(site(s)?);
                    alts.push((format!("{k}:{s}"), *p));
                }
                checks::check_sum(
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
    pub(super) fn node_specs(&self) -> Result<Vec<NodeSpec>> {
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
        let exists_p = checks::prob_or(self.src, file, n.exists_p.as_ref(), "exists_p", 1.0)?;
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

    pub(super) fn groups(
        &self,
        node_index: &HashMap<String, usize>,
    ) -> Result<Vec<(String, Vec<usize>)>> {
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
}

/// A link before its ends are resolved to node indices.
pub(super) struct LinkSpec {
    a: (String, Span),
    b: (String, Span),
    oneway: bool,
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
