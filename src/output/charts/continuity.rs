//! Continuity curves per ministry (small multiples with 95 % bands) on the time axis:
//! `continuity` of a run, and the drawing the overlay of several runs reuses.

use std::collections::BTreeMap;
use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::common::{
    e, fit, fit_width, font, read_csv, render, with_caption, Chart, Context, DResult, Draw, Folder,
    Lang, BLUE, ORANGE,
};
use super::time::{lx, time_axis, time_ticks};
use crate::diag::Result;
use crate::output::rows::{AvailabilityRow, MinistryRow};

/// A series over time: (hours, estimate, low, high) at each checkpoint.
pub(super) type TimeSeries = Vec<(f64, f64, f64, f64)>;

/// Small multiples of series over time, one panel per ministry.
pub(super) struct Continuity {
    pub(super) title: String,
    /// Note under the legend (what the lines mean, what is compared).
    pub(super) note: String,
    /// Per ministry: name and, per series, its points (`None`: not in that run).
    pub(super) panels: Vec<(String, Vec<Option<TimeSeries>>)>,
    pub(super) series: Vec<(String, RGBColor)>,
}

impl Continuity {
    fn hours(&self) -> Vec<f64> {
        let mut h: Vec<f64> = self
            .panels
            .iter()
            .flat_map(|p| p.1.iter().flatten().flat_map(|s| s.iter().map(|x| x.0)))
            .collect();
        h.sort_by(f64::total_cmp);
        h.dedup();
        h
    }
}

impl Draw for Continuity {
    fn size(&self) -> (u32, u32) {
        let rows = self.panels.len().max(1).div_ceil(4) as u32;
        (1500, 150 + 330 * rows)
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, ctx: &Context) -> DResult {
        let lang = ctx.lang;
        let area = with_caption(root, ctx)?;
        let (title, rest) = area.split_vertically(116);
        title
            .draw(&Text::new(
                self.title.clone(),
                (750, 26),
                font(28).pos(Pos::new(HPos::Center, VPos::Center)),
            ))
            .map_err(e)?;
        // Legend under the title.
        let widths: Vec<i32> = self
            .series
            .iter()
            .map(|(n, _)| 60 + fit_width(n, 19.0) as i32 + 40)
            .collect();
        let mut x = 750 - widths.iter().sum::<i32>() / 2;
        for ((name, c), w) in self.series.iter().zip(&widths) {
            title
                .draw(&Rectangle::new(
                    [(x, 56), (x + 40, 72)],
                    c.mix(0.25).filled(),
                ))
                .map_err(e)?;
            title
                .draw(&PathElement::new(
                    vec![(x, 64), (x + 40, 64)],
                    c.stroke_width(3),
                ))
                .map_err(e)?;
            title
                .draw(&Circle::new((x + 20, 64), 3, c.filled()))
                .map_err(e)?;
            title
                .draw(&Text::new(
                    name.clone(),
                    (x + 50, 64),
                    font(19).pos(Pos::new(HPos::Left, VPos::Center)),
                ))
                .map_err(e)?;
            x += w;
        }
        title
            .draw(&Text::new(
                self.note.clone(),
                (750, 96),
                font(15)
                    .color(&RGBColor(60, 60, 60))
                    .pos(Pos::new(HPos::Center, VPos::Center)),
            ))
            .map_err(e)?;
        let n = self.panels.len().max(1);
        let cols = 4.min(n);
        let rows = n.div_ceil(cols);
        let cells = rest.split_evenly((rows, cols));
        let hours = self.hours();
        let xmax = lx(hours.last().copied().unwrap_or(720.0));
        for (cell, (name, series)) in cells.iter().zip(&self.panels) {
            let mut chart = ChartBuilder::on(cell)
                .caption(fit(name, 330.0, 19.0), font(19))
                .margin(8)
                .margin_right(18)
                .x_label_area_size(48)
                .y_label_area_size(54)
                .build_cartesian_2d(-0.04 * xmax..xmax * 1.02, 0.0..1.0)
                .map_err(e)?;
            chart
                .configure_mesh()
                .x_labels(0)
                .y_labels(6)
                .y_label_formatter(&|y| format!("{y:.1}"))
                .x_desc(lang.t(
                    "time after the quake (log scale)",
                    "地震後の経過時間（対数目盛）",
                ))
                .y_desc(lang.t("probability", "確率"))
                .label_style(font(14))
                .axis_desc_style(font(15))
                .disable_x_mesh()
                .light_line_style(WHITE)
                .draw()
                .map_err(e)?;
            time_axis(
                root,
                &mut chart,
                &hours,
                time_ticks(true),
                (0.0, 1.0),
                13,
                lang,
            )?;
            for (k, s) in series.iter().enumerate() {
                let Some(s) = s else { continue };
                let c = self.series[k].1;
                let mut band: Vec<(f64, f64)> = s.iter().map(|v| (lx(v.0), v.3)).collect();
                band.extend(s.iter().rev().map(|v| (lx(v.0), v.2)));
                chart
                    .draw_series(std::iter::once(Polygon::new(band, c.mix(0.2).filled())))
                    .map_err(e)?;
                chart
                    .draw_series(LineSeries::new(
                        s.iter().map(|v| (lx(v.0), v.1)),
                        c.stroke_width(2),
                    ))
                    .map_err(e)?;
                chart
                    .draw_series(s.iter().map(|v| Circle::new((lx(v.0), v.1), 3, c.filled())))
                    .map_err(e)?;
            }
        }
        Ok(())
    }
}

