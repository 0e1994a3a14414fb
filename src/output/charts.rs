//! Charts from a results folder (SVG and PNG), drawn with plotters.
//!
//! Every chart is made from the files of a results folder only (CSV and JSON), so charts
//! can be re-made without re-running. Text is laid out and, in PNG, rasterised with the
//! embedded IPAexGothic font (IPA Font License v1.0, `assets/fonts/`), so Japanese labels
//! render the same on every machine without a system font; SVG keeps text as text and names
//! IPAexGothic first, then common Japanese system fonts.

use std::collections::BTreeMap;
use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::Deserialize;

use crate::diag::{Error, Result};
pub use crate::output::manifest::{read_manifest, ManifestInfo};
pub use crate::output::map::map_extent;
use crate::output::map::{IntensityGridRow, RegionOutline};
use crate::output::rows::{
    AvailabilityRow, KansaiOverTimeRow, MinistryRow, RestorationRow, SiteFailureRow,
};

/// The embedded font (IPAexGothic, IPA Font License v1.0; licence in `assets/fonts/`).
static FONT: &[u8] = include_bytes!("../../assets/fonts/ipaexg.ttf");

/// Prefectural offices, drawn on maps for orientation.
static PREFECTURES: &str = include_str!("../../scenarios/common/prefecture_capitals.csv");

const FAMILY: &str = "sans-serif";
const SVG_FONTS: &str =
    "IPAexGothic, 'IPAexゴシック', 'Noto Sans CJK JP', 'Hiragino Sans', 'Yu Gothic', Meiryo, sans-serif";

fn register_font() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // The bytes are a valid TrueType font checked by the tests; failure leaves plotters
        // without a font, which then reports an error per chart.
        let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, FONT);
        let _ = plotters::style::register_font(FAMILY, FontStyle::Bold, FONT);
    });
}

/// Chart language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Japanese.
    Ja,
    /// English.
    En,
}

impl Lang {
    fn t<'a>(self, en: &'a str, ja: &'a str) -> &'a str {
        match self {
            Lang::Ja => ja,
            Lang::En => en,
        }
    }
}

/// One chart: file stem, title, SVG text and PNG bytes.
#[derive(Debug, Clone)]
pub struct Chart {
    /// File stem (`continuity` gives `continuity.svg` and `continuity.png`).
    pub name: String,
    /// Title shown on the chart.
    pub title: String,
    /// SVG document.
    pub svg: String,
    /// PNG image.
    pub png: Vec<u8>,
}

/// Names that the CSV files give only as ids (from the scenario, when it can be read).
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// Scenario title (en, ja).
    pub scenario: (String, String),
    /// Option id -> (en, ja).
    pub options: BTreeMap<String, (String, String)>,
    /// Table 7 event id -> (en, ja).
    pub events: BTreeMap<String, (String, String)>,
}

impl Names {
    /// From a built model.
    pub fn from_model(m: &crate::model::Model) -> Names {
        Names {
            scenario: (m.name_en.clone(), m.name_ja.clone()),
            options: m
                .options
                .iter()
                .map(|o| (o.id.clone(), (o.name_en.clone(), o.name_ja.clone())))
                .collect(),
            events: m
                .events
                .iter()
                .map(|e| (e.id.clone(), (e.name_en.clone(), e.name_ja.clone())))
                .collect(),
        }
    }

    fn option(&self, id: &str, lang: Lang) -> String {
        id.split('+')
            .map(|p| {
                self.options
                    .get(p)
                    .map(|(en, ja)| lang.t(en, ja).to_string())
                    .unwrap_or_else(|| p.to_string())
            })
            .collect::<Vec<_>>()
            .join(" + ")
    }

    fn event(&self, id: &str, lang: Lang) -> String {
        self.events
            .get(id)
            .map(|(en, ja)| lang.t(en, ja).to_string())
            .unwrap_or_else(|| id.to_string())
    }
}

/// What every chart says in its caption: the scenario, the trials, the seed.
#[derive(Debug, Clone)]
struct Context {
    lang: Lang,
    caption: String,
}

type DResult = std::result::Result<(), String>;

fn e<T: std::fmt::Debug>(x: T) -> String {
    format!("{x:?}")
}

/// A chart drawn on any backend.
trait Draw {
    fn size(&self) -> (u32, u32);
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, ctx: &Context) -> DResult;
}

fn font(size: u32) -> TextStyle<'static> {
    (FAMILY, size).into_font().into()
}

/// Draws the series legend in a white, black-bordered box at `pos`.
fn legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    size: u32,
    pos: SeriesLabelPosition,
) -> DResult {
    chart
        .configure_series_labels()
        .label_font(font(size))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .position(pos)
        .draw()
        .map_err(e)
}

/// Draws the caption at the bottom of the root area and returns the area above it.
fn with_caption<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    ctx: &Context,
) -> std::result::Result<DrawingArea<DB, Shift>, String> {
    root.fill(&WHITE).map_err(e)?;
    let (w, h) = root.dim_in_pixel();
    let (top, bottom) = root.split_vertically(h - 34);
    bottom
        .draw(&Text::new(
            ctx.caption.clone(),
            (w as i32 / 2, 17),
            font(15)
                .color(&RGBColor(80, 80, 80))
                .pos(Pos::new(HPos::Center, VPos::Center)),
        ))
        .map_err(e)?;
    Ok(top)
}

fn render<D: Draw>(name: &str, title: &str, d: &D, ctx: &Context) -> Result<Chart> {
    register_font();
    let (w, h) = d.size();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        d.draw(&root, ctx)
            .map_err(|m| Error::Run(format!("drawing {name}.svg: {m}")))?;
        root.present()
            .map_err(|m| Error::Run(format!("drawing {name}.svg: {m:?}")))?;
    }
    let svg = svg.replace(
        "font-family=\"sans-serif\"",
        &format!("font-family=\"{SVG_FONTS}\""),
    );
    let mut buf = vec![0u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        d.draw(&root, ctx)
            .map_err(|m| Error::Run(format!("drawing {name}.png: {m}")))?;
        root.present()
            .map_err(|m| Error::Run(format!("drawing {name}.png: {m:?}")))?;
    }
    let mut png = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut wr = enc
            .write_header()
            .map_err(|m| Error::Run(format!("encoding {name}.png: {m}")))?;
        wr.write_image_data(&buf)
            .map_err(|m| Error::Run(format!("encoding {name}.png: {m}")))?;
    }
    Ok(Chart {
        name: name.into(),
        title: title.into(),
        svg,
        png,
    })
}

/// A probability with its 95 % interval: (estimate, low, high).
type Interval = (f64, f64, f64);
/// A labelled bar from one value to another, with an optional interval, in a colour.
type HBar = (String, f64, f64, Option<(f64, f64)>, RGBColor);
/// A Table 7 row: backup placement, interconnection placement, events
/// (text, probability, expected), countermeasures.
type Table7Line = (String, String, Vec<(String, f64, bool)>, Vec<String>);

