//! `bcpsim table7`: expected events and countermeasures (Table 7).

use std::time::Instant;

use clap::Args;

use super::args::{ModelArgs, RunCommon};
use super::common::{finish_with_summary, load, ManifestFacts, Setup};
use crate::base::lang::Lang;
use crate::diag::{Error, Result};
use crate::study::table7;

#[derive(Debug, Args)]
pub(super) struct Table7Args {
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    common: RunCommon,
    /// Language of table7.md.
    #[arg(long, value_enum, default_value = "ja")]
    lang: Lang,
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

pub(super) fn execute(a: Table7Args) -> Result<()> {
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
    let lang = a.lang;
    let name = lang.t(&model.name_en, &model.name_ja);
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
