//! The recovery model: timing, detection, crews, repairs, the grid, generators, RTOs, and
//! the per-node tables the recovery engine reads.

use super::builder::{sp, Builder};
use crate::base::rng::stable_key;
use crate::diag::{checks, did_you_mean, Result, SourceMap};
use crate::model::calendar::{self, Calendar};
use crate::model::recovery as rc;
use crate::model::{Model, Op, PathEval, Placement};
use crate::scenario::{DurationDef, NodeKind, RecoveryDef, SString, Spanned, SF64};

/// The shared checks, for values written in the recovery file.
struct Values<'a> {
    src: &'a SourceMap,
    f: usize,
}

impl Values<'_> {
    fn source(&self, s: &SString, what: &str) -> Result<()> {
        checks::source(self.src, sp(self.f, s), s.get_ref(), what)
    }

    fn range(&self, v: &SF64, what: &str, lo: f64, hi: f64) -> Result<f64> {
        checks::in_range(self.src, sp(self.f, v), what, *v.get_ref(), lo, hi)
    }

    fn prob(&self, v: &SF64, what: &str) -> Result<f64> {
        checks::prob(self.src, sp(self.f, v), what, *v.get_ref())
    }

    fn duration(&self, v: &Spanned<DurationDef>, what: &str) -> Result<rc::Duration> {
        let x = v.get_ref();
        checks::duration(self.src, sp(self.f, v), x.median_hours, x.beta, what)?;
        Ok(rc::Duration {
            median_hours: x.median_hours,
            beta: x.beta,
            kind: x.kind,
        })
    }

    fn by_state(
        &self,
        v: &Option<Spanned<Vec<DurationDef>>>,
        what: &str,
    ) -> Result<Option<[rc::Duration; 4]>> {
        let Some(v) = v else { return Ok(None) };
        if v.get_ref().len() != 4 {
            return Err(self.src.error(sp(self.f, v), format!("{what} must list 4 durations (slight, moderate, extensive, complete), found {}", v.get_ref().len()), None));
        }
        let mut out = [rc::Duration {
            median_hours: 0.0,
            beta: 0.0,
            kind: Default::default(),
        }; 4];
        for (k, x) in v.get_ref().iter().enumerate() {
            out[k] = self.duration(&Spanned::new(v.span(), *x), what)?;
        }
        Ok(Some(out))
    }
}

/// The horizon, checkpoints and start of the recovery.
struct Timing {
    horizon: f64,
    checkpoints: Vec<f64>,
    start: rc::Start,
}

