//! Services: the expressions ministries generate, and their compilation into postfix
//! programs over node ids and shared path queries.

use std::collections::{BTreeMap, HashMap};

use super::builder::Builder;
use super::paths::path_query;
use crate::diag::{did_you_mean, Result, Span};
use crate::expr::{self, Expr};
use crate::model::*;

impl Builder<'_> {
    pub(super) fn services(
        &self,
        node_index: &HashMap<String, usize>,
        groups: &[(String, Vec<usize>)],
        nodes: &[Node],
    ) -> Result<(Vec<ServiceSpec>, Vec<Ministry>, Vec<Event>)> {
        let _ = (node_index, groups, nodes);
        let mut specs = Vec::new();
        for s in &self.m.services {
            let span = s.span(&s.item.expr);
            // Columns inside the expression are exact only for a plain one-line string
            // whose text is the value itself; otherwise errors point at the value's start.
            let text = &self.src.files[span.file].text;
            let expr = s.item.expr.get_ref();
            let plain = text
                .get(span.start + 1..)
                .is_some_and(|rest| rest.starts_with(expr.as_str()))
                && !expr.contains('\n');
            specs.push(ServiceSpec {
                id: s.item.id.get_ref().clone(),
                span: s.span(&s.item.id),
                name_en: s.item.name_en.clone(),
                name_ja: s.item.name_ja.clone(),
                expr: s.item.expr.get_ref().clone(),
                expr_span: plain.then_some(Span {
                    file: span.file,
                    start: span.start + 1,
                }),
                value_span: span,
            });
        }
        let mut ministries = Vec::new();
        let gnet = self.m.gnet.is_some();
        let gen = |id: String, span: Span, en: String, ja: String, expr: String| ServiceSpec {
            id,
            span,
            name_en: en,
            name_ja: ja,
            expr,
            expr_span: None,
            value_span: span,
        };
        for mi in &self.m.ministries {
            let id = mi.item.id.get_ref();
            let span = mi.span(&mi.item.id);
            let servers = if mi.item.backup_server.is_some() {
                format!("(path({id}.wan, {id}.main) | path({id}.wan, {id}.backup))")
            } else {
                format!("path({id}.wan, {id}.main)")
            };
            let base = specs.len();
            specs.push(gen(
                format!("{id}.network_operation"),
                span,
                format!("{}: network operation", mi.item.name_en),
                format!("{}：ネットワークの運用継続", mi.item.name_ja),
                servers.clone(),
            ));
            specs.push(gen(
                format!("{id}.gnet_connection"),
                span,
                format!("{}: connection to G-net", mi.item.name_en),
                format!("{}：政府共通NWとの接続", mi.item.name_ja),
                format!("path({id}.wan, gnet)"),
            ));
            specs.push(gen(format!("{id}.work_from_kansai"), span,
                format!("{}: work from Kansai", mi.item.name_en),
                format!("{}：関西からの業務継続", mi.item.name_ja),
                format!("up(kansai.alternate) & path({id}.staff, {id}.wan) & {servers} & path({id}.wan, gnet)")));
            ministries.push(Ministry {
                id: id.clone(),
                name_en: mi.item.name_en.clone(),
                name_ja: mi.item.name_ja.clone(),
                network_operation: base,
                gnet_connection: base + 1,
                work_from_kansai: base + 2,
            });
        }
        let mut events = Vec::new();
        if !ministries.is_empty() {
            events.push(Event {
                id: "network_operation".into(),
                name_en: "Network operation impaired".into(),
                name_ja: "ネットワークの運用継続に支障".into(),
                any_down: ministries.iter().map(|m| m.network_operation).collect(),
            });
            events.push(Event {
                id: "interconnection".into(),
                name_en: "Inter-network connection impaired".into(),
                name_ja: "ネットワーク間の接続に支障".into(),
                any_down: ministries.iter().map(|m| m.gnet_connection).collect(),
            });
        }
        if gnet {
            let g = self.m.gnet.as_ref().expect("gnet");
            let span = g.span(&g.item.operation_center);
            let op = g.item.operation_center.get_ref();
            let bk = g.item.backup_center.get_ref();
            events.push(Event {
                id: "gnet_operation".into(),
                name_en: "G-net operation impaired (both centers down)".into(),
                name_ja: "政府共通NWの運用に支障（両センター被災）".into(),
                any_down: vec![specs.len()],
            });
            specs.push(gen(
                "gnet.operation".into(),
                span,
                "G-net operation".into(),
                "政府共通NWの運用".into(),
                format!("up({op}) | up({bk})"),
            ));
        }
        Ok((specs, ministries, events))
    }
}

pub(super) struct ServiceSpec {
    id: String,
    span: Span,
    name_en: String,
    name_ja: String,
    expr: String,
    /// Where the expression text starts in the file (after the quote), when offsets in the
    /// expression map to file offsets.
    expr_span: Option<Span>,
    /// Where the value starts (the opening quote), or the owner's position if generated.
    value_span: Span,
}

