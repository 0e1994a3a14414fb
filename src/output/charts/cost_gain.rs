//! Cost against gain of the countermeasures (`cost_gain`).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::common::{
    e, font, legend, render, with_caption, Chart, Context, DResult, Draw, Folder, BLUE,
};
use super::compare::{selected, AT_QUAKE};
use crate::diag::Result;

/// Points of cost against gain with the gain's interval.
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

/// `cost_gain`: the countermeasures that state a cost, their cost against their gain right
/// after the quake (needs `compare.csv` with costs).
pub(super) fn make(f: &Folder) -> Result<Vec<Chart>> {
    let lang = f.lang;
    let Some(sel) = selected(f, AT_QUAKE)? else {
        return Ok(Vec::new());
    };
    let costed: Vec<_> = sel.iter().filter(|r| r.cost.is_some()).collect();
    if costed.is_empty() {
        return Ok(Vec::new());
    }
    let title = lang
        .t(
            "Cost against gain of the countermeasures",
            "対策の費用と効果",
        )
        .to_string();
    let d = CostGain {
        title: title.clone(),
        x_desc: lang
            .t("cost (scenario's cost unit)", "費用（シナリオの単位）")
            .into(),
        y_desc: lang
            .t(
                "gain (ministries working from Kansai)",
                "効果（関西から業務継続できる府省数）",
            )
            .into(),
        points: costed
            .iter()
            .map(|r| {
                (
                    f.names.option(&r.option, lang),
                    r.cost.unwrap_or(0.0),
                    r.difference,
                    r.diff_ci_low,
                    r.diff_ci_high,
                )
            })
            .collect(),
    };
    Ok(vec![render("cost_gain", &title, &d, &f.ctx)?])
}
