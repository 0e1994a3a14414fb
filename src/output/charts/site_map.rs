//! The map (`map`): outline of Japan, intensity field, regions, prefectural offices, sites
//! with how often they failed at the quake.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::common::{
    e, font, legend, read_csv, render, with_caption, Chart, Chart2d, Context, DResult, Draw,
    Folder, Lang, GREY,
};
use super::map::{
    clip_ring, grey, intensity_cells, prefectures, Grid, Land, JMA_CLASSES, LAND, MAP_PLOT, SEA,
};
use crate::diag::{Error, Result};
use crate::output::map::{map_extent, IntensityGridRow, RegionOutline};
use crate::output::rows::SiteFailureRow;

/// A marker for the sites at (nearly) one place: lon, lat, max p_failed, median JMA, label.
type Point = (f64, f64, f64, Option<f64>, String);

struct MapChart {
    title: String,
    regions: Vec<RegionOutline>,
    /// Groups of sites at (nearly) the same place.
    points: Vec<Point>,
    prefectures: Vec<(f64, f64)>,
    extent: (f64, f64, f64, f64),
    grid: Option<Grid>,
}

impl Draw for MapChart {
    fn size(&self) -> (u32, u32) {
        (MAP_PLOT.0 + 110 + 300, MAP_PLOT.1 + 34 + 60 + 70 + 10)
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, ctx: &Context) -> DResult {
        let lang = ctx.lang;
        let area = with_caption(root, ctx)?;
        let (map, side) = area.split_horizontally(MAP_PLOT.0 + 110);
        let (lon0, lon1, lat0, lat1) = self.extent;
        let mut chart = ChartBuilder::on(&map)
            .caption(&self.title, font(26))
            .margin_top(10)
            .margin_left(10)
            .margin_right(20)
            .x_label_area_size(60)
            .y_label_area_size(80)
            .build_cartesian_2d(lon0..lon1, lat0..lat1)
            .map_err(e)?;
        chart.plotting_area().fill(&SEA).map_err(e)?;
        // Land, clipped to the extent.
        let land = Land::within(self.extent)?;
        for ring in &land.shown {
            chart
                .draw_series(std::iter::once(Polygon::new(ring.clone(), LAND.filled())))
                .map_err(e)?;
        }
        // Intensity field on land.
        let mut classes_shown = [false; JMA_CLASSES.len()];
        if let Some(g) = &self.grid {
            let dim = chart.plotting_area().dim_in_pixel();
            let (rects, shown) = intensity_cells(g, &land, self.extent, dim);
            classes_shown = shown;
            chart
                .draw_series(
                    rects.into_iter().map(|(a, b, k)| {
                        Rectangle::new([a, b], JMA_CLASSES[k].3.mix(0.75).filled())
                    }),
                )
                .map_err(e)?;
        }
        // Prefecture boundaries and coast.
        chart
            .draw_series(land.shown.iter().map(|r| {
                let mut pts = r.clone();
                pts.push(r[0]);
                PathElement::new(pts, RGBColor(110, 110, 110).stroke_width(1))
            }))
            .map_err(e)?;
        chart
            .configure_mesh()
            .x_labels(10)
            .y_labels(8)
            .x_label_formatter(&|x| format!("{x:.0}°E"))
            .y_label_formatter(&|y| format!("{y:.0}°N"))
            .x_desc(lang.t("longitude", "経度"))
            .y_desc(lang.t("latitude", "緯度"))
            .label_style(font(15))
            .axis_desc_style(font(17))
            .disable_mesh()
            .draw()
            .map_err(e)?;
        self.draw_regions(&mut chart, lang)?;
        self.draw_prefectures(&mut chart, lang)?;
        self.draw_sites(&map, &mut chart, lang)?;
        legend(&mut chart, 16, SeriesLabelPosition::LowerRight)?;
        // Side panel: the two scales.
        let y = site_scale(&side, lang)?;
        if let Some(g) = &self.grid {
            intensity_scale(&side, g, &classes_shown, y, lang)?;
        }
        Ok(())
    }
}

