//! Fan chart of the number of ministries able to work from Kansai over time
//! (`kansai_fan`), and the drawing the overlay of several runs reuses.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::common::{
    e, font, legend, read_csv, render, with_caption, Chart, Chart2d, Context, DResult, Draw,
    Folder, Lang, BLUE, ORANGE,
};
use super::time::{lx, time_axis, time_desc, time_ticks};
use crate::diag::Result;
use crate::output::rows::KansaiOverTimeRow;

/// One run's distribution of the number of ministries over time.
pub(super) struct FanRun {
    pub(super) name: String,
    pub(super) colour: RGBColor,
    pub(super) hours: Vec<f64>,
    /// Per checkpoint: probabilities of 0..=ministries.
    pub(super) dist: Vec<Vec<f64>>,
}

impl FanRun {
    /// The band between the `lo` and `hi` quantiles: the upper edge forward, the lower back.
    fn band(&self, lo: f64, hi: f64) -> Vec<(f64, f64)> {
        let mut v: Vec<(f64, f64)> = self
            .hours
            .iter()
            .zip(&self.dist)
            .map(|(&h, p)| (lx(h), quantile(p, hi)))
            .collect();
        v.extend(
            self.hours
                .iter()
                .zip(&self.dist)
                .rev()
                .map(|(&h, p)| (lx(h), quantile(p, lo))),
        );
        v
    }
}

/// The spread of the number of ministries over time, of one run or several.
pub(super) struct Fan {
    pub(super) title: String,
    pub(super) ministries: usize,
    pub(super) runs: Vec<FanRun>,
}

/// The smallest number whose cumulative probability reaches `q`.
fn quantile(p: &[f64], q: f64) -> f64 {
    let mut acc = 0.0;
    for (k, &x) in p.iter().enumerate() {
        acc += x;
        if acc >= q - 1e-9 {
            return k as f64;
        }
    }
    p.len().saturating_sub(1) as f64
}

fn mean_of(p: &[f64]) -> f64 {
    p.iter().enumerate().map(|(k, x)| k as f64 * x).sum()
}

impl Draw for Fan {
    fn size(&self) -> (u32, u32) {
        (1400, 860)
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, ctx: &Context) -> DResult {
        let lang = ctx.lang;
        let area = with_caption(root, ctx)?;
        let (main, note) = area.split_vertically(area.dim_in_pixel().1 - 30);
        note.draw(&Text::new(
            lang.t(
                "Dots: the mean at the checkpoints; lines and bands only join the checkpoints (values between them are not computed).",
                "点：集計時点での平均。線と帯は集計時点を結んだだけ（集計時点の間は計算していない）。",
            ),
            (700, 12),
            font(15)
                .color(&RGBColor(60, 60, 60))
                .pos(Pos::new(HPos::Center, VPos::Center)),
        ))
        .map_err(e)?;
        let mut hours: Vec<f64> = self.runs.iter().flat_map(|r| r.hours.clone()).collect();
        hours.sort_by(f64::total_cmp);
        hours.dedup();
        let xmax = lx(hours.last().copied().unwrap_or(720.0));
        let mut chart = ChartBuilder::on(&main)
            .caption(&self.title, font(28))
            .margin(20)
            .margin_right(30)
            .x_label_area_size(70)
            .y_label_area_size(90)
            .build_cartesian_2d(-0.02 * xmax..xmax * 1.01, 0.0..self.ministries as f64 + 0.5)
            .map_err(e)?;
        chart
            .configure_mesh()
            .x_labels(0)
            .y_labels(self.ministries + 1)
            .y_label_formatter(&|y| format!("{y:.0}"))
            .x_desc(time_desc(lang))
            .y_desc(lang.t(
                "ministries able to work from Kansai (number)",
                "関西から業務継続できる府省数",
            ))
            .label_style(font(17))
            .axis_desc_style(font(19))
            .disable_x_mesh()
            .draw()
            .map_err(e)?;
        time_axis(
            root,
            &mut chart,
            &hours,
            time_ticks(false),
            (0.0, self.ministries as f64 + 0.5),
            17,
            lang,
        )?;
        let single = self.runs.len() == 1;
        for r in &self.runs {
            draw_run(&mut chart, r, single, lang)?;
        }
        legend(&mut chart, 17, SeriesLabelPosition::UpperLeft)?;
        Ok(())
    }
}

