//! Hazard: zone hazards, the earthquake's ground motion at the sites, fragility curves.

use std::collections::HashMap;

use super::builder::{sp, Builder};
use crate::base::rng::stable_key;
use crate::diag::{checks, did_you_mean, Result};
use crate::groundmotion as gm;
use crate::model::*;
use crate::scenario::{GroundMotionDef, Spanned};

impl Builder<'_> {
    /// The earthquake's ground motion at every site: medians and dispersions of the
    /// intensity measure (and of PGA), grid-supply curves, and the correlated field.
    pub(super) fn ground_motion(&self, sites: &[Site]) -> Result<Option<GroundMotionModel>> {
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
                checks::number_in_range(self.src, f, v.as_ref(), what, (default, lo, hi))
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
        let rupture = self.rupture(f, d)?;
        let imt = match d.imt.unwrap_or(crate::scenario::ImtDef::Pgv) {
            crate::scenario::ImtDef::Pgv => gm::Imt::Pgv,
            crate::scenario::ImtDef::Pga => gm::Imt::Pga,
        };
        let vs30 = self.vs30(sites, vs30_default)?;
        let coords: Vec<(f64, f64)> = sites.iter().map(|s| (s.pos.lat, s.pos.lon)).collect();
        let rrup = rupture.rrup_km_many(&coords);
        let at_sites = |imt: gm::Imt, hint: Option<String>| -> Result<(Vec<f64>, Vec<f64>)> {
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
                    hint,
                )
            })?;
            Ok((ln_median, sigma_ln))
        };
        let (ln_median, sigma_ln) = at_sites(
            imt,
            Some("sites must lie within 1000 km of the rupture".into()),
        )?;
        let (ln_median_pga, sigma_ln_pga) = at_sites(gm::Imt::Pga, None)?;
        let power = self.power(f, d, imt)?;
        let (site_point, point_keys, field) = self.field(f, d, sites, imt)?;
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

    fn rupture(&self, f: usize, d: &GroundMotionDef) -> Result<gm::Rupture> {
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
        match &d.plane {
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
        .map_err(|e| self.err(sp(f, &d.mw), format!("the earthquake is out of the model's range: {e}"), Some("Si & Midorikawa (1999) takes Mw 5.0-9.5 (capped at 8.3), depths 0-200 km; dips in (0, 90]".into())))
    }

    /// Vs30 of every site: its own or the default.
    fn vs30(&self, sites: &[Site], vs30_default: f64) -> Result<Vec<f64>> {
        let mut vs30 = Vec::with_capacity(sites.len());
        for s in sites {
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
        }
        Ok(vs30)
    }

    /// The grid-supply curves of `[hazard.power]`, in a measure the field samples.
    fn power(&self, f: usize, d: &GroundMotionDef, imt: gm::Imt) -> Result<Option<Fragility>> {
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
        Ok(power)
    }

    /// The correlated field over the distinct points of the sites: each site's point, the
    /// points' keys, and the factored correlation.
    #[allow(clippy::type_complexity)]
    fn field(
        &self,
        f: usize,
        d: &GroundMotionDef,
        sites: &[Site],
        imt: gm::Imt,
    ) -> Result<(Vec<u32>, Vec<u64>, Field)> {
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
        Ok((site_point, point_keys, field))
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
        checks::source(self.src, sp(f, source), source.get_ref(), what)?;
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

    pub(super) fn fragility(
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

    pub(super) fn zones(
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
            let p_event =
                checks::prob_or(self.src, z.file, z.item.p_event.as_ref(), "p_event", 1.0)?;
            let mut p_fail = vec![0.0; classes.len()];
            for (cname, p) in z.item.p_fail.get_ref() {
                let Some(&ci) = class_index.get(cname.as_str()) else {
                    return Err(self.err(
                        z.span(p),
                        format!("zone hazard gives p_fail for undefined class `{cname}`"),
                        did_you_mean(cname, classes.iter().map(String::as_str)),
                    ));
                };
                p_fail[ci] = checks::prob(
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
}

/// The hazard each node meets, as the trial reads it: its zone and ground-motion pair at a
/// fixed site, or one entry per alternative site in `alt_hazard`. Returns the per-node
/// hazards, `alt_hazard` and the (site, class) pairs the ground motion is sampled for.
pub(super) fn hot_nodes(
    n_regions: usize,
    sites: &[Site],
    zones: &[Zone],
    nodes: &[Node],
    has_ground_motion: bool,
    fragility: &[Option<Fragility>],
) -> (Vec<HotNode>, Vec<SiteHazard>, Vec<(u32, u32)>) {
    let mut zone_of_region = vec![None; n_regions];
    for (zi, z) in zones.iter().enumerate() {
        zone_of_region[z.region] = Some(zi);
    }
    let mut alt_hazard = Vec::new();
    let mut gm_pairs: Vec<(u32, u32)> = Vec::new();
    let mut hazard_at = |site: usize, class: usize| -> SiteHazard {
        let (zone, p) = match zone_of_region[sites[site].region] {
            Some(z) if zones[z].p_fail[class] > 0.0 => (z as u32, zones[z].p_fail[class]),
            _ => (u32::MAX, 0.0),
        };
        let gm_pair = if has_ground_motion && fragility[class].is_some() {
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

    (hot, alt_hazard, gm_pairs)
}
