//! Service evaluation: path queries from minimal path sets (bitmasks) or a search, and
//! service programs on a register bit-stack.

use crate::model::{Model, Op, PathEval};
use crate::sim::workspace::Workspace;

/// Breadth-first search over up nodes: does some source reach some target?
fn search(
    from: &[usize],
    to: &[usize],
    out: &[Vec<u32>],
    alive: &[bool],
    seen: &mut [bool],
    queue: &mut Vec<u32>,
) -> bool {
    seen.iter_mut().for_each(|s| *s = false);
    queue.clear();
    for &s in from {
        if alive[s] && !seen[s] {
            seen[s] = true;
            queue.push(s as u32);
        }
    }
    let mut head = 0;
    while head < queue.len() {
        let v = queue[head] as usize;
        head += 1;
        if to.contains(&v) {
            return true;
        }
        for &w in &out[v] {
            let w = w as usize;
            if alive[w] && !seen[w] {
                seen[w] = true;
                queue.push(w as u32);
            }
        }
    }
    false
}

/// Evaluates one path query from node states.
pub(crate) fn eval_query(
    q: &crate::model::PathQuery,
    alive: &[bool],
    seen: &mut [bool],
    queue: &mut Vec<u32>,
) -> bool {
    match &q.eval {
        PathEval::Sets { nodes, sets } => {
            let mut up = 0u64;
            for (k, &v) in nodes.iter().enumerate() {
                up |= u64::from(alive[v as usize]) << k;
            }
            sets.iter().any(|&m| m & !up == 0)
        }
        PathEval::Search { out } => search(&q.from, &q.to, out, alive, seen, queue),
    }
}

/// Runs a service's program over node states and path results.
pub(crate) fn eval_program(
    program: &[Op],
    alive: &[bool],
    path_up: &[bool],
    stack: &mut Vec<bool>,
) -> bool {
    // The stack as bits of a register (top = bit 0): services are evaluated tens of times
    // per trial. Programs deeper than 64 take the vector below.
    let (mut bits, mut depth) = (0u64, 0u32);
    for op in program {
        let v = match *op {
            Op::Const(b) => b,
            Op::Up(n) => alive[n as usize],
            Op::Path(q) => path_up[q as usize],
            Op::Not => {
                bits ^= 1;
                depth = depth.max(1);
                continue;
            }
            Op::And | Op::Or => {
                let b = bits & 1;
                bits >>= 1;
                let a = bits & 1;
                let r = if matches!(op, Op::And) { a & b } else { a | b };
                bits = (bits & !1) | r;
                depth = depth.saturating_sub(2) + 1;
                continue;
            }
        };
        if depth == 64 {
            return eval_program_deep(program, alive, path_up, stack);
        }
        bits = bits << 1 | u64::from(v);
        depth += 1;
    }
    bits & 1 == 1
}

fn eval_program_deep(
    program: &[Op],
    alive: &[bool],
    path_up: &[bool],
    stack: &mut Vec<bool>,
) -> bool {
    stack.clear();
    for op in program {
        match *op {
            Op::Const(b) => stack.push(b),
            Op::Up(n) => stack.push(alive[n as usize]),
            Op::Path(q) => stack.push(path_up[q as usize]),
            Op::Not => {
                let v = stack.pop().unwrap_or(false);
                stack.push(!v);
            }
            Op::And | Op::Or => {
                let b = stack.pop().unwrap_or(false);
                let a = stack.pop().unwrap_or(false);
                stack.push(if matches!(op, Op::And) {
                    a && b
                } else {
                    a || b
                });
            }
        }
    }
    stack.pop().unwrap_or(false)
}

/// Evaluates every service from the node states in `ws.alive`.
pub fn evaluate(model: &Model, ws: &mut Workspace) {
    for (qi, q) in model.paths.iter().enumerate() {
        ws.path_up[qi] = eval_query(q, &ws.alive, &mut ws.seen, &mut ws.queue);
    }
    for (si, s) in model.services.iter().enumerate() {
        ws.service_up[si] = eval_program(&s.program, &ws.alive, &ws.path_up, &mut ws.stack);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::rng::splitmix64;
    use crate::model::Op;

    /// A random well-formed postfix program of `leaves` operands over 8 nodes and 4 paths.
    fn random_program(seed: u64, leaves: usize, chain: bool) -> Vec<Op> {
        let mut p = Vec::new();
        let mut depth = 0;
        let mut k = 0u64;
        let mut next = || {
            k += 1;
            splitmix64(seed ^ k)
        };
        for l in 0..leaves {
            let r = next();
            p.push(match r % 3 {
                0 => Op::Const(r & 8 == 0),
                1 => Op::Up((r >> 8) as u32 % 8),
                _ => Op::Path((r >> 8) as u32 % 4),
            });
            depth += 1;
            if next() % 4 == 0 {
                p.push(Op::Not);
            }
            // `chain` keeps every operand on the stack until the end: depth = leaves.
            while depth > 1 && (l + 1 == leaves || (!chain && next() % 2 == 0)) {
                p.push(if next() % 2 == 0 { Op::And } else { Op::Or });
                depth -= 1;
            }
        }
        p
    }

    #[test]
    fn the_register_stack_agrees_with_the_vector_stack() {
        let mut stack = Vec::new();
        for seed in 0..2000u64 {
            let alive: Vec<bool> = (0..8).map(|i| splitmix64(seed * 31 + i) % 2 == 0).collect();
            let paths: Vec<bool> = (0..4).map(|i| splitmix64(seed * 17 + i) % 3 != 0).collect();
            // Deep chains (up to 100 operands on the stack) take the fallback.
            let (leaves, chain) = (1 + seed as usize % 100, seed % 5 == 0);
            let p = random_program(seed, leaves, chain);
            assert_eq!(
                eval_program(&p, &alive, &paths, &mut stack),
                eval_program_deep(&p, &alive, &paths, &mut stack),
                "seed {seed}: {p:?}"
            );
        }
    }
}