/// The note of every chart over time: what is computed and what is drawn between.
pub(super) fn checkpoint_note(lang: Lang) -> String {
    lang.t(
        "Dots: computed at the checkpoints; lines and 95 % bands only join them (values between checkpoints are not computed).",
        "点：集計時点での計算値。線と95%区間の帯は点を結んだだけ（集計時点の間は計算していない）。",
    )
    .to_string()
}

/// `availability.csv` of a run as series over time, by service id.
pub(super) fn read_availability(dir: &Path) -> Result<Option<BTreeMap<String, TimeSeries>>> {
    let Some(rows) = read_csv::<AvailabilityRow>(dir, "availability.csv")? else {
        return Ok(None);
    };
    let mut out: BTreeMap<String, TimeSeries> = BTreeMap::new();
    for r in rows {
        out.entry(r.service)
            .or_default()
            .push((r.hours, r.probability_up, r.ci_low, r.ci_high));
    }
    for s in out.values_mut() {
        s.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    Ok(Some(out))
}

/// `continuity`: per ministry, the probability of working from Kansai and of the connection
/// to G-net over the recovery (needs `availability.csv` and `ministries.csv`).
pub(super) fn make(f: &Folder) -> Result<Vec<Chart>> {
    let lang = f.lang;
    let ministries = read_csv::<MinistryRow>(f.dir, "ministries.csv")?;
    let (Some(series), Some(ms)) = (read_availability(f.dir)?, ministries) else {
        return Ok(Vec::new());
    };
    let get = |id: String| series.get(&id).cloned();
    let panels = ms
        .iter()
        .map(|m| {
            (
                lang.t(&m.name_en, &m.name_ja).to_string(),
                vec![
                    get(format!("{}.work_from_kansai", m.ministry)),
                    get(format!("{}.gnet_connection", m.ministry)),
                ],
            )
        })
        .collect();
    let title = lang
        .t(
            "Continuity over 30 days: probability each ministry can work from Kansai (95 % bands)",
            "30日間の業務継続：各府省が関西から業務継続できる確率（95%区間の帯）",
        )
        .to_string();
    let d = Continuity {
        title: title.clone(),
        note: checkpoint_note(lang),
        panels,
        series: vec![
            (lang.t("work from Kansai", "関西から業務継続").into(), BLUE),
            (
                lang.t("connection to G-net", "政府共通NWへの接続").into(),
                ORANGE,
            ),
        ],
    };
    Ok(vec![render("continuity", &title, &d, &f.ctx)?])
}
