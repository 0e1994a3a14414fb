//! Ground-motion library: ruptures, the Si & Midorikawa (1999) ground-motion
//! prediction equation (GMPE), JMA seismic intensity, spatially correlated
//! residual fields, and the measures fragility curves are expressed in.
//!
//! Science only: it depends on nothing of the simulator above `base` (normal CDF) and
//! `geo` (the Earth radius and great-circle distance). See `docs/ground-motion.md` for the
//! equations, the sources of every coefficient and the list of assumptions.
//!
//! Layout:
//!
//! * [`rupture`]: earthquake source description ([`Rupture`]) and the
//!   closest distance to the rupture, Rrup.
//! * [`si_midorikawa`]: median and total sigma of PGV / PGA, ported from
//!   OpenQuake hazardlib's `si_midorikawa_1999.py`.
//! * [`intensity`]: JMA instrumental intensity from PGV.
//! * [`correlation`]: Jayaram & Baker (2009) correlation range and the exact
//!   Cholesky factor of a correlated field; [`vecchia`]: its nearest-neighbour
//!   approximation for many sites.
//! * `common` (re-exported here): [`GroundMotionError`], [`Imt`] and
//!   [`STANDARD_GRAVITY`], shared by the files above, and [`FragilityMeasure`], the
//!   measure of the model's fragility curves.

mod common;
pub mod correlation;
pub mod intensity;
pub mod rupture;
pub mod si_midorikawa;
pub mod vecchia;

pub use common::{FragilityMeasure, GroundMotionError, Imt, STANDARD_GRAVITY};
pub use correlation::{Jb2009, SpatialCorrelation, Vs30Clustering};
pub use intensity::jma_from_pgv;
pub use rupture::{EventParams, EventType, FaultPlane, Hypocentre, Rupture, RuptureGeometry};
pub use si_midorikawa::{ln_median_and_sigma_many, median_and_sigma, SiteAmplification};
pub use vecchia::Vecchia;
