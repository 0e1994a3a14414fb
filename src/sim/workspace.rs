//! Per-thread scratch of the t = 0 stages (hazard, damage, evaluation).

use crate::model::Model;

/// Per-thread scratch space, reused across trials: no allocation per trial.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub(crate) choice: Vec<u16>,
    pub(crate) struck: Vec<bool>,
    /// Node up (exists and not failed).
    pub alive: Vec<bool>,
    pub(crate) seen: Vec<bool>,
    pub(crate) queue: Vec<u32>,
    pub(crate) path_up: Vec<bool>,
    /// Service up, per service.
    pub service_up: Vec<bool>,
    pub(crate) stack: Vec<bool>,
    /// Whether the earthquake of the ground-motion hazard happened in this trial.
    pub quake: bool,
    pub(crate) z: Vec<f64>,
    pub(crate) field: Vec<f64>,
    /// ln of the sampled measure at each site (when `quake`).
    pub site_ln: Vec<f64>,
    pub(crate) gm_p: Vec<f64>,
    pub(crate) scratch: Vec<f64>,
    /// Per site: grid power available at the moment of the quake.
    pub grid_up: Vec<bool>,
    /// Per node: the component exists in this trial.
    pub exists: Vec<bool>,
    /// Per node: what failed it at t = 0.
    pub cause: Vec<Cause>,
    /// Per node: its site in this trial (`u32::MAX` when it has none).
    pub node_site: Vec<u32>,
    /// Per node: damage state under shaking (0 none, 1 slight … 4 complete).
    pub damage_state: Vec<u8>,
    /// Per site: damage state of its substation (0 when it still supplies).
    pub grid_state: Vec<u8>,
}

/// Why a node is down at the moment of the quake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// Not failed.
    None,
    /// A zone hazard struck its region and it failed.
    Zone,
    /// The shaking at its site damaged it past its fragility's failure state.
    Shaking,
}

impl Workspace {
    /// Scratch sized for a model.
    pub fn new(model: &Model) -> Workspace {
        Workspace {
            choice: vec![0; model.unknowns.len()],
            struck: vec![false; model.zones.len()],
            alive: vec![false; model.nodes.len()],
            seen: vec![false; model.nodes.len()],
            queue: Vec::with_capacity(model.nodes.len()),
            path_up: vec![false; model.paths.len()],
            service_up: vec![false; model.services.len()],
            stack: Vec::with_capacity(64),
            quake: false,
            z: vec![0.0; gm_points(model)],
            field: vec![0.0; gm_points(model)],
            site_ln: vec![0.0; model.sites.len()],
            gm_p: vec![0.0; model.gm_pairs.len()],
            scratch: Vec::with_capacity(gm_points(model)),
            grid_up: vec![true; model.sites.len()],
            exists: vec![true; model.nodes.len()],
            cause: vec![Cause::None; model.nodes.len()],
            node_site: vec![u32::MAX; model.nodes.len()],
            damage_state: vec![0; model.nodes.len()],
            grid_state: vec![0; model.sites.len()],
        }
    }

    /// Alternative chosen for each unknown in the last trial.
    pub fn choices(&self) -> &[u16] {
        &self.choice
    }
}

fn gm_points(model: &Model) -> usize {
    model
        .ground_motion
        .as_ref()
        .map(|g| g.field.n_points())
        .unwrap_or(0)
}
