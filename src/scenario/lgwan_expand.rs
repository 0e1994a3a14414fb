//! Expansion of `[lgwan]` into ordinary sites, nodes and services (no links: see
//! [`expand`]).
//!
//! LGWAN components become model nodes like any other, so the hazard stage damages them and
//! the recovery engine powers, repairs and restarts them; the mail model then reads their
//! up/down timelines. Generated ids:
//!
//! * `lgwan.noc`; `lgwan.poi_east` (facility), `.dns`, `.smtp`, `.noc_line` (same for west);
//! * `lgwan.ix.<id>` per interconnection point, with service `lgwan.ix.<id>.gnet`;
//! * per prefecture (site `lgwan.pref<code>`, the prefectural office): `lgwan.pref<code>.node`,
//!   `.line_east`, `.line_west` (backbone lines to the two POIs);
//! * per municipality `<m>` (site `lgwan.<m>`): `lgwan.<m>.router`, `.line` (LGWAN access
//!   line), `.mail` (LGWAN-side mail server), `.dns` (cache DNS), `.inet_mail`
//!   (internet-side mail server), `.auth_dns` (authoritative DNS), `.inet_line` (internet
//!   line), `.auth_dns2` (secondary authoritative DNS outside the premises, may not exist).

use std::path::Path;

use super::file::{Located, Merged, OptionDef};
use super::lgwan::{InterconnectionDef, LgwanDef, LgwanPatch};
use super::types::{
    DurationDef, NodeDef, NodeKind, PlacementDef, SString, ServiceDef, SiteDef, Spanned,
};
use crate::diag::{checks, did_you_mean, Error, Result, SourceFile, SourceMap, Span};

/// Parts of a municipality, in the order of the part indices of the mail model.
pub(crate) const MUNI_PARTS: [&str; 8] = [
    "router",
    "line",
    "mail",
    "dns",
    "inet_mail",
    "auth_dns",
    "inet_line",
    "auth_dns2",
];

/// A prefecture as read from the CSV.
#[derive(Debug, Clone)]
pub(crate) struct Prefecture {
    pub(crate) code: String,
    pub(crate) name_en: String,
    pub(crate) name_ja: String,
    pub(crate) lat: f64,
    pub(crate) lon: f64,
    pub(crate) source: String,
    pub(crate) span: Span,
}

/// A municipality after expansion.
#[derive(Debug, Clone)]
pub(crate) struct Muni {
    pub(crate) id: String,
    pub(crate) prefecture: usize,
    pub(crate) name_en: String,
    pub(crate) name_ja: String,
    pub(crate) lat: f64,
    pub(crate) lon: f64,
    pub(crate) source: String,
    pub(crate) span: Span,
}

/// Reads the prefectures CSV named by `[lgwan] prefectures` into the source map (so the
/// scenario's hash covers it and its errors have lines) and returns its file index.
pub fn read_prefectures(
    sources: &mut SourceMap,
    file: usize,
    dir: &Path,
    def: &LgwanDef,
) -> Result<usize> {
    let path = dir.join(def.prefectures.get_ref());
    let span = Span {
        file,
        start: def.prefectures.span().start,
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        sources.error(
            span,
            format!("cannot read the prefectures CSV {}: {e}", path.display()),
            Some("the path is relative to the file that holds [lgwan]".into()),
        )
    })?;
    sources.files.push(SourceFile { path, text });
    Ok(sources.files.len() - 1)
}

#[derive(serde::Deserialize)]
struct PrefRow {
    prefecture_code: String,
    prefecture_en: String,
    prefecture_ja: String,
    office_lat: f64,
    office_lon: f64,
    source: String,
}

