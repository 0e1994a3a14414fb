//! Results folders (written atomically), row schemas, tables, the manifest, charts and the
//! HTML/Markdown report.

pub mod charts;
pub mod html;
pub mod report;
