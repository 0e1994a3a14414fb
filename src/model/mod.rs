//! The compiled, immutable model: network, services, hazard, recovery and mail data.
//!
//! [`Model::build`] (in [`build`]) applies the option overlays of
//! [`crate::scenario::overlay`] to a [`crate::scenario::Scenario`], checks every reference,
//! range and cross-field rule, expands ministries and G-net attachments into nodes, links and
//! services, and compiles services into programs over integer ids. The engines in
//! [`crate::sim`] read what is built here and nothing else.
//!
//! Files: `mod.rs` holds the model's data types ([`Model`], nodes, links, services, path
//! queries, hazard tables; [`Location`] and [`OptionInfo`] are re-exported from the overlay
//! stage); [`recovery`] the compiled recovery model; [`calendar`] the local time and holidays
//! of the recovery; [`lgwan`] the LGWAN mail model; [`build`] the compiler, one file per
//! concern (see its docs).

pub mod build;
pub mod calendar;
pub mod lgwan;
pub mod recovery;

use serde::Serialize;

use crate::base::lang::Lang;

use crate::geo::{LatLon, Ring};
use crate::groundmotion as gm;
pub use crate::scenario::overlay::{Location, OptionInfo};
use crate::scenario::NodeKind;

/// How to build a model: options to apply and placements to force.
#[derive(Debug, Clone, Default)]
pub struct BuildSpec {
    /// Option ids, applied in order.
    pub options: Vec<String>,
    /// Force every ministry's backup server to this location (Table 7).
    pub force_backup: Option<Location>,
    /// Force every ministry's interconnection points to this location (Table 7).
    pub force_interconnection: Option<Location>,
}

/// A geographic region.
#[derive(Debug, Clone, Serialize)]
pub struct Region {
    /// Identifier.
    pub id: String,
    /// English name.
    pub name_en: String,
    /// Japanese name.
    pub name_ja: String,
    /// Outline source.
    pub source: String,
    /// Stated approximation of the outline, km.
    pub approximation_km: Option<f64>,
    #[serde(skip)]
    rings: Vec<Ring>,
}

impl Region {
    /// Whether the point is inside one of the region's rings (never for the fallback region).
    pub fn contains(&self, p: LatLon) -> bool {
        self.rings.iter().any(|r| r.contains(p))
    }
    /// The region's outline rings.
    pub fn rings(&self) -> &[Ring] {
        &self.rings
    }
}

/// A named location.
#[derive(Debug, Clone, Serialize)]
pub struct Site {
    /// Identifier.
    pub id: String,
    /// English name.
    pub name_en: String,
    /// Japanese name.
    pub name_ja: String,
    /// Coordinates.
    pub pos: LatLon,
    /// Index of the region the coordinates fall in.
    pub region: usize,
}

/// An unknown fact with its alternatives.
#[derive(Debug, Clone, Serialize)]
pub struct Unknown {
    /// Identifier.
    pub id: String,
    /// The question.
    pub question_en: String,
    /// The question, Japanese.
    pub question_ja: String,
    /// Source of the probabilities.
    pub source: String,
    /// Alternative ids and probabilities.
    pub alternatives: Vec<(String, f64)>,
    #[serde(skip)]
    pub(crate) cumulative: Vec<f64>,
    #[serde(skip)]
    pub(crate) key: u64,
}

/// Where a node is.
#[derive(Debug, Clone, PartialEq)]
pub enum Placement {
    /// Nowhere: never hit by a geographic hazard.
    Nowhere,
    /// A fixed site.
    Fixed(usize),
    /// The site depends on an unknown: one site per alternative.
    ByUnknown {
        /// Unknown index.
        unknown: usize,
        /// Site per alternative index.
        sites: Vec<usize>,
    },
}

/// A component.
#[derive(Debug, Clone)]
pub struct Node {
    /// Identifier.
    pub id: String,
    /// Kind.
    pub kind: NodeKind,
    /// Class index.
    pub class: Option<usize>,
    /// Placement.
    pub placement: Placement,
    /// Probability the component exists.
    pub exists_p: f64,
    /// English name.
    pub name_en: String,
    /// Japanese name.
    pub name_ja: String,
    /// The ministry or node it belongs to (whose contact is called about its faults).
    pub owner: String,
    /// The node whose existence it shares, if any.
    pub exists_as: Option<usize>,
    pub(crate) key: u64,
}

