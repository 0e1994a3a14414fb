//! What every chart shares: the embedded font, the language, the caption, colours, text
//! fitting, reading a table back, and rendering one drawing to SVG and PNG.

use std::collections::BTreeMap;
use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::Deserialize;

use crate::diag::{Error, Result};
use crate::output::manifest::ManifestInfo;

/// The embedded font (IPAexGothic, IPA Font License v1.0; licence in `assets/fonts/`).
static FONT: &[u8] = include_bytes!("../../../assets/fonts/ipaexg.ttf");

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

pub use crate::base::lang::Lang;

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

    /// The scenario's title in `lang`, or `id` where the scenario gave none (or was not read).
    pub fn title(&self, lang: Lang, id: &str) -> String {
        let (en, ja) = &self.scenario;
        match lang {
            Lang::Ja if !ja.is_empty() => ja.clone(),
            Lang::En if !en.is_empty() => en.clone(),
            _ => id.to_string(),
        }
    }

    pub(super) fn option(&self, id: &str, lang: Lang) -> String {
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

    pub(super) fn event(&self, id: &str, lang: Lang) -> String {
        self.events
            .get(id)
            .map(|(en, ja)| lang.t(en, ja).to_string())
            .unwrap_or_else(|| id.to_string())
    }
}

/// What every chart says in its caption: the scenario, the trials, the seed.
#[derive(Debug, Clone)]
pub(super) struct Context {
    pub(super) lang: Lang,
    pub(super) caption: String,
}

/// What every chart maker reads: the results folder, the names its scenario gives the ids,
/// the language and the caption.
pub(super) struct Folder<'a> {
    pub(super) dir: &'a Path,
    pub(super) names: &'a Names,
    pub(super) lang: Lang,
    pub(super) ctx: Context,
}

impl Folder<'_> {
    /// Reads the folder's manifest for the caption.
    pub(super) fn open<'a>(dir: &'a Path, names: &'a Names, lang: Lang) -> Result<Folder<'a>> {
        let manifest = crate::output::manifest::read_manifest(dir)?;
        Ok(Folder {
            dir,
            names,
            lang,
            ctx: context(&manifest, names, lang),
        })
    }
}

/// Makes the charts of one kind that a folder supports (none when its files are absent).
pub(super) type Maker = fn(&Folder) -> Result<Vec<Chart>>;

pub(super) type DResult = std::result::Result<(), String>;

pub(super) fn e<T: std::fmt::Debug>(x: T) -> String {
    format!("{x:?}")
}

/// A chart on plain f64 axes.
pub(super) type Chart2d<'a, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// A chart drawn on any backend.
pub(super) trait Draw {
    fn size(&self) -> (u32, u32);
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, ctx: &Context) -> DResult;
}

pub(super) fn font(size: u32) -> TextStyle<'static> {
    (FAMILY, size).into_font().into()
}

/// Draws the series legend in a white, black-bordered box at `pos`.
pub(super) fn legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
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
pub(super) fn with_caption<DB: DrawingBackend>(
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

pub(super) fn render<D: Draw>(name: &str, title: &str, d: &D, ctx: &Context) -> Result<Chart> {
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
pub(super) type Interval = (f64, f64, f64);

pub(super) const BLUE: RGBColor = RGBColor(31, 119, 180);
pub(super) const ORANGE: RGBColor = RGBColor(230, 120, 20);
pub(super) const GREEN: RGBColor = RGBColor(44, 150, 44);
pub(super) const RED: RGBColor = RGBColor(200, 40, 40);
pub(super) const GREY: RGBColor = RGBColor(150, 150, 150);

pub(super) fn hours_label(h: f64, lang: Lang) -> String {
    if h >= 24.0 && (h / 24.0).fract() == 0.0 {
        format!("{}{}", h / 24.0, lang.t(" d", "日"))
    } else {
        format!("{h}{}", lang.t(" h", "時間"))
    }
}

/// Shortens `text` with an ellipsis to about `px` pixels at font size `size` (CJK
/// characters take about a full em, others about half).
pub(super) fn fit(text: &str, px: f64, size: f64) -> String {
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

pub(super) fn read_csv<T: for<'de> Deserialize<'de>>(
    dir: &Path,
    name: &str,
) -> Result<Option<Vec<T>>> {
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

/// Width in pixels of `text` at font size `size` (as [`fit`] estimates it).
pub(super) fn fit_width(text: &str, size: f64) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { 0.55 * size } else { size })
        .sum()
}

/// The caption of a folder's charts: the scenario, the trials, the seed, the options.
fn context(m: &ManifestInfo, names: &Names, lang: Lang) -> Context {
    let title = names.title(lang, &m.scenario_id);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_font_parses() {
        assert!(plotters::style::register_font("test-font", FontStyle::Normal, FONT).is_ok());
    }
}
