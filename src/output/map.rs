//! What maps need from a run: the map extent of the sites, the median intensity on a grid
//! (`intensity_grid.csv`) and the region outlines (`regions.json`).

use serde::{Deserialize, Serialize};

use crate::base::fmt::r6;
use crate::model::Model;

/// Width over height of the map's plotting area, in pixels.
pub const MAP_ASPECT: f64 = 1.2;

/// The map extent for sites at `points` (lon, lat): their bounding box padded by 1.5°, at
/// least 6.5° of latitude, widened so that a degree of longitude is cos(mid-latitude) of a
/// degree of latitude at [`MAP_ASPECT`]. Returns (lon0, lon1, lat0, lat1). The run uses it
/// for the extent of `intensity_grid.csv`, the charts for the map.
pub fn map_extent(points: &[(f64, f64)]) -> (f64, f64, f64, f64) {
    let (mut lon0, mut lon1, mut lat0, mut lat1) = if points.is_empty() {
        (137.0, 137.0, 36.0, 36.0)
    } else {
        points.iter().fold(
            (f64::MAX, f64::MIN, f64::MAX, f64::MIN),
            |(a, b, c, d), &(lon, lat)| (a.min(lon), b.max(lon), c.min(lat), d.max(lat)),
        )
    };
    let pad = 1.5;
    lon0 -= pad;
    lon1 += pad;
    lat0 -= pad;
    lat1 += pad;
    let grow = |lo: &mut f64, hi: &mut f64, span: f64| {
        if *hi - *lo < span {
            let mid = (*lo + *hi) / 2.0;
            *lo = mid - span / 2.0;
            *hi = mid + span / 2.0;
        }
    };
    grow(&mut lat0, &mut lat1, 6.5);
    let k = ((lat0 + lat1) / 2.0).to_radians().cos();
    grow(&mut lon0, &mut lon1, (lat1 - lat0) * MAP_ASPECT / k);
    grow(&mut lat0, &mut lat1, (lon1 - lon0) * k / MAP_ASPECT);
    (lon0, lon1, lat0, lat1)
}

/// One row of `intensity_grid.csv`: the median ground motion of the scenario's earthquake
/// at a grid point, at a reference Vs30 (the map's intensity field).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IntensityGridRow {
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east.
    pub lon: f64,
    /// Reference Vs30 used at every point, m/s.
    pub vs30_mps: f64,
    /// Median PGV, cm/s.
    pub median_pgv_cms: f64,
    /// JMA instrumental intensity of the median PGV.
    pub median_jma: f64,
}

/// Grid step of `intensity_grid.csv`, degrees (both axes).
pub const INTENSITY_GRID_STEP_DEG: f64 = 0.1;

/// The reference Vs30 of the intensity field: the most common Vs30 among the sites (the
/// scenario's default where sites do not set their own; the smaller value on ties).
pub fn reference_vs30(vs30: &[f64]) -> Option<f64> {
    let mut count: std::collections::BTreeMap<u64, usize> = Default::default();
    for v in vs30 {
        *count.entry(v.to_bits()).or_default() += 1;
    }
    let mut best: Option<(usize, f64)> = None;
    for (bits, n) in count {
        let v = f64::from_bits(bits);
        if best.is_none_or(|(bn, bv)| n > bn || (n == bn && v < bv)) {
            best = Some((n, v));
        }
    }
    best.map(|(_, v)| v)
}

/// Rows of `intensity_grid.csv` for a scenario with `[hazard.ground_motion]`: the median PGV
/// (Si & Midorikawa 1999, as the run uses) and its JMA intensity on a grid of
/// [`INTENSITY_GRID_STEP_DEG`] over the map extent of the sites
/// ([`map_extent`]), at [`reference_vs30`]. Points beyond the GMPE's range
/// (Rrup over 1000 km) are left out. Empty without ground motion.
pub fn intensity_grid_rows(model: &Model) -> Vec<IntensityGridRow> {
    let Some(g) = &model.ground_motion else {
        return Vec::new();
    };
    let Some(vs30) = reference_vs30(&g.vs30_mps) else {
        return Vec::new();
    };
    let pts: Vec<(f64, f64)> = model.sites.iter().map(|s| (s.pos.lon, s.pos.lat)).collect();
    let (lon0, lon1, lat0, lat1) = map_extent(&pts);
    let step = INTENSITY_GRID_STEP_DEG;
    // Grid points on multiples of the step (so that grids of different runs line up).
    let first = |x: f64| (x / step).floor() as i64;
    let last = |x: f64| (x / step).ceil() as i64;
    let event = g.rupture.event_params();
    let mut rows = Vec::new();
    for i in first(lat0)..=last(lat1) {
        for j in first(lon0)..=last(lon1) {
            let (lat, lon) = (r6(i as f64 * step), r6(j as f64 * step));
            let rrup = g.rupture.rrup_km(lat, lon);
            if let Ok((pgv, _)) = crate::groundmotion::median_and_sigma(
                &event,
                crate::groundmotion::Imt::Pgv,
                rrup,
                vs30,
            ) {
                rows.push(IntensityGridRow {
                    lat,
                    lon,
                    vs30_mps: vs30,
                    median_pgv_cms: r6(pgv),
                    median_jma: r6(crate::groundmotion::jma_from_pgv(pgv)),
                });
            }
        }
    }
    rows
}

/// A region's outline for maps (`regions.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RegionOutline {
    /// Region id.
    pub id: String,
    /// English name.
    pub name_en: String,
    /// Japanese name.
    pub name_ja: String,
    /// Rings of `[lon, lat]` vertices (none for the fallback region).
    pub polygons: Vec<Vec<[f64; 2]>>,
}

/// The regions of a scenario as written, for `regions.json`.
pub fn region_outlines(scenario: &crate::scenario::Scenario) -> Vec<RegionOutline> {
    scenario
        .content
        .regions
        .iter()
        .map(|r| RegionOutline {
            id: r.item.id.get_ref().clone(),
            name_en: r.item.name_en.clone(),
            name_ja: r.item.name_ja.clone(),
            polygons: r
                .item
                .polygons
                .as_ref()
                .map(|p| p.get_ref().clone())
                .unwrap_or_default(),
        })
        .collect()
}
