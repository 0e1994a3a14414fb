//! A scenario file as written ([`RawFile`]), its options, and the merged content of all files
//! ([`Merged`], [`Scenario`]).

use serde::Deserialize;

use super::lgwan::{LgwanDef, LgwanPatch};
use super::types::*;
use crate::diag::{SourceMap, Span};

/// One TOML file as written. Lists from included files are concatenated.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    /// Other files read first, relative to this file.
    #[serde(default)]
    pub include: Vec<SString>,
    /// Name and description; only in the top file.
    pub scenario: Option<Meta>,
    /// Defaults of the Monte Carlo run.
    pub simulation: Option<SimulationDef>,
    /// Geographic regions.
    #[serde(default)]
    pub regions: Vec<RegionDef>,
    /// Named locations.
    #[serde(default)]
    pub sites: Vec<SiteDef>,
    /// Component classes (what a hazard acts on).
    #[serde(default)]
    pub classes: Vec<ClassDef>,
    /// Facts the sources do not know, as weighted alternatives.
    #[serde(default)]
    pub unknowns: Vec<UnknownDef>,
    /// Components.
    #[serde(default)]
    pub nodes: Vec<NodeDef>,
    /// Connections between components.
    #[serde(default)]
    pub links: Vec<LinkDef>,
    /// Named sets of nodes usable as path endpoints.
    #[serde(default)]
    pub groups: Vec<GroupDef>,
    /// G-net's two centers and how organisations attach to them.
    pub gnet: Option<GnetDef>,
    /// The government's alternate site in Osaka/Kansai.
    pub kansai: Option<KansaiDef>,
    /// Classes of the components that ministries expand into.
    pub expansion: Option<ExpansionDef>,
    /// Ministries at analyst level.
    #[serde(default)]
    pub ministries: Vec<MinistryDef>,
    /// Services as boolean expressions.
    #[serde(default)]
    pub services: Vec<ServiceDef>,
    /// Hazards acting at t = 0.
    pub hazard: Option<HazardDef>,
    /// Countermeasures as overlays.
    #[serde(default)]
    pub options: Vec<OptionDef>,
    /// How `bcpsim table7` places servers and interconnection points.
    pub table7: Option<Table7Def>,
    /// Recovery over time after the quake.
    pub recovery: Option<RecoveryDef>,
    /// When the quake happens and which days have no business hours; overrides the start
    /// of `[recovery]`, so that a scenario can move a shared recovery model in time.
    pub calendar: Option<CalendarDef>,
    /// Parameters known only within bounds, swung by `bcpsim sensitivity`.
    #[serde(default)]
    pub uncertain: Vec<UncertainDef>,
    /// LGWAN, its DNS and mail (`docs/scenario-format.md` §23).
    pub lgwan: Option<LgwanDef>,
}

/// `[[options]]`: a countermeasure as an overlay.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct OptionDef {
    /// Identifier used with `--option`.
    pub id: SString,
    /// English name.
    pub name_en: String,
    /// Japanese name.
    pub name_ja: String,
    /// Cost, in `cost_unit`.
    pub cost: Option<SF64>,
    /// Unit of the cost (e.g. "100M JPY").
    #[serde(default)]
    pub cost_unit: String,
    /// What the option stands for in the sources.
    #[serde(default)]
    pub source: String,
    /// Changes to ministries.
    #[serde(default)]
    pub ministries: Vec<MinistryPatch>,
    /// Changes to nodes.
    #[serde(default)]
    pub nodes: Vec<NodePatch>,
    /// Nodes added.
    #[serde(default)]
    pub add_nodes: Vec<NodeDef>,
    /// Links added.
    #[serde(default)]
    pub add_links: Vec<LinkDef>,
    /// Changes to unknowns' probabilities.
    #[serde(default)]
    pub unknowns: Vec<UnknownPatch>,
    /// Changes to the LGWAN model.
    pub lgwan: Option<LgwanPatch>,
}

/// Changes an option makes to ministries.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct MinistryPatch {
    /// Ministry ids, or `["*"]` for all.
    pub ids: Vec<SString>,
    /// New backup server placement.
    pub backup_server: Option<Spanned<PlacementDef>>,
    /// Interconnection points added.
    #[serde(default)]
    pub add_interconnection: Vec<Spanned<PlacementDef>>,
    /// New remote access mode.
    pub remote_access: Option<RemoteAccess>,
    /// New probability that remote access exists.
    pub remote_access_p: Option<SF64>,
}

/// Changes an option makes to nodes.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct NodePatch {
    /// Node id.
    pub id: SString,
    /// New placement.
    pub site: Option<Spanned<PlacementDef>>,
    /// New class.
    pub class: Option<SString>,
}

/// Changes an option makes to an unknown.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct UnknownPatch {
    /// Unknown id.
    pub id: SString,
    /// New alternatives (same ids as before).
    pub alternatives: Spanned<Vec<AlternativeDef>>,
}

/// A scenario as read: all files merged, with the texts kept for error messages.
#[derive(Debug)]
pub struct Scenario {
    /// Files read (top file first).
    pub sources: SourceMap,
    /// SHA-256 of every file's bytes, in reading order, hex.
    pub sha256: String,
    /// Merged content; each list item knows its file.
    pub content: Merged,
}

/// Items tagged with the file they came from.
#[derive(Debug, Clone)]
pub struct Located<T> {
    /// File index in the [`SourceMap`].
    pub file: usize,
    /// The item.
    pub item: T,
}

impl<T> Located<T> {
    /// Span of a spanned field of this item.
    pub fn span<U>(&self, s: &Spanned<U>) -> Span {
        Span {
            file: self.file,
            start: s.span().start,
        }
    }
}

/// The content of all files, merged.
#[derive(Debug, Default, Clone)]
#[allow(missing_docs)]
pub struct Merged {
    pub meta: Option<Located<Meta>>,
    pub simulation: Option<Located<SimulationDef>>,
    pub regions: Vec<Located<RegionDef>>,
    pub sites: Vec<Located<SiteDef>>,
    pub classes: Vec<Located<ClassDef>>,
    pub unknowns: Vec<Located<UnknownDef>>,
    pub nodes: Vec<Located<NodeDef>>,
    pub links: Vec<Located<LinkDef>>,
    pub groups: Vec<Located<GroupDef>>,
    pub gnet: Option<Located<GnetDef>>,
    pub kansai: Option<Located<KansaiDef>>,
    pub expansion: Option<Located<ExpansionDef>>,
    pub ministries: Vec<Located<MinistryDef>>,
    pub services: Vec<Located<ServiceDef>>,
    pub zones: Vec<Located<ZoneDef>>,
    pub ground_motion: Option<Located<GroundMotionDef>>,
    pub fragility: Vec<Located<FragilityDef>>,
    pub power: Option<Located<PowerDef>>,
    pub options: Vec<Located<OptionDef>>,
    pub table7: Option<Located<Table7Def>>,
    pub recovery: Option<Located<RecoveryDef>>,
    pub calendar: Option<Located<CalendarDef>>,
    pub uncertain: Vec<Located<UncertainDef>>,
    pub lgwan: Option<Located<LgwanDef>>,
}

impl Scenario {
    /// The scenario's identifier.
    pub fn id(&self) -> &str {
        self.content
            .meta
            .as_ref()
            .map(|m| m.item.id.get_ref().as_str())
            .unwrap_or("scenario")
    }
}
