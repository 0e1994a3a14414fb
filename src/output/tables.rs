//! The tables a run writes into its results folder.

use crate::diag::Result;
use crate::model::Model;
use crate::output::folder::OutDir;
use crate::output::map::intensity_grid_rows;
use crate::output::rows::{
    availability_rows, crew_rows, kansai_over_time_rows, kansai_rows, ministry_rows, power_rows,
    restoration_rows, site_failure_rows, summary_rows,
};
use crate::tally::Tally;

/// Writes the tables a run produces from its tally.
pub fn write_tables(out: &OutDir, model: &Model, t: &Tally) -> Result<()> {
    out.write_csv("summary.csv", &summary_rows(model, t))?;
    if !model.sites.is_empty() && t.site_failed.len() == model.sites.len() {
        out.write_csv("site_failures.csv", &site_failure_rows(model, t))?;
    }
    let grid = intensity_grid_rows(model);
    if !grid.is_empty() {
        out.write_csv("intensity_grid.csv", &grid)?;
    }
    if !model.ministries.is_empty() {
        out.write_csv("ministries.csv", &ministry_rows(model, t))?;
        out.write_csv("kansai_ministries.csv", &kansai_rows(t))?;
    }
    if model
        .ground_motion
        .as_ref()
        .is_some_and(|g| g.power.is_some())
    {
        out.write_csv("power.csv", &power_rows(model, t))?;
    }
    if model.recovery.is_some() && t.recovery_recorded() {
        out.write_csv("availability.csv", &availability_rows(model, t))?;
        out.write_csv("restoration.csv", &restoration_rows(model, t))?;
        out.write_csv("crews.csv", &crew_rows(model, t))?;
        let rows = kansai_over_time_rows(model, t);
        if !rows.is_empty() {
            out.write_csv("kansai_over_time.csv", &rows)?;
        }
    }
    if let (Some(lg), Some(m)) = (&model.lgwan, &t.mail) {
        out.write_csv("mail.csv", &crate::tally::mail::mail_rows(lg, m))?;
        out.write_csv("mail_compare.csv", &crate::tally::mail::compare_rows(lg, m))?;
    }
    Ok(())
}
