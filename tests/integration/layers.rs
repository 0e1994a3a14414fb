//! The layering and size rules of `src/`, checked on the source text.
//!
//! `src/` is layered (docs/architecture.md): a file may name only modules of its own layer or a
//! lower one, so the folder list reads as the data flow and a change low down never has to know
//! about the code above it. `RANKS` is that order; a new top-level module must be given a rank
//! before it may import or be imported. The file-level import graph must also be acyclic, inside
//! a layer too. Test code (`#[cfg(test)] mod …` blocks, `tests.rs` files) is left out of the
//! cycle check, since tests may import freely within their layer, but not out of the upward one.
//! The crate root (`lib.rs`, `main.rs`) may import anything; nothing may import through it.
//!
//! The size rules keep files reviewable: at most `MAX_FILE_LINES` lines per file and
//! `MAX_FN_LINES` per function. A longer function is allowed when one of the three lines right
//! above its `fn` (doc comment or attributes) is a comment giving the reason with the words
//! `long because`, e.g. `// long because one match arm per TOML key reads best in one place`.
//!
//! This is a text scan, not a parser: comments, strings and char literals are blanked first,
//! then `use` trees and `crate::`, `super::`, `self::` and child-module paths are collected and
//! resolved to the file defining the longest matching module prefix. It works on `(relative
//! path, text)` pairs, so the unit tests at the end feed it synthetic trees.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt::Write as _;

/// The layer order (docs/architecture.md): a module may import only modules of rank <= its own.
#[rustfmt::skip]
const RANKS: &[(&str, u32)] = &[
    ("base", 0), ("diag", 1), ("geo", 2), ("expr", 3), ("groundmotion", 4), ("scenario", 5),
    ("model", 6), ("sim", 7), ("tally", 8), ("drive", 9), ("study", 10), ("output", 11),
    ("app", 12),
];
const MAX_FILE_LINES: usize = 1000;
const MAX_FN_LINES: usize = 150;

fn rank(module: &str) -> Option<u32> {
    RANKS.iter().find(|(m, _)| *m == module).map(|&(_, r)| r)
}

