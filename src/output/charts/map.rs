//! What the map draws beneath the sites: the outline of Japan (land mask, clipping), the
//! intensity field and its JMA classes, the prefectural offices and the scales.

use plotters::prelude::*;
use serde::Deserialize;

use crate::geo::{LatLon, Ring};
use crate::output::map::IntensityGridRow;

/// Prefectural offices, drawn on maps for orientation.
static PREFECTURES: &str = include_str!("../../../scenarios/common/prefecture_capitals.csv");

/// Simplified prefecture outlines (JMA polygons via reversejp; `assets/maps/README.md`).
static JAPAN: &str = include_str!("../../../assets/maps/japan_prefectures.json");

#[derive(Debug, Deserialize)]
struct JapanOutline {
    prefectures: Vec<PrefectureOutline>,
}

#[derive(Debug, Deserialize)]
struct PrefectureOutline {
    rings: Vec<Vec<[f64; 2]>>,
}

/// Plotting area of the map, pixels.
pub(super) const MAP_PLOT: (u32, u32) = (1008, 840);

/// JMA seismic intensity classes from 1 up: lower bound of instrumental intensity,
/// English and Japanese name, colour (the JMA colour scheme for intensity maps).
pub(super) const JMA_CLASSES: [(f64, &str, &str, RGBColor); 9] = [
    (0.5, "1", "震度1", RGBColor(242, 242, 255)),
    (1.5, "2", "震度2", RGBColor(0, 170, 255)),
    (2.5, "3", "震度3", RGBColor(0, 65, 255)),
    (3.5, "4", "震度4", RGBColor(250, 230, 150)),
    (4.5, "5-lower", "震度5弱", RGBColor(255, 230, 0)),
    (5.0, "5-upper", "震度5強", RGBColor(255, 153, 0)),
    (5.5, "6-lower", "震度6弱", RGBColor(255, 40, 0)),
    (6.0, "6-upper", "震度6強", RGBColor(165, 0, 33)),
    (6.5, "7", "震度7", RGBColor(180, 0, 104)),
];

fn jma_class(i: f64) -> Option<usize> {
    JMA_CLASSES.iter().rposition(|c| i >= c.0)
}

/// The median intensity on a regular grid, bilinearly interpolated between grid points.
pub(super) struct Grid {
    pub(super) step: f64,
    values: std::collections::HashMap<(i64, i64), f64>,
    pub(super) vs30: f64,
}

impl Grid {
    pub(super) fn new(rows: &[IntensityGridRow]) -> Option<Grid> {
        let step = crate::output::map::INTENSITY_GRID_STEP_DEG;
        let vs30 = rows.first()?.vs30_mps;
        let values = rows
            .iter()
            .map(|r| {
                (
                    ((r.lat / step).round() as i64, (r.lon / step).round() as i64),
                    r.median_jma,
                )
            })
            .collect();
        Some(Grid { step, values, vs30 })
    }

    pub(super) fn at(&self, lon: f64, lat: f64) -> Option<f64> {
        let (y, x) = (lat / self.step, lon / self.step);
        let (i, j) = (y.floor() as i64, x.floor() as i64);
        let (ty, tx) = (y - i as f64, x - j as f64);
        let v = |a, b| self.values.get(&(a, b)).copied();
        let (a, b, c, d) = (v(i, j)?, v(i, j + 1)?, v(i + 1, j)?, v(i + 1, j + 1)?);
        Some((a * (1.0 - tx) + b * tx) * (1.0 - ty) + (c * (1.0 - tx) + d * tx) * ty)
    }
}

/// A ring of the outline with its bounding box, for the land mask (the bounding box skips
/// most rings before the point-in-polygon test).
struct LandRing {
    ring: Ring,
    bbox: (f64, f64, f64, f64),
}

impl LandRing {
    /// `None` for a ring that is no polygon (the embedded outline has none: see the tests).
    fn new(ring: &[[f64; 2]]) -> Option<LandRing> {
        let ring = Ring::new(ring.to_vec()).ok()?;
        let bbox = ring.vertices().iter().fold(
            (f64::MAX, f64::MIN, f64::MAX, f64::MIN),
            |(a, b, c, d), &[x, y]| (a.min(x), b.max(x), c.min(y), d.max(y)),
        );
        Some(LandRing { ring, bbox })
    }

    fn contains(&self, lon: f64, lat: f64) -> bool {
        let (a, b, c, d) = self.bbox;
        if lon < a || lon > b || lat < c || lat > d {
            return false;
        }
        self.ring.contains(LatLon { lat, lon })
    }

    fn points(&self) -> Vec<(f64, f64)> {
        self.ring.vertices().iter().map(|p| (p[0], p[1])).collect()
    }
}