/// Parses the prefectures CSV (already in the source map).
pub(crate) fn parse_prefectures(src: &SourceMap, file: usize) -> Result<Vec<Prefecture>> {
    let text = &src.files[file].text;
    let mut rd = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let mut out: Vec<Prefecture> = Vec::new();
    let mut rec = csv::StringRecord::new();
    loop {
        let start = rd.position().byte() as usize;
        match rd.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(src.error(Span { file, start }, format!("malformed CSV: {e}"), None))
            }
        }
        let span = Span {
            file,
            start: rec.position().map(|p| p.byte() as usize).unwrap_or(start),
        };
        let headers = rd.headers().cloned().unwrap_or_default();
        let row: PrefRow = rec.deserialize(Some(&headers)).map_err(|e| {
            src.error(
                span,
                format!("bad prefecture row: {e}"),
                Some("columns: prefecture_code,prefecture_en,prefecture_ja,office_lat,office_lon,source".into()),
            )
        })?;
        if !(20.0..=46.0).contains(&row.office_lat) || !(122.0..=154.0).contains(&row.office_lon) {
            return Err(src.error(
                span,
                format!(
                    "prefectural office of `{}` at ({}, {}) is outside Japan",
                    row.prefecture_code, row.office_lat, row.office_lon
                ),
                Some("office_lat and office_lon are WGS84 degrees".into()),
            ));
        }
        if row.source.trim().is_empty() {
            return Err(src.error(
                span,
                format!("prefecture `{}` has no source", row.prefecture_code),
                Some("say where the coordinates come from".into()),
            ));
        }
        if out.iter().any(|p| p.code == row.prefecture_code) {
            return Err(src.error(
                span,
                format!("prefecture code `{}` appears twice", row.prefecture_code),
                None,
            ));
        }
        out.push(Prefecture {
            code: row.prefecture_code,
            name_en: row.prefecture_en,
            name_ja: row.prefecture_ja,
            lat: row.office_lat,
            lon: row.office_lon,
            source: row.source,
            span,
        });
    }
    if out.is_empty() {
        return Err(src.error(
            Span { file, start: 0 },
            "the prefectures CSV has no rows",
            None,
        ));
    }
    Ok(out)
}

/// The municipalities of `[lgwan]`: each prefecture's capital city, the extras spread over
/// the prefectures in code order, then the listed ones.
pub(crate) fn municipalities(
    src: &SourceMap,
    l: &Located<LgwanDef>,
    prefs: &[Prefecture],
) -> Result<Vec<Muni>> {
    let d = &l.item;
    let mut out = Vec::new();
    // Assumption (stated in the format docs): a capital city's office is at the prefectural
    // office, and generated municipalities stand there too (same region, own site and grid
    // draw); list municipalities with their own coordinates where this matters.
    for (k, p) in prefs.iter().enumerate() {
        out.push(Muni {
            id: format!("c{}", p.code),
            prefecture: k,
            name_en: format!("{} capital city", p.name_en),
            name_ja: format!("{}の県庁所在市", p.name_ja),
            lat: p.lat,
            lon: p.lon,
            source: format!("assumption: at the prefectural office ({})", p.source),
            span: p.span,
        });
    }
    let extra = checks::integer_in_range(
        src,
        l.file,
        d.extra_municipalities.as_ref(),
        "extra_municipalities",
        (0, 0, 100_000),
    )? as usize;
    let n = prefs.len();
    for (k, p) in prefs.iter().enumerate() {
        let count = extra / n + usize::from(k < extra % n);
        for j in 1..=count {
            out.push(Muni {
                id: format!("x{}-{j}", p.code),
                prefecture: k,
                name_en: format!("{} municipality {j} (representative)", p.name_en),
                name_ja: format!("{}の市町村{j}（代表）", p.name_ja),
                lat: p.lat,
                lon: p.lon,
                source:
                    "assumption: a representative municipality placed at its prefectural office"
                        .into(),
                span: l.span(d.extra_municipalities.as_ref().expect("count > 0")),
            });
        }
    }
    for mdef in &d.municipalities {
        let span = l.span(&mdef.id);
        let code = mdef.prefecture.get_ref();
        let Some(k) = prefs.iter().position(|p| &p.code == code) else {
            return Err(src.error(
                l.span(&mdef.prefecture),
                format!("unknown prefecture code `{code}`"),
                did_you_mean(code, prefs.iter().map(|p| p.code.as_str())),
            ));
        };
        let (lat, lon) = (*mdef.lat.get_ref(), *mdef.lon.get_ref());
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return Err(src.error(
                span,
                format!("coordinates ({lat}, {lon}) are not degrees"),
                None,
            ));
        }
        if mdef.source.get_ref().trim().is_empty() {
            return Err(src.error(
                l.span(&mdef.source),
                "municipality without a source",
                Some("say where the location comes from".into()),
            ));
        }
        out.push(Muni {
            id: mdef.id.get_ref().clone(),
            prefecture: k,
            name_en: mdef.name_en.clone(),
            name_ja: mdef.name_ja.clone(),
            lat,
            lon,
            source: mdef.source.get_ref().clone(),
            span,
        });
    }
    for (i, m) in out.iter().enumerate() {
        let ok = !m.id.is_empty()
            && m.id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            return Err(src.error(
                m.span,
                format!(
                    "municipality id `{}` must be letters, digits, `-` or `_`",
                    m.id
                ),
                None,
            ));
        }
        if out[..i].iter().any(|x| x.id == m.id) {
            return Err(src.error(
                m.span,
                format!("municipality `{}` is defined twice", m.id),
                Some("capital cities are `c<code>`, extras `x<code>-<k>`".into()),
            ));
        }
    }
    Ok(out)
}

