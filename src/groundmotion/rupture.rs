//! Earthquake ruptures and the closest distance to the rupture (Rrup).
//!
//! A [`Rupture`] has a moment magnitude, a hypocentre, an [`EventType`] and a
//! [`RuptureGeometry`]: either a point source at the hypocentre or a planar
//! rectangular fault ([`FaultPlane`]).
//!
//! Distances:
//!
//! * point source: hypocentral distance, `sqrt(Repi^2 + depth^2)` with the
//!   epicentral distance `Repi` measured along the great circle
//!   (haversine on hazardlib's sphere, [`crate::geo::EARTH_RADIUS_KM`]);
//! * fault plane: the site is projected into a local flat-earth frame in km
//!   centred on the plane's reference point (azimuthal equidistant
//!   projection: exact distance and azimuth from the reference point), and
//!   the exact closest point on the 3-D rectangle is found by clamping the
//!   site's coordinates along strike and down dip. The only approximation is
//!   the projection itself, whose distortion is second order in
//!   (distance / Earth radius): about 0.1 % at 200 km from the reference
//!   point, and a few cm for the Tokyo region's near-fault distances.

use serde::{Deserialize, Serialize};

use super::common::{check_range, GroundMotionError};
use crate::geo::{distance_km, LatLon};

/// Smallest accepted moment magnitude.
pub const MW_MIN: f64 = 5.0;
/// Largest accepted moment magnitude. The GMPE itself caps Mw at
/// [`crate::groundmotion::si_midorikawa::MW_CAP`] = 8.3 (hazardlib).
pub const MW_MAX: f64 = 9.5;
/// Largest accepted hypocentre / top-of-rupture depth, km.
pub const DEPTH_MAX_KM: f64 = 200.0;
/// Largest accepted fault length, km.
pub const LENGTH_MAX_KM: f64 = 1500.0;
/// Largest accepted fault (down-dip) width, km.
pub const WIDTH_MAX_KM: f64 = 500.0;

/// Tectonic type of the earthquake, selecting the Si & Midorikawa event term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventType {
    /// Shallow crustal earthquake (hazardlib `SiMidorikawa1999Asc`).
    Crustal,
    /// Subduction interface (inter-plate) earthquake (`SiMidorikawa1999SInter`).
    Interface,
    /// Intraslab (intra-plate) earthquake (`SiMidorikawa1999SSlab`).
    Intraslab,
}

/// Hypocentre: latitude and longitude in decimal degrees (WGS84 treated as a
/// sphere), depth in km below the surface (positive down).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Hypocentre {
    /// Latitude, degrees north, in [-90, 90].
    pub lat: f64,
    /// Longitude, degrees east, in [-180, 180].
    pub lon: f64,
    /// Depth below the surface, km, in [0, 200].
    pub depth_km: f64,
}

/// A planar rectangular fault.
///
/// Conventions (Aki & Richards): `strike_deg` is measured clockwise from
/// north, the plane dips to the right of the strike direction by `dip_deg`.
/// The reference point (`ref_lat`, `ref_lon`) is the surface projection of
/// the **midpoint of the top edge**. The top edge is at `top_depth_km`, runs
/// `length_km / 2` either side of the reference point along strike, and the
/// plane extends `width_km` down dip, so its bottom edge is at
/// `top_depth_km + width_km * sin(dip)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FaultPlane {
    /// Strike, degrees clockwise from north, in [0, 360).
    pub strike_deg: f64,
    /// Dip, degrees below horizontal, in (0, 90].
    pub dip_deg: f64,
    /// Length along strike, km, in (0, 1500].
    pub length_km: f64,
    /// Width down dip, km, in (0, 500].
    pub width_km: f64,
    /// Depth of the top edge, km, in [0, 200].
    pub top_depth_km: f64,
    /// Latitude of the surface projection of the top-edge midpoint.
    pub ref_lat: f64,
    /// Longitude of the surface projection of the top-edge midpoint.
    pub ref_lon: f64,
}

