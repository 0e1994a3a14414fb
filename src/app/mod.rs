//! The command line: parse, call the library, map errors to exit codes.
//!
//! This file holds the parser, the commands' help texts and the dispatch; each command is in
//! its own file, arguments shared by several commands are in `args`, and what the commands
//! share beyond them (loading, the thread pool, the manifest, messages) is in `common`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::diag::{Error, Result};

mod args;
mod charts;
mod common;
mod compare;
mod explain;
mod gmpe;
mod hazard;
mod inspect;
mod merge;
mod report;
mod run;
mod sensitivity;
mod table7;
mod validate;

const AFTER_HELP: &str = "\
Exit codes: 0 success, 1 failure while running, 2 bad input or usage.

Examples:
  bcpsim run scenarios/case2.toml
  bcpsim run scenarios/case2.toml --trials 1000000 --threads 2 --option backup-outside
  bcpsim run scenarios/case2.toml --at-quake            # the state right after the quake only
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
With --at-quake only the hazard and damage stages run: the files of the recovery and the
mail (availability.csv, restoration.csv, crews.csv, kansai_over_time.csv, mail.csv,
mail_compare.csv) are not written. results/README.md describes every file.

Examples:
  bcpsim run scenarios/case1.toml
  bcpsim run scenarios/lgwan-mail.toml --trials 100000
  bcpsim run scenarios/case2.toml --trials 200000 --seed 7 --option interconnection-outside
  bcpsim run scenarios/case1-gm.toml --at-quake --trials 1000000
  bcpsim run scenarios/case2.toml --shard 3/8 --out results/case2-shard3")]
    Run(run::RunArgs),
    /// Check a scenario (and options) and print a short description of the model.
    #[command(
        after_help = "Examples:\n  bcpsim validate scenarios/case2.toml\n  bcpsim validate scenarios/case2.toml --option backup-outside"
    )]
    Validate(args::ModelArgs),
    /// Print the expanded model: nodes, links, services and the node sets they use.
    #[command(after_help = "Examples:\n  bcpsim inspect scenarios/case1.toml --json > model.json")]
    Inspect(inspect::InspectArgs),
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
    Table7(table7::Table7Args),
    /// Print Si & Midorikawa (1999) medians and sigmas as CSV (rrup_km,median,sigma_ln).
    #[command(after_help = "\
PGV medians are in cm/s, PGA medians in g; sigma_ln is the total standard deviation of ln.
Implemented as OpenQuake hazardlib's SiMidorikawa1999 (magnitude capped at 8.3).

Examples:
  bcpsim gmpe --event-type crustal --mw 7.3 --depth-km 30 --vs30 400 --imt pgv --rrup-km 10,50,100
  bcpsim gmpe --event-type intraslab --mw 7.3 --depth-km 45 --vs30 300 --imt pga --rrup-km 45")]
    Gmpe(gmpe::GmpeArgs),
    /// Sample a scenario's ground-motion field and write per-site intensities (sites.csv).
    #[command(after_help = "\
Writes sites.csv: site,lat,lon,region,vs30_mps,rrup_km,median_pgv_cms,median_jma,
p_6_lower_or_more,p_6_upper_or_more,p_7 (probabilities over the sampled trials), and
manifest.json. Needs [hazard.ground_motion] with imt = \"pgv\".

Examples:
  bcpsim hazard scenarios/case1-gm.toml --trials 20000 --out results/case1-gm-hazard")]
    Hazard(hazard::HazardArgs),
    /// Print the event trace of one trial for one service: what failed, why the service went
    /// down, when repairs started and ended and why they waited.
    #[command(after_help = "\
Needs a [recovery] table. The trial is reproduced exactly as in `run` with the same seed.

Examples:
  bcpsim explain scenarios/case2.toml --service mof.work_from_kansai --trial 17
  bcpsim explain scenarios/case1.toml --service gnet.operation --trial 0 --seed 7")]
    Explain(explain::ExplainArgs),
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
    Compare(compare::CompareArgs),
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

Metrics: the ministries able to work from Kansai (at the quake and, with [recovery], within
their RTO), those whose network operates and that reach G-net, and G-net's operation; with
[lgwan] every variant also runs the mail stage, and each mail row's messages bounced and
delivered within 24 h are measured (the same mail metrics as `compare`).

Examples:
  bcpsim sensitivity scenarios/case2.toml
  bcpsim sensitivity scenarios/case2.toml --trials 20000 --lang en --out results/case2-sens
  bcpsim sensitivity scenarios/case2.toml --option backup-outside   # what still matters after it
  bcpsim report results/case2-sens                                  # tornado chart and tables")]
    Sensitivity(sensitivity::SensitivityArgs),
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
    Report(report::ReportArgs),
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
    Charts(charts::ChartsArgs),
    /// Merge shard folders (from `run --shard`) into the results of one run.
    #[command(after_help = "Examples:\n  bcpsim merge results/s1 results/s2 --out results/merged")]
    Merge(merge::MergeArgs),
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
    match dispatch(cli) {
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

/// Runs the command asked for.
fn dispatch(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(a) => run::execute(a),
        Command::Validate(a) => validate::execute(a),
        Command::Inspect(a) => inspect::execute(a),
        Command::Table7(a) => table7::execute(a),
        Command::Merge(a) => merge::execute(a),
        Command::Gmpe(a) => gmpe::execute(a),
        Command::Explain(a) => explain::execute(a),
        Command::Compare(a) => compare::execute(a),
        Command::Hazard(a) => hazard::execute(a),
        Command::Sensitivity(a) => sensitivity::execute(a),
        Command::Report(a) => report::execute(a),
        Command::Charts(a) => charts::execute(a),
    }
}