/// One run's bands, median (alone) and mean, with their legend entries.
fn draw_run<DB: DrawingBackend>(
    chart: &mut Chart2d<'_, DB>,
    r: &FanRun,
    single: bool,
    lang: Lang,
) -> DResult {
    let c = r.colour;
    let tag = |what: &str| {
        if single {
            what.to_string()
        } else {
            format!("{}: {what}", r.name)
        }
    };
    chart
        .draw_series(std::iter::once(Polygon::new(
            r.band(0.05, 0.95),
            c.mix(if single { 0.18 } else { 0.14 }).filled(),
        )))
        .map_err(e)?
        .label(tag(lang.t("5–95 % of trials", "試行の5〜95%")))
        .legend(move |(x, y)| Rectangle::new([(x, y - 7), (x + 30, y + 7)], c.mix(0.18).filled()));
    if single {
        chart
            .draw_series(std::iter::once(Polygon::new(
                r.band(0.25, 0.75),
                c.mix(0.38).filled(),
            )))
            .map_err(e)?
            .label(lang.t("25–75 % of trials", "試行の25〜75%"))
            .legend(move |(x, y)| {
                Rectangle::new([(x, y - 7), (x + 30, y + 7)], c.mix(0.38).filled())
            });
        chart
            .draw_series(LineSeries::new(
                r.hours
                    .iter()
                    .zip(&r.dist)
                    .map(|(&h, p)| (lx(h), quantile(p, 0.5))),
                c.stroke_width(3),
            ))
            .map_err(e)?
            .label(lang.t("median", "中央値"))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 30, y)], c.stroke_width(3)));
    }
    let mc = if single { ORANGE } else { c };
    let pts: Vec<(f64, f64)> = r
        .hours
        .iter()
        .zip(&r.dist)
        .map(|(&h, p)| (lx(h), mean_of(p)))
        .collect();
    chart
        .draw_series(LineSeries::new(pts.clone(), mc.stroke_width(3)))
        .map_err(e)?
        .label(tag(lang.t("mean", "平均")))
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 30, y)], mc.stroke_width(3)));
    chart
        .draw_series(pts.iter().map(|&p| Circle::new(p, 4, mc.filled())))
        .map_err(e)?;
    Ok(())
}

fn checkpoint_index(hours: &[f64], h: f64) -> Option<usize> {
    hours.iter().position(|&x| (x - h).abs() < 1e-9)
}

/// `kansai_over_time.csv` of a run.
pub(super) struct FanData {
    /// The largest number of ministries.
    pub(super) ministries: usize,
    /// The checkpoints, hours.
    pub(super) hours: Vec<f64>,
    /// Per checkpoint, the probability of each number of ministries.
    pub(super) dist: Vec<Vec<f64>>,
}

/// Reads `kansai_over_time.csv` of a run.
pub(super) fn read_fan(dir: &Path) -> Result<Option<FanData>> {
    let Some(rows) = read_csv::<KansaiOverTimeRow>(dir, "kansai_over_time.csv")? else {
        return Ok(None);
    };
    let mut hours: Vec<f64> = Vec::new();
    let max = rows.iter().map(|r| r.ministries).max().unwrap_or(0);
    let mut dist: Vec<Vec<f64>> = Vec::new();
    for r in &rows {
        let k = match checkpoint_index(&hours, r.hours) {
            Some(k) => k,
            None => {
                hours.push(r.hours);
                dist.push(vec![0.0; max + 1]);
                hours.len() - 1
            }
        };
        dist[k][r.ministries] = r.probability;
    }
    Ok(Some(FanData {
        ministries: max,
        hours,
        dist,
    }))
}

/// `kansai_fan`: the spread over trials of the number of ministries able to work from Kansai
/// over the recovery (needs `kansai_over_time.csv`).
pub(super) fn make(f: &Folder) -> Result<Vec<Chart>> {
    let Some(data) = read_fan(f.dir)? else {
        return Ok(Vec::new());
    };
    let title = f
        .lang
        .t(
            "Number of ministries able to work from Kansai over time (spread over trials)",
            "関西から業務継続できる府省数の推移（試行間のばらつき）",
        )
        .to_string();
    let d = Fan {
        title: title.clone(),
        ministries: data.ministries,
        runs: vec![FanRun {
            name: String::new(),
            colour: BLUE,
            hours: data.hours,
            dist: data.dist,
        }],
    };
    Ok(vec![render("kansai_fan", &title, &d, &f.ctx)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_of_a_distribution() {
        let p = [0.1, 0.2, 0.4, 0.3];
        assert_eq!(quantile(&p, 0.05), 0.0);
        assert_eq!(quantile(&p, 0.25), 1.0);
        assert_eq!(quantile(&p, 0.5), 2.0);
        assert_eq!(quantile(&p, 0.95), 3.0);
    }
}
