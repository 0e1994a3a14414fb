//! The command line: parse, call the library, map errors to exit codes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Serialize;

use crate::base::rng::GENERATOR;
use crate::diag::{Error, Result};
use crate::drive::Shard;
use crate::model::{BuildSpec, Model, Placement};
use crate::output::report::{self, Manifest, OutDir, State};
use crate::scenario::Scenario;
use crate::sim::trial::{self, Stage, Stages, TrialWorkspace};
use crate::study::table7::{self, Lang};

const AFTER_HELP: &str = "\
Exit codes: 0 success, 1 failure while running, 2 bad input or usage.

Examples:
  bcpsim run scenarios/case2.toml
  bcpsim run scenarios/case2.toml --trials 1000000 --threads 2 --option backup-outside
  bcpsim table7 scenarios/case2.toml --lang en
  bcpsim run scenarios/case2.toml --report --lang en    # report.html with every chart and table
  bcpsim sensitivity scenarios/case2.toml --report      # what the answer depends on (tornado)
  bcpsim run scenarios/case2.toml --shard 1/2 --out results/s1 && \\
  bcpsim run scenarios/case2.toml --shard 2/2 --out results/s2 && \\
  bcpsim merge results/s1 results/s2 --out results/merged";

/// bcpsim: can the government keep its networks and work going from Osaka/Kansai?
#[derive(Debug, Parser)]
#[command(name = "bcpsim", version, about, after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the Monte Carlo simulation of a scenario and write a results folder.
    #[command(after_help = "\
Writes manifest.json, summary.csv, ministries.csv, kansai_ministries.csv and state.json
(the mergeable counts) into --out (default results/<scenario>-<UTC time>); with a
[recovery] table also availability.csv, restoration.csv and crews.csv; with
[hazard.power] also power.csv; with [hazard.ground_motion] also intensity_grid.csv (the
median JMA intensity on a 0.1° grid over the map, at the sites' most common Vs30); with
[lgwan] also mail.csv and mail_compare.csv (LG.JP mail per flow and configuration).
results/README.md describes every file.

Examples:
  bcpsim run scenarios/case1.toml
  bcpsim run scenarios/lgwan-mail.toml --trials 100000
  bcpsim run scenarios/case2.toml --trials 200000 --seed 7 --option interconnection-outside
  bcpsim run scenarios/case2.toml --shard 3/8 --out results/case2-shard3")]
    Run(RunArgs),
    /// Check a scenario (and options) and print a short description of the model.
    #[command(
        after_help = "Examples:\n  bcpsim validate scenarios/case2.toml\n  bcpsim validate scenarios/case2.toml --option backup-outside"
    )]
    Validate(ModelArgs),
    /// Print the expanded model: nodes, links, services and the node sets they use.
    #[command(after_help = "Examples:\n  bcpsim inspect scenarios/case1.toml --json > model.json")]
    Inspect(InspectArgs),
    /// Compute Table 7 (expected events and countermeasures) from simulation.
    #[command(after_help = "\
Every ministry's backup servers and interconnection points are placed in the capital
region or outside it ([table7] in the scenario names the sites); events at or above
--threshold (default 0.5) are expected; countermeasures are the smallest sets of the
scenario's options that bring an expected event below the threshold, on common random
numbers. Writes table7.csv, table7.md and manifest.json.

Examples:
  bcpsim table7 scenarios/case2.toml
  bcpsim table7 scenarios/case2.toml --lang en --trials 50000 --threshold 0.3")]
    Table7(Table7Args),
    /// Print Si & Midorikawa (1999) medians and sigmas as CSV (rrup_km,median,sigma_ln).
    #[command(after_help = "\
PGV medians are in cm/s, PGA medians in g; sigma_ln is the total standard deviation of ln.
Implemented as OpenQuake hazardlib's SiMidorikawa1999 (magnitude capped at 8.3).

Examples:
  bcpsim gmpe --event-type crustal --mw 7.3 --depth-km 30 --vs30 400 --imt pgv --rrup-km 10,50,100
  bcpsim gmpe --event-type intraslab --mw 7.3 --depth-km 45 --vs30 300 --imt pga --rrup-km 45")]
    Gmpe(GmpeArgs),
    /// Sample a scenario's ground-motion field and write per-site intensities (sites.csv).
    #[command(after_help = "\
Writes sites.csv: site,lat,lon,region,vs30_mps,rrup_km,median_pgv_cms,median_jma,
p_6_lower_or_more,p_6_upper_or_more,p_7 (probabilities over the sampled trials), and
manifest.json. Needs [hazard.ground_motion] with imt = \"pgv\".

Examples:
  bcpsim hazard scenarios/case1-gm.toml --trials 20000 --out results/case1-gm-hazard")]
    Hazard(HazardArgs),
    /// Print the event trace of one trial for one service: what failed, why the service went
    /// down, when repairs started and ended and why they waited.
    #[command(after_help = "\
Needs a [recovery] table. The trial is reproduced exactly as in `run` with the same seed.

Examples:
  bcpsim explain scenarios/case2.toml --service mof.work_from_kansai --trial 17
  bcpsim explain scenarios/case1.toml --service gnet.operation --trial 0 --seed 7")]
    Explain(ExplainArgs),
    /// Compare countermeasure options against the baseline on common random numbers.
    #[command(after_help = "\
