//! Studies: drivers of variants of a scenario on common random numbers (compare,
//! sensitivity, Table 7).

pub mod compare;
pub mod sensitivity;
pub mod table7;
