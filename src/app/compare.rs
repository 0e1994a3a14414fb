//! `bcpsim compare`: countermeasure options against the baseline on common random numbers.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use super::args::{ModelArgs, RunCommon};
use super::common::{finish_with_summary, load, ManifestFacts, Setup};
use crate::base::lang::Lang;
use crate::diag::{Error, Result};
use crate::model::{BuildSpec, Model};

#[derive(Debug, Args)]
pub(super) struct CompareArgs {
    /// Scenario file.
    scenario: PathBuf,
    /// An option to compare (repeatable); default: all the scenario's options.
    #[arg(long = "option", value_name = "ID")]
    options: Vec<String>,
    /// Options applied to the baseline and every variant.
    #[arg(long = "base-option", value_name = "ID")]
    base_options: Vec<String>,
    /// Also compare every combination of the options.
    #[arg(long)]
    combinations: bool,
    #[command(flatten)]
    common: RunCommon,
    /// Language of compare.md (and of the report).
    #[arg(long, value_enum, default_value = "ja")]
    lang: Lang,
    /// Also write report.html and report.md (and charts/) into the results folder.
    #[arg(long)]
    report: bool,
}

pub(super) fn execute(a: CompareArgs) -> Result<()> {
    let margs = ModelArgs {
        scenario: a.scenario.clone(),
        options: a.base_options.clone(),
    };
    let (scenario, model) = load(&margs)?;
    let mut ids = if a.options.is_empty() {
        model
            .options
            .iter()
            .map(|o| o.id.clone())
            .filter(|id| !a.base_options.contains(id))
            .collect()
    } else {
        a.options.clone()
    };
    ids.dedup();
    if ids.is_empty() {
        return Err(Error::Usage(
            "nothing to compare: the scenario declares no options".into(),
        ));
    }
    for id in &ids {
        // Checks the id (with a hint) before any trial runs.
        Model::build(
            &scenario,
            &BuildSpec {
                options: vec![id.clone()],
                ..BuildSpec::default()
            },
        )?;
    }
    let sets = if a.combinations {
        crate::study::compare::combinations(&ids)
    } else {
        ids.iter().map(|id| vec![id.clone()]).collect()
    };
    let Setup {
        trials,
        seed,
        pool,
        threads,
        out,
    } = a.common.setup(&model, Some(20_000), "-compare")?;
    let start = Instant::now();
    let cmp = pool.install(|| {
        crate::study::compare::compare(&scenario, &a.base_options, &sets, trials, seed)
    })?;
    let elapsed = start.elapsed().as_secs_f64();
    out.write_csv("compare.csv", &cmp.rows)?;
    let md = cmp.markdown(a.lang);
    out.write("compare.md", md.as_bytes())?;
    finish_with_summary(
        out,
        &ManifestFacts {
            command: "compare".into(),
            scenario: a.scenario.display().to_string(),
            scenario_id: model.id.clone(),
            scenario_sha256: scenario.sha256.clone(),
            seed,
            trials,
            trial_range: (0, trials),
            shard: None,
            options: sets.iter().map(|s| s.join("+")).collect(),
            threads,
            elapsed_seconds: elapsed,
            at_quake: false,
        },
        a.report.then_some(a.lang),
        &md,
        a.common.quiet,
    )
}