impl Builder<'_> {
    /// Compiles `[recovery]` (and `[calendar]`) against the built model.
    pub(super) fn recovery(&self, model: &Model) -> Result<Option<rc::Recovery>> {
        let Some(rl) = &self.m.recovery else {
            if let Some(c) = &self.m.calendar {
                return Err(self.err(
                    sp(c.file, &c.item.start),
                    "[calendar] sets the start of the recovery, but the scenario has no [recovery]",
                    Some("include a [recovery] model (e.g. common/recovery.toml) or remove [calendar]".into()),
                ));
            }
            return Ok(None);
        };
        let d = &rl.item;
        let v = Values {
            src: self.src,
            f: rl.file,
        };
        v.source(&d.source, "[recovery]")?;
        let Timing {
            horizon,
            checkpoints,
            start,
        } = self.timing(&v, d)?;
        let detection = match &d.detection {
            Some(x) => v.duration(x, "detection")?,
            None => rc::Duration {
                median_hours: 0.1,
                beta: 0.0,
                kind: Default::default(),
            },
        };
        let contact_p = v.prob(&d.contact_p, "contact_p")?;
        let router_restart = match &d.router_restart_hours {
            Some(x) => v.range(x, "router_restart_hours", 0.0, 100.0)?,
            None => 10.0 / 60.0,
        };
        let relocation = v.duration(&d.relocation, "relocation")?;
        let default_rto = match &d.default_rto_hours {
            Some(x) => v.range(x, "default_rto_hours", 0.0, 87_600.0)?,
            None => 72.0,
        };
        let pools = self.pools(&v, d)?;
        let repair = self.repairs(&v, d, model, &pools)?;
        let grid = self.grid(&v, d, model)?;
        let generators = self.generators(&v, d, model)?;
        let rto = self.rto(&v, d, model, default_rto)?;
        let n = model.nodes.len();
        let has_generator: Vec<bool> = generators.iter().map(Option::is_some).collect();
        let pool_keys = pools.iter().map(|p| stable_key("crew", &p.id)).collect();
        let (node_services, query_services) = service_inputs(model);
        Ok(Some(rc::Recovery {
            horizon,
            checkpoints,
            start,
            detection,
            contact_p,
            router_restart,
            relocation,
            rto,
            repair,
            pools,
            grid,
            generators,
            needs_power: model
                .nodes
                .iter()
                // Lines are powered at their ends (carrier offices, routers).
                .map(|x| {
                    x.class.is_some()
                        && x.placement != Placement::Nowhere
                        && x.kind != NodeKind::Line
                })
                .collect(),
            is_router: model
                .nodes
                .iter()
                .map(|x| x.kind == NodeKind::Router)
                .collect(),
            staff_of: staff_of(model),
            owner_key: model
                .nodes
                .iter()
                .map(|x| stable_key("owner", &x.owner))
                .collect(),
            owner_index: owner_index(model),
            node_queries: rc::csr(n, &node_queries(model)),
            node_services,
            query_services,
            calendar_key: stable_key("calendar", "start"),
            grid_keys: model
                .sites
                .iter()
                .map(|s| stable_key("grid", &s.id))
                .collect(),
            pool_keys,
            n_classes: model.classes.len(),
            generator_of_class: model
                .nodes
                .iter()
                .map(|x| x.class.filter(|&c| has_generator[c]).map(|c| c as u32))
                .collect(),
            generator_key: model
                .sites
                .iter()
                .flat_map(|s| {
                    model
                        .classes
                        .iter()
                        .map(move |c| stable_key("generator", &format!("{}/{c}", s.id)))
                })
                .collect(),
            monotone: model
                .services
                .iter()
                .map(|s| !s.program.contains(&Op::Not))
                .collect(),
            site_nodes: site_nodes(model),
            log_changes: false,
        }))
    }

    /// The horizon, the checkpoints within it, and the start (`[calendar]` in the top file
    /// moves the shared recovery model in time).
    fn timing(&self, v: &Values, d: &RecoveryDef) -> Result<Timing> {
        let f = v.f;
        let horizon = match &d.horizon_hours {
            Some(h) => v.range(h, "horizon_hours", 1.0, 87_600.0)?,
            None => 720.0,
        };
        let checkpoints = match &d.checkpoints_hours {
            None => [0.0, 1.0, 3.0, 6.0, 12.0, 24.0, 72.0, 168.0, 336.0, 720.0]
                .into_iter()
                .filter(|&c| c <= horizon)
                .collect(),
            Some(c) => {
                let v = c.get_ref().clone();
                if v.is_empty()
                    || v.iter().any(|x| !x.is_finite() || *x < 0.0 || *x > horizon)
                    || v.windows(2).any(|w| w[1] <= w[0])
                {
                    return Err(self.err(sp(f, c), format!("checkpoints_hours must be increasing times in [0, {horizon}], found {v:?}"), None));
                }
                v
            }
        };
        let (cf, start_s, holidays) = match &self.m.calendar {
            Some(c) => {
                // The calendar may stand in another file than [recovery]: locate its
                // source error there.
                let s = &c.item.source;
                checks::source(self.src, sp(c.file, s), s.get_ref(), "[calendar]")?;
                (c.file, &c.item.start, &c.item.holidays)
            }
            None => (f, &d.start, &d.holidays),
        };
        let mut start = match start_s.get_ref().as_str() {
            "sampled" => rc::Start::Sampled,
            s => rc::Start::Fixed(
                Calendar::parse(s).map_err(|e| self.err(sp(cf, start_s), e.0, None))?,
            ),
        };
        if let (Some(first), rc::Start::Sampled) = (holidays.first(), start) {
            return Err(self.err(
                sp(cf, first),
                "holidays need a start given as a date: with start = \"sampled\" only the day of the week is known",
                Some("give start as YYYY-MM-DDTHH:MM, or remove holidays".into()),
            ));
        }
        if !holidays.is_empty() && horizon > (calendar::HOLIDAY_DAYS - 1) as f64 * 24.0 {
            return Err(self.err(
                sp(cf, &holidays[0]),
                format!(
                    "holidays cover the first {} days after the quake, but horizon_hours is {horizon}",
                    calendar::HOLIDAY_DAYS - 1
                ),
                Some("shorten horizon_hours or remove holidays".into()),
            ));
        }
        if let rc::Start::Fixed(c) = &mut start {
            for h in holidays {
                c.add_holiday(h.get_ref())
                    .map_err(|e| self.err(sp(cf, h), e.0, None))?;
            }
        }
        Ok(Timing {
            horizon,
            checkpoints,
            start,
        })
    }

    fn pools(&self, v: &Values, d: &RecoveryDef) -> Result<Vec<rc::Pool>> {
        let f = v.f;
        let mut pools: Vec<rc::Pool> = Vec::new();
        for c in &d.crews {
            v.source(&c.source, "a crew pool")?;
            let id = c.id.get_ref();
            if pools.iter().any(|p| &p.id == id) {
                return Err(self.err(
                    sp(f, &c.id),
                    format!("crew pool `{id}` is defined twice"),
                    None,
                ));
            }
            let count = *c.count.get_ref();
            if !(1..=100_000).contains(&count) {
                return Err(self.err(
                    sp(f, &c.count),
                    format!("count must be a whole number >= 1, found {count}"),
                    None,
                ));
            }
            pools.push(rc::Pool {
                id: id.clone(),
                count: count as u32,
                travel: v.duration(&c.travel, "travel")?,
            });
        }
        Ok(pools)
    }

    /// The class a recovery entry names.
    fn class_of(&self, v: &Values, model: &Model, c: &SString) -> Result<usize> {
        model
            .classes
            .iter()
            .position(|x| x == c.get_ref())
            .ok_or_else(|| {
                self.err(
                    sp(v.f, c),
                    format!("undefined class `{}`", c.get_ref()),
                    did_you_mean(c.get_ref(), model.classes.iter().map(String::as_str)),
                )
            })
    }

    /// Repairs per class, with the dense ranks of their priorities (crews take waiting jobs
    /// from per-rank queues).
    fn repairs(
        &self,
        v: &Values,
        d: &RecoveryDef,
        model: &Model,
        pools: &[rc::Pool],
    ) -> Result<Vec<Option<rc::Repair>>> {
        let f = v.f;
        let mut repair = vec![None; model.classes.len()];
        for rp in &d.repair {
            v.source(&rp.source, "a repair entry")?;
            let c = self.class_of(v, model, &rp.class)?;
            if repair[c].is_some() {
                return Err(self.err(
                    sp(f, &rp.class),
                    format!("class `{}` has two repair entries", rp.class.get_ref()),
                    None,
                ));
            }
            let pool = pools
                .iter()
                .position(|p| &p.id == rp.crew.get_ref())
                .ok_or_else(|| {
                    self.err(
                        sp(f, &rp.crew),
                        format!("undefined crew pool `{}`", rp.crew.get_ref()),
                        did_you_mean(rp.crew.get_ref(), pools.iter().map(|p| p.id.as_str())),
                    )
                })?;
            repair[c] = Some(rc::Repair {
                duration: v.duration(&rp.duration, "repair duration")?,
                by_state: v.by_state(&rp.duration_by_state, "duration_by_state")?,
                priority: rp.priority,
                rank: 0,
                pool,
            });
        }
        let mut priorities: Vec<i64> = repair.iter().flatten().map(|r| r.priority).collect();
        priorities.sort_unstable();
        priorities.dedup();
        for r in repair.iter_mut().flatten() {
            r.rank = priorities.binary_search(&r.priority).unwrap_or(0) as u32;
        }
        Ok(repair)
    }

    fn grid(&self, v: &Values, d: &RecoveryDef, model: &Model) -> Result<Vec<Option<rc::Grid>>> {
        let f = v.f;
        let mut grid = vec![None; model.regions.len()];
        for g in &d.grid {
            v.source(&g.source, "a grid entry")?;
            let region = model
                .regions
                .iter()
                .position(|r| &r.id == g.region.get_ref())
                .ok_or_else(|| {
                    self.err(
                        sp(f, &g.region),
                        format!("undefined region `{}`", g.region.get_ref()),
                        did_you_mean(
                            g.region.get_ref(),
                            model.regions.iter().map(|r| r.id.as_str()),
                        ),
                    )
                })?;
            if grid[region].is_some() {
                return Err(self.err(
                    sp(f, &g.region),
                    format!("region `{}` has two grid entries", g.region.get_ref()),
                    None,
                ));
            }
            grid[region] = Some(rc::Grid {
                by_state: v.by_state(&g.restore_by_state, "restore_by_state")?,
                p_outage: v.prob(&g.p_outage, "p_outage")?,
                restore: v.duration(&g.restore, "restore")?,
            });
        }
        Ok(grid)
    }

    fn generators(
        &self,
        v: &Values,
        d: &RecoveryDef,
        model: &Model,
    ) -> Result<Vec<Option<rc::Generator>>> {
        let mut generators = vec![None; model.classes.len()];
        for g in &d.generators {
            v.source(&g.source, "a generator entry")?;
            let c = self.class_of(v, model, &g.class)?;
            if generators[c].is_some() {
                return Err(self.err(
                    sp(v.f, &g.class),
                    format!("class `{}` has two generator entries", g.class.get_ref()),
                    None,
                ));
            }
            generators[c] = Some(rc::Generator {
                fuel_hours: v.range(&g.fuel_hours, "fuel_hours", 0.0, 87_600.0)?,
                p_refuel: v.prob(&g.p_refuel, "p_refuel")?,
                refuel: v.duration(&g.refuel, "refuel")?,
            });
        }
        Ok(generators)
    }

    /// The recovery-time objective of every service: its own (by a glob pattern) or the
    /// default.
    fn rto(
        &self,
        v: &Values,
        d: &RecoveryDef,
        model: &Model,
        default_rto: f64,
    ) -> Result<Vec<f64>> {
        let mut rto = vec![default_rto; model.services.len()];
        for r in &d.rto {
            let pat = r.service.get_ref();
            let hours = v.range(&r.hours, "hours", 0.0, 87_600.0)?;
            let mut any = false;
            for (s, svc) in model.services.iter().enumerate() {
                if glob(pat, &svc.id) {
                    rto[s] = hours;
                    any = true;
                }
            }
            if !any {
                return Err(self.err(
                    sp(v.f, &r.service),
                    format!("`{pat}` matches no service"),
                    did_you_mean(pat, model.services.iter().map(|s| s.id.as_str())),
                ));
            }
        }
        Ok(rto)
    }
}

