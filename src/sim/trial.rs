//! The one composition of a trial: hazard -> damage (and the services at t = 0) ->
//! recovery -> mail. Every command that runs trials calls [`run`]; which stages run is data
//! ([`Stages`]), so a new stage is added here once.

use crate::base::rng::trial_seed;
use crate::model::Model;
use crate::sim::eval::evaluate;
use crate::sim::hazard::{sample_damage, sample_hazard};
use crate::sim::mail::MailWorkspace;
use crate::sim::recovery::{simulate, RecoveryWorkspace, TraceLine};
use crate::sim::workspace::Workspace;

/// A stage of a trial; each needs the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Unknowns, zone hazards, the ground-motion field, grid power at t = 0.
    Hazard,
    /// Component states at t = 0 and the services evaluated from them.
    Damage,
    /// The discrete-event recovery to the horizon (when the model has `[recovery]`).
    Recovery,
    /// LGWAN mail over the recovery's timelines (when the model has `[lgwan]`).
    Mail,
}

/// The stages a command runs: every stage up to `last` that the model has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stages {
    last: Stage,
    recovery: bool,
    mail: bool,
}

impl Stages {
    /// Up to and including `last`, as far as the model has the stages.
    pub fn until(model: &Model, last: Stage) -> Stages {
        // `mail` does not read `recovery`: with rustc 1.95.0, `-O` dropped `recovery` (always
        // false) when `mail` was `recovery && …`, so release builds ran no recovery at all
        // (a MIR-optimisation bug like rust-lang/rust#158206).
        let has_recovery = model.recovery.is_some();
        Stages {
            last,
            recovery: last >= Stage::Recovery && has_recovery,
            mail: last >= Stage::Mail && has_recovery && model.lgwan.is_some(),
        }
    }

    /// Every stage the model has.
    pub fn all(model: &Model) -> Stages {
        Stages::until(model, Stage::Mail)
    }

    /// The state right after the quake: hazard, damage and the services at t = 0.
    pub fn at_quake(model: &Model) -> Stages {
        Stages::until(model, Stage::Damage)
    }

    /// Whether `stage` runs.
    pub fn runs(&self, stage: Stage) -> bool {
        match stage {
            Stage::Hazard | Stage::Damage => stage <= self.last,
            Stage::Recovery => self.recovery,
            Stage::Mail => self.mail,
        }
    }
}

/// Per-thread scratch of every stage, reused across trials: no allocation per trial.
#[derive(Debug, Clone)]
pub struct TrialWorkspace {
    /// Hazard, damage and t = 0 service states.
    pub t0: Workspace,
    /// The recovery stage's state, when it runs.
    pub recovery: Option<RecoveryWorkspace>,
    /// The mail stage's outcomes, when it runs.
    pub mail: Option<MailWorkspace>,
    /// The recovery's explanation of the last trial, when asked for (`explain`).
    pub trace: Option<Vec<TraceLine>>,
}

impl TrialWorkspace {
    /// Scratch for `stages` of `model`.
    pub fn new(model: &Model, stages: &Stages) -> TrialWorkspace {
        TrialWorkspace {
            t0: Workspace::new(model),
            recovery: model
                .recovery
                .as_ref()
                .filter(|_| stages.runs(Stage::Recovery))
                .map(|r| RecoveryWorkspace::new(model, r)),
            mail: model
                .lgwan
                .as_ref()
                .filter(|_| stages.runs(Stage::Mail))
                .map(MailWorkspace::new),
            trace: None,
        }
    }

    /// Also keep the recovery's explanation of each trial in [`TrialWorkspace::trace`].
    pub fn with_trace(mut self) -> TrialWorkspace {
        self.trace = Some(Vec::new());
        self
    }
}

/// Runs trial `trial` of `seed` through `stages`, leaving every stage's outcome in `w`.
pub fn run(model: &Model, stages: &Stages, seed: u64, trial: u64, w: &mut TrialWorkspace) {
    let ts = trial_seed(seed, trial);
    sample_hazard(model, ts, &mut w.t0);
    if !stages.runs(Stage::Damage) {
        return;
    }
    sample_damage(model, ts, &mut w.t0);
    evaluate(model, &mut w.t0);
    let (Some(rec), Some(rw)) = (&model.recovery, w.recovery.as_mut()) else {
        return;
    };
    if let Some(t) = w.trace.as_mut() {
        t.clear();
    }
    simulate(model, rec, ts, &w.t0, rw, w.trace.as_mut());
    if let (Some(lg), Some(mw)) = (&model.lgwan, w.mail.as_mut()) {
        lg.simulate(rec, ts, rw, mw);
    }
}
