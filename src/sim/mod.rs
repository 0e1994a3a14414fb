//! The engines (hazard sampling, damage, service evaluation, recovery, mail) and the one
//! composition of a trial ([`trial`]). They read the compiled [`crate::model::Model`] only.

pub mod eval;
pub mod hazard;
pub mod mail;
pub mod recovery;
pub mod trial;
pub mod workspace;