impl Builder<'_> {
    /// Parses and resolves service expressions into postfix programs and shared path queries.
    pub(super) fn compile(&self, model: &mut Model, specs: Vec<ServiceSpec>) -> Result<()> {
        let node_index: HashMap<String, usize> = model
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.clone(), i))
            .collect();
        let mut query_index: BTreeMap<(Vec<usize>, Vec<usize>), usize> = BTreeMap::new();
        let mut services: Vec<Service> = Vec::with_capacity(specs.len());
        for spec in specs {
            if services.iter().any(|s| s.id == spec.id) {
                return Err(self.err(
                    spec.span,
                    format!("service `{}` is defined twice", spec.id),
                    Some("ministries generate `<id>.network_operation`, `<id>.gnet_connection` and `<id>.work_from_kansai`".into()),
                ));
            }
            // Where an offset of the expression is in the file, and a note saying which
            // character it is when the file position is only the value's start.
            let at = |offset: usize| -> (Span, String) {
                match spec.expr_span {
                    Some(s) => (
                        Span {
                            file: s.file,
                            start: s.start + offset,
                        },
                        String::new(),
                    ),
                    None => (
                        spec.value_span,
                        format!(
                            " (at character {} of the expression)",
                            spec.expr[..offset.min(spec.expr.len())].chars().count() + 1
                        ),
                    ),
                }
            };
            let ast = expr::parse(&spec.expr).map_err(|e| {
                let (span, note) = at(e.offset);
                self.err(
                    span,
                    format!("service `{}`: {}{note}", spec.id, e.message),
                    Some("expressions use up(node), path(a, b), &, |, ! and parentheses".into()),
                )
            })?;
            let mut program = Vec::new();
            let mut used = Vec::new();
            let mut depth = 0usize;
            let mut max_depth = 0usize;
            self.emit(
                &ast,
                &spec,
                &at,
                model,
                &node_index,
                &mut query_index,
                &mut program,
                &mut used,
                &mut depth,
                &mut max_depth,
            )?;
            if max_depth > 64 {
                return Err(self.err(
                    spec.span,
                    format!(
                        "service `{}` nests too deeply ({max_depth} levels; at most 64)",
                        spec.id
                    ),
                    Some("split it into simpler services".into()),
                ));
            }
            used.sort_unstable();
            used.dedup();
            services.push(Service {
                id: spec.id,
                name_en: spec.name_en,
                name_ja: spec.name_ja,
                expr: spec.expr,
                program,
                nodes_used: used,
            });
        }
        model.services = services;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn emit(
        &self,
        e: &Expr,
        spec: &ServiceSpec,
        at: &dyn Fn(usize) -> (Span, String),
        model: &mut Model,
        node_index: &HashMap<String, usize>,
        queries: &mut BTreeMap<(Vec<usize>, Vec<usize>), usize>,
        program: &mut Vec<Op>,
        used: &mut Vec<usize>,
        depth: &mut usize,
        max_depth: &mut usize,
    ) -> Result<()> {
        let push = |program: &mut Vec<Op>, op: Op, depth: &mut usize, max_depth: &mut usize| {
            match op {
                Op::Const(_) | Op::Up(_) | Op::Path(_) => *depth += 1,
                Op::And | Op::Or => *depth -= 1,
                Op::Not => {}
            }
            *max_depth = (*max_depth).max(*depth);
            program.push(op);
        };
        let node_names = || model_names(model);
        let endpoint = |name: &str, off: usize| -> Result<Vec<usize>> {
            if let Some(&i) = node_index.get(name) {
                return Ok(vec![i]);
            }
            if let Some((_, m)) = model.groups.iter().find(|(g, _)| g == name) {
                return Ok(m.clone());
            }
            let (span, note) = at(off);
            Err(self.err(
                span,
                format!(
                    "service `{}` names `{name}`, which is neither a node nor a group{note}",
                    spec.id
                ),
                did_you_mean(name, node_names().iter().map(String::as_str)),
            ))
        };
        match e {
            Expr::Const(b) => push(program, Op::Const(*b), depth, max_depth),
            Expr::Up(name, off) => {
                let Some(&i) = node_index.get(name.as_str()) else {
                    let (span, note) = at(*off);
                    return Err(self.err(
                        span,
                        format!(
                            "service `{}`: up() names undefined node `{name}`{note}",
                            spec.id
                        ),
                        did_you_mean(name, model.nodes.iter().map(|n| n.id.as_str())),
                    ));
                };
                used.push(i);
                push(program, Op::Up(i as u32), depth, max_depth);
            }
            Expr::Path(a, oa, b, ob) => {
                let mut from = endpoint(a, *oa)?;
                let mut to = endpoint(b, *ob)?;
                from.sort_unstable();
                to.sort_unstable();
                let next = model.paths.len();
                let qi = *queries.entry((from.clone(), to.clone())).or_insert(next);
                if qi == next {
                    model.paths.push(path_query(model, from, to));
                }
                used.extend(model.paths[qi].relevant.iter().copied());
                push(program, Op::Path(qi as u32), depth, max_depth);
            }
            Expr::Not(inner) => {
                self.emit(
                    inner, spec, at, model, node_index, queries, program, used, depth, max_depth,
                )?;
                push(program, Op::Not, depth, max_depth);
            }
            Expr::And(v) | Expr::Or(v) => {
                let op = if matches!(e, Expr::And(_)) {
                    Op::And
                } else {
                    Op::Or
                };
                for (k, x) in v.iter().enumerate() {
                    self.emit(
                        x, spec, at, model, node_index, queries, program, used, depth, max_depth,
                    )?;
                    if k > 0 {
                        push(program, op, depth, max_depth);
                    }
                }
            }
        }
        Ok(())
    }
}

fn model_names(model: &Model) -> Vec<String> {
    model
        .nodes
        .iter()
        .map(|n| n.id.clone())
        .chain(model.groups.iter().map(|(g, _)| g.clone()))
        .collect()
}
