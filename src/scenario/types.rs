//! Leaf serde types of the scenario format: every table except the file as a whole, the
//! options (which patch LGWAN) and the merged content.

use std::collections::BTreeMap;

use serde::Deserialize;
pub use toml::Spanned;

/// A string with its position in a file.
pub type SString = Spanned<String>;
/// A number with its position in a file.
pub type SF64 = Spanned<f64>;

/// `[calendar]`: the quake's local time and the holidays after it (top file only).
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct CalendarDef {
    /// Local (JST) time of the quake, `YYYY-MM-DDTHH:MM`, or `"sampled"`.
    pub start: SString,
    /// Dates `YYYY-MM-DD` without business hours.
    #[serde(default)]
    pub holidays: Vec<SString>,
    /// Where the dates come from.
    pub source: SString,
}

/// `[[uncertain]]`: a parameter known only within bounds; `bcpsim sensitivity` runs the
/// scenario at each bound (the value in the scenario stays the one `run` uses).
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct UncertainDef {
    /// Path of the parameter, e.g. `recovery.relocation.median_hours` or
    /// `hazard.zones[capital].p_fail[data_center]` (docs/scenario-format.md lists them).
    pub parameter: SString,
    /// Lower bound.
    pub low: SF64,
    /// Upper bound.
    pub high: SF64,
    /// Where the bounds come from (a source, or `"assumption: <reason>"`).
    pub source: SString,
}

/// A lognormal duration: median hours and dispersion (standard deviation of ln).
#[derive(Debug, Deserialize, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub struct DurationDef {
    /// Median, hours.
    pub median_hours: f64,
    /// Dispersion (beta) of a lognormal; 0 makes the duration fixed.
    #[serde(default)]
    pub beta: f64,
    /// `lognormal` (default) or `exponential` (with the given median; `beta` unused).
    #[serde(default)]
    pub kind: DurationKind,
}

/// The family of a duration distribution.
#[derive(Debug, Deserialize, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DurationKind {
    /// Lognormal with median and beta.
    #[default]
    Lognormal,
    /// Exponential with the median (rate ln 2 / median): memoryless repair.
    Exponential,
}

/// `[recovery]`
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct RecoveryDef {
    /// Hours simulated after the quake (default 720 = 30 days).
    pub horizon_hours: Option<SF64>,
    /// Times at which availability is reported (default 0, 1, 3, 6, 12, 24, 72, 168, 336, 720).
    pub checkpoints_hours: Option<Spanned<Vec<f64>>>,
    /// Local (JST) time of the quake, `YYYY-MM-DDTHH:MM`, or `"sampled"` for a uniform time
    /// over a week.
    pub start: SString,
    /// Dates `YYYY-MM-DD` without business hours (national holidays, the year-end closure);
    /// only with a start given as a date.
    #[serde(default)]
    pub holidays: Vec<SString>,
    /// Delay from a fault to its detection by remote monitoring (default 0.1 h).
    pub detection: Option<Spanned<DurationDef>>,
    /// Probability that an organisation's emergency contact is reached outside business hours.
    pub contact_p: SF64,
    /// Restart delay of routers after power returns, hours (001: about 10 minutes).
    pub router_restart_hours: Option<SF64>,
    /// Delay before a ministry's staff work at the Kansai alternate site.
    pub relocation: Spanned<DurationDef>,
    /// Recovery-time objective of services without their own, hours (default 72).
    pub default_rto_hours: Option<SF64>,
    /// Where the numbers come from.
    pub source: SString,
    /// Repair of damaged components per class.
    #[serde(default)]
    pub repair: Vec<RepairDef>,
    /// Repair crew pools.
    #[serde(default)]
    pub crews: Vec<CrewDef>,
    /// Grid outages per region (for zone hazards; the ground-motion hazard gives its own).
    #[serde(default)]
    pub grid: Vec<GridDef>,
    /// Private generators per class.
    #[serde(default)]
    pub generators: Vec<GeneratorDef>,
    /// Recovery-time objectives per service (`*` matches any text).
    #[serde(default)]
    pub rto: Vec<RtoDef>,
}

