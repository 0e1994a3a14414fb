//! The LGWAN mail engine: after the recovery of a trial, reads the up/down timelines the
//! recovery engine logged ([`crate::sim::recovery::RecoveryWorkspace::node_log`]), adds the
//! planned outages of 001, generates the trial's messages per flow, and works out each
//! message's fate under every mail configuration: the Postfix retry schedule against the
//! timelines, exactly (no event per message: attempts jump to the next time a component the
//! attempt depends on changes state). See `docs/lgwan-mail.md`.
//!
//! It is the mail stage of [`crate::sim::trial::run`]; the engine is a set of methods on the
//! compiled [`Lgwan`] ([`Lgwan::simulate`] for a trial, [`Lgwan::lgwan_mail`] for one
//! message), whose outcomes in [`MailWorkspace`] are counted by [`crate::tally::mail`].

use rand::RngCore;

use crate::base::rng::{stream, uniform};
use crate::model::lgwan::*;
use crate::model::recovery::Recovery;
use crate::scenario::lgwan::{FlowKind, PoiName};
use crate::sim::recovery::{quake_calendar, RecoveryWorkspace};

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
    pub(crate) final_up: Vec<bool>,
    pub(crate) flips: Vec<u32>,
    pub(crate) touched: Vec<u32>,
    pub(crate) down: Vec<Vec<(f64, f64)>>,
    /// Per row: messages, delivered within 1 h, 24 h, 5 days, bounced.
    pub counts: Vec<[u32; 5]>,
    /// (row, delay in hours or infinity for a bounce) of every message and row.
    pub outcomes: Vec<(u32, f64)>,
    /// Send time (hours after the quake), sender and recipient of each entry of `outcomes`.
    pub sent: Vec<(f64, Endpoint, Endpoint)>,
    pub(crate) pairs: Vec<(u32, u32)>,
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
            pairs: lg
                .pairs()
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
            let cal = quake_calendar(rec, ts);
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
                        crate::scenario::lgwan::Attach::Noc => {
                            p.up(self.noc)
                                && p.up(self.poi[x].noc_line)
                                && p.up(self.poi[x].facility)
                        }
                        crate::scenario::lgwan::Attach::East => {
                            if x == 0 {
                                p.up(self.poi[0].facility)
                            } else {
                                self.core_ew(p)
                            }
                        }
                        crate::scenario::lgwan::Attach::West => {
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
}