/// A connection.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Link {
    /// From.
    pub a: usize,
    /// To.
    pub b: usize,
    /// Only from `a` to `b`.
    pub oneway: bool,
}

/// One instruction of a compiled service program (postfix).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Op {
    Const(bool),
    Up(u32),
    Path(u32),
    Not,
    And,
    Or,
}

/// A reachability query shared by services.
#[derive(Debug, Clone)]
pub struct PathQuery {
    /// Source nodes (any of them).
    pub from: Vec<usize>,
    /// Target nodes (any of them).
    pub to: Vec<usize>,
    /// Nodes that lie on some minimal route from a source to a target (or, when there are
    /// too many routes to list, every node that could be on a route).
    pub relevant: Vec<usize>,
    /// Number of minimal path sets, when listed.
    pub path_sets: Option<usize>,
    pub(crate) eval: PathEval,
}

/// How a path query is evaluated in a trial.
#[derive(Debug, Clone)]
pub(crate) enum PathEval {
    /// Minimal path sets as bitmasks over `nodes` (at most 64): the query holds when every
    /// node of some set is up.
    Sets { nodes: Vec<u32>, sets: Vec<u64> },
    /// Breadth-first search over up nodes inside the relevant set (large queries).
    Search { out: Vec<Vec<u32>> },
}

/// Most minimal path sets listed for one query before falling back to search.
const MAX_PATH_SETS: usize = 4096;

/// A service.
#[derive(Debug, Clone)]
pub struct Service {
    /// Identifier.
    pub id: String,
    /// English name.
    pub name_en: String,
    /// Japanese name.
    pub name_ja: String,
    /// Expression as written (or generated).
    pub expr: String,
    pub(crate) program: Vec<Op>,
    /// Nodes the compiled form reads (for `up`) or may route through (for `path`).
    pub nodes_used: Vec<usize>,
}

/// A ministry's three headline services.
#[derive(Debug, Clone, Serialize)]
pub struct Ministry {
    /// Identifier.
    pub id: String,
    /// English name.
    pub name_en: String,
    /// Japanese name.
    pub name_ja: String,
    /// Service: the ministry network runs (a server reachable on it).
    pub network_operation: usize,
    /// Service: the ministry network reaches G-net.
    pub gnet_connection: usize,
    /// Service: staff at the Kansai alternate site can work on it.
    pub work_from_kansai: usize,
}

/// An event for Table 7; its probability is that of the most exposed listed service being
/// down (see [`crate::study::table7`]).
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    /// Identifier.
    pub id: String,
    /// English wording.
    pub name_en: String,
    /// Japanese wording (as in the source's Table 7 where it has one).
    pub name_ja: String,
    /// Services whose failure makes the event.
    pub any_down: Vec<usize>,
}

/// A zone hazard, compiled.
#[derive(Debug, Clone)]
pub struct Zone {
    /// Region index.
    pub region: usize,
    /// Probability the region is struck.
    pub p_event: f64,
    /// Failure probability per class index when struck.
    pub p_fail: Vec<f64>,
    pub(crate) key: u64,
}