/// Geometry of the rupture.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum RuptureGeometry {
    /// Point source at the hypocentre; Rrup is the hypocentral distance.
    Point,
    /// Rectangular fault plane; Rrup is the exact closest distance to it.
    Plane(FaultPlane),
}

/// An earthquake rupture.
///
/// Fields are public so that scenarios can be deserialised directly; call
/// [`Rupture::validate`] (done by the constructors) before use.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rupture {
    /// Moment magnitude, in [5.0, 9.5].
    pub mw: f64,
    /// Hypocentre.
    pub hypocentre: Hypocentre,
    /// Tectonic event type.
    pub event_type: EventType,
    /// Point or plane.
    pub geometry: RuptureGeometry,
}

/// The source parameters the GMPE needs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EventParams {
    /// Moment magnitude (the GMPE caps it at 8.3).
    pub mw: f64,
    /// Hypocentral depth, km.
    pub hypo_depth_km: f64,
    /// Event type.
    pub event_type: EventType,
}

/// Local east-north-down frame (km) centred on a reference point, using the
/// azimuthal equidistant projection: distance and azimuth from the centre are
/// exact (great circle), and the distortion of other distances is
/// second order in (distance / Earth radius).
#[derive(Debug, Clone, Copy)]
struct LocalFrame {
    lat0_rad: f64,
    lon0_rad: f64,
    sin_lat0: f64,
    cos_lat0: f64,
}

impl LocalFrame {
    fn new(lat0: f64, lon0: f64) -> Self {
        let lat0_rad = lat0.to_radians();
        let (sin_lat0, cos_lat0) = lat0_rad.sin_cos();
        LocalFrame {
            lat0_rad,
            lon0_rad: lon0.to_radians(),
            sin_lat0,
            cos_lat0,
        }
    }

    /// (east, north) in km of a surface point.
    fn project(&self, lat: f64, lon: f64) -> (f64, f64) {
        let origin = LatLon {
            lat: self.lat0_rad.to_degrees(),
            lon: self.lon0_rad.to_degrees(),
        };
        let d = distance_km(origin, LatLon { lat, lon });
        if d == 0.0 {
            return (0.0, 0.0);
        }
        let (sin_p, cos_p) = lat.to_radians().sin_cos();
        let (sin_dl, cos_dl) = (lon.to_radians() - self.lon0_rad).sin_cos();
        let az = (sin_dl * cos_p).atan2(self.cos_lat0 * sin_p - self.sin_lat0 * cos_p * cos_dl);
        let (sin_az, cos_az) = az.sin_cos();
        (d * sin_az, d * cos_az)
    }

    /// Inverse of [`LocalFrame::project`]; only the tests place points in the local frame.
    #[cfg(test)]
    fn unproject(&self, x: f64, y: f64) -> (f64, f64) {
        let d = x.hypot(y);
        if d == 0.0 {
            return (self.lat0_rad.to_degrees(), self.lon0_rad.to_degrees());
        }
        let az = x.atan2(y);
        let delta = d / crate::geo::EARTH_RADIUS_KM;
        let (sin_d, cos_d) = delta.sin_cos();
        let sin_p = (self.sin_lat0 * cos_d + self.cos_lat0 * sin_d * az.cos()).clamp(-1.0, 1.0);
        let lat = sin_p.asin();
        let lon =
            self.lon0_rad + (az.sin() * sin_d * self.cos_lat0).atan2(cos_d - self.sin_lat0 * sin_p);
        let mut lon_deg = lon.to_degrees();
        if lon_deg > 180.0 {
            lon_deg -= 360.0;
        } else if lon_deg < -180.0 {
            lon_deg += 360.0;
        }
        (lat.to_degrees(), lon_deg)
    }
}

