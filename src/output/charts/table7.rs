//! Table 7 as a figure (`table7`): expected events and countermeasures per placement.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::Deserialize;

use super::common::{
    e, font, read_csv, render, with_caption, Chart, Context, DResult, Draw, Folder, Lang, GREY, RED,
};
use crate::diag::Result;

/// A Table 7 row: backup placement, interconnection placement, events
/// (text, probability, expected), countermeasures.
type Table7Line = (String, String, Vec<(String, f64, bool)>, Vec<String>);

/// The columns of `table7.csv` the chart uses.
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

/// Table 7 drawn as a table, with a bar per event probability.
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

/// The placement in words.
fn location(s: &str, lang: Lang) -> String {
    match (s, lang) {
        ("capital", Lang::Ja) => "首都圏内".to_string(),
        ("outside", Lang::Ja) => "首都圏外".to_string(),
        ("capital", Lang::En) => "In the capital region".to_string(),
        ("outside", Lang::En) => "Outside it".to_string(),
        (x, _) => x.to_string(),
    }
}

/// One placement's line of the figure from its rows: the events with their intervals and
/// the countermeasures of the expected ones (each once).
fn line(f: &Folder, (b, i): &(String, String), these: &[&Table7Row]) -> Table7Line {
    let lang = f.lang;
    let events = these
        .iter()
        .map(|r| {
            (
                format!(
                    "{} [{:.2}, {:.2}]",
                    f.names.event(&r.event, lang),
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
            let n = f.names.option(c.trim(), lang);
            if !cms.contains(&n) {
                cms.push(n);
            }
        }
    }
    if cms.is_empty() {
        cms.push("—".into());
    }
    (location(b, lang), location(i, lang), events, cms)
}

/// `table7`: Table 7 as a figure (needs `table7.csv`).
pub(super) fn make(f: &Folder) -> Result<Vec<Chart>> {
    let lang = f.lang;
    let Some(rows) = read_csv::<Table7Row>(f.dir, "table7.csv")? else {
        return Ok(Vec::new());
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
        .map(|p| {
            let these: Vec<&Table7Row> = rows
                .iter()
                .filter(|r| r.backup_server == p.0 && r.interconnection_point == p.1)
                .collect();
            line(f, p, &these)
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
    Ok(vec![render("table7", &title, &d, &f.ctx)?])
}