/// The compiled model.
#[derive(Debug, Clone)]
pub struct Model {
    /// Scenario id.
    pub id: String,
    /// Title, English.
    pub name_en: String,
    /// Title, Japanese.
    pub name_ja: String,
    /// Default seed.
    pub default_seed: u64,
    /// Default trials.
    pub default_trials: u64,
    /// Regions.
    pub regions: Vec<Region>,
    /// Sites.
    pub sites: Vec<Site>,
    /// Class ids.
    pub classes: Vec<String>,
    /// Unknowns.
    pub unknowns: Vec<Unknown>,
    /// Nodes.
    pub nodes: Vec<Node>,
    /// Links.
    pub links: Vec<Link>,
    /// Groups: id and members.
    pub groups: Vec<(String, Vec<usize>)>,
    /// Services.
    pub services: Vec<Service>,
    /// Ministries.
    pub ministries: Vec<Ministry>,
    /// Table 7 events.
    pub events: Vec<Event>,
    /// Zone hazards.
    pub zones: Vec<Zone>,
    /// Options declared by the scenario.
    pub options: Vec<OptionInfo>,
    /// Options applied to build this model.
    pub applied: Vec<String>,
    /// Path queries used by services.
    pub paths: Vec<PathQuery>,
    /// Index of the capital region if the scenario names one (`[table7] capital_region`).
    pub capital_region: Option<usize>,
    /// The earthquake of the ground-motion hazard, if the scenario has one.
    pub ground_motion: Option<GroundMotionModel>,
    /// Fragility per class index (for the ground-motion hazard).
    pub fragility: Vec<Option<Fragility>>,
    /// Recovery over time, if the scenario has a `[recovery]` table.
    pub recovery: Option<crate::model::recovery::Recovery>,
    /// LGWAN mail, if the scenario has an `[lgwan]` table.
    pub lgwan: Option<crate::model::lgwan::Lgwan>,
    /// Per node, what the trial loop needs, precomputed (see [`HotNode`]).
    pub(crate) hot: Vec<HotNode>,
    /// Hazards per alternative site of nodes placed by an unknown.
    pub(crate) alt_hazard: Vec<SiteHazard>,
    /// (site, class) pairs whose ground-motion failure probability a trial computes.
    pub(crate) gm_pairs: Vec<(u32, u32)>,
}

/// The ground-motion hazard, compiled: medians and sigmas per site, the correlation
/// factor over distinct site locations.
#[derive(Debug, Clone)]
pub struct GroundMotionModel {
    /// The rupture.
    pub rupture: gm::Rupture,
    /// Measure sampled as a field.
    pub imt: gm::Imt,
    /// Probability the earthquake happens in a trial.
    pub p_event: f64,
    /// tau^2 / sigma^2.
    pub between_event_share: f64,
    /// Truncation, standard deviations.
    pub truncation: f64,
    /// Per site: Vs30 (m/s), Rrup (km), ln median and total sigma (ln) of the measure.
    pub vs30_mps: Vec<f64>,
    /// Per site: closest distance to the rupture, km.
    pub rrup_km: Vec<f64>,
    /// Per site: ln of the median (cm/s or g).
    pub ln_median: Vec<f64>,
    /// Per site: total sigma of ln.
    pub sigma_ln: Vec<f64>,
    /// Per site: ln median and sigma of PGA (g), for grid-power fragility.
    pub ln_median_pga: Vec<f64>,
    /// Per site: total sigma of ln PGA.
    pub sigma_ln_pga: Vec<f64>,
    /// The substation feeding each site, if `[hazard.power]` is given.
    pub power: Option<Fragility>,
    /// Stable keys of each site's grid supply draw.
    pub(crate) power_keys: Vec<u64>,
    /// Per site: index of its location in the correlated field.
    pub site_point: Vec<u32>,
    /// Stable keys of the field's locations (their first site's id).
    pub(crate) point_keys: Vec<u64>,
    /// Correlation of the within-event residuals over the distinct locations.
    pub field: Field,
    pub(crate) key: u64,
}

/// Up to this many distinct locations the field is sampled exactly (n^2 / 2 work per trial);
/// beyond, by Vecchia's nearest-neighbour approximation (n m work).
pub const EXACT_FIELD_MAX_POINTS: usize = 400;
/// Neighbours per location in the Vecchia approximation.
pub const VECCHIA_NEIGHBOURS: usize = 24;

/// How the within-event field is sampled.
#[derive(Debug, Clone)]
pub enum Field {
    /// Exact Cholesky factor.
    Exact(gm::SpatialCorrelation),
    /// Nearest-neighbour approximation, for many locations.
    Vecchia(gm::Vecchia),
}

