//! Repairs: a failed component's fault is detected by remote monitoring and its owner's
//! contact is called; outside business hours an unreachable contact makes the work wait until
//! the next business day at 8:30 (001). Released jobs wait for a crew of their class's pool,
//! taken in priority order; crews reach the damaged region after a travel delay; a repair
//! takes a drawn duration. Repairs do not depend on service states, so every pool's schedule
//! is worked out before the event loop, as a time-ordered list of completions.

use std::cmp::Reverse;

use crate::base::rng::uniform;
use crate::model::calendar::Calendar;
use crate::sim::workspace::Cause;

use super::state::{say, Ctx, RecoveryWorkspace, Subject, Trace, K_DETECT, K_REPAIR};

/// Clears the pools' counts and jobs and draws when their crews arrive.
#[inline]
pub(super) fn pools_at_start(cx: Ctx, r: &mut RecoveryWorkspace) {
    for (p, pool) in cx.rec.pools.iter().enumerate() {
        r.pool_jobs[p] = 0;
        r.pool_wait[p] = 0.0;
        r.pool_wait_24h[p] = 0;
        let key = cx.rec.pool_keys[p];
        r.pool_at[p] = pool.travel.sample(uniform(cx.ts, key, 0));
        r.jobs[p].clear();
    }
}

/// Node `i` failed at t = 0: when its repair is released to its pool (detection, then the
/// owner's contact outside business hours), or that it has no repair at all.
#[inline]
pub(super) fn release(
    cx: Ctx,
    cal: &Calendar,
    r: &mut RecoveryWorkspace,
    trace: &mut Trace,
    i: usize,
) {
    let (rec, ts) = (cx.rec, cx.ts);
    let node = &cx.model.nodes[i];
    say!(
        trace,
        0.0,
        Subject::Node(i as u32),
        "{} fails ({})",
        cx.name(i),
        match cx.ws.cause[i] {
            Cause::Zone => "zone hazard",
            _ => "shaking beyond its fragility",
        }
    );
    let Some(rp) = node.class.and_then(|c| rec.repair[c]) else {
        say!(
            trace,
            0.0,
            Subject::Node(i as u32),
            "{} has no repair process in this scenario: it stays down",
            cx.name(i)
        );
        return;
    };
    let detect = rec.detection.sample(uniform(ts, node.key, K_DETECT));
    let reachable = cal.in_business_hours(detect) || {
        // One call per owner and trial: every failed component of the owner shares its answer.
        let o = rec.owner_index[i] as usize;
        if r.contact[o] == 0 {
            let ok = uniform(ts, rec.owner_key[i], 0) < rec.contact_p;
            r.contact[o] = if ok { 1 } else { 2 };
            r.contact_set.push(o as u32);
        }
        r.contact[o] == 1
    };
    let release = if reachable {
        detect
    } else {
        cal.next_business_time(detect)
    };
    if !reachable {
        say!(
            trace,
            detect,
            Subject::Node(i as u32),
            "fault of {} detected; {}'s emergency contact not reached: work waits for the next business day ({release:.1} h)",
            cx.name(i),
            node.owner
        );
    }
    if release <= rec.horizon {
        r.jobs[rp.pool].push((release, rp.rank, i as u32));
    }
}

/// Works out every pool's repairs into `r.completions`, in (time, node) order.
#[inline]
pub(super) fn schedule(cx: Ctx, r: &mut RecoveryWorkspace, trace: &mut Trace) {
    r.completions.clear();
    for p in 0..cx.rec.pools.len() {
        schedule_pool(cx, r, p, trace);
    }
    r.completions.sort_unstable_by_key(|c| (c.0.to_bits(), c.1));
}

/// Works out the repairs of one crew pool: non-preemptive list scheduling. Crews arrive
/// after their travel delay and take, whenever one is free, the waiting job of highest
/// priority (then earliest released, then node order). Completions go to `r.completions`.
fn schedule_pool(cx: Ctx, r: &mut RecoveryWorkspace, p: usize, trace: &mut Trace) {
    let (rec, ws) = (cx.rec, cx.ws);
    let pool = &rec.pools[p];
    let arrive = r.pool_at[p];
    if arrive > rec.horizon {
        return;
    }
    say!(
        trace,
        arrive,
        Subject::Pool(p as u32),
        "{} crews of pool {} reach the damaged region",
        pool.count,
        pool.id
    );
    let jobs = &mut r.jobs[p];
    // Release times are non-negative, so their bit patterns order like the times.
    jobs.sort_unstable_by_key(|j| (j.0.to_bits(), j.1, j.2));
    let waiting = &mut r.waiting;
    for w in waiting.iter_mut() {
        w.clear();
    }
    let crews = &mut r.crew_free;
    crews.clear();
    // Crew free times as bit patterns: non-negative floats order like their bits.
    crews.extend((0..pool.count.min(jobs.len() as u32)).map(|_| Reverse(arrive.to_bits())));
    let mut next = 0;
    while let Some(&Reverse(free_bits)) = crews.peek() {
        let free = f64::from_bits(free_bits);
        if free > rec.horizon {
            break;
        }
        while next < jobs.len() && jobs[next].0 <= free {
            let (release, rank, i) = jobs[next];
            waiting[rank as usize].push_back((release, i));
            next += 1;
        }
        let Some((released, i)) = waiting.iter_mut().find_map(|w| w.pop_front()) else {
            if next == jobs.len() {
                break;
            }
            // Nothing waiting: the crew idles until the next release.
            crews.pop();
            crews.push(Reverse(jobs[next].0.to_bits()));
            continue;
        };
        crews.pop();
        let node = &cx.model.nodes[i as usize];
        let rp = node
            .class
            .and_then(|c| rec.repair[c])
            .expect("job has a repair");
        let dist = match (rp.by_state, ws.damage_state[i as usize]) {
            (Some(b), k) if k > 0 => b[k as usize - 1],
            _ => rp.duration,
        };
        let took = dist.sample(uniform(cx.ts, node.key, K_REPAIR));
        r.pool_jobs[p] += 1;
        r.pool_wait[p] += free - released;
        r.pool_wait_24h[p] += u32::from(free - released > 24.0);
        if free > released {
            say!(
                trace,
                free,
                Subject::Node(i),
                "repair of {} starts after waiting {:.1} h for a crew of pool {} (ends at {:.1} h)",
                node.id,
                free - released,
                pool.id,
                free + took
            );
        } else {
            say!(
                trace,
                free,
                Subject::Node(i),
                "repair of {} starts (ends at {:.1} h)",
                node.id,
                free + took
            );
        }
        crews.push(Reverse((free + took).to_bits()));
        if free + took <= rec.horizon {
            r.completions.push((free + took, i));
        }
    }
}