/// Sutherland-Hodgman clipping of a ring to the rectangle `(x0, x1, y0, y1)`.
pub(super) fn clip_ring(
    ring: &[(f64, f64)],
    (x0, x1, y0, y1): (f64, f64, f64, f64),
) -> Vec<(f64, f64)> {
    type Edge = (fn(&(f64, f64), f64) -> bool, bool, f64);
    let edges: [Edge; 4] = [
        (|p, v| p.0 >= v, true, x0),
        (|p, v| p.0 <= v, true, x1),
        (|p, v| p.1 >= v, false, y0),
        (|p, v| p.1 <= v, false, y1),
    ];
    let mut out: Vec<(f64, f64)> = ring.to_vec();
    for (inside, vertical, v) in edges {
        if out.is_empty() {
            break;
        }
        let input = std::mem::take(&mut out);
        let cut = |a: (f64, f64), b: (f64, f64)| {
            if vertical {
                let t = (v - a.0) / (b.0 - a.0);
                (v, a.1 + t * (b.1 - a.1))
            } else {
                let t = (v - a.1) / (b.1 - a.1);
                (a.0 + t * (b.0 - a.0), v)
            }
        };
        let mut prev = *input.last().expect("non-empty");
        for &cur in &input {
            match (inside(&cur, v), inside(&prev, v)) {
                (true, true) => out.push(cur),
                (true, false) => {
                    out.push(cut(prev, cur));
                    out.push(cur);
                }
                (false, true) => out.push(cut(prev, cur)),
                (false, false) => {}
            }
            prev = cur;
        }
    }
    out
}

/// White-to-black scale for the share of trials in which a site failed (distinct from the
/// colours of the intensity field beneath).
pub(super) fn grey(p: f64) -> RGBColor {
    let v = (255.0 * (1.0 - p.clamp(0.0, 1.0))).round() as u8;
    RGBColor(v, v, v)
}

pub(super) const SEA: RGBColor = RGBColor(226, 238, 247);
pub(super) const LAND: RGBColor = RGBColor(246, 244, 236);

/// The land of Japan within `extent` (lon0, lon1, lat0, lat1): the rings that reach into
/// it (the mask of the intensity field) and their parts clipped to it (to draw).
pub(super) struct Land {
    rings: Vec<LandRing>,
    /// Rings clipped to the extent, each with at least three vertices.
    pub(super) shown: Vec<Vec<(f64, f64)>>,
}

impl Land {
    pub(super) fn within((lon0, lon1, lat0, lat1): (f64, f64, f64, f64)) -> Result<Land, String> {
        let japan: JapanOutline = serde_json::from_str(JAPAN).map_err(|m| format!("{m:?}"))?;
        let clip = (lon0, lon1, lat0, lat1);
        let mut rings: Vec<LandRing> = Vec::new();
        let mut shown: Vec<Vec<(f64, f64)>> = Vec::new();
        for p in &japan.prefectures {
            for r in &p.rings {
                let Some(lr) = LandRing::new(r) else {
                    continue;
                };
                let (a, b, c, d) = lr.bbox;
                if b < lon0 || a > lon1 || d < lat0 || c > lat1 {
                    continue;
                }
                let clipped = clip_ring(&lr.points(), clip);
                if clipped.len() >= 3 {
                    shown.push(clipped);
                }
                rings.push(lr);
            }
        }
        Ok(Land { rings, shown })
    }

    fn contains(&self, lon: f64, lat: f64) -> bool {
        self.rings.iter().any(|r| r.contains(lon, lat))
    }
}

/// A cell run of the intensity field: lower-left and upper-right corner (lon, lat) and the
/// index of its JMA class.
pub(super) type Cells = Vec<((f64, f64), (f64, f64), usize)>;

/// The intensity field on land, in cells of 4 pixels of a plot of `(pw, ph)` pixels over
/// `extent`, runs of one class along a row merged; and which classes appear.
pub(super) fn intensity_cells(
    grid: &Grid,
    land: &Land,
    (lon0, lon1, lat0, lat1): (f64, f64, f64, f64),
    (pw, ph): (u32, u32),
) -> (Cells, [bool; JMA_CLASSES.len()]) {
    let mut classes_shown = [false; JMA_CLASSES.len()];
    let cell = 4u32;
    let (nx, ny) = (pw.div_ceil(cell), ph.div_ceil(cell));
    let dx = (lon1 - lon0) / nx as f64;
    let dy = (lat1 - lat0) / ny as f64;
    let mut rects = Vec::new();
    for iy in 0..ny {
        let lat = lat0 + (iy as f64 + 0.5) * dy;
        let mut run: Option<(u32, usize)> = None;
        for ix in 0..=nx {
            let class = if ix == nx {
                None
            } else {
                let lon = lon0 + (ix as f64 + 0.5) * dx;
                if land.contains(lon, lat) {
                    grid.at(lon, lat).and_then(jma_class)
                } else {
                    None
                }
            };
            if run.map(|r| Some(r.1)) != Some(class) {
                if let Some((start, k)) = run {
                    rects.push((
                        (lon0 + start as f64 * dx, lat0 + iy as f64 * dy),
                        (lon0 + ix as f64 * dx, lat0 + (iy + 1) as f64 * dy),
                        k,
                    ));
                    classes_shown[k] = true;
                }
                run = class.map(|k| (ix, k));
            }
        }
    }
    (rects, classes_shown)
}

/// The prefectural offices (lon, lat).
pub(super) fn prefectures() -> Vec<(f64, f64)> {
    PREFECTURES
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            Some((f.get(4)?.parse().ok()?, f.get(3)?.parse().ok()?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ring_of_the_outline_is_a_polygon() {
        let japan: JapanOutline = serde_json::from_str(JAPAN).unwrap();
        for p in &japan.prefectures {
            for r in &p.rings {
                assert!(
                    Ring::new(r.clone()).is_ok(),
                    "{:?}",
                    Ring::new(r.clone()).err()
                );
            }
        }
    }
}