/// Adds an option's interconnection points to `[lgwan]`.
pub fn apply_option(
    src: &SourceMap,
    m: &mut Merged,
    file: usize,
    option_span: Span,
    patch: &LgwanPatch,
) -> Result<()> {
    let Some(l) = &mut m.lgwan else {
        return Err(src.error(
            option_span,
            "this option changes [lgwan], but the scenario has no [lgwan] table",
            None,
        ));
    };
    for ix in &patch.add_interconnections {
        l.item.added_interconnections.push((file, ix.clone()));
    }
    Ok(())
}

/// All interconnection points with their files: the table's, then the options'.
pub(crate) fn interconnections(l: &Located<LgwanDef>) -> Vec<(usize, &InterconnectionDef)> {
    l.item
        .interconnections
        .get_ref()
        .iter()
        .map(|x| (l.file, x))
        .chain(l.item.added_interconnections.iter().map(|(f, x)| (*f, x)))
        .collect()
}

fn spanned<T>(span: Span, v: T) -> Spanned<T> {
    Spanned::new(span.start..span.start, v)
}

/// Expands `[lgwan]` into the merged scenario (after options, before the model is built).
pub fn expand(src: &SourceMap, m: &mut Merged) -> Result<()> {
    let Some(l) = m.lgwan.clone() else {
        return Ok(());
    };
    check_table(src, m, &l)?;
    let csv = l.item.prefectures_file.expect("read at load");
    let prefs = parse_prefectures(src, csv)?;
    let munis = municipalities(src, &l, &prefs)?;
    let mut g = Generated {
        l: &l,
        lspan: l.span(&l.item.source),
        sites: Vec::new(),
        nodes: Vec::new(),
        services: Vec::new(),
    };
    g.operator_facilities(src)?;
    g.interconnections(src, m.gnet.is_some())?;
    g.prefectures(&prefs);
    g.municipalities(src, &munis)?;
    let Generated {
        sites,
        nodes,
        services,
        ..
    } = g;
    m.sites.extend(sites);
    m.nodes.extend(nodes);
    // No links: LGWAN reachability is the mail model's own structure function over these
    // nodes; links would put the whole LGWAN graph inside every G-net path query.
    m.services.extend(services);
    add_recovery(src, m, &l)?;
    Ok(())
}

