//! `bcpsim explain`: the event trace of one trial for one service.

use std::collections::BTreeSet;
use std::io::Write;

use clap::Args;

use super::args::ModelArgs;
use super::common::load;
use crate::diag::{Error, Result};
use crate::model::recovery::Recovery;
use crate::model::Model;
use crate::sim::recovery::Subject;
use crate::sim::trial::{self, Stage, Stages, TrialWorkspace};
use crate::sim::workspace::Workspace;

#[derive(Debug, Args)]
pub(super) struct ExplainArgs {
    #[command(flatten)]
    model: ModelArgs,
    /// Service id.
    #[arg(long)]
    service: String,
    /// Trial index (0-based).
    #[arg(long)]
    trial: u64,
    /// Seed (default: the scenario's).
    #[arg(long)]
    seed: Option<u64>,
}

pub(super) fn execute(a: ExplainArgs) -> Result<()> {
    let (_, model) = load(&a.model)?;
    let Some(rec) = &model.recovery else {
        return Err(Error::Usage(format!(
            "{} has no [recovery] table: there is no event trace to explain",
            a.model.scenario.display()
        )));
    };
    let si = service_index(&model, &a.service)?;
    let seed = a.seed.unwrap_or(model.default_seed);
    let stages = Stages::until(&model, Stage::Recovery);
    let mut w = TrialWorkspace::new(&model, &stages).with_trace();
    trial::run(&model, &stages, seed, a.trial, &mut w);
    let (ws, rw) = (
        &w.t0,
        w.recovery.as_ref().expect("the model has a recovery"),
    );
    let trace: &[crate::sim::recovery::TraceLine] = w.trace.as_deref().unwrap_or_default();
    let svc = &model.services[si];
    let concerns = Concerns::of(&model, rec, ws, si);
    let mut out = String::new();
    out += &format!(
        "bcpsim explain: {} — trial {} (seed {seed})\n",
        model.id, a.trial
    );
    out += &format!(
        "service {}: {} / {}\n  expression: {}\n",
        svc.id, svc.name_en, svc.name_ja, svc.expr
    );
    let choices: Vec<String> = model
        .unknowns
        .iter()
        .zip(ws.choices())
        .map(|(u, &k)| format!("{} = {}", u.id, u.alternatives[k as usize].0))
        .collect();
    out += &format!("unknown facts drawn: {}\n", choices.join("; "));
    out += &format!(
        "at the quake (damage only): {}\n\nevents (hours after the quake):\n",
        if ws.service_up[si] { "up" } else { "DOWN" }
    );
    for line in trace.iter().filter(|l| concerns.subject(l.subject)) {
        out += &format!("  {:>8.2}  {}\n", line.hours, line.what);
    }
    let ttr = rw.ttr[si];
    out += &format!(
        "\nsummary: {}; down {:.1} h within the {:.0} h horizon; RTO {:.0} h {}\n",
        if ttr == 0.0 {
            "never down".to_string()
        } else if ttr.is_finite() {
            format!("restored for good at {ttr:.2} h")
        } else {
            "not restored within the horizon".to_string()
        },
        rw.downtime[si],
        rec.horizon,
        rec.rto[si],
        if ttr <= rec.rto[si] { "met" } else { "missed" }
    );
    std::io::stdout()
        .lock()
        .write_all(out.as_bytes())
        .map_err(|e| Error::io("writing to stdout", e))
}

/// The index of service `id`, or a usage error with the nearest id as a hint.
fn service_index(model: &Model, id: &str) -> Result<usize> {
    model
        .services
        .iter()
        .position(|s| s.id == id)
        .ok_or_else(|| {
            Error::Usage(format!(
                "unknown service `{id}`{}",
                crate::diag::did_you_mean(id, model.services.iter().map(|s| s.id.as_str()))
                    .map(|h| format!("; {h}"))
                    .unwrap_or_default()
            ))
        })
}

/// What a service's trace lines may be about: the nodes it uses, their sites in this trial,
/// their repair crews' pools, and the service itself.
struct Concerns {
    nodes: BTreeSet<usize>,
    sites: BTreeSet<u32>,
    pools: BTreeSet<usize>,
    service: usize,
}

impl Concerns {
    fn of(model: &Model, rec: &Recovery, ws: &Workspace, si: usize) -> Concerns {
        let nodes: BTreeSet<usize> = model.services[si].nodes_used.iter().copied().collect();
        let sites = nodes.iter().map(|&i| ws.node_site[i]).collect();
        let pools = nodes
            .iter()
            .filter_map(|&i| {
                model.nodes[i]
                    .class
                    .and_then(|c| rec.repair[c])
                    .map(|r| r.pool)
            })
            .collect();
        Concerns {
            nodes,
            sites,
            pools,
            service: si,
        }
    }

    fn subject(&self, subject: Subject) -> bool {
        match subject {
            Subject::Node(i) => self.nodes.contains(&(i as usize)),
            Subject::Site(s) => self.sites.contains(&s),
            Subject::Pool(p) => self.pools.contains(&(p as usize)),
            Subject::Service(s) => s as usize == self.service,
        }
    }
}
