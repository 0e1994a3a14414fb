//! LGWAN mail, compiled: the municipalities, prefectures, POIs and interconnections as
//! components of the model, the flows and mail configurations, the Postfix schedule and the
//! resolver's waits. `[lgwan]` expands into ordinary model nodes
//! ([`crate::scenario::lgwan_expand`]); the engine is [`crate::sim::mail`].

use serde::Serialize;

use crate::model::recovery::Duration;
use crate::scenario::lgwan::{FlowKind, PoiName};

/// Postfix `minimal_backoff_time` default, seconds (`DEF_MIN_BACKOFF_TIME` =
/// `DEF_QUEUE_RUN_DELAY` = 300s, src/global/mail_params.h).
pub const POSTFIX_MIN_BACKOFF_S: f64 = 300.0;
/// Postfix `maximal_backoff_time` default, seconds (`DEF_MAX_BACKOFF_TIME` = 4000s).
pub const POSTFIX_MAX_BACKOFF_S: f64 = 4000.0;
/// Postfix `maximal_queue_lifetime` default, hours (`DEF_MAX_QUEUE_TIME` = 5d).
pub const POSTFIX_QUEUE_LIFETIME_H: f64 = 120.0;
/// glibc `RES_TIMEOUT`, seconds (resolv/resolv.h).
pub const GLIBC_RES_TIMEOUT_S: i64 = 5;
/// glibc `RES_DFLRETRY`: attempts per server (resolv/resolv.h).
pub const GLIBC_RES_DFLRETRY: i64 = 2;

pub(crate) const INF: f64 = f64::INFINITY;

/// Attempt times of a message, seconds after it entered the queue: 0, then each failed
/// attempt defers it by its age clamped to [minimal, maximal] backoff (Postfix
/// `qmgr_active_done_3_generic`), up to and including the first attempt at or after the
/// queue lifetime; if that one fails too, the message is returned (bounced).
pub fn postfix_schedule(min_backoff_s: f64, max_backoff_s: f64, lifetime_s: f64) -> Vec<f64> {
    let mut out = vec![0.0];
    let mut t: f64 = 0.0;
    while t < lifetime_s {
        t += t.clamp(min_backoff_s, max_backoff_s);
        out.push(t);
    }
    out
}

/// Per-server waits of glibc's stub resolver, seconds, for `n` servers: the first waits
/// `timeout`, server `ns > 0` waits `(timeout << ns) / n`, at least 1 (resolv/res_send.c,
/// `send_dg`); the list is tried `attempts` times in order.
pub fn glibc_waits(timeout_s: i64, n: usize) -> Vec<f64> {
    (0..n)
        .map(|ns| {
            let mut s = timeout_s << ns;
            if ns > 0 {
                s /= n as i64;
            }
            s.max(1) as f64
        })
        .collect()
}

/// What a component of the mail model reads in the engine's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Comp {
    Node(u32),
    Service(u32),
}

/// A municipality: its id, names and prefecture (its eight components, router to secondary
/// authoritative DNS, are kept privately).
#[derive(Debug, Clone, Serialize)]
pub struct Municipality {
    /// Identifier (`c13`, `x27-2`, or as listed).
    pub id: String,
    /// English name.
    pub name_en: String,
    /// Prefecture index.
    pub prefecture: usize,
    #[serde(skip)]
    pub(crate) parts: [u32; 8],
}

pub(crate) const ROUTER: usize = 0;
pub(crate) const LINE: usize = 1;
pub(crate) const MAIL: usize = 2;
pub(crate) const DNS: usize = 3;
pub(crate) const INET_MAIL: usize = 4;
pub(crate) const AUTH_DNS: usize = 5;
pub(crate) const INET_LINE: usize = 6;
pub(crate) const AUTH_DNS2: usize = 7;