/// `[lgwan]` has a source, the scenario a `[recovery]`, and the classes exist.
fn check_table(src: &SourceMap, m: &Merged, l: &Located<LgwanDef>) -> Result<()> {
    let d = &l.item;
    let lspan = l.span(&d.source);
    if d.source.get_ref().trim().is_empty() {
        return Err(src.error(
            lspan,
            "[lgwan] does not say where its structure comes from",
            Some("cite 000/001 or mark \"assumption: <why>\"".into()),
        ));
    }
    if m.recovery.is_none() {
        return Err(src.error(
            lspan,
            "[lgwan] needs a [recovery] table: mail is delivered against the components' up/down timelines",
            Some("include common/recovery.toml".into()),
        ));
    }
    let c = &d.classes;
    for cls in [
        &c.center,
        &c.poi_server,
        &c.backbone_line,
        &c.prefecture_node,
        &c.router,
        &c.access_line,
        &c.municipal_server,
        &c.internet_line,
        &c.interconnection,
    ] {
        if !m
            .classes
            .iter()
            .any(|x| x.item.id.get_ref() == cls.get_ref())
        {
            return Err(src.error(
                l.span(cls),
                format!("[lgwan.classes] names undefined class `{}`", cls.get_ref()),
                did_you_mean(
                    cls.get_ref(),
                    m.classes.iter().map(|x| x.item.id.get_ref().as_str()),
                ),
            ));
        }
    }
    Ok(())
}

/// A generated node (ids, names and owner as documented at the top of this file).
#[allow(clippy::too_many_arguments)]
fn node(
    file: usize,
    span: Span,
    id: String,
    kind: NodeKind,
    class: &SString,
    place: Option<Spanned<PlacementDef>>,
    owner: &str,
    en: String,
    ja: String,
) -> Located<NodeDef> {
    Located {
        file,
        item: NodeDef {
            id: spanned(span, id),
            kind,
            class: Some(class.clone()),
            site: place,
            exists_p: None,
            gnet_access: false,
            name_en: en,
            name_ja: ja,
            owner: Some(owner.to_string()),
        },
    }
}

/// What `[lgwan]` expands into, built step by step.
struct Generated<'a> {
    l: &'a Located<LgwanDef>,
    /// Span of `[lgwan] source`, given to generated items without a span of their own.
    lspan: Span,
    sites: Vec<Located<SiteDef>>,
    nodes: Vec<Located<NodeDef>>,
    services: Vec<Located<ServiceDef>>,
}

