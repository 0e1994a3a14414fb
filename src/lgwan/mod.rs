//! LGWAN and its mail: topology, DNS zone forwarding, MX and static delivery, SMTP queues.
//!
//! `[lgwan]` expands into ordinary model nodes ([`expand`]): the national NOC, the East and
//! West Japan POIs with their DNS and mail servers, the prefecture nodes, the municipalities'
//! routers, lines and servers, and the LGWAN-G-net interconnection points. The hazard stage
//! damages them and the recovery engine powers, repairs and restarts them like any other
//! component. After the recovery of a trial, this module reads the up/down timelines the
//! engine logged for them ([`crate::recovery::RecoveryWorkspace::node_log`]), adds the
//! planned outages of 001, generates the trial's messages per flow, and works out each
//! message's fate under every mail configuration: the Postfix retry schedule against the
//! timelines, exactly (no event per message: attempts jump to the next time a component the
//! attempt depends on changes state). See `docs/lgwan-mail.md`.

pub mod expand;
pub mod scenario;
mod tally;

use std::collections::HashMap;

use rand::RngCore;
use serde::Serialize;

use crate::base::rng::{stream, uniform};
use crate::diag::{did_you_mean, Result, SourceMap, Span};
use crate::model::Model;
use crate::montecarlo::Workspace;
use crate::recovery::{calendar::Calendar, Duration, Recovery, RecoveryWorkspace, Start};
use crate::scenario::{DurationDef, Located, Merged};

pub use scenario::{FlowKind, PoiName};
pub use tally::{compare_rows, mail_rows, CompareRow, MailRow, MailTally, RowTally};

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

const INF: f64 = f64::INFINITY;

/// Checks a duration where it is written (same rules as `[recovery]`).
pub(crate) fn check_duration(
    src: &SourceMap,
    span: Span,
    x: &DurationDef,
    what: &str,
) -> Result<()> {
    if !x.median_hours.is_finite()
        || x.median_hours < 0.0
        || !x.beta.is_finite()
        || !(0.0..=5.0).contains(&x.beta)
    {
        return Err(src.error(span, format!("{what}: median_hours must be >= 0 and beta in [0, 5], found median_hours = {}, beta = {}", x.median_hours, x.beta), None));
    }
    Ok(())
}

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
    parts: [u32; 8],
}

const ROUTER: usize = 0;
const LINE: usize = 1;
const MAIL: usize = 2;
const DNS: usize = 3;
const INET_MAIL: usize = 4;
const AUTH_DNS: usize = 5;
const INET_LINE: usize = 6;
const AUTH_DNS2: usize = 7;

/// A prefecture's components.
#[derive(Debug, Clone, Serialize)]
pub struct Prefecture {
    /// Code (as in the CSV).
    pub code: String,
    /// English name.
    pub name_en: String,
    #[serde(skip)]
    node: u32,
    #[serde(skip)]
    lines: [u32; 2],
}

#[derive(Debug, Clone, Copy)]
struct Poi {
    facility: u32,
    dns: u32,
    smtp: u32,
    noc_line: u32,
}

#[derive(Debug, Clone)]
struct Ix {
    attach: scenario::Attach,
    node: u32,
    gnet: u32,
}

#[derive(Debug, Clone, Copy)]
struct MinistryMail {
    network_operation: u32,
    gnet_connection: u32,
}

/// A mail flow.
#[derive(Debug, Clone, Serialize)]
pub struct Flow {
    /// Who sends to whom.
    pub kind: FlowKind,
    /// Messages per hour.
    pub rate_per_hour: f64,
    #[serde(skip)]
    key: u64,
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

fn poi_label(p: PoiName) -> &'static str {
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
    comp: u32,
    /// Start, hours.
    pub start: f64,
    /// End of the stop, hours.
    pub end: f64,
    /// The stopped component restarts after power returns (routers, prefecture nodes).
    pub restarts: bool,
    /// Notice given was at least the notice required.
    pub notified: bool,
    owner_key: u64,
    key: u64,
}

/// The compiled LGWAN mail model.
#[derive(Debug, Clone)]
pub struct Lgwan {
    /// Municipalities.
    pub municipalities: Vec<Municipality>,
    /// Prefectures.
    pub prefectures: Vec<Prefecture>,
    poi: [Poi; 2],
    noc: u32,
    ix: Vec<Ix>,
    ministries: Vec<MinistryMail>,
    comps: Vec<Comp>,
    comp_of_node: Vec<u32>,
    comp_of_service: Vec<u32>,
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
    waits: [Vec<f64>; 2],
    /// Resolver attempts.
    pub attempts: usize,
    /// Message generation window, hours.
    pub window_hours: f64,
    /// Planned outages.
    pub planned: Vec<Planned>,
    unnotified: Duration,
    /// Largest delay a message can have, hours (histogram range).
    pub max_delay_hours: f64,
}

