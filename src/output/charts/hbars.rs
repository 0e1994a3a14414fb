//! Horizontal interval bars: the drawing of the countermeasure gains (`compare`) and the
//! tornado charts.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::common::{e, font, legend, with_caption, Context, DResult, Draw};

/// A labelled bar from one value to another, with an optional interval, in a colour.
pub(super) type HBar = (String, f64, f64, Option<(f64, f64)>, RGBColor);

/// Labelled horizontal bars, first row at the top, with a reference line and a legend.
pub(super) struct HBars {
    pub(super) title: String,
    pub(super) x_desc: String,
    /// Label, bar from, bar to, interval (low, high) of the difference, colour.
    pub(super) rows: Vec<HBar>,
    /// Reference line (the baseline) and its legend text.
    pub(super) reference: Option<(f64, String)>,
    pub(super) legend: Vec<(String, RGBColor)>,
    pub(super) note: Option<String>,
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