impl Generated<'_> {
    /// Adds the office site `id` (a prefecture's or a municipality's) and returns the
    /// placement of the nodes there.
    fn office(
        &mut self,
        id: &str,
        en: String,
        ja: String,
        (lat, lon): (f64, f64),
        source: String,
    ) -> Option<Spanned<PlacementDef>> {
        let lspan = self.lspan;
        self.sites.push(Located {
            file: self.l.file,
            item: SiteDef {
                id: spanned(lspan, id.to_string()),
                name_en: en,
                name_ja: ja,
                lat: spanned(lspan, lat),
                lon: spanned(lspan, lon),
                source: spanned(lspan, source),
                vs30_mps: None,
            },
        });
        Some(spanned(lspan, PlacementDef::Site(id.to_string())))
    }

    /// The national NOC and the two POIs with their DNS, mail relay and NOC line.
    fn operator_facilities(&mut self, src: &SourceMap) -> Result<()> {
        let (l, d) = (self.l, &self.l.item);
        let (c, file) = (&d.classes, l.file);
        for (s, what) in [
            (&d.noc.source, "[lgwan.noc]"),
            (&d.poi_east.source, "[lgwan.poi_east]"),
            (&d.poi_west.source, "[lgwan.poi_west]"),
        ] {
            if s.get_ref().trim().is_empty() {
                return Err(src.error(
                    l.span(s),
                    format!("{what} does not say where its placement comes from"),
                    Some("the sources do not locate it: give alternatives and say so".into()),
                ));
            }
        }
        self.nodes.push(node(
            file,
            l.span(&d.noc.site),
            "lgwan.noc".into(),
            NodeKind::Center,
            &c.center,
            Some(d.noc.site.clone()),
            "lgwan.noc",
            "LGWAN national NOC".into(),
            "LGWAN全国NOC".into(),
        ));
        for (name, poi, en, ja) in [
            ("east", &d.poi_east, "East Japan", "東日本"),
            ("west", &d.poi_west, "West Japan", "西日本"),
        ] {
            let id = format!("lgwan.poi_{name}");
            let span = l.span(&poi.site);
            let place = Some(poi.site.clone());
            self.nodes.push(node(
                file,
                span,
                id.clone(),
                NodeKind::Center,
                &c.center,
                place.clone(),
                &id,
                format!("LGWAN {en} POI"),
                format!("LGWAN {ja}POI"),
            ));
            for (part, what_en, what_ja) in [
                ("dns", "DNS server", "DNSサーバ"),
                ("smtp", "mail relay", "メールサーバ"),
            ] {
                self.nodes.push(node(
                    file,
                    span,
                    format!("{id}.{part}"),
                    NodeKind::Server,
                    &c.poi_server,
                    place.clone(),
                    &id,
                    format!("LGWAN {en} POI {what_en}"),
                    format!("LGWAN {ja}POI {what_ja}"),
                ));
            }
            self.nodes.push(node(
                file,
                span,
                format!("{id}.noc_line"),
                NodeKind::Line,
                &c.backbone_line,
                place,
                &id,
                format!("LGWAN line {en} POI - NOC"),
                format!("{ja}POI-全国NOC間回線"),
            ));
        }
        Ok(())
    }

    /// Interconnection points to G-net, each with a service "reaches G-net".
    fn interconnections(&mut self, src: &SourceMap, has_gnet: bool) -> Result<()> {
        let l = self.l;
        let ixs = interconnections(l);
        if !ixs.is_empty() && !has_gnet {
            return Err(src.error(
                self.lspan,
                "[lgwan] has interconnection points but the scenario has no [gnet] table",
                Some("include common/government.toml".into()),
            ));
        }
        for (f, ix) in &ixs {
            let span = Span {
                file: *f,
                start: ix.id.span().start,
            };
            let id = ix.id.get_ref();
            if ix.source.get_ref().trim().is_empty() {
                return Err(src.error(span, format!("interconnection `{id}` has no source"), None));
            }
            if !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err(src.error(
                    span,
                    format!("interconnection id `{id}` must be letters, digits, `-` or `_`"),
                    None,
                ));
            }
            let nid = format!("lgwan.ix.{id}");
            let mut n = node(
                *f,
                span,
                nid.clone(),
                NodeKind::Router,
                &l.item.classes.interconnection,
                Some(ix.site.clone()),
                &nid,
                format!("LGWAN-G-net interconnection {id}"),
                format!("LGWAN・政府共通NW相互接続点 {id}"),
            );
            n.item.gnet_access = true;
            self.nodes.push(n);
            self.services.push(Located {
                file: *f,
                item: ServiceDef {
                    id: spanned(span, format!("{nid}.gnet")),
                    name_en: format!("LGWAN interconnection {id} reaches G-net"),
                    name_ja: format!("相互接続点{id}から政府共通NWへの到達"),
                    expr: spanned(span, format!("path({nid}, gnet)")),
                },
            });
        }
        Ok(())
    }

    /// Per prefecture: its office site, its node and its backbone lines to the two POIs.
    fn prefectures(&mut self, prefs: &[Prefecture]) {
        let (c, file) = (&self.l.item.classes, self.l.file);
        for p in prefs {
            let sid = format!("lgwan.pref{}", p.code);
            let place = self.office(
                &sid,
                format!("{} prefectural office", p.name_en),
                format!("{}庁", p.name_ja),
                (p.lat, p.lon),
                p.source.clone(),
            );
            let owner = sid.clone();
            self.nodes.push(node(
                file,
                p.span,
                format!("{sid}.node"),
                NodeKind::Router,
                &c.prefecture_node,
                place.clone(),
                &owner,
                format!("LGWAN prefecture node, {}", p.name_en),
                format!("{}都道府県ノード", p.name_ja),
            ));
            for (name, en, ja) in [("east", "East", "東日本"), ("west", "West", "西日本")] {
                let lid = format!("{sid}.line_{name}");
                self.nodes.push(node(
                    file,
                    p.span,
                    lid.clone(),
                    NodeKind::Line,
                    &c.backbone_line,
                    place.clone(),
                    &owner,
                    format!("LGWAN backbone line {} - {en} POI", p.name_en),
                    format!("{}-{ja}POI間回線", p.name_ja),
                ));
            }
        }
    }

    /// Per municipality: its office site and the parts of [`MUNI_PARTS`].
    fn municipalities(&mut self, src: &SourceMap, munis: &[Muni]) -> Result<()> {
        let (l, file) = (self.l, self.l.file);
        // Not `checks::prob_or`, whose hint would change this error's message.
        let secondary_p = match &l.item.secondary_dns_p {
            None => 0.0,
            Some(p) => {
                let v = *p.get_ref();
                if !(0.0..=1.0).contains(&v) {
                    return Err(src.error(
                        l.span(p),
                        format!("secondary_dns_p must be a probability in [0, 1], found {v}"),
                        None,
                    ));
                }
                v
            }
        };
        let spec = muni_parts(&l.item);
        for mu in munis {
            let sid = format!("lgwan.{}", mu.id);
            let place = self.office(
                &sid,
                format!("{} office", mu.name_en),
                format!("{}庁舎", mu.name_ja),
                (mu.lat, mu.lon),
                mu.source.clone(),
            );
            for (k, &(kind, class, en, ja)) in spec.iter().enumerate() {
                let part = MUNI_PARTS[k];
                let mut n = node(
                    file,
                    mu.span,
                    format!("{sid}.{part}"),
                    kind,
                    class,
                    place.clone(),
                    &sid,
                    format!("{} {en}", mu.name_en),
                    format!("{}{ja}", mu.name_ja),
                );
                if part == "auth_dns2" {
                    // Hosted by a provider outside the damaged area: never hit, may not exist.
                    n.item.site = None;
                    n.item.class = None;
                    n.item.exists_p = Some(spanned(self.lspan, secondary_p));
                }
                self.nodes.push(n);
            }
        }
        Ok(())
    }
}

