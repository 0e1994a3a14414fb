//! `bcpsim charts`: the charts of a results folder, without a report.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::base::lang::Lang;
use crate::diag::{Error, Result};
use crate::model::{BuildSpec, Model};
use crate::scenario::Scenario;

#[derive(Debug, Args)]
pub(super) struct ChartsArgs {
    /// Results folder.
    results: PathBuf,
    /// Language of the charts.
    #[arg(long, value_enum, default_value = "ja")]
    lang: Lang,
    /// Replace existing charts.
    #[arg(long)]
    force: bool,
}

pub(super) fn execute(a: ChartsArgs) -> Result<()> {
    if !a.results.is_dir() {
        return Err(Error::Usage(format!(
            "{}: no such results folder",
            a.results.display()
        )));
    }
    if !a.force && a.results.join("charts").exists() {
        return Err(Error::OutputExists(a.results.join("charts")));
    }
    let lang = a.lang;
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
