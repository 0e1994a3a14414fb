//! Gains of the countermeasures against the baseline (`compare`, `compare_within_rto`).

use serde::Deserialize;

use super::common::{fit, read_csv, render, Chart, Folder, BLUE, GREY};
use super::hbars::HBars;
use crate::diag::Result;

/// The columns of `compare.csv` the charts use.
#[derive(Debug, Clone, Deserialize)]
pub(super) struct CompareRow {
    pub(super) option: String,
    metric: String,
    pub(super) difference: f64,
    pub(super) diff_ci_low: f64,
    pub(super) diff_ci_high: f64,
    pub(super) cost: Option<f64>,
}

/// The metric of the gains right after the quake (also the one `cost_gain` plots).
pub(super) const AT_QUAKE: &str = "ministries_working_from_kansai";

/// The rows of `metric` in `compare.csv`, largest gain first (`None` without the file or
/// without rows of that metric).
pub(super) fn selected(f: &Folder, metric: &str) -> Result<Option<Vec<CompareRow>>> {
    let Some(rows) = read_csv::<CompareRow>(f.dir, "compare.csv")? else {
        return Ok(None);
    };
    let mut sel: Vec<CompareRow> = rows.into_iter().filter(|r| r.metric == metric).collect();
    if sel.is_empty() {
        return Ok(None);
    }
    sel.sort_by(|a, b| b.difference.total_cmp(&a.difference));
    Ok(Some(sel))
}

/// `compare`: the gain of each countermeasure in ministries able to work from Kansai right
/// after the quake.
pub(super) fn at_quake(f: &Folder) -> Result<Vec<Chart>> {
    make(
        f,
        AT_QUAKE,
        "compare",
        "Gain of each countermeasure: ministries able to work from Kansai right after the quake",
        "対策の効果：地震直後に関西から業務継続できる府省数の増加",
    )
}

/// `compare_within_rto`: the gain of each countermeasure in ministries working from Kansai
/// within their RTO.
pub(super) fn within_rto(f: &Folder) -> Result<Vec<Chart>> {
    make(
        f,
        "ministries_working_from_kansai_within_rto",
        "compare_within_rto",
        "Gain of each countermeasure: ministries working from Kansai within their RTO",
        "対策の効果：目標復旧時間内に関西から業務継続できる府省数の増加",
    )
}

fn make(f: &Folder, metric: &str, file: &str, en: &str, ja: &str) -> Result<Vec<Chart>> {
    let lang = f.lang;
    let Some(sel) = selected(f, metric)? else {
        return Ok(Vec::new());
    };
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
                    f.names.option(&r.option, lang)
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
            (
                lang.t("gain (interval excludes 0)", "改善（区間が0を含まない）")
                    .into(),
                BLUE,
            ),
            (lang.t("within noise", "誤差の範囲").into(), GREY),
        ],
        note: None,
    };
    Ok(vec![render(file, lang.t(en, ja), &d, &f.ctx)?])
}