Runs the baseline and each option (with --combinations, every combination of the named
options) on the same trials and writes compare.csv (option,metric,baseline,with_option,
difference,diff_ci_low,diff_ci_high,cost) and compare.md (ranked by gain; an option whose
95 % interval contains zero is shown as within noise). Without --option, every option the
scenario declares is compared.

Examples:
  bcpsim compare scenarios/case2.toml
  bcpsim compare scenarios/case2.toml --option backup-outside --option interconnection-outside --combinations")]
    Compare(CompareArgs),
    /// Swing every unknown fact and uncertain parameter between its extremes and rank them
    /// by their effect on the headline metrics (the basis of a tornado chart).
    #[command(after_help = "\
Factors: each [[unknowns]] entry and anonymous placement (every alternative at probability 1
in turn; low and high are, per metric, the alternatives giving the smallest and largest
mean), each existence probability strictly between 0 and 1 (0 against 1), and each
[[uncertain]] parameter (its low against its high bound). Every variant runs on the same
trials as the baseline (common random numbers). Writes sensitivity.csv (factor,kind,metric,
as_declared,low_value,high_value,baseline,at_low,at_low_ci_low,at_low_ci_high,at_high,
at_high_ci_low,at_high_ci_high,swing,swing_ci_low,swing_ci_high,rank), sensitivity.md,
factors.csv (what was swung, as declared, with sources) and manifest.json. Default 5,000
trials: the baseline and every variant run on each trial.

Examples:
  bcpsim sensitivity scenarios/case2.toml
  bcpsim sensitivity scenarios/case2.toml --trials 20000 --lang en --out results/case2-sens
  bcpsim sensitivity scenarios/case2.toml --option backup-outside   # what still matters after it
  bcpsim report results/case2-sens                                  # tornado chart and tables")]
    Sensitivity(SensitivityArgs),
    /// Write report.html (one self-contained file: every chart and table, the manifest, the
    /// scenario's assumptions) and report.md into a results folder.
    #[command(after_help = "\
Works on any results folder (run, merge, compare, sensitivity, table7, hazard): it makes
every chart the folder's files support (charts/*.svg and charts/*.png) and writes
report.html, with the charts embedded, and report.md, which refers to charts/. Nothing is
re-run. --with folds other folders (a comparison, a sensitivity analysis, Table 7) into
the same report; with two or more run folders (Case 1 and Case 2, say) it also overlays
them: each ministry's work-from-Kansai curve and the number of ministries working from
Kansai, one colour per run, named by its scenario. An existing report is kept unless
--force.

Examples:
  bcpsim report results/case2-20260101T000000Z
  bcpsim report results/case2-run --with results/case2-compare --with results/case2-sens --lang en
  bcpsim report results/case1-run --with results/case2-run --lang en   # Case 1 against Case 2
  bcpsim run scenarios/case2.toml --report          # the same, at the end of a run")]
    Report(ReportArgs),
    /// Make the charts of a results folder (charts/*.svg and charts/*.png) without a report.
    #[command(after_help = "\
Charts: continuity curves per ministry with 95 % bands and a fan chart of the number of
ministries able to work from Kansai (both on a time axis, log scale of 1 + hours), bars
per ministry with intervals, a map of Japan (prefecture outlines) with the regions and
the sites coloured by how often they failed, over the median JMA intensity field for
earthquake scenarios (intensity_grid.csv), the
countermeasure gains and cost against gain (compare), tornado charts (sensitivity) and
Table 7 as a figure; each one the folder's files support.

Examples:
  bcpsim charts results/case2-20260101T000000Z --lang en
  bcpsim charts results/case2-sens --force")]
    Charts(ChartsArgs),
    /// Merge shard folders (from `run --shard`) into the results of one run.
    #[command(after_help = "Examples:\n  bcpsim merge results/s1 results/s2 --out results/merged")]
    Merge(MergeArgs),
}

#[derive(Debug, Args)]
struct ModelArgs {
    /// Scenario file.
    scenario: PathBuf,
    /// Apply a countermeasure option (repeatable).
    #[arg(long = "option", value_name = "ID")]
    options: Vec<String>,
}

#[derive(Debug, Args)]
struct RunCommon {
    /// Number of trials (default: the scenario's [simulation] trials).
    #[arg(long)]
    trials: Option<u64>,
    /// Seed (default: the scenario's [simulation] seed).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Results folder.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replace an existing results folder.
    #[arg(long)]
    force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Args)]
struct RunArgs {
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    common: RunCommon,
    /// Run only slice K of N of the trials and write mergeable state (e.g. 2/8).
    #[arg(long, value_name = "K/N", conflicts_with = "ci_width")]
    shard: Option<String>,
    /// Also write report.html and report.md (and charts/) into the results folder.
    #[arg(long, conflicts_with = "shard")]
    report: bool,
    /// Language of the report (with --report).
    #[arg(long, value_enum, default_value = "ja")]
    lang: LangArg,
    /// Stop once every reported 95 % interval is narrower than W (checked every 65,536
    /// trials, so the same seed always stops at the same trial); --trials is then the
    /// maximum.
    #[arg(long, value_name = "W")]
    ci_width: Option<f64>,
    /// Simulate only the state right after the quake (hazard, damage, services at t = 0):
    /// the same summary, ministries and site tables as a full run, without the recovery.
    #[arg(long)]
    at_quake: bool,
}

