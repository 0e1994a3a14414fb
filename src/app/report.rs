//! `bcpsim report`: report.html and report.md of a results folder.

use std::path::PathBuf;

use clap::Args;

use crate::base::lang::Lang;
use crate::diag::{Error, Result};

#[derive(Debug, Args)]
pub(super) struct ReportArgs {
    /// Results folder.
    results: PathBuf,
    /// Another results folder to fold into the report (repeatable).
    #[arg(long = "with", value_name = "DIR")]
    with: Vec<PathBuf>,
    /// Language of the report and charts.
    #[arg(long, value_enum, default_value = "ja")]
    lang: Lang,
    /// Replace an existing report.
    #[arg(long)]
    force: bool,
}

pub(super) fn execute(a: ReportArgs) -> Result<()> {
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
    let r = crate::output::html::build(&a.results, &a.with, a.lang)?;
    let path = crate::output::html::write(&a.results, &r, a.force)?;
    println!(
        "report: {} ({} charts; report.md and charts/ beside it)",
        path.display(),
        r.charts.len()
    );
    Ok(())
}
