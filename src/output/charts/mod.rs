//! Charts from a results folder (SVG and PNG), drawn with plotters, one file per chart.
//!
//! Every chart is made from the files of a results folder only (CSV and JSON), so charts
//! can be re-made without re-running. Text is laid out and, in PNG, rasterised with the
//! embedded IPAexGothic font (IPA Font License v1.0, `assets/fonts/`), so Japanese labels
//! render the same on every machine without a system font; SVG keeps text as text and names
//! IPAexGothic first, then common Japanese system fonts.

mod bars;
mod common;
mod compare;
mod continuity;
mod cost_gain;
mod hbars;
mod kansai_fan;
mod map;
mod ministries_at_quake;
mod ministries_within_rto;
mod overlay;
mod site_map;
mod table7;
mod time;
mod tornado;

use std::path::Path;

pub use self::common::{Chart, Lang, Names};
use self::common::{Folder, Maker};
pub use self::overlay::make_overlay;
use crate::diag::Result;
pub use crate::output::manifest::{read_manifest, ManifestInfo};
pub use crate::output::map::map_extent;

/// Every chart of a results folder, in the order the report shows them; each maker makes
/// nothing when the folder lacks its files.
const MAKERS: &[Maker] = &[
    continuity::make,
    kansai_fan::make,
    ministries_at_quake::make,
    ministries_within_rto::make,
    site_map::make,
    compare::at_quake,
    cost_gain::make,
    compare::within_rto,
    tornado::make,
    table7::make,
];

/// Makes every chart that the files in `dir` support.
pub fn make_all(dir: &Path, names: &Names, lang: Lang) -> Result<Vec<Chart>> {
    let folder = Folder::open(dir, names, lang)?;
    let mut out = Vec::new();
    for make in MAKERS {
        out.extend(make(&folder)?);
    }
    Ok(out)
}
