//! The parameters an `[[uncertain]]` entry may name: their paths, range checks, and setting
//! one in the scenario content.

use crate::scenario::{DurationDef, Merged, RecoveryDef, Spanned};

/// An error about a parameter path: the message and an optional hint.
pub(super) type PathError = (String, Option<String>);

/// Range checks that the model would make, reported at the bound that breaks them.
pub(super) fn check_value(path: &str, v: f64) -> std::result::Result<(), String> {
    let last = path.rsplit('.').next().unwrap_or(path);
    let is_p = last.ends_with("_p")
        || last.starts_with("p_")
        || last == "contact_p"
        || last.starts_with("p_fail");
    if is_p && !(0.0..=1.0).contains(&v) {
        return Err(format!(
            "`{path}` is a probability, so its bounds must be in [0, 1]; found {v}"
        ));
    }
    if last.starts_with("count") && (v < 1.0 || v.fract() != 0.0) {
        return Err(format!(
            "`{path}` is a number of crews, so its bounds must be whole numbers >= 1; found {v}"
        ));
    }
    if (last.ends_with("_hours") || last.ends_with("_scale")) && v < 0.0 {
        return Err(format!("`{path}` must not be negative; found {v}"));
    }
    if last.ends_with("_scale") && v <= 0.0 {
        return Err(format!(
            "`{path}` is a multiplier and must be > 0; found {v}"
        ));
    }
    Ok(())
}

/// One segment of a parameter path: a name with an optional `[id]` selector.
fn segments(path: &str) -> Option<Vec<(&str, Option<&str>)>> {
    let mut out = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        let name = &rest[..end];
        rest = &rest[end..];
        let mut sel = None;
        if let Some(r) = rest.strip_prefix('[') {
            let close = r.find(']')?;
            sel = Some(&r[..close]);
            rest = &r[close + 1..];
        }
        out.push((name, sel));
        if let Some(r) = rest.strip_prefix('.') {
            rest = r;
        } else if rest.starts_with('[') {
            continue;
        } else if !rest.is_empty() {
            return None;
        }
    }
    Some(out)
}

/// The parameter paths `[[uncertain]]` accepts (`*` selects every entry).
pub const PARAMETERS: &[&str] = &[
    "hazard.zones[REGION].p_event",
    "hazard.zones[REGION].p_fail[CLASS]",
    "hazard.ground_motion.p_event",
    "hazard.ground_motion.mw",
    "ministries[ID].remote_access_p",
    "ministries[ID].interconnection_at_backup_p",
    "ministries[ID].kansai_branch_p",
    "nodes[ID].exists_p",
    "recovery.contact_p",
    "recovery.router_restart_hours",
    "recovery.relocation.median_hours",
    "recovery.repair[CLASS].duration_scale",
    "recovery.crews[POOL].count",
    "recovery.crews[POOL].travel.median_hours",
    "recovery.grid[REGION].p_outage",
    "recovery.grid[REGION].restore_scale",
    "recovery.generators[CLASS].fuel_hours",
    "recovery.generators[CLASS].p_refuel",
];

fn sel_matches(sel: Option<&str>, id: &str) -> bool {
    matches!(sel, Some("*")) || sel == Some(id)
}

fn unknown(path: &str) -> PathError {
    (
        format!("[[uncertain]]: unknown parameter `{path}`"),
        Some(format!("parameters are: {}", PARAMETERS.join(", "))),
    )
}

/// Records the old value of `x` in `old` and sets it to `v`.
fn put(old: &mut Vec<f64>, v: f64, x: &mut f64) {
    old.push(*x);
    *x = v;
}

/// Sets an optional probability, recording 1 (the default) as its old value when absent.
fn put_p(old: &mut Vec<f64>, v: f64, slot: &mut Option<Spanned<f64>>) {
    match slot.as_mut() {
        Some(p) => put(old, v, p.get_mut()),
        None => {
            old.push(1.0);
            *slot = Some(Spanned::new(0..0, v));
        }
    }
}

fn scale(d: &mut DurationDef, f: f64) {
    d.median_hours *= f;
}

/// Scales a duration and its per-damage-state durations, when it has them.
fn scale_with_states(
    d: &mut DurationDef,
    by_state: Option<&mut Spanned<Vec<DurationDef>>>,
    f: f64,
) {
    scale(d, f);
    for d in by_state.into_iter().flat_map(|b| b.get_mut().iter_mut()) {
        scale(d, f);
    }
}

