//! The run's side of a results folder, by the paths the commands use: the atomic folder
//! ([`crate::output::folder`]), the manifest and mergeable state
//! ([`crate::output::manifest`]), the row schemas ([`crate::output::rows`]), what maps need
//! ([`crate::output::map`]) and the tables a run writes ([`crate::output::tables`]).

pub use crate::output::folder::{csv_bytes, OutDir};
pub use crate::output::manifest::{shard_label, utc_stamp, Manifest, State};
pub use crate::output::map::{
    intensity_grid_rows, reference_vs30, region_outlines, IntensityGridRow, RegionOutline,
    INTENSITY_GRID_STEP_DEG,
};
pub use crate::output::rows::{
    availability_rows, crew_rows, kansai_over_time_rows, kansai_rows, ministry_rows, power_rows,
    restoration_rows, site_failure_rows, summary_rows, ttr_quantile, AvailabilityRow, CrewRow,
    KansaiCountRow, KansaiOverTimeRow, MinistryRow, PowerRow, RestorationRow, SiteFailureRow,
    SummaryRow,
};
pub use crate::output::tables::write_tables;
