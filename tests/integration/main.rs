//! Integration tests: the real CLI on temporary folders, statistical checks against closed
//! forms, determinism across threads and shards, and bad input.

mod analyst;
mod at_quake;
mod bad_input;
mod common;
mod compare;
mod determinism;
mod golden;
mod ground_motion;
mod layers;
mod lgwan;
mod recovery;
mod sensitivity_mail;
mod statistics;
mod table7;