/// Every `.rs` file under `<repo root>/src` as `("src/…", text)`, sorted by path.
fn read_tree() -> Vec<(String, String)> {
    fn walk(dir: &std::path::Path, rel: &str, out: &mut Vec<(String, String)>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for path in entries.map(|e| e.unwrap().path()) {
            let rel = format!("{rel}/{}", path.file_name().unwrap().to_string_lossy());
            if path.is_dir() {
                walk(&path, &rel, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push((rel, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    let (src, mut out) = (crate::common::root().join("src"), Vec::new());
    walk(&src, "src", &mut out);
    out.sort();
    assert!(!out.is_empty(), "no .rs files under {}", src.display());
    out
}

// ---- lexing --------------------------------------------------------------------------------

/// `src` with comments, string and char literals replaced by spaces (newlines kept), so nothing
/// in them is read as code and line numbers stay right.
fn blank(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let (mut out, mut i) = (c.clone(), 0);
    while i < c.len() {
        match literal_end(&c, i, i > 0 && is_ident_char(c[i - 1])) {
            Some(end) => {
                for ch in out[i..end].iter_mut().filter(|ch| **ch != '\n') {
                    *ch = ' ';
                }
                i = end;
            }
            None => i += 1,
        }
    }
    out.into_iter().collect()
}

/// End (exclusive) of the comment or literal starting at `i`, if one starts there. A `'` not
/// closed two characters later (or after an escape) opens a lifetime or a label.
fn literal_end(c: &[char], i: usize, ident_before: bool) -> Option<usize> {
    let at = |k: usize| c.get(k).copied().unwrap_or('\0');
    let find = |from: usize, ch: char| (from..c.len()).find(|&k| c[k] == ch);
    match (at(i), at(i + 1)) {
        ('/', '/') => Some(find(i, '\n').unwrap_or(c.len())),
        ('/', '*') => {
            let (mut depth, mut k) = (0, i);
            while k < c.len() {
                match (at(k), at(k + 1)) {
                    ('/', '*') => (depth, k) = (depth + 1, k + 2),
                    ('*', '/') if depth == 1 => return Some(k + 2),
                    ('*', '/') => (depth, k) = (depth - 1, k + 2),
                    _ => k += 1,
                }
            }
            Some(c.len())
        }
        ('"', _) => Some(quoted_end(c, i + 1)),
        ('\'', '\\') => Some(find(i + 3, '\'').map_or(c.len(), |k| k + 1)),
        ('\'', _) if at(i + 2) == '\'' => Some(i + 3),
        ('b', '\'') if !ident_before => literal_end(c, i + 1, false),
        ('b' | 'c', '"') if !ident_before => Some(quoted_end(c, i + 2)),
        ('b' | 'c' | 'r', _) if !ident_before => {
            let r = if at(i) == 'r' { i } else { i + 1 };
            let hashes = (r + 1..c.len()).take_while(|&k| c[k] == '#').count();
            if at(r) != 'r' || at(r + 1 + hashes) != '"' {
                return None;
            }
            let close = (r + 2 + hashes..c.len())
                .find(|&k| c[k] == '"' && (1..=hashes).all(|h| at(k + h) == '#'));
            Some(close.map_or(c.len(), |k| k + 1 + hashes))
        }
        _ => None,
    }
}

fn quoted_end(c: &[char], mut k: usize) -> usize {
    while k < c.len() && c[k] != '"' {
        k += if c[k] == '\\' { 2 } else { 1 };
    }
    (k + 1).min(c.len())
}

fn is_ident_char(ch: char) -> bool {
    ch.is_alphanumeric() || ch == '_'
}

fn is_ident(s: &str) -> bool {
    s.starts_with(|ch: char| ch.is_alphabetic() || ch == '_')
}

/// The tokens of blanked code: identifiers (and numbers), `::`, or single other characters.
fn tokens(src: &str) -> Vec<(String, usize)> {
    let c: Vec<char> = blank(src).chars().collect();
    let (mut out, mut line, mut i) = (Vec::new(), 1, 0);
    while i < c.len() {
        let start = i;
        if is_ident_char(c[i]) {
            i += c[i..].iter().take_while(|ch| is_ident_char(**ch)).count();
        } else {
            i += 1 + usize::from(c[i..].starts_with(&[':', ':']));
        }
        if !c[start].is_whitespace() {
            out.push((c[start..i].iter().collect(), line));
        }
        line += usize::from(c[start] == '\n');
    }
    out
}

/// Tokens with their line numbers.
type Toks = [(String, usize)];
/// Paths found, with the line of their last segment.
type Found = Vec<(Vec<String>, usize)>;

/// Token `k` of `toks` as text, `""` past either end.
fn tok(toks: &Toks, k: usize) -> &str {
    toks.get(k).map_or("", |t| t.0.as_str())
}

// ---- imports -------------------------------------------------------------------------------

/// Module path -> index of the file defining it (`src/a/b.rs` or `src/a/b/mod.rs`).
type Modules = HashMap<Vec<String>, usize>;

/// The imports of file `from`: the leaves of its `use` trees and the `a::b` paths in its code,
/// resolved to files, with inline `mod x { … }` blocks tracked as scopes.
fn file_edges(files: &[(&str, &str)], from: usize, modules: &Modules) -> Vec<Edge> {
    let toks = tokens(files[from].1);
    let t = |k: usize| tok(&toks, k);
    let mut scope = module_of(files[from].0); // and the inline modules we are in,
    let mut inline: Vec<(usize, bool)> = Vec::new(); // at which brace depth, whether cfg(test)
    let test_file = files[from].0.ends_with("/tests.rs");
    let (mut out, mut depth, mut i) = (Vec::new(), 0, 0);
    while i < toks.len() {
        let back = |k: usize| i.checked_sub(k).map_or("", t);
        let (mut next, mut found) = (i + 1, Vec::new());
        match t(i) {
            "{" => depth += 1,
            "}" => {
                depth = usize::saturating_sub(depth, 1);
                if inline.last().is_some_and(|m| m.0 == depth) {
                    inline.pop();
                    scope.pop();
                }
            }
            "mod" if is_ident(t(i + 1)) && t(i + 2) == "{" => {
                inline.push((depth, is_cfg_test(&toks, i)));
                scope.push(t(i + 1).to_string());
                next = i + 2;
            }
            "use" => next = use_tree(&toks, i + 1, Vec::new(), &mut found).max(i + 1),
            s if is_ident(s) && t(i + 1) == "::" && !matches!(back(1), "::" | ".") => {
                let mut segs = vec![s.to_string()];
                while t(next) == "::" && is_ident(t(next + 1)) {
                    segs.push(t(next + 1).to_string());
                    next += 2;
                }
                if !(back(1) == "in" && back(2) == "(") {
                    found.push((segs, toks[next - 1].1)); // not `pub(in crate::a)`
                }
            }
            _ => {}
        }
        let test = test_file || inline.iter().any(|m| m.1);
        for (segs, line) in found {
            let path = segs.join("::");
            if let Some(to) = resolve(&scope, &segs, modules).filter(|&to| to != from) {
                out.push(Edge {
                    from,
                    to,
                    line,
                    path,
                    test,
                });
            }
        }
        i = next;
    }
    out
}

/// Expands the use tree at token `i` under `path` into `out`; returns the index after it.
fn use_tree(toks: &Toks, mut i: usize, mut path: Vec<String>, out: &mut Found) -> usize {
    let t = |k: usize| tok(toks, k);
    let mut line = toks.get(i).map_or(0, |x| x.1);
    while t(i) == "::" || (is_ident(t(i)) && t(i) != "as") {
        if t(i) != "::" {
            (line, i) = (toks[i].1, i + 1);
            path.push(toks[i - 1].0.clone());
            if t(i) != "::" {
                break;
            }
        } else if t(i + 1) == "{" {
            i += 2;
            while !matches!(t(i), "}" | "" | ";") {
                i = match t(i) {
                    "," => i + 1,
                    _ => use_tree(toks, i, path.clone(), out).max(i + 1),
                };
            }
            return i + 1;
        } else {
            i += 1;
        }
    }
    if path.len() > 1 && path.last().is_some_and(|s| s == "self") {
        path.pop(); // `a::{self, …}` names `a`
    }
    out.push((path, line));
    match t(i) {
        "*" => i + 1,
        "as" => i + 2, // `as name`
        _ => i,
    }
}

/// Whether the attributes before the `mod` at `i` (back to the previous item) hold `cfg(test)`.
fn is_cfg_test(toks: &Toks, i: usize) -> bool {
    let back = toks[..i].iter().rev().map(|t| t.0.as_str());
    let attrs: Vec<&str> = back
        .take_while(|t| !matches!(*t, ";" | "{" | "}"))
        .collect();
    attrs.windows(4).any(|w| w == [")", "test", "(", "cfg"])
}

/// The top-level module of file `rel`, `None` for the crate root.
fn top_module(rel: &str) -> Option<&str> {
    let first = rel.strip_prefix("src/")?.split('/').next()?;
    let root = matches!(rel, "src/lib.rs" | "src/main.rs");
    (!root).then(|| first.strip_suffix(".rs").unwrap_or(first))
}

/// The module of file `rel`: `src/a/b.rs` and `src/a/b/mod.rs` are `a::b`; `src/lib.rs` and
/// `src/main.rs` are the crate root (empty).
fn module_of(rel: &str) -> Vec<String> {
    let stem = rel.strip_prefix("src/").unwrap_or(rel);
    let stem = stem.strip_suffix(".rs").unwrap_or(stem);
    let mut segs: Vec<String> = stem.split('/').map(String::from).collect();
    if segs.last().is_some_and(|s| s == "mod") || matches!(stem, "lib" | "main") {
        segs.pop();
    }
    segs
}

/// The file defining the longest module prefix of what `segs`, written in module `scope`,
/// names, if it names the crate. A bare first segment counts when it is a child module of the
/// scope (`mod b;` then `b::X`).
fn resolve(scope: &[String], segs: &[String], modules: &Modules) -> Option<usize> {
    let ups = segs.iter().take_while(|s| *s == "super").count();
    let child = modules.contains_key(&[scope, segs.get(..1)?].concat());
    let (base, rest) = match segs[0].as_str() {
        "crate" => (&scope[..0], &segs[1..]),
        "self" => (scope, &segs[1..]),
        "super" => (&scope[..scope.len().checked_sub(ups)?], &segs[ups..]),
        _ if child => (scope, segs),
        _ => return None,
    };
    let path = [base, rest].concat();
    (0..=path.len())
        .rev()
        .find_map(|k| modules.get(&path[..k]).copied())
}

/// File `from` names `path` (as written) at `line`, and file `to` defines it.
struct Edge {
    from: usize,
    to: usize,
    line: usize,
    path: String,
    test: bool,
}

/// The file-level import graph of `files`, one edge per path named (self-edges dropped).
fn edges(files: &[(&str, &str)]) -> Vec<Edge> {
    let mut modules = Modules::new();
    for (k, (path, _)) in files.iter().enumerate() {
        let m = module_of(path);
        if !(m.is_empty() && modules.contains_key(&m) && path.ends_with("main.rs")) {
            modules.insert(m, k); // in the library, `crate::` is lib.rs
        }
    }
    (0..files.len())
        .flat_map(|k| file_edges(files, k, &modules))
        .collect()
}

// ---- the rules -----------------------------------------------------------------------------

/// Modules missing from `RANKS`, upward imports (first use per pair of files) and cycles.
fn layer_problems(files: &[(&str, &str)]) -> Vec<String> {
    let top: Vec<Option<&str>> = files.iter().map(|f| top_module(f.0)).collect();
    let rank_of = |k: usize| top[k].and_then(rank);
    let mut problems = Vec::new();
    for (k, f) in files.iter().enumerate() {
        if let (Some(m), None) = (top[k], rank_of(k)) {
            problems.push(format!("{}: module `{m}` is not in the layer table", f.0));
        }
    }
    let (edges, mut bad) = (edges(files), BTreeMap::<_, (&Edge, usize)>::new());
    for e in &edges {
        // The crate root may import anything; an unplaced importer is reported above.
        let Some(ra) = rank_of(e.from) else { continue };
        if rank_of(e.to).is_none_or(|rb| rb > ra) {
            bad.entry((e.from, e.to)).or_insert((e, 0)).1 += 1;
        }
    }
    for ((from, to), (e, n)) in bad {
        let (a, ra) = (top[from].unwrap_or_default(), rank_of(from).unwrap_or(0));
        let why = match (top[to], rank_of(to)) {
            (None, _) => "names it through the crate root; import it from its module".into(),
            (Some(b), None) => format!("`{b}` is not in the layer table"),
            (Some(b), Some(rb)) => format!("`{a}` (rank {ra}) may not import `{b}` (rank {rb})"),
        };
        let more = match n {
            1 => String::new(),
            n => format!(" (+{} more)", n - 1),
        };
        let (f, t) = (files[from].0, files[to].0);
        problems.push(format!("{f}:{}: `{}` -> {t}: {why}{more}", e.line, e.path));
    }
    problems.extend(cycles(files, &edges, &top));
    problems
}

/// One message per set of files importing each other in a loop (a strongly connected component
/// of the graph without test code and the crate root), with its shortest loop.
fn cycles(files: &[(&str, &str)], edges: &[Edge], top: &[Option<&str>]) -> Vec<String> {
    let mut next: Vec<Vec<&Edge>> = vec![Vec::new(); files.len()];
    for e in edges.iter().filter(|e| !e.test && top[e.from].is_some()) {
        next[e.from].push(e);
    }
    let walks: Vec<Vec<Option<&Edge>>> = (0..files.len()).map(|s| walk(&next, s)).collect();
    let (mut done, mut out) = (vec![false; files.len()], Vec::new());
    for s in 0..files.len() {
        if done[s] || walks[s][s].is_none() {
            continue;
        }
        let scc: Vec<usize> = (0..files.len())
            .filter(|&v| walks[v][s].and(walks[s][v]).is_some())
            .collect();
        scc.iter().for_each(|&v| done[v] = true);
        let (mut ring, mut at) = (Vec::new(), s);
        while let Some(e) = walks[s][at].filter(|_| at != s || ring.is_empty()) {
            ring.push(format!("{}:{} `{}`", files[e.from].0, e.line, e.path));
            at = e.from;
        }
        ring.reverse();
        let names: Vec<&str> = scc.iter().map(|&v| files[v].0).collect();
        let (n, names, ring) = (scc.len(), names.join(", "), ring.join(" -> "));
        let shortest = format!("{ring} -> {}", files[s].0);
        out.push(format!(
            "import cycle among {n} files: {names}\n    shortest loop: {shortest}"
        ));
    }
    out
}

/// For each file, the edge by which a breadth-first walk from `s` first reached it (`s`
/// itself included, if the walk comes back to it).
fn walk<'a>(next: &[Vec<&'a Edge>], s: usize) -> Vec<Option<&'a Edge>> {
    let (mut seen, mut queue) = (vec![None; next.len()], VecDeque::from([s]));
    while let Some(u) = queue.pop_front() {
        for &e in &next[u] {
            if seen[e.to].is_none() {
                seen[e.to] = Some(e);
                queue.extend(Some(e.to).filter(|&v| v != s));
            }
        }
    }
    seen
}

fn long_files(files: &[(&str, &str)]) -> Vec<String> {
    let long = |(p, t): &(&str, &str)| {
        let n = t.lines().count();
        (n > MAX_FILE_LINES).then(|| format!("{p}: {n} lines (max {MAX_FILE_LINES})"))
    };
    files.iter().filter_map(long).collect()
}

/// `(line of the fn keyword, name, lines up to its closing brace)` of every fn with a body.
fn functions(text: &str) -> Vec<(usize, String, usize)> {
    let toks = tokens(text);
    let t = |k: usize| tok(&toks, k);
    let mut out = Vec::new();
    for i in 0..toks.len() {
        if t(i) != "fn" || !is_ident(t(i + 1)) {
            continue;
        }
        // The body is the first `{` outside parentheses and brackets (array types); `;`: none.
        let (mut depth, mut j) = (0, i + 2);
        while j < toks.len() && !(depth == 0 && matches!(t(j), "{" | ";")) {
            depth += i32::from(matches!(t(j), "(" | "[")) - i32::from(matches!(t(j), ")" | "]"));
            j += 1;
        }
        let mut braces = 0;
        let end = (j..toks.len()).find(|&k| {
            braces += i32::from(t(k) == "{") - i32::from(t(k) == "}");
            braces == 0
        });
        if let (Some(end), "{") = (end, t(j)) {
            out.push((toks[i].1, t(i + 1).to_string(), toks[end].1 - toks[i].1 + 1));
        }
    }
    out
}

/// Functions over `MAX_FN_LINES` without a `long because` comment in the three lines above.
fn long_functions(files: &[(&str, &str)]) -> Vec<String> {
    let mut out = Vec::new();
    for (path, text) in files {
        let lines: Vec<&str> = text.lines().collect();
        for (line, name, len) in functions(text) {
            if len > MAX_FN_LINES && !has_reason(&lines[line.saturating_sub(4)..line - 1]) {
                out.push(format!(
                    "{path}:{line}: fn {name} is {len} lines (max {MAX_FN_LINES}); split it, or \
                     say why in a `// long because …` comment right above it"
                ));
            }
        }
    }
    out
}

/// Whether the comment and attribute lines ending `above` (a fn) say `long because`.
fn has_reason(above: &[&str]) -> bool {
    let notes = above.iter().rev().map(|l| l.trim_start());
    let mut notes = notes.take_while(|l| l.starts_with("//") || l.starts_with('#'));
    notes.any(|l| {
        l.split_once("//")
            .is_some_and(|c| c.1.contains("long because"))
    })
}

// ---- the real tree -------------------------------------------------------------------------

fn pairs(tree: &[(String, String)]) -> Vec<(&str, &str)> {
    tree.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect()
}

fn check_src(what: &str, check: fn(&[(&str, &str)]) -> Vec<String>) {
    let problems = check(&pairs(&read_tree()));
    let (n, list) = (problems.len(), problems.join("\n"));
    assert!(problems.is_empty(), "{n} {what} in src/:\n{list}");
}

#[test]
fn the_layers_point_one_way() {
    check_src("layering problem(s)", layer_problems);
}

#[test]
fn no_file_over_1000_lines() {
    check_src("file(s) too long", long_files);
}

#[test]
fn no_function_over_150_lines_without_a_reason() {
    check_src("function(s) too long", long_functions);
}

// ---- the checks themselves, on synthetic trees ---------------------------------------------

/// A synthetic tree written as `== src/path.rs` header lines, each followed by its text.
fn tree<'a>(spec: &'a str) -> Vec<(&'a str, &'a str)> {
    let file = |f: &'a str| f.split_once('\n').unwrap_or((f, ""));
    spec.split("\n== ").skip(1).map(file).collect()
}

#[test]
fn an_upward_import_is_caught() {
    let problems = layer_problems(&tree(
        "
== src/lib.rs
pub mod base;
pub mod sim;
== src/base/mod.rs
pub mod x;
== src/base/x.rs
//! Low.
use crate::sim::trial::run;
== src/sim/mod.rs
pub mod trial;
== src/sim/trial.rs
pub fn run() {}",
    ));
    let want = "src/base/x.rs:2: `crate::sim::trial::run` -> src/sim/trial.rs: \
                `base` (rank 0) may not import `sim` (rank 7)";
    assert_eq!(problems, [want]);
}

#[test]
fn modules_outside_the_table_and_the_crate_root_are_caught() {
    let problems = layer_problems(&tree(
        "
== src/lib.rs
pub mod base;
pub mod charts;
pub use base::Error;
== src/base/mod.rs
pub struct Error;
pub fn f(_: crate::Error) { crate::charts::draw(); }
== src/charts.rs
pub fn draw() {}",
    ));
    let want = [
        "src/charts.rs: module `charts` is not in the layer table",
        "src/base/mod.rs:2: `crate::Error` -> src/lib.rs: names it through the crate root; \
         import it from its module",
        "src/base/mod.rs:2: `crate::charts::draw` -> src/charts.rs: `charts` is not in the \
         layer table",
    ];
    assert_eq!(problems, want);
}

#[test]
fn a_cycle_is_caught_but_not_one_through_tests() {
    let spec = "
== src/model/mod.rs
pub mod a;
pub mod b;
== src/model/a.rs
use super::b::B;
== src/model/b.rs
pub struct B;
";
    let problems = layer_problems(&tree(&format!("{spec}\nfn f(_: crate::model::a::A) {{}}")));
    let want = "import cycle among 2 files: src/model/a.rs, src/model/b.rs\n    shortest loop: \
                src/model/a.rs:1 `super::b::B` -> src/model/b.rs:3 `crate::model::a::A` -> \
                src/model/a.rs";
    assert_eq!(problems, [want]);
    let test_only = format!("{spec}#[cfg(test)]\nmod tests {{\n    use crate::model::a::A;\n}}");
    assert_eq!(layer_problems(&tree(&test_only)), [""; 0]);
}

/// A tree that keeps the rules, with grouped and multi-line `use`, `super::`, child-module
/// paths, test code, and crate paths that appear only in comments and strings.
const CLEAN: &str = r##"
== src/main.rs
fn main() { bcpsim::app::main(); }
== src/lib.rs
//! [`crate::app`]
pub mod app;
pub mod base;
pub mod model;
pub mod sim;
pub mod tally;
pub use base::rng::stream;
== src/base/mod.rs
pub mod rng;
== src/base/rng.rs
/// Unlike [crate::sim::x] /* crate::app::y */
pub fn stream<'a>(s: &'a str) -> (char, &'a str) {
    let _ = ("crate::app::z\"", r#"use crate::sim;"#, b"crate::app", '"');
    ('{', s)
}
== src/model/mod.rs
== src/sim/mod.rs
pub mod trial;
mod engine;
fn f() {
    engine::step(x.engine::<u8>());
}
== src/sim/engine.rs
#[cfg(test)]
mod tests {
    use super::*;
}
== src/sim/trial.rs
use crate::{
    base::rng::{stream, uniform},
    model::{self, Model},
};
use super::engine::Engine;
== src/tally/mod.rs
use super::sim::trial::Trial; // in a mod.rs, super is the crate root
mod tests;
== src/tally/tests.rs
use super::Tally;
== src/app/mod.rs
pub fn main() { crate::sim::run() }"##;

#[test]
fn a_clean_tree_passes() {
    assert_eq!(layer_problems(&tree(CLEAN)), [""; 0]);
}

#[test]
fn grouped_multiline_use_and_super_resolve_to_files() {
    let (files, mut got) = (tree(CLEAN), String::new());
    for e in edges(&files) {
        let (f, t) = (files[e.from].0, files[e.to].0);
        let test = if e.test { " (test)" } else { "" };
        writeln!(got, "{f}:{} {} -> {t}{test}", e.line, e.path).unwrap();
    }
    let want = "\
src/lib.rs:7 base::rng::stream -> src/base/rng.rs
src/sim/mod.rs:4 engine::step -> src/sim/engine.rs
src/sim/trial.rs:2 crate::base::rng::stream -> src/base/rng.rs
src/sim/trial.rs:2 crate::base::rng::uniform -> src/base/rng.rs
src/sim/trial.rs:3 crate::model -> src/model/mod.rs
src/sim/trial.rs:3 crate::model::Model -> src/model/mod.rs
src/sim/trial.rs:5 super::engine::Engine -> src/sim/engine.rs
src/tally/mod.rs:1 super::sim::trial::Trial -> src/sim/trial.rs
src/tally/tests.rs:1 super::Tally -> src/tally/mod.rs (test)
src/app/mod.rs:1 crate::sim::run -> src/sim/mod.rs
";
    assert_eq!(got, want);
}

#[test]
fn a_file_over_1000_lines_is_caught() {
    let (fits, long) = ("\n".repeat(MAX_FILE_LINES), "\n".repeat(MAX_FILE_LINES + 1));
    let problems = long_files(&[("src/a.rs", &fits), ("src/b.rs", &long)]);
    assert_eq!(problems, ["src/b.rs: 1001 lines (max 1000)"]);
}

#[test]
fn a_long_function_needs_a_reason_right_above_it() {
    // `n` lines long, with braces hidden in a string, a char literal and a comment.
    let body = "    (\"}\", '{'); // }\n";
    let f = |n: usize| format!("fn f() {{\n{}}}\n", body.repeat(n - 2));
    let (long, fits, why) = (f(MAX_FN_LINES + 1), f(MAX_FN_LINES), "// long because …\n");
    let c = format!("/// Doc.\n{why}#[allow(dead_code)]\n{long}");
    let d = format!("{why}/// One.\n/// Two.\n/// Three.\n{long}");
    let e = format!("{why}\n{long}");
    let files = [
        ("src/a.rs", &long),
        ("src/b.rs", &fits),
        ("src/c.rs", &c),
        ("src/d.rs", &d),
        ("src/e.rs", &e),
    ];
    let problems = long_functions(&files.map(|(p, t)| (p, t.as_str())));
    let at: Vec<&str> = problems
        .iter()
        .filter_map(|p| p.split(": ").next())
        .collect();
    assert_eq!(at, ["src/a.rs:1", "src/d.rs:5", "src/e.rs:3"]);
    assert!(problems[0].contains("fn f is 151 lines (max 150)"));
    let sig =
        "trait T {\n    fn a(&self);\n}\nfn g(f: fn(u8) -> u8, x: [u8; 2]) -> [u8; 2] {\n    x\n}";
    assert_eq!(functions(sig), [(4, "g".to_string(), 3)]);
}