/// A prefecture's components.
#[derive(Debug, Clone, Serialize)]
pub struct Prefecture {
    /// Code (as in the CSV).
    pub code: String,
    /// English name.
    pub name_en: String,
    #[serde(skip)]
    pub(crate) node: u32,
    #[serde(skip)]
    pub(crate) lines: [u32; 2],
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Poi {
    pub(crate) facility: u32,
    pub(crate) dns: u32,
    pub(crate) smtp: u32,
    pub(crate) noc_line: u32,
}

#[derive(Debug, Clone)]
pub(crate) struct Ix {
    pub(crate) attach: crate::scenario::lgwan::Attach,
    pub(crate) node: u32,
    pub(crate) gnet: u32,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct MinistryMail {
    pub(crate) network_operation: u32,
    pub(crate) gnet_connection: u32,
}

/// A mail flow.
#[derive(Debug, Clone, Serialize)]
pub struct Flow {
    /// Who sends to whom.
    pub kind: FlowKind,
    /// Messages per hour.
    pub rate_per_hour: f64,
    #[serde(skip)]
    pub(crate) key: u64,
}

/// How a mail server delivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// MX lookup through the POI DNS, then direct delivery.
    Mx,
    /// Through a fixed POI relay.
    Static(PoiName),
}

/// A mail configuration.
#[derive(Debug, Clone, Serialize)]
pub struct Configuration {
    /// Identifier.
    pub id: String,
    /// Delivery mode.
    pub delivery: Delivery,
    /// Forwarders of the cache DNS, in order.
    pub forwarders: Vec<PoiName>,
}

impl Configuration {
    /// `mx`, `static:east`, `static:west`.
    pub fn mode_label(&self) -> String {
        match self.delivery {
            Delivery::Mx => "mx".into(),
            Delivery::Static(p) => format!("static:{}", poi_label(p)),
        }
    }
    /// `east`, `west`, `east+west`, `west+east`, or `none` (static delivery by address).
    pub fn forwarders_label(&self) -> String {
        if self.delivery != Delivery::Mx {
            return "none".into();
        }
        self.forwarders
            .iter()
            .map(|&p| poi_label(p))
            .collect::<Vec<_>>()
            .join("+")
    }
}

pub(crate) fn poi_label(p: PoiName) -> &'static str {
    match p {
        PoiName::East => "east",
        PoiName::West => "west",
    }
}

/// One row of the mail results: a flow under a configuration (`None` for internet flows,
/// whose path no LGWAN configuration touches).
#[derive(Debug, Clone, Copy)]
pub struct RowSpec {
    /// Flow index.
    pub flow: usize,
    /// Configuration index.
    pub config: Option<usize>,
}

/// A planned outage, compiled.
#[derive(Debug, Clone)]
pub struct Planned {
    /// Identifier.
    pub id: String,
    pub(crate) comp: u32,
    /// Start, hours.
    pub start: f64,
    /// End of the stop, hours.
    pub end: f64,
    /// The stopped component restarts after power returns (routers, prefecture nodes).
    pub restarts: bool,
    /// Notice given was at least the notice required.
    pub notified: bool,
    pub(crate) owner_key: u64,
    pub(crate) key: u64,
}

/// The compiled LGWAN mail model.
#[derive(Debug, Clone)]
pub struct Lgwan {
    /// Municipalities.
    pub municipalities: Vec<Municipality>,
    /// Prefectures.
    pub prefectures: Vec<Prefecture>,
    pub(crate) poi: [Poi; 2],
    pub(crate) noc: u32,
    pub(crate) ix: Vec<Ix>,
    pub(crate) ministries: Vec<MinistryMail>,
    pub(crate) comps: Vec<Comp>,
    pub(crate) comp_of_node: Vec<u32>,
    pub(crate) comp_of_service: Vec<u32>,
    /// Flows.
    pub flows: Vec<Flow>,
    /// Configurations.
    pub configs: Vec<Configuration>,
    /// Result rows.
    pub rows: Vec<RowSpec>,
    /// Attempt offsets, hours (see [`postfix_schedule`]).
    pub schedule_hours: Vec<f64>,
    /// Queue lifetime, hours.
    pub lifetime_hours: f64,
    /// Resolver waits per server for one and two forwarders, hours.
    pub(crate) waits: [Vec<f64>; 2],
    /// Resolver attempts.
    pub attempts: usize,
    /// Message generation window, hours.
    pub window_hours: f64,
    /// Planned outages.
    pub planned: Vec<Planned>,
    pub(crate) unnotified: Duration,
    /// Largest delay a message can have, hours (histogram range).
    pub max_delay_hours: f64,
}

pub(crate) fn poi_index(p: PoiName) -> usize {
    match p {
        PoiName::East => 0,
        PoiName::West => 1,
    }
}

impl Lgwan {
    /// Pairs of result rows of one flow (the paired differences of `mail_compare.csv`).
    pub(crate) fn pairs(&self) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for a in 0..self.rows.len() {
            for b in a + 1..self.rows.len() {
                if self.rows[a].flow == self.rows[b].flow {
                    out.push((a, b));
                }
            }
        }
        out
    }

    /// Row labels: flow, delivery mode, forwarders, configuration id.
    pub fn row_labels(&self, row: usize) -> (String, String, String, String) {
        let r = self.rows[row];
        let flow = serde_json::to_value(self.flows[r.flow].kind)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        match r.config {
            Some(c) => {
                let c = &self.configs[c];
                (flow, c.mode_label(), c.forwarders_label(), c.id.clone())
            }
            None => (
                flow,
                "internet".into(),
                "internet".into(),
                "internet".into(),
            ),
        }
    }
}
