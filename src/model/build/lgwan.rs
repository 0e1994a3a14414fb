//! Compiles `[lgwan]` into [`crate::model::lgwan::Lgwan`].

use std::collections::HashMap;

use crate::diag::{checks, did_you_mean, Result, SourceMap, Span};
use crate::model::lgwan::*;
use crate::model::recovery::Duration;
use crate::model::Model;
use crate::scenario::lgwan::{FlowKind, LgwanDef};
use crate::scenario::lgwan_expand as expand;
use crate::scenario::{Located, Merged, Spanned, SF64};

/// Compiles `[lgwan]` against the built model (its nodes were added by [`expand::expand`]).
pub fn compile(src: &SourceMap, m: &Merged, model: &mut Model) -> Result<Option<Lgwan>> {
    let Some(l) = &m.lgwan else {
        return Ok(None);
    };
    let d = &l.item;
    let (t, comps) = topology(src, l, model)?;
    let lspan = l.span(&d.source);
    let (lifetime, schedule_hours) = postfix(src, l)?;
    let (attempts, waits) = resolver(src, l)?;
    let Some(rec) = model.recovery.as_mut() else {
        return Err(src.error(lspan, "[lgwan] needs a [recovery] table", None));
    };
    let window = *d.window_hours.get_ref();
    let last = *schedule_hours.last().expect("schedule has attempt 0");
    let configs = configurations(src, l)?;
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
    let (flows, rows) = flows(src, l, &configs, &t)?;
    let notice = notice_required(src, l)?;
    let unnotified = unnotified(src, l)?;
    let planned = planned_outages(src, l, &t, notice, rec.horizon)?;
    rec.log_changes = true;
    Ok(Some(Lgwan {
        municipalities: t.municipalities,
        prefectures: t.prefectures,
        poi: t.poi,
        noc: t.noc,
        ix: t.ix,
        ministries: t.ministries,
        comps: comps.comps,
        comp_of_node: comps.comp_of_node,
        comp_of_service: comps.comp_of_service,
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

/// The number `what` of the `[lgwan]` file: `default` when absent, else in [`lo`, `hi`].
fn num(
    src: &SourceMap,
    l: &Located<LgwanDef>,
    v: Option<&SF64>,
    what: &str,
    (default, lo, hi): (f64, f64, f64),
) -> Result<f64> {
    checks::number_in_range(src, l.file, v, what, (default, lo, hi))
}

/// The components the mail model reads: nodes and services of the model, each given a
/// component index the first time it is named.
struct Comps<'a> {
    node_index: HashMap<&'a str, usize>,
    service_index: HashMap<&'a str, usize>,
    comps: Vec<Comp>,
    comp_of_node: Vec<u32>,
    comp_of_service: Vec<u32>,
}

impl Comps<'_> {
    fn node(&mut self, id: &str) -> Result<u32> {
        let i = *self.node_index.get(id).ok_or_else(|| expand::missing(id))?;
        if self.comp_of_node[i] == u32::MAX {
            self.comp_of_node[i] = self.comps.len() as u32;
            self.comps.push(Comp::Node(i as u32));
        }
        Ok(self.comp_of_node[i])
    }

    fn service(&mut self, id: &str) -> Result<u32> {
        let i = *self
            .service_index
            .get(id)
            .ok_or_else(|| expand::missing(id))?;
        if self.comp_of_service[i] == u32::MAX {
            self.comp_of_service[i] = self.comps.len() as u32;
            self.comps.push(Comp::Service(i as u32));
        }
        Ok(self.comp_of_service[i])
    }
}

/// The components without the name indices, once every one is named.
struct CompTable {
    comps: Vec<Comp>,
    comp_of_node: Vec<u32>,
    comp_of_service: Vec<u32>,
}

/// The mail network's parts, as components.
struct Topology {
    noc: u32,
    poi: [Poi; 2],
    prefectures: Vec<Prefecture>,
    municipalities: Vec<Municipality>,
    ix: Vec<Ix>,
    ministries: Vec<MinistryMail>,
}

fn topology(
    src: &SourceMap,
    l: &Located<LgwanDef>,
    model: &Model,
) -> Result<(Topology, CompTable)> {
    let d = &l.item;
    let prefs = expand::parse_prefectures(src, d.prefectures_file.expect("read at load"))?;
    let munis = expand::municipalities(src, l, &prefs)?;
    let mut c = Comps {
        node_index: model
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i))
            .collect(),
        service_index: model
            .services
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i))
            .collect(),
        comps: Vec::new(),
        comp_of_node: vec![u32::MAX; model.nodes.len()],
        comp_of_service: vec![u32::MAX; model.services.len()],
    };
    let noc = c.node("lgwan.noc")?;
    let mut poi = [Poi {
        facility: 0,
        dns: 0,
        smtp: 0,
        noc_line: 0,
    }; 2];
    for (k, name) in ["east", "west"].iter().enumerate() {
        let id = format!("lgwan.poi_{name}");
        poi[k] = Poi {
            facility: c.node(&id)?,
            dns: c.node(&format!("{id}.dns"))?,
            smtp: c.node(&format!("{id}.smtp"))?,
            noc_line: c.node(&format!("{id}.noc_line"))?,
        };
    }
    let prefectures = prefs
        .iter()
        .map(|p| {
            let sid = format!("lgwan.pref{}", p.code);
            Ok(Prefecture {
                code: p.code.clone(),
                name_en: p.name_en.clone(),
                node: c.node(&format!("{sid}.node"))?,
                lines: [
                    c.node(&format!("{sid}.line_east"))?,
                    c.node(&format!("{sid}.line_west"))?,
                ],
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let municipalities = munis
        .iter()
        .map(|mu| {
            let mut parts = [0u32; 8];
            for (k, part) in expand::MUNI_PARTS.iter().enumerate() {
                parts[k] = c.node(&format!("lgwan.{}.{part}", mu.id))?;
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
        ix_nodes.push((x.attach, c.node(&nid)?, nid));
    }
    let ix = ix_nodes
        .into_iter()
        .map(|(attach, n, nid)| {
            Ok(Ix {
                attach,
                node: n,
                gnet: c.service(&format!("{nid}.gnet"))?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let ministries = model
        .ministries
        .iter()
        .map(|mi| {
            Ok(MinistryMail {
                network_operation: c.service(&format!("{}.network_operation", mi.id))?,
                gnet_connection: c.service(&format!("{}.gnet_connection", mi.id))?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let topology = Topology {
        noc,
        poi,
        prefectures,
        municipalities,
        ix,
        ministries,
    };
    let table = CompTable {
        comps: c.comps,
        comp_of_node: c.comp_of_node,
        comp_of_service: c.comp_of_service,
    };
    Ok((topology, table))
}

/// Postfix's queue lifetime (hours) and the offsets of its delivery attempts (hours).
fn postfix(src: &SourceMap, l: &Located<LgwanDef>) -> Result<(f64, Vec<f64>)> {
    let pf = &l.item.postfix;
    let lspan = l.span(&l.item.source);
    let min_b = num(
        src,
        l,
        pf.minimal_backoff_seconds.as_ref(),
        "minimal_backoff_seconds",
        (POSTFIX_MIN_BACKOFF_S, 1.0, 86_400.0),
    )?;
    let max_b = num(
        src,
        l,
        pf.maximal_backoff_seconds.as_ref(),
        "maximal_backoff_seconds",
        (POSTFIX_MAX_BACKOFF_S, 1.0, 864_000.0),
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
        src,
        l,
        pf.queue_lifetime_hours.as_ref(),
        "queue_lifetime_hours",
        (POSTFIX_QUEUE_LIFETIME_H, 0.0, 8760.0),
    )?;
    let schedule_hours: Vec<f64> = postfix_schedule(min_b, max_b, lifetime * 3600.0)
        .into_iter()
        .map(|s| s / 3600.0)
        .collect();
    Ok((lifetime, schedule_hours))
}

/// The resolver's attempts, and its waits per server (hours) for one and two forwarders.
fn resolver(src: &SourceMap, l: &Located<LgwanDef>) -> Result<(usize, [Vec<f64>; 2])> {
    let r = &l.item.resolver;
    // glibc caps timeout at 30 s (RES_MAXRETRANS) and attempts at 5 (RES_MAXRETRY).
    let timeout = checks::integer_in_range(
        src,
        l.file,
        r.timeout_seconds.as_ref(),
        "timeout_seconds",
        (GLIBC_RES_TIMEOUT_S, 1, 30),
    )?;
    let attempts = checks::integer_in_range(
        src,
        l.file,
        r.attempts.as_ref(),
        "attempts",
        (GLIBC_RES_DFLRETRY, 1, 5),
    )? as usize;
    let to_h = |v: Vec<f64>| v.into_iter().map(|s| s / 3600.0).collect::<Vec<f64>>();
    let waits = [to_h(glibc_waits(timeout, 1)), to_h(glibc_waits(timeout, 2))];
    Ok((attempts, waits))
}

fn configurations(src: &SourceMap, l: &Located<LgwanDef>) -> Result<Vec<Configuration>> {
    let d = &l.item;
    let mut configs = Vec::new();
    for c in d.configurations.get_ref() {
        let id = c.id.get_ref().clone();
        let span = l.span(&c.id);
        if configs.iter().any(|x: &Configuration| x.id == id) {
            return Err(src.error(span, format!("configuration `{id}` is defined twice"), None));
        }
        let delivery = match (c.delivery, c.relay) {
            (crate::scenario::lgwan::DeliveryDef::Mx, None) => {
                let f = &c.forwarders;
                if f.is_empty() || f.len() > 2 || (f.len() == 2 && f[0] == f[1]) {
                    return Err(src.error(span, format!("configuration `{id}`: MX delivery needs one or two different forwarders, found {f:?}"), Some("forwarders = [\"east\"], [\"west\"], [\"east\", \"west\"] or [\"west\", \"east\"]".into())));
                }
                Delivery::Mx
            }
            (crate::scenario::lgwan::DeliveryDef::Mx, Some(_)) => {
                return Err(src.error(
                    span,
                    format!("configuration `{id}`: `relay` is for static delivery"),
                    Some("remove relay, or set delivery = \"static\"".into()),
                ))
            }
            (crate::scenario::lgwan::DeliveryDef::Static, Some(p)) => {
                if !c.forwarders.is_empty() {
                    return Err(src.error(span, format!("configuration `{id}`: static delivery relays by address and uses no forwarders"), Some("remove forwarders".into())));
                }
                Delivery::Static(p)
            }
            (crate::scenario::lgwan::DeliveryDef::Static, None) => {
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
    Ok(configs)
}

/// The mail flows, and the result rows: one per flow and configuration it is sent under.
fn flows(
    src: &SourceMap,
    l: &Located<LgwanDef>,
    configs: &[Configuration],
    t: &Topology,
) -> Result<(Vec<Flow>, Vec<RowSpec>)> {
    let d = &l.item;
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
        let rate = checks::in_range(
            src,
            l.span(&f.rate_per_hour),
            "rate_per_hour",
            *f.rate_per_hour.get_ref(),
            0.0,
            100_000.0,
        )?;
        if f.source.get_ref().trim().is_empty() {
            return Err(src.error(
                l.span(&f.source),
                "a flow without a source for its rate",
                Some("say where the rate comes from, or \"assumption: <why>\"".into()),
            ));
        }
        let at_rate = l.span(&f.rate_per_hour);
        if flows.iter().any(|x: &Flow| x.kind == f.kind) {
            return Err(src.error(at_rate, format!("flow {:?} is given twice", f.kind), None));
        }
        check_flow_ends(src, at_rate, f.kind, t)?;
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
    Ok((flows, rows))
}

/// A flow's senders and receivers exist.
fn check_flow_ends(src: &SourceMap, span: Span, kind: FlowKind, t: &Topology) -> Result<()> {
    let needs_ministry = matches!(
        kind,
        FlowKind::MunicipalityToMinistry | FlowKind::MinistryToMunicipality
    );
    if needs_ministry && (t.ministries.is_empty() || t.ix.is_empty()) {
        return Err(src.error(
            span,
            "flows with ministries need ministries and at least one interconnection point",
            None,
        ));
    }
    if kind == FlowKind::MunicipalityToMunicipality && t.municipalities.len() < 2 {
        return Err(src.error(
            span,
            "municipality-to-municipality mail needs two municipalities",
            None,
        ));
    }
    Ok(())
}

/// How long handling an outage without notice takes.
fn unnotified(src: &SourceMap, l: &Located<LgwanDef>) -> Result<Duration> {
    let Some(x) = &l.item.unnotified_handling else {
        return Ok(Duration {
            median_hours: 2.0,
            beta: 0.0,
            kind: Default::default(),
        });
    };
    let v = x.get_ref();
    checks::duration(
        src,
        l.span(x),
        v.median_hours,
        v.beta,
        "unnotified_handling",
    )?;
    Ok(Duration {
        median_hours: v.median_hours,
        beta: v.beta,
        kind: v.kind,
    })
}

/// The notice (hours) a planned outage of a municipality's router or line, and of a
/// prefecture node, must be given (001 section 4).
fn notice_required(src: &SourceMap, l: &Located<LgwanDef>) -> Result<(f64, f64)> {
    let d = &l.item;
    let notice_router = num(
        src,
        l,
        d.notice.router_hours.as_ref(),
        "router_hours",
        (48.0, 0.0, 8760.0),
    )?;
    let notice_pref = num(
        src,
        l,
        d.notice.prefecture_node_hours.as_ref(),
        "prefecture_node_hours",
        (720.0, 0.0, 8760.0),
    )?;
    Ok((notice_router, notice_pref))
}

/// Planned outages (001 section 4), with whether each was notified in time.
fn planned_outages(
    src: &SourceMap,
    l: &Located<LgwanDef>,
    t: &Topology,
    (notice_router, notice_pref): (f64, f64),
    horizon: f64,
) -> Result<Vec<Planned>> {
    let d = &l.item;
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
            crate::scenario::lgwan::OutageTarget::PrefectureNode => {
                let k = t
                    .prefectures
                    .iter()
                    .position(|x| &x.code == of)
                    .ok_or_else(|| {
                        src.error(
                            l.span(&p.of),
                            format!("unknown prefecture code `{of}`"),
                            did_you_mean(of, t.prefectures.iter().map(|x| x.code.as_str())),
                        )
                    })?;
                (
                    t.prefectures[k].node,
                    true,
                    notice_pref,
                    format!("lgwan.pref{of}"),
                )
            }
            target => {
                let k = t
                    .municipalities
                    .iter()
                    .position(|x| &x.id == of)
                    .ok_or_else(|| {
                        src.error(
                            l.span(&p.of),
                            format!("unknown municipality `{of}`"),
                            did_you_mean(of, t.municipalities.iter().map(|x| x.id.as_str())),
                        )
                    })?;
                let router = target == crate::scenario::lgwan::OutageTarget::Router;
                (
                    t.municipalities[k].parts[if router { ROUTER } else { LINE }],
                    router,
                    notice_router,
                    format!("lgwan.{of}"),
                )
            }
        };
        let hours =
            |v: &Spanned<f64>, what: &str, hi: f64| num(src, l, Some(v), what, (0.0, 0.0, hi));
        let start = hours(&p.start_hours, "start_hours", horizon)?;
        let dur = hours(&p.duration_hours, "duration_hours", horizon)?;
        let notice = hours(&p.notice_hours, "notice_hours", 87_600.0)?;
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
    Ok(planned)
}