/// Per node: the ministry whose staff it is.
fn staff_of(model: &Model) -> Vec<Option<u32>> {
    let mut staff_of = vec![None; model.nodes.len()];
    for (mi, m) in model.ministries.iter().enumerate() {
        if let Some(i) = model
            .nodes
            .iter()
            .position(|x| x.id == format!("{}.staff", m.id))
        {
            staff_of[i] = Some(mi as u32);
        }
    }
    staff_of
}

/// Per node: its owner as a dense index, in order of first appearance.
fn owner_index(model: &Model) -> Vec<u32> {
    let mut owners: Vec<&str> = Vec::new();
    model
        .nodes
        .iter()
        .map(|x| match owners.iter().position(|o| *o == x.owner) {
            Some(k) => k as u32,
            None => {
                owners.push(&x.owner);
                owners.len() as u32 - 1
            }
        })
        .collect()
}

/// (node, entry) pairs of the path queries that read each node.
fn node_queries(model: &Model) -> Vec<(u32, u32)> {
    let mut nq = Vec::new();
    for (q, path) in model.paths.iter().enumerate() {
        // Each entry is the query index shifted left by 6, or'ed with the node's bit in
        // the query's mask (sets queries have at most 64 nodes).
        match &path.eval {
            PathEval::Sets { nodes, .. } => nq.extend(
                nodes
                    .iter()
                    .enumerate()
                    .map(|(bit, &v)| (v, (q as u32) << 6 | bit as u32)),
            ),
            PathEval::Search { .. } => {
                nq.extend(path.relevant.iter().map(|&v| (v as u32, (q as u32) << 6)))
            }
        }
    }
    nq
}

