//! What the answer depends on (`tornado`, `tornado_within_rto`): the sensitivity swings.

use serde::Deserialize;

use super::common::{fit, read_csv, render, Chart, Folder, BLUE, RED};
use super::hbars::HBars;
use crate::diag::Result;

/// The columns of `sensitivity.csv` the charts use.
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

/// The columns of `factors.csv` the charts use.
#[derive(Debug, Clone, Deserialize)]
struct FactorRow {
    factor: String,
    name_en: String,
    name_ja: String,
}

/// `tornado` and `tornado_within_rto`: per metric of ministries working from Kansai (in the
/// order of `sensitivity.csv`), the 15 factors that move it most (needs `sensitivity.csv`).
pub(super) fn make(f: &Folder) -> Result<Vec<Chart>> {
    let Some(rows) = read_csv::<SensRow>(f.dir, "sensitivity.csv")? else {
        return Ok(Vec::new());
    };
    let factors: Vec<FactorRow> = read_csv(f.dir, "factors.csv")?.unwrap_or_default();
    let mut metrics: Vec<String> = Vec::new();
    for r in &rows {
        if !metrics.contains(&r.metric) {
            metrics.push(r.metric.clone());
        }
    }
    let mut out = Vec::new();
    for metric in metrics
        .iter()
        .filter(|m| m.starts_with("ministries_working"))
    {
        let mut sel: Vec<&SensRow> = rows.iter().filter(|r| &r.metric == metric).collect();
        sel.sort_by_key(|r| r.rank);
        out.push(tornado(f, metric, &sel, &factors)?);
    }
    Ok(out)
}

/// The tornado of one metric from its rows, ranked.
fn tornado(f: &Folder, metric: &str, sel: &[&SensRow], factors: &[FactorRow]) -> Result<Chart> {
    let lang = f.lang;
    let fname = |id: &str| {
        factors
            .iter()
            .find(|f| f.factor == id)
            .map(|f| lang.t(&f.name_en, &f.name_ja).to_string())
            .unwrap_or_else(|| id.to_string())
    };
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
                    .map(|_| (r.at_low + r.swing_ci_low, r.at_low + r.swing_ci_high)),
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
                    lang.t(
                        "smaller factors (sensitivity.csv).",
                        "要因は表を参照（sensitivity.csv）。"
                    )
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
    render(file, title, &d, &f.ctx)
}