fn check_lat_lon(
    lat_what: &'static str,
    lat: f64,
    lon_what: &'static str,
    lon: f64,
) -> Result<(), GroundMotionError> {
    check_range(lat_what, lat, -90.0, 90.0, "[-90, 90] degrees")?;
    check_range(lon_what, lon, -180.0, 180.0, "[-180, 180] degrees")
}

impl FaultPlane {
    /// Check every field against its documented range.
    pub fn validate(&self) -> Result<(), GroundMotionError> {
        if !(self.strike_deg.is_finite() && (0.0..360.0).contains(&self.strike_deg)) {
            return Err(GroundMotionError::OutOfRange {
                what: "strike (deg)",
                value: self.strike_deg,
                allowed: "[0, 360) degrees",
            });
        }
        if !(self.dip_deg.is_finite() && self.dip_deg > 0.0 && self.dip_deg <= 90.0) {
            return Err(GroundMotionError::OutOfRange {
                what: "dip (deg)",
                value: self.dip_deg,
                allowed: "(0, 90] degrees",
            });
        }
        if !(self.length_km.is_finite() && self.length_km > 0.0 && self.length_km <= LENGTH_MAX_KM)
        {
            return Err(GroundMotionError::OutOfRange {
                what: "fault length (km)",
                value: self.length_km,
                allowed: "(0, 1500] km",
            });
        }
        if !(self.width_km.is_finite() && self.width_km > 0.0 && self.width_km <= WIDTH_MAX_KM) {
            return Err(GroundMotionError::OutOfRange {
                what: "fault width (km)",
                value: self.width_km,
                allowed: "(0, 500] km",
            });
        }
        check_range(
            "fault top depth (km)",
            self.top_depth_km,
            0.0,
            DEPTH_MAX_KM,
            "[0, 200] km",
        )?;
        check_lat_lon(
            "fault reference latitude (deg)",
            self.ref_lat,
            "fault reference longitude (deg)",
            self.ref_lon,
        )
    }

    /// Depth of the bottom edge, km: `top + width * sin(dip)`.
    pub fn bottom_depth_km(&self) -> f64 {
        self.top_depth_km + self.width_km * self.dip_deg.to_radians().sin()
    }

    /// Unit vectors along strike and down dip in the local (east, north,
    /// down) frame.
    fn unit_vectors(&self) -> ([f64; 3], [f64; 3]) {
        let (sin_s, cos_s) = self.strike_deg.to_radians().sin_cos();
        let (sin_d, cos_d) = self.dip_deg.to_radians().sin_cos();
        let along = [sin_s, cos_s, 0.0];
        // Horizontal dip direction is strike + 90 degrees: (cos s, -sin s).
        let down = [cos_d * cos_s, -cos_d * sin_s, sin_d];
        (along, down)
    }

    /// Closest distance (km) from a surface site at (`lat`, `lon`) to the
    /// plane, in the local flat-earth frame centred on the reference point.
    pub fn rrup_km(&self, lat: f64, lon: f64) -> f64 {
        let frame = LocalFrame::new(self.ref_lat, self.ref_lon);
        let (x, y) = frame.project(lat, lon);
        self.rrup_local(x, y)
    }

    /// Rrup for a site at local (x east, y north, 0 depth) km.
    fn rrup_local(&self, x: f64, y: f64) -> f64 {
        let (a, d) = self.unit_vectors();
        // Vector from the top-edge midpoint (0, 0, top) to the site (x, y, 0).
        let v = [x, y, -self.top_depth_km];
        let s = v[0] * a[0] + v[1] * a[1] + v[2] * a[2];
        let t = v[0] * d[0] + v[1] * d[1] + v[2] * d[2];
        let half = 0.5 * self.length_km;
        let sc = s.clamp(-half, half);
        let tc = t.clamp(0.0, self.width_km);
        let px = sc * a[0] + tc * d[0];
        let py = sc * a[1] + tc * d[1];
        let pz = self.top_depth_km + tc * d[2];
        let (dx, dy, dz) = (x - px, y - py, -pz);
        (dx * dx + dy * dy + dz * dz).sqrt()
    }
}

