//! Results folders (written atomically), row schemas, tables, the manifest, charts and the
//! HTML/Markdown report.

pub mod charts;
pub mod folder;
pub mod html;
pub mod manifest;
pub mod map;
pub mod report;
pub mod rows;
pub mod tables;