impl MapChart {
    /// The outlines of the regions with polygons, clipped to the extent, one legend entry each.
    fn draw_regions<DB: DrawingBackend>(&self, chart: &mut Chart2d<'_, DB>, lang: Lang) -> DResult {
        let outlines = [RGBColor(20, 60, 200), RGBColor(0, 130, 60), GREY];
        for (i, r) in self
            .regions
            .iter()
            .filter(|r| !r.polygons.is_empty())
            .enumerate()
        {
            let c = outlines[i % outlines.len()];
            for (k, ring) in r.polygons.iter().enumerate() {
                let pts: Vec<(f64, f64)> = ring.iter().map(|p| (p[0], p[1])).collect();
                let mut closed = clip_ring(&pts, self.extent);
                if closed.is_empty() {
                    continue;
                }
                closed.push(closed[0]);
                let s = chart
                    .draw_series(std::iter::once(PathElement::new(closed, c.stroke_width(3))))
                    .map_err(e)?;
                if k == 0 {
                    let name = lang.t(&r.name_en, &r.name_ja).to_string();
                    s.label(name).legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 24, y)], c.stroke_width(3))
                    });
                }
            }
        }
        Ok(())
    }

    /// The prefectural offices inside the extent, for orientation.
    fn draw_prefectures<DB: DrawingBackend>(
        &self,
        chart: &mut Chart2d<'_, DB>,
        lang: Lang,
    ) -> DResult {
        let (lon0, lon1, lat0, lat1) = self.extent;
        chart
            .draw_series(
                self.prefectures
                    .iter()
                    .filter(|&&(lon, lat)| lon > lon0 && lon < lon1 && lat > lat0 && lat < lat1)
                    .map(|&(lon, lat)| {
                        EmptyElement::at((lon, lat))
                            + Rectangle::new([(-3, -3), (3, 3)], RGBColor(90, 90, 90).filled())
                    }),
            )
            .map_err(e)?
            .label(lang.t(
                "prefectural office (orientation)",
                "都道府県庁（位置の目安）",
            ))
            .legend(|(x, y)| {
                Rectangle::new(
                    [(x + 9, y - 3), (x + 15, y + 3)],
                    RGBColor(90, 90, 90).filled(),
                )
            });
        Ok(())
    }

    /// The site markers, north first, with labels pushed down until they no longer overlap.
    fn draw_sites<DB: DrawingBackend>(
        &self,
        map: &DrawingArea<DB, Shift>,
        chart: &mut Chart2d<'_, DB>,
        lang: Lang,
    ) -> DResult {
        let mut placed: Vec<(i32, i32)> = Vec::new();
        let mut order: Vec<&Point> = self.points.iter().collect();
        order.sort_by(|a, b| b.1.total_cmp(&a.1));
        for (lon, lat, p, jma, label) in order {
            chart
                .draw_series(std::iter::once(Circle::new(
                    (*lon, *lat),
                    10,
                    grey(*p).filled(),
                )))
                .map_err(e)?;
            chart
                .draw_series(std::iter::once(Circle::new(
                    (*lon, *lat),
                    10,
                    BLACK.stroke_width(2),
                )))
                .map_err(e)?;
            let text = match jma {
                Some(j) => format!(
                    "{label} {:.0}% / {}{j:.1}",
                    p * 100.0,
                    lang.t("JMA ", "震度")
                ),
                None => format!("{label} {:.0}%", p * 100.0),
            };
            let (px, py) = chart.backend_coord(&(*lon, *lat));
            let mut ly = py;
            while placed
                .iter()
                .any(|&(x, y)| (x - px).abs() < 330 && (y - ly).abs() < 22)
            {
                ly += 22;
            }
            placed.push((px, ly));
            if ly != py {
                map.draw(&PathElement::new(
                    vec![(px + 8, py + 8), (px + 15, ly)],
                    BLACK.stroke_width(1),
                ))
                .map_err(e)?;
            }
            let style = font(15).pos(Pos::new(HPos::Left, VPos::Center));
            // A white box behind the label keeps it readable over the field.
            let (tw, _) = map.estimate_text_size(&text, &style).map_err(e)?;
            map.draw(&Rectangle::new(
                [(px + 15, ly - 10), (px + 19 + tw as i32, ly + 10)],
                WHITE.mix(0.8).filled(),
            ))
            .map_err(e)?;
            map.draw(&Text::new(text, (px + 17, ly), style))
                .map_err(e)?;
        }
        Ok(())
    }
}

