//! Path queries: the minimal path sets of a reachability query, or a search over the
//! nodes that can matter when there are too many.

use crate::model::*;

/// Compiles a reachability query.
///
/// The nodes that can matter are those reachable forward from a source and backward from a
/// target. Within them, the minimal path sets are the chordless paths from a source to the
/// first target they meet: a path with a forward chord, or through another source or
/// target, has a strict subset that is also a path. The query holds in a trial exactly when
/// all nodes of some minimal path set are up. When there are too many sets (or more than 64
/// nodes on them), the trial searches the relevant nodes instead.
pub(super) fn path_query(model: &Model, from: Vec<usize>, to: Vec<usize>) -> PathQuery {
    let n = model.nodes.len();
    let mut out_adj = vec![Vec::new(); n];
    let mut in_adj = vec![Vec::new(); n];
    for l in &model.links {
        out_adj[l.a].push(l.b);
        in_adj[l.b].push(l.a);
        if !l.oneway {
            out_adj[l.b].push(l.a);
            in_adj[l.a].push(l.b);
        }
    }
    let reach = |start: &[usize], adj: &[Vec<usize>]| {
        let mut seen = vec![false; n];
        let mut stack: Vec<usize> = start.to_vec();
        for &s in start {
            seen[s] = true;
        }
        while let Some(v) = stack.pop() {
            for &w in &adj[v] {
                if !seen[w] {
                    seen[w] = true;
                    stack.push(w);
                }
            }
        }
        seen
    };
    let f = reach(&from, &out_adj);
    let b = reach(&to, &in_adj);
    let within: Vec<bool> = (0..n).map(|i| f[i] && b[i]).collect();
    let mut is_source = vec![false; n];
    from.iter().for_each(|&s| is_source[s] = true);
    let mut is_target = vec![false; n];
    to.iter().for_each(|&t| is_target[t] = true);

    let mut sets: Vec<Vec<usize>> = Vec::new();
    let mut overflow = false;
    let mut chord = vec![0u32; n];
    let mut on_path = vec![false; n];
    let mut path: Vec<usize> = Vec::new();
    for &s in &from {
        if !within[s] || overflow {
            continue;
        }
        if is_target[s] {
            sets.push(vec![s]);
            continue;
        }
        path.push(s);
        on_path[s] = true;
        dfs_paths(
            &out_adj,
            &within,
            &is_source,
            &is_target,
            &mut chord,
            &mut on_path,
            &mut path,
            &mut sets,
            &mut overflow,
        );
        on_path[s] = false;
        path.pop();
    }
    let mut nodes_on_sets: Vec<usize> = sets.iter().flatten().copied().collect();
    nodes_on_sets.sort_unstable();
    nodes_on_sets.dedup();
    if overflow || nodes_on_sets.len() > 64 {
        let relevant: Vec<usize> = (0..n).filter(|&i| within[i]).collect();
        let out = (0..n)
            .map(|v| {
                if within[v] {
                    out_adj[v]
                        .iter()
                        .filter(|&&w| within[w])
                        .map(|&w| w as u32)
                        .collect()
                } else {
                    Vec::new()
                }
            })
            .collect();
        return PathQuery {
            from,
            to,
            relevant,
            path_sets: None,
            eval: PathEval::Search { out },
        };
    }
    let bit = |v: usize| 1u64 << nodes_on_sets.binary_search(&v).expect("node on a set");
    let mut masks: Vec<u64> = sets
        .iter()
        .map(|p| p.iter().map(|&v| bit(v)).fold(0, |a, b| a | b))
        .collect();
    // Keep only minimal sets (chordless paths from different sources can still nest).
    masks.sort_unstable_by_key(|m| (m.count_ones(), *m));
    masks.dedup();
    let mut minimal: Vec<u64> = Vec::new();
    for m in masks {
        if !minimal.iter().any(|&k| k & !m == 0) {
            minimal.push(m);
        }
    }
    PathQuery {
        from,
        to,
        path_sets: Some(minimal.len()),
        relevant: nodes_on_sets.clone(),
        eval: PathEval::Sets {
            nodes: nodes_on_sets.iter().map(|&v| v as u32).collect(),
            sets: minimal,
        },
    }
}

#[allow(clippy::too_many_arguments)]
fn dfs_paths(
    out: &[Vec<usize>],
    within: &[bool],
    is_source: &[bool],
    is_target: &[bool],
    chord: &mut [u32],
    on_path: &mut [bool],
    path: &mut Vec<usize>,
    sets: &mut Vec<Vec<usize>>,
    overflow: &mut bool,
) {
    if *overflow {
        return;
    }
    let last = *path.last().expect("non-empty");
    for &v in &out[last] {
        if !within[v] || on_path[v] || is_source[v] || chord[v] > 0 {
            continue;
        }
        if is_target[v] {
            path.push(v);
            sets.push(path.clone());
            path.pop();
            if sets.len() > MAX_PATH_SETS {
                *overflow = true;
                return;
            }
            continue;
        }
        // `last` stops being the end of the path: its other successors become chords.
        for &w in &out[last] {
            chord[w] += 1;
        }
        path.push(v);
        on_path[v] = true;
        dfs_paths(
            out, within, is_source, is_target, chord, on_path, path, sets, overflow,
        );
        on_path[v] = false;
        path.pop();
        for &w in &out[last] {
            chord[w] -= 1;
        }
        if *overflow {
            return;
        }
    }
}