const BLUE: RGBColor = RGBColor(31, 119, 180);
const ORANGE: RGBColor = RGBColor(230, 120, 20);
const GREEN: RGBColor = RGBColor(44, 150, 44);
const RED: RGBColor = RGBColor(200, 40, 40);
const GREY: RGBColor = RGBColor(150, 150, 150);

fn hours_label(h: f64, lang: Lang) -> String {
    if h >= 24.0 && (h / 24.0).fract() == 0.0 {
        format!("{}{}", h / 24.0, lang.t(" d", "日"))
    } else {
        format!("{h}{}", lang.t(" h", "時間"))
    }
}

/// Shortens `text` with an ellipsis to about `px` pixels at font size `size` (CJK
/// characters take about a full em, others about half).
fn fit(text: &str, px: f64, size: f64) -> String {
    let w = |c: char| {
        if c.is_ascii() {
            0.55 * size
        } else {
            1.0 * size
        }
    };
    let total: f64 = text.chars().map(w).sum();
    if total <= px {
        return text.to_string();
    }
    let mut out = String::new();
    let mut acc = size;
    for c in text.chars() {
        acc += w(c);
        if acc > px {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

fn read_csv<T: for<'de> Deserialize<'de>>(dir: &Path, name: &str) -> Result<Option<Vec<T>>> {
    let p = dir.join(name);
    if !p.exists() {
        return Ok(None);
    }
    let mut r = csv::Reader::from_path(&p)
        .map_err(|m| Error::Usage(format!("{}: cannot read ({m})", p.display())))?;
    let mut rows = Vec::new();
    for (i, row) in r.deserialize().enumerate() {
        rows.push(row.map_err(|m| {
            Error::Usage(format!(
                "{}, row {}: not a bcpsim {name} ({m})",
                p.display(),
                i + 2
            ))
        })?);
    }
    Ok(Some(rows))
}

// ---------------------------------------------------------------------------------------
// Columns the charts read from the tables of compare, sensitivity and Table 7 (the run's
// tables are read into the writer's own rows, `crate::output::rows` and `map`).
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Deserialize)]
struct CompareRow {
    option: String,
    metric: String,
    difference: f64,
    diff_ci_low: f64,
    diff_ci_high: f64,
    cost: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
struct SensRow {
    factor: String,
    metric: String,
    low_value: String,
    high_value: String,
    baseline: f64,
    at_low: f64,
    at_high: f64,
    swing: f64,
    swing_ci_low: f64,
    swing_ci_high: f64,
    rank: usize,
}

#[derive(Debug, Clone, Deserialize)]
struct FactorRow {
    factor: String,
    name_en: String,
    name_ja: String,
}

#[derive(Debug, Clone, Deserialize)]
struct Table7Row {
    backup_server: String,
    interconnection_point: String,
    event: String,
    probability: f64,
    ci_low: f64,
    ci_high: f64,
    expected: bool,
    countermeasures: String,
}

// ---------------------------------------------------------------------------------------
// Continuity curves per ministry (small multiples with 95 % bands) on a time axis.
// ---------------------------------------------------------------------------------------

/// Position of `h` hours on the time axes: log10(1 + h), so that the quake (0 h), the first
/// hours and 30 days all read on one axis.
fn lx(h: f64) -> f64 {
    (1.0 + h.max(0.0)).log10()
}

/// Tick hours of the time axes: the checkpoints of the shipped scenarios, or (`sparse`, for
/// small panels) a subset whose labels do not collide.
fn time_ticks(sparse: bool) -> &'static [f64] {
    if sparse {
        &[0.0, 1.0, 6.0, 24.0, 72.0, 168.0, 720.0]
    } else {
        &[0.0, 1.0, 3.0, 6.0, 12.0, 24.0, 72.0, 168.0, 336.0, 720.0]
    }
}

fn time_desc(lang: Lang) -> &'static str {
    lang.t(
        "time after the quake (log scale of 1 + hours)",
        "地震後の経過時間（1+時間の対数目盛）",
    )
}

type Chart2d<'a, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// Draws light vertical lines at `hours` inside the chart, and tick labels at `ticks` under
/// its x axis (on `root`, in pixels: plotters places labels only where it chooses).
fn time_axis<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &mut Chart2d<'_, DB>,
    hours: &[f64],
    ticks: &[f64],
    (y0, y1): (f64, f64),
    size: u32,
    lang: Lang,
) -> DResult {
    let max = hours.iter().copied().fold(0.0, f64::max);
    chart
        .draw_series(
            hours.iter().map(|&h| {
                PathElement::new(vec![(lx(h), y0), (lx(h), y1)], RGBColor(215, 215, 215))
            }),
        )
        .map_err(e)?;
    for &h in ticks.iter().filter(|&&h| h <= max + 1e-9) {
        let (px, py) = chart.backend_coord(&(lx(h), y0));
        root.draw(&PathElement::new(
            vec![(px, py), (px, py + 5)],
            BLACK.stroke_width(1),
        ))
        .map_err(e)?;
        let label = if h == 0.0 {
            "0".to_string()
        } else {
            hours_label(h, lang)
        };
        root.draw(&Text::new(
            label,
            (px, py + 7),
            font(size).pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(e)?;
    }
    Ok(())
}

/// A series over time: (hours, estimate, low, high) at each checkpoint.
type TimeSeries = Vec<(f64, f64, f64, f64)>;

struct Continuity {
    title: String,
    /// Note under the legend (what the lines mean, what is compared).
    note: String,
    /// Per ministry: name and, per series, its points (`None`: not in that run).
    panels: Vec<(String, Vec<Option<TimeSeries>>)>,
    series: Vec<(String, RGBColor)>,
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

/// Width in pixels of `text` at font size `size` (as [`fit`] estimates it).
fn fit_width(text: &str, size: f64) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { 0.55 * size } else { size })
        .sum()
}

/// The note of every chart over time: what is computed and what is drawn between.
fn checkpoint_note(lang: Lang) -> String {
    lang.t(
        "Dots: computed at the checkpoints; lines and 95 % bands only join them (values between checkpoints are not computed).",
        "点：集計時点での計算値。線と95%区間の帯は点を結んだだけ（集計時点の間は計算していない）。",
    )
    .to_string()
}

// ---------------------------------------------------------------------------------------
// Fan chart of the number of ministries able to work from Kansai.
// ---------------------------------------------------------------------------------------

/// One run's distribution of the number of ministries over time.
struct FanRun {
    name: String,
    colour: RGBColor,
    hours: Vec<f64>,
    /// Per checkpoint: probabilities of 0..=ministries.
    dist: Vec<Vec<f64>>,
}

struct Fan {
    title: String,
    ministries: usize,
    runs: Vec<FanRun>,
}

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
        let band = |r: &FanRun, lo: f64, hi: f64| -> Vec<(f64, f64)> {
            let mut v: Vec<(f64, f64)> = r
                .hours
                .iter()
                .zip(&r.dist)
                .map(|(&h, p)| (lx(h), quantile(p, hi)))
                .collect();
            v.extend(
                r.hours
                    .iter()
                    .zip(&r.dist)
                    .rev()
                    .map(|(&h, p)| (lx(h), quantile(p, lo))),
            );
            v
        };
        for r in &self.runs {
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
                    band(r, 0.05, 0.95),
                    c.mix(if single { 0.18 } else { 0.14 }).filled(),
                )))
                .map_err(e)?
                .label(tag(lang.t("5–95 % of trials", "試行の5〜95%")))
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 7), (x + 30, y + 7)], c.mix(0.18).filled())
                });
            if single {
                chart
                    .draw_series(std::iter::once(Polygon::new(
                        band(r, 0.25, 0.75),
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
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 30, y)], c.stroke_width(3))
                    });
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
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 30, y)], mc.stroke_width(3))
                });
            chart
                .draw_series(pts.iter().map(|&p| Circle::new(p, 4, mc.filled())))
                .map_err(e)?;
        }
        legend(&mut chart, 17, SeriesLabelPosition::UpperLeft)?;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Bars per ministry with 95 % intervals.