/// Kind, class and names of each part of a municipality, in the order of [`MUNI_PARTS`].
fn muni_parts(d: &LgwanDef) -> [(NodeKind, &SString, &'static str, &'static str); 8] {
    let c = &d.classes;
    [
        (
            NodeKind::Router,
            &c.router,
            "LGWAN connection router",
            "LGWAN接続ルータ",
        ),
        (
            NodeKind::Line,
            &c.access_line,
            "LGWAN access line",
            "LGWANアクセス回線",
        ),
        (
            NodeKind::Server,
            &c.municipal_server,
            "LGWAN-side mail server",
            "LGWAN接続系メールサーバ",
        ),
        (
            NodeKind::Server,
            &c.municipal_server,
            "cache DNS server",
            "DNSキャッシュサーバ",
        ),
        (
            NodeKind::Server,
            &c.municipal_server,
            "internet-side mail server",
            "インターネット接続系メールサーバ",
        ),
        (
            NodeKind::Server,
            &c.municipal_server,
            "authoritative DNS server",
            "権威DNSサーバ",
        ),
        (
            NodeKind::Line,
            &c.internet_line,
            "internet line",
            "インターネット回線",
        ),
        (
            NodeKind::Server,
            &c.municipal_server,
            "secondary authoritative DNS (outside)",
            "外部の権威DNSサーバ",
        ),
    ]
}

