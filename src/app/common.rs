//! What the commands share: loading the model, the thread pool, the results folder and its
//! manifest, progress and messages.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::args::{ModelArgs, RunCommon};
use crate::base::lang::Lang;
use crate::base::rng::GENERATOR;
use crate::diag::{Error, Result};
use crate::model::{BuildSpec, Model};
use crate::output::report::{self, Manifest, OutDir};
use crate::scenario::Scenario;

pub(super) fn load(a: &ModelArgs) -> Result<(Scenario, Model)> {
    let scenario = Scenario::load(&a.scenario)?;
    let model = Model::build(
        &scenario,
        &BuildSpec {
            options: a.options.clone(),
            ..BuildSpec::default()
        },
    )?;
    Ok((scenario, model))
}

pub(super) fn pool(threads: Option<usize>) -> Result<(rayon::ThreadPool, usize)> {
    let n = match threads {
        Some(0) => return Err(Error::Usage("--threads must be at least 1".into())),
        Some(n) => n,
        None => std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
    };
    let p = rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .map_err(|e| Error::Run(format!("cannot start {n} threads: {e}")))?;
    Ok((p, n))
}

fn trials_of(c: &RunCommon, model: &Model) -> Result<u64> {
    match c.trials {
        Some(0) => Err(Error::Usage("--trials must be at least 1 (got 0)".into())),
        Some(n) => Ok(n),
        None => Ok(model.default_trials),
    }
}

/// What differs between the manifests of the commands; the rest is filled in here.
pub(super) struct ManifestFacts {
    pub(super) command: String,
    pub(super) scenario: String,
    pub(super) scenario_id: String,
    pub(super) scenario_sha256: String,
    pub(super) seed: u64,
    pub(super) trials: u64,
    pub(super) trial_range: (u64, u64),
    pub(super) shard: Option<String>,
    pub(super) options: Vec<String>,
    pub(super) threads: usize,
    pub(super) elapsed_seconds: f64,
    pub(super) at_quake: bool,
}

impl ManifestFacts {
    /// Facts of a command that runs trials 0..trials of one model, unsharded.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn whole_run(
        command: &str,
        path: &Path,
        scenario: &Scenario,
        model: &Model,
        seed: u64,
        trials: u64,
        threads: usize,
        elapsed_seconds: f64,
    ) -> ManifestFacts {
        ManifestFacts {
            command: command.into(),
            scenario: path.display().to_string(),
            scenario_id: model.id.clone(),
            scenario_sha256: scenario.sha256.clone(),
            seed,
            trials,
            trial_range: (0, trials),
            shard: None,
            options: model.applied.clone(),
            threads,
            elapsed_seconds,
            at_quake: false,
        }
    }

    pub(super) fn manifest(&self) -> Manifest {
        Manifest {
            tool: "bcpsim",
            version: env!("CARGO_PKG_VERSION"),
            command: self.command.clone(),
            scenario: self.scenario.clone(),
            scenario_id: self.scenario_id.clone(),
            scenario_sha256: self.scenario_sha256.clone(),
            seed: self.seed,
            generator: GENERATOR,
            trials: self.trials,
            trial_range: self.trial_range,
            shard: self.shard.clone(),
            options: self.options.clone(),
            threads: self.threads,
            elapsed_seconds: self.elapsed_seconds,
            command_line: command_line(),
            created_utc: report::utc_stamp(),
            at_quake: self.at_quake,
        }
    }
}

/// What every trial-running command sets up from its common flags.
pub(super) struct Setup {
    pub(super) trials: u64,
    pub(super) seed: u64,
    pub(super) pool: rayon::ThreadPool,
    pub(super) threads: usize,
    pub(super) out: OutDir,
}

impl RunCommon {
    /// Trials (the scenario's default, or `default_trials` when given), seed, thread pool,
    /// and the results folder (`results/<scenario><kind>-<time>` unless --out).
    pub(super) fn setup(
        &self,
        model: &Model,
        default_trials: Option<u64>,
        kind: &str,
    ) -> Result<Setup> {
        let trials = match (self.trials, default_trials) {
            (None, Some(d)) => d,
            _ => trials_of(self, model)?,
        };
        let seed = self.seed.unwrap_or(model.default_seed);
        let (pool, threads) = pool(self.threads)?;
        let out_path = self
            .out
            .clone()
            .unwrap_or_else(|| default_out(kind, &model.id));
        let out = OutDir::prepare(&out_path, self.force)?;
        Ok(Setup {
            trials,
            seed,
            pool,
            threads,
            out,
        })
    }
}

fn default_out(kind: &str, id: &str) -> PathBuf {
    Path::new("results").join(format!("{id}{kind}-{}", report::utc_stamp()))
}

fn command_line() -> Vec<String> {
    std::env::args().collect()
}

pub(super) fn say(quiet: bool, msg: &str) {
    if !quiet {
        let _ = writeln!(std::io::stderr(), "{msg}");
    }
}

/// A progress bar with rate and time left, hidden with --quiet or when stderr is not a
/// terminal.
pub(super) fn progress_bar(quiet: bool, total: u64) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let pb = indicatif::ProgressBar::new(total);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} trials  {per_sec}  eta {eta}")
    {
        pb.set_style(style);
    }
    pb
}

/// Writes the manifest, the report when asked for one, commits the results folder and prints
/// the Markdown summary and where the results are.
pub(super) fn finish_with_summary(
    out: OutDir,
    facts: &ManifestFacts,
    report: Option<Lang>,
    md: &str,
    quiet: bool,
) -> Result<()> {
    out.write_json("manifest.json", &facts.manifest())?;
    if let Some(lang) = report {
        report_into(&out, lang)?;
    }
    let path = out.commit()?;
    if !quiet {
        println!("{md}");
        println!("results: {}", path.display());
    }
    Ok(())
}

/// Writes the report into a results folder before it is committed.
pub(super) fn report_into(out: &OutDir, lang: Lang) -> Result<()> {
    let r = crate::output::html::build(out.path(), &[], lang)?;
    crate::output::html::write(out.path(), &r, true)?;
    Ok(())
}
