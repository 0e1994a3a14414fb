//! The `[lgwan]` table of a scenario: a faithful serde mirror, checked in
//! [`super::lgwan_expand::expand`] and compiled by the model. Documented key by key in
//! `docs/scenario-format.md` §23.

use serde::Deserialize;

use super::types::{
    CrewDef, DurationDef, GeneratorDef, PlacementDef, RepairDef, SString, Spanned, SF64,
};

/// `[lgwan]`: the LGWAN topology, its DNS and mail, and the mail flows to measure.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct LgwanDef {
    /// Where the structure comes from.
    pub source: SString,
    /// CSV of the prefectures (code, names, prefectural office coordinates, source),
    /// relative to this file.
    pub prefectures: SString,
    /// Text of the CSV, read with the scenario so that its hash covers it.
    #[serde(skip)]
    pub prefectures_file: Option<usize>,
    /// Municipalities beyond each prefecture's capital city, spread over the prefectures in
    /// code order (default 0).
    pub extra_municipalities: Option<Spanned<i64>>,
    /// Municipalities listed one by one (in addition to the capitals and the extras).
    #[serde(default)]
    pub municipalities: Vec<MunicipalityDef>,
    /// Classes of the generated components.
    pub classes: LgwanClassesDef,
    /// The national NOC.
    pub noc: CenterDef,
    /// The East Japan POI.
    pub poi_east: PoiDef,
    /// The West Japan POI.
    pub poi_west: PoiDef,
    /// LGWAN-G-net interconnection points.
    pub interconnections: Spanned<Vec<InterconnectionDef>>,
    /// Interconnection points added by options, with the file they are written in.
    #[serde(skip)]
    pub added_interconnections: Vec<(usize, InterconnectionDef)>,
    /// Probability that a municipality's LG.JP domain has a secondary authoritative DNS
    /// server outside its own premises (an unknown fact; default 0).
    pub secondary_dns_p: Option<SF64>,
    /// Postfix queue parameters (defaults: Postfix's own).
    #[serde(default)]
    pub postfix: PostfixDef,
    /// Stub resolver parameters (defaults: glibc's own).
    #[serde(default)]
    pub resolver: ResolverDef,
    /// Messages are generated from the quake to this many hours after it.
    pub window_hours: SF64,
    /// Mail flows and their rates.
    pub flows: Spanned<Vec<FlowDef>>,
    /// Mail configurations compared side by side in every trial.
    pub configurations: Spanned<Vec<ConfigurationDef>>,
    /// Configuration of the ministries' mail servers, for flows sent by a ministry (an id
    /// of `configurations`); absent: every configuration is applied to them as well.
    pub ministry_configuration: Option<SString>,
    /// Planned outages (001 section 4).
    #[serde(default)]
    pub planned_outages: Vec<PlannedOutageDef>,
    /// Notice required for a planned outage, hours.
    #[serde(default)]
    pub notice: NoticeDef,
    /// Handling of a stop treated as a fault (no or late notice), after its release.
    pub unnotified_handling: Option<Spanned<DurationDef>>,
    /// Crew pools added to `[recovery]` for LGWAN components.
    #[serde(default)]
    pub crews: Vec<CrewDef>,
    /// Repair entries added to `[recovery]` for LGWAN classes.
    #[serde(default)]
    pub repair: Vec<RepairDef>,
    /// Generator entries added to `[recovery]` for LGWAN classes.
    #[serde(default)]
    pub generators: Vec<GeneratorDef>,
}

/// `[lgwan.classes]`
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct LgwanClassesDef {
    /// NOC and POI facilities.
    pub center: SString,
    /// POI DNS and SMTP relay servers.
    pub poi_server: SString,
    /// Backbone lines (prefecture node to POI, POI to NOC).
    pub backbone_line: SString,
    /// Prefecture nodes.
    pub prefecture_node: SString,
    /// Municipal connection routers.
    pub router: SString,
    /// Municipal access lines.
    pub access_line: SString,
    /// Municipal servers (mail, cache DNS, internet-side mail, authoritative DNS).
    pub municipal_server: SString,
    /// Municipal internet lines.
    pub internet_line: SString,
    /// Interconnection routers to G-net.
    pub interconnection: SString,
}

/// `[[lgwan.municipalities]]`
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct MunicipalityDef {
    /// Identifier.
    pub id: SString,
    /// Prefecture code (as in the CSV, e.g. "27").
    pub prefecture: SString,
    /// English name.
    #[serde(default)]
    pub name_en: String,
    /// Japanese name.
    #[serde(default)]
    pub name_ja: String,
    /// Latitude of the municipal office.
    pub lat: SF64,
    /// Longitude of the municipal office.
    pub lon: SF64,
    /// Where the location comes from.
    pub source: SString,
}

/// `[lgwan.noc]`
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct CenterDef {
    /// Where it is.
    pub site: Spanned<PlacementDef>,
    /// Where the placement comes from.
    pub source: SString,
}