impl Field {
    /// Number of locations.
    pub fn n_points(&self) -> usize {
        match self {
            Field::Exact(c) => c.n_sites(),
            Field::Vecchia(v) => v.n_sites(),
        }
    }

    /// `out` = correlated field from independent standard normals `z`.
    pub fn correlate(&self, z: &[f64], scratch: &mut Vec<f64>, out: &mut [f64]) {
        match self {
            Field::Exact(c) => c.correlate(z, out),
            Field::Vecchia(v) => v.correlate(z, scratch, out),
        }
    }
}

/// A class's fragility: the curve at which it stops working, and all four for reports.
#[derive(Debug, Clone)]
pub struct Fragility {
    /// Measure of the curves.
    pub measure: gm::FragilityMeasure,
    /// Medians, slight to complete.
    pub medians: [f64; 4],
    /// Dispersions, slight to complete.
    pub dispersions: [f64; 4],
    /// Index (0 slight .. 3 complete) of the first state in which the component fails.
    pub fails_from: usize,
}

#[cfg(test)]
mod fragility_tests {
    use super::*;

    #[test]
    fn damage_state_follows_the_nested_curves() {
        let f = Fragility {
            measure: gm::FragilityMeasure::JmaIntensity,
            medians: [5.0, 5.5, 6.0, 6.5],
            dispersions: [0.3; 4],
            fails_from: 1,
        };
        let x = 6.0;
        // P(>= slight) > P(>= moderate) > P(>= extensive) = 0.5 > P(>= complete).
        assert_eq!(f.state_of(0.999_99, x), 0);
        assert_eq!(f.state_of(f.exceedance(1, x) - 1e-9, x), 2);
        assert_eq!(f.state_of(0.49, x), 3);
        assert_eq!(f.state_of(f.exceedance(3, x) - 1e-9, x), 4);
    }
}

impl Fragility {
    /// The damage state (1 slight … 4 complete, 0 none) of a component whose draw `u` fell
    /// below the exceedance probability of some state: the highest such state.
    pub fn state_of(&self, u: f64, x: f64) -> u8 {
        (0..4)
            .rev()
            .find(|&k| u < self.exceedance(k, x))
            .map_or(0, |k| k as u8 + 1)
    }

    /// Probability of reaching at least `state` (0..4) given the value of the measure.
    pub fn exceedance(&self, state: usize, x: f64) -> f64 {
        let (m, b) = (self.medians[state], self.dispersions[state]);
        match self.measure {
            gm::FragilityMeasure::JmaIntensity => crate::base::normal::normal_cdf((x - m) / b),
            _ => {
                if x <= 0.0 {
                    0.0
                } else {
                    crate::base::normal::normal_cdf((x.ln() - m.ln()) / b)
                }
            }
        }
    }
}

/// How a node at one site can be hit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SiteHazard {
    /// Site index.
    pub(crate) site: u32,
    /// Zone index, or `u32::MAX`.
    pub(crate) zone: u32,
    /// Failure probability when the zone is struck.
    pub(crate) p: f64,
    /// Index into `gm_pairs`, or `u32::MAX`.
    pub(crate) gm_pair: u32,
}

/// How a node can be hit, resolved at build time so the trial loop does no lookups.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Hazard {
    /// No class, no site, or no hazard covers it.
    Never,
    /// Fixed site.
    Fixed(SiteHazard),
    /// Site chosen by `unknown`; `alt_hazard[start + choice]` applies.
    ByUnknown { unknown: u32, start: u32 },
}

/// The hot part of a node.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HotNode {
    pub(crate) key: u64,
    pub(crate) exists_p: f64,
    /// Index of the node whose existence it shares (always an earlier node), or `u32::MAX`.
    pub(crate) exists_as: u32,
    pub(crate) hazard: Hazard,
}

impl Model {
    /// The Japanese or English name of a declared option (its id if unknown).
    pub fn option_name(&self, id: &str, lang: Lang) -> String {
        self.options
            .iter()
            .find(|o| o.id == id)
            .map(|o| lang.t(&o.name_en, &o.name_ja).to_string())
            .unwrap_or_else(|| id.to_string())
    }
}