/// Sets a parameter in the scenario content; returns the value it had (the first match's).
pub(super) fn set_parameter(c: &mut Merged, path: &str, v: f64) -> Result<f64, PathError> {
    let segs = segments(path).ok_or_else(|| unknown(path))?;
    let names: Vec<&str> = segs.iter().map(|s| s.0).collect();
    let sel = |k: usize| segs.get(k).and_then(|s| s.1);
    let mut old = Vec::new();
    match names.as_slice() {
        ["hazard", rest @ ..] => {
            if !set_hazard(c, rest, &sel, v, &mut old) {
                return Err(unknown(path));
            }
        }
        ["ministries", field] => {
            for m in c.ministries.iter_mut() {
                if !sel_matches(sel(0), m.item.id.get_ref()) {
                    continue;
                }
                let slot = match *field {
                    "remote_access_p" => &mut m.item.remote_access_p,
                    "interconnection_at_backup_p" => &mut m.item.interconnection_at_backup_p,
                    "kansai_branch_p" => &mut m.item.kansai_branch_p,
                    _ => return Err(unknown(path)),
                };
                put_p(&mut old, v, slot);
            }
        }
        ["nodes", "exists_p"] => {
            for n in c.nodes.iter_mut() {
                if sel_matches(sel(0), n.item.id.get_ref()) {
                    put_p(&mut old, v, &mut n.item.exists_p);
                }
            }
        }
        ["recovery", rest @ ..] => {
            let Some(r) = c.recovery.as_mut() else {
                return Err((
                    format!("[[uncertain]] `{path}`: the scenario has no [recovery] table"),
                    None,
                ));
            };
            if !set_recovery(&mut r.item, rest, &sel, v, &mut old) {
                return Err(unknown(path));
            }
        }
        _ => return Err(unknown(path)),
    }
    old.first().copied().ok_or_else(|| {
        (
            format!("[[uncertain]] `{path}` selects nothing in this scenario"),
            Some("check the id in brackets (or use [*] for every entry)".into()),
        )
    })
}

/// `hazard.…` parameters; false when `rest` names none.
fn set_hazard<'a>(
    c: &mut Merged,
    rest: &[&str],
    sel: &dyn Fn(usize) -> Option<&'a str>,
    v: f64,
    old: &mut Vec<f64>,
) -> bool {
    match rest {
        ["zones", "p_event"] => {
            for z in c.zones.iter_mut() {
                if sel_matches(sel(1), z.item.region.get_ref()) {
                    put_p(old, v, &mut z.item.p_event);
                }
            }
        }
        ["zones", "p_fail"] => {
            for z in c.zones.iter_mut() {
                if sel_matches(sel(1), z.item.region.get_ref()) {
                    for (class, p) in z.item.p_fail.get_mut().iter_mut() {
                        if sel_matches(sel(2), class) {
                            put(old, v, p.get_mut());
                        }
                    }
                }
            }
        }
        ["ground_motion", "p_event"] => {
            if let Some(g) = c.ground_motion.as_mut() {
                put_p(old, v, &mut g.item.p_event);
            }
        }
        ["ground_motion", "mw"] => {
            if let Some(g) = c.ground_motion.as_mut() {
                put(old, v, g.item.mw.get_mut());
            }
        }
        _ => return false,
    }
    true
}

/// `recovery.…` parameters; false when `rest` names none.
fn set_recovery<'a>(
    r: &mut RecoveryDef,
    rest: &[&str],
    sel: &dyn Fn(usize) -> Option<&'a str>,
    v: f64,
    old: &mut Vec<f64>,
) -> bool {
    match rest {
        ["contact_p"] => put(old, v, r.contact_p.get_mut()),
        ["router_restart_hours"] => match r.router_restart_hours.as_mut() {
            Some(p) => put(old, v, p.get_mut()),
            None => {
                old.push(0.1667);
                r.router_restart_hours = Some(Spanned::new(0..0, v));
            }
        },
        ["relocation", "median_hours"] => put(old, v, &mut r.relocation.get_mut().median_hours),
        ["repair", "duration_scale"] => {
            for x in r.repair.iter_mut() {
                if sel_matches(sel(1), x.class.get_ref()) {
                    old.push(1.0);
                    scale_with_states(x.duration.get_mut(), x.duration_by_state.as_mut(), v);
                }
            }
        }
        ["crews", "count"] => {
            for x in r.crews.iter_mut() {
                if sel_matches(sel(1), x.id.get_ref()) {
                    old.push(*x.count.get_ref() as f64);
                    *x.count.get_mut() = v as i64;
                }
            }
        }
        ["crews", "travel", "median_hours"] => {
            for x in r.crews.iter_mut() {
                if sel_matches(sel(1), x.id.get_ref()) {
                    put(old, v, &mut x.travel.get_mut().median_hours);
                }
            }
        }
        ["grid", "p_outage"] => {
            for x in r.grid.iter_mut() {
                if sel_matches(sel(1), x.region.get_ref()) {
                    put(old, v, x.p_outage.get_mut());
                }
            }
        }
        ["grid", "restore_scale"] => {
            for x in r.grid.iter_mut() {
                if sel_matches(sel(1), x.region.get_ref()) {
                    old.push(1.0);
                    scale_with_states(x.restore.get_mut(), x.restore_by_state.as_mut(), v);
                }
            }
        }
        ["generators", "fuel_hours"] => {
            for x in r.generators.iter_mut() {
                if sel_matches(sel(1), x.class.get_ref()) {
                    put(old, v, x.fuel_hours.get_mut());
                }
            }
        }
        ["generators", "p_refuel"] => {
            for x in r.generators.iter_mut() {
                if sel_matches(sel(1), x.class.get_ref()) {
                    put(old, v, x.p_refuel.get_mut());
                }
            }
        }
        _ => return false,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_paths_parse() {
        assert_eq!(
            segments("hazard.zones[capital].p_fail[data_center]").unwrap(),
            vec![
                ("hazard", None),
                ("zones", Some("capital")),
                ("p_fail", Some("data_center"))
            ]
        );
        assert_eq!(
            segments("recovery.crews[*].count").unwrap(),
            vec![("recovery", None), ("crews", Some("*")), ("count", None)]
        );
        assert!(segments("a[b").is_none());
    }
}
