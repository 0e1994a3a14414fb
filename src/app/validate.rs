//! `bcpsim validate`: check a scenario and every option it declares.

use super::args::ModelArgs;
use super::common::load;
use crate::diag::Result;
use crate::model::{BuildSpec, Model};

pub(super) fn execute(a: ModelArgs) -> Result<()> {
    let (scenario, model) = load(&a)?;
    // [[uncertain]] entries are checked here too, not only when `sensitivity` runs.
    crate::study::sensitivity::factors(&scenario)?;
    // Every declared option must apply cleanly, not only the ones asked for.
    for o in &model.options {
        if !a.options.contains(&o.id) {
            let mut options = a.options.clone();
            options.push(o.id.clone());
            Model::build(
                &scenario,
                &BuildSpec {
                    options,
                    ..BuildSpec::default()
                },
            )?;
        }
    }
    println!(
        "{}: ok ({} files, {} regions, {} sites, {} unknowns, {} nodes, {} links, {} services, {} ministries, {} options{})",
        a.scenario.display(),
        scenario.sources.files.len(),
        model.regions.len(),
        model.sites.len(),
        model.unknowns.len(),
        model.nodes.len(),
        model.links.len(),
        model.services.len(),
        model.ministries.len(),
        model.options.len(),
        if model.applied.is_empty() {
            String::new()
        } else {
            format!("; applied: {}", model.applied.join(", "))
        }
    );
    Ok(())
}
