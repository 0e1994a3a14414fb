//! Compiles `[lgwan]` into [`crate::model::lgwan::Lgwan`].

use std::collections::HashMap;

use crate::diag::{checks, did_you_mean, Result, SourceMap};
use crate::model::lgwan::*;
use crate::model::recovery::Duration;
use crate::model::Model;
use crate::scenario::lgwan::FlowKind;
use crate::scenario::lgwan_expand as expand;
use crate::scenario::Merged;

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
        checks::number_in_range(src, l.file, v.as_ref(), what, (default, lo, hi))
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
            {
                let d = x.get_ref();
                crate::diag::checks::duration(
                    src,
                    l.span(x),
                    d.median_hours,
                    d.beta,
                    "unnotified_handling",
                )?;
            }
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
            crate::scenario::lgwan::OutageTarget::PrefectureNode => {
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
                let router = t == crate::scenario::lgwan::OutageTarget::Router;
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