fn poi_index(p: PoiName) -> usize {
    match p {
        PoiName::East => 0,
        PoiName::West => 1,
    }
}

/// Compiles `[lgwan]` against the built model (its nodes were added by [`expand::expand`]).
pub fn compile(src: &SourceMap, m: &Merged, model: &mut Model) -> Result<Option<Lgwan>> {
    let Some(l) = &m.lgwan else {
        return Ok(None);
    };
    let d = &l.item;
    let prefs = expand::parse_prefectures(src, d.prefectures_file.expect("read at load"))?;
    let munis = expand::municipalities(src, l, &prefs)?;
    let node_index: HashMap<&str, usize> = model
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    let service_index: HashMap<&str, usize> = model
        .services
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let mut comps: Vec<Comp> = Vec::new();
    let mut comp_of_node = vec![u32::MAX; model.nodes.len()];
    let mut comp_of_service = vec![u32::MAX; model.services.len()];
    let mut node = |id: &str| -> Result<u32> {
        let i = *node_index.get(id).ok_or_else(|| expand::missing(id))?;
        if comp_of_node[i] == u32::MAX {
            comp_of_node[i] = comps.len() as u32;
            comps.push(Comp::Node(i as u32));
        }
        Ok(comp_of_node[i])
    };
    let noc = node("lgwan.noc")?;
    let mut poi = [Poi {
        facility: 0,
        dns: 0,
        smtp: 0,
        noc_line: 0,
    }; 2];
    for (k, name) in ["east", "west"].iter().enumerate() {
        let id = format!("lgwan.poi_{name}");
        poi[k] = Poi {
            facility: node(&id)?,
            dns: node(&format!("{id}.dns"))?,
            smtp: node(&format!("{id}.smtp"))?,
            noc_line: node(&format!("{id}.noc_line"))?,
        };
    }
    let prefectures = prefs
        .iter()
        .map(|p| {
            let sid = format!("lgwan.pref{}", p.code);
            Ok(Prefecture {
                code: p.code.clone(),
                name_en: p.name_en.clone(),
                node: node(&format!("{sid}.node"))?,
                lines: [
                    node(&format!("{sid}.line_east"))?,
                    node(&format!("{sid}.line_west"))?,
                ],
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let municipalities = munis
        .iter()
        .map(|mu| {
            let mut parts = [0u32; 8];
            for (k, part) in expand::MUNI_PARTS.iter().enumerate() {
                parts[k] = node(&format!("lgwan.{}.{part}", mu.id))?;
            }
            Ok(Municipality {
                id: mu.id.clone(),
                name_en: mu.name_en.clone(),
                prefecture: mu.prefecture,
                parts,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let mut ix_nodes = Vec::new();
    for (_, x) in expand::interconnections(l) {
        let nid = format!("lgwan.ix.{}", x.id.get_ref());
        ix_nodes.push((x.attach, node(&nid)?, nid));
    }
    let mut service = |id: &str| -> Result<u32> {
        let i = *service_index.get(id).ok_or_else(|| expand::missing(id))?;
        if comp_of_service[i] == u32::MAX {
            comp_of_service[i] = comps.len() as u32;
            comps.push(Comp::Service(i as u32));
        }
        Ok(comp_of_service[i])
    };
    let ix = ix_nodes
        .into_iter()
        .map(|(attach, n, nid)| {
            Ok(Ix {
                attach,
                node: n,
                gnet: service(&format!("{nid}.gnet"))?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let ministries = model
        .ministries
        .iter()
        .map(|mi| {
            Ok(MinistryMail {
                network_operation: service(&format!("{}.network_operation", mi.id))?,
                gnet_connection: service(&format!("{}.gnet_connection", mi.id))?,
            })
        })
        .collect::<Result<Vec<_>>>()?;

    let lspan = l.span(&d.source);
    let num = |v: &Option<crate::scenario::SF64>, what: &str, default: f64, lo: f64, hi: f64| {
        crate::model::number_in_range(src, l.file, v, what, (default, lo, hi))
    };
    let pf = &d.postfix;
    let min_b = num(
        &pf.minimal_backoff_seconds,
        "minimal_backoff_seconds",
        POSTFIX_MIN_BACKOFF_S,
        1.0,
        86_400.0,
    )?;
    let max_b = num(
        &pf.maximal_backoff_seconds,
        "maximal_backoff_seconds",
        POSTFIX_MAX_BACKOFF_S,
        1.0,
        864_000.0,
    )?;
    if max_b < min_b {
        return Err(src.error(
            pf.maximal_backoff_seconds
                .as_ref()
                .map(|x| l.span(x))
                .unwrap_or(lspan),
            format!("maximal_backoff_seconds ({max_b}) is below minimal_backoff_seconds ({min_b})"),
            Some("Postfix requires minimal <= maximal backoff".into()),
        ));
    }
    let lifetime = num(
        &pf.queue_lifetime_hours,
        "queue_lifetime_hours",
        POSTFIX_QUEUE_LIFETIME_H,
        0.0,
        8760.0,
    )?;
    let schedule_hours: Vec<f64> = postfix_schedule(min_b, max_b, lifetime * 3600.0)
        .into_iter()
        .map(|s| s / 3600.0)
        .collect();
    let int = |v: &Option<crate::scenario::Spanned<i64>>,
               what: &str,
               default: i64,
               lo: i64,
               hi: i64|
     -> Result<i64> {
        match v {
            None => Ok(default),
            Some(x) => {
                let val = *x.get_ref();
                if !(lo..=hi).contains(&val) {
                    Err(src.error(
                        l.span(x),
                        format!("{what} must be a whole number in [{lo}, {hi}], found {val}"),
                        None,
                    ))
                } else {
                    Ok(val)
                }
            }
        }
    };
    // glibc caps timeout at 30 s (RES_MAXRETRANS) and attempts at 5 (RES_MAXRETRY).
    let timeout = int(
        &d.resolver.timeout_seconds,
        "timeout_seconds",
        GLIBC_RES_TIMEOUT_S,
        1,
        30,
    )?;
    let attempts = int(&d.resolver.attempts, "attempts", GLIBC_RES_DFLRETRY, 1, 5)? as usize;
    let to_h = |v: Vec<f64>| v.into_iter().map(|s| s / 3600.0).collect::<Vec<f64>>();
    let waits = [to_h(glibc_waits(timeout, 1)), to_h(glibc_waits(timeout, 2))];

    let Some(rec) = model.recovery.as_mut() else {
        return Err(src.error(lspan, "[lgwan] needs a [recovery] table", None));
    };
    let window = *d.window_hours.get_ref();
    let last = *schedule_hours.last().expect("schedule has attempt 0");
    let mut configs = Vec::new();
    for c in d.configurations.get_ref() {
        let id = c.id.get_ref().clone();
        let span = l.span(&c.id);
        if configs.iter().any(|x: &Configuration| x.id == id) {
            return Err(src.error(span, format!("configuration `{id}` is defined twice"), None));
        }
        let delivery = match (c.delivery, c.relay) {
            (scenario::DeliveryDef::Mx, None) => {
                let f = &c.forwarders;
                if f.is_empty() || f.len() > 2 || (f.len() == 2 && f[0] == f[1]) {
                    return Err(src.error(span, format!("configuration `{id}`: MX delivery needs one or two different forwarders, found {f:?}"), Some("forwarders = [\"east\"], [\"west\"], [\"east\", \"west\"] or [\"west\", \"east\"]".into())));
                }
                Delivery::Mx
            }
            (scenario::DeliveryDef::Mx, Some(_)) => {
                return Err(src.error(
                    span,
                    format!("configuration `{id}`: `relay` is for static delivery"),
                    Some("remove relay, or set delivery = \"static\"".into()),
                ))
            }
            (scenario::DeliveryDef::Static, Some(p)) => {
                if !c.forwarders.is_empty() {
                    return Err(src.error(span, format!("configuration `{id}`: static delivery relays by address and uses no forwarders"), Some("remove forwarders".into())));
                }
                Delivery::Static(p)
            }
            (scenario::DeliveryDef::Static, None) => {
                return Err(src.error(
                    span,
                    format!(
                    "configuration `{id}`: static delivery needs `relay = \"east\"` or `\"west\"`"
                ),
                    None,
                ))
            }
        };
        configs.push(Configuration {
            id,
            delivery,
            forwarders: c.forwarders.clone(),
        });
    }
    if configs.is_empty() {
        return Err(src.error(
            l.span(&d.configurations),
            "[lgwan] lists no configurations",
            Some("add [[lgwan.configurations]] with id, delivery and forwarders or relay".into()),
        ));
    }
    // A message is decided before the horizon: the last attempt of the last message (two
    // hops for static delivery) must fall inside it.
    let hops = if configs.iter().any(|c| c.delivery != Delivery::Mx) {
        2.0
    } else {
        1.0
    };
    let max_delay_hours = hops * last + 0.1;
    if !window.is_finite() || window <= 0.0 || window + max_delay_hours > rec.horizon {
        return Err(src.error(
            l.span(&d.window_hours),
            format!("window_hours must be > 0 and leave every message decided within the horizon: window + {max_delay_hours:.1} h must be <= {} h, found {window}", rec.horizon),
            Some("lower window_hours or raise [recovery] horizon_hours".into()),
        ));
    }
    let ministry_config = match &d.ministry_configuration {
        None => None,
        Some(s) => Some(
            configs
                .iter()
                .position(|c| &c.id == s.get_ref())
                .ok_or_else(|| {
                    src.error(
                        l.span(s),
                        format!("undefined configuration `{}`", s.get_ref()),
                        did_you_mean(s.get_ref(), configs.iter().map(|c| c.id.as_str())),
                    )
                })?,
        ),
    };
    let mut flows = Vec::new();
    let mut rows = Vec::new();
    for f in d.flows.get_ref() {
        let rate = *f.rate_per_hour.get_ref();
        if !rate.is_finite() || !(0.0..=100_000.0).contains(&rate) {
            return Err(src.error(
                l.span(&f.rate_per_hour),
                format!("rate_per_hour must be in [0, 100000], found {rate}"),
                None,
            ));
        }
        if f.source.get_ref().trim().is_empty() {
            return Err(src.error(
                l.span(&f.source),
                "a flow without a source for its rate",
                Some("say where the rate comes from, or \"assumption: <why>\"".into()),
            ));
        }
        if flows.iter().any(|x: &Flow| x.kind == f.kind) {
            return Err(src.error(
                l.span(&f.rate_per_hour),
                format!("flow {:?} is given twice", f.kind),
                None,
            ));
        }
        let needs_ministry = matches!(
            f.kind,
            FlowKind::MunicipalityToMinistry | FlowKind::MinistryToMunicipality
        );
        if needs_ministry && (ministries.is_empty() || ix.is_empty()) {
            return Err(src.error(
                l.span(&f.rate_per_hour),
                "flows with ministries need ministries and at least one interconnection point",
                None,
            ));
        }
        if f.kind == FlowKind::MunicipalityToMunicipality && municipalities.len() < 2 {
            return Err(src.error(
                l.span(&f.rate_per_hour),
                "municipality-to-municipality mail needs two municipalities",
                None,
            ));
        }
        let fi = flows.len();
        match f.kind {
            FlowKind::InternetToMunicipality | FlowKind::MunicipalityToInternet => {
                rows.push(RowSpec {
                    flow: fi,
                    config: None,
                })
            }
            FlowKind::MinistryToMunicipality if ministry_config.is_some() => rows.push(RowSpec {
                flow: fi,
                config: ministry_config,
            }),
            _ => rows.extend((0..configs.len()).map(|c| RowSpec {
                flow: fi,
                config: Some(c),
            })),
        }
        flows.push(Flow {
            kind: f.kind,
            rate_per_hour: rate,
            key: crate::base::rng::stable_key("mail-flow", &format!("{:?}", f.kind)),
        });
    }
    // Planned outages (001 section 4).
    let notice_router = num(&d.notice.router_hours, "router_hours", 48.0, 0.0, 8760.0)?;
    let notice_pref = num(
        &d.notice.prefecture_node_hours,
        "prefecture_node_hours",
        720.0,
        0.0,
        8760.0,
    )?;
    let unnotified = match &d.unnotified_handling {
        None => Duration {
            median_hours: 2.0,
            beta: 0.0,
            kind: Default::default(),
        },
        Some(x) => {
            check_duration(src, l.span(x), x.get_ref(), "unnotified_handling")?;
            let v = x.get_ref();
            Duration {
                median_hours: v.median_hours,
                beta: v.beta,
                kind: v.kind,
            }
        }
    };
    let mut planned: Vec<Planned> = Vec::new();
    for p in &d.planned_outages {
        let id = p.id.get_ref().clone();
        let span = l.span(&p.id);
        if planned.iter().any(|x| x.id == id) {
            return Err(src.error(
                span,
                format!("planned outage `{id}` is defined twice"),
                None,
            ));
        }
        if p.source.get_ref().trim().is_empty() {
            return Err(src.error(l.span(&p.source), "planned outage without a source", None));
        }
        let of = p.of.get_ref();
        let (comp, restarts, required, owner) = match p.target {
            scenario::OutageTarget::PrefectureNode => {
                let k = prefectures
                    .iter()
                    .position(|x| &x.code == of)
                    .ok_or_else(|| {
                        src.error(
                            l.span(&p.of),
                            format!("unknown prefecture code `{of}`"),
                            did_you_mean(of, prefectures.iter().map(|x| x.code.as_str())),
                        )
                    })?;
                (
                    prefectures[k].node,
                    true,
                    notice_pref,
                    format!("lgwan.pref{of}"),
                )
            }
            t => {
                let k = municipalities
                    .iter()
                    .position(|x| &x.id == of)
                    .ok_or_else(|| {
                        src.error(
                            l.span(&p.of),
                            format!("unknown municipality `{of}`"),
                            did_you_mean(of, municipalities.iter().map(|x| x.id.as_str())),
                        )
                    })?;
                let router = t == scenario::OutageTarget::Router;
                (
                    municipalities[k].parts[if router { ROUTER } else { LINE }],
                    router,
                    notice_router,
                    format!("lgwan.{of}"),
                )
            }
        };
        let start = num(
            &Some(p.start_hours.clone()),
            "start_hours",
            0.0,
            0.0,
            rec.horizon,
        )?;
        let dur = num(
            &Some(p.duration_hours.clone()),
            "duration_hours",
            0.0,
            0.0,
            rec.horizon,
        )?;
        let notice = num(
            &Some(p.notice_hours.clone()),
            "notice_hours",
            0.0,
            0.0,
            87_600.0,
        )?;
        planned.push(Planned {
            key: crate::base::rng::stable_key("planned-outage", &id),
            id,
            comp,
            start,
            end: start + dur,
            restarts,
            notified: notice >= required,
            owner_key: crate::base::rng::stable_key("owner", &owner),
        });
    }
    rec.log_changes = true;
    Ok(Some(Lgwan {
        municipalities,
        prefectures,
        poi,
        noc,
        ix,
        ministries,
        comps,
        comp_of_node,
        comp_of_service,
        flows,
        configs,
        rows,
        lifetime_hours: lifetime,
        schedule_hours,
        waits,
        attempts,
        window_hours: window,
        planned,
        unnotified,
        max_delay_hours,
    }))
}

/// Where a message starts or ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// A municipality (index), on its LGWAN side.
    Municipality(u32),
    /// A ministry (index), over G-net.
    Ministry(u32),
}

/// The fate of a message.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fate {
    /// Delivered at this many hours after it was sent.
    Delivered(f64),
    /// Returned to its sender at this many hours after it was sent.
    Bounced(f64),
}

/// Per-thread scratch of the mail model; after [`Lgwan::simulate`], the trial's outcomes.
#[derive(Debug, Clone, Default)]
pub struct MailWorkspace {
    final_up: Vec<bool>,
    flips: Vec<u32>,
    touched: Vec<u32>,
    down: Vec<Vec<(f64, f64)>>,
    /// Per row: messages, delivered within 1 h, 24 h, 5 days, bounced.
    pub counts: Vec<[u32; 5]>,
    /// (row, delay in hours or infinity for a bounce) of every message and row.
    pub outcomes: Vec<(u32, f64)>,
    /// Send time (hours after the quake), sender and recipient of each entry of `outcomes`.
    pub sent: Vec<(f64, Endpoint, Endpoint)>,
    pairs: Vec<(u32, u32)>,
}

impl MailWorkspace {
    /// Scratch sized for a model.
    pub fn new(lg: &Lgwan) -> MailWorkspace {
        MailWorkspace {
            final_up: vec![true; lg.comps.len()],
            flips: vec![0; lg.comps.len()],
            touched: Vec::new(),
            down: vec![Vec::new(); lg.comps.len()],
            counts: vec![[0; 5]; lg.rows.len()],
            outcomes: Vec::new(),
            sent: Vec::new(),
            pairs: tally::pairs(lg)
                .into_iter()
                .map(|(a, b)| (a as u32, b as u32))
                .collect(),
        }
    }

    /// Whether a component is up at `t`, and the next time its state changes after `t`.
    #[inline]
    fn state(&self, c: u32, t: f64) -> (bool, f64) {
        let iv = &self.down[c as usize];
        if iv.is_empty() {
            return (self.final_up[c as usize], INF);
        }
        for &(s, e) in iv {
            if t < s {
                return (true, s);
            }
            if t < e {
                return (false, e);
            }
        }
        (true, INF)
    }

    /// Adds a down interval [s, e) to a component.
    fn add_down(&mut self, c: u32, s: f64, e: f64) {
        let c = c as usize;
        if e <= s {
            return;
        }
        if self.down[c].is_empty() && !self.final_up[c] {
            return; // down throughout already
        }
        let v = &mut self.down[c];
        v.push((s, e));
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut out: Vec<(f64, f64)> = Vec::with_capacity(v.len());
        for &(a, b) in v.iter() {
            match out.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => out.push((a, b)),
            }
        }
        *v = out;
        if !self.touched.contains(&(c as u32)) {
            self.touched.push(c as u32);
        }
    }
}

/// Evaluates component states at `at + delta`, tracking the earliest attempt time at which
/// the answer could differ (a component read at offset `delta` that changes at `b` changes
/// the attempt at `b - delta`).
struct Probe<'a> {
    w: &'a MailWorkspace,
    at: f64,
    delta: f64,
    next: f64,
}

impl Probe<'_> {
    #[inline]
    fn up(&mut self, c: u32) -> bool {
        let (u, b) = self.w.state(c, self.at + self.delta);
        if b < INF {
            self.next = self.next.min(b - self.delta);
        }
        u
    }
}

impl Lgwan {
    /// Builds the trial's timelines from the engine's log and the planned outages.
    fn timelines(&self, rec: &Recovery, ts: u64, r: &RecoveryWorkspace, w: &mut MailWorkspace) {
        for &c in &w.touched {
            w.down[c as usize].clear();
            w.flips[c as usize] = 0;
        }
        w.touched.clear();
        for (k, comp) in self.comps.iter().enumerate() {
            w.final_up[k] = match *comp {
                Comp::Node(i) => r.up[i as usize],
                Comp::Service(s) => r.service_up[s as usize],
            };
        }
        let logs = [
            (&r.node_log, &self.comp_of_node),
            (&r.service_log, &self.comp_of_service),
        ];
        for (log, map) in logs {
            for &(_, i) in log.iter() {
                let c = map[i as usize];
                if c == u32::MAX {
                    continue;
                }
                if w.flips[c as usize] == 0 {
                    w.touched.push(c);
                }
                w.flips[c as usize] += 1;
            }
        }
        // The state before the first change is the final state flipped once per change.
        let n_touched = w.touched.len();
        for k in 0..n_touched {
            let c = w.touched[k] as usize;
            let up0 = w.final_up[c] ^ (w.flips[c] % 2 == 1);
            // Reuse flips as the running state: 1 = down since `open` (kept in down list).
            w.flips[c] = u32::from(!up0);
            if !up0 {
                w.down[c].push((f64::NEG_INFINITY, INF));
            }
        }
        for (log, map) in logs {
            for &(t, i) in log.iter() {
                let c = map[i as usize];
                if c == u32::MAX {
                    continue;
                }
                let c = c as usize;
                if w.flips[c] == 1 {
                    // comes up: close the open interval
                    w.down[c].last_mut().expect("open interval").1 = t;
                    w.flips[c] = 0;
                } else {
                    w.down[c].push((t, INF));
                    w.flips[c] = 1;
                }
            }
        }
        // Node and service changes are logged in two lists; merge their order per component
        // is already chronological since a component is either a node or a service.
        if !self.planned.is_empty() {
            let cal = match rec.start {
                Start::Fixed(c) => c,
                Start::Sampled => {
                    Calendar::at_hour_of_week(168.0 * uniform(ts, rec.calendar_key, 0))
                }
            };
            for p in &self.planned {
                let mut end = p.end + if p.restarts { rec.router_restart } else { 0.0 };
                if !p.notified {
                    // 001: without the required notice the stop is judged a fault: detected
                    // by monitoring, handed over under the contact rule, then handled.
                    let detect = p.start + rec.detection.sample(uniform(ts, p.key, 0));
                    let reachable = cal.in_business_hours(detect)
                        || uniform(ts, p.owner_key ^ p.key, 1) < rec.contact_p;
                    let release = if reachable {
                        detect
                    } else {
                        cal.next_business_time(detect)
                    };
                    end = end.max(release + self.unnotified.sample(uniform(ts, p.key, 2)));
                }
                w.add_down(p.comp, p.start, end);
            }
        }
    }

    /// Runs the mail of one trial after its recovery: fills `w.counts` and `w.outcomes`.
    pub fn simulate(&self, rec: &Recovery, ts: u64, r: &RecoveryWorkspace, w: &mut MailWorkspace) {
        self.timelines(rec, ts, r, w);
        for c in w.counts.iter_mut() {
            *c = [0; 5];
        }
        w.outcomes.clear();
        w.sent.clear();
        let nm = self.municipalities.len() as u64;
        let nmin = self.ministries.len() as u64;
        let mut row0 = 0;
        for (fi, f) in self.flows.iter().enumerate() {
            let nrows = self.rows[row0..]
                .iter()
                .take_while(|x| x.flow == fi)
                .count();
            let mut rng = stream(ts, f.key);
            let mut u = || (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
            let pick = |x: f64, n: u64| ((x * n as f64) as u64).min(n - 1) as u32;
            let mut t = 0.0;
            if f.rate_per_hour > 0.0 {
                loop {
                    t += -(1.0 - u()).ln() / f.rate_per_hour;
                    if t >= self.window_hours {
                        break;
                    }
                    let (a, b) = (u(), u());
                    let (from, to) = match f.kind {
                        FlowKind::MunicipalityToMinistry => (
                            Endpoint::Municipality(pick(a, nm)),
                            Endpoint::Ministry(pick(b, nmin)),
                        ),
                        FlowKind::MinistryToMunicipality => (
                            Endpoint::Ministry(pick(a, nmin)),
                            Endpoint::Municipality(pick(b, nm)),
                        ),
                        FlowKind::MunicipalityToMunicipality => {
                            let s = pick(a, nm);
                            let mut d = pick(b, nm - 1);
                            if d >= s {
                                d += 1;
                            }
                            (Endpoint::Municipality(s), Endpoint::Municipality(d))
                        }
                        FlowKind::InternetToMunicipality | FlowKind::MunicipalityToInternet => {
                            let m = Endpoint::Municipality(pick(a, nm));
                            (m, m)
                        }
                    };
                    for k in 0..nrows {
                        let row = row0 + k;
                        let fate = match (f.kind, self.rows[row].config) {
                            (FlowKind::InternetToMunicipality, _) => self.internet_in(w, t, from),
                            (FlowKind::MunicipalityToInternet, _) => self.internet_out(w, t, from),
                            (_, Some(c)) => self.lgwan_mail(w, t, from, to, &self.configs[c]),
                            (_, None) => unreachable!("LGWAN rows have a configuration"),
                        };
                        let cnt = &mut w.counts[row];
                        cnt[0] += 1;
                        let delay = match fate {
                            Fate::Delivered(d) => {
                                cnt[1] += u32::from(d <= 1.0);
                                cnt[2] += u32::from(d <= 24.0);
                                cnt[3] += u32::from(d <= 120.0);
                                d
                            }
                            Fate::Bounced(_) => {
                                cnt[4] += 1;
                                INF
                            }
                        };
                        w.outcomes.push((row as u32, delay));
                        w.sent.push((t, from, to));
                    }
                }
            }
            row0 += nrows;
        }
    }

    /// Runs the Postfix schedule from `t0` against `ok`, which answers whether an attempt at
    /// the probe's time succeeds (and after what extra delay, e.g. resolver waits).
    fn queue(
        &self,
        w: &MailWorkspace,
        t0: f64,
        mut ok: impl FnMut(&mut Probe) -> Option<f64>,
    ) -> Fate {
        let sched = &self.schedule_hours;
        let last = sched.len() - 1;
        let mut k = 0;
        loop {
            let at = t0 + sched[k];
            let mut p = Probe {
                w,
                at,
                delta: 0.0,
                next: INF,
            };
            if let Some(d) = ok(&mut p) {
                return Fate::Delivered(sched[k] + d);
            }
            if k == last || p.next == INF {
                return Fate::Bounced(sched[last]);
            }
            // The first attempt at or after the earliest time anything it read changes.
            let need = p.next - t0;
            k = (k + 1).max(sched.partition_point(|&s| s < need));
            if k > last {
                return Fate::Bounced(sched[last]);
            }
        }
    }

    fn core_ew(&self, p: &mut Probe) -> bool {
        p.up(self.poi[0].noc_line)
            && p.up(self.noc)
            && p.up(self.poi[1].noc_line)
            && p.up(self.poi[0].facility)
            && p.up(self.poi[1].facility)
    }

    /// The endpoint reaches POI `x`'s facility over LGWAN.
    fn to_poi(&self, p: &mut Probe, e: Endpoint, x: usize) -> bool {
        match e {
            Endpoint::Municipality(i) => {
                let m = &self.municipalities[i as usize];
                let pr = &self.prefectures[m.prefecture];
                p.up(m.parts[ROUTER])
                    && p.up(m.parts[LINE])
                    && p.up(pr.node)
                    && p.up(pr.lines[x])
                    && p.up(self.poi[x].facility)
            }
            Endpoint::Ministry(_) => self.ix.iter().any(|ix| {
                p.up(ix.node)
                    && p.up(ix.gnet)
                    && match ix.attach {
                        scenario::Attach::Noc => {
                            p.up(self.noc)
                                && p.up(self.poi[x].noc_line)
                                && p.up(self.poi[x].facility)
                        }
                        scenario::Attach::East => {
                            if x == 0 {
                                p.up(self.poi[0].facility)
                            } else {
                                self.core_ew(p)
                            }
                        }
                        scenario::Attach::West => {
                            if x == 1 {
                                p.up(self.poi[1].facility)
                            } else {
                                self.core_ew(p)
                            }
                        }
                    }
            }),
        }
    }

    /// The endpoint's mail server is up (a ministry's: its network and G-net connection).
    fn server(&self, p: &mut Probe, e: Endpoint) -> bool {
        match e {
            Endpoint::Municipality(i) => p.up(self.municipalities[i as usize].parts[MAIL]),
            Endpoint::Ministry(m) => {
                let mm = self.ministries[m as usize];
                p.up(mm.network_operation) && p.up(mm.gnet_connection)
            }
        }
    }

    /// LGWAN transport between two endpoints through the POIs.
    fn transport(&self, p: &mut Probe, a: Endpoint, b: Endpoint) -> bool {
        for (x, y) in [(0, 0), (1, 1), (0, 1), (1, 0)] {
            if self.to_poi(p, a, x) && self.to_poi(p, b, y) && (x == y || self.core_ew(p)) {
                return true;
            }
        }
        false
    }

    /// Reaching POI `z` from an endpoint, directly or across the core.
    fn reach_poi(&self, p: &mut Probe, e: Endpoint, z: usize) -> bool {
        self.to_poi(p, e, z) || (self.to_poi(p, e, 1 - z) && self.core_ew(p))
    }

    /// Resolution of an LGWAN zone by zone forwarding: forwarders tried in order, glibc's
    /// waits between them, `attempts` rounds. Returns the answer's delay, hours.
    fn resolve(&self, p: &mut Probe, e: Endpoint, fwd: &[PoiName]) -> Option<f64> {
        if let Endpoint::Municipality(i) = e {
            if !p.up(self.municipalities[i as usize].parts[DNS]) {
                return None;
            }
        }
        let waits = &self.waits[fwd.len() - 1];
        for _ in 0..self.attempts {
            for (ns, &x) in fwd.iter().enumerate() {
                let x = poi_index(x);
                if p.up(self.poi[x].dns) && self.reach_poi(p, e, x) {
                    return Some(p.delta);
                }
                p.delta += waits[ns];
            }
        }
        None
    }

    /// The fate of a message over LGWAN from `from` to `to` under configuration `c`.
    pub fn lgwan_mail(
        &self,
        w: &MailWorkspace,
        t0: f64,
        from: Endpoint,
        to: Endpoint,
        c: &Configuration,
    ) -> Fate {
        match c.delivery {
            Delivery::Mx => self.queue(w, t0, |p| {
                if !self.server(p, from) {
                    return None;
                }
                let d = self.resolve(p, from, &c.forwarders)?;
                (self.transport(p, from, to) && self.server(p, to)).then_some(d)
            }),
            Delivery::Static(z) => {
                let z = poi_index(z);
                let hop1 = self.queue(w, t0, |p| {
                    (self.server(p, from) && p.up(self.poi[z].smtp) && self.reach_poi(p, from, z))
                        .then_some(0.0)
                });
                let Fate::Delivered(d1) = hop1 else {
                    return hop1;
                };
                // The relay queues it in turn, resolving the MX with its own POI's DNS.
                match self.queue(w, t0 + d1, |p| {
                    (p.up(self.poi[z].smtp)
                        && p.up(self.poi[z].dns)
                        && self.reach_poi(p, to, z)
                        && self.server(p, to))
                    .then_some(0.0)
                }) {
                    Fate::Delivered(d2) => Fate::Delivered(d1 + d2),
                    Fate::Bounced(d2) => Fate::Bounced(d1 + d2),
                }
            }
        }
    }

    /// Internet to a municipality: its authoritative DNS (own, or a secondary outside)
    /// answers, and its internet-side mail server is reachable.
    fn internet_in(&self, w: &MailWorkspace, t0: f64, to: Endpoint) -> Fate {
        let Endpoint::Municipality(i) = to else {
            unreachable!()
        };
        let m = &self.municipalities[i as usize];
        self.queue(w, t0, |p| {
            let line = p.up(m.parts[INET_LINE]);
            let dns = (line && p.up(m.parts[AUTH_DNS])) || p.up(m.parts[AUTH_DNS2]);
            (dns && line && p.up(m.parts[INET_MAIL])).then_some(0.0)
        })
    }

    /// A municipality to the internet through its internet-side mail server.
    fn internet_out(&self, w: &MailWorkspace, t0: f64, from: Endpoint) -> Fate {
        let Endpoint::Municipality(i) = from else {
            unreachable!()
        };
        let m = &self.municipalities[i as usize];
        self.queue(w, t0, |p| {
            (p.up(m.parts[INET_MAIL]) && p.up(m.parts[INET_LINE])).then_some(0.0)
        })
    }

    /// Runs the mail of a trial from the workspaces of the hazard and recovery stages.
    pub fn run_trial(&self, model: &Model, ts: u64, ws: &mut Workspace) {
        let rec = model.recovery.as_ref().expect("compile checked recovery");
        let (Some(r), Some(w)) = (ws.recovery.as_deref(), ws.mail.as_deref_mut()) else {
            return;
        };
        self.simulate(rec, ts, r, w);
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

/// Applies an option's `[options.lgwan]` (see [`expand::apply_option`]).
pub fn apply_option(
    src: &SourceMap,
    m: &mut Merged,
    opt: &Located<crate::scenario::OptionDef>,
) -> Result<()> {
    if let Some(p) = &opt.item.lgwan {
        expand::apply_option(src, m, opt.file, opt.span(&opt.item.id), p)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