#[derive(Debug, Args)]
struct InspectArgs {
    #[command(flatten)]
    model: ModelArgs,
    /// Print JSON (the only format for now).
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LangArg {
    Ja,
    En,
}

#[derive(Debug, Args)]
struct Table7Args {
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    common: RunCommon,
    /// Language of table7.md.
    #[arg(long, value_enum, default_value = "ja")]
    lang: LangArg,
    /// Probability at or above which an event is expected (default 0.5).
    #[arg(long, default_value_t = table7::DEFAULT_THRESHOLD)]
    threshold: f64,
    /// Judge events this many hours after the quake (needs [recovery]); default: at each
    /// service's recovery-time objective when the scenario has [recovery], else right after
    /// the quake from damage alone.
    #[arg(long, value_name = "H")]
    at_hours: Option<f64>,
    /// Judge events right after the quake from damage alone, even with [recovery].
    #[arg(long, conflicts_with = "at_hours")]
    at_quake: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum EventTypeArg {
    Crustal,
    Interface,
    Intraslab,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ImtArg {
    Pgv,
    Pga,
}

#[derive(Debug, Args)]
struct GmpeArgs {
    /// Tectonic type.
    #[arg(long, value_enum)]
    event_type: EventTypeArg,
    /// Moment magnitude.
    #[arg(long)]
    mw: f64,
    /// Hypocentral depth, km.
    #[arg(long)]
    depth_km: f64,
    /// Vs30, m/s.
    #[arg(long, default_value_t = 600.0)]
    vs30: f64,
    /// Measure.
    #[arg(long, value_enum, default_value = "pgv")]
    imt: ImtArg,
    /// Closest distances to the rupture, km, comma-separated.
    #[arg(long, value_delimiter = ',', required = true)]
    rrup_km: Vec<f64>,
}

#[derive(Debug, Args)]
struct HazardArgs {
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    common: RunCommon,
}

#[derive(Debug, Args)]
struct CompareArgs {
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
    lang: LangArg,
    /// Also write report.html and report.md (and charts/) into the results folder.
    #[arg(long)]
    report: bool,
}

#[derive(Debug, Args)]
struct ReportArgs {
    /// Results folder.
    results: PathBuf,
    /// Another results folder to fold into the report (repeatable).
    #[arg(long = "with", value_name = "DIR")]
    with: Vec<PathBuf>,
    /// Language of the report and charts.
    #[arg(long, value_enum, default_value = "ja")]
    lang: LangArg,
    /// Replace an existing report.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
struct ChartsArgs {
    /// Results folder.
    results: PathBuf,
    /// Language of the charts.
    #[arg(long, value_enum, default_value = "ja")]
    lang: LangArg,
    /// Replace existing charts.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
struct SensitivityArgs {
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    common: RunCommon,
    /// Language of sensitivity.md (and of the report).
    #[arg(long, value_enum, default_value = "ja")]
    lang: LangArg,
    /// Also write report.html and report.md (and charts/) into the results folder.
    #[arg(long)]
    report: bool,
}

#[derive(Debug, Args)]
struct ExplainArgs {
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

#[derive(Debug, Args)]
struct MergeArgs {
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

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if let Error::Io { source, .. } = &e {
                if source.kind() == std::io::ErrorKind::BrokenPipe {
                    return ExitCode::SUCCESS;
                }
            }
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(a) => cmd_run(a),
        Command::Validate(a) => cmd_validate(a),
        Command::Inspect(a) => cmd_inspect(a),
        Command::Table7(a) => cmd_table7(a),
        Command::Merge(a) => cmd_merge(a),
        Command::Gmpe(a) => cmd_gmpe(a),
        Command::Explain(a) => cmd_explain(a),
        Command::Compare(a) => cmd_compare(a),
        Command::Hazard(a) => cmd_hazard(a),
        Command::Sensitivity(a) => cmd_sensitivity(a),
        Command::Report(a) => cmd_report(a),
        Command::Charts(a) => cmd_charts(a),
    }
}

fn load(a: &ModelArgs) -> Result<(Scenario, Model)> {
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

fn pool(threads: Option<usize>) -> Result<(rayon::ThreadPool, usize)> {
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
struct ManifestFacts {
    command: String,
    scenario: String,
    scenario_id: String,
    scenario_sha256: String,
    seed: u64,
    trials: u64,
    trial_range: (u64, u64),
    shard: Option<String>,
    options: Vec<String>,
    threads: usize,
    elapsed_seconds: f64,
    at_quake: bool,
}

impl ManifestFacts {
    /// Facts of a command that runs trials 0..trials of one model, unsharded.
    #[allow(clippy::too_many_arguments)]
    fn whole_run(
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

    fn manifest(&self) -> Manifest {
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
struct Setup {
    trials: u64,
    seed: u64,
    pool: rayon::ThreadPool,
    threads: usize,
    out: OutDir,
}

impl RunCommon {
    /// Trials (the scenario's default, or `default_trials` when given), seed, thread pool,
    /// and the results folder (`results/<scenario><kind>-<time>` unless --out).
    fn setup(&self, model: &Model, default_trials: Option<u64>, kind: &str) -> Result<Setup> {
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

fn say(quiet: bool, msg: &str) {
    if !quiet {
        let _ = writeln!(std::io::stderr(), "{msg}");
    }
}

fn cmd_run(a: RunArgs) -> Result<()> {
    let shard = a.shard.as_deref().map(Shard::parse).transpose()?;
    let (scenario, model) = load(&a.model)?;
    let kind = shard
        .map(|s| format!("-shard{}of{}", s.index + 1, s.count))
        .unwrap_or_default();
    let Setup {
        trials,
        seed,
        pool,
        threads,
        out,
    } = a.common.setup(&model, None, &kind)?;
    let range = shard.map(|s| s.range(trials)).unwrap_or(0..trials);
    say(
        a.common.quiet,
        &format!(
            "bcpsim: {} ({} trials{}, seed {seed}, {threads} threads)",
            model.id,
            range.end - range.start,
            report::shard_label(shard)
                .map(|s| format!(", shard {s} of {trials}"))
                .unwrap_or_default()
        ),
    );
    if let Some(w) = a.ci_width {
        if !(w > 0.0 && w < 1.0) {
            return Err(Error::Usage(format!(
                "--ci-width must be in (0, 1), got {w}"
            )));
        }
    }
    let start = Instant::now();
    let progress = progress_bar(a.common.quiet, range.end - range.start);
    let stages = if a.at_quake {
        Stages::at_quake(&model)
    } else {
        Stages::all(&model)
    };
    let (tally, range) = pool.install(|| {
        crate::drive::run_until(&model, &stages, seed, range.clone(), a.ci_width, &|k| {
            progress.inc(k)
        })
    });
    progress.finish_and_clear();
    // With --ci-width the run is as long as it took: the trials done are the run's size.
    let trials = if a.ci_width.is_some() {
        range.end
    } else {
        trials
    };
    let elapsed = start.elapsed().as_secs_f64();
    if let Some(w) = a.ci_width {
        say(
            a.common.quiet,
            &format!(
                "--ci-width {w}: widest interval {:.4} after {} trials{}",
                crate::drive::widest_interval(&tally),
                tally.trials,
                if crate::drive::widest_interval(&tally) < w {
                    " (target reached)"
                } else {
                    " (maximum reached)"
                }
            ),
        );
    }
    let state = State {
        format: 1,
        scenario_id: model.id.clone(),
        scenario_sha256: scenario.sha256.clone(),
        seed,
        options: model.applied.clone(),
        trials_total: trials,
        range: (range.start, range.end),
        services: model.services.iter().map(|s| s.id.clone()).collect(),
        tally: tally.clone(),
        at_quake: a.at_quake,
    };
    out.write_json("state.json", &state)?;
    if shard.is_none() {
        report::write_tables(&out, &model, &tally)?;
        out.write_json("regions.json", &report::region_outlines(&scenario))?;
    }
    out.write_json(
        "manifest.json",
        &ManifestFacts {
            command: "run".into(),
            scenario: a.model.scenario.display().to_string(),
            scenario_id: model.id.clone(),
            scenario_sha256: scenario.sha256.clone(),
            seed,
            trials,
            trial_range: (range.start, range.end),
            shard: report::shard_label(shard),
            options: model.applied.clone(),
            threads,
            elapsed_seconds: elapsed,
            at_quake: a.at_quake,
        }
        .manifest(),
    )?;
    if a.report {
        report_into(&out, a.lang)?;
    }
    let path = out.commit()?;
    say(
        a.common.quiet,
        &format!(
            "{} trials in {elapsed:.2} s ({:.0} trials/s)",
            range.end - range.start,
            (range.end - range.start) as f64 / elapsed.max(1e-9)
        ),
    );
    if !a.common.quiet {
        if shard.is_none() {
            print_headline(&model, &tally);
            print_kansai_curve(&model, &tally);
            print_mail(&model, &tally);
        }
        println!("results: {}", path.display());
    }
    Ok(())
}

/// A progress bar with rate and time left, hidden with --quiet or when stderr is not a
/// terminal.
fn progress_bar(quiet: bool, total: u64) -> indicatif::ProgressBar {
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

fn print_headline(model: &Model, t: &crate::tally::Tally) {
    if model.ministries.is_empty() {
        return;
    }
    println!(
        "{:<6} {:>22} {:>22} {:>22}",
        "", "network operation", "connection to G-net", "work from Kansai"
    );
    for m in &model.ministries {
        let f = |s: usize| {
            let p = crate::base::interval::Proportion::new(t.service_up[s], t.trials);
            format!("{:.3} [{:.3},{:.3}]", p.p, p.low, p.high)
        };
        println!(
            "{:<6} {:>22} {:>22} {:>22}",
            m.id,
            f(m.network_operation),
            f(m.gnet_connection),
            f(m.work_from_kansai)
        );
    }
}

/// By when each ministry can work from Kansai: probabilities at a few checkpoints.
fn print_kansai_curve(model: &Model, t: &crate::tally::Tally) {
    let Some(rec) = &model.recovery else {
        return;
    };
    let c = rec.checkpoints.len();
    let cols: Vec<usize> = (0..c)
        .filter(|&k| [24.0, 72.0, 168.0, 336.0, 720.0].contains(&rec.checkpoints[k]))
        .collect();
    if cols.is_empty() || model.ministries.is_empty() {
        return;
    }
    print!(
        "\nwork from Kansai, probability by hours after the quake\n{:<6}",
        ""
    );
    for &k in &cols {
        print!(" {:>8}", format!("{} h", rec.checkpoints[k]));
    }
    println!();
    for m in &model.ministries {
        print!("{:<6}", m.id);
        for &k in &cols {
            print!(
                " {:>8.3}",
                t.rec_up[m.work_from_kansai * c + k] as f64 / t.trials.max(1) as f64
            );
        }
        println!();
    }
}

fn print_mail(model: &Model, t: &crate::tally::Tally) {
    let (Some(lg), Some(m)) = (&model.lgwan, &t.mail) else {
        return;
    };
    println!("\nLGWAN mail: bounced (95 % interval) and delivered within 24 h, per flow and configuration");
    for r in crate::tally::mail::mail_rows(lg, m) {
        println!(
            "{:<29} {:<18} bounced {:.3} [{:.3},{:.3}]  within 24 h {:.3}",
            r.flow, r.configuration, r.p_bounced, r.p_bounced_low, r.p_bounced_high, r.p_within_24h
        );
    }
}

fn cmd_validate(a: ModelArgs) -> Result<()> {
    let (scenario, model) = load(&a)?;
    // [[uncertain]] entries are checked here too, not only when `sensitivity` runs.
    crate::study::sensitivity::factors(&scenario)?;
    // Every declared option must apply cleanly, not only the ones asked for.
    for o in &model.options {
        if !a.options.contains(&o.id) {
            let mut options = a.options.clone();
            options.push(o.id.clone());
            Model::build(
                &scenario,
                &BuildSpec {
                    options,
                    ..BuildSpec::default()
                },
            )?;
        }
    }
    println!(
        "{}: ok ({} files, {} regions, {} sites, {} unknowns, {} nodes, {} links, {} services, {} ministries, {} options{})",
        a.scenario.display(),
        scenario.sources.files.len(),
        model.regions.len(),
        model.sites.len(),
        model.unknowns.len(),
        model.nodes.len(),
        model.links.len(),
        model.services.len(),
        model.ministries.len(),
        model.options.len(),
        if model.applied.is_empty() {
            String::new()
        } else {
            format!("; applied: {}", model.applied.join(", "))
        }
    );
    Ok(())
}

#[derive(Serialize)]
struct InspectNode<'a> {
    id: &'a str,
    kind: crate::scenario::NodeKind,
    class: Option<&'a str>,
    name_en: &'a str,
    name_ja: &'a str,
    exists_p: f64,
    /// The site when it is fixed (null when it has none or an unknown decides it).
    site: Option<&'a str>,
    /// Latitude of the fixed site.
    lat: Option<f64>,
    /// Longitude of the fixed site.
    lon: Option<f64>,
    /// Region of the fixed site.
    region: Option<&'a str>,
    /// One entry per possible site (one when fixed; one per alternative of an unknown).
    sites: Vec<InspectSite<'a>>,
    unknown: Option<&'a str>,
}

#[derive(Serialize)]
struct InspectSite<'a> {
    alternative: Option<&'a str>,
    probability: f64,
    site: &'a str,
    lat: f64,
    lon: f64,
    region: &'a str,
}

#[derive(Serialize)]
struct InspectLink<'a> {
    a: &'a str,
    b: &'a str,
    oneway: bool,
}

#[derive(Serialize)]
struct InspectService<'a> {
    id: &'a str,
    name_en: &'a str,
    name_ja: &'a str,
    expr: &'a str,
    nodes_used: Vec<&'a str>,
}

#[derive(Serialize)]
struct InspectModel<'a> {
    scenario: &'a str,
    options_applied: &'a [String],
    regions: &'a [crate::model::Region],
    unknowns: &'a [crate::model::Unknown],
    nodes: Vec<InspectNode<'a>>,
    links: Vec<InspectLink<'a>>,
    groups: Vec<(&'a str, Vec<&'a str>)>,
    services: Vec<InspectService<'a>>,
    ministries: &'a [crate::model::Ministry],
    events: &'a [crate::model::Event],
    options: &'a [crate::model::OptionInfo],
}

fn cmd_inspect(a: InspectArgs) -> Result<()> {
    let (_, model) = load(&a.model)?;
    let _ = a.json;
    let name = |i: usize| model.nodes[i].id.as_str();
    let site = |s: usize, alternative: Option<&'static str>, p: f64| InspectSite {
        alternative,
        probability: p,
        site: &model.sites[s].id,
        lat: model.sites[s].pos.lat,
        lon: model.sites[s].pos.lon,
        region: &model.regions[model.sites[s].region].id,
    };
    let nodes = model
        .nodes
        .iter()
        .map(|n| {
            let (sites, unknown) = match &n.placement {
                Placement::Nowhere => (Vec::new(), None),
                Placement::Fixed(s) => (vec![site(*s, None, 1.0)], None),
                Placement::ByUnknown { unknown, sites } => {
                    let u = &model.unknowns[*unknown];
                    (
                        sites
                            .iter()
                            .zip(&u.alternatives)
                            .map(|(&s, (alt, p))| InspectSite {
                                alternative: Some(alt.as_str()),
                                ..site(s, None, *p)
                            })
                            .collect(),
                        Some(u.id.as_str()),
                    )
                }
            };
            let fixed = match &n.placement {
                Placement::Fixed(s) => Some(&model.sites[*s]),
                _ => None,
            };
            InspectNode {
                site: fixed.map(|s| s.id.as_str()),
                lat: fixed.map(|s| s.pos.lat),
                lon: fixed.map(|s| s.pos.lon),
                region: fixed.map(|s| model.regions[s.region].id.as_str()),
                id: &n.id,
                kind: n.kind,
                class: n.class.map(|c| model.classes[c].as_str()),
                name_en: &n.name_en,
                name_ja: &n.name_ja,
                exists_p: n.exists_p,
                sites,
                unknown,
            }
        })
        .collect();
    let view = InspectModel {
        scenario: &model.id,
        options_applied: &model.applied,
        regions: &model.regions,
        unknowns: &model.unknowns,
        nodes,
        links: model
            .links
            .iter()
            .map(|l| InspectLink {
                a: name(l.a),
                b: name(l.b),
                oneway: l.oneway,
            })
            .collect(),
        groups: model
            .groups
            .iter()
            .map(|(g, m)| (g.as_str(), m.iter().map(|&i| name(i)).collect()))
            .collect(),
        services: model
            .services
            .iter()
            .map(|s| InspectService {
                id: &s.id,
                name_en: &s.name_en,
                name_ja: &s.name_ja,
                expr: &s.expr,
                nodes_used: s.nodes_used.iter().map(|&i| name(i)).collect(),
            })
            .collect(),
        ministries: &model.ministries,
        events: &model.events,
        options: &model.options,
    };
    let s = serde_json::to_string_pretty(&view).map_err(|e| Error::Run(e.to_string()))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{s}").map_err(|e| Error::io("writing to stdout", e))?;
    Ok(())
}

fn cmd_table7(a: Table7Args) -> Result<()> {
    if !(a.threshold > 0.0 && a.threshold <= 1.0) {
        return Err(Error::Usage(format!(
            "--threshold must be a probability in (0, 1], got {}",
            a.threshold
        )));
    }
    let (scenario, model) = load(&a.model)?;
    let Setup {
        trials,
        seed,
        pool,
        threads,
        out,
    } = a.common.setup(&model, Some(20_000), "-table7")?;
    let at = match (a.at_hours, a.at_quake, &model.recovery) {
        (_, true, _) | (None, false, None) => table7::When::Quake,
        (None, false, Some(_)) => table7::When::Rto,
        (Some(h), false, Some(r)) => {
            if !(0.0..=r.horizon).contains(&h) {
                return Err(Error::Usage(format!(
                    "--at-hours must be within the recovery horizon [0, {}], got {h}",
                    r.horizon
                )));
            }
            table7::When::Hours(h)
        }
        (Some(_), false, None) => {
            return Err(Error::Usage(format!(
                "--at-hours needs a [recovery] table, which {} does not have",
                a.model.scenario.display()
            )))
        }
    };
    let config = table7::Config {
        trials,
        seed,
        threshold: a.threshold,
        base_options: a.model.options.clone(),
        at,
    };
    let quiet = a.common.quiet;
    let start = Instant::now();
    let table = pool.install(|| table7::compute(&scenario, &config, &|_| {}))?;
    let elapsed = start.elapsed().as_secs_f64();
    let lang = match a.lang {
        LangArg::Ja => Lang::Ja,
        LangArg::En => Lang::En,
    };
    let name = match lang {
        Lang::Ja => &model.name_ja,
        Lang::En => &model.name_en,
    };
    out.write_csv("table7.csv", &table.rows)?;
    let md = table.markdown(lang, name);
    out.write("table7.md", md.as_bytes())?;
    finish_with_summary(
        out,
        &ManifestFacts::whole_run(
            "table7",
            &a.model.scenario,
            &scenario,
            &model,
            seed,
            trials,
            threads,
            elapsed,
        ),
        None,
        &md,
        quiet,
    )
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

fn cmd_merge(a: MergeArgs) -> Result<()> {
    let mut states = Vec::new();
    for d in &a.shards {
        states.push((d.clone(), read_state(d)?));
    }
    let (first_dir, first) = &states[0];
    for (d, s) in &states[1..] {
        if s.scenario_sha256 != first.scenario_sha256
            || s.seed != first.seed
            || s.options != first.options
            || s.trials_total != first.trials_total
            || s.at_quake != first.at_quake
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
    // Rebuild the model from the scenario recorded in the first shard's manifest.
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
    let stages = if first.at_quake {
        Stages::at_quake(&model)
    } else {
        Stages::all(&model)
    };
    let mut tally = crate::tally::Tally::new(&model, &stages);
    for (_, s) in &states {
        if !tally.same_shape(&s.tally) {
            return Err(Error::Usage(
                "shard counts do not match the model's shape".into(),
            ));
        }
        tally.merge(&s.tally);
    }
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

fn cmd_gmpe(a: GmpeArgs) -> Result<()> {
    use crate::groundmotion as gm;
    let event = gm::EventParams {
        mw: a.mw,
        hypo_depth_km: a.depth_km,
        event_type: match a.event_type {
            EventTypeArg::Crustal => gm::EventType::Crustal,
            EventTypeArg::Interface => gm::EventType::Interface,
            EventTypeArg::Intraslab => gm::EventType::Intraslab,
        },
    };
    let imt = match a.imt {
        ImtArg::Pgv => gm::Imt::Pgv,
        ImtArg::Pga => gm::Imt::Pga,
    };
    #[derive(Serialize)]
    struct Row {
        rrup_km: f64,
        median: f64,
        sigma_ln: f64,
    }
    let mut rows = Vec::new();
    for &r in &a.rrup_km {
        let (median, sigma_ln) = gm::median_and_sigma(&event, imt, r, a.vs30)
            .map_err(|e| Error::Usage(format!("{e}")))?;
        rows.push(Row {
            rrup_km: r,
            median,
            sigma_ln,
        });
    }
    let bytes = report::csv_bytes(&rows)?;
    std::io::stdout()
        .lock()
        .write_all(&bytes)
        .map_err(|e| Error::io("writing to stdout", e))
}

#[derive(Serialize)]
struct SiteRow {
    site: String,
    lat: f64,
    lon: f64,
    region: String,
    vs30_mps: f64,
    rrup_km: f64,
    median_pgv_cms: f64,
    median_jma: f64,
    p_6_lower_or_more: f64,
    p_6_upper_or_more: f64,
    p_7: f64,
}

fn cmd_hazard(a: HazardArgs) -> Result<()> {
    let (scenario, model) = load(&a.model)?;
    let Some(g) = &model.ground_motion else {
        return Err(Error::Usage(format!(
            "{} has no [hazard.ground_motion] earthquake",
            a.model.scenario.display()
        )));
    };
    if g.imt != crate::groundmotion::Imt::Pgv {
        return Err(Error::Usage(
            "`bcpsim hazard` reports JMA intensity, which needs a PGV field (imt = \"pgv\")".into(),
        ));
    }
    let Setup {
        trials,
        seed,
        pool,
        threads,
        out,
    } = a.common.setup(&model, None, "-hazard")?;
    let start = Instant::now();
    let n = model.sites.len();
    // Counts of trials at or above 6-lower, 6-upper and 7, per site (integers: exact merge).
    let stages = Stages::until(&model, Stage::Hazard);
    let counts = pool.install(|| {
        crate::drive::fold(
            0..trials,
            crate::drive::BATCH,
            || TrialWorkspace::new(&model, &stages),
            || vec![[0u64; 3]; n],
            |w, c, t| {
                trial::run(&model, &stages, seed, t, w);
                if !w.t0.quake {
                    return;
                }
                for (s, cs) in c.iter_mut().enumerate() {
                    let i = crate::groundmotion::jma_from_pgv(w.t0.site_ln[s].exp());
                    for (k, bound) in [5.5, 6.0, 6.5].iter().enumerate() {
                        cs[k] += u64::from(i >= *bound);
                    }
                }
            },
            |a, b| {
                for (x, y) in a.iter_mut().zip(b) {
                    for k in 0..3 {
                        x[k] += y[k];
                    }
                }
            },
            &|_| {},
        )
    });
    let rows: Vec<SiteRow> = model
        .sites
        .iter()
        .enumerate()
        .map(|(s, site)| {
            let pgv = g.ln_median[s].exp();
            let f = |k: usize| crate::base::fmt::r6(counts[s][k] as f64 / trials as f64);
            SiteRow {
                site: site.id.clone(),
                lat: site.pos.lat,
                lon: site.pos.lon,
                region: model.regions[site.region].id.clone(),
                vs30_mps: g.vs30_mps[s],
                rrup_km: crate::base::fmt::r6(g.rrup_km[s]),
                median_pgv_cms: crate::base::fmt::r6(pgv),
                median_jma: crate::base::fmt::r6(crate::groundmotion::jma_from_pgv(pgv)),
                p_6_lower_or_more: f(0),
                p_6_upper_or_more: f(1),
                p_7: f(2),
            }
        })
        .collect();
    out.write_csv("sites.csv", &rows)?;
    let elapsed = start.elapsed().as_secs_f64();
    out.write_json(
        "manifest.json",
        &ManifestFacts::whole_run(
            "hazard",
            &a.model.scenario,
            &scenario,
            &model,
            seed,
            trials,
            threads,
            elapsed,
        )
        .manifest(),
    )?;
    let path = out.commit()?;
    if !a.common.quiet {
        println!("results: {}", path.display());
    }
    Ok(())
}

fn cmd_explain(a: ExplainArgs) -> Result<()> {
    use crate::sim::recovery::Subject;
    let (_, model) = load(&a.model)?;
    let Some(rec) = &model.recovery else {
        return Err(Error::Usage(format!(
            "{} has no [recovery] table: there is no event trace to explain",
            a.model.scenario.display()
        )));
    };
    let Some(si) = model.services.iter().position(|s| s.id == a.service) else {
        return Err(Error::Usage(format!(
            "unknown service `{}`{}",
            a.service,
            crate::diag::did_you_mean(&a.service, model.services.iter().map(|s| s.id.as_str()))
                .map(|h| format!("; {h}"))
                .unwrap_or_default()
        )));
    };
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
    let used: std::collections::BTreeSet<usize> = svc.nodes_used.iter().copied().collect();
    let sites: std::collections::BTreeSet<u32> = used.iter().map(|&i| ws.node_site[i]).collect();
    let pools: std::collections::BTreeSet<usize> = used
        .iter()
        .filter_map(|&i| {
            model.nodes[i]
                .class
                .and_then(|c| rec.repair[c])
                .map(|r| r.pool)
        })
        .collect();
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
    for line in trace {
        let relevant = match line.subject {
            Subject::Node(i) => used.contains(&(i as usize)),
            Subject::Site(s) => sites.contains(&s),
            Subject::Pool(p) => pools.contains(&(p as usize)),
            Subject::Service(s) => s as usize == si,
        };
        if relevant {
            out += &format!("  {:>8.2}  {}\n", line.hours, line.what);
        }
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

fn cmd_compare(a: CompareArgs) -> Result<()> {
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
    let md = cmp.markdown(matches!(a.lang, LangArg::Ja));
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

/// One row of `factors.csv`: what `bcpsim sensitivity` swung.
#[derive(Serialize)]
struct FactorRow<'a> {
    factor: &'a str,
    kind: crate::study::sensitivity::FactorKind,
    name_en: &'a str,
    name_ja: &'a str,
    as_declared: &'a str,
    variants: String,
    source: &'a str,
}

fn cmd_sensitivity(a: SensitivityArgs) -> Result<()> {
    let (scenario, model) = load(&a.model)?;
    let factors = crate::study::sensitivity::factors(&scenario)?;
    if factors.is_empty() {
        return Err(Error::Usage(format!(
            "{} declares no unknowns, existence probabilities or [[uncertain]] parameters: nothing to swing",
            a.model.scenario.display()
        )));
    }
    let Setup {
        trials,
        seed,
        pool,
        threads,
        out,
    } = a.common.setup(&model, Some(5_000), "-sensitivity")?;
    say(
        a.common.quiet,
        &format!(
            "bcpsim sensitivity: {} ({} factors, {} model runs per trial, {trials} trials, seed {seed}, {threads} threads)",
            model.id,
            factors.len(),
            crate::study::sensitivity::variant_count(&factors)
        ),
    );
    let start = Instant::now();
    let progress = progress_bar(a.common.quiet, trials);
    let sens = pool.install(|| {
        crate::study::sensitivity::run(&scenario, &a.model.options, trials, seed, &|k| {
            progress.inc(k)
        })
    })?;
    progress.finish_and_clear();
    let elapsed = start.elapsed().as_secs_f64();
    out.write_csv("sensitivity.csv", &sens.rows)?;
    let frows: Vec<FactorRow> = sens
        .factors
        .iter()
        .map(|f| FactorRow {
            factor: &f.id,
            kind: f.kind,
            name_en: &f.name_en,
            name_ja: &f.name_ja,
            as_declared: &f.as_declared,
            variants: f.variant_labels().join(" | "),
            source: &f.source,
        })
        .collect();
    out.write_csv("factors.csv", &frows)?;
    let ja = matches!(a.lang, LangArg::Ja);
    let md = sens.markdown(ja, if ja { &model.name_ja } else { &model.name_en });
    out.write("sensitivity.md", md.as_bytes())?;
    finish_with_summary(
        out,
        &ManifestFacts::whole_run(
            "sensitivity",
            &a.model.scenario,
            &scenario,
            &model,
            seed,
            trials,
            threads,
            elapsed,
        ),
        a.report.then_some(a.lang),
        &md,
        a.common.quiet,
    )
}

fn chart_lang(l: LangArg) -> crate::output::charts::Lang {
    match l {
        LangArg::Ja => crate::output::charts::Lang::Ja,
        LangArg::En => crate::output::charts::Lang::En,
    }
}

/// Writes the manifest, the report when asked for one, commits the results folder and prints
/// the Markdown summary and where the results are.
fn finish_with_summary(
    out: OutDir,
    facts: &ManifestFacts,
    report: Option<LangArg>,
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
fn report_into(out: &OutDir, lang: LangArg) -> Result<()> {
    let r = crate::output::html::build(out.path(), &[], chart_lang(lang))?;
    crate::output::html::write(out.path(), &r, true)?;
    Ok(())
}

fn cmd_report(a: ReportArgs) -> Result<()> {
    for d in std::iter::once(&a.results).chain(&a.with) {
        if !d.is_dir() {
            return Err(Error::Usage(format!(
                "{}: no such results folder (give a folder written by bcpsim run, merge, compare, sensitivity or table7)",
                d.display()
            )));
        }
    }
    if !a.force && a.results.join("report.html").exists() {
        return Err(Error::OutputExists(a.results.join("report.html")));
    }
    let r = crate::output::html::build(&a.results, &a.with, chart_lang(a.lang))?;
    let path = crate::output::html::write(&a.results, &r, a.force)?;
    println!(
        "report: {} ({} charts; report.md and charts/ beside it)",
        path.display(),
        r.charts.len()
    );
    Ok(())
}

fn cmd_charts(a: ChartsArgs) -> Result<()> {
    if !a.results.is_dir() {
        return Err(Error::Usage(format!(
            "{}: no such results folder",
            a.results.display()
        )));
    }
    if !a.force && a.results.join("charts").exists() {
        return Err(Error::OutputExists(a.results.join("charts")));
    }
    let lang = chart_lang(a.lang);
    let manifest = crate::output::charts::read_manifest(&a.results)?;
    let names = Scenario::load(Path::new(&manifest.scenario))
        .ok()
        .filter(|s| s.sha256 == manifest.scenario_sha256)
        .and_then(|s| Model::build(&s, &BuildSpec::default()).ok())
        .map(|m| crate::output::charts::Names::from_model(&m))
        .unwrap_or_default();
    let charts = crate::output::charts::make_all(&a.results, &names, lang)?;
    let dir = crate::output::html::write_charts(&a.results, &charts, a.force)?;
    for c in &charts {
        println!("{}", dir.join(format!("{}.png", c.name)).display());
    }
    Ok(())
}