// ---------------------------------------------------------------------------------------

struct Bars {
    title: String,
    y_desc: String,
    names: Vec<String>,
    /// Per series: name, colour, (p, low, high) per ministry.
    series: Vec<(String, RGBColor, Vec<Interval>)>,
}

impl Draw for Bars {
    fn size(&self) -> (u32, u32) {
        (1500, 860)
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, ctx: &Context) -> DResult {
        let area = with_caption(root, ctx)?;
        let n = self.names.len();
        let mut chart = ChartBuilder::on(&area)
            .caption(&self.title, font(28))
            .margin(20)
            .x_label_area_size(150)
            .y_label_area_size(90)
            .build_cartesian_2d(-0.5..n as f64 - 0.5, 0.0..1.05)
            .map_err(e)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(11)
            .y_label_formatter(&|y| format!("{y:.1}"))
            .y_desc(self.y_desc.clone())
            .x_desc(ctx.lang.t("ministry", "府省"))
            .label_style(font(17))
            .axis_desc_style(font(19))
            .draw()
            .map_err(e)?;
        let k = self.series.len() as f64;
        let w = 0.8 / k;
        for (j, (name, c, vals)) in self.series.iter().enumerate() {
            let off = -0.4 + w * j as f64;
            let c = *c;
            chart
                .draw_series(vals.iter().enumerate().map(|(i, v)| {
                    let x0 = i as f64 + off;
                    Rectangle::new([(x0, 0.0), (x0 + w * 0.92, v.0)], c.filled())
                }))
                .map_err(e)?
                .label(name.clone())
                .legend(move |(x, y)| Rectangle::new([(x, y - 7), (x + 24, y + 7)], c.filled()));
            for (i, v) in vals.iter().enumerate() {
                let xm = i as f64 + off + w * 0.46;
                let d = w * 0.2;
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![
                            (xm - d, v.1),
                            (xm + d, v.1),
                            (xm, v.1),
                            (xm, v.2),
                            (xm - d, v.2),
                            (xm + d, v.2),
                        ],
                        BLACK.stroke_width(1),
                    )))
                    .map_err(e)?;
            }
        }
        legend(&mut chart, 18, SeriesLabelPosition::UpperRight)?;
        // Ministry names under the axis, rotated so long names fit.
        for (i, name) in self.names.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(i as f64, 0.0));
            area.draw(&Text::new(
                name.clone(),
                (px, py + 14),
                font(17)
                    .transform(FontTransform::Rotate270)
                    .pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(e)?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Map: outline of Japan, intensity field, regions, prefectural offices, sites with failure
// frequency.
// ---------------------------------------------------------------------------------------

/// Simplified prefecture outlines (JMA polygons via reversejp; `assets/maps/README.md`).
static JAPAN: &str = include_str!("../../assets/maps/japan_prefectures.json");

#[derive(Debug, Deserialize)]
struct JapanOutline {
    prefectures: Vec<PrefectureOutline>,
}

#[derive(Debug, Deserialize)]
struct PrefectureOutline {
    rings: Vec<Vec<[f64; 2]>>,
}

/// Plotting area of the map, pixels.
const MAP_PLOT: (u32, u32) = (1008, 840);

/// JMA seismic intensity classes from 1 up: lower bound of instrumental intensity,
/// English and Japanese name, colour (the JMA colour scheme for intensity maps).
const JMA_CLASSES: [(f64, &str, &str, RGBColor); 9] = [
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
struct Grid {
    step: f64,
    values: std::collections::HashMap<(i64, i64), f64>,
    vs30: f64,
}

impl Grid {
    fn new(rows: &[IntensityGridRow]) -> Option<Grid> {
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

    fn at(&self, lon: f64, lat: f64) -> Option<f64> {
        let (y, x) = (lat / self.step, lon / self.step);
        let (i, j) = (y.floor() as i64, x.floor() as i64);
        let (ty, tx) = (y - i as f64, x - j as f64);
        let v = |a, b| self.values.get(&(a, b)).copied();
        let (a, b, c, d) = (v(i, j)?, v(i, j + 1)?, v(i + 1, j)?, v(i + 1, j + 1)?);
        Some((a * (1.0 - tx) + b * tx) * (1.0 - ty) + (c * (1.0 - tx) + d * tx) * ty)
    }
}

/// A ring with its bounding box, for point-in-polygon tests of the land mask.
struct LandRing {
    ring: Vec<(f64, f64)>,
    bbox: (f64, f64, f64, f64),
}

impl LandRing {
    fn new(ring: &[[f64; 2]]) -> LandRing {
        let ring: Vec<(f64, f64)> = ring.iter().map(|p| (p[0], p[1])).collect();
        let bbox = ring.iter().fold(
            (f64::MAX, f64::MIN, f64::MAX, f64::MIN),
            |(a, b, c, d), &(x, y)| (a.min(x), b.max(x), c.min(y), d.max(y)),
        );
        LandRing { ring, bbox }
    }

    fn contains(&self, x: f64, y: f64) -> bool {
        let (a, b, c, d) = self.bbox;
        if x < a || x > b || y < c || y > d {
            return false;
        }
        let mut inside = false;
        let n = self.ring.len();
        let mut j = n - 1;
        for i in 0..n {
            let (xi, yi) = self.ring[i];
            let (xj, yj) = self.ring[j];
            if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
                inside = !inside;
            }
            j = i;
        }
        inside
    }
}

/// Sutherland-Hodgman clipping of a ring to the rectangle `(x0, x1, y0, y1)`.
fn clip_ring(ring: &[(f64, f64)], (x0, x1, y0, y1): (f64, f64, f64, f64)) -> Vec<(f64, f64)> {
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

struct MapChart {
    title: String,
    regions: Vec<RegionOutline>,
    /// Groups of sites at (nearly) the same place: lon, lat, max p_failed, median JMA,
    /// label.
    points: Vec<(f64, f64, f64, Option<f64>, String)>,
    prefectures: Vec<(f64, f64)>,
    extent: (f64, f64, f64, f64),
    grid: Option<Grid>,
}

/// White-to-black scale for the share of trials in which a site failed (distinct from the
/// colours of the intensity field beneath).
fn grey(p: f64) -> RGBColor {
    let v = (255.0 * (1.0 - p.clamp(0.0, 1.0))).round() as u8;
    RGBColor(v, v, v)
}

const SEA: RGBColor = RGBColor(226, 238, 247);
const LAND: RGBColor = RGBColor(246, 244, 236);

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
        let japan: JapanOutline = serde_json::from_str(JAPAN).map_err(e)?;
        let clip = (lon0, lon1, lat0, lat1);
        let mut land: Vec<LandRing> = Vec::new();
        let mut shown: Vec<Vec<(f64, f64)>> = Vec::new();
        for p in &japan.prefectures {
            for r in &p.rings {
                let lr = LandRing::new(r);
                let (a, b, c, d) = lr.bbox;
                if b < lon0 || a > lon1 || d < lat0 || c > lat1 {
                    continue;
                }
                let clipped = clip_ring(&lr.ring, clip);
                if clipped.len() >= 3 {
                    shown.push(clipped);
                }
                land.push(lr);
            }
        }
        for ring in &shown {
            chart
                .draw_series(std::iter::once(Polygon::new(ring.clone(), LAND.filled())))
                .map_err(e)?;
        }
        // Intensity field on land, in cells of 4 pixels, runs of one class merged.
        let mut classes_shown = [false; JMA_CLASSES.len()];
        if let Some(g) = &self.grid {
            let (pw, ph) = chart.plotting_area().dim_in_pixel();
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
                        if land.iter().any(|r| r.contains(lon, lat)) {
                            g.at(lon, lat).and_then(jma_class)
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
            .draw_series(shown.iter().map(|r| {
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
                let mut closed = clip_ring(&pts, clip);
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
        let mut placed: Vec<(i32, i32)> = Vec::new();
        let mut order: Vec<&(f64, f64, f64, Option<f64>, String)> = self.points.iter().collect();
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
            // Labels of nearby markers are pushed down until they no longer overlap.
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
        legend(&mut chart, 16, SeriesLabelPosition::LowerRight)?;
        // Side panel: the two scales.
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
        if let Some(g) = &self.grid {
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
        }
        let _ = y;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Horizontal interval bars: countermeasure gains and the tornado chart.
// ---------------------------------------------------------------------------------------

struct HBars {
    title: String,
    x_desc: String,
    /// Label, bar from, bar to, interval (low, high) of the difference, colour.
    rows: Vec<HBar>,
    /// Reference line (the baseline) and its legend text.
    reference: Option<(f64, String)>,
    legend: Vec<(String, RGBColor)>,
    note: Option<String>,
}

impl Draw for HBars {
    fn size(&self) -> (u32, u32) {
        (1500, (290 + 46 * self.rows.len().max(2)) as u32)
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, ctx: &Context) -> DResult {
        let area = with_caption(root, ctx)?;
        let n = self.rows.len().max(1);
        let mut lo = self.reference.as_ref().map(|r| r.0).unwrap_or(0.0);
        let mut hi = lo;
        for r in &self.rows {
            lo = lo.min(r.1).min(r.2);
            hi = hi.max(r.1).max(r.2);
            if let Some((a, b)) = r.3 {
                lo = lo.min(a);
                hi = hi.max(b);
            }
        }
        let pad = ((hi - lo) * 0.08).max(0.01);
        let (w, _) = area.dim_in_pixel();
        let (head, area) = area.split_vertically(if self.note.is_some() { 92 } else { 60 });
        head.draw(&Text::new(
            self.title.clone(),
            (w as i32 / 2, 30),
            font(26).pos(Pos::new(HPos::Center, VPos::Center)),
        ))
        .map_err(e)?;
        if let Some(note) = &self.note {
            head.draw(&Text::new(
                note.clone(),
                (w as i32 / 2, 72),
                font(16).pos(Pos::new(HPos::Center, VPos::Center)),
            ))
            .map_err(e)?;
        }
        let mut chart = ChartBuilder::on(&area)
            .margin(20)
            .margin_left(560)
            .x_label_area_size(70)
            .y_label_area_size(10)
            .build_cartesian_2d(lo - pad..hi + pad, -0.6..n as f64 - 0.4)
            .map_err(e)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_labels(9)
            .x_desc(self.x_desc.clone())
            .label_style(font(16))
            .axis_desc_style(font(18))
            .draw()
            .map_err(e)?;
        for (i, (label, a, b, ci, c)) in self.rows.iter().enumerate() {
            // First row at the top.
            let y = (n - 1 - i) as f64;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(a.min(*b), y - 0.32), (a.max(*b), y + 0.32)],
                    c.filled(),
                )))
                .map_err(e)?;
            if let Some((l, h)) = ci {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![
                            (*l, y - 0.15),
                            (*l, y + 0.15),
                            (*l, y),
                            (*h, y),
                            (*h, y - 0.15),
                            (*h, y + 0.15),
                        ],
                        BLACK.stroke_width(2),
                    )))
                    .map_err(e)?;
            }
            // Backend coordinates are absolute: draw on the root area.
            let (px, py) = chart.backend_coord(&(lo - pad, y));
            root.draw(&Text::new(
                label.clone(),
                (px - 12, py),
                font(16).pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(e)?;
        }
        if let Some((x, name)) = &self.reference {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(*x, -0.6), (*x, n as f64 - 0.4)],
                    BLACK.stroke_width(2),
                )))
                .map_err(e)?
                .label(name.clone())
                .legend(|(x, y)| {
                    PathElement::new(vec![(x, y), (x + 24, y)], BLACK.stroke_width(2))
                });
        }
        for (name, c) in &self.legend {
            let c = *c;
            chart
                .draw_series(std::iter::empty::<Rectangle<(f64, f64)>>())
                .map_err(e)?
                .label(name.clone())
                .legend(move |(x, y)| Rectangle::new([(x, y - 7), (x + 24, y + 7)], c.filled()));
        }
        if self.reference.is_some() || !self.legend.is_empty() {
            legend(&mut chart, 16, SeriesLabelPosition::LowerRight)?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Cost against gain.
// ---------------------------------------------------------------------------------------

struct CostGain {
    title: String,
    x_desc: String,
    y_desc: String,
    /// Label, cost, gain, interval.
    points: Vec<(String, f64, f64, f64, f64)>,
}

impl Draw for CostGain {
    fn size(&self) -> (u32, u32) {
        (1300, 820)
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, ctx: &Context) -> DResult {
        let area = with_caption(root, ctx)?;
        let xmax = self.points.iter().map(|p| p.1).fold(0.0, f64::max) * 1.25 + 1e-9;
        let ymin = self.points.iter().map(|p| p.3).fold(0.0, f64::min);
        let ymax = self.points.iter().map(|p| p.4).fold(0.0, f64::max) * 1.15 + 1e-9;
        let mut chart = ChartBuilder::on(&area)
            .caption(&self.title, font(26))
            .margin(20)
            .x_label_area_size(70)
            .y_label_area_size(90)
            .build_cartesian_2d(0.0..xmax, ymin..ymax)
            .map_err(e)?;
        chart
            .configure_mesh()
            .x_desc(self.x_desc.clone())
            .y_desc(self.y_desc.clone())
            .label_style(font(16))
            .axis_desc_style(font(18))
            .draw()
            .map_err(e)?;
        for (label, c, g, l, h) in &self.points {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(*c, *l), (*c, *h)],
                    BLACK.stroke_width(2),
                )))
                .map_err(e)?;
            chart
                .draw_series(std::iter::once(Circle::new((*c, *g), 7, BLUE.filled())))
                .map_err(e)?;
            let (px, py) = chart.backend_coord(&(*c, *g));
            area.draw(&Text::new(
                label.clone(),
                (px + 12, py),
                font(15).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(e)?;
        }
        chart
            .draw_series(std::iter::once(Circle::new((0.0, ymin), 0, BLUE.filled())))
            .map_err(e)?
            .label(ctx.lang.t("gain with 95 % interval", "改善（95%区間）"))
            .legend(|(x, y)| Circle::new((x + 12, y), 6, BLUE.filled()));
        legend(&mut chart, 16, SeriesLabelPosition::UpperLeft)?;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Table 7 as a figure.
// ---------------------------------------------------------------------------------------

struct Table7Fig {
    title: String,
    header: [String; 4],
    /// Per placement: backup, interconnection, events (text, probability, expected),
    /// countermeasures.
    rows: Vec<Table7Line>,
}

impl Draw for Table7Fig {
    fn size(&self) -> (u32, u32) {
        let lines: usize = self
            .rows
            .iter()
            .map(|r| r.2.len().max(r.3.len()).max(1))
            .sum();
        (1600, (230 + 40 * lines + 20 * self.rows.len()) as u32)
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, ctx: &Context) -> DResult {
        let area = with_caption(root, ctx)?;
        area.draw(&Text::new(
            self.title.clone(),
            (800, 36),
            font(28).pos(Pos::new(HPos::Center, VPos::Center)),
        ))
        .map_err(e)?;
        let cols = [30, 230, 430, 1080, 1570];
        let mut y = 80;
        let head = RGBColor(225, 232, 245);
        area.draw(&Rectangle::new(
            [(cols[0], y), (cols[4], y + 56)],
            head.filled(),
        ))
        .map_err(e)?;
        for (k, h) in self.header.iter().enumerate() {
            // Headers may have two lines (`\n`) to fit their column.
            let lines: Vec<&str> = h.lines().collect();
            for (j, l) in lines.iter().enumerate() {
                let dy = if lines.len() == 1 {
                    28
                } else {
                    17 + 22 * j as i32
                };
                area.draw(&Text::new(
                    l.to_string(),
                    (cols[k] + 10, y + dy),
                    font(17).pos(Pos::new(HPos::Left, VPos::Center)),
                ))
                .map_err(e)?;
            }
        }
        y += 56;
        for (b, ic, events, cms) in &self.rows {
            let lines = events.len().max(cms.len()).max(1) as i32;
            let h = 40 * lines + 20;
            area.draw(&Rectangle::new(
                [(cols[0], y), (cols[4], y + h)],
                BLACK.stroke_width(1),
            ))
            .map_err(e)?;
            for &x in &cols[1..4] {
                area.draw(&PathElement::new(
                    vec![(x, y), (x, y + h)],
                    BLACK.stroke_width(1),
                ))
                .map_err(e)?;
            }
            area.draw(&Text::new(
                b.clone(),
                (cols[0] + 10, y + 30),
                font(18).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(e)?;
            area.draw(&Text::new(
                ic.clone(),
                (cols[1] + 10, y + 30),
                font(18).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(e)?;
            for (i, (text, p, expected)) in events.iter().enumerate() {
                let yy = y + 30 + 40 * i as i32;
                // A bar shows the probability; red when expected.
                let c = if *expected { RED } else { GREY };
                area.draw(&Rectangle::new(
                    [
                        (cols[2] + 10, yy - 12),
                        (cols[2] + 10 + (90.0 * p) as i32, yy + 12),
                    ],
                    c.mix(0.6).filled(),
                ))
                .map_err(e)?;
                area.draw(&Rectangle::new(
                    [(cols[2] + 10, yy - 12), (cols[2] + 100, yy + 12)],
                    BLACK.stroke_width(1),
                ))
                .map_err(e)?;
                area.draw(&Text::new(
                    format!("{p:.2}  {text}"),
                    (cols[2] + 110, yy),
                    font(16).pos(Pos::new(HPos::Left, VPos::Center)),
                ))
                .map_err(e)?;
            }
            for (i, cm) in cms.iter().enumerate() {
                area.draw(&Text::new(
                    cm.clone(),
                    (cols[3] + 10, y + 30 + 40 * i as i32),
                    font(16).pos(Pos::new(HPos::Left, VPos::Center)),
                ))
                .map_err(e)?;
            }
            y += h;
        }
        let note = ctx.lang.t(
            "Bars: probability of the event (red: expected, at or above the threshold; grey: below).",
            "棒：事態の確率（赤：閾値以上で想定される事態、灰：閾値未満）。",
        );
        area.draw(&Text::new(note.to_string(), (cols[0], y + 26), font(15)))
            .map_err(e)?;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Making every chart a folder supports.
// ---------------------------------------------------------------------------------------

fn context(m: &ManifestInfo, names: &Names, lang: Lang) -> Context {
    let title = match lang {
        Lang::Ja if !names.scenario.1.is_empty() => names.scenario.1.clone(),
        Lang::En if !names.scenario.0.is_empty() => names.scenario.0.clone(),
        _ => m.scenario_id.clone(),
    };
    let opts = if m.options.is_empty() || m.command == "compare" {
        String::new()
    } else {
        format!(
            "{}{}",
            lang.t(" / options: ", "　／　対策: "),
            m.options.join(", ")
        )
    };
    Context {
        lang,
        caption: format!(
            "{title}　({}{}{}{}{opts}, bcpsim {})",
            lang.t("", ""),
            m.trials,
            lang.t(" trials, seed ", " 試行, 乱数シード "),
            m.seed,
            env!("CARGO_PKG_VERSION")
        ),
    }
}

fn checkpoint_index(hours: &[f64], h: f64) -> Option<usize> {
    hours.iter().position(|&x| (x - h).abs() < 1e-9)
}

/// `availability.csv` of a run as series over time, by service id.
fn read_availability(dir: &Path) -> Result<Option<BTreeMap<String, TimeSeries>>> {
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

/// `kansai_over_time.csv` of a run: the number of ministries, the checkpoints and, per
/// checkpoint, the probability of each number.
#[allow(clippy::type_complexity)]
fn read_fan(dir: &Path) -> Result<Option<(usize, Vec<f64>, Vec<Vec<f64>>)>> {
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
    Ok(Some((max, hours, dist)))
}

/// Colours of runs overlaid on one chart.
const RUN_COLOURS: [RGBColor; 5] = [
    BLUE,
    RED,
    GREEN,
    RGBColor(130, 60, 170),
    RGBColor(120, 90, 40),
];

/// Charts overlaying the `run` (or `merge`) results folders among `runs` (each with the
/// names of its scenario): per-ministry work-from-Kansai curves of every run, and the
/// spread and mean of the number of ministries able to work from Kansai. Empty unless at
/// least two of the folders have the recovery files.
pub fn make_overlay(runs: &[(&Path, &Names)], lang: Lang) -> Result<Vec<Chart>> {
    struct Run {
        name: String,
        manifest: ManifestInfo,
        ministries: Vec<MinistryRow>,
        series: BTreeMap<String, TimeSeries>,
        fan: Option<(usize, Vec<f64>, Vec<Vec<f64>>)>,
    }
    let mut loaded: Vec<Run> = Vec::new();
    for (dir, names) in runs {
        let manifest = read_manifest(dir)?;
        if manifest.command != "run" && manifest.command != "merge" {
            continue;
        }
        let (Some(ministries), Some(series)) = (
            read_csv::<MinistryRow>(dir, "ministries.csv")?,
            read_availability(dir)?,
        ) else {
            continue;
        };
        let mut name = match lang {
            Lang::Ja if !names.scenario.1.is_empty() => names.scenario.1.clone(),
            Lang::En if !names.scenario.0.is_empty() => names.scenario.0.clone(),
            _ => manifest.scenario_id.clone(),
        };
        if !manifest.options.is_empty() {
            name = format!("{name} [{}]", manifest.options.join(", "));
        }
        loaded.push(Run {
            name,
            fan: read_fan(dir)?,
            manifest,
            ministries,
            series,
        });
    }
    if loaded.len() < 2 {
        return Ok(Vec::new());
    }
    // Same names for different runs (the same scenario twice) get their folder's id.
    for i in 0..loaded.len() {
        if loaded.iter().filter(|r| r.name == loaded[i].name).count() > 1 {
            loaded[i].name = format!("{} ({})", loaded[i].name, i + 1);
        }
    }
    let colour = |i: usize| RUN_COLOURS[i % RUN_COLOURS.len()];
    let ctx = Context {
        lang,
        caption: loaded
            .iter()
            .map(|r| {
                format!(
                    "{}: {}{}{}",
                    fit(&r.name, 420.0, 15.0),
                    r.manifest.trials,
                    lang.t(" trials, seed ", " 試行, シード "),
                    r.manifest.seed
                )
            })
            .collect::<Vec<_>>()
            .join("　／　"),
    };
    let mut out = Vec::new();
    // Ministries in the order of the first run that has them.
    let mut ids: Vec<(String, String)> = Vec::new();
    for r in &loaded {
        for m in &r.ministries {
            if !ids.iter().any(|x| x.0 == m.ministry) {
                ids.push((
                    m.ministry.clone(),
                    lang.t(&m.name_en, &m.name_ja).to_string(),
                ));
            }
        }
    }
    let panels = ids
        .iter()
        .map(|(id, name)| {
            (
                name.clone(),
                loaded
                    .iter()
                    .map(|r| r.series.get(&format!("{id}.work_from_kansai")).cloned())
                    .collect(),
            )
        })
        .collect();
    let title = lang
        .t(
            "By when each ministry can work from Kansai: the runs compared (95 % bands)",
            "各府省が関西から業務継続できる時期：実行結果の比較（95%区間の帯）",
        )
        .to_string();
    let d = Continuity {
        title: title.clone(),
        note: checkpoint_note(lang),
        panels,
        series: loaded
            .iter()
            .enumerate()
            .map(|(i, r)| (fit(&r.name, 560.0, 19.0), colour(i)))
            .collect(),
    };
    out.push(render("overlay_continuity", &title, &d, &ctx)?);
    let fans: Vec<FanRun> = loaded
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            r.fan.as_ref().map(|(_, hours, dist)| FanRun {
                name: fit(&r.name, 300.0, 17.0),
                colour: colour(i),
                hours: hours.clone(),
                dist: dist.clone(),
            })
        })
        .collect();
    if fans.len() >= 2 {
        let max = loaded
            .iter()
            .filter_map(|r| r.fan.as_ref().map(|f| f.0))
            .max()
            .unwrap_or(0);
        // Distributions padded to the largest number of ministries.
        let fans = fans
            .into_iter()
            .map(|mut f| {
                for p in f.dist.iter_mut() {
                    p.resize(max + 1, 0.0);
                }
                f
            })
            .collect();
        let title = lang
            .t(
                "Ministries able to work from Kansai over time: the runs compared",
                "関西から業務継続できる府省数の推移：実行結果の比較",
            )
            .to_string();
        let d = Fan {
            title: title.clone(),
            ministries: max,
            runs: fans,
        };
        out.push(render("overlay_kansai_fan", &title, &d, &ctx)?);
    }
    Ok(out)
}

/// Makes every chart that the files in `dir` support.
pub fn make_all(dir: &Path, names: &Names, lang: Lang) -> Result<Vec<Chart>> {
    let manifest = read_manifest(dir)?;
    let ctx = context(&manifest, names, lang);
    let mut out = Vec::new();
    let ministries: Option<Vec<MinistryRow>> = read_csv(dir, "ministries.csv")?;
    let mname = |m: &MinistryRow| lang.t(&m.name_en, &m.name_ja).to_string();
    let short = |m: &MinistryRow| match lang {
        Lang::Ja => m.name_ja.clone(),
        Lang::En => m.ministry.to_uppercase(),
    };
    // Continuity curves.
    if let (Some(series), Some(ms)) = (read_availability(dir)?, ministries.as_ref()) {
        let get = |id: String| series.get(&id).cloned();
        let panels = ms
            .iter()
            .map(|m| {
                (
                    mname(m),
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
        out.push(render("continuity", &title, &d, &ctx)?);
    }
    // Fan chart.
    if let Some((max, hours, dist)) = read_fan(dir)? {
        let title = lang
            .t(
                "Number of ministries able to work from Kansai over time (spread over trials)",
                "関西から業務継続できる府省数の推移（試行間のばらつき）",
            )
            .to_string();
        let d = Fan {
            title: title.clone(),
            ministries: max,
            runs: vec![FanRun {
                name: String::new(),
                colour: BLUE,
                hours,
                dist,
            }],
        };
        out.push(render("kansai_fan", &title, &d, &ctx)?);
    }
    // Bars per ministry right after the quake, and within the RTO.
    if let Some(ms) = ministries.as_ref() {
        let title = lang
            .t(
                "Each ministry right after the quake (damage only), with 95 % intervals",
                "地震直後の各府省（被害のみ）と95%信頼区間",
            )
            .to_string();
        let d = Bars {
            title: title.clone(),
            y_desc: lang.t("probability", "確率").into(),
            names: ms.iter().map(short).collect(),
            series: vec![
                (
                    lang.t("network operation", "府省内NWの運用").into(),
                    GREEN,
                    ms.iter()
                        .map(|m| {
                            (
                                m.network_operation,
                                m.network_operation_ci_low,
                                m.network_operation_ci_high,
                            )
                        })
                        .collect(),
                ),
                (
                    lang.t("connection to G-net", "政府共通NWへの接続").into(),
                    ORANGE,
                    ms.iter()
                        .map(|m| {
                            (
                                m.gnet_connection,
                                m.gnet_connection_ci_low,
                                m.gnet_connection_ci_high,
                            )
                        })
                        .collect(),
                ),
                (
                    lang.t("work from Kansai", "関西から業務継続").into(),
                    BLUE,
                    ms.iter()
                        .map(|m| {
                            (
                                m.work_from_kansai,
                                m.work_from_kansai_ci_low,
                                m.work_from_kansai_ci_high,
                            )
                        })
                        .collect(),
                ),
            ],
        };
        out.push(render("ministries_at_quake", &title, &d, &ctx)?);
        if let Some(rest) = read_csv::<RestorationRow>(dir, "restoration.csv")? {
            let get = |svc: String| {
                rest.iter()
                    .find(|r| r.service == svc)
                    .map(|r| (r.p_within_rto, r.ci_low, r.ci_high))
                    .unwrap_or((0.0, 0.0, 0.0))
            };
            let title = lang
                .t(
                    "Each ministry restored within its recovery-time objective, with 95 % intervals",
                    "目標復旧時間内に復旧する確率（各府省、95%信頼区間）",
                )
                .to_string();
            let d = Bars {
                title: title.clone(),
                y_desc: lang
                    .t(
                        "probability of meeting the RTO",
                        "目標復旧時間内に復旧する確率",
                    )
                    .into(),
                names: ms.iter().map(short).collect(),
                series: vec![
                    (
                        lang.t("network operation", "府省内NWの運用").into(),
                        GREEN,
                        ms.iter()
                            .map(|m| get(format!("{}.network_operation", m.ministry)))
                            .collect(),
                    ),
                    (
                        lang.t("connection to G-net", "政府共通NWへの接続").into(),
                        ORANGE,
                        ms.iter()
                            .map(|m| get(format!("{}.gnet_connection", m.ministry)))
                            .collect(),
                    ),
                    (
                        lang.t("work from Kansai", "関西から業務継続").into(),
                        BLUE,
                        ms.iter()
                            .map(|m| get(format!("{}.work_from_kansai", m.ministry)))
                            .collect(),
                    ),
                ],
            };
            out.push(render("ministries_within_rto", &title, &d, &ctx)?);
        }
    }
    // Map.
    if let Some(sites) = read_csv::<SiteFailureRow>(dir, "site_failures.csv")? {
        let regions: Vec<RegionOutline> = match std::fs::read_to_string(dir.join("regions.json")) {
            Ok(t) => serde_json::from_str(&t).map_err(|m| {
                Error::Usage(format!(
                    "{}: not a bcpsim regions.json ({m})",
                    dir.join("regions.json").display()
                ))
            })?,
            Err(_) => Vec::new(),
        };
        // Sites within about 10 km share one marker (the worst of them is shown).
        let mut points: Vec<(f64, f64, f64, Option<f64>, String)> = Vec::new();
        for s in &sites {
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
        // Long lists of co-located sites are shortened to the first and a count.
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
        let prefectures = PREFECTURES
            .lines()
            .skip(1)
            .filter_map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                Some((f.get(4)?.parse().ok()?, f.get(3)?.parse().ok()?))
            })
            .collect();
        let title = lang
            .t(
                "Sites: how often something there failed at the quake",
                "拠点の地図：地震直後に被災した試行の割合",
            )
            .to_string();
        let extent = map_extent(&sites.iter().map(|s| (s.lon, s.lat)).collect::<Vec<_>>());
        let grid = read_csv::<IntensityGridRow>(dir, "intensity_grid.csv")?
            .and_then(|rows| Grid::new(&rows));
        let title = if grid.is_some() {
            lang.t(
                "Sites: how often something there failed at the quake, over the median intensity",
                "拠点の地図：地震直後に被災した試行の割合と震度分布（中央値）",
            )
            .to_string()
        } else {
            title
        };
        let d = MapChart {
            title: title.clone(),
            regions,
            points,
            prefectures,
            extent,
            grid,
        };
        out.push(render("map", &title, &d, &ctx)?);
    }
    // Countermeasure comparison.
    if let Some(rows) = read_csv::<CompareRow>(dir, "compare.csv")? {
        for (metric, file, en, ja) in [
            (
                "ministries_working_from_kansai",
                "compare",
                "Gain of each countermeasure: ministries able to work from Kansai right after the quake",
                "対策の効果：地震直後に関西から業務継続できる府省数の増加",
            ),
            (
                "ministries_working_from_kansai_within_rto",
                "compare_within_rto",
                "Gain of each countermeasure: ministries working from Kansai within their RTO",
                "対策の効果：目標復旧時間内に関西から業務継続できる府省数の増加",
            ),
        ] {
            let mut sel: Vec<&CompareRow> = rows.iter().filter(|r| r.metric == metric).collect();
            if sel.is_empty() {
                continue;
            }
            sel.sort_by(|a, b| b.difference.total_cmp(&a.difference));
            let d = HBars {
                title: lang.t(en, ja).into(),
                x_desc: lang
                    .t(
                        "paired difference against the baseline (ministries; bar: mean, whisker: 95 % interval)",
                        "基準との対応のある差（府省数。棒：平均、ひげ：95%区間）",
                    )
                    .into(),
                rows: sel
                    .iter()
                    .map(|r| {
                        let noise = r.diff_ci_low <= 0.0 && r.diff_ci_high >= 0.0;
                        // Combinations by ids (short); single options by name.
                        let label = if r.option.contains('+') {
                            r.option.replace('+', " + ")
                        } else {
                            names.option(&r.option, lang)
                        };
                        (
                            fit(&label, 530.0, 16.0),
                            0.0,
                            r.difference,
                            Some((r.diff_ci_low, r.diff_ci_high)),
                            if noise { GREY } else { BLUE },
                        )
                    })
                    .collect(),
                reference: Some((0.0, lang.t("no change", "変化なし").into())),
                legend: vec![
                    (lang.t("gain (interval excludes 0)", "改善（区間が0を含まない）").into(), BLUE),
                    (lang.t("within noise", "誤差の範囲").into(), GREY),
                ],
                note: None,
            };
            out.push(render(file, lang.t(en, ja), &d, &ctx)?);
            let costed: Vec<&&CompareRow> = sel.iter().filter(|r| r.cost.is_some()).collect();
            if metric == "ministries_working_from_kansai" && !costed.is_empty() {
                let title = lang
                    .t("Cost against gain of the countermeasures", "対策の費用と効果")
                    .to_string();
                let d = CostGain {
                    title: title.clone(),
                    x_desc: lang.t("cost (scenario's cost unit)", "費用（シナリオの単位）").into(),
                    y_desc: lang
                        .t("gain (ministries working from Kansai)", "効果（関西から業務継続できる府省数）")
                        .into(),
                    points: costed
                        .iter()
                        .map(|r| {
                            (
                                names.option(&r.option, lang),
                                r.cost.unwrap_or(0.0),
                                r.difference,
                                r.diff_ci_low,
                                r.diff_ci_high,
                            )
                        })
                        .collect(),
                };
                out.push(render("cost_gain", &title, &d, &ctx)?);
            }
        }
    }
    // Tornado charts.
    if let Some(rows) = read_csv::<SensRow>(dir, "sensitivity.csv")? {
        let factors: Vec<FactorRow> = read_csv(dir, "factors.csv")?.unwrap_or_default();
        let fname = |id: &str| {
            factors
                .iter()
                .find(|f| f.factor == id)
                .map(|f| lang.t(&f.name_en, &f.name_ja).to_string())
                .unwrap_or_else(|| id.to_string())
        };
        let mut metrics: Vec<String> = Vec::new();
        for r in &rows {
            if !metrics.contains(&r.metric) {
                metrics.push(r.metric.clone());
            }
        }
        for metric in metrics
            .iter()
            .filter(|m| m.starts_with("ministries_working"))
        {
            let mut sel: Vec<&SensRow> = rows.iter().filter(|r| &r.metric == metric).collect();
            sel.sort_by_key(|r| r.rank);
            let shown = 15.min(sel.len());
            let hidden = sel.len() - shown;
            let baseline = sel.first().map(|r| r.baseline).unwrap_or(0.0);
            let within = metric.ends_with("within_rto");
            let title = if within {
                lang.t(
                    "What the answer depends on: ministries working from Kansai within their RTO",
                    "結果を左右する要因：目標復旧時間内に関西から業務継続できる府省数",
                )
            } else {
                lang.t(
                    "What the answer depends on: ministries able to work from Kansai right after the quake",
                    "結果を左右する要因：地震直後に関西から業務継続できる府省数",
                )
            };
            let d = HBars {
                title: title.into(),
                x_desc: lang
                    .t(
                        "expected number of ministries (bar: from the low end to the high end of the factor)",
                        "府省数の期待値（棒：要因の下端から上端まで）",
                    )
                    .into(),
                rows: sel[..shown]
                    .iter()
                    .map(|r| {
                        let up = r.swing >= 0.0;
                        (
                            {
                                let tail = format!(" [{}→{}]", r.low_value, r.high_value);
                                let room = 530.0 - tail.chars().count() as f64 * 0.55 * 16.0;
                                format!("{}{tail}", fit(&fname(&r.factor), room.max(150.0), 16.0))
                            },
                            r.at_low,
                            r.at_high,
                            Some((
                                r.at_low + r.swing_ci_low.min(r.swing_ci_high).min(r.swing),
                                r.at_low + r.swing_ci_high.max(r.swing),
                            ))
                            .filter(|_| r.swing_ci_high - r.swing_ci_low > 0.0)
                            .map(|_| {
                                (r.at_low + r.swing_ci_low, r.at_low + r.swing_ci_high)
                            }),
                            if up { BLUE } else { RED },
                        )
                    })
                    .collect(),
                reference: Some((baseline, lang.t("as declared", "宣言どおり").into())),
                legend: vec![
                    (lang.t("high end raises it", "上端で増加").into(), BLUE),
                    (lang.t("high end lowers it", "上端で減少").into(), RED),
                ],
                note: Some(format!(
                    "{}{}",
                    lang.t(
                        "Whisker: 95 % interval of the paired swing, placed from the low end. ",
                        "ひげ：対応のある振れ幅の95%区間（下端の値から）。"
                    ),
                    if hidden > 0 {
                        format!(
                            "{} {hidden} {}",
                            lang.t("Not shown:", "ほか"),
                            lang.t("smaller factors (sensitivity.csv).", "要因は表を参照（sensitivity.csv）。")
                        )
                    } else {
                        String::new()
                    }
                )),
            };
            let file = if within {
                "tornado_within_rto"
            } else {
                "tornado"
            };
            out.push(render(file, title, &d, &ctx)?);
        }
    }
    // Table 7.
    if let Some(rows) = read_csv::<Table7Row>(dir, "table7.csv")? {
        let loc = |s: &str| match (s, lang) {
            ("capital", Lang::Ja) => "首都圏内".to_string(),
            ("outside", Lang::Ja) => "首都圏外".to_string(),
            ("capital", Lang::En) => "In the capital region".to_string(),
            ("outside", Lang::En) => "Outside it".to_string(),
            (x, _) => x.to_string(),
        };
        let mut placements: Vec<(String, String)> = Vec::new();
        for r in &rows {
            let k = (r.backup_server.clone(), r.interconnection_point.clone());
            if !placements.contains(&k) {
                placements.push(k);
            }
        }
        let fig_rows = placements
            .iter()
            .map(|(b, i)| {
                let these: Vec<&Table7Row> = rows
                    .iter()
                    .filter(|r| &r.backup_server == b && &r.interconnection_point == i)
                    .collect();
                let events = these
                    .iter()
                    .map(|r| {
                        (
                            format!(
                                "{} [{:.2}, {:.2}]",
                                names.event(&r.event, lang),
                                r.ci_low,
                                r.ci_high
                            ),
                            r.probability,
                            r.expected,
                        )
                    })
                    .collect();
                let mut cms: Vec<String> = Vec::new();
                for r in these.iter().filter(|r| r.expected) {
                    for c in r
                        .countermeasures
                        .split(';')
                        .filter(|c| !c.trim().is_empty())
                    {
                        let n = names.option(c.trim(), lang);
                        if !cms.contains(&n) {
                            cms.push(n);
                        }
                    }
                }
                if cms.is_empty() {
                    cms.push("—".into());
                }
                (loc(b), loc(i), events, cms)
            })
            .collect();
        let title = lang
            .t(
                "Table 7: expected events and countermeasures (computed)",
                "表7 想定される事態と対策（シミュレーションによる計算）",
            )
            .to_string();
        let d = Table7Fig {
            title: title.clone(),
            header: [
                lang.t("Backup servers", "バックアップ\nサーバーの所在")
                    .into(),
                lang.t("Interconnection\npoint", "ネットワーク間の\n接続点の所在")
                    .into(),
                lang.t(
                    "Events (probability, 95 % interval)",
                    "事態（確率、95%区間）",
                )
                .into(),
                lang.t("Countermeasures", "考えられる対策").into(),
            ],
            rows: fig_rows,
        };
        out.push(render("table7", &title, &d, &ctx)?);
    }
    Ok(out)
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

    #[test]
    fn embedded_font_parses() {
        assert!(ab_glyph_ok());
    }

    fn ab_glyph_ok() -> bool {
        plotters::style::register_font("test-font", FontStyle::Normal, FONT).is_ok()
    }
}
