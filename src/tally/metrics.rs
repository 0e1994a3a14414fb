//! The per-trial metrics that `compare` and `sensitivity` measure on common random numbers:
//! one definition of each metric and of how a trial's outcome gives its value.

use serde::Serialize;

use crate::model::Model;
use crate::sim::trial::TrialWorkspace;

/// A headline metric: a per-trial count (0/1 for a probability).
#[derive(Debug, Clone, Serialize)]
pub struct Metric {
    /// Identifier, e.g. `mof.work_from_kansai` or `ministries_working_from_kansai`.
    pub id: String,
    /// English description.
    pub name_en: String,
    /// Japanese description.
    pub name_ja: String,
}

/// Which of a ministry's services a count of ministries looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MinistryService {
    /// Its network operates.
    NetworkOperation,
    /// It is connected to G-net.
    GnetConnection,
    /// Its staff can work from Kansai.
    WorkFromKansai,
}

/// How a trial's outcome gives a metric's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// A service up at the quake (damage only).
    Up(usize),
    /// A service restored within its RTO (recovery).
    WithinRto(usize),
    /// Number of ministries whose service is up at the quake.
    Ministries(MinistryService),
    /// Number of ministries able to work from Kansai within their RTO.
    KansaiWithinRto,
    /// LGWAN mail: messages of a result row bounced in the trial.
    MailBounced(usize),
    /// LGWAN mail: messages of a result row delivered within 24 hours.
    MailWithin24h(usize),
}

fn metric(id: String, en: String, ja: String, how: Measure) -> (Metric, Measure) {
    (
        Metric {
            id,
            name_en: en,
            name_ja: ja,
        },
        how,
    )
}

fn kansai_count() -> (Metric, Measure) {
    metric(
        "ministries_working_from_kansai".into(),
        "Ministries able to work from Kansai right after the quake (expected number)".into(),
        "地震直後に関西から業務継続できる府省数（期待値）".into(),
        Measure::Ministries(MinistryService::WorkFromKansai),
    )
}

fn kansai_within_rto() -> (Metric, Measure) {
    metric(
        "ministries_working_from_kansai_within_rto".into(),
        "Ministries working from Kansai within their RTO (expected number)".into(),
        "目標復旧時間内に関西から業務継続できる府省数（期待値）".into(),
        Measure::KansaiWithinRto,
    )
}

/// What `compare` measures: the Kansai counts, every service at the quake and within its
/// RTO, and every LGWAN mail row.
pub fn for_compare(model: &Model) -> Vec<(Metric, Measure)> {
    let mut out = vec![kansai_count()];
    if model.recovery.is_some() {
        out.push(kansai_within_rto());
    }
    for (s, svc) in model.services.iter().enumerate() {
        out.push(metric(
            svc.id.clone(),
            format!("{} (right after the quake)", svc.name_en),
            format!("{}（地震直後）", svc.name_ja),
            Measure::Up(s),
        ));
        if model.recovery.is_some() {
            out.push(metric(
                format!("{}.within_rto", svc.id),
                format!("{} restored within its RTO", svc.name_en),
                format!("{}（目標復旧時間内に復旧）", svc.name_ja),
                Measure::WithinRto(s),
            ));
        }
    }
    out.extend(mail(model));
    out
}

/// What `sensitivity` measures: the counts of ministries (Kansai, network, G-net),
/// G-net's operation (every service when the model has no ministries), and, as in
/// `compare`, every LGWAN mail row (bounced, delivered within 24 h).
pub fn for_sensitivity(model: &Model) -> Vec<(Metric, Measure)> {
    let mut out = Vec::new();
    if !model.ministries.is_empty() {
        out.push(kansai_count());
        if model.recovery.is_some() {
            out.push(kansai_within_rto());
        }
        out.push(metric(
            "ministries_network_operation".into(),
            "Ministries whose network operates right after the quake (expected number)".into(),
            "地震直後に府省内NWが稼働する府省数（期待値）".into(),
            Measure::Ministries(MinistryService::NetworkOperation),
        ));
        out.push(metric(
            "ministries_gnet_connection".into(),
            "Ministries connected to G-net right after the quake (expected number)".into(),
            "地震直後に政府共通NWへ接続できる府省数（期待値）".into(),
            Measure::Ministries(MinistryService::GnetConnection),
        ));
    }
    for (s, svc) in model.services.iter().enumerate() {
        if svc.id == "gnet.operation" || model.ministries.is_empty() {
            out.push(metric(
                svc.id.clone(),
                format!("{} (probability, right after the quake)", svc.name_en),
                format!("{}（地震直後の確率）", svc.name_ja),
                Measure::Up(s),
            ));
            if model.recovery.is_some() {
                out.push(metric(
                    format!("{}.within_rto", svc.id),
                    format!("{} restored within its RTO (probability)", svc.name_en),
                    format!("{}（目標復旧時間内に復旧する確率）", svc.name_ja),
                    Measure::WithinRto(s),
                ));
            }
        }
    }
    out.extend(mail(model));
    out
}

/// Messages bounced and delivered within 24 h per LGWAN mail row.
pub fn mail(model: &Model) -> Vec<(Metric, Measure)> {
    let mut out = Vec::new();
    if let Some(lg) = &model.lgwan {
        for r in 0..lg.rows.len() {
            let (flow, mode, fwd, cfg) = lg.row_labels(r);
            let what = format!("{flow}, {mode}, forwarders {fwd}");
            out.push(metric(
                format!("mail.{flow}.{cfg}.bounced"),
                format!("LGWAN mail bounced per trial ({what}; expected number)"),
                format!("LGWANメールの不達通数（{what}、期待値）"),
                Measure::MailBounced(r),
            ));
            out.push(metric(
                format!("mail.{flow}.{cfg}.within_24h"),
                format!("LGWAN mail delivered within 24 h per trial ({what}; expected number)"),
                format!("LGWANメールの24時間以内配達通数（{what}、期待値）"),
                Measure::MailWithin24h(r),
            ));
        }
    }
    out
}

/// The value of a metric in the trial whose outcome `w` holds.
pub fn value(model: &Model, how: Measure, w: &TrialWorkspace) -> i64 {
    let up = &w.t0.service_up;
    let within = |s: usize| match (&model.recovery, &w.recovery) {
        (Some(r), Some(rw)) => rw.ttr[s] <= r.rto[s],
        _ => false,
    };
    match how {
        Measure::Up(s) => i64::from(up[s]),
        Measure::WithinRto(s) => i64::from(within(s)),
        Measure::Ministries(which) => model
            .ministries
            .iter()
            .filter(|m| {
                up[match which {
                    MinistryService::NetworkOperation => m.network_operation,
                    MinistryService::GnetConnection => m.gnet_connection,
                    MinistryService::WorkFromKansai => m.work_from_kansai,
                }]
            })
            .count() as i64,
        Measure::KansaiWithinRto => model
            .ministries
            .iter()
            .filter(|m| within(m.work_from_kansai))
            .count() as i64,
        Measure::MailBounced(r) => w.mail.as_ref().map_or(0, |m| i64::from(m.counts[r][4])),
        Measure::MailWithin24h(r) => w.mail.as_ref().map_or(0, |m| i64::from(m.counts[r][2])),
    }
}
