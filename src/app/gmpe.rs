//! `bcpsim gmpe`: Si & Midorikawa (1999) medians and sigmas as CSV.

use std::io::Write;

use clap::{Args, ValueEnum};
use serde::Serialize;

use crate::diag::{Error, Result};
use crate::output::report;

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
pub(super) struct GmpeArgs {
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

pub(super) fn execute(a: GmpeArgs) -> Result<()> {
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
