//! `bcpsim merge`: shard folders into the results of one run.

use std::path::{Path, PathBuf};

use clap::Args;

use super::common::ManifestFacts;
use crate::diag::{Error, Result};
use crate::model::{BuildSpec, Model};
use crate::output::report::{self, OutDir, State};
use crate::scenario::Scenario;
use crate::sim::trial::Stages;
use crate::tally::Tally;

#[derive(Debug, Args)]
pub(super) struct MergeArgs {
    /// Shard folders written by `run --shard`.
    #[arg(required = true)]
    shards: Vec<PathBuf>,
    /// Results folder.
    #[arg(long, required = true)]
    out: PathBuf,
    /// Replace an existing results folder.
    #[arg(long)]
    force: bool,
}

pub(super) fn execute(a: MergeArgs) -> Result<()> {
    let states = a
        .shards
        .iter()
        .map(|d| Ok((d.clone(), read_state(d)?)))
        .collect::<Result<Vec<_>>>()?;
    check_one_run(&states)?;
    let (first_dir, first) = &states[0];
    let (scenario_path, scenario, model) = rebuild_model(first_dir, first)?;
    let tally = merged_tally(&model, first, &states)?;
    let out = OutDir::prepare(&a.out, a.force)?;
    out.write_json(
        "state.json",
        &State {
            range: (0, first.trials_total),
            tally: tally.clone(),
            ..first.clone()
        },
    )?;
    report::write_tables(&out, &model, &tally)?;
    out.write_json("regions.json", &report::region_outlines(&scenario))?;
    out.write_json(
        "manifest.json",
        &ManifestFacts {
            command: "merge".into(),
            scenario: scenario_path.display().to_string(),
            scenario_id: model.id.clone(),
            scenario_sha256: scenario.sha256.clone(),
            seed: first.seed,
            trials: first.trials_total,
            trial_range: (0, first.trials_total),
            shard: None,
            options: first.options.clone(),
            threads: 0,
            elapsed_seconds: 0.0,
            at_quake: first.at_quake,
        }
        .manifest(),
    )?;
    let path = out.commit()?;
    println!("results: {}", path.display());
    Ok(())
}

fn read_state(dir: &Path) -> Result<State> {
    let p = dir.join("state.json");
    let text = std::fs::read_to_string(&p).map_err(|e| {
        Error::Usage(format!(
            "{}: cannot read state.json ({e}); merge takes folders written by `bcpsim run --shard`",
            dir.display()
        ))
    })?;
    serde_json::from_str(&text).map_err(|e| {
        Error::Input(Box::new(crate::diag::InputError {
            file: p.clone(),
            line: e.line(),
            column: e.column(),
            message: format!("not a bcpsim state file: {e}"),
            hint: None,
        }))
    })
}

/// The shards come from one run (same scenario, seed, options, trials, stages and services)
/// and tile its trials exactly.
fn check_one_run(states: &[(PathBuf, State)]) -> Result<()> {
    let (first_dir, first) = &states[0];
    for (d, s) in &states[1..] {
        if s.at_quake != first.at_quake {
            let (quake, full) = if first.at_quake {
                (first_dir, d)
            } else {
                (d, first_dir)
            };
            return Err(Error::Usage(format!(
                "{} is an at-quake run (`run --at-quake`) and {} a full one; merge only shards of one run",
                quake.display(),
                full.display()
            )));
        }
        if s.scenario_sha256 != first.scenario_sha256
            || s.seed != first.seed
            || s.options != first.options
            || s.trials_total != first.trials_total
            || s.services != first.services
        {
            return Err(Error::Usage(format!(
                "{} and {} come from different runs (scenario, seed, options or trials differ); merge only shards of one run",
                first_dir.display(),
                d.display()
            )));
        }
    }
    let mut ranges: Vec<(u64, u64, &PathBuf)> = states
        .iter()
        .map(|(d, s)| (s.range.0, s.range.1, d))
        .collect();
    ranges.sort();
    let mut next = 0;
    for (lo, hi, d) in &ranges {
        if *lo != next {
            return Err(Error::Usage(format!(
                "shards do not tile the trials: {} starts at trial {lo}, expected {next} (missing or overlapping shard)",
                d.display()
            )));
        }
        next = *hi;
    }
    if next != first.trials_total {
        return Err(Error::Usage(format!(
            "shards cover trials 0..{next} of {}: a shard is missing",
            first.trials_total
        )));
    }
    Ok(())
}

/// The model of the shards, rebuilt from the scenario recorded in the first shard's manifest
/// (refused if the file has changed since): its path, the scenario and the model.
fn rebuild_model(first_dir: &Path, first: &State) -> Result<(PathBuf, Scenario, Model)> {
    let manifest: serde_json::Value = std::fs::read_to_string(first_dir.join("manifest.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .ok_or_else(|| {
            Error::Usage(format!(
                "{}: cannot read manifest.json",
                first_dir.display()
            ))
        })?;
    let scenario_path = PathBuf::from(manifest["scenario"].as_str().unwrap_or_default());
    let scenario = Scenario::load(&scenario_path)?;
    if scenario.sha256 != first.scenario_sha256 {
        return Err(Error::Usage(format!(
            "{} has changed since the shards were run (SHA-256 differs)",
            scenario_path.display()
        )));
    }
    let model = Model::build(
        &scenario,
        &BuildSpec {
            options: first.options.clone(),
            ..BuildSpec::default()
        },
    )?;
    Ok((scenario_path, scenario, model))
}

/// The shards' counts added up, each checked against the shape the run's stages give.
fn merged_tally(model: &Model, first: &State, states: &[(PathBuf, State)]) -> Result<Tally> {
    let stages = if first.at_quake {
        Stages::at_quake(model)
    } else {
        Stages::all(model)
    };
    let mut tally = Tally::new(model, &stages);
    for (_, s) in states {
        if !tally.same_shape(&s.tally) {
            return Err(Error::Usage(
                "shard counts do not match the model's shape".into(),
            ));
        }
        tally.merge(&s.tally);
    }
    Ok(tally)
}