/// The services that read each node directly and each path query (CSR).
#[allow(clippy::type_complexity)]
fn service_inputs(model: &Model) -> ((Vec<u32>, Vec<u32>), (Vec<u32>, Vec<u32>)) {
    let mut ns = Vec::new();
    let mut qs = Vec::new();
    for (s, svc) in model.services.iter().enumerate() {
        for op in &svc.program {
            match *op {
                Op::Up(v) => ns.push((v, s as u32)),
                Op::Path(q) => qs.push((q, s as u32)),
                _ => {}
            }
        }
    }
    ns.sort_unstable();
    ns.dedup();
    qs.sort_unstable();
    qs.dedup();
    (
        rc::csr(model.nodes.len(), &ns),
        rc::csr(model.paths.len(), &qs),
    )
}

/// Site -> the nodes that may stand there (CSR).
fn site_nodes(model: &Model) -> (Vec<u32>, Vec<u32>) {
    let mut sn = Vec::new();
    for (i, x) in model.nodes.iter().enumerate() {
        match &x.placement {
            Placement::Nowhere => {}
            Placement::Fixed(s) => sn.push((*s as u32, i as u32)),
            Placement::ByUnknown { sites, .. } => {
                let mut v: Vec<usize> = sites.clone();
                v.sort_unstable();
                v.dedup();
                sn.extend(v.into_iter().map(|s| (s as u32, i as u32)));
            }
        }
    }
    rc::csr(model.sites.len(), &sn)
}

/// `*` matches any run of characters; everything else matches itself.
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            let Some(mut t) = text.strip_prefix(head) else {
                return false;
            };
            if rest.is_empty() {
                return true;
            }
            loop {
                if glob(rest, t) {
                    return true;
                }
                let mut chars = t.chars();
                if chars.next().is_none() {
                    return false;
                }
                t = chars.as_str();
            }
        }
    }
}