/// `[[recovery.repair]]`
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct RepairDef {
    /// Class id.
    pub class: SString,
    /// Repair duration of a failed component.
    pub duration: Spanned<DurationDef>,
    /// Repair durations by damage state under shaking (slight, moderate, extensive,
    /// complete); `duration` applies to zone-hazard failures and when this is absent.
    pub duration_by_state: Option<Spanned<Vec<DurationDef>>>,
    /// Dispatch priority (lower first).
    pub priority: i64,
    /// Crew pool id.
    pub crew: SString,
    /// Where the numbers come from.
    pub source: SString,
}

/// `[[recovery.crews]]`
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct CrewDef {
    /// Identifier.
    pub id: SString,
    /// Number of crews working at once.
    pub count: Spanned<i64>,
    /// Delay before the pool's crews can start (travel into the damaged region).
    pub travel: Spanned<DurationDef>,
    /// Where the numbers come from.
    pub source: SString,
}

/// `[[recovery.grid]]`
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct GridDef {
    /// Region id.
    pub region: SString,
    /// Probability that a site in the region loses grid power at the quake.
    pub p_outage: SF64,
    /// Time to restore a lost supply.
    pub restore: Spanned<DurationDef>,
    /// Restoration by the damage state of the site's substation (slight … complete), for
    /// the ground-motion hazard; `restore` applies otherwise.
    pub restore_by_state: Option<Spanned<Vec<DurationDef>>>,
    /// Where the numbers come from.
    pub source: SString,
}

/// `[[recovery.generators]]`
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct GeneratorDef {
    /// Class id.
    pub class: SString,
    /// Hours of fuel on site.
    pub fuel_hours: SF64,
    /// Probability that refuelling arrives at all.
    pub p_refuel: SF64,
    /// When refuelling arrives, if it does.
    pub refuel: Spanned<DurationDef>,
    /// Where the numbers come from.
    pub source: SString,
}

/// `[[recovery.rto]]`
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct RtoDef {
    /// Service id; `*` matches any text (e.g. `*.work_from_kansai`).
    pub service: SString,
    /// Recovery-time objective, hours.
    pub hours: SF64,
}

/// `[scenario]`
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// Short identifier, used in folder names.
    pub id: SString,
    /// English title.
    pub name_en: String,
    /// Japanese title.
    pub name_ja: String,
    /// What the scenario represents and where it comes from.
    #[serde(default)]
    pub description: String,
}

/// `[simulation]`
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct SimulationDef {
    /// Default seed.
    pub seed: Option<u64>,
    /// Default number of trials.
    pub trials: Option<Spanned<i64>>,
}

/// `[[regions]]`
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct RegionDef {
    /// Identifier (`capital`, `kansai`, `elsewhere` …).
    pub id: SString,
    /// English name.
    pub name_en: String,
    /// Japanese name.
    pub name_ja: String,
    /// Where the outline comes from.
    #[serde(default)]
    pub source: String,
    /// Largest distance between the true boundary and this outline.
    #[serde(default)]
    pub approximation_km: Option<SF64>,
    /// Closed rings of `[lon, lat]`; absent for the single fallback region.
    pub polygons: Option<Spanned<Vec<Vec<[f64; 2]>>>>,
}

/// `[[sites]]`
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct SiteDef {
    /// Identifier.
    pub id: SString,
    /// English name.
    #[serde(default)]
    pub name_en: String,
    /// Japanese name.
    #[serde(default)]
    pub name_ja: String,
    /// Latitude, degrees north.
    pub lat: SF64,
    /// Longitude, degrees east.
    pub lon: SF64,
    /// Where the location comes from (a source or "assumption: why").
    pub source: SString,
    /// Time-averaged shear-wave velocity of the top 30 m, m/s, for the ground-motion hazard
    /// (default: `[hazard.ground_motion] vs30_default_mps`).
    pub vs30_mps: Option<SF64>,
}

