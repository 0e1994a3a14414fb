//! Each ministry right after the quake (`ministries_at_quake`).

use super::bars::{ministry_series, short_name, Bars};
use super::common::{read_csv, render, Chart, Folder};
use crate::diag::Result;
use crate::output::rows::MinistryRow;

/// `ministries_at_quake`: per ministry, the probability of network operation, connection to
/// G-net and work from Kansai right after the quake (needs `ministries.csv`).
pub(super) fn make(f: &Folder) -> Result<Vec<Chart>> {
    let lang = f.lang;
    let Some(ms) = read_csv::<MinistryRow>(f.dir, "ministries.csv")? else {
        return Ok(Vec::new());
    };
    let title = lang
        .t(
            "Each ministry right after the quake (damage only), with 95 % intervals",
            "地震直後の各府省（被害のみ）と95%信頼区間",
        )
        .to_string();
    let d = Bars {
        title: title.clone(),
        y_desc: lang.t("probability", "確率").into(),
        names: ms.iter().map(|m| short_name(m, lang)).collect(),
        series: ministry_series(
            lang,
            [
                ms.iter()
                    .map(|m| {
                        (
                            m.network_operation,
                            m.network_operation_ci_low,
                            m.network_operation_ci_high,
                        )
                    })
                    .collect(),
                ms.iter()
                    .map(|m| {
                        (
                            m.gnet_connection,
                            m.gnet_connection_ci_low,
                            m.gnet_connection_ci_high,
                        )
                    })
                    .collect(),
                ms.iter()
                    .map(|m| {
                        (
                            m.work_from_kansai,
                            m.work_from_kansai_ci_low,
                            m.work_from_kansai_ci_high,
                        )
                    })
                    .collect(),
            ],
        ),
    };
    Ok(vec![render("ministries_at_quake", &title, &d, &f.ctx)?])
}
