//! `bcpsim sensitivity`: swing the unknowns and uncertain parameters, rank their effects.

use std::time::Instant;

use clap::Args;
use serde::Serialize;

use super::args::{ModelArgs, RunCommon};
use super::common::{finish_with_summary, load, progress_bar, say, ManifestFacts, Setup};
use crate::base::lang::Lang;
use crate::diag::{Error, Result};

#[derive(Debug, Args)]
pub(super) struct SensitivityArgs {
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    common: RunCommon,
    /// Language of sensitivity.md (and of the report).
    #[arg(long, value_enum, default_value = "ja")]
    lang: Lang,
    /// Also write report.html and report.md (and charts/) into the results folder.
    #[arg(long)]
    report: bool,
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

pub(super) fn execute(a: SensitivityArgs) -> Result<()> {
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
    let md = sens.markdown(a.lang, a.lang.t(&model.name_en, &model.name_ja));
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
