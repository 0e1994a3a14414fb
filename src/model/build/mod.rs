//! Builds the [`Model`] from a scenario: option overlays, checks, expansion, compilation.
//!
//! [`Model::build`] applies the overlays of [`crate::scenario::overlay`] and the LGWAN
//! expansion ([`crate::scenario::lgwan_expand`]) to a copy of the merged scenario; a
//! `Builder` then compiles it in steps, one file per concern:
//!
//! - `mod.rs`: the entry point and `Builder::build`, which runs the steps in the order their
//!   errors are reported, and the `[table7]` checks;
//! - `builder.rs`: the builder's state, `NodeSpec` and the span helper (a leaf: it imports
//!   none of its siblings, which all import it);
//! - `network.rs`: regions, classes, sites, unknowns, placements, nodes (with the Kansai
//!   alternate site and G-net attachments), links and groups;
//! - `ministries.rs`: the nodes a ministry entry expands into;
//! - `hazard.rs`: zone hazards, ground motion at the sites, fragility curves, and the
//!   per-node hazard tables the trial reads;
//! - `services.rs`: service expressions (and those ministries generate) compiled into
//!   postfix programs;
//! - `paths.rs`: path queries (`path_query`: minimal path sets by `dfs_paths`, or a search);
//! - `recovery.rs`: the recovery model and its per-node tables;
//! - [`lgwan`]: the LGWAN mail model, compiled against the built model.
//!
//! Range checks shared with other stages are in [`crate::diag::checks`].

mod builder;
mod hazard;
pub mod lgwan;
mod ministries;
mod network;
mod paths;
mod recovery;
mod services;

use std::collections::HashMap;

use self::builder::Builder;
use self::hazard::hot_nodes;
use crate::diag::{did_you_mean, Result};
use crate::model::{BuildSpec, Model, OptionInfo, Region};
use crate::scenario::{overlay, Scenario};

impl Model {
    /// Validates, expands and compiles a scenario.
    pub fn build(scenario: &Scenario, spec: &BuildSpec) -> Result<Model> {
        let src = &scenario.sources;
        let mut m = scenario.content.clone();
        let options = overlay::apply(
            src,
            &mut m,
            &spec.options,
            spec.force_backup,
            spec.force_interconnection,
        )?;
        crate::scenario::lgwan_expand::expand(src, &mut m)?;
        Builder { src, m: &m }.build(options, spec)
    }
}

impl Builder<'_> {
    /// The steps of the build, in the order their errors are reported.
    fn build(&self, options: Vec<OptionInfo>, spec: &BuildSpec) -> Result<Model> {
        let meta = self.m.meta.as_ref().expect("checked at load");
        let regions = self.regions()?;
        let classes = self.classes()?;
        let sites = self.sites(&regions)?;
        let mut unknowns = self.unknowns()?;
        let node_specs = self.node_specs()?;
        let site_index: HashMap<&str, usize> = sites
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i))
            .collect();
        let class_index: HashMap<&str, usize> = classes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.as_str(), i))
            .collect();
        let (nodes, node_index) = self.nodes(
            &node_specs,
            &class_index,
            &classes,
            &site_index,
            &sites,
            &mut unknowns,
        )?;
        let links = self.links(&node_specs, &node_index)?;
        let groups = self.groups(&node_index)?;
        let zones = self.zones(&regions, &class_index, &classes)?;
        let (services, ministries, events) = self.services(&node_index, &groups, &nodes)?;
        let capital_region = self.table7(&regions, &site_index)?;
        let ground_motion = self.ground_motion(&sites)?;
        let fragility = self.fragility(&class_index, &classes, ground_motion.as_ref())?;
        let (hot, alt_hazard, gm_pairs) = hot_nodes(
            regions.len(),
            &sites,
            &zones,
            &nodes,
            ground_motion.is_some(),
            &fragility,
        );
        let mut model = Model {
            id: meta.item.id.get_ref().clone(),
            name_en: meta.item.name_en.clone(),
            name_ja: meta.item.name_ja.clone(),
            default_seed: self
                .m
                .simulation
                .as_ref()
                .and_then(|s| s.item.seed)
                .unwrap_or(20_130_000),
            default_trials: self.default_trials()?,
            regions,
            sites,
            classes,
            unknowns,
            nodes,
            links,
            groups,
            services: Vec::new(),
            ministries,
            events,
            zones,
            options,
            applied: spec.options.clone(),
            paths: Vec::new(),
            capital_region,
            hot,
            alt_hazard,
            gm_pairs,
            ground_motion,
            fragility,
            recovery: None,
            lgwan: None,
        };
        self.compile(&mut model, services)?;
        model.recovery = self.recovery(&model)?;
        model.lgwan = lgwan::compile(self.src, self.m, &mut model)?;
        Ok(model)
    }

    /// The `[table7]` capital region (its index), after checking the sites it names.
    fn table7(
        &self,
        regions: &[Region],
        site_index: &HashMap<&str, usize>,
    ) -> Result<Option<usize>> {
        let Some(t) = &self.m.table7 else {
            return Ok(None);
        };
        let id = t.item.capital_region.get_ref();
        let capital_region = regions.iter().position(|r| &r.id == id).ok_or_else(|| {
            self.err(
                t.span(&t.item.capital_region),
                format!("[table7] capital_region names undefined region `{id}`"),
                did_you_mean(id, regions.iter().map(|r| r.id.as_str())),
            )
        })?;
        for s in [
            &t.item.backup_capital_site,
            &t.item.backup_outside_site,
            &t.item.interconnection_capital_site,
            &t.item.interconnection_outside_site,
        ] {
            if !site_index.contains_key(s.get_ref().as_str()) {
                return Err(self.err(
                    t.span(s),
                    format!("[table7] names undefined site `{}`", s.get_ref()),
                    did_you_mean(s.get_ref(), site_index.keys().copied()),
                ));
            }
        }
        Ok(Some(capital_region))
    }

    fn default_trials(&self) -> Result<u64> {
        match self
            .m
            .simulation
            .as_ref()
            .and_then(|s| s.item.trials.as_ref().map(|t| (s, t)))
        {
            None => Ok(10_000),
            Some((s, t)) => {
                let v = *t.get_ref();
                if v <= 0 {
                    Err(self.err(
                        s.span(t),
                        format!("trials must be a whole number >= 1, found {v}"),
                        None,
                    ))
                } else {
                    Ok(v as u64)
                }
            }
        }
    }
}
