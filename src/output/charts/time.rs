//! The time axis of the charts over the recovery: log10(1 + hours), ticks and labels.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::common::{e, font, hours_label, Chart2d, DResult, Lang};

/// Position of `h` hours on the time axes: log10(1 + h), so that the quake (0 h), the first
/// hours and 30 days all read on one axis.
pub(super) fn lx(h: f64) -> f64 {
    (1.0 + h.max(0.0)).log10()
}

/// Tick hours of the time axes: the checkpoints of the shipped scenarios, or (`sparse`, for
/// small panels) a subset whose labels do not collide.
pub(super) fn time_ticks(sparse: bool) -> &'static [f64] {
    if sparse {
        &[0.0, 1.0, 6.0, 24.0, 72.0, 168.0, 720.0]
    } else {
        &[0.0, 1.0, 3.0, 6.0, 12.0, 24.0, 72.0, 168.0, 336.0, 720.0]
    }
}

pub(super) fn time_desc(lang: Lang) -> &'static str {
    lang.t(
        "time after the quake (log scale of 1 + hours)",
        "地震後の経過時間（1+時間の対数目盛）",
    )
}

/// Draws light vertical lines at `hours` inside the chart, and tick labels at `ticks` under
/// its x axis (on `root`, in pixels: plotters places labels only where it chooses).
pub(super) fn time_axis<DB: DrawingBackend>(
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