/// `[[classes]]`
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct ClassDef {
    /// Identifier.
    pub id: SString,
    /// What belongs to the class.
    #[serde(default)]
    pub description: String,
}

/// `[[unknowns]]`: a fact the sources leave open.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct UnknownDef {
    /// Identifier.
    pub id: SString,
    /// The question, in English.
    pub question_en: String,
    /// The question, in Japanese.
    #[serde(default)]
    pub question_ja: String,
    /// Why it is unknown and where the probabilities come from.
    pub source: SString,
    /// The possible answers; probabilities sum to 1.
    pub alternatives: Spanned<Vec<AlternativeDef>>,
}

/// One answer to an unknown.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct AlternativeDef {
    /// Identifier of the answer (e.g. `capital`, `outside`).
    pub id: SString,
    /// Its probability.
    pub p: SF64,
}

/// Where a component is: a site, or a site chosen by an unknown.
///
/// Plain strings inside: serde's untagged enums cannot carry spans, so errors point at the
/// whole placement.
#[derive(Debug, Deserialize, Clone)]
#[serde(untagged)]
pub enum PlacementDef {
    /// A fixed site id.
    Site(String),
    /// `{ unknown = "id", sites = { alternative = "site", … } }`
    ByUnknown {
        /// The unknown that decides.
        unknown: String,
        /// Site for each alternative of the unknown.
        sites: BTreeMap<String, String>,
    },
    /// `{ alternatives = [ { site = "…", p = 0.5 }, … ] }`: an anonymous unknown.
    Alternatives {
        /// Sites with probabilities summing to 1.
        alternatives: Vec<SiteChoiceDef>,
    },
}

/// A site with a probability, inside an anonymous placement unknown.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct SiteChoiceDef {
    /// Site id.
    pub site: String,
    /// Probability.
    pub p: f64,
}

/// The kind of a component (for reading and charts; behaviour comes from class and links).
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum NodeKind {
    Center,
    DataCenter,
    CarrierOffice,
    Line,
    Router,
    Gateway,
    Office,
    Server,
    Network,
    Virtual,
}

/// `[[nodes]]`
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct NodeDef {
    /// Identifier.
    pub id: SString,
    /// Kind.
    pub kind: NodeKind,
    /// Class; a node without class is never hit by a hazard.
    pub class: Option<SString>,
    /// Where it is; a node without site is outside every region (never hit).
    pub site: Option<Spanned<PlacementDef>>,
    /// Probability that the component exists at all (an unknown fact); default 1.
    pub exists_p: Option<SF64>,
    /// Attach to both G-net centers by A and B lines through carrier offices.
    #[serde(default)]
    pub gnet_access: bool,
    /// English name.
    #[serde(default)]
    pub name_en: String,
    /// Japanese name.
    #[serde(default)]
    pub name_ja: String,
    /// Owner whose contact is called about its faults, for generated nodes (default: the
    /// node itself).
    #[serde(skip)]
    pub owner: Option<String>,
}

/// `[[links]]`
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct LinkDef {
    /// One end.
    pub a: SString,
    /// The other end.
    pub b: SString,
    /// Traffic may only start at `a` (e.g. staff reaching a branch office), default false.
    #[serde(default)]
    pub oneway: bool,
}

/// `[[groups]]`
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct GroupDef {
    /// Identifier.
    pub id: SString,
    /// Node ids.
    pub members: Vec<SString>,
}