impl Rupture {
    /// A point-source rupture at the hypocentre (validated).
    pub fn point(
        mw: f64,
        hypocentre: Hypocentre,
        event_type: EventType,
    ) -> Result<Self, GroundMotionError> {
        let r = Rupture {
            mw,
            hypocentre,
            event_type,
            geometry: RuptureGeometry::Point,
        };
        r.validate()?;
        Ok(r)
    }

    /// A rupture on a rectangular fault plane (validated).
    pub fn plane(
        mw: f64,
        hypocentre: Hypocentre,
        event_type: EventType,
        plane: FaultPlane,
    ) -> Result<Self, GroundMotionError> {
        let r = Rupture {
            mw,
            hypocentre,
            event_type,
            geometry: RuptureGeometry::Plane(plane),
        };
        r.validate()?;
        Ok(r)
    }

    /// Validate every field. Allowed ranges:
    ///
    /// * `mw` in [5.0, 9.5] (the GMPE caps it at 8.3, as hazardlib does);
    /// * hypocentre latitude in [-90, 90], longitude in [-180, 180], depth in
    ///   [0, 200] km;
    /// * for a plane: see [`FaultPlane::validate`], and the hypocentre depth
    ///   must lie within the plane's depth range [top, bottom] (1e-6 km
    ///   tolerance). The hypocentre's map position is not checked against
    ///   the plane.
    pub fn validate(&self) -> Result<(), GroundMotionError> {
        check_range("Mw", self.mw, MW_MIN, MW_MAX, "[5.0, 9.5]")?;
        check_lat_lon(
            "hypocentre latitude (deg)",
            self.hypocentre.lat,
            "hypocentre longitude (deg)",
            self.hypocentre.lon,
        )?;
        check_range(
            "hypocentre depth (km)",
            self.hypocentre.depth_km,
            0.0,
            DEPTH_MAX_KM,
            "[0, 200] km",
        )?;
        if let RuptureGeometry::Plane(p) = &self.geometry {
            p.validate()?;
            let tol = 1e-6;
            let h = self.hypocentre.depth_km;
            if h < p.top_depth_km - tol || h > p.bottom_depth_km() + tol {
                return Err(GroundMotionError::OutOfRange {
                    what: "hypocentre depth (km)",
                    value: h,
                    allowed: "within the fault plane's depth range \
                              [top_depth_km, top_depth_km + width_km * sin(dip)]",
                });
            }
        }
        Ok(())
    }

    /// Source parameters for the GMPE.
    pub fn event_params(&self) -> EventParams {
        EventParams {
            mw: self.mw,
            hypo_depth_km: self.hypocentre.depth_km,
            event_type: self.event_type,
        }
    }

    /// Closest distance in km from a surface site at (`lat`, `lon`) to the
    /// rupture: hypocentral distance for a point source, exact distance to
    /// the rectangle (in the local flat-earth frame) for a plane.
    pub fn rrup_km(&self, lat: f64, lon: f64) -> f64 {
        match &self.geometry {
            RuptureGeometry::Point => {
                let epicentre = LatLon {
                    lat: self.hypocentre.lat,
                    lon: self.hypocentre.lon,
                };
                let repi = distance_km(epicentre, LatLon { lat, lon });
                repi.hypot(self.hypocentre.depth_km)
            }
            RuptureGeometry::Plane(p) => p.rrup_km(lat, lon),
        }
    }

