//! The manifest of a results folder (written, and read back for captions and reports), the
//! mergeable state of a run, and the labels they carry.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diag::{Error, Result};
use crate::drive::Shard;
use crate::tally::Tally;

/// What a run or shard leaves behind to be merged: enough to check compatibility.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct State {
    /// Format version of this file.
    pub format: u32,
    /// Scenario id.
    pub scenario_id: String,
    /// SHA-256 of the scenario files.
    pub scenario_sha256: String,
    /// Seed.
    pub seed: u64,
    /// Options applied.
    pub options: Vec<String>,
    /// Total trials of the whole run.
    pub trials_total: u64,
    /// Trials covered by this state, [start, end).
    pub range: (u64, u64),
    /// Service ids, in tally order.
    pub services: Vec<String>,
    /// The counts.
    pub tally: Tally,
    /// The run stopped at the quake (`run --at-quake`): no recovery or mail counts.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub at_quake: bool,
}

/// The manifest of a results folder.
#[derive(Debug, Serialize)]
pub struct Manifest {
    /// Tool name.
    pub tool: &'static str,
    /// Tool version.
    pub version: &'static str,
    /// What wrote the folder (`run`, `merge`, `table7`).
    pub command: String,
    /// Scenario file as given.
    pub scenario: String,
    /// Scenario id.
    pub scenario_id: String,
    /// SHA-256 of the scenario files.
    pub scenario_sha256: String,
    /// Seed.
    pub seed: u64,
    /// Random number generator.
    pub generator: &'static str,
    /// Trials of the whole run.
    pub trials: u64,
    /// Trials in this folder, [start, end).
    pub trial_range: (u64, u64),
    /// Shard, if any (1-based K of N).
    pub shard: Option<String>,
    /// Options applied.
    pub options: Vec<String>,
    /// Worker threads.
    pub threads: usize,
    /// Wall time, seconds.
    pub elapsed_seconds: f64,
    /// The command line.
    pub command_line: Vec<String>,
    /// UTC time the folder was written.
    pub created_utc: String,
    /// Only the state right after the quake was simulated (`run --at-quake`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub at_quake: bool,
}

/// What a results folder's manifest says about the run (for captions and reports): the
/// fields every command's manifest shares.
#[derive(Debug, Clone, Deserialize)]
pub struct ManifestInfo {
    /// Command that wrote the folder.
    pub command: String,
    /// Scenario file.
    pub scenario: String,
    /// Scenario id.
    pub scenario_id: String,
    /// SHA-256 of the scenario files.
    #[serde(default)]
    pub scenario_sha256: String,
    /// Seed.
    pub seed: u64,
    /// Trials.
    pub trials: u64,
    /// Options applied.
    #[serde(default)]
    pub options: Vec<String>,
}

/// Reads `manifest.json` of a results folder.
pub fn read_manifest(dir: &Path) -> Result<ManifestInfo> {
    let p = dir.join("manifest.json");
    let text = std::fs::read_to_string(&p).map_err(|m| {
        Error::Usage(format!(
            "{}: no manifest.json ({m}); give a folder written by bcpsim run, merge, compare, sensitivity or table7",
            dir.display()
        ))
    })?;
    serde_json::from_str(&text).map_err(|m| {
        Error::Input(Box::new(crate::diag::InputError {
            file: p.clone(),
            line: m.line(),
            column: m.column(),
            message: format!("not a bcpsim manifest: {m}"),
            hint: None,
        }))
    })
}

/// Shard description `K/N` (1-based).
pub fn shard_label(s: Option<Shard>) -> Option<String> {
    s.map(|s| format!("{}/{}", s.index + 1, s.count))
}

/// `YYYYMMDDTHHMMSSZ` for the current UTC time.
pub fn utc_stamp() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Proleptic Gregorian date from days since 1970-01-01 (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_779), (2026, 11, 22));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}