/// `[gnet]`
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct GnetDef {
    /// Node id of the operation center.
    pub operation_center: SString,
    /// Node id of the backup center.
    pub backup_center: SString,
    /// Class of the A/B access lines made for `gnet_access` nodes.
    pub line_class: SString,
    /// Class of the carrier offices made for `gnet_access` nodes.
    pub carrier_office_class: SString,
    /// Node id of the Common Platform's remote access (external connection) gateway.
    pub remote_access_gateway: Option<SString>,
}

/// `[expansion]`: classes of the nodes a ministry expands into.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct ExpansionDef {
    /// Headquarters buildings.
    pub hq_class: SString,
    /// Main and backup servers.
    pub server_class: SString,
    /// Interconnection routers to G-net.
    pub interconnection_class: SString,
    /// Internet gateways.
    pub gateway_class: SString,
    /// Kansai branch offices.
    pub branch_class: SString,
}

/// `[kansai]`
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct KansaiDef {
    /// Site of the government's alternate site.
    pub alternate_site: SString,
    /// Class of the alternate site's building.
    pub class: SString,
}

/// Remote access to a ministry network.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RemoteAccess {
    /// Straight from the internet to the ministry's own gateway.
    Direct,
    /// Through the Common Platform's external connection service and G-net (from FY2020).
    ViaGnet,
    /// Both ways kept.
    Both,
    /// No remote access.
    None,
}

/// `[[ministries]]`: one ministry at the level of the seed survey.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct MinistryDef {
    /// Identifier (`mof`, `mlit` …).
    pub id: SString,
    /// English name.
    pub name_en: String,
    /// Japanese name.
    pub name_ja: String,
    /// Headquarters site.
    pub hq_site: SString,
    /// Main server site.
    pub main_server: Spanned<PlacementDef>,
    /// Backup server site; absent when the ministry has none.
    pub backup_server: Option<Spanned<PlacementDef>>,
    /// Interconnection points to G-net.
    pub interconnection: Spanned<Vec<Spanned<PlacementDef>>>,
    /// Probability that the backup server site also has an interconnection point.
    pub interconnection_at_backup_p: Option<SF64>,
    /// Internet gateway site.
    pub internet_gateway: Spanned<PlacementDef>,
    /// Remote access mode.
    pub remote_access: RemoteAccess,
    /// Probability that remote access exists at all (an unknown fact); default 1.
    pub remote_access_p: Option<SF64>,
    /// Site of the branch office in Kansai linked to the ministry network, if any.
    pub kansai_branch: Option<SString>,
    /// Probability that the branch link exists (an unknown fact); default 1.
    pub kansai_branch_p: Option<SF64>,
    /// Where these facts come from.
    pub source: SString,
}

/// `[[services]]`
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct ServiceDef {
    /// Identifier.
    pub id: SString,
    /// English name.
    #[serde(default)]
    pub name_en: String,
    /// Japanese name.
    #[serde(default)]
    pub name_ja: String,
    /// Boolean expression over `up(node)` and `path(a, b)`.
    pub expr: SString,
}

/// `[hazard]`
#[derive(Debug, Deserialize, Clone, Default)]
#[serde(deny_unknown_fields)]
pub struct HazardDef {
    /// Zone hazards.
    #[serde(default)]
    pub zones: Vec<ZoneDef>,
    /// An earthquake whose shaking fails components through fragility curves.
    pub ground_motion: Option<GroundMotionDef>,
    /// Fragility curves per component class, for the ground-motion hazard.
    #[serde(default)]
    pub fragility: Vec<FragilityDef>,
    /// Grid power at the moment of the quake: each site's supplying substation.
    pub power: Option<PowerDef>,
}

/// `[hazard.power]`: the substation that feeds each site, with its fragility.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct PowerDef {
    /// Measure of the curves (`pga_g` for HAZUS substations).
    pub measure: MeasureDef,
    /// Medians for slight, moderate, extensive, complete.
    pub medians: Spanned<[f64; 4]>,
    /// Dispersions, same order.
    pub dispersions: Spanned<[f64; 4]>,
    /// The damage state from which the substation no longer supplies the site.
    pub fails_from: DamageDef,
    /// Where the numbers come from.
    pub source: SString,
}

