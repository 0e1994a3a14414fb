//! Coordinates, distances and regions.
//!
//! Regions are polygons in longitude/latitude degrees. Point-in-polygon is computed on the
//! plate carrée plane, which is exact for deciding inside/outside of outlines whose edges are
//! short (tens of km) compared with the curvature that would matter; each region states its
//! outline's approximation in km.

/// Earth radius, km: the sphere of OpenQuake hazardlib (`openquake/hazardlib/geo/geodetic.py`,
/// `EARTH_RADIUS = 6371.0`), so that Rrup and hence the GMPE agree with hazardlib. The one
/// radius of the crate: ruptures, correlated fields and any other distance use it.
pub const EARTH_RADIUS_KM: f64 = 6371.0;

/// A point on the Earth's surface.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct LatLon {
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east.
    pub lon: f64,
}

/// Great-circle distance in km (haversine) on the sphere of [`EARTH_RADIUS_KM`].
pub fn distance_km(a: LatLon, b: LatLon) -> f64 {
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let dp = p2 - p1;
    let dl = (b.lon - a.lon).to_radians();
    let h = (0.5 * dp).sin().powi(2) + p1.cos() * p2.cos() * (0.5 * dl).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// Unit vector from the Earth's centre to a point, for many pairwise distances
/// ([`chord_distance_km`]) without repeated trigonometry.
pub fn unit_vector(p: LatLon) -> [f64; 3] {
    let (sp, cp) = p.lat.to_radians().sin_cos();
    let (sl, cl) = p.lon.to_radians().sin_cos();
    [cp * cl, cp * sl, sp]
}

/// Great-circle distance in km between two [`unit_vector`]s, via the chord: no
/// trigonometry per pair, and accurate at short range.
pub fn chord_distance_km(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    let dx = a[0] - b[0];
    let dy = a[1] - b[1];
    let dz = a[2] - b[2];
    let chord = (dx * dx + dy * dy + dz * dz).sqrt();
    2.0 * EARTH_RADIUS_KM * (0.5 * chord).min(1.0).asin()
}

/// A closed ring of `[lon, lat]` vertices; the last vertex repeats the first.
#[derive(Debug, Clone)]
pub struct Ring {
    vertices: Vec<[f64; 2]>,
}

/// Why a ring is not a usable polygon.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum RingError {
    /// Fewer than three distinct vertices.
    TooFewVertices(usize),
    /// Last vertex differs from the first.
    NotClosed {
        /// First vertex.
        first: [f64; 2],
        /// Last vertex.
        last: [f64; 2],
    },
    /// A coordinate is not finite or out of range.
    BadCoordinate([f64; 2]),
    /// The ring encloses no area.
    ZeroArea,
}

impl std::fmt::Display for RingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RingError::TooFewVertices(n) => {
                write!(f, "a polygon needs at least 3 distinct vertices, found {n}")
            }
            RingError::NotClosed { first, last } => write!(
                f,
                "polygon does not close: first vertex [{}, {}] but last [{}, {}]",
                first[0], first[1], last[0], last[1]
            ),
            RingError::BadCoordinate(p) => write!(
                f,
                "vertex [{}, {}] is not a [lon, lat] pair in degrees (lon -180..180, lat -90..90)",
                p[0], p[1]
            ),
            RingError::ZeroArea => write!(f, "polygon encloses no area"),
        }
    }
}

impl Ring {
    /// Checks and builds a ring.
    pub fn new(vertices: Vec<[f64; 2]>) -> Result<Ring, RingError> {
        for v in &vertices {
            if !v[0].is_finite() || !v[1].is_finite() || v[0].abs() > 180.0 || v[1].abs() > 90.0 {
                return Err(RingError::BadCoordinate(*v));
            }
        }
        if vertices.len() < 4 {
            return Err(RingError::TooFewVertices(vertices.len().saturating_sub(1)));
        }
        let (first, last) = (vertices[0], vertices[vertices.len() - 1]);
        if first != last {
            return Err(RingError::NotClosed { first, last });
        }
        let mut distinct: Vec<[f64; 2]> = vertices[..vertices.len() - 1].to_vec();
        distinct.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
        distinct.dedup();
        if distinct.len() < 3 {
            return Err(RingError::TooFewVertices(distinct.len()));
        }
        let ring = Ring { vertices };
        if ring.signed_area_deg2().abs() < 1e-12 {
            return Err(RingError::ZeroArea);
        }
        Ok(ring)
    }

    /// Shoelace area in square degrees (sign gives orientation).
    fn signed_area_deg2(&self) -> f64 {
        self.vertices
            .windows(2)
            .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
            .sum::<f64>()
            / 2.0
    }

    /// Even-odd rule point-in-polygon.
    pub fn contains(&self, p: LatLon) -> bool {
        let (x, y) = (p.lon, p.lat);
        let mut inside = false;
        for w in self.vertices.windows(2) {
            let ([x1, y1], [x2, y2]) = (w[0], w[1]);
            if (y1 > y) != (y2 > y) {
                let xc = x1 + (y - y1) * (x2 - x1) / (y2 - y1);
                if x < xc {
                    inside = !inside;
                }
            }
        }
        inside
    }

    /// Vertices, closed.
    pub fn vertices(&self) -> &[[f64; 2]] {
        &self.vertices
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokyo_to_osaka_is_about_400_km() {
        let tokyo = LatLon {
            lat: 35.6812,
            lon: 139.7671,
        };
        let osaka = LatLon {
            lat: 34.7025,
            lon: 135.4959,
        };
        let d = distance_km(tokyo, osaka);
        // Published great-circle distance Tokyo St.–Osaka St. is about 403 km.
        assert!((d - 403.0).abs() < 3.0, "{d}");
        let chord = chord_distance_km(&unit_vector(tokyo), &unit_vector(osaka));
        assert!((chord - d).abs() < 1e-9, "{chord} {d}");
    }

    #[test]
    fn square_contains_centre_not_outside() {
        let r = Ring::new(vec![
            [0.0, 0.0],
            [1.0, 0.0],
            [1.0, 1.0],
            [0.0, 1.0],
            [0.0, 0.0],
        ])
        .unwrap();
        assert!(r.contains(LatLon { lat: 0.5, lon: 0.5 }));
        assert!(!r.contains(LatLon { lat: 1.5, lon: 0.5 }));
    }

    #[test]
    fn rejects_open_degenerate_and_bad_rings() {
        assert!(matches!(
            Ring::new(vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]),
            Err(RingError::NotClosed { .. })
        ));
        assert!(matches!(
            Ring::new(vec![[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [0.0, 0.0]]),
            Err(RingError::ZeroArea)
        ));
        assert!(matches!(
            Ring::new(vec![[0.0, 0.0], [0.0, 0.0]]),
            Err(RingError::TooFewVertices(_))
        ));
        assert!(matches!(
            Ring::new(vec![[0.0, 0.0], [200.0, 0.0], [1.0, 1.0], [0.0, 0.0]]),
            Err(RingError::BadCoordinate(_))
        ));
    }
}
