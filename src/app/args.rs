//! Arguments shared by several commands: the scenario with its options, the trial-running
//! flags, the language.

use std::path::PathBuf;

use clap::Args;

#[derive(Debug, Args)]
pub(super) struct ModelArgs {
    /// Scenario file.
    pub(super) scenario: PathBuf,
    /// Apply a countermeasure option (repeatable).
    #[arg(long = "option", value_name = "ID")]
    pub(super) options: Vec<String>,
}

#[derive(Debug, Args)]
pub(super) struct RunCommon {
    /// Number of trials (default: the scenario's [simulation] trials).
    #[arg(long)]
    pub(super) trials: Option<u64>,
    /// Seed (default: the scenario's [simulation] seed).
    #[arg(long)]
    pub(super) seed: Option<u64>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub(super) threads: Option<usize>,
    /// Results folder.
    #[arg(long)]
    pub(super) out: Option<PathBuf>,
    /// Replace an existing results folder.
    #[arg(long)]
    pub(super) force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub(super) quiet: bool,
}