/// The scale of the site markers at the top of the side panel; returns the y below it.
fn site_scale<DB: DrawingBackend>(
    side: &DrawingArea<DB, Shift>,
    lang: Lang,
) -> Result<i32, String> {
    let mut y = 70;
    side.draw(&Text::new(
        lang.t("Sites: failed at the quake", "拠点：地震直後に被災")
            .to_string(),
        (10, y),
        font(17),
    ))
    .map_err(e)?;
    y += 24;
    side.draw(&Text::new(
        lang.t(
            "(share of trials; label: %)",
            "（試行に占める割合。表示は%）",
        )
        .to_string(),
        (10, y),
        font(14),
    ))
    .map_err(e)?;
    y += 28;
    for k in 0..=4 {
        let p = k as f64 / 4.0;
        side.draw(&Circle::new((30, y + 10), 10, grey(p).filled()))
            .map_err(e)?;
        side.draw(&Circle::new((30, y + 10), 10, BLACK.stroke_width(2)))
            .map_err(e)?;
        side.draw(&Text::new(
            format!("{:.0}%", p * 100.0),
            (50, y + 10),
            font(15).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(e)?;
        y += 26;
    }
    Ok(y)
}

/// The scale of the intensity field from `y` down the side panel (classes not on the map
/// marked as such).
fn intensity_scale<DB: DrawingBackend>(
    side: &DrawingArea<DB, Shift>,
    g: &Grid,
    classes_shown: &[bool],
    mut y: i32,
    lang: Lang,
) -> DResult {
    y += 24;
    side.draw(&Text::new(
        lang.t("Median JMA intensity", "震度（中央値）").to_string(),
        (10, y),
        font(17),
    ))
    .map_err(e)?;
    y += 24;
    for line in match lang {
        Lang::En => vec![
            format!("on land, at Vs30 = {:.0} m/s;", g.vs30),
            format!("grid {:.1}°, interpolated", g.step),
        ],
        Lang::Ja => vec![
            format!("陸域、Vs30 = {:.0} m/s で計算", g.vs30),
            format!("{:.1}°格子から補間", g.step),
        ],
    } {
        side.draw(&Text::new(line, (10, y), font(14))).map_err(e)?;
        y += 20;
    }
    y += 8;
    for (k, c) in JMA_CLASSES.iter().enumerate().rev() {
        side.draw(&Rectangle::new(
            [(20, y), (60, y + 24)],
            c.3.mix(0.75).filled(),
        ))
        .map_err(e)?;
        side.draw(&Rectangle::new(
            [(20, y), (60, y + 24)],
            GREY.stroke_width(1),
        ))
        .map_err(e)?;
        let name = lang.t(c.1, c.2);
        side.draw(&Text::new(
            if classes_shown[k] {
                name.to_string()
            } else {
                format!("{name}{}", lang.t(" (none)", "（なし）"))
            },
            (70, y + 12),
            font(15).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(e)?;
        y += 26;
    }
    y += 6;
    for line in match lang {
        Lang::En => ["Site labels: failed % /", "median JMA at the site's Vs30"],
        Lang::Ja => ["拠点の表示：被災率 /", "拠点のVs30での震度中央値"],
    } {
        side.draw(&Text::new(line.to_string(), (10, y), font(14)))
            .map_err(e)?;
        y += 20;
    }
    Ok(())
}

/// Sites within about 10 km share one marker (the worst of them is shown); long lists of
/// co-located sites are shortened to the first and a count.
fn group_sites(sites: &[SiteFailureRow], lang: Lang) -> Vec<Point> {
    let mut points: Vec<Point> = Vec::new();
    for s in sites {
        match points
            .iter_mut()
            .find(|p| (p.0 - s.lon).abs() < 0.1 && (p.1 - s.lat).abs() < 0.1)
        {
            Some(p) => {
                p.2 = p.2.max(s.p_failed);
                p.3 = match (p.3, s.median_jma) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                };
                p.4 = format!("{}, {}", p.4, s.site);
            }
            None => points.push((s.lon, s.lat, s.p_failed, s.median_jma, s.site.clone())),
        }
    }
    for p in points.iter_mut() {
        let parts: Vec<&str> = p.4.split(", ").collect();
        if parts.len() > 2 {
            p.4 = format!(
                "{} {}{}",
                parts[0],
                lang.t("+", "ほか"),
                format_args!("{}{}", parts.len() - 1, lang.t(" sites", "拠点"))
            );
        }
    }
    points
}

/// `regions.json` of a folder (none when absent).
fn read_regions(f: &Folder) -> Result<Vec<RegionOutline>> {
    match std::fs::read_to_string(f.dir.join("regions.json")) {
        Ok(t) => serde_json::from_str(&t).map_err(|m| {
            Error::Usage(format!(
                "{}: not a bcpsim regions.json ({m})",
                f.dir.join("regions.json").display()
            ))
        }),
        Err(_) => Ok(Vec::new()),
    }
}

/// `map`: the sites and how often they failed at the quake, over the median intensity when
/// the folder has `intensity_grid.csv` (needs `site_failures.csv`).
pub(super) fn make(f: &Folder) -> Result<Vec<Chart>> {
    let lang = f.lang;
    let Some(sites) = read_csv::<SiteFailureRow>(f.dir, "site_failures.csv")? else {
        return Ok(Vec::new());
    };
    let regions = read_regions(f)?;
    let points = group_sites(&sites, lang);
    let extent = map_extent(&sites.iter().map(|s| (s.lon, s.lat)).collect::<Vec<_>>());
    let grid = read_csv::<IntensityGridRow>(f.dir, "intensity_grid.csv")?
        .and_then(|rows| Grid::new(&rows));
    let title = if grid.is_some() {
        lang.t(
            "Sites: how often something there failed at the quake, over the median intensity",
            "拠点の地図：地震直後に被災した試行の割合と震度分布（中央値）",
        )
    } else {
        lang.t(
            "Sites: how often something there failed at the quake",
            "拠点の地図：地震直後に被災した試行の割合",
        )
    }
    .to_string();
    let d = MapChart {
        title: title.clone(),
        regions,
        points,
        prefectures: prefectures(),
        extent,
        grid,
    };
    Ok(vec![render("map", &title, &d, &f.ctx)?])
}
