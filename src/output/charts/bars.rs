//! Bars per ministry with 95 % intervals: the drawing of `ministries_at_quake` and
//! `ministries_within_rto`.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::common::{
    e, font, legend, with_caption, Context, DResult, Draw, Interval, Lang, BLUE, GREEN, ORANGE,
};
use crate::output::rows::MinistryRow;

/// Grouped bars, one group per ministry, with whiskers for the intervals.
pub(super) struct Bars {
    pub(super) title: String,
    pub(super) y_desc: String,
    pub(super) names: Vec<String>,
    /// Per series: name, colour, (p, low, high) per ministry.
    pub(super) series: Vec<(String, RGBColor, Vec<Interval>)>,
}

/// The ministry's name under its bars: Japanese in full, English as the upper-case id.
pub(super) fn short_name(m: &MinistryRow, lang: Lang) -> String {
    match lang {
        Lang::Ja => m.name_ja.clone(),
        Lang::En => m.ministry.to_uppercase(),
    }
}

/// The three series every ministry chart shows, from the interval of each per ministry:
/// network operation, connection to G-net, work from Kansai.
pub(super) fn ministry_series(
    lang: Lang,
    [network, gnet, kansai]: [Vec<Interval>; 3],
) -> Vec<(String, RGBColor, Vec<Interval>)> {
    vec![
        (
            lang.t("network operation", "府省内NWの運用").into(),
            GREEN,
            network,
        ),
        (
            lang.t("connection to G-net", "政府共通NWへの接続").into(),
            ORANGE,
            gnet,
        ),
        (
            lang.t("work from Kansai", "関西から業務継続").into(),
            BLUE,
            kansai,
        ),
    ]
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
