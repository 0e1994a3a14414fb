//! The scenario file format: a faithful serde mirror of the TOML, with spans kept for errors.
//!
//! Nothing here is validated beyond what serde checks (types and unknown keys); the
//! [`crate::model`] stage checks references, ranges and cross-field rules and expands the
//! analyst-level description into a network. The format is documented key by key in
//! `docs/scenario-format.md`.

mod file;
pub mod lgwan;
pub mod lgwan_expand;
mod load;
pub mod overlay;
mod types;

pub use file::*;
pub use load::hex;
pub use types::*;
