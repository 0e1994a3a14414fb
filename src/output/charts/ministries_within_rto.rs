//! Each ministry restored within its recovery-time objective (`ministries_within_rto`).

use super::bars::{ministry_series, short_name, Bars};
use super::common::{read_csv, render, Chart, Folder};
use crate::diag::Result;
use crate::output::rows::{MinistryRow, RestorationRow};

/// `ministries_within_rto`: per ministry, the probability that each of its three services is
/// restored within its RTO (needs `ministries.csv` and `restoration.csv`).
pub(super) fn make(f: &Folder) -> Result<Vec<Chart>> {
    let lang = f.lang;
    let Some(ms) = read_csv::<MinistryRow>(f.dir, "ministries.csv")? else {
        return Ok(Vec::new());
    };
    let Some(rest) = read_csv::<RestorationRow>(f.dir, "restoration.csv")? else {
        return Ok(Vec::new());
    };
    let get = |svc: String| {
        rest.iter()
            .find(|r| r.service == svc)
            .map(|r| (r.p_within_rto, r.ci_low, r.ci_high))
            .unwrap_or((0.0, 0.0, 0.0))
    };
    let of = |service: &str| {
        ms.iter()
            .map(|m| get(format!("{}.{service}", m.ministry)))
            .collect()
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
        names: ms.iter().map(|m| short_name(m, lang)).collect(),
        series: ministry_series(
            lang,
            [
                of("network_operation"),
                of("gnet_connection"),
                of("work_from_kansai"),
            ],
        ),
    };
    Ok(vec![render("ministries_within_rto", &title, &d, &f.ctx)?])
}