/// Checks `[[lgwan.crews]]`, `[[lgwan.repair]]` and `[[lgwan.generators]]` where they are
/// written and adds them to `[recovery]` (whose checks would report them against the wrong
/// file).
fn add_recovery(src: &SourceMap, m: &mut Merged, l: &Located<LgwanDef>) -> Result<()> {
    let d = &l.item;
    let rec = &m.recovery.as_ref().expect("checked").item;
    let class_ok = |c: &SString| -> Result<()> {
        if m.classes.iter().any(|x| x.item.id.get_ref() == c.get_ref()) {
            Ok(())
        } else {
            Err(src.error(
                l.span(c),
                format!("undefined class `{}`", c.get_ref()),
                did_you_mean(
                    c.get_ref(),
                    m.classes.iter().map(|x| x.item.id.get_ref().as_str()),
                ),
            ))
        }
    };
    let src_ok = |s: &SString, what: &str| checks::source(src, l.span(s), s.get_ref(), what);
    let dur_ok = |v: &Spanned<DurationDef>, what: &str| {
        let d = v.get_ref();
        checks::duration(src, l.span(v), d.median_hours, d.beta, what)
    };
    for cdef in &d.crews {
        src_ok(&cdef.source, "a crew pool")?;
        let id = cdef.id.get_ref();
        if rec.crews.iter().any(|x| x.id.get_ref() == id)
            || d.crews.iter().filter(|x| x.id.get_ref() == id).count() > 1
        {
            return Err(src.error(
                l.span(&cdef.id),
                format!("crew pool `{id}` is defined twice"),
                None,
            ));
        }
        let count = *cdef.count.get_ref();
        if !(1..=100_000).contains(&count) {
            return Err(src.error(
                l.span(&cdef.count),
                format!("count must be a whole number >= 1, found {count}"),
                None,
            ));
        }
        dur_ok(&cdef.travel, "travel")?;
    }
    for rp in &d.repair {
        src_ok(&rp.source, "a repair entry")?;
        class_ok(&rp.class)?;
        let cls = rp.class.get_ref();
        if rec.repair.iter().any(|x| x.class.get_ref() == cls)
            || d.repair.iter().filter(|x| x.class.get_ref() == cls).count() > 1
        {
            return Err(src.error(
                l.span(&rp.class),
                format!("class `{cls}` has two repair entries"),
                None,
            ));
        }
        let crew = rp.crew.get_ref();
        if !rec
            .crews
            .iter()
            .chain(&d.crews)
            .any(|x| x.id.get_ref() == crew)
        {
            return Err(src.error(
                l.span(&rp.crew),
                format!("undefined crew pool `{crew}`"),
                did_you_mean(
                    crew,
                    rec.crews
                        .iter()
                        .chain(&d.crews)
                        .map(|x| x.id.get_ref().as_str()),
                ),
            ));
        }
        dur_ok(&rp.duration, "repair duration")?;
        if let Some(b) = &rp.duration_by_state {
            if b.get_ref().len() != 4 {
                return Err(src.error(l.span(b), format!("duration_by_state must list 4 durations (slight, moderate, extensive, complete), found {}", b.get_ref().len()), None));
            }
            for x in b.get_ref() {
                checks::duration(src, l.span(b), x.median_hours, x.beta, "duration_by_state")?;
            }
        }
    }
    for g in &d.generators {
        src_ok(&g.source, "a generator entry")?;
        class_ok(&g.class)?;
        let cls = g.class.get_ref();
        if rec.generators.iter().any(|x| x.class.get_ref() == cls)
            || d.generators
                .iter()
                .filter(|x| x.class.get_ref() == cls)
                .count()
                > 1
        {
            return Err(src.error(
                l.span(&g.class),
                format!("class `{cls}` has two generator entries"),
                None,
            ));
        }
        let fuel = &g.fuel_hours;
        checks::in_range(
            src,
            l.span(fuel),
            "fuel_hours",
            *fuel.get_ref(),
            0.0,
            87_600.0,
        )?;
        // Not `checks::prob`, whose hint would change this error's message.
        let p = *g.p_refuel.get_ref();
        if !(p.is_finite() && (0.0..=1.0).contains(&p)) {
            return Err(src.error(
                l.span(&g.p_refuel),
                format!("p_refuel must be a probability in [0, 1], found {p}"),
                None,
            ));
        }
        dur_ok(&g.refuel, "refuel")?;
    }
    let rec = &mut m.recovery.as_mut().expect("checked").item;
    rec.crews.extend(d.crews.iter().cloned());
    rec.repair.extend(d.repair.iter().cloned());
    rec.generators.extend(d.generators.iter().cloned());
    Ok(())
}

/// An error for a missing node id after the model is built (a bug, not bad input).
pub(crate) fn missing(id: &str) -> Error {
    Error::Run(format!("LGWAN node `{id}` missing from the built model"))
}

/// Applies an option's `[options.lgwan]` (see [`apply_option`]).
pub fn apply_option_def(src: &SourceMap, m: &mut Merged, opt: &Located<OptionDef>) -> Result<()> {
    if let Some(p) = &opt.item.lgwan {
        apply_option(src, m, opt.file, opt.span(&opt.item.id), p)?;
    }
    Ok(())
}