    /// Rrup for many sites given as (lat, lon); the result has one entry per
    /// site, in order.
    pub fn rrup_km_many(&self, sites: &[(f64, f64)]) -> Vec<f64> {
        match &self.geometry {
            RuptureGeometry::Point => sites.iter().map(|&(la, lo)| self.rrup_km(la, lo)).collect(),
            RuptureGeometry::Plane(p) => {
                let frame = LocalFrame::new(p.ref_lat, p.ref_lon);
                sites
                    .iter()
                    .map(|&(la, lo)| {
                        let (x, y) = frame.project(la, lo);
                        p.rrup_local(x, y)
                    })
                    .collect()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::EARTH_RADIUS_KM;
    use proptest::prelude::*;

    const KM_PER_DEG: f64 = EARTH_RADIUS_KM * std::f64::consts::PI / 180.0;

    fn km(a: (f64, f64), b: (f64, f64)) -> f64 {
        distance_km(LatLon { lat: a.0, lon: a.1 }, LatLon { lat: b.0, lon: b.1 })
    }

    fn plane(strike: f64, dip: f64, len: f64, wid: f64, top: f64) -> FaultPlane {
        FaultPlane {
            strike_deg: strike,
            dip_deg: dip,
            length_km: len,
            width_km: wid,
            top_depth_km: top,
            ref_lat: 35.0,
            ref_lon: 139.5,
        }
    }

    /// Site at local offsets (east km, north km) from the plane's reference.
    fn site(p: &FaultPlane, east: f64, north: f64) -> (f64, f64) {
        LocalFrame::new(p.ref_lat, p.ref_lon).unproject(east, north)
    }

    /// The four corners as (lat, lon, depth_km), in the order: top edge at -L/2 along
    /// strike, top edge at +L/2, bottom edge at +L/2, bottom edge at -L/2.
    fn corners(p: &FaultPlane) -> [(f64, f64, f64); 4] {
        let frame = LocalFrame::new(p.ref_lat, p.ref_lon);
        let (a, d) = p.unit_vectors();
        let half = 0.5 * p.length_km;
        let w = p.width_km;
        let pts = [(-half, 0.0), (half, 0.0), (half, w), (-half, w)];
        pts.map(|(s, t)| {
            let x = s * a[0] + t * d[0];
            let y = s * a[1] + t * d[1];
            let z = p.top_depth_km + t * d[2];
            let (lat, lon) = frame.unproject(x, y);
            (lat, lon, z)
        })
    }

    /// Brute-force Rrup: minimum over a fine mesh of the plane (local frame).
    fn brute_rrup(p: &FaultPlane, east: f64, north: f64, n: usize) -> f64 {
        let (a, d) = p.unit_vectors();
        let mut best = f64::INFINITY;
        for i in 0..=n {
            let s = -0.5 * p.length_km + p.length_km * i as f64 / n as f64;
            for j in 0..=n {
                let t = p.width_km * j as f64 / n as f64;
                let x = s * a[0] + t * d[0];
                let y = s * a[1] + t * d[1];
                let z = p.top_depth_km + t * d[2];
                let dist = ((east - x).powi(2) + (north - y).powi(2) + z * z).sqrt();
                best = best.min(dist);
            }
        }
        best
    }

    #[test]
    fn vertical_fault_analytic_distances() {
        let p = plane(0.0, 90.0, 20.0, 10.0, 0.0);
        let (la, lo) = site(&p, 0.0, 0.0);
        assert!(p.rrup_km(la, lo) < 1e-9);
        let (la, lo) = site(&p, 5.0, 3.0);
        assert!((p.rrup_km(la, lo) - 5.0).abs() < 1e-9);
        // Beyond the north end by 3 km and 4 km east: sqrt(9 + 16) = 5.
        let (la, lo) = site(&p, 4.0, 13.0);
        assert!((p.rrup_km(la, lo) - 5.0).abs() < 1e-9);
        // Buried vertical fault, top at 3 km: site above it sees 3 km.
        let p = plane(0.0, 90.0, 20.0, 10.0, 3.0);
        let (la, lo) = site(&p, 0.0, -9.0);
        assert!((p.rrup_km(la, lo) - 3.0).abs() < 1e-9);
    }

    #[test]
    fn dipping_fault_footwall_and_hanging_wall() {
        // Strike north, dip 45 degrees to the east, top at 2 km, width 10 km.
        let p = plane(0.0, 45.0, 30.0, 10.0, 2.0);
        // Footwall site above the top edge: distance to the top edge = 2 km.
        let (la, lo) = site(&p, 0.0, 0.0);
        assert!((p.rrup_km(la, lo) - 2.0).abs() < 1e-9);
        // Hanging-wall site 10 km east: perpendicular distance to the plane.
        // The plane passes through (0, 0, 2) (east, north, down) with unit
        // normal (1, 0, -1)/sqrt2; site (10, 0, 0) gives
        // |(10, 0, -2) . (1, 0, -1)/sqrt2| = 12/sqrt2.
        let (la, lo) = site(&p, 10.0, 0.0);
        let expect = 12.0 / 2f64.sqrt();
        assert!(
            (p.rrup_km(la, lo) - expect).abs() < 1e-9,
            "{}",
            p.rrup_km(la, lo)
        );
        // Far east beyond the bottom edge: distance to the bottom edge.
        let bottom_x = 10.0 * 45f64.to_radians().cos();
        let bottom_z = 2.0 + 10.0 * 45f64.to_radians().sin();
        let (la, lo) = site(&p, 40.0, 0.0);
        let expect = ((40.0 - bottom_x).powi(2) + bottom_z.powi(2)).sqrt();
        assert!((p.rrup_km(la, lo) - expect).abs() < 1e-9);
        assert!((p.bottom_depth_km() - bottom_z).abs() < 1e-12);
    }

    #[test]
    fn plane_matches_brute_force_mesh_for_several_orientations() {
        let cases = [
            plane(0.0, 90.0, 20.0, 10.0, 0.0),
            plane(45.0, 30.0, 40.0, 20.0, 5.0),
            plane(135.0, 60.0, 25.0, 15.0, 1.0),
            plane(225.0, 15.0, 100.0, 50.0, 10.0),
            plane(300.0, 80.0, 10.0, 8.0, 0.5),
        ];
        let offsets = [
            (0.0, 0.0),
            (12.0, -7.0),
            (-30.0, 5.0),
            (3.0, 40.0),
            (-15.0, -25.0),
            (60.0, 60.0),
        ];
        let n = 400;
        for p in &cases {
            for &(e, nn) in &offsets {
                let (la, lo) = site(p, e, nn);
                let exact = p.rrup_km(la, lo);
                let brute = brute_rrup(p, e, nn, n);
                // Mesh spacing h = max(L, W)/n; brute >= exact and brute -
                // exact <= h/sqrt(2) (half the cell diagonal).
                let h = p.length_km.max(p.width_km) / n as f64;
                assert!(brute >= exact - 1e-9, "{p:?} {e} {nn}: {brute} < {exact}");
                assert!(brute - exact <= h, "{p:?} {e} {nn}: {brute} vs {exact}");
            }
        }
    }

    #[test]
    fn strike_east_dips_south() {
        // Strike 90 (east): dip direction is south. A site south of the top
        // edge is on the hanging wall and closer than the same offset north.
        let p = plane(90.0, 30.0, 20.0, 20.0, 1.0);
        let (la, lo) = site(&p, 0.0, -10.0);
        let south = p.rrup_km(la, lo);
        let (la, lo) = site(&p, 0.0, 10.0);
        let north = p.rrup_km(la, lo);
        assert!(south < north, "south {south} north {north}");
        // Corner 2 (bottom edge) lies south of the reference point.
        let c = corners(&p);
        assert!(c[2].0 < p.ref_lat);
        assert!((c[2].2 - p.bottom_depth_km()).abs() < 1e-12);
        assert!((c[0].2 - 1.0).abs() < 1e-12);
    }

    #[test]
    fn corners_round_trip_to_zero_distance() {
        let p = plane(33.0, 50.0, 30.0, 12.0, 0.0);
        // The top corners are at the surface: Rrup = 0 there.
        for c in &corners(&p)[..2] {
            assert!(p.rrup_km(c.0, c.1) < 1e-9);
        }
    }

    #[test]
    fn point_source_is_hypocentral_distance() {
        let h = Hypocentre {
            lat: 35.7,
            lon: 139.7,
            depth_km: 30.0,
        };
        let r = Rupture::point(7.3, h, EventType::Crustal).unwrap();
        assert!((r.rrup_km(35.7, 139.7) - 30.0).abs() < 1e-12);
        // 1 degree of latitude north: great-circle 111.195 km.
        let d = r.rrup_km(36.7, 139.7);
        let expect = KM_PER_DEG.hypot(30.0);
        // The fault runs north-south through the reference point, so Rrup is
        // the east component of the site (the great circle to a point on the
        // same parallel leaves slightly north of east): within 1e-5 km.
        assert!((d - expect).abs() < 1e-5, "{d} vs {expect}");
        assert_eq!(
            r.rrup_km_many(&[(35.7, 139.7), (36.7, 139.7)]),
            vec![30.0, d]
        );
    }

    #[test]
    fn tiny_plane_approaches_point_source() {
        let hyp = Hypocentre {
            lat: 35.0,
            lon: 139.5,
            depth_km: 10.0,
        };
        let p = FaultPlane {
            strike_deg: 10.0,
            dip_deg: 90.0,
            length_km: 1e-6,
            width_km: 1e-6,
            top_depth_km: 10.0,
            ref_lat: 35.0,
            ref_lon: 139.5,
        };
        let pl = Rupture::plane(6.0, hyp, EventType::Crustal, p).unwrap();
        let pt = Rupture::point(6.0, hyp, EventType::Crustal).unwrap();
        for (la, lo) in [(35.1, 139.6), (35.5, 139.0), (34.8, 139.55)] {
            let a = pl.rrup_km(la, lo);
            let b = pt.rrup_km(la, lo);
            // Azimuthal equidistant frame: distances from the reference
            // point are exact great-circle distances; the residual is the
            // 1e-6 km size of the "tiny" plane.
            assert!((a - b).abs() < 1e-6, "{a} vs {b}");
        }
    }

    #[test]
    fn validation_names_allowed_ranges() {
        let hyp = Hypocentre {
            lat: 35.0,
            lon: 139.5,
            depth_km: 10.0,
        };
        let e = Rupture::point(4.0, hyp, EventType::Crustal).unwrap_err();
        assert!(e.to_string().contains("[5.0, 9.5]"), "{e}");
        let bad = Hypocentre {
            depth_km: -1.0,
            ..hyp
        };
        let e = Rupture::point(7.0, bad, EventType::Crustal).unwrap_err();
        assert!(e.to_string().contains("[0, 200] km"), "{e}");
        let bad = Hypocentre { lat: 95.0, ..hyp };
        assert!(Rupture::point(7.0, bad, EventType::Crustal).is_err());

        let good = plane(0.0, 45.0, 20.0, 10.0, 5.0);
        assert!(Rupture::plane(7.0, hyp, EventType::Crustal, good).is_ok());
        for (p, needle) in [
            (
                FaultPlane {
                    dip_deg: 0.0,
                    ..good
                },
                "(0, 90]",
            ),
            (
                FaultPlane {
                    dip_deg: 91.0,
                    ..good
                },
                "(0, 90]",
            ),
            (
                FaultPlane {
                    strike_deg: 360.0,
                    ..good
                },
                "[0, 360)",
            ),
            (
                FaultPlane {
                    length_km: 0.0,
                    ..good
                },
                "(0, 1500]",
            ),
            (
                FaultPlane {
                    width_km: -2.0,
                    ..good
                },
                "(0, 500]",
            ),
            (
                FaultPlane {
                    top_depth_km: -0.1,
                    ..good
                },
                "[0, 200]",
            ),
            (
                FaultPlane {
                    ref_lon: 190.0,
                    ..good
                },
                "[-180, 180]",
            ),
            (
                FaultPlane {
                    dip_deg: f64::NAN,
                    ..good
                },
                "(0, 90]",
            ),
        ] {
            let e = Rupture::plane(7.0, hyp, EventType::Crustal, p).unwrap_err();
            assert!(
                e.to_string().contains(needle),
                "{e} should mention {needle}"
            );
        }
        // Hypocentre below the bottom edge (5 + 10 sin45 = 12.07 km).
        let deep = Hypocentre {
            depth_km: 20.0,
            ..hyp
        };
        let e = Rupture::plane(7.0, deep, EventType::Crustal, good).unwrap_err();
        assert!(e.to_string().contains("depth range"), "{e}");
    }

    #[test]
    fn event_params_copy_fields() {
        let hyp = Hypocentre {
            lat: 35.0,
            lon: 139.5,
            depth_km: 45.0,
        };
        let r = Rupture::point(7.1, hyp, EventType::Intraslab).unwrap();
        let ep = r.event_params();
        assert_eq!(ep.mw, 7.1);
        assert_eq!(ep.hypo_depth_km, 45.0);
        assert_eq!(ep.event_type, EventType::Intraslab);
    }

    #[test]
    fn projection_round_trip_and_exact_radial_distance() {
        let f = LocalFrame::new(35.3, 139.4);
        for &(x, y) in &[(0.0, 0.0), (10.0, -3.0), (-150.0, 80.0), (250.0, 250.0)] {
            let (la, lo) = f.unproject(x, y);
            let (x2, y2) = f.project(la, lo);
            assert!(
                (x - x2).abs() < 1e-8 && (y - y2).abs() < 1e-8,
                "({x},{y}) -> ({x2},{y2})"
            );
            let d = km((35.3, 139.4), (la, lo));
            assert!((d - x.hypot(y)).abs() < 1e-8);
        }
        // Due north is +y, due east is +x.
        let (x, y) = f.project(35.4, 139.4);
        assert!(x.abs() < 1e-9 && y > 0.0);
        let (x, y) = f.project(35.3, 139.5);
        assert!(x > 0.0 && y.abs() < 0.05);
    }

    #[test]
    fn antimeridian_wrap() {
        let p = FaultPlane {
            ref_lon: 179.95,
            ..plane(0.0, 90.0, 20.0, 10.0, 0.0)
        };
        // A site just across the antimeridian, ~0.1 deg east at lat 35.
        let d = p.rrup_km(35.0, -179.95);
        let expect = km((35.0, 179.95), (35.0, -179.95));
        assert!((expect - 0.1 * KM_PER_DEG * 35f64.to_radians().cos()).abs() < 1e-3);
        // The fault runs north-south through the reference point, so Rrup is
        // the east component of the site (the great circle to a point on the
        // same parallel leaves slightly north of east): within 1e-5 km.
        assert!((d - expect).abs() < 1e-5, "{d} vs {expect}");
    }

    proptest! {
        #[test]
        fn rrup_bounds(
            strike in 0.0f64..359.9,
            dip in 1.0f64..90.0,
            len in 1.0f64..200.0,
            wid in 1.0f64..60.0,
            top in 0.0f64..30.0,
            e in -150.0f64..150.0,
            n in -150.0f64..150.0,
        ) {
            let p = plane(strike, dip, len, wid, top);
            let (la, lo) = site(&p, e, n);
            let r = p.rrup_km(la, lo);
            // Never closer than the top edge's depth.
            prop_assert!(r >= top - 1e-9);
            // Never farther than any corner or than the reference point.
            for c in corners(&p) {
                let (x, y) = LocalFrame::new(p.ref_lat, p.ref_lon).project(c.0, c.1);
                let dc = ((e - x).powi(2) + (n - y).powi(2) + c.2 * c.2).sqrt();
                prop_assert!(r <= dc + 1e-6);
            }
            prop_assert!(r <= (e * e + n * n + top * top).sqrt() + 1e-6);
        }
    }
}