/// `[lgwan.poi_east]`, `[lgwan.poi_west]`
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct PoiDef {
    /// Where it is (its DNS and SMTP servers are in the same place).
    pub site: Spanned<PlacementDef>,
    /// Where the placement comes from.
    pub source: SString,
}

/// Where an interconnection point attaches on the LGWAN side.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Attach {
    /// The national NOC.
    Noc,
    /// The East Japan POI.
    East,
    /// The West Japan POI.
    West,
}

/// `[[lgwan.interconnections]]`
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct InterconnectionDef {
    /// Identifier (node `lgwan.ix.<id>`).
    pub id: SString,
    /// LGWAN side.
    pub attach: Attach,
    /// Where the router is (G-net side: A and B lines to both centers).
    pub site: Spanned<PlacementDef>,
    /// Where the facts come from.
    pub source: SString,
}

/// `[lgwan.postfix]`: queue parameters of every mail server (Postfix defaults).
#[derive(Debug, Deserialize, Clone, Default)]
#[serde(deny_unknown_fields)]
pub struct PostfixDef {
    /// `minimal_backoff_time`, seconds (default 300).
    pub minimal_backoff_seconds: Option<SF64>,
    /// `maximal_backoff_time`, seconds (default 4000).
    pub maximal_backoff_seconds: Option<SF64>,
    /// `maximal_queue_lifetime`, hours (default 120 = 5 days).
    pub queue_lifetime_hours: Option<SF64>,
}

/// `[lgwan.resolver]`: stub resolver parameters (glibc defaults).
#[derive(Debug, Deserialize, Clone, Default)]
#[serde(deny_unknown_fields)]
pub struct ResolverDef {
    /// `options timeout:`, seconds (default 5, glibc `RES_TIMEOUT`).
    pub timeout_seconds: Option<Spanned<i64>>,
    /// `options attempts:` (default 2, glibc `RES_DFLRETRY`).
    pub attempts: Option<Spanned<i64>>,
}

/// Who sends and who receives.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowKind {
    /// A municipality to a ministry (over LGWAN and G-net).
    MunicipalityToMinistry,
    /// A ministry to a municipality.
    MinistryToMunicipality,
    /// A municipality to another municipality.
    MunicipalityToMunicipality,
    /// A company or resident on the internet to a municipality's LG.JP address.
    InternetToMunicipality,
    /// A municipality to a company or resident (internet-side server).
    MunicipalityToInternet,
}

/// `[[lgwan.flows]]`
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct FlowDef {
    /// Who sends to whom.
    pub kind: FlowKind,
    /// Messages per hour over the whole flow (a Poisson process).
    pub rate_per_hour: SF64,
    /// Where the rate comes from.
    pub source: SString,
}

/// Delivery mode of a sending mail server (000).
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryDef {
    /// Look up the destination's MX through the POI DNS, deliver directly over LGWAN.
    Mx,
    /// Relay through a fixed POI mail server.
    Static,
}

/// Which POI.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PoiName {
    /// East Japan POI.
    East,
    /// West Japan POI.
    West,
}

/// `[[lgwan.configurations]]`
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct ConfigurationDef {
    /// Identifier.
    pub id: SString,
    /// Delivery mode.
    pub delivery: DeliveryDef,
    /// POI DNS servers the cache DNS forwards lg.jp and go.jp to, in order (MX delivery).
    #[serde(default)]
    pub forwarders: Vec<PoiName>,
    /// POI mail server relayed through (static delivery).
    pub relay: Option<PoiName>,
}

/// What a planned outage stops.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OutageTarget {
    /// A municipality's connection router.
    Router,
    /// A municipality's access line.
    AccessLine,
    /// A prefecture node.
    PrefectureNode,
}

/// `[[lgwan.planned_outages]]`
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct PlannedOutageDef {
    /// Identifier (keys its draws).
    pub id: SString,
    /// What stops.
    pub target: OutageTarget,
    /// Municipality id (router, access line) or prefecture code (prefecture node).
    pub of: SString,
    /// Start, hours after the quake.
    pub start_hours: SF64,
    /// Length of the stop, hours.
    pub duration_hours: SF64,
    /// How long before the start the stop was applied for, hours.
    pub notice_hours: SF64,
    /// Why the stop is there.
    pub source: SString,
}

/// `[lgwan.notice]`: notice required (001 section 4).
#[derive(Debug, Deserialize, Clone, Default)]
#[serde(deny_unknown_fields)]
pub struct NoticeDef {
    /// Router or access line (default 48 h: two days).
    pub router_hours: Option<SF64>,
    /// Prefecture node (default 720 h: one month taken as 30 days).
    pub prefecture_node_hours: Option<SF64>,
}

/// `[options.lgwan]`: what an option changes in the LGWAN model.
#[derive(Debug, Deserialize, Clone, Default)]
#[serde(deny_unknown_fields)]
pub struct LgwanPatch {
    /// Interconnection points added.
    #[serde(default)]
    pub add_interconnections: Vec<InterconnectionDef>,
}