/// Tectonic type of an earthquake.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum EventTypeDef {
    Crustal,
    Interface,
    Intraslab,
}

/// The ground-motion measure sampled as a field.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum ImtDef {
    Pgv,
    Pga,
}

/// `hypocentre = { lat, lon, depth_km }`
#[derive(Debug, Deserialize, Clone, Copy)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct HypocentreDef {
    pub lat: f64,
    pub lon: f64,
    pub depth_km: f64,
}

/// `plane = { strike_deg, dip_deg, length_km, width_km, top_depth_km, ref_lat, ref_lon }`
#[derive(Debug, Deserialize, Clone, Copy)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct PlaneDef {
    pub strike_deg: f64,
    pub dip_deg: f64,
    pub length_km: f64,
    pub width_km: f64,
    pub top_depth_km: f64,
    pub ref_lat: f64,
    pub ref_lon: f64,
}

/// `[hazard.ground_motion]`
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct GroundMotionDef {
    /// Where the earthquake's parameters come from.
    pub source: SString,
    /// Probability the earthquake happens in a trial; default 1.
    pub p_event: Option<SF64>,
    /// Moment magnitude.
    pub mw: SF64,
    /// Tectonic type.
    pub event_type: EventTypeDef,
    /// Hypocentre.
    pub hypocentre: Spanned<HypocentreDef>,
    /// Rectangular fault plane; without it the rupture is a point at the hypocentre.
    pub plane: Option<Spanned<PlaneDef>>,
    /// Measure sampled as a spatially correlated field (default `pgv`).
    pub imt: Option<ImtDef>,
    /// Vs30 of sites that give none, m/s (default 400).
    pub vs30_default_mps: Option<SF64>,
    /// Share of the total variance that is between-event, tau^2 / sigma^2 (default 0.25).
    pub between_event_share: Option<SF64>,
    /// Truncation of residuals in standard deviations (default 3).
    pub truncation: Option<SF64>,
}

/// Ground-motion measure of a fragility curve.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum MeasureDef {
    Jma,
    PgvCms,
    PgaG,
}

/// A damage state.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum DamageDef {
    Slight,
    Moderate,
    Extensive,
    Complete,
}

/// `[[hazard.fragility]]`: damage-state curves of one class.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct FragilityDef {
    /// Class id.
    pub class: SString,
    /// Measure of the curves.
    pub measure: MeasureDef,
    /// Medians for slight, moderate, extensive, complete (g, cm/s or intensity).
    pub medians: Spanned<[f64; 4]>,
    /// Lognormal betas (or intensity standard deviations for `jma`), same order.
    pub dispersions: Spanned<[f64; 4]>,
    /// The damage state from which the component stops working.
    pub fails_from: DamageDef,
    /// Where the numbers come from.
    pub source: SString,
}

/// `[[hazard.zones]]`: a region struck (common cause) with some probability; each
/// component of a class then fails independently with its probability.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct ZoneDef {
    /// Region id.
    pub region: SString,
    /// Probability the region is struck in a trial; default 1.
    pub p_event: Option<SF64>,
    /// Per class: probability a component fails when the region is struck.
    pub p_fail: Spanned<BTreeMap<String, SF64>>,
    /// Where the numbers come from.
    pub source: SString,
}

/// `[table7]`: the sites used when `bcpsim table7` forces placements.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Table7Def {
    /// Backup server site inside the capital region.
    pub backup_capital_site: SString,
    /// Backup server site outside the capital region.
    pub backup_outside_site: SString,
    /// Interconnection point site inside the capital region.
    pub interconnection_capital_site: SString,
    /// Interconnection point site outside the capital region.
    pub interconnection_outside_site: SString,
    /// Region that counts as "the capital region".
    pub capital_region: SString,
}
