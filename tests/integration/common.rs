//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The repository root (where `scenarios/` is).
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A shipped scenario by file name.
pub(crate) fn scenario(name: &str) -> PathBuf {
    root().join("scenarios").join(name)
}

/// The `bcpsim` binary.
pub(crate) fn bcpsim() -> Command {
    Command::cargo_bin("bcpsim").expect("binary built")
}

/// Writes a scenario text into `dir` and returns its path.
pub(crate) fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Regions used by small test scenarios: a unit square "zone" and the fallback.
pub(crate) const REGIONS: &str = r#"
[[regions]]
id = "zone"
name_en = "Zone"
name_ja = "区域"
source = "test"
polygons = [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]]

[[regions]]
id = "elsewhere"
name_en = "Elsewhere"
name_ja = "その他"

[[sites]]
id = "in"
lat = 0.5
lon = 0.5
source = "test"

[[sites]]
id = "out"
lat = 5.0
lon = 5.0
source = "test"

[[classes]]
id = "c"
"#;
